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
    samples: execution.SamplesOpt = None,
    central: execution.CentralOpt = False,
) -> None:
    """Compare governance designs with common random numbers: table, plots, report.

    When any design has uncertain parameters (values given as distributions), every design
    runs at the same --samples parameter sets, and the comparison reports for each pair of
    designs the probability across parameter sets that one beats the other, and a regret
    table. --central compares the designs at the central values only.
    """
    from sim.cli.app import check_counts

    if len(scenarios) < 2:
        raise InputError("give at least two scenario files to compare (the first is the baseline)")
    check_counts(replications, workers, seed)
    execution.check(executor, scheduler, resume, out, workers)

    from sim import api
    from sim.cli.app import load
    from sim.cli.render import progress_bar

    designs = [load(s) for s in scenarios]  # all validated before any run
    execution.prepare_engine(engine, [d.scenario for d in designs])
    first = designs[0].scenario
    if any(d.uncertain for d in designs) and not central:
        execution.check_uncertain(resume, fmt, save_experiment, samples)
        _robust(designs, replications, seed, workers, out, executor, scheduler, samples, engine)
        return
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
    from sim.experiment.compare import renamed

    comp, folder = res.comparison, res.folder
    comparison_table(comp, metrics)
    for note in renamed(comp.designs):
        typer.echo(f"Note: {note}.")
    typer.echo(f"Results: {folder}")
    execution.exit_if_any_failures(
        [(d.label, d.summary, d.loaded.path, folder / "designs" / d.folder) for d in comp.designs]
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


def _robust(designs, replications, seed, workers, out, executor, scheduler, samples, engine):
    """``sim compare`` over parameter sets: pairwise win probabilities and regret."""
    from sim.cli.render import progress_bar
    from sim.experiment.robust import robust_study
    from sim.experiment.runner import default_workers
    from sim.reports.robust import robust_report

    first = next(d for d in designs if d.uncertain).scenario
    k = samples or first.uncertainty.parameter_sets
    n = replications or first.uncertainty.replications_per_set
    with (
        execution.stoppable(None),
        progress_bar(k * n * len(designs), f"{len(designs)} designs x {k} parameter sets") as bar,
    ):
        folder, comp = robust_study(
            designs,
            samples=k,
            replications=n,
            seed=designs[0].scenario.seed if seed is None else seed,
            workers=workers or default_workers(),
            out=out,
            progress=bar,
            report=robust_report,
            executor=executor,
            scheduler=scheduler,
            engine=engine,
        )
    robust_table(comp)
    typer.echo(f"Results: {folder}")


def robust_table(comp) -> None:
    """Print, per metric, each design's mean, worst regret, P(best) and P(beats baseline)."""
    from rich.table import Table
    from rich.text import Text

    from sim.cli.render import console
    from sim.experiment.summary import HEADLINES
    from sim.reports.report import interval, value

    base = comp.labels[0]
    t = Table(
        title=f"{len(comp.labels)} designs at {comp.samples} parameter sets x "
        f"{comp.replications:,} replications, seed {comp.seed}, common random numbers; "
        f"baseline: {base}",
        title_justify="left",
        caption="P(beats baseline): share of parameter sets where the design does better "
        "than the baseline (ties count half), 95% Wilson interval over the sets. Regret: "
        "shortfall against the best design of each set.",
        caption_justify="left",
    )
    for col in ("Metric / design", "Mean [5-95% over sets]", "Max regret", "P(best)"):
        t.add_column(col, justify="left" if col.startswith("Metric") else "right")
    t.add_column("P(beats baseline)", justify="right")
    for h in HEADLINES:
        t.add_row(Text(h.label, style="bold"), "", "", "", "")
        vs = {r["design"]: r for r in comp.pairs[h.key] if r["versus"] == base}
        for i, r in enumerate(comp.regret[h.key]):
            p = vs.get(r["design"])
            t.add_row(
                f"  {r['design']}",
                f"{value(r.get('mean_estimate'), h.percent)} "
                f"{interval(r.get('parameter_interval', [None, None]), h.percent)}",
                value(r.get("max_regret"), h.percent),
                value(r.get("p_best"), True),
                f"{value(p['p_better'], True)} {interval(p['ci95'], True)}" if p else "",
                end_section=i == len(comp.regret[h.key]) - 1,
            )
    console().print(t)
