"""Every shipped scenario validates and runs (a few short replications each)."""

from pathlib import Path

import pytest

from sim.experiment.backtest import historical_outcome
from sim.experiment.runner import run_experiment
from sim.scenario.loader import load_scenario, validate_mapping

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "scenarios").rglob("*.yaml"))
GOVERNANCE = sorted((ROOT / "scenarios" / "governance").glob("*.yaml"))
CASES = sorted((ROOT / "scenarios" / "cases").glob("*.yaml"))


def test_the_library_is_complete():
    names = {p.stem for p in GOVERNANCE}
    expected = {
        "qualified_majority",
        "casting_vote",
        "designated_leader",
        "arbitration",
        "shotgun",
        "lead_investor",
        "public_reports",
        "rapidus_like",
        "two_partner_50_50",
    }
    assert expected <= names
    assert len(CASES) >= 12


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_shipped_scenario_validates_and_runs(path):
    loaded = load_scenario(path)
    # Short horizon (but past every scripted event) keeps the test cheap.
    data = loaded.scenario.model_dump(mode="json")
    last_event = max((e["month"] for e in data["agenda"]["events"]), default=0)
    data["horizon_months"] = max(36, last_event)
    exp = run_experiment(validate_mapping(data), 3, 11, 1)
    assert len(exp.rows) == 3
    assert all(r["months"] <= data["horizon_months"] for r in exp.rows)


@pytest.mark.parametrize("path", GOVERNANCE, ids=lambda p: p.name)
def test_governance_variant_says_what_it_changes(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    header = " ".join(line for line in lines[:12] if line.startswith("#")).lower()
    assert "one thing" in header or "one change" in header


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_case_carries_its_history(path):
    loaded = load_scenario(path)
    outcome = historical_outcome(loaded)
    assert outcome.years * 12 <= loaded.scenario.horizon_months
    sources = loaded.scenario.metadata["sources"]
    # every sourced value names evidence.md and its section, or a public page by its
    # address (each key is validated to be a real field path)
    assert isinstance(sources, dict)
    assert all("evidence.md" in v or "https://" in v for v in sources.values()), sources
    assert "metadata.outcome" in sources


def test_generic_venture_leaves_calibrated_parameters_at_defaults():
    # calibration/calibrate.py relies on this: otherwise it calibrates nothing.
    import yaml

    data = yaml.safe_load((ROOT / "scenarios/governance/two_partner_50_50.yaml").read_text())
    for p in data["partners"]:
        assert not {"outside_option", "outside_option_drift", "patience", "veto"} & set(p)
