"""From per-replication rows to the summary: every figure with its uncertainty.

The headline metrics are declared once in :data:`HEADLINES` (name, label, unit, how it is
aggregated); the summary JSON, the console table and the reports all read them from here.
Replications are the independent units: a mean is the mean over replications of each
replication's value, with a t interval; a probability is a share of replications, with a
Wilson interval; time to first fracture is a Kaplan-Meier curve censored at the end of
each replication.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

import numpy as np

from sim.experiment import stats
from sim.experiment.latency import TAU_MONTHS
from sim.experiment.outcomes import FINAL_STATES, INFLUENCE_BINS
from sim.experiment.power_gap import power_gap
from sim.experiment.runner import Experiment
from sim.experiment.totals import FRACTURE_CENSORED, FRACTURE_EVENT
from sim.model.structure import FRACTURE_CAUSES


@dataclass(frozen=True)
class Headline:
    """A headline metric.

    Attributes:
        key: its key in ``summary.json``.
        label: how tables and plots name it.
        unit: its unit.
        value: key of the point estimate inside the summary entry.
        column: the ``runs.csv`` column it is computed from (per replication).
        percent: whether to show it as a percentage.
        better: ``"lower"`` or ``"higher"``: which way is better for the venture.
    """

    key: str
    label: str
    unit: str
    value: str
    column: str
    percent: bool = False
    better: str = "lower"

    @property
    def probability(self) -> bool:
        """Whether it is the probability that something happens (a share of replications)."""
        return self.value == "probability"

    def per_replication(self, row: dict) -> float:
        """Its value in one replication (NaN where undefined; 0 or 1 for a probability)."""
        value = row[self.column]
        if self.probability:
            if isinstance(value, str):
                return 1.0 if value else 0.0
            return 1.0 if math.isfinite(float(value)) else 0.0
        return float(value)


HEADLINES: tuple[Headline, ...] = (
    Headline(
        "reserved_latency_months",
        f"Reserved-matter latency, {TAU_MONTHS}-month window",
        "months",
        "mean",
        "reserved_latency_rmst",
    ),
    Headline(
        "routine_latency_months",
        f"Routine-matter latency, {TAU_MONTHS}-month window",
        "months",
        "mean",
        "routine_latency_rmst",
    ),
    Headline("undecided_share", "Issues never decided", "share", "mean", "undecided_share", True),
    Headline(
        "first_reserved_decision_month",
        "First reserved-matter decision",
        "month",
        "mean",
        "first_reserved_decision_month",
    ),
    Headline(
        "leader", "De facto leader emerges", "probability", "probability", "leader", True, "lower"
    ),
    Headline(
        "fracture", "Fracture within horizon", "probability", "probability", "fracture_month", True
    ),
)


def _median(hist: dict[float, int]) -> float | None:
    """Median of the values counted in a histogram (as ``numpy.median`` of the values)."""
    if not hist:
        return None
    months = sorted(hist)
    return float(np.median(np.repeat(np.array(months, dtype=float), [hist[m] for m in months])))


def _pooled_latency(hist: np.ndarray) -> dict:
    """Kaplan-Meier over every issue of a class pooled across replications."""
    decided = {float(m): int(c) for m, c in enumerate(hist[0]) if c}
    censored = {float(m): int(c) for m, c in enumerate(hist[1]) if c}
    return {
        "median": stats.km_median_counts(decided, censored),
        "issues": int(hist.sum()),
        "decided": int(hist[0].sum()),
        "censored": int(hist[1].sum()),
    }


def summarise(exp: Experiment, scenario_name: str) -> dict:
    """The summary of an experiment, as written to ``summary.json``.

    Computed from the experiment's streaming :class:`~sim.experiment.totals.Totals`, so it
    is the same whether the rows were kept in memory or streamed to disk, and whatever the
    order chunks finished in.

    Args:
        exp: the experiment.
        scenario_name: what to call the scenario (its file name or title).

    Returns:
        A JSON-ready dict; undefined values are ``None``. ``replications`` counts the
        replications that ran to the end; ``failures`` those that raised; ``power`` each
        holder's formal power beside its de facto influence (:mod:`~sim.experiment.power_gap`).
        Latencies of reserved and routine matters are restricted means over the first
        :data:`TAU_MONTHS` months of each issue (Kaplan-Meier per replication, issues closed
        undecided or open at the end censored), with the pooled Kaplan-Meier median.
        Fracture causes are competing risks: ``fracture.how`` gives each cause's share of
        replications and ``fracture.incidence`` its cumulative incidence by year.
    """
    t = exp.totals
    n = t.replications

    def mean_ci(key: str):
        m = t.moment(key)
        return stats.mean_ci_exact(m.n, m.total, m.total_sq)

    def share(count: int) -> float:
        return count / n if n else math.nan

    leaders = t.count("leader")
    first_out = t.count("fracture_partner")
    hows = t.count("fracture_how")
    states = t.count("final_state")
    events = t.histogram(FRACTURE_EVENT)
    censored = t.histogram(FRACTURE_CENSORED)
    fractured = sum(events.values())
    by_cause = {cause: t.histogram(f"{FRACTURE_EVENT}:{cause}") for cause in FRACTURE_CAUSES}
    incidence = stats.cumulative_incidence(by_cause, censored)
    horizon = exp.scenario.horizon_months
    years = list(range(12, horizon + 1, 12)) or [horizon]

    def at(curve: tuple[list[float], list[float]], month: int) -> float:
        months, values = curve
        i = bisect.bisect_right(months, month)
        return values[i - 1] if i else 0.0

    leader_p, leader_ci = stats.wilson(sum(leaders.values()), n)
    fracture_p, fracture_ci = stats.wilson(fractured, n)
    partners = [p.name for p in exp.scenario.all_partners()]
    leader_by_partner = {name: share(leaders.get(name, 0)) for name in exp.holders}
    influence = {
        kind: {name: mean_ci(f"influence_{kind[:-6]}:{name}")[0] for name in exp.holders}
        for kind in ("mean_share", "final_share")
    }
    designated = exp.scenario.governance.leader
    designated_months = t.histogram("designated_leader_month")
    summary: dict[str, object] = {
        "scenario": scenario_name,
        "title": exp.scenario.name,
        "replications": n,
        "seed": exp.seed,
        "horizon_months": horizon,
        "latency_window_months": TAU_MONTHS,
    }
    for key, column, hist in (
        ("reserved_latency_months", "reserved_latency_rmst", exp.tally.reserved),
        ("routine_latency_months", "routine_latency_rmst", exp.tally.routine),
    ):
        mean, ci = mean_ci(column)
        summary[key] = {"mean": mean, "ci95": ci, **_pooled_latency(hist)}
    lat_mean, lat_ci = mean_ci("latency_mean")
    und_mean, und_ci = mean_ci("undecided_share")
    first_mean, first_ci = mean_ci("first_reserved_decision_month")
    summary |= {
        "decided_latency_months": {
            "mean": lat_mean,
            "ci95": lat_ci,
            "median": stats.quantile_from_counts(exp.tally.latency, 0.5),
            "p90": stats.quantile_from_counts(exp.tally.latency, 0.9),
            "decisions": int(exp.tally.latency.sum()),
        },
        "undecided_share": {"mean": und_mean, "ci95": und_ci},
        "first_reserved_decision_month": {
            "mean": first_mean,
            "ci95": first_ci,
            "never_share": share(t.moment("first_reserved_decision_month").missing) if n else None,
        },
        "leader": {
            "probability": leader_p,
            "ci95": leader_ci,
            "by_partner": leader_by_partner,
            "median_month": _median(t.histogram("leader_month")),
            "designated": designated,
            "designated_share": (
                share(sum(designated_months.values())) if designated is not None else None
            ),
        },
        "fracture": {
            "probability": fracture_p,
            "ci95": fracture_ci,
            "by_partner": {name: share(first_out.get(name, 0)) for name in partners},
            "median_month": stats.km_median_counts(events, censored),
            "how": {cause: share(hows.get(cause, 0)) for cause in FRACTURE_CAUSES},
            "incidence": {
                cause: {str(m): at(incidence[cause], m) for m in years} for cause in FRACTURE_CAUSES
            },
        },
        "final_state": {state: share(states.get(state, 0)) for state in FINAL_STATES},
        "influence": influence,
        "failures": {
            "count": t.failures,
            "first": t.first_failure,
        },
    }
    summary["power"] = power_gap(exp.scenario, influence["mean_share"], leader_by_partner)
    return summary


def influence_bands(exp: Experiment, quantiles=(0.05, 0.25, 0.5, 0.75, 0.95)) -> list[dict]:
    """Quantiles of each holder's influence share per month, from the pooled histogram.

    Returns:
        Rows ``{"month", "holder", "q05", ..., "q95", "replications"}``; shares are
        resolved to 0.01. Months after a replication ended count only the replications
        still running.
    """
    out = []
    counts = exp.tally.influence
    for month in range(counts.shape[0]):
        for h, name in enumerate(exp.holders):
            c = counts[month, h]
            if c.sum() == 0:
                continue
            row = {"month": month + 1, "holder": name, "replications": int(c.sum())}
            for q in quantiles:
                bin_ = stats.quantile_from_counts(c, q)
                assert bin_ is not None  # defined: this month has counts
                row[f"q{round(q * 100):02d}"] = bin_ / INFLUENCE_BINS
            out.append(row)
    return out
