"""Load a scenario from YAML, safely, with errors that point at the line.

YAML is parsed with PyYAML's safe loader only (no tags that build objects). The composed
node tree keeps line and column marks, so every validation error can be reported as
``file:line:column: dotted.path: message``. Documents whose aliases would expand past a
size limit (the "billion laughs") or that nest too deeply are refused before they are
built.
"""

from __future__ import annotations

import difflib
import hashlib
import types
import typing
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from sim.errors import InputError, Problem
from sim.scenario.schema import Scenario, reference_problems

MAX_FILE_BYTES = 5_000_000
MAX_NODES = 200_000
MAX_DEPTH = 40


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario and where it came from.

    Attributes:
        scenario: the validated scenario.
        path: the file it was read from ("" when built from a mapping).
        sha256: hex digest of the file's bytes (of the canonical JSON when from a mapping).
        text: the file's text.
    """

    scenario: Scenario
    path: str
    sha256: str
    text: str


def load_scenario(path: str | Path) -> LoadedScenario:
    """Read, parse and validate a scenario file.

    Args:
        path: path to a YAML file.

    Returns:
        The validated scenario with its provenance.

    Raises:
        InputError: the file is missing, unreadable, not YAML, or not a valid scenario.
    """
    p = Path(path)
    name = str(path)
    if not p.exists():
        raise InputError(Problem("no such file; check the path", file=name))
    if p.is_dir():
        raise InputError(Problem("is a directory; give a scenario .yaml file", file=name))
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError(Problem(f"cannot read: {exc.strerror}", file=name)) from None
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(
            Problem(
                f"file is {len(raw):,} bytes; a scenario is far smaller (limit {MAX_FILE_BYTES:,})",
                file=name,
            )
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            Problem("not UTF-8 text; save the file as UTF-8", file=name, line=line, column=1)
        ) from None
    node = _compose(text, name)
    data = _construct(node, name)
    scenario = validate_mapping(data, file=name, node=node)
    return LoadedScenario(scenario, name, hashlib.sha256(raw).hexdigest(), text)


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
        kind = "a list" if isinstance(data, list) else f"a {type(data).__name__} value"
        raise InputError(
            Problem(
                f"the document is {kind}; a scenario is a mapping of keys such as name, "
                "partners, agenda, governance",
                file=file,
                line=1,
                column=1,
            )
        )
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise InputError([_locate(_from_pydantic(err), file, node) for err in exc.errors()])
    problems = reference_problems(scenario)
    if problems:
        raise InputError([_locate((loc, msg), file, node) for loc, msg in problems])
    return scenario


def _compose(text: str, file: str) -> yaml.Node:
    if not text.strip():
        raise InputError(
            Problem("the file is empty; start from scenarios/equal_stakes.yaml", file=file)
        )
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = f"{exc.problem}" + (f" ({exc.context})" if exc.context else "")
        raise InputError(
            Problem(
                f"not valid YAML: {what}",
                file=file,
                line=mark.line + 1 if mark else 0,
                column=mark.column + 1 if mark else 0,
            )
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(Problem(f"not valid YAML: {exc}", file=file)) from None
    except RecursionError:
        raise InputError(
            Problem(f"nested too deeply (limit {MAX_DEPTH} levels)", file=file)
        ) from None
    if node is None:
        raise InputError(Problem("the file holds no YAML document", file=file))
    _check_size(node, file)
    return node


def _check_size(root: yaml.Node, file: str) -> None:
    """Refuse documents that expand too far (aliases) or nest too deeply."""
    sizes: dict[int, int] = {}

    def size(node: yaml.Node, depth: int) -> int:
        if depth > MAX_DEPTH:
            raise InputError(
                Problem(
                    f"nested more than {MAX_DEPTH} levels deep",
                    file=file,
                    line=node.start_mark.line + 1,
                    column=node.start_mark.column + 1,
                )
            )
        if id(node) in sizes:
            return sizes[id(node)]
        total = 1
        if isinstance(node, yaml.MappingNode):
            total += sum(size(k, depth + 1) + size(v, depth + 1) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total += sum(size(v, depth + 1) for v in node.value)
        sizes[id(node)] = total
        if total > MAX_NODES:
            raise InputError(
                Problem(
                    f"the document expands to more than {MAX_NODES:,} values (aliases and "
                    "anchors repeated too often); write the scenario out plainly",
                    file=file,
                )
            )
        return total

    size(root, 0)


def _construct(node: yaml.Node, file: str) -> object:
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_document(node)
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        raise InputError(
            Problem(
                f"{exc.problem}; scenario files may only hold plain YAML values (no !tags)",
                file=file,
                line=mark.line + 1 if mark else 0,
                column=mark.column + 1 if mark else 0,
            )
        ) from None
    finally:
        loader.dispose()


def _from_pydantic(err: dict) -> tuple[tuple, str]:
    loc = tuple(err["loc"])
    kind = err["type"]
    if kind == "extra_forbidden":
        known = _fields_at(loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = (
            f"; did you mean '{close[0]}'?"
            if close
            else (f" (allowed here: {', '.join(known)})" if known else "")
        )
        return loc, f"unknown key '{loc[-1]}'{hint}"
    if kind == "missing":
        return loc, "required but missing"
    message = err["msg"]
    if kind.startswith(("greater", "less")) or "type" in kind or kind.endswith("_parsing"):
        message += f", got {err.get('input')!r}"
    return loc, message.removeprefix("Value error, ")


def _fields_at(loc: tuple) -> list[str]:
    """The field names allowed at a location in the scenario, for 'did you mean'."""
    model: object = Scenario
    for key in loc:
        model = _strip(model)
        if isinstance(key, int) or model is None:
            continue
        if isinstance(model, type) and issubclass(model, BaseModel):
            field = model.model_fields.get(key)
            model = field.annotation if field else _union_member(model, key)
        elif typing.get_origin(model) is dict:
            model = typing.get_args(model)[1]
        else:
            model = _union_member(model, key)
    model = _strip(model)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


def _strip(tp: object) -> object:
    """Unwrap Optional, list[...] and Annotated[...] to the element type."""
    while True:
        origin = typing.get_origin(tp)
        if origin is list or origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(members) != 1:
                return tp
            tp = members[0]
        else:
            return tp


def _union_member(tp: object, tag: object) -> object:
    """The member of a tagged union whose ``type`` literal is ``tag``."""
    for member in typing.get_args(tp):
        field = getattr(member, "model_fields", {}).get("type")
        if field is not None and tag in typing.get_args(field.annotation):
            return member
    return None


def _locate(problem: tuple[tuple, str], file: str, node: yaml.Node | None) -> Problem:
    """Attach the line, column and dotted path of the YAML node a problem is about."""
    loc, message = problem
    shown: list[str | int] = []
    target = node
    found = True
    for key in loc:
        child = _child(target, key) if found and target is not None else None
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


def _child(node: yaml.Node, key: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == key:
                return v
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
