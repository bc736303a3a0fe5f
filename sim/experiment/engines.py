"""Which engine runs a scenario: the Mesa model, or the compiled kernel that mirrors it.

``mesa`` is the readable reference model (:mod:`sim.model`); ``fast`` runs the same month
cycle compiled with Numba (:mod:`sim.fast`), with identical rows for every seed; ``auto``
(the default) uses ``fast`` when the kernel models everything the scenario uses and says
which feature sent it to ``mesa`` otherwise. ``sim trace`` and the dashboard always use
Mesa, which records the story of a run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.errors import InputError

if TYPE_CHECKING:
    from sim.scenario.schema import Scenario

ENGINES = ("auto", "mesa", "fast")


def check(engine: str) -> str:
    """The engine name, checked.

    Raises:
        InputError: an unknown engine name.
    """
    if engine not in ENGINES:
        raise InputError(f"--engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    return engine


def resolve(scenario: Scenario, engine: str) -> tuple[str, str | None]:
    """The engine that runs a scenario, and why ``auto`` chose Mesa (else None).

    Raises:
        InputError: ``fast`` asked for a scenario the kernel does not model.
    """
    check(engine)
    if engine == "mesa":
        return "mesa", None
    from sim.fast.pack import unsupported

    reason = unsupported(scenario)
    if reason is None:
        try:
            import numba  # noqa: F401
        except ImportError:  # pragma: no cover - numba is a dependency
            reason = "Numba, which is not installed"
    if reason is None:
        return "fast", None
    if engine == "fast":
        raise InputError(
            f"--engine fast cannot run {scenario.name!r}: the fast engine does not model "
            f"{reason}; use --engine mesa (or auto, which picks it for you)"
        )
    return (
        "mesa",
        f"{scenario.name}: the Mesa engine runs it (the fast engine does not model {reason})",
    )
