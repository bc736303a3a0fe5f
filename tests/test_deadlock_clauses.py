"""The deadlock ladder and each terminal clause, against the contract mechanics.

Source: /work/shared/reference/evidence.md, section (c): c1 (the pipeline: a reserved
matter failing at 1-3 consecutive meetings triggers a deadlock notice, escalation to the
parents' chiefs for a fixed window, optional mediation, then the terminal mechanism or the
status quo) and c2/c3 (the terminal mechanisms; a shotgun with more than two partners:
the initiator offers for all, the others sell or jointly buy pro rata). Semantics as
documented in sim/model/deadlock.py.

Every case is a pure spatial scenario (tests/pure_spatial.py) with one scripted reserved
matter arriving in month 1 that unanimity cannot decide (the status quo lies between the
partners' ideal points and tolerance is zero), a monthly board, and the random steps of
the ladder set to 0 or 1 so the path is known.
"""

import pytest
from pure_spatial import pure_spatial

from sim.model.venture import Venture

ISSUE = [{"type": "issue", "month": 1, "kind": "board"}]
HAPPY = {"outside_option": 0.5}  # satisfaction stays about 1.0 (venture_value)
UNHAPPY = {"outside_option": 1.5}  # below its outside option: may trigger a clause


def run(
    ideals,
    clause,
    *,
    q=0.5,
    partners=None,
    deadlock=None,
    months=8,
    salience=None,
    lifetime=None,
    **governance,
):
    """Run the deadlocked scenario to its end, recording events."""
    scenario = pure_spatial(
        ideals,
        {"rule": "unanimity"},
        salience=salience,
        agenda={"lifetime_months": lifetime},
        months=months,
        initial=[q] * len(ideals[0]),
        events=ISSUE,
        reserved=True,
        partners=partners or [HAPPY] * len(ideals),
        governance={
            "deadlock": {
                "after_rounds": 2,
                "escalation_months": 1,
                "escalation_resolves": 0.0,
                "clause": clause,
            }
            | (deadlock or {}),
            "lock_up_months": 600,  # nobody leaves by exit: only clauses fracture
        }
        | governance,
    )
    return Venture(scenario, seed=11, record_events=True).run()


def events(venture, kind):
    return [e for e in venture.log.events if e.kind == kind]


def failed_meetings(venture):
    """Meetings without a decision: a proposal voted down, or none the proposer believed
    could pass (``no_proposal``)."""
    return [
        e
        for e in venture.log.events
        if e.kind == "no_proposal" or (e.kind == "meeting" and not e.data["passed"])
    ]


def months(venture, kind):
    return [e.month for e in events(venture, kind)]


def decision(venture):
    (e,) = events(venture, "decision")
    return e.month, e.data["how"], e.data["outcome"]


# --- c1: the ladder -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "after_rounds, escalation_months, cadence, notice, clause",
    [
        (1, 1, 1, 1, 2),
        (2, 1, 1, 2, 3),
        (3, 1, 1, 3, 4),
        (2, 0, 1, 2, 2),  # no escalation window: the clause applies at the notice
        (2, 2, 1, 2, 4),
        (2, 1, 3, 6, 7),  # quarterly board: failed meetings in months 3 and 6
    ],
)
def test_ladder_notice_after_failed_meetings_then_escalation_window(
    after_rounds, escalation_months, cadence, notice, clause
):
    """c1 steps 2-3: notice after `after_rounds` failed board meetings; the clause after
    the `escalation_months` window (here `arbitration`, so the clause month is visible)."""
    v = run(
        [[0.2], [0.8]],
        "arbitration",
        deadlock={"after_rounds": after_rounds, "escalation_months": escalation_months},
        board={"cadence_months": cadence},
        months=10,
    )
    meetings = failed_meetings(v)
    assert len(meetings) == after_rounds
    assert all(e.month % cadence == 0 for e in meetings)
    assert months(v, "deadlock_notice") == [notice]
    assert events(v, "deadlock_notice")[0].data["until"] == notice + escalation_months
    assert months(v, "escalation_failed") == [clause]
    assert [(e.month, e.data["clause"]) for e in events(v, "clause")] == [(clause, "arbitration")]


def test_escalation_can_settle_on_the_compromise():
    """c1 step 3: the chiefs settle (escalation_resolves = 1): the compromise, no clause."""
    v = run([[0.2], [0.8]], "wind_up", q=0.3, deadlock={"escalation_resolves": 1.0})
    assert decision(v)[:2] == (3, "escalation")
    assert decision(v)[2] == pytest.approx((0.5,))  # equal stakes: the midpoint
    assert events(v, "clause") == []


@pytest.mark.parametrize("resolves, how", [(1.0, "mediation"), (0.0, "arbitration")])
def test_optional_mediation_step(resolves, how):
    """c1 step 4: mediation for `months` after a failed escalation, then the clause."""
    mediation = {"enabled": True, "months": 2, "resolves": resolves}
    v = run([[0.2], [0.8]], "arbitration", q=0.3, deadlock={"mediation": mediation})
    assert months(v, "mediation") == [3]
    assert decision(v)[:2] == (5, how)
    assert months(v, "mediation_failed") == ([] if resolves else [5])


# --- c2: the terminal clauses -----------------------------------------------------------------


def test_none_status_quo_stands_issue_stays_open_until_it_lapses():
    """c1 step 5 default: the status quo; the matter is voted again at later meetings (no
    second notice) until it lapses."""
    v = run([[0.2], [0.8]], "none", months=14, lifetime=None)
    assert months(v, "deadlock_notice") == [2]
    assert len(failed_meetings(v)) == 14 - 1  # every month but the clause month
    assert events(v, "decision") == []
    assert v.policy == [0.5] and len(v.open_issues) == 1


def test_none_then_lapse():
    v = run([[0.2], [0.8]], "none", months=14, lifetime=6)
    (dropped,) = events(v, "dropped")
    assert dropped.month == 7 and "lapsed" in dropped.data["why"]
    assert v.policy == [0.5] and v.open_issues == []


@pytest.mark.parametrize("probability, how", [(1.0, "chiefs"), (0.0, None)])
def test_escalate_compromise_or_drop(probability, how):
    v = run([[0.1], [0.7]], "escalate", deadlock={"compromise_probability": probability})
    if how:
        assert decision(v) == (3, "chiefs", pytest.approx((0.4,)))
    else:
        assert events(v, "decision") == [] and months(v, "dropped") == [3]
        assert v.policy == [0.5]


def test_arbitration_imposes_the_influence_and_salience_weighted_compromise():
    """c2 (independent tie-breaker / expert): an outsider imposes the compromise of the
    ideal points weighted by influence x salience per dimension. No influence has been
    earned yet, so influence = stake share: 0.75 and 0.25."""
    v = run(
        [[0.0, 1.0], [1.0, 0.0]],
        "arbitration",
        q=0.5,
        partners=[HAPPY | {"stake": 0.3}, HAPPY | {"stake": 0.1}],
    )
    # Equal saliences: dim 0 = 0.75 * 0 + 0.25 * 1; dim 1 = 0.75 * 1 + 0.25 * 0.
    assert decision(v) == (3, "arbitration", pytest.approx((0.25, 0.75)))


def test_arbitration_weights_by_salience():
    v = run(
        [[0.0, 1.0], [1.0, 0.0]],
        "arbitration",
        partners=[HAPPY | {"stake": 0.3}, HAPPY | {"stake": 0.1}],
        salience=[[0.9, 0.1], [0.5, 0.5]],
    )
    # dim 0: (0.75*0.9*0 + 0.25*0.5*1) / (0.675 + 0.125); dim 1: (0.075*1 + 0) / (0.075 + 0.125)
    assert decision(v)[2] == pytest.approx((0.125 / 0.8, 0.075 / 0.2))


def test_casting_vote_chair_breaks_a_tie():
    """c2 casting vote: the chair (P0, rotating chair's first term) proposes, a simple
    majority decides and the chair breaks the 2-2 tie: its own ideal point is adopted."""
    v = run([[0.1], [0.15], [0.85], [0.9]], "casting_vote")
    assert decision(v) == (3, "casting vote", pytest.approx((0.1,)))
    final = events(v, "meeting")[-1]
    assert final.data["casting_vote"] and [x.yes for x in final.data["votes"]] == [
        True,
        True,
        False,
        False,
    ]


def test_casting_vote_breaks_ties_only():
    """1 against 3 is not a tie: the casting vote does not carry it; the matter is dropped."""
    v = run([[0.1], [0.8], [0.85], [0.9]], "casting_vote")
    assert events(v, "decision") == []
    (dropped,) = events(v, "dropped")
    assert dropped.month == 3 and "casting vote" in dropped.data["why"]


def test_casting_vote_does_not_override_a_veto():
    v = run([[0.1], [0.15], [0.85], [0.9]], "casting_vote", veto_holders=["P2"])
    assert events(v, "decision") == [] and months(v, "dropped") == [3]


def test_casting_vote_held_by_the_designated_leader():
    v = run([[0.1], [0.15], [0.85], [0.9]], "casting_vote", leader="P3")
    assert decision(v) == (3, "casting vote", pytest.approx((0.9,)))


def test_majority_fallback_threshold_drops_to_simple_majority():
    """c2 structural avoidance: after the ladder the matter returns to the next meeting
    under a simple majority; 2 of 3 carry P0's proposal."""
    v = run([[0.1], [0.2], [0.9]], "majority_fallback")
    assert decision(v) == (4, "vote", pytest.approx((0.1,)))


def _owner(v, name):
    return next(h for h in v.holders if h.name == name)


def test_shotgun_two_partners_recipient_buys_at_the_named_price():
    """c2 shotgun: the unhappy P1 (which could pay for P0's stake, as the clause binds it
    to) names one price for its stake (valuation x stake = 10); P0 can pay and wants to
    stay, so it buys: P1 is out and P0 owns the venture."""
    v = run(
        [[0.2], [0.8]],
        "shotgun",
        partners=[HAPPY | {"capital": 50}, UNHAPPY | {"capital": 10}],
    )
    assert v.fracture == (3, "P1", "shotgun")
    assert v.final_state == "fractured" and v.termination == ("acquired", "P0")
    p0 = _owner(v, "P0")
    assert p0.stake == pytest.approx(0.2) and p0.capital == pytest.approx(40.0)


def test_shotgun_two_partners_recipient_sells_at_the_same_price():
    """P0 cannot pay 10, so it must sell to P1 at the same price per unit of stake."""
    v = run(
        [[0.2], [0.8]],
        "shotgun",
        partners=[HAPPY | {"capital": 5}, UNHAPPY | {"capital": 50}],
    )
    assert v.fracture == (3, "P0", "shotgun")
    assert v.termination == ("acquired", "P1")
    p1 = _owner(v, "P1")
    assert p1.stake == pytest.approx(0.2) and p1.capital == pytest.approx(40.0)


def test_shotgun_many_partners_others_jointly_buy_pro_rata():
    """c3: with three partners the initiator (P2) offers for all; the others can pay and
    want to stay, so they jointly buy it out pro rata to their stakes (0.3 : 0.1)."""
    v = run(
        [[0.2], [0.3], [0.8]],
        "shotgun",
        partners=[
            HAPPY | {"capital": 50, "stake": 0.3},
            HAPPY | {"capital": 50, "stake": 0.1},
            UNHAPPY | {"stake": 0.2, "capital": 40},  # enough for the others' 0.4
        ],
    )
    assert v.fracture == (3, "P2", "shotgun") and v.running is False
    p0, p1 = _owner(v, "P0"), _owner(v, "P1")
    assert (p0.stake, p1.stake) == (pytest.approx(0.45), pytest.approx(0.15))
    assert (p0.capital, p1.capital) == (pytest.approx(35.0), pytest.approx(45.0))
    assert v.final_state == "fractured" and v.termination is None  # two partners go on


def test_shotgun_needs_an_initiator_that_could_pay():
    """A shotgun binds its initiator to buy if the others sell: an unhappy partner without
    the money for the others' shares cannot trigger it, and the matter is dropped."""
    v = run([[0.2], [0.8]], "shotgun", partners=[HAPPY | {"capital": 50}, UNHAPPY])
    assert v.fracture is None and months(v, "dropped") == [3]
    assert "could pay" in events(v, "dropped")[0].data["why"]


def test_shotgun_many_partners_others_sell_to_the_initiator():
    """c3: the others cannot pay for the initiator's stake, so each sells to it."""
    v = run(
        [[0.2], [0.3], [0.8]],
        "shotgun",
        partners=[HAPPY | {"capital": 2}, HAPPY | {"capital": 2}, UNHAPPY | {"capital": 100}],
    )
    assert v.termination == ("acquired", "P2")
    p2 = _owner(v, "P2")
    assert p2.stake == pytest.approx(0.3) and p2.capital == pytest.approx(80.0)


def test_put_call_exit_at_appraised_value():
    """c2 put/call at fair value: the unhappy partner puts its stake to the others at the
    appraised value (the venture's valuation x stake), pro rata."""
    v = run(
        [[0.2], [0.3], [0.8]],
        "put_call",
        partners=[HAPPY | {"capital": 50}, HAPPY | {"capital": 50}, UNHAPPY],
    )
    assert v.fracture == (3, "P2", "put_call")
    p0, p1 = _owner(v, "P0"), _owner(v, "P1")
    assert (p0.stake, p1.stake) == (pytest.approx(0.15), pytest.approx(0.15))
    assert (p0.capital, p1.capital) == (pytest.approx(45.0), pytest.approx(45.0))
    assert "put option" in events(v, "dropped")[0].data["why"]


def test_wind_up_dissolves_the_venture():
    """c2 winding up: an unhappy partner has the venture dissolved."""
    v = run([[0.2], [0.8]], "wind_up", partners=[HAPPY, UNHAPPY])
    assert v.final_state == "dissolved" and v.termination == ("wind_up", "P1")
    assert v.running is False and v.month == 3


@pytest.mark.parametrize("clause", ["shotgun", "put_call", "wind_up"])
def test_structural_clauses_need_an_unhappy_partner(clause):
    """Nobody blows up a venture it is happy with: the matter is dropped, status quo stands."""
    v = run([[0.2], [0.8]], clause)
    assert v.fracture is None and v.final_state == "intact"
    assert months(v, "dropped") == [3] and v.policy == [0.5]
