"""Pydantic's validation errors, said in the scenario's own words.

Pydantic says "Input should be greater than or equal to 0"; a strategist reading a
scenario file wants "must be between 0 and 1, got 1.5" and, for a misspelt key, the key
they meant ("did you mean 'salience'?") or where it belongs ("'cadence_months' belongs
under governance.board"). This module turns one pydantic error into a ``(path,
message)`` pair by looking the field up in the :class:`~sim.scenario.schema.Scenario`
schema.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import types
import typing
from collections.abc import Mapping

import annotated_types
from pydantic import BaseModel

from sim.errors import did_you_mean
from sim.scenario.schema import Scenario

Loc = tuple[str | int, ...]


def explain(err: Mapping[str, typing.Any]) -> tuple[Loc, str]:
    """One pydantic error as ``(path, message)`` in plain words with a hint.

    Args:
        err: one item of ``ValidationError.errors()``.

    Returns:
        The error's location (as pydantic gives it) and the message.
    """
    loc = tuple(err["loc"])
    kind = err["type"]
    ctx = err.get("ctx") or {}
    got = shown(err.get("input"))
    if kind == "extra_forbidden":
        return loc, _unknown_key(loc)
    if kind == "missing":
        return loc, "required but missing: add it (scenarios/equal_stakes.yaml shows every key)"
    if kind in _TYPES:
        return loc, f"must be {_TYPES[kind]}, got {got}" + _type_hint(kind, err.get("input"))
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        hint = _RANGE_HINTS.get(_field_name(loc), "") if kind.startswith("less") else ""
        return loc, f"must be {_range(loc, kind, ctx)}, got {got}{hint}"
    if kind == "string_too_short":
        return loc, "must not be empty"
    if kind == "string_too_long":
        n = len(err["input"]) if isinstance(err.get("input"), str) else "?"
        return loc, f"must be at most {ctx.get('max_length')} characters long, got {_num(n)}"
    if kind in ("too_short", "too_long"):
        return loc, _length(kind, ctx, err.get("input"), loc)
    if kind == "literal_error":
        allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return loc, (
            f"must be one of {', '.join(allowed)}, got {got}"
            + did_you_mean(err.get("input"), allowed)
        )
    if kind == "union_tag_invalid":
        tags = re.findall(r"'([^']*)'", str(ctx.get("expected_tags", "")))
        return loc, (
            f"unknown {ctx.get('discriminator', 'type').strip(chr(39))} '{ctx.get('tag')}' "
            f"(known: {', '.join(tags)})" + did_you_mean(ctx.get("tag"), tags)
        )
    if kind == "union_tag_not_found":
        return loc, "needs a 'type' key: issue, capital_call, new_partner or outside_option"
    return loc, str(err["msg"]).removeprefix("Value error, ")


_MONEY = (
    "; amounts are counted in the scenario's currency units (with currency: ¥bn, 400 means "
    "¥400bn), so this is more than any venture holds"
)
_GAIN = "; the defaults are 0.1 to 2: a gain this large makes one event decide all influence"
#: What a user who wrote an absurdly large value probably meant, by field name.
_RANGE_HINTS = {
    "capital": _MONEY,
    "amount": _MONEY,
    "valuation": _MONEY,
    "pre_money": _MONEY,
    "cost_per_importance": _MONEY,
    "weight": "; weights are relative (only their ratios matter): write 1 and 3, not 1e300",
    "salience": "; saliences are relative weights (normalised to sum to 1): write 1 and 3, "
    "not 1e300 and 3e300",
    "pass_gain": _GAIN,
    "proximity_gain": _GAIN,
    "capital_gain": _GAIN,
    "side_funding_gain": _GAIN,
}

_TYPES = {
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "finite_number": "a finite number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "string_type": "text",
    "list_type": "a list (written [a, b] or one '- item' per line)",
    "dict_type": "a mapping of names to values (written {a: 1} or one 'a: 1' per line)",
    "model_type": "a mapping of keys to values (key: value)",
    "model_attributes_type": "a mapping of keys to values (key: value)",
}


#: pydantic's error types for a value of the wrong type, said the same way in every file.
TYPE_ERRORS = frozenset(_TYPES)


def _type_hint(kind: str, value: object) -> str:
    number = kind.startswith(("int", "float"))
    if isinstance(value, str) and value.strip().endswith("%") and "float" in kind:
        return "; write shares as fractions (10% is 0.10)"
    if isinstance(value, bool) and number:
        return (
            "; YAML reads yes, no, on, off, true and false as a flag (true or false), not a "
            "number: write the number itself"
        )
    if isinstance(value, str) and number and _is_numeral(value):
        return "; it is in quotes, so it is text: remove the quotes"
    if isinstance(value, float) and kind == "int_type" and value.is_integer():
        return f"; write {int(value)}, without the decimal point"
    if kind == "string_type" and isinstance(value, int | float | bool | dt.date):
        return "; put it in quotes to make it text"
    if kind in ("model_type", "dict_type") and isinstance(value, list):
        return "; remove the '- ' in front of the keys"
    if kind == "list_type" and isinstance(value, dict):
        return "; start each entry with '- ' (e.g. '- name: ...')"
    return ""


def _is_numeral(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def shown(value: object) -> str:
    """A value as a message shows it: short, and saying what YAML made of it."""
    if value is None:
        return "nothing (the value is empty)"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, dt.date):
        return f"{value} (read as a date)"
    if isinstance(value, int) and not isinstance(value, bool):
        return _num(value)
    if isinstance(value, dict):
        keys = ", ".join(map(str, list(value)[:4])) + (", ..." if len(value) > 4 else "")
        return f"a mapping (keys: {keys})"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _range(loc: Loc, kind: str, ctx: dict) -> str:
    """The field's full allowed range ("between 0 and 1"), or the one bound pydantic gave."""
    low, high = _bounds(loc)
    if low is not None and high is not None:
        return f"between {_num(low[1])} and {_num(high[1])}" + (
            ""
            if low[0] == ">=" and high[0] == "<="
            else f" ({low[0]} {_num(low[1])}, {high[0]} {_num(high[1])})"
        )
    sign = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<"}.get(kind, "<=")
    bound = next(iter(ctx.values()), "?")
    return f"{sign} {_num(bound)}"


def _num(x: object) -> str:
    return f"{x:,}" if isinstance(x, int) and abs(x) >= 10_000 else str(x)


def _length(kind: str, ctx: dict, value: object, loc: Loc) -> str:
    what = "characters" if isinstance(value, str) else "entries"
    if not isinstance(value, str) and loc and isinstance(loc[-1], str):
        what = loc[-1]  # "partners", "dimensions", "kinds"
    actual = ctx.get("actual_length", len(value) if hasattr(value, "__len__") else "?")
    if kind == "too_short":
        if isinstance(value, str):
            return "must not be empty"
        return f"needs at least {ctx.get('min_length')} {what}, got {actual}"
    return f"has {_num(actual)} {what}; at most {ctx.get('max_length')} are allowed"


def _unknown_key(loc: Loc) -> str:
    key = str(loc[-1])
    known = fields_at(loc[:-1])
    homes = [p for p in _field_homes().get(key, ()) if p != ".".join(map(str, loc[:-1]))]
    if homes:  # a real key in the wrong place: say where it goes
        hint = f"; '{key}' belongs under {' or '.join(homes[:3])}"
    else:
        hint = did_you_mean(key, known)
        if not hint and known:
            hint = f" (allowed here: {', '.join(known)})"
    return f"unknown key '{key}'{hint}"


def fields_at(loc: Loc) -> list[str]:
    """The field names allowed at a location in the scenario."""
    model = _strip(_type_at(loc))
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


def _bounds(loc: Loc) -> tuple[tuple[str, object] | None, tuple[str, object] | None]:
    """``((">=", 0), ("<=", 1))``: the declared lower and upper bound of a field."""
    return bounds_of(_constraints(loc))


def bounds_of(metadata) -> tuple[tuple[str, object] | None, tuple[str, object] | None]:
    """The lower and upper bound among a field's constraints (``annotated_types``)."""
    low: tuple[str, object] | None = None
    high: tuple[str, object] | None = None
    for m in metadata:
        if isinstance(m, annotated_types.Ge):
            low = (">=", m.ge)
        elif isinstance(m, annotated_types.Gt):
            low = (">", m.gt)
        elif isinstance(m, annotated_types.Le):
            high = ("<=", m.le)
        elif isinstance(m, annotated_types.Lt):
            high = ("<", m.lt)
    return low, high


def value_constraints(annotation: object) -> list:
    """The constraints of a mapping's values (``dict[str, Annotated[float, Field(...)]]``)."""
    if typing.get_origin(annotation) is not dict:
        return []
    value = typing.get_args(annotation)[1]
    if typing.get_origin(value) is not typing.Annotated:
        return []
    out: list = []
    for extra in typing.get_args(value)[1:]:
        out += getattr(extra, "metadata", [extra])
    return out


def _constraints(loc: Loc) -> list:
    """The constraints declared for the value at a location (a field, or a mapping's value)."""
    info = _field_at(loc)
    if info is not None:
        return list(getattr(info, "metadata", ()))
    if loc and isinstance(loc[-1], str):
        return value_constraints(_type_at(loc[:-1]))
    return []


def _field_name(loc: Loc) -> str:
    """The schema field a location is about: ``salience`` for ``partners.0.salience.tech``."""
    if _field_at(loc) is None and len(loc) > 1 and value_constraints(_type_at(loc[:-1])):
        return str(loc[-2])
    return str(loc[-1]) if loc else ""


def _field_at(loc: Loc) -> object:
    """The pydantic FieldInfo at a location, or None (a dict value, a list item...)."""
    if not loc or isinstance(loc[-1], int):
        return None
    parent = _strip(_type_at(loc[:-1]))
    if isinstance(parent, type) and issubclass(parent, BaseModel):
        return parent.model_fields.get(str(loc[-1]))
    return None


def declared_type(loc: Loc) -> object:
    """The type the schema declares at a location (``int`` for ``partners.0.patience``).

    Optional and ``Annotated`` wrappers are removed; None when it cannot be told (an item
    of the tagged union of events, a key the schema does not have).
    """
    return _strip(_type_at(loc))


def _type_at(loc: Loc) -> object:
    """The declared type at a location in the scenario (None when it cannot be told)."""
    model: object = Scenario
    for key in loc:
        model = _strip(model)
        if isinstance(key, int) or model is None:
            continue
        if isinstance(model, type) and issubclass(model, BaseModel):
            field = model.model_fields.get(str(key))
            model = field.annotation if field else _union_member(model, key)
        elif typing.get_origin(model) is dict:
            model = typing.get_args(model)[1]
        else:
            model = _union_member(model, key)
    return model


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


@functools.cache
def _field_homes() -> dict[str, list[str]]:
    """Every field name in the schema and the dotted paths of the blocks that hold it."""
    homes: dict[str, list[str]] = {}

    def visit(model: type[BaseModel], path: str, depth: int) -> None:
        for name, field in model.model_fields.items():
            homes.setdefault(name, []).append(path or "the top level")
            members = [_strip(field.annotation)]
            if typing.get_origin(members[0]) in (typing.Union, types.UnionType):
                members = [_strip(m) for m in typing.get_args(members[0])]
            for sub in members:
                if isinstance(sub, type) and issubclass(sub, BaseModel) and depth < 4:
                    visit(sub, f"{path}.{name}" if path else name, depth + 1)

    visit(Scenario, "", 0)
    return homes
