"""Streaming totals of per-replication rows: everything the summary needs, in flat memory.

A run of 100,000 replications must not hold 100,000 rows to summarise them. Each row is
folded into :class:`Totals` as it arrives and then dropped, each column as its
:class:`~sim.experiment.outcomes.Column` says (:func:`~sim.experiment.outcomes.aggregate_of`):

- ``mean`` columns keep the count, the sum and the sum of squares of the finite values
  exactly (a float is an integer multiple of 2**-1074, so they are sums of integers), so
  the mean and standard deviation are rounded once at the end and do not depend on the
  order rows arrive in nor on how they are cut into blocks (:func:`exact_sums` adds a
  whole column of a :class:`~sim.experiment.block.RowBlock` at once, in integer limbs);
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

import numpy as np

from sim.experiment.block import RowBlock
from sim.experiment.outcomes import aggregate_of

FRACTURE_EVENT = "fracture_event"  # histogram of fracture months, any cause
FRACTURE_CENSORED = "fracture_censored"  # months simulated by replications with none
SCALE = 1074  # the smallest positive float is 2**-1074
_LIMB = 18  # |mantissa| < 2**54 = three 18-bit limbs; limb products fit in int64 sums
_MASK = (1 << _LIMB) - 1


def exact_sums(values: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Exact count, sum and sum of squares of the finite values of each column, and NaNs.

    Each finite float is ``M * 2**s`` in units of 2**-SCALE (``M`` its 53-bit mantissa,
    ``s >= 0``). Values of a column with the same ``s`` are summed in NumPy, ``M`` and
    ``M*M`` cut into 18-bit limbs whose products stay below 2**37, so a bin's sum of at
    most 2**16 of them is an integer below 2**53, exact even in ``bincount``'s doubles;
    one big-integer step per column and distinct exponent is left to Python.

    Args:
        values: ``(rows, columns)`` floats (a 1-D array is one column).

    Returns:
        Per column ``(n, scaled, scaled_sq, missing)``, as :class:`Moments` holds them.
    """
    x = np.asarray(values, dtype=np.float64)
    x = x[:, None] if x.ndim == 1 else x
    out = [[0, 0, 0, 0] for _ in range(x.shape[1])]
    for at in range(0, len(x), _ROWS):
        for j, sums in enumerate(_exact_sums(x[at : at + _ROWS])):
            for i in range(4):
                out[j][i] += sums[i]
    return [(n, total, total_sq, missing) for n, total, total_sq, missing in out]


_ROWS = 1 << 16


def _exact_sums(x: np.ndarray) -> list[list[int]]:
    """:func:`exact_sums` of at most :data:`_ROWS` rows."""
    width = x.shape[1]
    finite = np.isfinite(x)
    out = [[k, 0, 0, len(x) - k] for k in finite.sum(axis=0).tolist()]
    col = np.broadcast_to(np.arange(width), x.shape)[finite]
    x = x[finite]
    if not len(x):
        return out
    m, e = np.frexp(x)
    mant = np.ldexp(m, 53).astype(np.int64)  # exact: |m| in [0.5, 1)
    shift = e.astype(np.int64) + (SCALE - 53)
    low = shift < 0  # subnormals: their low mantissa bits are zero, shift them out
    if low.any():
        mant[low] >>= -shift[low]
        shift[low] = 0
    lowest = int(shift.min())
    span = int(shift.max()) - lowest + 1
    key = col * span + (shift - lowest)
    bins = width * span
    a, b, c = mant >> (2 * _LIMB), (mant >> _LIMB) & _MASK, mant & _MASK
    ua = np.abs(mant)
    ah, bh, ch = ua >> (2 * _LIMB), (ua >> _LIMB) & _MASK, ua & _MASK
    limbs = (a, b, c, ah * ah, 2 * ah * bh, 2 * ah * ch + bh * bh, 2 * bh * ch, ch * ch)
    sums = np.empty((bins, 8), dtype=np.int64)
    for i, limb in enumerate(limbs):
        sums[:, i] = np.bincount(key, weights=limb, minlength=bins)
    present = np.flatnonzero(np.bincount(key, minlength=bins))
    # Per column, exponents ascending: sum relative to the smallest, shift once.
    base: dict[int, int] = {}
    for k, row in zip(present.tolist(), sums[present].tolist(), strict=True):
        j, s = divmod(k, span)
        s -= base.setdefault(j, s)
        sa, sb, sc, s0, s1, s2, s3, s4 = row
        out[j][1] += ((sa << (2 * _LIMB)) + (sb << _LIMB) + sc) << s
        out[j][2] += (
            (s0 << (4 * _LIMB)) + (s1 << (3 * _LIMB)) + (s2 << (2 * _LIMB)) + (s3 << _LIMB) + s4
        ) << (2 * s)
    for j, s in base.items():
        out[j][1] <<= s + lowest
        out[j][2] <<= 2 * (s + lowest)
    return out


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

    def add_array(self, values: np.ndarray) -> None:
        """Fold in many values at once (the same result as :meth:`add` for each)."""
        self.add_sums(*exact_sums(values)[0])

    def add_sums(self, n: int, scaled: int, scaled_sq: int, missing: int) -> None:
        """Fold in what :func:`exact_sums` found for a column."""
        self.n += n
        self.scaled += scaled
        self.scaled_sq += scaled_sq
        self.missing += missing

    def merge(self, other: Moments) -> None:
        """Add another column's moments to these."""
        self.n += other.n
        self.scaled += other.scaled
        self.scaled_sq += other.scaled_sq
        self.missing += other.missing

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

    def add_block(self, block: RowBlock) -> None:
        """Fold in a block of rows (the same totals as :meth:`add_row` for each row)."""
        if not block.count:
            return
        self.replications += block.count
        means = [key for key in block.columns if aggregate_of(key) == "mean"]
        if means:
            matrix = np.stack([block.floats(key) for key in means], axis=1)
            for key, sums in zip(means, exact_sums(matrix), strict=True):
                self.moments.setdefault(key, Moments()).add_sums(*sums)
        for key, values in block.columns.items():
            how = aggregate_of(key)
            if how == "category":
                seen = Counter(v for v in _listed(values) if v)
                if seen:
                    self.counts.setdefault(key, Counter()).update(seen)
            elif how == "month":
                self._hist_add(key, block.floats(key))
        fracture = block.floats("fracture_month")
        broke = np.isfinite(fracture)
        if broke.any():
            self._hist_add(FRACTURE_EVENT, fracture)
            hows = np.array(_listed(block.columns["fracture_how"]), dtype=object)
            for how in dict.fromkeys(hows[broke].tolist()):
                self._hist_add(f"{FRACTURE_EVENT}:{how}", fracture[broke & (hows == how)])
        if not broke.all():
            self._hist_add(FRACTURE_CENSORED, block.floats("months")[~broke])

    def _hist_add(self, key: str, months: np.ndarray) -> None:
        """Count the finite months of an array in a histogram."""
        months = months[np.isfinite(months)]
        if len(months):
            values, counts = np.unique(months, return_counts=True)
            self._hist(key).update(dict(zip(values.tolist(), counts.tolist(), strict=True)))

    def merge(self, other: Totals) -> None:
        """Add another run's totals to these (a pooled experiment)."""
        self.replications += other.replications
        for failure in [other.first_failure] if other.first_failure else []:
            self.add_failure(failure)
            self.failures -= 1
        self.failures += other.failures
        for key, m in other.moments.items():
            self.moments.setdefault(key, Moments()).merge(m)
        for key, c in other.counts.items():
            self.counts.setdefault(key, Counter()).update(c)
        for key, c in other.histograms.items():
            self._hist(key).update(c)

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


def _listed(values) -> list:
    return values.tolist() if isinstance(values, np.ndarray) else list(values)
