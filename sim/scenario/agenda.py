"""The agenda: what the venture has to decide, and scripted events.

Issues arrive as a Poisson process (``rate_per_month``), each of a kind drawn by weight,
plus scripted events at given months: a named issue (the first foundation model's
architecture), a capital call (a GPU cluster), a partner joining, a partner's outside
option jumping.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from sim.scenario.actors import MAX_MONEY, MAX_WEIGHT, PartnerSpec, Strict
from sim.scenario.text import Name, Title


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
    importance: float = Field(1.0, gt=0, le=1000)
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
    month: int = Field(ge=1)
    kind: str
    title: Title | None = None
    importance: float | None = Field(None, gt=0, le=1000)


class CapitalCallEvent(Strict):
    """A call for capital: each partner pays pro rata to its stake or is diluted.

    Attributes:
        type: ``capital_call``.
        month: month of the call.
        amount: total amount called from the partners, currency units.
        title: readable title.
    """

    type: Literal["capital_call"]
    month: int = Field(ge=1)
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
    month: int = Field(ge=1)
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
    month: int = Field(ge=1)
    partner: str
    change: float = Field(ge=-10, le=10)
    title: Title | None = None


Event = Annotated[
    IssueEvent | CapitalCallEvent | NewPartnerEvent | OutsideOptionEvent,
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
    lifetime_months: int | None = Field(24, ge=1)
    min_move: float = Field(0.0, ge=0, le=1)
    events: list[Event] = Field(default_factory=list)
