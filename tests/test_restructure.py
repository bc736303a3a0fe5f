"""Restructuring events of real consortia (issue 15), worked by hand on scripted ventures.

Three partners A, B, C with 20% each (the valuation is the default 100 currency units),
or two with 50% each; nothing random happens in them (tests/scripted.py).
"""

from __future__ import annotations

import pytest

from sim.errors import InputError
from sim.experiment.backtest import classify
from sim.experiment.outcomes import observe
from sim.scenario.loader import validate_mapping
from tests.scripted import deep_update, partner, run, scripted
from tests.small import EQUAL, small


def with_events(*events, **changes) -> dict:
    data = scripted(**changes)
    data["agenda"]["events"] = [*data["agenda"]["events"], *events]
    return data


def two_partners(*events, **changes) -> dict:
    pair = [partner("A", 0.2, stake=0.5), partner("B", 0.5, stake=0.5)]
    return with_events(*events, partners=pair, **changes)


def test_outsider_takes_up_new_equity_without_votes():
    data = with_events(
        {"type": "equity_issue", "month": 2, "subscriber": "Fund", "amount": 100},
        investors=[{"name": "Fund", "stake": 0.0}],
    )
    v = run(data)
    # 100 of new money at a pre-money of 100 halves every stake; the fund holds half.
    assert [h.stake for h in v.holders] == pytest.approx([0.1, 0.1, 0.1])
    assert v.investors[0].stake == pytest.approx(0.5)
    assert v.valuation == pytest.approx(200)
    assert v.running is False and v.termination is None  # no vote, so no control
    assert "Fund" not in [p.name for p in v.seated()]


def test_in_kind_contribution_gives_control_and_keeps_capital():
    data = with_events(
        {"type": "equity_issue", "month": 3, "subscriber": "A", "amount": 300, "in_kind": True}
    )
    v = run(data)
    a = v.holders[0]
    assert a.stake == pytest.approx((0.2 * 100 + 300) / 400)  # 0.8: a majority
    assert a.capital == pytest.approx(100)  # assets, not cash
    assert v.termination == ("control", "A") and v.final_state == "reformed"
    row = observe(v, 0)
    assert classify(row).category == "LEAD" and classify(row).years == pytest.approx(3 / 12)


def rescue(capital: float) -> dict:
    return with_events(
        {"type": "rescue", "month": 3, "amount": 300, "by": "State"},
        partners=[partner(n, x, capital=capital) for n, x in (("A", 0.2), ("B", 0.5), ("C", 0.9))],
        state_funder={"name": "State", "stake": 0.0, "capital": 1000},
    )


def test_rescue_by_the_state_when_partners_cannot_pay_is_state_control():
    v = run(rescue(capital=10))  # each owes 300 x 0.2 / 0.6 = 100 and has 10
    assert v.funder.stake == pytest.approx(300 / 400)
    assert v.funder.capital == pytest.approx(700)
    assert v.termination == ("control", "State")
    assert classify(observe(v, 0), funder="State").category == "STATE"


def test_rescue_when_partners_can_pay_changes_nothing_in_control():
    v = run(rescue(capital=200))
    assert [p.stake for p in v.seated()] == pytest.approx([120 / 400] * 3)
    assert v.funder.stake == pytest.approx(0.0, abs=1e-12) and v.termination is None


def test_transfer_of_a_whole_stake_is_an_exit_and_between_two_a_buy_out():
    v = run(
        with_events({"type": "transfer", "month": 2, "seller": "C", "buyer": "B", "stake": 0.2})
    )
    assert v.fracture == (2, "C", "exit")
    assert v.holders[1].stake == pytest.approx(0.4)
    assert v.holders[1].capital == pytest.approx(100 - 0.2 * 100)
    v = run(
        two_partners({"type": "transfer", "month": 4, "seller": "B", "buyer": "A", "stake": 0.5})
    )
    assert v.fracture == (4, "B", "buy_out") and v.termination == ("acquired", "A")


def test_whole_stake_sold_to_an_investor_moves_to_it_and_the_seller_leaves():
    sale = {"type": "transfer", "month": 3, "seller": "C", "buyer": "Fund", "stake": 0.2}
    v = run(with_events(sale, investors=[{"name": "Fund", "stake": 0.0, "capital": 50}]))
    assert v.investors[0].stake == pytest.approx(0.2)
    assert v.investors[0].capital == pytest.approx(50 - 20)
    assert v.fracture == (3, "C", "exit") and v.holders[2].stake == 0.0


def test_partial_transfer_to_a_majority_is_control():
    data = with_events({"type": "transfer", "month": 5, "seller": "C", "buyer": "B", "stake": 0.1})
    data = deep_update(data, {})
    data["partners"][1]["stake"] = 0.45
    v = run(data)
    assert v.holders[1].stake == pytest.approx(0.55)
    assert v.termination == ("control", "B") and v.fracture is None


def test_governance_change_lets_a_blocked_decision_pass():
    # A (0.2) chairs and proposes 0.2; B agrees (0.2), C (0.9) says no: blocked under
    # unanimity, passes by simple majority from month 4.
    def data(*events):
        return with_events(
            *events, partners=[partner("A", 0.2), partner("B", 0.2), partner("C", 0.9)]
        )

    assert run(data()).decisions == []
    change = {
        "type": "governance_change",
        "month": 4,
        "governance": {"routine": {"rule": "simple_majority"}},
    }
    v = run(data(change))
    assert [d[0] for d in v.decisions] == [4]
    assert v.scenario.governance.routine.rule == "simple_majority"
    assert v.scenario.governance.routine.basis == "count"  # merged, not replaced


def test_dated_put_is_exercised_once_open_by_an_unhappy_holder():
    put = {"type": "put_call", "month": 3, "holder": "A", "counterparty": "B", "option": "put"}
    unhappy = {"outside_option": 5.0, "patience": 2}
    data = two_partners(put, governance={"lock_up_months": 100})
    data["partners"][0].update(unhappy)
    v = run(data)
    # unhappy in months 1 and 2 (patience met at 2), the put opens at 3
    assert v.fracture == (3, "A", "put_call") and v.termination == ("acquired", "B")
    without = two_partners(governance={"lock_up_months": 100})
    without["partners"][0].update(unhappy)
    assert run(without).fracture is None  # locked up, and no put


def test_performance_shock_drives_an_exit():
    def data(*events):
        d = two_partners(*events, governance={"exit_notice_months": 0})
        for p in d["partners"]:
            p.update(outside_option=0.5, patience=3)
        return d

    assert run(data()).fracture is None
    v = run(data({"type": "performance", "month": 2, "months": 12, "change": -2.0}))
    assert v.fracture is not None and v.fracture[0] <= 14


def test_unused_new_event_types_leave_per_seed_results_unchanged(tmp_path):
    plain = small(EQUAL, tmp_path, "plain")
    data = plain.scenario.model_dump(mode="json")
    same = plain.scenario.governance.routine.rule
    data["agenda"]["events"].append(
        {"type": "governance_change", "month": 2, "governance": {"routine": {"rule": same}}}
    )
    from sim.experiment.runner import run_experiment

    a = run_experiment(plain.scenario, 3, 5, 1).rows
    b = run_experiment(validate_mapping(data), 3, 5, 1).rows
    assert [str(sorted(r.items())) for r in a] == [str(sorted(r.items())) for r in b]


@pytest.mark.parametrize(
    ("event", "path", "words"),
    [
        (
            {"type": "transfer", "month": 2, "seller": "C", "buyer": "B", "stake": 0.3},
            "agenda.events.1.stake",
            "holds at most 0.2",
        ),
        (
            {"type": "equity_issue", "month": 2, "subscriber": "Fnd", "amount": 5},
            "agenda.events.1.subscriber",
            "declare a new outside subscriber",
        ),
        (
            {"type": "put_call", "month": 2, "holder": "A", "counterparty": "A"},
            "agenda.events.1.counterparty",
            "another partner",
        ),
        (
            {"type": "rescue", "month": 2, "amount": 5, "by": "Nobody"},
            "agenda.events.1.by",
            "unknown partner or state funder",
        ),
        (
            {"type": "governance_change", "month": 2, "governance": {"routine": {"rule": "x"}}},
            "agenda.events.1.governance.routine.rule",
            "",
        ),
        (
            {"type": "governance_change", "month": 2, "governance": {"veto_holders": ["Z"]}},
            "agenda.events.1.governance.veto_holders.0",
            "unknown partner",
        ),
    ],
)
def test_bad_restructuring_events_are_located(event, path, words):
    with pytest.raises(InputError) as err:
        validate_mapping(with_events(event))
    text = str(err.value)
    assert path in text and words in text


def test_transfers_follow_the_stake_path():
    # C sells 0.1 to B, then B can sell up to 0.3: the path is checked in month order.
    ok = with_events(
        {"type": "transfer", "month": 5, "seller": "B", "buyer": "A", "stake": 0.3},
        {"type": "transfer", "month": 2, "seller": "C", "buyer": "B", "stake": 0.1},
    )
    validate_mapping(ok)
    ok["agenda"]["events"][2]["stake"] = 0.05
    with pytest.raises(InputError, match="holds at most 0.25"):
        validate_mapping(ok)


def test_sources_must_name_real_field_paths():
    data = scripted(
        metadata={"sources": {"partners.A.stake": "annual report", "partners.0.veto": "x"}}
    )
    validate_mapping(data)
    data["metadata"]["sources"]["partners.0.stak"] = "typo"
    with pytest.raises(InputError, match="not a field path"):
        validate_mapping(data)
    data["metadata"]["sources"] = {"horizon_months": ""}
    with pytest.raises(InputError, match="name the source"):
        validate_mapping(data)


def test_the_trace_tells_restructuring_and_survives_a_joiner():
    from sim.reports.teller import tell

    data = rescue(capital=10)
    joiner = partner("D", 0.4, stake=0.1)
    data["agenda"]["events"].append({"type": "new_partner", "month": 2, "partner": joiner})
    months = tell(run(data))
    text = " ".join(line.text for m in months for line in m.lines)
    assert "D joins with a 10% stake." in text
    assert "Rescue led by State" in text and "The venture ends" in text


def test_uses_restructuring_names_the_scenarios_the_fast_engine_must_route():
    from sim.scenario.agenda import uses_restructuring

    assert not uses_restructuring(validate_mapping(scripted()))
    assert uses_restructuring(validate_mapping(rescue(capital=10)))


def test_dormant_votes_take_a_blocking_stake_out_of_the_vote():
    # A and B (20% each, ideal 0.2) against C (50%, ideal 0.9), by stake-weighted majority:
    # C blocks until 60% of its shares carry no votes (0.4 of 0.6 voting weight is yes).
    def data(*events):
        trio = [partner("A", 0.2), partner("B", 0.2), partner("C", 0.9, stake=0.5)]
        rule = {"routine": {"rule": "simple_majority", "basis": "stake"}}
        return with_events(*events, partners=trio, governance=rule)

    assert run(data()).decisions == []
    park = {"type": "dormant_votes", "month": 3, "partner": "C", "fraction": 0.6}
    v = run(data(park))
    assert [d[0] for d in v.decisions] == [3]
    assert v.holders[2].stake == 0.5  # the equity is unchanged
    with pytest.raises(InputError, match="unknown partner"):
        validate_mapping(data({**park, "partner": "Z"}))
