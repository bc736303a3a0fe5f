"""Benchmarks for consortium-sim, run by hand: ``python benchmarks/run.py [--quick]``.

Measures on the current machine and prints a Markdown table:

- ``sim run scenarios/equal_stakes.yaml --central`` wall time for 1,000 and 100,000
  replications, as a whole process (start-up, the report and its plots included), on the
  default engine (``auto``: the compiled fast engine for this scenario); and 1,000 as
  shipped (without ``--central``: its 20 parameter sets of 1,000 replications each);
- peak memory (proportional set size of the whole process tree, sampled from /proc) of the
  100,000-replication run;
- replications per second per core of each engine alone (one process, no pool, after
  warm-up), and their ratio;
- the fast engine's first compile (a fresh cache folder, whole process);
- ``sim --help`` start-up time;
- the pipeline's cost per replication after the engine (a chunk's columns folded into
  the totals and written as CSV), and the row-by-row cost it replaced;
- ``sim power`` on a 51-player weighted game and on 12 partners with weights in the millions;
- how the cost per replication grows with partners (2..32) and horizon (60..240 months).

Each whole-process time is shown with its CPU time (user + system, the process and its
workers): on a shared machine the wall time depends on the load, the CPU time much less.

Targets (issue 13, 2 cores): 1,000 replications <= 2 s, 100,000 <= 15 s (stretch 10 s),
peak memory <= 300 MB, ``sim --help`` <= 0.3 s, first compile <= 60 s. Never part of the
test suite: timings are not asserted anywhere.
"""

from __future__ import annotations

import argparse
import copy
import csv
import io
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "equal_stakes.yaml"
SIM = [sys.executable, "-m", "sim"]


def _tree_pss_kib(root_pid: int) -> int:
    """Proportional set size of a process and all its descendants (KiB), from /proc.

    PSS splits pages shared between processes (the forked workers share the parent's
    pages) among them, so the sum is the memory the tree really holds; summing RSS would
    count shared pages once per process.
    """
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status") as fh:
                fields = dict(line.split(":", 1) for line in fh if ":" in line)
        except OSError:
            continue
        pid = int(entry)
        children.setdefault(int(fields["PPid"].strip()), []).append(pid)
        try:
            with open(f"/proc/{entry}/smaps_rollup") as fh:
                rss[pid] = next(int(line.split()[1]) for line in fh if line.startswith("Pss:"))
        except (OSError, StopIteration):
            rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0])
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


LAST_CPU = [0.0]  # CPU seconds of the last timed_process (it and its workers)


def timed_process(args: list[str], sample_memory: bool = False) -> tuple[float, float]:
    """Run a command; return (wall seconds, peak tree PSS in MiB, or 0 if not sampled).

    Its CPU seconds (user + system, waited-for descendants included) go to ``LAST_CPU``.
    """
    cpu = _children_cpu()
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    if sample_memory:
        while proc.poll() is None:
            peak = max(peak, _tree_pss_kib(proc.pid))
            time.sleep(0.2)
    code = proc.wait()
    wall = time.perf_counter() - start
    LAST_CPU[0] = _children_cpu() - cpu
    if code != 0:
        raise SystemExit(f"command failed ({code}): {' '.join(args)}")
    return wall, peak / 1024


def sim_run(n: int, memory: bool = False, central: bool = True) -> tuple[float, float]:
    """Wall time (s) and peak memory (MiB) of a whole ``sim run`` process.

    Args:
        n: replications (per parameter set, when not ``central``).
        memory: sample the process tree's memory.
        central: the scenario at its central values (``--central``); otherwise as
            shipped: its parameter sets (20) of ``n`` replications each.
    """
    with tempfile.TemporaryDirectory() as tmp:
        flag = ["--central"] if central else []
        return timed_process(
            [*SIM, "run", str(SCENARIO), *flag, "-n", str(n), "-o", f"{tmp}/out", "--json"],
            sample_memory=memory,
        )


def model_rate(scenario, replications: int, engine: str = "mesa") -> float:
    """Replications per second of one engine alone, in this process."""
    from sim.experiment.runner import replication_seeds, run_chunk

    seeds = replication_seeds(1, replications)
    run_chunk(scenario, 0, seeds[:3], engine)  # warm up imports and caches
    start = time.perf_counter()
    run_chunk(scenario, 0, seeds, engine)
    return replications / (time.perf_counter() - start)


def pipeline_cost(scenario, replications: int = 2000) -> tuple[float, float]:
    """CPU microseconds per replication to fold a chunk into totals and CSV text.

    Returns:
        ``(columns, rows)``: a block at a time (this pipeline), and a dict row at a time
        through ``Totals.add_row`` and ``csv.DictWriter`` (the one it replaced).
    """
    from sim.experiment import results
    from sim.experiment.runner import replication_seeds, run_chunk, run_columns
    from sim.experiment.totals import Totals

    block = run_chunk(scenario, 0, replication_seeds(1, replications), "fast").rows
    columns = run_columns(scenario)
    start = time.process_time()
    for at in range(0, replications, 1000):
        part = block.take(range(at, min(at + 1000, replications)))
        Totals().add_block(part)
        part.csv_text(columns)
    bulk = time.process_time() - start
    rows = block.rows()
    start = time.process_time()
    totals = Totals()
    for row in rows:
        totals.add_row(row)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns)
    for row in rows:
        writer.writerow({k: "" if v != v else v for k, v in row.items()})
    by_row = time.process_time() - start
    assert results.csv_text(rows, columns, header=False) == buf.getvalue()
    return 1e6 * bulk / replications, 1e6 * by_row / replications


def first_compile() -> float:
    """Wall seconds of a process that compiles the fast engine into an empty cache."""
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, CONSORTIUM_SIM_CACHE=tmp)
        cpu = _children_cpu()
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", "from sim.fast.engine import warm_up; warm_up()"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        LAST_CPU[0] = _children_cpu() - cpu
        return time.perf_counter() - start


def scaled(base, partners: int | None = None, horizon: int | None = None):
    """The equal-stakes scenario with n cloned partners and/or another horizon."""
    from sim.scenario.loader import validate_mapping

    data = base.model_dump()
    if partners is not None:
        proto = data["partners"]
        data["partners"] = []
        for i in range(partners):
            p = copy.deepcopy(proto[i % len(proto)])
            p["name"] = f"{p['name']}-{i}"
            p["stake"] = 0.8 / partners
            data["partners"].append(p)
        data["investors"] = []
    if horizon is not None:
        data["horizon_months"] = horizon
        data["agenda"]["events"] = [e for e in data["agenda"]["events"] if e["month"] <= horizon]
    return validate_mapping(data)


def main() -> None:
    """Measure and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the 100,000 run")
    args = parser.parse_args()
    from sim.scenario.loader import load_scenario

    base = load_scenario(SCENARIO).scenario
    rows: list[tuple[str, str, str]] = []

    helps, help_cpu = [], []
    for _ in range(5):
        helps.append(timed_process([*SIM, "--help"])[0])
        help_cpu.append(LAST_CPU[0])
    rows.append(
        (
            "`sim --help` start-up",
            f"{statistics.median(helps):.2f} s ({statistics.median(help_cpu):.2f} s CPU)",
            "<= 0.3 s",
        )
    )
    compile_wall = first_compile()
    rows.append(
        (
            "Fast engine, first compile (whole process)",
            f"{compile_wall:.0f} s ({LAST_CPU[0]:.0f} s CPU)",
            "<= 60 s",
        )
    )
    weights = ",".join(str(w) for w in range(1, 52))
    quota = str(sum(range(1, 52)) // 2 + 1)
    power = timed_process(
        [*SIM, "power", "--quota", quota, "--weights", weights, "--exact", "--json"]
    )[0]
    rows.append(
        (
            "`sim power`, 51-player weighted game (whole process, exact)",
            f"{power:.2f} s",
            "well under 1 s",
        )
    )
    millions = [1_000_003 * (i + 2) + 7919 * i * i for i in range(12)]  # gcd 1: 4,096 sums
    power = timed_process(
        [*SIM, "power", "--quota", str(sum(millions) // 2 + 1),
         "--weights", ",".join(map(str, millions)), "--exact", "--json"]
    )[0]  # fmt: skip
    rows.append(
        ("`sim power`, 12 partners, weights in the millions (whole process, exact)",
         f"{power:.2f} s", "well under 1 s")
    )  # fmt: skip
    wall, peak = sim_run(1000, memory=True)
    rows.append(
        (
            "`sim run equal_stakes -n 1,000` (whole process, all cores)",
            f"{wall:.1f} s ({LAST_CPU[0]:.1f} s CPU), peak {peak:.0f} MiB",
            "<= 2 s",
        )
    )
    wall, peak = sim_run(1000, memory=True, central=False)
    rows.append(
        (
            "`sim run equal_stakes -n 1,000` as shipped: 20 parameter sets x 1,000 = 20,000 "
            "replications (whole process)",
            f"{wall:.1f} s ({LAST_CPU[0]:.1f} s CPU), peak {peak:.0f} MiB",
            "",
        )
    )
    bulk, by_row = pipeline_cost(base)
    rows.append(
        (
            "Pipeline per replication after the engine (totals + CSV), one core",
            f"{bulk:.0f} us (row by row: {by_row:.0f} us)",
            "",
        )
    )
    mesa = model_rate(base, 200, "mesa")
    fast = model_rate(base, 2000, "fast")
    rows.append(("Mesa engine alone, one core", f"{mesa:.0f} replications/s", ""))
    rows.append(("Fast engine alone, one core", f"{fast:.0f} replications/s", ""))
    rows.append(("Fast / Mesa", f"{fast / mesa:.0f}x", ""))
    if not args.quick:
        wall, peak = sim_run(100_000, memory=True)
        rows.append(
            (
                "`sim run equal_stakes -n 100,000` (whole process)",
                f"{wall:.0f} s ({LAST_CPU[0]:.0f} s CPU)",
                "<= 15 s",
            )
        )
        rows.append(
            (
                "Peak memory, `sim run -n 100,000` (process tree, PSS)",
                f"{peak:.0f} MiB",
                "<= 300 MB",
            )
        )

    growth = []
    for n in (2, 4, 8, 16, 32):
        s = scaled(base, partners=n)
        per = 1000 / model_rate(s, 60 if n <= 8 else 20, "fast")
        growth.append((f"{n} partners, 120 months", per, per / n))
    for h in (60, 120, 240):
        s = scaled(base, horizon=h)
        per = 1000 / model_rate(s, 100, "fast")
        growth.append((f"4 partners, {h} months", per, per / h))

    print(
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}\n"
    )
    print("| Measure | Result | Target |\n| --- | --- | --- |")
    for name, value, target in rows:
        print(f"| {name} | {value} | {target} |")
    print(
        "\n| Size (fast engine) | ms per replication | ms per partner (or per month) |"
        "\n| --- | --- | --- |"
    )
    for name, per, unit in growth:
        print(f"| {name} | {per:.1f} | {unit:.2f} |")


if __name__ == "__main__":
    main()
