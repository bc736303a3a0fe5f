"""``sim sweep A.yaml --set PATH=SPEC ...``: a grid over scenario parameters.

PATH is a dotted path into the scenario (partners by name: ``partners.Sony.veto.tolerance``);
SPEC is ``start:stop:step`` or ``a,b,c``. Every point is validated before anything runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.cli import execution
from sim.cli.app import app


@app.command()
def sweep(
    scenario: Annotated[Path, typer.Argument(help="Base scenario YAML.", show_default=False)],
    settings: Annotated[
        list[str],
        typer.Option(
            "--set",
            help="PATH=SPEC, e.g. governance.deadlock.after_rounds=1:3:1 or "
            "partners.Sony.veto.tolerance=0.01,0.03,0.05 (repeat for a grid).",
            show_default=False,
        ),
    ],
    replications: execution.ReplicationsOpt = None,
    seed: execution.SeedOpt = None,
    workers: execution.WorkersOpt = None,
    out: execution.OutOpt = None,
    executor: execution.ExecutorOpt = "local",
    scheduler: execution.SchedulerOpt = None,
    resume: execution.ResumeOpt = None,
) -> None:
    """Run a scenario over a grid of parameter values: sweep.csv, plots, report."""
    from sim.cli.app import check_counts

    check_counts(replications, workers, seed)
    execution.check(executor, scheduler, resume, out)

    from sim.cli.app import load
    from sim.cli.render import progress_bar
    from sim.experiment.runner import default_workers
    from sim.experiment.sweep import build_points, parse_setting, sweep_rows, sweep_study
    from sim.reports.sweep import sweep_report

    loaded = load(scenario)
    parsed = [parse_setting(s) for s in settings]
    points = len(build_points(loaded.scenario, parsed))  # fail fast, before the bar
    n = replications or loaded.scenario.replications
    with (
        execution.stoppable(execution.resume_hint()),
        progress_bar(n * points, f"{points} points") as advance,
    ):
        folder, result = sweep_study(
            loaded,
            parsed,
            replications=n,
            seed=loaded.scenario.seed if seed is None else seed,
            workers=workers or default_workers(),
            out=out,
            progress=advance,
            report=sweep_report,
            executor=executor,
            scheduler=scheduler,
            resume=resume,
        )
    sweep_table(result, sweep_rows(result))
    typer.echo(f"Results: {folder}")
    parts = []
    for p in result.points:
        assert p.summary is not None  # every point has run (sweep_rows relies on it too)
        parts.append(
            (
                f"point {p.index} ({p.describe()})",
                p.summary,
                f"{scenario} (with {p.describe()} set in the file)",
                folder / "points" / f"{p.index:03d}",
            )
        )
    execution.exit_if_any_failures(parts)


def sweep_table(result, rows: list[dict]) -> None:
    """Print one row per point: its parameters and each headline estimate with interval."""
    from rich.table import Table

    from sim.cli.render import console
    from sim.experiment.summary import HEADLINES
    from sim.reports.report import interval, value

    t = Table(
        title=f"{len(rows)} points, {result.replications:,} replications each, "
        f"seed {result.seed}, common random numbers",
        title_justify="left",
    )
    for st in result.settings:
        t.add_column(st.path.rsplit(".", 1)[-1], justify="right", no_wrap=True)
    for h in HEADLINES:
        t.add_column(f"{h.label} ({'%' if h.percent else h.unit})", justify="right")
    for row in rows:
        cells = [str(row[st.path]) for st in result.settings]
        for h in HEADLINES:
            ci = [row[f"{h.key}_ci_low"], row[f"{h.key}_ci_high"]]
            cells.append(f"{value(row[h.key], h.percent)}\n{interval(ci, h.percent)}")
        t.add_row(*cells)
    console().print(t)
