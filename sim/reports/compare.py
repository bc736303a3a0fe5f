"""Pictures and report of ``sim compare``: designs overlaid, paired differences.

Reads a :class:`~sim.experiment.compare.Comparison` (never runs the model) and writes
overlay plots (survival curves, latency ECDFs, leader bars), a chart of the paired
differences against the first design, and ``report.md`` / ``report.html``.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from pathlib import Path

from sim.experiment.compare import Comparison, Design
from sim.experiment.summary import HEADLINES
from sim.reports.document import Document
from sim.reports.report import (
    design_lines,
    difference,
    interval,
    intervals_note,
    unit_of,
    unit_word,
    value,
)

CAPTIONS = {
    "compare_differences.png": "Each design minus the first, replication by replication "
    "(common random numbers), with 95% intervals. An interval that does not cross the zero "
    "line is a difference the simulation resolves; one that crosses it is not "
    "distinguishable from noise at this number of replications. Probabilities and shares are in "
    "percentage points.",
    "compare_survival.png": "Chance that no partner has left yet, by month, for each design "
    "(Kaplan-Meier, shaded 95% bands).",
    "compare_latency.png": "Share of decisions taken within a given number of months, for "
    "each design (all decisions pooled). Higher and further left is faster.",
    "compare_leader.png": "Share of replications in which each partner became the de facto "
    "leader, by design (whiskers: 95% Wilson intervals).",
}


def flatten(data: object, prefix: str = "") -> dict[str, object]:
    """Scenario data as ``{dotted.path: value}``; named list items keyed by name."""
    if isinstance(data, dict):
        out: dict[str, object] = {}
        for k, v in data.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    if isinstance(data, list) and data and all(isinstance(i, dict) for i in data):
        names = [i.get("name") for i in data]
        keys = names if all(names) and len(set(names)) == len(names) else range(len(data))
        out = {}
        for key, item in zip(keys, data, strict=True):
            out.update(flatten(item, f"{prefix}.{key}"))
        return out
    return {prefix: data}


def changes(base, other) -> list[str]:
    """What a design changes relative to the baseline, as ``path: old -> new`` lines."""
    a = flatten(base.model_dump(mode="json"))
    b = flatten(other.model_dump(mode="json"))
    skip = ("name", "description", "metadata")
    out = []
    for path in sorted(set(a) | set(b)):
        if path.split(".")[0] in skip or a.get(path) == b.get(path):
            continue
        out.append(f"`{path}`: {a.get(path, '(absent)')} -> {b.get(path, '(absent)')}")
    return out


def plots(folder: Path, comp: Comparison) -> list[str]:
    """Every overlay picture of a comparison; returns the file names.

    Designs with no completed replication (every one failed) have nothing to draw and are
    left out; with none left there are no pictures.
    """
    from sim.reports import overlays

    comp = replace(comp, designs=ran(comp))
    if not comp.designs:
        return []
    from sim.reports.drawing import draw_all

    charts = (
        overlays.differences_chart,
        overlays.survival_overlay,
        overlays.latency_overlay,
        overlays.leader_overlay,
    )
    return [n for n in draw_all([functools.partial(f, folder, comp) for f in charts]) if n]


def ran(comp: Comparison) -> list[Design]:
    """The designs with at least one completed replication."""
    return [d for d in comp.designs if d.experiment.totals.replications > 0]


def table_rows(comp: Comparison) -> list[list[str]]:
    """``[metric (unit), design, estimate, interval, difference, its interval]`` rows."""
    rows = []
    for h in HEADLINES:
        for i, d in enumerate(comp.designs):
            entry = d.summary[h.key]
            diff = comp.differences[d.label][h.key]
            rows.append(
                [
                    f"{h.label} ({unit_of(h)})" if i == 0 else "",
                    d.label,
                    value(entry[h.value], h.percent),
                    interval(entry["ci95"], h.percent),
                    "(baseline)" if i == 0 else difference(diff["mean"], h.percent),
                    "" if i == 0 else _diff_interval(diff["ci95"], h.percent),
                ]
            )
    return rows


def cells(comp: Comparison) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """Compact table cells: per metric, ``(design, "est [lo, hi]", "diff [lo, hi]")``."""
    out = []
    for h in HEADLINES:
        rows = []
        for i, d in enumerate(comp.designs):
            entry = d.summary[h.key]
            diff = comp.differences[d.label][h.key]
            est = f"{value(entry[h.value], h.percent)} {interval(entry['ci95'], h.percent)}"
            if i == 0:
                change = "(baseline)"
            else:
                scale = 100 if h.percent else 1
                ci = diff["ci95"]
                band = (
                    f"[{scale * ci[0]:+.1f}, {scale * ci[1]:+.1f}] pp"
                    if h.percent and ci[0] is not None
                    else (f"[{ci[0]:+.2f}, {ci[1]:+.2f}]" if ci[0] is not None else "[n/a]")
                )
                mean = diff["mean"]
                num = (
                    "n/a"
                    if mean is None
                    else (f"{scale * mean:+.1f}" if h.percent else f"{mean:+.2f}")
                )
                change = f"{num} {band}"
            rows.append((d.label, est, change))
        out.append((f"{h.label} ({unit_of(h)})", rows))
    return out


def _diff_interval(ci: list, percent: bool) -> str:
    if not ci or ci[0] is None:
        return "n/a"
    return f"[{difference(ci[0], percent)}, {difference(ci[1], percent)}]"


def verdict(ci: list) -> str:
    """Whether a difference's interval excludes zero, in words."""
    if not ci or ci[0] is None:
        return "not enough data to tell"
    if ci[0] > 0 or ci[1] < 0:
        return "a clear difference"
    return "not distinguishable from zero at this number of replications"


def findings(comp: Comparison) -> list[str]:
    """One sentence per metric and design: the paired difference and what it means."""
    base = comp.designs[0].label
    out = []
    for d in comp.designs[1:]:
        for h in HEADLINES:
            diff = comp.differences[d.label][h.key]
            out.append(
                f"{h.label}: **{difference(diff['mean'], h.percent)}**"
                f"{'' if h.percent else ' ' + unit_word(h)} under {d.label} vs {base} "
                f"(95% interval {_diff_interval(diff['ci95'], h.percent)}; "
                f"{verdict(diff['ci95'])})."
            )
    return out


def comparison_report(folder: Path, comp: Comparison) -> list[str]:
    """Write a comparison's pictures and report; return the file names.

    This is the ``report`` hook of :func:`~sim.experiment.compare.compare_study`.
    """
    images = plots(folder, comp)
    base = comp.designs[0]
    doc = Document(f"Comparing {len(comp.designs)} governance designs")
    doc.heading("What was compared")
    doc.text(
        f"Each design was run {comp.replications:,} times with root seed {comp.seed}. "
        "Replication r of every design uses the same random seed (common random numbers), "
        "so the differences below come from the designs, not from the dice."
    )
    for d in comp.designs:
        role = " (baseline)" if d is base else ""
        doc.text(f"**{d.label}**{role}: {d.loaded.scenario.name} (`{d.loaded.path}`)")
        if d not in ran(comp):
            failed = d.summary.get("failures", {}).get("count", 0)
            doc.text(
                f"**{d.label} has no completed replications**: all {failed} failed (see "
                f"`designs/{d.folder}/failures.csv`), so it has no numbers (n/a below) and "
                "is left out of the pictures."
            )
        if d is base:
            doc.bullets(design_lines(d.loaded.scenario))
        else:
            changed = changes(base.loaded.scenario, d.loaded.scenario)
            doc.bullets(changed or ["identical to the baseline (apart from its name)"])
    doc.heading("Findings")
    doc.bullets(findings(comp))
    doc.heading("All numbers")
    doc.table(
        ["Metric", "Design", "Estimate", "95% interval", "Difference vs baseline", "95% interval"],
        table_rows(comp),
    )
    doc.text(
        "Differences are paired: the mean over replications of (design - baseline) for the "
        "same seed, with a Student-t interval. For probabilities the paired values are 0/1 "
        "indicators, so the difference is in percentage points (pp)."
    )
    doc.heading("Pictures")
    for name in images:
        doc.image(name, CAPTIONS[name])
    intervals_note(doc)
    doc.heading("How to reproduce")
    paths = " ".join(d.loaded.path for d in comp.designs)
    doc.code(f"sim compare {paths} -n {comp.replications} --seed {comp.seed}")
    doc.text(
        "Files: `comparison.csv` (one row per metric and design), `comparison.json` (every "
        "summary and difference), "
        + ", ".join(f"`designs/{d.folder}/` ({d.label})" for d in comp.designs)
        + " (each design's runs and summary), "
        "`manifest.json` (every design's file and hash, the seed, versions)."
    )
    return images + doc.write(folder)
