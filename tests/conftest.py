"""Test-session set-up: the fast engine compiled once, before the workers start.

Without this, each pytest-xdist worker that first needs the fast engine compiles it
itself (Numba's cache is written only once a compile ends), so on a fresh checkout every
worker spends ~80-140 s of CPU on the same compile at the same time. Compiling it once in
a child of the controlling process, before the workers are started (xdist starts them in
its own, later, ``pytest_sessionstart``), lets every worker load it from the disk cache.
"""

from __future__ import annotations

import subprocess
import sys


def pytest_sessionstart(session) -> None:
    """Compile (or load) the fast engine once, in the controlling process's child."""
    if hasattr(session.config, "workerinput"):  # an xdist worker: the controller did it
        return
    done = subprocess.run(
        [sys.executable, "-c", "from sim.fast.engine import warm_up; warm_up()"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    if done.returncode != 0:  # the tests that need it fail with the reason; say it here too
        sys.stderr.write(f"warning: the fast engine did not compile:\n{done.stderr}\n")
