"""The room's history beside the distribution of simulated ones.

At the end of a room session the venture the room played is set beside agent-only runs of
the same scenario (replication seeds derived from the session's seed as ``sim run`` does),
in one sentence a teacher can read out: "Your venture fractured in month 41 (Sony left);
38% of simulated ventures fractured, 21% by month 41."
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sim.experiment.chunk import replication_seeds
from sim.scenario.schema import Scenario
from sim.viz import state
from sim.viz.charts import Chart, Series, svg


def compare(scenario: Scenario, seed: int, room: dict[str, Any], runs: int = 200) -> dict[str, Any]:
    """The room's outcome (:func:`sim.viz.state.outcome`) against ``runs`` simulated ones.

    Returns:
        ``room``; ``runs``; ``final_states`` (share of runs per final state);
        ``fractured`` (share fractured); ``fractured_by`` (share fractured by the room's
        fracture month, or None); ``fracture_months`` (per simulated fracture);
        ``leaders`` (share of runs per de facto leader, ``none`` for none) and
        ``sentence``, the comparison in words.
    """
    outcomes = state.simulate(scenario, replication_seeds(seed, runs))
    n = len(outcomes) or 1
    months = sorted(o["fracture"]["month"] for o in outcomes if o["fracture"])
    fr = room["fracture"]
    by = sum(1 for m in months if m <= fr["month"]) / n if fr else None
    states = Counter(o["final_state"] for o in outcomes)
    leaders = Counter(o["leader"]["partner"] if o["leader"] else "none" for o in outcomes)
    share = len(months) / n
    if fr:
        sentence = (
            f"Your venture fractured in month {fr['month']} ({fr['partner']} left by "
            f"{fr['how']}); {share:.0%} of {n} simulated ventures fractured, {by:.0%} by "
            f"month {fr['month']}."
        )
    else:
        sentence = (
            f"Your venture held together for {room['months']} months; "
            f"{1 - share:.0%} of {n} simulated ventures did."
        )
    lead = room["leader"]
    if lead:
        same = leaders.get(lead["partner"], 0) / n
        sentence += (
            f" {lead['partner']} became the de facto leader (from month {lead['since']}), "
            f"as in {same:.0%} of the simulations."
        )
    else:
        sentence += f" No partner came to lead, as in {leaders.get('none', 0) / n:.0%} of them."
    return {
        "room": room,
        "runs": n,
        "final_states": {k: v / n for k, v in states.most_common()},
        "fractured": share,
        "fractured_by": by,
        "fracture_months": months,
        "leaders": {k: v / n for k, v in leaders.most_common()},
        "sentence": sentence,
        "chart": svg(_survival(scenario.horizon_months, months, n, fr), 560, 200),
    }


def _survival(horizon: int, months: list[int], n: int, fracture: dict | None) -> Chart:
    """The share of simulated ventures fractured by each month, the room's fracture marked."""
    axis = list(range(horizon + 1))
    values, k = [], 0
    for m in axis:
        while k < len(months) and months[k] <= m:
            k += 1
        values.append(k / n)
    marks = [(fracture["month"], "your venture fractured")] if fracture else []
    return Chart(
        "Share of simulated ventures fractured by month",
        axis,
        [Series("simulated ventures", "#CC79A7", values)],
        horizon,
        y_max=1.0,
        vlines=marks,
    )
