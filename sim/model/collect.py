"""Mesa-native data: a ``mesa.DataCollector`` of a venture's monthly variables.

Model reporters: month, open issues, decisions so far, mean latency so far (months) and
each holder's influence share; agent reporters: name, satisfaction (value units per
month), standing, stake and whether it is in the venture. So ``mesa.batch_run(Venture,
parameters={"scenario": [s], "seed": [...]})`` returns the usual tidy table and Mesa's
own chart components can draw a venture. The experiment runner builds ventures without
it (``collect=False``), so large runs do not pay for it.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from sim.model.venture import Venture


def collector(venture: Venture) -> mesa.DataCollector:
    """A data collector of the venture's monthly model and agent variables."""
    model_reporters: dict = {
        "month": "month",
        "open_issues": lambda v: len(v.open_issues),
        "decisions": lambda v: len(v.ledger.decisions),
        "latency_so_far": lambda v: v.ledger.mean_latency(),
    }
    for h in venture.holders:
        model_reporters[f"influence:{h.name}"] = _influence_of(h.order)
    return mesa.DataCollector(
        model_reporters=model_reporters,
        agent_reporters={
            "name": "name",
            "satisfaction": "satisfaction",
            "standing": "standing",
            "stake": "stake",
            "active": "active",
        },
    )


def _influence_of(order: int):
    def report(v: Venture) -> float:
        return float(v.influence_history[v.month - 1, order]) if v.month else math.nan

    return report
