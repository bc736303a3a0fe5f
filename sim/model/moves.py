"""Who makes a partner's moves: the agent's own rules, or a person playing the partner.

The venture asks :attr:`Venture.moves` at each point where a partner acts: when it
proposes, when it votes, when it may fund an issue outside the structure, and when it may
announce its exit. The agent's own decision is always computed first (with the same random
draws), then offered to the moves object, which returns it unchanged (:class:`AgentMoves`,
the default) or replaces it (a person playing the partner in ``sim play``). So a session
is reproducible from the seed and the recorded human moves, and the random streams of the
agents are the same whoever plays.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from sim.model.agenda import Issue
    from sim.model.partner import Partner, Proposal, Vote
    from sim.model.venture import Venture


class Moves(Protocol):
    """The decisions a partner takes, each given the agent's own choice first."""

    def plays(self, partner: Partner) -> bool:
        """Whether a person plays ``partner``.

        A played partner may fund outside the venture even if its agent never would.
        """
        ...

    def propose(
        self, venture: Venture, partner: Partner, issue: Issue, proposal: Proposal | None
    ) -> Proposal | None:
        """The proposal ``partner`` tables on ``issue``, or None to table nothing.

        ``proposal`` is the agent's (None when it believes nothing would pass).
        """
        ...

    def vote(
        self, venture: Venture, partner: Partner, issue: Issue, proposal: Proposal, vote: Vote
    ) -> Vote:
        """The vote ``partner`` casts on ``proposal`` (``vote`` is the agent's)."""
        ...

    def fund_outside(
        self,
        venture: Venture,
        partner: Partner,
        candidates: Sequence[Issue],
        chosen: Issue | None,
    ) -> Issue | None:
        """The issue ``partner`` funds outside the venture this month, or None.

        ``candidates`` are the stuck or lost issues it could fund, ``chosen`` the agent's
        choice (None when the agent does not fund).
        """
        ...

    def announce_exit(self, venture: Venture, partner: Partner, decided: bool) -> bool:
        """Whether ``partner`` announces its exit this month (``decided``: the agent's)."""
        ...


class AgentMoves:
    """Every partner follows its own rules: each decision is returned unchanged."""

    def plays(self, partner: Partner) -> bool:
        """Nobody plays a partner."""
        return False

    def propose(
        self, venture: Venture, partner: Partner, issue: Issue, proposal: Proposal | None
    ) -> Proposal | None:
        """The agent's proposal."""
        return proposal

    def vote(
        self, venture: Venture, partner: Partner, issue: Issue, proposal: Proposal, vote: Vote
    ) -> Vote:
        """The agent's vote."""
        return vote

    def fund_outside(
        self,
        venture: Venture,
        partner: Partner,
        candidates: Sequence[Issue],
        chosen: Issue | None,
    ) -> Issue | None:
        """The agent's choice."""
        return chosen

    def announce_exit(self, venture: Venture, partner: Partner, decided: bool) -> bool:
        """The agent's decision."""
        return decided
