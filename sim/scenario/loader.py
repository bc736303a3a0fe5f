"""Load a scenario from YAML, safely, with errors that point at the line.

Reading and parsing are :mod:`sim.scenario.yamlsafe`'s (safe loader only, size and
depth limits, no tags); the wording of field errors is :mod:`sim.scenario.messages`'.
This module validates the parsed data against the schema and attaches to every problem
its file, line, column and dotted field path:
``file:line:column: dotted.path: message``.

Values written as distributions (:mod:`sim.scenario.uncertain`) are taken out first; the
scenario is validated at their central values, and then with each distribution's bounds
(or each choice) in turn, so a range that strays outside what its field allows is
reported at its line before anything runs.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from sim.errors import InputError, Problem
from sim.scenario.advice import advice
from sim.scenario.messages import declared_type, explain
from sim.scenario.schema import Scenario, reference_problems
from sim.scenario.uncertain import UncertainParameter, extract, set_named
from sim.scenario.yamlsafe import MAX_DEPTH, MAX_FILE_BYTES, parse, read_text

__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "LoadedScenario",
    "load_scenario",
    "locate",
    "scenario_at",
    "validate_mapping",
]


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario and where it came from.

    Attributes:
        scenario: the validated scenario.
        path: the file it was read from ("" when built from a mapping).
        sha256: hex digest of the file's bytes (of the canonical JSON when from a mapping).
        text: the file's text.
        warnings: values that are valid but probably not what was meant, located
            (:mod:`sim.scenario.advice`).
        uncertain: the parameters given as distributions, in file order (``scenario`` holds
            their central values); empty for a scenario of plain values.
    """

    scenario: Scenario
    path: str
    sha256: str
    text: str
    warnings: tuple[Problem, ...] = ()
    uncertain: tuple[UncertainParameter, ...] = ()


def load_scenario(path: str | Path) -> LoadedScenario:
    """Read, parse and validate a scenario file.

    Args:
        path: path to a YAML file.

    Returns:
        The validated scenario with its provenance.

    Raises:
        InputError: the file is missing, unreadable, not YAML, or not a valid scenario.
    """
    name = str(path)
    raw, text = read_text(path)
    node, data = parse(text, name)
    uncertain: list[UncertainParameter] = []
    if isinstance(data, dict):
        data, uncertain, problems = extract(data)
        problems += _real_ranges_on_whole_numbers(uncertain)
        if problems:
            raise InputError([locate(loc, msg, name, node) for loc, msg in problems])
    scenario = validate_mapping(data, file=name, node=node)
    if uncertain:
        assert isinstance(data, dict)
        _check_ranges(data, uncertain, name, node)
    warnings = tuple(locate(loc, msg, name, node) for loc, msg in advice(scenario))
    sha = hashlib.sha256(raw).hexdigest()
    return LoadedScenario(scenario, name, sha, text, warnings, tuple(uncertain))


def _check_ranges(
    data: dict,
    uncertain: list[UncertainParameter],
    file: str,
    node: yaml.Node | None,
) -> None:
    """Validate the scenario with each distribution's bounds (or choices) in turn.

    Raises:
        InputError: every bound that is not a valid value where it stands, located at
            its distribution.
    """
    import copy

    problems = []
    for p in uncertain:
        for bound in p.distribution.extremes():
            trial = copy.deepcopy(data)
            target = trial
            for key in p.loc[:-1]:
                target = target[key]
            target[p.loc[-1]] = bound
            try:
                validate_mapping(trial)
            except InputError as exc:
                why = "; ".join(dict.fromkeys(q.message for q in exc.problems))
                problems.append(
                    locate(
                        p.loc,
                        f"the value {bound!r} of {p.distribution.describe()} is not allowed "
                        f"here ({why}): keep the range within what the field accepts",
                        file,
                        node,
                    )
                )
                break
    if problems:
        raise InputError(problems)


def _real_ranges_on_whole_numbers(uncertain: list[UncertainParameter]) -> list[tuple[tuple, str]]:
    """A distribution of real numbers on a field the schema declares a whole number.

    Checked before validation: its central value (``9.0`` of ``{uniform: [6.0, 12.0]}``)
    would otherwise be refused as "not a whole number", which hides what to change.
    """
    return [
        (
            p.loc,
            f"this field takes whole numbers, but {p.distribution.describe()} draws real "
            "ones: give whole-number bounds, e.g. {uniform: [6, 18]}",
        )
        for p in uncertain
        if p.distribution.kind != "choice"
        and not p.distribution.integer
        and declared_type(p.loc) is int
    ]


def scenario_at(scenario: Scenario, values: dict[str, object]) -> tuple[Scenario, list[str]]:
    """The scenario with parameters set to the given values, validated.

    Args:
        scenario: the scenario (e.g. at central values).
        values: value of each named dotted path (``partners.Sony.patience``).

    Returns:
        The scenario and the paths it does not have (left as they were), e.g. a partner
        that only another design has.

    Raises:
        InputError: the values together do not make a valid scenario.
    """
    import copy

    data = copy.deepcopy(scenario.model_dump(mode="json"))
    missing = [path for path, v in values.items() if not set_named(data, path, v)]
    return validate_mapping(data), missing


def validate_mapping(data: object, *, file: str = "", node: yaml.Node | None = None) -> Scenario:
    """Validate plain data (as parsed from YAML) into a :class:`Scenario`.

    Args:
        data: the parsed document.
        file: file name for messages.
        node: the composed YAML node tree, for line numbers.

    Returns:
        The scenario.

    Raises:
        InputError: with every problem found, located.
    """
    if not isinstance(data, dict):
        raise InputError(
            Problem(
                f"the document is {_kind(data)}; a scenario is a mapping of keys (name:, "
                "dimensions:, partners:, agenda:, governance: ...); start from "
                "scenarios/equal_stakes.yaml",
                file=file,
                line=1 if file else 0,
                column=1 if file else 0,
            )
        )
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc, message = explain(err)
            problems.append(locate(loc, message, file, node, err["type"] == "extra_forbidden"))
        # Report the cross-field problems too, so one run of `sim validate` lists them all.
        repaired = _without_bad_fields(data, exc)
        if repaired is not None:
            bad = [tuple(err["loc"]) for err in exc.errors()]
            problems += [
                locate(loc, msg, file, node)
                for loc, msg in reference_problems(repaired)
                if not any(loc[: len(b)] == b for b in bad)
            ]
        raise InputError(problems) from None
    found = reference_problems(scenario)
    if found:
        raise InputError([locate(loc, msg, file, node) for loc, msg in found])
    return scenario


def _without_bad_fields(data: dict, exc: ValidationError, rounds: int = 3) -> Scenario | None:
    """The scenario with every field that failed validation left out, if that validates.

    Only optional fields can be left out (their defaults apply); when a required field or
    a list item is at fault, the cross-field checks would compare against a document that
    is not the user's, so none is returned.
    """
    import copy

    repaired = copy.deepcopy(data)
    for _ in range(rounds):
        for err in exc.errors():
            if err["type"] == "missing" or not _drop(repaired, tuple(err["loc"])):
                return None
        try:
            return Scenario.model_validate(repaired)
        except ValidationError as again:
            exc = again
    return None


def _drop(data: object, loc: tuple) -> bool:
    """Delete the mapping key at ``loc`` (skipping tagged-union tags); False if impossible."""
    parent, key = data, None
    for i, part in enumerate(loc):
        if isinstance(parent, dict) and part in parent:
            if i == len(loc) - 1:
                key = part
                break
            parent = parent[part]
        elif isinstance(parent, list) and isinstance(part, int) and part < len(parent):
            if i == len(loc) - 1:
                return False  # a whole list item: dropping it would shift the others
            parent = parent[part]
        elif isinstance(parent, dict) and parent.get("type") == part:
            continue  # pydantic's tag of a discriminated union
        else:
            return False
    if key is None or not isinstance(parent, dict):
        return False
    del parent[key]
    return True


def _kind(data: object) -> str:
    """What a document that is not a mapping is, in words."""
    if isinstance(data, list):
        return "a list (if its items are the scenario's keys, remove the '- ' in front of them)"
    if isinstance(data, bool):
        return f"the single value {str(data).lower()}"
    if isinstance(data, int | float) and math.isfinite(data):
        return f"a single number ({data})"
    text = repr(data)
    return f"a single value ({text if len(text) < 40 else text[:37] + '...'})"


def locate(
    loc: tuple, message: str, file: str, node: yaml.Node | None, at_key: bool = False
) -> Problem:
    """Attach the line, column and dotted path of the YAML node a problem is about.

    Args:
        loc: the problem's location as pydantic gives it.
        message: what is wrong.
        file: file name.
        node: the document's node tree (None when validating plain data).
        at_key: point at the key itself (an unknown key) rather than at its value.
    """
    shown: list[str | int] = []
    target = node
    found = True
    for i, key in enumerate(loc):
        child = _child(target, key, at_key and i == len(loc) - 1) if found and target else None
        if child is None and found and target is not None and _tag_of(target) == key:
            continue  # a tagged union adds its tag to pydantic's path; the file has no such key
        shown.append(key)
        if child is None:
            found = False
        else:
            target = child
    line = target.start_mark.line + 1 if target is not None else 0
    column = target.start_mark.column + 1 if target is not None else 0
    dotted = ".".join(str(k) for k in shown) or "(top level)"
    return Problem(message, path=dotted, file=file, line=line, column=column)


def _child(node: yaml.Node, key: str | int, at_key: bool = False) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == str(key):
                return k if at_key else v
        return None
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        return node.value[key]
    return None


def _tag_of(node: yaml.Node) -> str | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == "type" and isinstance(v, yaml.ScalarNode):
                return v.value
    return None
