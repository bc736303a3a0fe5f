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
from collections.abc import Sequence
from pathlib import Path

from sim.errors import InputError, Problem, literal
from sim.experiment import lock, results
from sim.experiment.checkpoint import CHECKPOINT, Checkpoint, read_checkpoint
from sim.experiment.outcomes import Tally
from sim.experiment.runner import holder_names, run_columns
from sim.experiment.sink import RunSink
from sim.experiment.summary import HEADLINES
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
        """The summary of a point that finished (only when resuming), else None.

        Raises:
            InputError: its ``summary.json`` is not a JSON object (damaged).
        """
        path = self.path(index) / "summary.json"
        if not (self.resume and (path.exists() or path.is_symlink())):
            return None
        try:
            summary = json.loads(path.read_bytes().decode("utf-8"))
        except (OSError, ValueError):
            summary = None
        if summary_problem(summary):
            raise InputError(
                Problem(
                    f"is damaged ({summary_problem(summary)}, unlike the summary a finished "
                    "point writes): rerun without "
                    "--resume (into a new folder), or restore it from a backup; nothing in the "
                    "folder was changed",
                    file=str(path),
                )
            )
        return summary

    def check(
        self, parts: Sequence[tuple[int | str, Scenario, dict | None]], replications: int
    ) -> None:
        """Read every kept summary and checkpoint before a resume writes anything.

        Args:
            parts: each point's (or design's) key, scenario and constant columns.
            replications: replications per point.

        Raises:
            InputError: a damaged ``summary.json`` or checkpoint, named.
        """
        if not self.resume:
            return
        for key, scenario, constants in parts:
            if isinstance(key, int) and self.done(key) is not None:
                continue
            self._checkpoint(key, scenario, replications, constants)

    def _checkpoint(
        self, key: int | str, scenario: Scenario, replications: int, constants: dict | None
    ) -> Checkpoint | None:
        empty = Tally.empty(scenario.horizon_months, len(holder_names(scenario)))
        header = RunSink(self.path(key), run_columns(scenario), constants=constants).columns
        text = frozenset(constants or {})
        return read_checkpoint(self.path(key), header, empty, replications, text)

    def sink(
        self,
        index: int | str,
        scenario: Scenario,
        replications: int,
        constants: dict | None = None,
    ) -> RunSink:
        """Where the point's rows stream to: a new sink, or the stopped one continued.

        ``constants`` (the point's parameters, the design's label) lead every row.
        """
        folder = self.path(index)
        folder.mkdir(parents=True, exist_ok=True)
        columns = run_columns(scenario)
        if self.resume:
            checkpoint = self._checkpoint(index, scenario, replications, constants)
            return RunSink.reopen(folder, columns, checkpoint, constants)
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


def summary_problem(summary: object) -> str:
    """What a study would fail to read in a kept point's summary, or "" when nothing."""
    if not isinstance(summary, dict):
        return "not a JSON object"
    for h in HEADLINES:
        entry = summary.get(h.key)
        if not isinstance(entry, dict) or h.value not in entry:
            return f"no {h.key}"
        ci = entry.get("ci95")
        if not isinstance(ci, list) or len(ci) != 2:
            return f"no interval for {h.key}"
    fracture = summary.get("fracture")
    if not isinstance(fracture, dict) or "median_month" not in fracture:
        return "no fracture median"
    return ""


KINDS = {
    "run": "sim run",
    "uncertain_run": "sim run (over parameter sets)",
    "comparison": "sim compare",
    "robust_comparison": "sim compare (over parameter sets)",
    "sweep": "sim sweep",
    "sensitivity": "sim sensitivity",
    "discovery": "sim discover",
    "backtest": "sim backtest",
}
"""What made a results folder, by the ``kind`` its manifest records."""


def another_kind(info: dict, kind: str) -> str:
    """Why a folder whose manifest is ``info`` cannot be resumed as a ``kind`` folder."""
    made = KINDS.get(str(info.get("kind", "run")), repr(info.get("kind")))
    command = literal(str(info.get("command", "")))
    return (
        f"is a results folder of `{made}`, not of `{KINDS[kind]}`: --resume finishes a "
        f"folder with the command that made it ({command or 'see its manifest.json'}); "
        "nothing in the folder was changed"
    )


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
                f"is not a results folder of `{KINDS[kind]}` (no readable manifest.json); "
                "--resume takes the folder a stopped run wrote",
                file=str(folder),
            )
        ) from None
    if not isinstance(info, dict):
        held = type(info).__name__ if info is not None else "null"
        raise InputError(
            Problem(
                f"the manifest is damaged: it holds {held}, "
                "not a mapping; rerun without --resume (into a new folder), or restore "
                "manifest.json from a backup; nothing in the folder was changed",
                file=str(path),
            )
        )
    if not isinstance(info.get("resumed", []), list):
        raise InputError(
            Problem("the manifest is damaged: its 'resumed' is not a list", file=str(path))
        )
    if info.get("kind", "run") != kind:
        raise InputError(Problem(another_kind(info, kind), file=str(folder)))
    lock.refuse_if_busy(folder)
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
