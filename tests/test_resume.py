"""A run or sweep stopped by a real SIGTERM resumes to the files of an uninterrupted one.

The stop is real: ``sim run`` runs in its own process, the test sends it SIGTERM once
some replications are on disk, and checks the clean-stop contract (exit code 143 = 128 +
SIGTERM, manifest ``interrupted``, a message naming the resume command). The resume runs
on another executor (a local pool instead of this process), so the test also shows that
where replications ran does not change the result.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from sim.errors import InputError
from sim.experiment.compare import compare_study
from sim.experiment.signals import Interrupted
from sim.experiment.study import resume_plan, run_study
from sim.experiment.sweep import parse_setting, sweep_study
from sim.scenario.loader import load_scenario
from sim.scenario.uncertain import extract

ROOT = Path(__file__).resolve().parents[1]
SIM = str(Path(sys.executable).with_name("sim"))
COMPARED = ("runs.csv", "failures.csv", "influence.csv", "summary.json")
N = 300
SETTING = "governance.deadlock.after_rounds=1:3:1"


def small_scenario(path: Path, horizon: int = 24) -> Path:
    """The seed article's case with a shorter horizon, written to ``path``."""
    raw = yaml.safe_load((ROOT / "scenarios" / "equal_stakes.yaml").read_text("utf-8"))
    data = extract(raw)[0]  # its uncertain parameters at their central values: one scenario
    data["horizon_months"] = horizon
    data["agenda"]["events"] = [e for e in data["agenda"]["events"] if e["month"] <= horizon]
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _compiled():
    """The fast engine compiled before a test starts a run it will stop.

    On a fresh machine the first run compiles the kernel (a minute or two, longer on a
    loaded CI machine), and the test waits for rows on disk: compile here, in the test's
    own process, so the run it stops loads the cached build.
    """
    from sim.fast.engine import warm_up

    warm_up()


def _stop_when(proc: subprocess.Popen, folder: Path, rows: int) -> str:
    """SIGTERM ``proc`` once ``folder/runs.csv`` holds ``rows`` rows; return its stderr."""
    deadline = time.monotonic() + 300
    while _rows_on_disk(folder) < rows and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the run finished before it could be stopped"
    proc.send_signal(signal.SIGTERM)
    return proc.communicate(timeout=60)[1]


def _rows_on_disk(folder: Path) -> int:
    runs = folder / "runs.csv"
    return max(0, len(runs.read_text("utf-8").splitlines()) - 1) if runs.exists() else 0


def test_sigterm_then_resume_gives_the_uninterrupted_files(tmp_path):
    scenario = small_scenario(tmp_path / "small.yaml")
    stopped = tmp_path / "stopped"
    # The Mesa engine: its chunks are small and slow enough to stop between (the fast
    # engine may write all 300 rows in one chunk and finish before the signal lands).
    proc = subprocess.Popen(
        [SIM, "run", str(scenario), "-n", str(N), "--executor", "serial", "--engine", "mesa",
         "-o", str(stopped)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    err = _stop_when(proc, stopped, 20)

    assert proc.returncode == 128 + signal.SIGTERM
    assert f"resume with: sim run {scenario} --resume {stopped}" in err
    manifest = json.loads((stopped / "manifest.json").read_text("utf-8"))
    assert manifest["status"] == "interrupted"
    kept = _rows_on_disk(stopped)
    assert 20 <= kept < N
    assert not (stopped / "summary.json").exists()

    resumed = subprocess.run(
        [SIM, "run", str(scenario), "--resume", str(stopped), "-j", "2", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert resumed.returncode == 0, resumed.stderr
    manifest = json.loads((stopped / "manifest.json").read_text("utf-8"))
    assert manifest["status"] == "complete" and len(manifest["resumed"]) == 1
    assert not (stopped / "checkpoint.npz").exists()

    whole = run_study(
        load_scenario(scenario),
        replications=N,
        seed=manifest["seed"],
        workers=1,
        executor="serial",
        out=tmp_path / "whole",
    )
    for name in COMPARED:
        assert (stopped / name).read_bytes() == (whole.folder / name).read_bytes(), name
    assert json.loads(resumed.stdout) == whole.summary


def test_resume_refuses_another_scenario_or_seed(tmp_path):
    scenario = small_scenario(tmp_path / "small.yaml", horizon=6)
    done = run_study(
        load_scenario(scenario),
        replications=3,
        seed=1,
        workers=1,
        executor="serial",
        out=tmp_path / "run",
    )
    other = small_scenario(tmp_path / "other.yaml", horizon=7)
    with pytest.raises(InputError, match="different scenario file"):
        resume_plan(done.folder, load_scenario(other), None, None)
    with pytest.raises(InputError, match="seed 1, not 2"):
        resume_plan(done.folder, load_scenario(scenario), None, 2)
    assert resume_plan(done.folder, load_scenario(scenario), None, None) == (3, 1)


def test_sigterm_then_resume_a_sweep_gives_the_uninterrupted_sweep_csv(tmp_path):
    scenario = small_scenario(tmp_path / "small.yaml")
    stopped, n = tmp_path / "stopped", 80
    command = [SIM, "sweep", str(scenario), "--set", SETTING, "-n", str(n)]
    proc = subprocess.Popen(
        [*command, "--executor", "serial", "-o", str(stopped)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Stop inside the second point: the first is complete, the second partly on disk.
    err = _stop_when(proc, stopped / "points" / "002", 10)
    assert proc.returncode == 128 + signal.SIGTERM
    assert f"--resume {stopped}" in err
    assert json.loads((stopped / "manifest.json").read_text("utf-8"))["status"] == "interrupted"
    assert (stopped / "points" / "001" / "summary.json").exists()
    assert not (stopped / "sweep.csv").exists()

    resumed = subprocess.run(
        [*command, "-j", "2", "--resume", str(stopped)], capture_output=True, text=True, timeout=300
    )
    assert resumed.returncode == 0, resumed.stderr

    loaded = load_scenario(scenario)
    whole, _ = sweep_study(
        loaded,
        [parse_setting(SETTING)],
        replications=n,
        seed=loaded.scenario.seed,
        workers=1,
        executor="serial",
        out=tmp_path / "whole",
    )
    for name in ("sweep.csv", "sweep.json", "points/002/runs.csv", "points/003/summary.json"):
        assert (stopped / name).read_bytes() == (whole / name).read_bytes(), name


def test_a_stopped_comparison_resumes_to_the_uninterrupted_files(tmp_path):
    # The stop comes from the progress hook (a Ctrl-C between chunks, in this process).
    base = small_scenario(tmp_path / "base.yaml", horizon=12)
    data = yaml.safe_load(base.read_text("utf-8"))
    data["governance"]["deadlock"]["after_rounds"] = 1
    variant = tmp_path / "variant.yaml"
    variant.write_text(yaml.safe_dump(data), encoding="utf-8")
    designs = [load_scenario(base), load_scenario(variant)]
    args = {"replications": 60, "seed": 3, "workers": 1, "executor": "serial"}

    def stop_after(limit: int):
        done = [0]

        def progress(k: int) -> None:
            done[0] += k
            if done[0] >= limit:
                raise KeyboardInterrupt

        return progress

    stopped = tmp_path / "stopped"
    with pytest.raises(Interrupted) as info:
        compare_study(designs, out=stopped, progress=stop_after(80), **args)
    assert info.value.folder == stopped and info.value.exit_code == 130
    assert json.loads((stopped / "manifest.json").read_text("utf-8"))["status"] == "interrupted"
    compare_study(designs, resume=stopped, **{**args, "executor": "local", "workers": 2})
    whole, _ = compare_study(designs, out=tmp_path / "whole", **args)
    for name in ("comparison.csv", "comparison.json", "designs/variant/runs.csv"):
        assert (stopped / name).read_bytes() == (whole / name).read_bytes(), name
    assert not list(stopped.glob("designs/*/checkpoint.npz"))
