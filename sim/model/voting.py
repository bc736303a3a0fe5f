"""Voting rules: pure functions of who said yes, registered by name.

A rule sees the yes weight, the total weight (1 per voter under ``basis: count``, stakes
under ``basis: stake``) and a threshold; vetoes and a chair's casting vote are applied on
top by :func:`passes`, so every rule composes with them. Rules are shared rules
(:mod:`sim.model.shared`): the fast engine compiles them; a scenario names them, and the
engines pass the rule's code (:data:`VOTING_RULES`).
"""

from __future__ import annotations

from collections.abc import Callable, MutableSequence, Sequence
from dataclasses import dataclass

from sim.model.shared import shared_rule

REL_EPS = 1e-9

UNANIMITY, SIMPLE_MAJORITY, QUALIFIED_MAJORITY = 0, 1, 2


@shared_rule
def unanimity(yes_weight: float, total_weight: float, threshold: float) -> bool:
    """Every voter with weight says yes."""
    return yes_weight >= total_weight * (1 - REL_EPS)


@shared_rule
def simple_majority(yes_weight: float, total_weight: float, threshold: float) -> bool:
    """More than half of the weight says yes."""
    return yes_weight > total_weight * (0.5 + REL_EPS)


@shared_rule
def qualified_majority(yes_weight: float, total_weight: float, threshold: float) -> bool:
    """At least ``threshold`` (a share in (0.5, 1]) of the weight says yes."""
    return yes_weight >= total_weight * (threshold - REL_EPS)


#: Rule name (as in a scenario's ``rule:``) -> its code in the engines.
VOTING_RULES: dict[str, int] = {
    "unanimity": UNANIMITY,
    "simple_majority": SIMPLE_MAJORITY,
    "qualified_majority": QUALIFIED_MAJORITY,
}
#: Rule name -> the rule itself, for readers and tests.
RULE_FUNCTIONS: dict[str, Callable[[float, float, float], bool]] = {
    "unanimity": unanimity,
    "simple_majority": simple_majority,
    "qualified_majority": qualified_majority,
}


@shared_rule
def rule_met(rule: int, yes_weight: float, total_weight: float, threshold: float) -> bool:
    """Whether the rule with code ``rule`` is met (see :data:`VOTING_RULES`)."""
    if rule == UNANIMITY:
        return unanimity(yes_weight, total_weight, threshold)
    if rule == SIMPLE_MAJORITY:
        return simple_majority(yes_weight, total_weight, threshold)
    return qualified_majority(yes_weight, total_weight, threshold)


@shared_rule
def passes(
    rule: int,
    threshold: float,
    weights: Sequence[float],
    vetoes: Sequence[bool],
    chair: int,
    yes: Sequence[bool],
) -> bool:
    """Whether a proposal passes.

    Args:
        rule: the rule's code.
        threshold: for a qualified majority, the share needed (ignored otherwise).
        weights: each voter's weight (>= 0).
        vetoes: whether each voter's no blocks the decision.
        chair: index of the voter whose yes breaks an exact tie (a casting vote), or -1.
        yes: each voter's vote, in the same order.

    Returns:
        True when the rule is met (or an exact tie is broken by the chair's yes) and no
        veto holder voted no.
    """
    yes_weight = 0.0
    total = 0.0
    for i in range(len(weights)):
        total += weights[i]
        if yes[i]:
            yes_weight += weights[i]
        elif vetoes[i]:
            return False  # a veto holder said no
    if rule_met(rule, yes_weight, total, threshold):
        return True
    if chair >= 0 and yes[chair]:
        return abs(yes_weight - total / 2) <= REL_EPS * max(total, 1.0)
    return False


@shared_rule
def best_passing(
    rule: int,
    threshold: float,
    weights: Sequence[float],
    vetoes: Sequence[bool],
    chair: int,
    limits: Sequence[float],
    yes: MutableSequence[bool],
) -> float:
    """The largest move that passes when voter i accepts moves up to ``limits[i]``.

    Yes-sets shrink as the move grows, so the answer is one of the limits: try the
    distinct positive limits from the largest down and return the first that passes.

    Args:
        rule: the rule's code.
        threshold: for a qualified majority, the share needed.
        weights: each voter's weight.
        vetoes: whether each voter's no blocks.
        chair: the casting voter's index, or -1.
        limits: each voter's acceptance limit ``lam*`` in [0, 1].
        yes: scratch, one entry per voter (overwritten: the votes at the last move tried).

    Returns:
        The largest passing ``lam`` in [0, 1], or 0.0 when no move passes.
    """
    n = len(limits)
    last = 2.0
    while True:
        # The next distinct limit below the last one tried (a scan: n is small).
        lam = -1.0
        for i in range(n):
            if lam < limits[i] < last:
                lam = limits[i]
        if lam <= 0:
            return 0.0
        last = lam
        for i in range(n):
            yes[i] = limits[i] >= lam
        if passes(rule, threshold, weights, vetoes, chair, yes):
            return lam


@dataclass(frozen=True, slots=True)
class Ballot:
    """A voting situation: who votes, with what weight, and who can block.

    Attributes:
        rule: a name in :data:`VOTING_RULES`.
        threshold: for ``qualified_majority``, the share needed.
        weights: each voter's weight (>= 0).
        vetoes: whether each voter's no blocks the decision.
        chair: index of a voter whose yes breaks an exact tie (a casting vote), or None.
    """

    rule: str
    threshold: float | None
    weights: tuple[float, ...]
    vetoes: tuple[bool, ...]
    chair: int | None = None

    def args(self) -> tuple[int, float, tuple[float, ...], tuple[bool, ...], int]:
        """The ballot as the shared rules take it: code, threshold, weights, vetoes, chair."""
        chair = -1 if self.chair is None else self.chair
        return VOTING_RULES[self.rule], self.threshold or 0.0, self.weights, self.vetoes, chair


def decide(ballot: Ballot, yes: Sequence[bool]) -> bool:
    """Whether a proposal passes on a ballot (:func:`passes`)."""
    return passes(*ballot.args(), yes)


def best_move(ballot: Ballot, limits: Sequence[float]) -> float:
    """The largest passing move on a ballot (:func:`best_passing`)."""
    return best_passing(*ballot.args(), limits, [False] * len(limits))
