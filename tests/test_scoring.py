"""Proper scores of the backtest, worked by hand (sim/experiment/scoring.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.experiment import scoring

CATS = ("BUY", "DISS", "RUN")


def test_brier_and_log_of_the_category_by_hand():
    f = scoring.empirical(["BUY", "BUY", "DISS", "RUN"], [1.0, 2.0, 3.0, 0.0], 5.0, CATS)
    assert f.categories == {"BUY": 0.5, "DISS": 0.25, "RUN": 0.25}
    # (0.5-1)^2 + 0.25^2 + 0.25^2
    assert scoring.brier(f, "BUY") == pytest.approx(0.375)
    # add-one over 4 replications and 3 categories: (2 + 1) / (4 + 3)
    assert scoring.log_category(f, "BUY") == pytest.approx(-math.log(3 / 7))


def test_a_category_no_replication_produced_has_a_finite_log_score():
    f = scoring.empirical(["BUY"] * 10, [1.0] * 10, 5.0, CATS)
    assert scoring.log_category(f, "DISS") == pytest.approx(-math.log(1 / 13))


def test_timing_is_the_log_probability_of_the_actual_year():
    f = scoring.empirical(["BUY", "BUY", "DISS", "RUN"], [1.5, 1.2, 3.0, 0.0], 5.0, CATS)
    # bins [0,1) ... [4,5) and beyond the horizon: 6; two of four replications in [1, 2)
    assert scoring.log_timing(f, 1.9, False, 5.0) == pytest.approx(-math.log((2 + 1) / (4 + 6)))
    # still running at 2 years: one of four ended by then? two did (1.2, 1.5); survive 2/4
    assert scoring.log_timing(f, 2.0, True, 5.0) == pytest.approx(-math.log((2 + 1) / (4 + 2)))


def test_exponential_baseline_has_a_seven_year_median():
    f = scoring.parametric("exponential", 14.0, CATS, 100)
    assert f.at(7.0) == pytest.approx(0.5)
    assert f.categories["RUN"] == pytest.approx(0.25)
    assert f.categories["BUY"] == pytest.approx(0.7 * 0.75)


def test_base_rate_baseline_is_log_logistic_with_mid_life_peak():
    f = scoring.parametric("baseline", 20.0, CATS, 100)
    assert f.at(7.0) == pytest.approx(0.5)
    pdf = np.gradient(f.cdf, f.grid)
    hazard = pdf / np.clip(1 - f.cdf, 1e-12, None)
    peak = f.grid[int(np.argmax(hazard))]
    assert 4.0 <= peak <= 7.0  # docs/calibration.md: a peak in years 4-7


def test_crps_of_a_point_forecast_is_the_distance():
    # every replication ends at 2 years; the actual end is at 3: CRPS = |3 - 2| = 1
    f = scoring.empirical(["BUY"] * 5, [2.0] * 5, 10.0, CATS)
    assert scoring.crps(f, 3.0, False) == pytest.approx(1.0, abs=0.05)
    # censored at 1 year: F = 0 up to 1 year, so nothing is charged
    assert scoring.crps(f, 1.0, True) == pytest.approx(0.0)
    # censored at 4 years: F = 1 from 2 to 4 years: charged 2
    assert scoring.crps(f, 4.0, True) == pytest.approx(2.0, abs=0.05)  # monthly grid


def test_a_sharper_right_forecast_scores_better():
    right = scoring.empirical(["BUY"] * 9 + ["DISS"], [4.2] * 10, 10.0, CATS)
    vague = scoring.parametric("exponential", 10.0, CATS, 10)
    for name in ("brier", "log", "timing", "crps"):
        assert (
            scoring.score(right, "BUY", 4.5, False, 10.0)[name]
            < (scoring.score(vague, "BUY", 4.5, False, 10.0)[name])
        )


def test_censored_cases_have_no_category_score():
    f = scoring.empirical(["RUN"] * 3, [0.0] * 3, 5.0, CATS)
    s = scoring.score(f, "RUN", 2.0, True, 5.0)
    assert s["brier"] is None and s["log"] is None
    assert s["timing"] == pytest.approx(-math.log(4 / 5))
    assert scoring.mean_scores([s, {**s, "timing": 1.0}])["timing"] == pytest.approx(
        (s["timing"] + 1.0) / 2
    )
