"""Scenario discovery: where in the uncertain parameters an outcome happens (PRIM).

Reads the per-set table of a run over parameter sets (``parameter_sets.csv``, written by
``sim run`` on a scenario with ranges: each set's parameter values and headline
estimates), marks the sets where a chosen outcome holds (e.g. fracture above 50%), and
finds with the Patient Rule Induction Method (Friedman & Fisher 1999; the ``PRIM``
package of Project Platypus, the implementation EMA Workbench derives from) the box of
parameter values in which that outcome is concentrated: each restricted parameter's
limits, the box's *coverage* (share of all such sets inside it) and *density* (share of
the sets inside it that have the outcome), and the peeling trajectory that trades one
for the other.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

from sim.errors import InputError

SETS_FILE = "parameter_sets.csv"


@dataclass
class Discovery:
    """The box PRIM found.

    Attributes:
        metric: the headline key (``fracture``, ``reserved_latency_months``...).
        threshold: the outcome is ``metric > threshold`` (or ``<`` when ``below``), in the
            metric's unit (probabilities and shares as fractions).
        below: whether the outcome is the metric below the threshold.
        sets: parameter sets read.
        hits: sets with the outcome.
        limits: per restricted parameter, ``{"parameter", "min", "max", "qp"}`` (qp: the
            quasi-p-value of the restriction).
        coverage: share of the sets with the outcome that fall in the box, in [0, 1].
        density: share of the sets in the box that have the outcome, in [0, 1].
        mass: share of all sets in the box, in [0, 1].
        trajectory: the peeling trajectory, ``{"coverage", "density", "mass", "dims"}``.
        ranges: per parameter, the (min, max) of its values over all sets.
    """

    metric: str
    threshold: float
    below: bool
    sets: int
    hits: int
    limits: list[dict]
    coverage: float
    density: float
    mass: float
    trajectory: list[dict]
    ranges: dict[str, tuple[float, float]]


def read_sets(folder: Path) -> tuple[list[str], list[dict]]:
    """The parameter columns and rows of a run's ``parameter_sets.csv``.

    Raises:
        InputError: the folder is not a run over parameter sets.
    """
    from sim.experiment.summary import HEADLINES

    path = Path(folder) / SETS_FILE
    if not path.is_file():
        raise InputError(
            f"{folder}: no {SETS_FILE}; give the results folder of `sim run` on a scenario "
            "with ranges (without --central), e.g. sim run scenarios/equal_stakes.yaml "
            "--samples 100"
        )
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
        columns = list(reader.fieldnames or [])
    outcome = {h.key for h in HEADLINES}
    outcome |= {f"{k}_ci_{end}" for k in outcome for end in ("low", "high")}
    params = [c for c in columns if c != "parameter_set" and c not in outcome]
    return params, rows


def discover(folder: Path, metric: str, threshold: float, below: bool = False) -> Discovery:
    """Run PRIM on a run's parameter sets for the outcome ``metric > threshold``.

    Args:
        folder: the results folder of a run over parameter sets.
        metric: a headline key.
        threshold: in the metric's unit (fractions for probabilities and shares).
        below: the outcome is the metric below the threshold instead.

    Raises:
        InputError: not such a folder, an unknown metric, too few sets, or an outcome that
            no set (or every set) has.
    """
    import numpy as np
    import pandas as pd
    import prim

    from sim.experiment.summary import HEADLINES

    keys = [h.key for h in HEADLINES]
    if metric not in keys:
        raise InputError(f"--metric must be one of {', '.join(keys)}, not {metric!r}")
    params, rows = read_sets(folder)
    x = pd.DataFrame({p: [float(r[p]) for r in rows] for p in params})
    values = [float(r[metric]) if r[metric] not in ("", "nan") else math.nan for r in rows]
    y = np.array([(v < threshold) if below else (v > threshold) for v in values], dtype=float)
    side = "below" if below else "above"
    if len(rows) < 10:
        raise InputError(
            f"{folder}: {len(rows)} parameter sets are too few for scenario discovery; rerun "
            "with --samples 50 or more"
        )
    if y.sum() == 0 or y.sum() == len(y):
        share = "no" if y.sum() == 0 else "every"
        raise InputError(
            f"{share} parameter set has {metric} {side} {threshold}; choose a threshold "
            f"between {np.nanmin(values):.3g} and {np.nanmax(values):.3g}"
        )
    box = prim.Prim(x, y, threshold=0.5, threshold_type=">").find_box()
    limits = [
        {
            "parameter": str(name),
            "min": float(row["min"]),
            "max": float(row["max"]),
            "qp": float(row["qp values"]),
        }
        for name, row in box.limits.iterrows()
    ]
    trajectory = [
        {
            "coverage": float(r["coverage"]),
            "density": float(r["density"]),
            "mass": float(r["mass"]),
            "dims": int(r["res dim"]),
        }
        for _, r in box.peeling_trajectory.iterrows()
    ]
    return Discovery(
        metric,
        threshold,
        below,
        len(rows),
        int(y.sum()),
        limits,
        float(box.coverage),
        float(box.density),
        float(box.mass),
        trajectory,
        {p: (float(x[p].min()), float(x[p].max())) for p in params},
    )
