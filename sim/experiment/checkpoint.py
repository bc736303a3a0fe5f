"""Reading a run's checkpoint back, and refusing a damaged one before anything is written.

``checkpoint.npz`` (written by :class:`~sim.experiment.sink.RunSink`) says how far a
stopped run got: the next replication, the byte lengths of ``runs.csv`` and
``failures.csv`` at that point, the streaming totals and the pooled histograms. A resume
trusts it to continue the CSVs, so :func:`read_checkpoint` checks every part of it
against the scenario and the CSVs themselves, and says "the checkpoint is damaged" (what
is wrong, and how to recover) when anything disagrees: random or truncated bytes,
pickled data (never loaded), missing or mistyped fields, histograms of another shape,
CSVs shorter than recorded or with other columns, or row counts that do not add up to
the replications done. Nothing in the folder is changed by reading it.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from sim.errors import InputError, Problem
from sim.experiment.outcomes import COLUMNS, Tally
from sim.experiment.totals import Totals

RUNS, FAILURES, CHECKPOINT = "runs.csv", "failures.csv", "checkpoint.npz"
FAILURE_COLUMNS = ["replication", "seed", "error"]

RECOVER = (
    "rerun without --resume (into a new folder), or restore the folder's checkpoint.npz, "
    "runs.csv and failures.csv from a backup; nothing in the folder was changed"
)


@dataclass(frozen=True)
class Checkpoint:
    """What a checkpoint records, checked.

    Attributes:
        next: the next replication to run (those before it are on disk).
        runs_bytes: length of ``runs.csv`` at that point.
        failures_bytes: length of ``failures.csv`` at that point.
        totals: the streaming totals of the replications before ``next``.
        tally: their pooled histograms.
    """

    next: int
    runs_bytes: int
    failures_bytes: int
    totals: Totals
    tally: Tally


class Damaged(Exception):
    """A part of a checkpoint that is not what a run writes (the message says which)."""


def read_checkpoint(
    folder: Path,
    columns: list[str],
    template: Tally,
    replications: int,
    text: frozenset[str] = frozenset(),
) -> Checkpoint | None:
    """The checkpoint of a stopped run in ``folder``, checked; None when there is none.

    Args:
        folder: the run's folder (or a sweep point's, a comparison design's).
        columns: the columns ``runs.csv`` must have, in order (a sink's ``columns``).
        template: an empty tally of this scenario (the shapes the histograms must have).
        replications: the run's number of replications.
        text: columns besides the text outcomes that may hold text (a design's label, a
            parameter's value).

    Raises:
        InputError: "the checkpoint is damaged", with what is wrong and how to recover.
    """
    path = Path(folder) / CHECKPOINT
    if not path.exists() and not path.is_symlink():
        return None
    try:
        found = _load(path, template)
        _check_counts(found, replications)
        runs = _rows(Path(folder) / RUNS, found.runs_bytes, columns)
        failures = _rows(Path(folder) / FAILURES, found.failures_bytes, FAILURE_COLUMNS)
        _check_rows(Path(folder) / RUNS, runs, columns, text)
        if len(runs) != found.totals.replications or len(failures) != found.totals.failures:
            raise Damaged(
                f"it records {found.totals.replications} rows of runs.csv and "
                f"{found.totals.failures} of failures.csv, but the files hold {len(runs)} "
                f"and {len(failures)} there"
            )
    except Damaged as exc:
        raise InputError(
            Problem(f"the checkpoint is damaged: {exc}: {RECOVER}", file=str(path))
        ) from None
    return found


def _load(path: Path, template: Tally) -> Checkpoint:
    names = ["state", *template.arrays()]
    try:
        with np.load(path, allow_pickle=False) as data:
            missing = [k for k in names if k not in data.files]
            if missing:
                raise Damaged(f"it has no '{missing[0]}' array")
            arrays = {k: data[k] for k in names}
    except Damaged:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure to decode untrusted bytes
        raise Damaged(f"it is not a readable .npz file ({type(exc).__name__})") from None
    state_array = arrays["state"]
    if state_array.shape != () or state_array.dtype.kind != "U":
        raise Damaged("its state is not a text record")
    try:
        state = json.loads(str(state_array))
    except ValueError:
        raise Damaged("its state is not JSON") from None
    if not isinstance(state, dict):
        raise Damaged("its state is not a JSON object")
    numbers = {}
    for key in ("next", "runs_bytes", "failures_bytes"):
        value = state.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise Damaged(f"its {key!r} is {value!r}, not a count")
        numbers[key] = value
    totals = _totals(state.get("totals"))
    for name, want in template.arrays().items():
        got = arrays[name]
        if got.shape != want.shape or got.dtype != want.dtype:
            raise Damaged(
                f"its {name} histogram has shape {got.shape} ({got.dtype}), not {want.shape} "
                f"({want.dtype}) as this scenario's"
            )
        if (got < 0).any():
            raise Damaged(f"its {name} histogram holds negative counts")
    return Checkpoint(totals=totals, tally=Tally.from_arrays(arrays), **numbers)


def _totals(data: object) -> Totals:
    """The totals, if ``data`` is exactly what :meth:`Totals.to_json` writes."""
    try:
        totals = Totals.from_json(data)  # type: ignore[arg-type]
        same = json.loads(json.dumps(totals.to_json())) == data
    except Exception:  # noqa: BLE001 - any shape of untrusted data
        same = False
    if not same:
        raise Damaged("its totals are not totals written by a run")
    return totals


def _check_counts(found: Checkpoint, replications: int) -> None:
    totals = found.totals
    if found.next > replications:
        raise Damaged(f"it is at replication {found.next}, past the run's {replications}")
    if totals.replications + totals.failures != found.next:
        raise Damaged(
            f"its totals count {totals.replications} rows and {totals.failures} failures, "
            f"not the {found.next} replications it says are done"
        )


def _rows(file: Path, size: int, columns: list[str]) -> list[list[str]]:
    """The rows of the first ``size`` bytes of a CSV whose header must be ``columns``."""
    if not file.is_file() or file.stat().st_size < size:
        have = f"the file has {file.stat().st_size}" if file.is_file() else "the file is missing"
        raise Damaged(f"{file.name} is shorter than it records (it records {size} bytes; {have})")
    with open(file, "rb") as fh:
        raw = fh.read(size)
    try:
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise Damaged(f"{file.name} is not CSV text up to that point ({exc})") from None
    if not rows or rows[0] != columns:
        raise Damaged(f"{file.name} does not start with the columns this scenario writes")
    if raw and not raw.endswith(b"\n"):
        raise Damaged(f"{file.name} does not end a row where it records")
    bad = next((i for i, row in enumerate(rows[1:], start=2) if len(row) != len(columns)), None)
    if bad is not None:
        raise Damaged(f"{file.name} line {bad} does not have {len(columns)} cells")
    return rows[1:]


def _check_rows(
    file: Path, rows: list[list[str]], columns: list[str], text: frozenset[str]
) -> None:
    """Every number in ``runs.csv`` reads back as a number (the reports read them)."""
    text = text | {c.name for c in COLUMNS if c.text}
    numeric = [i for i, c in enumerate(columns) if c not in text]
    for line, row in enumerate(rows, start=2):
        for i in numeric:
            cell = row[i]
            if cell == "":
                continue
            try:
                float(cell)
            except ValueError:
                raise Damaged(
                    f"{file.name} line {line}, column {columns[i]}: {cell[:20]!r} is not a number"
                ) from None
