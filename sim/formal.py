"""The formal voting power of a governance design, from a scenario or from weights.

Builds the :class:`~sim.power.VotingGame` of a design's rule for reserved matters (count
or stake weights, threshold, veto holders, the state funder's normal share of votes) and,
when the deadlock clause is a casting vote, the game that decides after a deadlock
(simple majority, the chair breaking ties).
"""

from __future__ import annotations

import math
from fractions import Fraction

from sim.errors import InputError, literal
from sim.power import PowerReport, VotingGame, analyse, weights_to_integers
from sim.scenario.governance import VotingSpec
from sim.scenario.schema import Scenario
from sim.scenario.text import text_problem


def quota_for(spec: VotingSpec, total: int) -> int:
    """The integer quota of a rule over integer weights summing to ``total``."""
    if spec.rule == "unanimity":
        return total
    if spec.rule == "simple_majority":
        return total // 2 + 1
    assert spec.threshold is not None
    return max(1, math.ceil(Fraction(spec.threshold).limit_denominator(10_000) * total))


def scenario_games(scenario: Scenario) -> list[tuple[str, VotingGame, list[str]]]:
    """The voting games of a scenario's rule for reserved matters, as the model's ballot has them.

    Players: the founding partners, then the state funder at its normal share of the votes
    (no vote under unanimity; its distress share and veto are not modelled here).

    Returns:
        ``(title, game, names)`` for the rule, then, under a casting-vote clause, for the
        rule that decides after a deadlock (a simple majority, the chair breaking ties).
    """
    g = scenario.governance
    spec = g.reserved
    names = [p.name for p in scenario.partners]
    raw = [p.stake if spec.basis == "stake" else 1.0 for p in scenario.partners]
    if sum(raw) <= 0:
        raw = [1.0] * len(raw)
    if scenario.state_funder is not None:
        share = scenario.state_funder.votes.normal
        names.append(scenario.state_funder.name)
        raw.append(share / (1 - share) * sum(raw) if share < 1 else sum(raw) * 1000)
    weights = (
        weights_to_integers(raw)
        if spec.basis == "stake" or scenario.state_funder
        else tuple(1 for _ in raw)
    )
    if sum(weights) == 0:  # every stake below 1/10,000: the same game, in units of the largest
        top = max(raw)
        weights = weights_to_integers([x / top for x in raw])
    veto = frozenset(names.index(v) for v in g.veto_holders if v in names)
    if spec.rule == "unanimity":  # every partner must agree, whatever its weight
        # A state funder is not a unanimity voter: its vote binds only through the veto its
        # golden share gives it in distress (not modelled here), as the model's ballot has it.
        founders = len(scenario.partners)
        ones = tuple(1 if w > 0 and i < founders else 0 for i, w in enumerate(weights))
        game = VotingGame(ones, sum(ones), veto)
    else:
        game = VotingGame(weights, quota_for(spec, sum(weights)), veto)
    title = (
        f"Reserved matters by {spec.rule.replace('_', ' ')} "
        f"({spec.basis}{f', threshold {spec.threshold}' if spec.threshold else ''})"
    )
    games = [(title, game, names)]
    if g.deadlock.clause == "casting_vote":
        if g.leader in names:
            chair, who = names.index(g.leader), f"{g.leader} holds the casting vote"
        else:  # the chair rotates: show the first term's chair
            chair = 0
            who = (
                f"the chair holds the casting vote ({names[0]} in the first "
                f"{g.chair_term_months} months; it rotates)"
            )
        tie = VotingGame(weights, sum(weights) // 2 + 1, veto, tie_breaker=chair)
        games.append((f"After a deadlock: simple majority, {who}", tie, names))
    return games


def game_from_scenario(scenario: Scenario, exact: bool = False) -> list[tuple[str, PowerReport]]:
    """Formal power of the scenario's rule for reserved matters (see :func:`scenario_games`).

    Returns:
        ``(title, report)`` for the rule, then, under a casting-vote clause, for the rule
        that decides after a deadlock.
    """
    return [
        (title, analyse(game, names, exact=exact))
        for title, game, names in scenario_games(scenario)
    ]


def exact_number(text: str) -> Fraction | float:
    """A number as written on the command line, read exactly.

    48001, 0.375, 1e6 or 3/8 become Fractions (no float rounding on the way); inf and nan
    stay floats for the caller to refuse.

    Raises:
        ValueError: ``text`` is not a number.
    """
    try:
        return Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        return float(text)


def _shown(x: Fraction | float) -> str:
    """A weight or quota as the user wrote it: integers in full, other values to 6 digits."""
    if isinstance(x, Fraction) and x.denominator == 1:
        return str(x.numerator)
    return f"{float(x):g}"


def game_from_args(
    quota: Fraction | float | None, weights: str | None, names: str | None, exact: bool = False
) -> list[tuple[str, PowerReport]]:
    """Formal power of a weighted game ``[quota; w1, ..., wn]`` given on the command line.

    Weights and quota are read exactly (:func:`exact_number`) and scaled together to the
    smallest proportional integers, so the game solved is the one given, at any size.
    """
    if quota is None or weights is None:
        raise InputError(
            "give a scenario file, or both --quota and --weights "
            "(e.g. sim power --quota 12 --weights 4,4,4,2,2,1)"
        )
    try:
        values = [exact_number(w) for w in weights.split(",") if w.strip()]
    except ValueError:
        raise InputError(
            f"--weights must be numbers separated by commas, got {weights!r}"
        ) from None
    if len(values) < 1 or any(
        v < 0 or (isinstance(v, float) and not math.isfinite(v)) for v in values
    ):
        raise InputError("--weights must be one or more non-negative numbers")
    labels = (
        [n.strip() for n in names.split(",")]
        if names
        else [f"P{i + 1}" for i in range(len(values))]
    )
    if len(labels) != len(values):
        raise InputError(f"--names has {len(labels)} names for {len(values)} weights")
    for i, label in enumerate(labels, start=1):
        problem = text_problem(label) or ("is empty" if not label else None)
        if problem:
            raise InputError(f"--names: name {i} {literal(repr(label))} {problem}")
    if not 0 < quota <= sum(values):
        raise InputError(
            f"--quota must be above 0 and at most the total weight {_shown(sum(values))}, "
            f"got {_shown(quota)}"
        )
    ints = weights_to_integers([*values, quota])
    game = VotingGame(ints[:-1], max(1, ints[-1]))
    shown = ",".join(_shown(v) for v in values)
    return [(f"Weighted game [{_shown(quota)}; {shown}]", analyse(game, labels, exact=exact))]


JSON_PLAYER_KEYS = ("name", "weight", "shapley_shubik", "banzhaf", "banzhaf_absolute", "swings")


def as_json(games: list[tuple[str, PowerReport]]) -> dict:
    """The ``sim power --json`` document of :func:`game_from_scenario` or :func:`game_from_args`.

    Returns:
        ``{"players": [{name, weight, shapley_shubik, banzhaf, banzhaf_absolute, swings}],
        "coleman_power_to_act"}`` for the first game (exact values as ``"p/q"`` strings);
        under a casting-vote clause, the same document for the rule after a deadlock
        under ``"after_deadlock"``.
    """

    def document(report: PowerReport) -> dict:
        data = report.to_dict()
        return {
            "players": [{k: p[k] for k in JSON_PLAYER_KEYS} for p in data["players"]],
            "coleman_power_to_act": data["coleman_power_to_act"],
        }

    out = document(games[0][1])
    if len(games) > 1:
        out["after_deadlock"] = document(games[1][1])
    return out
