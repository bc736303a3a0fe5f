"""Backtest: outcome classification, base rates, and `sim backtest` end to end."""

import csv
import math
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sim.errors import InputError
from sim.experiment.backtest import (
    Outcome,
    annual_hazard,
    backtest,
    base_rates,
    classify,
    historical_outcome,
)
from sim.reports.backtest import write_backtest
from sim.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1]
NAN = math.nan


def row(termination="", by="", months=120, leader="", leader_month=NAN, fracture=NAN, who=""):
    return {
        "termination": termination,
        "termination_by": by,
        "months": months,
        "leader": leader,
        "leader_month": leader_month,
        "fracture_month": fracture,
        "fracture_partner": who,
    }


def test_classify_follows_the_evidence_legend():
    assert classify(row("acquired", "Sony", 60)) == Outcome("BUY", "Sony", 5.0)
    assert classify(row("liquidated", "", 24)).category == "DISS"
    assert classify(row("wind_up", "NEC", 24)).category == "DISS"
    assert classify(row("reform", "Nokia", 36)).category == "LEAD"
    assert classify(row(leader="State", leader_month=30), funder="State").category == "STATE"
    assert classify(row(leader="Nokia", leader_month=30)) == Outcome("LEAD", "Nokia", 2.5)
    assert classify(row(fracture=18, who="Motorola")) == Outcome("EXIT", "Motorola", 1.5)
    assert classify(row()) == Outcome("RUN", "", 10.0)
    # the venture's end outranks an earlier leader
    assert classify(row("acquired", "Nokia", 120, leader="Nokia", leader_month=60)).years == 10


def test_annual_hazard_by_hand():
    # 10 ventures: one ends in year 1, two in year 2 -> 1/10, then 2/9, then 0/7.
    assert annual_hazard([0.5, 1.5, 2.0], 10, 3) == [pytest.approx(0.1), pytest.approx(2 / 9), 0.0]


def test_base_rates_by_hand():
    rows = [row("acquired", "A", 60), row("liquidated", "", 90), row("acquired", "B", 30)]
    rows += [row() for _ in range(3)]
    rates = base_rates(rows)
    assert rates["terminated_within"] == pytest.approx(2 / 6)  # 30 and 60 months <= 84
    assert rates["buy_share"] == pytest.approx(2 / 3)
    assert rates["terminations"] == 3
    assert rates["hazard"][2] == pytest.approx(1 / 6)  # year 3: 1 of 6 at risk
    assert rates["peak_year"] == 8  # 1 of the 4 still at risk in year 8


def _case(tmp_path: Path, **outcome) -> Path:
    data = yaml.safe_load((ROOT / "scenarios/cases/sony_ericsson.yaml").read_text())
    data["horizon_months"] = 36
    data["agenda"]["events"] = [e for e in data["agenda"]["events"] if e["month"] <= 36]
    kept = len(data["agenda"]["events"])
    data["metadata"]["sources"] = {
        k: v
        for k, v in data["metadata"]["sources"].items()
        if not k.startswith("agenda.events.") or int(k.split(".")[2]) < kept
    }
    data["metadata"]["outcome"] = outcome
    folder = tmp_path / "cases"
    folder.mkdir(exist_ok=True)
    path = folder / "small.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


def test_historical_outcome_is_checked(tmp_path):
    folder = _case(tmp_path, category="BANK", who=None, years=2)
    assert historical_outcome(load_scenario(folder / "small.yaml")) == Outcome("DISS", "", 2.0)
    for bad in ({"category": "WON", "years": 2}, {"category": "BUY", "years": 9}):
        folder = _case(tmp_path, **bad)
        with pytest.raises(InputError):
            historical_outcome(load_scenario(folder / "small.yaml"))


def test_backtest_runs_and_writes_csv_and_plot(tmp_path):
    folder = _case(tmp_path, category="BUY", who="Sony", years=2.5)
    results = backtest(folder, replications=6, seed=3, workers=1)
    (r,) = results
    assert r.replications == 6
    assert sum(r.shares.values()) == pytest.approx(1.0)
    assert r.p_actual == pytest.approx(r.shares["BUY"])
    out = write_backtest(results, tmp_path / "out")
    with open(out / "backtest.csv", encoding="utf-8") as fh:
        (line,) = list(csv.DictReader(fh))
    assert line["case"] == "small" and line["actual_category"] == "BUY"
    assert (out / "backtest.png").stat().st_size > 10_000
    # same seed, same answer (common random numbers across runs)
    again = backtest(folder, replications=6, seed=3, workers=1)
    assert again[0].shares == r.shares


def test_control_is_lead_or_state():
    assert classify(row("control", "Nokia", 30)).category == "LEAD"
    assert classify(row("control", "State", 30), funder="State") == Outcome("STATE", "State", 2.5)


def test_a_case_without_a_sources_map_is_refused(tmp_path):
    folder = _case(tmp_path, category="BUY", who="Sony", years=2.5)
    data = yaml.safe_load((folder / "small.yaml").read_text())
    data["metadata"]["sources"] = ["evidence.md"]
    (folder / "small.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(InputError, match="metadata.sources"):
        historical_outcome(load_scenario(folder / "small.yaml"))


def test_scores_and_a_censored_case(tmp_path):
    folder = _case(tmp_path, category="RUN", who=None, years=2.0)
    (r,) = backtest(folder, replications=6, seed=3, workers=1)
    assert r.censored
    for k in ("model", "baseline", "exponential"):
        assert r.scores[k]["brier"] is None and r.scores[k]["log"] is None
    # the exponential baseline's censored timing score is -log S(2 years), smoothed over 6
    survive = 0.5 ** (2 / 7)
    assert r.scores["exponential"]["timing"] == pytest.approx(-math.log((survive * 6 + 1) / 8))
    alive = sum(o.category == "RUN" or o.years > 2 for o in r.outcomes)
    assert r.scores["model"]["timing"] == pytest.approx(-math.log((alive + 1) / 8), abs=0.05)


def test_sim_backtest_json_and_manifest(tmp_path):
    import json

    folder = _case(tmp_path, category="BUY", who="Sony", years=2.5)
    cmd = [sys.executable, "-m", "sim", "backtest", str(folder), "-n", "4", "-j", "1"]
    done = subprocess.run(
        [*cmd, "--seed", "9", "--json", "-o", str(tmp_path / "o")], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data["score"]) == {"model", "baseline", "exponential"}
    for forecast in data["score"].values():
        assert {"brier", "log", "timing"} <= set(forecast)
    (case,) = data["cases"]
    assert case["case"] == "small" and case["actual"]["category"] == "BUY"
    assert math.isfinite(case["scores"]["baseline"]["log"])  # LEAD etc. at 0: floored
    manifest = json.loads((tmp_path / "o" / "manifest.json").read_text())
    import hashlib

    digest = hashlib.sha256((folder / "small.yaml").read_bytes()).hexdigest()
    assert manifest["seed"] == 9 and manifest["case_sha256"] == {"small": digest}


def test_write_doc_fills_the_markers_and_says_the_verdict(tmp_path):
    folder = _case(tmp_path, category="BUY", who="Sony", years=2.5)
    doc = tmp_path / "doc.md"
    doc.write_text("# Doc\n\n<!-- backtest:start -->\nold\n<!-- backtest:end -->\ntail\n")
    cmd = [sys.executable, "-m", "sim", "backtest", str(folder), "-n", "3", "-j", "1"]
    done = subprocess.run(
        [*cmd, "-o", str(tmp_path / "o"), "--write-doc", str(doc)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    text = doc.read_text()
    assert "old" not in text and text.endswith("tail\n")
    assert "| small | BUY Sony, 2.5 y |" in text and "Verdict over all cases:" in text
    assert "Measured on this machine" in text
    plain = tmp_path / "plain.md"
    plain.write_text("no markers\n")
    bad = subprocess.run([*cmd, "--write-doc", str(plain)], capture_output=True, text=True)
    assert bad.returncode == 2 and "markers" in bad.stderr


def test_sim_backtest_cli(tmp_path):
    folder = _case(tmp_path, category="BUY", who="Sony", years=2.5)
    cmd = [sys.executable, "-m", "sim", "backtest", str(folder), "-n", "4", "-j", "1"]
    done = subprocess.run([*cmd, "-o", str(tmp_path / "o")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "small" in done.stdout and (tmp_path / "o" / "backtest.csv").exists()
    bad = subprocess.run([*cmd[:4], str(tmp_path / "nowhere")], capture_output=True, text=True)
    assert bad.returncode == 2 and "no such folder" in bad.stderr


def _case_features(path: Path) -> set[str]:
    """What a case file uses of the schema issue 15 asks for (read from the validated scenario)."""
    s = load_scenario(path).scenario
    found: set[str] = set()
    for event in s.agenda.events:
        kind = event.type
        if kind == "equity_issue" and event.in_kind:
            kind = "in-kind equity issue"
        found.add(kind)
    if s.state_funder is not None:
        found.add("state funder")
    if s.investors:
        found.add("non-voting investors")
    if any(p.cross_holdings for p in s.partners):
        found.add("cross-shareholdings")
    return found


def test_every_schema_feature_for_real_consortia_is_used_by_a_shipped_case():
    """Issue 15: each feature the schema gained for real consortia has a case that uses it."""
    used: dict[str, list[str]] = {}
    for path in sorted((ROOT / "scenarios" / "cases").glob("*.yaml")):
        for feature in _case_features(path):
            used.setdefault(feature, []).append(path.stem)
    wanted = {
        "state funder": "rapidus",
        "rescue": "rapidus",
        "equity_issue": "elpida",
        "in-kind equity issue": "covisint",
        "transfer": "airbus",
        "new_partner": "airbus",
        "non-voting investors": "elpida",
        "cross-shareholdings": "renault_nissan",
        "governance_change": "renault_nissan",
        "put_call": "airbus_sas",
    }
    for feature, case in wanted.items():
        assert case in used.get(feature, []), (feature, used.get(feature))
