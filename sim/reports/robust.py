"""Report of a robust comparison: which design wins across what we do not know.

For each headline metric: the probability across parameter sets that each design beats
each other, and the regret table (mean and worst shortfall against the best design of
each set), with a sentence naming the robust choice.
"""

from __future__ import annotations

from pathlib import Path

from sim.experiment.robust import RobustComparison
from sim.experiment.summary import HEADLINES
from sim.reports.document import Document
from sim.reports.report import interval, unit_of, value


def pair_table(comp: RobustComparison, key: str) -> list[list[str]]:
    """Rows ``[design, versus, P(better) [95%], P(better, significant)]`` of a metric."""
    return [
        [
            r["design"],
            r["versus"],
            f"{value(r['p_better'], True)} {interval(r['ci95'], True)}",
            value(r["p_significant"], True),
        ]
        for r in comp.pairs[key]
    ]


def regret_table(comp: RobustComparison, key: str) -> list[list[str]]:
    """Rows ``[design, mean estimate, 5-95% over sets, mean regret, max regret, P(best)]``."""
    h = next(h for h in HEADLINES if h.key == key)
    return [
        [
            r["design"],
            value(r.get("mean_estimate"), h.percent),
            interval(r.get("parameter_interval", [None, None]), h.percent),
            value(r.get("mean_regret"), h.percent),
            value(r.get("max_regret"), h.percent),
            value(r.get("p_best"), True),
        ]
        for r in comp.regret[key]
    ]


def verdict(comp: RobustComparison, key: str) -> str:
    """The robust choice on one metric, in a sentence."""
    h = next(h for h in HEADLINES if h.key == key)
    rows = [r for r in comp.regret[key] if r.get("sets")]
    if not rows:
        return f"**{h.label}**: undefined in some design at every parameter set."
    best = min(rows, key=lambda r: r["max_regret"])
    others = [r for r in comp.pairs[key] if r["design"] == best["design"]]
    beats = ", ".join(
        f"{r['versus']} in {value(r['p_better'], True)} of parameter sets" for r in others
    )
    direction = "lower" if h.better == "lower" else "higher"
    return (
        f"**{h.label}** ({direction} is better): **{best['design']}** has the smallest worst-case "
        f"regret ({value(best['max_regret'], h.percent)}) and is best in "
        f"{value(best['p_best'], True)} of sets; it beats {beats}."
    )


def robust_report(folder: Path, comp: RobustComparison) -> list[str]:
    """Write the report of a robust comparison; return the file names.

    This is the ``report`` hook of :func:`~sim.experiment.robust.robust_study`.
    """
    doc = Document(f"Robust comparison: {' vs '.join(comp.labels)}")
    doc.heading("What was run")
    doc.text(
        f"{len(comp.parameters)} uncertain parameters (the union of the designs'); "
        f"{comp.samples} parameter sets drawn from them (Latin hypercube, root seed "
        f"{comp.seed}); every design run at every set, {comp.replications:,} replications "
        "each, with the same seeds in every set and design (common random numbers), so a "
        "difference within a set comes from the design."
    )
    gaps = {k: v for k, v in comp.missing.items() if v}
    if gaps:
        doc.bullets(
            [
                f"{label} does not have {', '.join(f'`{p}`' for p in paths)}: its own values apply"
                for label, paths in gaps.items()
            ]
        )
    doc.heading("Which design wins across what we do not know")
    doc.bullets([verdict(comp, h.key) for h in HEADLINES])
    doc.text(
        "P(better) is the share of parameter sets in which the design does better than the "
        "other on that metric (a tie counts one half), with a 95% Wilson interval over the "
        "sets. 'Significant' is the share of sets in which it is better by a paired "
        "difference whose 95% interval (over the set's replications) excludes 0. Regret is "
        "how much worse a design does than the best design of the same parameter set; the "
        "design with the smallest maximum regret is the one that is never far from best."
    )
    for h in HEADLINES:
        doc.heading(f"{h.label} ({unit_of(h)})")
        doc.table(
            ["Design", "Versus", "P(better) [95%]", "P(better, significant)"],
            pair_table(comp, h.key),
        )
        doc.table(
            ["Design", "Mean", "5-95% over sets", "Mean regret", "Max regret", "P(best)"],
            regret_table(comp, h.key),
        )
    doc.heading("How to reproduce")
    doc.text("The same command gives the same numbers on any machine and number of workers:")
    doc.code(
        f"sim compare {' '.join(comp.paths)} --samples {comp.samples} -n {comp.replications} "
        f"--seed {comp.seed}"
    )
    doc.text(
        "Files: `robust.csv` (pairwise probabilities), `regret.csv`, `sets.csv` (every "
        "design's estimates at every parameter set), `robust.json`, `manifest.json`."
    )
    return doc.write(folder)
