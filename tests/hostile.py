"""Helpers for the hostile-input tests: a small scenario that uses every block, the real
entry point run in this process, and results folders to damage.
"""

from __future__ import annotations

import copy
import hashlib
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from sim.cli.app import main
from sim.experiment.signals import Interrupted
from sim.experiment.study import run_study
from sim.scenario.loader import load_scenario

#: Two partners, an investor, a state funder, side funding, every kind of event: so that
#: every numeric field of the schema is present in its ``model_dump()``.
FULL = """\
name: hostile
horizon_months: 12
replications: 4
dimensions: [tech, money]
partners:
  - name: A
    stake: 0.4
    capital: 50
    positions: {tech: 0.2, money: 0.7}
    salience: {tech: 1, money: 1}
    expertise: {tech: 0.5}
    side_funding: {enabled: true}
  - name: B
    stake: 0.4
    capital: 50
    salience: {tech: 1}
investors:
  - {name: I, stake: 0.05}
state_funder:
  name: S
  stake: 0.1
  capital: 20
  salience: {money: 1}
agenda:
  kinds:
    - {name: budget, dimensions: [money]}
    - {name: design, dimensions: [tech]}
  events:
    - {type: issue, month: 2, kind: budget, title: "First budget", importance: 2}
    - {type: capital_call, month: 3, amount: 40, title: "Call"}
    - {type: outside_option, month: 4, partner: A, change: 0.1}
    - type: new_partner
      month: 5
      partner: {name: C, stake: 0.0, capital: 5}
governance:
  reserved_matters: [budget]
  reserved: {rule: qualified_majority, threshold: 0.75}
  leader: A
  deadlock: {mediation: {enabled: true}}
leader: {share: 0.6}
"""


def full_data() -> dict:
    """The plain data of :data:`FULL` (a fresh copy each call)."""
    return copy.deepcopy(yaml.safe_load(FULL))


def number_paths(empty: bool = False) -> list[tuple]:
    """The path of every number in the validated dump of :data:`FULL` (seed included).

    Args:
        empty: also the empty optional values (None), where a number may be written.
    """
    from sim.scenario.loader import validate_mapping

    plain = validate_mapping(full_data()).model_dump(mode="json")
    found: list[tuple] = []

    def visit(node, path):
        if isinstance(node, dict):
            for k, v in node.items():
                visit(v, (*path, k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                visit(v, (*path, i))
        elif (empty and node is None) or (
            isinstance(node, int | float) and not isinstance(node, bool)
        ):
            found.append(path)

    visit(plain, ())
    return found


def write_yaml(folder: Path, data: dict | str, name: str = "s.yaml") -> Path:
    """Write a scenario (data or text) into ``folder``."""
    path = folder / name
    text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


def sim(argv: list[str], capsys, monkeypatch) -> tuple[int, str]:
    """Run ``sim ARGV`` in this process; return its exit code and what it printed."""
    monkeypatch.setattr(sys, "argv", ["sim", *map(str, argv)])
    try:
        main()
        code: object = 0
    except SystemExit as stop:
        code = stop.code
    out = capsys.readouterr()
    return (0 if code is None else int(code)), out.err + out.out  # type: ignore[call-overload]


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` and the sha256 of its bytes."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def interrupted_run(scenario: Path, out: Path, replications: int = 40, stop_at: int = 12) -> Path:
    """A results folder of a run stopped (as by Ctrl-C) after ``stop_at`` replications."""
    done = [0]

    def progress(k: int) -> None:
        done[0] += k
        if done[0] >= stop_at:
            raise KeyboardInterrupt

    shutil.rmtree(out, ignore_errors=True)
    with pytest.raises(Interrupted):
        run_study(
            load_scenario(scenario),
            replications=replications,
            seed=7,
            workers=1,
            out=out,
            progress=progress,
            executor="serial",
        )
    assert (out / "checkpoint.npz").exists()
    return out


def complete_run(scenario: Path, out: Path, replications: int = 6) -> Path:
    """A results folder of a complete run (no pictures: they are not what is tested)."""
    shutil.rmtree(out, ignore_errors=True)
    run_study(
        load_scenario(scenario),
        replications=replications,
        seed=7,
        workers=1,
        out=out,
        executor="serial",
    )
    return out
