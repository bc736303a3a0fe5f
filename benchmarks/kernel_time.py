"""CPU time per replication of the fast engine's parts, run by hand.

``python benchmarks/kernel_time.py [SCENARIO] [--reps N] [--rounds K]``

Prints, best of ``K`` rounds of ``N`` replications each (CPU time of this process,
``time.process_time``, so other processes on a busy machine disturb it less than wall
time): the whole chunk (:func:`sim.fast.engine.run_chunk`: seeding, kernel, rows), the
rows alone, and the per-replication cost of making the two generators in Python the way
the Mesa model does. The kernel is loaded (or compiled) before any timing.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def best_per_rep(fn, reps: int, rounds: int) -> float:
    """Best CPU seconds per replication of ``fn()`` (which runs ``reps`` replications)."""
    best = float("inf")
    for _ in range(rounds):
        t = time.process_time()
        fn()
        best = min(best, (time.process_time() - t) / reps)
    return best


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario", nargs="?", default=str(ROOT / "scenarios/equal_stakes.yaml"))
    parser.add_argument("--reps", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    from sim.experiment.chunk import replication_seeds
    from sim.fast.engine import run_chunk, warm_up
    from sim.scenario.loader import load_scenario

    t = time.perf_counter()
    warm_up()
    print(f"kernel load/compile: {time.perf_counter() - t:.1f} s wall")
    scenario = load_scenario(Path(args.scenario)).scenario
    seeds = replication_seeds(scenario.seed, args.reps)
    run_chunk(scenario, 0, seeds[:10])

    def chunked():
        for first in range(0, args.reps, 50):
            run_chunk(scenario, first, seeds[first : first + 50])

    def generators():
        for seed in seeds:
            rng = np.random.default_rng(seed)
            rng.integers(np.iinfo(np.int32).max)
            np.random.Generator(rng.bit_generator.jumped())

    chunk = best_per_rep(chunked, args.reps, args.rounds)
    gens = best_per_rep(generators, args.reps, args.rounds)
    print(f"run_chunk (chunks of 50): {chunk * 1e3:.3f} ms CPU per replication")
    print(f"two generators in Python: {gens * 1e3:.3f} ms CPU per replication")


if __name__ == "__main__":
    main()
