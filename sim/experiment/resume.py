"""Resuming multi-run studies (sweeps, comparisons): finished work kept, the rest run.

A sweep runs one experiment per grid point, a comparison one per design.
:class:`PointStore` gives each a folder (``points/<index>/``, ``designs/<label>/``) under
the study's results folder. Rows stream there through a
:class:`~sim.experiment.sink.RunSink`, so an experiment stopped partway resumes at chunk
level. A sweep point's ``summary.json`` is written when the point is complete, so a
resume skips it. A comparison keeps each design's checkpoint until the whole comparison
is complete, so a resume reopens a finished design without running anything and still
has its totals and histograms. :func:`reopen` checks that a folder to resume was made by
the same study: same kind, scenario files, grid, seed and size.
"""

from __future__ import annotations

import json
from pathlib import Path

from sim.errors import InputError, Problem
from sim.experiment import results
from sim.experiment.runner import run_columns
from sim.experiment.sink import CHECKPOINT, RunSink
from sim.scenario.schema import Scenario


class PointStore:
    """Per-point results of a sweep (or per-design, of a comparison) on disk.

    Args:
        folder: the study's results folder.
        resume: whether to keep what an earlier, stopped run of the study left.
        subfolder: where the points go inside ``folder`` (``points`` or ``designs``).
    """

    def __init__(self, folder: Path, resume: bool, subfolder: str = "points"):
        self.folder = Path(folder)
        self.resume = resume
        self.subfolder = subfolder

    def path(self, key: int | str) -> Path:
        """The folder of a point (``points/007``) or a design (``designs/<label>``)."""
        name = f"{key:03d}" if isinstance(key, int) else key
        return self.folder / self.subfolder / name

    def done(self, index: int) -> dict | None:
        """The summary of a point that finished (only when resuming), else None."""
        summary = self.path(index) / "summary.json"
        if self.resume and summary.exists():
            return json.loads(summary.read_text("utf-8"))
        return None

    def sink(self, index: int | str, scenario: Scenario, constants: dict | None = None) -> RunSink:
        """Where the point's rows stream to: a new sink, or the stopped one continued.

        ``constants`` (the point's parameters, the design's label) lead every row.
        """
        folder = self.path(index)
        folder.mkdir(parents=True, exist_ok=True)
        columns = run_columns(scenario)
        if self.resume and (folder / CHECKPOINT).exists():
            return RunSink.reopen(folder, columns, constants)
        return RunSink.create(folder, columns, constants)

    def save(self, index: int, summary: dict) -> None:
        """Mark a point complete with its summary."""
        folder = self.path(index)
        results.write_json(folder / "summary.json", summary)
        (folder / CHECKPOINT).unlink(missing_ok=True)

    def files(self, index: int | str) -> list[str]:
        """The files of a complete point, relative to the study's folder."""
        rel = self.path(index).relative_to(self.folder).as_posix()
        return [f"{rel}/runs.csv", f"{rel}/failures.csv", f"{rel}/summary.json"]

    def discard_checkpoint(self, index: int | str) -> None:
        """Remove a point's checkpoint once the whole study is complete."""
        (self.path(index) / CHECKPOINT).unlink(missing_ok=True)


def reopen(folder: str | Path, kind: str, expected: dict) -> dict:
    """The manifest of a stopped study that may be resumed with ``expected`` settings.

    Args:
        folder: the results folder given to ``--resume``.
        kind: the study kind in the manifest (``sweep``).
        expected: manifest fields that must be equal (scenario sha256, grid, seed, size).

    Returns:
        The manifest.

    Raises:
        InputError: not such a folder, or made with other settings (named in the message).
    """
    path = Path(folder) / "manifest.json"
    try:
        info = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        raise InputError(
            Problem(
                f"is not a results folder of `sim {kind}` (no readable manifest.json); "
                "--resume takes the folder a stopped run wrote",
                file=str(folder),
            )
        ) from None
    if info.get("kind") != kind:
        raise InputError(Problem(f"is not a `sim {kind}` results folder", file=str(folder)))
    expected = json.loads(json.dumps(expected))  # compare as the manifest stores them
    differ = [k for k, v in expected.items() if info.get(k) != v]
    if differ:
        raise InputError(
            Problem(
                f"was made with another {', '.join(differ)} (see its manifest.json); a "
                f"resume needs the same scenario file, settings, seed and replications: "
                "repeat the original command line with --resume, or start a new run",
                file=str(folder),
            )
        )
    return info
