"""The scenario: one venture, its governance design, and how to run it.

A scenario is what a YAML file in ``scenarios/`` describes. Field-level checks (types,
ranges, unknown keys) are pydantic's; checks across fields (a veto holder must be a
partner, a salience must name a known dimension...) are in :func:`reference_problems`,
which reports each problem with its dotted path so the loader can point at the line.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from sim.errors import did_you_mean
from sim.scenario.actors import (
    MAX_MONEY,
    MAX_MONTHS,
    InvestorSpec,
    PartnerSpec,
    StateFunderSpec,
    Strict,
    UnitValue,
)
from sim.scenario.agenda import AgendaSpec, NewPartnerEvent, OutsideOptionEvent
from sim.scenario.governance import GovernanceSpec
from sim.scenario.restructuring import restructuring_problems, source_problems
from sim.scenario.text import Name, Prose, Title

MAX_REPLICATIONS = 1_000_000
MAX_PARTNERS = 64
MAX_HORIZON_MONTHS = MAX_MONTHS
#: The largest influence gain: standing gained per unit importance (or of capital
#: relative to valuation). The defaults are 0.1 to 2; a gain of 1.0e300 overflows standing
#: to infinity and makes every influence share undefined.
MAX_GAIN = 1000


class LeaderSpec(Strict):
    """How a de facto leader is detected.

    A partner is the de facto leader once its influence share has stayed at or above
    ``share`` for ``months`` consecutive months.

    Attributes:
        share: influence share threshold in (0, 1]; ``None`` = 1/n + ``margin`` for the n
            partners in the venture at the time.
        margin: added to 1/n when ``share`` is not given.
        months: consecutive months at or above the threshold.
    """

    share: float | None = Field(default=None, gt=0, le=1)
    margin: float = Field(default=0.10, ge=0, le=1)
    months: int = Field(default=24, ge=1, le=600)


class InfluenceDynamics(Strict):
    """How influence is earned and fades.

    Attributes:
        memory_months: time scale over which influence returns to the formal baseline.
        pass_gain: standing gained per unit importance when one's proposal passes.
        proximity_gain: standing gained per unit importance when an outcome lands near one's
            ideal point (scaled by closeness in [0, 1]).
        capital_gain: standing gained per unit of capital put in, relative to the venture's
            valuation.
        side_funding_gain: standing gained per unit importance by funding outside the structure.
    """

    memory_months: float = Field(default=24.0, gt=0, le=1200)
    pass_gain: float = Field(default=0.1, ge=0, le=MAX_GAIN)
    proximity_gain: float = Field(default=0.1, ge=0, le=MAX_GAIN)
    capital_gain: float = Field(default=2.0, ge=0, le=MAX_GAIN)
    side_funding_gain: float = Field(default=0.3, ge=0, le=MAX_GAIN)


class SatisfactionDynamics(Strict):
    """How satisfaction is felt.

    Attributes:
        memory_months: time scale of the satisfaction moving average (months).
        venture_value: value per month of a working venture to each partner (value units).
        decision_value: value to every partner of a decision made, per unit importance.
        objection_cost: value lost per unit importance when a decision passes over one's no.
        trust_penalty: value lost by the other partners when one funds outside the structure.
    """

    memory_months: float = Field(default=6.0, gt=0, le=1200)
    venture_value: float = Field(default=1.0, ge=-10, le=10)
    decision_value: float = Field(default=0.05, ge=0, le=10)
    objection_cost: float = Field(default=0.05, ge=0, le=10)
    trust_penalty: float = Field(default=0.05, ge=0, le=10)


class Dynamics(Strict):
    """Behavioural constants shared by all partners.

    Attributes:
        belief_noise: standard deviation of a proposer's error about another partner's
            tolerance (value units); 0 = perfect information.
        deference: extra tolerance others grant to a proposal per unit of the proposer's
            expertise on the issue's dimensions (value units).
        influence_deference: extra tolerance others grant to a proposal per unit of the
            proposer's influence share above an equal share (value units): partners that
            have delivered get the benefit of the doubt. This is how earned influence
            feeds back into decisions; 0 makes influence descriptive only (outside the
            deadlock ladder's compromises and the ``most_influential`` proposer rule).
        valuation: the venture's value in currency units, for dilution after capital calls.
        influence: influence dynamics.
        satisfaction: satisfaction dynamics.
    """

    belief_noise: float = Field(default=0.01, ge=0, le=1)
    deference: float = Field(default=0.02, ge=0, le=1)
    influence_deference: float = Field(default=0.1, ge=0, le=1)
    valuation: float = Field(default=100.0, gt=0, le=MAX_MONEY)
    influence: InfluenceDynamics = InfluenceDynamics()
    satisfaction: SatisfactionDynamics = SatisfactionDynamics()


class Uncertainty(Strict):
    """What varies between replications beyond the agenda's dice.

    Attributes:
        position_jitter: standard deviation of each replication's perturbation of every
            partner's ideal points (policy units): we do not know them exactly.
        parameter_sets: parameter sets ``sim run`` and ``sim compare`` draw when values are
            given as distributions (``{uniform: [a, b]}``...).
        replications_per_set: replications of each parameter set (``replications`` is the
            number for a run of the scenario at its central values).
    """

    position_jitter: float = Field(default=0.05, ge=0, le=1)
    parameter_sets: int = Field(default=20, ge=1, le=10_000)
    replications_per_set: int = Field(default=50, ge=1, le=MAX_REPLICATIONS)


class Scenario(Strict):
    """A venture, its governance design, and how many times to run it.

    Attributes:
        name: short title.
        description: what the scenario is and what it changes.
        currency: unit of capital and prices (e.g. ``¥bn``).
        horizon_months: months simulated per replication.
        replications: default number of replications.
        seed: default root seed.
        dimensions: names of the policy dimensions.
        initial_policy: the venture's starting policy per dimension (default 0.5).
        partners: the partners (at least two).
        investors: passive minority investors.
        state_funder: an optional state funder with contingent votes.
        agenda: arrivals and scripted events.
        governance: the governance design.
        leader: de facto leader detection.
        dynamics: behavioural constants.
        uncertainty: replication-level uncertainty.
        metadata: free-form notes (sources, historical outcomes), never executed.
    """

    name: Title = Field(min_length=1, max_length=200)
    description: Prose = ""
    currency: Title = Field(default="units", max_length=40)
    horizon_months: int = Field(default=120, ge=1, le=MAX_HORIZON_MONTHS)
    replications: int = Field(default=1000, ge=1, le=MAX_REPLICATIONS)
    seed: int = Field(default=0, ge=0, lt=2**63)
    dimensions: list[Name] = Field(min_length=1, max_length=32)
    initial_policy: dict[str, UnitValue] = Field(default_factory=dict)
    partners: list[PartnerSpec] = Field(min_length=2, max_length=MAX_PARTNERS)
    investors: list[InvestorSpec] = Field(default_factory=list)
    state_funder: StateFunderSpec | None = None
    agenda: AgendaSpec
    governance: GovernanceSpec = GovernanceSpec()
    leader: LeaderSpec = LeaderSpec()
    dynamics: Dynamics = Dynamics()
    uncertainty: Uncertainty = Uncertainty()
    metadata: dict[str, object] = Field(default_factory=dict)

    def all_partners(self) -> list[PartnerSpec]:
        """Founding partners and those joining later, in order of appearance."""
        joining = [e.partner for e in self.agenda.events if isinstance(e, NewPartnerEvent)]
        return [*self.partners, *joining]


Problem = tuple[tuple[str | int, ...], str]


def reference_problems(s: Scenario) -> list[Problem]:
    """Check what pydantic cannot: names that must refer to something, and sums.

    Args:
        s: a scenario that passed field validation.

    Returns:
        ``(path, message)`` pairs; an empty list means the scenario is consistent.
    """
    return list(_references(s))


def _dimensions(path: tuple, values: dict[str, float], dims: set[str]) -> Iterator[Problem]:
    for dim in values:
        if dim not in dims:
            yield (*path, dim), _unknown("dimension", dim, dims)


def _unknown(what: str, name: str, known: set[str] | list[str]) -> str:
    known = sorted(set(known))
    return f"unknown {what} '{name}' (known: {', '.join(known)})" + did_you_mean(name, known)


def _actor_problems(path: tuple, actor, dims: set[str]) -> Iterator[Problem]:
    yield from _dimensions((*path, "positions"), actor.positions, dims)
    yield from _dimensions((*path, "expertise"), getattr(actor, "expertise", {}), dims)
    yield from _dimensions((*path, "salience"), actor.salience, dims)
    if actor.salience and sum(actor.salience.values()) <= 0:
        yield (
            (*path, "salience"),
            "saliences must sum to a positive number: give at least one dimension a weight "
            "above 0 (they are normalised to sum to 1)",
        )


def _cross_holding_problems(actors: list[tuple[tuple, PartnerSpec]]) -> Iterator[Problem]:
    """A partner holds shares of other partners only, and no partner is more than all held.

    Only direct holdings count in the model (docs/model.md), so a cycle (A holds B, B
    holds A, as Renault and Nissan) is allowed; what cannot be is more than 100% of one
    partner's equity held by the others.
    """
    names = [a.name for _, a in actors]
    held: dict[str, float] = {}
    for path, actor in actors:
        for name, share in actor.cross_holdings.items():
            at = (*path, "cross_holdings", name)
            if name == actor.name:
                yield at, "a partner cannot hold shares of itself: name another partner"
            elif name not in names:
                yield at, _unknown("partner", name, names)
            else:
                held[name] = held.get(name, 0.0) + share
    for path, actor in actors:
        if held.get(actor.name, 0.0) > 1.0 + 1e-9:
            yield (
                (*path, "name"),
                f"the other partners' cross_holdings of {actor.name} sum to "
                f"{held[actor.name]:.4g}, more than all of its equity: each is a share of "
                f"{actor.name}'s own equity in [0, 1], and together they can be at most 1",
            )


def _references(s: Scenario) -> Iterator[Problem]:
    dims = set(s.dimensions)
    if len(dims) != len(s.dimensions):
        yield ("dimensions",), "dimension names must be unique"
    yield from _dimensions(("initial_policy",), s.initial_policy, dims)

    names: dict[str, tuple] = {}
    actors: list[tuple[tuple[str | int, ...], PartnerSpec]] = [
        (("partners", i), p) for i, p in enumerate(s.partners)
    ]
    actors += [
        (("agenda", "events", i, "partner"), e.partner)
        for i, e in enumerate(s.agenda.events)
        if isinstance(e, NewPartnerEvent)
    ]
    others: list[tuple[tuple[str | int, ...], InvestorSpec | StateFunderSpec]] = [
        (("investors", i), v) for i, v in enumerate(s.investors)
    ]
    if s.state_funder is not None:
        others.append((("state_funder",), s.state_funder))
    for path, actor in actors + others:
        if actor.name in names:
            yield (
                (*path, "name"),
                f"duplicate name '{actor.name}' (also used at "
                + ".".join(map(str, names[actor.name]))
                + "): every partner, investor and state funder needs its own name",
            )
        names.setdefault(actor.name, path)
    for path, actor in actors:
        yield from _actor_problems(path, actor, dims)
    yield from _cross_holding_problems(actors)
    if s.state_funder is not None:
        yield from _actor_problems(("state_funder",), s.state_funder, dims)

    founding_stake = sum(p.stake for p in s.partners) + sum(v.stake for v in s.investors)
    if s.state_funder is not None:
        founding_stake += s.state_funder.stake
    if founding_stake > 1.0 + 1e-9:
        yield (
            ("partners",),
            (
                f"stakes of partners, investors and the state funder sum to {founding_stake:.4g}, "
                "more than 1: stakes are shares of the equity (0.10 = 10%), so lower them "
                "until they sum to at most 1 (the rest may be held by others)"
            ),
        )

    for i, event in enumerate(s.agenda.events):
        if isinstance(event, NewPartnerEvent) and event.partner.stake >= 1.0:
            yield (
                ("agenda", "events", i, "partner", "stake"),
                (
                    f"a joining partner's stake is its share after it joins and dilutes "
                    f"everyone else by (1 - stake); {event.partner.stake:g} leaves nothing "
                    "for the others: give a share below 1 (0.25 = 25%)"
                ),
            )

    partner_names = [p.name for p in s.all_partners()]
    kinds = [k.name for k in s.agenda.kinds]
    if len(set(kinds)) != len(kinds):
        yield ("agenda", "kinds"), "issue kind names must be unique"
    for i, kind in enumerate(s.agenda.kinds):
        for j, dim in enumerate(kind.dimensions):
            if dim not in dims:
                yield ("agenda", "kinds", i, "dimensions", j), _unknown("dimension", dim, dims)
    if s.agenda.rate_per_month > 0 and sum(k.weight for k in s.agenda.kinds) <= 0:
        yield ("agenda", "kinds"), "at least one issue kind needs a positive weight"
    for i, event in enumerate(s.agenda.events):
        at = ("agenda", "events", i)
        if event.month > s.horizon_months:
            yield (
                (*at, "month"),
                (f"month {event.month} is after the horizon ({s.horizon_months} months)"),
            )
        event_kind = getattr(event, "kind", None)
        if event_kind is not None and event_kind not in kinds:
            yield (*at, "kind"), _unknown("issue kind", event_kind, kinds)
        if isinstance(event, OutsideOptionEvent) and event.partner not in partner_names:
            yield (*at, "partner"), _unknown("partner", event.partner, partner_names)

    yield from restructuring_problems(s, _unknown)
    yield from source_problems(s)

    g = s.governance
    for i, reserved in enumerate(g.reserved_matters):
        if reserved not in kinds:
            yield ("governance", "reserved_matters", i), _unknown("issue kind", reserved, kinds)
    for i, name in enumerate(g.veto_holders):
        if name not in partner_names:
            yield ("governance", "veto_holders", i), _unknown("partner", name, partner_names)
    if g.leader is not None and g.leader not in partner_names:
        yield ("governance", "leader"), _unknown("partner", g.leader, partner_names)
