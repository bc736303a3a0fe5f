"""A room session: people play some partners of one venture, the agents play the rest.

The session's whole state is the scenario, the seed, who plays which partner and the
moves people made (:class:`Record`); the history is a pure function of it. To find what
the people must decide next, the venture is replayed from month 0 with the recorded moves
(:class:`PersonMoves`, the model's :mod:`sim.model.moves` hook) and run into the current
month; where a played partner must decide and no move is recorded, the agent's choice
stands in and the point is noted as a :class:`Decision`. The decisions that do not depend
on one another are asked together (the votes on one proposal; each person's end-of-month
choice to fund outside and to announce an exit); once they are answered the month is
replayed again, until it completes. A replay costs milliseconds, so nothing else is kept.

Decisions left unanswered when the month's time runs out take the agent's choice, which is
then recorded like any other move, so :func:`replay` of the record gives the same history.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from sim.viz import state

if TYPE_CHECKING:
    from sim.model.agenda import Issue
    from sim.model.partner import Partner, Proposal, Vote
    from sim.model.venture import Venture
    from sim.scenario.schema import Scenario

#: The shares of the way to its ideal a person may propose (the agent's choice is added).
SHARES = (0.25, 0.5, 0.75, 1.0)


@dataclass
class Decision:
    """A point where a person playing ``partner`` must decide.

    Attributes:
        key: unique in the session: month, kind, partner, issue and occurrence.
        month: the month (1-based).
        kind: ``propose`` (the chair's proposal), ``vote`` (yes or no) or ``month`` (fund an
            issue outside the venture or not, announce an exit or not).
        partner: the played partner's name.
        issue: the issue's number, for ``propose`` and ``vote``.
        default: the agent's choice, in the shape of an answer.
        context: what the person sees (issue, priorities, costs...), plain data.
    """

    key: str
    month: int
    kind: str
    partner: str
    issue: int | None
    default: dict[str, Any]
    context: dict[str, Any] = field(default_factory=dict)


@dataclass
class Move:
    """A recorded answer: the decision's key and kind, who made it and what it was.

    ``by`` is ``person``, or ``timer``/``teacher`` when the agent's choice was taken.
    """

    key: str
    month: int
    kind: str
    partner: str
    answer: dict[str, Any]
    by: str = "person"


@dataclass
class Record:
    """Everything that fixes a session's history: scenario, seed, players and moves."""

    scenario: dict[str, Any]
    seed: int
    players: dict[str, str]
    moves: list[Move] = field(default_factory=list)

    def to_json(self) -> str:
        """The record as JSON (what ``sim play`` saves at the end)."""
        return json.dumps(asdict(self), indent=1, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Record:
        """A record read back from :meth:`to_json`'s text."""
        data = json.loads(text)
        data["moves"] = [Move(**m) for m in data["moves"]]
        return cls(**data)

    def load_scenario(self) -> Scenario:
        """The scenario, validated again."""
        from sim.scenario.loader import validate_mapping

        return validate_mapping(self.scenario)


class PersonMoves:
    """The moves hook for a session: recorded answers for played partners, else the agent's.

    Args:
        players: names of the partners people play.
        answers: recorded answer per decision key.
    """

    def __init__(self, players: Sequence[str], answers: dict[str, dict[str, Any]]):
        self.players = set(players)
        self.answers = answers
        self.pending: list[Decision] = []
        self._seen: dict[str, int] = {}
        self._month: dict[str, Decision] = {}

    def _key(self, month: int, kind: str, partner: str, issue: int | None) -> str:
        base = f"{month}:{kind}:{partner}:{issue if issue is not None else '-'}"
        n = self._seen.get(base, 0)
        self._seen[base] = n + 1
        return f"{base}:{n}"

    def _ask(
        self,
        venture: Venture,
        kind: str,
        partner: Partner,
        issue: Issue,
        default: dict[str, Any],
        context: Callable[[], dict[str, Any]],
    ) -> dict[str, Any]:
        """The recorded answer, or the default with the decision noted as pending.

        What the person would see is built only for a pending decision: a replay passes
        through every earlier decision, and those are answered already.
        """
        m = venture.month
        key = self._key(m, kind, partner.name, issue.uid)
        answer = self.answers.get(key)
        if answer is None:
            self.pending.append(Decision(key, m, kind, partner.name, issue.uid, default, context()))
            return default
        return answer

    def plays(self, partner: Partner) -> bool:
        """Whether a person plays the partner."""
        return partner.name in self.players

    def propose(
        self, venture: Venture, partner: Partner, issue: Issue, proposal: Proposal | None
    ) -> Proposal | None:
        """The person's proposal: a share of the way from the status quo to its ideal.

        A share of 0 tables nothing (the agent's choice when it believes nothing passes).
        """
        if partner.name not in self.players:
            return proposal
        answer = self._ask(
            venture,
            "propose",
            partner,
            issue,
            {"share": proposal.share if proposal is not None else 0.0},
            lambda: {
                "issue": state.issue_view(venture, partner, issue),
                "options": state.proposal_options(venture, partner, issue, proposal, SHARES),
            },
        )
        return state.proposal_at(venture, partner, issue, answer["share"], proposal)

    def vote(
        self, venture: Venture, partner: Partner, issue: Issue, proposal: Proposal, vote: Vote
    ) -> Vote:
        """The person's yes or no (a chair votes for its own proposal without being asked)."""
        if partner.name not in self.players or proposal.proposer == partner.name:
            return vote
        answer = self._ask(
            venture,
            "vote",
            partner,
            issue,
            {"yes": vote.yes},
            lambda: {
                "issue": state.issue_view(venture, partner, issue),
                "proposal": state.proposal_view(proposal, vote),
            },
        )
        return state.vote_as(vote, answer["yes"])

    def _month_decision(self, venture: Venture, partner: Partner) -> Decision:
        m = venture.month
        found = self._month.get(partner.name)
        if found is None or found.month != m:
            found = Decision(
                self._key(m, "month", partner.name, None),
                m,
                "month",
                partner.name,
                None,
                {"fund": None, "exit": False},
                {"candidates": []},
            )
            self._month[partner.name] = found
        return found

    def fund_outside(
        self,
        venture: Venture,
        partner: Partner,
        candidates: Sequence[Issue],
        chosen: Issue | None,
    ) -> Issue | None:
        """The issue the person funds outside the venture (asked with the month's choice)."""
        if partner.name not in self.players:
            return chosen
        d = self._month_decision(venture, partner)
        d.default["fund"] = chosen.uid if chosen is not None else None
        answer = self.answers.get(d.key)
        if answer is None:
            d.context["candidates"] = state.funding_view(partner, candidates, venture)
        uid = answer.get("fund") if answer is not None else d.default["fund"]
        return next((i for i in candidates if i.uid == uid), None)

    def announce_exit(self, venture: Venture, partner: Partner, decided: bool) -> bool:
        """Whether the person announces the partner's exit (the month's last choice)."""
        if partner.name not in self.players:
            return decided
        d = self._month_decision(venture, partner)
        d.default["exit"] = bool(decided) and state.may_exit(venture, partner)
        answer = self.answers.get(d.key)
        if answer is None:
            d.context.update(
                may_exit=state.may_exit(venture, partner),
                lock_up_months=venture.scenario.governance.lock_up_months,
                notice_months=venture.scenario.governance.exit_notice_months,
            )
            self.pending.append(d)
            return d.default["exit"]
        return bool(answer.get("exit"))


def _replayed(record: Record, scenario: Scenario | None) -> tuple[state.Tracked, PersonMoves]:
    answers = {m.key: m.answer for m in record.moves}
    moves = PersonMoves(list(record.players), answers)
    venture = state.build(scenario or record.load_scenario(), record.seed, moves)
    return venture, moves


def probe(record: Record, scenario: Scenario | None = None) -> tuple[state.Tracked, list[Decision]]:
    """Replay a record into the first month with unanswered decisions (or to the end).

    ``scenario`` is the record's scenario already validated (read from the record if None).

    Returns:
        The venture, stopped after that month (run with the agents' choices standing in
        for the missing answers), and the month's unanswered decisions in the order the
        model asked them (empty when the venture ran to its end).
    """
    venture, moves = _replayed(record, scenario)
    while venture.running:
        moves.pending = []
        venture.step()
        if moves.pending:
            return venture, moves.pending
    return venture, []


def replay(
    record: Record, months: int | None = None, scenario: Scenario | None = None
) -> state.Tracked:
    """The venture a record produces, after ``months`` months (all when None).

    The venture keeps each month's chart row; ``scenario`` as for :func:`probe`.
    """
    venture, _ = _replayed(record, scenario)
    while venture.running and (months is None or venture.month < months):
        venture.step()
    return venture


def _group(d: Decision) -> tuple[str, ...]:
    month, kind, _, issue, n = d.key.split(":")
    return (month, kind, issue, n) if kind == "vote" else (month, kind)


def open_decisions(pending: Sequence[Decision]) -> list[Decision]:
    """The pending decisions asked together: the first, and those independent of it.

    Votes on one proposal do not depend on each other, nor do the people's end-of-month
    choices; a decision after them was reached with agents' choices standing in, so it is
    asked once the earlier ones are answered. A proposal is asked alone.
    """
    if not pending:
        return []
    first = pending[0]
    if first.kind == "propose":
        return [first]
    return [d for d in pending if _group(d) == _group(first)]
