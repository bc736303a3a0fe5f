"""Rules as small pure functions: voting rules, proposer rules, acceptance limits."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.model import policy
from sim.model.proposer import PROPOSER_RULES, choose, next_chair
from sim.model.voting import VOTING_RULES, Ballot, best_move, decide

EVEN = [0.25] * 4
NONE = [0.0] * 4


def propose(rule: str, rng, chair=0, leader=-1, influence=EVEN, expertise=NONE) -> int:
    return choose(PROPOSER_RULES[rule], chair, leader, influence, expertise, rng)


def test_registries_name_every_rule_a_scenario_can_pick():
    from typing import get_args

    from sim.model.deadlock import DEADLOCK_CLAUSES
    from sim.scenario.governance import ClauseName, ProposerRuleName, VotingRuleName

    assert set(VOTING_RULES) == set(get_args(VotingRuleName))
    assert set(PROPOSER_RULES) == set(get_args(ProposerRuleName))
    assert set(DEADLOCK_CLAUSES) == set(get_args(ClauseName))


def test_rotating_chair_hands_over_in_founding_order_skipping_partners_who_left():
    assert next_chair(0, [True] * 4) == 1
    assert next_chair(3, [True] * 4) == 0
    # Partner 2 has left: the chair goes from 1 straight to 3, and nobody chairs twice.
    assert next_chair(1, [True, True, False, True]) == 3
    # The outgoing chair itself has left: its successor is still the next in order.
    assert next_chair(1, [True, False, True, True]) == 2
    assert next_chair(0, [False] * 4) == -1
    assert propose("rotating_chair", np.random.default_rng(0), chair=2) == 2


def test_designated_leader_proposes_and_the_chair_takes_over_once_it_left():
    rng = np.random.default_rng(0)
    assert propose("designated", rng, chair=0, leader=2) == 2
    assert propose("designated", rng, chair=1, leader=-1) == 1


def test_most_influential_and_expert():
    rng = np.random.default_rng(0)
    influence, expertise = [0.1, 0.4, 0.3, 0.2], [0.0, 0.0, 0.8, 0.8]
    assert propose("most_influential", rng, influence=influence) == 1
    # A tie on expertise is broken by influence.
    assert propose("expert", rng, influence=influence, expertise=expertise) == 2


def test_random_proposer_uses_the_generator_it_is_given():
    draws = [propose("random", np.random.default_rng(5)) for _ in range(3)]
    assert len(set(draws)) == 1
    spread = {propose("random", np.random.default_rng(k)) for k in range(40)}
    assert spread == {0, 1, 2, 3}


def test_three_of_four_equals_seventy_five_percent_on_every_coalition():
    # power_indices.md 1b: [3; 1,1,1,1] is both ">50%" and ">=75%" of four equal votes.
    for yes in itertools.product([False, True], repeat=4):
        a = Ballot("simple_majority", None, (1.0,) * 4, (False,) * 4)
        b = Ballot("qualified_majority", 0.75, (0.1,) * 4, (False,) * 4)
        assert decide(a, yes) == decide(b, yes) == (sum(yes) >= 3)


def test_casting_vote_breaks_only_exact_ties():
    b = Ballot("simple_majority", None, (1.0,) * 4, (False,) * 4, chair=0)
    assert decide(b, [True, True, False, False])
    assert not decide(b, [False, True, True, False])
    assert not decide(b, [True, False, False, False])


@given(st.lists(st.booleans(), min_size=2, max_size=7), st.data())
def test_a_veto_never_makes_a_failing_ballot_pass(yes, data):
    n = len(yes)
    rule = data.draw(st.sampled_from(sorted(VOTING_RULES)))
    threshold = 0.75 if rule == "qualified_majority" else None
    weights = tuple(data.draw(st.lists(st.floats(0.01, 1), min_size=n, max_size=n)))
    vetoes = data.draw(st.lists(st.booleans(), min_size=n, max_size=n))
    holder = data.draw(st.integers(0, n - 1))
    before = Ballot(rule, threshold, weights, tuple(vetoes))
    after_v = list(vetoes)
    after_v[holder] = True
    after = Ballot(rule, threshold, weights, tuple(after_v))
    assert decide(after, yes) <= decide(before, yes)


@given(st.lists(st.floats(0, 1), min_size=1, max_size=4), st.data())
def test_acceptance_limit_is_exactly_where_the_loss_reaches_the_tolerance(ideal, data):
    k = len(ideal)
    sal = data.draw(st.lists(st.floats(0.01, 1), min_size=k, max_size=k))
    sq = data.draw(st.lists(st.floats(0, 1), min_size=k, max_size=k))
    target = data.draw(st.lists(st.floats(0, 1), min_size=k, max_size=k))
    tol = data.draw(st.floats(0, 0.5))
    lam = policy.acceptance_limit(ideal, sal, sq, target, tol)
    assert 0.0 <= lam <= 1.0
    point = [0.0] * k
    policy.point_on_segment(sq, target, lam, point)
    assert policy.loss(ideal, sal, sq, point) <= tol + 1e-9
    if lam < 1.0:
        policy.point_on_segment(sq, target, min(1.0, lam + 1e-6), point)
        assert policy.loss(ideal, sal, sq, point) >= tol - 1e-9


def test_acceptance_limit_survives_a_subnormal_salience():
    # Found by CI's Hypothesis run: salience 5e-324 times a move of 0.5 underflows to 0,
    # which divided the tolerance by zero. No loss to speak of: the whole move is accepted.
    assert policy.acceptance_limit([0.5], [5e-324], [0.5], [0.0], 0.026) == 1.0
    assert policy.acceptance_limit([0.5, 0.2], [5e-324, 5e-324], [0.5, 0.5], [0.0, 1.0], 0.0) == 1.0


def test_best_passing_is_the_largest_move_the_rule_lets_through():
    b = Ballot("qualified_majority", 0.75, (1.0,) * 4, (False,) * 4)
    # Moves accepted up to: proposer 1.0, others 0.6, 0.3, 0.1: three yes need lam <= 0.3.
    assert best_move(b, [1.0, 0.6, 0.3, 0.1]) == pytest.approx(0.3)
    u = Ballot("unanimity", None, (1.0,) * 4, (False,) * 4)
    assert best_move(u, [1.0, 0.6, 0.3, 0.0]) == 0.0
