"""`sim compare`: common random numbers, paired differences, the files a board sees."""

from __future__ import annotations

import csv
import json
import math
import os
import subprocess
import sys

import pytest
from scipy import stats as sps

from sim.experiment.compare import (
    COMPARISON_COLUMNS,
    PER_REPLICATION,
    compare_study,
    labels_for,
    paired_difference,
    run_comparison,
)
from sim.experiment.summary import HEADLINES
from sim.reports.compare import changes, comparison_report
from sim.scenario.loader import load_scenario
from tests.small import EQUAL, MAJORITY, ROOT, small

N = 20


@pytest.fixture(scope="module")
def designs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("designs")
    return small(EQUAL, folder), small(MAJORITY, folder)


@pytest.fixture(scope="module")
def study(designs, tmp_path_factory):
    out = tmp_path_factory.mktemp("cmp") / "out"
    folder, comp = compare_study(
        designs, replications=N, seed=11, workers=1, out=out, report=comparison_report
    )
    return folder, comp


def test_every_headline_has_a_per_replication_value():
    assert set(PER_REPLICATION) == {h.key for h in HEADLINES}


def test_a_design_against_itself_differs_by_exactly_zero(designs):
    comp = run_comparison([designs[0], designs[0]], replications=N, seed=5, workers=1)
    assert [d.label for d in comp.designs] == ["equal_stakes", "equal_stakes (2)"]
    for label in ("equal_stakes", "equal_stakes (2)"):
        for h in HEADLINES:
            diff = comp.differences[label][h.key]
            assert diff["mean"] == 0.0
            assert diff["ci95"] == [0.0, 0.0]
    assert comp.differences["equal_stakes (2)"]["leader"]["pairs"] == N


def test_common_random_numbers_give_every_design_the_same_seeds(study):
    _, comp = study
    a, b = (d.experiment.rows for d in comp.designs)
    assert [r["seed"] for r in a] == [r["seed"] for r in b]
    assert len({r["seed"] for r in a}) == N


def test_paired_difference_is_the_t_interval_of_the_differences():
    # differences 2, 3, 4 (the NaN pair is left out): mean 3, sd 1, t(0.975, 2) = 4.3027
    out = paired_difference([3.0, 5.0, 7.0, math.nan], [1.0, 2.0, 3.0, 0.0])
    half = sps.t.ppf(0.975, 2) / math.sqrt(3)
    assert out["pairs"] == 3
    assert out["mean"] == pytest.approx(3.0)
    assert out["ci95"] == pytest.approx([3 - half, 3 + half])


def test_paired_difference_of_proportions_uses_the_indicators():
    out = paired_difference([1, 1, 0, 0], [0, 1, 0, 1])
    assert out["mean"] == 0.0 and out["pairs"] == 4


def test_labels_are_stems_numbered_when_repeated():
    assert labels_for(["a/x.yaml", "b/x.yaml", "y.yaml"]) == ["x", "x (2)", "y"]


def test_majority_decides_faster_than_unanimity(study):
    # 3-of-4 instead of 4-of-4 on reserved matters: fewer blocked proposals, so decisions
    # land sooner and fewer issues go undecided (a large effect; n=20 resolves it).
    _, comp = study
    lat = comp.differences["majority"]["reserved_latency_months"]
    assert lat["mean"] < 0 and lat["ci95"][1] < 0
    assert comp.differences["majority"]["undecided_share"]["mean"] < 0


def test_comparison_csv_holds_every_metric_and_design_and_zero_for_the_baseline(study):
    folder, comp = study
    with open(folder / "comparison.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == COMPARISON_COLUMNS
    assert len(rows) == len(HEADLINES) * 2
    for row in rows:
        d = next(d for d in comp.designs if d.label == row["design"])
        h = next(h for h in HEADLINES if h.key == row["metric"])
        assert float(row["estimate"]) == pytest.approx(d.summary[h.key][h.value])
        if row["design"] == "equal_stakes":
            assert float(row["diff_vs_first"]) == 0.0
        else:
            diff = comp.differences["majority"][h.key]
            assert float(row["diff_vs_first"]) == pytest.approx(diff["mean"])
            assert float(row["diff_ci_low"]) <= float(row["diff_vs_first"])
            assert float(row["diff_vs_first"]) <= float(row["diff_ci_high"])


def test_comparison_json_and_per_design_files_match(study):
    folder, comp = study
    data = json.loads((folder / "comparison.json").read_text())
    assert data["baseline"] == "equal_stakes" and data["replications"] == N
    assert set(data["summaries"]) == {"equal_stakes", "majority"}
    lat = data["differences_vs_first"]["majority"]["reserved_latency_months"]
    assert lat["mean"] == pytest.approx(
        comp.differences["majority"]["reserved_latency_months"]["mean"]
    )
    for label in ("equal_stakes", "majority"):
        summary = json.loads((folder / "designs" / label / "summary.json").read_text())
        assert summary == data["summaries"][label]
        with open(folder / "designs" / label / "runs.csv", encoding="utf-8") as fh:
            assert len(list(csv.DictReader(fh))) == N


def test_manifest_names_every_design_and_file(study, designs):
    folder, _ = study
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["kind"] == "comparison"
    assert [d["label"] for d in manifest["designs"]] == ["equal_stakes", "majority"]
    assert [d["scenario_sha256"] for d in manifest["designs"]] == [d.sha256 for d in designs]
    assert manifest["seed"] == 11 and manifest["replications"] == N
    for name in manifest["files"]:
        assert (folder / name).is_file(), name
    pngs = sorted(p.name for p in folder.glob("*.png"))
    assert pngs == sorted(
        [
            "compare_differences.png",
            "compare_survival.png",
            "compare_latency.png",
            "compare_leader.png",
        ]
    )
    assert set(pngs) <= set(manifest["files"])


def test_report_names_designs_change_and_numbers(study):
    folder, comp = study
    md = (folder / "report.md").read_text()
    assert "governance.reserved.rule`: unanimity -> simple_majority" in md
    for h in HEADLINES:
        assert h.label in md
    assert f"sim compare {comp.designs[0].loaded.path} {comp.designs[1].loaded.path}" in md
    html = (folder / "report.html").read_text()
    assert html.count("data:image/png;base64,") == 4


def test_majority_yaml_changes_only_the_reserved_rule():
    a, b = load_scenario(EQUAL).scenario, load_scenario(MAJORITY).scenario
    assert changes(a, b) == ["`governance.reserved.rule`: unanimity -> simple_majority"]


def test_cli_refuses_a_single_design():
    res = subprocess.run(
        [sys.executable, "-m", "sim", "compare", str(EQUAL)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 2 and "at least two" in res.stderr
    assert "Traceback" not in res.stderr


def test_cli_compare_prints_the_table_and_writes_the_folder(designs, tmp_path):
    out = tmp_path / "cli"
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim",
            "compare",
            designs[0].path,
            designs[1].path,
            "-n",
            "8",
            "--seed",
            "3",
            "-j",
            "1",
            "-o",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "120"},
    )
    assert res.returncode == 0, res.stderr
    assert "majority" in res.stdout and "(baseline)" in res.stdout
    assert (out / "comparison.csv").is_file() and (out / "report.html").is_file()
