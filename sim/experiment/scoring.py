"""Proper scores for the backtest: does the model forecast real consortia with skill?

Each case is forecast three ways, and each forecast is scored against what happened:

- ``model``: the simulated replications;
- ``baseline``: the base rates of ``docs/calibration.md`` (evidence.md a1/a5), the same for
  every case: termination times log-logistic with a 7-year median and shape 1.7 (its
  hazard rises to a peak at about 5.7 years and then falls, the calibration targets'
  "peak in years 4-7"), and a share :data:`BUY_SHARE` of terminations bought by a
  partner, the rest dissolved (liquidated, bankrupt or sold to a third party);
- ``exponential``: the naive memoryless guess, termination times exponential with a
  7-year median (Bleeke & Ernst 1995), with the same buy-out split.

Scores (every one is *lower is better*):

- ``brier``: the multi-category Brier score of the outcome category,
  sum over categories of (p - o)^2, in [0, 2];
- ``log``: minus the natural log of the probability given to the actual category;
- ``timing``: minus the log probability of the actual year: the forecast is binned into
  whole years from formation up to the horizon plus one bin beyond it, and the score is
  -log P(the bin holding the actual years). A case still running is right-censored at
  the years observed: its score is -log P(no outcome by then), the log survival
  probability, never "ended at the horizon";
- ``crps``: the continuous ranked probability score of the years to the outcome,
  restricted to [0, horizon] (years; for a censored case the censored-data form,
  the integral of F(t)^2 up to the years observed).

Zero probabilities: a category or a year that no replication produced would make a log
score infinite, so every probability entering a log score is add-one smoothed over
replications, p = (count + 1) / (n + k) for k outcomes; a baseline is smoothed the same
way as if its probabilities were shares of the same n replications. Brier and CRPS use
the raw probabilities.

The outcome category is scored only where it was observed: a case still running is
scored on timing (censored) and left out of the category means.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: Base rate: share of terminations in which one partner buys the venture (midpoint of the
#: 0.6-0.8 target in docs/calibration.md; evidence.md a1 #6, #16, #19, a5).
BUY_SHARE = 0.7
#: Median life of an alliance, years (evidence.md a1 #5, Bleeke & Ernst 1995).
MEDIAN_YEARS = 7.0
#: Log-logistic shape of the base-rate baseline: hazard peak at 7 (b-1)^(1/b) ~ 5.7 years.
LOGLOGISTIC_SHAPE = 1.7
FORECASTS = ("model", "baseline", "exponential")
SCORES = ("brier", "log", "timing", "crps")


@dataclass(frozen=True)
class Forecast:
    """A forecast of one case: outcome categories and the time to the outcome.

    Attributes:
        categories: probability of each category (including ``RUN``: nothing by the
            horizon), summing to 1.
        cdf: P(an outcome by year t) at each of ``grid`` (non-decreasing).
        grid: years at which ``cdf`` is given, from 0 to the horizon.
        n: replications the forecast is smoothed over (add-one).
    """

    categories: dict[str, float]
    cdf: np.ndarray
    grid: np.ndarray
    n: int

    def at(self, t: float) -> float:
        """P(an outcome by year t), interpolated on the grid (t within [0, horizon])."""
        return float(np.interp(t, self.grid, self.cdf))


def year_edges(horizon_years: float) -> list[float]:
    """Bin edges of the timing score: whole years from 0, the horizon last."""
    edges = [float(y) for y in range(int(math.floor(horizon_years)) + 1)]
    if edges[-1] < horizon_years - 1e-9:
        edges.append(horizon_years)
    return edges


def grid_for(horizon_years: float) -> np.ndarray:
    """The time grid forecasts are held on: every month to the horizon (years)."""
    return np.linspace(0.0, horizon_years, int(round(horizon_years * 12)) + 1)


def empirical(
    categories: Sequence[str], years: Sequence[float], horizon_years: float, names: Sequence[str]
) -> Forecast:
    """A forecast from replications: each one's outcome category and years to it.

    Args:
        categories: each replication's category (``RUN`` = nothing by the horizon).
        years: each replication's years to its outcome (ignored for ``RUN``).
        horizon_years: the horizon.
        names: every category, in order.
    """
    n = len(categories)
    shares = {c: sum(x == c for x in categories) / n for c in names}
    grid = grid_for(horizon_years)
    times = np.sort([t for c, t in zip(categories, years, strict=True) if c != "RUN"])
    cdf = np.searchsorted(times, grid, side="right") / n
    return Forecast(shares, cdf, grid, n)


def parametric(kind: str, horizon_years: float, names: Sequence[str], n: int) -> Forecast:
    """A baseline forecast (``baseline``: log-logistic; ``exponential``), see the module.

    Args:
        kind: ``baseline`` or ``exponential``.
        horizon_years: the case's horizon.
        names: every category, in order.
        n: replications to smooth over, as the model's.
    """
    grid = grid_for(horizon_years)
    if kind == "exponential":
        cdf = 1.0 - np.power(0.5, grid / MEDIAN_YEARS)
    elif kind == "baseline":
        odds = np.power(grid / MEDIAN_YEARS, LOGLOGISTIC_SHAPE)
        cdf = odds / (1.0 + odds)
    else:
        raise ValueError(f"unknown baseline {kind!r}")
    ended = float(cdf[-1])
    shares = dict.fromkeys(names, 0.0)
    shares["BUY"] = BUY_SHARE * ended
    shares["DISS"] = (1.0 - BUY_SHARE) * ended
    shares["RUN"] = 1.0 - ended
    return Forecast(shares, cdf, grid, n)


def brier(f: Forecast, actual: str) -> float:
    """Multi-category Brier score, sum of (p - o)^2 over categories, in [0, 2]."""
    return float(sum((p - (c == actual)) ** 2 for c, p in f.categories.items()))


def log_category(f: Forecast, actual: str) -> float:
    """-log of the add-one smoothed probability of the actual category."""
    k = len(f.categories)
    return -math.log((f.categories[actual] * f.n + 1.0) / (f.n + k))


def log_timing(f: Forecast, years: float, censored: bool, horizon_years: float) -> float:
    """-log P(the actual year bin), or -log P(no outcome by ``years``) when censored.

    Bins are :func:`year_edges` plus one beyond the horizon; probabilities are add-one
    smoothed over ``f.n`` replications (over the two outcomes, before or after, when
    censored).
    """
    if censored:
        survive = 1.0 - f.at(years)
        return -math.log((survive * f.n + 1.0) / (f.n + 2.0))
    edges = year_edges(horizon_years)
    k = len(edges)  # len(edges) - 1 bins to the horizon, one beyond
    lo = max(e for e in edges[:-1] if e <= years) if years < edges[-1] else edges[-2]
    hi = edges[edges.index(lo) + 1]
    p = f.at(hi) - f.at(lo)
    return -math.log((p * f.n + 1.0) / (f.n + k))


def crps(f: Forecast, years: float, censored: bool) -> float:
    """CRPS of the years to the outcome over [0, horizon] (censored form when censored).

    Uncensored: the integral over [0, horizon] of (F(t) - 1{t >= years})^2; censored at
    ``years``: the integral of F(t)^2 over [0, years]. In years, integrated on the
    monthly grid (within 1/24 year of the exact value); lower is better.
    """
    g, cdf = f.grid, f.cdf
    if censored:
        keep = g <= years
        return float(np.trapezoid(cdf[keep] ** 2, g[keep]))
    step = (g >= years).astype(float)
    return float(np.trapezoid((cdf - step) ** 2, g))


def score(
    f: Forecast, actual: str, years: float, censored: bool, horizon_years: float
) -> dict[str, float | None]:
    """Every score of one forecast of one case (category scores None when censored)."""
    return {
        "brier": None if censored else brier(f, actual),
        "log": None if censored else log_category(f, actual),
        "timing": log_timing(f, years, censored, horizon_years),
        "crps": crps(f, years, censored),
    }


def mean_scores(per_case: Sequence[dict[str, float | None]]) -> dict[str, float | None]:
    """Mean of each score over the cases where it is defined (None when none is)."""
    out: dict[str, float | None] = {}
    for name in SCORES:
        values = [v for s in per_case if (v := s[name]) is not None]
        out[name] = float(np.mean(values)) if values else None
    return out
