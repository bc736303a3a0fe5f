"""A meeting on one issue: the ballot, the proposer, the proposal and the votes.

Steps 2 to 5 of the month cycle for one issue: the governance design decides who votes
with what weight and who can block (:func:`ballot_for`), the proposer rule picks who
proposes, partners vote on the venture's live policy, the rule decides, and an issue that
keeps failing gets a deadlock notice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model import deadlock, proposer
from sim.model.agenda import Issue
from sim.model.partner import Partner
from sim.model.voting import Ballot, decide

if TYPE_CHECKING:
    from sim.model.venture import Venture

MAX_FUNDER_VOTES = 0.999


def voters_for(venture: Venture, issue: Issue) -> list[Partner]:
    """The seated partners, plus the state funder on reserved matters."""
    if issue.reserved and venture.funder is not None and venture.funder.active:
        return [*venture.seated(), venture.funder]
    return list(venture.seated())


def ballot_for(
    venture: Venture, issue: Issue, voters: list[Partner], chair_index: int | None = None
) -> Ballot:
    """The voting situation for an issue under the venture's design.

    Reserved matters use ``governance.reserved`` and its veto holders; routine matters use
    ``governance.routine``. After ``majority_fallback`` (or for a casting vote) the rule is
    a simple majority. A state funder's weight makes its share of the votes equal to its
    contingent share (``votes.normal``, or ``votes.distress`` in distress) where the rule
    counts weights; under unanimity its weight is 0, so its vote binds only through the
    veto its golden share gives it in distress.
    """
    g = venture.scenario.governance
    spec = g.reserved if issue.reserved else g.routine
    rule, threshold = spec.rule, spec.threshold
    if issue.fallback or chair_index is not None:
        rule, threshold = "simple_majority", None
    partners = [v for v in voters if v is not venture.funder]
    weights = [p.stake if spec.basis == "stake" else 1.0 for p in partners]
    if venture.dormant and spec.basis == "stake":  # parked votes (sim.model.restructure)
        parked = venture.dormant
        weights = [p.stake * (1.0 - parked.get(p.name, 0.0)) for p in partners]
    if sum(weights) <= 0:
        weights = [1.0] * len(partners)
    vetoes = [issue.reserved and p.name in venture.veto_holders for p in partners]
    if len(voters) > len(partners):
        # Only the funder was filtered out above, so it is present (not None) here.
        assert venture.funder is not None
        votes = venture.funder.votes
        share = min(votes.distress if venture.distress else votes.normal, MAX_FUNDER_VOTES)
        weights.append(0.0 if rule == "unanimity" else share / (1 - share) * sum(weights))
        vetoes.append(venture.distress and votes.veto_in_distress)
    return Ballot(rule, threshold, tuple(weights), tuple(vetoes), chair_index)


def hold(venture: Venture, issue: Issue, month: int, casting_vote: bool = False) -> bool:
    """Put an issue to a vote.

    Args:
        venture: the venture.
        issue: the issue.
        month: the current month.
        casting_vote: the chair proposes and breaks ties under a simple majority.

    Returns:
        Whether the proposal passed.
    """
    dyn = venture.scenario.dynamics
    seated = venture.seated()
    chair = venture.chair_now(month)
    total = sum(p.standing for p in seated) or 1.0
    influence = [p.standing / total for p in seated]
    if casting_vote:
        who = chair
    else:
        who = proposer.choose(
            proposer.PROPOSER_RULES[venture.scenario.governance.proposer],
            chair,
            venture.leader_index(),
            influence,
            [p.expertise_on(issue) for p in seated],
            venture.rng,
        )
    author = seated[who]
    premium = dyn.influence_deference * max(0.0, influence[who] - 1.0 / len(seated))
    voters = voters_for(venture, issue)
    ballot = ballot_for(venture, issue, voters, who if casting_vote else None)
    tolerances = [v.tolerance_for(issue, month, author, dyn.deference, premium) for v in voters]
    status_quo = venture.status_quo(issue)
    proposal = author.propose(
        issue,
        status_quo,
        voters,
        tolerances,
        ballot,
        dyn.belief_noise,
        venture.rng,
        venture.scenario.agenda.min_move,
    )
    moves = venture.moves
    proposal = moves.propose(venture, author, issue, proposal)
    if proposal is None:
        venture.say("no_proposal", issue=issue, proposer=author.name, status_quo=status_quo)
        return _failed(venture, issue, month, casting_vote)
    votes = [
        moves.vote(
            venture,
            v,
            issue,
            proposal,
            v.vote(issue, status_quo, proposal, tol, v is author, veto),
        )
        for v, tol, veto in zip(voters, tolerances, ballot.vetoes, strict=True)
    ]
    passed = decide(ballot, [v.yes for v in votes])
    venture.say(
        "meeting",
        issue=issue,
        proposal=proposal,
        votes=votes,
        passed=passed,
        casting_vote=casting_vote,
        status_quo=status_quo,
    )
    if passed:
        venture.settle(
            issue,
            proposal.policy,
            month,
            how="casting vote" if casting_vote else "vote",
            proposer=author,
            votes=votes,
        )
        return True
    return _failed(venture, issue, month, casting_vote)


def _failed(venture: Venture, issue: Issue, month: int, casting_vote: bool) -> bool:
    """A meeting without a decision; a reserved matter may get its deadlock notice."""
    issue.failed_meetings += 1
    spec = venture.scenario.governance.deadlock
    if (
        issue.reserved
        and not issue.laddered
        and not casting_vote
        and issue.failed_meetings >= spec.after_rounds
    ):
        issue.laddered = True
        issue.stage, issue.stage_until = "escalation", month + spec.escalation_months
        venture.say("deadlock_notice", issue=issue, until=issue.stage_until)
        if spec.escalation_months == 0:
            deadlock.advance(venture, issue, month)
    return False
