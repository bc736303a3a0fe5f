"""Who is in the venture, who chairs it and who owns what: the venture's structure.

A part of :class:`~sim.model.venture.Venture` (a mixin, so the month cycle reads on its
own): the roster of seated partners and influence holders, the chair's rotation, minority
investors and third-party equity, and the structural events that change them (capital
calls with dilution, a partner joining with new equity, an outside option jumping, a
partner leaving and its shares bought, the venture ending).

Fractures are first terminations of the partnership, each with a cause (competing risks):
``exit`` (a partner leaves, the others carry on), ``buy_out`` (a partner leaves and the
last one owns the venture), ``liquidation`` (nobody is left to buy), ``shotgun``,
``put_call`` and ``wind_up`` (the deadlock clauses). Reform into a single-leader company
ends the venture too, but is not a fracture.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.model import ownership, proposer, restructure
from sim.model.ledger import Closed
from sim.scenario.agenda import (
    CapitalCallEvent,
    IssueEvent,
    NewPartnerEvent,
    OutsideOptionEvent,
    PutCallEvent,
)

if TYPE_CHECKING:
    from sim.model.events import EventLog
    from sim.model.ledger import Ledger
    from sim.model.partner import Partner, StateFunder
    from sim.scenario.agenda import Event, IssueKind
    from sim.scenario.schema import Scenario

FRACTURE_CAUSES = ("exit", "buy_out", "liquidation", "shotgun", "put_call", "wind_up")


@dataclass
class Investor:
    """A passive minority investor: equity without a seat or a vote.

    Attributes:
        name: its name.
        stake: equity share in [0, 1].
        capital: money it can put in (currency units).
    """

    name: str
    stake: float
    capital: float


class Structure:
    """The venture's roster, chair, equity and structural events (see the module)."""

    scenario: Scenario
    holders: list[Partner]
    funder: StateFunder | None
    month: int
    running: bool
    log: EventLog
    ledger: Ledger
    fracture: tuple[int, str, str] | None
    final_state: str
    termination: tuple[str, str] | None

    def setup_structure(self, s: Scenario) -> None:
        """Seat the founders, set standing to formal weight, read the design."""
        self.valuation = s.dynamics.valuation
        self.investors = [Investor(v.name, v.stake, v.capital) for v in s.investors]
        self.outside_stake = 0.0
        self.exits: dict[str, int] = {}
        founding = {p.name for p in s.partners}
        self._roster: tuple[tuple[Partner, ...], tuple[Partner, ...]] | None = None
        for h in self.holders:
            self._set_active(h, h.name in founding or h is self.funder)
            h.satisfaction = s.dynamics.satisfaction.venture_value
        holders = self.active_holders()
        base = [0.0] * len(holders)
        from sim.model.influence import baseline_shares

        baseline_shares([h.stake for h in holders], base)
        for h, b in zip(holders, base, strict=True):
            h.standing = b
        by_name = {h.name: h for h in self.holders}
        for h in self.holders:  # cross-shareholdings between partners (Partner.holdings)
            h.holdings = tuple(
                (by_name[name], share) for name, share in h.cross_holdings.items() if share > 0
            )
        self.veto_holders = set(s.governance.veto_holders)
        self.reserved_kinds = set(s.governance.reserved_matters)
        self.kinds: dict[str, IssueKind] = {k.name: k for k in s.agenda.kinds}
        self.script: dict[int, list[Event]] = {}
        for event in s.agenda.events:
            self.script.setdefault(event.month, []).append(event)
        self._chair = -1
        # Restructuring (sim.model.restructure): live performance shocks (first month,
        # last month, change), live options, parked votes, and who holds a majority of
        # the equity.
        self.shocks: list[tuple[int, int, float]] = []
        self.options: list[PutCallEvent] = []
        self.dormant: dict[str, float] = {}  # partner -> share of its stake without votes
        self.control = restructure.controller(self)

    # -- who is here -------------------------------------------------------------------
    def seated(self) -> tuple[Partner, ...]:
        """Partners with a board seat now (the state funder is not one)."""
        return self._current_roster()[0]

    def active_holders(self) -> tuple[Partner, ...]:
        """Everyone whose standing counts for influence: seated partners and the funder."""
        return self._current_roster()[1]

    def _current_roster(self) -> tuple[tuple[Partner, ...], tuple[Partner, ...]]:
        # Membership changes only when a partner joins or leaves; meetings ask for it often.
        if self._roster is None:
            active = tuple(h for h in self.holders if h.active)
            self._roster = (tuple(h for h in active if h is not self.funder), active)
        return self._roster

    def _set_active(self, holder: Partner, active: bool) -> None:
        holder.active = active
        self._roster = None

    @property
    def decisions(self) -> list[Closed]:
        """(month, latency in months, reserved?) of each decision."""
        return self.ledger.decisions

    @property
    def undecided(self) -> int:
        """Issues closed without a decision (dropped, lapsed, funded outside)."""
        return len(self.ledger.drops)

    def say(self, kind: str, **data) -> None:
        """Record an event for the trace (no cost when events are not recorded)."""
        if self.log.enabled:
            self.log.add(self.month, kind, data)

    # -- the chair ---------------------------------------------------------------------
    def _partners(self) -> list[Partner]:
        return [h for h in self.holders if h is not self.funder]

    def hand_over_chair(self, month: int) -> None:
        """At the start of each term the chair passes to the next seated partner.

        The rotation follows founding order (joiners last) over the partners seated now,
        continuing from the outgoing chair, so nobody chairs twice in a row because
        someone left. A designated leader chairs instead while it is seated.
        """
        term = self.scenario.governance.chair_term_months
        if self._chair < 0 or (month > 1 and (month - 1) % term == 0):
            self._pass_chair("first" if self._chair < 0 else "term")

    def _pass_chair(self, why: str) -> None:
        partners = self._partners()
        start = self._chair if self._chair >= 0 else len(partners) - 1
        self._chair = proposer.next_chair(start, [p.active for p in partners])
        if self._chair >= 0 and self.leader_index() < 0:
            self.say("chair", partner=partners[self._chair].name, why=why)

    def chair_now(self, month: int) -> int:
        """Index among the seated partners of the chair of the moment.

        The designated leader while it is seated; otherwise the rotating chair (if the
        chair has left, the next seated partner takes over at once).
        """
        lead = self.leader_index()
        if lead >= 0:
            return lead
        partners = self._partners()
        if self._chair < 0 or not partners[self._chair].active:
            self._pass_chair("left")
        return self.seated().index(partners[self._chair])

    def leader_index(self) -> int:
        """Index among the seated partners of the designated leader, or -1."""
        name = self.scenario.governance.leader
        for i, p in enumerate(self.seated()):
            if p.name == name:
                return i
        return -1

    # -- structural events -------------------------------------------------------------
    def structural_event(self, event: Event) -> None:
        """Apply a scripted structural event (not an issue).

        Capital calls, joiners and outside-option jumps here; the restructuring events
        of real consortia (equity issues, rescues, transfers, governance changes, puts and
        calls, performance shocks) in :mod:`sim.model.restructure`.
        """
        if isinstance(event, IssueEvent):
            return
        if isinstance(event, CapitalCallEvent):
            self._capital_call(event)
        elif isinstance(event, NewPartnerEvent):
            self._join(event)
        elif isinstance(event, OutsideOptionEvent):
            partner = next(h for h in self.holders if h.name == event.partner)
            partner.outside_option += event.change
            self.say(
                "outside_option",
                partner=partner.name,
                change=event.change,
                title=event.title,
                value=partner.outside_option,
            )
        else:
            restructure.apply(self, event)

    def _capital_call(self, event: CapitalCallEvent) -> None:
        """Every shareholder is asked for its pro-rata share; one that cannot pay is diluted."""
        holders = self.active_holders()
        stakes = [h.stake for h in holders] + [v.stake for v in self.investors]
        capital = [h.capital for h in holders] + [v.capital for v in self.investors]
        staying = [h.exit_month is None for h in holders] + [True] * len(self.investors)
        total = sum(stakes) or 1.0
        paid = []
        for stake, cash, stays in zip(stakes, capital, staying, strict=True):
            owed = event.amount * stake / total
            paid.append(owed if stays and cash >= owed else 0.0)
        new = [0.0] * len(stakes)
        post = ownership.capital_call(stakes, paid, self.valuation, new)
        self.outside_stake *= self.valuation / post
        self.valuation = post
        gain = self.scenario.dynamics.influence.capital_gain
        rest = len(holders)
        for h, stake, money in zip(holders, new[:rest], paid[:rest], strict=True):
            h.stake = stake
            h.capital -= money
            h.standing += gain * money / post
        for v, stake, money in zip(self.investors, new[rest:], paid[rest:], strict=True):
            v.stake = stake
            v.capital -= money
        names = [h.name for h in holders] + [v.name for v in self.investors]
        self.say(
            "capital_call",
            title=event.title,
            amount=event.amount,
            paid=dict(zip(names, paid, strict=True)),
            stakes=dict(zip(names, new, strict=True)),
        )

    def _join(self, event: NewPartnerEvent) -> None:
        """A partner joins with new equity: everyone else is diluted by (1 - its stake)."""
        joiner = next(h for h in self.holders if h.name == event.partner.name)
        others = self.active_holders()
        stakes = [h.stake for h in others] + [v.stake for v in self.investors]
        ownership.dilute(stakes, joiner.stake)
        for h, stake in zip(others, stakes[: len(others)], strict=True):
            h.stake = stake
        for v, stake in zip(self.investors, stakes[len(others) :], strict=True):
            v.stake = stake
        self.outside_stake *= 1.0 - joiner.stake
        joiner.standing = sum(h.standing for h in others) / len(others) if others else 1.0
        joiner.satisfaction = self.scenario.dynamics.satisfaction.venture_value
        self._set_active(joiner, True)
        self.say("joined", partner=joiner.name, stake=joiner.stake)

    def remove_partner(
        self, leaver: Partner, month: int, how: str, buyers: Sequence[Partner] | None = None
    ) -> None:
        """A partner leaves and its shares are bought: a fracture.

        Buyers (default, under pre-emption: the partners staying on, who have not
        announced an exit of their own, and the minority investors) take its shares pro
        rata as far as their money goes; what nobody pays for is sold to third parties.
        With fewer than two partners left the venture ends: a ``buy_out`` if the last one
        bought, otherwise a ``liquidation``.
        """
        if not leaver.active:
            return
        self._set_active(leaver, False)
        self.exits[leaver.name] = month
        investors: list[Investor] = []
        if buyers is None and self.scenario.governance.pre_emption:
            # Only partners staying on buy: one that has announced its own exit does not pay
            # to own more, so when both want out the venture is liquidated (evidence.md a1
            # #6: about 20% of terminations are liquidations or third-party sales).
            buyers = [p for p in self.seated() if p.exit_month is None]
            investors = self.investors
        buyers = list(buyers or [])
        stakes = [b.stake for b in buyers] + [v.stake for v in investors]
        capital = [b.capital for b in buyers] + [v.capital for v in investors]
        taken = [0.0] * len(stakes)
        self.outside_stake += ownership.take_up(
            leaver.stake, stakes, capital, self.valuation, taken
        )
        owners: list[Partner | Investor] = [*buyers, *investors]
        for b, t in zip(owners, taken, strict=True):
            b.stake += t
            b.capital -= t * self.valuation
        self.say(
            "exit",
            partner=leaver.name,
            how=how,
            buyers={b.name: t for b, t in zip(owners, taken, strict=True) if t > 0},
        )
        leaver.stake = 0.0
        left = self.seated()
        ending = len(left) < 2 and self.running
        bought = any(t > 0 for b, t in zip(buyers, taken[: len(buyers)], strict=True) if b in left)
        acquired = ending and len(left) == 1 and bought
        if self.fracture is None:
            cause = how  # a deadlock clause keeps its name even when it ends the venture
            if how == "exit" and ending:
                cause = "buy_out" if acquired else "liquidation"
            self.fracture = (month, leaver.name, cause)
            self.final_state = "fractured"
        if acquired:
            self.end(month, "fractured", how="acquired", who=left[0].name)
        elif ending:
            self.end(month, "dissolved", how="liquidated", who="")

    def end(self, month: int, state: str, how: str, who: str) -> None:
        """The venture ends (reformed, acquired by one partner, wound up or liquidated)."""
        if state == "dissolved" and self.fracture is None:
            self.fracture = (month, who, how if how == "wind_up" else "liquidation")
        self.final_state = state
        self.termination = (how, who)
        self.running = False
        self.say("end", state=state, how=how, who=who)
