"""Strict types, documented ranges, and options that cannot mean what they say (issue 19).

- A boolean or a quoted number is never taken for a number, anywhere a scenario value
  comes from: the file, distributions, ``--set``, experiment files (YAML reads ``yes`` as
  true, and a lax schema read ``horizon_months: yes`` as a 1-month run).
- Every numeric field of the scenario has a lower and an upper bound, enforced by the
  schema (located errors) and shown in the generated tables of docs/model.md.
- ``sim sweep --set seed=...`` (and ``replications``) is refused with the reason: every
  point runs with the same seeds and -n, so the points were identical.
- ``-j`` is bounded by what the executor can use (a warning, and the pool is sized to fit).
- A server's ``--host`` other than this machine is served with a warning naming the
  addresses it is reachable on; an empty ``--host`` is refused.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml
from hostile import full_data, number_paths, sim, write_yaml

from sim import docs
from sim.errors import InputError
from sim.scenario.loader import load_scenario, validate_mapping

SMALL = """\
name: tiny
horizon_months: 24
replications: 2
dimensions: [tech, money]
partners:
  - {name: A, stake: 0.5, salience: {tech: 1, money: 1}}
  - {name: B, stake: 0.5, salience: {tech: 1}}
agenda:
  kinds:
    - {name: budget, dimensions: [money]}
governance:
  reserved_matters: [budget]
"""


def problems(path: Path) -> list:
    with pytest.raises(InputError) as err:
        load_scenario(path)
    return err.value.problems


# -- strict types -----------------------------------------------------------------------


LEAVES = number_paths()


def test_the_full_scenario_reaches_every_kind_of_number():
    assert len(LEAVES) > 80
    assert ("horizon_months",) in LEAVES and ("partners", 0, "positions", "tech") in LEAVES


@pytest.mark.parametrize("flag", [True, False])
def test_a_flag_is_never_a_number_in_any_numeric_field(flag):
    for path in LEAVES:
        data = validate_mapping(full_data()).model_dump(mode="json")
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = flag
        with pytest.raises(InputError) as err:
            validate_mapping(data)
        dotted = ".".join(map(str, path))
        if path[:2] == ("agenda", "events"):  # without a file, pydantic's tag stays in the path
            tag = data["agenda"]["events"][path[2]]["type"]
            dotted = ".".join(map(str, (*path[:3], tag, *path[3:])))
        assert any(p.path == dotted and "must be" in p.message for p in err.value.problems), (
            dotted,
            err.value.render(),
        )


def test_horizon_yes_is_refused_where_it_is_with_what_yaml_made_of_it(tmp_path):
    path = write_yaml(tmp_path, SMALL.replace("horizon_months: 24", "horizon_months: yes"))
    (p,) = problems(path)
    assert (p.path, p.line, p.column) == ("horizon_months", 2, 17)
    assert p.message.startswith("must be a whole number, got true; YAML reads yes, no, on, off")


@pytest.mark.parametrize(
    "old,new,path,words",
    [
        (
            "stake: 0.5, salience: {tech: 1}",
            "stake: on, salience: {tech: 1}",
            "partners.1.stake",
            "must be a number, got true",
        ),
        (
            "{tech: 1, money: 1}",
            "{tech: 1, money: off}",
            "partners.0.salience.money",
            "must be a number, got false",
        ),
        (
            "replications: 2",
            'replications: "2"',
            "replications",
            "got '2'; it is in quotes, so it is text: remove the quotes",
        ),
        (
            "horizon_months: 24",
            "horizon_months: 24.0",
            "horizon_months",
            "must be a whole number, got 24.0; write 24, without the decimal point",
        ),
    ],
    ids=["flag as a stake", "flag as a salience", "quoted number", "whole number written 24.0"],
)
def test_wrong_types_are_located(tmp_path, old, new, path, words):
    assert old in SMALL
    (p,) = problems(write_yaml(tmp_path, SMALL.replace(old, new, 1)))
    assert p.path == path and words in p.message, p


def test_a_real_field_still_takes_a_whole_number_and_1e6_is_a_number(tmp_path):
    text = SMALL.replace("stake: 0.5, salience: {tech: 1}}", "stake: 0, capital: 1e6}")
    scenario = load_scenario(write_yaml(tmp_path, text)).scenario
    assert scenario.partners[1].stake == 0.0 and scenario.partners[1].capital == 1e6


@pytest.mark.parametrize(
    "dist", ["{choice: [true, 12]}", "{choice: [12, on]}"], ids=["choice true", "choice on"]
)
def test_a_flag_among_a_distributions_choices_is_refused(tmp_path, dist):
    path = write_yaml(tmp_path, SMALL.replace("horizon_months: 24", f"horizon_months: {dist}"))
    (p,) = problems(path)
    assert p.path == "horizon_months" and "must be a whole number, got true" in p.message


def test_a_flag_as_a_distributions_bound_is_refused(tmp_path):
    path = write_yaml(
        tmp_path, SMALL.replace("horizon_months: 24", "horizon_months: {uniform: [yes, 24]}")
    )
    (p,) = problems(path)
    assert p.path == "horizon_months" and "finite numbers" in p.message


@pytest.mark.parametrize("value", ["yes", "true", "off", "'12'"])
def test_a_flag_or_text_in_set_is_refused(tmp_path, capsys, monkeypatch, value):
    path = write_yaml(tmp_path, SMALL)
    code, out = sim(
        ["sweep", str(path), "--set", f"horizon_months=12,{value}", "-n", "1"], capsys, monkeypatch
    )
    assert code == 2, out
    assert "sweep point 2 of 2" in out and "horizon_months: must be a whole number" in out


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (
            "grid: {horizon_months: [12, 24]}\nreplications: yes\nseed: '7'\n",
            [
                "e.yaml:4:15: replications: must be a whole number, got true",
                "e.yaml:5:7: seed: must be a whole number, got '7'; it is in quotes",
            ],
        ),
        (
            "grid: {horizon_months: [12, yes]}\nset: {partners.A.patience: on}\n"
            "replications: 1\nseed: 7\n",
            ["partners.0.patience: must be a whole number, got true"],
        ),
    ],
    ids=["fields", "grid"],
)
def test_a_flag_in_an_experiment_file_is_refused(text, said, tmp_path, capsys, monkeypatch):
    write_yaml(tmp_path, SMALL, "base.yaml")
    exp = tmp_path / "e.yaml"
    exp.write_text("kind: sweep\nscenario: base.yaml\n" + text, encoding="utf-8")
    code, out = sim(["experiment", str(exp)], capsys, monkeypatch)
    assert code == 2, out
    for line in said:
        assert line in out


# -- ranges -------------------------------------------------------------------------------


def _numeric(p: docs.Param) -> bool:
    return p.range.startswith(("[", "(", "each"))


def test_every_numeric_field_has_a_finite_documented_range():
    params = [p.path for p in docs.parameters()] + [
        f"events[{k}].{p.path}" for k, p in docs.event_parameters()
    ]
    ranges = {p.path: p.range for p in docs.parameters()}
    ranges |= {f"events[{k}].{p.path}": p.range for k, p in docs.event_parameters()}
    numeric = [path for path in params if ranges[path].startswith(("[", "(", "each"))]
    assert len(numeric) > 100
    for path in numeric:
        assert "inf" not in ranges[path], (path, ranges[path])
    # the fields that had no range (dimension maps) or no upper bound (months of events)
    assert ranges["partners[].positions"] == "each [0, 1]"
    assert ranges["partners[].salience"] == "each [0, 1000000]"
    assert ranges["initial_policy"] == "each [0, 1]"
    assert ranges["agenda.lifetime_months"] == "[1, 1200]"
    assert ranges["events[capital_call].month"] == "[1, 1200]"
    assert ranges["events[put_call].until"] == "[1, 1200]"
    assert ranges["seed"] == "[0, 2^63)"


@pytest.mark.parametrize(
    "old,new,path,words",
    [
        (
            "dimensions: [tech, money]",
            "dimensions: [tech, money]\ninitial_policy: {tech: 1.5}",
            "initial_policy.tech",
            "must be between 0 and 1, got 1.5",
        ),
        (
            "kinds:",
            "lifetime_months: 100000000\n  kinds:",
            "agenda.lifetime_months",
            "must be between 1 and 1200, got 100,000,000",
        ),
    ],
    ids=["initial policy above 1", "issue lifetime of 1e8 months"],
)
def test_fields_without_a_bound_now_have_one(tmp_path, old, new, path, words):
    (p,) = problems(write_yaml(tmp_path, SMALL.replace(old, new, 1)))
    assert p.path == path and words in p.message, p


def test_an_events_month_far_past_any_horizon_is_refused_by_the_schema(tmp_path):
    text = SMALL.replace(
        "    - {name: budget, dimensions: [money]}",
        "    - {name: budget, dimensions: [money]}\n  events:\n"
        "    - {type: issue, month: 1000000000000, kind: budget}",
    )
    found = problems(write_yaml(tmp_path, text))
    assert any(
        p.path == "agenda.events.0.month" and "must be between 1 and 1200" in p.message
        for p in found
    ), found


def test_the_shipped_scenarios_are_inside_the_ranges():
    root = Path(__file__).resolve().parents[1] / "scenarios"
    files = sorted(root.glob("*.yaml")) + sorted(root.glob("cases/*.yaml"))
    assert files
    for f in files:
        load_scenario(f)  # raises with the located problem otherwise


# -- sweeping the seed ----------------------------------------------------------------------


@pytest.mark.parametrize("path", ["seed", "replications"])
def test_a_sweep_over_the_seed_or_replications_is_refused_with_the_reason(
    tmp_path, capsys, monkeypatch, path
):
    scenario = write_yaml(tmp_path, SMALL)
    code, out = sim(
        ["sweep", str(scenario), "--set", f"{path}=1,2,3", "-n", "1", "-o", str(tmp_path / "out")],
        capsys,
        monkeypatch,
    )
    assert code == 2, out
    assert f"--set {path}:" in out and "identical points" in out
    assert not (tmp_path / "out").exists()


def test_the_seed_refusal_says_what_to_do_instead():
    from sim.experiment.sweep import RUN_SETTINGS

    assert "--seed" in RUN_SETTINGS["seed"] and "independent streams" in RUN_SETTINGS["seed"]


# -- workers ----------------------------------------------------------------------------------


def test_workers_beyond_the_cores_are_reduced_with_a_reason(monkeypatch):
    from sim.experiment import executors

    monkeypatch.setattr(executors, "default_workers", lambda: 2)
    for name in ("local", "dask"):
        n, note = executors.usable_workers(name, 512)
        assert n == 2 and "-j 512 is more than the 2 cores" in note
    assert executors.usable_workers("local", 2) == (2, "")
    assert executors.usable_workers("local", None) == (2, "")
    assert executors.usable_workers("serial", 4)[0] == 1
    assert "ignored" in executors.usable_workers("serial", 4)[1]
    n, note = executors.usable_workers("dask", 64, "tcp://10.0.0.5:8786")
    assert "ignored with --scheduler" in note
    assert executors.LocalPool(512).workers == 2
    assert executors.DaskExecutor(512).workers == 2  # no cluster is started here


def test_j_512_warns_and_runs_on_the_cores_there_are(tmp_path, capsys, monkeypatch):
    from sim.experiment import executors

    monkeypatch.setattr(executors, "default_workers", lambda: 1)
    scenario = write_yaml(tmp_path, SMALL)
    code, out = sim(
        ["run", str(scenario), "-n", "2", "-j", "512", "-o", str(tmp_path / "o")],
        capsys,
        monkeypatch,
    )
    assert code == 0, out
    assert "warning: -j 512 is more than the 1 core this process may use" in out


# -- servers ----------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["viz", "play"])
@pytest.mark.parametrize("host", ["", "  "])
def test_an_empty_host_is_refused(tmp_path, capsys, monkeypatch, command, host):
    scenario = write_yaml(tmp_path, SMALL)
    code, out = sim([command, str(scenario), "--host", host], capsys, monkeypatch)
    assert code == 2, out
    assert "an empty address binds every network interface" in out
    assert "--host 0.0.0.0" in out


def test_every_interface_is_named_for_0_0_0_0(monkeypatch):
    from sim.cli import network

    monkeypatch.setattr(
        network,
        "interface_addresses",
        lambda: [
            ("lo", "127.0.0.1"),
            ("eth0", "192.0.2.7"),
            ("wlan0", "198.51.100.3"),
            ("eth0", "fd00::7"),
        ],
    )
    text = network.exposure_warning("0.0.0.0", 8765, "the dashboard")
    assert "http://192.0.2.7:8765 (eth0)" in text and "http://198.51.100.3:8765 (wlan0)" in text
    assert "127.0.0.1" not in text and "fd00" not in text
    assert "[fd00::7]:8765 (eth0)" in network.exposure_warning("::", 8765, "the dashboard")
    assert network.exposure_warning("127.0.0.1", 8765, "the dashboard") == ""
    assert network.exposure_warning("localhost", 8765, "the dashboard") == ""


def test_the_interfaces_are_found_without_new_dependencies(monkeypatch):
    import sys

    from sim.cli import network

    monkeypatch.setitem(sys.modules, "psutil", None)  # as without the cluster extra
    found = network.interface_addresses()
    assert ("lo", "127.0.0.1") in found or any(a == "127.0.0.1" for _, a in found)


@pytest.mark.parametrize("command", ["viz", "play"])
def test_a_host_beyond_this_machine_warns_naming_the_addresses(
    tmp_path, capsys, monkeypatch, command
):
    from sim.cli import network, play, viz

    monkeypatch.setattr(network, "interface_addresses", lambda: [("eth0", "192.0.2.7")])
    served = {}
    monkeypatch.setattr(viz, "serve", lambda cmd, env: served.setdefault("cmd", cmd) and 0)
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: served.setdefault("kw", kw))
    monkeypatch.setattr(play, "_address", lambda: "192.0.2.7")
    scenario = write_yaml(tmp_path, SMALL)
    argv = [command, str(scenario), "--host", "0.0.0.0"]
    if command == "play":
        argv += ["--runs", "2", "--record", str(tmp_path / "r.json")]
    monkeypatch.setattr("sys.argv", ["sim", *argv])
    from sim.cli.app import main

    try:
        main()
    except SystemExit as stop:
        assert stop.code in (0, None)
    out = capsys.readouterr()
    assert "warning: --host 0.0.0.0 serves" in out.err
    assert "http://192.0.2.7:" in out.err and "(eth0)" in out.err
    if command == "play":
        assert "join?code=" in out.out  # a join code is still required beyond 127.0.0.1


def test_no_warning_on_this_machine(tmp_path, capsys, monkeypatch):
    from sim.cli import viz

    monkeypatch.setattr(viz, "serve", lambda cmd, env: 0)
    scenario = write_yaml(tmp_path, SMALL)
    monkeypatch.setattr("sys.argv", ["sim", "viz", str(scenario)])
    from sim.cli.app import main

    try:
        main()
    except SystemExit as stop:
        assert stop.code in (0, None)
    assert "warning" not in capsys.readouterr().err


def test_yaml_reads_1e6_as_a_number_in_files_and_set():
    from sim.experiment.sweep import parse_spec
    from sim.scenario.yamlsafe import parse

    assert parse("a: 1e6\nb: -2E-3\nc: 1e\n")[1] == {"a": 1e6, "b": -2e-3, "c": "1e"}
    values = parse_spec("1e6,yes,casting_vote,3", "x")
    assert values == (1e6, True, "casting_vote", 3) and not math.isnan(values[0])
    assert yaml.safe_load("a: 1e6") == {"a": "1e6"}  # what PyYAML alone does


@pytest.mark.parametrize("option", ["n", "seed", "workers"])
def test_the_api_refuses_a_flag_as_a_count_or_seed(tmp_path, option):
    from sim import api

    with pytest.raises(InputError, match=f"{option} must be a whole number, got True"):
        api.run(write_yaml(tmp_path, SMALL), **{option: True})


@pytest.mark.parametrize("where", ["kind", "issue"])
def test_a_subnormal_importance_is_refused_where_it_is(where, tmp_path):
    """Found by CI's Hypothesis run (2026-12-03): a kind importance of 5e-324 drew issue
    importances of 0.0, and every replication failed dividing a tolerance by it."""
    if where == "kind":
        old, new = "dimensions: [money]}", "dimensions: [money], importance: 5e-324}"
    else:
        event = "    - {type: issue, month: 1, kind: budget, importance: 5e-324}"
        old, new = "governance:", f"  events:\n{event}\ngovernance:"
    text = SMALL.replace(old, new)
    (p,) = problems(write_yaml(tmp_path, text))
    assert p.path.endswith("importance") and p.line is not None, p
    assert p.message == "must be between 1e-06 and 1000, got 5e-324"
