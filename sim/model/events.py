"""A log of what happened in a replication, month by month, for ``sim trace``.

Recording is off in ordinary runs (it costs time); the venture calls
:meth:`EventLog.add` only when it is on. Events hold live objects (issues); renderers in
the trace layer turn them into text, Markdown or JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Event:
    """One thing that happened.

    Attributes:
        month: the month it happened (1-based; 0 = at formation).
        kind: what happened (``arrival``, ``proposal``, ``vote``, ``decision``...).
        data: its details.
    """

    month: int
    kind: str
    data: dict


@dataclass
class EventLog:
    """An append-only list of events, or nothing when disabled.

    Attributes:
        enabled: whether events are recorded.
        events: the events so far.
    """

    enabled: bool = False
    events: list[Event] = field(default_factory=list)

    def add(self, month: int, kind: str, data: dict) -> None:
        """Append an event."""
        self.events.append(Event(month, kind, data))
