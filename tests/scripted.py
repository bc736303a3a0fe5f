"""Small deterministic scenarios for hand-worked tests.

Everything random is switched off (no Poisson arrivals, no shocks, no belief noise, no
position jitter), so who proposes, who vetoes and when a decision lands can be worked out
by hand from the parameters.
"""

from __future__ import annotations

import copy

from sim.scenario.loader import validate_mapping


def deep_update(base: dict, changes: dict) -> dict:
    """A copy of ``base`` with nested ``changes`` applied."""
    out = copy.deepcopy(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_update(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def partner(name: str, ideal: float, **extra) -> dict:
    """A partner on the single dimension ``x`` with no tolerance and no concession."""
    spec = {
        "name": name,
        "stake": 0.2,
        "capital": 100.0,
        "positions": {"x": ideal},
        "salience": {"x": 1.0},
        "veto": {"tolerance": 0.0, "concession": 0.0},
        "outside_option": 0.0,
        "patience": 600,
    }
    return deep_update(spec, extra)


def scripted(**changes) -> dict:
    """Three partners A (0.2), B (0.5), C (0.9) on one dimension; one issue in month 1.

    The issue is a routine ``policy`` matter on ``x`` with the status quo at 0.5; A chairs
    (and so proposes) for the whole horizon.
    """
    base = {
        "name": "scripted",
        "horizon_months": 24,
        "replications": 1,
        "dimensions": ["x"],
        "initial_policy": {"x": 0.5},
        "partners": [partner("A", 0.2), partner("B", 0.5), partner("C", 0.9)],
        "agenda": {
            "rate_per_month": 0.0,
            "shock": 0.0,
            "min_move": 0.0,
            "lifetime_months": None,
            "kinds": [
                {
                    "name": "policy",
                    "dimensions": ["x"],
                    "weight": 1.0,
                    "importance": 1.0,
                    "urgency": 0.0,
                }
            ],
            "events": [{"type": "issue", "month": 1, "kind": "policy", "title": "the issue"}],
        },
        "governance": {
            "reserved": {"rule": "unanimity"},
            "routine": {"rule": "unanimity"},
            "proposer": "rotating_chair",
            "chair_term_months": 120,
            "reform": {"enabled": False},
        },
        "dynamics": {
            "belief_noise": 0.0,
            "deference": 0.0,
            "satisfaction": {"decision_value": 0.0, "objection_cost": 0.0, "trust_penalty": 0.0},
        },
        "uncertainty": {"position_jitter": 0.0},
    }
    return deep_update(base, changes)


def build(data: dict):
    """Validate a scenario dict."""
    return validate_mapping(data)


def run(data: dict, seed: int = 1):
    """Run one replication of a scenario dict, recording events."""
    from sim.model.venture import Venture

    return Venture(build(data), seed, record_events=True).run()
