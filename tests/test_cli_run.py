"""`sim run` end to end, as a user runs it: real processes, real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "equal_stakes.yaml"
SIM = [sys.executable, "-m", "sim"]


def sim(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([*SIM, *args], cwd=cwd, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("runs")
    out = {}
    for workers in ("1", "2"):
        folder = base / f"w{workers}"
        res = sim(
            "run",
            str(SCENARIO),
            "-n",
            "40",
            "--seed",
            "7",
            "-j",
            workers,
            "-o",
            str(folder),
            "--json",
            "--central",  # one scenario at its ranges' centres (tests/test_uncertainty.py samples)
        )
        assert res.returncode == 0, res.stderr
        out[workers] = (folder, res)
    return out


def test_same_seed_same_numbers_whatever_the_workers(two_runs):
    (f1, _), (f2, _) = two_runs["1"], two_runs["2"]
    assert (f1 / "summary.json").read_text() == (f2 / "summary.json").read_text()
    assert (f1 / "runs.csv").read_text() == (f2 / "runs.csv").read_text()


def test_summary_has_the_promised_keys_and_sane_values(two_runs):
    folder, res = two_runs["2"]
    summary = json.loads((folder / "summary.json").read_text())
    assert json.loads(res.stdout) == summary  # --json prints the same summary
    assert summary["scenario"] == "equal_stakes.yaml"
    assert (summary["replications"], summary["seed"], summary["horizon_months"]) == (40, 7, 120)
    for key in ("reserved_latency_months", "routine_latency_months"):
        lat = summary[key]
        assert set(lat) >= {"mean", "ci95", "median", "issues", "decided", "censored"}
        assert lat["ci95"][0] <= lat["mean"] <= lat["ci95"][1]
        assert lat["issues"] == lat["decided"] + lat["censored"]
        assert 0 <= lat["mean"] <= summary["latency_window_months"]
    assert set(summary["undecided_share"]) >= {"mean", "ci95"}
    for key in ("leader", "fracture"):
        entry = summary[key]
        assert set(entry) >= {"probability", "ci95", "by_partner", "median_month"}
        assert set(entry["by_partner"]) >= {"SoftBank", "Honda", "Sony", "NEC"}
        assert entry["ci95"][0] <= entry["probability"] <= entry["ci95"][1]
    assert sum(summary["fracture"]["by_partner"].values()) == pytest.approx(
        summary["fracture"]["probability"]
    )
    assert sum(summary["fracture"]["how"].values()) == pytest.approx(
        summary["fracture"]["probability"]
    )
    states = summary["final_state"]
    assert set(states) == {"intact", "reformed", "fractured", "dissolved"}
    assert sum(states.values()) == pytest.approx(1.0)


def test_runs_csv_lists_each_replication_with_its_seed(two_runs):
    from sim.experiment.runner import replication_seeds

    folder, _ = two_runs["1"]
    lines = (folder / "runs.csv").read_text().splitlines()
    header = lines[0].split(",")
    assert header[:2] == ["replication", "seed"]
    assert "latency_p90" in header and "fracture_how" in header and "final_state" in header
    seeds = [int(line.split(",")[1]) for line in lines[1:]]
    assert seeds == replication_seeds(7, 40)


def test_manifest_says_what_the_folder_is(two_runs):
    import hashlib

    folder, _ = two_runs["2"]
    m = json.loads((folder / "manifest.json").read_text())
    assert m["status"] == "complete"
    assert m["scenario_sha256"] == hashlib.sha256(SCENARIO.read_bytes()).hexdigest()
    assert (m["seed"], m["replications"], m["workers"]) == (7, 40, 2)
    assert set(m["versions"]) >= {"python", "mesa", "consortium-sim"}
    assert m["versions"]["mesa"].startswith("3.")
    assert "run" in m["command"] and m["started"] <= m["ended"]


def test_results_are_never_overwritten(two_runs):
    folder, _ = two_runs["1"]
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    res = sim("run", str(SCENARIO), "-n", "5", "-o", str(folder))
    assert res.returncode == 2
    assert "never overwritten" in res.stderr and "Traceback" not in res.stderr
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_default_folders_are_new_each_time(tmp_path):
    for _ in range(2):
        assert sim("run", str(SCENARIO), "-n", "3", "-j", "1", cwd=tmp_path).returncode == 0
    folders = sorted((tmp_path / "results").iterdir())
    assert len(folders) == 2 and all((f / "summary.json").exists() for f in folders)


def test_validate_good_and_bad(tmp_path):
    ok = sim("validate", str(SCENARIO))
    assert ok.returncode == 0 and "valid" in ok.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        SCENARIO.read_text().replace("salience: {architecture: 0.3", "salence: {architecture: 0.3")
    )
    res = sim("validate", str(bad))
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert "did you mean 'salience'" in res.stderr
    assert "partners.0.salence" in res.stderr and "bad.yaml:" in res.stderr


def test_bad_options_exit_2_without_traceback():
    for args in (["-n", "0"], ["-j", "0"], ["-n", "10000000"], ["--seed", "-1"]):
        res = sim("run", str(SCENARIO), *args)
        assert res.returncode == 2, args
        assert "Traceback" not in res.stderr and res.stderr.strip(), args
