"""``sim scenarios list`` and ``sim scenarios copy NAME DIR``: the shipped scenarios."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.cli.app import app

scenarios_app = typer.Typer(
    help="The scenarios shipped with the package: list them, copy them out to edit.",
    no_args_is_help=True,
)
app.add_typer(scenarios_app, name="scenarios")


@scenarios_app.command("list")
def list_() -> None:
    """List the shipped scenarios (each name works wherever a scenario file does)."""
    from sim.scenario.shipped import all_shipped
    from sim.scenario.yamlsafe import parse, read_text

    for s in all_shipped():
        _, text = read_text(s.path)
        _, data = parse(text, str(s.path))
        title = data.get("name", "") if isinstance(data, dict) else ""
        typer.echo(f"{s.name:32} {title}")


@scenarios_app.command("copy")
def copy(
    name: Annotated[
        str,
        typer.Argument(help="A scenario, a group (governance, cases) or all.", show_default=False),
    ],
    dest: Annotated[Path, typer.Argument(help="Folder to copy into.", show_default=False)],
) -> None:
    """Copy a shipped scenario (or a group) into a folder; existing files are never overwritten."""
    from sim.scenario.shipped import copy as copy_shipped

    for path in copy_shipped(name, dest):
        typer.echo(str(path))
