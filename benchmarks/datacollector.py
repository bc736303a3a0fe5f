"""Cost of the Venture's mesa.DataCollector: time per replication with and without it.

    python benchmarks/datacollector.py scenarios/equal_stakes.yaml -n 200

Alternates the two settings in rounds (so load from other processes hits both alike)
and prints the median time per replication of each.
"""

from __future__ import annotations

import argparse
import statistics
import time

from sim.model.venture import Venture
from sim.scenario.loader import load_scenario


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario")
    parser.add_argument("-n", type=int, default=200, help="replications per round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    scenario = load_scenario(args.scenario).scenario
    times: dict[bool, list[float]] = {False: [], True: []}
    for _ in range(args.rounds):
        for collect in (False, True):
            start = time.perf_counter()
            for seed in range(args.n):
                Venture(scenario, seed, collect=collect).run()
            times[collect].append((time.perf_counter() - start) / args.n)
    for collect, values in times.items():
        print(f"collect={collect!s:5}  {statistics.median(values) * 1000:.2f} ms per replication")


if __name__ == "__main__":
    main()
