"""Influence: earned standing that fades back to formal weight, and de facto leadership.

Each holder (partner or state funder) has a *standing*. Every month it decays towards the
holder's formal baseline (its share of the holders' equity) with time scale
``memory_months``, and grows with proposals passed, outcomes landing near its ideal point,
capital put in and funding outside the structure. Its *influence share* is its standing
over everyone's. Influence matters: voters grant a proposer extra tolerance for its
influence above an equal share (``dynamics.influence_deference``), it weighs the
compromises of the deadlock ladder, and under ``most_influential`` it sets the agenda.

The de facto leader (DESIGN.md): a holder whose share stays at or above a threshold for
``leader.months`` consecutive months while it is in the venture. The rules here are
shared rules (:mod:`sim.model.shared`), run by both engines.
"""

from __future__ import annotations

from collections.abc import MutableSequence, Sequence

from sim.model.shared import shared_rule

TIE = 1e-12


@shared_rule
def baseline_shares(stakes: Sequence[float], out: MutableSequence[float]) -> None:
    """Write each holder's formal weight: its share of the holders' stakes (equal if all 0)."""
    n = len(stakes)
    total = 0.0
    for i in range(n):
        total += stakes[i]
    for i in range(n):
        out[i] = stakes[i] / total if total > 0 else 1.0 / n


@shared_rule
def relax(
    standing: MutableSequence[float], baseline: Sequence[float], memory_months: float
) -> None:
    """One month of fading towards the baseline, in place: ``s += (b - s) / memory``."""
    rate = 1.0 / max(memory_months, 1.0)
    for i in range(len(standing)):
        standing[i] = standing[i] + (baseline[i] - standing[i]) * rate


@shared_rule
def shares(standing: Sequence[float], out: MutableSequence[float]) -> None:
    """Write influence shares: each standing over the total, in [0, 1], summing to 1."""
    n = len(standing)
    total = 0.0
    for i in range(n):
        total += standing[i]
    for i in range(n):
        out[i] = standing[i] / total if total > 0 else 1.0 / n


@shared_rule
def leader_threshold(share: float, margin: float, holders: int) -> float:
    """The influence share a leader must hold: ``share`` if > 0, else 1/n + ``margin``.

    Args:
        share: the scenario's ``leader.share``, or 0 when it sets none.
        margin: ``leader.margin``.
        holders: holders in the venture this month (partners and the state funder).
    """
    if share > 0:
        return share
    return min(1.0, 1.0 / holders + margin)


@shared_rule
def update_streaks(
    month: int,
    active: Sequence[bool],
    share: Sequence[float],
    threshold: float,
    streak_start: MutableSequence[int],
) -> None:
    """Record a month's shares: each holder's current streak at or above the threshold.

    Args:
        month: the month (1-based).
        active: per holder, whether it is in the venture this month; a holder that is not
            has no streak (it cannot lead a venture it has left).
        share: per holder, its influence share this month (ignored when not active).
        threshold: the leader threshold this month.
        streak_start: per holder, the first month of its current streak or -1; updated.
    """
    for i in range(len(active)):
        if active[i] and share[i] >= threshold - TIE:
            if streak_start[i] < 0:
                streak_start[i] = month
        else:
            streak_start[i] = -1


@shared_rule
def current_leader(month: int, streak_start: Sequence[int], months: int) -> int:
    """The de facto leader now: the longest-running streak of at least ``months`` months.

    Returns:
        The holder's index (ties: the first listed), or -1 when nobody leads.
    """
    best = -1
    for i in range(len(streak_start)):
        start = streak_start[i]
        if start >= 0 and month - start + 1 >= months and (best < 0 or start < streak_start[best]):
            best = i
    return best
