"""Registering the shared rules with Numba, and where compiled code is cached.

The kernel (:mod:`sim.fast.kernel`) calls the shared rules (:mod:`sim.model.shared`) by
their Python names. :func:`register` gives each one a Numba implementation that is the
rule's own source, compiled (``numba.extending.overload``), so the Mesa model keeps
calling the plain Python functions and the kernel compiles the very same code: one copy
of each rule.

Compiled code is cached on disk (``cache=True``) under a folder named by a hash of the
sources the kernel is built from, so a change to any rule or to the kernel compiles
afresh instead of loading stale code (Numba's own cache checks only the kernel's file).
The folder is ``$CONSORTIUM_SIM_CACHE`` or the user's cache directory
(``~/.cache/consortium-sim``); site-packages may be read-only.
"""

from __future__ import annotations

import hashlib
import inspect
import os
from pathlib import Path

_REGISTERED = False

#: Modules whose source the compiled kernel depends on.
SOURCES = (
    "sim.model.policy",
    "sim.model.voting",
    "sim.model.proposer",
    "sim.model.influence",
    "sim.model.ownership",
    "sim.experiment.latency",
    "sim.fast.seeding",
    "sim.fast.kernel",
    "sim.fast.compile",
)


def cache_dir() -> Path:
    """The folder for this version of the kernel's compiled code."""
    import importlib.util

    digest = hashlib.sha256()
    for name in SOURCES:
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.origin is not None
        digest.update(Path(spec.origin).read_bytes())
    root = os.environ.get("CONSORTIUM_SIM_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "consortium-sim"
    )
    return Path(root) / "numba" / digest.hexdigest()[:16]


def register() -> None:
    """Point Numba's cache at :func:`cache_dir` and register every shared rule (once)."""
    global _REGISTERED
    if _REGISTERED:
        return
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["NUMBA_CACHE_DIR"] = str(folder)
    from numba.core import config

    config.CACHE_DIR = str(folder)  # type: ignore[attr-defined]
    from numba.extending import overload

    import sim.experiment.latency
    import sim.model.influence
    import sim.model.ownership
    import sim.model.policy
    import sim.model.proposer
    import sim.model.voting  # noqa: F401  (each import registers its rules)
    from sim.model.shared import SHARED_RULES

    for fn in SHARED_RULES:
        overload(fn, jit_options={"cache": True})(_typer(fn))  # type: ignore[typeddict-unknown-key]
    _REGISTERED = True


def _typer(fn):
    """A typing function with ``fn``'s signature that hands Numba ``fn`` itself."""

    def typer(*args, **kwargs):
        return fn

    typer.__signature__ = inspect.signature(fn)  # type: ignore[attr-defined]
    return typer
