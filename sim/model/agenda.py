"""Issues on the venture's agenda, and how they arrive.

An :class:`Issue` is one question the venture must decide, on one or more policy
dimensions, and its progress through meetings and the deadlock ladder. Its status quo is
the venture's live policy on its dimensions at the time of each meeting: the venture has
one policy, which decisions (on this issue or another on the same dimensions) move and
the environment shocks (when an issue arrives); a dropped issue leaves it as it is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.scenario.agenda import IssueKind

#: Stages of an open issue. ``open``: voted at its meetings; ``escalation`` and
#: ``mediation``: in a deadlock-ladder window; ``stuck``: the ladder ran out (clause
#: ``none``) and it is voted again at meetings without a new ladder.
STAGES = ("open", "escalation", "mediation", "stuck")


@dataclass(slots=True, eq=False)
class Issue:
    """One decision on the venture's agenda.

    Attributes:
        uid: sequence number in the replication (1-based).
        kind: the issue kind's name.
        title: readable title.
        dims: indices of the policy dimensions it concerns.
        importance: what is at stake (value units).
        urgency: value lost per month open, per unit importance and salience.
        reserved: whether only the board decides it.
        arrival: month it arrived.
        failed_meetings: meetings at which a proposal failed, since the last ladder step.
        stage: one of :data:`STAGES`.
        stage_until: month its ladder window ends.
        fallback: whether the threshold has dropped to a simple majority (clause
            ``majority_fallback``).
        laddered: whether the deadlock ladder has already run for it.
    """

    uid: int
    kind: str
    title: str
    dims: tuple[int, ...]
    importance: float
    urgency: float
    reserved: bool
    arrival: int
    failed_meetings: int = 0
    stage: str = "open"
    stage_until: int = 0
    fallback: bool = False
    laddered: bool = False

    def months_open(self, month: int) -> int:
        """Months since arrival (0 in the month it arrives)."""
        return month - self.arrival


def draw_arrivals(
    rng: np.random.Generator, rate_per_month: float, kinds: list[IssueKind]
) -> list[IssueKind]:
    """The kinds of the issues arriving this month.

    Args:
        rng: the model's generator.
        rate_per_month: mean number of arrivals (Poisson).
        kinds: the kinds, drawn in proportion to their ``weight``.

    Returns:
        The arriving kinds, possibly empty.
    """
    n = int(rng.poisson(rate_per_month)) if rate_per_month > 0 else 0
    if n == 0:
        return []
    cumulative = np.cumsum([k.weight for k in kinds])
    # Inverse-CDF draw: same distribution as rng.choice(p=...), a fraction of its cost.
    picks = np.searchsorted(cumulative, rng.random(n) * cumulative[-1], side="right")
    return [kinds[min(int(i), len(kinds) - 1)] for i in picks]
