"""A chunk of replications: their seeds, running them, and what comes back.

Replication r of a run with root seed S gets the integer seed
``SeedSequence(S).spawn(n)[r].generate_state(1)``, computed here as
``SeedSequence(S, spawn_key=(r,))`` (the same number) so any range of seeds can be made
without spawning all of them. The model depends on nothing else, so results are
identical whichever executor runs a chunk and in whatever order chunks finish.

A replication that raises does not stop its chunk: it comes back as a failure record
(replication, seed, error) so it can be replayed with ``sim trace SCENARIO --seed S``.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from sim.experiment.block import RowBlock
from sim.experiment.outcomes import Tally, observe
from sim.scenario.schema import Scenario

SEED_MASK = (1 << 63) - 1


def replication_seeds(seed: int, replications: int, start: int = 0) -> list[int]:
    """The integer seeds of replications ``start .. replications-1``.

    Args:
        seed: root seed.
        replications: index one past the last replication wanted.
        start: first replication wanted.

    Returns:
        One seed in [0, 2^63) per replication, equal to ``SeedSequence(seed).spawn``'s.
    """
    return [
        int(np.random.SeedSequence(seed, spawn_key=(r,)).generate_state(1, np.uint64)[0])
        & SEED_MASK
        for r in range(start, replications)
    ]


def run_one(scenario: Scenario, seed: int, record_events: bool = False):
    """Run one replication to its end and return the finished venture."""
    from sim.model.venture import Venture

    return Venture(scenario, seed, record_events=record_events, collect=False).run()


@dataclass
class ChunkResult:
    """What a worker sends back for a chunk of replications.

    Attributes:
        start: index of the chunk's first replication.
        count: replications in the chunk (rows plus failures).
        rows: the outcomes of the successful replications, in replication order, as
            columns (iterating gives one dict row per replication).
        tally: pooled histograms of the chunk's successful replications.
        failures: ``{"replication", "seed", "error"}`` for each replication that raised.
    """

    start: int
    count: int
    rows: RowBlock
    tally: Tally
    failures: list[dict] = field(default_factory=list)


def holder_count(scenario: Scenario) -> int:
    """Influence holders: all partners (founding and joining) and the state funder."""
    return len(scenario.all_partners()) + (scenario.state_funder is not None)


def run_chunk(
    scenario: Scenario, start: int, seeds: list[int], engine: str = "mesa"
) -> ChunkResult:
    """Run replications ``start, start+1, ...`` with the given seeds; never raises for one.

    ``engine`` is ``mesa`` (the Mesa model) or ``fast`` (the compiled kernel, which gives
    the same rows: :mod:`sim.fast.engine`).
    """
    if engine == "fast":
        from sim.fast.engine import run_chunk as run_fast

        return run_fast(scenario, start, seeds)
    tally = Tally.empty(scenario.horizon_months, holder_count(scenario))
    rows, failures = [], []
    for i, seed in enumerate(seeds):
        try:
            rows.append(observe(run_one(scenario, seed), start + i, tally))
        except Exception as exc:  # noqa: BLE001 - one bad replication must not kill the run
            where = traceback.extract_tb(exc.__traceback__)[-1]
            error = f"{type(exc).__name__}: {exc} (at {where.filename}:{where.lineno})"
            failures.append({"replication": start + i, "seed": seed, "error": error})
    return ChunkResult(start, len(seeds), RowBlock.from_rows(rows), tally, failures)


def chunks(
    seed: int, replications: int, size: int, start: int = 0
) -> Iterator[tuple[int, list[int]]]:
    """Chunks ``(first replication, seeds)`` of at most ``size``, from ``start`` on."""
    for first in range(start, replications, size):
        yield first, replication_seeds(seed, min(first + size, replications), first)


#: Most replications in a chunk, per engine: a fast-engine chunk of 1,000 takes about a
#: quarter of a second, so the fixed cost of a chunk (its histograms, 0.4 MB for four
#: partners over 120 months, pickled back) is spread over many replications.
MAX_CHUNK = {"mesa": 50, "fast": 1000}


def chunk_size(replications: int, workers: int, engine: str = "mesa") -> int:
    """Chunks small enough to balance load and show progress, big enough to be cheap."""
    return max(1, min(MAX_CHUNK.get(engine, 50), replications // (workers * 8) or 1))
