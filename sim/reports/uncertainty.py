"""Words and tables for answers that rest on uncertain parameters.

The report section of a run over parameter sets (:func:`uncertainty_section`): each
headline with its two intervals, which parameters were uncertain and how, and how much of
the spread across sets is simulation noise.
"""

from __future__ import annotations

from sim.experiment.summary import HEADLINES
from sim.reports.document import Document
from sim.reports.report import interval, unit_of, value


def two_interval_rows(summary: dict) -> list[list[str]]:
    """Rows ``[metric, estimate, noise 95%, parameters 5-95%, noise share]``."""
    rows = []
    for h in HEADLINES:
        e = summary[h.key]
        share = e.get("noise_share")
        rows.append(
            [
                f"{h.label} ({unit_of(h)})",
                value(e[h.value], h.percent),
                interval(e["ci95"], h.percent),
                interval(e["parameter_interval"], h.percent),
                "n/a" if share is None else f"{share:.0%}",
            ]
        )
    return rows


def uncertainty_section(doc: Document, summary: dict) -> None:
    """What the answers rest on: the uncertain parameters and the spread they cause."""
    u = summary["uncertainty"]
    doc.heading("What the answers rest on")
    doc.text(
        f"{len(u['parameters'])} parameters have no firm value and were given as ranges. "
        f"{u['parameter_sets']} parameter sets were drawn from them (a Latin hypercube: each "
        f"range cut into {u['parameter_sets']} equally likely slices, each slice used once), "
        f"and each set ran {u['replications_per_set']:,} replications with the same seeds. "
        "Each figure has two intervals: *noise* is the 95% interval of the estimate over all "
        "replications (how precisely the runs pin down the average over the ranges); "
        "*parameters* is the range from the 5th to the 95th percentile of the per-set "
        "estimates (how far the answer moves with what we do not know). *Noise share* is the "
        "part of that range's variance that is simulation noise within a set: near 100%, "
        "run more replications per set before reading the parameter range."
    )
    doc.table(
        ["Metric", "Estimate", "Noise 95%", "Parameters 5-95%", "Noise share"],
        two_interval_rows(summary),
    )
    doc.table(
        ["Parameter", "Distribution", "Central value"],
        [
            [f"`{p['parameter']}`", _distribution(p["distribution"]), str(p["central"])]
            for p in u["parameters"]
        ],
    )
    doc.text(
        "Which of these drive each answer: `sim sensitivity` on the same scenario (Morris "
        "screening or Sobol indices)."
    )


def _distribution(d: dict) -> str:
    kind = next(k for k in d if k != "clip")
    text = f"{kind} {d[kind]}"
    return text + (f", clipped to {d['clip']}" if "clip" in d else "")
