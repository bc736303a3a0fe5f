"""The ``sim`` command: thin wrappers that parse, call one function, and print.

Exit codes: 0 success, 2 bad input (a message saying what, where and how to fix it,
never a traceback), 1 anything else. Heavy libraries are imported inside commands so
that ``sim --help`` starts fast.
"""

from __future__ import annotations

import errno
import json
import sys
from fractions import Fraction
from pathlib import Path
from typing import IO, Annotated, Any, Protocol

import typer

from sim.cli import execution
from sim.errors import InputError, Problem

app = typer.Typer(
    name="sim",
    help="consortium-sim: governance simulator for multi-partner ventures.\n\n"
    "Start with: sim run scenarios/equal_stakes.yaml",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain click help: rendering it with rich imports typer.rich_utils (rich's Markdown,
    # markdown-it, ...), about 0.2 s of the 0.3 s that `sim --help` may take (issue 13).
    rich_markup_mode=None,
)

Scenario = Annotated[
    Path,
    typer.Argument(
        help="Scenario YAML file (or a shipped scenario's name: sim scenarios list).",
        show_default=False,
    ),
]


def _err(text: str) -> None:
    typer.echo(text, err=True)


def load(path: Path):
    """Read and validate a scenario file; print its warnings (valid but doubtful) on stderr.

    ``path`` is a file, or the name of a shipped scenario (:func:`sim.scenario.shipped.resolve`).

    Returns:
        The :class:`~sim.scenario.loader.LoadedScenario`.
    """
    from sim.scenario.loader import load_scenario
    from sim.scenario.shipped import resolve

    loaded = load_scenario(resolve(path))
    for warning in loaded.warnings:
        _err(f"warning: {warning}")
    return loaded


def _positive(name: str, value: int | None, limit: int | None = None, hint: str = "") -> None:
    """Refuse a count below 1 or above ``limit``, saying how to fix it."""
    if value is not None and value < 1:
        raise InputError(f"{name} must be at least 1, got {value}")
    if value is not None and limit is not None and value > limit:
        raise InputError(f"{name} is {value:,}; the limit is {limit:,}{hint}")


def check_counts(replications: int | None, workers: int | None, seed: int | None = None) -> None:
    """The checks every command makes on ``-n``, ``-j`` and ``--seed``."""
    from sim.scenario.schema import MAX_REPLICATIONS

    if seed is not None and not 0 <= seed < 2**63:
        raise InputError(f"--seed must be between 0 and 2^63-1, got {seed}")
    _positive(
        "--replications",
        replications,
        MAX_REPLICATIONS,
        " (split the work into several runs and resume, or use a cluster)",
    )
    _positive("--workers", workers, 512, " (one per core is enough)")


@app.command()
def validate(scenario: Scenario) -> None:
    """Check a scenario file and say exactly what is wrong and where."""
    loaded = load(scenario)
    s = loaded.scenario
    typer.echo(
        f"{scenario}: valid. {s.name}: {len(s.partners)} partners, "
        f"{s.horizon_months} months, {s.replications} replications, "
        f"reserved matters by {s.governance.reserved.rule}."
        + (
            f" {len(loaded.uncertain)} uncertain parameters (given as ranges; `sim run` draws "
            f"{s.uncertainty.parameter_sets} parameter sets from them)."
            if loaded.uncertain
            else ""
        )
    )


@app.command()
def run(
    scenario: Scenario,
    replications: execution.ReplicationsOpt = None,
    seed: execution.SeedOpt = None,
    workers: execution.WorkersOpt = None,
    out: execution.OutOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary JSON.")] = False,
    executor: execution.ExecutorOpt = "local",
    scheduler: execution.SchedulerOpt = None,
    resume: execution.ResumeOpt = None,
    fmt: execution.FormatOpt = "csv",
    engine: execution.EngineOpt = "auto",
    samples: execution.SamplesOpt = None,
    central: execution.CentralOpt = False,
) -> None:
    """Run a scenario many times; print a summary and write a results folder.

    A scenario with uncertain parameters (values given as distributions) runs --samples
    parameter sets (a Latin hypercube) of -n replications each, the same seeds in every
    set, and reports each figure with two intervals: simulation noise and parameter
    uncertainty. --central runs it at the distributions' central values only.
    """
    from sim import api

    check_counts(replications, workers, seed)
    execution.check(executor, scheduler, resume, out, workers)
    loaded = load(scenario)
    execution.prepare_engine(engine, [loaded.scenario])
    if loaded.uncertain and not central:
        execution.check_uncertain(resume, fmt, None, samples)
        return _run_uncertain(
            loaded, replications, seed, workers, out, as_json, executor, scheduler, samples, engine
        )

    from sim.cli.render import power_gap_table, progress_bar, summary_table
    from sim.experiment.study import resume_plan

    s = loaded.scenario
    if resume is not None:  # the folder's size and seed (options may only repeat them)
        n, seed = resume_plan(resume, loaded, replications, seed)
    else:
        n, seed = replications or s.replications, s.seed if seed is None else seed
    with (
        execution.stoppable(["run", str(scenario)]),
        progress_bar(n, f"{Path(scenario).name}", quiet=as_json) as advance,
    ):
        res = api.run(
            loaded,
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
            scheduler=scheduler,
            engine=engine,
        )
    try:
        if as_json:
            typer.echo(json.dumps(res.summary, indent=2))
        else:
            summary_table(res.summary)
            power_gap_table(res.summary)
            typer.echo(f"Results: {res.folder}")
        execution.exit_if_failures(res.summary, scenario, res.folder)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        if resume is None:
            raise
        # A resumed complete run shows the summary.json it kept (from before its sha256 was
        # recorded in the manifest): one that lacks what a run writes is damaged.
        raise InputError(
            Problem(
                "is damaged (it lacks what a run writes): rerun without --resume (into a new "
                "folder), or restore it from a backup",
                file=str(res.folder / "summary.json"),
            )
        ) from None


def _run_uncertain(
    loaded, replications, seed, workers, out, as_json, executor, scheduler, samples, engine
):
    """``sim run`` over parameter sets of a scenario with uncertain parameters."""
    from sim.cli.render import progress_bar, summary_table
    from sim.experiment.runner import default_workers
    from sim.experiment.uncertain_run import uncertain_run_study
    from sim.reports.report import run_report

    s = loaded.scenario
    k = samples or s.uncertainty.parameter_sets
    n = replications or s.uncertainty.replications_per_set
    with (
        execution.stoppable(None),
        progress_bar(
            k * n, f"{Path(loaded.path).name}, {k} parameter sets", quiet=as_json
        ) as advance,
    ):
        output = uncertain_run_study(
            loaded,
            samples=k,
            replications=n,
            seed=s.seed if seed is None else seed,
            workers=workers or default_workers(),
            out=out,
            progress=advance,
            report=run_report,
            executor=executor,
            scheduler=scheduler,
            engine=engine,
        )
    if as_json:
        typer.echo(json.dumps(output.summary, indent=2))
    else:
        summary_table(output.summary)
        typer.echo(f"Results: {output.folder}")
    execution.exit_if_failures(output.summary, Path(loaded.path), output.folder)


def _exact_number(text: str) -> Fraction | float:
    """``--quota`` as written, exactly (see :func:`sim.formal.exact_number`)."""
    from sim.formal import exact_number

    return exact_number(text)


@app.command()
def power(
    scenario: Annotated[
        Path | None,
        typer.Argument(help="Scenario YAML (its rule for reserved matters).", show_default=False),
    ] = None,
    quota: Annotated[
        Fraction | None,
        typer.Option(help="Quota of a weighted game (read exactly).", parser=_exact_number),
    ] = None,
    weights: Annotated[str | None, typer.Option(help="Comma-separated weights.")] = None,
    names: Annotated[str | None, typer.Option(help="Comma-separated player names.")] = None,
    exact: Annotated[bool, typer.Option("--exact", help="Exact fractions.")] = False,
    json_out: Annotated[
        bool,
        typer.Option(
            "--json",
            help='Print {"players": [{name, weight, shapley_shubik, banzhaf, '
            'banzhaf_absolute, swings}], "coleman_power_to_act"} (exact values as "p/q").',
        ),
    ] = False,
) -> None:
    """Formal voting power: Shapley-Shubik, Banzhaf, swings, Coleman's power to act."""
    from sim.cli.render import power_table
    from sim.formal import as_json, game_from_args, game_from_scenario

    if scenario is not None:
        if quota is not None or weights is not None:
            raise InputError("give either a scenario or --quota and --weights, not both")
        games = game_from_scenario(load(scenario).scenario, exact)
    else:
        games = game_from_args(quota, weights, names, exact)
    if json_out:
        typer.echo(json.dumps(as_json(games), indent=2))
    else:
        for title, report in games:
            power_table(report, title)


class _ClickError(Protocol):
    """What click's exceptions (and those of typer's vendored copy) offer main()."""

    @property
    def exit_code(self) -> int: ...

    def show(self, file: IO[Any] | None = None) -> None: ...


def _click_exceptions() -> tuple[tuple[type[_ClickError], ...], tuple[type[_ClickError], ...]]:
    """Click's usage-error and general exception classes, from click and typer's copy."""
    import click

    usage: list[type[_ClickError]] = [click.exceptions.UsageError]
    general: list[type[_ClickError]] = [click.exceptions.ClickException]
    try:
        from typer._click import exceptions as vendored
    except ImportError:  # typer without a vendored click
        pass
    else:
        usage.append(vendored.UsageError)
        general.append(vendored.ClickException)
    return tuple(usage), tuple(general)


def main() -> None:
    """Entry point of the ``sim`` console script."""
    try:
        # Without standalone mode click returns (not raises) an exit code, e.g. 130 when a
        # KeyboardInterrupt escapes a command.
        code = app(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except InputError as exc:
        _err(f"error: {exc.render()}")
        sys.exit(2)
    except typer.Abort:
        _err("aborted")
        sys.exit(130)
    except KeyboardInterrupt:
        _err("interrupted")
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the one place that turns errors into exits
        from sim.experiment.results import ENVIRONMENT, Unwritable

        if isinstance(exc, Unwritable):
            _err(f"error: {execution.unwritable(exc, None)}")
            sys.exit(1)
        if isinstance(exc, OSError) and exc.errno in ENVIRONMENT:
            code = errno.errorcode.get(exc.errno, "?")
            _err(
                f"error: cannot write {exc.filename or 'a file'}: {exc.strerror} ({code}: "
                f"{ENVIRONMENT[exc.errno]}).\nThis is the machine, not a bug: free some "
                "space or make the folder writable, then run the command again"
            )
            sys.exit(1)
        # Typer >= 0.17 raises its own vendored click's exceptions, older ones click's.
        usage, click_errors = _click_exceptions()
        if isinstance(exc, usage):
            exc.show()
            sys.exit(2)
        if isinstance(exc, click_errors):
            exc.show()
            sys.exit(exc.exit_code)
        _err(
            f"error: {type(exc).__name__}: {exc}\n(this is a bug: please report it with the "
            "command line above)"
        )
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()


# Command modules register themselves on ``app`` (one import each, below this line).
import sim.cli.backtest  # noqa: E402,F401
import sim.cli.compare  # noqa: E402,F401
import sim.cli.discover  # noqa: E402,F401
import sim.cli.docs  # noqa: E402,F401
import sim.cli.experiment  # noqa: E402,F401
import sim.cli.play  # noqa: E402,F401
import sim.cli.scenarios  # noqa: E402,F401
import sim.cli.sensitivity  # noqa: E402,F401
import sim.cli.sweep  # noqa: E402,F401
import sim.cli.trace  # noqa: E402,F401
import sim.cli.viz  # noqa: E402,F401
