"""The latest months' events in words, as HTML (the sentences of ``sim trace``).

Plain escaped HTML rather than Markdown: Solara's Markdown loads KaTeX from a CDN after
the first render, which a room without internet cannot do.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from sim.reports.story import Month
from sim.reports.teller import tell

if TYPE_CHECKING:
    from sim.model.venture import Venture

#: Line tone -> CSS colour of its marker.
TONES = {"good": "#007A3D", "bad": "#B00020", "warn": "#9A6700", "quiet": "#777", "plain": "#333"}


def month_html(m: Month) -> str:
    """One month's lines as an HTML section."""
    head = f"Month {m.month}" + (" · board meeting" if m.board else "")
    items = []
    for line in m.lines:
        details = "".join(f"<li>{escape(d)}</li>" for d in line.details)
        colour = TONES.get(line.tone, "#333")
        items.append(
            f'<li style="border-left: 4px solid {colour}; padding-left: 6px">'
            f"{escape(line.text)}" + (f"<ul>{details}</ul>" if details else "") + "</li>"
        )
    return f"<section><h3>{head}</h3><ul>{''.join(items)}</ul></section>"


def latest_html(venture: Venture, months: int = 3) -> str:
    """The last ``months`` months' events, newest first (the month just run on top)."""
    if venture.month == 0:
        return "<p>Nothing has happened yet: press <b>Step</b>.</p>"
    story = tell(venture)
    shown = [m for m in story if m.month > venture.month - months]
    out = []
    if not venture.running:
        out.append(f"<p><b>The run is over: the venture is {venture.final_state}.</b></p>")
    if not shown or shown[-1].month != venture.month:
        out.append(f"<section><h3>Month {venture.month}</h3><p>A quiet month.</p></section>")
    out += [month_html(m) for m in reversed(shown)]
    return "".join(out)
