"""What a :class:`~sim.model.venture.Venture` reports to Mesa's ``DataCollector``.

With ``Venture(..., collect=True)`` (the default, so ``mesa.batch_run`` and Mesa's plot
components work out of the box) the model keeps a ``mesa.DataCollector`` that records,
at the start (month 0) and after every month:

- model reporters: ``month``; ``open_issues`` (count); ``latency_so_far`` (mean months
  from arrival to decision over the decisions taken so far; NaN before the first);
  ``decisions`` (count so far); ``influence:<holder>`` (each holder's influence share in
  [0, 1] that month; 0 once it has left);
- agent reporters (one row per partner and month): ``partner`` (its name),
  ``satisfaction`` (value units), ``standing`` (raw influence), ``stake`` (equity share
  in [0, 1]) and ``active``.

Reporters only read the model's state: collecting draws no random numbers, so a seed
gives the same history with or without it. The runner builds ventures with
``collect=False``: no collector is made and a month pays one ``if``.
"""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING

import mesa

from sim.model import influence

if TYPE_CHECKING:
    from sim.model.venture import Venture

AGENT_REPORTERS = {
    "partner": "name",
    "satisfaction": "satisfaction",
    "standing": "standing",
    "stake": "stake",
    "active": "active",
}


def open_issues(model: Venture) -> int:
    """Issues waiting for a decision now."""
    return len(model.open_issues)


def decisions(model: Venture) -> int:
    """Decisions taken so far."""
    return len(model.decisions)


def latency_so_far(model: Venture) -> float:
    """Mean decision latency (months) of the decisions so far; NaN before the first."""
    if not model.decisions:
        return math.nan
    return sum(lat for _, lat, _ in model.decisions) / len(model.decisions)


def influence_share(model: Venture, order: int) -> float:
    """Influence share in [0, 1] of the holder at ``order`` this month (0 when not active)."""
    if model.month > 0:
        return float(model.influence_history[model.month - 1, order])
    active = model.active_holders()
    shares = influence.shares([h.standing for h in active])
    return next((float(s) for h, s in zip(active, shares, strict=True) if h.order == order), 0.0)


def month(model: Venture) -> int:
    """The current month (0 before the first step)."""
    return model.month


def data_collector(model: Venture) -> mesa.DataCollector:
    """A ``DataCollector`` with the reporters above (picklable: no lambdas)."""
    reporters: dict = {
        "month": month,
        "open_issues": open_issues,
        "decisions": decisions,
        "latency_so_far": latency_so_far,
    }
    for h in model.holders:
        reporters[f"influence:{h.name}"] = functools.partial(influence_share, order=h.order)
    return mesa.DataCollector(model_reporters=reporters, agent_reporters=AGENT_REPORTERS)
