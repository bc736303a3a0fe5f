"""Loader fuzzing: any text or bytes gives a valid scenario or a clean, located error.

Documents are generated valid (from :mod:`tests.scenario_strategies`), nearly valid (a
valid document with its text mutated: characters deleted, YAML punctuation inserted,
lines duplicated or re-indented; or one value replaced by a value of another type), and
garbage (any text, any bytes, any plain YAML data). The loader must answer each with a
:class:`~sim.scenario.schema.Scenario` or an :class:`~sim.errors.InputError` whose every
problem says what is wrong; nothing else may escape.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scenario_strategies import scenarios

from sim.errors import InputError
from sim.scenario.loader import load_scenario, validate_mapping
from sim.scenario.schema import Scenario

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PUNCTUATION = list("[]{}:,-&*!|>'\"#%@`?\t\n ") + ["---", "!!python/object:os.system", "*a", "&a"]


def load_bytes(raw: bytes) -> Scenario | InputError:
    """Load bytes through the real file path; return the scenario or the error."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.yaml"
        path.write_bytes(raw)
        try:
            return load_scenario(path).scenario
        except InputError as err:
            return err


def assert_clean(result: Scenario | InputError) -> None:
    if isinstance(result, Scenario):
        return
    assert result.problems, "an error with no problem"
    for problem in result.problems:
        assert problem.message.strip()
        assert problem.file.endswith("fuzz.yaml")
        assert problem.line >= 0 and problem.column >= 0
        assert "Traceback" not in str(problem)
    assert result.render().count("\n") >= 1


@FUZZ
@given(data=scenarios())
def test_valid_documents_load_as_the_same_scenario(data):
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    result = load_bytes(text.encode("utf-8"))
    assert isinstance(result, Scenario), result
    assert result == validate_mapping(data)


@st.composite
def mutated(draw) -> str:
    """A valid document's text with a few edits of the kinds typing slips make."""
    text = yaml.safe_dump(draw(scenarios(max_partners=3)), sort_keys=False)
    for _ in range(draw(st.integers(1, 3))):
        lines = text.splitlines(keepends=True)
        at = draw(st.integers(0, max(0, len(text) - 1)))
        row = draw(st.integers(0, len(lines) - 1))
        edit = draw(st.sampled_from(["delete", "insert", "duplicate", "indent", "swap"]))
        if edit == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 8)) :]
        elif edit == "insert":
            text = text[:at] + draw(st.sampled_from(PUNCTUATION)) + text[at:]
        elif edit == "duplicate":
            lines.insert(row, lines[row])
            text = "".join(lines)
        elif edit == "indent":
            lines[row] = draw(st.sampled_from([" ", "   ", "\t", ""])) + lines[row].lstrip()
            text = "".join(lines)
        else:
            other = draw(st.integers(0, len(lines) - 1))
            lines[row], lines[other] = lines[other], lines[row]
            text = "".join(lines)
    return text


@FUZZ
@given(text=mutated())
def test_nearly_valid_text_gives_a_scenario_or_a_clean_error(text):
    assert_clean(load_bytes(text.encode("utf-8")))


plain = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)


@st.composite
def one_value_wrong(draw) -> dict:
    """A valid scenario with one value, anywhere in it, replaced by any plain value."""
    data = draw(scenarios(max_partners=3))
    node, path = data, []
    while isinstance(node, dict | list) and node:
        key = draw(st.sampled_from(list(node) if isinstance(node, dict) else range(len(node))))
        path.append(key)
        if not isinstance(node[key], dict | list) or draw(st.booleans()):
            node[key] = draw(plain)
            break
        node = node[key]
    return data


@FUZZ
@given(data=one_value_wrong())
def test_one_wrong_value_is_located(data):
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    result = load_bytes(text.encode("utf-8"))
    assert_clean(result)
    if isinstance(result, InputError):
        assert all(p.path for p in result.problems)  # every field problem names its field
        assert all(p.line >= 1 for p in result.problems)


@FUZZ
@given(doc=plain)
def test_any_plain_document_gives_a_scenario_or_a_clean_error(doc):
    assert_clean(load_bytes(yaml.safe_dump(doc, allow_unicode=True).encode("utf-8")))


@FUZZ
@given(text=st.lists(st.sampled_from(PUNCTUATION) | st.text(max_size=6)).map("".join))
def test_any_text_gives_a_clean_error(text):
    assert_clean(load_bytes(text.encode("utf-8")))


@FUZZ
@given(raw=st.binary(max_size=400))
def test_any_bytes_give_a_clean_error(raw):
    assert_clean(load_bytes(raw))
