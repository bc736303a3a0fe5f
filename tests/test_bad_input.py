"""Every kind of bad input gets a message saying what, where and how to fix it; exit 2.

Each case writes a file a new user might write, runs the real entry point
(``sim.cli.app.main``, the console script's function) and checks the message text, the
location (``file:line:column`` and the dotted field path) and the exit code. A few run
the installed ``sim`` script in a subprocess, as a user would.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.cli.app import main
from sim.errors import MAX_SHOWN, InputError
from sim.scenario.loader import load_scenario

SIM = Path(sys.executable).with_name("sim")

BASE = """\
name: tiny
horizon_months: 24
replications: 5
dimensions: [tech, money]
partners:
  - name: A
    stake: 0.5
    salience: {tech: 1, money: 1}
  - name: B
    stake: 0.5
    salience: {tech: 1}
agenda:
  kinds:
    - {name: budget, dimensions: [money]}
governance:
  reserved_matters: [budget]
"""


def sim(argv: list[str], capsys, monkeypatch) -> tuple[int, str]:
    """Run ``sim ARGV`` in this process; return its exit code and what it printed."""
    monkeypatch.setattr(sys, "argv", ["sim", *argv])
    with pytest.raises(SystemExit) as stop:
        main()
    out = capsys.readouterr()
    return stop.value.code, out.err + out.out


def write(tmp_path: Path, text: str | bytes, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def edit(old: str, new: str) -> str:
    assert old in BASE, old
    return BASE.replace(old, new, 1)


def message(path: Path) -> str:
    with pytest.raises(InputError) as err:
        load_scenario(path)
    return err.value.render()


# (id, file text, what the message must contain: location first, then the words)
CASES = [
    ("empty", "", ["s.yaml: the file is empty", "scenarios/equal_stakes.yaml"]),
    ("comments only", "# nothing\n\n", ["only comments or blank lines"]),
    (
        "unclosed bracket",
        "name: x\ndimensions: [a, b\n",
        ["s.yaml:3:1:", "not valid YAML", "'[' is not closed with ']'", "line 2, column 13"],
    ),
    (
        "bad indentation",
        edit("  - name: B", "   - name: B"),
        ["s.yaml:9:4:", "check the indentation"],
    ),
    ("tab", edit("    stake: 0.5\n", "\tstake: 0.5\n"), ["s.yaml:7:1:", "indent with spaces"]),
    (
        "stray colon",
        "name: x\n  partners: 1\n",
        ["s.yaml:2:11:", "put a value that contains ': ' in quotes"],
    ),
    ("two documents", BASE + "---\nname: y\n", ["remove the '---' line"]),
    ("list document", "- a\n- b\n", ["s.yaml:1:1:", "the document is a list"]),
    ("scalar document", "hello\n", ["s.yaml:1:1:", "a single value ('hello')", "a mapping"]),
    ("number document", "42\n", ["a single number (42)"]),
    (
        "wrong type: text for a whole number",
        edit("horizon_months: 24", 'horizon_months: "ten"'),
        ["s.yaml:2:17: horizon_months: must be a whole number, got 'ten'"],
    ),
    (
        "wrong type: fraction for a whole number",
        edit("horizon_months: 24", "horizon_months: 24.5"),
        ["horizon_months: must be a whole number, got 24.5"],
    ),
    (
        "wrong type: percent",
        edit("stake: 0.5", "stake: 50%"),
        ["s.yaml:7:12: partners.0.stake: must be a number, got '50%'", "10% is 0.10"],
    ),
    (
        "wrong type: text instead of a list",
        edit("dimensions: [tech, money]", "dimensions: tech"),
        ["s.yaml:4:13: dimensions: must be a list", "got 'tech'"],
    ),
    (
        "wrong type: mapping instead of a list",
        "name: x\ndimensions: [a]\nagenda: {kinds: [{name: k, dimensions: [a]}]}\n"
        "partners:\n  A: {stake: 0.5}\n  B: {stake: 0.5}\n",
        ["partners: must be a list", "start each entry with '- '"],
    ),
    (
        "wrong type: a date for text",
        edit("name: tiny", "name: 2026-04-12"),
        ["s.yaml:1:7: name: must be text, got 2026-04-12 (read as a date)", "quotes"],
    ),
    (
        "wrong type: true/false",
        edit("governance:\n", "governance:\n  pre_emption: maybe\n"),
        ["governance.pre_emption: must be true or false, got 'maybe'"],
    ),
    (
        "empty value",
        edit("name: tiny", "name:"),
        ["s.yaml:1:6: name: must be text, got nothing (the value is empty)"],
    ),
    (
        "infinite and not-a-number",
        edit("    salience: {tech: 1}\n", "    capital: .inf\n    salience: {tech: .nan}\n"),
        [
            "partners.1.capital: must be a finite number, got inf",
            "partners.1.salience.tech: must be a finite number, got nan",
        ],
    ),
    (
        "unknown key (misspelt)",
        edit("    salience: {tech: 1}", "    salince: {tech: 1}"),
        ["s.yaml:11:5: partners.1.salince: unknown key 'salince'; did you mean 'salience'?"],
    ),
    (
        "unknown key (top level)",
        edit("horizon_months: 24", "horizon: 24"),
        ["s.yaml:2:1: horizon: unknown key 'horizon'; did you mean 'horizon_months'?"],
    ),
    (
        "unknown key (in the wrong block)",
        edit("governance:\n", "governance:\n  cadence_months: 6\n"),
        ["governance.cadence_months: unknown key", "belongs under governance.board"],
    ),
    (
        "unknown key (nothing close)",
        edit("governance:\n", "governance:\n  zzz: 1\n"),
        ["unknown key 'zzz' (allowed here: reserved, routine"],
    ),
    (
        "key written twice",
        edit("    stake: 0.5\n", "    stake: 0.5\n    stake: 0.4\n"),
        ["s.yaml:8:5:", "the key 'stake' is written twice", "first on line 7", "remove one"],
    ),
    (
        "missing required key",
        edit("name: tiny\n", ""),
        ["name: required but missing: add it"],
    ),
    (
        "negative stake",
        edit("stake: 0.5", "stake: -0.5"),
        ["s.yaml:7:12: partners.0.stake: must be between 0 and 1, got -0.5"],
    ),
    (
        "negative salience",
        edit("    salience: {tech: 1}\n", "    salience: {tech: -1, money: 0.5}\n"),
        ["partners.1.salience.tech: must be between 0 and 1,000,000, got -1"],
    ),
    (
        "saliences summing to zero",
        edit("    salience: {tech: 1}\n", "    salience: {tech: 0}\n"),
        ["s.yaml:11:15: partners.1.salience: saliences must sum to a positive number"],
    ),
    (
        "probability above 1",
        edit("governance:\n", "governance:\n  deadlock: {escalation_resolves: 1.5}\n"),
        ["governance.deadlock.escalation_resolves: must be between 0 and 1, got 1.5"],
    ),
    (
        "probability below 0",
        edit(
            "    salience: {tech: 1}\n",
            "    salience: {tech: 1}\n    side_funding: {propensity: -0.1}\n",
        ),
        ["partners.1.side_funding.propensity: must be between 0 and 1, got -0.1"],
    ),
    (
        "position outside [0, 1]",
        edit(
            "salience: {tech: 1, money: 1}",
            "salience: {tech: 1, money: 1}\n    positions: {tech: 1.5}",
        ),
        ["partners.0.positions.tech: must be between 0 and 1, got 1.5"],
    ),
    (
        "horizon 0",
        edit("horizon_months: 24", "horizon_months: 0"),
        ["s.yaml:2:17: horizon_months: must be between 1 and 1200, got 0"],
    ),
    (
        "duplicate partner names",
        edit("name: B", "name: A"),
        ["s.yaml:9:11: partners.1.name: duplicate name 'A' (also used at partners.0)"],
    ),
    (
        "unknown partner",
        edit("reserved_matters: [budget]", "reserved_matters: [budget]\n  veto_holders: [C]"),
        ["s.yaml:17:18: governance.veto_holders.0: unknown partner 'C' (known: A, B)"],
    ),
    (
        "partner name in the wrong case",
        edit("reserved_matters: [budget]", "reserved_matters: [budget]\n  leader: b"),
        ["governance.leader: unknown partner 'b'", "did you mean 'B'?", "case-sensitive"],
    ),
    (
        "unknown dimension",
        edit("dimensions: [money]", "dimensions: [mony]"),
        ["s.yaml:14:35: agenda.kinds.0.dimensions.0: unknown dimension 'mony'", "'money'?"],
    ),
    (
        "unknown issue kind",
        edit("reserved_matters: [budget]", "reserved_matters: [budjet]"),
        ["governance.reserved_matters.0: unknown issue kind 'budjet'", "did you mean 'budget'?"],
    ),
    (
        "unknown actor in an event",
        edit(
            "agenda:\n",
            "agenda:\n  events:\n    - {type: outside_option, month: 3, partner: Z, change: 0.1}\n",
        ),
        ["agenda.events.0.partner: unknown partner 'Z' (known: A, B)"],
    ),
    (
        "unknown event type",
        edit("agenda:\n", "agenda:\n  events:\n    - {type: merger, month: 3}\n"),
        ["agenda.events.0: unknown type 'merger' (known: issue, capital_call"],
    ),
    (
        "event after the horizon",
        edit("agenda:\n", "agenda:\n  events:\n    - {type: issue, month: 30, kind: budget}\n"),
        ["agenda.events.0.month: month 30 is after the horizon (24 months)"],
    ),
    (
        "misspelt voting rule",
        edit("governance:\n", "governance:\n  reserved: {rule: unanimous}\n"),
        ["governance.reserved.rule: must be one of unanimity,", "did you mean 'unanimity'?"],
    ),
    (
        "qualified majority without threshold",
        edit("governance:\n", "governance:\n  reserved: {rule: qualified_majority}\n"),
        ["governance.reserved: a qualified_majority needs a threshold, e.g. threshold: 0.75"],
    ),
    (
        "stakes summing above 1",
        BASE.replace("stake: 0.5", "stake: 0.6"),
        ["s.yaml:6:3: partners: stakes of partners", "sum to 1.2, more than 1", "lower them"],
    ),
    (
        "fewer than two partners",
        edit("  - name: B\n    stake: 0.5\n    salience: {tech: 1}\n", ""),
        ["s.yaml:6:3: partners: needs at least 2 partners, got 1"],
    ),
    (
        "ten million replications",
        edit("replications: 5", "replications: 10000000"),
        ["s.yaml:3:15: replications: must be between 1 and 1,000,000, got 10,000,000"],
    ),
    (
        "too many partners",
        edit(
            "  - name: B\n    stake: 0.5\n    salience: {tech: 1}\n",
            "".join(f"  - {{name: P{i}, stake: 0}}\n" for i in range(100)),
        ),
        ["partners: has 101 partners; at most 64 are allowed"],
    ),
    (
        "very long text",
        edit("name: tiny", "name: " + "x" * 5000),
        ["name: must be at most 200 characters long, got 5000"],
    ),
    (
        "a number with too many digits",
        edit("replications: 5", "replications: " + "9" * 5000),
        ["s.yaml:3:15:", "a whole number with far too many digits"],
    ),
    (
        "python object tag",
        "name: !!python/object/apply:os.system ['echo hi']\n",
        ["s.yaml:1:7: the tag '!!python/object/apply:os.system' is not allowed", "remove the tag"],
    ),
    (
        "python name tag",
        "name: !!python/name:os.system\n",
        ["'!!python/name:os.system' is not allowed"],
    ),
    ("custom tag", "name: !custom x\n", ["the tag '!custom' is not allowed"]),
    ("binary tag", "name: !!binary aGVsbG8=\n", ["the tag '!!binary' is not allowed"]),
    (
        "billion laughs",
        "a: &a [x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n"
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        ),
        ["s.yaml:", "aliases (*name) expand the document", "billion laughs"],
    ),
    ("alias loop", "name: &a [x, *a]\n", ["s.yaml:1:7:", "a collection that contains it"]),
    ("undefined alias", "name: *nope\n", ["found undefined alias 'nope'", "anchor (&name)"]),
    (
        "deep nesting",
        "name: " + "[" * 100 + "]" * 100 + "\n",
        ["s.yaml:1:46:", "nested more than 40"],
    ),
    (
        "very deep nesting",
        "name: " + "{a: " * 20000 + "1" + "}" * 20000 + "\n",
        ["nested more than 40 levels deep"],
    ),
    ("control character", "name: ti\x01ny\n", ["s.yaml:1:9:", "control character U+0001"]),
    ("not UTF-8", b"name: \xff\xfe bad\n", ["s.yaml:1:7: not UTF-8 text (byte 0xff)", "UTF-8"]),
]


@pytest.mark.parametrize("text,expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_file(tmp_path, capsys, monkeypatch, text, expected):
    write(tmp_path, text)
    monkeypatch.chdir(tmp_path)  # messages name the file as given: s.yaml
    code, out = sim(["validate", "s.yaml"], capsys, monkeypatch)
    assert code == 2
    assert "Traceback" not in out
    for part in expected:
        assert part in out, f"{part!r} not in:\n{out}"
    assert out.startswith("error: ")
    assert message(Path("s.yaml")) in out  # the library and the command say the same


def test_missing_file_suggests_a_neighbour(tmp_path, capsys, monkeypatch):
    write(tmp_path, BASE, "equal_stakes.yaml")
    monkeypatch.chdir(tmp_path)
    code, out = sim(["validate", "equal_stake.yaml"], capsys, monkeypatch)
    assert code == 2
    assert "equal_stake.yaml: no such file; did you mean equal_stakes.yaml?" in out


def test_missing_folder(capsys, monkeypatch):
    code, out = sim(["validate", "/no/such/dir/s.yaml"], capsys, monkeypatch)
    assert code == 2
    assert "no such file (the folder /no/such/dir does not exist either)" in out


def test_a_folder(tmp_path, capsys, monkeypatch):
    code, out = sim(["validate", str(tmp_path)], capsys, monkeypatch)
    assert code == 2
    assert f"{tmp_path}: is a folder; give a scenario .yaml file" in out


def test_not_a_regular_file(capsys, monkeypatch):
    code, out = sim(["validate", "/dev/null"], capsys, monkeypatch)
    assert code == 2
    assert "/dev/null: is not a regular file" in out


def test_tags_never_run_code(tmp_path):
    marker = tmp_path / "ran"
    path = write(tmp_path, f"name: !!python/object/apply:os.system ['touch {marker}']\n")
    assert "is not allowed" in message(path)
    assert not marker.exists()


def test_a_million_partners_is_refused_quickly(tmp_path):
    head = "name: big\ndimensions: [a]\nagenda: {kinds: [{name: k, dimensions: [a]}]}\npartners:\n"
    rows = [f"  - {{name: P{i}, stake: 0}}\n" for i in range(1_000_000)]
    huge = write(tmp_path, head + "".join(rows), "huge.yaml")
    start = time.perf_counter()
    assert "is larger than 1,000,000 bytes" in message(huge)
    # Just under the size limit: refused when the values are counted, before building.
    fits = write(tmp_path, head + "".join(rows[:30_000]), "fits.yaml")
    assert fits.stat().st_size < 1_000_000
    text = message(fits)
    assert "fits.yaml:" in text and "more than 50,000 values" in text
    assert time.perf_counter() - start < 20


def test_many_problems_are_counted_not_all_listed(tmp_path):
    partners = "".join(f"  - {{name: P{i}, stake: -1}}\n" for i in range(40))
    path = write(
        tmp_path,
        "name: x\ndimensions: [a]\nagenda: {kinds: [{name: k, dimensions: [a]}]}\n"
        f"partners:\n{partners}",
    )
    text = message(path)
    assert text.startswith("40 problems:")
    assert f"... and {40 - MAX_SHOWN} more (fix these first)" in text
    assert len(text.splitlines()) == MAX_SHOWN + 2


# -- options of the commands ------------------------------------------------------------

OPTION_CASES = [
    (["run", "{f}", "-n", "0"], "--replications must be at least 1, got 0"),
    (["run", "{f}", "-n", "-5"], "--replications must be at least 1, got -5"),
    (["run", "{f}", "-n", "10000000"], "--replications is 10,000,000; the limit is 1,000,000"),
    (["run", "{f}", "-n", "abc"], "Invalid value for '-n' / '--replications'"),
    (["run", "{f}", "-j", "0"], "--workers must be at least 1, got 0"),
    (["run", "{f}", "--seed", "-1"], "--seed must be between 0 and 2^63-1, got -1"),
    (["run", "{f}", "--bogus"], "No such option: --bogus"),
    (["run"], "Missing argument 'scenario'"),
    (["nosuch"], "No such command 'nosuch'"),
    (["validate", "{f}", "extra"], "unexpected extra argument"),
    (
        ["power", "--weights", "1,x", "--quota", "2"],
        "--weights must be numbers separated by commas",
    ),
    (["power", "--weights", "1,2"], "give a scenario file, or both --quota and --weights"),
    (["power", "{f}", "--quota", "3"], "give either a scenario or --quota and --weights"),
]


@pytest.mark.parametrize("argv,expected", OPTION_CASES, ids=[" ".join(c[0]) for c in OPTION_CASES])
def test_bad_option(tmp_path, capsys, monkeypatch, argv, expected):
    f = write(tmp_path, BASE)
    code, out = sim([a.format(f=f) for a in argv], capsys, monkeypatch)
    assert code == 2
    assert expected in out
    assert "Traceback" not in out and "this is a bug" not in out


def test_results_are_never_overwritten(tmp_path, capsys, monkeypatch):
    f = write(tmp_path, BASE)
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "summary.json").write_text("precious")
    code, out = sim(["run", str(f), "-n", "2", "-j", "1", "-o", str(folder)], capsys, monkeypatch)
    assert code == 2
    assert "already exists and is not empty" in out and "results are never overwritten" in out
    assert (folder / "summary.json").read_text() == "precious"
    assert sorted(p.name for p in folder.iterdir()) == ["summary.json"]


@pytest.mark.parametrize("command", ["run", "compare", "sweep"])
def test_a_full_results_folder_is_refused_before_the_engine_compiles(tmp_path, command):
    """A non-empty -o is an input error found at once, not after a minute of compiling."""
    import os
    import subprocess
    import sys

    f = write(tmp_path, BASE)
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "summary.json").write_text("precious")
    cache = tmp_path / "cache"  # an empty compile cache: the fast engine would compile here
    extra = {"compare": [str(f)], "sweep": ["--set", "horizon_months=12,24"]}.get(command, [])
    res = subprocess.run(
        [sys.executable, "-m", "sim", command, str(f), *extra, "-n", "2", "-o", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "CONSORTIUM_SIM_CACHE": str(cache)},
    )
    assert res.returncode == 2, res.stderr
    assert "results are never overwritten" in res.stderr
    assert not cache.exists() or not any(cache.rglob("*.nbi"))  # nothing was compiled
    assert (folder / "summary.json").read_text() == "precious"


# -- every command answers a bad scenario the same way ----------------------------------

COMMANDS = {
    "validate": ["validate", "{f}"],
    "run": ["run", "{f}", "-n", "2", "-o", "{out}"],
    "power": ["power", "{f}"],
    "trace": ["trace", "{f}", "--seed", "1"],
    "compare": ["compare", "{good}", "{f}"],
    "sweep": ["sweep", "{f}", "--set", "horizon_months=12,24"],
    "viz": ["viz", "{f}", "--port", "1"],
    "play": ["play", "{f}", "--port", "1"],
    "backtest": ["backtest", "{dir}", "-n", "2", "-o", "{out}"],
}


@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_locates_the_problem(tmp_path, capsys, monkeypatch, command):
    from sim.cli.app import app

    names = {c.name or c.callback.__name__ for c in app.registered_commands}
    assert command in names
    if command == "viz":
        pytest.importorskip("solara", reason="sim viz checks its extra before the scenario")
    if command == "play":
        pytest.importorskip("uvicorn", reason="sim play checks its extra before the scenario")
    cases = tmp_path / "cases"
    cases.mkdir()
    f = write(cases, edit("    salience: {tech: 1}", "    salince: {tech: 1}"), "bad.yaml")
    good = write(tmp_path, BASE, "good.yaml")
    argv = [a.format(f=f, good=good, out=tmp_path / "out", dir=cases) for a in COMMANDS[command]]
    code, out = sim(argv, capsys, monkeypatch)
    assert code == 2, out
    assert (
        "bad.yaml:11:5: partners.1.salince: unknown key 'salince'; did you mean 'salience'?" in out
    )
    assert not (tmp_path / "out").exists()  # nothing was started


# -- the installed script, as a user runs it --------------------------------------------


@pytest.mark.parametrize(
    "text,expected",
    [
        (
            edit("stake: 0.5", "stake: -0.5"),
            "s.yaml:7:12: partners.0.stake: must be between 0 and 1",
        ),
        ("name: !!python/object/apply:os.system ['echo hi']\n", "is not allowed"),
        ("- a\n", "the document is a list"),
    ],
)
def test_console_script(tmp_path, text, expected):
    write(tmp_path, text)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [str(SIM), "validate", "s.yaml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 2
    assert expected in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_console_script_refuses_ten_million_replications(tmp_path):
    write(tmp_path, BASE)
    done = subprocess.run(
        [str(SIM), "run", "s.yaml", "-n", "10000000"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "--replications is 10,000,000; the limit is 1,000,000" in done.stderr
    assert not (tmp_path / "results").exists()


def test_one_validate_lists_field_and_cross_reference_problems_together(tmp_path):
    # A field error (tolerance 5) no longer hides the cross-field ones: duplicate names,
    # an unknown dimension, an unknown veto holder are all reported in the same run.
    bad = tmp_path / "many.yaml"
    bad.write_text(
        "name: x\ndimensions: [x]\npartners:\n"
        "  - {name: A, stake: 0.3, salience: {y: 1}}\n"
        "  - {name: A, stake: 0.3, veto: {tolerance: 5}}\n"
        "agenda:\n  kinds: [{name: k, dimensions: [x]}]\n"
        "governance: {veto_holders: [Z]}\n"
    )
    from sim.errors import InputError
    from sim.scenario.loader import load_scenario

    try:
        load_scenario(bad)
    except InputError as exc:
        text = exc.render()
    else:
        raise AssertionError("the scenario should not validate")
    assert "4 problems" in text
    assert "partners.1.veto.tolerance: must be between 0 and 1, got 5" in text
    assert "partners.1.name: duplicate name 'A'" in text
    assert "partners.0.salience.y: unknown dimension 'y'" in text
    assert "governance.veto_holders.0: unknown partner 'Z' (known: A)" in text


def test_a_missing_required_field_does_not_invent_reference_problems(tmp_path):
    bad = tmp_path / "missing.yaml"
    bad.write_text(
        "name: x\ndimensions: [x]\npartners:\n  - {name: A}\n  - {name: B, stake: 0.1}\n"
        "agenda:\n  kinds: [{name: k, dimensions: [x]}]\ngovernance: {veto_holders: [A]}\n"
    )
    from sim.errors import InputError
    from sim.scenario.loader import load_scenario

    try:
        load_scenario(bad)
    except InputError as exc:
        assert len(exc.problems) == 1 and "partners.0.stake" in exc.render()
    else:
        raise AssertionError("the scenario should not validate")
