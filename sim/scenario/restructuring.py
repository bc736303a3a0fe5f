"""Checks across fields for the restructuring events of real consortia (issue 15).

Names in equity issues, rescues, transfers and options must be holders of the scenario
(a new outside subscriber is declared in ``investors`` with stake 0: non-voting equity);
a governance change must leave a valid design; a transfer cannot sell more than the
seller can hold at that month, following the scripted stake path (founding stakes,
joiners' dilution, earlier transfers; capital calls and equity issues only dilute, so
the path is an upper bound); and ``metadata.sources`` must name real field paths.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from pydantic import ValidationError

from sim.scenario.agenda import (
    DormantVotesEvent,
    EquityIssueEvent,
    GovernanceChangeEvent,
    NewPartnerEvent,
    PutCallEvent,
    RescueEvent,
    TransferEvent,
)
from sim.scenario.governance import GovernanceSpec

if TYPE_CHECKING:
    from sim.scenario.schema import Problem, Scenario


def restructuring_problems(s: Scenario, unknown) -> Iterator[Problem]:
    """Problems with restructuring events, as ``(path, message)`` pairs.

    Args:
        s: a scenario that passed field validation.
        unknown: ``unknown(what, name, known)`` -> message (the schema's wording).
    """
    partners = [p.name for p in s.all_partners()]
    funder = [s.state_funder.name] if s.state_funder is not None else []
    investors = [v.name for v in s.investors]
    holders = partners + funder + investors
    voters = partners + funder
    stakes = _stake_path_start(s)
    for i, event in sorted(enumerate(s.agenda.events), key=lambda ie: ie[1].month):
        at = ("agenda", "events", i)
        if isinstance(event, NewPartnerEvent):
            for name in stakes:
                stakes[name] *= 1.0 - event.partner.stake
            stakes[event.partner.name] = event.partner.stake
        elif isinstance(event, EquityIssueEvent) and event.subscriber not in holders:
            yield (
                (*at, "subscriber"),
                unknown("holder", event.subscriber, holders)
                + " (declare a new outside subscriber under investors with stake: 0)",
            )
        elif isinstance(event, RescueEvent) and event.by not in voters:
            yield (*at, "by"), unknown("partner or state funder", event.by, voters)
        elif isinstance(event, TransferEvent):
            yield from _transfer(at, event, holders, stakes, unknown)
        elif isinstance(event, PutCallEvent):
            for field in ("holder", "counterparty"):
                name = getattr(event, field)
                if name not in partners:
                    yield (*at, field), unknown("partner", name, partners)
            if event.holder == event.counterparty:
                yield (*at, "counterparty"), "the counterparty must be another partner"
            if event.until is not None and event.until < event.month:
                yield (*at, "until"), f"until ({event.until}) is before month ({event.month})"
        elif isinstance(event, DormantVotesEvent) and event.partner not in partners:
            yield (*at, "partner"), unknown("partner", event.partner, partners)
        elif isinstance(event, GovernanceChangeEvent):
            yield from _governance(at, s, event)


def _stake_path_start(s: Scenario) -> dict[str, float]:
    stakes = {p.name: p.stake for p in s.partners}
    stakes.update({v.name: v.stake for v in s.investors})
    if s.state_funder is not None:
        stakes[s.state_funder.name] = s.state_funder.stake
    return stakes


def _transfer(at, event: TransferEvent, holders, stakes, unknown) -> Iterator[Problem]:
    for field in ("seller", "buyer"):
        name = getattr(event, field)
        if name not in holders:
            yield (*at, field), unknown("holder", name, holders)
    if event.seller == event.buyer:
        yield (*at, "buyer"), "the buyer must be another holder than the seller"
    held = stakes.get(event.seller)
    if held is None:
        return
    if event.stake > held + 1e-9:
        yield (
            (*at, "stake"),
            f"{event.seller} holds at most {held:.4g} of the equity at month {event.month} "
            f"(its stake after earlier joiners and transfers), so it cannot sell {event.stake:g}",
        )
    block = min(event.stake, held)
    stakes[event.seller] = held - block
    if event.buyer in stakes:
        stakes[event.buyer] += block


def merged(base: dict, change: dict) -> dict:
    """``base`` with ``change`` laid over it; nested mappings are merged, not replaced."""
    out = dict(base)
    for key, value in change.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = value
    return out


def changed_governance(current: GovernanceSpec, change: dict) -> GovernanceSpec:
    """The design after a governance change (raises pydantic's error when invalid)."""
    return GovernanceSpec.model_validate(merged(current.model_dump(), change))


def _governance(at, s: Scenario, event: GovernanceChangeEvent) -> Iterator[Problem]:
    try:
        g = changed_governance(s.governance, event.governance)
    except ValidationError as err:
        for e in err.errors():
            loc = tuple(x for x in e["loc"] if isinstance(x, str | int))
            yield (*at, "governance", *loc), e["msg"]
        return
    partners = [p.name for p in s.all_partners()]
    kinds = [k.name for k in s.agenda.kinds]
    for j, name in enumerate(g.veto_holders):
        if name not in partners:
            yield (*at, "governance", "veto_holders", j), f"unknown partner '{name}'"
    for j, kind in enumerate(g.reserved_matters):
        if kind not in kinds:
            yield (*at, "governance", "reserved_matters", j), f"unknown issue kind '{kind}'"
    if g.leader is not None and g.leader not in partners:
        yield (*at, "governance", "leader"), f"unknown partner '{g.leader}'"


def source_problems(s: Scenario) -> Iterator[Problem]:
    """``metadata.sources``, when a mapping, must map real field paths to a source.

    A key is a dotted path into the scenario as written (``partners.0.outside_option``,
    ``agenda.events.2``, ``governance.lock_up_months``); list items by index or by
    ``name`` (``partners.Sony.stake``). A value is the source (a non-empty string).
    """
    sources = s.metadata.get("sources")
    if not isinstance(sources, dict):
        return
    data = s.model_dump()
    for key, value in sources.items():
        at = ("metadata", "sources", str(key))
        if not isinstance(value, str) or not value.strip():
            yield at, "name the source of this value (a non-empty string)"
        if not _resolves(data, str(key).split(".")):
            yield at, f"'{key}' is not a field path of this scenario (e.g. partners.0.stake)"


def _resolves(node: object, parts: list[str]) -> bool:
    for part in parts:
        if isinstance(node, dict):
            if part not in node:
                return False
            node = node[part]
        elif isinstance(node, list):
            if part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                named = [x for x in node if isinstance(x, dict) and x.get("name") == part]
                if not named:
                    return False
                node = named[0]
        else:
            return False
    return True
