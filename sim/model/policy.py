"""Spatial preferences: utility loss of a proposal, and how far a partner lets a policy move.

A partner's utility for a policy is minus its salience-weighted (L1) distance to its ideal
point. On an issue the venture only moves along the issue's dimensions, and a proposer
moves the status quo along the segment towards its own ideal point:
``x(lam) = status_quo + lam * (target - status_quo)`` with ``lam`` in [0, 1]. A partner's
loss along that segment is convex and piecewise linear in ``lam`` and zero at ``lam = 0``,
so the proposals it accepts are exactly ``lam`` in ``[0, lam*]``: :func:`acceptance_limit`
finds ``lam*`` exactly.
"""

from __future__ import annotations

from collections.abc import Sequence

EPS = 1e-12


def loss(
    ideal: Sequence[float],
    salience: Sequence[float],
    status_quo: Sequence[float],
    proposal: Sequence[float],
) -> float:
    """Utility lost by moving from the status quo to a proposal (negative = a gain).

    Args:
        ideal: the partner's ideal point on the issue's dimensions, each in [0, 1].
        salience: its salience on those dimensions (weights >= 0).
        status_quo: the status quo on those dimensions.
        proposal: the proposed policy on those dimensions.

    Returns:
        ``sum(s * (|proposal - ideal| - |status_quo - ideal|))`` in value units.
    """
    if len(ideal) == 1:  # most issues concern one dimension: skip the generator
        p = ideal[0]
        return salience[0] * (abs(proposal[0] - p) - abs(status_quo[0] - p))
    return sum(
        s * (abs(x - p) - abs(q - p))
        for p, s, q, x in zip(ideal, salience, status_quo, proposal, strict=True)
    )


def point_on_segment(
    status_quo: Sequence[float], target: Sequence[float], lam: float
) -> tuple[float, ...]:
    """The policy a share ``lam`` of the way from the status quo to a target."""
    return tuple(q + lam * (t - q) for q, t in zip(status_quo, target, strict=True))


def acceptance_limit(
    ideal: Sequence[float],
    salience: Sequence[float],
    status_quo: Sequence[float],
    target: Sequence[float],
    tolerance: float,
) -> float:
    """The largest move towards ``target`` a partner accepts.

    Args:
        ideal: the partner's ideal point on the issue's dimensions.
        salience: its salience on those dimensions.
        status_quo: the status quo.
        target: where the proposer wants to go.
        tolerance: the loss it accepts (value units, >= 0).

    Returns:
        ``lam*`` in [0, 1]: the partner votes yes on ``point_on_segment(sq, target, lam)``
        exactly when ``lam <= lam*`` (up to rounding).
    """
    if len(ideal) == 1:
        return _acceptance_limit_1d(ideal[0], salience[0], status_quo[0], target[0], tolerance)
    # Breakpoints of the piecewise-linear loss: where the segment crosses an ideal point.
    knots = {1.0}
    for p, q, t in zip(ideal, status_quo, target, strict=True):
        d = t - q
        if abs(d) > EPS:
            k = (p - q) / d
            if 0.0 < k < 1.0:
                knots.add(k)
    prev_lam, prev_loss = 0.0, 0.0
    for lam in sorted(knots):
        here = loss(ideal, salience, status_quo, point_on_segment(status_quo, target, lam))
        if here > tolerance + EPS:
            # Linear between knots: interpolate where the loss crosses the tolerance.
            return prev_lam + (lam - prev_lam) * (tolerance - prev_loss) / (here - prev_loss)
        prev_lam, prev_loss = lam, here
    return 1.0


def _acceptance_limit_1d(p: float, s: float, q: float, t: float, tolerance: float) -> float:
    """:func:`acceptance_limit` in one dimension, in closed form.

    Moving from q towards t costs nothing while the policy approaches the ideal p; the
    loss is back to 0 at twice the distance to p (``lam = 2k``, where ``k`` is the share of
    the way at which p is passed) and grows by ``s * |t - q|`` per unit of ``lam`` after.
    """
    d = t - q
    if s <= 0 or abs(d) <= EPS:
        return 1.0
    k = (p - q) / d
    if k >= 1.0:
        return 1.0
    lam = tolerance / (s * abs(d)) + (2 * k if k > 0 else 0.0)
    return lam if lam < 1.0 else 1.0


def weighted_compromise(
    ideals: Sequence[Sequence[float]], weights: Sequence[Sequence[float]]
) -> tuple[float, ...]:
    """The weighted mean of ideal points, per dimension (an arbitrator's compromise).

    Args:
        ideals: one ideal point per partner on the issue's dimensions.
        weights: one non-negative weight per partner and dimension
            (``weights[i][k]``: influence times salience of partner i on dimension k).

    Returns:
        The compromise policy; on a dimension nobody weighs, the plain mean.
    """
    dims = len(ideals[0])
    out = []
    for k in range(dims):
        total = sum(w[k] for w in weights)
        if total > EPS:
            out.append(sum(p[k] * w[k] for p, w in zip(ideals, weights, strict=True)) / total)
        else:
            out.append(sum(p[k] for p in ideals) / len(ideals))
    return tuple(out)
