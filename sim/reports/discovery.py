"""The pictures and report of ``sim discover``: the box, in words and as a plot."""

from __future__ import annotations

from pathlib import Path

from sim.experiment.discovery import Discovery
from sim.reports.document import Document
from sim.reports.plots import figure, parameter_label, save, styled


def box_sentence(d: Discovery) -> str:
    """The box in one sentence, with its coverage and density."""
    side = "below" if d.below else "above"
    where = "; ".join(
        f"{parameter_label(lim['parameter'])} in [{lim['min']:.3g}, {lim['max']:.3g}]"
        for lim in d.limits
    )
    return (
        f"{d.metric} is {side} {d.threshold:g} in {d.hits} of {d.sets} parameter sets. "
        f"It is concentrated where {where or 'no parameter is restricted'}: that box holds "
        f"{d.coverage:.0%} of those sets (coverage), and {d.density:.0%} of the sets inside "
        f"it have the outcome (density)."
    )


@styled
def discovery_report(folder: Path, d: Discovery) -> list[str]:
    """Write ``discovery.png``, ``report.md`` and ``report.html``; return their names."""
    fig, (trade, bars) = figure(ncols=2, figsize=(12, 4.5))
    trade.plot(
        [t["coverage"] for t in d.trajectory], [t["density"] for t in d.trajectory], "o-", ms=3
    )
    trade.plot([d.coverage], [d.density], "o", color="#d62728", ms=8, label="chosen box")
    trade.set_xlabel("coverage (share of the outcome's sets inside the box)")
    trade.set_ylabel("density (share of the box's sets with the outcome)")
    trade.set_title("PRIM peeling trajectory")
    trade.legend(loc="lower left", fontsize=9)
    for i, lim in enumerate(d.limits):
        lo, hi = d.ranges[lim["parameter"]]
        span = (hi - lo) or 1.0
        bars.barh(i, 1.0, color="0.9")
        bars.barh(
            i, (lim["max"] - lim["min"]) / span, left=(lim["min"] - lo) / span, color="#1f77b4"
        )
    bars.set_yticks(range(len(d.limits)), [parameter_label(x["parameter"]) for x in d.limits])
    bars.set_xlim(0, 1)
    bars.set_xlabel("share of each parameter's sampled range")
    bars.set_title("The box: restricted parameters")
    names = [save(fig, folder, "discovery.png")]
    doc = Document(
        f"Scenario discovery: where {d.metric} is {'below' if d.below else 'above'} {d.threshold:g}"
    )
    doc.text(box_sentence(d))
    doc.table(
        ["Parameter", "Box min", "Box max", "Sampled range", "quasi-p"],
        [
            [
                parameter_label(x["parameter"]),
                f"{x['min']:.3g}",
                f"{x['max']:.3g}",
                f"{d.ranges[x['parameter']][0]:.3g} to {d.ranges[x['parameter']][1]:.3g}",
                f"{x['qp']:.2g}",
            ]
            for x in d.limits
        ],
    )
    doc.image(names[0], "Left: coverage against density along the peeling; right: the box.")
    names += doc.write(folder)
    return names
