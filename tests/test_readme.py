"""The README's two opening commands are the contract with a new user: test them."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def opening_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    block = re.search(r"```(?:sh|bash|console)?\n(.*?)```", text, re.S)
    assert block, "the README must open with a code block of commands"
    return [line.strip() for line in block.group(1).splitlines() if line.strip()]


def test_readme_opens_with_exactly_two_commands():
    text = (ROOT / "README.md").read_text()
    first_block = text.index("```")
    assert text[:first_block].count("\n") <= 4, "the commands must come first"
    run_cmd, test_cmd = opening_commands()
    assert run_cmd.endswith("sim run scenarios/equal_stakes.yaml")
    assert "pip install" in run_cmd and "pip install" in test_cmd
    assert "pytest" in test_cmd


def test_ci_runs_the_readme_test_command():
    _, test_cmd = opening_commands()
    assert test_cmd in (ROOT / ".ci" / "run").read_text()


def test_the_main_job_runs_as_written():
    # Run the sim part of the first command exactly as written (the install part is what
    # .ci/run does in its fresh virtual environment).
    run_cmd, _ = opening_commands()
    sim_part = run_cmd.split("&&")[-1].split()
    bindir = Path(sys.executable).parent
    exe = bindir / "sim"
    assert exe.exists(), "the sim console script must be installed next to python"
    res = subprocess.run(
        [str(exe), *sim_part[1:]], cwd=ROOT, capture_output=True, text=True, timeout=900
    )
    assert res.returncode == 0, res.stderr
    match = re.search(r"Results: (\S+)", res.stdout)
    assert match, res.stdout
    folder = ROOT / match.group(1)
    try:
        summary = json.loads((folder / "summary.json").read_text())
        assert summary["replications"] == 1000
        assert "Reserved-matter" in res.stdout and "Fracture" in res.stdout
    finally:
        shutil.rmtree(folder, ignore_errors=True)
