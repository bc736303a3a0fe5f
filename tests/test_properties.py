"""Property tests (Hypothesis) over generated valid scenarios.

- the model never crashes, and every metric is in its range: latencies in [0, horizon],
  shares in [0, 1] with influence shares summing to 1 each month, every month (fracture,
  leader, first decision) within the horizon;
- a replication is a function of (scenario, seed): run twice, the same row;
- ``summary.json`` is identical for 1 and 2 workers and for the serial and local
  executors (common seeds: ``SeedSequence(seed).spawn``, DESIGN.md "Experiments").
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scenario_strategies import scenarios

from sim.experiment.latency import TAU_MONTHS
from sim.experiment.outcomes import FINAL_STATES, observe
from sim.experiment.runner import run_experiment
from sim.experiment.summary import summarise
from sim.model.venture import Venture
from sim.scenario.loader import validate_mapping

SIM = Path(sys.executable).with_name("sim")
QUICK = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _month(value: float, horizon: int) -> bool:
    return math.isnan(value) or (1 <= value <= horizon and value == int(value))


@QUICK
@given(data=scenarios(), seed=st.integers(0, 2**32))
def test_any_valid_scenario_runs_and_every_metric_is_in_range(data, seed):
    scenario = validate_mapping(data)
    horizon = scenario.horizon_months
    venture = Venture(scenario, seed).run()
    row = observe(venture, 0)

    assert 1 <= row["months"] <= horizon
    assert 0 <= row["decisions"] <= row["issues"]
    for key in ("latency_mean", "latency_median", "latency_p90"):
        assert math.isnan(row[key]) == (row["decisions"] == 0)
        assert math.isnan(row[key]) or 0 <= row[key] <= horizon, (key, row[key])
    for _, latency, _ in venture.decisions:
        assert 0 <= latency <= horizon
    assert 0.0 <= row["undecided_share"] <= 1.0
    for key in ("first_reserved_decision_month", "leader_month", "fracture_month"):
        assert _month(row[key], horizon), (key, row[key])
    assert row["final_state"] in FINAL_STATES
    assert (row["fracture_how"] == "") == math.isnan(row["fracture_month"])
    for key in ("reserved_latency_rmst", "routine_latency_rmst"):
        assert math.isnan(row[key]) or 0 <= row[key] <= TAU_MONTHS, (key, row[key])
    if row["leader"]:
        assert row["leader"] in [h.name for h in venture.holders]

    # A holder's share is nan in months it is not in the venture (before it joins, after
    # it leaves); the others' shares sum to 1.
    shares = venture.influence_history[: row["months"]]
    present = shares[np.isfinite(shares)]
    assert np.all(present >= -1e-12) and np.all(present <= 1 + 1e-12)
    np.testing.assert_allclose(np.nansum(shares, axis=1), 1.0, atol=1e-9)
    for h in venture.holders:
        ever = bool(np.isfinite(shares[:, h.order]).any()) if row["months"] else False
        for kind, there in (("mean", ever), ("final", ever and h.active)):
            value = row[f"influence_{kind}:{h.name}"]
            if there:
                assert 0.0 <= value <= 1.0 + 1e-12, (kind, h.name, value)
            else:
                assert math.isnan(value), (kind, h.name, value)

    again = observe(Venture(scenario, seed).run(), 0)
    assert json.dumps(again, sort_keys=True) == json.dumps(row, sort_keys=True)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=scenarios(max_horizon=24), seed=st.integers(0, 2**32))
def test_summary_is_the_same_for_any_workers_and_executor(data, seed):
    scenario = validate_mapping(data)
    summaries = [
        json.dumps(
            summarise(run_experiment(scenario, 6, seed, w, executor=ex), "s"), sort_keys=True
        )
        for ex, w in (("serial", 1), ("local", 1), ("local", 2))
    ]
    assert summaries[0] == summaries[1] == summaries[2]


def test_summary_json_files_are_identical_for_1_and_2_workers(tmp_path):
    """The real command, as a user runs it: byte-identical summary.json."""
    data = {
        "name": "workers",
        "horizon_months": 36,
        "dimensions": ["tech", "money"],
        "partners": [
            {
                "name": n,
                "stake": 0.25,
                "salience": {"tech": 0.5, "money": 0.5},
                "capital": 50,
                "positions": {"tech": p, "money": 1 - p},
            }
            for n, p in (("A", 0.2), ("B", 0.5), ("C", 0.9))
        ],
        "agenda": {
            "rate_per_month": 1.5,
            "kinds": [
                {"name": "k", "dimensions": ["tech"]},
                {"name": "b", "dimensions": ["money"]},
            ],
        },
        "governance": {"reserved_matters": ["b"], "deadlock": {"clause": "shotgun"}},
    }
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    runs = {"serial": ["--executor", "serial"], "j1": ["-j", "1"], "j2": ["-j", "2"]}
    for name, extra in runs.items():
        done = subprocess.run(
            [
                str(SIM),
                "run",
                str(path),
                "-n",
                "12",
                "--seed",
                "7",
                "-o",
                str(tmp_path / name),
                "--json",
                *extra,
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
    texts = {name: (tmp_path / name / "summary.json").read_text() for name in runs}
    assert texts["serial"] == texts["j1"] == texts["j2"]
    assert json.loads(texts["j1"])["replications"] == 12


def test_formal_power_of_stakes_with_unrelated_denominators_is_exact_and_small():
    """Found by the summary property: stakes such as 0.0837 and 0.1235 once made a (size,
    weight) table over every weight up to the total ask for 353 TiB; the fix then rounded
    them to 1/10,000 of their total, which changes some games (issue 19). Now the weights
    stay exact and the table spans only the weights coalitions reach (2^4 here)."""
    from fractions import Fraction

    from sim.power import VotingGame, analyse, weights_to_integers

    stakes = [0.083722260520067, 0.1234567, 0.33333, 0.2]
    weights = weights_to_integers(stakes)
    read = [Fraction(s).limit_denominator(10_000) for s in stakes]
    assert all(Fraction(w, weights[0]) == r / read[0] for w, r in zip(weights, read, strict=True))
    assert sum(weights) == 706_882  # above the old cap of 10,000: these were rounded
    report = analyse(VotingGame(weights, sum(weights) // 2 + 1), exact=True)
    assert sum(p.shapley_shubik for p in report.players) == 1
    assert weights_to_integers([0.1, 0.375]) == (4, 15)
