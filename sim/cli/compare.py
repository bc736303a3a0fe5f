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
) -> None:
    """Compare governance designs with common random numbers: table, plots, report."""
    from sim.cli.app import check_counts

    if len(scenarios) < 2:
        raise InputError("give at least two scenario files to compare (the first is the baseline)")
    check_counts(replications, workers, seed)
    execution.check(executor, scheduler, resume, out)

    from sim.cli.app import load
    from sim.cli.render import progress_bar
    from sim.experiment.compare import compare_study
    from sim.experiment.runner import default_workers
    from sim.reports.compare import comparison_report

    designs = [load(s) for s in scenarios]  # every file validated before any run
    first = designs[0].scenario
    n = replications or first.replications
    w = workers or default_workers()
    with (
        execution.stoppable(execution.resume_hint()),
        progress_bar(n * len(designs), f"{len(designs)} designs") as advance,
    ):
        folder, comp = compare_study(
            designs,
            replications=n,
            seed=first.seed if seed is None else seed,
            workers=w,
            out=out,
            progress=advance,
            report=comparison_report,
            executor=executor,
            scheduler=scheduler,
            resume=resume,
        )
    comparison_table(comp)
    typer.echo(f"Results: {folder}")
    from sim.experiment.results import _safe

    execution.exit_if_any_failures(
        [
            (d.label, d.summary, d.loaded.path, folder / "designs" / _safe(d.label))
            for d in comp.designs
        ]
    )


def comparison_table(comp) -> None:
    """Print each metric per design with intervals and the paired difference vs the first."""
    from rich.table import Table
    from rich.text import Text

    from sim.cli.render import console
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
    for title, rows in cells(comp):
        t.add_row(Text(title, style="bold"), "", "")
        for i, (label, estimate, diff) in enumerate(rows):
            t.add_row(f"  {label}", estimate, diff, end_section=i == len(rows) - 1)
    console().print(t)
