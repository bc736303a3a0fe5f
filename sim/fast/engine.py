"""Running a chunk of replications on the compiled kernel.

:func:`run_chunk` is the fast engine's :func:`sim.experiment.chunk.run_chunk`: the same
seeds in, the same :class:`~sim.experiment.chunk.ChunkResult` out (rows equal to the Mesa
engine's, key for key and bit for bit). The kernel makes, per replication, the two
generators as the Mesa model does (``default_rng(seed)``; one draw that Mesa's
``Model.__init__`` takes to seed ``random.Random``; the world stream jumped ahead), in
one call for the whole chunk (:mod:`sim.fast.seeding`), and its numbers and codes, a row
of ``rf``/``ri`` per replication, become the columns of a
:class:`~sim.experiment.block.RowBlock` (:func:`kernel_block`). A replication whose
agenda overflows the kernel's issue capacity (never seen in practice) runs on the Mesa
model instead.
"""

from __future__ import annotations

import math
import time
import traceback
from collections.abc import Callable

import numpy as np

from sim.experiment.block import RowBlock
from sim.experiment.chunk import ChunkResult, holder_count, run_one
from sim.experiment.outcomes import FINAL_STATES, INFLUENCE_BINS, Tally, observe
from sim.fast.pack import TERMINATIONS, pack
from sim.model.structure import FRACTURE_CAUSES
from sim.scenario.schema import Scenario

_PACKED: dict[int, tuple[Scenario, object]] = {}


def kernel(progress: Callable[[str], None] | None = None):
    """The compiled kernel, loaded from the disk cache or compiled (once per machine).

    Args:
        progress: told, when there is no cached build yet, that compiling starts.
    """
    from sim.fast.compile import cache_dir, register

    register()
    if progress is not None and not any(cache_dir().rglob("kernel.run_seeds-*.nbi")):
        progress("Compiling the fast engine (once; about a minute)...")
    from sim.fast import kernel as k

    return k


def _packed(scenario: Scenario):
    key = id(scenario)
    hit = _PACKED.get(key)
    if hit is None or hit[0] is not scenario:
        hit = (scenario, pack(scenario))
        _PACKED.clear()
        _PACKED[key] = hit
    return hit[1]


def run_chunk(scenario: Scenario, start: int, seeds: list[int]) -> ChunkResult:
    """Run replications ``start, start+1, ...`` on the kernel; never raises for one."""
    k = kernel()
    from sim.fast.seeding import state_views

    packed = _packed(scenario)
    horizon = scenario.horizon_months
    names = [p.name for p in scenario.partners]
    investors = [v.name for v in scenario.investors]
    tally = Tally.empty(horizon, holder_count(scenario))
    n = len(seeds)
    rf = np.zeros((n, k.R_FIXED + 4 * len(names) + len(investors)))
    ri = np.zeros((n, k.RI_SIZE), dtype=np.int64)
    done = np.zeros(n, dtype=np.bool_)
    # Seeds beyond 63 bits (never made by the runner) run on the Mesa model.
    wide = [not 0 <= seed < 1 << 63 for seed in seeds]
    words = np.array([0 if w else seed for seed, w in zip(seeds, wide, strict=True)], np.uint64)
    rng = np.random.Generator(np.random.PCG64())
    world = np.random.Generator(np.random.PCG64())
    streams = (*state_views(rng)[:2], *state_views(world))
    lo = streams[4]
    cursor = np.zeros(1, dtype=np.int64)
    failed: dict[int, str] = {}
    while cursor[0] < n:
        try:
            k.run_seeds(
                words, lo, streams[0], streams[1], streams[2], streams[3], rng, world,
                *packed.args(), rf, ri, done, cursor, tally.latency, tally.reserved,
                tally.routine, tally.influence,
            )  # fmt: skip
        except Exception as exc:  # noqa: BLE001 - one bad replication must not kill the run
            failed[int(cursor[0])] = _error(exc)
            cursor[0] += 1
    ran = np.zeros(n, dtype=bool)  # rows filled by the kernel
    others: list[tuple[int, dict]] = []  # (position, row) run on the Mesa model
    failures = []
    for i, seed in enumerate(seeds):
        r = start + i
        if i in failed:
            failures.append({"replication": r, "seed": seed, "error": failed[i]})
            continue
        if done[i] and not wide[i]:
            ran[i] = True
            continue
        try:
            others.append((i, observe(run_one(scenario, seed), r, tally)))
        except Exception as exc:  # noqa: BLE001 - one bad replication must not kill the run
            failures.append({"replication": r, "seed": seed, "error": _error(exc)})
    at = np.flatnonzero(ran)
    block = kernel_block(
        k, start + at, np.asarray(words[at], dtype=np.int64), rf[at], ri[at], names, investors
    )
    if others:
        block = RowBlock.concat([block, RowBlock.from_rows([row for _, row in others])])
        block = block.take(np.argsort([*at.tolist(), *(i for i, _ in others)], kind="stable"))
    return ChunkResult(start, n, block, tally, failures)


def _error(exc: Exception) -> str:
    """A failure record's error: the exception and where it was raised (file:line)."""
    where = traceback.extract_tb(exc.__traceback__)[-1]
    return f"{type(exc).__name__}: {exc} (at {where.filename}:{where.lineno})"


def _names(table: list[str], codes: np.ndarray) -> list[str]:
    """Names by code (a negative code: none, an empty string)."""
    return [table[c] if c >= 0 else "" for c in codes.tolist()]


def kernel_block(
    k,
    replications: np.ndarray,
    seeds: np.ndarray,
    rf: np.ndarray,
    ri: np.ndarray,
    names: list[str],
    investors: list[str],
) -> RowBlock:
    """The ``runs.csv`` rows of replications from the kernel's 2-D results, as columns.

    Args:
        k: the kernel module (its ``R_*`` and ``Q_*`` indices).
        replications: the replications' numbers.
        seeds: their seeds.
        rf: ``(replications, width)`` numbers, one row per replication.
        ri: ``(replications, RI_SIZE)`` codes.
        names: the partners, by code.
        investors: the investors.

    Returns:
        The block whose rows equal what :func:`~sim.experiment.outcomes.observe` makes.
    """

    def f(j: int) -> np.ndarray:
        return np.ascontiguousarray(rf[:, j])

    def i(j: int) -> np.ndarray:
        return rf[:, j].astype(np.int64)

    fracture = f(k.R_FR_MONTH)
    causes = ri[:, k.Q_FR_CAUSE].tolist()
    terms = ri[:, k.Q_TERM].tolist()
    columns: dict[str, np.ndarray | list] = {
        "replication": np.asarray(replications, dtype=np.int64),
        "seed": np.asarray(seeds, dtype=np.int64),
        "issues": i(k.R_ISSUES),
        "decisions": i(k.R_DECISIONS),
        "reserved_latency_rmst": f(k.R_RES_RMST),
        "reserved_latency_median": f(k.R_RES_MED),
        "routine_latency_rmst": f(k.R_ROU_RMST),
        "routine_latency_median": f(k.R_ROU_MED),
        "latency_mean": f(k.R_LAT_MEAN),
        "latency_median": f(k.R_LAT_MED),
        "latency_p90": f(k.R_LAT_P90),
        "undecided_share": f(k.R_UNDECIDED),
        "reserved_undecided_share": f(k.R_RES_UNDECIDED),
        "first_reserved_decision_month": f(k.R_FIRST_RES),
        "leader": _names(names, ri[:, k.Q_LEADER]),
        "leader_month": f(k.R_LEADER_MONTH),
        "designated_leader_month": f(k.R_DES_MONTH),
        "fracture_month": fracture,
        "fracture_partner": _names(names, ri[:, k.Q_FR_WHO]),
        "fracture_how": [
            "" if math.isnan(m) else FRACTURE_CAUSES[c]
            for m, c in zip(fracture.tolist(), causes, strict=True)
        ],
        "final_state": [FINAL_STATES[c] for c in ri[:, k.Q_FINAL].tolist()],
        "termination": [TERMINATIONS[c] if c >= 0 else "" for c in terms],
        "termination_by": _names(names, ri[:, k.Q_TERM_WHO]),
        "months": i(k.R_MONTHS),
    }
    at = k.R_FIXED
    for name in names:
        columns[f"influence_mean:{name}"] = f(at)
        columns[f"influence_final:{name}"] = f(at + 1)
        columns[f"stake_final:{name}"] = f(at + 2)
        columns[f"exit_month:{name}"] = f(at + 3)
        at += 4
    for name in investors:
        columns[f"stake_final:{name}"] = f(at)
        at += 1
    return RowBlock(columns, len(rf))


def warm_up(progress: Callable[[str], None] | None = None) -> float:
    """Load the compiled kernel (compiling it on first use): one short replication.

    Numba compiles on the first call, for the argument types, which are the same for every
    scenario (arrays of fixed dtypes and ranks), so one run of a small scenario suffices.

    Returns:
        The seconds it took.
    """
    global _WARM
    t = time.perf_counter()
    kernel(progress)
    if not _WARM:
        run_chunk(_tiny(), 0, [1])
        _WARM = True
    return time.perf_counter() - t


_WARM = False


def _tiny() -> Scenario:
    """A two-partner, one-month scenario that goes through every kernel argument."""
    from sim.scenario.loader import validate_mapping

    return validate_mapping(
        {
            "name": "warm-up",
            "horizon_months": 1,
            "dimensions": ["x"],
            "partners": [{"name": "A", "stake": 0.5}, {"name": "B", "stake": 0.5}],
            "agenda": {"kinds": [{"name": "k", "dimensions": ["x"]}]},
        }
    )


__all__ = ["INFLUENCE_BINS", "run_chunk", "warm_up"]
