"""The governance design: voting rules, who proposes, the board, the deadlock ladder, exits.

These are the knobs a strategist turns when comparing designs. Each name that picks a
rule (``VotingSpec.rule``, ``GovernanceSpec.proposer``, ``DeadlockSpec.clause``) is the
name of a registered function in ``sim.model``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from sim.scenario.actors import Strict

VotingRuleName = Literal["unanimity", "simple_majority", "qualified_majority"]
ProposerRuleName = Literal["rotating_chair", "random", "designated", "most_influential", "expert"]
ClauseName = Literal[
    "none",
    "escalate",
    "casting_vote",
    "arbitration",
    "shotgun",
    "put_call",
    "majority_fallback",
    "wind_up",
]


class VotingSpec(Strict):
    """A voting rule.

    Attributes:
        rule: ``unanimity`` (every voter says yes), ``simple_majority`` (more than half) or
            ``qualified_majority`` (at least ``threshold``).
        basis: ``count`` (one voter, one vote) or ``stake`` (votes weighted by equity).
        threshold: share of votes needed under a qualified majority, in (0.5, 1].
    """

    rule: VotingRuleName = "unanimity"
    basis: Literal["count", "stake"] = "count"
    threshold: float | None = Field(default=None, gt=0.5, le=1)

    @model_validator(mode="after")
    def _threshold_matches_rule(self) -> VotingSpec:
        if self.rule == "qualified_majority" and self.threshold is None:
            raise ValueError("a qualified_majority needs a threshold, e.g. threshold: 0.75")
        if self.rule != "qualified_majority" and self.threshold is not None:
            raise ValueError(
                f"threshold only applies to qualified_majority, not to {self.rule}; "
                "remove it or set rule: qualified_majority"
            )
        return self


class BoardSpec(Strict):
    """The board, which alone decides reserved matters.

    Attributes:
        cadence_months: months between board meetings (3 = quarterly, typical for JV boards;
            6 = twice a year, as ITER's council).
    """

    cadence_months: int = Field(default=3, ge=1, le=24)


class MediationSpec(Strict):
    """Optional mediation step of the deadlock ladder.

    Attributes:
        enabled: whether the ladder includes mediation.
        months: length of the mediation window.
        resolves: probability that mediation ends in a compromise, in [0, 1].
    """

    enabled: bool = False
    months: int = Field(default=2, ge=1, le=24)
    resolves: float = Field(default=0.3, ge=0, le=1)


class DeadlockSpec(Strict):
    """The deadlock ladder real JV contracts use (evidence.md, section c1).

    Attributes:
        after_rounds: failed board meetings on a reserved matter that trigger a deadlock
            notice (1, more often 2-3).
        escalation_months: the window for the parents' chiefs (about 20 business days = 1).
        escalation_resolves: probability the chiefs settle on a compromise, in [0, 1]
            (no data found; "often results in the same deadlock").
        mediation: optional mediation step.
        clause: the terminal mechanism, applied when the ladder above fails.
        compromise_probability: under ``escalate``, the chance that the terminal escalation
            ends in a compromise rather than the matter being dropped.
    """

    after_rounds: int = Field(default=2, ge=1, le=12)
    escalation_months: int = Field(default=1, ge=0, le=12)
    escalation_resolves: float = Field(default=0.2, ge=0, le=1)
    mediation: MediationSpec = MediationSpec()
    clause: ClauseName = "none"
    compromise_probability: float = Field(default=0.5, ge=0, le=1)


class ReformSpec(Strict):
    """Reform into a single-leader company, by unanimous vote of the partners.

    Attributes:
        enabled: whether partners may vote to reform.
        latency_months: mean decision latency over the last year (months) above which the
            partners consider reform, provided a de facto leader exists.
    """

    enabled: bool = True
    latency_months: float = Field(default=6.0, ge=0, le=600)


class GovernanceSpec(Strict):
    """The governance design of the venture.

    Attributes:
        reserved: the board's voting rule on reserved matters.
        routine: management's monthly voting rule on routine matters.
        reserved_matters: issue kinds that only the board decides.
        veto_holders: partners whose no blocks any reserved matter.
        proposer: who proposes on each issue.
        leader: the designated leader (proposer under ``designated``, chair holding the
            casting vote); ``None`` for no designated leader.
        chair_term_months: months each partner chairs under a rotating chair.
        board: board cadence.
        deadlock: the deadlock ladder.
        lock_up_months: months from formation during which no partner may exit.
        exit_notice_months: months between a partner's decision to leave and its exit.
        pre_emption: whether remaining partners have first right to buy a leaver's shares.
        reform: reform into a single-leader company.
    """

    reserved: VotingSpec = VotingSpec(rule="unanimity")
    routine: VotingSpec = VotingSpec(rule="simple_majority")
    reserved_matters: list[str] = Field(default_factory=list)
    veto_holders: list[str] = Field(default_factory=list)
    proposer: ProposerRuleName = "rotating_chair"
    leader: str | None = None
    chair_term_months: int = Field(default=12, ge=1, le=120)
    board: BoardSpec = BoardSpec()
    deadlock: DeadlockSpec = DeadlockSpec()
    lock_up_months: int = Field(default=0, ge=0, le=600)
    exit_notice_months: int = Field(default=6, ge=0, le=60)
    pre_emption: bool = True
    reform: ReformSpec = ReformSpec()

    @model_validator(mode="after")
    def _designated_needs_leader(self) -> GovernanceSpec:
        if self.proposer == "designated" and self.leader is None:
            raise ValueError(
                "proposer 'designated' needs a leader: set governance.leader to a partner's name"
            )
        return self
