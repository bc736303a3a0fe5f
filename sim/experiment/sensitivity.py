"""Global sensitivity: which uncertain parameters drive each headline answer.

``sim sensitivity`` runs a scenario at the points of a SALib design over its uncertain
parameters (:mod:`sim.scenario.uncertain`), every point with the same replication seeds
(common random numbers), and analyses each headline metric's per-point estimate:

- **Morris** screening (elementary effects, Campolongo et al. 2007): ``mu_star``, the mean
  absolute change of the metric when one parameter moves across its range (in the metric's
  unit, for the whole range), with its bootstrap 95% interval, and ``sigma``, the spread of
  those effects (non-linearity or interaction); ``samples`` trajectories of d + 1 points.
- **Sobol** indices (Saltelli 2010, Jansen): ``S1``, the share of the metric's variance due
  to a parameter alone, and ``ST``, the share it takes part in with interactions, with
  bootstrap 95% intervals; ``samples`` base points give samples x (d + 2) points.

The design is on the unit cube; each point maps to values through each distribution's
inverse distribution function, so a parameter's "range" is its distribution. Each point's
metric is an estimate over n replications and carries simulation noise: Morris reports a
``noise_floor`` (the mean absolute elementary effect that noise alone would give), and
indices of parameters below it are not told apart from noise. SALib and scipy are imported
inside the functions that use them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sim.errors import InputError
from sim.experiment import results
from sim.experiment.parameter_sets import (
    ParameterSet,
    build_sets,
    parameters_json,
    run_sets,
    sampler_rng,
)
from sim.experiment.signals import Interrupted
from sim.experiment.summary import HEADLINES
from sim.scenario.loader import LoadedScenario

METHODS = ("morris", "sobol")
MORRIS_LEVELS = 4
MAX_POINTS = 100_000
INDICES = {
    "morris": ["mu_star", "mu_star_conf", "mu", "sigma"],
    "sobol": ["S1", "S1_conf", "ST", "ST_conf"],
}
RANK_BY = {"morris": "mu_star", "sobol": "ST"}


@dataclass
class Sensitivity:
    """The design, its points' results, and the indices.

    Attributes:
        method: ``morris`` or ``sobol``.
        names: the uncertain parameters' paths, in design column order.
        unit: the design on the unit cube (points x parameters).
        sets: the parameter set of every point, in design order, with its summary.
        estimates: ``estimates[metric]``: the metric at every point.
        indices: ``indices[metric]``: one dict per parameter (:data:`INDICES` and ``rank``),
            ranked; empty when the metric is undefined at some point.
        notes: ``notes[metric]``: why a metric was not analysed, or its noise floor.
        seed: root seed.
        replications: replications per point.
        samples: trajectories (Morris) or base points (Sobol).
    """

    method: str
    names: list[str]
    unit: np.ndarray
    sets: list[ParameterSet]
    estimates: dict[str, np.ndarray] = field(default_factory=dict)
    indices: dict[str, list[dict]] = field(default_factory=dict)
    notes: dict[str, dict] = field(default_factory=dict)
    seed: int = 0
    replications: int = 0
    samples: int = 0


def problem(names: Sequence[str]) -> dict:
    """SALib's problem on the unit cube: one ``[0, 1]`` range per parameter."""
    return {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}


def salib_seed(seed: int) -> int:
    """An integer seed for SALib's samplers and bootstraps, from the root seed."""
    return int(sampler_rng(seed).integers(2**31 - 1))


def design(method: str, names: Sequence[str], samples: int, seed: int) -> np.ndarray:
    """The points of a Morris or Sobol design on the unit cube.

    Args:
        method: ``morris`` (``samples`` trajectories of d + 1 points, 4 levels) or
            ``sobol`` (Saltelli's scheme without second order: samples x (d + 2) points;
            ``samples`` a power of 2).
        names: the parameters.
        samples: trajectories or base points.
        seed: root seed.

    Returns:
        Points x parameters, in [0, 1].
    """
    prob = problem(names)
    if method == "morris":
        from SALib.sample import morris as morris_sample

        return morris_sample.sample(prob, samples, num_levels=MORRIS_LEVELS, seed=salib_seed(seed))
    from SALib.sample import sobol as sobol_sample

    return sobol_sample.sample(prob, samples, calc_second_order=False, seed=salib_seed(seed))


def analyse(
    method: str, names: Sequence[str], unit: np.ndarray, y: np.ndarray, seed: int
) -> list[dict]:
    """The indices of one output at the design's points, ranked (largest first).

    Args:
        method: ``morris`` or ``sobol``.
        names: the parameters.
        unit: the design (as :func:`design` made it).
        y: the output at every point (finite).
        seed: root seed (of the bootstrap intervals).

    Returns:
        One dict per parameter: ``parameter``, ``rank`` (1 = most influential, by
        :data:`RANK_BY`) and the method's :data:`INDICES` (``_conf`` = half-width of the
        95% bootstrap interval).
    """
    prob = problem(names)
    y = np.asarray(y, dtype=float)
    if method == "morris":
        from SALib.analyze import morris

        res = morris.analyze(
            prob, unit, y, conf_level=0.95, num_levels=MORRIS_LEVELS, seed=salib_seed(seed)
        )
    else:
        from SALib.analyze import sobol

        res = sobol.analyze(
            prob, y, calc_second_order=False, conf_level=0.95, seed=salib_seed(seed)
        )
    rows: list[dict] = [
        {"parameter": name, **{k: _float(res[k][i]) for k in INDICES[method]}}
        for i, name in enumerate(names)
    ]
    key = RANK_BY[method]
    rows.sort(key=lambda r: -r[key] if r[key] is not None else math.inf)
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return rows


def _float(x: object) -> float | None:
    v = float(x)  # type: ignore[arg-type]
    return v if math.isfinite(v) else None


def morris_noise_floor(sets: Sequence[ParameterSet], key: str) -> float | None:
    """The mean absolute elementary effect simulation noise alone would give.

    Two points of a trajectory differ by Delta = levels / (2 (levels - 1)) of the range;
    with independent noise of standard error SE at each (common random numbers make it
    smaller), an effect's noise is N(0, 2 SE^2) / Delta and its mean absolute value
    sqrt(2) SE sqrt(2 / pi) / Delta. SE is the median over points (from their 95% intervals).
    """
    se = []
    for s in sets:
        assert s.summary is not None
        lo, hi = s.summary[key]["ci95"]
        if lo is not None and hi is not None:
            se.append((hi - lo) / (2 * 1.96))
    if not se:
        return None
    delta = MORRIS_LEVELS / (2 * (MORRIS_LEVELS - 1))
    return float(math.sqrt(2) * np.median(se) * math.sqrt(2 / math.pi) / delta)


def check_samples(method: str, samples: int, parameters: int) -> int:
    """The number of points; refuse a method or size that cannot work.

    Raises:
        InputError: an unknown method, a Sobol size that is not a power of 2, too few
            parameters, or too many points.
    """
    if method not in METHODS:
        raise InputError(f"--method must be morris or sobol, got {method!r}")
    if parameters < 2:
        raise InputError(
            "sensitivity needs at least two uncertain parameters: give values as ranges, "
            "e.g. outside_option: {uniform: [0.65, 0.85]}"
        )
    if samples < 2:
        raise InputError(f"--samples must be at least 2, got {samples}")
    if method == "sobol" and samples & (samples - 1):
        raise InputError(f"Sobol --samples must be a power of 2 (8, 16, 32...), got {samples}")
    points = samples * (parameters + 1 if method == "morris" else parameters + 2)
    if points > MAX_POINTS:
        raise InputError(f"the design has {points:,} points; the limit is {MAX_POINTS:,}")
    return points


def run_sensitivity(
    loaded: LoadedScenario,
    *,
    method: str,
    samples: int,
    replications: int,
    seed: int,
    workers: int,
    progress: Callable[[int], None] | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    engine: str = "mesa",
) -> Sensitivity:
    """Run the design's points with common random numbers and analyse every headline.

    Returns:
        The sensitivity: estimates and ranked indices per headline metric.
    """
    params = loaded.uncertain
    check_samples(method, samples, len(params))
    names = [p.path for p in params]
    unit = design(method, names, samples, seed)
    (sets,) = build_sets([loaded.scenario], params, unit)
    run_sets(
        sets,
        replications=replications,
        seed=seed,
        workers=workers,
        name=Path(loaded.path).name or loaded.scenario.name,
        progress=progress,
        executor=executor,
        scheduler=scheduler,
        engine=engine,
    )
    out = Sensitivity(method, names, unit, sets, seed=seed, replications=replications)
    out.samples = samples
    for h in HEADLINES:
        y = np.array([s.estimate(h.key) for s in sets], dtype=float)
        out.estimates[h.key] = y
        bad = int((~np.isfinite(y)).sum())
        if bad:
            out.indices[h.key] = []
            out.notes[h.key] = {"undefined_points": bad}
            continue
        out.indices[h.key] = analyse(method, names, unit, y, seed)
        out.notes[h.key] = {
            "spread": float(np.std(y)),
            "noise_floor": morris_noise_floor(sets, h.key) if method == "morris" else None,
        }
    return out


def sensitivity_rows(sens: Sensitivity) -> list[dict]:
    """Rows of ``sensitivity.csv``: one per (metric, parameter), ranked within a metric."""
    return [
        {"metric": h.key, "method": sens.method, **row}
        for h in HEADLINES
        for row in sens.indices[h.key]
    ]


def sensitivity_columns(method: str) -> list[str]:
    """Columns of ``sensitivity.csv``."""
    return ["metric", "parameter", "rank", "method", *INDICES[method]]


def sensitivity_study(
    loaded: LoadedScenario,
    *,
    method: str,
    samples: int,
    replications: int,
    seed: int,
    workers: int,
    out: str | Path | None = None,
    results_root: str | Path = "results",
    progress: Callable[[int], None] | None = None,
    report: Callable[[Path, Sensitivity, LoadedScenario], list[str]] | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    engine: str = "mesa",
) -> tuple[Path, Sensitivity]:
    """One ``sim sensitivity``: run the design and write a results folder.

    Files: ``sensitivity.csv`` (:func:`sensitivity_columns`), ``points.csv`` (every point's
    values and headline estimates), ``sensitivity.json``, whatever ``report`` writes (bar
    charts, report) and ``manifest.json``.

    Raises:
        InputError: see :func:`check_samples`; a point that is not a valid scenario.
        Interrupted: stopped by Ctrl-C or SIGTERM (the manifest says so).
    """
    points = check_samples(method, samples, len(loaded.uncertain))
    stem = (Path(loaded.path).stem or "scenario") + f"-{method}"
    folder = results.new_folder(out, stem, results_root)
    info = {
        "kind": "sensitivity",
        "method": method,
        "scenario": loaded.path,
        "scenario_title": loaded.scenario.name,
        "scenario_sha256": loaded.sha256,
        "samples": samples,
        "points": points,
        "replications": replications,
        "seed": seed,
        "parameters": parameters_json(loaded.uncertain),
        "common_random_numbers": True,
        "workers": workers,
        "executor": executor,
        "engine": engine,
        "started": results.now(),
    }
    try:
        with results.tracked(folder, info) as files:
            sens = run_sensitivity(
                loaded,
                method=method,
                samples=samples,
                replications=replications,
                seed=seed,
                workers=workers,
                progress=progress,
                executor=executor,
                scheduler=scheduler,
                engine=engine,
            )
            files += _write(folder, sens, loaded)
            if report is not None:
                files += report(folder, sens, loaded)
    except KeyboardInterrupt as stop:
        raise Interrupted.from_stop(folder, stop) from stop
    return folder, sens


def _write(folder: Path, sens: Sensitivity, loaded: LoadedScenario) -> list[str]:
    results.write_csv(
        folder / "sensitivity.csv", sensitivity_rows(sens), sensitivity_columns(sens.method)
    )
    points = [
        {"point": s.index, **s.values, **{h.key: s.estimate(h.key) for h in HEADLINES}}
        for s in sens.sets
    ]
    results.write_csv(folder / "points.csv", points, list(points[0]))
    results.write_json(
        folder / "sensitivity.json",
        {
            "scenario": loaded.path,
            "method": sens.method,
            "samples": sens.samples,
            "points": len(sens.sets),
            "replications": sens.replications,
            "seed": sens.seed,
            "parameters": parameters_json(loaded.uncertain),
            "indices": sens.indices,
            "notes": sens.notes,
        },
    )
    return ["sensitivity.csv", "points.csv", "sensitivity.json"]
