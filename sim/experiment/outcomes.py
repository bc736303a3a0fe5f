"""Per-replication outcomes, declared once.

Each column of ``runs.csv`` is a :class:`Column` (name, unit, meaning, and how the summary
aggregates it); :func:`observe` turns a finished :class:`~sim.model.venture.Venture` into
one row with exactly those columns, plus per-holder columns (:func:`holder_columns`).
Pooled aggregates that do not fit a row (the latency distributions, influence shares per
month) are accumulated as integer histograms in :class:`Tally`, so they add up the same
whatever the order chunks arrive in.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sim.experiment.latency import TAU_MONTHS, km_latency

INFLUENCE_BINS = 100  # influence shares are binned in steps of 0.01

#: How the summary treats a column: ``key`` (identifies the row), ``mean`` (mean with a t
#: interval), ``category`` (counts of each non-empty value), ``month`` (a histogram of the
#: months at which something happened; empty = it did not), ``row`` (kept in the row only).
AGGREGATES = ("key", "mean", "category", "month", "row")


@dataclass(frozen=True)
class Column:
    """One per-replication outcome.

    Attributes:
        name: column name in ``runs.csv``.
        unit: its unit.
        meaning: what it is, for readers of the CSV and the docs.
        aggregate: how the summary aggregates it (one of :data:`AGGREGATES`).
        integer: whether its values are whole numbers (written without a decimal point).
    """

    name: str
    unit: str
    meaning: str
    aggregate: str = "row"
    integer: bool = False

    @property
    def text(self) -> bool:
        """Whether its values are text (names, modes, states) rather than numbers."""
        return self.unit in ("name", "mode", "state")


_REST = (
    f"restricted to {TAU_MONTHS} months (Kaplan-Meier; issues closed undecided or still "
    "open are censored)"
)

COLUMNS: tuple[Column, ...] = (
    Column("replication", "index", "replication number r (0-based)", "key", integer=True),
    Column(
        "seed",
        "integer",
        "replication seed; `sim trace SCENARIO --seed S` replays it",
        "key",
        integer=True,
    ),
    Column("issues", "count", "issues that arrived", "mean", integer=True),
    Column("decisions", "count", "issues decided by the venture", "mean", integer=True),
    Column(
        "reserved_latency_rmst",
        "months",
        f"mean months from a reserved matter's arrival to its decision, {_REST}",
        "mean",
    ),
    Column("reserved_latency_median", "months", "median of the same (empty if not reached)"),
    Column(
        "routine_latency_rmst",
        "months",
        f"mean months from a routine matter's arrival to its decision, {_REST}",
        "mean",
    ),
    Column("routine_latency_median", "months", "median of the same (empty if not reached)"),
    Column(
        "latency_mean",
        "months",
        "mean months from arrival to decision, decided issues only",
        "mean",
    ),
    Column("latency_median", "months", "median latency of the decided issues"),
    Column("latency_p90", "months", "90th percentile latency of the decided issues"),
    Column(
        "undecided_share",
        "share",
        "issues never decided (lapsed, dropped, funded outside, open at the end) over issues",
        "mean",
    ),
    Column(
        "reserved_undecided_share",
        "share",
        "reserved matters never decided over reserved matters (empty if none arrived)",
        "mean",
    ),
    Column(
        "first_reserved_decision_month",
        "month",
        "month of the first decision on a reserved matter (empty if none)",
        "mean",
    ),
    Column(
        "leader",
        "name",
        "de facto leader that emerged (empty if none; a designated leader does not count)",
        "category",
    ),
    Column("leader_month", "month", "first month of that leader's winning streak", "month"),
    Column(
        "designated_leader_month",
        "month",
        "first month of the designated leader's streak as de facto leader (empty if never)",
        "month",
    ),
    Column("fracture_month", "month", "month of the first fracture (empty if none)", "month"),
    Column("fracture_partner", "name", "partner who left first (empty for a wind-up)", "category"),
    Column(
        "fracture_how",
        "mode",
        "cause: exit, buy_out, liquidation, shotgun, put_call or wind_up",
        "category",
    ),
    Column("final_state", "state", "intact, reformed, fractured or dissolved", "category"),
    Column(
        "termination",
        "mode",
        "how the venture ended early: acquired, liquidated, wind_up or reform (empty if it "
        "ran to the horizon)",
        "category",
    ),
    Column(
        "termination_by", "name", "the partner who acquired, reformed or wound it up", "category"
    ),
    Column(
        "months", "months", "months simulated (less than the horizon if it ended)", integer=True
    ),
)

FINAL_STATES = ("intact", "reformed", "fractured", "dissolved")

#: Per-holder column families: (prefix, unit, meaning, aggregate).
HOLDER_FAMILIES = (
    ("influence_mean", "share", "mean influence share while in the venture", "mean"),
    ("influence_final", "share", "influence share in the last month (empty if it left)", "mean"),
    ("stake_final", "share", "equity share at the end", "mean"),
    ("exit_month", "month", "month it left the venture (empty if it stayed)", "month"),
)


def holder_columns(holders: list[str], investors: Sequence[str] = ()) -> list[Column]:
    """Per-holder columns (``influence_mean:NAME``...), and final stakes of investors."""
    cols = [
        Column(f"{prefix}:{n}", unit, f"{n}: {meaning}", aggregate)
        for n in holders
        for prefix, unit, meaning, aggregate in HOLDER_FAMILIES
    ]
    cols += [
        Column(f"stake_final:{n}", "share", f"{n}: equity share at the end", "mean")
        for n in investors
    ]
    return cols


def columns_for(holders: list[str], investors: list[str]) -> list[Column]:
    """Every column of a run's ``runs.csv``, in order."""
    return [*COLUMNS, *holder_columns(holders, investors)]


_AGGREGATE = {c.name: c.aggregate for c in COLUMNS}
_FAMILY = {prefix: aggregate for prefix, _, _, aggregate in HOLDER_FAMILIES}


def kind_of(name: str) -> str:
    """How a column's values are held: ``text``, ``int`` or ``float`` (holder columns)."""
    column = _COLUMN.get(name)
    if column is None:
        return "float"
    return "text" if column.text else "int" if column.integer else "float"


_COLUMN = {c.name: c for c in COLUMNS}


def aggregate_of(name: str) -> str:
    """How the summary aggregates a column of ``runs.csv`` (one of :data:`AGGREGATES`)."""
    if name in _AGGREGATE:
        return _AGGREGATE[name]
    return _FAMILY.get(name.split(":", 1)[0], "row")


@dataclass
class Tally:
    """Pooled integer histograms over replications.

    Attributes:
        latency: decisions by latency in whole months (index = months).
        reserved: reserved matters by months open, ``[0]`` decided, ``[1]`` censored.
        routine: routine matters likewise.
        influence: replications by month, holder and influence-share bin, counting only
            holders in the venture that month.
    """

    latency: np.ndarray
    reserved: np.ndarray
    routine: np.ndarray
    influence: np.ndarray

    @classmethod
    def empty(cls, horizon: int, holders: int) -> Tally:
        """An empty tally for a horizon (months) and a number of holders."""
        return cls(
            np.zeros(horizon + 1, dtype=np.int64),
            np.zeros((2, horizon + 1), dtype=np.int64),
            np.zeros((2, horizon + 1), dtype=np.int64),
            np.zeros((horizon, holders, INFLUENCE_BINS + 1), dtype=np.int64),
        )

    def arrays(self) -> dict[str, np.ndarray]:
        """The histograms by name (for checkpoints)."""
        return {
            "latency": self.latency,
            "reserved": self.reserved,
            "routine": self.routine,
            "influence": self.influence,
        }

    @classmethod
    def from_arrays(cls, arrays) -> Tally:
        """Inverse of :meth:`arrays` (copies)."""
        return cls(*(np.array(arrays[k]) for k in ("latency", "reserved", "routine", "influence")))

    def add(self, other: Tally) -> None:
        """Add another tally's counts to this one."""
        self.latency += other.latency
        self.reserved += other.reserved
        self.routine += other.routine
        self.influence += other.influence


def _or_nan(value: float | None) -> float:
    return math.nan if value is None else float(value)


def _issue_months(venture, reserved: bool) -> tuple[list[int], list[bool]]:
    """Months open and whether decided, for one class of issues (censored: undecided)."""
    ledger = venture.ledger
    months = [lat for _, lat, r in ledger.decisions if r is reserved]
    decided = [True] * len(months)
    censored = [lat for _, lat, r in ledger.drops if r is reserved]
    censored += [
        i.months_open(venture.month) for i in venture.open_issues if i.reserved is reserved
    ]
    return months + censored, decided + [False] * len(censored)


def observe(venture, replication: int, tally: Tally | None = None) -> dict:
    """One row of outcomes for a finished replication.

    Args:
        venture: a finished :class:`~sim.model.venture.Venture`.
        replication: its index r.
        tally: pooled histograms to add this replication's latencies and influence to.

    Returns:
        A dict with the columns of :func:`columns_for` as keys.
    """
    latencies = np.array([lat for _, lat, _ in venture.ledger.decisions], dtype=float)
    reserved = [month for month, _, is_reserved in venture.ledger.decisions if is_reserved]
    fracture = venture.fracture
    termination = venture.termination or ("", "")
    months = venture.month
    km: dict[bool, list[float]] = {}
    spans: dict[bool, tuple[list[int], list[bool]]] = {}
    for cls in (True, False):
        spans[cls] = _issue_months(venture, cls)
        km[cls] = [0.0, 0.0]
        km_latency(spans[cls][0], spans[cls][1], len(spans[cls][0]), TAU_MONTHS, km[cls])
    n_reserved = len(spans[True][0])
    leader = venture.first_leader
    row = {
        "replication": replication,
        "seed": venture.seed,
        "issues": venture.issue_count,
        "decisions": len(latencies),
        "reserved_latency_rmst": km[True][0],
        "reserved_latency_median": km[True][1],
        "routine_latency_rmst": km[False][0],
        "routine_latency_median": km[False][1],
        "latency_mean": float(latencies.mean()) if len(latencies) else math.nan,
        "latency_median": float(np.median(latencies)) if len(latencies) else math.nan,
        "latency_p90": float(np.percentile(latencies, 90)) if len(latencies) else math.nan,
        "undecided_share": (
            (venture.issue_count - len(latencies)) / venture.issue_count
            if venture.issue_count
            else 0.0
        ),
        "reserved_undecided_share": (
            (n_reserved - len(reserved)) / n_reserved if n_reserved else math.nan
        ),
        "first_reserved_decision_month": _or_nan(min(reserved) if reserved else None),
        "leader": leader[0] if leader else "",
        "leader_month": _or_nan(leader[1] if leader else None),
        "designated_leader_month": _or_nan(venture.designated_since),
        "fracture_month": _or_nan(fracture[0] if fracture else None),
        "fracture_partner": fracture[1] if fracture else "",
        "fracture_how": fracture[2] if fracture else "",
        "final_state": venture.final_state,
        "termination": termination[0],
        "termination_by": termination[1],
        "months": months,
    }
    history = venture.influence_history[:months]
    for h in venture.holders:
        column = history[:, h.order]
        present = column[np.isfinite(column)]
        row[f"influence_mean:{h.name}"] = float(present.mean()) if len(present) else math.nan
        row[f"influence_final:{h.name}"] = float(column[-1]) if months and h.active else math.nan
        row[f"stake_final:{h.name}"] = float(h.stake)
        row[f"exit_month:{h.name}"] = _or_nan(venture.exits.get(h.name))
    for v in venture.investors:
        row[f"stake_final:{v.name}"] = float(v.stake)
    if tally is not None:
        np.add.at(tally.latency, latencies.astype(int), 1)
        for cls, hist in ((True, tally.reserved), (False, tally.routine)):
            spans_m, decided = spans[cls]
            np.add.at(hist, (np.where(decided, 0, 1), np.asarray(spans_m, dtype=int)), 1)
        seen = np.isfinite(history)
        bins = np.clip(np.rint(np.where(seen, history, 0) * INFLUENCE_BINS), 0, INFLUENCE_BINS)
        month_idx, holder_idx = np.nonzero(seen)
        np.add.at(tally.influence, (month_idx, holder_idx, bins[seen].astype(int)), 1)
    return row
