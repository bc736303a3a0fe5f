"""Formal (a priori) voting power of a voting rule: who can swing a decision.

A rule is a :class:`VotingGame` (integer weights, quota, veto holders, a chair's casting
vote). :func:`analyse` gives each player's Shapley-Shubik index, Banzhaf indices and swing
count, and the rule's Coleman power to act (the share of coalitions that win: how easily the
body decides). Weighted games are solved exactly, for any integer weights, by counting
coalitions by (size, weight) in one generating-function table over the distinct weights that
coalitions reach (at most 2^n and at most the total weight + 1, so weights in the billions
cost no more than small ones); a player is taken out by polynomial division, once per
distinct weight. Counts and sums are integers all the way (int64 where they provably fit,
Python ints beyond). Other rules go to :func:`enumerate_game` (n <= 20). Checks against the
literature: ``docs/verification.md``.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from fractions import Fraction
from typing import Any, NamedTuple

import numpy as np

from sim.errors import InputError

MAX_ENUMERATION_PLAYERS = 20
"""Largest n that :func:`enumerate_game` accepts (it checks all 2^n coalitions)."""
MAX_COUNT_CELLS = 1 << 23
"""Largest subset-count table, (players + 1) x distinct coalition weights (64 MiB of int64):
beyond it a game is refused with an :class:`~sim.errors.InputError`, never rounded. Weights
with few distinct sums (small, or multiples of a common unit) fit at any n; weights with
nothing in common fit up to about 18 players."""


@dataclass(frozen=True)
class VotingGame:
    """A simple voting game on n players (indexed 0..n-1).

    A coalition wins when it contains every veto holder AND either (a) its total weight is
    at least ``quota``, or (b) ``tie_breaker`` is set, the coalition holds exactly half of
    the total weight (a tie) and contains the tie breaker (a chair's casting vote). A
    casting vote never overrides a veto.

    With a tie breaker and a quota above ``total_weight // 2 + 1`` the game can be
    non-monotone (a larger coalition below the quota loses); indices then count positive
    swings only and need not sum to 1.

    Attributes:
        weights: Non-negative integer votes per player (scale stakes with
            :func:`weights_to_integers`). Lists are converted to tuples.
        quota: Winning threshold, in the same integer units, >= 1.
        veto: Indices of the veto holders (any iterable of ints is accepted).
        tie_breaker: Index of the chair whose vote breaks exact ties, or None.
    """

    weights: tuple[int, ...]
    quota: int
    veto: frozenset[int] = frozenset()
    tie_breaker: int | None = None

    def __post_init__(self) -> None:
        try:
            weights = tuple(operator.index(w) for w in self.weights)
        except TypeError:
            raise TypeError(
                f"weights must be integers, got {self.weights!r}; "
                "scale stakes with weights_to_integers()"
            ) from None
        n = len(weights)
        if n == 0 or min(weights) < 0:
            raise ValueError(f"need at least one player and weights >= 0, got {weights}")
        quota = operator.index(self.quota)
        if quota < 1:
            raise ValueError(f"quota must be >= 1, got {quota}")
        veto = frozenset(operator.index(i) for i in self.veto)
        chair = None if self.tie_breaker is None else operator.index(self.tie_breaker)
        if any(not 0 <= i < n for i in veto | ({chair} if chair is not None else set())):
            raise ValueError(f"veto holders and tie breaker must be player indices 0..{n - 1}")
        object.__setattr__(self, "weights", weights)  # frozen: store normalised inputs
        object.__setattr__(self, "quota", quota)
        object.__setattr__(self, "veto", veto)
        object.__setattr__(self, "tie_breaker", chair)

    @property
    def n(self) -> int:
        """Number of players."""
        return len(self.weights)

    @property
    def total_weight(self) -> int:
        """Sum of all weights, in integer weight units."""
        return sum(self.weights)

    def wins(self, coalition: int) -> bool:
        """Whether ``coalition`` (a bit mask: bit i set = player i is in) wins."""
        if any(not coalition >> i & 1 for i in self.veto):
            return False
        weight = sum(w for i, w in enumerate(self.weights) if coalition >> i & 1)
        chair = self.tie_breaker
        casting = chair is not None and bool(coalition >> chair & 1)
        return weight >= self.quota or (casting and 2 * weight == self.total_weight)


@dataclass(frozen=True)
class PlayerPower:
    """One player's a priori voting power (each index in [0, 1]).

    Attributes:
        name: The player's name.
        weight: Its voting weight (0.0 for rules given only as a predicate).
        shapley_shubik: Share of the n! voting orders in which it is pivotal.
        banzhaf: Normalised Banzhaf index: its swings over all players' swings.
        banzhaf_absolute: Penrose-Banzhaf measure: swings / 2^(n-1), the probability that
            it is decisive when the others vote yes or no with probability 1/2 each.
        swings: Number of losing coalitions without it that it turns into winning ones.
    """

    name: str
    weight: float
    shapley_shubik: Fraction | float
    banzhaf: Fraction | float
    banzhaf_absolute: Fraction | float
    swings: int


@dataclass(frozen=True)
class PowerReport:
    """Voting power of every player under one rule.

    Attributes:
        players: One :class:`PlayerPower` per player, in player order.
        coleman_power_to_act: Winning coalitions / 2^n, in [0, 1]: how easily the body
            decides a priori (the inverse of decision latency).
        winning_coalitions: Number of winning coalitions.
    """

    players: tuple[PlayerPower, ...]
    coleman_power_to_act: Fraction | float
    winning_coalitions: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict; exact values (Fractions) become ``"p/q"`` strings."""

        def plain(x: Any) -> Any:
            return f"{x.numerator}/{x.denominator}" if isinstance(x, Fraction) else x

        return {
            "players": [{k: plain(v) for k, v in asdict(p).items()} for p in self.players],
            "coleman_power_to_act": plain(self.coleman_power_to_act),
            "winning_coalitions": self.winning_coalitions,
        }


class _Power(NamedTuple):
    swings: tuple[int, ...]
    shapley_shubik: tuple[Fraction, ...]
    winning: int


def weights_to_integers(values: Sequence[Any], max_denominator: int = 10_000) -> tuple[int, ...]:
    """Scale stakes such as 0.1 or 0.375 to the smallest proportional integers, exactly.

    Args:
        values: Non-negative stakes: ints, Fractions, Decimals or numeric strings are taken
            exactly; a float is read as the nearest fraction with at most ``max_denominator``
            as denominator (so 0.1 is 1/10 and 1/3 as a float is 1/3).
        max_denominator: See ``values``.

    Returns:
        Integers in the same proportions, reduced by their gcd: (0.1, 0.375) -> (4, 15),
        (30000, 18000, 48001) unchanged, however large they are.
    """
    stakes = [
        Fraction(v).limit_denominator(max_denominator) if isinstance(v, float) else Fraction(v)
        for v in values
    ]
    if any(s < 0 for s in stakes):
        raise ValueError(f"stakes must be >= 0, got {list(values)}")
    scale = math.lcm(*(s.denominator for s in stakes))
    scaled = [int(s * scale) for s in stakes]
    divisor = math.gcd(*scaled) or 1
    return tuple(x // divisor for x in scaled)


class _Counts(NamedTuple):
    """Subsets of players counted by size and weight: the coefficients of prod(1 + y x^w).

    ``table[k, j]`` is the number of k-player subsets of weight ``sums[j]``; ``sums`` are
    the distinct weights some subset reaches, ascending.
    """

    sums: np.ndarray
    table: np.ndarray


def _reachable_sums(weights: Sequence[int], total_weight: int, rows: int) -> np.ndarray:
    """The distinct weights of the subsets of ``weights``, ascending (the empty one's 0 too).

    int64 when twice ``total_weight`` (the whole game's) fits in 63 bits, Python ints beyond.

    Raises:
        InputError: a table of ``rows`` x these sums would pass :data:`MAX_COUNT_CELLS`.
    """
    sums = np.zeros(1, dtype=np.int64 if total_weight < 1 << 61 else object)
    for m, w in enumerate(weights):
        both = np.sort(np.concatenate((sums, sums + w)), kind="stable")  # two sorted runs
        first = np.ones(both.size, dtype=bool)
        first[1:] = both[1:] != both[:-1]
        sums = both[first]
        if rows * sums.size > MAX_COUNT_CELLS:
            raise InputError(
                f"the weighted game's coalitions reach {sums.size:,} different weights after "
                f"{m + 1} of its {len(weights)} players without a veto or a casting vote, and "
                "up to 2^n in all: too many to count exactly (rounding the weights would change "
                "the game); give fewer players, or weights in a coarser unit"
            )
    return sums


def _shift(sums: np.ndarray, weight: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices ``(source, dest)`` into ``sums`` such that sums[dest] = sums[source] + weight."""
    target = sums + weight
    at = np.searchsorted(sums, target)
    hit = at < sums.size
    hit[hit] = np.asarray(sums[at[hit]] == target[hit], dtype=bool)
    return np.flatnonzero(hit), at[hit]


def _subset_counts(weights: Sequence[int], total_weight: int) -> _Counts:
    """Count the subsets of ``weights`` by size and weight, exactly.

    Counts are at most 2^n, so they are int64 up to 62 players and Python ints beyond.

    Raises:
        InputError: the game is too large to count exactly (see :func:`_reachable_sums`).
    """
    rows = len(weights) + 1
    sums = _reachable_sums(weights, total_weight, rows)
    table = np.zeros((rows, sums.size), dtype=np.int64 if rows <= 63 else object)
    table[0, 0] = 1
    for m, w in enumerate(weights):  # multiply by (1 + y x^w)
        source, dest = _shift(sums, w)
        for k in range(m + 1, 0, -1):  # downwards: row k - 1 is still without this player
            table[k, dest] += table[k - 1, source]
    return _Counts(sums, table)


def _remove_player(counts: _Counts, weight: int) -> _Counts:
    """Divide a :func:`_subset_counts` table by (1 + y x^weight): one player fewer.

    Row by row upwards, Q_k = P_k - x^weight Q_(k-1). A sum s with s + weight outside
    ``sums`` has Q_(k-1)(s) = 0: a subset without the player, plus the player, is a subset.
    """
    source, dest = _shift(counts.sums, weight)
    out = counts.table.copy()
    for k in range(1, out.shape[0]):
        out[k, dest] -= out[k - 1, source]
    return _Counts(counts.sums, out)


def _bases(game: VotingGame, player: int | None) -> Iterator[tuple[int, int, bool]]:
    """Fixed parts of the coalitions that can win without (or with) ``player``.

    Veto holders other than ``player`` are always in; a chair who holds no veto and is not
    ``player`` is either in or out.

    Yields:
        (size, weight, chair_in) of each fixed part.
    """
    forced = game.veto - {player}
    size, weight = len(forced), sum(game.weights[i] for i in forced)
    chair = game.tie_breaker
    if chair is None or chair in game.veto or chair == player:
        yield size, weight, chair in forced
    else:
        yield size, weight, False
        yield size + 1, weight + game.weights[chair], True


def _quota_met(game: VotingGame, weight: np.ndarray, chair_in: bool) -> np.ndarray:
    """Whether coalitions of these weights win, given that they hold every veto."""
    met = np.asarray(weight >= game.quota, dtype=bool)
    if chair_in:
        met |= np.asarray(2 * weight == game.total_weight, dtype=bool)
    return met


def _swings_by_size(game: VotingGame, others: _Counts, player: int) -> list[int]:
    """Count the swings of ``player`` by coalition size |S| (0..n-1).

    ``others`` is the :func:`_subset_counts` table of the players that are neither veto
    holders nor the chair, without ``player``.
    """
    by_size = [0] * game.n
    own = game.weights[player]
    for size, weight, chair_in in _bases(game, player):
        before = weight + others.sums
        swing = _quota_met(game, before + own, chair_in or player == game.tie_breaker)
        if player not in game.veto:  # without a veto holder S loses anyway
            swing &= ~_quota_met(game, before, chair_in)
        for k, count in enumerate(others.table[:, swing].sum(axis=1)):
            if count:
                by_size[size + k] += int(count)
    return by_size


def _shapley_shubik(by_size: Sequence[int]) -> Fraction:
    """Sum |S|! (n-|S|-1)! / n! over swings, from swing counts by |S| (n = len)."""
    n = len(by_size)
    f = [math.factorial(k) for k in range(n + 1)]
    return Fraction(sum(c * f[s] * f[n - s - 1] for s, c in enumerate(by_size)), f[n])


def _solve(game: VotingGame) -> _Power:
    """Swings, Shapley-Shubik indices and winning count of a weighted game, exactly."""
    special = game.veto | ({game.tie_breaker} if game.tie_breaker is not None else set())
    ordinary = [i for i in range(game.n) if i not in special]
    counts = _subset_counts([game.weights[i] for i in ordinary], game.total_weight)
    by_size: dict[int, list[int]] = {i: _swings_by_size(game, counts, i) for i in special}
    by_weight: dict[int, list[int]] = {}  # ordinary players of equal weight are symmetric
    for i in ordinary:
        w = game.weights[i]
        if w not in by_weight:
            by_weight[w] = _swings_by_size(game, _remove_player(counts, w), i)
        by_size[i] = by_weight[w]
    coalitions = counts.table.sum(axis=0)
    winning = sum(
        int(coalitions[_quota_met(game, weight + counts.sums, chair_in)].sum())
        for _, weight, chair_in in _bases(game, None)
    )
    order = range(game.n)
    return _Power(
        tuple(sum(by_size[i]) for i in order),
        tuple(_shapley_shubik(by_size[i]) for i in order),
        winning,
    )


def swing_counts(game: VotingGame) -> tuple[int, ...]:
    """Number of swings of each player (losing S without i such that S + i wins)."""
    return _solve(game).swings


def shapley_shubik(game: VotingGame) -> tuple[Fraction, ...]:
    """Exact Shapley-Shubik index of each player, in [0, 1]."""
    return _solve(game).shapley_shubik


def winning_count(game: VotingGame) -> int:
    """Number of winning coalitions (out of 2^n)."""
    return _solve(game).winning


def _report(
    power: _Power, weights: Sequence[float] | None, names: Sequence[str] | None, exact: bool
) -> PowerReport:
    """Assemble a :class:`PowerReport` from exact counts."""
    n = len(power.swings)
    names = [f"P{i}" for i in range(n)] if names is None else list(names)
    weights = [0.0] * n if weights is None else list(weights)
    if len(names) != n or len(weights) != n:
        raise ValueError(f"need {n} names and weights, got {len(names)} and {len(weights)}")
    value: Callable[[Fraction], Fraction | float] = (lambda x: x) if exact else float
    total_swings = sum(power.swings)
    players = tuple(
        PlayerPower(
            name=str(name),
            weight=float(weight),
            shapley_shubik=value(ss),
            banzhaf=value(Fraction(swings, total_swings) if total_swings else Fraction(0)),
            banzhaf_absolute=value(Fraction(swings, 2 ** (n - 1))),
            swings=swings,
        )
        for name, weight, swings, ss in zip(
            names, weights, power.swings, power.shapley_shubik, strict=True
        )
    )
    return PowerReport(players, value(Fraction(power.winning, 2**n)), power.winning)


def analyse(
    game: VotingGame, names: Sequence[str] | None = None, *, exact: bool = False
) -> PowerReport:
    """Voting power of every player of a weighted game (exact dynamic programming).

    Args:
        game: The game.
        names: One name per player; defaults to ``P0``, ``P1``, ...
        exact: Report Fractions instead of floats.

    Returns:
        The power report; when no coalition has a swing the normalised Banzhaf indices
        are all 0.
    """
    return _report(_solve(game), game.weights, names, exact)


def enumerate_game(
    n: int,
    wins: Callable[[int], bool],
    names: Sequence[str] | None = None,
    *,
    weights: Sequence[float] | None = None,
    exact: bool = False,
) -> PowerReport:
    """Voting power under any rule, by checking every coalition (n <= 20).

    Args:
        n: Number of players.
        wins: Whether a coalition (bit mask, bit i = player i) wins.
        names: One name per player; defaults to ``P0``, ``P1``, ...
        weights: Weights to show in the report; default 0.0 each.
        exact: Report Fractions instead of floats.

    Returns:
        The power report, as :func:`analyse` gives it.
    """
    if n > MAX_ENUMERATION_PLAYERS:
        raise ValueError(
            f"coalition enumeration needs 2^n checks; n={n} is too many; express the "
            "rule as weights, quota and veto holders instead"
        )
    if n < 1:
        raise ValueError(f"need at least one player, got n={n}")
    won = np.fromiter((bool(wins(c)) for c in range(1 << n)), dtype=bool, count=1 << n)
    masks = np.arange(1 << n)
    sizes = np.fromiter((c.bit_count() for c in range(1 << n)), dtype=np.int64, count=1 << n)
    swings, ss = [], []
    for i in range(n):
        without = masks[(masks >> i & 1) == 0]
        swing = won[without | 1 << i] & ~won[without]
        by_size = np.bincount(sizes[without][swing], minlength=n)
        swings.append(int(by_size.sum()))
        ss.append(_shapley_shubik([int(c) for c in by_size]))
    power = _Power(tuple(swings), tuple(ss), int(won.sum()))
    return _report(power, weights, names, exact)
