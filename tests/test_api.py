"""The Python API (issue 16): lazy import, Results, Mesa-native data, files, experiments."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import sim

ROOT = Path(__file__).resolve().parents[1]
SIM = [sys.executable, "-m", "sim"]


def run_sim(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([*SIM, *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def test_import_sim_does_no_work():
    code = (
        "import sys, sim; heavy = [m for m in ('mesa', 'pandas', 'numpy', 'pydantic', "
        "'matplotlib', 'sim.api') if m in sys.modules]; print(heavy); sim.Venture; "
        "print('mesa' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split("\n")[:2] == ["[]", "True"]


def test_unknown_engine_is_a_value_error():
    with pytest.raises(ValueError, match="engine must be one of auto, mesa"):
        sim.run("equal_stakes", n=2, engine="numba")


def test_collecting_changes_no_random_draw():
    from sim.experiment.outcomes import observe

    scenario = sim.load("equal_stakes")
    for seed in range(4):
        plain = observe(sim.Venture(scenario, seed, collect=False).run(), 0)
        collected_venture = sim.Venture(scenario, seed).run()
        assert repr(observe(collected_venture, 0)) == repr(plain)
        monthly = collected_venture.datacollector.get_model_vars_dataframe()
        assert list(monthly["month"]) == list(range(1, collected_venture.month + 1))
    assert sim.Venture(scenario, 1, collect=False).datacollector is None


def test_mesa_batch_run_works_on_venture():
    import mesa

    scenario = sim.load("equal_stakes")
    rows = mesa.batch_run(
        sim.Venture, parameters={"scenario": [scenario], "seed": [1, 2]}, display_progress=False
    )
    assert {r["seed"] for r in rows} == {1, 2}
    assert {r["name"] for r in rows} == {"SoftBank", "Honda", "Sony", "NEC"}
    shares = [v for k, v in rows[0].items() if k.startswith("influence:")]
    assert sum(shares) == pytest.approx(1.0)


def test_api_and_cli_write_the_same_run(tmp_path):
    res = sim.run("equal_stakes", n=12, seed=5, workers=1, out=tmp_path / "api")
    cli = run_sim(
        "run",
        "equal_stakes",
        "-n",
        "12",
        "--seed",
        "5",
        "-j",
        "2",
        "-o",
        "cli",
        "--central",
        cwd=tmp_path,
    )  # --central: the API runs a scenario with ranges at its central values
    assert cli.returncode == 0, cli.stderr
    assert (tmp_path / "api" / "runs.csv").read_text() == (
        tmp_path / "cli" / "runs.csv"
    ).read_text()
    assert res.summary == json.loads((tmp_path / "cli" / "summary.json").read_text())
    assert len(res.runs) == 12 and not len(res.failures)


def test_parquet_tables_hold_the_same_data(tmp_path):
    res = sim.run("equal_stakes", n=8, seed=2, workers=1)
    folder = res.save(tmp_path / "p", plots=False, format="parquet")
    import pandas as pd

    back = pd.read_parquet(folder / "runs.parquet")
    pd.testing.assert_frame_equal(back, res.runs)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["format"] == "parquet" and "runs.parquet" in manifest["files"]
    assert not list(folder.glob("*.csv"))
    with pytest.raises(sim.InputError, match="never overwritten"):
        res.save(tmp_path / "p")


def test_sweep_and_compare_tables_are_tidy(tmp_path):
    sw = sim.sweep(
        "equal_stakes", {"governance.deadlock.clause": ["none", "casting_vote"]}, n=4, workers=1
    )
    assert list(sw.runs.columns[:3]) == ["point", "governance.deadlock.clause", "replication"]
    assert list(sw.runs["governance.deadlock.clause"]) == ["none"] * 4 + ["casting_vote"] * 4
    comp = sim.compare("governance/majority", "governance/majority", n=3, workers=1)
    assert list(comp.runs["design"]) == ["majority"] * 3 + ["majority (2)"] * 3
    assert set(comp.influence["design"]) == {"majority", "majority (2)"}


def test_experiment_file_errors_are_located(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "kind: sweep\nscenario: equal_stakes\ngrid: {governance.deadlock.after_rounds: [1]}\n"
        "replications: 0\nseed: 1\nmetrics: [fracturee]\nwokers: 2\n"
    )
    res = run_sim("experiment", str(bad), cwd=tmp_path)
    assert res.returncode == 2, res.stderr
    assert f"{bad}:4:15: replications:" in res.stderr
    assert "did you mean 'fracture'" in res.stderr
    assert f"{bad}:7:1: wokers: unknown key" in res.stderr


def test_saved_sweep_reruns_identically(tmp_path):
    first = run_sim(
        "sweep", "equal_stakes", "--set", "governance.deadlock.after_rounds=1,2", "-n", "4",
        "-j", "1", "-o", "a", "--save-experiment", "exp.yaml", cwd=tmp_path,
    )  # fmt: skip
    assert first.returncode == 0, first.stderr
    assert "scenario: equal_stakes\n" in (tmp_path / "exp.yaml").read_text()
    again = run_sim("experiment", "exp.yaml", "-j", "1", "-o", "b", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    for name in ("sweep.csv", "points/002/runs.csv"):
        assert (tmp_path / "a" / name).read_text() == (tmp_path / "b" / name).read_text()


def test_scenarios_list_and_copy_never_overwrites(tmp_path):
    listed = run_sim("scenarios", "list", cwd=tmp_path)
    assert listed.returncode == 0 and "governance/majority" in listed.stdout
    assert run_sim("scenarios", "copy", "governance", "mine", cwd=tmp_path).returncode == 0
    assert (tmp_path / "mine" / "governance" / "majority.yaml").exists()
    again = run_sim("scenarios", "copy", "governance/majority", "mine/governance", cwd=tmp_path)
    assert again.returncode == 2 and "never overwritten" in again.stderr
    typo = run_sim("scenarios", "copy", "governance/majorty", "x", cwd=tmp_path)
    assert typo.returncode == 2 and "did you mean 'governance/majority'" in typo.stderr


def test_dask_executor_without_dask_says_what_to_install(tmp_path):
    code = (
        "import sys; sys.modules['dask'] = None; sys.modules['dask.distributed'] = None; "
        "sys.argv = ['sim', 'run', 'equal_stakes', '-n', '2', '--executor', 'dask', '-o', 'x']; "
        "from sim.cli.app import main; main()"
    )
    res = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert res.returncode == 2, res.stderr
    assert "consortium-sim[cluster]" in res.stderr
    assert not (tmp_path / "x").exists()
