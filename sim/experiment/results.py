"""The results folder: never overwritten, every file written atomically, with a manifest.

A run writes into a new folder (by default ``results/<scenario>-<timestamp>``). Each file
is written to a temporary name in the same folder and renamed into place, so a reader
never sees half a file. The manifest says what the folder is and whether the run
completed; it is written first (``status: running``) and last. One process at a time
writes a folder (:mod:`sim.experiment.lock`). A write that the machine refuses (a full
disk, a read-only folder) ends the work as :class:`Unwritable`, naming the file.
"""

from __future__ import annotations

import contextlib
import csv
import errno
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
from sim.experiment import lock


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
        The created folder (:func:`writing` checks again, under the lock, that it is empty).

    Raises:
        InputError: ``out`` exists and is not empty, or cannot be created.
    """
    try:
        if out is not None:
            path = Path(out)
            refuse_unless_empty(path)
            path.mkdir(parents=True, exist_ok=True)
            return path
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        base = Path(root) / f"{_safe(stem)}-{stamp}"
        base.parent.mkdir(parents=True, exist_ok=True)
        path, k = base, 1
        while True:  # mkdir without exist_ok: two processes in one second get two folders
            try:
                path.mkdir()
                return path
            except FileExistsError:
                k += 1
                path = base.with_name(f"{base.name}-{k}")
    except OSError as exc:
        raise InputError(
            Problem(f"cannot create the results folder: {exc.strerror}", file=str(path))
        ) from None


def refuse_unless_empty(path: Path) -> None:
    """Refuse a results folder that is a file or holds anything (but a lock file)."""
    if path.exists() or path.is_symlink():
        held = path.is_dir() and [p.name for p in path.iterdir() if p.name != lock.LOCK]
        if not path.is_dir() or held:
            what = f"holds {', '.join(sorted(held)[:3])}" if held else "is a file"
            raise InputError(
                Problem(
                    f"already exists and is not empty ({what}); results are never "
                    "overwritten: choose another folder with -o, or move this one away",
                    file=str(path),
                )
            )


@contextlib.contextmanager
def writing(folder: Path, new: bool) -> Iterator[None]:
    """Hold the folder's lock while the block writes it; a new folder must still be empty.

    Args:
        folder: the results folder.
        new: the folder was just made by :func:`new_folder` (not a resume).

    Raises:
        InputError: another process writes the folder, or (``new``) it filled meanwhile.
        Unwritable: the lock file cannot be written (a read-only folder, a full disk), or
            the block failed to write a file for such a reason.
    """
    try:
        taken = lock.acquire(folder)
    except OSError as exc:
        raise Unwritable(folder, exc) from exc
    try:
        if new:
            refuse_unless_empty(folder)
        yield
    except OSError as exc:
        if exc.errno in ENVIRONMENT:
            raise Unwritable(folder, exc) from exc
        raise
    finally:
        if taken:
            lock.release(folder)


ENVIRONMENT = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EFBIG: "the file would be larger than this system allows (a file size limit)",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "the operation is not permitted",
    errno.EIO: "the disk reported an input/output error",
}
"""Errors that come from the machine, not from the code or the input, and what they mean."""


class Unwritable(Exception):
    """A results folder could not be written for a reason of the machine's (:data:`ENVIRONMENT`).

    What was written before stays (the checkpoint describes it), so once the machine has
    room or permission the work can be resumed.

    Attributes:
        folder: the results folder.
        path: the file that could not be written (the folder when unknown).
        error: the operating system's error.
    """

    def __init__(self, folder: str | Path, error: OSError):
        self.folder = Path(folder)
        self.path = Path(error.filename) if error.filename else self.folder
        self.error = error
        super().__init__(self.describe())

    def describe(self) -> str:
        """``cannot write FILE: what the machine said (ERRNO), what it means``."""
        code = errno.errorcode.get(self.error.errno or 0, "?")
        meaning = ENVIRONMENT.get(self.error.errno or 0, "")
        return (
            f"cannot write {self.path}: {self.error.strerror} ({code}"
            f"{': ' + meaning if meaning else ''})"
        )


@contextlib.contextmanager
def naming(path: Path) -> Iterator[None]:
    """Name ``path`` in an OSError raised by the block that names no file (a failed write)."""
    try:
        yield
    except OSError as exc:
        if exc.filename is None:
            exc.filename = str(path)
        raise


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
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:  # name the file meant, not the temporary one
        exc.filename = str(path)
        raise
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        if isinstance(text, bytes):
            with os.fdopen(fd, "wb") as fh:
                fh.write(text)
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                fh.write(text)
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            exc.filename = str(path)
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
def tracked(folder: Path, info: dict, new: bool = True) -> Iterator[list[str]]:
    """Keep a folder's manifest true while work runs in it (under the folder's lock).

    Writes ``manifest.json`` with ``status: running`` on entry; yields a list to which the
    body appends the names of the files it writes (relative to the folder); on exit
    writes the manifest again as ``complete`` with those files, or as ``failed`` /
    ``interrupted`` with the error (and re-raises).

    Args:
        folder: the results folder.
        info: the manifest's fields (what the folder is: scenarios, designs, points, seed).
        new: the folder was just made (not resumed); see :func:`writing`.
    """
    with writing(folder, new):
        write_json(folder / "manifest.json", manifest(**info, status="running"))
        files: list[str] = []
        try:
            yield files
        except BaseException as exc:
            ended(folder, info, exc)
            raise
        write_json(
            folder / "manifest.json",
            manifest(**info, status="complete", ended=now(), files=files),
        )


def ended(folder: Path, info: dict, exc: BaseException) -> None:
    """Record in the manifest that the work stopped (``interrupted``) or ``failed``.

    A manifest that cannot be written (the disk that failed the work) stays as it was
    (``running``): the error on its way up says more than this one would.
    """
    status = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
    with contextlib.suppress(OSError):
        write_json(
            folder / "manifest.json",
            manifest(**info, status=status, ended=now(), error=repr(exc)),
        )


def write_new(path: Path, text: str | bytes) -> None:
    """Write a file that must not exist yet, whole or not at all, never replacing one.

    The text goes to a temporary file that is then linked to ``path``: the link fails if
    ``path`` exists, even if it appeared after the caller looked.

    Raises:
        InputError: ``path`` exists.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8") if isinstance(text, str) else text)
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise InputError(
                Problem(
                    "already exists; files are never overwritten: choose another name, or "
                    "move that file away",
                    file=str(path),
                )
            ) from None
    except OSError as exc:
        exc.filename = str(path)
        raise
    finally:
        Path(tmp).unlink(missing_ok=True)
