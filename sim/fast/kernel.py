"""The month cycle of :class:`~sim.model.venture.Venture`, compiled with Numba.

One call of :func:`run_seeds` runs a chunk of replications, seeding each one's two
streams itself (:mod:`sim.fast.seeding`), and writes each one's ``runs.csv`` row (as
numbers and codes) and adds to the histograms. It mirrors the Mesa model step for step and draw
for draw: the same order of the month's steps, the same random draws from the same two
streams (behaviour and world), the same floating-point operations in the same order, and
the very same shared rules (:mod:`sim.model.shared`: voting, proposing, acceptance,
influence, ownership, latency), which this module calls by their Python names and which
:mod:`sim.fast.compile` registers with Numba. The differential tests
(``tests/test_fast_engine.py``) hold the two engines to identical rows for every seed.

The state of a replication lives in arrays (one row per partner or per issue, columns
named by the constants below) and a vector of integer scalars ``st``; the scenario's
parameters in two vectors ``ip`` (integers) and ``fp`` (floats), built by
:mod:`sim.fast.pack`. Only what :func:`sim.fast.pack.unsupported` accepts is modelled
here; anything else runs on the Mesa engine. The month loop allocates nothing: state and
scratch arrays (rows named ``W_*``, ``WI_*``, ``WB_*``) are made once a chunk.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from sim.experiment.latency import TAU_MONTHS, km_latency
from sim.fast.seeding import seed_streams
from sim.model.influence import (
    baseline_shares,
    current_leader,
    leader_threshold,
    relax,
    shares,
    update_streaks,
)
from sim.model.ownership import below_zero_ranked, capital_call, take_up
from sim.model.policy import EPS, acceptance_limit, loss, point_on_segment, weighted_compromise
from sim.model.proposer import choose, next_chair
from sim.model.voting import SIMPLE_MAJORITY, best_passing, passes

# -- integer parameters (ip) --
I_HORIZON, I_CADENCE, I_TERM, I_PROPOSER, I_DESIGNATED = 0, 1, 2, 3, 4
I_RES_RULE, I_RES_STAKE, I_ROU_RULE, I_ROU_STAKE = 5, 6, 7, 8
I_AFTER, I_ESC_MONTHS, I_MED_ON, I_MED_MONTHS, I_CLAUSE = 9, 10, 11, 12, 13
I_LOCKUP, I_NOTICE, I_PREEMPT, I_REFORM_ON, I_LEAD_MONTHS, I_LIFETIME = 14, 15, 16, 17, 18, 19
I_JITTER_ON, I_SIZE = 20, 21
# -- float parameters (fp) --
F_RES_THR, F_ROU_THR, F_ESC_RES, F_MED_RES, F_COMPROMISE, F_REFORM_LAT = 0, 1, 2, 3, 4, 5
F_LEAD_SHARE, F_LEAD_MARGIN, F_NOISE, F_DEFER, F_INFL_DEFER, F_VALUATION = 6, 7, 8, 9, 10, 11
F_MEM_INFL, F_PASS, F_PROX, F_CAPG, F_SFG = 12, 13, 14, 15, 16
F_MEM_SAT, F_VALUE, F_DECV, F_OBJ, F_TRUST = 17, 18, 19, 20, 21
F_JITTER, F_RATE, F_SHOCK, F_MINMOVE, F_SIZE = 22, 23, 24, 25, 26
# -- deadlock clauses --
C_NONE, C_ESCALATE, C_CASTING, C_ARBITRATION, C_FALLBACK, C_WIND_UP = 0, 1, 2, 3, 4, 5
# -- partner columns: floats (pf), integers (pi) --
STAKE, CAP, TOL, CONC, OO, DRIFT, SAT, STAND, PAY, SFP, SFMIN, SFCOST, PF_SIZE = range(13)
PAT, UNH, EXITM, ACT, SFON, SFAFTER, GONE, PI_SIZE = range(8)
# -- issue columns: floats (xf), integers (xi) --
IMP, URG, XF_SIZE = 0, 1, 2
KIND, RES, ARR, FAIL, STAGE, UNTIL, FALLB, LADD, XI_SIZE = range(9)
OPEN, STUCK, ESCALATION, MEDIATION = 0, 1, 2, 3
# -- scalar state (st) --
S_MONTH, S_RUNNING, S_NOPEN, S_ISSUES, S_CHAIR, S_LEADER = 0, 1, 2, 3, 4, 5
S_FL_WHO, S_FL_SINCE, S_DES_SINCE, S_FR_MONTH, S_FR_WHO, S_FR_CAUSE = 6, 7, 8, 9, 10, 11
S_FINAL, S_TERM_HOW, S_TERM_WHO, S_NDEC, S_NDROP, S_NLOST, S_OVERFLOW, ST_SIZE = range(12, 20)
# -- outcome codes (sim.fast.pack maps them to the model's words) --
EXIT, BUY_OUT, LIQUIDATION, WIND_UP = 0, 1, 2, 5
INTACT, REFORMED, FRACTURED, DISSOLVED = 0, 1, 2, 3
T_ACQUIRED, T_LIQUIDATED, T_WIND_UP, T_REFORM = 0, 1, 2, 3
# -- numeric row columns (rf) --
R_ISSUES, R_DECISIONS, R_RES_RMST, R_RES_MED, R_ROU_RMST, R_ROU_MED = 0, 1, 2, 3, 4, 5
R_LAT_MEAN, R_LAT_MED, R_LAT_P90, R_UNDECIDED, R_RES_UNDECIDED, R_FIRST_RES = 6, 7, 8, 9, 10, 11
R_LEADER_MONTH, R_DES_MONTH, R_FR_MONTH, R_MONTHS, R_FIXED = 12, 13, 14, 15, 16
# then per holder: influence_mean, influence_final, stake_final, exit_month; then investors.
# -- code row columns (ri) --
Q_LEADER, Q_FR_WHO, Q_FR_CAUSE, Q_FINAL, Q_TERM, Q_TERM_WHO, RI_SIZE = range(7)
# -- scratch rows, allocated once a chunk (work arrays: no allocation in the month loop) --
# floats (wf): the meeting's, the settlement's, the month's
W_INFL, W_EXPERT, W_WEIGHT, W_TOL, W_SQ, W_NOISE, W_LIMIT, W_POINT = range(8)
W_SQ2, W_OUT, W_STAKE, W_STAND, W_BASE, W_SHARE, W_EVERY, W_OPENING, W_U, WF_SIZE = range(8, 18)
# integers (wi): lists of seated partners (one per step that nests), the agenda's snapshot
WI_MONTH, WI_OPEN_WHO, WI_SNAPSHOT, WI_MEETING, WI_SETTLE, WI_COMP = range(6)
WI_SIDE, WI_INFL, WI_SAT, WI_DUE, WI_REFORM, WI_SIZE = range(6, 12)
# booleans (wb)
WB_VETO, WB_YES, WB_TRIAL, WB_ACTIVE, WB_SIZE = range(5)

NAN = np.nan


@njit(cache=True)
def _block_sum(a, lo, n):
    """NumPy's pairwise summation of ``a[lo:lo+n]`` for ``n <= 128`` (one block)."""
    if n < 8:
        res = 0.0
        for i in range(lo, lo + n):
            res += a[i]
        return res
    r = np.empty(8)
    for j in range(8):
        r[j] = a[lo + j]
    i = 8
    while i < n - (n % 8):
        for j in range(8):
            r[j] += a[lo + i + j]
        i += 8
    res = (r[0] + r[1]) + (r[2] + r[3]) + ((r[4] + r[5]) + (r[6] + r[7]))
    while i < n:
        res += a[lo + i]
        i += 1
    return res


@njit(cache=True)
def _split(n):
    n2 = n // 2
    return n2 - n2 % 8


# NumPy splits blocks above 128 values in two, recursively. Numba's disk cache cannot
# reload a recursive function, so the recursion is unrolled to a fixed depth: six levels
# cover 128 x 2^6 = 8,192 values, more than the longest horizon (MAX_HORIZON_MONTHS).
@njit(cache=True)
def _sum1(a, lo, n):
    if n <= 128:
        return _block_sum(a, lo, n)
    h = _split(n)
    return _block_sum(a, lo, h) + _block_sum(a, lo + h, n - h)


@njit(cache=True)
def _sum2(a, lo, n):
    if n <= 128:
        return _block_sum(a, lo, n)
    h = _split(n)
    return _sum1(a, lo, h) + _sum1(a, lo + h, n - h)


@njit(cache=True)
def _sum3(a, lo, n):
    if n <= 128:
        return _block_sum(a, lo, n)
    h = _split(n)
    return _sum2(a, lo, h) + _sum2(a, lo + h, n - h)


@njit(cache=True)
def _sum4(a, lo, n):
    if n <= 128:
        return _block_sum(a, lo, n)
    h = _split(n)
    return _sum3(a, lo, h) + _sum3(a, lo + h, n - h)


@njit(cache=True)
def _sum5(a, lo, n):
    if n <= 128:
        return _block_sum(a, lo, n)
    h = _split(n)
    return _sum4(a, lo, h) + _sum4(a, lo + h, n - h)


@njit(cache=True)
def pairwise_sum(a, lo, n):
    """NumPy's pairwise summation of ``a[lo:lo+n]`` (as ``np.add.reduce`` on floats)."""
    if n <= 128:
        return _block_sum(a, lo, n)
    h = _split(n)
    return _sum5(a, lo, h) + _sum5(a, lo + h, n - h)


@njit(cache=True)
def linear_percentile(sorted_values, n, q):
    """``np.percentile(values, 100 q)`` (linear method) of ``n`` sorted values."""
    virtual = (n - 1) * q
    below = np.floor(virtual)
    prev = int(below)
    nxt = prev + 1 if prev + 1 < n else n - 1
    gamma = virtual - below
    a = sorted_values[prev]
    b = sorted_values[nxt]
    diff = b - a
    if gamma >= 0.5:
        return b - diff * (1 - gamma)
    return a + diff * gamma


# -- who is here --
@njit(cache=True)
def seated(pi, out):
    """Write the indices of the partners in the venture now; return how many."""
    n = 0
    for i in range(pi.shape[0]):
        if pi[i, ACT] == 1:
            out[n] = i
            n += 1
    return n


@njit(cache=True)
def designated_index(ip, pi):
    """Index among the seated partners of the designated leader, or -1."""
    lead = ip[I_DESIGNATED]
    if lead < 0 or pi[lead, ACT] == 0:
        return -1
    k = 0
    for i in range(lead):
        if pi[i, ACT] == 1:
            k += 1
    return k


@njit(cache=True)
def pass_chair(st, pi, wb):
    """The chair passes to the next seated partner in founding order."""
    n = pi.shape[0]
    start = st[S_CHAIR] if st[S_CHAIR] >= 0 else n - 1
    active = wb[WB_ACTIVE, :n]
    for i in range(n):
        active[i] = pi[i, ACT] == 1
    st[S_CHAIR] = next_chair(start, active)


@njit(cache=True)
def chair_now(st, ip, pi, wb):
    """Index among the seated partners of the chair of the moment."""
    lead = designated_index(ip, pi)
    if lead >= 0:
        return lead
    if st[S_CHAIR] < 0 or pi[st[S_CHAIR], ACT] == 0:
        pass_chair(st, pi, wb)
    k = 0
    for i in range(st[S_CHAIR]):
        if pi[i, ACT] == 1:
            k += 1
    return k


# -- an issue's view of a partner --
@njit(cache=True)
def kind_views(mat, kdims, knd, out):
    """Each partner's row of ``mat`` on each kind's dimensions: ``out[kind, p, :nd]``."""
    for kind in range(knd.shape[0]):
        for p in range(mat.shape[0]):
            for j in range(knd[kind]):
                out[kind, p, j] = mat[p, kdims[kind, j]]


@njit(cache=True)
def reach_of(sal, p, dims, nd):
    """Sum of a partner's saliences on the dimensions (Python's ``sum``: from 0, in order)."""
    total = 0.0
    for j in range(nd):
        total += sal[p, dims[j]]
    return total


@njit(cache=True)
def expertise_of(expt, p, dims, nd):
    """Mean expertise on the dimensions."""
    total = 0.0
    for j in range(nd):
        total += expt[p, dims[j]]
    return total / nd


@njit(cache=True)
def status_quo(policy, dims, nd, out):
    """The live policy on the issue's dimensions, written into ``out[:nd]``; returns it."""
    for j in range(nd):
        out[j] = policy[dims[j]]
    return out[:nd]


@njit(cache=True)
def concede(pf, p, months_open):
    """Its tolerance today: base tolerance plus concession per month open."""
    return pf[p, TOL] + pf[p, CONC] * months_open


# -- closing issues --
@njit(cache=True)
def remove_open(st, opened, issue):
    """Take an issue off the agenda (order kept)."""
    n = st[S_NOPEN]
    k = 0
    for i in range(n):
        if opened[i] != issue:
            opened[k] = opened[i]
            k += 1
    st[S_NOPEN] = k


@njit(cache=True)
def is_open(st, opened, issue):
    """Whether an issue is on the agenda."""
    for i in range(st[S_NOPEN]):
        if opened[i] == issue:
            return True
    return False


@njit(cache=True)
def settle(
    st,
    ip,
    fp,
    pf,
    pi,
    ideal,
    sal,
    xf,
    xi,
    kdims,
    knd,
    opened,
    dec,
    lost,
    policy,
    issue,
    outcome,
    month,
    author,
    voted,
    yes,
    tols,
    kv,
    wf,
    wi,
):
    """Decide an issue (``Venture.settle``); ``voted`` says whether votes were cast."""
    kind = xi[issue, KIND]
    dims, nd = kdims[kind], knd[kind]
    imp = xf[issue, IMP]
    sq = status_quo(policy, dims, nd, wf[W_SQ2])
    latency = month - xi[issue, ARR]
    k = st[S_NDEC]
    dec[k, 0], dec[k, 1], dec[k, 2] = month, latency, xi[issue, RES]
    st[S_NDEC] = k + 1
    remove_open(st, opened, issue)
    members = wi[WI_SETTLE]
    n = seated(pi, members)
    for j in range(n):
        h = members[j]
        lost_value = imp * loss(kv[0, kind, h, :nd], kv[1, kind, h, :nd], sq, outcome)
        pf[h, PAY] += imp * fp[F_DECV] - lost_value
        reach = reach_of(sal, h, dims, nd)
        if reach == 0.0:
            reach = 1.0
        distance = 0.0
        for q in range(nd):
            distance += sal[h, dims[q]] * abs(outcome[q] - ideal[h, dims[q]])
        pf[h, STAND] += fp[F_PROX] * imp * (1.0 - distance / reach)
        if voted:
            if not yes[j]:
                pf[h, PAY] -= fp[F_OBJ] * imp
            tolerance = tols[j]
        else:
            tolerance = concede(pf, h, month - xi[issue, ARR])
        if lost_value > tolerance + 1e-12:
            m = st[S_NLOST]
            lost[m, 0], lost[m, 1] = issue, h
            st[S_NLOST] = m + 1
    if author >= 0:
        pf[author, STAND] += fp[F_PASS] * imp
    for q in range(nd):
        policy[dims[q]] = outcome[q]


@njit(cache=True)
def drop(st, xi, opened, drp, issue, month):
    """Close an issue undecided; the live policy stays as it is."""
    if is_open(st, opened, issue):
        remove_open(st, opened, issue)
        k = st[S_NDROP]
        drp[k, 0], drp[k, 1], drp[k, 2] = month, month - xi[issue, ARR], xi[issue, RES]
        st[S_NDROP] = k + 1


# -- the venture ends --
@njit(cache=True)
def end(st, month, state, how, who):
    """``Structure.end``."""
    if state == DISSOLVED and st[S_FR_MONTH] < 0:
        st[S_FR_MONTH], st[S_FR_WHO] = month, who
        st[S_FR_CAUSE] = WIND_UP if how == T_WIND_UP else LIQUIDATION
    st[S_FINAL] = state
    st[S_TERM_HOW], st[S_TERM_WHO] = how, who
    st[S_RUNNING] = 0


@njit(cache=True)
def remove_partner(st, ip, fs, pf, pi, inv, leaver, month):
    """A partner leaves by exit; those staying on (and investors) buy under pre-emption."""
    if pi[leaver, ACT] == 0:
        return
    pi[leaver, ACT] = 0
    pi[leaver, GONE] = month
    n_p = pi.shape[0]
    members = np.empty(n_p, dtype=np.int64)
    nb = 0
    nv = 0
    if ip[I_PREEMPT] == 1:
        n = seated(pi, members)
        for j in range(n):
            if pi[members[j], EXITM] < 0:
                members[nb] = members[j]
                nb += 1
        nv = inv.shape[0]
    stakes = np.empty(nb + nv)
    capital = np.empty(nb + nv)
    for j in range(nb):
        stakes[j] = pf[members[j], STAKE]
        capital[j] = pf[members[j], CAP]
    for j in range(nv):
        stakes[nb + j] = inv[j, 0]
        capital[nb + j] = inv[j, 1]
    taken = np.zeros(nb + nv)
    fs[1] += take_up(pf[leaver, STAKE], stakes, capital, fs[0], taken)
    for j in range(nb):
        pf[members[j], STAKE] += taken[j]
        pf[members[j], CAP] -= taken[j] * fs[0]
    for j in range(nv):
        inv[j, 0] += taken[nb + j]
        inv[j, 1] -= taken[nb + j] * fs[0]
    pf[leaver, STAKE] = 0.0
    left = np.empty(n_p, dtype=np.int64)
    n_left = seated(pi, left)
    ending = n_left < 2 and st[S_RUNNING] == 1
    bought = False
    for j in range(nb):
        if taken[j] > 0 and pi[members[j], ACT] == 1:
            bought = True
    acquired = ending and n_left == 1 and bought
    if st[S_FR_MONTH] < 0:
        cause = EXIT
        if ending:
            cause = BUY_OUT if acquired else LIQUIDATION
        st[S_FR_MONTH], st[S_FR_WHO], st[S_FR_CAUSE] = month, leaver, cause
        st[S_FINAL] = FRACTURED
    if acquired:
        end(st, month, FRACTURED, T_ACQUIRED, left[0])
    elif ending:
        end(st, month, DISSOLVED, T_LIQUIDATED, -1)


# -- a meeting --
@njit(cache=True)
def failed(st, ip, xi, issue, month, casting):
    """A meeting without a decision; returns whether the ladder must advance now."""
    xi[issue, FAIL] += 1
    if (
        xi[issue, RES] == 1
        and xi[issue, LADD] == 0
        and not casting
        and xi[issue, FAIL] >= ip[I_AFTER]
    ):
        xi[issue, LADD] = 1
        xi[issue, STAGE] = ESCALATION
        xi[issue, UNTIL] = month + ip[I_ESC_MONTHS]
        if ip[I_ESC_MONTHS] == 0:
            return True
    return False


@njit(cache=True)
def meeting(
    st,
    ip,
    fp,
    pf,
    pi,
    ideal,
    sal,
    expt,
    veto,
    xf,
    xi,
    kdims,
    knd,
    opened,
    dec,
    lost,
    policy,
    issue,
    month,
    casting,
    rng,
    kv,
    wf,
    wi,
    wb,
):
    """``meeting.hold``: 1 passed, 0 failed, 2 failed and the ladder advances now."""
    members = wi[WI_MEETING]
    n = seated(pi, members)
    chair = chair_now(st, ip, pi, wb)
    total = 0.0
    for j in range(n):
        total += pf[members[j], STAND]
    if total == 0.0:
        total = 1.0
    infl = wf[W_INFL, :n]
    for j in range(n):
        infl[j] = pf[members[j], STAND] / total
    kind = xi[issue, KIND]
    dims, nd = kdims[kind], knd[kind]
    if casting:
        who = chair
    else:
        expertise = wf[W_EXPERT, :n]
        for j in range(n):
            expertise[j] = expertise_of(expt, members[j], dims, nd)
        who = choose(ip[I_PROPOSER], chair, designated_index(ip, pi), infl, expertise, rng)
    author = members[who]
    premium = fp[F_INFL_DEFER] * max(0.0, infl[who] - 1.0 / n)
    # The ballot (ballot_for): the rule of the issue's class, or a simple majority.
    reserved = xi[issue, RES] == 1
    rule = ip[I_RES_RULE] if reserved else ip[I_ROU_RULE]
    threshold = fp[F_RES_THR] if reserved else fp[F_ROU_THR]
    by_stake = (ip[I_RES_STAKE] if reserved else ip[I_ROU_STAKE]) == 1
    if xi[issue, FALLB] == 1 or casting:
        rule, threshold = SIMPLE_MAJORITY, 0.0
    weights = wf[W_WEIGHT, :n]
    wsum = 0.0
    for j in range(n):
        weights[j] = pf[members[j], STAKE] if by_stake else 1.0
        wsum += weights[j]
    if wsum <= 0:
        for j in range(n):
            weights[j] = 1.0
    vetoes = wb[WB_VETO, :n]
    for j in range(n):
        vetoes[j] = reserved and veto[members[j]]
    cast = who if casting else -1
    # Tolerances towards this proposer (Partner.tolerance_for).
    opened_for = month - xi[issue, ARR]
    expert_bonus = fp[F_DEFER] * expertise_of(expt, author, dims, nd)
    tols = wf[W_TOL, :n]
    for j in range(n):
        c = concede(pf, members[j], opened_for)
        tols[j] = c if members[j] == author else c + expert_bonus + premium
    sq = status_quo(policy, dims, nd, wf[W_SQ])
    # The proposal (Partner.propose): one normal draw per voter when there is noise.
    target = kv[0, kind, author, :nd]
    imp = xf[issue, IMP]
    noise_on = fp[F_NOISE] > 0
    noise = wf[W_NOISE, :n]
    if noise_on:
        for j in range(n):
            noise[j] = rng.standard_normal() * fp[F_NOISE]
    limits = wf[W_LIMIT, :n]
    for j in range(n):
        if members[j] == author:
            limits[j] = 1.0
            continue
        believed = tols[j] + noise[j] if noise_on else tols[j]
        limits[j] = acceptance_limit(
            kv[0, kind, members[j], :nd],
            kv[1, kind, members[j], :nd],
            sq,
            target,
            max(believed, 0.0) / imp,
        )
    share = best_passing(rule, threshold, weights, vetoes, cast, limits, wb[WB_TRIAL, :n])
    if share <= 0:
        return 2 if failed(st, ip, xi, issue, month, casting) else 0
    if fp[F_MINMOVE] > 0:
        far = 0.0
        for q in range(nd):
            d = abs(target[q] - sq[q])
            if q == 0 or d > far:
                far = d
        if far > EPS and share < min(1.0, fp[F_MINMOVE] / far) - EPS:
            share = 1.0
    point = wf[W_POINT, :nd]
    point_on_segment(sq, target, share, point)
    # The votes (Partner.vote).
    yes = wb[WB_YES, :n]
    for j in range(n):
        h = members[j]
        lost_value = imp * loss(kv[0, kind, h, :nd], kv[1, kind, h, :nd], sq, point)
        yes[j] = h == author or lost_value <= tols[j] + EPS
    if passes(rule, threshold, weights, vetoes, cast, yes):
        settle(
            st,
            ip,
            fp,
            pf,
            pi,
            ideal,
            sal,
            xf,
            xi,
            kdims,
            knd,
            opened,
            dec,
            lost,
            policy,
            issue,
            point,
            month,
            author,
            True,
            yes,
            tols,
            kv,
            wf,
            wi,
        )
        return 1
    return 2 if failed(st, ip, xi, issue, month, casting) else 0


# -- the deadlock ladder --
@njit(cache=True)
def compromise(pf, pi, ideal, sal, dims, nd, wf, wi, wm):
    """The influence-and-salience-weighted compromise of the seated partners' ideals."""
    members = wi[WI_COMP]
    n = seated(pi, members)
    total = 0.0
    for j in range(n):
        total += pf[members[j], STAND]
    if total == 0.0:
        total = 1.0
    ideals = wm[0, :n, :nd]
    weights = wm[1, :n, :nd]
    for j in range(n):
        for q in range(nd):
            ideals[j, q] = ideal[members[j], dims[q]]
            weights[j, q] = pf[members[j], STAND] / total * sal[members[j], dims[q]]
    out = wf[W_OUT, :nd]
    weighted_compromise(ideals, weights, out)
    return out


@njit(cache=True)
def most_dissatisfied(pf, pi):
    """The seated partner furthest below its outside option, or -1 (ties: founding order)."""
    members = np.empty(pi.shape[0], dtype=np.int64)
    n = seated(pi, members)
    gaps = np.empty(n)
    for j in range(n):
        gaps[j] = pf[members[j], SAT] - pf[members[j], OO]
    ranked = np.zeros(n, dtype=np.int64)
    if below_zero_ranked(gaps, ranked) == 0:
        return -1
    return members[ranked[0]]


@njit(cache=True)
def impose(
    st, ip, fp, pf, pi, ideal, sal, xf, xi, kdims, knd, opened, dec, lost, policy, issue, month,
    kv, wf, wi, wb, wm,
):  # fmt: skip
    """Settle an issue on the compromise (escalation, mediation, the chiefs, arbitration)."""
    kind = xi[issue, KIND]
    dims, nd = kdims[kind], knd[kind]
    settle(
        st, ip, fp, pf, pi, ideal, sal, xf, xi, kdims, knd, opened, dec, lost, policy,
        issue, compromise(pf, pi, ideal, sal, dims, nd, wf, wi, wm), month, -1, False,
        wb[WB_YES, :0], wf[W_TOL, :0], kv, wf, wi,
    )  # fmt: skip


@njit(cache=True)
def advance(
    st,
    ip,
    fp,
    pf,
    pi,
    ideal,
    sal,
    expt,
    veto,
    xf,
    xi,
    kdims,
    knd,
    opened,
    dec,
    drp,
    lost,
    policy,
    issue,
    month,
    rng,
    kv,
    wf,
    wi,
    wb,
    wm,
):
    """``deadlock.advance``: the next step of the ladder for an issue whose window ended."""
    if xi[issue, STAGE] == ESCALATION:
        if rng.random() < fp[F_ESC_RES]:
            impose(
                st,
                ip,
                fp,
                pf,
                pi,
                ideal,
                sal,
                xf,
                xi,
                kdims,
                knd,
                opened,
                dec,
                lost,
                policy,
                issue,
                month,
                kv,
                wf,
                wi,
                wb,
                wm,
            )
            return
        if ip[I_MED_ON] == 1:
            xi[issue, STAGE] = MEDIATION
            xi[issue, UNTIL] = month + ip[I_MED_MONTHS]
            return
    elif xi[issue, STAGE] == MEDIATION:
        if rng.random() < fp[F_MED_RES]:
            impose(
                st,
                ip,
                fp,
                pf,
                pi,
                ideal,
                sal,
                xf,
                xi,
                kdims,
                knd,
                opened,
                dec,
                lost,
                policy,
                issue,
                month,
                kv,
                wf,
                wi,
                wb,
                wm,
            )
            return
    clause = ip[I_CLAUSE]
    if clause == C_NONE or clause == C_FALLBACK:
        if clause == C_FALLBACK:
            xi[issue, FALLB] = 1
        xi[issue, STAGE] = STUCK
        xi[issue, FAIL] = 0
    elif clause == C_ESCALATE:
        if rng.random() < fp[F_COMPROMISE]:
            impose(
                st,
                ip,
                fp,
                pf,
                pi,
                ideal,
                sal,
                xf,
                xi,
                kdims,
                knd,
                opened,
                dec,
                lost,
                policy,
                issue,
                month,
                kv,
                wf,
                wi,
                wb,
                wm,
            )
        else:
            drop(st, xi, opened, drp, issue, month)
    elif clause == C_CASTING:
        passed = meeting(
            st,
            ip,
            fp,
            pf,
            pi,
            ideal,
            sal,
            expt,
            veto,
            xf,
            xi,
            kdims,
            knd,
            opened,
            dec,
            lost,
            policy,
            issue,
            month,
            True,
            rng,
            kv,
            wf,
            wi,
            wb,
        )
        if passed != 1:
            drop(st, xi, opened, drp, issue, month)
    elif clause == C_ARBITRATION:
        impose(
            st,
            ip,
            fp,
            pf,
            pi,
            ideal,
            sal,
            xf,
            xi,
            kdims,
            knd,
            opened,
            dec,
            lost,
            policy,
            issue,
            month,
            kv,
            wf,
            wi,
            wb,
            wm,
        )
    else:  # wind-up
        unhappy = most_dissatisfied(pf, pi)
        drop(st, xi, opened, drp, issue, month)
        if unhappy >= 0:
            end(st, month, DISSOLVED, T_WIND_UP, unhappy)


# -- one replication --
@njit(cache=True)
def open_issue(st, fp, xf, xi, kdims, knd, kurg, kres, policy, kind, importance, month, world):
    """An issue arrives; the environment's shock moves the live policy on its dimensions."""
    nd = knd[kind]
    if fp[F_SHOCK] > 0:
        for q in range(nd):
            k = kdims[kind, q]
            policy[k] = min(1.0, max(0.0, policy[k] + fp[F_SHOCK] * world.standard_normal()))
    issue = st[S_ISSUES]
    if issue >= xf.shape[0]:
        st[S_OVERFLOW] = 1
        return
    st[S_ISSUES] = issue + 1
    xf[issue, IMP] = importance
    xf[issue, URG] = kurg[kind]
    xi[issue, KIND] = kind
    xi[issue, RES] = kres[kind]
    xi[issue, ARR] = month
    xi[issue, FAIL] = 0
    xi[issue, STAGE] = OPEN
    xi[issue, UNTIL] = 0
    xi[issue, FALLB] = 0
    xi[issue, LADD] = 0


@njit(cache=True)
def run_seeds(
    seeds,
    lo,
    rng_words,
    rng_buffer,
    world_words,
    world_buffer,
    rng,
    world,
    ip,
    fp,
    pf0,
    pi0,
    pos,
    sal,
    expt,
    veto,
    kweight,
    kimp,
    kurg,
    kres,
    kdims,
    knd,
    ev_month,
    ev_type,
    ev_kind,
    ev_imp,
    ev_amount,
    policy0,
    inv0,
    capacity,
    rf,
    ri,
    done,
    cursor,
    h_latency,
    h_reserved,
    h_routine,
    h_influence,
):
    """Run a chunk of replications, one per seed, from ``cursor[0]`` on.

    Each replication's two streams are seeded as the Mesa model seeds them
    (:func:`sim.fast.seeding.seed_streams` writes them into ``rng`` and ``world``); the
    state and scratch arrays are allocated once for the chunk, and the month loop runs
    here, one level above the meeting (:func:`reset` and :func:`arrivals` are its
    leaves).

    Args:
        seeds: the replications' seeds (``uint64``).
        lo, rng_words, rng_buffer, world_words, world_buffer: the two generators' states
            (:func:`sim.fast.seeding.state_views`).
        rng, world: the behaviour and world generators those arrays alias.
        ip, fp: the scenario's integer and float parameters (:mod:`sim.fast.pack`).
        pf0, pi0: the partners' starting float and integer columns.
        pos, sal, expt: positions (before jitter), saliences, expertise (partners x dims).
        veto: whether each partner holds a veto on reserved matters.
        kweight, kimp, kurg, kres, kdims, knd: issue kinds (weight, mean importance,
            urgency, reserved?, dimension indices, number of dimensions).
        ev_month, ev_type, ev_kind, ev_imp, ev_amount: scripted events (0 issue,
            1 capital call), in the scenario's order.
        policy0: the initial policy.
        inv0: investors' (stake, capital).
        capacity: the most issues a replication may hold.
        rf, ri: one row per seed, numbers and codes.
        done: per seed, False when the issue capacity overflowed (rerun it on Mesa).
        cursor: ``cursor[0]``, the replication running now (where to resume after an
            exception: the caller records the failure and calls again from the next).
        h_latency, h_reserved, h_routine, h_influence: histograms to add to.
    """
    n_p, n_d = pos.shape
    n_k = kweight.shape[0]
    width = capacity + n_p + inv0.shape[0] + n_d
    pf = np.empty_like(pf0)
    pi = np.empty_like(pi0)
    inv = np.empty_like(inv0)
    ideal = np.empty_like(pos)
    policy = np.empty_like(policy0)
    st = np.zeros(ST_SIZE, dtype=np.int64)
    fs = np.zeros(2)
    xf = np.zeros((capacity, XF_SIZE))
    xi = np.zeros((capacity, XI_SIZE), dtype=np.int64)
    opened = np.zeros(capacity, dtype=np.int64)
    dec = np.zeros((capacity, 3), dtype=np.int64)
    drp = np.zeros((capacity, 3), dtype=np.int64)
    lost = np.zeros((capacity * n_p, 2), dtype=np.int64)
    streaks = np.empty(n_p, dtype=np.int64)
    history = np.empty((ip[I_HORIZON], n_p))
    cumulative = np.cumsum(kweight)
    # kv[0, kind, p], kv[1, kind, p]: partner p's ideal point and salience on a kind's
    # dimensions (the ideal points per replication, after jitter).
    kv = np.zeros((2, n_k, n_p, n_d))
    kind_views(sal, kdims, knd, kv[1])
    wm = np.zeros((2, n_p, n_d))
    wf = np.zeros((WF_SIZE, width))
    wi = np.zeros((WI_SIZE, width), dtype=np.int64)
    wb = np.zeros((WB_SIZE, width), dtype=np.bool_)
    horizon = ip[I_HORIZON]
    members = wi[WI_MONTH]
    snapshot = wi[WI_SNAPSHOT]
    while cursor[0] < seeds.shape[0]:
        r = cursor[0]
        seed_streams(seeds[r], lo, rng_words, rng_buffer, world_words, world_buffer)
        reset(
            world, ip, fp, pf0, pi0, pos, kdims, knd, policy0, inv0, pf, pi, inv, ideal, policy,
            st, fs, streaks, history, kv, wf,
        )  # fmt: skip
        done[r] = False
        m = 0
        while st[S_RUNNING] == 1:
            m += 1
            st[S_MONTH] = m
            n_act = seated(pi, members)
            for j in range(n_act):
                pf[members[j], PAY] = fp[F_VALUE]
            st[S_NLOST] = 0
            opening = wf[W_OPENING, :n_act]
            opening_who = wi[WI_OPEN_WHO, :n_act]
            for j in range(n_act):
                opening[j] = pf[members[j], STAND]
                opening_who[j] = members[j]
            # The chair's term (Structure.hand_over_chair).
            if st[S_CHAIR] < 0 or (m > 1 and (m - 1) % ip[I_TERM] == 0):
                pass_chair(st, pi, wb)
            # 1. arrivals and scripted events.
            if not arrivals(
                st, fp, pf, pi, inv, fs, xf, xi, kdims, knd, kimp, kurg, kres, policy, opened,
                cumulative, ev_month, ev_type, ev_kind, ev_imp, ev_amount, m, world, wf[W_U],
            ):  # fmt: skip
                break  # the issue capacity overflowed: st[S_OVERFLOW] says so
            board = m % ip[I_CADENCE] == 0
            # 2-5. meetings and the ladder, over the agenda as it stands.
            n_snap = st[S_NOPEN]
            for j in range(n_snap):
                snapshot[j] = opened[j]
            for j in range(n_snap):
                if st[S_RUNNING] == 0:
                    break
                issue = snapshot[j]
                stage = xi[issue, STAGE]
                if (stage == OPEN or stage == STUCK) and (board or xi[issue, RES] == 0):
                    held = meeting(
                        st, ip, fp, pf, pi, ideal, sal, expt, veto, xf, xi, kdims, knd, opened,
                        dec, lost, policy, issue, m, False, rng, kv, wf, wi, wb,
                    )  # fmt: skip
                    if held == 2:
                        advance(
                            st, ip, fp, pf, pi, ideal, sal, expt, veto, xf, xi, kdims, knd, opened,
                            dec, drp, lost, policy, issue, m, rng, kv, wf, wi, wb, wm,
                        )  # fmt: skip
                elif (stage == ESCALATION or stage == MEDIATION) and xi[issue, UNTIL] <= m:
                    advance(
                        st, ip, fp, pf, pi, ideal, sal, expt, veto, xf, xi, kdims, knd, opened,
                        dec, drp, lost, policy, issue, m, rng, kv, wf, wi, wb, wm,
                    )  # fmt: skip
            if st[S_RUNNING] == 1:
                side_funding(
                    st, fp, pf, pi, ideal, sal, xf, xi, kdims, knd, opened, drp, lost, policy, m,
                    rng, kv, wf, wi,
                )  # fmt: skip
                influence_step(st, ip, fp, pf, pi, streaks, history, m, wf, wi, wb)
                satisfaction_and_exits(
                    st, ip, fp, pf, pi, inv, fs, sal, xf, xi, kdims, knd, opened, dec, drp, m,
                    board, wi,
                )  # fmt: skip
            else:
                share = wf[W_SHARE, :n_act]
                shares(opening, share)
                for j in range(n_act):
                    history[m - 1, opening_who[j]] = share[j]
            if m >= horizon:
                st[S_RUNNING] = 0
        if st[S_OVERFLOW] == 0:
            done[r] = True
            observe(
                st, ip, pf, pi, inv, xi, opened, dec, drp, history, rf[r], ri[r], h_latency,
                h_reserved, h_routine, h_influence,
            )  # fmt: skip
        cursor[0] = r + 1


@njit(cache=True)
def reset(
    world, ip, fp, pf0, pi0, pos, kdims, knd, policy0, inv0, pf, pi, inv, ideal, policy, st,
    fs, streaks, history, kv, wf,
):  # fmt: skip
    """A replication's state at month 0 (the positions jittered by the world stream)."""
    n_p, n_d = pos.shape
    pf[:] = pf0
    pi[:] = pi0
    inv[:] = inv0
    ideal[:] = pos
    if ip[I_JITTER_ON] == 1:
        for p in range(n_p):
            for k in range(n_d):
                ideal[p, k] = min(1.0, max(0.0, pos[p, k] + world.normal(0.0, fp[F_JITTER])))
    kind_views(ideal, kdims, knd, kv[0])
    policy[:] = policy0
    st[:] = 0
    st[S_RUNNING] = 1
    st[S_CHAIR] = -1
    st[S_LEADER] = -1
    st[S_FL_WHO] = -1
    st[S_FL_SINCE] = -1
    st[S_DES_SINCE] = -1
    st[S_FR_MONTH] = -1
    st[S_FR_WHO] = -1
    st[S_FR_CAUSE] = -1
    st[S_TERM_HOW] = -1
    st[S_TERM_WHO] = -1
    fs[0], fs[1] = fp[F_VALUATION], 0.0
    streaks[:] = -1
    history[:] = NAN
    # Standing starts at formal weight; satisfaction at a working venture's value.
    stakes = wf[W_STAKE, :n_p]
    for p in range(n_p):
        stakes[p] = pf[p, STAKE]
    base = wf[W_BASE, :n_p]
    baseline_shares(stakes, base)
    for p in range(n_p):
        pf[p, STAND] = base[p]
        pf[p, SAT] = fp[F_VALUE]


@njit(cache=True)
def arrivals(
    st, fp, pf, pi, inv, fs, xf, xi, kdims, knd, kimp, kurg, kres, policy, opened, cumulative,
    ev_month, ev_type, ev_kind, ev_imp, ev_amount, m, world, u,
):  # fmt: skip
    """A month's new issues and scripted events; False when the issue capacity overflowed.

    The arrivals' kinds come from uniform draws made first, then each one's importance.
    """
    n_k = cumulative.shape[0]
    count = 0
    if fp[F_RATE] > 0:
        count = world.poisson(fp[F_RATE])
    if count > u.shape[0]:  # more than the capacity holds: an overflow in any case
        st[S_OVERFLOW] = 1
        return False
    if count > 0:
        for a in range(count):
            u[a] = world.random() * cumulative[-1]
        for a in range(count):
            kind = np.searchsorted(cumulative, u[a], side="right")
            if kind > n_k - 1:
                kind = n_k - 1
            importance = world.exponential(kimp[kind])
            open_issue(st, fp, xf, xi, kdims, knd, kurg, kres, policy, kind, importance, m, world)
            if st[S_OVERFLOW] == 1:
                return False
            opened[st[S_NOPEN]] = st[S_ISSUES] - 1
            st[S_NOPEN] += 1
    for e in range(ev_month.shape[0]):
        if ev_month[e] != m:
            continue
        if ev_type[e] == 0:
            kind = ev_kind[e]
            importance = ev_imp[e] if ev_imp[e] != 0.0 else kimp[kind]
            open_issue(st, fp, xf, xi, kdims, knd, kurg, kres, policy, kind, importance, m, world)
            if st[S_OVERFLOW] == 1:
                return False
            opened[st[S_NOPEN]] = st[S_ISSUES] - 1
            st[S_NOPEN] += 1
        else:
            capital_call_event(pf, pi, inv, fs, fp, ev_amount[e])
    return True


@njit(cache=True)
def capital_call_event(pf, pi, inv, fs, fp, amount):
    """``Structure._capital_call`` (the seated partners and the investors)."""
    n_p = pi.shape[0]
    members = np.empty(n_p, dtype=np.int64)
    n = seated(pi, members)
    nv = inv.shape[0]
    stakes = np.empty(n + nv)
    capital = np.empty(n + nv)
    staying = np.empty(n + nv, dtype=np.bool_)
    for j in range(n):
        stakes[j] = pf[members[j], STAKE]
        capital[j] = pf[members[j], CAP]
        staying[j] = pi[members[j], EXITM] < 0
    for j in range(nv):
        stakes[n + j] = inv[j, 0]
        capital[n + j] = inv[j, 1]
        staying[n + j] = True
    total = 0.0
    for j in range(n + nv):
        total += stakes[j]
    if total == 0.0:
        total = 1.0
    paid = np.empty(n + nv)
    for j in range(n + nv):
        owed = amount * stakes[j] / total
        paid[j] = owed if staying[j] and capital[j] >= owed else 0.0
    new = np.zeros(n + nv)
    post = capital_call(stakes, paid, fs[0], new)
    fs[1] *= fs[0] / post
    fs[0] = post
    for j in range(n):
        h = members[j]
        pf[h, STAKE] = new[j]
        pf[h, CAP] -= paid[j]
        pf[h, STAND] += fp[F_CAPG] * paid[j] / post
    for j in range(nv):
        inv[j, 0] = new[n + j]
        inv[j, 1] -= paid[n + j]


@njit(cache=True)
def side_funding(
    st, fp, pf, pi, ideal, sal, xf, xi, kdims, knd, opened, drp, lost, policy, m, rng, kv, wf, wi
):
    """``Venture._side_funding``: a partner funds its own version of a stuck or lost issue."""
    members = wi[WI_SIDE]
    n = seated(pi, members)
    for j in range(n):
        p = members[j]
        if pi[p, SFON] == 0:
            continue
        after = pi[p, SFAFTER]
        best = -1
        best_stake = 0.0
        for o in range(st[S_NOPEN]):
            issue = opened[o]
            if m - xi[issue, ARR] >= after:
                kind = xi[issue, KIND]
                s = xf[issue, IMP] * reach_of(sal, p, kdims[kind], knd[kind])
                if best < 0 or s > best_stake or (s == best_stake and issue < best):
                    best, best_stake = issue, s
        for o in range(st[S_NLOST]):
            if lost[o, 1] != p:
                continue
            issue = lost[o, 0]
            kind = xi[issue, KIND]
            s = xf[issue, IMP] * reach_of(sal, p, kdims[kind], knd[kind])
            if best < 0 or s > best_stake or (s == best_stake and issue < best):
                best, best_stake = issue, s
        if best < 0:
            continue
        issue = best
        kind = xi[issue, KIND]
        dims, nd = kdims[kind], knd[kind]
        # Partner.will_fund: it cares enough, can pay, and acts this month.
        cost = pf[p, SFCOST] * xf[issue, IMP]
        if best_stake < pf[p, SFMIN] or cost > pf[p, CAP]:
            continue
        if not rng.random() < pf[p, SFP]:
            continue
        if cost > pf[p, CAP]:
            continue
        pf[p, CAP] -= cost
        own = kv[0, kind, p, :nd]
        value = xf[issue, IMP] * loss(
            own, kv[1, kind, p, :nd], status_quo(policy, dims, nd, wf[W_SQ]), own
        )
        pf[p, PAY] += max(0.0, -value)
        pf[p, STAND] += fp[F_SFG] * xf[issue, IMP]
        for o in range(n):
            if members[o] != p:
                pf[members[o], PAY] -= fp[F_TRUST]
        if is_open(st, opened, issue):
            drop(st, xi, opened, drp, issue, m)


@njit(cache=True)
def influence_step(st, ip, fp, pf, pi, streaks, history, m, wf, wi, wb):
    """``Venture._influence``: standing fades to formal weight; the leader's streaks."""
    n_p = pi.shape[0]
    members = wi[WI_INFL]
    n = seated(pi, members)
    stakes = wf[W_STAKE, :n]
    standing = wf[W_STAND, :n]
    for j in range(n):
        stakes[j] = pf[members[j], STAKE]
        standing[j] = pf[members[j], STAND]
    base = wf[W_BASE, :n]
    baseline_shares(stakes, base)
    relax(standing, base, fp[F_MEM_INFL])
    share = wf[W_SHARE, :n]
    shares(standing, share)
    everyone = wf[W_EVERY, :n_p]
    for i in range(n_p):
        everyone[i] = 0.0
    for j in range(n):
        pf[members[j], STAND] = standing[j]
        everyone[members[j]] = share[j]
        history[m - 1, members[j]] = share[j]
    threshold = leader_threshold(fp[F_LEAD_SHARE], fp[F_LEAD_MARGIN], n)
    active = wb[WB_ACTIVE, :n_p]
    for i in range(n_p):
        active[i] = pi[i, ACT] == 1
    update_streaks(m, active, everyone, threshold, streaks)
    now = current_leader(m, streaks, ip[I_LEAD_MONTHS])
    if now != st[S_LEADER]:
        st[S_LEADER] = now
        if now >= 0:
            since = streaks[now]
            if now == ip[I_DESIGNATED]:
                if st[S_DES_SINCE] < 0:
                    st[S_DES_SINCE] = since
            elif st[S_FL_WHO] < 0:
                st[S_FL_WHO], st[S_FL_SINCE] = now, since


@njit(cache=True)
def satisfaction_and_exits(
    st, ip, fp, pf, pi, inv, fs, sal, xf, xi, kdims, knd, opened, dec, drp, m, board, wi
):
    """``Venture._satisfaction_and_exits``: urgency, satisfaction, exits, lapses, reform."""
    members = wi[WI_SAT]
    n = seated(pi, members)
    for o in range(st[S_NOPEN]):
        issue = opened[o]
        kind = xi[issue, KIND]
        for j in range(n):
            h = members[j]
            pf[h, PAY] -= xf[issue, URG] * (
                xf[issue, IMP] * reach_of(sal, h, kdims[kind], knd[kind])
            )
    for j in range(n):
        h = members[j]
        pf[h, SAT] += (pf[h, PAY] - pf[h, SAT]) / fp[F_MEM_SAT]
    for j in range(n):
        p = members[j]
        if pi[p, EXITM] >= 0 and pi[p, EXITM] <= m:
            remove_partner(st, ip, fs, pf, pi, inv, p, m)
            if st[S_RUNNING] == 0:
                return
    n = seated(pi, members)
    lock = ip[I_LOCKUP]
    for j in range(n):
        p = members[j]
        # Partner.wants_exit: the outside option drifts, then the unhappy months count.
        pf[p, OO] += pf[p, DRIFT]
        if pf[p, SAT] < pf[p, OO]:
            pi[p, UNH] += 1
        else:
            pi[p, UNH] = 0
        may = pi[p, EXITM] < 0 and m >= lock
        if pi[p, UNH] >= pi[p, PAT] and may:
            pi[p, EXITM] = m + ip[I_NOTICE]
            if pi[p, EXITM] <= m:
                remove_partner(st, ip, fs, pf, pi, inv, p, m)
                if st[S_RUNNING] == 0:
                    return
    lifetime = ip[I_LIFETIME]
    if lifetime >= 0:
        n_open = st[S_NOPEN]
        due = wi[WI_DUE, :n_open]
        n_due = 0
        for o in range(n_open):
            if m - xi[opened[o], ARR] >= lifetime:
                due[n_due] = opened[o]
                n_due += 1
        for o in range(n_due):
            drop(st, xi, opened, drp, due[o], m)
    if board and ip[I_REFORM_ON] == 1:
        consider_reform(st, fp, pf, pi, dec, m, wi)


@njit(cache=True)
def consider_reform(st, fp, pf, pi, dec, m, wi):
    """``Venture._consider_reform``: a seated de facto leader, slow decisions, unhappy rest."""
    leader = st[S_LEADER]
    if leader < 0 or pi[leader, ACT] == 0:
        return
    total = 0
    count = 0
    for k in range(st[S_NDEC]):
        if dec[k, 0] > m - 12:
            total += dec[k, 1]
            count += 1
    if count == 0:
        return
    if total / count < fp[F_REFORM_LAT]:
        return
    members = wi[WI_REFORM]
    n = seated(pi, members)
    for j in range(n):
        p = members[j]
        if p != leader and not pf[p, SAT] < (pf[p, OO] + fp[F_VALUE]) / 2:
            return
    end(st, m, REFORMED, T_REFORM, leader)


@njit(cache=True)
def observe(
    st,
    ip,
    pf,
    pi,
    inv,
    xi,
    opened,
    dec,
    drp,
    history,
    rf,
    ri,
    h_latency,
    h_reserved,
    h_routine,
    h_influence,
):
    """``outcomes.observe``: the row's numbers and codes, and the histograms."""
    months = st[S_MONTH]
    n_dec = st[S_NDEC]
    n_drop = st[S_NDROP]
    n_open = st[S_NOPEN]
    spans = np.empty(n_dec + n_drop + n_open, dtype=np.int64)
    decided = np.empty(n_dec + n_drop + n_open, dtype=np.bool_)
    km = np.empty(2)
    n_reserved = 0
    for cls in range(2):  # reserved (1) first, then routine (0)
        want = 1 - cls
        c = 0
        for k in range(n_dec):
            if dec[k, 2] == want:
                spans[c], decided[c] = dec[k, 1], True
                c += 1
        for k in range(n_drop):
            if drp[k, 2] == want:
                spans[c], decided[c] = drp[k, 1], False
                c += 1
        for o in range(n_open):
            if xi[opened[o], RES] == want:
                spans[c], decided[c] = months - xi[opened[o], ARR], False
                c += 1
        km_latency(spans, decided, c, TAU_MONTHS, km)
        rf[R_RES_RMST + 2 * cls] = km[0]
        rf[R_RES_MED + 2 * cls] = km[1]
        hist = h_reserved if want == 1 else h_routine
        for k in range(c):
            hist[0 if decided[k] else 1, spans[k]] += 1
        if want == 1:
            n_reserved = c
    lat = np.empty(n_dec)
    n_res_dec = 0
    first_res = -1
    for k in range(n_dec):
        lat[k] = dec[k, 1]
        h_latency[dec[k, 1]] += 1
        if dec[k, 2] == 1:
            n_res_dec += 1
            if first_res < 0 or dec[k, 0] < first_res:
                first_res = dec[k, 0]
    issues = st[S_ISSUES]
    rf[R_ISSUES] = issues
    rf[R_DECISIONS] = n_dec
    if n_dec > 0:
        rf[R_LAT_MEAN] = pairwise_sum(lat, 0, n_dec) / n_dec
        ordered = np.sort(lat)
        rf[R_LAT_MED] = linear_percentile(ordered, n_dec, 0.5)
        rf[R_LAT_P90] = linear_percentile(ordered, n_dec, 0.9)
    else:
        rf[R_LAT_MEAN] = rf[R_LAT_MED] = rf[R_LAT_P90] = NAN
    rf[R_UNDECIDED] = (issues - n_dec) / issues if issues else 0.0
    rf[R_RES_UNDECIDED] = (n_reserved - n_res_dec) / n_reserved if n_reserved else NAN
    rf[R_FIRST_RES] = first_res if first_res >= 0 else NAN
    rf[R_LEADER_MONTH] = st[S_FL_SINCE] if st[S_FL_WHO] >= 0 else NAN
    rf[R_DES_MONTH] = st[S_DES_SINCE] if st[S_DES_SINCE] >= 0 else NAN
    rf[R_FR_MONTH] = st[S_FR_MONTH] if st[S_FR_MONTH] >= 0 else NAN
    rf[R_MONTHS] = months
    ri[Q_LEADER] = st[S_FL_WHO]
    ri[Q_FR_WHO] = st[S_FR_WHO] if st[S_FR_MONTH] >= 0 else -2
    ri[Q_FR_CAUSE] = st[S_FR_CAUSE]
    ri[Q_FINAL] = st[S_FINAL]
    ri[Q_TERM] = st[S_TERM_HOW]
    ri[Q_TERM_WHO] = st[S_TERM_WHO] if st[S_TERM_HOW] >= 0 else -2
    n_p = pi.shape[0]
    column = np.empty(months)
    for h in range(n_p):
        c = 0
        for t in range(months):
            x = history[t, h]
            if np.isfinite(x):
                column[c] = x
                c += 1
        at = R_FIXED + 4 * h
        rf[at] = pairwise_sum(column, 0, c) / c if c else NAN
        rf[at + 1] = history[months - 1, h] if months and pi[h, ACT] == 1 else NAN
        rf[at + 2] = pf[h, STAKE]
        rf[at + 3] = pi[h, GONE] if pi[h, GONE] >= 0 else NAN
        for t in range(months):
            x = history[t, h]
            if np.isfinite(x):
                b = np.rint(x * (h_influence.shape[2] - 1))
                b = min(max(b, 0.0), h_influence.shape[2] - 1.0)
                h_influence[t, h, int(b)] += 1
    for v in range(inv.shape[0]):
        rf[R_FIXED + 4 * n_p + v] = inv[v, 0]
