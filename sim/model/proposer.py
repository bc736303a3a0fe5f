"""Proposer rules: who puts a proposal on the table for an issue, registered by name.

Each rule is a pure function of a :class:`Seat` snapshot (plain numbers) and a random
generator, returning the index of the proposing partner among the seated partners.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Seat:
    """What a proposer rule may look at.

    Attributes:
        month: the current month (1-based).
        chair_term_months: months each partner chairs under a rotating chair.
        influence: each seated partner's influence share, in [0, 1].
        expertise: each seated partner's mean expertise on the issue's dimensions, in [0, 1].
        leader: index of the designated leader among the seated partners, or None.
        order: each seated partner's founding order (rotation follows it).
    """

    month: int
    chair_term_months: int
    influence: Sequence[float]
    expertise: Sequence[float]
    leader: int | None
    order: Sequence[int]


ProposerFn = Callable[[Seat, np.random.Generator], int]
PROPOSER_RULES: dict[str, ProposerFn] = {}


def proposer_rule(name: str) -> Callable[[ProposerFn], ProposerFn]:
    """Register a proposer rule under ``name`` (used by ``governance.proposer``)."""

    def register(fn: ProposerFn) -> ProposerFn:
        PROPOSER_RULES[name] = fn
        return fn

    return register


def chair(seat: Seat) -> int:
    """The chair this month: the designated leader, else the rotating chair.

    The chair rotates in founding order, one term of ``chair_term_months`` each, among
    the partners seated now.
    """
    if seat.leader is not None:
        return seat.leader
    term = (seat.month - 1) // seat.chair_term_months
    ranked = sorted(range(len(seat.order)), key=lambda i: seat.order[i])
    return ranked[term % len(ranked)]


def _argmax(values: Sequence[float], tiebreak: Sequence[float], rng: np.random.Generator) -> int:
    best = max(values)
    tied = [i for i, v in enumerate(values) if v >= best - 1e-12]
    if len(tied) == 1:
        return tied[0]
    top = max(tiebreak[i] for i in tied)
    tied = [i for i in tied if tiebreak[i] >= top - 1e-12]
    return tied[int(rng.integers(len(tied)))] if len(tied) > 1 else tied[0]


@proposer_rule("rotating_chair")
def rotating_chair(seat: Seat, rng: np.random.Generator) -> int:
    """The chair of the moment proposes on every issue (the designated leader, if any)."""
    return chair(seat)


@proposer_rule("random")
def random_proposer(seat: Seat, rng: np.random.Generator) -> int:
    """A partner drawn uniformly at random proposes."""
    return int(rng.integers(len(seat.order)))


@proposer_rule("designated")
def designated(seat: Seat, rng: np.random.Generator) -> int:
    """The designated leader (a single CEO) proposes on everything."""
    if seat.leader is None:  # the leader has left: fall back to the chair rotation
        return chair(seat)
    return seat.leader


@proposer_rule("most_influential")
def most_influential(seat: Seat, rng: np.random.Generator) -> int:
    """The partner with the largest influence share sets the agenda (ties drawn at random)."""
    return _argmax(seat.influence, [0.0] * len(seat.influence), rng)


@proposer_rule("expert")
def expert(seat: Seat, rng: np.random.Generator) -> int:
    """The most expert partner on the issue's dimensions proposes (ties: most influential)."""
    return _argmax(seat.expertise, seat.influence, rng)
