"""Spatial preferences: what a proposal costs a partner, and how far it lets a policy move.

A partner's utility for a policy is minus its salience-weighted (L1) distance to its ideal
point, times the issue's importance: so a loss is in *value units*, the unit of
tolerances, payoffs and satisfaction. On an issue the venture only moves along the
issue's dimensions, and a proposer moves the status quo (the venture's live policy on
those dimensions) along the segment towards its own ideal point:
``x(lam) = status_quo + lam * (target - status_quo)`` with ``lam`` in [0, 1]. A partner's
loss along that segment is convex and piecewise linear in ``lam`` and zero at ``lam = 0``,
so the proposals it accepts are exactly ``lam`` in ``[0, lam*]``: :func:`acceptance_limit`
finds ``lam*`` exactly.

These are shared rules (:mod:`sim.model.shared`): plain functions of numbers and
sequences, called as Python by the Mesa model and compiled by the fast engine. Sequences
may be tuples, lists or NumPy arrays; results go into an ``out`` sequence where a function
returns several numbers.
"""

from __future__ import annotations

from collections.abc import MutableSequence, Sequence

from sim.model.shared import shared_rule

EPS = 1e-12


def normalised(values: Sequence[float]) -> tuple[float, ...]:
    """Weights scaled to sum to 1 (equal weights when they sum to 0 or less)."""
    total = sum(values)
    if total <= 0:
        return tuple(1.0 / len(values) for _ in values)
    return tuple(v / total for v in values)


@shared_rule
def loss_at(
    ideal: Sequence[float],
    salience: Sequence[float],
    status_quo: Sequence[float],
    target: Sequence[float],
    lam: float,
) -> float:
    """Loss per unit importance of the point a share ``lam`` of the way to ``target``.

    Args:
        ideal: the partner's ideal point on the issue's dimensions, each in [0, 1].
        salience: its salience on those dimensions (weights >= 0).
        status_quo: the status quo on those dimensions.
        target: where the proposer wants to go.
        lam: share of the way, in [0, 1].

    Returns:
        ``sum(s * (|x - ideal| - |status_quo - ideal|))`` with ``x = q + lam * (t - q)``
        (policy units weighted by salience; negative = a gain).
    """
    total = 0.0
    for i in range(len(ideal)):
        q = status_quo[i]
        x = q + lam * (target[i] - q)
        total += salience[i] * (abs(x - ideal[i]) - abs(q - ideal[i]))
    return total


@shared_rule
def loss(
    ideal: Sequence[float],
    salience: Sequence[float],
    status_quo: Sequence[float],
    proposal: Sequence[float],
) -> float:
    """Loss per unit importance of replacing the status quo by a proposal.

    Args:
        ideal: the partner's ideal point on the issue's dimensions, each in [0, 1].
        salience: its salience on those dimensions (weights >= 0).
        status_quo: the status quo on those dimensions.
        proposal: the proposed policy on those dimensions.

    Returns:
        ``sum(s * (|proposal - ideal| - |status_quo - ideal|))``; negative means a gain.
        Multiply by the issue's importance for value units.
    """
    total = 0.0
    for i in range(len(ideal)):
        total += salience[i] * (abs(proposal[i] - ideal[i]) - abs(status_quo[i] - ideal[i]))
    return total


@shared_rule
def point_on_segment(
    status_quo: Sequence[float], target: Sequence[float], lam: float, out: MutableSequence[float]
) -> None:
    """Write into ``out`` the policy a share ``lam`` of the way from the status quo."""
    for i in range(len(status_quo)):
        q = status_quo[i]
        out[i] = q + lam * (target[i] - q)


@shared_rule
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
        tolerance: the loss it accepts, per unit importance (tolerance in value units over
            the issue's importance; >= 0).

    Returns:
        ``lam*`` in [0, 1]: the partner votes yes on the point ``lam`` of the way exactly
        when ``lam <= lam*`` (up to rounding).
    """
    if len(ideal) == 1:
        return _acceptance_limit_1d(ideal[0], salience[0], status_quo[0], target[0], tolerance)
    # Breakpoints of the piecewise-linear loss: where the segment crosses an ideal point,
    # and 1; visited in increasing order (a scan for the next one: no list to sort).
    prev_lam, prev_loss = 0.0, 0.0
    while prev_lam < 1.0:
        lam = 1.0
        for i in range(len(ideal)):
            d = target[i] - status_quo[i]
            if abs(d) > EPS:
                k = (ideal[i] - status_quo[i]) / d
                if prev_lam < k < lam:
                    lam = k
        here = loss_at(ideal, salience, status_quo, target, lam)
        if here > tolerance + EPS:
            # Linear between knots: interpolate where the loss crosses the tolerance.
            return prev_lam + (lam - prev_lam) * (tolerance - prev_loss) / (here - prev_loss)
        prev_lam, prev_loss = lam, here
    return 1.0


@shared_rule
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
    slope = s * abs(d)
    if slope <= 0.0:  # the product underflowed (a subnormal salience): no loss to speak of
        return 1.0
    lam = tolerance / slope + (2 * k if k > 0 else 0.0)
    return lam if lam < 1.0 else 1.0


@shared_rule
def weighted_compromise(
    ideals: Sequence[Sequence[float]],
    weights: Sequence[Sequence[float]],
    out: MutableSequence[float],
) -> None:
    """Write into ``out`` the weighted mean of ideal points, per dimension.

    The compromise an arbitrator, mediator or the parents' chiefs impose.

    Args:
        ideals: one ideal point per partner on the issue's dimensions (``ideals[i][k]``).
        weights: one non-negative weight per partner and dimension (``weights[i][k]``:
            influence share times salience of partner i on dimension k).
        out: receives the compromise; on a dimension nobody weighs, the plain mean.
    """
    n = len(ideals)
    for k in range(len(out)):
        total = 0.0
        for i in range(n):
            total += weights[i][k]
        if total > EPS:
            acc = 0.0
            for i in range(n):
                acc += ideals[i][k] * weights[i][k]
            out[k] = acc / total
        else:
            acc = 0.0
            for i in range(n):
                acc += ideals[i][k]
            out[k] = acc / n
