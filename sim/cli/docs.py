"""``sim docs``: regenerate the generated tables in docs/model.md and the README."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sim.cli.app import app
from sim.errors import InputError


@app.command(hidden=True)
def docs(
    root: Annotated[Path, typer.Option(help="Repository root.")] = Path("."),
    run: Annotated[
        bool, typer.Option("--run", help="Re-run every shipped design into docs/designs.json.")
    ] = False,
    replications: Annotated[int, typer.Option("-n", help="Replications per design.")] = 200,
    seed: Annotated[int, typer.Option("--seed", help="Root seed.")] = 20260412,
    workers: Annotated[int | None, typer.Option("-j", help="Worker processes.")] = None,
) -> None:
    """Regenerate the parameter table (docs/model.md) and the designs table (README.md)."""
    if not (root / "docs" / "model.md").exists():
        raise InputError(f"{root}: no docs/model.md here; run from the repository root")

    from sim import docs as gen
    from sim.experiment.results import write_atomic, write_json
    from sim.experiment.runner import default_workers

    if run:
        recorded = gen.record_designs(root, replications, seed, workers or default_workers())
        write_json(root / "docs" / "designs.json", recorded)
    elif not (root / "docs" / "designs.json").exists():
        raise InputError("docs/designs.json is missing: run `sim docs --run` once")
    for path, text in gen.render(root).items():
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        if text != old:
            write_atomic(path, text)
            typer.echo(f"updated {path}")
