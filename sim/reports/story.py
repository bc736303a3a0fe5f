"""The vocabulary of a told replication: lines, months and the phrases they share.

A :class:`Line` is one thing that happened in plain language (with the event's data for
tools); a :class:`Month` collects a month's lines. :mod:`sim.reports.teller` writes them
from a venture's event log; :mod:`sim.reports.trace` lays them out as text, Markdown or
JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: The least change of any influence share (share points, in [0, 1]) since the last
#: report that makes the story mention influence again: smaller moves are noise to a reader.
INFLUENCE_STEP = 0.02

#: What each terminal deadlock clause does, in a phrase.
CLAUSES = {
    "none": "no terminal clause, so the matter goes back to the table",
    "escalate": "the parents' chiefs either compromise or drop the matter",
    "casting_vote": "the chair proposes and holds the casting vote",
    "arbitration": "an arbitrator imposes a compromise",
    "shotgun": "the shotgun (buy-sell) clause may be triggered",
    "put_call": "a put option lets an unhappy partner sell out",
    "majority_fallback": "the threshold drops to a simple majority",
    "wind_up": "an unhappy partner may have the venture wound up",
}


@dataclass
class Line:
    """One thing that happened, in words.

    Attributes:
        kind: the event kind (``arrival``, ``meeting``, ``influence``...).
        tone: how a terminal colours it: ``good``, ``bad``, ``warn``, ``struct``,
            ``quiet`` or ``plain``.
        text: the sentence.
        details: sub-sentences (for a meeting: each no vote and its reason).
        data: the event's data as plain JSON values.
    """

    kind: str
    tone: str
    text: str
    details: list[str] = field(default_factory=list)
    data: dict = field(default_factory=dict)


@dataclass
class Month:
    """The lines of one month.

    Attributes:
        month: the month (1-based).
        board: whether the board met.
        lines: what happened, in order.
    """

    month: int
    board: bool
    lines: list[Line] = field(default_factory=list)


def words(name: str) -> str:
    """A dimension or kind name as words (``go_to_market`` -> ``go to market``)."""
    return name.replace("_", " ")


def pct(x: float) -> str:
    """A share in [0, 1] as a percentage."""
    return f"{100 * x:.1f}%" if 0 < abs(x) < 0.1 else f"{100 * x:.0f}%"


def above(loss: float, tolerance: float) -> str:
    """``0.037, more than its tolerance of 0.030``, with enough digits to tell them apart."""
    digits = 3
    while digits < 6 and f"{loss:.{digits}f}" == f"{tolerance:.{digits}f}":
        digits += 1
    return f"{loss:.{digits}f}, more than its tolerance of {tolerance:.{digits}f}"


def join(names: list[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
