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
from collections import Counter
from dataclasses import dataclass

import numpy as np

from sim.experiment import stats
from sim.experiment.outcomes import FINAL_STATES, INFLUENCE_BINS
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


def _values(rows: list[dict], key: str) -> np.ndarray:
    return np.array([r[key] for r in rows], dtype=float)


def _median(values: list[float]) -> float | None:
    return float(np.median(values)) if values else None


def summarise(exp: Experiment, scenario_name: str) -> dict:
    """The summary of an experiment, as written to ``summary.json``.

    Args:
        exp: the experiment.
        scenario_name: what to call the scenario (its file name or title).

    Returns:
        A JSON-ready dict; undefined values are ``None``.
    """
    rows = exp.rows
    n = len(rows)
    lat_mean, lat_ci = stats.mean_ci(_values(rows, "latency_mean"))
    und_mean, und_ci = stats.mean_ci(_values(rows, "undecided_share"))
    first = _values(rows, "first_reserved_decision_month")
    first_mean, first_ci = stats.mean_ci(first)
    leaders = Counter(r["leader"] for r in rows if r["leader"])
    fractured = [r for r in rows if math.isfinite(r["fracture_month"])]
    first_out = Counter(r["fracture_partner"] for r in fractured)
    survival = stats.kaplan_meier(
        [r["fracture_month"] if math.isfinite(r["fracture_month"]) else r["months"] for r in rows],
        [math.isfinite(r["fracture_month"]) for r in rows],
    )
    states = Counter(r["final_state"] for r in rows)
    leader_p, leader_ci = stats.wilson(sum(leaders.values()), n)
    fracture_p, fracture_ci = stats.wilson(len(fractured), n)
    partners = [p.name for p in exp.scenario.all_partners()]
    return {
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
            "never_share": float(np.mean(~np.isfinite(first))) if n else None,
        },
        "leader": {
            "probability": leader_p,
            "ci95": leader_ci,
            "by_partner": {name: leaders.get(name, 0) / n for name in exp.holders},
            "median_month": _median([r["leader_month"] for r in rows if r["leader"]]),
        },
        "fracture": {
            "probability": fracture_p,
            "ci95": fracture_ci,
            "by_partner": {name: first_out.get(name, 0) / n for name in partners},
            "median_month": survival.median,
            "how": {
                k: v / n for k, v in sorted(Counter(r["fracture_how"] for r in fractured).items())
            },
        },
        "final_state": {state: states.get(state, 0) / n for state in FINAL_STATES},
        "influence": {
            "mean_share": {
                name: float(np.mean(_values(rows, f"influence_mean:{name}")))
                for name in exp.holders
            },
            "final_share": {
                name: float(np.mean(_values(rows, f"influence_final:{name}")))
                for name in exp.holders
            },
        },
    }


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
                row[f"q{round(q * 100):02d}"] = stats.quantile_from_counts(c, q) / INFLUENCE_BINS
            out.append(row)
    return out
