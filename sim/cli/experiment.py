"""``sim experiment FILE``: run a saved sweep or comparison.

The file's layout is :mod:`sim.experiment.experiment_file`'s; it runs through
:func:`sim.api.run_experiment_file`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.cli import execution
from sim.cli.app import app


@app.command()
def experiment(
    file: Annotated[
        Path,
        typer.Argument(help="Experiment YAML (a saved sweep or comparison).", show_default=False),
    ],
    workers: execution.WorkersOpt = None,
    out: execution.OutOpt = None,
    executor: execution.ExecutorOpt = "local",
    scheduler: execution.SchedulerOpt = None,
    resume: execution.ResumeOpt = None,
) -> None:
    """Run a saved experiment file: the same tables, plots and report as sweep/compare."""
    from sim.cli.app import check_counts

    check_counts(None, workers)
    execution.check(executor, scheduler, resume, out, workers)

    from sim.api import run_experiment_file
    from sim.cli import compare, sweep
    from sim.cli.render import progress_bar
    from sim.experiment.experiment_file import load_experiment

    spec = load_experiment(file)  # every problem reported before anything runs
    parts = len(spec.designs or []) or _points(spec)
    with (
        execution.stoppable(execution.resume_hint()),
        progress_bar(spec.replications * parts, f"{file.name}") as advance,
    ):
        res = run_experiment_file(
            file,
            workers=workers,
            out=out,
            results_root="results",
            resume=resume,
            report=True,
            progress=advance,
            executor=executor,
            scheduler=scheduler,
        )
    if spec.kind == "sweep":
        sweep.finish(res, str(spec.scenario), spec.metrics)
    else:
        compare.finish(res, spec.metrics)


def _points(spec) -> int:
    from sim import api
    from sim.experiment.sweep import build_points

    return len(build_points(api.loaded(spec.scenario, spec.set).scenario, api.settings(spec.grid)))
