"""Nothing lost, nothing wrong (issue 19): results folders under real processes and faults.

- one process writes a results folder at a time (an OS lock, freed when the holder is
  killed), so two writers never interleave their rows;
- ``--resume`` refuses a folder of another kind, touching nothing;
- a disk that refuses a write (full, a file size limit, read-only) ends with exit 1, the
  file named and the command that resumes, never "this is a bug"; what was done stays
  readable and resumes to the same files as an uninterrupted run;
- the resume command printed on Ctrl-C or SIGTERM works when pasted, whatever the names;
- a comparison whose design failed in every replication still reports the others;
- design folders never collide, and no command overwrites a file it did not create.

Every case runs the real ``sim`` (as a subprocess where signals, locks or limits are the
point) with real signals and real OS errors; nothing of ours is mocked.
"""

from __future__ import annotations

import csv
import ctypes
import json
import os
import resource
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.experiment.chunk import replication_seeds
from tests.hostile import FULL, complete_run, interrupted_run, sim, snapshot, write_yaml

SIM = Path(sys.executable).with_name("sim")
LOCK = ".sim.lock"  # sim.experiment.lock.LOCK
ROOT = Path(__file__).resolve().parents[1]
MAJORITY = ROOT / "scenarios" / "governance" / "majority.yaml"  # ten years: slow enough
MESA = ["--engine", "mesa"]  # no wait for the fast engine's first compilation


def slow_scenario(folder: Path, name: str = "m.yaml") -> Path:
    """A copy of a shipped ten-year scenario (a few replications a second with Mesa)."""
    path = folder / name
    path.write_bytes(MAJORITY.read_bytes())
    return path


def start(args: list[str], cwd: Path, **kwargs) -> subprocess.Popen:
    """``sim ARGS`` as a real process, its output captured."""
    return subprocess.Popen(
        [str(SIM), *map(str, args)],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


def wait_for_rows(folder: Path, child: subprocess.Popen, rows: int = 3) -> None:
    """Wait until ``folder/runs.csv`` holds ``rows`` rows (the child is writing)."""
    deadline = time.monotonic() + 120
    runs = folder / "runs.csv"
    while time.monotonic() < deadline and child.poll() is None:
        if runs.exists() and runs.read_text("utf-8").count("\n") > rows:
            return
        time.sleep(0.1)
    raise AssertionError(f"no rows appeared: {child.poll()}, {child.communicate()}")


def finish(child: subprocess.Popen, timeout: float = 120) -> tuple[int, str]:
    try:
        out, err = child.communicate(timeout=timeout)
    finally:
        if child.poll() is None:
            child.kill()
    return child.returncode, err + out


def table(path: Path) -> list[dict]:
    """A CSV as rows, checking that every row has every column (a readable table)."""
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
    assert all(None not in r and None not in r.values() for r in rows), path
    return rows


# --- one writer at a time ----------------------------------------------------------------


def test_two_processes_never_write_one_folder_and_a_killed_one_frees_it(tmp_path):
    scenario = slow_scenario(tmp_path)
    out = tmp_path / "out"
    n = 60
    first = start(["run", scenario, "-n", n, "-j", "2", "--engine", "mesa", "-o", out], tmp_path)
    try:
        wait_for_rows(out, first)
        second = start(["run", scenario, "--resume", out, "-j", "1", *MESA], tmp_path)
        code, text = finish(second)
        assert code == 2, text
        assert f"pid {first.pid}" in text and "is being written by another process" in text
        assert f"-o {out}" in text  # the first one's command line
        assert "Traceback" not in text
        first.send_signal(signal.SIGKILL)  # no handler runs: only the OS can free the lock
        first.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
    # Its forked workers, orphaned, do not keep the folder locked either.
    from sim.experiment import lock

    assert lock.acquire(out)
    lock.release(out)
    code, text = finish(start(["run", scenario, "--resume", out, "-j", "1", *MESA], tmp_path), 300)
    assert code == 0, text
    seeds = [int(r["seed"]) for r in table(out / "runs.csv")]
    assert seeds == replication_seeds(json.loads((out / "manifest.json").read_text())["seed"], n)
    assert not (out / LOCK).exists()  # removed by the holder when done


def test_a_second_writer_with_o_at_a_folder_being_written_is_refused(tmp_path):
    scenario = slow_scenario(tmp_path)
    out = tmp_path / "out"
    first = start(["run", scenario, "-n", 1000, "-j", "1", "--engine", "mesa", "-o", out], tmp_path)
    try:
        wait_for_rows(out, first)
        code, text = finish(start(["compare", scenario, scenario, "-o", out, *MESA], tmp_path))
        assert code == 2 and "results are never overwritten" in text, text
        first.send_signal(signal.SIGINT)
        code, text = finish(first)
    finally:
        if first.poll() is None:
            first.kill()
    assert code == 130, text
    assert json.loads((out / "manifest.json").read_text())["kind"] == "run"


# --- --resume of a folder of another kind ------------------------------------------------


def _stopped(study, *args, out: Path, **kwargs) -> Path:
    """Run ``study`` serially into ``out`` and stop it at its first progress report."""
    from sim.experiment.signals import Interrupted

    def progress(k: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(Interrupted):
        study(*args, replications=40, seed=7, workers=1, out=out, progress=progress,
              executor="serial", **kwargs)  # fmt: skip
    return out


def _stopped_sweep(scenario: Path, out: Path) -> Path:
    from sim.experiment.sweep import parse_setting, sweep_study
    from sim.scenario.loader import load_scenario

    setting = [parse_setting("horizon_months=6,8")]
    return _stopped(sweep_study, load_scenario(scenario), setting, out=out)


def _stopped_comparison(scenario: Path, out: Path) -> Path:
    from sim.experiment.compare import compare_study
    from sim.scenario.loader import load_scenario

    loaded = load_scenario(scenario)
    return _stopped(compare_study, [loaded, loaded], out=out)


@pytest.mark.parametrize(
    ("made_by", "command", "said"),
    [
        ("sweep", ["run", "{s}"], "is a results folder of `sim sweep`, not of `sim run`"),
        ("comparison", ["run", "{s}"], "is a results folder of `sim compare`, not of `sim run`"),
        (
            "run",
            ["sweep", "{s}", "--set", "horizon_months=6,8"],
            "of `sim run`, not of `sim sweep`",
        ),
        ("run", ["compare", "{s}", "{s}"], "of `sim run`, not of `sim compare`"),
        ("sweep", ["compare", "{s}", "{s}"], "of `sim sweep`, not of `sim compare`"),
    ],
)
def test_resume_refuses_a_folder_of_another_kind_and_changes_nothing(
    tmp_path, capsys, monkeypatch, made_by, command, said
):
    # Before: `sim run X --resume SWEEP` took the sweep's manifest for a run's (same
    # scenario sha256, seed and size) and overwrote it and the folder's CSVs.
    scenario = write_yaml(tmp_path, FULL)
    out = tmp_path / "out"
    make = {"run": interrupted_run, "sweep": _stopped_sweep, "comparison": _stopped_comparison}
    make[made_by](scenario, out)
    before = snapshot(out)
    argv = [scenario if a == "{s}" else a for a in command]
    code, text = sim([*argv, "--resume", out, "-j", "1", *MESA], capsys, monkeypatch)
    assert code == 2, text
    assert said in text and "nothing in the folder was changed" in text
    assert snapshot(out) == before


# --- the machine refuses a write ---------------------------------------------------------


def _file_size_limit(limit: int):
    def preexec() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past it fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return preexec


def _resume_line(text: str) -> list[str]:
    line = next(x for x in text.splitlines() if "resume with: " in x)
    return shlex.split(line.split("resume with: ", 1)[1])[1:]  # after "sim"


def test_a_full_disk_names_the_file_and_how_to_resume_and_the_work_resumes(tmp_path):
    # A file size limit is a real OS fault (EFBIG) that stands in for a full disk: the
    # checkpoint (tens of kB) is refused, as ENOSPC would refuse it.
    scenario = slow_scenario(tmp_path)
    out, n = tmp_path / "out", 40
    child = start(
        ["run", scenario, "-n", n, "-j", "1", "--engine", "mesa", "-o", out],
        tmp_path,
        preexec_fn=_file_size_limit(40_000),
    )
    code, text = finish(child, 300)
    assert code == 1, text
    assert "this is a bug" not in text and "Traceback" not in text
    assert f"cannot write {out}/" in text and "EFBIG" in text
    assert "This is the machine, not a bug" in text
    table(out / "runs.csv")  # no half row left behind
    table(out / "failures.csv")
    assert json.loads((out / "manifest.json").read_text())["status"] == "failed"
    resume = _resume_line(text)
    assert resume == ["run", str(scenario), "--resume", str(out)]
    code, text = finish(start([*resume, *MESA], tmp_path), 300)
    assert code == 0, text
    reference = tmp_path / "reference"
    code, text = finish(
        start(["run", scenario, "-n", n, "-j", "1", "--engine", "mesa", "-o", reference], tmp_path),
        300,
    )
    assert code == 0, text
    assert (out / "runs.csv").read_bytes() == (reference / "runs.csv").read_bytes()
    assert (out / "summary.json").read_bytes() == (reference / "summary.json").read_bytes()


def _without_root_override():
    """Run the child without CAP_DAC_OVERRIDE, so that as root a chmod'd folder is read-only."""
    if os.geteuid() != 0:
        return None
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(23, 1, 0, 0, 0) != 1:  # PR_CAPBSET_READ, CAP_DAC_OVERRIDE
        pytest.skip("runs as root and cannot drop CAP_DAC_OVERRIDE")

    def preexec() -> None:
        if libc.prctl(24, 1, 0, 0, 0) != 0:  # PR_CAPBSET_DROP, CAP_DAC_OVERRIDE
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")

    return preexec


def test_a_folder_made_read_only_during_a_run_names_the_file_and_resumes(tmp_path):
    scenario = slow_scenario(tmp_path)
    out, n = tmp_path / "out", 60
    child = start(
        ["run", scenario, "-n", n, "-j", "1", "--engine", "mesa", "-o", out],
        tmp_path,
        preexec_fn=_without_root_override(),
    )
    try:
        wait_for_rows(out, child)
        out.chmod(0o555)
        code, text = finish(child, 300)
    finally:
        out.chmod(0o755)
    assert code == 1, text
    assert "this is a bug" not in text and "Traceback" not in text
    assert f"cannot write {out}/" in text and "EACCES" in text
    rows = table(out / "runs.csv")
    # Under load every row may be on disk before the folder turns read-only; the fault then
    # lands on the checkpoint or the summary, and the resume must still finish the folder.
    assert len(rows) <= n
    assert not (out / "summary.json").exists()
    code, text = finish(start([*_resume_line(text), *MESA], tmp_path), 300)
    assert code == 0, text
    assert len(table(out / "runs.csv")) == n


def test_a_resume_into_a_read_only_folder_is_refused_without_a_bug_report(tmp_path):
    scenario = write_yaml(tmp_path, FULL)
    out = interrupted_run(scenario, tmp_path / "out")
    before = snapshot(out)
    out.chmod(0o555)
    try:
        child = start(
            ["run", scenario, "--resume", out, "-j", "1", *MESA],
            tmp_path,
            preexec_fn=_without_root_override(),
        )
        code, text = finish(child)
    finally:
        out.chmod(0o755)
    assert code == 1, text
    assert "this is a bug" not in text and f"cannot write {out}" in text
    assert f"resume with: sim run {scenario} --resume {out}" in text
    assert snapshot(out) == before


def test_a_trace_to_a_full_device_says_so(tmp_path):
    scenario = write_yaml(tmp_path, FULL)
    code, text = finish(start(["trace", scenario, "--seed", 1, "-o", "/dev/full"], tmp_path))
    assert code in (1, 2), text  # /dev/full exists: refused before writing, or ENOSPC
    assert "this is a bug" not in text and "/dev/full" in text


# --- the resume command, after a real Ctrl-C or SIGTERM -----------------------------------


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_the_resume_command_printed_on_a_stop_works_as_pasted(tmp_path, stop):
    # Before: `--resume o{x} 1` (the folder not quoted for the shell).
    scenario = slow_scenario(tmp_path, "s{x} it's.yaml")
    out = tmp_path / "o{x} 1"
    child = start(["run", scenario, "-n", 2000, "-j", "1", "--engine", "mesa", "-o", out], tmp_path)
    wait_for_rows(out, child)
    child.send_signal(stop)
    code, text = finish(child)
    assert code == 128 + stop, text
    assert "KeyError" not in text and "Traceback" not in text
    resume = _resume_line(text)
    assert resume == ["run", str(scenario), "--resume", str(out)]
    again = start([*resume, *MESA], tmp_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # resumed: the manifest records it
        if json.loads((out / "manifest.json").read_text()).get("resumed"):
            break
        time.sleep(0.2)
    wait_for_rows(out, again, len(table(out / "runs.csv")) + 1)
    again.send_signal(stop)
    code, text = finish(again)
    assert code == 128 + stop, text
    assert _resume_line(text) == resume


def test_the_resume_command_of_a_stopped_comparison_works_as_pasted(tmp_path):
    a = slow_scenario(tmp_path, "a{0}.yaml")
    b = slow_scenario(tmp_path, "b {x}.yaml")
    out = tmp_path / "c {y}"
    child = start(["compare", a, b, "-n", 2000, "-j", "1", "--engine", "mesa", "-o", out], tmp_path)
    wait_for_rows(out / "designs" / "a_0", child)
    child.send_signal(signal.SIGTERM)
    code, text = finish(child)
    assert code == 143, text
    resume = _resume_line(text)
    assert resume[-2:] == ["--resume", str(out)] and str(b) in resume
    assert shlex.split(shlex.join(resume)) == resume


# --- comparisons -------------------------------------------------------------------------


def _broken(loaded, name: str):
    """A design whose every replication raises (an issue of a kind the agenda lacks;
    the schema would refuse it, so it is built past validation, as in test_executors)."""
    from sim.scenario.loader import LoadedScenario

    s = loaded.scenario
    event = s.agenda.events[0].model_copy(update={"kind": "no_such_kind", "month": 2})
    bad = s.model_copy(update={"agenda": s.agenda.model_copy(update={"events": [event]})})
    return LoadedScenario(bad, name, "0" * 64, "")


@pytest.mark.parametrize("broken_first", [False, True])
def test_a_design_whose_every_replication_fails_is_reported_and_the_rest_kept(
    tmp_path, capsys, broken_first
):
    # Before: ValueError("error bars need at least one replication") while drawing.
    from sim import api
    from sim.cli.compare import finish as show
    from sim.scenario.loader import load_scenario

    ok = load_scenario(write_yaml(tmp_path, FULL, "ok.yaml"))
    broken = _broken(ok, str(tmp_path / "broken.yaml"))
    designs = [broken, ok] if broken_first else [ok, broken]
    out = tmp_path / "out"
    res = api.compare(*designs, n=3, seed=1, workers=1, out=out, report=True, executor="serial")
    with pytest.raises(SystemExit) as stop:
        show(res)
    assert stop.value.code == 1
    text = capsys.readouterr()
    assert "broken: no completed replications: all 3 failed" in text.err
    assert "ok" in text.out
    report = (out / "report.md").read_text()
    assert "broken has no completed replications" in report
    assert json.loads((out / "designs" / "ok" / "summary.json").read_text())["replications"] == 3
    assert len(table(out / "designs" / "broken" / "failures.csv")) == 3
    assert json.loads((out / "manifest.json").read_text())["status"] == "complete"


def test_design_folders_never_collide_and_the_output_says_where_each_is(tmp_path):
    a = write_yaml(tmp_path, FULL, "a+b.yaml")
    b = write_yaml(tmp_path, FULL.replace("horizon_months: 12", "horizon_months: 6"), "a_b.yaml")
    long = "x" * 90
    c = write_yaml(tmp_path, FULL, f"{long}.yaml")
    d = write_yaml(tmp_path, FULL, f"{long}y.yaml")  # the same 80 characters as a file name
    out = tmp_path / "out"
    code, text = finish(start(["compare", a, b, c, d, "-n", 2, "-j", 1, "-o", out], tmp_path), 120)
    assert code == 0, text
    folders = sorted(p.name for p in (out / "designs").iterdir())
    assert folders == sorted(["a_b", "a_b-2", "x" * 80, "x" * 78 + "-2"])
    assert "a_b's files are in designs/a_b-2" in text
    manifest = json.loads((out / "manifest.json").read_text())
    assert [(x["label"], x["folder"]) for x in manifest["designs"]][:2] == [
        ("a+b", "designs/a_b"),
        ("a_b", "designs/a_b-2"),
    ]
    months = json.loads((out / "designs" / "a_b-2" / "summary.json").read_text())
    assert months["horizon_months"] == 6
    assert "`designs/a_b-2/` (a_b)" in (out / "report.md").read_text()


# --- nothing overwritten, whatever -o points at --------------------------------------------


def _commands(s: Path, target: Path) -> dict[str, list]:
    return {
        "run": ["run", s, "-n", 2, "-j", 1, "-o", target, *MESA],
        "compare": ["compare", s, s, "-n", 2, "-j", 1, "-o", target, *MESA],
        "sweep": ["sweep", s, "--set", "horizon_months=6,8", "-n", 2, "-j", 1, "-o", target, *MESA],
        "trace": ["trace", s, "--seed", 1, "-o", target],
        "save-experiment": [*["compare", s, s, "-j", 1, *MESA], "--save-experiment", target],
        "scenarios copy": ["scenarios", "copy", "equal_stakes", target.parent],
        "backtest": ["backtest", ROOT / "scenarios" / "cases", "-n", 2, "-j", 1, "-o", target],
    }


@pytest.mark.parametrize(
    "command", ["run", "compare", "sweep", "trace", "save-experiment", "backtest"]
)
@pytest.mark.parametrize("target", ["the scenario file", "a folder holding a file"])
def test_no_command_overwrites_what_o_points_at(tmp_path, capsys, monkeypatch, command, target):
    s = write_yaml(tmp_path, FULL)
    if target == "the scenario file":
        where = s
    else:
        where = tmp_path / "mine"
        where.mkdir()
        (where / "notes.txt").write_text("mine")
    if command in ("trace", "save-experiment") and where.is_dir():
        where = where / "notes.txt"
    before = snapshot(tmp_path)
    code, text = sim(_commands(s, where)[command], capsys, monkeypatch)
    assert code == 2, text
    assert "already exists" in text and "never overwrit" in text
    assert snapshot(tmp_path) == before


def test_scenarios_copy_never_overwrites(tmp_path, capsys, monkeypatch):
    (tmp_path / "equal_stakes.yaml").write_text("mine")
    code, text = sim(["scenarios", "copy", "equal_stakes", tmp_path], capsys, monkeypatch)
    assert code == 2 and "already exists" in text, text
    assert (tmp_path / "equal_stakes.yaml").read_text() == "mine"


def test_a_room_session_never_overwrites_its_record_file(tmp_path):
    # Before: the session started, and its end overwrote the file with the record.
    s = write_yaml(tmp_path, FULL)
    record = tmp_path / "notes.json"
    record.write_text("mine")
    code, text = finish(start(["play", s, "--record", record, "--port", 8799], tmp_path), 30)
    assert code == 2, text
    assert "already exists" in text and record.read_text() == "mine"


def test_write_new_refuses_a_file_that_appeared_and_leaves_no_temporary(tmp_path):
    from sim.errors import InputError
    from sim.experiment.results import write_new

    path = tmp_path / "trace.md"
    write_new(path, "first")
    with pytest.raises(InputError, match="already exists"):
        write_new(path, "second")
    assert path.read_text() == "first"
    assert [p.name for p in tmp_path.iterdir()] == ["trace.md"]


def test_a_complete_run_is_resumed_without_a_lock_file_left(tmp_path, capsys, monkeypatch):
    scenario = write_yaml(tmp_path, FULL)
    out = complete_run(scenario, tmp_path / "out")
    assert not (out / LOCK).exists()
    code, text = sim(["run", scenario, "--resume", out], capsys, monkeypatch)
    assert code == 0, text
