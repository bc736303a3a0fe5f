"""Ownership changes: capital calls with dilution, and buying a leaver's shares.

Pure functions of stakes, capital and the venture's valuation (currency units); the
venture applies their results to its partners.
"""

from __future__ import annotations

from collections.abc import Sequence


def capital_call(
    stakes: Sequence[float], paid: Sequence[float], valuation: float
) -> tuple[list[float], float]:
    """Stakes after a capital call, at the pre-money ``valuation``.

    A holder that pays in less than its pro-rata share is diluted: every stake is
    re-computed as (old value + money paid in) / post-money value. Equity held outside the
    listed holders is diluted too.

    Args:
        stakes: each holder's stake before the call, in [0, 1].
        paid: what each holder paid in (currency units, >= 0).
        valuation: pre-money value of the venture (currency units, > 0).

    Returns:
        The new stakes and the post-money valuation.
    """
    post = valuation + sum(paid)
    return [(s * valuation + p) / post for s, p in zip(stakes, paid, strict=True)], post


def pro_rata_purchase(
    stake: float, buyer_stakes: Sequence[float], buyer_capital: Sequence[float], valuation: float
) -> list[float]:
    """How much of a leaver's stake each buyer takes under pre-emption rights.

    Buyers take the stake pro rata to their own stakes (equally when they hold none), each
    as far as its capital allows at ``valuation`` per unit of stake; what nobody can pay
    for goes to outside holders.

    Args:
        stake: the leaver's stake, in [0, 1].
        buyer_stakes: each buyer's current stake.
        buyer_capital: each buyer's capital (currency units).
        valuation: value of 100% of the venture (currency units).

    Returns:
        The stake each buyer acquires (sums to at most ``stake``).
    """
    if not buyer_stakes:
        return []
    total = sum(buyer_stakes)
    weights = (
        [s / total for s in buyer_stakes]
        if total > 0
        else [1.0 / len(buyer_stakes)] * len(buyer_stakes)
    )
    taken = []
    for w, cash in zip(weights, buyer_capital, strict=True):
        want = stake * w
        price = want * valuation
        taken.append(want if price <= cash else (cash / valuation if valuation > 0 else 0.0))
    return taken
