"""consortium-sim: an agent-based governance simulator for multi-partner ventures.

Layers look only down: ``sim.scenario`` (what a venture is) -> ``sim.model`` (one
replication, a Mesa model) -> ``sim.experiment`` (many replications, statistics, files)
-> ``sim.api`` and ``sim.cli`` (the Python API and the ``sim`` command over it).

The API is importable from here: ``sim.load``, ``sim.run``, ``sim.compare``,
``sim.sweep``, ``sim.run_experiment_file``, ``sim.Venture``, ``sim.Scenario`` (see
docs/api.md). Importing this package does no work: each name is imported when first
used (module ``__getattr__``), so ``import sim`` and ``sim --help`` stay fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_LAZY = {
    "load": "sim.api",
    "run": "sim.api",
    "compare": "sim.api",
    "sweep": "sim.api",
    "run_experiment_file": "sim.api",
    "Venture": "sim.model.venture",
    "Scenario": "sim.scenario.schema",
    "Results": "sim.results",
    "ComparisonResults": "sim.results",
    "SweepResults": "sim.results",
    "InputError": "sim.errors",
}

__all__ = sorted(_LAZY)

if TYPE_CHECKING:
    from sim.api import compare as compare
    from sim.api import load as load
    from sim.api import run as run
    from sim.api import run_experiment_file as run_experiment_file
    from sim.api import sweep as sweep
    from sim.errors import InputError as InputError
    from sim.model.venture import Venture as Venture
    from sim.results import ComparisonResults as ComparisonResults
    from sim.results import Results as Results
    from sim.results import SweepResults as SweepResults
    from sim.scenario.schema import Scenario as Scenario


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
