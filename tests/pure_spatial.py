"""Scenario builders for the verification tests: the pure spatial model as plain dicts.

Pure spatial model: no arrivals but scripted ones, no environmental shock, no minimum move,
perfect information (belief_noise 0), no deference (to expertise or influence), no jitter,
zero tolerance and concession unless asked, no side funding, no reform, partners that never
run out of patience. Everything goes through :func:`sim.scenario.loader.validate_mapping`, so the
scenarios are ones a user could write.
"""

from sim.model.agenda import Issue
from sim.model.meeting import hold
from sim.model.venture import Venture
from sim.scenario.loader import validate_mapping


def pure_spatial(
    ideals,
    rule,
    *,
    proposer=None,
    salience=None,
    months=6,
    chair_term=12,
    initial=None,
    events=(),
    reserved=None,
    partners=None,
    governance=None,
    dynamics=None,
    agenda=None,
):
    """A validated scenario of the pure spatial model.

    Args:
        ideals: ideal point of each partner P0, P1, ... (one list per partner).
        rule: the voting spec for reserved and routine matters.
        proposer: index of a designated proposer (and chair), or None for a rotating chair.
        salience: per partner, salience per dimension (default equal).
        months: horizon.
        chair_term: months per chair under the rotation.
        initial: the initial policy (default 0.5 on every dimension).
        events: scripted agenda events.
        reserved: whether the one issue kind ``board`` is a reserved matter (default: yes
            unless events are scripted).
        partners: per partner, fields overriding the defaults (stake, capital, veto...).
        governance: governance fields overriding the defaults.
        dynamics: dynamics fields overriding the defaults.
        agenda: agenda fields overriding the defaults.
    """
    dims = [f"d{k}" for k in range(len(ideals[0]))]
    specs = []
    for i, point in enumerate(ideals):
        weights = salience[i] if salience else [1.0] * len(dims)
        spec = {
            "name": f"P{i}",
            "stake": 0.1,
            "positions": dict(zip(dims, point, strict=True)),
            "salience": dict(zip(dims, weights, strict=True)),
            "veto": {"tolerance": 0.0, "concession": 0.0},
            "side_funding": {"enabled": False},
            "patience": 600,
        }
        specs.append(spec | (partners[i] if partners else {}))
    if reserved is None:
        reserved = not events
    gov = {
        "reserved": rule,
        "routine": rule,
        "reserved_matters": ["board"] if reserved else [],
        "chair_term_months": chair_term,
        "board": {"cadence_months": 1},
        "reform": {"enabled": False},
    }
    if proposer is not None:
        gov |= {"proposer": "designated", "leader": f"P{proposer}"}
    return validate_mapping(
        {
            "name": "pure spatial",
            "horizon_months": months,
            "dimensions": dims,
            "initial_policy": dict(zip(dims, initial or [0.5] * len(dims), strict=True)),
            "partners": specs,
            "agenda": {
                "rate_per_month": 0.0,
                "shock": 0.0,
                "min_move": 0.0,
                "lifetime_months": None,
                "kinds": [{"name": "board", "dimensions": dims}],
                "events": list(events),
            }
            | (agenda or {}),
            "governance": gov | (governance or {}),
            "dynamics": {"belief_noise": 0.0, "deference": 0.0, "influence_deference": 0.0}
            | (dynamics or {}),
            "uncertainty": {"position_jitter": 0.0},
        }
    )


def k_of_n(k: int, n: int) -> dict:
    """The model's k-of-n rule: count basis, yes-count >= k (unanimity when k = n)."""
    if k == n:
        return {"rule": "unanimity"}
    return {"rule": "qualified_majority", "basis": "count", "threshold": k / n}


def meeting(scenario, status_quo, seed=1) -> tuple[bool, list[float]]:
    """One board meeting in month 1 on a reserved issue with the given status quo.

    Returns:
        Whether the proposal passed, and the venture's policy after the meeting.
    """
    venture = Venture(scenario, seed=seed)
    dims = tuple(range(len(status_quo)))
    issue = Issue(1, "board", "test", dims, 1.0, 0.05, True, 1)
    venture.policy = list(status_quo)
    venture.open_issues.append(issue)
    passed = hold(venture, issue, month=1)
    return passed, venture.policy
