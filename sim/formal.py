"""The formal voting power of a governance design, from a scenario or from weights.

Builds the :class:`~sim.power.VotingGame` of a design's rule for reserved matters (count
or stake weights, threshold, veto holders, the state funder's normal share of votes) and,
when the deadlock clause is a casting vote, the game that decides after a deadlock
(simple majority, the chair breaking ties).
"""

from __future__ import annotations

import math
from fractions import Fraction

from sim.errors import InputError
from sim.power import PowerReport, VotingGame, analyse, weights_to_integers
from sim.scenario.governance import VotingSpec
from sim.scenario.schema import Scenario


def quota_for(spec: VotingSpec, total: int) -> int:
    """The integer quota of a rule over integer weights summing to ``total``."""
    if spec.rule == "unanimity":
        return total
    if spec.rule == "simple_majority":
        return total // 2 + 1
    assert spec.threshold is not None
    return max(1, math.ceil(Fraction(spec.threshold).limit_denominator(10_000) * total))


def game_from_scenario(scenario: Scenario, exact: bool = False) -> list[tuple[str, PowerReport]]:
    """Formal power of the scenario's rule for reserved matters (the founding partners).

    Returns:
        ``(title, report)`` for the rule, then, under a casting-vote clause, for the rule
        that decides after a deadlock.
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
    if spec.rule == "unanimity":  # everyone must agree, whatever the weights
        weights = tuple(1 for _ in weights)
    veto = frozenset(names.index(v) for v in g.veto_holders if v in names)
    game = VotingGame(weights, quota_for(spec, sum(weights)), veto)
    title = (
        f"Reserved matters by {spec.rule.replace('_', ' ')} "
        f"({spec.basis}{f', threshold {spec.threshold}' if spec.threshold else ''})"
    )
    games = [(title, analyse(game, names, exact=exact))]
    if g.deadlock.clause == "casting_vote":
        chair = names.index(g.leader) if g.leader in names else 0
        tie = VotingGame(weights, sum(weights) // 2 + 1, veto, tie_breaker=chair)
        games.append(
            (
                f"After a deadlock: simple majority, {names[chair]} holds the casting vote",
                analyse(tie, names, exact=exact),
            )
        )
    return games


def game_from_args(
    quota: float | None, weights: str | None, names: str | None, exact: bool = False
) -> list[tuple[str, PowerReport]]:
    """Formal power of a weighted game ``[quota; w1, ..., wn]`` given on the command line."""
    if quota is None or weights is None:
        raise InputError(
            "give a scenario file, or both --quota and --weights "
            "(e.g. sim power --quota 12 --weights 4,4,4,2,2,1)"
        )
    try:
        values = [float(w) for w in weights.split(",") if w.strip()]
    except ValueError:
        raise InputError(
            f"--weights must be numbers separated by commas, got {weights!r}"
        ) from None
    if len(values) < 1 or any(v < 0 or not math.isfinite(v) for v in values):
        raise InputError("--weights must be one or more non-negative numbers")
    labels = (
        [n.strip() for n in names.split(",")]
        if names
        else [f"P{i + 1}" for i in range(len(values))]
    )
    if len(labels) != len(values):
        raise InputError(f"--names has {len(labels)} names for {len(values)} weights")
    if not 0 < quota <= sum(values):
        raise InputError(
            f"--quota must be above 0 and at most the total weight {sum(values):g}, got {quota:g}"
        )
    ints = weights_to_integers([*values, quota])
    game = VotingGame(ints[:-1], max(1, ints[-1]))
    shown = ",".join(f"{v:g}" for v in values)
    return [(f"Weighted game [{quota:g}; {shown}]", analyse(game, labels, exact=exact))]
