"""The dashboard's knobs: a design and per-partner behaviour applied to a scenario.

The dashboard resets the model with keyword arguments only (Mesa's ``SolaraViz`` calls
``ModelClass(**params)``). :func:`knobs` lists those arguments with their controls, from a
base scenario; :func:`apply_knobs` turns their values back into a validated scenario.
Neither imports Mesa or Solara, so both are cheap to test.
"""

from __future__ import annotations

import typing

from sim.scenario.governance import ClauseName, ProposerRuleName, VotingRuleName
from sim.scenario.loader import validate_mapping
from sim.scenario.schema import Scenario

#: Per-partner knobs: (suffix, label, field under the partner, min, max, step).
PARTNER_KNOBS = (
    ("tolerance", "tolerance", ("veto", "tolerance"), 0.0, 0.2, 0.005),
    ("concession", "concession / month", ("veto", "concession"), 0.0, 0.02, 0.001),
    ("outside_option", "outside option", ("outside_option",), 0.0, 1.5, 0.05),
)

#: Plain words for the rule names a room sees ("Unanimity", not ``unanimity``).
PLAIN = {
    "unanimity": "Unanimity",
    "simple_majority": "Simple majority",
    "qualified_majority": "Qualified majority",
    "rotating_chair": "Rotating chair",
    "random": "Drawn by lot",
    "designated": "The designated leader",
    "most_influential": "The most influential partner",
    "expert": "The most expert partner",
    "none": "None (back to the table)",
    "escalate": "Escalate to the parents' chiefs",
    "casting_vote": "Chair's casting vote",
    "arbitration": "Arbitration",
    "shotgun": "Shotgun (buy-sell)",
    "put_call": "Put option",
    "majority_fallback": "Fall back to a simple majority",
    "wind_up": "Wind-up",
}


def plain(name: str) -> str:
    """A rule name in plain words (the name itself, spaced, when it has none)."""
    return PLAIN.get(name, name.replace("_", " ").capitalize())


def partner_key(name: str, suffix: str) -> str:
    """The keyword name of a partner's knob (``tolerance_NEC``); spaces become ``_``."""
    return f"{suffix}_{name.replace(' ', '_')}"


def knobs(base: Scenario) -> dict[str, dict]:
    """The dashboard's controls, as Mesa ``model_params`` entries, set to the scenario's values.

    Args:
        base: the scenario the dashboard starts from.

    Returns:
        Keyword name -> control spec (``type``, ``label``, ``value``, range or choices).
    """
    g = base.governance
    proposers = [p for p in typing.get_args(ProposerRuleName) if p != "designated" or g.leader]
    controls: dict[str, dict] = {
        "seed": {"type": "InputText", "label": "Seed", "value": "1"},
        "reserved_rule": {
            "type": "Select",
            "label": "Voting rule (board matters)",
            "value": g.reserved.rule,
            "values": list(typing.get_args(VotingRuleName)),
        },
        "threshold": {
            "type": "SliderFloat",
            "label": "Qualified majority threshold",
            "value": g.reserved.threshold or 0.75,
            "min": 0.55,
            "max": 1.0,
            "step": 0.05,
        },
        "proposer": {
            "type": "Select",
            "label": "Who proposes",
            "value": g.proposer,
            "values": proposers,
        },
        "board_cadence_months": {
            "type": "SliderInt",
            "label": "Board meets every (months)",
            "value": g.board.cadence_months,
            "min": 1,
            "max": 12,
            "step": 1,
        },
        "deadlock_clause": {
            "type": "Select",
            "label": "Deadlock clause",
            "value": g.deadlock.clause,
            "values": list(typing.get_args(ClauseName)),
        },
        "lock_up_months": {
            "type": "SliderInt",
            "label": "Lock-up (months)",
            "value": g.lock_up_months,
            "min": 0,
            "max": 120,
            "step": 6,
        },
    }
    for p in base.partners:
        spec = p.model_dump()
        for suffix, label, path, lo, hi, step in PARTNER_KNOBS:
            value: typing.Any = spec  # walks down the dumped (JSON-like) spec to a number
            for key in path:
                value = value[key]
            controls[partner_key(p.name, suffix)] = {
                "type": "SliderFloat",
                "label": f"{p.name}: {label}",
                "value": float(value),
                "min": lo,
                "max": max(hi, float(value)),
                "step": step,
            }
    return controls


def apply_knobs(base: Scenario, **values) -> Scenario:
    """The base scenario with the dashboard's knob values applied, validated again.

    Args:
        base: the scenario the dashboard started from.
        **values: knob values by keyword name (see :func:`knobs`); missing ones keep the
            scenario's value, ``seed`` is ignored here.

    Returns:
        The new scenario.

    Raises:
        InputError: a value the scenario schema refuses.
    """
    data = base.model_dump(exclude_none=True)
    g = data["governance"]
    rule = values.get("reserved_rule", base.governance.reserved.rule)
    g["reserved"]["rule"] = rule
    g["reserved"].pop("threshold", None)
    if rule == "qualified_majority":
        g["reserved"]["threshold"] = float(values.get("threshold") or 0.75)
    for key, field in (("proposer", ("proposer",)), ("lock_up_months", ("lock_up_months",))):
        if key in values:
            g[field[0]] = values[key]
    if "board_cadence_months" in values:
        g["board"]["cadence_months"] = int(values["board_cadence_months"])
    if "deadlock_clause" in values:
        g["deadlock"]["clause"] = values["deadlock_clause"]
    for p in data["partners"]:
        for suffix, _, path, _, _, _ in PARTNER_KNOBS:
            key = partner_key(p["name"], suffix)
            if key in values:
                target = p
                for step in path[:-1]:
                    target = target.setdefault(step, {})
                target[path[-1]] = float(values[key])
    return validate_mapping(data)
