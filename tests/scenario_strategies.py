"""Hypothesis strategies for valid scenarios (as the plain mappings a YAML file holds).

Shared by the property tests and the loader fuzzer. Every mapping drawn here is valid by
construction: stakes sum to at most 1, every name it refers to exists, saliences have a
positive sum. Horizons are short (at most 36 months) so a replication takes milliseconds.
"""

from __future__ import annotations

from typing import get_args

from hypothesis import strategies as st

from sim.scenario.governance import ClauseName, ProposerRuleName, VotingRuleName

DIMENSIONS = ["architecture", "capex", "data_sharing", "go_to_market"]
RULES = list(get_args(VotingRuleName))
PROPOSERS = list(get_args(ProposerRuleName))
CLAUSES = list(get_args(ClauseName))

unit = st.floats(0.0, 1.0, allow_nan=False)
small = st.floats(0.0, 0.2, allow_nan=False)


@st.composite
def points(draw, dims: list[str], low: float = 0.0) -> dict[str, float]:
    """A value per dimension for some of the dimensions."""
    chosen = draw(st.lists(st.sampled_from(dims), unique=True, max_size=len(dims)))
    return {d: draw(st.floats(low, 1.0, allow_nan=False)) for d in chosen}


@st.composite
def partner(draw, name: str, dims: list[str], stake: float) -> dict:
    """A partner with a positive salience on at least one dimension."""
    salience = draw(points(dims))
    salience[draw(st.sampled_from(dims))] = draw(st.floats(0.1, 1.0))
    p = {
        "name": name,
        "stake": stake,
        "capital": draw(st.floats(0.0, 200.0)),
        "positions": draw(points(dims)),
        "salience": salience,
        "veto": {"tolerance": draw(small), "concession": draw(st.floats(0.0, 0.02))},
        "outside_option": draw(st.floats(-1.0, 1.5)),
        "outside_option_drift": draw(st.floats(-0.1, 0.1)),
        "patience": draw(st.integers(1, 24)),
    }
    if draw(st.booleans()):
        p["expertise"] = draw(points(dims))
    if draw(st.booleans()):
        p["side_funding"] = {
            "enabled": True,
            "propensity": draw(unit),
            "after_months": draw(st.integers(1, 12)),
            "min_stake": draw(st.floats(0.0, 1.0)),
            "cost_per_importance": draw(st.floats(0.0, 20.0)),
        }
    return p


@st.composite
def voting(draw) -> dict:
    rule = draw(st.sampled_from(RULES))
    spec = {"rule": rule, "basis": draw(st.sampled_from(["count", "stake"]))}
    if rule == "qualified_majority":
        spec["threshold"] = draw(st.floats(0.51, 1.0))
    return spec


@st.composite
def scenarios(draw, max_partners: int = 5, max_horizon: int = 36) -> dict:
    """A valid scenario mapping."""
    dims = draw(st.lists(st.sampled_from(DIMENSIONS), min_size=1, max_size=3, unique=True))
    n = draw(st.integers(2, max_partners))
    names = [f"P{i}" for i in range(n)]
    weights = draw(st.lists(st.integers(0, 100), min_size=n, max_size=n))
    total_stake = draw(st.floats(0.0, 1.0))
    scale = total_stake / sum(weights) if sum(weights) > 0 else 0.0
    stakes = [round(w * scale, 6) * 0.999 for w in weights]  # rounding never exceeds 1
    horizon = draw(st.integers(1, max_horizon))
    kinds = []
    for i in range(draw(st.integers(1, 3))):
        kinds.append(
            {
                "name": f"k{i}",
                "dimensions": draw(st.lists(st.sampled_from(dims), min_size=1, unique=True)),
                "weight": draw(st.floats(0.1, 3.0)),
                "importance": draw(st.floats(0.1, 5.0)),
                "urgency": draw(st.floats(0.0, 0.2)),
            }
        )
    kind_names = [k["name"] for k in kinds]
    events = []
    for _ in range(draw(st.integers(0, 3))):
        month = draw(st.integers(1, horizon))
        what = draw(st.sampled_from(["issue", "capital_call", "outside_option", "new_partner"]))
        if what == "issue":
            events.append(
                {"type": "issue", "month": month, "kind": draw(st.sampled_from(kind_names))}
            )
        elif what == "capital_call":
            events.append(
                {"type": "capital_call", "month": month, "amount": draw(st.floats(1, 200))}
            )
        elif what == "outside_option":
            who = draw(st.sampled_from(names))
            events.append(
                {
                    "type": "outside_option",
                    "month": month,
                    "partner": who,
                    "change": draw(st.floats(-1.0, 1.0)),
                }
            )
        elif len(names) < max_partners + 1:
            name = f"J{len(events)}"
            joiner = draw(partner(name, dims, draw(st.floats(0.0, 0.2))))
            events.append({"type": "new_partner", "month": month, "partner": joiner})
    proposer = draw(st.sampled_from(PROPOSERS))
    founding = names
    governance = {
        "reserved": draw(voting()),
        "routine": draw(voting()),
        "reserved_matters": draw(st.lists(st.sampled_from(kind_names), unique=True)),
        "veto_holders": draw(st.lists(st.sampled_from(founding), unique=True, max_size=2)),
        "proposer": proposer,
        "chair_term_months": draw(st.integers(1, 24)),
        "board": {"cadence_months": draw(st.integers(1, 6))},
        "deadlock": {
            "after_rounds": draw(st.integers(1, 3)),
            "escalation_months": draw(st.integers(0, 2)),
            "escalation_resolves": draw(unit),
            "mediation": {"enabled": draw(st.booleans()), "resolves": draw(unit)},
            "clause": draw(st.sampled_from(CLAUSES)),
            "compromise_probability": draw(unit),
        },
        "lock_up_months": draw(st.integers(0, 24)),
        "exit_notice_months": draw(st.integers(0, 6)),
        "pre_emption": draw(st.booleans()),
        "reform": {"enabled": draw(st.booleans()), "latency_months": draw(st.floats(0, 12))},
    }
    if proposer == "designated" or draw(st.booleans()):
        governance["leader"] = draw(st.sampled_from(founding))
    scenario = {
        "name": "generated",
        "horizon_months": horizon,
        "replications": 3,
        "seed": draw(st.integers(0, 2**32)),
        "dimensions": dims,
        "initial_policy": draw(points(dims)),
        "partners": [draw(partner(nm, dims, s)) for nm, s in zip(names, stakes, strict=True)],
        "agenda": {
            "rate_per_month": draw(st.floats(0.0, 3.0)),
            "kinds": kinds,
            "shock": draw(st.floats(0.0, 0.5)),
            "lifetime_months": draw(st.one_of(st.none(), st.integers(1, 24))),
            "min_move": draw(st.floats(0.0, 0.3)),
            "events": events,
        },
        "governance": governance,
        "leader": {"months": draw(st.integers(1, 24)), "margin": draw(st.floats(0.0, 0.3))},
        "uncertainty": {"position_jitter": draw(st.floats(0.0, 0.2))},
    }
    if draw(st.booleans()):
        room = max(0.0, 1.0 - sum(stakes))
        scenario["state_funder"] = {
            "name": "State",
            "stake": room * draw(st.floats(0.0, 0.9)),
            "capital": draw(st.floats(0.0, 100.0)),
            "positions": draw(points(dims)),
            "salience": {dims[0]: 1.0},
            "votes": {
                "normal": draw(unit),
                "distress": draw(unit),
                "veto_in_distress": draw(st.booleans()),
            },
        }
    return scenario
