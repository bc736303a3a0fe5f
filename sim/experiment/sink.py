"""Streaming a run to disk: rows appended in replication order, with a resumable checkpoint.

:class:`RunSink` owns three files in a results folder:

- ``runs.csv``: one row per successful replication, appended chunk by chunk in
  replication order as soon as the chunks before it are in (so a partial run is a
  readable CSV, and the finished file is the same however the run was cut and resumed);
- ``failures.csv``: replication, seed and error of each replication that raised;
- ``checkpoint.npz``: the next replication to run, the byte lengths of both CSVs at that
  point, the streaming :class:`~sim.experiment.totals.Totals` (JSON) and the pooled
  :class:`~sim.experiment.outcomes.Tally`. It is replaced atomically, at most every
  couple of seconds and whenever the run stops, so it always describes a prefix of the
  CSVs. Resuming truncates the CSVs to that prefix and carries on; the checkpoint is
  removed once the manifest says the run is complete.

:class:`StoredRows` reads ``runs.csv`` back as rows (typed as :func:`observe` makes them)
without holding them all, for reports of runs too large to keep in memory.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from sim.experiment import results
from sim.experiment.block import RowBlock
from sim.experiment.checkpoint import (
    CHECKPOINT,
    FAILURE_COLUMNS,
    FAILURES,
    RUNS,
    Checkpoint,
)
from sim.experiment.outcomes import COLUMNS, Tally
from sim.experiment.totals import Totals

__all__ = ["CHECKPOINT", "FAILURES", "FAILURE_COLUMNS", "RUNS", "RunSink", "StoredRows"]


class RunSink:
    """Appends a run's rows and failures to its folder and checkpoints its totals.

    Attributes:
        folder: the results folder.
        columns: the columns of ``runs.csv`` (``constants`` first).
        constants: columns with the same value in every row, written first (a sweep
            point's parameters, a comparison's design), so each table is tidy on its own.
        restored: ``(next replication, totals, tally)`` read from a checkpoint, or None.
    """

    def __init__(
        self,
        folder: Path,
        columns: list[str],
        every_seconds: float = 2.0,
        constants: dict | None = None,
        failure_columns: list[str] | None = None,
    ):
        self.folder = Path(folder)
        self.constants = dict(constants or {})
        self.columns = [*self.constants, *(c for c in columns if c not in self.constants)]
        self.failure_columns = list(failure_columns or FAILURE_COLUMNS)
        self.every_seconds = every_seconds
        self.restored: tuple[int, Totals, Tally] | None = None
        self._last = 0.0
        self._runs: TextIO | None = None
        self._failures: TextIO | None = None
        self._kept: dict[str, int] = {}  # each CSV's size at the last checkpoint

    @classmethod
    def create(cls, folder: Path, columns: list[str], constants: dict | None = None) -> RunSink:
        """A sink for a new run: writes the CSV headers."""
        sink = cls(folder, columns, constants=constants)
        results.write_atomic(sink.folder / RUNS, results.csv_text([], sink.columns))
        results.write_atomic(sink.folder / FAILURES, results.csv_text([], FAILURE_COLUMNS))
        sink._kept = {name: (sink.folder / name).stat().st_size for name in (RUNS, FAILURES)}
        return sink

    @classmethod
    def shared(cls, folder: Path, columns: list[str], constants: dict, *, first: bool) -> RunSink:
        """A sink for one part of a run whose parts share ``runs.csv`` and ``failures.csv``.

        The parts (the parameter sets of an uncertain run) run one after another; each
        part's ``constants`` (its ``parameter_set``) lead its rows and its failures, so
        the two files say which part every line belongs to.

        Args:
            folder: the results folder.
            columns: the columns of ``runs.csv`` (without the constants).
            constants: the part's own columns and values.
            first: the first part, which writes both headers; later parts append.
        """
        failure_columns = [*constants, *FAILURE_COLUMNS]
        sink = cls(folder, columns, constants=constants, failure_columns=failure_columns)
        if first:
            results.write_atomic(sink.folder / RUNS, results.csv_text([], sink.columns))
            results.write_atomic(sink.folder / FAILURES, results.csv_text([], sink.failure_columns))
        sink._kept = {name: (sink.folder / name).stat().st_size for name in (RUNS, FAILURES)}
        return sink

    @classmethod
    def reopen(
        cls,
        folder: Path,
        columns: list[str],
        checkpoint: Checkpoint | None,
        constants: dict | None = None,
    ) -> RunSink:
        """A sink that continues an interrupted run from its last checkpoint.

        Args:
            folder: the run's folder.
            columns: the columns of ``runs.csv``.
            checkpoint: the folder's checkpoint, as
                :func:`~sim.experiment.checkpoint.read_checkpoint` checked it (which it does
                before anything in the folder is written); None when the run stopped before
                its first checkpoint, so nothing is kept and it starts again.
            constants: columns with the same value in every row (see the class).
        """
        if checkpoint is None:
            return cls.create(folder, columns, constants)
        sink = cls(folder, columns, constants=constants)
        for name, size in ((RUNS, checkpoint.runs_bytes), (FAILURES, checkpoint.failures_bytes)):
            # Rows appended after the checkpoint are dropped and run again.
            with open(sink.folder / name, "r+b") as fh:
                fh.truncate(size)
        sink.restored = (checkpoint.next, checkpoint.totals, checkpoint.tally)
        sink._kept = {RUNS: checkpoint.runs_bytes, FAILURES: checkpoint.failures_bytes}
        return sink

    def append(self, rows: RowBlock | list[dict], failures: list[dict]) -> None:
        """Append a chunk's rows and failures (the next ones in replication order).

        A block is written a column at a time (the same text as its rows as dicts).
        """
        if self._runs is None:
            # Held open across chunks and closed by close(): one open per run, not per chunk.
            self._runs = open(self.folder / RUNS, "a", encoding="utf-8", newline="")  # noqa: SIM115
            self._failures = open(self.folder / FAILURES, "a", encoding="utf-8", newline="")  # noqa: SIM115
        assert self._failures is not None  # opened together with the runs file
        if len(rows):
            block = rows if isinstance(rows, RowBlock) else RowBlock.from_rows(rows)
            with results.naming(self.folder / RUNS):
                self._runs.write(block.csv_text(self.columns, self.constants))
        if failures:
            with results.naming(self.folder / FAILURES):
                tagged = [{**self.constants, **f} for f in failures]
                self._failures.write(results.csv_text(tagged, self.failure_columns, header=False))

    def checkpoint(self, next_replication: int, totals: Totals, tally: Tally, force=False):
        """Record that replications before ``next_replication`` are on disk.

        Skipped when the last checkpoint is younger than ``every_seconds``, unless forced.
        """
        now = time.monotonic()
        if not force and now - self._last < self.every_seconds:
            return
        self._last = now
        sizes = []
        for fh, name in ((self._runs, RUNS), (self._failures, FAILURES)):
            with results.naming(self.folder / name):
                if fh is not None:
                    fh.flush()
                    os.fsync(fh.fileno())
                sizes.append((self.folder / name).stat().st_size)
        state = {
            "next": next_replication,
            "runs_bytes": sizes[0],
            "failures_bytes": sizes[1],
            "totals": totals.to_json(),
        }
        buf = io.BytesIO()
        arrays: dict[str, Any] = {"state": np.array(json.dumps(state)), **tally.arrays()}
        np.savez(buf, **arrays)
        results.write_atomic(self.folder / CHECKPOINT, buf.getvalue())
        self._kept = dict(zip((RUNS, FAILURES), sizes, strict=True))

    def close(self) -> None:
        """Close the files, cut back to the last checkpoint (which stays until discarded).

        After a failed write (a full disk) the CSVs may end in half a row; cutting them
        back leaves readable tables that the checkpoint describes, as a resume would.
        """
        for fh in (self._runs, self._failures):
            if fh is not None:
                with contextlib.suppress(OSError):  # a failed write is already on its way up
                    fh.close()
        self._runs = self._failures = None
        for name, size in self._kept.items():
            with contextlib.suppress(OSError):
                if (self.folder / name).stat().st_size > size:
                    os.truncate(self.folder / name, size)

    def discard_checkpoint(self) -> None:
        """Remove the checkpoint, once the run's manifest says it is complete."""
        (self.folder / CHECKPOINT).unlink(missing_ok=True)


class StoredRows:
    """The rows of a ``runs.csv``, read back one at a time (re-iterable, with a length).

    Values come back typed as :func:`~sim.experiment.outcomes.observe` made them: names as
    strings, empty numeric cells as NaN, whole numbers as ints, the rest as floats.
    """

    def __init__(self, path: Path, count: int):
        self.path = Path(path)
        self.count = count
        self._text = {c.name for c in COLUMNS if c.text}

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[dict]:
        with open(self.path, encoding="utf-8", newline="") as fh:
            for raw in csv.DictReader(fh):
                yield {k: v if k in self._text else _number(v) for k, v in raw.items()}


def _number(cell: str) -> float | int | str:
    if cell == "":
        return math.nan
    try:
        return int(cell)
    except ValueError:
        pass
    try:
        return float(cell)
    except ValueError:  # a text constant (a design's label, a parameter like "casting_vote")
        return cell
