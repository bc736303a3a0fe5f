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
    fmt: execution.FormatOpt = "csv",
    save_experiment: execution.SaveExperimentOpt = None,
    engine: execution.EngineOpt = "auto",
) -> None:
    """Run a scenario over a grid of parameter values: sweep.csv, plots, report."""
    from sim.cli.app import check_counts

    check_counts(replications, workers, seed)
    execution.check(executor, scheduler, resume, out, workers)

    from sim import api
    from sim.cli.app import load
    from sim.cli.render import progress_bar
    from sim.experiment.sweep import build_points, parse_setting

    loaded = load(scenario)
    execution.prepare_engine(engine, [loaded.scenario])
    parsed = [parse_setting(s) for s in settings]
    points = len(build_points(loaded.scenario, parsed))  # fail fast, before the bar
    n = replications or loaded.scenario.replications
    seed = loaded.scenario.seed if seed is None else seed
    grid: dict = {st.path: list(st.values) for st in parsed}
    if save_experiment is not None:
        from sim.experiment.experiment_file import ExperimentFile, dump

        spec = ExperimentFile(
            kind="sweep", scenario=loaded.path, grid=grid, replications=n, seed=seed
        )
        typer.echo(f"Experiment: {dump(spec, save_experiment)} (rerun: sim experiment FILE)")
    with (
        execution.stoppable(execution.resume_hint()),
        progress_bar(n * points, f"{points} points") as advance,
    ):
        res = api.sweep(
            loaded,
            grid,
            n=n,
            seed=seed,
            workers=workers,
            out=out,
            results_root="results",
            resume=resume,
            format=fmt,
            report=True,
            progress=advance,
            executor=executor,
            engine=engine,
            scheduler=scheduler,
        )
    finish(res, str(scenario))


def finish(res, scenario: str, metrics: list[str] | None = None) -> None:
    """Print a sweep's table and folder; exit 1 if any replication failed."""
    from sim.experiment.sweep import sweep_rows

    result, folder = res.sweep, res.folder
    sweep_table(result, sweep_rows(result), metrics)
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


def sweep_table(result, rows: list[dict], metrics: list[str] | None = None) -> None:
    """Print one row per point: its parameters and each headline (or ``metrics``)."""
    from rich.table import Table

    from sim.cli.render import console
    from sim.experiment.summary import HEADLINES
    from sim.reports.report import interval, value

    t = Table(
        title=f"{len(rows)} points, {result.replications:,} replications each, "
        f"seed {result.seed}, common random numbers",
        title_justify="left",
    )
    shown = [h for h in HEADLINES if metrics is None or h.key in metrics]
    for st in result.settings:
        t.add_column(st.path.rsplit(".", 1)[-1], justify="right", no_wrap=True)
    for h in shown:
        t.add_column(f"{h.label} ({'%' if h.percent else h.unit})", justify="right")
    for row in rows:
        cells = [str(row[st.path]) for st in result.settings]
        for h in shown:
            ci = [row[f"{h.key}_ci_low"], row[f"{h.key}_ci_high"]]
            cells.append(f"{value(row[h.key], h.percent)}\n{interval(ci, h.percent)}")
        t.add_row(*cells)
    console().print(t)
