"""The venture: a Mesa model of one replication, advanced a month per step.

The month cycle (DESIGN.md; the order is part of the specification):

1. new issues arrive (Poisson arrivals and scripted events); each arrival's shock moves
   the venture's live policy on its dimensions;
2. for each open issue due a meeting, a proposer is chosen by the governance rule and
   proposes on the live policy (:meth:`Partner.propose`);
3. each partner votes (:meth:`Partner.vote`); a veto holder's no blocks;
4. the voting rule decides; a passed proposal moves the live policy, latency is recorded;
5. issues that keep failing go down the deadlock ladder (:mod:`sim.model.deadlock`);
6. side funding outside the structure (:meth:`Partner.will_fund`);
7. influence updates and de facto leader detection (:mod:`sim.model.influence`);
8. satisfaction updates, exits (:meth:`Partner.wants_exit`), lapses and reform.

The venture has one live policy: every issue is decided and scored against it, and an
issue that is dropped leaves it as it is.

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

from sim.model import deadlock, influence, restructure
from sim.model.agenda import Issue, draw_arrivals
from sim.model.collect import collector
from sim.model.events import EventLog
from sim.model.ledger import Ledger
from sim.model.meeting import hold
from sim.model.moves import AgentMoves, Moves
from sim.model.partner import Partner, StateFunder, Vote
from sim.model.structure import Structure
from sim.scenario.agenda import IssueEvent, IssueKind
from sim.scenario.schema import Scenario


class Venture(Structure, mesa.Model):
    """One replication of a venture under a governance design.

    Args:
        scenario: the validated scenario.
        seed: the replication seed (an integer, as listed in ``runs.csv``).
        record_events: keep a readable log of the month's events (for ``sim trace``).
        moves: who makes the partners' moves (:mod:`sim.model.moves`); default: the agents.
        collect: keep a ``mesa.DataCollector`` (``self.datacollector``) of monthly model
            and agent variables, as ``mesa.batch_run`` and Mesa's charts expect; the
            experiment runner turns it off (it then costs nothing).

    Attributes:
        month: the current month (0 before the first step).
        policy: the venture's live policy per dimension, in [0, 1].
        holders: partners (founding, then joiners) and the state funder, in a fixed order.
        investors: passive minority investors (name, stake, capital).
        outside_stake: equity held by third parties (bought from leavers), in [0, 1].
        open_issues: issues waiting for a decision.
        ledger: decisions and issues closed undecided (:class:`~sim.model.ledger.Ledger`).
        influence_history: influence share per holder per month (months x holders; NaN
            while a holder is not in the venture).
        final_state: ``intact``, ``reformed``, ``fractured`` or ``dissolved``.
        fracture: (month, who, cause) of the first fracture, or None; causes are ``exit``,
            ``buy_out``, ``liquidation``, ``shotgun``, ``put_call`` and ``wind_up``.
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
        self.world_rng = np.random.Generator(self.rng.bit_generator.jumped())
        s = scenario
        self.scenario = s
        self.seed = seed
        self.moves: Moves = moves if moves is not None else AgentMoves()
        self.log = EventLog(record_events)
        self.month = 0
        self.dims = list(s.dimensions)
        self.policy = [s.initial_policy.get(d, 0.5) for d in self.dims]
        jitter = s.uncertainty.position_jitter
        self.holders: list[Partner] = []
        for spec in s.all_partners():
            noise = self.world_rng.normal(0.0, jitter, len(self.dims)) if jitter > 0 else None
            self.holders.append(Partner(self, spec, len(self.holders), self.dims, noise))
        self.funder: StateFunder | None = None
        if s.state_funder is not None:
            self.funder = StateFunder(self, s.state_funder, len(self.holders), self.dims)
            self.holders.append(self.funder)
        self.setup_structure(s)
        self.open_issues: list[Issue] = []
        self.issue_count = 0
        self.ledger = Ledger()
        self.lost_this_month: list[tuple[Issue, Partner]] = []
        self.streaks = [-1] * len(self.holders)
        self.leader: Partner | None = None
        self.first_leader: tuple[str, int] | None = None
        self.designated_since: int | None = None
        self.influence_history = np.full((s.horizon_months, len(self.holders)), np.nan)
        self.fracture: tuple[int, str, str] | None = None
        self.final_state = "intact"
        self.termination: tuple[str, str] | None = None
        self.distress = False
        self.datacollector = collector(self) if collect else None

    # -- the month -----------------------------------------------------------------------
    def step(self) -> None:
        """Advance one month through the eight steps of the cycle."""
        m = self.month = self.steps
        sat = self.scenario.dynamics.satisfaction
        for h in self.active_holders():
            h.payoff = sat.venture_value
        self.lost_this_month = []
        opening = [(h, h.standing) for h in self.active_holders()]
        self.hand_over_chair(m)
        self._arrivals(m)
        if self.shocks:  # performance shocks (sim.model.restructure); none in most scenarios
            restructure.shock_now(self, m)
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
            share = [0.0] * len(opening)
            influence.shares([st for _, st in opening], share)
            for (h, _), sh in zip(opening, share, strict=True):
                self.influence_history[m - 1, h.order] = sh
        if m >= self.scenario.horizon_months:
            self.running = False
        if self.datacollector is not None:
            self.datacollector.collect(self)

    def _arrivals(self, m: int) -> None:
        agenda = self.scenario.agenda
        for kind in draw_arrivals(self.world_rng, agenda.rate_per_month, agenda.kinds):
            self._open_issue(m, kind, kind.name, self.world_rng.exponential(kind.importance))
        for event in self.script.get(m, []):
            if isinstance(event, IssueEvent):
                kind = self.kinds[event.kind]
                title = event.title or kind.name
                importance = event.importance or kind.importance
                self._open_issue(m, kind, title, importance, scripted=True)
            else:
                self.structural_event(event)

    def _open_issue(
        self, m: int, kind: IssueKind, title: str, importance: float, scripted: bool = False
    ) -> None:
        """An issue arrives; the environment's shock moves the live policy on its dims."""
        dims = tuple(self.dims.index(d) for d in kind.dimensions)
        shock = self.scenario.agenda.shock
        if shock > 0:
            for k, z in zip(dims, self.world_rng.standard_normal(len(dims)), strict=True):
                self.policy[k] = min(1.0, max(0.0, self.policy[k] + shock * float(z)))
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
        )
        self.open_issues.append(issue)
        self.say("arrival", issue=issue, scripted=scripted, status_quo=self.status_quo(issue))

    def hold_meeting(self, issue: Issue, month: int, casting_vote: bool = False) -> bool:
        """Put an issue to a vote now (see :func:`sim.model.meeting.hold`)."""
        return hold(self, issue, month, casting_vote=casting_vote)

    def status_quo(self, issue: Issue) -> tuple[float, ...]:
        """The live policy on the issue's dimensions."""
        return tuple(self.policy[k] for k in issue.dims)

    # -- outcomes of issues ------------------------------------------------------------------
    def settle(
        self,
        issue: Issue,
        outcome: Sequence[float],
        month: int,
        how: str,
        proposer: Partner | None = None,
        votes: Sequence[Vote] | None = None,
    ) -> None:
        """Decide an issue: move the live policy, record latency, pay out value and standing.

        Each holder's loss is against the live policy it replaces; a holder that loses more
        than it tolerated (in the vote, or its conceded tolerance when there was no vote)
        counts the issue as lost this month (a reason to fund its own version outside).
        """
        sat = self.scenario.dynamics.satisfaction
        gains = self.scenario.dynamics.influence
        status_quo = self.status_quo(issue)
        latency = issue.months_open(month)
        self.ledger.decided(month, latency, issue.reserved)
        self.open_issues.remove(issue)
        voted = {v.voter: v for v in votes or ()}
        for h in self.active_holders():
            lost = h.loss(issue, status_quo, outcome)
            h.payoff += issue.importance * sat.decision_value - lost
            v = h.view(issue.dims)
            reach = v.reach or 1.0
            distance = 0.0
            for w, x, p in zip(v.salience, outcome, v.ideal, strict=True):
                distance += w * abs(x - p)
            h.standing += gains.proximity_gain * issue.importance * (1.0 - distance / reach)
            vote = voted.get(h.name)
            if vote is not None and not vote.yes:
                h.payoff -= sat.objection_cost * issue.importance
            tolerance = vote.tolerance if vote is not None else h.concede(issue, month)
            if lost > tolerance + 1e-12:
                self.lost_this_month.append((issue, h))
        if proposer is not None:
            proposer.standing += gains.pass_gain * issue.importance
        for k, x in zip(issue.dims, outcome, strict=True):
            self.policy[k] = x
        self.say(
            "decision",
            issue=issue,
            outcome=tuple(outcome),
            how=how,
            latency=latency,
            status_quo=status_quo,
        )

    def drop(self, issue: Issue, month: int, why: str) -> None:
        """Close an issue undecided: the live policy stays as it is."""
        if issue in self.open_issues:
            self.open_issues.remove(issue)
            self.ledger.dropped(month, issue.months_open(month), issue.reserved)
        self.say("dropped", issue=issue, why=why)

    # -- steps 6 to 8 ----------------------------------------------------------------------
    def _side_funding(self, m: int) -> None:
        gain = self.scenario.dynamics.influence.side_funding_gain
        trust = self.scenario.dynamics.satisfaction.trust_penalty
        for p in self.seated():
            sf = p.side_funding
            agent = sf is not None and sf.enabled
            if not agent and not self.moves.plays(p):
                continue
            after = sf.after_months if sf is not None else 6
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
            # Its own version lands on its ideal point, on its own books: it gains what
            # the venture's policy costs it there.
            ideal = p.view(issue.dims).ideal
            p.payoff += max(0.0, -p.loss(issue, self.status_quo(issue), ideal))
            p.standing += gain * issue.importance
            for other in self.seated():
                if other is not p:
                    other.payoff -= trust
            self.say("side_funding", partner=p.name, issue=issue, amount=spent)
            if issue in self.open_issues:
                self.drop(issue, m, why=f"{p.name} funded its own version outside the venture")

    def _influence(self, m: int) -> None:
        holders = self.active_holders()
        stakes = [h.stake for h in holders]
        base = [0.0] * len(holders)
        influence.baseline_shares(stakes, base)
        standing = [h.standing for h in holders]
        influence.relax(standing, base, self.scenario.dynamics.influence.memory_months)
        share = [0.0] * len(holders)
        influence.shares(standing, share)
        everyone = [0.0] * len(self.holders)
        for h, st, sh in zip(holders, standing, share, strict=True):
            h.standing = st
            everyone[h.order] = sh
            self.influence_history[m - 1, h.order] = sh
        spec = self.scenario.leader
        threshold = influence.leader_threshold(spec.share or 0.0, spec.margin, len(holders))
        active = [h.active for h in self.holders]
        influence.update_streaks(m, active, everyone, threshold, self.streaks)
        now = influence.current_leader(m, self.streaks, spec.months)
        leader = self.holders[now] if now >= 0 else None
        if leader is not self.leader:
            self.leader = leader
            if leader is not None:
                since = self.streaks[now]
                designated = leader.name == self.scenario.governance.leader
                if designated:
                    self.designated_since = self.designated_since or since
                elif self.first_leader is None:
                    self.first_leader = (leader.name, since)
                self.say(
                    "leader",
                    partner=leader.name,
                    since=since,
                    threshold=threshold,
                    designated=designated,
                )

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
        # Cross-shareholdings: each holder's interest, from this month's satisfaction
        # before anyone's outside option drifts (so the order of partners does not matter).
        interest = [p.interest() for p in self.seated()]
        for p, held in zip(self.seated(), interest, strict=True):
            wants = p.wants_exit(m, g.lock_up_months, held)
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
        if self.options:  # dated puts and calls (sim.model.restructure)
            restructure.exercise_options(self, m)
            if not self.running:
                return
        lifetime = s.agenda.lifetime_months
        if lifetime is not None:
            for issue in [i for i in self.open_issues if i.months_open(m) >= lifetime]:
                self.drop(issue, m, why=f"lapsed after {lifetime} months")
        if board and g.reform.enabled:
            self._consider_reform(m)

    def _consider_reform(self, m: int) -> None:
        leader = self.leader
        if leader is None or leader not in self.seated():
            return
        recent = self.ledger.recent_latencies(m, 12)
        if not recent:
            return
        if sum(recent) / len(recent) < self.scenario.governance.reform.latency_months:
            return
        value = self.scenario.dynamics.satisfaction.venture_value
        if all(
            p is leader or p.satisfaction + p.interest() < (p.outside_option + value) / 2
            for p in self.seated()
        ):
            self.end(m, "reformed", how="reform", who=leader.name)

    def run(self) -> Venture:
        """Run to the horizon (or until the venture ends) and release Mesa's registry."""
        while self.running:
            self.step()
        mesa.Agent._ids.pop(self, None)  # Mesa 3.3.1 keeps every model alive otherwise (#3179)
        return self
