"""Tests for sim.power: known voting-power values, properties, DP against enumeration.

Known values and property list: /work/shared/reference/power_indices.md (tables 1a, 1b and
"Property tests that must hold for every game"); summary in docs/verification.md.
"""

import json
import math
from fractions import Fraction as F

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sim.errors import InputError
from sim.power import (
    VotingGame,
    analyse,
    enumerate_game,
    shapley_shubik,
    swing_counts,
    weights_to_integers,
    winning_count,
)


def _report(game: VotingGame):
    return analyse(game, exact=True)


def _column(report, field):
    return tuple(getattr(p, field) for p in report.players)


def _indices(report):
    """Everything but the weights shown: each player's indices and swings, the winning count."""
    fields = ("shapley_shubik", "banzhaf", "banzhaf_absolute", "swings")
    return [_column(report, f) for f in fields], report.winning_coalitions


# --- Known values -----------------------------------------------------------------------

# (game, SS, normalised Banzhaf, absolute Banzhaf, swings, #winning, Coleman A)
TABLE_1A = {
    # EEC Council of Ministers 1958-72, Luxembourg a null player: MDPI Games 9(2):29 (2018);
    # normalised Banzhaf = the powerindex PyPI README's expected result.
    "EEC 1958 [12; 4,4,4,2,2,1]": (
        VotingGame((4, 4, 4, 2, 2, 1), 12),
        (F(7, 30),) * 3 + (F(3, 20),) * 2 + (F(0),),
        (F(5, 21),) * 3 + (F(1, 7),) * 2 + (F(0),),
        (F(5, 16),) * 3 + (F(3, 16),) * 2 + (F(0),),
        (10, 10, 10, 6, 6, 0),
        14,
        F(14, 64),
    ),
    # Classic "weights are not power" example.
    "[51; 49,48,3]": (
        VotingGame((49, 48, 3), 51),
        (F(1, 3),) * 3,
        (F(1, 3),) * 3,
        (F(1, 2),) * 3,
        (2, 2, 2),
        4,
        F(1, 2),
    ),
    # Straffin, Game Theory and Strategy (Banzhaf 5/12, 1/4, 1/4, 1/12).
    "Straffin [6; 4,3,2,1]": (
        VotingGame((4, 3, 2, 1), 6),
        (F(5, 12), F(1, 4), F(1, 4), F(1, 12)),
        (F(5, 12), F(1, 4), F(1, 4), F(1, 12)),
        (F(5, 8), F(3, 8), F(3, 8), F(1, 8)),
        (5, 3, 3, 1),
        7,
        F(7, 16),
    ),
    # Wikipedia's Shapley-Shubik example.
    "[4; 3,2,1,1]": (
        VotingGame((3, 2, 1, 1), 4),
        (F(1, 2),) + (F(1, 6),) * 3,
        (F(1, 2),) + (F(1, 6),) * 3,
        (F(3, 4),) + (F(1, 4),) * 3,
        (6, 2, 2, 2),
        8,
        F(1, 2),
    ),
}


@pytest.mark.parametrize("name", TABLE_1A)
def test_table_1a_classic_games(name):
    """power_indices.md table 1a, exact Fractions."""
    game, ss, bz, bz_abs, swings, winning, coleman = TABLE_1A[name]
    report = _report(game)
    assert _column(report, "shapley_shubik") == ss
    assert _column(report, "banzhaf") == bz
    assert _column(report, "banzhaf_absolute") == bz_abs
    assert _column(report, "swings") == swings
    assert report.winning_coalitions == winning
    assert report.coleman_power_to_act == coleman


def test_eec_luxembourg_is_null_despite_weight():
    """EEC 1958: Luxembourg has weight 1 but no power (MDPI Games 9(2):29, 2018)."""
    game = VotingGame((4, 4, 4, 2, 2, 1), 12)
    assert game.weights[5] == 1
    assert shapley_shubik(game)[5] == 0 and swing_counts(game)[5] == 0


@pytest.mark.parametrize("n", [3, 4, 5])
def test_table_1b_unanimity(n):
    """power_indices.md table 1b [D]: unanimity [n; 1,...,1]."""
    report = _report(VotingGame((1,) * n, n))
    assert _column(report, "shapley_shubik") == (F(1, n),) * n
    assert _column(report, "banzhaf") == (F(1, n),) * n
    assert _column(report, "banzhaf_absolute") == (F(1, 2 ** (n - 1)),) * n
    assert report.coleman_power_to_act == F(1, 2**n)


@pytest.mark.parametrize(("n", "absolute"), [(3, F(1, 2)), (5, F(3, 8))])
def test_table_1b_simple_majority(n, absolute):
    """power_indices.md table 1b [D]: simple majority, C(n-1,(n-1)/2)/2^(n-1) for odd n."""
    report = _report(VotingGame((1,) * n, n // 2 + 1))
    assert _column(report, "shapley_shubik") == (F(1, n),) * n
    assert _column(report, "banzhaf") == (F(1, n),) * n
    assert _column(report, "banzhaf_absolute") == (absolute,) * n
    assert report.coleman_power_to_act == F(1, 2)


def test_table_1b_over_half_equals_three_quarters_for_four_partners():
    """power_indices.md table 1b [D]: [21; 10,10,10,10] is the same game as [3; 1,1,1,1]."""
    stakes = analyse(VotingGame((10,) * 4, 21), exact=True).to_dict()
    counts = analyse(VotingGame((1,) * 4, 3), exact=True).to_dict()
    for player in stakes["players"] + counts["players"]:
        del player["weight"]
    assert stakes == counts
    assert stakes["players"][0]["shapley_shubik"] == "1/4"
    assert stakes["players"][0]["banzhaf_absolute"] == "3/8"
    assert stakes["coleman_power_to_act"] == "5/16"


def test_table_1b_chair_casting_vote():
    """power_indices.md table 1b [D]: 4 equal partners, 2-2 ties broken by the chair.

    Count majority (3 of 4) with the chair's casting vote is the game [5; 3,2,2,2].
    """
    chair = _report(VotingGame((1, 1, 1, 1), 3, tie_breaker=0))
    assert _column(chair, "shapley_shubik") == (F(1, 2),) + (F(1, 6),) * 3
    assert _column(chair, "banzhaf") == (F(1, 2),) + (F(1, 6),) * 3
    assert _column(chair, "banzhaf_absolute") == (F(3, 4),) + (F(1, 4),) * 3
    assert chair.coleman_power_to_act == F(1, 2)
    weighted = _report(VotingGame((3, 2, 2, 2), 5))
    for field in ("shapley_shubik", "banzhaf", "banzhaf_absolute", "swings"):
        assert _column(chair, field) == _column(weighted, field)


def test_un_security_council_composed_rule_equals_weighted_game():
    """Shapley & Shubik (1954), Straffin: UN Security Council, 5 vetoes and 9 of 15.

    The composed rule equals [39; 7,7,7,7,7,1,...,1]; SS 421/2145 per permanent member,
    4/2145 per non-permanent member; both also checked by enumerating all 2^15 coalitions.
    """
    composed = VotingGame((1,) * 15, 9, veto=frozenset(range(5)))
    weighted = VotingGame((7,) * 5 + (1,) * 10, 39)
    assert shapley_shubik(composed) == (F(421, 2145),) * 5 + (F(4, 2145),) * 10
    assert shapley_shubik(weighted) == shapley_shubik(composed)
    assert swing_counts(weighted) == swing_counts(composed) == (848,) * 5 + (84,) * 10
    assert winning_count(weighted) == winning_count(composed) == 848
    for game in (composed, weighted):
        enumerated = enumerate_game(15, game.wins, weights=game.weights, exact=True)
        assert enumerated == _report(game)


# --- Properties (power_indices.md, "Property tests that must hold for every game") ------


@st.composite
def weighted_games(draw, max_n=8):
    weights = draw(st.lists(st.integers(0, 12), min_size=1, max_size=max_n))
    assume(sum(weights) >= 1)
    return VotingGame(tuple(weights), draw(st.integers(1, sum(weights))))


@st.composite
def composed_games(draw, max_n=8):
    """Weighted games with random veto holders and a random casting-vote chair."""
    weights = draw(st.lists(st.integers(0, 12), min_size=1, max_size=max_n))
    n, total = len(weights), sum(weights)
    veto = draw(st.frozensets(st.integers(0, n - 1), max_size=n))
    chair = draw(st.none() | st.integers(0, n - 1))
    return VotingGame(tuple(weights), draw(st.integers(1, total + 2)), veto, chair)


@settings(deadline=None)
@given(weighted_games())
def test_indices_sum_to_one(game):
    report = _report(game)
    assert sum(_column(report, "shapley_shubik")) == 1
    assert sum(_column(report, "banzhaf")) == 1


@settings(deadline=None)
@given(weighted_games())
def test_equal_weights_equal_power_and_monotone_in_weight(game):
    ss, swings = shapley_shubik(game), swing_counts(game)
    for i, wi in enumerate(game.weights):
        for j, wj in enumerate(game.weights):
            if wi == wj:
                assert ss[i] == ss[j] and swings[i] == swings[j]
            if wi >= wj:
                assert ss[i] >= ss[j] and swings[i] >= swings[j]


@settings(deadline=None)
@given(weighted_games(max_n=7))
def test_null_player_gets_zero(game):
    """A weight-0 player is null; adding it leaves the others' SS as they were (dummy axiom)."""
    extended = VotingGame((*game.weights, 0), game.quota)
    assert shapley_shubik(extended)[-1] == 0 and swing_counts(extended)[-1] == 0
    assert shapley_shubik(extended)[:-1] == shapley_shubik(game)
    assert swing_counts(extended)[:-1] == tuple(2 * s for s in swing_counts(game))


@settings(deadline=None)
@given(st.lists(st.integers(0, 12), max_size=7), st.integers(1, 5), st.integers(0, 5))
def test_dictator_gets_one(others, slack, extra):
    quota = sum(others) + slack
    report = _report(VotingGame((quota + extra, *others), quota))
    assert _column(report, "shapley_shubik") == (1,) + (0,) * len(others)
    assert _column(report, "banzhaf") == (1,) + (0,) * len(others)


@settings(deadline=None)
@given(weighted_games())
def test_dual_game_same_swings_and_shapley_shubik(game):
    """The dual game [W - q + 1; w] has the same swings and SS values."""
    dual = VotingGame(game.weights, game.total_weight - game.quota + 1)
    assert swing_counts(dual) == swing_counts(game)
    assert shapley_shubik(dual) == shapley_shubik(game)


def test_dual_of_eec_has_50_winning_coalitions():
    """power_indices.md: EEC with quota 6 = dual of quota 12; 50 winning instead of 14."""
    eec, dual = VotingGame((4, 4, 4, 2, 2, 1), 12), VotingGame((4, 4, 4, 2, 2, 1), 6)
    assert shapley_shubik(dual) == shapley_shubik(eec)
    assert (winning_count(eec), winning_count(dual)) == (14, 50)


@settings(deadline=None, max_examples=300)
@given(composed_games())
def test_dynamic_programming_equals_enumeration(game):
    """Cross-check: the (size, weight) DP gives the enumeration's exact report."""
    enumerated = enumerate_game(game.n, game.wins, weights=game.weights, exact=True)
    assert _report(game) == enumerated


@settings(deadline=None)
@given(composed_games(), st.data())
def test_adding_a_veto_holder_never_adds_winning_coalitions(game, data):
    """STYLE.md property: a new veto holder never makes a failing decision pass."""
    holder = data.draw(st.integers(0, game.n - 1))
    stricter = VotingGame(game.weights, game.quota, game.veto | {holder}, game.tie_breaker)
    assert all(game.wins(c) for c in range(1 << game.n) if stricter.wins(c))
    assert winning_count(stricter) <= winning_count(game)


# Electoral College, 2012-2020 apportionment (2010 census), states as blocs; 270 of 538.
ELECTORAL_COLLEGE = (
    9, 3, 11, 6, 55, 9, 7, 3, 3, 29, 16, 4, 4, 20, 11, 6, 6, 8, 8, 4, 10, 11, 16, 10, 6, 10,
    3, 5, 6, 4, 14, 5, 29, 15, 3, 18, 7, 7, 20, 4, 9, 3, 11, 38, 6, 3, 13, 12, 5, 10, 3,
)  # fmt: skip


def test_fifty_one_player_game_completes():
    """A 51-player weighted game is solved exactly (timing lives in benchmarks/, not here)."""
    assert len(ELECTORAL_COLLEGE) == 51 and sum(ELECTORAL_COLLEGE) == 538
    report = _report(VotingGame(ELECTORAL_COLLEGE, 270))
    assert sum(_column(report, "shapley_shubik")) == 1
    assert sum(_column(report, "banzhaf")) == 1
    california, texas = report.players[4], report.players[43]
    assert california.shapley_shubik > texas.shapley_shubik > 0


# --- Large weights: exact for any integer weights (issue 19) ----------------------------


def test_large_weight_dictator_and_dummies():
    """[48001; 30000, 18000, 48001]: player 3 alone meets the quota, the others together hold
    48000 < 48001, so it is a dictator and they are null players (power_indices.md
    properties: a dictator gets 1, a null player 0); SS and Banzhaf are 0, 0, 1."""
    report = _report(VotingGame((30000, 18000, 48001), 48001))
    assert _column(report, "shapley_shubik") == (0, 0, 1)
    assert _column(report, "banzhaf") == (0, 0, 1)
    assert _column(report, "swings") == (0, 0, 4)


def test_weights_to_integers_keeps_integer_weights_as_they_are():
    """Integer weights and quota are already a game: nothing is rescaled or rounded."""
    assert weights_to_integers([30000, 18000, 48001, 48001]) == (30000, 18000, 48001, 48001)
    assert weights_to_integers([3000, 2000, 2000, 4000]) == (3, 2, 2, 4)  # gcd 1000
    assert weights_to_integers([10**40 + 1, 10**40]) == (10**40 + 1, 10**40)


@pytest.mark.parametrize("scale", [1, 1000, 10**9, 10**15, 10**30])
def test_a_game_scaled_by_a_constant_has_the_same_indices(scale):
    """[4; 3,2,2] is "any two of three" (no weight reaches 4, every pair does): SS = Banzhaf =
    1/3 each (power_indices.md 1b, simple majority of 3), whatever the unit of weight, 10^30
    included."""
    small = _report(VotingGame((3, 2, 2), 4))
    assert _indices(small) == _indices(_report(VotingGame((1, 1, 1), 2)))
    assert _column(small, "shapley_shubik") == _column(small, "banzhaf") == (F(1, 3),) * 3
    scaled = _report(VotingGame((3 * scale, 2 * scale, 2 * scale), 4 * scale))
    assert _indices(scaled) == _indices(small)


def test_eec_with_weights_in_billions_and_an_uneven_luxembourg():
    """EEC 1958 (MDPI Games 9(2):29, 2018) in units of 10^9 votes, Luxembourg 10^9 + 7: the
    others' coalitions weigh multiples of 2e9, so Luxembourg still never swings [12e9 - 1e9
    - 7, 12e9) and every index is the EEC's."""
    unit = 10**9
    game = VotingGame((4 * unit, 4 * unit, 4 * unit, 2 * unit, 2 * unit, unit + 7), 12 * unit)
    game_values = TABLE_1A["EEC 1958 [12; 4,4,4,2,2,1]"]
    report = _report(game)
    assert _column(report, "shapley_shubik") == game_values[1]
    assert _column(report, "banzhaf") == game_values[2]
    assert _column(report, "swings") == game_values[4]
    assert report.winning_coalitions == game_values[5]


@settings(deadline=None, max_examples=150)
@given(composed_games(), st.integers(2, 10**18), st.data())
def test_any_scaling_with_a_ceiled_quota_is_the_same_game(game, scale, data):
    """Weights times k and quota k q - r (0 <= r < k) is the same game: W k >= q k - r iff
    W >= q for integer W. Same veto holders and casting vote, so the same exact report."""
    slack = data.draw(st.integers(0, scale - 1))
    scaled = VotingGame(
        tuple(w * scale for w in game.weights),
        game.quota * scale - slack,
        game.veto,
        game.tie_breaker,
    )
    assert _indices(_report(scaled)) == _indices(_report(game))


@st.composite
def large_weight_games(draw, max_n=9):
    """Composed games with weights up to 10^12 or 10^40: coalition sums far apart."""
    top = draw(st.sampled_from([10**12, 10**40]))
    weights = draw(st.lists(st.integers(0, top), min_size=1, max_size=max_n))
    n, total = len(weights), sum(weights)
    assume(total >= 1)
    veto = draw(st.frozensets(st.integers(0, n - 1), max_size=n))
    chair = draw(st.none() | st.integers(0, n - 1))
    return VotingGame(tuple(weights), draw(st.integers(1, total + 2)), veto, chair)


@settings(deadline=None, max_examples=200)
@given(large_weight_games())
def test_large_weights_equal_enumeration(game):
    """Cross-check at large weights: the counts equal checking every coalition with Python
    ints (VotingGame.wins), exactly."""
    enumerated = enumerate_game(game.n, game.wins, weights=game.weights, exact=True)
    assert _report(game) == enumerated


def test_floats_agree_with_the_exact_indices_at_large_weights():
    """The default (float) report is the exact one converted, not a separate computation."""
    game = VotingGame((30000, 18000, 48001), 48001)
    floats, exact = analyse(game), analyse(game, exact=True)
    assert _column(floats, "shapley_shubik") == (0.0, 0.0, 1.0)
    for fields in ("shapley_shubik", "banzhaf", "banzhaf_absolute"):
        assert _column(floats, fields) == tuple(float(x) for x in _column(exact, fields))
    assert floats.coleman_power_to_act == float(exact.coleman_power_to_act)


def test_twelve_partners_with_weights_in_millions():
    """12 partners, weights in the millions with gcd 1: SS and Banzhaf each sum to 1 exactly
    and the game equals enumeration of its 4096 coalitions."""
    weights = tuple(1_000_003 * (i + 1) + 17 * i * i for i in range(12))
    game = VotingGame(weights, sum(weights) // 2 + 1)
    report = _report(game)
    assert sum(_column(report, "shapley_shubik")) == 1
    assert sum(_column(report, "banzhaf")) == 1
    assert report == enumerate_game(12, game.wins, weights=weights, exact=True)


def test_sixty_four_equal_partners_count_beyond_int64():
    """64 equal partners, 33 of 64: 1/64 each; C(63, 32) swings each (the counts need
    more than 63 bits once summed over all sizes: 2^64 coalitions)."""
    report = _report(VotingGame((1,) * 64, 33))
    assert _column(report, "shapley_shubik") == (F(1, 64),) * 64
    assert report.players[0].swings == math.comb(63, 32)
    assert report.winning_coalitions == (2**64 - math.comb(64, 32)) // 2


def test_a_game_too_large_to_count_exactly_says_so():
    """30 players weighing 1, 2, 4, ..., 2^29 reach 2^30 distinct sums: refused with an
    InputError (exit 2 in the CLI), never rounded."""
    game = VotingGame(tuple(2**i for i in range(30)), 2**29)
    with pytest.raises(InputError, match="too many to count exactly"):
        analyse(game)


# --- API details ------------------------------------------------------------------------


def test_enumeration_refuses_large_games():
    with pytest.raises(ValueError, match="n=25 is too many; express the rule as weights"):
        enumerate_game(25, lambda coalition: True)


def test_weights_to_integers_scales_decimal_stakes_exactly():
    assert weights_to_integers([0.1, 0.375]) == (4, 15)
    assert weights_to_integers([0.1, 0.1, 0.1, 0.1]) == (1, 1, 1, 1)
    assert weights_to_integers([0.25, 0.25, 0.5]) == (1, 1, 2)
    assert weights_to_integers([1 / 3, 2 / 3]) == (1, 2)
    assert weights_to_integers([0.0, 0.2]) == (0, 1)
    with pytest.raises(ValueError):
        weights_to_integers([0.5, -0.1])


def test_game_validation():
    with pytest.raises(TypeError, match="weights_to_integers"):
        VotingGame((0.1, 0.2), 1)
    with pytest.raises(ValueError):
        VotingGame((1, 1), 0)
    with pytest.raises(ValueError):
        VotingGame((1, 1), 1, veto={2})
    game = VotingGame([1, 2], 2, veto=[0])
    assert game.weights == (1, 2) and game.veto == frozenset({0})


def test_report_floats_and_json():
    game = VotingGame((3, 2, 1, 1), 4)
    report = analyse(game, names=["chair", "b", "c", "d"])
    assert report.players[0].name == "chair"
    assert report.players[0].shapley_shubik == pytest.approx(0.5)
    assert isinstance(report.coleman_power_to_act, float)
    exact = json.loads(json.dumps(analyse(game, exact=True).to_dict()))
    assert exact["players"][1]["shapley_shubik"] == "1/6"
    assert exact["players"][0]["swings"] == 6 and exact["winning_coalitions"] == 8
    with pytest.raises(ValueError):
        analyse(game, names=["too", "few"])
