"""Who is in the venture: partners, passive minority investors and a state funder.

Units used throughout the scenario:
- stakes and shares are fractions of the venture's equity in [0, 1];
- positions, ideal points and policies are points in [0, 1] per policy dimension;
- salience is a weight per dimension (normalised by the model to sum to 1);
- ``satisfaction``, ``outside_option`` and tolerances are in *value units per month*, where
  1.0 is what a working venture is worth to a partner in a month (``dynamics.venture_value``);
- capital and prices are in the scenario's ``currency`` units (e.g. ¥bn).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from sim.scenario.text import Name

#: The largest amount of money in a scenario (currency units). Amounts are in the
#: scenario's currency (e.g. ``¥bn``: 400 is ¥400bn); a trillion of them is more than any
#: venture holds, and larger numbers (``1.0e308``) overflow when they are added up.
MAX_MONEY = 10**12
#: The largest relative weight (saliences, issue kinds' weights): weights are normalised,
#: so only their ratios matter, and larger ones overflow when they are added up.
MAX_WEIGHT = 10**6
#: The largest month in a scenario: a horizon, an event's month, an issue's lifetime
#: (a century; longer runs only cost time, and no venture is planned that far).
MAX_MONTHS = 1200

#: A point on one policy dimension, or a degree of expertise: in [0, 1].
UnitValue = Annotated[float, Field(ge=0, le=1)]
#: A salience, a relative weight on one dimension (normalised to sum to 1).
Salience = Annotated[float, Field(ge=0, le=MAX_WEIGHT)]


class Strict(BaseModel):
    """Base for every scenario block: unknown keys are errors, values are immutable.

    Numbers must be finite: YAML reads ``.inf`` and ``.nan`` as floats, and no quantity in a
    scenario is meaningfully infinite. Types are strict (pydantic's strict mode): YAML
    reads ``yes``, ``no``, ``on`` and ``off`` as booleans, and a lax number field would take
    ``horizon_months: yes`` as 1 month; a quoted ``"12"`` is text, not a number. A number
    field takes numbers only (a real-valued field also takes whole numbers, ``1`` for
    ``1.0``; a whole-number field does not take ``12.0``), a flag only ``true``/``false``,
    text only text. Every value that reaches the schema passes here: files, ``--set``
    overrides, experiment files' ``set`` and ``grid``, distributions' bounds and draws.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)


class Veto(Strict):
    """How readily a partner says no.

    Attributes:
        tolerance: utility loss against the status quo (value units) a partner accepts on a
            proposal before voting no. 0 means it rejects any move that hurts it.
        concession: how much that tolerance grows per month an issue stays open (value units
            per month): impatience, the cost of losing the race.
    """

    tolerance: float = Field(default=0.03, ge=0, le=1)
    concession: float = Field(default=0.008, ge=0, le=1)


class SideFunding(Strict):
    """Funding initiatives outside the venture's structure.

    Attributes:
        enabled: whether the partner ever funds its own version of a stuck or lost issue.
        propensity: probability per month that an eligible partner acts, in [0, 1].
        after_months: months an issue must stay open before it counts as stuck.
        min_stake: the least importance x salience on the issue for the partner to care.
        cost_per_importance: capital spent per unit of the issue's importance.
    """

    enabled: bool = False
    propensity: float = Field(default=0.2, ge=0, le=1)
    after_months: int = Field(default=6, ge=1, le=600)
    min_stake: float = Field(default=0.2, ge=0, le=1000)
    cost_per_importance: float = Field(default=5.0, ge=0, le=MAX_MONEY)


class PartnerSpec(Strict):
    """A partner: a shareholder with a board seat, priorities and veto behaviour.

    Attributes:
        name: unique name, used in reports and in scenario references.
        stake: equity share in [0, 1]; the voting weight under stake-based rules.
        capital: money it can put in (capital calls, side funding), currency units.
        positions: ideal point per dimension in [0, 1]; dimensions not given default to 0.5.
        salience: how much each dimension matters; normalised to sum 1 (missing ones are 0).
        expertise: technical weight per dimension in [0, 1]; others defer to an expert's
            proposals on its dimensions (missing ones are 0).
        veto: tolerance and concession.
        outside_option: value per month of leaving (its own competing programme), value units.
        outside_option_drift: change of the outside option per year (value units per year):
            rival programmes mature, "greener pastures".
        patience: consecutive months of satisfaction below the outside option before it leaves.
        side_funding: whether and how it funds things outside the structure.
        cross_holdings: share of another partner's own equity (its parent company, not
            the venture) that this partner holds, per partner name, each in [0, 1]: a
            financial interest in that partner's gains from the venture, without control
            of it (docs/model.md, "Cross-shareholdings"). Empty = none.
    """

    name: Name
    stake: float = Field(ge=0, le=1)
    capital: float = Field(default=0.0, ge=0, le=MAX_MONEY)
    positions: dict[str, UnitValue] = Field(default_factory=dict)
    salience: dict[str, Salience] = Field(default_factory=dict)
    expertise: dict[str, UnitValue] = Field(default_factory=dict)
    veto: Veto = Veto()
    # Calibrated (docs/calibration.md, calibration/calibrate.py): just below a working
    # venture's value of 1.0, so that the generic 50:50 venture ends within seven years
    # about half the time (evidence.md a1 #5, #9); was 0.7, at which it never ended.
    outside_option: float = Field(default=1.0, ge=-10, le=10)
    outside_option_drift: float = Field(default=0.0, ge=-1, le=1)
    patience: int = Field(default=6, ge=1, le=600)
    side_funding: SideFunding = SideFunding()
    cross_holdings: dict[Name, Annotated[float, Field(ge=0, le=1)]] = Field(
        default_factory=dict, max_length=64
    )


class InvestorSpec(Strict):
    """A passive minority investor: equity without a board seat, so without a vote.

    Its stake is real equity: a capital call asks it for its pro-rata share like every
    shareholder, and it is diluted when it does not pay (it pays only with ``capital``);
    under pre-emption it takes up its pro-rata part of a leaver's shares as far as its
    capital allows, so partners buy less. It never proposes, votes or leaves.

    Attributes:
        name: unique name.
        stake: equity share in [0, 1].
        capital: money it can put in (capital calls, pre-emption), currency units; 0 = a
            purely passive holder that is diluted by every call.
    """

    name: Name
    stake: float = Field(ge=0, le=1)
    capital: float = Field(default=0.0, ge=0, le=MAX_MONEY)


class ContingentVotes(Strict):
    """A state funder's golden share: votes that grow when the venture does badly.

    Attributes:
        normal: the funder's share of board votes in good times, in [0, 1] (Rapidus: 0.115).
        distress: its share of votes when the venture is in distress (Rapidus: 0.40).
        veto_in_distress: whether it also holds a veto on reserved matters in distress.
        distress_below: the venture is in distress when the partners' mean satisfaction
            falls below this level (value units per month).
    """

    normal: float = Field(default=0.115, ge=0, le=1)
    distress: float = Field(default=0.40, ge=0, le=1)
    veto_in_distress: bool = True
    distress_below: float = Field(default=0.6, ge=-10, le=10)


class StateFunderSpec(Strict):
    """A state funder: money with contingent rights, a voter on reserved matters.

    It votes on reserved matters like a partner (yes unless a proposal costs it more than
    its tolerance, which grows while a matter stays open), with the weight of its
    contingent share of the votes where the rule counts weights (majorities); under
    unanimity its vote binds only when it holds a veto (in distress, with
    ``votes.veto_in_distress``). It neither proposes nor leaves.

    Attributes:
        name: unique name.
        stake: equity share in [0, 1].
        capital: money it can put into capital calls, currency units.
        positions: ideal point per dimension in [0, 1].
        salience: weight per dimension (normalised to sum 1).
        veto: its tolerance and concession, as a partner's.
        votes: its contingent voting rights.
    """

    name: Name
    stake: float = Field(default=0.0, ge=0, le=1)
    capital: float = Field(default=0.0, ge=0, le=MAX_MONEY)
    positions: dict[str, UnitValue] = Field(default_factory=dict)
    salience: dict[str, Salience] = Field(default_factory=dict)
    veto: Veto = Veto()
    votes: ContingentVotes = ContingentVotes()
