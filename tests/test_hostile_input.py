"""Hostile input, second round (issue 18): names, numbers and options a hostile user tries.

Each case runs the real entry point and checks that it ends in a clean run or in exit 2
with a located message, never in "this is a bug"; user text is shown as written in the
console, the reports and the trace. The generated families around these cases are in
``tests/test_hostile_fuzz.py``; damaged results folders in ``tests/test_damaged_results.py``.
"""

from __future__ import annotations

import json
import re

import pytest
from hostile import FULL, full_data, sim, write_yaml

from sim.errors import InputError
from sim.scenario.loader import load_scenario

# -- names and titles that cannot be shown as written are refused where they are ------

BAD_NAMES = [
    ("newline", "A\nB", "holds U+000A (newline) at character 2, a line break; write it on one"),
    ("NUL", "A\0", "holds U+0000 (NUL) at character 2, a control character; remove it"),
    ("ANSI escape", "\x1b[31mA", "holds U+001B (escape) at character 1, a control character"),
    (
        "right-to-left mark",
        "A\u200f",
        "holds U+200F (RIGHT-TO-LEFT MARK) at character 2, an invisible",
    ),
    ("bidi override", "\u202eAB", "holds U+202E (RIGHT-TO-LEFT OVERRIDE) at character 1"),
    ("zero-width joiner", "A\u200dB", "holds U+200D (ZERO WIDTH JOINER) at character 2"),
    ("line separator", "A\u2028B", "holds U+2028 (LINE SEPARATOR) at character 2, a line break"),
    ("slash", "A/B", "holds '/' at character 2; names become file and column names"),
    ("backslash", "..\\x", "holds '\\' at character 3; names become file and column names"),
    ("markup with a slash", "[/b]", "holds '/' at character 2"),
    ("leading space", " A", "starts or ends with a space; remove it"),
]


@pytest.mark.parametrize("name,expected", [c[1:] for c in BAD_NAMES], ids=[c[0] for c in BAD_NAMES])
def test_a_name_that_cannot_be_shown_as_written_is_refused_where_it_is(
    tmp_path, capsys, monkeypatch, name, expected
):
    data = full_data()
    data["partners"][1]["name"] = name
    code, out = sim(["validate", write_yaml(tmp_path, data)], capsys, monkeypatch)
    assert code == 2, out
    assert "s.yaml:" in out and "partners.1.name: " + expected in out
    assert "\x1b" not in out and "\0" not in out  # the message itself is safe to print


@pytest.mark.parametrize(
    "where,value,expected",
    [
        (("agenda", "kinds", 0, "name"), "bud\nget", "agenda.kinds.0.name: holds U+000A"),
        (("dimensions", 0), "te/ch", "dimensions.0: holds '/'"),
        (("agenda", "events", 0, "title"), "T\x1b[2J", "agenda.events.0.title: holds U+001B"),
        (("name",), "x\u202e", "name: holds U+202E"),
        (("currency",), "¥\0", "currency: holds U+0000"),
        (("description",), "ok\n\tstill ok\x07", "description: holds U+0007"),
    ],
)
def test_other_names_and_titles_are_checked_too(tmp_path, where, value, expected):
    data = full_data()
    node = data
    for key in where[:-1]:
        node = node[key]
    node[where[-1]] = value
    with pytest.raises(InputError) as err:
        load_scenario(write_yaml(tmp_path, data))
    assert expected in err.value.render()


def test_titles_may_hold_slashes_and_descriptions_newlines(tmp_path):
    data = full_data()
    data["agenda"]["events"][0]["title"] = "Budget 1/2 [/x]"
    data["description"] = "Line one\n\tLine two"
    assert load_scenario(write_yaml(tmp_path, data)).scenario.description.count("\n") == 1


def test_a_message_quotes_invisible_characters_as_escapes(tmp_path):
    data = full_data()
    data["governance"]["veto_holders"] = ["\x1b[2J\u202e"]
    with pytest.raises(InputError) as err:
        load_scenario(write_yaml(tmp_path, data))
    text = str(err.value.problems[0])
    assert "unknown partner '\\u001b[2J\\u202e'" in text
    assert "\x1b" not in text and "\u202e" not in text


# -- console markup, Markdown, HTML and maths in names are shown literally -------------

MARKUP = {
    "name": "tiny [b] [bold]x[/] :smile:",
    "partner": "[bold]A",
    "kind": "bud[i]get",
    "title": "[/x] title $y$",
}


def marked_up(tmp_path):
    text = (
        FULL.replace("name: hostile", f"name: {json.dumps(MARKUP['name'])}")
        .replace("  - name: A\n", f"  - name: {json.dumps(MARKUP['partner'])}\n")
        .replace("partner: A,", f"partner: {json.dumps(MARKUP['partner'])},")
        .replace("leader: A", f"leader: {json.dumps(MARKUP['partner'])}")
        .replace("name: budget", f"name: {json.dumps(MARKUP['kind'])}")
        .replace("kind: budget", f"kind: {json.dumps(MARKUP['kind'])}")
        .replace("[budget]", f"[{json.dumps(MARKUP['kind'])}]")
        .replace('title: "First budget"', f"title: {json.dumps(MARKUP['title'])}")
    )
    return write_yaml(tmp_path, text)


@pytest.mark.parametrize("command", ["run", "power", "trace", "compare", "sweep", "viz"])
def test_console_markup_in_names_and_titles_is_printed_literally(
    tmp_path, capsys, monkeypatch, command
):
    f = marked_up(tmp_path)
    g = f.rename(tmp_path / "[b]x[i]:smile:.yaml")  # comparison labels are file names
    argv = {
        "run": ["run", g, "-n", "3", "-j", "1", "-o", tmp_path / "out"],
        "power": ["power", g],
        "trace": ["trace", g, "--seed", "3"],
        "compare": ["compare", g, g, "-n", "2", "-j", "1", "-o", tmp_path / "out"],
        "sweep": [
            "sweep",
            g,
            "--set",
            "governance.leader=[bold]A,B",
            "-n",
            "2",
            "-j",
            "1",
            "-o",
            tmp_path / "out",
        ],
        "viz": ["viz", g, "--port", "8999"],
    }[command]
    if command == "viz":
        from sim.cli import viz as viz_command

        monkeypatch.setattr(viz_command, "serve", lambda cmd, env: 0)  # no server
        monkeypatch.setattr("importlib.util.find_spec", lambda name: object())
    monkeypatch.setenv("COLUMNS", "400")  # no wrapping: names are found whole
    code, out = sim(argv, capsys, monkeypatch)
    assert code == 0, out
    assert "this is a bug" not in out
    shown = {
        "run": [MARKUP["name"], MARKUP["partner"], g.name],
        "power": [MARKUP["partner"]],
        "trace": [MARKUP["partner"], MARKUP["title"]],
        "compare": ["[b]x[i]:smile: (2)"],
        "sweep": [MARKUP["partner"]],
        "viz": [MARKUP["name"]],
    }[command]
    for text in shown:
        assert text in out, text


def test_reports_show_html_markdown_and_maths_in_names_as_written(tmp_path, capsys, monkeypatch):
    data = full_data()
    data["name"] = "T <script>alert(1)</script> *em* | $x^$"
    data["partners"][0]["name"] = "A $x_{$ <img src=x onerror=alert(1)> *e* & #1"
    data["governance"]["leader"] = data["partners"][0]["name"]
    data["agenda"]["events"][2]["partner"] = data["partners"][0]["name"]
    data["agenda"]["events"][0]["title"] = "# <b>t</b> **z** [l](http://e)"
    out = tmp_path / "out"
    code, text = sim(
        ["run", write_yaml(tmp_path, data), "-n", "3", "-j", "1", "-o", out], capsys, monkeypatch
    )
    assert code == 0, text
    page = (out / "report.html").read_text("utf-8")
    assert "<script>" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    md = (out / "report.md").read_text("utf-8")
    assert "# T \\<script>alert(1)\\</script> \\*em\\* \\| \\$x^\\$" in md
    assert "A \\$x\\_{\\$ \\<img src=x onerror=alert(1)> \\*e\\* & #1" in md
    assert (out / "influence.png").stat().st_size > 0  # '$x_{$' did not break the plots
    code, trace = sim(
        ["trace", write_yaml(tmp_path, data), "--seed", "1", "--format", "md"], capsys, monkeypatch
    )
    assert code == 0 and "\\<img src=x onerror=alert(1)>" in trace
    assert not re.search(r"(?<!\\)<", trace)  # every '<' escaped


# -- numbers: absurd values refused with what was meant; doubtful ones warned about ----

ABSURD = [
    (
        ("partners", 0, "capital"),
        1.0e308,
        "partners.0.capital: must be between 0 and "
        "1,000,000,000,000, got 1e+308; amounts are counted in the scenario's currency units",
    ),
    (("agenda", "events", 1, "amount"), 1e20, "agenda.events.1.amount: must be between 0 and"),
    (("dynamics", "valuation"), 1e13, "dynamics.valuation: must be between 0 and"),
    (
        ("dynamics", "influence", "pass_gain"),
        1e300,
        "dynamics.influence.pass_gain: must be between 0 and 1000, got 1e+300; the defaults are",
    ),
    (("dynamics", "influence", "capital_gain"), 1e9, "capital_gain: must be between 0 and 1000"),
    (("agenda", "kinds", 0, "weight"), 1e300, "weights are relative (only their ratios matter)"),
    (
        ("partners", 0, "salience", "tech"),
        1e300,
        "partners.0.salience.tech: must be between 0 and 1,000,000, got 1e+300; saliences are "
        "relative weights",
    ),
    (("partners", 0, "side_funding", "cost_per_importance"), 1e15, "cost_per_importance: must"),
    (("partners", 0, "capital"), float("nan"), "partners.0.capital: must be a finite number"),
]


@pytest.mark.parametrize(
    "where,value,expected", ABSURD, ids=[".".join(map(str, c[0])) + f"={c[1]}" for c in ABSURD]
)
def test_an_absurd_number_is_refused_with_what_was_meant(
    tmp_path, capsys, monkeypatch, where, value, expected
):
    data = full_data()
    node = data
    for key in where[:-1]:
        node = node.setdefault(key, {}) if isinstance(node, dict) else node[key]
    node[where[-1]] = value
    code, out = sim(
        ["run", write_yaml(tmp_path, data), "-n", "2", "-o", tmp_path / "out"], capsys, monkeypatch
    )
    assert code == 2, out
    assert "s.yaml:" in out and expected in out
    assert not (tmp_path / "out").exists()


def test_a_huge_influence_gain_within_the_limit_runs(tmp_path, capsys, monkeypatch):
    data = full_data()
    for gain in ("pass_gain", "proximity_gain", "capital_gain", "side_funding_gain"):
        data.setdefault("dynamics", {}).setdefault("influence", {})[gain] = 1000
    code, out = sim(
        ["run", write_yaml(tmp_path, data), "-n", "3", "-j", "1", "-o", tmp_path / "out"],
        capsys,
        monkeypatch,
    )
    assert code == 0, out


def test_a_capital_call_larger_than_all_capital_is_a_located_warning(tmp_path, capsys, monkeypatch):
    data = full_data()
    data["agenda"]["events"][1]["amount"] = 500
    path = write_yaml(tmp_path, data)
    code, out = sim(["validate", path], capsys, monkeypatch)
    assert code == 0, out
    line = next(ln for ln in out.splitlines() if ln.startswith("warning:"))
    assert (
        "s.yaml:" in line and "agenda.events.1.amount: the call for 500 units is more than" in line
    )
    assert "all the capital that could answer it (120 units" in line
    code, out = sim(
        ["run", path, "-n", "2", "-j", "1", "-o", tmp_path / "out"], capsys, monkeypatch
    )
    assert code == 0 and "warning:" in out  # a stress test may mean it: the run goes on


# -- options ------------------------------------------------------------------------------

OPTIONS = [
    (
        ["sweep", "{f}", "--set", "horizon_months=nan:12:1"],
        "the start is 'nan', which is not a number",
    ),
    (
        ["sweep", "{f}", "--set", "dynamics.valuation=1:inf:1"],
        "the stop is 'inf', which is infinite",
    ),
    (["sweep", "{f}", "--set", "dynamics.valuation=1:1e400:1"], "which is infinite or too large"),
    (["sweep", "{f}", "--set", "dynamics.valuation=.nan:2:1"], "the start '.nan' is not a number"),
    (["sweep", "{f}", "--set", "dynamics.valuation=-1e308:1e308:1e-300"], "more than 1,000 values"),
    (["sweep", "{f}", "--set", "horizon_months=1:" + "9" * 400 + ":1"], "more than 1,000 values"),
    (["sweep", "{f}", "--set", "dynamics.valuation=1e308,1e400"], "point 2 of 2"),
    (
        ["run", "{f}", "--executor", "dask", "--scheduler", "not a url"],
        "--scheduler 'not a url' is not a scheduler address; write it as tcp://HOST:PORT",
    ),
    (["run", "{f}", "--executor", "dask", "--scheduler", "tcp://h:99999"], "port 99999 is not"),
    (["run", "{f}", "--executor", "dask", "--scheduler", "http://h:80"], "unknown protocol"),
    (["trace", "{f}", "--seed", "1", "-o", "{dir}"], "is a folder; give a file name inside it"),
    (["trace", "{f}", "--seed", "1", "-o", "{f}"], "already exists; a trace never overwrites"),
    (
        ["power", "--weights", "1,2", "--quota", "2", "--names", "a\x1b[31m,b"],
        "--names: name 1 'a\\x1b[31m' holds U+001B",
    ),
]


@pytest.mark.parametrize("argv,expected", OPTIONS, ids=[" ".join(c[0])[:60] for c in OPTIONS])
def test_a_bad_option_value_is_refused_before_any_work(
    tmp_path, capsys, monkeypatch, argv, expected
):
    f = write_yaml(tmp_path, FULL)
    before = sorted(p.name for p in tmp_path.iterdir())
    code, out = sim([a.format(f=f, dir=tmp_path) for a in argv], capsys, monkeypatch)
    assert code == 2, out
    assert expected in out and "this is a bug" not in out
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing made, nothing lost
    assert f.read_text("utf-8") == FULL


def test_o_at_an_existing_empty_folder_is_used(tmp_path, capsys, monkeypatch):
    out = tmp_path / "empty"
    out.mkdir()
    code, text = sim(
        ["run", write_yaml(tmp_path, FULL), "-n", "2", "-j", "1", "-o", out], capsys, monkeypatch
    )
    assert code == 0, text
    assert (out / "summary.json").is_file()


def test_designs_whose_names_are_the_same_as_file_names_do_not_overwrite_each_other(
    tmp_path, capsys, monkeypatch
):
    a = write_yaml(tmp_path, FULL, "a b.yaml")
    b = write_yaml(tmp_path, FULL.replace("horizon_months: 12", "horizon_months: 6"), "a_b.yaml")
    out = tmp_path / "out"
    code, text = sim(["compare", a, b, "-n", "2", "-j", "1", "-o", out], capsys, monkeypatch)
    assert code == 0, text
    designs = sorted(p.name for p in (out / "designs").iterdir())
    assert designs == ["a_b", "a_b-2"]
    months = {
        d: json.loads((out / "designs" / d / "summary.json").read_text())["horizon_months"]
        for d in designs
    }
    assert months == {"a_b": 12, "a_b-2": 6}


def test_a_stopped_run_of_a_file_with_braces_in_its_name_says_how_to_resume(
    tmp_path, capsys, monkeypatch
):
    from sim.experiment import study
    from sim.experiment.signals import Interrupted

    def stopped(*args, **kwargs):
        raise Interrupted(tmp_path / "out", 130)

    monkeypatch.setattr(study, "run_study", stopped)
    f = write_yaml(tmp_path, FULL, "{x} it's.yaml")
    code, out = sim(["run", f, "-n", "2"], capsys, monkeypatch)
    assert code == 130, out
    assert f"resume with: sim run '{tmp_path}/{{x}} it'\"'\"'s.yaml' --resume {tmp_path}/out" in out
