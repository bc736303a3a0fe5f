"""``sim discover RUN_FOLDER --metric fracture --above 0.5``: where an outcome happens.

Scenario discovery with PRIM over the parameter sets of a run on a scenario with ranges
(:mod:`sim.experiment.discovery`): the box of parameter values in which the outcome is
concentrated, as a table (``discovery.csv``), the peeling trajectory
(``trajectory.csv``), a plot and a report, in a new results folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.cli import execution
from sim.cli.app import app
from sim.errors import InputError


@app.command()
def discover(
    run: Annotated[
        Path,
        typer.Argument(
            help="Results folder of `sim run` on a scenario with ranges (it holds "
            "parameter_sets.csv).",
            show_default=False,
        ),
    ],
    metric: Annotated[
        str, typer.Option("--metric", help="Headline key, e.g. fracture, leader.")
    ] = "fracture",
    above: Annotated[
        float | None,
        typer.Option("--above", help="Outcome: metric above this (fractions: 0.5 = 50%)."),
    ] = None,
    below: Annotated[
        float | None, typer.Option("--below", help="Outcome: metric below this instead.")
    ] = None,
    out: execution.OutOpt = None,
) -> None:
    """Scenario discovery (PRIM): the parameter region where an outcome happens."""
    import math

    from sim.experiment import results
    from sim.experiment.discovery import discover as find
    from sim.reports.discovery import box_sentence, discovery_report

    if (above is None) == (below is None):
        raise InputError("give exactly one of --above or --below, e.g. --above 0.5")
    threshold = above if above is not None else below
    assert threshold is not None
    if not math.isfinite(threshold):
        raise InputError(f"the threshold must be a finite number, not {threshold}")
    found = find(run, metric, threshold, below=below is not None)
    folder = results.new_folder(out, "discover")
    info = {
        "kind": "discovery",
        "source": str(run),
        "metric": metric,
        "threshold": threshold,
        "below": below is not None,
        "started": results.now(),
    }
    with results.tracked(folder, info) as files:
        results.write_csv(folder / "discovery.csv", found.limits, ["parameter", "min", "max", "qp"])
        results.write_csv(
            folder / "trajectory.csv", found.trajectory, ["coverage", "density", "mass", "dims"]
        )
        files += ["discovery.csv", "trajectory.csv", *discovery_report(folder, found)]
    typer.echo(box_sentence(found))
    typer.echo(f"Results: {folder}")
