"""What the dashboard and the room session read from a venture: the one adapter.

Everything the workshop screens show about a running venture (a month's chart values, the
leader threshold, exits, an issue as a partner sees it, what a proposal costs a partner)
and everything a person's move builds (a proposal, a vote) goes through this module, so a
change in the model's internals is met here and nowhere else in :mod:`sim.viz` or
:mod:`sim.play`. Imports Mesa (through the model) but not Solara.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sim.model import influence
from sim.model import policy as policy_math
from sim.model.partner import Proposal
from sim.model.venture import Venture

if TYPE_CHECKING:
    from sim.model.agenda import Issue
    from sim.model.moves import Moves
    from sim.model.partner import Partner, Vote
    from sim.scenario.schema import Scenario


class Tracked(Venture):
    """A venture that records its events (the screens tell them) and its charts' rows.

    Args:
        scenario: the validated scenario.
        seed: the replication seed.
        moves: who makes the partners' moves (default: the agents).

    Attributes:
        series: one :func:`month_row` per month run.
    """

    def __init__(self, scenario: Scenario, seed: int, moves: Moves | None = None):
        super().__init__(scenario, seed, record_events=True, moves=moves, collect=False)
        self.series: list[dict[str, Any]] = []

    def step(self) -> None:
        """Run a month, then record what the charts show."""
        super().step()
        self.series.append(month_row(self))


def build(scenario: Scenario, seed: int, moves: Moves | None = None) -> Tracked:
    """A tracked venture at month 0."""
    return Tracked(scenario, seed, moves)


def release(venture: Venture) -> None:
    """Let Mesa forget a venture that is no longer shown (Mesa 3.3.1 keeps them, #3179)."""
    import mesa

    mesa.Agent._ids.pop(venture, None)


def holder_names(venture: Venture) -> list[str]:
    """Every holder's name (partners, joiners, state funder) in the model's fixed order."""
    return [h.name for h in venture.holders]


def partner_names(scenario: Scenario) -> list[str]:
    """The founding partners a person can play (not joiners, not the state funder)."""
    return [p.name for p in scenario.partners]


def joiner_names(venture: Venture) -> set[str]:
    """Partners that join during the run (scripted new partners)."""
    founding = {p.name for p in venture.scenario.partners}
    funder = venture.funder.name if venture.funder is not None else None
    return {h.name for h in venture.holders if h.name not in founding and h.name != funder}


def month_row(venture: Venture) -> dict[str, Any]:
    """The values the charts plot for the month just run.

    Returns:
        ``month``; ``influence`` share in [0, 1] per holder; ``satisfaction`` (NaN once
        gone) and ``outside_option`` per holder (value units per month); ``open_issues``
        (count); ``latency``: mean decision latency so far (months, NaN before a decision).
    """
    m = venture.month
    latencies = [lat for _, lat, _ in venture.decisions]
    return {
        "month": m,
        "influence": {
            h.name: float(venture.influence_history[m - 1, h.order]) for h in venture.holders
        },
        "satisfaction": {
            h.name: (h.satisfaction if h.active else math.nan) for h in venture.holders
        },
        "outside_option": {h.name: h.outside_option for h in venture.holders},
        "open_issues": len(venture.open_issues),
        "latency": sum(latencies) / len(latencies) if latencies else math.nan,
    }


def leader_threshold(venture: Venture) -> float:
    """The influence share a de facto leader must hold now, in [0, 1]."""
    spec = venture.scenario.leader
    n = len(venture.active_holders()) or 1
    return influence.leader_threshold(spec.share or 0.0, spec.margin, n)


def leader(venture: Venture) -> tuple[str, int] | None:
    """The first de facto leader (not the designated one) and the month it began, or None."""
    return venture.first_leader


def exits(venture: Venture) -> list[tuple[int, str]]:
    """Each partner that left so far: (month, name), in the order they left."""
    return sorted((month, name) for name, month in venture.exits.items())


def outcome(venture: Venture) -> dict[str, Any]:
    """How a finished (or stopped) venture came out, as plain data.

    Returns:
        ``months`` run, ``final_state``, ``fracture`` ({month, partner, how} or None),
        ``leader`` ({partner, since} or None), ``decisions`` and ``undecided`` (counts),
        ``mean_latency`` (months, None before a decision).
    """
    lat = [x for _, x, _ in venture.decisions]
    lead = leader(venture)
    fr = venture.fracture
    return {
        "months": venture.month,
        "final_state": venture.final_state,
        "fracture": None if fr is None else {"month": fr[0], "partner": fr[1], "how": fr[2]},
        "leader": None if lead is None else {"partner": lead[0], "since": lead[1]},
        "decisions": len(lat),
        "undecided": venture.undecided,
        "mean_latency": sum(lat) / len(lat) if lat else None,
    }


def simulate(scenario: Scenario, seeds: Sequence[int]) -> list[dict[str, Any]]:
    """Outcomes of agent-only runs of a scenario, one per seed (see :func:`outcome`)."""
    out = []
    for seed in seeds:
        v = Venture(scenario, seed, collect=False).run()
        out.append(outcome(v))
    return out


def tally(venture: Venture, month: int) -> list[dict[str, Any]]:
    """The votes taken in a month: per meeting the issue, proposer, each vote and the result."""
    return [
        {
            "issue": f"#{e.data['issue'].uid} {e.data['issue'].title.replace('_', ' ')}",
            "proposer": e.data["proposal"].proposer,
            "votes": {v.voter: v.yes for v in e.data["votes"]},
            "passed": e.data["passed"],
        }
        for e in venture.log.events
        if e.kind == "meeting" and e.month == month
    ]


# -- a partner's view of a decision ---------------------------------------------------------
def _dims(venture: Venture, issue: Issue) -> list[str]:
    return [venture.dims[k] for k in issue.dims]


def issue_view(venture: Venture, partner: Partner, issue: Issue) -> dict[str, Any]:
    """An issue as a partner sees it: what it is, where it stands, and where the partner wants it.

    Returns:
        ``uid``, ``title``, ``reserved`` (a board matter), ``importance`` (value units),
        ``months_open``, and per dimension its ``name``, ``status_quo``, the partner's
        ``ideal`` (both in [0, 1]) and ``weight`` (its salience, the dims' weights sum to 1
        over all dimensions).
    """
    v = partner.view(issue.dims)
    return {
        "uid": issue.uid,
        "title": issue.title.replace("_", " "),
        "reserved": issue.reserved,
        "importance": issue.importance,
        "months_open": issue.months_open(venture.month),
        "dimensions": [
            {"name": name.replace("_", " "), "status_quo": q, "ideal": i, "weight": w}
            for name, q, i, w in zip(
                _dims(venture, issue), venture.status_quo(issue), v.ideal, v.salience, strict=True
            )
        ],
    }


def priorities(venture: Venture, partner: Partner) -> list[dict[str, Any]]:
    """A partner's priorities: per dimension its ideal point (in [0, 1]) and weight."""
    return [
        {"name": d.replace("_", " "), "ideal": i, "weight": w}
        for d, i, w in zip(venture.dims, partner.ideal, partner.salience, strict=True)
    ]


def standing(venture: Venture, partner: Partner) -> dict[str, Any]:
    """How a partner stands: satisfaction against outside option, capital, stake, influence."""
    m = venture.month
    share = float(venture.influence_history[m - 2, partner.order]) if m >= 2 else None
    return {
        "satisfaction": partner.satisfaction,
        "outside_option": partner.outside_option,
        "capital": partner.capital,
        "stake": partner.stake,
        "influence": share,
        "exit_month": partner.exit_month,
        "active": partner.active,
    }


def cost(venture: Venture, partner: Partner, issue: Issue, policy: Sequence[float]) -> float:
    """What a policy on the issue costs the partner against the venture's policy now.

    Returns:
        Value units, the scale of the partner's tolerance and of ``sim trace``; negative
        means a gain.
    """
    return partner.loss(issue, venture.status_quo(issue), policy)


def proposal_view(proposal: Proposal, vote: Vote) -> dict[str, Any]:
    """A proposal as a voter sees it: who, the policy, what it costs the voter, its tolerance.

    ``cost`` and ``tolerance`` are on :func:`cost`'s scale; the voter's agent says yes when
    the cost is within the tolerance (``agent_yes``); ``veto``: its no blocks.
    """
    return {
        "proposer": proposal.proposer,
        "policy": list(proposal.policy),
        "cost": vote.loss,
        "tolerance": vote.tolerance,
        "agent_yes": vote.yes,
        "veto": vote.veto,
    }


def proposal_options(
    venture: Venture,
    partner: Partner,
    issue: Issue,
    agent: Proposal | None,
    shares: Sequence[float],
) -> list[dict[str, Any]]:
    """The proposals a chair may table: a share of the way from the status quo to its ideal.

    Returns:
        Per share in [0, 1] (0: table nothing): ``share``, ``policy`` and what it costs
        each seated partner (``costs``, value units; negative: a gain), the agent's own
        choice first (``agent``).
    """
    mine = agent.share if agent is not None else 0.0
    out = []
    for share in [mine, *[s for s in shares if abs(s - mine) > 1e-9]]:
        p = proposal_at(venture, partner, issue, share, agent)
        out.append(
            {
                "share": share,
                "agent": share == mine,
                "policy": list(p.policy) if p is not None else None,
                "costs": {
                    o.name: cost(venture, o, issue, p.policy) if p is not None else 0.0
                    for o in venture.seated()
                },
            }
        )
    return out


def proposal_at(
    venture: Venture, partner: Partner, issue: Issue, share: float, agent: Proposal | None
) -> Proposal | None:
    """The proposal ``share`` (in [0, 1]) of the way from the policy now to the partner's ideal.

    A share of 0 tables nothing (None). The proposer expects it to pass when it goes no
    further than its agent believed would.
    """
    share = min(1.0, max(0.0, float(share)))
    if share <= 0:
        return None
    target = partner.view(issue.dims).ideal
    point = [0.0] * len(target)
    policy_math.point_on_segment(venture.status_quo(issue), target, share, point)
    believed = agent is not None and agent.expected_to_pass and share <= agent.share + 1e-9
    return Proposal(partner.name, tuple(point), share, believed)


def vote_as(vote: Vote, yes: bool) -> Vote:
    """The same vote with the person's yes or no."""
    return dataclasses.replace(vote, yes=bool(yes))


def funding_view(partner: Partner, candidates: Sequence[Issue], venture: Venture) -> list[dict]:
    """The issues a partner could fund outside the venture: uid, title, cost, affordable."""
    return [
        {
            "uid": i.uid,
            "title": i.title.replace("_", " "),
            "months_open": i.months_open(venture.month),
            "cost": partner.side_cost(i),
            "affordable": partner.side_cost(i) <= partner.capital,
        }
        for i in candidates
    ]


def may_exit(venture: Venture, partner: Partner) -> bool:
    """Whether the partner may announce its exit now (lock-up over, not announced yet)."""
    return partner.may_announce_exit(venture.month, venture.scenario.governance.lock_up_months)
