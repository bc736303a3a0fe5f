"""Clean stops: Ctrl-C and SIGTERM become one exception, raised only between chunks.

A long experiment must stop cleanly when a user presses Ctrl-C or a batch system sends
SIGTERM: completed chunks stay on disk, the manifest says ``interrupted``, and the run can
be resumed. Within :func:`stop_on_signals`, the first signal is only recorded; the runner
calls :func:`check` between chunks, which raises :class:`Stopped` (a
``KeyboardInterrupt``, so code that already handles Ctrl-C handles SIGTERM too). An
exception raised wherever the signal happened to land can surface inside a library that
cannot take one (such a stop twice ended a run with a segmentation fault, on machines
compiling the fast engine afresh, instead of a clean stop). A second
signal stops at once (for a user who will not wait for the chunk to end).
:func:`deferred` holds even that back while the runner commits a chunk to disk, so a stop
never lands between writing a chunk's rows and recording that it was written.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from typing import TypedDict


class _State(TypedDict):
    deferring: int  # depth of nested deferred() blocks
    pending: int | None  # the signal number held back, if any


_state: _State = {"deferring": 0, "pending": None}


class Stopped(KeyboardInterrupt):
    """The run was asked to stop by a signal.

    Attributes:
        signum: the signal number (``signal.SIGINT`` or ``signal.SIGTERM``).
    """

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        """The shell convention for death by this signal: 128 + signal number."""
        return 128 + self.signum


class Interrupted(KeyboardInterrupt):
    """A run stopped by Ctrl-C or SIGTERM, with its completed work kept for a resume.

    Attributes:
        folder: the results folder to pass to ``--resume``.
        exit_code: 130 (Ctrl-C) or 143 (SIGTERM), the shell convention.
    """

    def __init__(self, folder, exit_code: int):
        super().__init__(f"interrupted; completed work kept in {folder}")
        self.folder = folder
        self.exit_code = exit_code

    @classmethod
    def from_stop(cls, folder, stop: KeyboardInterrupt) -> Interrupted:
        """The interruption of the run in ``folder`` by ``stop`` (Ctrl-C or a signal)."""
        return cls(folder, stop.exit_code if isinstance(stop, Stopped) else 130)


def _handler(signum: int, frame) -> None:
    if _state["pending"] is None or _state["deferring"]:
        if _state["pending"] is None and signum == signal.SIGINT:
            os.write(2, b"\nstopping after the replications under way (Ctrl-C again: now)\n")
        _state["pending"] = signum
        return
    _state["pending"] = None
    raise Stopped(signum)  # the second signal: stop now


def check() -> None:
    """Raise :class:`Stopped` if a stop signal arrived since the last check.

    Called by the runner between chunks: the one place where a stop is always safe.
    """
    pending = _state["pending"]
    if pending is not None and not _state["deferring"]:
        _state["pending"] = None
        raise Stopped(pending)


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM stop the run at the next :func:`check`.

    Outside the main thread (where Python cannot install handlers) this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _state["pending"] = None
    previous = {s: signal.signal(s, _handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)
        _state["pending"] = None  # a stop after the last chunk: the work is done anyway


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Hold back a stop signal until the block ends (a short critical section)."""
    _state["deferring"] += 1
    try:
        yield
    finally:
        _state["deferring"] -= 1
        pending = _state["pending"]
        if not _state["deferring"] and pending is not None:
            _state["pending"] = None
            raise Stopped(pending)


def quiet_worker() -> None:
    """In a worker process: ignore Ctrl-C (the parent handles it) and die on SIGTERM."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
