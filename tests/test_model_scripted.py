"""Scripted cases worked out by hand: who proposes, who vetoes, when the decision lands.

Set-up (tests/scripted.py): partners A (ideal 0.2), B (0.5), C (0.9) on one dimension with
salience 1; the status quo is 0.5; A chairs throughout, so A proposes, always towards 0.2.
Moving the status quo a share ``lam`` of the way to 0.2 costs B and C ``0.3 * lam``. A
partner with concession c per month tolerates ``c * (months open)``, so it accepts
``lam <= c * months_open / 0.3``. With ``min_move = 0.15`` a proposal must move at least
0.15, i.e. ``lam >= 0.5``: the first month a proposal can pass is the first with
``c * months_open >= 0.15``.
"""

from __future__ import annotations

import pytest
from scripted import deep_update, partner, run, scripted

CONCEDING = {"veto": {"concession": 0.02}}
STUBBORN = {"veto": {"concession": 0.0}}


def lumpy(**changes) -> dict:
    """Scripted case with min_move 0.15 and B, C conceding 0.02 a month."""
    base = scripted(agenda={"min_move": 0.15})
    base["partners"] = [
        partner("A", 0.2),
        partner("B", 0.5, **CONCEDING),
        partner("C", 0.9, **CONCEDING),
    ]
    return deep_update(base, changes)


def quarterly_ladder(clause: str) -> dict:
    """A reserved matter, a board every 4 months, deadlock after 2 failed meetings, a
    1-month escalation that never resolves, then ``clause``."""
    return lumpy(
        governance={
            "reserved_matters": ["policy"],
            "board": {"cadence_months": 4},
            "deadlock": {
                "after_rounds": 2,
                "escalation_months": 1,
                "escalation_resolves": 0.0,
                "clause": clause,
            },
        }
    )


def test_unanimity_decision_lands_when_tolerance_covers_the_smallest_move():
    # 0.02 * months_open >= 0.15 first at months_open = 8, i.e. month 9. A proposes the
    # largest move both accept: lam = 0.16 / 0.3, landing at 0.5 - 0.16 = 0.34. In month 1
    # nobody tolerates any move, so A tables nothing; in months 2-8 the move it believes
    # passes is below min_move, so it tables its ideal point and it fails.
    v = run(lumpy())
    assert v.decisions == [(9, 8, False)]
    assert v.policy[0] == pytest.approx(0.34)
    proposers = {e.data["proposal"].proposer for e in v.log.events if e.kind == "meeting"}
    assert proposers == {"A"}
    failed = [e.month for e in v.log.events if e.kind == "meeting" and not e.data["passed"]]
    assert failed == list(range(2, 9))
    assert [e.month for e in v.log.events if e.kind == "no_proposal"] == [1]


def test_reserved_matter_waits_for_the_board_and_goes_down_the_ladder():
    # Board every 4 months: meetings at 4 and 8 fail (tolerance 0.06, 0.14 < 0.15); the
    # second failure is a deadlock notice; the chiefs (1 month, never resolving) fail in
    # month 9; clause 'none' puts it back on the table; the board passes it in month 12 at
    # 0.5 - 0.22 = 0.28.
    v = run(quarterly_ladder("none"))
    kinds = [
        (e.month, e.kind)
        for e in v.log.events
        if e.kind in ("meeting", "deadlock_notice", "escalation_failed", "clause", "decision")
    ]
    assert kinds == [
        (4, "meeting"),
        (8, "meeting"),
        (8, "deadlock_notice"),
        (9, "escalation_failed"),
        (9, "clause"),
        (12, "meeting"),
        (12, "decision"),
    ]
    assert v.decisions == [(12, 11, True)]
    assert v.policy[0] == pytest.approx(0.28)


def test_arbitration_imposes_the_weighted_compromise():
    # Same ladder, clause arbitration in month 9: equal influence and salience, so the
    # arbitrator imposes the mean ideal point (0.2 + 0.5 + 0.9) / 3.
    v = run(quarterly_ladder("arbitration"))
    assert v.decisions == [(9, 8, True)]
    assert v.policy[0] == pytest.approx((0.2 + 0.5 + 0.9) / 3)


def test_a_veto_holder_delays_what_a_majority_would_pass_at_once():
    # Reserved, monthly board, simple majority by count. B accepts anything; C concedes.
    # Without a veto, A + B pass A's ideal (0.2) in month 1. With C's veto, the decision
    # waits until C tolerates the smallest move (month 9, 0.34).
    base = lumpy(
        governance={
            "reserved_matters": ["policy"],
            "board": {"cadence_months": 1},
            "reserved": {"rule": "simple_majority"},
        }
    )
    base["partners"][1] = partner("B", 0.5, veto={"tolerance": 1.0})
    free = run(base)
    assert free.decisions == [(1, 0, True)]
    assert free.policy[0] == pytest.approx(0.2)
    vetoed = run(deep_update(base, {"governance": {"veto_holders": ["C"]}}))
    assert vetoed.decisions == [(9, 8, True)]
    assert vetoed.policy[0] == pytest.approx(0.34)


def test_a_stubborn_partner_blocks_unanimity_but_not_a_majority():
    base = lumpy()
    base["partners"][2] = partner("C", 0.9, **STUBBORN)
    assert run(base).decisions == []
    majority = run(deep_update(base, {"governance": {"routine": {"rule": "simple_majority"}}}))
    assert majority.decisions == [(9, 8, False)]  # A + B, over C's objection


def test_three_of_four_is_the_same_rule_as_75_percent():
    # power_indices.md 1b: for 4 equal partners ">50%" (3 of 4) and ">= 75%" are one game;
    # the simulator must give identical outcomes.
    from sim.experiment.runner import run_experiment

    base = lumpy(agenda={"rate_per_month": 1.0, "shock": 0.1})
    base["partners"].append(partner("D", 0.7, **CONCEDING))
    a = deep_update(base, {"governance": {"routine": {"rule": "simple_majority"}}})
    b = deep_update(
        base, {"governance": {"routine": {"rule": "qualified_majority", "threshold": 0.75}}}
    )
    from scripted import build

    ra = run_experiment(build(a), 5, seed=3, workers=1).rows
    rb = run_experiment(build(b), 5, seed=3, workers=1).rows
    assert repr(ra) == repr(rb)  # repr: nan (no reserved matter) equals nan


def test_casting_vote_breaks_a_two_two_tie_for_the_chair():
    # Four partners; C and D never concede. Unanimity fails at the board in months 1 and 2
    # (deadlock notice), the chiefs fail in month 3, and the casting-vote clause puts A's
    # proposal to a simple majority with A breaking ties: B tolerates 0.1 * 2 = 0.2 by then,
    # so A proposes lam = 0.2 / 0.3 (0.5 - 0.2 = 0.3) and A + B (2 of 4) carry it.
    base = lumpy(
        governance={
            "reserved_matters": ["policy"],
            "board": {"cadence_months": 1},
            "deadlock": {
                "after_rounds": 2,
                "escalation_months": 1,
                "escalation_resolves": 0.0,
                "clause": "casting_vote",
            },
        }
    )
    base["partners"] = [
        partner("A", 0.2),
        partner("B", 0.5, veto={"concession": 0.1}),
        partner("C", 0.9, **STUBBORN),
        partner("D", 0.9, **STUBBORN),
    ]
    v = run(base)
    assert v.decisions == [(3, 2, True)]
    assert v.policy[0] == pytest.approx(0.3)
    last = [e for e in v.log.events if e.kind == "meeting"][-1]
    assert last.data["casting_vote"] and [x.yes for x in last.data["votes"]] == [
        True,
        True,
        False,
        False,
    ]


def ladder_to(clause: str, **changes) -> dict:
    """C never concedes and is unhappy (outside option 2 > venture value 1)."""
    base = lumpy(
        governance={
            "reserved_matters": ["policy"],
            "board": {"cadence_months": 1},
            "deadlock": {
                "after_rounds": 1,
                "escalation_months": 0,
                "escalation_resolves": 0.0,
                "clause": clause,
            },
        }
    )
    base["partners"][2] = partner("C", 0.9, outside_option=2.0, **STUBBORN)
    return deep_update(base, changes)


def test_shotgun_others_buy_out_the_initiator():
    # Month 1: the matter fails, the ladder is immediate, C (the only unhappy partner)
    # names a price of 0.2 * 100 = 20 for its stake; A and B can pay and want to stay, so
    # they buy C out pro rata (0.1 each).
    v = run(ladder_to("shotgun"))
    assert v.fracture == (1, "C", "shotgun")
    assert [round(p.stake, 6) for p in v.holders] == [0.3, 0.3, 0.0]
    assert v.final_state == "fractured" and v.month == 24  # A and B carry on


def test_shotgun_initiator_buys_everyone_when_the_others_cannot_pay():
    base = ladder_to("shotgun")
    for p in base["partners"][:2]:
        p["capital"] = 0.0
    v = run(base)
    assert v.fracture == (1, "A", "shotgun")
    assert v.final_state == "fractured"
    assert v.termination == ("acquired", "C")


def test_put_call_the_unhappy_partner_exits_at_appraised_value():
    v = run(ladder_to("put_call"))
    assert v.fracture == (1, "C", "put_call")
    assert [round(p.stake, 6) for p in v.holders] == [0.3, 0.3, 0.0]
    assert [round(p.capital, 6) for p in v.holders[:2]] == [90.0, 90.0]


def test_wind_up_dissolves_the_venture():
    v = run(ladder_to("wind_up"))
    assert v.final_state == "dissolved" and v.termination == ("wind_up", "C")
    assert v.month == 1


def test_structural_clauses_need_an_unhappy_partner():
    base = ladder_to("wind_up")
    base["partners"][2]["outside_option"] = 0.0
    v = run(base)
    assert v.final_state == "intact" and v.undecided == 1  # the matter is dropped


def test_majority_fallback_lets_the_majority_decide_at_the_next_meeting():
    # Month 1 fails under unanimity; the clause drops the threshold to a simple majority.
    # B concedes 0.1 a month: month 2 gives lam = 0.1 / 0.3 < 0.5 (below the smallest
    # move, fails); month 3 gives lam = 0.2 / 0.3: A + B carry it to 0.5 - 0.2 = 0.3.
    base = ladder_to("majority_fallback")
    base["partners"][1] = partner("B", 0.5, veto={"concession": 0.1})
    v = run(base)
    assert v.decisions == [(3, 2, True)]
    assert v.policy[0] == pytest.approx(0.3)


@pytest.mark.parametrize(("probability", "decided"), [(1.0, True), (0.0, False)])
def test_escalate_ends_in_compromise_or_drop(probability, decided):
    base = ladder_to("escalate", governance={"deadlock": {"compromise_probability": probability}})
    v = run(base)
    assert (len(v.decisions) == 1) is decided
    assert v.undecided == (0 if decided else 1)


def test_an_unhappy_partner_leaves_after_its_patience_and_the_lock_up():
    # C's outside option (2.0) exceeds what the venture gives it (1.0 a month): unhappy
    # from month 1; patience 3; lock-up 10 months; 2 months' notice: announces in month 10,
    # leaves in month 12. A and B buy its shares under pre-emption.
    base = scripted(governance={"lock_up_months": 10, "exit_notice_months": 2})
    base["partners"][2] = partner("C", 0.9, outside_option=2.0, patience=3)
    v = run(base)
    announced = [e.month for e in v.log.events if e.kind == "exit_announced"]
    assert announced == [10]
    assert v.fracture == (12, "C", "exit")
    assert v.final_state == "fractured" and v.month == 24
    assert [round(p.stake, 6) for p in v.holders] == [0.3, 0.3, 0.0]


def test_two_partner_exit_means_the_other_buys_the_venture():
    base = scripted(governance={"exit_notice_months": 0})
    base["partners"] = [partner("A", 0.2), partner("B", 0.5, outside_option=2.0, patience=2)]
    v = run(base)
    # The cause is the way the venture ended (a competing risk): A bought it, a buy-out.
    assert v.fracture == (2, "B", "buy_out")
    assert v.termination == ("acquired", "A") and v.final_state == "fractured"


def test_stake_weighted_majority_lets_the_big_partner_decide_alone():
    # A holds 0.5, B and C 0.1 each: A's yes is 0.5 / 0.7 of the votes, a stake majority,
    # so A's ideal passes at once over both objections; by count it would fail.
    base = lumpy(governance={"routine": {"rule": "simple_majority", "basis": "stake"}})
    base["partners"][0]["stake"] = 0.5
    base["partners"][1]["stake"] = base["partners"][2]["stake"] = 0.1
    v = run(base)
    assert v.decisions == [(1, 0, False)] and v.policy[0] == pytest.approx(0.2)
    by_count = run(deep_update(base, {"governance": {"routine": {"basis": "count"}}}))
    assert by_count.decisions[0][0] > 1
