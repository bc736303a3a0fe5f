"""The venture's ledger of closed issues: decisions and issues closed undecided.

Latency outcomes are read from here: a decision records its month, its latency (months
from arrival) and whether it was a reserved matter; an issue closed without a decision
(dropped after a deadlock, lapsed, funded outside the venture) records the same, and
counts as censored in the latency estimates (:mod:`sim.experiment.latency`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: (month, latency in months, reserved?)
Closed = tuple[int, int, bool]


@dataclass
class Ledger:
    """Closed issues of one replication, in the order they closed.

    Attributes:
        decisions: issues the venture decided.
        drops: issues closed undecided.
    """

    decisions: list[Closed] = field(default_factory=list)
    drops: list[Closed] = field(default_factory=list)

    def decided(self, month: int, latency: int, reserved: bool) -> None:
        """Record a decision."""
        self.decisions.append((month, latency, reserved))

    def dropped(self, month: int, latency: int, reserved: bool) -> None:
        """Record an issue closed undecided."""
        self.drops.append((month, latency, reserved))

    def recent_latencies(self, month: int, window: int) -> list[int]:
        """Latencies of the decisions of the last ``window`` months (months)."""
        return [lat for m, lat, _ in self.decisions if m > month - window]

    def mean_latency(self) -> float:
        """Mean latency of the decisions so far (months; NaN before the first)."""
        if not self.decisions:
            return float("nan")
        return sum(lat for _, lat, _ in self.decisions) / len(self.decisions)
