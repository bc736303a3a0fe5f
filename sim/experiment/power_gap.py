"""Formal against de facto power: the gap strategists want to see.

Formal power is a priori: each holder's Shapley-Shubik and normalised Banzhaf index under
the design's rule for reserved matters (:func:`sim.formal.game_from_scenario`). De facto
power is what a run shows: the holder's mean influence share over the months and
replications, and its probability of becoming the de facto leader.
"""

from __future__ import annotations

from collections.abc import Mapping

from sim.errors import InputError
from sim.formal import game_from_scenario
from sim.scenario.schema import Scenario


def power_gap(
    scenario: Scenario,
    influence_mean: Mapping[str, float | None],
    leader_probability: Mapping[str, float | None],
) -> dict[str, dict[str, float | None]]:
    """Each holder's formal power beside its de facto influence.

    Args:
        scenario: the design; its reserved-matter rule gives the formal power of the
            founding partners and the state funder (at its normal share of the votes).
        influence_mean: mean influence share per holder, in [0, 1].
        leader_probability: probability per holder of becoming the de facto leader.

    Returns:
        ``{holder: {"shapley_shubik", "banzhaf", "influence_mean", "leader_probability"}}``
        in the order of ``influence_mean``; the indices are in [0, 1], and ``None`` for a
        holder outside the founding game (a partner that joins later), or for every holder
        when the game is too large to count exactly (``sim power`` says why).
    """
    try:
        _, report = game_from_scenario(scenario)[0]
        formal = {p.name: p for p in report.players}
    except InputError:  # a run's results do not hang on its formal power
        formal = {}
    out = {}
    for name, influence in influence_mean.items():
        player = formal.get(name)
        out[name] = {
            "shapley_shubik": float(player.shapley_shubik) if player else None,
            "banzhaf": float(player.banzhaf) if player else None,
            "influence_mean": influence,
            "leader_probability": leader_probability.get(name),
        }
    return out
