"""The deadlock ladder and its terminal clauses (evidence.md, section c).

A reserved matter that fails at ``after_rounds`` board meetings gets a deadlock notice and
goes to the parents' chiefs for ``escalation_months`` (it may settle on a compromise),
then to optional mediation, then to the terminal clause. Each clause is a function of the
venture and the issue, registered by name:

- ``none``: the issue stays open and is voted at later meetings (it may lapse);
- ``escalate``: the chiefs settle on a compromise with ``compromise_probability``, or drop it;
- ``casting_vote``: the chair proposes, and a simple majority with the chair breaking
  ties decides; if that fails too, the matter is dropped;
- ``arbitration``: an outsider imposes the influence-and-salience-weighted compromise;
- ``shotgun``: a dissatisfied partner that could pay for all the others' shares names one
  price (the valuation) for every share; the others jointly buy it out if together they
  can pay for all of its stake and, on average, want to stay; otherwise each sells to it
  and it owns the venture. No share is left without an owner;
- ``put_call``: the most dissatisfied partner puts its stake to the others at appraised value;
- ``majority_fallback``: the threshold drops to a simple majority for this issue;
- ``wind_up``: a dissatisfied partner has the venture dissolved.

Structural clauses (shotgun, put/call, wind-up) are invoked only by a partner whose
satisfaction is below its outside option: nobody blows up a venture it is happy with. When
nobody is, the matter is dropped and its status quo stands.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sim.model import ownership, policy
from sim.model.agenda import Issue

if TYPE_CHECKING:
    from sim.model.partner import Partner
    from sim.model.venture import Venture

ClauseFn = Callable[["Venture", Issue, int], None]
DEADLOCK_CLAUSES: dict[str, ClauseFn] = {}


def deadlock_clause(name: str) -> Callable[[ClauseFn], ClauseFn]:
    """Register a terminal deadlock clause under ``name`` (``governance.deadlock.clause``)."""

    def register(fn: ClauseFn) -> ClauseFn:
        DEADLOCK_CLAUSES[name] = fn
        return fn

    return register


def advance(venture: Venture, issue: Issue, month: int) -> None:
    """Move an issue whose ladder window ends this month to its next step."""
    spec = venture.scenario.governance.deadlock
    rng = venture.rng
    if issue.stage == "escalation":
        if rng.random() < spec.escalation_resolves:
            venture.settle(issue, compromise(venture, issue), month, how="escalation")
            return
        venture.say("escalation_failed", issue=issue)
        if spec.mediation.enabled:
            issue.stage, issue.stage_until = "mediation", month + spec.mediation.months
            venture.say("mediation", issue=issue, until=issue.stage_until)
            return
    elif issue.stage == "mediation":
        if rng.random() < spec.mediation.resolves:
            venture.settle(issue, compromise(venture, issue), month, how="mediation")
            return
        venture.say("mediation_failed", issue=issue)
    venture.say("clause", issue=issue, clause=spec.clause)
    DEADLOCK_CLAUSES[spec.clause](venture, issue, month)


def compromise(venture: Venture, issue: Issue) -> tuple[float, ...]:
    """The influence-and-salience-weighted compromise of the seated partners' ideals."""
    seated = venture.seated()
    total = sum(p.standing for p in seated) or 1.0
    ideals = [p.view(issue.dims).ideal for p in seated]
    weights = [[p.standing / total * w for w in p.view(issue.dims).salience] for p in seated]
    out = [0.0] * len(issue.dims)
    policy.weighted_compromise(ideals, weights, out)
    return tuple(out)


def dissatisfied(venture: Venture) -> list[Partner]:
    """Partners below their outside option, most dissatisfied first (ties: founding order)."""
    seated = venture.seated()
    gaps = [p.surplus() for p in seated]
    ranked = [0] * len(seated)
    count = ownership.below_zero_ranked(gaps, ranked)
    return [seated[i] for i in ranked[:count]]


@deadlock_clause("none")
def stays_open(venture: Venture, issue: Issue, month: int) -> None:
    """No clause: the issue goes back to the table and may stay open until it lapses."""
    issue.stage = "stuck"
    issue.failed_meetings = 0


@deadlock_clause("escalate")
def escalate(venture: Venture, issue: Issue, month: int) -> None:
    """The parents' chiefs settle on a compromise, or the matter is dropped."""
    spec = venture.scenario.governance.deadlock
    if venture.rng.random() < spec.compromise_probability:
        venture.settle(issue, compromise(venture, issue), month, how="chiefs")
    else:
        venture.drop(issue, month, why="dropped by the chiefs")


@deadlock_clause("casting_vote")
def casting_vote(venture: Venture, issue: Issue, month: int) -> None:
    """The chair proposes; a simple majority decides, the chair breaking ties."""
    if not venture.hold_meeting(issue, month, casting_vote=True):
        venture.drop(issue, month, why="the chair's casting vote did not carry it")


@deadlock_clause("arbitration")
def arbitration(venture: Venture, issue: Issue, month: int) -> None:
    """An arbitrator imposes the influence-and-salience-weighted compromise."""
    venture.settle(issue, compromise(venture, issue), month, how="arbitration")


@deadlock_clause("majority_fallback")
def majority_fallback(venture: Venture, issue: Issue, month: int) -> None:
    """The threshold drops to a simple majority; the issue returns to the next meeting."""
    issue.fallback = True
    issue.stage = "stuck"
    issue.failed_meetings = 0


@deadlock_clause("shotgun")
def shotgun(venture: Venture, issue: Issue, month: int) -> None:
    """Buy-sell: one price for all shares; the others buy the initiator out or sell to it.

    The initiator is the most dissatisfied partner that could pay for all the others'
    shares at the valuation (a shotgun binds its initiator to buy if the others choose to
    sell). With more than two partners it offers for all the others' shares; they jointly
    buy it out (pro rata, as far as each one's money goes, the rest taken up by those with
    money left) if together they can pay for all of it and, on average, want to stay;
    otherwise each sells to the initiator, who then owns the venture.
    """
    initiator = None
    for p in dissatisfied(venture):
        others = [o for o in venture.seated() if o is not p]
        if p.capital >= venture.valuation * sum(o.stake for o in others):
            initiator = p
            break
    if initiator is None:
        venture.drop(issue, month, why="nobody could pay to trigger the shotgun clause")
        return
    others = [p for p in venture.seated() if p is not initiator]
    taken = [0.0] * len(others)
    unpaid = ownership.take_up(
        initiator.stake,
        [p.stake for p in others],
        [p.capital for p in others],
        venture.valuation,
        taken,
    )
    want_stay = sum(p.surplus() for p in others) >= 0
    venture.drop(issue, month, why=f"{initiator.name} triggered the shotgun clause")
    if unpaid <= 0 and want_stay:
        venture.remove_partner(initiator, month, how="shotgun", buyers=others)
    else:
        for p in others:
            venture.remove_partner(p, month, how="shotgun", buyers=[initiator])


@deadlock_clause("put_call")
def put_call(venture: Venture, issue: Issue, month: int) -> None:
    """The most dissatisfied partner puts its stake to the others at appraised value.

    The others must buy (pro rata, as far as their money goes); what they cannot pay for
    is sold to third parties.
    """
    unhappy = dissatisfied(venture)
    venture.drop(
        issue,
        month,
        why="deadlock ended with a put option" if unhappy else "nobody exercised the put option",
    )
    if unhappy:
        seller = unhappy[0]
        buyers = [p for p in venture.seated() if p is not seller]
        venture.remove_partner(seller, month, how="put_call", buyers=buyers)


@deadlock_clause("wind_up")
def wind_up(venture: Venture, issue: Issue, month: int) -> None:
    """A dissatisfied partner has the venture wound up."""
    unhappy = dissatisfied(venture)
    if not unhappy:
        venture.drop(issue, month, why="nobody asked to wind the venture up")
        return
    venture.drop(issue, month, why=f"{unhappy[0].name} invoked the wind-up clause")
    venture.end(month, "dissolved", how="wind_up", who=unhappy[0].name)
