"""Advice on a valid scenario: values that are allowed but probably not what was meant.

A warning does not stop a run (a stress test may mean it); the CLI prints each one, with
its file, line and field path, before the work starts.
"""

from __future__ import annotations

from collections.abc import Iterator

from sim.scenario.agenda import CapitalCallEvent, NewPartnerEvent
from sim.scenario.schema import Problem, Scenario


def advice(s: Scenario) -> list[Problem]:
    """Warnings about a valid scenario, as ``(path, message)`` pairs (empty: none)."""
    return list(_capital_calls(s))


def _capital_calls(s: Scenario) -> Iterator[Problem]:
    """A capital call larger than all the capital that could answer it."""
    for i, event in enumerate(s.agenda.events):
        if not isinstance(event, CapitalCallEvent):
            continue
        payers = [*s.partners] + [
            e.partner
            for e in s.agenda.events
            if isinstance(e, NewPartnerEvent) and e.month <= event.month
        ]
        capital = sum(p.capital for p in payers) + sum(v.capital for v in s.investors)
        if s.state_funder is not None:
            capital += s.state_funder.capital
        if event.amount > capital:
            yield (
                ("agenda", "events", i, "amount"),
                f"the call for {event.amount:,.6g} {s.currency} is more than all the capital "
                f"that could answer it ({capital:,.6g} {s.currency}, before anything is spent): "
                "holders who cannot pay their pro-rata share pay nothing and are diluted, so "
                "the call cannot be met in full. If that is the point, carry on; otherwise "
                "give the partners more capital (partners.N.capital) or lower the amount "
                "(both are in the scenario's currency units)",
            )
