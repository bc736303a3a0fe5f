"""Cross-shareholdings between partners: a financial interest in each other's gains.

Worked by hand on the scripted ventures of tests/scripted.py (one dimension, nothing
random), then on the generic 50:50 venture: reciprocal holdings make it last longer, and
a holding of 0 changes nothing, seed for seed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.errors import InputError
from sim.experiment.engines import resolve
from sim.experiment.runner import run_experiment
from sim.fast.pack import unsupported
from sim.scenario.loader import load_scenario, validate_mapping
from tests.scripted import partner, run, scripted

ROOT = Path(__file__).resolve().parents[1]


def three(c_holds: dict | None = None) -> dict:
    # A (0.2) chairs and proposes towards 0.2 from 0.5; B (0.2) agrees; C (0.9) accepts a
    # loss of up to 0.1 (importance 1, salience 1, unanimity).
    c = partner("C", 0.9, veto={"tolerance": 0.1, "concession": 0.0})
    if c_holds:
        c["cross_holdings"] = c_holds
    return scripted(partners=[partner("A", 0.2), partner("B", 0.2), c])


def test_a_holder_accepts_more_of_what_the_held_partner_wants():
    # Moving lam of the way from 0.5 to 0.2 costs C 0.3 lam and gains A 0.3 lam. Alone,
    # C accepts lam <= 0.1 / 0.3 = 1/3: A proposes 0.4. Holding half of A, C's loss is
    # 0.3 lam - 0.5 * 0.3 lam = 0.15 lam, so it accepts lam <= 2/3: A proposes 0.3.
    assert run(three()).policy[0] == pytest.approx(0.4)
    v = run(three({"A": 0.5}))
    assert [d[0] for d in v.decisions] == [1]
    assert v.policy[0] == pytest.approx(0.3)


def test_the_proposers_limit_is_the_holders_judged_loss():
    v = run(three({"A": 0.5}))
    a, c = v.holders[0], v.holders[2]
    issue = type("I", (), {"dims": (0,), "importance": 1.0})()
    lam = c.pooled_limit(issue, (0.5,), (0.2,), 0.1)
    assert lam == pytest.approx(2 / 3)
    at = (0.5 - 0.3 * lam,)
    assert c.judged_loss(issue, (0.5,), at) == pytest.approx(0.1)
    assert c.loss(issue, (0.5,), at) == pytest.approx(0.2)  # its own books
    assert a.judged_loss(issue, (0.5,), at) == a.loss(issue, (0.5,), at)  # holds nobody


def pair(a_option: float, b_option: float, a_holds: float) -> dict:
    # Nothing is decided (B says no to A's proposal and the issue costs nothing), so each
    # partner's satisfaction stays at a working venture's 1.0 a month.
    a = partner("A", 0.2, stake=0.5, outside_option=a_option, patience=2)
    b = partner("B", 0.5, stake=0.5, outside_option=b_option)
    if a_holds:
        a["cross_holdings"] = {"B": a_holds}
    return scripted(partners=[a, b], governance={"exit_notice_months": 0})


def test_a_holding_in_a_content_partner_keeps_an_unhappy_one_in():
    # A: 1.0 < 1.05, so it leaves after 2 months. Holding 20% of B, whose surplus is
    # 1.0 - 0.5 = 0.5, it counts 1.0 + 0.2 * 0.5 = 1.1 >= 1.05 and stays.
    assert run(pair(1.05, 0.5, 0.0)).fracture == (2, "A", "buy_out")
    assert run(pair(1.05, 0.5, 0.2)).fracture is None


def test_a_holding_in_an_unhappy_partner_pushes_a_content_one_out():
    # A: 1.0 >= 0.95, so it stays. Holding 20% of B, whose surplus is 1.0 - 1.5 = -0.5
    # (B would rather the venture ended), it counts 1.0 - 0.1 = 0.9 < 0.95 and leaves.
    assert run(pair(0.95, 1.5, 0.0)).fracture is None
    assert run(pair(0.95, 1.5, 0.2)).fracture == (2, "A", "buy_out")


def test_a_held_partner_that_has_left_no_longer_counts():
    v = run(pair(1.05, 0.5, 0.2))
    a, b = v.holders
    b.active = False
    assert a.interest() == 0.0


def generic(holding: float) -> dict:
    data = load_scenario(ROOT / "scenarios/governance/two_partner_50_50.yaml").scenario
    data = data.model_dump(mode="json")
    a, b = data["partners"]
    a["cross_holdings"] = {b["name"]: holding}
    b["cross_holdings"] = {a["name"]: holding}
    data["horizon_months"] = 84
    return data


def rows(data: dict, n: int, engine: str = "mesa") -> list[dict]:
    return run_experiment(validate_mapping(data), n, 7, 1, engine=engine).rows


def test_zero_cross_holdings_give_todays_results_exactly():
    data = generic(0.0)
    plain = generic(0.0)
    for p in plain["partners"]:
        del p["cross_holdings"]
    assert unsupported(validate_mapping(data)) is None  # nothing to model: fast engine too
    # Compared as text: rows hold NaN (no leader month), and NaN != NaN as floats.
    assert [repr(r) for r in rows(data, 40)] == [repr(r) for r in rows(plain, 40)]


def test_reciprocal_holdings_make_the_50_50_venture_last_longer():
    # Each partner shares in the other's gains: it vetoes less of what the other wants
    # and weighs the other's surplus before leaving. Same seeds (common random numbers).
    def ended(holding: float) -> int:
        return sum(bool(r["termination"]) for r in rows(generic(holding), 120))

    without, with_ = ended(0.0), ended(0.3)
    assert with_ < without * 0.8, (with_, without)


def test_the_fast_engine_names_cross_holdings_and_auto_falls_back():
    s = validate_mapping(generic(0.3))
    assert "cross-shareholdings" in unsupported(s)
    engine, why = resolve(s, "auto")
    assert engine == "mesa" and "cross-shareholdings" in why
    with pytest.raises(InputError, match="cross-shareholdings"):
        resolve(s, "fast")


@pytest.mark.parametrize(
    ("holds", "where", "message"),
    [
        ({"Z": 0.1}, "partners.2.cross_holdings.Z", "unknown partner 'Z'"),
        ({"C": 0.1}, "partners.2.cross_holdings.C", "cannot hold shares of itself"),
        ({"A": 1.5}, "partners.2.cross_holdings.A", "must be between 0 and 1"),
        ({"A": -0.1}, "partners.2.cross_holdings.A", "must be between 0 and 1"),
    ],
)
def test_bad_cross_holdings_are_located(holds, where, message):
    with pytest.raises(InputError) as err:
        validate_mapping(three(holds))
    text = str(err.value)
    assert where in text and message in text, text


def test_more_than_all_of_a_partner_held_is_refused():
    data = three({"A": 0.6})
    data["partners"][1]["cross_holdings"] = {"A": 0.5}
    with pytest.raises(InputError, match=r"cross_holdings of A sum to 1\.1"):
        validate_mapping(data)
    data["partners"][1]["cross_holdings"] = {"A": 0.4, "C": 0.3}  # a cycle is fine
    data["partners"][2]["cross_holdings"] = {"A": 0.6, "B": 0.2}
    validate_mapping(data)
