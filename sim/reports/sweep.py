"""Pictures and report of ``sim sweep``: each headline metric over the grid.

With one parameter, each metric is a line with its 95% band against it; with two, a
heatmap whose cells carry the estimate and its interval. With more than two parameters the
table (``sweep.csv`` and the report) carries the results and no plot is drawn, since a
picture of three or more dimensions at once would mislead more than it shows.
"""

from __future__ import annotations

import functools
from pathlib import Path

from sim.experiment.summary import HEADLINES
from sim.experiment.sweep import Sweep, sweep_rows
from sim.reports.document import Document
from sim.reports.report import design_lines, interval, intervals_note, unit_of, value


def plots(folder: Path, sweep: Sweep) -> list[str]:
    """One picture per headline metric (lines for one parameter, heatmaps for two)."""
    from sim.reports import overlays
    from sim.reports.drawing import draw_all

    rows = sweep_rows(sweep)
    settings = sweep.settings
    if len(settings) == 1:
        xs = list(settings[0].values)
        args: tuple = (overlays.sweep_line, settings[0].path, xs)
    elif len(settings) == 2:
        paths = (settings[0].path, settings[1].path)
        values = (list(settings[0].values), list(settings[1].values))
        args = (overlays.sweep_heatmap, paths, values)
    else:
        return []
    draw, *where = args
    names = draw_all([functools.partial(draw, folder, *where, rows, h.key) for h in HEADLINES])
    return [n for n in names if n]


def sweep_report(folder: Path, sweep: Sweep) -> list[str]:
    """Write a sweep's pictures and report; return the file names.

    This is the ``report`` hook of :func:`~sim.experiment.sweep.sweep_study`.
    """
    images = plots(folder, sweep)
    base = sweep.base
    s = base.scenario
    doc = Document(f"Sweep over {len(sweep.points)} variants of {s.name}")
    doc.heading("What was run")
    doc.text(
        f"The scenario `{base.path}` was varied over a full grid of {len(sweep.points)} "
        f"points; each point was run {sweep.replications:,} times with root seed "
        f"{sweep.seed}. Every point uses the same seeds (common random numbers), so "
        "differences between points come from the parameters."
    )
    doc.bullets([f"`{st.path}`: {', '.join(map(str, st.values))}" for st in sweep.settings])
    doc.text("Everything else is the base design:")
    doc.bullets(design_lines(s))
    doc.heading("Results by point")
    header = [st.path for st in sweep.settings] + [f"{h.label} ({unit_of(h)})" for h in HEADLINES]
    table = []
    for p in sweep.points:
        assert p.summary is not None  # a report is made of a sweep that has run
        cells = [str(v) for v in p.params.values()]
        for h in HEADLINES:
            entry = p.summary[h.key]
            cells.append(f"{value(entry[h.value], h.percent)} {interval(entry['ci95'], h.percent)}")
        table.append(cells)
    doc.table(header, table)
    doc.heading("Pictures")
    if not images:
        doc.text("More than two parameters: see the table above and `sweep.csv`.")
    for name, h in zip(images, HEADLINES, strict=False):
        shape = "line" if len(sweep.settings) == 1 else "heatmap"
        doc.image(
            name,
            f"{h.label} ({unit_of(h)}) at each point ({shape}); "
            + (
                "shaded: 95% interval."
                if shape == "line"
                else "each cell: estimate and [95% interval]."
            ),
        )
    intervals_note(doc)
    doc.heading("How to reproduce")
    sets = " ".join(f"--set {st.path}={','.join(map(str, st.values))}" for st in sweep.settings)
    doc.code(f"sim sweep {base.path} {sets} -n {sweep.replications} --seed {sweep.seed}")
    doc.text(
        "Files: `sweep.csv` (one row per point: parameters, every headline metric with its "
        "interval), `sweep.json` (every point's full summary), `manifest.json` (the base "
        "scenario's hash and every point's parameters and scenario hash)."
    )
    return images + doc.write(folder)
