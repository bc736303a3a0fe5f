"""Generated families around the hostile cases (issue 18), with Hypothesis.

- any Unicode text as a partner, kind or dimension name, a title, the scenario's name,
  currency or description: a scenario, or an :class:`InputError` whose every problem is
  located and prints safely; an accepted name is shown as written in the console table,
  Markdown and HTML (and, in the slow test, by a real ``sim run``: tables, plots, report);
- any float or integer in any numeric field: a located error, or a model that runs and
  a summary whose tables print (the slow test also draws the pictures);
- any bytes, or a mutation of the real bytes, in any file ``--resume`` reads (manifest,
  checkpoint, both CSVs, the summary of a complete run), and any JSON in the manifest:
  the run resumes, or exit 2 naming the folder with nothing in it changed.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hostile import (
    FULL,
    complete_run,
    full_data,
    interrupted_run,
    number_paths,
    sim,
    snapshot,
    write_yaml,
)
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sim.errors import INVISIBLE, InputError
from sim.scenario.loader import validate_mapping

FUZZ = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SLOW = settings(FUZZ, max_examples=3)  # a real run with pictures takes 2-6 s

#: Pieces a hostile user tries, mixed into arbitrary text.
HOSTILE = [
    "[/b]",
    "[bold]",
    "[/]",
    "[b]",
    ":smile:",
    "$",
    "$x_{$",
    "<script>",
    "&amp;",
    "*",
    "_",
    "`",
    "|",
    "#",
    "\\",
    "/",
    "..",
    "\n",
    "\r",
    "\t",
    "\0",
    "\x1b[31m",
    "\u200f",
    "\u202e",
    "\u2066",
    "\u200d",
    "\ufeff",
    "\u2028",
    " ",
    "\u00a0",
    "é",
    "e\u0301",
    "日本",
    "🙂",
]
texts = st.lists(st.sampled_from(HOSTILE) | st.text(max_size=6), max_size=6).map("".join) | st.text(
    max_size=40
)
visible = (
    st.text(
        alphabet=st.characters(
            blacklist_categories=tuple(INVISIBLE), blacklist_characters="/\\", codec="utf-8"
        ),
        min_size=1,
        max_size=24,
    )
    .map(str.strip)
    .filter(bool)
)
FIELDS = ["partner", "kind", "dimension", "title", "name", "currency", "description"]


def with_text(field: str, text: str) -> dict:
    """The full scenario with ``text`` in one field (references renamed with it)."""
    data = full_data()
    if field == "partner":
        data["partners"][0]["name"] = data["governance"]["leader"] = text
        data["agenda"]["events"][2]["partner"] = text
    elif field == "kind":
        data["agenda"]["kinds"][0]["name"] = data["agenda"]["events"][0]["kind"] = text
        data["governance"]["reserved_matters"] = [text]
    elif field == "dimension":
        data["dimensions"][0] = text
        data["agenda"]["kinds"][1]["dimensions"] = [text]
        for p in data["partners"]:
            for key in ("positions", "salience", "expertise"):
                if "tech" in p.get(key, {}):
                    p[key][text] = p[key].pop("tech")
    elif field == "title":
        data["agenda"]["events"][0]["title"] = text
    else:
        data[field] = text
    return data


def assert_located(err: InputError) -> None:
    for p in err.problems:
        shown = str(p)
        assert p.message and p.path, shown
        assert all(unicodedata.category(c) not in INVISIBLE for c in shown), repr(shown)


@FUZZ
@given(field=st.sampled_from(FIELDS), text=texts)
def test_any_text_gives_a_scenario_or_a_located_error_and_is_shown_as_written(
    field, text, capsys, monkeypatch
):
    try:
        scenario = validate_mapping(with_text(field, text), file="s.yaml")
    except InputError as err:
        assert_located(err)
        return
    if field in ("partner", "kind", "dimension"):
        assert text == text.strip() and "/" not in text and "\\" not in text
    if field != "description":
        assert all(unicodedata.category(c) not in INVISIBLE for c in text)
    from sim.cli.render import power_table
    from sim.formal import game_from_scenario
    from sim.reports.document import Document, md_escape

    if field == "partner":
        monkeypatch.setenv("COLUMNS", "1000")
        for title, report in game_from_scenario(scenario):
            power_table(report, title)
        assert text in capsys.readouterr().out
    escaped = md_escape(text)
    assert re.sub(r"\\(.)", r"\1", escaped) == text  # every escape undone gives the text
    assert not re.search(r"(?<!\\)[<*`|$~]", escaped) and "](" not in escaped  # nothing active
    doc = Document(text)
    doc.table(["Name"], [[text]])
    if "`" not in text and "**" not in text:  # the report's own marks (see docs)
        assert html.escape(text) in doc.html(Path("."))


# -- numbers ---------------------------------------------------------------------------


PATHS = [p for p in number_paths(empty=True) if p[-1] != "seed"]
numbers = (
    st.floats()
    | st.integers(-(2**70), 2**70)
    | st.sampled_from([1.0e308, -1.0e308, 5e-324, 1e-300, 0.0, -0.0, 1e12, 1e12 + 1, 2**63])
)


def set_at(data: dict, path: tuple, value: object) -> None:
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


def run_briefly(scenario, folder: Path | None = None) -> None:
    """Two replications, the summary, its tables (and the pictures when ``folder``)."""
    from sim.cli.render import power_gap_table, summary_table
    from sim.experiment.results import _finite
    from sim.experiment.runner import run_experiment
    from sim.experiment.summary import summarise

    exp = run_experiment(scenario, 2, 11, 1, executor="serial")
    assert not exp.totals.failures, exp.totals.first_failure
    summary = summarise(exp, "s.yaml")
    json.dumps(_finite(summary), allow_nan=False)
    summary_table(summary)
    power_gap_table(summary)
    if folder is not None:
        from sim.reports.plots import run_plots

        run_plots(folder, exp, summary)


@FUZZ
@given(changes=st.lists(st.tuples(st.sampled_from(PATHS), numbers), min_size=1, max_size=3))
def test_any_number_in_any_numeric_field_gives_a_run_or_a_located_error(changes, capsys):
    data = validate_mapping(full_data()).model_dump(mode="json")
    for path, value in changes:
        set_at(data, path, value)
    try:
        scenario = validate_mapping(data, file="s.yaml")
    except InputError as err:
        assert_located(err)
        return
    run_briefly(scenario)
    capsys.readouterr()


@pytest.mark.slow
@SLOW
@given(path=st.sampled_from(PATHS), value=numbers)
def test_any_accepted_number_also_draws_its_pictures(path, value, capsys):
    data = validate_mapping(full_data()).model_dump(mode="json")
    set_at(data, path, value)
    try:
        scenario = validate_mapping(data)
    except InputError:
        assume(False)
        return
    with tempfile.TemporaryDirectory() as tmp:
        run_briefly(scenario, Path(tmp))
    capsys.readouterr()


@pytest.mark.slow
@SLOW
@given(name=visible | st.lists(st.sampled_from(HOSTILE[:18]) | visible, min_size=1).map("".join))
def test_any_accepted_name_goes_through_a_real_run(name, capsys, monkeypatch):
    data = with_text("partner", name)
    try:
        validate_mapping(data)
    except InputError:
        assume(False)
    from sim.reports.document import md_escape

    monkeypatch.setenv("COLUMNS", "1000")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        code, text = sim(
            ["run", write_yaml(Path(tmp), data), "-n", "2", "-j", "1", "-o", out],
            capsys,
            monkeypatch,
        )
        assert code == 0, text
        assert name in text
        assert html.escape(name) in (out / "report.html").read_text("utf-8") or "`" in name
        assert md_escape(name) in (out / "report.md").read_text("utf-8") or "`" in name


# -- every file a resume reads -----------------------------------------------------------


@pytest.fixture(scope="module")
def kept(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("kept")
    scenario = write_yaml(root, FULL)
    return {
        "scenario": scenario,
        "stopped": interrupted_run(scenario, root / "stopped"),
        "complete": complete_run(scenario, root / "complete"),
    }


@st.composite
def damaged(draw, original: bytes) -> bytes:
    """Random bytes, or the real bytes truncated, with a byte changed, or with bytes added."""
    how = draw(st.sampled_from(["random", "truncate", "change", "insert"]))
    if how == "random" or not original:
        return draw(st.binary(max_size=2000))
    at = draw(st.integers(0, len(original) - 1))
    if how == "truncate":
        return original[:at]
    if how == "change":
        return original[:at] + bytes([draw(st.integers(0, 255))]) + original[at + 1 :]
    return original[:at] + draw(st.binary(min_size=1, max_size=20)) + original[at:]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)

FILES = [
    ("stopped", "manifest.json"),
    ("stopped", "checkpoint.npz"),
    ("stopped", "runs.csv"),
    ("stopped", "failures.csv"),
    ("complete", "manifest.json"),
    ("complete", "summary.json"),
]


def resume_cleanly(kept: dict[str, Path], which: str, change, capsys, monkeypatch) -> None:
    """Resume a copy of a kept folder after ``change(folder)``; check the contract."""
    from sim.reports import report

    monkeypatch.setattr(report, "run_report", lambda *a: [])  # no pictures: not what is tested
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / which
        shutil.copytree(kept[which], folder)
        change(folder)
        before = snapshot(folder)
        code, out = sim(
            ["run", kept["scenario"], "--resume", folder, "-j", "1"], capsys, monkeypatch
        )
        assert code in (0, 2), out
        assert "this is a bug" not in out
        if code == 2:
            assert str(folder) in out and snapshot(folder) == before, out
        else:
            manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
            assert manifest["status"] == "complete" and (folder / "summary.json").is_file()


@settings(FUZZ, max_examples=150)
@given(data=st.data(), which_file=st.sampled_from(FILES))
def test_any_bytes_in_any_file_a_resume_reads(kept, data, which_file, capsys, monkeypatch):
    which, name = which_file
    original = (kept[which] / name).read_bytes()
    new = data.draw(damaged(original))

    def change(folder: Path) -> None:
        (folder / name).write_bytes(new)

    resume_cleanly(kept, which, change, capsys, monkeypatch)


@settings(FUZZ, max_examples=100)
@given(
    which=st.sampled_from(["stopped", "complete"]),
    key=st.sampled_from(
        [
            "replications",
            "seed",
            "status",
            "resumed",
            "scenario_sha256",
            "summary_sha256",
            "started",
        ]
    ),
    value=json_values,
    whole=st.booleans(),
)
def test_any_json_in_the_manifest(kept, which, key, value, whole, capsys, monkeypatch):
    def change(folder: Path) -> None:
        path = folder / "manifest.json"
        manifest = json.loads(path.read_text("utf-8"))
        manifest[key] = value
        path.write_text(json.dumps(value if whole else manifest), "utf-8")

    resume_cleanly(kept, which, change, capsys, monkeypatch)
