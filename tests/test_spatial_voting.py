"""Spatial voting stability, reproduced by the model's own meeting (sim.model.meeting.hold).

Pure spatial model: one issue, zero tolerance and concession, perfect information
(belief_noise 0), no deference, no jitter, no environmental shock, no minimum move. Each
partner in turn proposes on one issue with a chosen status quo; we check whether the
venture's policy moves.

Sources:
- k-of-n rules in one dimension: a status quo is in the core of a k-of-n rule (n voters,
  k > n/2 yes votes needed) exactly when fewer than k voters prefer a move either way,
  i.e. when it lies between the (n-k+1)-th and the k-th smallest ideal points (Black's
  median voter theorem, 1948, for k = (n+1)/2; Krehbiel, *Pivotal Politics*, 1998, ch. 2,
  the "gridlock interval" between pivots; issue 6).
- Unanimity: the Pareto set of Euclidean preferences is the convex hull of the ideal
  points (e.g. McCarty & Meirowitz, *Political Game Theory*, 2007, ch. 4), so under
  unanimity a status quo inside the hull never moves. The model's utility is
  salience-weighted L1 (city-block) distance (``sim/model/policy.py``): in one dimension
  the two coincide (the hull is [min, max]); in several they do not, and
  ``test_unanimity_convex_hull_fails_for_city_block_utility`` pins a counterexample.
"""

from hypothesis import event, given, settings
from hypothesis import strategies as st
from pure_spatial import k_of_n, pure_spatial
from pure_spatial import meeting as _meeting

from sim.model.venture import Venture

POINT = st.floats(0.0, 1.0).map(lambda x: round(x, 3))  # rounding makes ties likely


def meeting(ideals, rule, proposer, status_quo, salience=None):
    """(passed, policy after) of one meeting with a designated proposer."""
    return _meeting(pure_spatial(ideals, rule, proposer=proposer, salience=salience), status_quo)


@st.composite
def k_of_n_cases(draw):
    n = draw(st.integers(2, 7))
    k = draw(st.integers(n // 2 + 1, n))
    ideals = draw(st.lists(POINT, min_size=n, max_size=n))
    status_quo = draw(st.one_of(POINT, st.sampled_from(ideals)))
    return n, k, ideals, status_quo


@settings(max_examples=120, deadline=None)
@given(k_of_n_cases())
def test_k_of_n_status_quo_moves_exactly_outside_the_pivot_interval(case):
    """Between the (n-k+1)-th and k-th ideal points no proposer moves the status quo;
    outside, every proposer on the side of the pivots moves it towards its ideal, and
    no proposer on the other side does."""
    n, k, ideals, q = case
    ranked = sorted(ideals)
    low, high = ranked[n - k], ranked[k - 1]  # (n-k+1)-th and k-th smallest
    event("inside the pivot interval" if low <= q <= high else "outside")
    for j, ideal in enumerate(ideals):
        passed, (after,) = meeting([[x] for x in ideals], k_of_n(k, n), j, [q])
        if low <= q <= high:
            assert after == q, f"stable status quo {q} in [{low}, {high}] moved by P{j}"
        elif (q < low and ideal > q) or (q > high and ideal < q):
            assert passed and after != q
            assert min(q, ideal) - 1e-9 <= after <= max(q, ideal) + 1e-9  # towards its ideal
            # enough voters prefer the new point: the rule was really met
            assert sum(abs(after - x) <= abs(q - x) + 1e-9 for x in ideals) >= k
        elif ideal == q:  # it proposes to keep the status quo; everyone is indifferent
            assert after == q
        else:
            assert not passed and after == q


@settings(max_examples=40, deadline=None)
@given(k_of_n_cases())
def test_k_of_n_whole_venture_with_rotating_chair(case):
    """A whole run (chair rotating monthly, so every partner proposes): a scripted issue
    on a status quo inside the pivot interval is never decided and the policy never moves;
    outside it the policy moves in the first month a partner on the pivots' side chairs."""
    n, k, ideals, q = case
    ranked = sorted(ideals)
    low, high = ranked[n - k], ranked[k - 1]
    event("inside the pivot interval" if low <= q <= high else "outside")
    scenario = pure_spatial(
        [[x] for x in ideals],
        k_of_n(k, n),
        months=n,
        chair_term=1,
        initial=[q],
        events=[{"type": "issue", "month": 1, "kind": "board"}],
    )
    venture = Venture(scenario, seed=3).run()
    if low <= q <= high:
        assert venture.policy == [q]
    else:
        # Partner j chairs month j + 1. The first chair on the pivots' side moves the policy,
        # unless a chair whose ideal IS the status quo came first: it proposes to keep the
        # status quo, everyone is indifferent, and the issue is decided without a move.
        side = [j for j, x in enumerate(ideals) if (x > q if q < low else x < q)]
        keep = [j for j, x in enumerate(ideals) if x == q]
        first = min(side + keep)
        assert [month for month, *_ in venture.decisions] == [first + 1]
        assert (venture.policy != [q]) == (first in side)


@settings(max_examples=120, deadline=None)
@given(st.integers(2, 7).flatmap(lambda n: st.lists(POINT, min_size=n, max_size=n)), POINT)
def test_unanimity_one_dimension_hull_is_stable(ideals, q):
    """Unanimity in one dimension: inside [min, max] of the ideals nothing moves; outside,
    the partners' common direction wins as soon as anyone proposes it."""
    n = len(ideals)
    for j, ideal in enumerate(ideals):
        passed, (after,) = meeting([[x] for x in ideals], {"rule": "unanimity"}, j, [q])
        if min(ideals) <= q <= max(ideals):
            assert after == q
        elif ideal != q:
            assert passed and after != q
            assert sum(abs(after - x) <= abs(q - x) + 1e-9 for x in ideals) == n


@settings(max_examples=60, deadline=None)
@given(
    st.integers(2, 5).flatmap(
        lambda n: st.lists(st.lists(POINT, min_size=3, max_size=3), min_size=n, max_size=n)
    ),
    st.data(),
)
def test_unanimity_status_quo_at_an_ideal_point_never_moves(ideals, data):
    """Several dimensions: a status quo at a partner's ideal point (a vertex of the hull,
    where that partner loses from any move) is never changed under unanimity."""
    holder = data.draw(st.integers(0, len(ideals) - 1))
    q = ideals[holder]
    for j in range(len(ideals)):
        _, after = meeting(ideals, {"rule": "unanimity"}, j, q)
        assert after == q


def test_unanimity_convex_hull_fails_for_city_block_utility():
    """The Euclidean convex-hull result does not carry over to the model's L1 utility.

    (a) Equal saliences: from (0.5, 0.5), inside the hull of (1, 1), (0, 0.55), (0.55, 0),
    a move towards (1, 1) costs the other two nothing up to (0.55, 0.55) (each loses on
    one dimension what it gains on the other), so they vote yes at zero tolerance.
    (b) Unequal saliences allow a log-roll that all three strictly prefer.
    """
    ideals = [[1.0, 1.0], [0.0, 0.55], [0.55, 0.0]]
    passed, after = meeting(ideals, {"rule": "unanimity"}, 0, [0.5, 0.5])
    assert passed
    assert after == [0.55, 0.55] or max(abs(a - 0.55) for a in after) < 1e-9

    ideals = [[0.0, 0.0], [1.0, 1.0], [0.0, 1.0]]
    salience = [[0.9, 0.1], [0.1, 0.9], [0.5, 0.5]]
    passed, after = meeting(ideals, {"rule": "unanimity"}, 2, [0.4, 0.6], salience)
    assert passed and after[0] < 0.4 and after[1] > 0.6
