"""Proposer rules: who puts a proposal on the table for an issue, registered by name.

Each rule is a shared rule (:mod:`sim.model.shared`): a pure function of plain numbers
about the seated partners (the chair of the moment, the designated leader, influence
shares, expertise on the issue) and a random generator, returning the index of the
proposing partner among the seated partners. The chair itself is the venture's state
(:meth:`sim.model.venture.Venture.chair_now`): the rotation hands the chair to the next
seated partner in founding order at the end of each term.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from sim.model.shared import shared_rule

TIE = 1e-12
ROTATING_CHAIR, RANDOM, DESIGNATED, MOST_INFLUENTIAL, EXPERT = 0, 1, 2, 3, 4


@shared_rule
def rotating_chair(chair: int) -> int:
    """The chair of the moment proposes on every issue (the designated leader, if any)."""
    return chair


@shared_rule
def random_proposer(n: int, rng: np.random.Generator) -> int:
    """One of the ``n`` seated partners, drawn uniformly at random, proposes."""
    return int(rng.integers(0, n))


@shared_rule
def designated(chair: int, leader: int) -> int:
    """The designated leader (a single CEO) proposes; once it has left, the chair does."""
    return leader if leader >= 0 else chair


@shared_rule
def argmax_ties(
    values: Sequence[float], tiebreak: Sequence[float], rng: np.random.Generator
) -> int:
    """Index of the largest value; ties go to the largest ``tiebreak``, then to chance.

    The random draw happens only when a tie survives both comparisons.
    """
    n = len(values)
    best = values[0]
    for i in range(1, n):
        if values[i] > best:
            best = values[i]
    top = -np.inf
    count = 0
    for i in range(n):
        if values[i] >= best - TIE:
            count += 1
            if tiebreak[i] > top:
                top = tiebreak[i]
    tied = 0
    first = -1
    for i in range(n):
        if values[i] >= best - TIE and tiebreak[i] >= top - TIE:
            tied += 1
            if first < 0:
                first = i
    if count == 1 or tied == 1:
        return first
    pick = int(rng.integers(0, tied))
    for i in range(n):
        if values[i] >= best - TIE and tiebreak[i] >= top - TIE:
            if pick == 0:
                return i
            pick -= 1
    return first


@shared_rule
def most_influential(influence: Sequence[float], rng: np.random.Generator) -> int:
    """The partner with the largest influence share sets the agenda (ties drawn at random)."""
    return argmax_ties(influence, influence, rng)


@shared_rule
def expert(expertise: Sequence[float], influence: Sequence[float], rng: np.random.Generator) -> int:
    """The most expert partner on the issue's dimensions proposes (ties: most influential)."""
    return argmax_ties(expertise, influence, rng)


@shared_rule
def choose(
    rule: int,
    chair: int,
    leader: int,
    influence: Sequence[float],
    expertise: Sequence[float],
    rng: np.random.Generator,
) -> int:
    """The proposer under the rule with code ``rule`` (see :data:`PROPOSER_RULES`).

    Args:
        rule: the rule's code.
        chair: index of the chair of the moment among the seated partners.
        leader: index of the designated leader among them, or -1.
        influence: each seated partner's influence share, in [0, 1].
        expertise: each one's mean expertise on the issue's dimensions, in [0, 1].
        rng: the behaviour stream (drawn only by ``random`` and by surviving ties).

    Returns:
        The proposer's index among the seated partners.
    """
    if rule == ROTATING_CHAIR:
        return rotating_chair(chair)
    if rule == RANDOM:
        return random_proposer(len(influence), rng)
    if rule == DESIGNATED:
        return designated(chair, leader)
    if rule == MOST_INFLUENTIAL:
        return most_influential(influence, rng)
    return expert(expertise, influence, rng)


#: Rule name (as in ``governance.proposer``) -> its code in the engines.
PROPOSER_RULES: dict[str, int] = {
    "rotating_chair": ROTATING_CHAIR,
    "random": RANDOM,
    "designated": DESIGNATED,
    "most_influential": MOST_INFLUENTIAL,
    "expert": EXPERT,
}
#: Rule name -> the rule itself, for readers and tests.
RULE_FUNCTIONS: dict[str, Callable] = {
    "rotating_chair": rotating_chair,
    "random": random_proposer,
    "designated": designated,
    "most_influential": most_influential,
    "expert": expert,
}


@shared_rule
def next_chair(current: int, seated: Sequence[bool]) -> int:
    """The next seated partner after ``current`` in founding order, cyclically.

    Args:
        current: founding order of the outgoing chair (it may have left).
        seated: per partner in founding order, whether it has a seat now.

    Returns:
        The incoming chair's founding order, or -1 when nobody is seated.
    """
    n = len(seated)
    for step in range(1, n + 1):
        k = (current + step) % n
        if seated[k]:
            return k
    return -1
