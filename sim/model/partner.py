"""A partner in the venture: a Mesa agent whose methods read like the term sheet.

A :class:`Partner` proposes, votes, concedes as issues stay open, funds its own version of
stuck issues outside the structure, and considers leaving for its outside option. A
:class:`StateFunder` votes on reserved matters with contingent weight but neither proposes
nor leaves.

Units: losses, tolerances, payoffs and satisfaction are in value units (1.0 = what a
working venture is worth to a partner in a month); a loss is the issue's importance times
the salience-weighted change of distance to the ideal point (:mod:`sim.model.policy`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import mesa
import numpy as np

from sim.model import policy
from sim.model.agenda import Issue
from sim.model.voting import Ballot, best_move

if TYPE_CHECKING:
    from sim.scenario.actors import PartnerSpec, StateFunderSpec


@dataclass(frozen=True, slots=True)
class Proposal:
    """A proposal on an issue.

    Attributes:
        proposer: the proposing partner's name.
        policy: the proposed policy on the issue's dimensions.
        share: how far it moves from the status quo towards the proposer's ideal, in [0, 1].
        expected_to_pass: whether the proposer believed it would pass.
    """

    proposer: str
    policy: tuple[float, ...]
    share: float
    expected_to_pass: bool


@dataclass(frozen=True, slots=True)
class Vote:
    """One partner's vote and its reason.

    Attributes:
        voter: the voter's name.
        yes: its vote.
        loss: what the proposal costs it against the status quo (value units), as it
            judges it: with cross-shareholdings, its share of the held partners' losses
            is included (:meth:`Partner.judged_loss`).
        tolerance: the loss it accepted at the time (value units).
        veto: whether its no blocks the decision.
    """

    voter: str
    yes: bool
    loss: float
    tolerance: float
    veto: bool


@dataclass(frozen=True, slots=True)
class View:
    """A partner's preferences restricted to some dimensions (cached per dimension tuple).

    Attributes:
        ideal: its ideal point on those dimensions.
        salience: its salience on them.
        reach: the sum of those saliences, in [0, 1].
        expertise: its mean expertise on them, in [0, 1].
    """

    ideal: tuple[float, ...]
    salience: tuple[float, ...]
    reach: float
    expertise: float


class Partner(mesa.Agent):
    """A partner: a shareholder with a board seat, priorities and veto behaviour.

    Attributes:
        name: its name.
        order: founding order (0 = first listed; joiners follow), used by the rotation.
        stake: equity share in [0, 1].
        capital: money it can still put in (currency units).
        ideal: ideal point per policy dimension, in [0, 1].
        salience: weight per dimension, summing to 1.
        expertise: per dimension, in [0, 1].
        tolerance: base veto tolerance (value units).
        concession: tolerance growth per month an issue stays open (value units / month).
        outside_option: value per month of leaving (value units).
        satisfaction: moving average of the venture's monthly value to it (value units).
        unhappy_months: consecutive months with satisfaction below the outside option.
        exit_month: month its announced exit takes effect, or None.
        standing: raw influence (its share of all standing is its influence share).
        payoff: value accumulated this month (reset every month).
        active: whether it is in the venture now.
        holdings: the partners whose own equity it partly holds, with the share held in
            [0, 1] (cross-shareholdings: a financial interest, no control).
    """

    can_exit = True

    def __init__(
        self,
        model: mesa.Model,
        spec: PartnerSpec | StateFunderSpec,
        order: int,
        dims: list[str],
        jitter: np.ndarray | None = None,
    ):
        super().__init__(model)
        self.name = spec.name
        self.order = order
        self.stake = spec.stake
        self.capital = spec.capital
        ideal = [spec.positions.get(d, 0.5) for d in dims]
        if jitter is not None:
            ideal = [min(1.0, max(0.0, p + float(j))) for p, j in zip(ideal, jitter, strict=True)]
        self.ideal = tuple(ideal)
        self.salience = (
            policy.normalised([spec.salience.get(d, 0.0) for d in dims])
            if spec.salience
            else policy.normalised([1.0] * len(dims))
        )
        self.expertise = tuple(getattr(spec, "expertise", {}).get(d, 0.0) for d in dims)
        self.tolerance = spec.veto.tolerance
        self.concession = spec.veto.concession
        self.outside_option = getattr(spec, "outside_option", 0.0)
        self.drift_per_month = getattr(spec, "outside_option_drift", 0.0) / 12.0
        self.patience = getattr(spec, "patience", 1)
        self.side_funding = getattr(spec, "side_funding", None)
        self.cross_holdings: dict[str, float] = dict(getattr(spec, "cross_holdings", {}))
        # (held partner, share of its own equity), set once every holder exists
        # (Structure.setup_structure); empty for nearly every scenario.
        self.holdings: tuple[tuple[Partner, float], ...] = ()
        self.satisfaction = 0.0
        self.unhappy_months = 0
        self.exit_month: int | None = None
        self.standing = 0.0
        self.payoff = 0.0
        self.active = True
        self._views: dict[tuple[int, ...], View] = {}

    # -- preferences --------------------------------------------------------------------
    def view(self, dims: tuple[int, ...]) -> View:
        """Its preferences on the given dimensions (computed once per dimension tuple)."""
        v = self._views.get(dims)
        if v is None:
            sal = tuple(self.salience[k] for k in dims)
            v = View(
                tuple(self.ideal[k] for k in dims),
                sal,
                sum(sal),
                sum(self.expertise[k] for k in dims) / len(dims),
            )
            self._views[dims] = v
        return v

    def stake_in(self, issue: Issue) -> float:
        """What the issue is worth to it: importance x its salience on the issue's dims."""
        return issue.importance * self.view(issue.dims).reach

    def loss(self, issue: Issue, status_quo: Sequence[float], proposal: Sequence[float]) -> float:
        """What replacing the status quo by ``proposal`` on the issue costs it.

        Returns:
            Loss in value units (importance x salience-weighted distance change);
            negative means a gain.
        """
        v = self.view(issue.dims)
        return issue.importance * policy.loss(v.ideal, v.salience, status_quo, proposal)

    def judged_loss(
        self, issue: Issue, status_quo: Sequence[float], proposal: Sequence[float]
    ) -> float:
        """What a proposal costs it, counting its share of what it costs the partners it holds.

        A partner holding a share ``h`` of another partner's equity gains ``h`` of that
        partner's gains (cross-shareholdings; Reynolds & Snapp 1986, O'Brien & Salop 2000):
        its loss is its own plus ``h`` times each held partner's loss, for held partners
        still in the venture. Without holdings it is :meth:`loss`.
        """
        lost = self.loss(issue, status_quo, proposal)
        for other, share in self.holdings:
            if other.active:
                lost += share * other.loss(issue, status_quo, proposal)
        return lost

    def interest(self) -> float:
        """Its share of the held partners' surplus over their outside options (value units).

        ``sum(h * (satisfaction - outside_option))`` over held partners still in the
        venture: what the venture is worth to them beyond leaving, of which it owns ``h``.
        0.0 without holdings.
        """
        total = 0.0
        for other, share in self.holdings:
            if other.active:
                total += share * (other.satisfaction - other.outside_option)
        return total

    def surplus(self) -> float:
        """Satisfaction minus outside option, plus its interest in held partners (value units)."""
        return self.satisfaction - self.outside_option + self.interest()

    def expertise_on(self, issue: Issue) -> float:
        """Mean expertise on the issue's dimensions, in [0, 1]."""
        return self.view(issue.dims).expertise

    def concede(self, issue: Issue, month: int) -> float:
        """Its tolerance on an issue today: base tolerance plus concession per month open."""
        return self.tolerance + self.concession * issue.months_open(month)

    # -- meeting ----------------------------------------------------------------------
    def tolerance_for(
        self,
        issue: Issue,
        month: int,
        proposer: Partner,
        deference: float,
        influence_premium: float,
    ) -> float:
        """Tolerance towards a proposal: conceded tolerance plus deference to the proposer.

        Args:
            issue: the issue.
            month: the current month.
            proposer: who proposes (its expertise on the issue earns deference).
            deference: extra tolerance per unit of the proposer's expertise (value units).
            influence_premium: extra tolerance for the proposer's influence above an equal
                share (value units; ``dynamics.influence_deference`` x the excess share).
        """
        if proposer is self:
            return self.concede(issue, month)
        return (
            self.concede(issue, month)
            + deference * proposer.expertise_on(issue)
            + influence_premium
        )

    def propose(
        self,
        issue: Issue,
        status_quo: Sequence[float],
        voters: Sequence[Partner],
        tolerances: Sequence[float],
        ballot: Ballot,
        belief_noise: float,
        rng: np.random.Generator,
        min_move: float = 0.0,
    ) -> Proposal | None:
        """Propose the point closest to its ideal among those it believes will pass.

        It moves the status quo towards its ideal point as far as it believes the voters
        will accept, from noisy beliefs about their tolerance (the true tolerance plus
        normal noise with standard deviation ``belief_noise``, value units). If it
        believes no move passes it tables nothing (the meeting fails). With a floor
        ``min_move`` > 0 (policy units) it tables its ideal point instead of a smaller
        move, expecting a no.

        Args:
            issue: the issue.
            status_quo: the venture's policy on the issue's dimensions now.
            voters: who votes, in ballot order.
            tolerances: each voter's true tolerance towards this proposer now (value units).
            ballot: the voting situation.
            belief_noise: standard deviation of its error about each tolerance.
            rng: the behaviour stream (one normal draw per voter when noise > 0).
            min_move: the optional floor on a proposal's size (policy units).

        Returns:
            The proposal, or None when it tables nothing.
        """
        sq = status_quo
        target = self.view(issue.dims).ideal
        n = len(voters)
        noise = (rng.standard_normal(n) * belief_noise).tolist() if belief_noise > 0 else None
        limits = [1.0] * n
        for i, voter in enumerate(voters):
            if voter is self:
                continue
            believed = tolerances[i] + noise[i] if noise is not None else tolerances[i]
            tol = max(believed, 0.0) / issue.importance
            if voter.holdings:
                limits[i] = voter.pooled_limit(issue, sq, target, tol)
                continue
            v = voter.view(issue.dims)
            limits[i] = policy.acceptance_limit(v.ideal, v.salience, sq, target, tol)
        share = best_move(ballot, limits)
        if share <= 0:
            return None
        expected = True
        if min_move > 0:
            reach = max(abs(t - q) for t, q in zip(target, sq, strict=True))
            if reach > policy.EPS and share < min(1.0, min_move / reach) - policy.EPS:
                share, expected = 1.0, False
        point = [0.0] * len(sq)
        policy.point_on_segment(sq, target, share, point)
        return Proposal(self.name, tuple(point), share, expected)

    def pooled_limit(
        self, issue: Issue, status_quo: Sequence[float], target: Sequence[float], tolerance: float
    ) -> float:
        """:func:`~sim.model.policy.acceptance_limit` of :meth:`judged_loss`.

        Its loss and its held partners' (weighted by the share held) add up to one convex,
        piecewise-linear loss along the segment: the same function on the dimensions
        stacked once per partner, with the held partners' saliences scaled by the share.
        """
        v = self.view(issue.dims)
        ideal, salience = list(v.ideal), list(v.salience)
        copies = 1
        for other, share in self.holdings:
            if other.active:
                w = other.view(issue.dims)
                ideal += w.ideal
                salience += [share * x for x in w.salience]
                copies += 1
        sq, tg = list(status_quo) * copies, list(target) * copies
        return policy.acceptance_limit(ideal, salience, sq, tg, tolerance)

    def vote(
        self,
        issue: Issue,
        status_quo: Sequence[float],
        proposal: Proposal,
        tolerance: float,
        proposing: bool,
        veto: bool,
    ) -> Vote:
        """Vote yes unless the proposal costs more than its current tolerance.

        Args:
            issue: the issue.
            status_quo: the venture's policy on the issue's dimensions now.
            proposal: the proposal.
            tolerance: its tolerance towards this proposal now (:meth:`tolerance_for`).
            proposing: whether it made the proposal (a proposer votes for its own).
            veto: whether its no blocks the decision.
        """
        lost = self.judged_loss(issue, status_quo, proposal.policy)
        return Vote(self.name, proposing or lost <= tolerance + policy.EPS, lost, tolerance, veto)

    # -- outside the structure ----------------------------------------------------------
    def side_cost(self, issue: Issue) -> float:
        """What funding its own version of an issue costs it (currency units)."""
        sf = self.side_funding
        return sf.cost_per_importance * issue.importance if sf is not None else 0.0

    def will_fund(self, issue: Issue, rng: np.random.Generator) -> bool:
        """Whether it decides to fund its own version of an issue outside the venture.

        It cares enough (importance x salience at least ``min_stake``), can pay, and acts
        this month (probability ``propensity``; one draw when the first two hold).
        """
        sf = self.side_funding
        if sf is None or not sf.enabled or self.stake_in(issue) < sf.min_stake:
            return False
        if self.side_cost(issue) > self.capital:
            return False
        return bool(rng.random() < sf.propensity)

    def wants_exit(self, month: int, lock_up_months: int, interest: float = 0.0) -> bool:
        """Count a month below the outside option; say whether it would announce its exit.

        The outside option drifts first. It would announce after ``patience`` consecutive
        months below it, once the lock-up is over and when it has not announced already.
        ``interest`` (:meth:`interest`, value units) is added to its satisfaction: leaving
        ends the held partners' surplus too, of which it owns a share.
        """
        self.outside_option += self.drift_per_month
        if self.satisfaction + interest < self.outside_option:
            self.unhappy_months += 1
        else:
            self.unhappy_months = 0
        return self.unhappy_months >= self.patience and self.may_announce_exit(
            month, lock_up_months
        )

    def may_announce_exit(self, month: int, lock_up_months: int) -> bool:
        """Whether an exit announcement is allowed now: not locked up, not announced yet."""
        return self.can_exit and self.exit_month is None and month >= lock_up_months


class StateFunder(Partner):
    """A state funder: votes on reserved matters with contingent weight; never leaves."""

    can_exit = False

    def __init__(self, model: mesa.Model, spec: StateFunderSpec, order: int, dims: list[str]):
        super().__init__(model, spec, order, dims)
        self.votes = spec.votes
