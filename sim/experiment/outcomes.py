"""Per-replication outcomes, declared once.

Each column of ``runs.csv`` is a :class:`Column` (name, unit, meaning); :func:`observe`
turns a finished :class:`~sim.model.venture.Venture` into one row with exactly those
columns, plus per-holder influence columns. Pooled aggregates that do not fit a row (the
latency distribution, influence shares per month) are accumulated as integer histograms
in :class:`Tally`, so they add up the same whatever the order chunks arrive in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

INFLUENCE_BINS = 100  # influence shares are binned in steps of 0.01


@dataclass(frozen=True)
class Column:
    """One per-replication outcome.

    Attributes:
        name: column name in ``runs.csv``.
        unit: its unit.
        meaning: what it is, for readers of the CSV and the docs.
    """

    name: str
    unit: str
    meaning: str


COLUMNS: tuple[Column, ...] = (
    Column("replication", "index", "replication number r (0-based)"),
    Column("seed", "integer", "replication seed; `sim trace SCENARIO --seed S` replays it"),
    Column("issues", "count", "issues that arrived"),
    Column("decisions", "count", "issues decided by the venture"),
    Column("latency_mean", "months", "mean months from an issue's arrival to its decision"),
    Column("latency_median", "months", "median decision latency"),
    Column("latency_p90", "months", "90th percentile of decision latency"),
    Column(
        "undecided_share",
        "share",
        "issues never decided (lapsed, dropped, funded "
        "outside, open at the end) over issues arrived",
    ),
    Column(
        "first_reserved_decision_month",
        "month",
        "month of the first decision on a reserved matter (empty if none)",
    ),
    Column("leader", "name", "de facto leader (empty if none emerged)"),
    Column("leader_month", "month", "first month of the leader's winning streak"),
    Column("fracture_month", "month", "month of the first fracture (empty if none)"),
    Column("fracture_partner", "name", "partner who left first"),
    Column("fracture_how", "mode", "exit, shotgun, put_call or wind_up"),
    Column("final_state", "state", "intact, reformed, fractured or dissolved"),
    Column(
        "termination",
        "mode",
        "how the venture ended early: acquired, liquidated, "
        "wind_up or reform (empty if it ran to the horizon)",
    ),
    Column("termination_by", "name", "the partner who acquired, reformed or wound it up"),
    Column("months", "months", "months simulated (less than the horizon if it ended)"),
)

FINAL_STATES = ("intact", "reformed", "fractured", "dissolved")


def influence_columns(names: list[str]) -> list[Column]:
    """Per-holder influence columns: mean share over the run and final share."""
    cols = []
    for n in names:
        cols.append(Column(f"influence_mean:{n}", "share", f"{n}'s mean influence share"))
        cols.append(Column(f"influence_final:{n}", "share", f"{n}'s final influence share"))
    return cols


@dataclass
class Tally:
    """Pooled integer histograms over replications.

    Attributes:
        latency: count of decisions by latency in whole months (index = months).
        influence: count of replications by month, holder and influence-share bin.
    """

    latency: np.ndarray
    influence: np.ndarray

    @classmethod
    def empty(cls, horizon: int, holders: int) -> Tally:
        """An empty tally for a horizon (months) and a number of holders."""
        return cls(
            np.zeros(horizon + 1, dtype=np.int64),
            np.zeros((horizon, holders, INFLUENCE_BINS + 1), dtype=np.int64),
        )

    def add(self, other: Tally) -> None:
        """Add another tally's counts to this one."""
        self.latency += other.latency
        self.influence += other.influence


def _or_nan(value: float | None) -> float:
    return math.nan if value is None else float(value)


def observe(venture, replication: int, tally: Tally | None = None) -> dict:
    """One row of outcomes for a finished replication.

    Args:
        venture: a finished :class:`~sim.model.venture.Venture`.
        replication: its index r.
        tally: pooled histograms to add this replication's latencies and influence to.

    Returns:
        A dict with the :data:`COLUMNS` and :func:`influence_columns` as keys.
    """
    latencies = np.array([lat for _, lat, _ in venture.decisions], dtype=float)
    reserved = [month for month, _, is_reserved in venture.decisions if is_reserved]
    fracture = venture.fracture
    termination = venture.termination or ("", "")
    months = venture.month
    row = {
        "replication": replication,
        "seed": venture.seed,
        "issues": venture.issue_count,
        "decisions": len(latencies),
        "latency_mean": float(latencies.mean()) if len(latencies) else math.nan,
        "latency_median": float(np.median(latencies)) if len(latencies) else math.nan,
        "latency_p90": float(np.percentile(latencies, 90)) if len(latencies) else math.nan,
        "undecided_share": (
            (venture.issue_count - len(latencies)) / venture.issue_count
            if venture.issue_count
            else 0.0
        ),
        "first_reserved_decision_month": _or_nan(min(reserved) if reserved else None),
        "leader": venture.watch.leader or "",
        "leader_month": _or_nan(venture.watch.since),
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
        row[f"influence_mean:{h.name}"] = float(column.mean()) if months else 0.0
        row[f"influence_final:{h.name}"] = float(column[-1]) if months else 0.0
    if tally is not None:
        np.add.at(tally.latency, latencies.astype(int), 1)
        bins = np.clip(np.rint(history * INFLUENCE_BINS).astype(int), 0, INFLUENCE_BINS)
        month_idx, holder_idx = np.indices(bins.shape)
        np.add.at(tally.influence, (month_idx, holder_idx, bins), 1)
    return row
