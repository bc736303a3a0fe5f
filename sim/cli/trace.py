"""``sim trace``: one replication told month by month, for workshops and for debugging.

Colour when stdout is a terminal (rich), plain text when piped, Markdown for handouts,
JSON for tools.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.cli.app import Scenario, app
from sim.errors import InputError

#: Terminal styles for the tones of :class:`sim.reports.story.Line`.
STYLES = {
    "good": "green",
    "bad": "red",
    "warn": "yellow",
    "struct": "bold magenta",
    "quiet": "dim",
    "plain": "",
}


@app.command()
def trace(
    scenario: Scenario,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed",
            help="Replication seed: a value of the seed column of runs.csv (required "
            "unless --moves gives it).",
        ),
    ] = None,
    months: Annotated[
        int | None, typer.Option("--months", help="Show only the first M months.")
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="text (colour in a terminal), md or json.")
    ] = "text",
    out: Annotated[
        Path | None, typer.Option("-o", "--out", help="Write to this file instead of stdout.")
    ] = None,
    moves: Annotated[
        Path | None,
        typer.Option(
            "--moves",
            help="A room session's record (saved by sim play): tell the room's history, "
            "with the people's moves and the record's seed.",
        ),
    ] = None,
) -> None:
    """Tell one replication month by month: proposals, votes and why, deadlocks, exits."""
    from sim.reports.trace import FORMATS

    if fmt not in FORMATS:
        raise InputError(f"--format must be one of {', '.join(FORMATS)}, got '{fmt}'")
    if seed is None and moves is None:
        raise InputError("--seed is required (a value of the seed column of runs.csv)")
    if seed is not None and not 0 <= seed < 2**63:
        raise InputError(
            f"--seed must be between 0 and 2^63-1, got {seed} (use a seed listed in runs.csv)"
        )
    if months is not None and months < 1:
        raise InputError(f"--months must be at least 1, got {months}")
    if out is not None:
        _check_out(out)
    from sim.cli.app import load
    from sim.reports import trace as report

    loaded = load(scenario).scenario
    if moves is not None:
        told = report.told(_room_history(loaded, moves, seed), months)
    else:
        assert seed is not None  # checked above
        told = report.trace(loaded, seed, months)
    if fmt == "json":
        text = report.to_json(told)
    elif fmt == "md":
        text = report.to_markdown(told)
    else:
        text = report.to_text(told)
    if out is not None:
        from sim.experiment.results import write_new

        write_new(out, text)  # refused even if the file appeared since _check_out
        typer.echo(f"Trace written to {out}")
    elif fmt == "text" and _terminal():
        _colour(told)
    else:
        typer.echo(text, nl=False)


def _check_out(out: Path) -> None:
    """Refuse an ``-o`` that is a folder, an existing file, or in a missing folder."""
    if out.is_dir():
        raise InputError(
            f"-o/--out: {out} is a folder; give a file name inside it, e.g. {out / 'trace.md'}"
        )
    if out.exists() or out.is_symlink():
        raise InputError(
            f"-o/--out: {out} already exists; a trace never overwrites a file: choose another "
            "name, or move that file away"
        )
    if not out.parent.is_dir():
        raise InputError(f"-o/--out: folder {out.parent} does not exist; create it first")


def _room_history(scenario, path: Path, seed: int | None):
    """The venture a room session's record replays to (its scenario must be ``scenario``)."""
    from sim.play.session import Record, replay

    try:
        record = Record.from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError, KeyError) as e:
        raise InputError(f"--moves: {path} is not a record saved by sim play ({e})") from e
    if record.load_scenario() != scenario:
        raise InputError(f"--moves: {path} was recorded with another scenario than this one")
    if seed is not None and seed != record.seed:
        raise InputError(f"--moves: {path} was played with seed {record.seed}, not {seed}")
    return replay(record)


def _terminal() -> bool:
    import sys

    return sys.stdout.isatty()


def _colour(told) -> None:
    """The text layout with rich styles: headings bold, each line coloured by its tone."""
    from rich.console import Console
    from rich.text import Text

    # Names and titles are the user's: markup and emoji codes in them are shown as written.
    console = Console(highlight=False, soft_wrap=True, markup=False, emoji=False)
    console.print(Text(told.title, style="bold"))
    console.print(f"Replication seed {told.seed}, {told.horizon_months}-month horizon.\n")
    console.print(Text("The partners:", style="bold"))
    for c in told.cast:
        console.print(f"  {c}")
    console.print(Text("\nThe design:", style="bold"))
    for d in told.design:
        console.print(f"  {d}")
    for m in told.months:
        head = f"\nMonth {m.month}" + (" · board meeting" if m.board else "")
        console.print(Text(head, style="bold cyan" if m.board else "bold"))
        for line in m.lines:
            console.print(Text(f"  {line.text}", style=STYLES.get(line.tone, "")))
            for d in line.details:
                console.print(Text(f"      {d}", style="dim" if line.tone != "struct" else ""))
    console.print(Text("\nHow it ended:", style="bold"))
    for e in told.ending:
        console.print(f"  {e}")
