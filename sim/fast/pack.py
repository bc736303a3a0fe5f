"""A scenario as the kernel's arrays, and what the kernel does not model.

:func:`unsupported` names the first feature of a scenario that only the Mesa engine runs
(``--engine auto`` then uses Mesa and says why); :func:`pack` turns a supported scenario
into the plain arrays and parameter vectors :func:`sim.fast.kernel.run_seeds` takes. This
module imports NumPy only, so asking whether a scenario is supported costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.scenario.agenda import CapitalCallEvent, IssueEvent
from sim.scenario.schema import Scenario

#: Deadlock clauses the kernel models, with their codes (sim.fast.kernel.C_*).
CLAUSES = {
    "none": 0,
    "escalate": 1,
    "casting_vote": 2,
    "arbitration": 3,
    "majority_fallback": 4,
    "wind_up": 5,
}
#: Termination codes of the kernel (T_ACQUIRED...); causes and final states use the
#: model's own tuples (structure.FRACTURE_CAUSES, outcomes.FINAL_STATES) as codes.
TERMINATIONS = ("acquired", "liquidated", "wind_up", "reform")


def unsupported(scenario: Scenario) -> str | None:
    """The first feature of the scenario that the fast engine does not model, or None."""
    if scenario.state_funder is not None:
        return "a state funder"
    clause = scenario.governance.deadlock.clause
    if clause not in CLAUSES:
        return f"the {clause} deadlock clause"
    for event in scenario.agenda.events:
        if not isinstance(event, IssueEvent | CapitalCallEvent):
            return f"a scripted {event.type} event (month {event.month})"
    for partner in scenario.all_partners():
        if any(share > 0 for share in partner.cross_holdings.values()):
            return f"cross-shareholdings ({partner.name} holds shares of another partner)"
    return None


@dataclass(frozen=True)
class Packed:
    """A scenario as arrays (see :func:`sim.fast.kernel.run_seeds` for each one)."""

    ip: np.ndarray
    fp: np.ndarray
    pf0: np.ndarray
    pi0: np.ndarray
    pos: np.ndarray
    sal: np.ndarray
    expt: np.ndarray
    veto: np.ndarray
    kweight: np.ndarray
    kimp: np.ndarray
    kurg: np.ndarray
    kres: np.ndarray
    kdims: np.ndarray
    knd: np.ndarray
    ev_month: np.ndarray
    ev_type: np.ndarray
    ev_kind: np.ndarray
    ev_imp: np.ndarray
    ev_amount: np.ndarray
    policy0: np.ndarray
    inv0: np.ndarray
    capacity: int

    def args(self) -> tuple:
        """The kernel's scenario arguments, in order."""
        return (
            self.ip, self.fp, self.pf0, self.pi0, self.pos, self.sal, self.expt, self.veto,
            self.kweight, self.kimp, self.kurg, self.kres, self.kdims, self.knd,
            self.ev_month, self.ev_type, self.ev_kind, self.ev_imp, self.ev_amount,
            self.policy0, self.inv0, self.capacity,
        )  # fmt: skip


def pack(scenario: Scenario) -> Packed:
    """The kernel's arrays for a supported scenario (:func:`unsupported` is None)."""
    from sim.fast import kernel as k
    from sim.model.policy import normalised
    from sim.model.proposer import PROPOSER_RULES
    from sim.model.voting import VOTING_RULES

    s = scenario
    g, d, a = s.governance, s.dynamics, s.agenda
    dims = list(s.dimensions)
    names = [p.name for p in s.partners]
    n_p, n_d = len(names), len(dims)
    ip = np.zeros(k.I_SIZE, dtype=np.int64)
    ip[k.I_HORIZON] = s.horizon_months
    ip[k.I_CADENCE] = g.board.cadence_months
    ip[k.I_TERM] = g.chair_term_months
    ip[k.I_PROPOSER] = PROPOSER_RULES[g.proposer]
    ip[k.I_DESIGNATED] = names.index(g.leader) if g.leader in names else -1
    ip[k.I_RES_RULE] = VOTING_RULES[g.reserved.rule]
    ip[k.I_RES_STAKE] = g.reserved.basis == "stake"
    ip[k.I_ROU_RULE] = VOTING_RULES[g.routine.rule]
    ip[k.I_ROU_STAKE] = g.routine.basis == "stake"
    ip[k.I_AFTER] = g.deadlock.after_rounds
    ip[k.I_ESC_MONTHS] = g.deadlock.escalation_months
    ip[k.I_MED_ON] = g.deadlock.mediation.enabled
    ip[k.I_MED_MONTHS] = g.deadlock.mediation.months
    ip[k.I_CLAUSE] = CLAUSES[g.deadlock.clause]
    ip[k.I_LOCKUP] = g.lock_up_months
    ip[k.I_NOTICE] = g.exit_notice_months
    ip[k.I_PREEMPT] = g.pre_emption
    ip[k.I_REFORM_ON] = g.reform.enabled
    ip[k.I_LEAD_MONTHS] = s.leader.months
    ip[k.I_LIFETIME] = a.lifetime_months if a.lifetime_months is not None else -1
    ip[k.I_JITTER_ON] = s.uncertainty.position_jitter > 0
    fp = np.zeros(k.F_SIZE)
    fp[k.F_RES_THR] = g.reserved.threshold or 0.0
    fp[k.F_ROU_THR] = g.routine.threshold or 0.0
    fp[k.F_ESC_RES] = g.deadlock.escalation_resolves
    fp[k.F_MED_RES] = g.deadlock.mediation.resolves
    fp[k.F_COMPROMISE] = g.deadlock.compromise_probability
    fp[k.F_REFORM_LAT] = g.reform.latency_months
    fp[k.F_LEAD_SHARE] = s.leader.share or 0.0
    fp[k.F_LEAD_MARGIN] = s.leader.margin
    fp[k.F_NOISE] = d.belief_noise
    fp[k.F_DEFER] = d.deference
    fp[k.F_INFL_DEFER] = d.influence_deference
    fp[k.F_VALUATION] = d.valuation
    fp[k.F_MEM_INFL] = d.influence.memory_months
    fp[k.F_PASS] = d.influence.pass_gain
    fp[k.F_PROX] = d.influence.proximity_gain
    fp[k.F_CAPG] = d.influence.capital_gain
    fp[k.F_SFG] = d.influence.side_funding_gain
    fp[k.F_MEM_SAT] = d.satisfaction.memory_months
    fp[k.F_VALUE] = d.satisfaction.venture_value
    fp[k.F_DECV] = d.satisfaction.decision_value
    fp[k.F_OBJ] = d.satisfaction.objection_cost
    fp[k.F_TRUST] = d.satisfaction.trust_penalty
    fp[k.F_JITTER] = s.uncertainty.position_jitter
    fp[k.F_RATE] = a.rate_per_month
    fp[k.F_SHOCK] = a.shock
    fp[k.F_MINMOVE] = a.min_move
    pf0 = np.zeros((n_p, k.PF_SIZE))
    pi0 = np.zeros((n_p, k.PI_SIZE), dtype=np.int64)
    pos = np.zeros((n_p, n_d))
    sal = np.zeros((n_p, n_d))
    expt = np.zeros((n_p, n_d))
    for i, p in enumerate(s.partners):
        pos[i] = [p.positions.get(x, 0.5) for x in dims]
        sal[i] = (
            normalised([p.salience.get(x, 0.0) for x in dims])
            if p.salience
            else normalised([1.0] * n_d)
        )
        expt[i] = [p.expertise.get(x, 0.0) for x in dims]
        sf = p.side_funding
        pf0[i, [k.STAKE, k.CAP, k.TOL, k.CONC, k.OO, k.DRIFT]] = [
            p.stake,
            p.capital,
            p.veto.tolerance,
            p.veto.concession,
            p.outside_option,
            p.outside_option_drift / 12.0,
        ]
        pf0[i, [k.SFP, k.SFMIN, k.SFCOST]] = [sf.propensity, sf.min_stake, sf.cost_per_importance]
        pi0[i, [k.PAT, k.EXITM, k.ACT, k.SFON, k.SFAFTER, k.GONE]] = [
            p.patience,
            -1,
            1,
            sf.enabled,
            sf.after_months,
            -1,
        ]
    veto = np.array([n in set(g.veto_holders) for n in names], dtype=np.bool_)
    kinds = list(a.kinds)
    kdims = np.full((len(kinds), n_d), -1, dtype=np.int64)
    for j, kind in enumerate(kinds):
        idx = [dims.index(x) for x in kind.dimensions]
        kdims[j, : len(idx)] = idx
    reserved = set(g.reserved_matters)
    kind_index = {kind.name: j for j, kind in enumerate(kinds)}
    events = list(a.events)
    ev_type = np.array([0 if isinstance(e, IssueEvent) else 1 for e in events], dtype=np.int64)
    expected = a.rate_per_month * s.horizon_months
    return Packed(
        ip=ip,
        fp=fp,
        pf0=pf0,
        pi0=pi0,
        pos=pos,
        sal=sal,
        expt=expt,
        veto=veto,
        kweight=np.array([kind.weight for kind in kinds], dtype=float),
        kimp=np.array([kind.importance for kind in kinds], dtype=float),
        kurg=np.array([kind.urgency for kind in kinds], dtype=float),
        kres=np.array([kind.name in reserved for kind in kinds], dtype=np.int64),
        kdims=kdims,
        knd=np.array([len(kind.dimensions) for kind in kinds], dtype=np.int64),
        ev_month=np.array([e.month for e in events], dtype=np.int64),
        ev_type=ev_type,
        ev_kind=np.array(
            [kind_index[e.kind] if isinstance(e, IssueEvent) else 0 for e in events],
            dtype=np.int64,
        ),
        ev_imp=np.array(
            [(e.importance or 0.0) if isinstance(e, IssueEvent) else 0.0 for e in events],
            dtype=float,
        ),
        ev_amount=np.array(
            [e.amount if isinstance(e, CapitalCallEvent) else 0.0 for e in events], dtype=float
        ),
        policy0=np.array([s.initial_policy.get(x, 0.5) for x in dims], dtype=float),
        inv0=np.array([[v.stake, v.capital] for v in s.investors], dtype=float).reshape(-1, 2),
        # Poisson arrivals beyond mean + 12 sd never happen; an overflow reruns on Mesa.
        capacity=int(expected + 12 * expected**0.5) + len(events) + 64,
    )
