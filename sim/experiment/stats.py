"""Uncertainty of aggregated outcomes: t intervals, Wilson intervals, Kaplan-Meier.

Every figure is reported the same way: means with a 95% Student-t interval over
replications, proportions with a 95% Wilson score interval, and time to an event with the
Kaplan-Meier estimator (right-censored at the horizon). The summary's figures are
computed here with SciPy's own formulas, operation for operation (so the numbers are
SciPy's to the last bit), needing only ``scipy.special`` for the t quantile: importing
``scipy.stats`` costs about a second, and only the confidence bands of the pictures
(:func:`kaplan_meier`) still use it.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

LEVEL = 0.95
#: ``scipy.special.ndtri(0.5 + 0.5 * LEVEL)``, the normal quantile of Wilson's interval
#: (a test checks it against SciPy).
WILSON_Z = np.float64(1.959963984540054)


def _clean(x: float) -> float | None:
    return None if x is None or not math.isfinite(x) else float(x)


def mean_ci(values: Sequence[float]) -> tuple[float | None, list[float | None]]:
    """Mean of the finite values with a 95% Student-t interval.

    Returns:
        ``(mean, [lo, hi])``; ``None`` where undefined (no values; one value for the interval).
    """
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    if len(x) == 0:
        return None, [None, None]
    mean = float(x.mean())
    if len(x) < 2:
        return mean, [None, None]
    sem = float(x.std(ddof=1)) / math.sqrt(len(x))
    if sem == 0:
        return mean, [mean, mean]
    from scipy import stats  # heavy (about a second): only where used

    lo, hi = stats.t.interval(LEVEL, len(x) - 1, loc=mean, scale=sem)
    return mean, [_clean(lo), _clean(hi)]


def mean_ci_exact(n: int, total, total_sq) -> tuple[float | None, list[float | None]]:
    """Mean with a 95% Student-t interval from exact sums (streaming; see ``totals.py``).

    Args:
        n: number of finite values.
        total: their exact sum (a ``Fraction``).
        total_sq: the exact sum of their squares (a ``Fraction``).

    Returns:
        As :func:`mean_ci`; the mean and variance are computed exactly, then rounded once.
    """
    if n == 0:
        return None, [None, None]
    mean = float(total / n)
    if n < 2:
        return mean, [None, None]
    variance = (n * total_sq - total * total) / (n * (n - 1))
    sem = math.sqrt(float(variance)) / math.sqrt(n)
    if sem == 0:
        return mean, [mean, mean]
    lo, hi = _t_interval(n - 1, mean, sem)
    return mean, [_clean(lo), _clean(hi)]


def _t_interval(df: int, loc: float, scale: float) -> tuple[float, float]:
    """``scipy.stats.t.interval(LEVEL, df, loc, scale)``, as SciPy computes it."""
    from scipy.special import stdtrit  # a fraction of scipy.stats' import time

    alpha = np.asarray(LEVEL)
    q1, q2 = (1.0 - alpha) / 2, (1.0 + alpha) / 2
    return (
        float(stdtrit(df, q1) * np.float64(scale) + np.float64(loc)),
        float(stdtrit(df, q2) * np.float64(scale) + np.float64(loc)),
    )


def wilson(successes: int, trials: int) -> tuple[float | None, list[float | None]]:
    """A proportion with its 95% Wilson score interval.

    Returns:
        ``(share, [lo, hi])``; ``None`` when there are no trials.
    """
    if trials == 0:
        return None, [None, None]
    # scipy.stats.binomtest(k, n).proportion_ci(LEVEL, "wilson"), term for term.
    k, n = int(successes), int(trials)
    p = k / n
    z = WILSON_Z
    denom = 2 * (n + z**2)
    center = (2 * n * p + z**2) / denom
    q = 1 - p
    delta = z / denom * math.sqrt(4 * n * p * q + z**2)
    lo = 0.0 if k == 0 else center - delta
    hi = 1.0 if k == n else center + delta
    return successes / trials, [float(lo), float(hi)]


@dataclass(frozen=True)
class Survival:
    """A Kaplan-Meier survival curve.

    Attributes:
        times: event times (months), ascending.
        survival: probability of no event up to and including each time.
        lower: lower 95% confidence band (log-log).
        upper: upper 95% confidence band.
        median: first time the survival falls to 0.5 or below, or None if it never does.
    """

    times: list[float]
    survival: list[float]
    lower: list[float]
    upper: list[float]
    median: float | None


def kaplan_meier(
    times: Sequence[float] | np.ndarray, observed: Sequence[bool] | np.ndarray
) -> Survival:
    """Kaplan-Meier estimate of time to an event, right-censored where not observed.

    Args:
        times: month of the event, or of censoring (the last month simulated).
        observed: whether the event happened at that time.

    Returns:
        The survival curve with its confidence band and median.
    """
    t = np.asarray(times, dtype=float)
    seen = np.asarray(observed, dtype=bool)
    if len(t) == 0 or not seen.any():
        return Survival([], [], [], [], None)
    from scipy import stats  # heavy (about a second): only where used

    data = stats.CensoredData(uncensored=t[seen], right=t[~seen])
    sf = stats.ecdf(data).sf
    q = sf.quantiles
    p = sf.probabilities
    with warnings.catch_warnings():  # undefined where the curve reaches 0 or 1: expected
        warnings.simplefilter("ignore", RuntimeWarning)
        band = sf.confidence_interval(LEVEL, method="log-log")
    lo = np.nan_to_num(band.low.evaluate(q), nan=0.0)
    hi = np.nan_to_num(band.high.evaluate(q), nan=1.0)
    below = np.nonzero(p <= 0.5)[0]
    median = float(q[below[0]]) if len(below) else None
    return Survival(q.tolist(), p.tolist(), lo.tolist(), hi.tolist(), median)


def kaplan_meier_counts(events: Mapping[float, int], censored: Mapping[float, int]) -> Survival:
    """:func:`kaplan_meier` from histograms ``{month: count}`` of events and of censorings.

    The same numbers as :func:`kaplan_meier` of the expanded values (a test checks them),
    computed from the counts without SciPy: the curve by :func:`km_curve_counts`, the band
    by SciPy's log-log formula (Greenwood's variance), operation for operation.
    """
    times, survival, at_risk, died = _km_counts(events, censored)
    if not len(times):
        return Survival([], [], [], [], None)
    with np.errstate(divide="ignore", invalid="ignore"):  # undefined at 0 and 1: expected
        var = 1 / np.log(survival) ** 2 * np.cumsum(died / (at_risk * (at_risk - died)))
        z_se = WILSON_Z * np.sqrt(var)
        points = np.log(-np.log(survival))
        low = np.clip(np.exp(-np.exp(points + z_se)), 0, 1)
        high = np.clip(np.exp(-np.exp(points - z_se)), 0, 1)
    below = np.nonzero(survival <= 0.5)[0]
    return Survival(
        times.tolist(),
        survival.tolist(),
        np.nan_to_num(low, nan=0.0).tolist(),
        np.nan_to_num(high, nan=1.0).tolist(),
        float(times[below[0]]) if len(below) else None,
    )


def km_curve_counts(
    events: Mapping[float, int], censored: Mapping[float, int]
) -> tuple[np.ndarray, np.ndarray]:
    """The times and survival of :func:`kaplan_meier_counts`, from the histograms alone.

    SciPy's curve (``scipy.stats.ecdf``) float for float: at each distinct time, the
    product of ``(at risk - events) / at risk`` so far (with nothing censored, one minus
    the share of events so far, as SciPy computes it then). Unlike :func:`kaplan_meier`
    it never expands the histograms into one value per observation (the pooled latency
    histograms of 100,000 replications count 14 million issues: a gigabyte expanded).

    Returns:
        ``(times, survival)``, both empty when no event happened.
    """
    times, survival, _, _ = _km_counts(events, censored)
    return times, survival


def _km_counts(events: Mapping[float, int], censored: Mapping[float, int]) -> tuple:
    """Distinct times, survival, number at risk and events at each (empty if no event)."""
    if not any(events.values()):
        empty = np.array([])
        return empty, empty, empty, empty
    times = np.array(sorted({*events, *censored}), dtype=float)
    died = np.array([events.get(t, 0) for t in times.tolist()], dtype=np.int64)
    lost = np.array([censored.get(t, 0) for t in times.tolist()], dtype=np.int64)
    gone = died + lost
    at_risk = gone[::-1].cumsum()[::-1]  # still followed at each time
    keep = gone > 0
    times, died, at_risk = times[keep], died[keep], at_risk[keep]
    if not lost.any():  # SciPy's uncensored branch: one minus the empirical CDF
        return times, 1 - np.cumsum(died) / gone.sum(), at_risk, died
    return times, np.cumprod((at_risk - died) / at_risk), at_risk, died


def km_median_counts(events: Mapping[float, int], censored: Mapping[float, int]) -> float | None:
    """The median of :func:`kaplan_meier_counts` (:func:`km_curve_counts`, no SciPy)."""
    times, survival = km_curve_counts(events, censored)
    below = np.nonzero(survival <= 0.5)[0]
    return float(times[below[0]]) if len(below) else None


def quantile_from_counts(counts: np.ndarray, q: float) -> float | None:
    """The q-quantile (lower) of integer values 0..len-1 given their counts."""
    total = int(counts.sum())
    if total == 0:
        return None
    cum = np.cumsum(counts)
    return float(np.searchsorted(cum, q * total, side="left"))


def cumulative_incidence(
    events: Mapping[str, Mapping[float, int]], censored: Mapping[float, int]
) -> dict[str, tuple[list[float], list[float]]]:
    """Cumulative incidence of competing risks (Aalen-Johansen), from histograms.

    Args:
        events: per cause, ``{month: count}`` of first events of that cause.
        censored: ``{month: count}`` of replications followed that long without an event.

    Returns:
        Per cause, ``(months, incidence)``: the probability of an event of that cause by
        each month at which any event happened. The incidences of all causes add up to
        one minus the Kaplan-Meier survival.
    """
    months = sorted({m for hist in events.values() for m in hist})
    at_risk = sum(censored.values()) + sum(sum(h.values()) for h in events.values())
    later_censored = dict(censored)
    survival = 1.0
    out: dict[str, tuple[list[float], list[float]]] = {k: ([], []) for k in events}
    total = {k: 0.0 for k in events}
    previous = -math.inf
    for m in months:
        # Replications censored before this month have left the risk set.
        gone = sum(c for t, c in later_censored.items() if previous <= t < m)
        at_risk -= gone
        for t in [t for t in later_censored if previous <= t < m]:
            del later_censored[t]
        d = {k: h.get(m, 0) for k, h in events.items()}
        n_events = sum(d.values())
        for k in events:
            total[k] += survival * d[k] / at_risk if at_risk else 0.0
            out[k][0].append(m)
            out[k][1].append(total[k])
        if at_risk:
            survival *= 1.0 - n_events / at_risk
        at_risk -= n_events
        previous = m
    return out
