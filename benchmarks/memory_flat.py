"""Peak memory of a long ``sim run``: is it flat in the number of replications?

Runs ``sim run SCENARIO -n N`` in a child process and samples, every ``--every``
seconds, the memory of the whole process tree (the main process and its workers): the
sum of proportional set sizes (PSS, which splits pages shared between forked workers
fairly, unlike a sum of RSS) and the main process's RSS. Prints the peaks and a few
samples, so growth over the run would be visible. Linux only (reads ``/proc``).

    python benchmarks/memory_flat.py scenarios/equal_stakes.yaml -n 100000 -j 2
    python benchmarks/memory_flat.py scenarios/equal_stakes.yaml -n 10000 --sets 20

This takes a long time on a small machine; it is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _children(pid: int) -> list[int]:
    kids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                kids.append(int(entry))
    return kids


def _field_mb(path: str, field: str) -> float:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _tree(root: int) -> list[int]:
    tree, i = [root], 0
    while i < len(tree):
        tree += _children(tree[i])
        i += 1
    return tree


def main() -> None:
    """Run the benchmark from the command line."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario")
    ap.add_argument("-n", type=int, default=100_000)
    ap.add_argument("-j", type=int, default=2)
    ap.add_argument("--every", type=float, default=2.0, help="seconds between samples")
    ap.add_argument(
        "--sets",
        type=int,
        default=0,
        help="run K parameter sets of the scenario's uncertain values (K x n replications); "
        "default 0: the scenario at its central values",
    )
    args = ap.parse_args()
    out = Path(tempfile.mkdtemp(prefix="memory-flat-")) / "run"
    sim = str(Path(sys.executable).with_name("sim"))
    command = [
        sim,
        "run",
        args.scenario,
        *(["--samples", str(args.sets)] if args.sets else ["--central"]),
        "-n",
        str(args.n),
        "-j",
        str(args.j),
        "-o",
        str(out),
    ]
    start = time.monotonic()
    proc = subprocess.Popen([*command, "--json"], stdout=subprocess.DEVNULL)
    peak_pss = peak_main = 0.0
    samples = []
    while proc.poll() is None:
        pss = sum(_field_mb(f"/proc/{p}/smaps_rollup", "Pss:") for p in _tree(proc.pid))
        main_rss = _field_mb(f"/proc/{proc.pid}/status", "VmRSS:")
        peak_pss, peak_main = max(peak_pss, pss), max(peak_main, main_rss)
        runs = out / "runs.csv"
        done = max(0, sum(1 for _ in runs.open()) - 1) if runs.exists() else 0
        samples.append((time.monotonic() - start, done, pss, main_rss))
        time.sleep(args.every)
    print(f"exit code {proc.returncode}; {time.monotonic() - start:.0f} s; results in {out}")
    print(f"peak PSS of the process tree: {peak_pss:.0f} MB; peak RSS of main: {peak_main:.0f} MB")
    print("seconds  replications  tree PSS (MB)  main RSS (MB)")
    for t, done, pss, rss in samples[:: max(1, len(samples) // 20)]:
        print(f"{t:7.0f}  {done:12,d}  {pss:13.0f}  {rss:13.0f}")


if __name__ == "__main__":
    main()
