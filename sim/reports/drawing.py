"""Drawing several pictures at once: half of them in a forked process, half here.

Matplotlib draws on one core, about 0.3-0.8 s of CPU a figure here, and a run's report
has six: :func:`draw_all` forks one child (when this process may use two cores and the
platform forks) that draws every other figure while this process draws the rest. The
child inherits the results in memory (nothing is pickled) and sends back only the file
names. Pictures are files, so the result is the same files whichever process drew them;
if the child fails for any reason its share is drawn again here, so an error surfaces
here, with its traceback, as it would without the child.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections.abc import Callable, Sequence

Draw = Callable[[], str | None]


def spare_cores() -> int:
    """Cores this process may use beyond its own (0 on one core)."""
    try:
        return max(0, len(os.sched_getaffinity(0)) - 1)
    except AttributeError:  # no sched_getaffinity (macOS, Windows)
        return max(0, (os.cpu_count() or 1) - 1)


def draw_all(draws: Sequence[Draw]) -> list[str | None]:
    """Run every drawing function; return what each returned, in order.

    Args:
        draws: functions of no argument that each save one picture and return its file
            name (or None when there is nothing to draw).
    """
    if len(draws) < 2 or not spare_cores() or "fork" not in multiprocessing.get_all_start_methods():
        return [draw() for draw in draws]
    theirs = list(range(1, len(draws), 2))
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)

    def child() -> None:
        try:
            send.send([draws[i]() for i in theirs])
        except BaseException:  # noqa: BLE001 - quietly: this process draws them again
            os._exit(1)

    worker = ctx.Process(target=child, daemon=True)
    worker.start()
    send.close()
    names: list[str | None] = [None] * len(draws)
    try:
        for i in range(0, len(draws), 2):
            names[i] = draws[i]()
        got = None
        with contextlib.suppress(EOFError, OSError):
            got = receive.recv()
    finally:
        receive.close()
        worker.join(timeout=600)
        if worker.is_alive():
            worker.kill()
            worker.join()
    if got is None or worker.exitcode != 0:
        got = [draws[i]() for i in theirs]  # again here: an error is raised here
    for i, name in zip(theirs, got, strict=True):
        names[i] = name
    return names
