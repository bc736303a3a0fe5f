"""Options and endings shared by the commands that run experiments (run, compare, sweep).

``--executor/--scheduler/--resume`` are declared once here; :func:`stoppable` turns
Ctrl-C and SIGTERM into a clean stop with a message saying how to resume, and
:func:`exit_if_failures` ends a run whose replications raised with exit code 1 and the
``sim trace`` command that replays the first of them.
"""

from __future__ import annotations

import contextlib
import shlex
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from sim.errors import InputError, literal

ReplicationsOpt = Annotated[
    int | None,
    typer.Option("-n", "--replications", help="Replications (default: the scenario's)."),
]
SeedOpt = Annotated[int | None, typer.Option("--seed", help="Root seed (default: the scenario's).")]
WorkersOpt = Annotated[
    int | None,
    typer.Option(
        "-j",
        "--workers",
        help="Worker processes (default: all cores). At most the cores this process may "
        "use, with the local pool or a local Dask cluster (more are reduced to that, with a "
        "warning); ignored by --executor serial and by a --scheduler's cluster, whose "
        "workers decide.",
    ),
]
OutOpt = Annotated[
    Path | None,
    typer.Option("-o", "--out", help="Results folder (new or empty; default: under results/)."),
]
ExecutorOpt = Annotated[
    str,
    typer.Option(
        "--executor",
        help="Where replications run: local (worker processes on this machine), serial "
        "(this process), or dask (a Dask cluster: see --scheduler and docs/cluster.md).",
    ),
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (with --executor dask; "
        "default: a local Dask cluster started for this job).",
    ),
]
EngineOpt = Annotated[
    str,
    typer.Option(
        "--engine",
        help="auto (the compiled fast engine when it models everything the scenario uses, "
        "else Mesa, saying why), mesa (the reference Mesa model) or fast; both give "
        "identical numbers.",
    ),
]
ResumeOpt = Annotated[
    Path | None,
    typer.Option(
        "--resume",
        help="Finish an interrupted run in this results folder (same scenario file and seed).",
    ),
]

SamplesOpt = Annotated[
    int | None,
    typer.Option(
        "--samples",
        help="Parameter sets drawn from the scenario's uncertain parameters (a Latin "
        "hypercube; default: the scenario's uncertainty.parameter_sets); -n replications "
        "run in each (default: its uncertainty.replications_per_set).",
    ),
]
CentralOpt = Annotated[
    bool,
    typer.Option(
        "--central",
        help="Run uncertain parameters at their central values only (no parameter sets).",
    ),
]
FormatOpt = Annotated[
    str,
    typer.Option(
        "--format",
        help="Tables on disk: csv (default) or parquet (runs, influence, sweep and "
        "comparison tables; columns in docs/api.md).",
    ),
]
SaveExperimentOpt = Annotated[
    Path | None,
    typer.Option(
        "--save-experiment",
        help="Also write this study as a YAML experiment file, to rerun with "
        "`sim experiment FILE`.",
    ),
]


def check_uncertain(
    resume: Path | None, fmt: str, save_experiment: Path | None, samples: int | None
) -> None:
    """Reject options a run over parameter sets does not offer (yet), before any work."""
    if resume is not None:
        raise InputError(
            "--resume finishes a run of one scenario; a run over parameter sets starts "
            "afresh (or add --central to run the scenario at its central values)"
        )
    if fmt != "csv":
        raise InputError(f"--format {fmt}: runs over parameter sets write csv only (or --central)")
    if save_experiment is not None:
        raise InputError("--save-experiment: not for runs over parameter sets yet (or --central)")
    if samples is not None and not 1 <= samples <= 10_000:
        raise InputError(f"--samples must be between 1 and 10,000, got {samples}")


def check(
    executor: str,
    scheduler: str | None,
    resume: Path | None,
    out: Path | None,
    workers: int | None = None,
) -> None:
    """Reject option combinations that cannot work, before any work starts.

    A results folder given with ``-o`` that already holds anything is refused here, before
    the scenario is loaded or the fast engine compiled (it is checked again when the
    folder is made, under its lock).

    A ``-j`` the executor cannot use (more than this machine's cores, or any with
    ``serial`` or a scheduler) is a warning on stderr: the executor uses what it can
    (:func:`sim.experiment.executors.usable_workers`).
    """
    if executor not in ("local", "serial", "dask"):
        raise InputError(f"--executor must be local, serial or dask, got {executor!r}")
    if scheduler is not None and executor != "dask":
        raise InputError("--scheduler is for --executor dask: add --executor dask")
    if scheduler is not None:
        from sim.experiment.executors import check_scheduler

        check_scheduler(scheduler)
    if executor == "dask":
        from sim.experiment.executors import require_dask

        require_dask()
    if resume is not None and out is not None:
        raise InputError("give either --resume FOLDER (to finish a run) or -o FOLDER, not both")
    if out is not None:  # before the fast engine loads (a first compile takes a minute)
        from sim.experiment.results import refuse_unless_empty

        refuse_unless_empty(Path(out))
    from sim.experiment.executors import usable_workers

    note = usable_workers(executor, workers, scheduler)[1]
    if note:
        typer.echo(f"warning: {note}", err=True)


def resume_hint() -> list[str]:
    """This command line without ``-o/--out DIR`` or ``--resume DIR``, to resume with."""
    args, skip = [], False
    for arg in sys.argv[1:]:
        if skip:
            skip = False
        elif arg in ("-o", "--out", "--resume"):
            skip = True
        elif not arg.startswith(("--out=", "--resume=")):
            args.append(arg)
    return args


def shown_arg(arg: str | Path) -> str:
    r"""An argument as a command line to copy shows it.

    Shell-quoted, invisible characters written as ``\uXXXX``.
    """
    return literal(shlex.quote(str(arg)))


def resume_command(args: list[str], folder: str | Path) -> str:
    """``sim ARGS --resume FOLDER``, every argument quoted for the shell."""
    return " ".join(["sim", *(shown_arg(a) for a in [*args, "--resume", str(folder)])])


@contextlib.contextmanager
def stoppable(resume: list[str] | None) -> Iterator[None]:
    """End a run cleanly on Ctrl-C, SIGTERM or a disk that refuses a write.

    A stop says how to resume and exits 130 or 143; a write the machine refuses (a full
    disk, a read-only folder: :class:`~sim.experiment.results.Unwritable`) names the file,
    says that completed work is kept and how to resume, and exits 1.

    Args:
        resume: the command's arguments (after ``sim``) that resume it given
            ``--resume FOLDER``; None for commands that cannot resume yet (the stop is
            still clean).
    """
    from sim.experiment.results import Unwritable
    from sim.experiment.signals import Interrupted, Stopped, stop_on_signals

    try:
        with stop_on_signals():
            yield
    except Interrupted as stop:
        if resume is not None:
            text = (
                f"\nstopped: completed replications are kept in {stop.folder} (manifest "
                f"status: interrupted)\nresume with: {resume_command(resume, stop.folder)}"
            )
        else:
            text = (
                f"\nstopped: {stop.folder} is marked interrupted (manifest status); this "
                "command does not resume: run it again into a new folder"
            )
        typer.echo(text, err=True)
        sys.exit(stop.exit_code)
    except KeyboardInterrupt as stop:
        typer.echo("\nstopped (the results folder's manifest says interrupted)", err=True)
        sys.exit(stop.exit_code if isinstance(stop, Stopped) else 130)
    except Unwritable as fault:
        typer.echo(f"\nerror: {unwritable(fault, resume)}", err=True)
        sys.exit(1)


def unwritable(fault, resume: list[str] | None) -> str:
    """What to say when the machine refused a write: the file, what is kept, what to do."""
    then = (
        f"then resume with: {resume_command(resume, fault.folder)}"
        if resume is not None
        else "then run the command again into a new folder (this command does not resume)"
    )
    return (
        f"{fault.describe()}.\nThis is the machine, not a bug: completed work is kept in "
        f"{fault.folder}. Free some space or make the folder writable, {then}"
    )


def exit_if_failures(summary: dict, scenario: Path, folder: Path) -> None:
    """Exit 1 if any replication raised, naming the file and how to replay the first."""
    exit_if_any_failures([("", summary, str(scenario), Path(folder))])


def exit_if_any_failures(parts: list[tuple[str, dict, str, Path]]) -> None:
    """Exit 1 if any replication of any part (design, grid point) raised.

    Args:
        parts: ``(label, summary, scenario to trace, folder holding failures.csv)``;
            the label is empty for a single run.
    """
    lines = []
    for label, summary, scenario, folder in parts:
        failed = summary.get("failures", {})
        if not failed.get("count"):
            continue
        first = failed["first"]
        what = (
            f"no completed replications: all {failed['count']} failed, so there are no "
            "numbers for it"
            if summary.get("replications") == 0
            else f"{failed['count']} replication(s) failed and are left out of the summary"
        )
        lines.append(
            f"{label + ': ' if label else ''}{what} (see {Path(folder) / 'failures.csv'}).\n"
            f"  First: replication {first['replication']}, {first['error']}\n"
            f"  Replay it with: sim trace {scenario} --seed {first['seed']}"
        )
    if lines:
        typer.echo("\n".join(lines), err=True)
        sys.exit(1)


def prepare_engine(engine: str, scenarios) -> None:
    """Check ``--engine``, say why ``auto`` sends a scenario to Mesa, load the fast engine.

    The fast engine is loaded (compiled on first use, with a message) before the progress
    bar starts.

    Raises:
        InputError: an unknown engine, or ``fast`` for a scenario it does not model.
    """
    from sim.experiment.engines import resolve

    chosen = set()
    for scenario in scenarios:
        name, note = resolve(scenario, engine)
        chosen.add(name)
        if note is not None:
            typer.echo(f"Note: {note}.", err=True)
    if "fast" in chosen:
        from sim.fast.engine import warm_up

        warm_up(lambda message: typer.echo(message, err=True))
