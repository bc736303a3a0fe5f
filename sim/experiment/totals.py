"""Streaming totals of per-replication rows: everything the summary needs, in flat memory.

A run of 100,000 replications must not hold 100,000 rows to summarise them. Each row is
folded into :class:`Totals` as it arrives and then dropped, each column as its
:class:`~sim.experiment.outcomes.Column` says (:func:`~sim.experiment.outcomes.aggregate_of`):

- ``mean`` columns keep the count, the sum and the sum of squares of the finite values
  exactly (a float is an integer multiple of 2**-1074, so they are sums of integers), so
  the mean and standard deviation are rounded once at the end and do not depend on the
  order rows arrive in;
- ``category`` columns keep counts of each non-empty value (shares, Wilson intervals);
- ``month`` columns keep a histogram of the months at which the thing happened; the time
  to the first fracture also keeps, per cause, the fracture months (events of competing
  risks) and the months simulated by replications without a fracture (censored), from
  which the Kaplan-Meier curve and cumulative incidence are computed exactly.

Totals serialise to JSON so a run's checkpoint can carry them across a resume.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction

from sim.experiment.outcomes import aggregate_of

FRACTURE_EVENT = "fracture_event"  # histogram of fracture months, any cause
FRACTURE_CENSORED = "fracture_censored"  # months simulated by replications with none
SCALE = 1074  # the smallest positive float is 2**-1074


@dataclass
class Moments:
    """Exact count, sum and sum of squares of the finite values seen, and the others.

    Attributes:
        n: finite values.
        scaled: their exact sum, in units of 2**-SCALE (:attr:`total` as a fraction).
        scaled_sq: the exact sum of their squares, in units of 2**-(2 SCALE)
            (:attr:`total_sq`).
        missing: values that were NaN (undefined for that replication).
    """

    n: int = 0
    scaled: int = 0
    scaled_sq: int = 0
    missing: int = 0

    def add(self, x: float) -> None:
        """Fold in one value (NaN counts as missing)."""
        if not math.isfinite(x):
            self.missing += 1
            return
        # Every finite float is an integer multiple of 2**-SCALE: sum those integers.
        num, den = x.as_integer_ratio()
        q = num << (SCALE - den.bit_length() + 1)
        self.n += 1
        self.scaled += q
        self.scaled_sq += q * q

    @property
    def total(self) -> Fraction:
        """The exact sum of the finite values."""
        return Fraction(self.scaled, 1 << SCALE)

    @property
    def total_sq(self) -> Fraction:
        """The exact sum of their squares."""
        return Fraction(self.scaled_sq, 1 << (2 * SCALE))

    def to_json(self) -> list:
        """``[n, "sum", "sum of squares", missing]``, the sums as exact ``p/q`` strings."""
        return [self.n, str(self.total), str(self.total_sq), self.missing]

    @classmethod
    def from_json(cls, data: list) -> Moments:
        """Inverse of :meth:`to_json`."""
        total, total_sq = Fraction(data[1]), Fraction(data[2])
        return cls(
            int(data[0]),
            total.numerator * ((1 << SCALE) // total.denominator),
            total_sq.numerator * ((1 << (2 * SCALE)) // total_sq.denominator),
            int(data[3]),
        )


@dataclass
class Totals:
    """Everything the summary needs from the rows and failures of a run.

    Attributes:
        replications: rows folded in (successful replications).
        failures: replications that raised.
        first_failure: the failure record of the lowest-numbered one, or None.
        moments: per ``mean`` column.
        counts: per ``category`` column, counts of each non-empty value.
        histograms: per ``month`` column, counts of each month; plus
            :data:`FRACTURE_EVENT` (``:cause`` per cause) and :data:`FRACTURE_CENSORED`.
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
            how = aggregate_of(key)
            if how == "mean":
                self.moments.setdefault(key, Moments()).add(float(value))
            elif how == "category":
                if value:
                    self.counts.setdefault(key, Counter())[value] += 1
            elif how == "month":
                month = float(value)
                if math.isfinite(month):
                    self._hist(key)[month] += 1
        fracture = float(row["fracture_month"])
        if math.isfinite(fracture):
            self._hist(FRACTURE_EVENT)[fracture] += 1
            self._hist(f"{FRACTURE_EVENT}:{row['fracture_how']}")[fracture] += 1
        else:
            self._hist(FRACTURE_CENSORED)[float(row["months"])] += 1

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
