"""Light line charts as inline SVG text, for the dashboard and the room session.

A chart is a few hundred bytes of SVG built from plain lists: no plotting library, no
image encoding, so a month's redraw costs well under a millisecond and the page needs
nothing from outside (no fonts, no scripts). The month axis is fixed to the horizon so
the lines grow to the right instead of the axes jumping at every step.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

#: Colour per holder (by model order), distinguishable on a projector (Okabe-Ito).
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#D55E00",
    "#56B4E9",
    "#000000",
    "#882255",
    "#999933",
)


def colour(order: int) -> str:
    """The colour of the holder with this model order."""
    return PALETTE[order % len(PALETTE)]


@dataclass
class Series:
    """One line: a name for the legend, a colour, one value per month (NaN: a gap)."""

    name: str
    colour: str
    values: Sequence[float]
    dashed: bool = False
    legend: bool = True


@dataclass
class Chart:
    """A line chart over months 0..``x_max``.

    Attributes:
        title: shown top left.
        months: the x value of each point (months).
        series: the lines.
        x_max: the horizon (months).
        y_max: top of the value axis (the bottom is 0); None: from the data.
        hlines: horizontal reference lines (value, label), dashed grey.
        vlines: vertical markers (month, label), red: exits and other events.
    """

    title: str
    months: Sequence[int]
    series: list[Series]
    x_max: int
    y_max: float | None = None
    hlines: list[tuple[float, str]] = field(default_factory=list)
    vlines: list[tuple[int, str]] = field(default_factory=list)
    y_label: str = ""

    def top(self) -> float:
        """The value axis' top: ``y_max`` or the data's maximum, rounded up."""
        if self.y_max is not None:
            return self.y_max
        values = [v for s in self.series for v in s.values if not math.isnan(v)]
        values += [y for y, _ in self.hlines]
        top = max(values, default=1.0) * 1.1
        return _nice(top)


def _nice(x: float) -> float:
    if x <= 0:
        return 1.0
    step = 10 ** math.floor(math.log10(x))
    for m in (1, 2, 2.5, 5, 10):
        if m * step >= x:
            return m * step
    return 10 * step


def svg(chart: Chart, width: int = 520, height: int = 190) -> str:
    """The chart as an ``<svg>`` element (text), ``width`` x ``height`` pixels."""
    left, right, top, bottom = 40, 10, 22, 20
    w, h = width - left - right, height - top - bottom
    y_top = chart.top()
    x_max = max(chart.x_max, 1)

    def x(m: float) -> float:
        return left + w * m / x_max

    def y(v: float) -> float:
        return top + h * (1 - min(max(v / y_top, 0.0), 1.05))

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(chart.title)}" '
        'style="font: 11px sans-serif; background: #fff">',
        '<text x="4" y="14" style="font-size: 13px; font-weight: bold">'
        f"{escape(chart.title)}</text>",
    ]
    for frac in (0, 0.5, 1):  # value axis: 0, half, top
        v = y_top * frac
        out.append(
            f'<line x1="{left}" x2="{left + w}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#ddd"/>'
            f'<text x="{left - 4}" y="{y(v) + 4:.1f}" text-anchor="end">{_fmt(v)}</text>'
        )
    for m in _month_ticks(x_max):
        out.append(
            f'<text x="{x(m):.1f}" y="{height - 6}" text-anchor="middle">{m}</text>'
            if m
            else f'<text x="{x(0):.1f}" y="{height - 6}">month</text>'
        )
    for value, label in chart.hlines:
        out.append(
            f'<line x1="{left}" x2="{left + w}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            'stroke="#555" stroke-dasharray="5 3"/>'
            f'<text x="{left + w - 2}" y="{y(value) - 3:.1f}" text-anchor="end" '
            f'fill="#333">{escape(label)}</text>'
        )
    for month, label in chart.vlines:
        out.append(
            f'<line x1="{x(month):.1f}" x2="{x(month):.1f}" y1="{top}" y2="{top + h}" '
            'stroke="#C00" stroke-width="1.5"/>'
            f'<text x="{x(month) + 3:.1f}" y="{top + 10}" fill="#C00">{escape(label)}</text>'
        )
    for s in chart.series:
        for run in _runs(chart.months, s.values):
            points = " ".join(f"{x(m):.1f},{y(v):.1f}" for m, v in run)
            dash = (
                ' stroke-dasharray="4 3" stroke-width="1.2"' if s.dashed else ' stroke-width="2.2"'
            )
            out.append(f'<polyline fill="none" stroke="{s.colour}"{dash} points="{points}"/>')
    lx, ly = left + 4, top + 2
    for s in chart.series:
        if not s.legend:
            continue
        step = 20 + 7 * len(s.name)
        if lx + step > left + w and lx > left + 4:  # wrap the legend to a new row
            lx, ly = left + 4, ly + 13
        out.append(
            f'<rect x="{lx}" y="{ly}" width="10" height="10" fill="{s.colour}"/>'
            f'<text x="{lx + 13}" y="{ly + 9}">{escape(s.name)}</text>'
        )
        lx += step
    if not chart.months:
        out.append(
            f'<text x="{left + w / 2}" y="{top + h / 2}" text-anchor="middle" fill="#666">'
            "Press Step or Play to run the venture</text>"
        )
    out.append("</svg>")
    return "".join(out)


def _fmt(v: float) -> str:
    return f"{v:.0f}" if v >= 10 or v == int(v) else f"{v:.3g}"


def _month_ticks(x_max: int) -> list[int]:
    step = max(1, _nice(x_max / 6))
    return [int(m * step) for m in range(0, int(x_max / step) + 1)]


def _runs(months: Sequence[int], values: Sequence[float]) -> list[list[tuple[int, float]]]:
    """The unbroken stretches of a series (NaN ends one)."""
    runs: list[list[tuple[int, float]]] = [[]]
    for m, v in zip(months, values, strict=True):
        if math.isnan(v):
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append((m, v))
    return [r for r in runs if r]
