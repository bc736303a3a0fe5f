"""`sim power` as a user runs it: real processes, the JSON format of issue 6, clean errors.

Known values: /work/shared/reference/power_indices.md (EEC 1958 [12; 4,4,4,2,2,1];
unanimity of four equal partners).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SIM = [sys.executable, "-m", "sim"]
PLAYER_KEYS = {"name", "weight", "shapley_shubik", "banzhaf", "banzhaf_absolute", "swings"}


def sim(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*SIM, *args], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_weights_exact_json_has_exactly_the_issue_format():
    res = sim(
        "power", "--quota", "12", "--weights", "4,4,4,2,2,1",
        "--names", "DE,FR,IT,NL,BE,LU", "--exact", "--json",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert set(data) == {"players", "coleman_power_to_act"}
    assert all(set(p) == PLAYER_KEYS for p in data["players"])
    assert [p["name"] for p in data["players"]] == ["DE", "FR", "IT", "NL", "BE", "LU"]
    assert [p["shapley_shubik"] for p in data["players"]] == ["7/30"] * 3 + ["3/20"] * 2 + ["0/1"]
    assert [p["banzhaf"] for p in data["players"]] == ["5/21"] * 3 + ["1/7"] * 2 + ["0/1"]
    assert [p["banzhaf_absolute"] for p in data["players"]] == ["5/16"] * 3 + ["3/16"] * 2 + ["0/1"]
    assert [p["swings"] for p in data["players"]] == [10, 10, 10, 6, 6, 0]
    assert [p["weight"] for p in data["players"]] == [4, 4, 4, 2, 2, 1]
    assert data["coleman_power_to_act"] == "7/32"


def test_scenario_floats_json_equal_power_under_unanimity():
    res = sim("power", "scenarios/equal_stakes.yaml", "--json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert set(data) == {"players", "coleman_power_to_act"}
    assert [(p["name"], p["shapley_shubik"], p["banzhaf"]) for p in data["players"]] == [
        (name, 0.25, 0.25) for name in ("SoftBank", "Honda", "Sony", "NEC")
    ]
    assert data["coleman_power_to_act"] == 0.0625


def test_scenario_table():
    res = sim("power", "scenarios/equal_stakes.yaml")
    assert res.returncode == 0, res.stderr
    assert "Reserved matters by unanimity" in res.stdout
    assert res.stdout.count("0.2500") == 8 and "0.0625" in res.stdout


def test_casting_vote_adds_the_game_after_a_deadlock():
    res = sim("power", "scenarios/governance/casting_vote.yaml", "--json", "--exact")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert set(data) == {"players", "coleman_power_to_act", "after_deadlock"}
    after = data["after_deadlock"]
    assert set(after) == {"players", "coleman_power_to_act"}
    assert [p["shapley_shubik"] for p in after["players"]] == ["1/2", "1/6", "1/6", "1/6"]


def test_fifty_one_players_exact():
    weights = ",".join(str(1 + i % 7) for i in range(51))
    res = sim("power", "--quota", "105", "--weights", weights, "--exact", "--json")
    assert res.returncode == 0, res.stderr
    players = json.loads(res.stdout)["players"]
    total = sum(int(a) / int(b) for a, b in (p["shapley_shubik"].split("/") for p in players))
    assert total == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize(
    "args, message",
    [
        ([], "give a scenario file, or both --quota and --weights"),
        (["--quota", "3"], "give a scenario file, or both --quota and --weights"),
        (["--weights", "1,1"], "give a scenario file, or both --quota and --weights"),
        (["--quota", "0", "--weights", "1,1"], "--quota must be above 0"),
        (["--quota", "5", "--weights", "1,1"], "at most the total weight 2"),
        (["--quota", "nan", "--weights", "1,1"], "--quota must be above 0"),
        (["--quota", "1", "--weights", "a,b"], "--weights must be numbers"),
        (["--quota", "1", "--weights", "1,-2"], "non-negative"),
        (["--quota", "1", "--weights", "1,inf"], "non-negative"),
        (["--quota", "1", "--weights", ",,"], "one or more"),
        (["--quota", "1", "--weights", "1,1", "--names", "a"], "--names has 1 names for 2"),
        (["--quota", "x", "--weights", "1,1"], "Invalid value for '--quota'"),
        (["missing.yaml"], "missing.yaml"),
        (["scenarios/equal_stakes.yaml", "--quota", "2"], "not both"),
    ],
)
def test_bad_input_exits_2_with_a_message(args, message):
    res = sim("power", *args)
    assert res.returncode == 2, (res.stdout, res.stderr)
    assert message in res.stderr
    assert "Traceback" not in res.stderr
