"""Decision latency with censoring: Kaplan-Meier over an issue's months to decision.

An issue is decided after a whole number of months (0 = the month it arrived), or it is
closed undecided (dropped after a deadlock, lapsed, funded outside) or still open when
the replication ends: those are right-censored at the months they were open, so the
estimate does not pretend that the hard questions were never asked. The Kaplan-Meier
survival ``S(t) = P(not decided after t months)`` is a step function at whole months;
from it come the median latency (first ``t`` with ``S(t) <= 1/2``) and the restricted
mean latency ``E[min(T, tau)] = sum_{t < tau} S(t)`` (months), which exists even when
fewer than half the issues are ever decided. Beyond the last observation, ``S`` keeps its
last value.

Treating a dropped issue as censored assumes it would have been decided at the rate of
the issues still open; the share of issues never decided is reported beside it.

These are shared rules (:mod:`sim.model.shared`), so the fast engine computes each
replication's figures with the same code.
"""

from __future__ import annotations

from collections.abc import MutableSequence, Sequence

from sim.model.shared import shared_rule

#: Horizon of the restricted mean latency (months): two years, the default lifetime of
#: an open issue.
TAU_MONTHS = 24


@shared_rule
def km_latency(
    months: Sequence[int],
    decided: Sequence[bool],
    count: int,
    tau: int,
    out: MutableSequence[float],
) -> None:
    """Kaplan-Meier restricted mean and median of months to decision.

    Args:
        months: per issue, the months from arrival to its decision or its censoring (only
            the first ``count`` entries are read).
        decided: per issue, whether it was decided (False: censored).
        count: how many issues.
        tau: horizon of the restricted mean (months, >= 1).
        out: receives ``[restricted mean, median]`` in months; NaN when there are no
            issues; the median is NaN when the survival never falls to 1/2.
    """
    nan = float("nan")
    if count == 0:
        out[0] = nan
        out[1] = nan
        return
    longest = 0
    for i in range(count):
        if months[i] > longest:
            longest = months[i]
    span = max(longest, tau) + 1
    events = [0] * span
    leaving = [0] * span
    for i in range(count):
        if decided[i]:
            events[months[i]] += 1
        leaving[months[i]] += 1
    at_risk = count
    survival = 1.0
    rmst = 0.0
    median = nan
    for t in range(span):
        if at_risk > 0:
            survival = survival * (1.0 - events[t] / at_risk)
        if t < tau:
            rmst += survival
        if median != median and survival <= 0.5:
            median = float(t)
        at_risk -= leaving[t]
    out[0] = rmst
    out[1] = median
