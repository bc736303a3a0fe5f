"""Influence: earned standing that fades back to formal weight, and de facto leadership.

Each holder (partner or state funder) has a *standing*. Every month it decays towards the
holder's formal baseline (its share of the holders' equity) with time scale
``memory_months``, and grows with proposals passed, outcomes landing near its ideal point,
capital put in and funding outside the structure. Its *influence share* is its standing
over everyone's. The de facto leader is the first holder whose share stays at or above a
threshold for a number of consecutive months (DESIGN.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


def baseline_shares(stakes: Sequence[float]) -> list[float]:
    """Formal weight of each holder: its share of the holders' stakes (equal if all 0)."""
    total = sum(stakes)
    if total <= 0:
        return [1.0 / len(stakes)] * len(stakes)
    return [s / total for s in stakes]


def relax(
    standing: Sequence[float], baseline: Sequence[float], memory_months: float
) -> list[float]:
    """One month of fading towards the baseline: ``s += (b - s) / memory``."""
    rate = 1.0 / max(memory_months, 1.0)
    return [s + (b - s) * rate for s, b in zip(standing, baseline, strict=True)]


def shares(standing: Sequence[float]) -> list[float]:
    """Influence shares: each standing over the total, in [0, 1], summing to 1."""
    total = sum(standing)
    if total <= 0:
        return [1.0 / len(standing)] * len(standing)
    return [s / total for s in standing]


def leader_threshold(share: float | None, margin: float, holders: int) -> float:
    """The influence share a leader must hold: ``share`` or 1/n + ``margin``."""
    return share if share is not None else min(1.0, 1.0 / holders + margin)


@dataclass
class LeaderWatch:
    """Detects the first de facto leader from monthly influence shares.

    Attributes:
        months: consecutive months at or above the threshold that make a leader.
        streaks: month each holder's current streak started, by name.
        leader: the leader's name once one emerged, else None.
        since: the first month of the leader's winning streak.
    """

    months: int
    streaks: dict[str, int] = field(default_factory=dict)
    leader: str | None = None
    since: int | None = None

    def observe(
        self, month: int, names: Sequence[str], share: Sequence[float], threshold: float
    ) -> bool:
        """Record a month's shares.

        Returns:
            True in the month a leader is first detected.
        """
        for name, s in zip(names, share, strict=True):
            if s >= threshold - 1e-12:
                self.streaks.setdefault(name, month)
            else:
                self.streaks.pop(name, None)
        if self.leader is not None:
            return False
        ready = [
            (start, name)
            for name, start in self.streaks.items()
            if month - start + 1 >= self.months
        ]
        if ready:
            self.since, self.leader = min(ready)
            return True
        return False
