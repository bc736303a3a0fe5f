"""The lock on a results folder: one process writes a folder at a time.

A process that writes a results folder holds an exclusive ``flock`` on ``.sim.lock`` in
it; the file says who holds it (process id, host, command line, start time). A second
writer is refused with those details instead of interleaving its rows with the first's.
The operating system drops the lock when the holder ends, however it ends (SIGKILL
included), so a lock file left behind never blocks anyone: the next writer takes the lock
and rewrites the file. The holder removes the file when it is done.

Worker processes forked by the holder close their copy of the lock, so that a killed
holder's orphaned workers do not keep the folder locked. Where ``fcntl`` is missing
(Windows) folders are not locked.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path

from sim.errors import InputError, Problem, literal

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

LOCK = ".sim.lock"
"""The lock file's name inside a results folder."""

_held: dict[Path, int] = {}  # resolved folder -> open lock file descriptor


def acquire(folder: str | Path) -> bool:
    """Lock ``folder`` for this process.

    Returns:
        True if locked now, False if this process already held it.

    Raises:
        InputError: another process holds it (named in the message).
        OSError: the lock file cannot be created (a read-only folder, a full disk).
    """
    key = Path(folder).resolve()
    if key in _held or fcntl is None:
        return False
    path = key / LOCK
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read(fd)
            os.close(fd)
            raise InputError(Problem(busy(holder), file=str(folder))) from None
        except BaseException:
            os.close(fd)
            raise
        # The holder before us removes the file when done: make sure ours is the file.
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    holder = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "command": " ".join(sys.argv),
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(holder) + "\n").encode(), 0)
    except OSError:
        os.close(fd)
        raise
    _held[key] = fd
    return True


def release(folder: str | Path) -> None:
    """Unlock ``folder`` (and remove the lock file) if this process holds it."""
    key = Path(folder).resolve()
    fd = _held.pop(key, None)
    if fd is None:
        return
    with contextlib.suppress(OSError):  # a folder made read-only meanwhile keeps the file
        os.unlink(key / LOCK)
    os.close(fd)


def refuse_if_busy(folder: str | Path) -> None:
    """Refuse a folder that another process writes, touching nothing in it.

    A resume calls this before reading the folder, so that it says the folder is busy
    rather than finding it half-written; :func:`acquire` decides in the end.

    Raises:
        InputError: another process holds the lock (named in the message).
    """
    key = Path(folder).resolve()
    if key in _held or fcntl is None:
        return
    try:
        fd = os.open(key / LOCK, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return  # no lock file: nobody holds it
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        raise InputError(Problem(busy(_read(fd)), file=str(folder))) from None
    except OSError:
        pass
    finally:
        os.close(fd)


def busy(holder: dict) -> str:
    """The message refusing a folder that ``holder`` (the lock file's contents) writes."""
    if not holder:
        who = "another process (it is just starting)"
    else:
        who = (
            f"another process: pid {holder.get('pid')} on {holder.get('host')}, started "
            f"{holder.get('started')}, command: {literal(str(holder.get('command')))}"
        )
    return (
        f"is being written by {who}; two processes never write one results folder: wait "
        "for it to end (or stop it with Ctrl-C or kill), then resume the folder with "
        "--resume, or write to another folder with -o"
    )


def _read(fd: int) -> dict:
    try:
        data = json.loads(os.pread(fd, 4096, 0).decode("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _forget_in_child() -> None:
    """In a forked child: close the inherited lock descriptors (the parent keeps its own)."""
    for fd in _held.values():
        with contextlib.suppress(OSError):
            os.close(fd)
    _held.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_in_child)
