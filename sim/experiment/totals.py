"""Streaming totals of per-replication rows: everything the summary needs, in flat memory.

A run of 100,000 replications must not hold 100,000 rows to summarise them. Each row is
folded into :class:`Totals` as it arrives and then dropped:

- means with t intervals keep the count, the sum and the sum of squares of the finite
  values as exact fractions (a float is a dyadic rational, so the sums are exact), so the
  mean and standard deviation are rounded once at the end and do not depend on the order
  rows arrive in;
- shares with Wilson intervals keep counts;
- time to first fracture keeps integer histograms of fracture months (events) and of
  months simulated by replications that did not fracture (censored), from which the
  Kaplan-Meier curve is computed exactly; the leader's month likewise, for its median.

Totals serialise to JSON so a run's checkpoint can carry them across a resume.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction

MEANS = ("latency_mean", "undecided_share", "first_reserved_decision_month")
COUNTS = ("leader", "fracture_partner", "fracture_how", "final_state")
HISTOGRAMS = ("leader_month", "fracture_event", "fracture_censored")


@dataclass
class Moments:
    """Exact count, sum and sum of squares of the finite values seen, and the others.

    Attributes:
        n: finite values.
        total: their exact sum.
        total_sq: the exact sum of their squares.
        missing: values that were NaN (undefined for that replication).
    """

    n: int = 0
    total: Fraction = Fraction(0)
    total_sq: Fraction = Fraction(0)
    missing: int = 0

    def add(self, x: float) -> None:
        """Fold in one value (NaN counts as missing)."""
        if not math.isfinite(x):
            self.missing += 1
            return
        q = Fraction(x)
        self.n += 1
        self.total += q
        self.total_sq += q * q

    def to_json(self) -> list:
        """``[n, "sum", "sum of squares", missing]``, the sums as exact ``p/q`` strings."""
        return [self.n, str(self.total), str(self.total_sq), self.missing]

    @classmethod
    def from_json(cls, data: list) -> Moments:
        """Inverse of :meth:`to_json`."""
        return cls(int(data[0]), Fraction(data[1]), Fraction(data[2]), int(data[3]))


@dataclass
class Totals:
    """Everything the summary needs from the rows and failures of a run.

    Attributes:
        replications: rows folded in (successful replications).
        failures: replications that raised.
        first_failure: the failure record of the lowest-numbered one, or None.
        moments: per mean-type column (:data:`MEANS` and influence columns).
        counts: per categorical column (:data:`COUNTS`), counts of each non-empty value.
        histograms: per month-type quantity (:data:`HISTOGRAMS`), counts of each month.
    """

    replications: int = 0
    failures: int = 0
    first_failure: dict | None = None
    moments: dict[str, Moments] = field(default_factory=dict)
    counts: dict[str, Counter] = field(default_factory=dict)
    histograms: dict[str, Counter] = field(default_factory=dict)

    def add_row(self, row: dict) -> None:
        """Fold in one replication's row (as made by :func:`~sim.experiment.outcomes.observe`)."""
        self.replications += 1
        for key, value in row.items():
            if key in MEANS or key.startswith("influence_"):
                self.moments.setdefault(key, Moments()).add(float(value))
        for key in COUNTS:
            if row[key]:
                self.counts.setdefault(key, Counter())[row[key]] += 1
        fracture = float(row["fracture_month"])
        if row["leader"]:
            self._hist("leader_month")[float(row["leader_month"])] += 1
        if math.isfinite(fracture):
            self._hist("fracture_event")[fracture] += 1
        else:
            self._hist("fracture_censored")[float(row["months"])] += 1

    def add_failure(self, failure: dict) -> None:
        """Count a failed replication; remember the first (lowest replication number)."""
        self.failures += 1
        first = self.first_failure
        if first is None or failure["replication"] < first["replication"]:
            self.first_failure = dict(failure)

    def _hist(self, key: str) -> Counter:
        return self.histograms.setdefault(key, Counter())

    def moment(self, key: str) -> Moments:
        """The moments of a column (empty if no row had it)."""
        return self.moments.get(key, Moments())

    def count(self, key: str) -> Counter:
        """Counts of a categorical column (empty if none)."""
        return self.counts.get(key, Counter())

    def histogram(self, key: str) -> Counter:
        """A month histogram (empty if none)."""
        return self.histograms.get(key, Counter())

    def to_json(self) -> dict:
        """A JSON-ready dict, exact (fractions as strings), in a stable key order."""
        return {
            "replications": self.replications,
            "failures": self.failures,
            "first_failure": self.first_failure,
            "moments": {k: m.to_json() for k, m in sorted(self.moments.items())},
            "counts": {k: dict(sorted(c.items())) for k, c in sorted(self.counts.items())},
            "histograms": {k: sorted(c.items()) for k, c in sorted(self.histograms.items())},
        }

    @classmethod
    def from_json(cls, data: dict) -> Totals:
        """Inverse of :meth:`to_json`."""
        return cls(
            replications=int(data["replications"]),
            failures=int(data["failures"]),
            first_failure=data["first_failure"],
            moments={k: Moments.from_json(v) for k, v in data["moments"].items()},
            counts={k: Counter(v) for k, v in data["counts"].items()},
            histograms={
                k: Counter({float(m): int(c) for m, c in v}) for k, v in data["histograms"].items()
            },
        )
