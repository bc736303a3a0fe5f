"""Voting rules: pure functions of who said yes, registered by name.

A rule sees the voters' weights (1 each under ``basis: count``, stakes under
``basis: stake``), who voted yes, and a threshold; vetoes and a chair's casting vote are
applied on top by :func:`decide`, so every rule composes with them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

RuleFn = Callable[[float, float, float | None], bool]
VOTING_RULES: dict[str, RuleFn] = {}
REL_EPS = 1e-9


def voting_rule(name: str) -> Callable[[RuleFn], RuleFn]:
    """Register a voting rule under ``name`` (used by scenarios' ``rule:`` field)."""

    def register(fn: RuleFn) -> RuleFn:
        VOTING_RULES[name] = fn
        return fn

    return register


@voting_rule("unanimity")
def unanimity(yes_weight: float, total_weight: float, threshold: float | None) -> bool:
    """Every voter with weight says yes."""
    return yes_weight >= total_weight * (1 - REL_EPS)


@voting_rule("simple_majority")
def simple_majority(yes_weight: float, total_weight: float, threshold: float | None) -> bool:
    """More than half of the weight says yes."""
    return yes_weight > total_weight * (0.5 + REL_EPS)


@voting_rule("qualified_majority")
def qualified_majority(yes_weight: float, total_weight: float, threshold: float | None) -> bool:
    """At least ``threshold`` of the weight says yes."""
    assert threshold is not None
    return yes_weight >= total_weight * (threshold - REL_EPS)


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


def decide(ballot: Ballot, yes: Sequence[bool]) -> bool:
    """Whether a proposal passes.

    Args:
        ballot: the voting situation.
        yes: each voter's vote, in the ballot's order.

    Returns:
        True when the rule is met (or an exact tie is broken by the chair's yes) and no
        veto holder voted no.
    """
    yes_weight = 0.0
    for w, v, y in zip(ballot.weights, ballot.vetoes, yes, strict=True):
        if y:
            yes_weight += w
        elif v:
            return False  # a veto holder said no
    total = sum(ballot.weights)
    if VOTING_RULES[ballot.rule](yes_weight, total, ballot.threshold):
        return True
    if ballot.chair is not None and yes[ballot.chair]:
        return abs(yes_weight - total / 2) <= REL_EPS * max(total, 1.0)
    return False


def best_passing(ballot: Ballot, limits: Sequence[float]) -> float:
    """The largest move that passes when voter i accepts moves up to ``limits[i]``.

    Yes-sets shrink as the move grows, so the answer is one of the limits: try them from
    the largest down and return the first that passes.

    Args:
        ballot: the voting situation.
        limits: each voter's acceptance limit ``lam*`` in [0, 1].

    Returns:
        The largest passing ``lam`` in [0, 1], or 0.0 when no move passes.
    """
    for lam in sorted(set(limits), reverse=True):
        if lam <= 0:
            break
        if decide(ballot, [limit >= lam for limit in limits]):
            return lam
    return 0.0
