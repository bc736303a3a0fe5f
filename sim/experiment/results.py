"""The results folder: never overwritten, every file written atomically, with a manifest.

A run writes into a new folder (by default ``results/<scenario>-<timestamp>``). Each file
is written to a temporary name in the same folder and renamed into place, so a reader
never sees half a file. The manifest says what the folder is and whether the run
completed; it is written first (``status: running``) and last.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import platform
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from sim.errors import InputError, Problem


def now() -> str:
    """The current time, ISO 8601 in UTC."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_folder(out: str | Path | None, stem: str, root: str | Path = "results") -> Path:
    """Create a new results folder; never reuse one that holds anything.

    Args:
        out: the folder the user asked for, or None for ``root/<stem>-<timestamp>``.
        stem: short name of the scenario.
        root: where default folders go.

    Returns:
        The created folder.

    Raises:
        InputError: ``out`` exists and is not empty, or cannot be created.
    """
    if out is not None:
        path = Path(out)
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            raise InputError(
                Problem(
                    "already exists and is not empty; results are never overwritten: choose "
                    "another folder with -o, or move this one away",
                    file=str(path),
                )
            )
    else:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        base = Path(root) / f"{_safe(stem)}-{stamp}"
        path, k = base, 1
        while path.exists():
            k += 1
            path = base.with_name(f"{base.name}-{k}")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            Problem(f"cannot create the results folder: {exc.strerror}", file=str(path))
        ) from None
    return path


def _safe(name: str) -> str:
    """A file-name-safe version of a name taken from a scenario (no path separators)."""
    cleaned = "".join(c if c.isalnum() or c in "-_." else "_" for c in name).strip("._")
    return cleaned[:80] or "scenario"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write text (or bytes) to ``path`` via a temporary file in the same folder and a rename.

    The file gets the usual permissions (0666 less the umask), not ``mkstemp``'s 0600.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        if isinstance(text, bytes):
            with os.fdopen(fd, "wb") as fh:
                fh.write(text)
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(path: Path, data: object) -> None:
    """Write JSON atomically (NaN written as null)."""
    write_atomic(path, json.dumps(_finite(data), indent=2, ensure_ascii=False) + "\n")


def finite(x: object) -> object:
    """``x`` with every NaN float replaced by None, recursively (strict JSON)."""
    return _finite(x)


def _finite(x: object) -> object:
    if isinstance(x, float) and x != x:
        return None
    if isinstance(x, dict):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_finite(v) for v in x]
    return x


def write_csv(path: Path, rows: list[dict], columns: list[str]) -> None:
    """Write rows as CSV atomically; NaN and None become empty cells."""
    write_atomic(path, csv_text(rows, columns))


def csv_text(rows: list[dict], columns: list[str], header: bool = True) -> str:
    """Rows as CSV text (the format of every CSV we write; appended chunks use it too).

    The text ``csv.DictWriter`` writes (NaN and None empty, floats by ``repr``, keys not
    in ``columns`` ignored), built a column at a time
    (:meth:`~sim.experiment.block.RowBlock.csv_text`).
    """
    from sim.experiment.block import RowBlock  # NumPy: not at import (``sim --help``)

    buf = io.StringIO()
    if header:
        csv.writer(buf).writerow(columns)
    return buf.getvalue() + RowBlock.from_rows(rows).csv_text(columns)


def versions() -> dict[str, str]:
    """Versions of this package, Python, Mesa and NumPy."""
    out = {"python": platform.python_version()}
    for dist in ("consortium-sim", "mesa", "numpy", "scipy", "pydantic"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "not installed"
    return out


def manifest(**fields) -> dict:
    """A manifest: versions, the command line, and the given fields."""
    return {
        "package": "consortium-sim",
        "versions": versions(),
        "command": " ".join(sys.argv),
        **fields,
    }


@contextlib.contextmanager
def tracked(folder: Path, info: dict) -> Iterator[list[str]]:
    """Keep a folder's manifest true while work runs in it.

    Writes ``manifest.json`` with ``status: running`` on entry; yields a list to which the
    body appends the names of the files it writes (relative to the folder); on exit
    writes the manifest again as ``complete`` with those files, or as ``failed`` /
    ``interrupted`` with the error (and re-raises).

    Args:
        folder: the results folder.
        info: the manifest's fields (what the folder is: scenarios, designs, points, seed).
    """
    write_json(folder / "manifest.json", manifest(**info, status="running"))
    files: list[str] = []
    try:
        yield files
    except BaseException as exc:
        status = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
        write_json(
            folder / "manifest.json",
            manifest(**info, status=status, ended=now(), error=repr(exc)),
        )
        raise
    write_json(
        folder / "manifest.json",
        manifest(**info, status="complete", ended=now(), files=files),
    )
