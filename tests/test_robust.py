"""Robust comparison: win probabilities and regret across parameter sets, and the command."""

from __future__ import annotations

import csv
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sim.errors import InputError
from sim.experiment.robust import better_than, regret_table, union_parameters
from sim.experiment.summary import HEADLINES
from sim.scenario.loader import load_scenario
from tests.test_uncertainty import small_uncertain

ROOT = Path(__file__).resolve().parents[1]
SIM = [sys.executable, "-m", "sim"]


def test_better_counts_a_tie_as_half_and_follows_the_metric_direction():
    a, b = np.array([1.0, 2.0, 3.0, math.nan]), np.array([2.0, 2.0, 1.0, 1.0])
    assert np.array_equal(better_than(a, b, "lower")[:3], [1.0, 0.5, 0.0])
    assert np.array_equal(better_than(a, b, "higher")[:3], [0.0, 0.5, 1.0])
    assert math.isnan(better_than(a, b, "lower")[3])


def test_regret_is_the_shortfall_against_the_best_design_of_each_set():
    # set 1: A best; set 2: B best by 3; set 3: tie. Lower is better.
    rows = {
        r["design"]: r
        for r in regret_table(
            {"A": np.array([1.0, 5.0, 2.0]), "B": np.array([2.0, 2.0, 2.0])}, "lower"
        )
    }
    assert rows["A"]["mean_regret"] == pytest.approx(1.0) and rows["A"]["max_regret"] == 3.0
    assert rows["B"]["mean_regret"] == pytest.approx(1 / 3) and rows["B"]["max_regret"] == 1.0
    assert rows["A"]["p_best"] == pytest.approx(0.5) and rows["B"]["p_best"] == pytest.approx(0.5)
    assert rows["A"]["mean_estimate"] == pytest.approx(8 / 3)


def test_the_same_parameter_with_two_distributions_is_refused(tmp_path):
    a = load_scenario(small_uncertain(tmp_path, "a"))
    b = load_scenario(
        small_uncertain(tmp_path, "b", agenda__rate_per_month={"uniform": [0.5, 1.0]})
    )
    with pytest.raises(InputError, match="agenda.rate_per_month"):
        union_parameters([a, b])
    assert [p.path for p in union_parameters([a, a])] == [p.path for p in a.uncertain]


@pytest.fixture(scope="module")
def robust_runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("robust")
    unanimity = small_uncertain(folder, "unanimity")
    # the majority design states no ranges: it is run at the unanimity file's parameter sets
    data = load_scenario(unanimity).scenario.model_dump(mode="json")
    data["governance"]["reserved"]["rule"] = "simple_majority"
    import yaml

    majority = folder / "majority.yaml"
    majority.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    out = {}
    for workers in ("1", "2"):
        target = folder / f"w{workers}"
        res = subprocess.run(
            [
                *SIM,
                "compare",
                str(unanimity),
                str(majority),
                "--samples",
                "4",
                "-n",
                "5",
                "--seed",
                "9",
                "-j",
                workers,
                "-o",
                str(target),
            ],  # fmt: skip
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert res.returncode == 0, res.stderr
        out[workers] = (target, res)
    return out


def test_robust_comparison_gives_the_same_files_whatever_the_workers(robust_runs):
    (a, _), (b, _) = robust_runs["1"], robust_runs["2"]
    for name in ("robust.csv", "regret.csv", "sets.csv", "robust.json"):
        assert (a / name).read_text() == (b / name).read_text(), name


def test_both_designs_run_at_the_same_parameter_values(robust_runs):
    folder, _ = robust_runs["1"]
    with open(folder / "sets.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    by_design: dict[str, list] = {}
    for r in rows:
        values = {k: v for k, v in r.items() if k.startswith(("partners.", "agenda."))}
        by_design.setdefault(r["design"], []).append(values)
    assert list(by_design) == ["unanimity", "majority"]
    assert by_design["unanimity"] == by_design["majority"]


def test_pair_probabilities_are_complementary_and_regret_is_reported(robust_runs):
    folder, res = robust_runs["2"]
    data = json.loads((folder / "robust.json").read_text())
    assert data["parameter_sets"] == 4 and data["missing"] == {"unanimity": [], "majority": []}
    for h in HEADLINES:
        pairs = {(r["design"], r["versus"]): r for r in data["pairs"][h.key]}
        ab, ba = pairs[("unanimity", "majority")], pairs[("majority", "unanimity")]
        if ab["sets"]:
            assert ab["p_better"] + ba["p_better"] == pytest.approx(1.0)
        regret = {r["design"]: r for r in data["regret"][h.key]}
        assert set(regret) == {"unanimity", "majority"}
        if regret["majority"]["sets"]:
            assert min(r["max_regret"] for r in regret.values()) >= 0
            assert sum(r["p_best"] for r in regret.values()) == pytest.approx(1.0)
    # majority decides reserved matters faster in every set (a large effect)
    lat = {(r["design"], r["versus"]): r for r in data["pairs"]["reserved_latency_months"]}
    assert lat[("majority", "unanimity")]["p_better"] == 1.0
    assert "P(beats baseline)" in res.stdout
    report = (folder / "report.md").read_text()
    assert "Which design wins across what we do not know" in report
    assert "--samples 4 -n 5 --seed 9" in report
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["kind"] == "robust_comparison"


def test_central_compares_the_plain_designs(robust_runs, tmp_path):
    folder, _ = robust_runs["1"]
    files = [str(folder.parent / "unanimity.yaml"), str(folder.parent / "majority.yaml")]
    res = subprocess.run(
        [*SIM, "compare", *files, "--central", "-n", "3", "-j", "1", "-o", str(tmp_path / "c")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "c" / "comparison.csv").exists()
