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

from sim.errors import InputError

ReplicationsOpt = Annotated[
    int | None,
    typer.Option("-n", "--replications", help="Replications (default: the scenario's)."),
]
SeedOpt = Annotated[int | None, typer.Option("--seed", help="Root seed (default: the scenario's).")]
WorkersOpt = Annotated[
    int | None, typer.Option("-j", "--workers", help="Worker processes (default: all cores).")
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


def check(executor: str, scheduler: str | None, resume: Path | None, out: Path | None) -> None:
    """Reject option combinations that cannot work, before any work starts."""
    if executor not in ("local", "serial", "dask"):
        raise InputError(f"--executor must be local, serial or dask, got {executor!r}")
    if scheduler and executor != "dask":
        raise InputError("--scheduler is for --executor dask: add --executor dask")
    if resume is not None and out is not None:
        raise InputError("give either --resume FOLDER (to finish a run) or -o FOLDER, not both")


def resume_hint() -> str:
    """This command line with ``-o/--out DIR`` replaced by ``--resume {folder}``."""
    args, skip = [], False
    for arg in sys.argv[1:]:
        if skip:
            skip = False
        elif arg in ("-o", "--out", "--resume"):
            skip = True
        elif not arg.startswith(("--out=", "--resume=")):
            args.append(shlex.quote(arg).replace("{", "{{").replace("}", "}}"))
    return " ".join(["sim", *args, "--resume {folder}"])


@contextlib.contextmanager
def stoppable(resume_command: str) -> Iterator[None]:
    """Stop cleanly on Ctrl-C or SIGTERM: say how to resume, exit 130 or 143.

    Args:
        resume_command: the command line to resume, with ``{folder}`` for the folder;
            empty for commands that cannot resume yet (the stop is still clean).
    """
    from sim.experiment.signals import Interrupted, Stopped, stop_on_signals

    try:
        with stop_on_signals():
            yield
    except Interrupted as stop:
        if resume_command:
            text = (
                f"\nstopped: completed replications are kept in {stop.folder} (manifest "
                f"status: interrupted)\nresume with: {resume_command.format(folder=stop.folder)}"
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
        lines.append(
            f"{label + ': ' if label else ''}{failed['count']} replication(s) failed and are "
            f"left out of the summary (see {Path(folder) / 'failures.csv'}).\n"
            f"  First: replication {first['replication']}, {first['error']}\n"
            f"  Replay it with: sim trace {scenario} --seed {first['seed']}"
        )
    if lines:
        typer.echo("\n".join(lines), err=True)
        sys.exit(1)
