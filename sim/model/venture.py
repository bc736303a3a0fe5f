"""The venture: a Mesa model of one replication, advanced a month per step.

The month cycle (DESIGN.md; the order is part of the specification):

1. new issues arrive (Poisson arrivals and scripted events);
2. for each open issue due a meeting, a proposer is chosen by the governance rule and
   proposes (:meth:`Partner.propose`);
3. each partner votes (:meth:`Partner.vote`); a veto holder's no blocks;
4. the voting rule decides; a passed proposal moves the status quo, latency is recorded;
5. issues that keep failing go down the deadlock ladder (:mod:`sim.model.deadlock`);
6. side funding outside the structure (:meth:`Partner.will_fund`);
7. influence updates and de facto leader detection (:mod:`sim.model.influence`);
8. satisfaction updates, exits (:meth:`Partner.wants_exit`), lapses and reform.

Seeding contract: all randomness comes from the model's generator ``self.rng``, seeded
from the replication seed, so (scenario, seed) fixes the run. The world's dice (issue
arrivals, their importance and shocks, the jitter of ideal points) come from
``self.world_rng``, an independent stream jumped ahead from ``self.rng`` at creation;
behaviour (belief noise, random proposers, the deadlock ladder's outcomes, side funding)
uses ``self.rng``. So two designs run with the same seed face the same agenda (common
random numbers), whatever their decisions draw.
"""

from __future__ import annotations

from collections.abc import Sequence

import mesa
import numpy as np

from sim.model import collector, deadlock, influence, ownership, policy
from sim.model.agenda import Issue, draw_arrivals
from sim.model.events import EventLog
from sim.model.meeting import hold
from sim.model.moves import AgentMoves, Moves
from sim.model.partner import Partner, StateFunder
from sim.scenario.actors import SideFunding
from sim.scenario.agenda import CapitalCallEvent, IssueEvent, NewPartnerEvent, OutsideOptionEvent
from sim.scenario.schema import Scenario


class Venture(mesa.Model):
    """One replication of a venture under a governance design.

    Args:
        scenario: the validated scenario.
        seed: the replication seed (an integer, as listed in ``runs.csv``).
        record_events: keep a readable log of the month's events (for ``sim trace``).
        moves: who makes the partners' moves (:mod:`sim.model.moves`); default: the agents.
        collect: keep a ``mesa.DataCollector`` (``self.datacollector``, see
            :mod:`sim.model.collector`) so ``mesa.batch_run`` and Mesa's charts work; the
            runner passes False (no collector, no cost). Collecting draws no random numbers.

    Attributes:
        month: the current month (0 before the first step).
        policy: the venture's policy per dimension, in [0, 1].
        holders: partners (founding, then joiners) and the state funder, in a fixed order.
        open_issues: issues waiting for a decision.
        decisions: (month decided, latency in months, reserved?) per decision.
        influence_history: influence share per holder per month (months x holders).
        final_state: ``intact``, ``reformed``, ``fractured`` or ``dissolved``.
        fracture: (month, who, how) of the first fracture, or None.
    """

    running: bool  # set by mesa.Model.__init__; False once the replication has ended

    def __init__(
        self,
        scenario: Scenario,
        seed: int,
        *,
        record_events: bool = False,
        moves: Moves | None = None,
        collect: bool = True,
    ):
        super().__init__(rng=np.random.default_rng(seed))
        self.moves: Moves = moves if moves is not None else AgentMoves()
        self.world_rng = np.random.Generator(self.rng.bit_generator.jumped())
        s = scenario
        self.scenario = s
        self.seed = seed
        self.log = EventLog(record_events)
        self.month = 0
        self.dims = list(s.dimensions)
        self.policy = [s.initial_policy.get(d, 0.5) for d in self.dims]
        self.valuation = s.dynamics.valuation
        jitter = s.uncertainty.position_jitter
        self.holders: list[Partner] = []
        for spec in s.all_partners():
            noise = self.world_rng.normal(0.0, jitter, len(self.dims)) if jitter > 0 else None
            self.holders.append(Partner(self, spec, len(self.holders), self.dims, noise))
        self.funder: StateFunder | None = None
        if s.state_funder is not None:
            self.funder = StateFunder(self, s.state_funder, len(self.holders), self.dims)
            self.holders.append(self.funder)
        founding = {p.name for p in s.partners} | {self.funder.name if self.funder else ""}
        self._roster: tuple[tuple[Partner, ...], tuple[Partner, ...]] | None = None
        for h in self.holders:
            self._set_active(h, h.name in founding)
            h.satisfaction = s.dynamics.satisfaction.venture_value
        base = influence.baseline_shares([h.stake for h in self.active_holders()])
        for h, b in zip(self.active_holders(), base, strict=True):
            h.standing = b
        self.veto_holders = set(s.governance.veto_holders)
        self.reserved_kinds = set(s.governance.reserved_matters)
        self.kinds = {k.name: k for k in s.agenda.kinds}
        self.script: dict[
            int, list[IssueEvent | CapitalCallEvent | NewPartnerEvent | OutsideOptionEvent]
        ] = {}
        for event in s.agenda.events:
            self.script.setdefault(event.month, []).append(event)
        self.open_issues: list[Issue] = []
        self.issue_count = 0
        self.undecided = 0
        self.decisions: list[tuple[int, int, bool]] = []
        self.lost_this_month: list[tuple[Issue, Partner]] = []
        self.watch = influence.LeaderWatch(s.leader.months)
        self.influence_history = np.zeros((s.horizon_months, len(self.holders)))
        self.fracture: tuple[int, str, str] | None = None
        self.final_state = "intact"
        self.termination: tuple[str, str] | None = None
        self.distress = False
        self.datacollector = collector.data_collector(self) if collect else None
        if self.datacollector is not None:
            self.datacollector.collect(self)

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

    def say(self, kind: str, **data) -> None:
        """Record an event for the trace (no cost when events are not recorded)."""
        if self.log.enabled:
            self.log.add(self.month, kind, data)

    # -- the month -----------------------------------------------------------------------
    def step(self) -> None:
        """Advance one month through the eight steps of the cycle."""
        m = self.month = self.steps
        sat = self.scenario.dynamics.satisfaction
        for h in self.active_holders():
            h.payoff = sat.venture_value
        self.lost_this_month = []
        active = self.active_holders()
        opening = list(zip(active, influence.shares([h.standing for h in active]), strict=True))
        self._arrivals(m)
        board = m % self.scenario.governance.board.cadence_months == 0
        if board:
            self.say("board_meeting")
        for issue in list(self.open_issues):
            if not self.running:
                break
            if issue.stage in ("open", "stuck") and (board or not issue.reserved):
                hold(self, issue, m)
            elif issue.stage in ("escalation", "mediation") and issue.stage_until <= m:
                deadlock.advance(self, issue, m)
        if self.running:
            self._side_funding(m)
            self._influence(m)
            self._satisfaction_and_exits(m, board)
        else:  # ended at a meeting (shotgun, wind-up...): the month keeps its opening shares
            for h, share in opening:
                self.influence_history[m - 1, h.order] = share
        if m >= self.scenario.horizon_months:
            self.running = False
        if self.datacollector is not None:
            self.datacollector.collect(self)

    def hold_meeting(self, issue: Issue, month: int, casting_vote: bool = False) -> bool:
        """Put an issue to a vote now (see :func:`sim.model.meeting.hold`)."""
        return hold(self, issue, month, casting_vote=casting_vote)

    def _arrivals(self, m: int) -> None:
        agenda = self.scenario.agenda
        for kind in draw_arrivals(self.world_rng, agenda.rate_per_month, agenda.kinds):
            self._open_issue(m, kind, kind.name, self.world_rng.exponential(kind.importance))
        for event in self.script.get(m, []):
            if isinstance(event, IssueEvent):
                kind = self.kinds[event.kind]
                self._open_issue(
                    m,
                    kind,
                    event.title or kind.name,
                    event.importance or kind.importance,
                    scripted=True,
                )
            elif isinstance(event, CapitalCallEvent):
                self._capital_call(event)
            elif isinstance(event, NewPartnerEvent):
                joiner = next(h for h in self.holders if h.name == event.partner.name)
                self._set_active(joiner, True)
                joiner.satisfaction = self.scenario.dynamics.satisfaction.venture_value
                joiner.standing = sum(h.standing for h in self.active_holders()) / len(
                    self.active_holders()
                )
                self.say("joined", partner=joiner.name, stake=joiner.stake)
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

    def _open_issue(
        self, m: int, kind, title: str, importance: float, scripted: bool = False
    ) -> None:
        dims = tuple(self.dims.index(d) for d in kind.dimensions)
        shock = self.scenario.agenda.shock
        sq = [self.policy[k] for k in dims]
        if shock > 0:
            sq = [
                min(1.0, max(0.0, q + shock * float(z)))
                for q, z in zip(sq, self.world_rng.standard_normal(len(dims)), strict=True)
            ]
        self.issue_count += 1
        issue = Issue(
            self.issue_count,
            kind.name,
            title,
            dims,
            float(importance),
            kind.urgency,
            kind.name in self.reserved_kinds,
            m,
            tuple(sq),
        )
        self.open_issues.append(issue)
        self.say("arrival", issue=issue, scripted=scripted)

    # -- outcomes of issues ------------------------------------------------------------------
    def settle(
        self,
        issue: Issue,
        outcome: Sequence[float],
        month: int,
        how: str,
        proposer: Partner | None = None,
        votes: Sequence | None = None,
    ) -> None:
        """Decide an issue: move the status quo, record latency, pay out value and standing."""
        sat = self.scenario.dynamics.satisfaction
        gains = self.scenario.dynamics.influence
        for k, x in zip(issue.dims, outcome, strict=True):
            self.policy[k] = x
        self.decisions.append((month, issue.months_open(month), issue.reserved))
        self.open_issues.remove(issue)
        objections = {v.voter for v in votes or () if not v.yes}
        for h in self.active_holders():
            lost = h.loss(issue, outcome)
            h.payoff += issue.importance * (sat.decision_value - lost)
            ideal = [h.ideal[k] for k in issue.dims]
            weight = [h.salience[k] for k in issue.dims]
            reach = sum(weight) or 1.0
            closeness = (
                1.0
                - sum(w * abs(x - p) for w, x, p in zip(weight, outcome, ideal, strict=True))
                / reach
            )
            h.standing += gains.proximity_gain * issue.importance * closeness
            if h.name in objections:
                h.payoff -= sat.objection_cost * issue.importance
            if lost > h.tolerance:
                self.lost_this_month.append((issue, h))
        if proposer is not None:
            proposer.standing += gains.pass_gain * issue.importance
        self.say(
            "decision",
            issue=issue,
            outcome=tuple(outcome),
            how=how,
            latency=issue.months_open(month),
        )

    def drop(self, issue: Issue, month: int, why: str) -> None:
        """Close an issue undecided: the status quo it arrived with stands."""
        for k, x in zip(issue.dims, issue.status_quo, strict=True):
            self.policy[k] = x
        if issue in self.open_issues:
            self.open_issues.remove(issue)
            self.undecided += 1
        self.say("dropped", issue=issue, why=why)

    def compromise(self, issue: Issue) -> tuple[float, ...]:
        """The influence-and-salience-weighted compromise of the seated partners' ideals."""
        seated = self.seated()
        share = influence.shares([p.standing for p in seated])
        ideals = [[p.ideal[k] for k in issue.dims] for p in seated]
        weights = [
            [w * p.salience[k] for k in issue.dims] for p, w in zip(seated, share, strict=True)
        ]
        return policy.weighted_compromise(ideals, weights)

    # -- steps 6 to 8 ----------------------------------------------------------------------
    def _side_funding(self, m: int) -> None:
        gain = self.scenario.dynamics.influence.side_funding_gain
        trust = self.scenario.dynamics.satisfaction.trust_penalty
        for p in self.seated():
            sf = p.side_funding
            agent = sf is not None and sf.enabled
            if not agent and not self.moves.plays(p):
                continue
            after = sf.after_months if sf is not None else SideFunding().after_months
            stuck = [i for i in self.open_issues if i.months_open(m) >= after]
            lost = [i for i, who in self.lost_this_month if who is p]
            candidates = sorted(stuck + lost, key=lambda i: (-p.stake_in(i), i.uid))
            if not candidates:
                continue
            chosen = candidates[0] if agent and p.will_fund(candidates[0], self.rng) else None
            issue = self.moves.fund_outside(self, p, candidates, chosen)
            if issue is None:
                continue
            spent = p.side_cost(issue)
            if spent > p.capital:
                continue
            p.capital -= spent
            own = [p.ideal[k] for k in issue.dims]
            p.payoff += issue.importance * max(0.0, -p.loss(issue, own))
            p.standing += gain * issue.importance
            for other in self.seated():
                if other is not p:
                    other.payoff -= trust
            self.say("side_funding", partner=p.name, issue=issue, amount=spent)
            if issue in self.open_issues:
                self.drop(issue, m, why=f"{p.name} funded its own version outside the venture")

    def _influence(self, m: int) -> None:
        holders = self.active_holders()
        base = influence.baseline_shares([h.stake for h in holders])
        standing = influence.relax(
            [h.standing for h in holders], base, self.scenario.dynamics.influence.memory_months
        )
        share = influence.shares(standing)
        for h, st, sh in zip(holders, standing, share, strict=True):
            h.standing = st
            self.influence_history[m - 1, h.order] = sh
        spec = self.scenario.leader
        threshold = influence.leader_threshold(spec.share, spec.margin, len(holders))
        if self.watch.observe(m, [h.name for h in holders], share, threshold):
            self.say("leader", partner=self.watch.leader, since=self.watch.since)

    def _satisfaction_and_exits(self, m: int, board: bool) -> None:
        s = self.scenario
        memory = s.dynamics.satisfaction.memory_months
        for issue in self.open_issues:
            for h in self.active_holders():
                h.payoff -= issue.urgency * h.stake_in(issue)
        for h in self.active_holders():
            h.satisfaction += (h.payoff - h.satisfaction) / memory
        seated = self.seated()
        if self.funder is not None and seated:
            mean = sum(p.satisfaction for p in seated) / len(seated)
            distress = mean < self.funder.votes.distress_below
            if distress != self.distress:
                self.say("distress", on=distress, funder=self.funder.name)
            self.distress = distress
        for p in seated:
            if p.exit_month is not None and p.exit_month <= m:
                self.remove_partner(p, m, how="exit")
                if not self.running:
                    return
        g = s.governance
        for p in self.seated():
            wants = p.wants_exit(m, g.lock_up_months)
            announces = self.moves.announce_exit(self, p, wants)
            if announces and p.may_announce_exit(m, g.lock_up_months):
                p.exit_month = m + g.exit_notice_months
                self.say(
                    "exit_announced",
                    partner=p.name,
                    effective=p.exit_month,
                    satisfaction=p.satisfaction,
                    outside_option=p.outside_option,
                )
                if p.exit_month <= m:
                    self.remove_partner(p, m, how="exit")
                    if not self.running:
                        return
        lifetime = s.agenda.lifetime_months
        if lifetime is not None:
            for issue in [i for i in self.open_issues if i.months_open(m) >= lifetime]:
                self.drop(issue, m, why=f"lapsed after {lifetime} months")
        if board and g.reform.enabled:
            self._consider_reform(m)

    def _consider_reform(self, m: int) -> None:
        leader = next((p for p in self.seated() if p.name == self.watch.leader), None)
        recent = [lat for month, lat, _ in self.decisions if month > m - 12]
        if leader is None or not recent:
            return
        if sum(recent) / len(recent) < self.scenario.governance.reform.latency_months:
            return
        value = self.scenario.dynamics.satisfaction.venture_value
        if all(
            p is leader or p.satisfaction < (p.outside_option + value) / 2 for p in self.seated()
        ):
            self.end(m, "reformed", how="reform", who=leader.name)

    # -- structure -----------------------------------------------------------------------
    def _capital_call(self, event: CapitalCallEvent) -> None:
        holders = self.active_holders()
        total = sum(h.stake for h in holders) or 1.0
        paid = []
        for h in holders:
            owed = event.amount * h.stake / total
            pays = h.exit_month is None and h.capital >= owed
            paid.append(owed if pays else 0.0)
            if pays:
                h.capital -= owed
        stakes, self.valuation = ownership.capital_call(
            [h.stake for h in holders], paid, self.valuation
        )
        gain = self.scenario.dynamics.influence.capital_gain
        for h, stake, money in zip(holders, stakes, paid, strict=True):
            h.stake = stake
            h.standing += gain * money / self.valuation
        self.say(
            "capital_call",
            title=event.title,
            amount=event.amount,
            paid={h.name: money for h, money in zip(holders, paid, strict=True)},
            stakes={h.name: h.stake for h in holders},
        )

    def remove_partner(
        self, leaver: Partner, month: int, how: str, buyers: Sequence[Partner] | None = None
    ) -> None:
        """A partner leaves: a fracture.

        Buyers (default, under pre-emption: the other partners that have not announced an
        exit of their own) take its shares pro rata; with fewer than two partners left the
        venture ends, acquired by the last one if it bought, otherwise liquidated.
        """
        if not leaver.active:
            return
        self._set_active(leaver, False)
        if self.fracture is None:
            self.fracture = (month, leaver.name, how)
            self.final_state = "fractured"
        if buyers is None and self.scenario.governance.pre_emption:
            # Only partners staying on buy: one that has announced its own exit does not pay
            # to own more, so when both want out the venture is liquidated (evidence.md a1
            # #6: about 20% of terminations are liquidations or third-party sales).
            buyers = [p for p in self.seated() if p.exit_month is None]
        buyers = buyers or []
        taken = ownership.pro_rata_purchase(
            leaver.stake, [b.stake for b in buyers], [b.capital for b in buyers], self.valuation
        )
        for b, t in zip(buyers, taken, strict=True):
            b.stake += t
            b.capital -= t * self.valuation
        self.say(
            "exit",
            partner=leaver.name,
            how=how,
            buyers={b.name: t for b, t in zip(buyers, taken, strict=True) if t > 0},
        )
        leaver.stake = 0.0
        left = self.seated()
        if len(left) < 2 and self.running:
            bought = any(t > 0 for b, t in zip(buyers, taken, strict=True) if b in left)
            if len(left) == 1 and bought:
                self.end(month, "fractured", how="acquired", who=left[0].name)
            else:
                self.end(month, "dissolved", how="liquidated", who="")

    def end(self, month: int, state: str, how: str, who: str) -> None:
        """The venture ends (reformed, acquired by one partner, or dissolved)."""
        self.final_state = state
        self.termination = (how, who)
        self.running = False
        self.say("end", state=state, how=how, who=who)

    def run(self) -> Venture:
        """Run to the horizon (or until the venture ends) and release Mesa's registry."""
        while self.running:
            self.step()
        mesa.Agent._ids.pop(self, None)  # Mesa 3.3.1 keeps every model alive otherwise (#3179)
        return self
