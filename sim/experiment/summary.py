"""From per-replication rows to the summary: every figure with its uncertainty.

The headline metrics are declared once in :data:`HEADLINES` (name, label, unit, how it is
aggregated); the summary JSON, the console table and the reports all read them from here.
Replications are the independent units: a mean is the mean over replications of each
replication's value, with a t interval; a probability is a share of replications, with a
Wilson interval; time to first fracture is a Kaplan-Meier curve censored at the end of
each replication.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sim.experiment import stats
from sim.experiment.outcomes import FINAL_STATES, INFLUENCE_BINS
from sim.experiment.power_gap import power_gap
from sim.experiment.runner import Experiment


@dataclass(frozen=True)
class Headline:
    """A headline metric.

    Attributes:
        key: its key in ``summary.json``.
        label: how tables and plots name it.
        unit: its unit.
        value: key of the point estimate inside the summary entry.
        percent: whether to show it as a percentage.
    """

    key: str
    label: str
    unit: str
    value: str
    percent: bool = False


HEADLINES: tuple[Headline, ...] = (
    Headline("decision_latency_months", "Decision latency (mean)", "months", "mean"),
    Headline("undecided_share", "Issues never decided", "share", "mean", percent=True),
    Headline("first_reserved_decision_month", "First reserved-matter decision", "month", "mean"),
    Headline("leader", "De facto leader emerges", "probability", "probability", percent=True),
    Headline("fracture", "Fracture within horizon", "probability", "probability", percent=True),
)


def _median(hist: dict[float, int]) -> float | None:
    """Median of the values counted in a histogram (as ``numpy.median`` of the values)."""
    if not hist:
        return None
    months = sorted(hist)
    return float(np.median(np.repeat(np.array(months, dtype=float), [hist[m] for m in months])))


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
    """
    t = exp.totals
    n = t.replications

    def mean_ci(key: str):
        m = t.moment(key)
        return stats.mean_ci_exact(m.n, m.total, m.total_sq)

    def share(count: int) -> float:
        return count / n if n else math.nan

    lat_mean, lat_ci = mean_ci("latency_mean")
    und_mean, und_ci = mean_ci("undecided_share")
    first_mean, first_ci = mean_ci("first_reserved_decision_month")
    leaders = t.count("leader")
    first_out = t.count("fracture_partner")
    hows = t.count("fracture_how")
    states = t.count("final_state")
    events = t.histogram("fracture_event")
    fractured = sum(events.values())
    survival = stats.kaplan_meier_counts(events, t.histogram("fracture_censored"))
    leader_p, leader_ci = stats.wilson(sum(leaders.values()), n)
    fracture_p, fracture_ci = stats.wilson(fractured, n)
    partners = [p.name for p in exp.scenario.all_partners()]
    leader_by_partner = {name: share(leaders.get(name, 0)) for name in exp.holders}
    influence = {
        kind: {name: mean_ci(f"influence_{kind[:-6]}:{name}")[0] for name in exp.holders}
        for kind in ("mean_share", "final_share")
    }
    summary: dict[str, object] = {
        "scenario": scenario_name,
        "title": exp.scenario.name,
        "replications": n,
        "seed": exp.seed,
        "horizon_months": exp.scenario.horizon_months,
        "decision_latency_months": {
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
        },
        "fracture": {
            "probability": fracture_p,
            "ci95": fracture_ci,
            "by_partner": {name: share(first_out.get(name, 0)) for name in partners},
            "median_month": survival.median,
            "how": {k: v / n for k, v in sorted(hows.items())},
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
