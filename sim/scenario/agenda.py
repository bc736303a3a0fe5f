"""The agenda: what the venture has to decide, and scripted events.

Issues arrive as a Poisson process (``rate_per_month``), each of a kind drawn by weight,
plus scripted events at given months: a named issue (the first foundation model's
architecture), a capital call (a GPU cluster), a partner joining, a partner's outside
option jumping; and what real consortia do to their structure (issue 15): new equity
taken up by a holder or an outsider, in cash or in kind (:class:`EquityIssueEvent`), a
rescue in which one holder takes up what the others do not pay (:class:`RescueEvent`),
stakes changing hands (:class:`TransferEvent`), a governance change
(:class:`GovernanceChangeEvent`), a dated put or call (:class:`PutCallEvent`), a
period of losses (:class:`PerformanceEvent`) and non-voting shares
(:class:`DormantVotesEvent`). Scenarios that use none of these run
exactly as before (same random draws, same per-seed results).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from sim.scenario.actors import MAX_MONEY, MAX_MONTHS, MAX_WEIGHT, PartnerSpec, Strict
from sim.scenario.text import Name, Title

MIN_IMPORTANCE = 1e-6
"""The least importance of an issue or a kind (value units)."""


class IssueKind(Strict):
    """A kind of issue the venture decides.

    Attributes:
        name: the kind's name (``budget``, ``architecture``...); reserved matters are named
            in ``governance.reserved_matters``.
        dimensions: the policy dimensions it concerns.
        weight: relative frequency among Poisson arrivals (0 = scripted only).
        importance: mean importance (value units), scales what is at stake; drawn per issue
            from an exponential distribution with this mean.
        urgency: value lost per month it stays open, per unit of importance and of a
            partner's salience on its dimensions (value units per month).
    """

    name: Name
    dimensions: list[str] = Field(min_length=1)
    weight: float = Field(1.0, ge=0, le=MAX_WEIGHT)
    # From 1e-6: an issue's importance divides each tolerance, and one drawn from a
    # subnormal mean rounds to 0 (found by Hypothesis: 5e-324 failed every replication).
    importance: float = Field(1.0, ge=MIN_IMPORTANCE, le=1000)
    urgency: float = Field(0.05, ge=0, le=100)


class IssueEvent(Strict):
    """A scripted issue at a given month.

    Attributes:
        type: ``issue``.
        month: month it arrives (1 = the first month).
        kind: the issue kind's name.
        title: a readable title for reports and traces.
        importance: its importance (value units); the kind's mean if omitted.
    """

    type: Literal["issue"]
    month: int = Field(ge=1, le=MAX_MONTHS)
    kind: str
    title: Title | None = None
    importance: float | None = Field(None, ge=MIN_IMPORTANCE, le=1000)


class CapitalCallEvent(Strict):
    """A call for capital: each partner pays pro rata to its stake or is diluted.

    Attributes:
        type: ``capital_call``.
        month: month of the call.
        amount: total amount called from the partners, currency units.
        title: readable title.
    """

    type: Literal["capital_call"]
    month: int = Field(ge=1, le=MAX_MONTHS)
    amount: float = Field(gt=0, le=MAX_MONEY)
    title: Title | None = None


class NewPartnerEvent(Strict):
    """A new partner joins the venture by subscribing new equity.

    The joiner's ``stake`` is its share of the equity once it has joined: every existing
    stake (partners, investors, the state funder, third parties) is diluted by the factor
    ``1 - stake``, so the stakes still sum to what they did. It must be below 1.

    Attributes:
        type: ``new_partner``.
        month: month it joins.
        partner: the new partner.
    """

    type: Literal["new_partner"]
    month: int = Field(ge=1, le=MAX_MONTHS)
    partner: PartnerSpec


class OutsideOptionEvent(Strict):
    """A partner's outside option jumps (a rival's offer, its parent's programme takes off).

    Attributes:
        type: ``outside_option``.
        month: month of the jump.
        partner: the partner's name.
        change: change of its outside option (value units per month).
        title: readable title.
    """

    type: Literal["outside_option"]
    month: int = Field(ge=1, le=MAX_MONTHS)
    partner: str
    change: float = Field(ge=-10, le=10)
    title: Title | None = None


class EquityIssueEvent(Strict):
    """New equity subscribed at a month (a recapitalisation, an in-kind contribution).

    The subscriber pays ``amount`` (or contributes assets worth it, ``in_kind``) for new
    shares at the ``pre_money`` valuation: every stake is scaled by pre / (pre + amount)
    and the subscriber gains amount / (pre + amount). A subscriber that is not yet a
    holder becomes a passive investor: equity without a seat or a vote (non-voting shares).

    Attributes:
        type: ``equity_issue``.
        month: month of the issue.
        subscriber: a partner, investor or the state funder, or a new outside investor's name.
        amount: money (or assets) put in, currency units (> 0).
        in_kind: the contribution is assets (technology, a business unit), not cash: the
            subscriber's capital is not drawn.
        pre_money: the venture's value before the issue, currency units; default: its
            current valuation (``dynamics.valuation`` moved by capital calls and issues).
        title: readable title.
    """

    type: Literal["equity_issue"]
    month: int = Field(ge=1, le=MAX_MONTHS)
    subscriber: str = Field(min_length=1, max_length=80)
    amount: float = Field(gt=0, le=MAX_MONEY)
    in_kind: bool = False
    pre_money: float | None = Field(None, gt=0, le=MAX_MONEY)
    title: Title | None = None


class RescueEvent(Strict):
    """A rescue: a capital call in which one holder takes up what the others do not pay.

    Each shareholder is asked for its pro-rata share of ``amount`` and pays it if its
    capital allows (as :class:`CapitalCallEvent`); ``by`` (typically the state funder)
    subscribes the shortfall and whatever it owes itself, from its capital. Whether the
    rescuer ends up in control depends on what the others could pay.

    Attributes:
        type: ``rescue``.
        month: month of the rescue.
        amount: total new money, currency units.
        by: the rescuer: a partner or the state funder.
        title: readable title.
    """

    type: Literal["rescue"]
    month: int = Field(ge=1, le=MAX_MONTHS)
    amount: float = Field(gt=0, le=MAX_MONEY)
    by: str = Field(min_length=1, max_length=80)
    title: Title | None = None


class TransferEvent(Strict):
    """A block of shares changes hands between holders.

    The buyer pays ``stake`` x the venture's valuation from its capital (as far as it has
    any; a scripted sale happens). A seated partner left with no stake leaves the venture:
    a fracture (``exit``, or ``buy_out`` when one partner is left owning it).

    Attributes:
        type: ``transfer``.
        month: month of the sale.
        seller: a partner, investor or the state funder.
        buyer: a partner, investor or the state funder, or a new outside investor's name.
        stake: the block, a share of the whole equity in (0, 1]; at most what the seller
            holds along the scripted stake path (checked); when capital calls or equity
            issues have diluted the seller since, it sells all it still holds.
        title: readable title.
    """

    type: Literal["transfer"]
    month: int = Field(ge=1, le=MAX_MONTHS)
    seller: str = Field(min_length=1, max_length=80)
    buyer: str = Field(min_length=1, max_length=80)
    stake: float = Field(gt=0, le=1)
    title: Title | None = None


class GovernanceChangeEvent(Strict):
    """The governance design changes at a month (a new voting rule, board, clause...).

    ``governance`` holds the fields that change, in the shape of the scenario's
    ``governance`` block; nested blocks are merged (``{reserved: {rule:
    simple_majority}}`` keeps the reserved rule's basis). The merged design is validated
    like the scenario's own.

    Attributes:
        type: ``governance_change``.
        month: month from which the new design applies.
        governance: the changed fields.
        title: readable title.
    """

    type: Literal["governance_change"]
    month: int = Field(ge=1, le=MAX_MONTHS)
    governance: dict[str, object] = Field(min_length=1)
    title: Title | None = None


class PutCallEvent(Strict):
    """A dated put or call option on a partner's whole stake.

    From ``month`` (to ``until``, or the horizon) the option can be exercised: a ``put``
    lets ``holder`` sell its whole stake to ``counterparty``, and it does so in the first
    month it would want to leave (its satisfaction below its outside option for
    ``patience`` months), without notice or lock-up; a ``call`` lets ``counterparty`` buy
    ``holder``'s whole stake, and it does so in the first month ``holder`` would want to
    leave. Either way ``counterparty`` pays at the venture's valuation as far as its
    capital goes, and the fracture's cause is ``put_call``.

    Attributes:
        type: ``put_call``.
        month: first month the option can be exercised.
        until: last month it can be exercised (None = the horizon).
        option: ``put`` or ``call``.
        holder: the partner whose stake is sold.
        counterparty: the partner that buys it.
        title: readable title.
    """

    type: Literal["put_call"]
    month: int = Field(ge=1, le=MAX_MONTHS)
    until: int | None = Field(None, ge=1, le=MAX_MONTHS)
    option: Literal["put", "call"] = "put"
    holder: str = Field(min_length=1, max_length=80)
    counterparty: str = Field(min_length=1, max_length=80)
    title: Title | None = None


class PerformanceEvent(Strict):
    """A performance shock: for ``months`` months the venture is worth more or less.

    Losses, litigation, a failed launch: every holder's monthly payoff changes by
    ``change`` (value units per month; 1.0 is a working venture's monthly value) from
    ``month`` for ``months`` months, which moves satisfaction and so exits and a state
    funder's distress votes.

    Attributes:
        type: ``performance``.
        month: first month of the shock.
        months: how many months it lasts.
        change: change of every holder's monthly payoff (value units per month).
        title: readable title.
    """

    type: Literal["performance"]
    month: int = Field(ge=1, le=MAX_MONTHS)
    months: int = Field(ge=1, le=MAX_MONTHS)
    change: float = Field(ge=-10, le=10)
    title: Title | None = None


class DormantVotesEvent(Strict):
    """From a month, part of a partner's shares carry no votes (parked in a trust).

    Non-voting shares of a partner (evidence.md c2, "dormant voting / trust": Renault's
    28.4% of Nissan parked in a French trust in 2023): under ``basis: stake`` its voting
    weight is its stake times (1 - ``fraction``); its equity, and so what it is paid and
    what it must pay, is unchanged. A later event for the same partner replaces it.

    Attributes:
        type: ``dormant_votes``.
        month: month from which the votes are parked.
        partner: the partner's name.
        fraction: share of its own stake without votes, in [0, 1].
        title: readable title.
    """

    type: Literal["dormant_votes"]
    month: int = Field(ge=1, le=MAX_MONTHS)
    partner: str = Field(min_length=1, max_length=80)
    fraction: float = Field(ge=0, le=1)
    title: Title | None = None


#: Event types added for real consortia (issue 15); the Mesa engine handles them.
STRUCTURE_EVENT_TYPES = (
    "dormant_votes",
    "equity_issue",
    "rescue",
    "transfer",
    "governance_change",
    "put_call",
    "performance",
)


def uses_restructuring(scenario) -> bool:
    """Whether a scenario scripts any of :data:`STRUCTURE_EVENT_TYPES` (Mesa engine only).

    Args:
        scenario: a :class:`~sim.scenario.schema.Scenario`.
    """
    return any(e.type in STRUCTURE_EVENT_TYPES for e in scenario.agenda.events)


Event = Annotated[
    IssueEvent
    | CapitalCallEvent
    | NewPartnerEvent
    | OutsideOptionEvent
    | EquityIssueEvent
    | RescueEvent
    | TransferEvent
    | GovernanceChangeEvent
    | PutCallEvent
    | PerformanceEvent
    | DormantVotesEvent,
    Field(discriminator="type"),
]


class AgendaSpec(Strict):
    """What arrives on the venture's agenda.

    Attributes:
        rate_per_month: mean number of new issues per month (Poisson).
        kinds: the issue kinds.
        shock: standard deviation of how far the environment has moved the status quo on an
            issue's dimensions when it arrives (policy units); 0 = the current policy.
        lifetime_months: months after which an open issue lapses undecided (its status quo
            stands); ``None`` = never.
        min_move: an optional floor on a proposal's size, as the largest move on any of
            the issue's dimensions (policy units): a proposer that believes only a smaller
            move can pass tables its ideal point instead, expecting a no ("lumpy" board
            questions). 0 (the default) is DESIGN.md's rule: the proposer tables the point
            closest to its ideal among those it believes the others accept. No study
            measures a floor; ``docs/calibration.md`` shows the headlines at both settings.
        events: scripted events.
    """

    rate_per_month: float = Field(1.0, ge=0, le=50)
    kinds: list[IssueKind] = Field(min_length=1)
    shock: float = Field(0.15, ge=0, le=1)
    lifetime_months: int | None = Field(24, ge=1, le=MAX_MONTHS)
    min_move: float = Field(0.0, ge=0, le=1)
    events: list[Event] = Field(default_factory=list)
