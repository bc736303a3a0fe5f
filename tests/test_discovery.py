"""Scenario discovery with PRIM (issue 14): the box where an outcome happens.

Known result: on parameter sets drawn uniformly in [0, 1]^3 where the outcome holds
exactly when a > 0.7 and b < 0.5, PRIM (Friedman & Fisher 1999) must restrict a and b
near those edges and leave c free, with high coverage and density.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sim.errors import InputError
from sim.experiment.discovery import discover
from sim.experiment.summary import HEADLINES
from tests.test_uncertainty import small_uncertain

ROOT = Path(__file__).resolve().parents[1]


def sim(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", "sim", *map(str, args)], cwd=cwd, capture_output=True, text=True
    )


def synthetic_run(folder: Path, n: int = 400) -> Path:
    """A fake run folder: parameter_sets.csv with a known region of fracture."""
    rng = np.random.default_rng(3)
    folder.mkdir()
    rows = []
    for i in range(n):
        a, b, c = rng.random(3)
        row = {"parameter_set": i, "partners.A.x": a, "partners.B.y": b, "agenda.z": c}
        for h in HEADLINES:
            row[h.key] = float(a > 0.7 and b < 0.5) if h.key == "fracture" else 1.0
            row[f"{h.key}_ci_low"], row[f"{h.key}_ci_high"] = 0.0, 1.0
        rows.append(row)
    with open(folder / "parameter_sets.csv", "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return folder


def test_prim_finds_the_known_box(tmp_path):
    d = discover(synthetic_run(tmp_path / "run"), "fracture", 0.5)
    limits = {x["parameter"]: x for x in d.limits}
    assert set(limits) == {"partners.A.x", "partners.B.y"}  # c is left free
    assert limits["partners.A.x"]["min"] == pytest.approx(0.7, abs=0.05)
    assert limits["partners.B.y"]["max"] == pytest.approx(0.5, abs=0.05)
    assert d.coverage >= 0.8 and d.density >= 0.9
    assert d.trajectory[0]["coverage"] == 1.0 and d.trajectory[0]["dims"] == 0


def test_cli_writes_the_table_plot_and_report(tmp_path):
    run = synthetic_run(tmp_path / "run")
    res = sim("discover", run, "--metric", "fracture", "--above", "0.5", "-o", tmp_path / "out")
    assert res.returncode == 0, res.stderr
    assert "coverage" in res.stdout and "Results:" in res.stdout
    out = tmp_path / "out"
    for name in ("discovery.csv", "trajectory.csv", "discovery.png", "report.md", "report.html"):
        assert (out / name).is_file(), name
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["metric"] == "fracture"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--above", "0.5", "--below", "0.2"], "exactly one of --above or --below"),
        (["--above", "0.5", "--metric", "nonsense"], "--metric must be one of"),
        (["--above", "2"], "no parameter set has fracture above 2"),
        (["--below", "2"], "every parameter set has fracture below 2"),
    ],
)
def test_bad_input_is_refused_with_exit_2(tmp_path, args, message):
    run = synthetic_run(tmp_path / "run")
    res = sim("discover", run, *args, "-o", tmp_path / "out")
    assert res.returncode == 2 and message in res.stderr, res.stderr
    assert not (tmp_path / "out").exists()


def test_a_folder_without_parameter_sets_is_refused(tmp_path):
    with pytest.raises(InputError, match="no parameter_sets.csv"):
        discover(tmp_path, "fracture", 0.5)


def test_on_a_real_run_over_parameter_sets(tmp_path):
    """End to end: a small run with ranges, then discovery of slow reserved matters."""
    scenario = small_uncertain(tmp_path)
    run = tmp_path / "run"
    res = sim("run", scenario, "--samples", "12", "-n", "4", "-o", run, "--json")
    assert res.returncode == 0, res.stderr
    with open(run / "parameter_sets.csv", encoding="utf-8") as fh:
        values = sorted(float(r["reserved_latency_months"]) for r in csv.DictReader(fh))
    median = values[len(values) // 2]
    d = discover(run, "reserved_latency_months", median)
    assert d.sets == 12 and 0 < d.hits < 12
    assert all(x["parameter"] in d.ranges for x in d.limits)
