"""Executors give identical results; failures are recorded; streaming totals are exact.

The property under test is the design's seeding contract (docs DESIGN, "Experiments"):
replication r gets its own seed from ``SeedSequence(seed).spawn``, so the same scenario
and seed give the same numbers in this process, in a local process pool and on a real
``dask.distributed`` cluster (a ``LocalCluster`` of worker processes here).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from sim.experiment import stats
from sim.experiment.chunk import replication_seeds
from sim.experiment.runner import run_experiment
from sim.experiment.summary import summarise
from sim.experiment.totals import Moments, Totals
from sim.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def scenario():
    """The seed article's case, cut to two years so a test runs in seconds."""
    loaded = load_scenario(ROOT / "scenarios" / "equal_stakes.yaml")
    return loaded.scenario.model_copy(update={"horizon_months": 24})


def broken(scenario):
    """An issue of a kind the agenda does not define: the model raises a KeyError in month
    2 of every replication (the schema would reject it; this is built past validation)."""
    event = scenario.agenda.events[0].model_copy(update={"kind": "no_such_kind", "month": 2})
    agenda = scenario.agenda.model_copy(update={"events": [event]})
    return scenario.model_copy(update={"horizon_months": 6, "agenda": agenda})


def _fingerprint(exp) -> tuple[str, str]:
    # repr, not ==, so that NaN cells compare equal to NaN cells.
    return repr(list(exp.rows)), json.dumps(summarise(exp, "x"), sort_keys=True)


def test_serial_local_pool_and_dask_cluster_agree(scenario):
    pytest.importorskip("dask.distributed", reason="Dask is the cluster extra")
    n, seed = 24, 7
    serial = run_experiment(scenario, n, seed, 1, executor="serial")
    local = run_experiment(scenario, n, seed, 2, executor="local")
    dask = run_experiment(scenario, n, seed, 2, executor="dask")
    assert len(serial.rows) == n and not serial.failures
    assert _fingerprint(local) == _fingerprint(serial)
    assert _fingerprint(dask) == _fingerprint(serial)
    assert np.array_equal(dask.tally.influence, serial.tally.influence)
    assert [r["seed"] for r in serial.rows] == replication_seeds(seed, n)


def test_seeds_are_those_of_seedsequence_spawn():
    # The documented contract: SeedSequence(S).spawn(n)[r].generate_state(1), masked.
    spawned = np.random.SeedSequence(42).spawn(10)
    expected = [int(c.generate_state(1, np.uint64)[0]) & ((1 << 63) - 1) for c in spawned]
    assert replication_seeds(42, 10) == expected
    assert replication_seeds(42, 10, start=6) == expected[6:]


def test_a_replication_that_raises_is_recorded_not_fatal(scenario):
    exp = run_experiment(broken(scenario), 5, 3, 2, executor="local")
    assert exp.rows == []
    assert [f["seed"] for f in exp.failures] == replication_seeds(3, 5)
    assert all("KeyError" in f["error"] for f in exp.failures)
    summary = summarise(exp, "broken")
    assert summary["failures"]["count"] == 5
    assert summary["failures"]["first"]["replication"] == 0
    assert summary["replications"] == 0


def test_streaming_moments_match_the_textbook_t_interval():
    rng = np.random.default_rng(1)
    x = rng.gamma(2.0, 3.0, size=500)
    m = Moments()
    for v in [*x, math.nan]:
        m.add(float(v))
    mean, ci = stats.mean_ci_exact(m.n, m.total, m.total_sq)
    ref_mean, ref_ci = stats.mean_ci(x)
    assert m.missing == 1
    assert mean == pytest.approx(ref_mean, rel=1e-14)
    assert ci == pytest.approx(ref_ci, rel=1e-12)


def test_totals_round_trip_through_json_and_do_not_depend_on_order(scenario):
    exp = run_experiment(scenario, 12, 5, 1, executor="serial")
    forward, backward = Totals(), Totals()
    for row in exp.rows:
        forward.add_row(row)
    for row in reversed(exp.rows):
        backward.add_row(row)
    assert forward.to_json() == backward.to_json() == exp.totals.to_json()
    again = Totals.from_json(json.loads(json.dumps(forward.to_json())))
    assert again.to_json() == forward.to_json()


def test_failures_end_the_command_with_exit_code_1_and_the_trace_command(
    scenario, tmp_path, capsys
):
    from sim.cli.execution import exit_if_failures

    summary = json.loads(json.dumps(summarise(run_experiment(broken(scenario), 2, 9, 1), "b")))
    exit_if_failures(
        json.loads(json.dumps(summarise(run_experiment(scenario, 2, 9, 1), "ok"))),
        Path("ok.yaml"),
        tmp_path,
    )
    with pytest.raises(SystemExit) as stop:
        exit_if_failures(summary, Path("b.yaml"), tmp_path)
    assert stop.value.code == 1
    seed = replication_seeds(9, 2)[0]
    assert f"sim trace b.yaml --seed {seed}" in capsys.readouterr().err


def test_a_streamed_run_writes_its_failures_to_failures_csv(scenario, tmp_path):
    import csv

    from sim.experiment.study import run_study
    from sim.scenario.loader import LoadedScenario

    loaded = LoadedScenario(broken(scenario), "", "0" * 64, "")
    output = run_study(
        loaded, replications=3, seed=4, workers=1, executor="serial", out=tmp_path / "r"
    )
    with open(output.folder / "failures.csv", newline="") as fh:
        failed = list(csv.DictReader(fh))
    assert [int(f["seed"]) for f in failed] == replication_seeds(4, 3)
    assert output.summary["failures"]["count"] == 3
    assert (output.folder / "runs.csv").read_text().count("\n") == 1  # the header only


def test_a_run_where_every_replication_fails_still_ends_cleanly(scenario, tmp_path):
    # Nothing to draw: no pictures or report, but the summary counts the failures and the
    # manifest says the run completed (the CLI then exits 1 naming `sim trace --seed`).
    from sim.experiment.study import run_study
    from sim.reports.report import run_report
    from sim.scenario.loader import LoadedScenario

    loaded = LoadedScenario(broken(scenario), "", "0" * 64, "")
    output = run_study(
        loaded,
        replications=2,
        seed=4,
        workers=1,
        executor="serial",
        out=tmp_path / "r",
        report=run_report,
    )
    assert output.summary["failures"]["count"] == 2 and output.summary["replications"] == 0
    manifest = json.loads((output.folder / "manifest.json").read_text())
    assert manifest["status"] == "complete"
    assert not list(output.folder.glob("*.png"))
