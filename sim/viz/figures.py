"""The venture's three workshop charts (influence, satisfaction, agenda) as SVG text.

Built from the monthly rows of :func:`sim.viz.state.month_row`, shared by the dashboard
(``sim viz``) and the teacher's screen of a room session (``sim play``).
"""

from __future__ import annotations

import math
from typing import Any

from sim.model.venture import Venture
from sim.viz import state
from sim.viz.charts import Chart, Series, colour, svg

Rows = list[dict[str, Any]]


def influence(venture: Venture, rows: Rows) -> Chart:
    """Influence share per holder, with the leader threshold, the leader and the exits."""
    months = [r["month"] for r in rows]
    lead = state.leader(venture)
    marks = [(m, f"{name} leaves") for m, name in state.exits(venture)]
    if lead is not None:
        marks.append((lead[1], f"{lead[0]} leads"))
    return Chart(
        "Influence share",
        months,
        [
            Series(name, colour(k), [r["influence"].get(name, math.nan) for r in rows])
            for k, name in enumerate(state.holder_names(venture))
        ],
        venture.scenario.horizon_months,
        y_max=max([0.6] + [v + 0.05 for r in rows for v in r["influence"].values()]),
        hlines=[(state.leader_threshold(venture), "leader threshold")],
        vlines=marks,
    )


def satisfaction(venture: Venture, rows: Rows) -> Chart:
    """Each partner's satisfaction (solid) against its outside option (dashed)."""
    months = [r["month"] for r in rows]
    series = []
    partners = set(state.partner_names(venture.scenario)) | state.joiner_names(venture)
    for k, name in enumerate(state.holder_names(venture)):
        if name not in partners:
            continue  # a state funder has no outside option to show
        series.append(Series(name, colour(k), [r["satisfaction"][name] for r in rows]))
        series.append(
            Series(
                name,
                colour(k),
                [r["outside_option"][name] for r in rows],
                dashed=True,
                legend=False,
            )
        )
    return Chart(
        "Satisfaction (solid) vs outside option (dashed)",
        months,
        series,
        venture.scenario.horizon_months,
    )


def agenda(venture: Venture, rows: Rows) -> Chart:
    """Open issues (count) and the mean decision latency so far (months)."""
    months = [r["month"] for r in rows]
    return Chart(
        "Open issues and mean latency (months)",
        months,
        [
            Series("open issues", "#C00", [float(r["open_issues"]) for r in rows]),
            Series("mean latency", "#0072B2", [r["latency"] for r in rows]),
        ],
        venture.scenario.horizon_months,
    )


def all_svg(venture: Venture, rows: Rows, width: int = 520, height: int = 190) -> list[str]:
    """The three charts, as SVG text."""
    return [svg(make(venture, rows), width, height) for make in (influence, satisfaction, agenda)]
