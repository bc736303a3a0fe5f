"""Many replications: seeds, chunks, and a long-lived pool of worker processes.

Replication r of a run with root seed S gets the integer seed
``SeedSequence(S).spawn(n)[r].generate_state(1)``; the model depends on nothing else, so
results are identical for any number of workers. Replications are shipped to workers in
chunks; only rows and integer histograms come back. The pool is created once per
experiment from the ``fork`` context (Mesa sets the global start method to ``spawn`` at
import, which would re-import everything in each worker), before any thread starts.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from sim.experiment.outcomes import Tally, observe
from sim.scenario.schema import Scenario

SEED_MASK = (1 << 63) - 1


def replication_seeds(seed: int, replications: int) -> list[int]:
    """The integer seed of each replication, from ``SeedSequence(seed).spawn``."""
    children = np.random.SeedSequence(seed).spawn(replications)
    return [int(c.generate_state(1, np.uint64)[0]) & SEED_MASK for c in children]


def run_one(scenario: Scenario, seed: int, record_events: bool = False):
    """Run one replication to its end and return the finished venture."""
    from sim.model.venture import Venture

    return Venture(scenario, seed, record_events=record_events).run()


@dataclass
class ChunkResult:
    """What a worker sends back for a chunk of replications.

    Attributes:
        start: index of the chunk's first replication.
        rows: one outcome row per replication, in replication order.
        tally: pooled histograms of the chunk.
    """

    start: int
    rows: list[dict]
    tally: Tally


def run_chunk(scenario: Scenario, start: int, seeds: Sequence[int]) -> ChunkResult:
    """Run replications ``start, start+1, ...`` with the given seeds."""
    tally = Tally.empty(
        scenario.horizon_months, len(scenario.all_partners()) + (scenario.state_funder is not None)
    )
    rows = [observe(run_one(scenario, seed), start + i, tally) for i, seed in enumerate(seeds)]
    return ChunkResult(start, rows, tally)


def chunks(seeds: Sequence[int], size: int) -> Iterator[tuple[int, Sequence[int]]]:
    """Split seeds into ``(start, seeds)`` chunks of at most ``size``."""
    for start in range(0, len(seeds), size):
        yield start, seeds[start : start + size]


def chunk_size(replications: int, workers: int) -> int:
    """Chunks small enough to balance load and show progress, big enough to be cheap."""
    return max(1, min(50, replications // (workers * 8) or 1))


def default_workers() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


_WORKER_SCENARIO: Scenario | None = None


def _init_worker(scenario: Scenario) -> None:
    global _WORKER_SCENARIO
    _WORKER_SCENARIO = scenario


def _work(item: tuple[int, Sequence[int]]) -> ChunkResult:
    assert _WORKER_SCENARIO is not None
    return run_chunk(_WORKER_SCENARIO, *item)


class LocalPool:
    """A long-lived pool of worker processes for one scenario (serial when workers=1).

    Use as a context manager; :meth:`map_chunks` yields chunk results as they finish.
    """

    def __init__(self, scenario: Scenario, workers: int):
        self.scenario = scenario
        self.workers = max(1, workers)
        self._pool = None

    def __enter__(self) -> LocalPool:
        if self.workers > 1:
            import sim.model.venture  # noqa: F401  (import once, before forking)

            methods = multiprocessing.get_all_start_methods()
            ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
            self._pool = ctx.Pool(self.workers, initializer=_init_worker, initargs=(self.scenario,))
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            if exc[0] is None:
                self._pool.close()
            else:
                self._pool.terminate()
            self._pool.join()
            self._pool = None

    def map_chunks(self, items: Sequence[tuple[int, Sequence[int]]]) -> Iterator[ChunkResult]:
        """Run chunks, yielding each result as it completes (any order)."""
        if self._pool is None:
            for start, seeds in items:
                yield run_chunk(self.scenario, start, seeds)
        else:
            yield from self._pool.imap_unordered(_work, items)


@dataclass
class Experiment:
    """All rows and pooled tallies of a run, in replication order.

    Attributes:
        scenario: the scenario run.
        seed: the root seed.
        rows: one row per replication, sorted by replication.
        tally: pooled histograms.
        holders: names of the influence holders (partners, then the state funder).
    """

    scenario: Scenario
    seed: int
    rows: list[dict]
    tally: Tally
    holders: list[str]


def holder_names(scenario: Scenario) -> list[str]:
    """Partners (founding, then joining) and the state funder, in the model's order."""
    names = [p.name for p in scenario.all_partners()]
    if scenario.state_funder is not None:
        names.append(scenario.state_funder.name)
    return names


def run_experiment(
    scenario: Scenario,
    replications: int,
    seed: int,
    workers: int,
    progress: Callable[[int], None] | None = None,
) -> Experiment:
    """Run ``replications`` replications of a scenario.

    Args:
        scenario: the scenario.
        replications: how many.
        seed: root seed.
        workers: worker processes (1 = in this process).
        progress: called with the number of replications just finished.

    Returns:
        The experiment's rows and tallies; identical for any ``workers``.
    """
    seeds = replication_seeds(seed, replications)
    names = holder_names(scenario)
    tally = Tally.empty(scenario.horizon_months, len(names))
    done: list[ChunkResult] = []
    items = list(chunks(seeds, chunk_size(replications, workers)))
    with LocalPool(scenario, min(workers, len(items))) as pool:
        for result in pool.map_chunks(items):
            done.append(result)
            tally.add(result.tally)
            if progress is not None:
                progress(len(result.rows))
    rows = [row for result in sorted(done, key=lambda r: r.start) for row in result.rows]
    return Experiment(scenario, seed, rows, tally, names)
