"""``sim compare A.yaml B.yaml ...``: governance designs side by side.

Every design runs with the same seeds (common random numbers); the table shows each
headline metric per design with its 95% interval and the paired difference against the
first design with its interval. The results folder holds the tables, overlay plots and a
report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.cli import execution
from sim.cli.app import app
from sim.errors import InputError


@app.command()
def compare(
    scenarios: Annotated[
        list[Path],
        typer.Argument(
            help="Two or more scenario YAML files; the first is the baseline.",
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
    """Compare governance designs with common random numbers: table, plots, report."""
    from sim.cli.app import check_counts

    if len(scenarios) < 2:
        raise InputError("give at least two scenario files to compare (the first is the baseline)")
    check_counts(replications, workers, seed)
    execution.check(executor, scheduler, resume, out)

    from sim import api
    from sim.cli.app import load
    from sim.cli.render import progress_bar

    designs = [load(s) for s in scenarios]  # all validated before any run
    execution.prepare_engine(engine, [d.scenario for d in designs])
    first = designs[0].scenario
    n = replications or first.replications
    seed = first.seed if seed is None else seed
    if save_experiment is not None:
        from sim.experiment.experiment_file import ExperimentFile, dump

        spec = ExperimentFile(
            kind="comparison", designs=[d.path for d in designs], replications=n, seed=seed
        )
        typer.echo(f"Experiment: {dump(spec, save_experiment)} (rerun: sim experiment FILE)")
    with (
        execution.stoppable(execution.resume_hint()),
        progress_bar(n * len(designs), f"{len(designs)} designs") as advance,
    ):
        res = api.compare(
            *designs,
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
    finish(res)


def finish(res, metrics: list[str] | None = None) -> None:
    """Print a comparison's table and folder; exit 1 if any replication failed."""
    from sim.experiment.results import _safe

    comp, folder = res.comparison, res.folder
    comparison_table(comp, metrics)
    typer.echo(f"Results: {folder}")
    execution.exit_if_any_failures(
        [
            (d.label, d.summary, d.loaded.path, folder / "designs" / _safe(d.label))
            for d in comp.designs
        ]
    )


def comparison_table(comp, metrics: list[str] | None = None) -> None:
    """Print each metric (all, or ``metrics``) per design with the paired difference."""
    from rich.table import Table
    from rich.text import Text

    from sim.cli.render import console
    from sim.experiment.summary import HEADLINES
    from sim.reports.compare import cells

    base = comp.designs[0].label
    t = Table(
        title=f"{len(comp.designs)} designs, {comp.replications:,} replications each, seed "
        f"{comp.seed}, common random numbers; baseline: {base}",
        title_justify="left",
        caption="Differences are paired (same seed per replication), 95% t intervals; "
        "pp = percentage points.",
        caption_justify="left",
    )
    t.add_column("Metric / design")
    t.add_column("Estimate [95% CI]", justify="right", no_wrap=True)
    t.add_column("Minus baseline [95% CI]", justify="right", no_wrap=True)
    for h, (title, rows) in zip(HEADLINES, cells(comp), strict=True):
        if metrics is not None and h.key not in metrics:
            continue
        t.add_row(Text(title, style="bold"), "", "")
        for i, (label, estimate, diff) in enumerate(rows):
            t.add_row(f"  {label}", estimate, diff, end_section=i == len(rows) - 1)
    console().print(t)
