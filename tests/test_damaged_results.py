"""``--resume`` on a damaged results folder: diagnosed, exit 2, and nothing in it changed.

A stopped run leaves ``manifest.json``, ``checkpoint.npz``, ``runs.csv`` and
``failures.csv``; a complete one ``manifest.json`` and ``summary.json``. Each case damages
one of them the way a disk, a sync tool or a hand edit would, resumes with the real
entry point and checks the message (which file, what is wrong, how to recover) and that
every file in the folder is byte for byte what it was. Random bytes and mutations of
every file a resume reads are in ``tests/test_hostile_fuzz.py``.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from hostile import FULL, complete_run, interrupted_run, sim, snapshot, write_yaml

from sim.experiment.compare import compare_study
from sim.experiment.signals import Interrupted
from sim.experiment.sweep import parse_setting, sweep_study
from sim.scenario.loader import load_scenario


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, Path]:
    """A scenario, a stopped run, a complete run, a stopped sweep and a stopped comparison."""
    root = tmp_path_factory.mktemp("damaged")
    scenario = write_yaml(root, FULL)
    made = {
        "scenario": scenario,
        "stopped": interrupted_run(scenario, root / "stopped"),
        "complete": complete_run(scenario, root / "complete"),
    }
    loaded = load_scenario(scenario)
    for kind in ("sweep", "compare"):
        done = [0]

        def progress(k: int, done: list[int] = done) -> None:
            done[0] += k
            if done[0] >= 30:  # the first point (design) finished, the second stopped
                raise KeyboardInterrupt

        common = dict(replications=20, seed=7, workers=1, progress=progress, executor="serial")
        with pytest.raises(Interrupted):
            if kind == "sweep":
                sweep_study(
                    loaded,
                    [parse_setting("horizon_months=6,12")],
                    out=root / kind,
                    **common,  # type: ignore[arg-type]
                )
            else:
                other = load_scenario(write_yaml(root, FULL.replace("seed", "#"), "t.yaml"))
                compare_study([loaded, other], out=root / kind, **common)  # type: ignore[arg-type]
        made[kind] = root / kind
    return made


def npz(**arrays) -> bytes:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def checkpoint_with(folder: Path, **changes) -> bytes:
    """The folder's checkpoint with some arrays, or fields of its state, replaced."""
    with np.load(folder / "checkpoint.npz") as data:
        arrays = {k: data[k] for k in data.files}
    state = json.loads(str(arrays["state"]))
    for key, value in changes.items():
        if key in arrays:
            arrays[key] = value
        else:
            state[key] = value
    arrays["state"] = np.array(json.dumps(state))
    return npz(**arrays)


def state_of(folder: Path, text: str) -> bytes:
    """The folder's checkpoint with its state record replaced by ``text``."""
    with np.load(folder / "checkpoint.npz") as data:
        arrays = {k: data[k] for k in data.files}
    arrays["state"] = np.array(text)
    return npz(**arrays)


def pickled() -> bytes:
    buf = io.BytesIO()
    np.save(buf, np.array([object()]), allow_pickle=True)
    return buf.getvalue()


def manifest_with(folder: Path, **changes) -> bytes:
    data = json.loads((folder / "manifest.json").read_text("utf-8"))
    data.update(changes)
    return json.dumps(data).encode()


DAMAGED_CHECKPOINT = "the checkpoint is damaged: "
RECOVER = "rerun without --resume (into a new folder), or restore"
# (id, folder, file, new bytes (from the folder) or None to delete, message fragments)
CASES = [
    (
        "random checkpoint",
        "stopped",
        "checkpoint.npz",
        lambda f: bytes(range(256)) * 3,
        [DAMAGED_CHECKPOINT + "it is not a readable .npz file", RECOVER],
    ),
    (
        "truncated checkpoint",
        "stopped",
        "checkpoint.npz",
        lambda f: (f / "checkpoint.npz").read_bytes()[:300],
        ["it is not a readable .npz file"],
    ),
    (
        "pickled checkpoint",
        "stopped",
        "checkpoint.npz",
        lambda f: pickled(),
        ["it is not a readable .npz file"],
    ),
    (
        "checkpoint without state",
        "stopped",
        "checkpoint.npz",
        lambda f: npz(latency=np.zeros(3)),
        ["it has no 'state' array"],
    ),
    (
        "state not JSON",
        "stopped",
        "checkpoint.npz",
        lambda f: state_of(f, "{"),
        ["its state is not JSON"],
    ),
    (
        "state a list",
        "stopped",
        "checkpoint.npz",
        lambda f: state_of(f, "[1]"),
        ["its state is not a JSON object"],
    ),
    (
        "next negative",
        "stopped",
        "checkpoint.npz",
        lambda f: checkpoint_with(f, next=-1),
        ["its 'next' is -1, not a count"],
    ),
    (
        "next past the end",
        "stopped",
        "checkpoint.npz",
        lambda f: checkpoint_with(f, next=999),
        ["it is at replication 999, past the run's 40"],
    ),
    (
        "totals mangled",
        "stopped",
        "checkpoint.npz",
        lambda f: checkpoint_with(f, totals=[1]),
        ["its totals are not totals written by a run"],
    ),
    (
        "histogram of another shape",
        "stopped",
        "checkpoint.npz",
        lambda f: checkpoint_with(f, latency=np.zeros(5, dtype=np.int64)),
        ["its latency histogram has shape (5,)"],
    ),
    (
        "negative counts",
        "stopped",
        "checkpoint.npz",
        lambda f: checkpoint_with(f, latency=-np.ones(13, dtype=np.int64)),
        ["its latency histogram holds negative counts"],
    ),
    (
        "runs.csv truncated",
        "stopped",
        "runs.csv",
        lambda f: (f / "runs.csv").read_bytes()[:100],
        ["runs.csv is shorter than it records"],
    ),
    ("runs.csv deleted", "stopped", "runs.csv", None, ["the file is missing"]),
    ("failures.csv deleted", "stopped", "failures.csv", None, ["failures.csv is shorter"]),
    (
        "runs.csv with other columns",
        "stopped",
        "runs.csv",
        lambda f: (f / "runs.csv").read_bytes().replace(b"replication", b"xeplication", 1),
        ["runs.csv does not start with the columns this scenario writes"],
    ),
    (
        "runs.csv with a cell that is not a number",
        "stopped",
        "runs.csv",
        lambda f: _change_cell(f / "runs.csv"),
        ["runs.csv line 3, column seed: 'x"],
    ),
    (
        "runs.csv not UTF-8",
        "stopped",
        "runs.csv",
        lambda f: (f / "runs.csv").read_bytes().replace(b"\n", b"\n\xff", 1),
        ["runs.csv is not CSV text up to that point"],
    ),
    (
        "manifest a list",
        "stopped",
        "manifest.json",
        lambda f: b"[1, 2]",
        ["the manifest is damaged: it holds list, not a mapping", RECOVER],
    ),
    (
        "manifest null",
        "stopped",
        "manifest.json",
        lambda f: b"null",
        ["the manifest is damaged: it holds null"],
    ),
    ("manifest a string", "stopped", "manifest.json", lambda f: b'"run"', ["it holds str"]),
    (
        "manifest not JSON",
        "stopped",
        "manifest.json",
        lambda f: b"\x00\xff{",
        ["is not a results folder of `sim run` (no readable manifest.json)"],
    ),
    (
        "replications not a number",
        "stopped",
        "manifest.json",
        lambda f: manifest_with(f, replications="ten"),
        ["its replications is 'ten'"],
    ),
    (
        "seed negative",
        "stopped",
        "manifest.json",
        lambda f: manifest_with(f, seed=-1),
        ["its seed is -1, not a whole number from 0"],
    ),
    (
        "unknown status",
        "stopped",
        "manifest.json",
        lambda f: manifest_with(f, status="done!"),
        ["its status is 'done!', not one of running, interrupted, failed, complete"],
    ),
    (
        "complete without summary.json",
        "complete",
        "summary.json",
        None,
        ["the manifest says the run is complete, but summary.json is missing", "restore summary"],
    ),
    (
        "complete with summary.json changed",
        "complete",
        "summary.json",
        lambda f: b"{}",
        ["summary.json was changed after the run completed (its sha256 is not the one in"],
    ),
    (
        "an old complete run with summary.json damaged",
        "complete",
        "manifest.json+summary",
        lambda f: manifest_with(f, summary_sha256=None),
        ["summary.json: is damaged"],
    ),
]


def _change_cell(path: Path) -> bytes:
    lines = path.read_bytes().split(b"\n")
    cells = lines[2].split(b",")
    cells[1] = b"x" * len(cells[1])  # the same length: only the cell is wrong
    lines[2] = b",".join(cells)
    return b"\n".join(lines)


@pytest.mark.parametrize(
    "which,file,damage,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_resume_on_a_damaged_folder_says_so_and_changes_nothing(
    folders, tmp_path, capsys, monkeypatch, which, file, damage, expected
):
    folder = tmp_path / which
    shutil.copytree(folders[which], folder)
    if file == "manifest.json+summary":  # a run from before the manifest held the sha256
        (folder / "manifest.json").write_bytes(damage(folder))
        (folder / "summary.json").write_text('{"title": 1}')
    elif damage is None:
        (folder / file).unlink()
    else:
        (folder / file).write_bytes(damage(folder))
    before = snapshot(folder)
    code, out = sim(
        ["run", folders["scenario"], "--resume", folder, "-j", "1"], capsys, monkeypatch
    )
    assert code == 2, out
    assert "this is a bug" not in out and str(folder) in out
    for fragment in expected:
        assert fragment in out, fragment
    assert snapshot(folder) == before


def test_the_undamaged_folders_resume(folders, tmp_path, capsys, monkeypatch):
    for which in ("stopped", "complete"):
        folder = tmp_path / which
        shutil.copytree(folders[which], folder)
        code, out = sim(
            ["run", folders["scenario"], "--resume", folder, "-j", "1"], capsys, monkeypatch
        )
        assert code == 0, out
        assert json.loads((folder / "manifest.json").read_text())["status"] == "complete"


@pytest.mark.parametrize(
    "kind,damage,expected",
    [
        ("sweep", "points/002/checkpoint.npz", DAMAGED_CHECKPOINT),
        (
            "sweep",
            "points/001/summary.json",
            "points/001/summary.json: is damaged (not a JSON object",
        ),
        ("sweep", "manifest.json", "the manifest is damaged: it holds list"),
        ("compare", "designs/t/checkpoint.npz", DAMAGED_CHECKPOINT),
        ("compare", "manifest.json", "the manifest is damaged: it holds list"),
    ],
)
def test_a_damaged_sweep_or_comparison_is_refused_before_anything_is_written(
    folders, tmp_path, capsys, monkeypatch, kind, damage, expected
):
    folder = tmp_path / kind
    shutil.copytree(folders[kind], folder)
    target = folder / damage
    assert target.exists(), sorted(snapshot(folder))
    target.write_bytes(b"[1, 2]" if damage.endswith(".json") else b"PK\x03\x04junk")
    before = snapshot(folder)
    scenario = str(folders["scenario"])
    argv = (
        ["sweep", scenario, "--set", "horizon_months=6,12"]
        if kind == "sweep"
        else ["compare", scenario, str(folders["scenario"].with_name("t.yaml"))]
    )
    code, out = sim(
        [*argv, "-n", "20", "--seed", "7", "-j", "1", "--resume", folder], capsys, monkeypatch
    )
    assert code == 2, out
    assert expected in out and "this is a bug" not in out
    assert snapshot(folder) == before
