"""Restructuring: what real consortia do to their equity, rules and fortunes (issue 15).

The scripted events of :mod:`sim.scenario.agenda` added for real consortia, applied by
:class:`~sim.model.structure.Structure`: new equity (a recapitalisation, an in-kind
contribution, an outsider's non-voting shares), a rescue, stakes changing hands, a
governance change, a dated put or call, a period of losses or gains, and a partner's
votes parked in a trust.

None of them draws a random number, and a scenario that uses none of them never reaches
this module beyond two empty-list checks a month, so existing per-seed results are
unchanged. After any change of equity, a holder that newly holds more than half of it
takes control: the venture ends as ``reformed`` with termination ``control`` (classified
``STATE`` in the backtest when the holder is the state funder, ``LEAD`` otherwise).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.model import ownership
from sim.scenario.agenda import (
    DormantVotesEvent,
    EquityIssueEvent,
    GovernanceChangeEvent,
    PerformanceEvent,
    PutCallEvent,
    RescueEvent,
    TransferEvent,
)
from sim.scenario.restructuring import changed_governance

if TYPE_CHECKING:
    from sim.model.partner import Partner
    from sim.model.structure import Investor, Structure

RestructureEvent = (
    EquityIssueEvent
    | RescueEvent
    | TransferEvent
    | GovernanceChangeEvent
    | PutCallEvent
    | PerformanceEvent
    | DormantVotesEvent
)

#: A stake above this share of the equity is control.
CONTROL_SHARE = 0.5


def controller(venture: Structure) -> str | None:
    """The holder (partner or state funder) with more than half the equity, or None."""
    for h in venture.active_holders():
        if h.stake > CONTROL_SHARE + 1e-12:
            return h.name
    return None


def apply(venture: Structure, event: RestructureEvent) -> None:
    """Apply one restructuring event in the month it is scripted for."""
    if isinstance(event, GovernanceChangeEvent):
        g = changed_governance(venture.scenario.governance, event.governance)
        venture.scenario = venture.scenario.model_copy(update={"governance": g})
        venture.veto_holders = set(g.veto_holders)
        venture.reserved_kinds = set(g.reserved_matters)
        venture.say("governance_change", title=event.title, change=event.governance)
        return
    if isinstance(event, PerformanceEvent):
        venture.shocks.append((event.month, event.month + event.months - 1, event.change))
        venture.say("performance", title=event.title, change=event.change, months=event.months)
        return
    if isinstance(event, PutCallEvent):
        venture.options.append(event)
        return
    if isinstance(event, DormantVotesEvent):
        venture.dormant[event.partner] = event.fraction
        venture.say("dormant_votes", partner=event.partner, fraction=event.fraction)
        return
    if isinstance(event, TransferEvent):
        _transfer(venture, event)
    elif isinstance(event, EquityIssueEvent):
        _equity(venture, event.subscriber, event.amount, event.pre_money, not event.in_kind)
        venture.say("equity_issue", title=event.title, subscriber=event.subscriber)
    elif isinstance(event, RescueEvent):
        _rescue(venture, event)
    check_control(venture)


def shock_now(venture: Structure, month: int) -> None:
    """Add the performance shocks live this month to every holder's payoff."""
    for first, last, change in venture.shocks:
        if first <= month <= last:
            for h in venture.active_holders():
                h.payoff += change


def exercise_options(venture: Structure, month: int) -> None:
    """Exercise any live put or call whose holder wants to leave (after the month's exits)."""
    for option in venture.options:
        if not venture.running:
            return
        if option.until is not None and month > option.until:
            continue
        holder = _holder(venture, option.holder)
        buyer = _holder(venture, option.counterparty)
        if holder is None or buyer is None or not holder.active or not buyer.active:
            continue
        if holder.unhappy_months >= holder.patience:
            venture.say("option_exercised", option=option.option, holder=holder.name)
            venture.remove_partner(holder, month, how="put_call", buyers=[buyer])


def check_control(venture: Structure) -> None:
    """End the venture as ``control`` when a holder newly holds a majority of the equity."""
    now, before = controller(venture), venture.control
    venture.control = now  # a majority lost and later regained counts again
    if now is not None and now != before and venture.running:
        venture.end(venture.month, "reformed", how="control", who=now)


def _holder(venture: Structure, name: str) -> Partner | None:
    return next((h for h in venture.holders if h.name == name), None)


def _investor(venture: Structure, name: str) -> Investor | None:
    return next((v for v in venture.investors if v.name == name), None)


def _owners(venture: Structure) -> list[Partner | Investor]:
    return [*venture.active_holders(), *venture.investors]


def _equity(
    venture: Structure, subscriber: str, amount: float, pre_money: float | None, cash: bool
) -> None:
    """New shares worth ``amount`` at ``pre_money``; an unknown subscriber is a third party."""
    pre = pre_money if pre_money is not None else venture.valuation
    owners = _owners(venture)
    stakes = [o.stake for o in owners] + [venture.outside_stake]
    named = next((i for i, o in enumerate(owners) if o.name == subscriber), len(owners))
    paid = [0.0] * len(stakes)
    paid[named] = amount
    new = [0.0] * len(stakes)
    # New shares are priced at the pre-money value: each old stake keeps its value.
    post = ownership.capital_call(stakes, paid, pre, new)
    for o, stake in zip(owners, new, strict=False):
        o.stake = stake
    venture.outside_stake = new[-1]
    venture.valuation = post
    if named < len(owners):
        o = owners[named]
        if cash:
            o.capital = max(0.0, o.capital - amount)
        gain = venture.scenario.dynamics.influence.capital_gain
        if hasattr(o, "standing"):
            o.standing += gain * amount / post  # type: ignore[union-attr]


def _rescue(venture: Structure, event: RescueEvent) -> None:
    """Everyone pays its pro-rata share if it can; the rescuer subscribes the rest."""
    owners = _owners(venture)
    stakes = [o.stake for o in owners]
    total = sum(stakes) or 1.0
    paid = []
    for o in owners:
        owed = event.amount * o.stake / total
        leaving = getattr(o, "exit_month", None) is not None
        paid.append(owed if o.name != event.by and not leaving and o.capital >= owed else 0.0)
    rescuer = next(i for i, o in enumerate(owners) if o.name == event.by)
    paid[rescuer] = event.amount - sum(paid)
    stakes.append(venture.outside_stake)
    paid.append(0.0)
    new = [0.0] * len(stakes)
    post = ownership.capital_call(stakes, paid, venture.valuation, new)
    gain = venture.scenario.dynamics.influence.capital_gain
    for o, stake, money in zip(owners, new, paid, strict=False):
        o.stake = stake
        o.capital = max(0.0, o.capital - money)
        if hasattr(o, "standing"):
            o.standing += gain * money / post  # type: ignore[union-attr]
    venture.outside_stake = new[-1]
    venture.valuation = post
    venture.say(
        "rescue",
        title=event.title,
        by=event.by,
        paid={o.name: p for o, p in zip(owners, paid, strict=False) if p > 0},
    )


def _transfer(venture: Structure, event: TransferEvent) -> None:
    """A block changes hands; a seated partner that sells all it holds leaves (a fracture).

    Sold to another seated partner, a partner's last block goes through
    :meth:`Structure.remove_partner` with the buyer as the only buyer (it pays as far as
    its capital goes, third parties take the rest), so a two-partner venture sold to one
    partner ends as a buy-out. Sold to an investor or the state funder, the block moves
    and the seller then leaves with nothing to sell.
    """
    seller = _holder(venture, event.seller) or _investor(venture, event.seller)
    if seller is None or seller.stake <= 0:
        return
    block = min(event.stake, seller.stake)
    buyer = _holder(venture, event.buyer) or _investor(venture, event.buyer)
    venture.say("transfer", seller=event.seller, buyer=event.buyer, stake=block)
    partner = _holder(venture, event.seller)
    leaves = partner is not None and partner is not venture.funder and block >= seller.stake - 1e-12
    if leaves and buyer in venture.seated():
        venture.remove_partner(partner, venture.month, how="exit", buyers=[buyer])  # type: ignore[arg-type, list-item]
        return
    seller.stake -= block
    seller.capital += block * venture.valuation
    if buyer is None:
        venture.outside_stake += block
    else:
        buyer.stake += block
        buyer.capital = max(0.0, buyer.capital - block * venture.valuation)
    if leaves and partner is not None:  # sold all to an investor or the state funder
        venture.remove_partner(partner, venture.month, how="exit", buyers=[])
