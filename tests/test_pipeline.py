"""The columnar pipeline gives exactly what the row-by-row one gave (issue 13).

Totals folded a block at a time equal those folded a row at a time, however the rows are
cut into blocks; a block's CSV text is ``csv.DictWriter``'s; the summary's intervals and
medians computed without ``scipy.stats`` are SciPy's to the last bit.
"""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.experiment import stats
from sim.experiment.block import RowBlock
from sim.experiment.results import csv_text
from sim.experiment.totals import Moments, Totals, exact_sums

floats = st.floats(allow_nan=True, allow_infinity=True, width=64)


@settings(max_examples=200, deadline=None)
@given(values=st.lists(floats, max_size=60), cut=st.integers(0, 60))
def test_exact_sums_equal_the_value_by_value_sums_for_any_cut(values, cut):
    one = Moments()
    for v in values:
        one.add(v)
    blocks = Moments()
    x = np.array(values, dtype=float)
    blocks.add_array(x[:cut])
    blocks.add_array(x[cut:])
    assert one == blocks


def test_exact_sums_of_extreme_values_in_many_columns():
    x = np.array([[5e-324, -1.7e308, 0.0], [2.2e-308, 1.7e308, -0.0], [np.nan, np.inf, 1e-310]] * 7)
    for j, sums in enumerate(exact_sums(x)):
        m = Moments()
        for v in x[:, j].tolist():
            m.add(v)
        assert Moments(*sums) == m


def _dictwriter(rows, columns):
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {k: "" if v is None or (isinstance(v, float) and v != v) else v for k, v in row.items()}
        )
    return buf.getvalue()


def test_block_csv_is_dictwriters_text():
    rows = [
        {"a": 1, "b": 2.5, "c": "x,y", "d": None, "e": math.nan, "f": True, "g": np.float64(0.1)},
        {"a": 2, "b": 3, "c": 'q"uote', "e": -0.0, "f": False, "g": np.int64(3), "x": "extra"},
        {"a": 2**70, "b": math.inf, "c": "line\nbreak", "e": 1e300},
    ]
    columns = ["a", "b", "c", "d", "e", "f", "g", "missing"]
    assert csv_text(rows, columns) == _dictwriter(rows, columns)


def test_block_rows_round_trip_with_their_types():
    rows = [{"n": 1, "x": 0.5, "s": "A"}, {"n": 2, "x": math.nan, "s": ""}]
    back = RowBlock.from_rows(rows).rows()
    assert repr(back) == repr(rows)


def test_block_totals_equal_row_totals():
    rows = [
        {
            "replication": r,
            "issues": 10 + r,
            "undecided_share": r / 7,
            "leader": "A" if r % 3 else "",
            "leader_month": float(r) if r % 2 else math.nan,
            "fracture_month": float(r) if r % 4 == 0 else math.nan,
            "fracture_how": "exit" if r % 8 == 0 else ("shotgun" if r % 4 == 0 else ""),
            "months": 120 - r,
        }
        for r in range(40)
    ]
    by_row, by_block = Totals(), Totals()
    for row in rows:
        by_row.add_row(row)
    by_block.add_block(RowBlock.from_rows(rows[:13]))
    by_block.add_block(RowBlock.from_rows(rows[13:]))
    assert by_row.to_json() == by_block.to_json()


@pytest.mark.parametrize("k,n", [(0, 1), (1, 1), (3, 10), (0, 500), (500, 500), (123, 1000)])
def test_wilson_is_scipys(k, n):
    from scipy import stats as sps

    ci = sps.binomtest(k, n).proportion_ci(stats.LEVEL, method="wilson")
    assert stats.wilson(k, n) == (k / n, [float(ci.low), float(ci.high)])


def test_wilson_z_is_scipys():
    from scipy.special import ndtri

    assert ndtri(0.5 + 0.5 * stats.LEVEL) == stats.WILSON_Z


@pytest.mark.parametrize("df,loc,scale", [(1, 0.0, 1.0), (9, 2.5, 0.3), (99_999, 0.123, 1e-3)])
def test_t_interval_is_scipys(df, loc, scale):
    from scipy import stats as sps

    lo, hi = sps.t.interval(stats.LEVEL, df, loc=loc, scale=scale)
    assert stats._t_interval(df, loc, scale) == (float(lo), float(hi))


@settings(max_examples=300, deadline=None)
@given(
    events=st.dictionaries(st.integers(0, 30).map(float), st.integers(1, 9), max_size=8),
    censored=st.dictionaries(st.integers(0, 30).map(float), st.integers(1, 9), max_size=8),
)
def test_km_median_is_scipys(events, censored):
    expanded = [(m, True) for m in sorted(events) for _ in range(events[m])]
    expanded += [(m, False) for m in sorted(censored) for _ in range(censored[m])]
    scipys = stats.kaplan_meier([t for t, _ in expanded], [seen for _, seen in expanded])
    assert stats.km_median_counts(events, censored) == scipys.median


@settings(max_examples=300, deadline=None)
@given(
    events=st.dictionaries(st.integers(0, 30).map(float), st.integers(0, 9), max_size=8),
    censored=st.dictionaries(st.integers(0, 30).map(float), st.integers(1, 9), max_size=8),
)
def test_km_from_counts_is_scipys_without_expanding_them(events, censored):
    def expand(hist):
        return [m for m in sorted(hist) for _ in range(hist[m])]

    t_event, t_censored = expand(events), expand(censored)
    scipys = stats.kaplan_meier(
        t_event + t_censored, [True] * len(t_event) + [False] * len(t_censored)
    )
    assert stats.kaplan_meier_counts(events, censored) == scipys
    times, survival = stats.km_curve_counts(events, censored)
    assert (times.tolist(), survival.tolist()) == (scipys.times, scipys.survival)
