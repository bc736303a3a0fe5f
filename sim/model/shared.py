"""Rules shared by the two engines: written once, run as Python or compiled.

The Mesa model (:mod:`sim.model.venture`) calls the rules of voting, proposing,
accepting, deadlock and ownership as plain Python functions; the fast engine
(:mod:`sim.fast`) compiles the very same functions with Numba and calls them from its
kernel. So there is one copy of each rule and the engines cannot drift apart on them
(the differential tests guard the rest: the order of the month's steps).

A shared rule is a plain function of numbers, sequences (tuples, lists or NumPy arrays;
a result of several numbers goes into an ``out`` sequence) and, for random rules, a NumPy
``Generator``: no generators, sets, dicts, dataclasses or ``zip(strict=True)``, which the
compiler does not take. :func:`shared_rule` records it; this module imports nothing
heavy, so the Mesa model never pays for the compiler.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable)

#: Every shared rule, in definition order (the fast engine registers each with Numba).
SHARED_RULES: list[Callable] = []


def shared_rule(fn: F) -> F:
    """Mark ``fn`` as a rule both engines run; return it unchanged."""
    SHARED_RULES.append(fn)
    return fn
