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


def _indices(data):
    return [{k: v for k, v in p.items() if k != "weight"} for p in data["players"]]


@pytest.mark.parametrize("exact", [True, False])
def test_a_dictator_with_weights_in_tens_of_thousands(exact):
    """Issue 19: [48001; 30000,18000,48001] has a dictator (48001 alone meets the quota, the
    others hold 48000): SS and Banzhaf 0, 0, 1, with or without --exact (it gave 1/6, 1/6,
    2/3 when weights were rescaled to a total of 10,000)."""
    args = ["--quota", "48001", "--weights", "30000,18000,48001", "--json"]
    res = sim("power", *args, *(["--exact"] if exact else []))
    assert res.returncode == 0, res.stderr
    players = json.loads(res.stdout)["players"]
    expected = ["0/1", "0/1", "1/1"] if exact else [0.0, 0.0, 1.0]
    assert [p["shapley_shubik"] for p in players] == expected
    assert [p["banzhaf"] for p in players] == expected
    assert [p["weight"] for p in players] == [30000, 18000, 48001]


def test_integers_beyond_float_precision_are_read_exactly():
    """[2^53 + 1; 2^53 + 1, 2^53, 1] is [2; 2,1,1]: SS 2/3, 1/6, 1/6 (as floats 2^53 + 1
    would be 2^53 and the third player a null player)."""
    big = 2**53
    res = sim(
        "power", "--quota", str(big + 1), "--weights", f"{big + 1},{big},1", "--exact", "--json"
    )
    assert res.returncode == 0, res.stderr
    players = json.loads(res.stdout)["players"]
    assert [p["shapley_shubik"] for p in players] == ["2/3", "1/6", "1/6"]


def test_twelve_partners_with_weights_in_millions():
    """A dictator and 11 null players (power_indices.md properties): eleven partners of about a
    million votes each, and one holding one vote more than all of them together, which is
    the quota. Also: times 1,000,003, with a quota one unit above (q - 1) 1,000,003, the
    game [17; 5,5,4,4,3,3,2,2,2,1,1,1] keeps its exact indices."""
    others = [1_000_000 + 7919 * i for i in range(11)]
    weights = [*others, sum(others) + 1]
    res = sim("power", "--quota", str(sum(others) + 1), "--weights", ",".join(map(str, weights)),
              "--exact", "--json")  # fmt: skip
    assert res.returncode == 0, res.stderr
    players = json.loads(res.stdout)["players"]
    assert [p["shapley_shubik"] for p in players] == ["0/1"] * 11 + ["1/1"]
    assert [p["banzhaf"] for p in players] == ["0/1"] * 11 + ["1/1"]

    small_weights, quota, scale = [5, 5, 4, 4, 3, 3, 2, 2, 2, 1, 1, 1], 17, 1_000_003
    small = sim("power", "--quota", str(quota), "--weights", ",".join(map(str, small_weights)),
                "--exact", "--json")  # fmt: skip
    large_weights = ",".join(str(w * scale) for w in small_weights)
    large = sim("power", "--quota", str((quota - 1) * scale + 1), "--weights", large_weights,
                "--exact", "--json")  # fmt: skip
    assert small.returncode == large.returncode == 0, large.stderr
    assert _indices(json.loads(large.stdout)) == _indices(json.loads(small.stdout))


def test_a_game_too_large_to_count_exactly_exits_2():
    weights = ",".join(str(2**i) for i in range(30))
    res = sim("power", "--quota", str(2**29), "--weights", weights)
    assert res.returncode == 2, (res.stdout, res.stderr)
    assert "too many to count exactly" in res.stderr and "Traceback" not in res.stderr


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
