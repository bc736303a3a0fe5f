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
- ``shotgun``: a dissatisfied partner names one price for all shares; the others jointly
  buy it out if they can and want to stay, otherwise they sell and it owns the venture;
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
            venture.settle(issue, venture.compromise(issue), month, how="escalation")
            return
        venture.say("escalation_failed", issue=issue)
        if spec.mediation.enabled:
            issue.stage, issue.stage_until = "mediation", month + spec.mediation.months
            venture.say("mediation", issue=issue, until=issue.stage_until)
            return
    elif issue.stage == "mediation":
        if rng.random() < spec.mediation.resolves:
            venture.settle(issue, venture.compromise(issue), month, how="mediation")
            return
        venture.say("mediation_failed", issue=issue)
    venture.say("clause", issue=issue, clause=spec.clause)
    DEADLOCK_CLAUSES[spec.clause](venture, issue, month)


def dissatisfied(venture: Venture) -> list[Partner]:
    """Partners below their outside option, most dissatisfied first."""
    unhappy = [p for p in venture.seated() if p.satisfaction < p.outside_option]
    return sorted(unhappy, key=lambda p: (p.satisfaction - p.outside_option, p.order))


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
        venture.settle(issue, venture.compromise(issue), month, how="chiefs")
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
    venture.settle(issue, venture.compromise(issue), month, how="arbitration")


@deadlock_clause("majority_fallback")
def majority_fallback(venture: Venture, issue: Issue, month: int) -> None:
    """The threshold drops to a simple majority; the issue returns to the next meeting."""
    issue.fallback = True
    issue.stage = "stuck"
    issue.failed_meetings = 0


@deadlock_clause("shotgun")
def shotgun(venture: Venture, issue: Issue, month: int) -> None:
    """Buy-sell: one price for all shares; the others buy the initiator out or sell to it.

    With more than two partners the initiator offers for all the others' shares; they
    jointly buy it out (pro rata) if they have the money and, on average, want to stay;
    otherwise each sells and the initiator owns the venture.
    """
    unhappy = dissatisfied(venture)
    if not unhappy:
        venture.drop(issue, month, why="nobody triggered the shotgun clause")
        return
    initiator = unhappy[0]
    others = [p for p in venture.seated() if p is not initiator]
    price = venture.valuation * initiator.stake
    can_buy = sum(p.capital for p in others) >= price
    want_stay = sum(p.satisfaction - p.outside_option for p in others) >= 0
    venture.drop(issue, month, why=f"{initiator.name} triggered the shotgun clause")
    if can_buy and want_stay:
        venture.remove_partner(initiator, month, how="shotgun", buyers=others)
    else:
        for p in others:
            venture.remove_partner(p, month, how="shotgun", buyers=[initiator])


@deadlock_clause("put_call")
def put_call(venture: Venture, issue: Issue, month: int) -> None:
    """The most dissatisfied partner puts its stake to the others at appraised value."""
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
