"""Ownership changes: capital calls with dilution, new equity, and buying shares.

Pure functions of stakes, capital and the venture's valuation (currency units); the
venture applies their results to its shareholders. They are shared rules
(:mod:`sim.model.shared`), run by both engines; results go into ``out`` sequences.
"""

from __future__ import annotations

from collections.abc import MutableSequence, Sequence

from sim.model.shared import shared_rule

EPS = 1e-12


@shared_rule
def capital_call(
    stakes: Sequence[float],
    paid: Sequence[float],
    valuation: float,
    out: MutableSequence[float],
) -> float:
    """Stakes after a capital call at the pre-money ``valuation``.

    A holder that pays in less than its pro-rata share is diluted: every stake is
    re-computed as (old value + money paid in) / post-money value. Equity held by others
    (third parties) is diluted the same way by the caller.

    Args:
        stakes: each shareholder's stake before the call, in [0, 1].
        paid: what each paid in (currency units, >= 0).
        valuation: pre-money value of the venture (currency units, > 0).
        out: receives the new stakes.

    Returns:
        The post-money valuation.
    """
    post = valuation
    for i in range(len(paid)):
        post += paid[i]
    for i in range(len(stakes)):
        out[i] = (stakes[i] * valuation + paid[i]) / post
    return post


@shared_rule
def take_up(
    stake: float,
    buyer_stakes: Sequence[float],
    buyer_capital: Sequence[float],
    valuation: float,
    out: MutableSequence[float],
) -> float:
    """Buyers take up a block of shares pro rata, as far as their money allows.

    Each buyer is offered the block pro rata to its own stake (equally when none holds
    any) and takes what its capital pays for at ``valuation`` per unit of stake; what it
    cannot pay for is offered again to the buyers with money left, pro rata again, until
    the block is placed or nobody can pay (pre-emption rights; a joint buy-out).

    Args:
        stake: the block, a share of the equity in [0, 1].
        buyer_stakes: each buyer's current stake.
        buyer_capital: each buyer's capital (currency units).
        valuation: value of 100% of the venture (currency units, > 0).
        out: receives the stake each buyer takes.

    Returns:
        The part of the block nobody could pay for (0 when all is placed).
    """
    n = len(buyer_stakes)
    for i in range(n):
        out[i] = 0.0
    remaining = stake
    for _ in range(n):
        total = 0.0
        able = 0
        for i in range(n):
            if buyer_capital[i] - out[i] * valuation > EPS:
                able += 1
                total += buyer_stakes[i]
        if able == 0 or remaining <= EPS:
            break
        placed = 0.0
        short = False
        for i in range(n):
            cash = buyer_capital[i] - out[i] * valuation
            if cash <= EPS:
                continue
            w = buyer_stakes[i] / total if total > 0 else 1.0 / able
            want = remaining * w
            if want * valuation <= cash:
                take = want
            else:
                take = cash / valuation
                short = True
            out[i] += take
            placed += take
        remaining -= placed
        if not short:
            remaining = 0.0
            break
    return remaining if remaining > EPS else 0.0


@shared_rule
def dilute(stakes: MutableSequence[float], new_stake: float) -> None:
    """New equity of ``new_stake`` issued to a joiner: every other stake shrinks in place.

    Args:
        stakes: the existing shareholders' stakes, scaled by ``1 - new_stake``.
        new_stake: the joiner's share of the equity after it joins, in [0, 1).
    """
    for i in range(len(stakes)):
        stakes[i] = stakes[i] * (1.0 - new_stake)


@shared_rule
def below_zero_ranked(values: Sequence[float], out: MutableSequence[int]) -> int:
    """Rank the indices of the negative values, most negative first (ties: lower index).

    Args:
        values: e.g. each partner's satisfaction minus its outside option.
        out: receives the ranked indices in its first positions.

    Returns:
        How many values are negative.
    """
    count = 0
    for i in range(len(values)):
        if values[i] < 0:
            # Insertion: shift later-ranked entries right (stable, so ties keep index order).
            j = count
            while j > 0 and values[out[j - 1]] > values[i]:
                out[j] = out[j - 1]
                j -= 1
            out[j] = i
            count += 1
    return count
