"""Nothing lost, nothing escapes: results folders, atomic files, interrupted runs.

- a results folder is never reused once it holds anything;
- names taken from a scenario cannot lead a file out of the results folder;
- a file is replaced whole or not at all (temporary file, then rename);
- a run stopped with Ctrl-C leaves a manifest that says ``interrupted`` and no summary;
- the dashboard listens on 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.errors import InputError
from sim.experiment import results

SIM = Path(sys.executable).with_name("sim")
ROOT = Path(__file__).resolve().parents[1]


@settings(max_examples=200, deadline=None)
@given(
    name=st.text(max_size=100) | st.sampled_from(["..", ".", "../../etc/passwd", "/abs", "a/../b"])
)
def test_names_from_a_scenario_cannot_escape_the_results_folder(name):
    safe = results._safe(name)
    assert safe and safe not in (".", "..")
    assert "/" not in safe and "\\" not in safe and "\x00" not in safe
    assert (Path("root") / safe).parent == Path("root")


@pytest.mark.parametrize("stem", ["../../escape", "/etc", "..", "a/b/c", "name\x00x"])
def test_default_folders_stay_under_the_root(tmp_path, stem):
    root = tmp_path / "results"
    folder = results.new_folder(None, stem, root)
    assert folder.resolve().parent == root.resolve()
    again = results.new_folder(None, stem, root)  # same second: a new folder, never the same
    assert again != folder and again.parent == folder.parent


def test_a_folder_that_holds_anything_is_refused(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(InputError, match="results are never overwritten"):
        results.new_folder(tmp_path, "x")
    file = tmp_path / "keep.txt"
    with pytest.raises(InputError, match="already exists"):
        results.new_folder(file, "x")
    assert file.read_text() == "mine"
    assert results.new_folder(tmp_path / "empty", "x").is_dir()  # new or empty is fine


def test_a_failed_write_leaves_the_old_file_whole_and_no_temporary(tmp_path):
    path = tmp_path / "summary.json"
    results.write_atomic(path, "old")
    with pytest.raises(UnicodeEncodeError):
        results.write_atomic(path, "new \ud800 text")  # fails half-way through the write
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["summary.json"]


def test_an_interrupted_run_says_so_and_leaves_no_summary(tmp_path):
    out = tmp_path / "run"
    child = subprocess.Popen(
        [
            str(SIM),
            "run",
            str(ROOT / "scenarios" / "equal_stakes.yaml"),
            "-n",
            "100000",
            "-j",
            "1",
            "-o",
            str(out),
            "--central",  # the streaming run of one scenario
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # wait until replications are being written
            runs = out / "runs.csv"
            if runs.exists() and runs.stat().st_size > 2000:
                break
            time.sleep(0.1)
        child.send_signal(signal.SIGINT)
        _, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 130
    assert "Traceback" not in err and "interrupted" in err
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "interrupted"
    assert not (out / "summary.json").exists()
    assert not list(out.glob(".*.tmp"))


@pytest.mark.parametrize("name", ["viz", "play"])
def test_the_dashboard_and_room_listen_on_this_machine_only_by_default(name):
    import typer

    from sim.cli.app import app

    command = typer.main.get_command(app).commands.get(name)
    if command is None:
        pytest.skip(f"sim {name} is not built yet")
    host = next(p for p in command.params if p.name == "host")
    assert host.default == "127.0.0.1"


def test_scenario_loading_never_uses_an_unsafe_yaml_loader():
    unsafe = (
        "yaml.load(",
        "yaml.unsafe_load",
        "yaml.full_load",
        "Loader=yaml.Loader",
        "FullLoader",
        "UnsafeLoader",
        "eval(",
        "exec(",
        "pickle.load",
    )
    for path in (ROOT / "sim").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for needle in unsafe:
            assert needle not in text, f"{path.relative_to(ROOT)} uses {needle}"
