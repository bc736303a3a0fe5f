"""The numbers of docs/uncertainty.md: what the equal-stakes answers rest on.

Reproducible: fixed seeds, common random numbers, the shipped scenario files. It runs

1. ``sim run scenarios/equal_stakes.yaml`` (its 20 Latin-hypercube parameter sets x 50
   replications): each headline with its noise and parameter intervals;
2. ``sim sensitivity scenarios/equal_stakes.yaml --samples 10 -n 50`` (Morris) and
   ``--method sobol --samples 32 -n 20``: which parameters drive each headline;
3. ``sim compare scenarios/equal_stakes.yaml scenarios/governance/majority.yaml`` (20
   parameter sets x 50 replications per design): the probability across parameter sets
   that majority beats unanimity on each headline, and the regret table;

each into a results folder under ``results/``, times each on this machine, and prints the
generated section of docs/uncertainty.md (``--write`` puts it between the markers).

Usage (from the repository root; a few minutes on two cores with the fast engine, which
gives the same numbers as Mesa, ``--engine mesa`` to check)::

    python calibration/uncertainty.py --write
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from pathlib import Path

from sim.docs import replace_between
from sim.experiment.robust import robust_study
from sim.experiment.sensitivity import sensitivity_study
from sim.experiment.summary import HEADLINES
from sim.experiment.uncertain_run import uncertain_run_study
from sim.reports.report import interval, run_report, unit_of, value
from sim.reports.robust import robust_report
from sim.reports.sensitivity import sensitivity_report
from sim.reports.uncertainty import two_interval_rows
from sim.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1]
EQUAL = "scenarios/equal_stakes.yaml"
MAJORITY = "scenarios/governance/majority.yaml"
DOC = ROOT / "docs" / "uncertainty.md"
MARKER = "generated"  # <!-- generated:start --> ... <!-- generated:end -->
TOP = 4
MORRIS = (10, 50)  # trajectories, replications per point
SOBOL = (32, 20)  # base points, replications per point


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    """A markdown table."""
    return [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(r) + " |" for r in rows),
    ]


def main() -> None:
    """Run the three studies and print (or write) the generated section."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write into docs/uncertainty.md")
    parser.add_argument("-j", "--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--engine", default="auto", help="auto, mesa or fast")
    args = parser.parse_args()
    os.chdir(ROOT)
    equal, majority = load_scenario(EQUAL), load_scenario(MAJORITY)
    s = equal.scenario
    k, n = s.uncertainty.parameter_sets, s.uncertainty.replications_per_set
    seed, w, engine = s.seed, args.workers, args.engine
    if engine != "mesa":
        from sim.cli.execution import prepare_engine

        prepare_engine(engine, [equal.scenario, majority.scenario])

    t0 = time.perf_counter()
    run = uncertain_run_study(
        equal, samples=k, replications=n, seed=seed, workers=w, report=run_report, engine=engine
    )
    t_run = time.perf_counter() - t0
    t0 = time.perf_counter()
    sens_folder, sens = sensitivity_study(
        equal,
        method="morris",
        samples=MORRIS[0],
        replications=MORRIS[1],
        seed=seed,
        workers=w,
        report=sensitivity_report,
        engine=engine,
    )
    t_sens = time.perf_counter() - t0
    t0 = time.perf_counter()
    sobol_folder, sobol = sensitivity_study(
        equal,
        method="sobol",
        samples=SOBOL[0],
        replications=SOBOL[1],
        seed=seed,
        workers=w,
        report=sensitivity_report,
        engine=engine,
    )
    t_sobol = time.perf_counter() - t0
    t0 = time.perf_counter()
    rob_folder, rob = robust_study(
        [equal, majority],
        samples=k,
        replications=n,
        seed=seed,
        workers=w,
        report=robust_report,
        engine=engine,
    )
    t_rob = time.perf_counter() - t0

    out = [
        f"Measured on this machine ({platform.machine()}, {w} workers shared with other "
        f"jobs, engine `{engine}`): `sim run` {t_run:.0f} s, Morris {t_sens:.0f} s, Sobol "
        f"{t_sobol:.0f} s, `sim compare` {t_rob:.0f} s (each including its report and "
        "pictures). Regenerate with `python calibration/uncertainty.py --write`.",
        "",
        f"### 1. The headline answers with both intervals (`sim run {EQUAL}`)",
        "",
        f"{k} parameter sets x {n} replications = {run.summary['replications']:,} runs, seed "
        f"{seed}. Results: `{run.folder}`.",
        "",
        *table(
            ["Metric", "Estimate", "Noise 95%", "Parameters 5-95%", "Noise share"],
            two_interval_rows(run.summary),
        ),
        "",
        f"### 2. What each answer rests on (`sim sensitivity {EQUAL} --samples {MORRIS[0]} "
        f"-n {MORRIS[1]}`)",
        "",
        f"Morris screening, {MORRIS[0]} trajectories x {len(sens.names) + 1} points x "
        f"{MORRIS[1]} replications, "
        f"seed {seed}. Top {TOP} parameters by mu* (mean absolute elementary effect, per "
        f"whole range; percentage points for probabilities and shares), with the noise "
        f"floor. Results: `{sens_folder}`.",
        "",
    ]
    rows = []
    for h in HEADLINES:
        scale = 100 if h.percent else 1
        top = sens.indices[h.key][:TOP]
        cells = [
            f"`{r['parameter']}` {value((r['mu_star'] or 0) * scale)} "
            f"± {value((r['mu_star_conf'] or 0) * scale)}"
            for r in top
        ]
        floor = sens.notes[h.key].get("noise_floor")
        rows.append(
            [
                f"{h.label} ({'pp' if h.percent else unit_of(h)})",
                "<br>".join(cells) or "not analysed",
                value(floor * scale) if floor is not None else "n/a",
            ]
        )
    out += table(["Metric", f"Top {TOP} (mu* ± 95%)", "Noise floor"], rows)
    out += [
        "",
        f"Sobol indices (`--method sobol --samples {SOBOL[0]} -n {SOBOL[1]}`: "
        f"{len(sobol.sets):,} parameter sets x {SOBOL[1]} replications, seed {seed}). Top "
        f"{TOP} by total index ST (first-order S1 beside it), ± the 95% bootstrap half-width. "
        f"Results: `{sobol_folder}`.",
        "",
    ]
    rows = []
    for h in HEADLINES:
        top = sobol.indices[h.key][:TOP]
        cells = [
            f"`{r['parameter']}` ST {r['ST'] or 0:.2f} ± {r['ST_conf'] or 0:.2f}, "
            f"S1 {r['S1'] or 0:.2f} ± {r['S1_conf'] or 0:.2f}"
            for r in top
        ]
        rows.append([h.label, "<br>".join(cells) or "not analysed"])
    out += table(["Metric", f"Top {TOP} (Sobol)"], rows)
    out += [
        "",
        f"### 3. Unanimity or majority, across what we do not know (`sim compare {EQUAL} "
        f"{MAJORITY}`)",
        "",
        f"{k} parameter sets, {n} replications per set and design, seed {seed}, common random "
        f"numbers. Results: `{rob_folder}`.",
        "",
    ]
    rows = []
    for h in HEADLINES:
        pairs = {(r["design"], r["versus"]): r for r in rob.pairs[h.key]}
        p = pairs[("majority", "equal_stakes")]
        regret = {r["design"]: r for r in rob.regret[h.key]}
        cells = [f"{h.label} ({unit_of(h)}; {h.better} is better)"]
        for d in ("equal_stakes", "majority"):
            r = regret[d]
            cells.append(
                f"{value(r.get('mean_estimate'), h.percent)} "
                f"{interval(r.get('parameter_interval', [None, None]), h.percent)}"
            )
        cells += [
            f"{value(p['p_better'], True)} {interval(p['ci95'], True)}",
            value(p["p_significant"], True),
            value(regret["equal_stakes"].get("max_regret"), h.percent),
            value(regret["majority"].get("max_regret"), h.percent),
        ]
        rows.append(cells)
    out += table(
        [
            "Metric",
            "Unanimity: mean [5-95% over sets]",
            "Majority: mean [5-95% over sets]",
            "P(majority better) [95%]",
            "P(majority better, significant)",
            "Max regret, unanimity",
            "Max regret, majority",
        ],
        rows,
    )
    text = "\n".join(out) + "\n"
    if args.write:
        DOC.write_text(
            replace_between(DOC.read_text("utf-8"), MARKER, text.rstrip("\n")), encoding="utf-8"
        )
        print(f"updated {DOC}")
    else:
        print(text)


if __name__ == "__main__":
    main()
