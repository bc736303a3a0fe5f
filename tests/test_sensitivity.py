"""Global sensitivity: known indices reproduced through our analysis layer, and the command.

Sources: the Ishigami-Homma function's Sobol indices (Ishigami & Homma 1990; analytic
values as in Saltelli et al. 2008, *Global Sensitivity Analysis: The Primer*, and SALib's
test suite): S1 = (0.3139, 0.4424, 0), ST = (0.5576, 0.4424, 0.2437) for a = 7, b = 0.1 on
[-pi, pi]^3. For an additive linear function y = sum c_i x_i on the unit cube, Morris's
elementary effects are exactly c_i (mu* = |c_i|, sigma = 0) and the Sobol indices are
S1 = ST = c_i^2 / sum c_j^2 (Saltelli et al. 2008, ch. 4).
"""

from __future__ import annotations

import csv
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sim.errors import InputError
from sim.experiment.sensitivity import analyse, check_samples, design
from sim.experiment.summary import HEADLINES
from tests.test_uncertainty import small_uncertain

ROOT = Path(__file__).resolve().parents[1]
SIM = [sys.executable, "-m", "sim"]
NAMES = ["x1", "x2", "x3"]


def ishigami(u: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    x = -math.pi + 2 * math.pi * u
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_sobol_indices_of_the_ishigami_function():
    u = design("sobol", NAMES, 2048, seed=1)
    rows = {r["parameter"]: r for r in analyse("sobol", NAMES, u, ishigami(u), seed=1)}
    for name, s1, st in (("x1", 0.3139, 0.5576), ("x2", 0.4424, 0.4424), ("x3", 0.0, 0.2437)):
        assert rows[name]["S1"] == pytest.approx(s1, abs=0.04), name
        assert rows[name]["ST"] == pytest.approx(st, abs=0.04), name
        assert rows[name]["S1_conf"] < 0.1
    assert [rows[n]["rank"] for n in NAMES] == [1, 2, 3]  # ranked by ST


def test_sobol_indices_of_the_sobol_g_function():
    """SALib's Sobol G function with a = (0, 1, 9, 99): its analytical first-order and
    total indices (Saltelli et al. 2010), through our design and analysis code."""
    from SALib.test_functions import Sobol_G

    a = np.array([0.0, 1.0, 9.0, 99.0])
    names = [f"x{i}" for i in range(1, 5)]
    u = design("sobol", names, 4096, seed=4)
    rows = {r["parameter"]: r for r in analyse("sobol", names, u, Sobol_G.evaluate(u, a), seed=4)}
    s1 = Sobol_G.sensitivity_index(a)
    st = Sobol_G.total_sensitivity_index(a)
    for name, first, total in zip(names, s1, st, strict=True):
        assert rows[name]["S1"] == pytest.approx(first, abs=0.04), name
        assert rows[name]["ST"] == pytest.approx(total, abs=0.04), name


def test_sobol_indices_of_an_additive_function_are_its_variance_shares():
    c = np.array([3.0, 2.0, 1.0])
    u = design("sobol", NAMES, 1024, seed=2)
    rows = {r["parameter"]: r for r in analyse("sobol", NAMES, u, u @ c, seed=2)}
    for name, share in zip(NAMES, c**2 / (c**2).sum(), strict=True):
        assert rows[name]["S1"] == pytest.approx(share, abs=0.03)
        assert rows[name]["ST"] == pytest.approx(share, abs=0.03)


def test_morris_effects_of_an_additive_function_are_its_coefficients():
    c = np.array([3.0, -2.0, 0.0])
    u = design("morris", NAMES, 10, seed=3)
    rows = {r["parameter"]: r for r in analyse("morris", NAMES, u, u @ c, seed=3)}
    for name, coef in zip(NAMES, c, strict=True):
        assert rows[name]["mu_star"] == pytest.approx(abs(coef))
        assert rows[name]["mu"] == pytest.approx(coef)
        assert rows[name]["sigma"] == pytest.approx(0.0, abs=1e-9)


def test_designs_are_seeded_and_on_the_unit_cube():
    a, b = design("morris", NAMES, 4, seed=5), design("morris", NAMES, 4, seed=5)
    assert np.array_equal(a, b) and a.shape == (16, 3) and a.min() >= 0 and a.max() <= 1
    s = design("sobol", NAMES, 8, seed=5)
    assert s.shape == (8 * 5, 3) and np.array_equal(s, design("sobol", NAMES, 8, seed=5))


@pytest.mark.parametrize(
    ("method", "samples", "params", "says"),
    [
        ("fast", 4, 3, "morris or sobol"),
        ("sobol", 6, 3, "power of 2"),
        ("morris", 4, 1, "at least two uncertain"),
        ("morris", 1, 3, "at least 2"),
    ],
)
def test_impossible_designs_are_refused(method, samples, params, says):
    with pytest.raises(InputError, match=says):
        check_samples(method, samples, params)


@pytest.fixture(scope="module")
def morris_runs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sens")
    path = small_uncertain(folder)
    out = {}
    for workers in ("1", "2"):
        target = folder / f"w{workers}"
        res = subprocess.run(
            [
                *SIM,
                "sensitivity",
                str(path),
                "--samples",
                "2",
                "-n",
                "3",
                "--seed",
                "5",
                "-j",
                workers,
                "-o",
                str(target),
            ],  # fmt: skip
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert res.returncode == 0, res.stderr
        out[workers] = target
    return out


def test_sensitivity_gives_the_same_files_whatever_the_workers(morris_runs):
    for name in ("sensitivity.csv", "points.csv", "sensitivity.json"):
        assert (morris_runs["1"] / name).read_text() == (morris_runs["2"] / name).read_text()


def test_sensitivity_folder_holds_indices_charts_and_report(morris_runs):
    folder = morris_runs["2"]
    with open(folder / "sensitivity.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {"parameter", "metric", "mu_star", "mu_star_conf", "sigma", "rank"} <= set(rows[0])
    analysed = {r["metric"] for r in rows}
    data = json.loads((folder / "sensitivity.json").read_text())
    assert data["points"] == 2 * (4 + 1)
    for h in HEADLINES:
        if h.key in analysed:
            ranks = [int(r["rank"]) for r in rows if r["metric"] == h.key]
            assert sorted(ranks) == [1, 2, 3, 4]
            assert (folder / f"sensitivity_{h.key}.png").exists()
        else:
            assert data["notes"][h.key]["undefined_points"] > 0
    report = (folder / "report.md").read_text()
    assert "Which assumptions drive each answer" in report
    assert "sim sensitivity" in report and "--samples 2 -n 3 --seed 5" in report
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["kind"] == "sensitivity"
    assert set(manifest["files"]) <= {p.name for p in folder.iterdir()}


def test_sensitivity_never_overwrites_a_folder(morris_runs, tmp_path):
    path = small_uncertain(tmp_path)
    res = subprocess.run(
        [*SIM, "sensitivity", str(path), "-o", str(morris_runs["1"])],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert res.returncode == 2 and "never overwritten" in res.stderr
