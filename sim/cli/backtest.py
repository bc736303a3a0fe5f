"""``sim backtest``: run the library of real consortia and set the model against history."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.cli.app import app


@app.command()
def backtest(
    folder: Annotated[
        Path, typer.Argument(help="Folder of case files (with metadata.outcome).")
    ] = Path("scenarios/cases"),
    replications: Annotated[
        int, typer.Option("-n", "--replications", help="Replications per case.")
    ] = 200,
    seed: Annotated[int, typer.Option("--seed", help="Root seed (the same for every case).")] = 1,
    workers: Annotated[
        int | None, typer.Option("-j", "--workers", help="Worker processes (default: all cores).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("-o", "--out", help="Results folder (new or empty; default: results/...)."),
    ] = None,
    write_doc: Annotated[
        Path | None,
        typer.Option(
            "--write-doc",
            help="Also write the scored table between <!-- backtest:start/end --> in this file.",
        ),
    ] = None,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print the scored backtest as JSON (cases and total scores)."),
    ] = False,
) -> None:
    """Run each real case; score the model and two baselines against what happened.

    Scores (lower is better): Brier and log score of the outcome category, timing (-log
    probability of the actual year; a running case censored at the years observed) and
    CRPS (years), for the model, the base rates (``baseline``) and a 7-year-median
    exponential. See ``sim/experiment/scoring.py``.
    """
    from sim.cli.app import check_counts

    check_counts(replications, workers, seed)
    if write_doc is not None:
        check_markers(write_doc)
    if out is not None:  # before the cases run, not after
        from sim.experiment.results import refuse_unless_empty

        refuse_unless_empty(out)

    from rich.table import Table

    from sim.cli.render import console
    from sim.experiment.backtest import backtest as run_backtest
    from sim.experiment.runner import default_workers
    from sim.reports.backtest import write_backtest

    with console(stderr=True).status("running cases...") as status:

        def progress(case: str, k: int) -> None:
            status.update(f"running {case}...")

        results = run_backtest(folder, replications, seed, workers or default_workers(), progress)
    written = write_backtest(results, out, seed=seed)
    if write_doc is not None:
        from sim.docs import replace_between
        from sim.experiment.skill import markdown, report

        command = f"sim backtest {folder} -n {replications} --seed {seed} --write-doc {write_doc}"
        text = write_doc.read_text(encoding="utf-8")
        block = markdown(report(results, seed), replications, command)
        from sim.experiment.results import write_atomic

        write_atomic(write_doc, replace_between(text, "backtest", block))  # whole or not at all
    if as_json:
        import json

        from sim.experiment.results import finite
        from sim.experiment.skill import report

        typer.echo(json.dumps(finite(report(results, seed)), indent=2, ensure_ascii=False))
        typer.echo(f"Results: {written}", err=True)
        return

    table = Table(title=f"Backtest: {len(results)} cases, {replications} replications each")
    for col in ("Case", "Actual", "Simulated outcomes", "P(actual)", "P(actual, who)", "Years"):
        table.add_column(col)
    for r in results:
        dist = "  ".join(f"{c} {100 * s:.0f}%" for c, s in r.shares.items() if s > 0)
        lo, hi = r.p_actual_ci95
        when = (
            f"{r.years_q[1]:.1f} [{r.years_q[0]:.1f}-{r.years_q[2]:.1f}] vs {r.actual.years:g}"
            if r.years_q
            else f"never vs {r.actual.years:g}"
        )
        table.add_row(
            r.case,
            f"{r.actual.category} {r.actual.who}".strip() + f" ({r.actual.years:g} y)",
            dist,
            f"{100 * r.p_actual:.0f}% [{100 * lo:.0f}-{100 * hi:.0f}]",
            "-" if r.p_actual_who is None else f"{100 * r.p_actual_who:.0f}%",
            when,
        )
    console().print(table)
    console().print(score_table(results, seed))
    typer.echo(f"Results: {written}")


def check_markers(path: Path) -> None:
    """Fail early (exit 2) when ``path`` lacks the ``<!-- backtest:start/end -->`` markers."""
    from sim.errors import InputError, Problem

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise InputError(Problem(f"cannot read it: {err.strerror}", file=str(path))) from None
    if "<!-- backtest:start -->" not in text or "<!-- backtest:end -->" not in text:
        raise InputError(
            Problem(
                "has no <!-- backtest:start --> ... <!-- backtest:end --> markers to write "
                "the scored table between",
                file=str(path),
            )
        )


def score_table(results, seed: int):
    """The proper scores per case and in total (a rich table)."""
    from rich.table import Table
    from rich.text import Text

    from sim.experiment.scoring import FORECASTS
    from sim.experiment.skill import report

    rep = report(results, seed)
    table = Table(title="Scores (lower is better): model / base rates / 7-year exponential")
    for col in ("Case", "Brier", "Log", "Timing", "CRPS (y)"):
        table.add_column(col)

    def cell(scores: dict, name: str) -> str:
        values = [scores[k][name] for k in FORECASTS]
        return " / ".join("-" if v is None else f"{v:.2f}" for v in values)

    for case in rep["cases"]:
        sc = case["scores"]
        table.add_row(case["case"], *(cell(sc, m) for m in ("brier", "log", "timing", "crps")))
    names = ("brier", "log", "timing", "crps")
    table.add_row(Text("mean", style="bold"), *(cell(rep["score"], m) for m in names))
    return table
