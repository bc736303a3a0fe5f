"""``sim sensitivity A.yaml``: which uncertain parameters drive each headline answer.

Morris screening (mu*, sigma) or Sobol indices (S1, ST) with 95% bootstrap intervals, for
every headline metric, from a design over the scenario's uncertain parameters (values
given as distributions); every point runs the same replication seeds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.cli import execution
from sim.cli.app import app

DEFAULT_SAMPLES = {"morris": 4, "sobol": 8}
DEFAULT_REPLICATIONS = 20


@app.command()
def sensitivity(
    scenario: Annotated[
        Path, typer.Argument(help="Scenario YAML with uncertain parameters.", show_default=False)
    ],
    method: Annotated[
        str, typer.Option("--method", help="morris (screening) or sobol (variance indices).")
    ] = "morris",
    samples: Annotated[
        int | None,
        typer.Option(
            "--samples",
            help="Morris trajectories (d + 1 points each; default 4) or Sobol base points "
            "(a power of 2; d + 2 points each; default 8).",
        ),
    ] = None,
    replications: Annotated[
        int | None,
        typer.Option(
            "-n", "--replications", help=f"Replications per point (default {DEFAULT_REPLICATIONS})."
        ),
    ] = None,
    seed: execution.SeedOpt = None,
    workers: execution.WorkersOpt = None,
    out: execution.OutOpt = None,
    executor: execution.ExecutorOpt = "local",
    scheduler: execution.SchedulerOpt = None,
    engine: execution.EngineOpt = "auto",
) -> None:
    """Rank the assumptions behind each answer: sensitivity.csv, bar charts, report."""
    from sim.cli.app import check_counts

    check_counts(replications, workers, seed)
    execution.check(executor, scheduler, None, out, workers)

    from sim.cli.render import progress_bar
    from sim.experiment.runner import default_workers
    from sim.experiment.sensitivity import check_samples, sensitivity_study
    from sim.reports.sensitivity import sensitivity_report
    from sim.scenario.loader import load_scenario
    from sim.scenario.shipped import resolve

    loaded = load_scenario(resolve(scenario))
    execution.prepare_engine(engine, [loaded.scenario])
    k = samples or DEFAULT_SAMPLES.get(method, 4)
    n = replications or DEFAULT_REPLICATIONS
    points = check_samples(method, k, len(loaded.uncertain))  # fail fast, before the bar
    with (
        execution.stoppable(None),
        progress_bar(points * n, f"{method}, {points} parameter sets") as advance,
    ):
        folder, sens = sensitivity_study(
            loaded,
            method=method,
            samples=k,
            replications=n,
            seed=loaded.scenario.seed if seed is None else seed,
            workers=workers or default_workers(),
            out=out,
            progress=advance,
            report=sensitivity_report,
            executor=executor,
            scheduler=scheduler,
            engine=engine,
        )
    sensitivity_table(sens)
    typer.echo(f"Results: {folder}")


def sensitivity_table(sens) -> None:
    """Print the top parameters of every headline metric."""
    from rich.table import Table

    from sim.cli.render import console
    from sim.experiment.summary import HEADLINES
    from sim.reports.report import value

    by = "mu_star" if sens.method == "morris" else "ST"
    t = Table(
        title=f"{sens.method.capitalize()}: {len(sens.sets)} parameter sets x "
        f"{sens.replications:,} replications, seed {sens.seed}, common random numbers",
        title_justify="left",
        caption="mu*: mean absolute change over a parameter's range (pp for %); "
        "ST: share of variance, with 95% bootstrap intervals."
        if sens.method == "morris"
        else "ST: total-order Sobol index, S1: first order, with 95% bootstrap intervals.",
        caption_justify="left",
    )
    t.add_column("Metric")
    for i in range(1, 4):
        t.add_column(f"#{i}")
    for h in HEADLINES:
        rows = sens.indices[h.key][:3]
        cells = []
        for r in rows:
            scale = 100 if h.percent and by == "mu_star" else 1
            x, c = (r[by] or 0) * scale, (r[f"{by}_conf"] or 0) * scale
            cells.append(f"{r['parameter']}\n{value(x)} ± {value(c)}")
        cells += ["" for _ in range(3 - len(cells))]
        t.add_row(h.label, *cells)
    console().print(t)
