"""Parameter sets: the scenario at many draws of its uncertain parameters.

A scenario whose values are partly distributions (:mod:`sim.scenario.uncertain`) stands
for many scenarios. A *parameter set* is one of them: one value per uncertain parameter,
taken from a point ``u`` of the unit cube through each distribution's inverse
distribution function. :func:`latin_hypercube` gives K such points (scipy's Latin
hypercube, seeded from the run's root seed); Morris and Sobol designs give others
(:mod:`sim.experiment.sensitivity`). Every set runs the same replication seeds (common
random numbers: replication r of every set, and of every design, shares its dice), through
:func:`~sim.experiment.runner.run_experiment`, so any engine or executor the runner has
serves here too, and results do not depend on the number of workers.

Each headline metric then has one estimate per set. Two intervals follow: *simulation
noise* (the 95% interval of the estimate pooled over every replication of every set, as
:mod:`~sim.experiment.summary` computes it) and *parameter uncertainty* (the 5-95%
range of the per-set estimates: how much the answer moves across what we do not know).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from sim.errors import InputError, Problem
from sim.experiment.executors import make_executor
from sim.experiment.runner import Experiment, run_experiment
from sim.experiment.sink import RunSink
from sim.experiment.summary import HEADLINES, summarise
from sim.scenario.loader import scenario_at
from sim.scenario.schema import Scenario
from sim.scenario.uncertain import UncertainParameter

SAMPLER_KEY = 2**32 - 1
"""Spawn key of the sampler's stream: apart from every replication's (keys 0..n-1)."""

SPREAD = (0.05, 0.95)
"""Quantiles of the per-set estimates reported as the parameter-uncertainty interval."""


@dataclass
class ParameterSet:
    """One draw of the uncertain parameters and its results.

    Attributes:
        index: 1-based position.
        values: the value of each uncertain parameter (by named path).
        scenario: the validated scenario at those values.
        summary: its summary (as in ``summary.json``) once run.
        experiment: its replications, when kept.
    """

    index: int
    values: dict[str, object]
    scenario: Scenario
    summary: dict | None = None
    experiment: Experiment | None = None

    def estimate(self, key: str) -> float:
        """A headline metric's estimate in this set (NaN when undefined)."""
        assert self.summary is not None
        h = next(h for h in HEADLINES if h.key == key)
        x = self.summary[h.key][h.value]
        return float("nan") if x is None else float(x)


def sampler_rng(seed: int) -> np.random.Generator:
    """The generator of a run's parameter draws: from its root seed, apart from the dice."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(SAMPLER_KEY,)))


def latin_hypercube(dimensions: int, samples: int, seed: int) -> np.ndarray:
    """``samples`` points of a Latin hypercube in [0, 1)^dimensions, seeded.

    Each parameter's range is cut into ``samples`` equally likely strata and each stratum
    is drawn once, so even a few sets cover every parameter's whole range.
    """
    from scipy.stats import qmc

    return qmc.LatinHypercube(d=dimensions, rng=sampler_rng(seed)).random(samples)


def values_at(params: Sequence[UncertainParameter], u: np.ndarray) -> dict[str, object]:
    """The value of each parameter at a point of the unit cube."""
    return {p.path: p.value(float(x)) for p, x in zip(params, u, strict=True)}


def build_sets(
    scenarios: Sequence[Scenario], params: Sequence[UncertainParameter], unit: np.ndarray
) -> list[list[ParameterSet]]:
    """Every design's scenario at every point, validated before anything runs.

    Args:
        scenarios: one scenario per design (usually one).
        params: the uncertain parameters.
        unit: points of the unit cube, one row per set.

    Returns:
        ``sets[design][k]``.

    Raises:
        InputError: a combination of values that is not a valid scenario (naming the set).
    """
    out: list[list[ParameterSet]] = [[] for _ in scenarios]
    problems: list[Problem] = []
    for k, u in enumerate(unit, start=1):
        values = values_at(params, u)
        for d, scenario in enumerate(scenarios):
            try:
                s, _ = scenario_at(scenario, values)
            except InputError as exc:
                described = ", ".join(f"{p}={v}" for p, v in values.items())
                problems += [
                    Problem(p.message, path=p.path, file=f"parameter set {k} ({described})")
                    for p in exc.problems
                ]
                continue
            out[d].append(ParameterSet(k, values, s))
    if problems:
        raise InputError(problems[:20])
    return out


def run_sets(
    sets: Sequence[ParameterSet],
    *,
    replications: int,
    seed: int,
    workers: int,
    name: str,
    progress: Callable[[int], None] | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    keep: bool = False,
    engine: str = "mesa",
    sink_for: Callable[[ParameterSet], RunSink] | None = None,
) -> None:
    """Run every set with the same replication seeds; fill in each set's summary.

    Args:
        sets: the parameter sets (of any designs).
        replications: replications per set.
        seed: root seed, shared by every set (common random numbers).
        workers: worker processes.
        name: what summaries call the scenario.
        progress: called with the number of replications just finished.
        executor: ``local``, ``serial`` or ``dask``; one executor serves every set.
        scheduler: Dask scheduler address (``dask`` only).
        keep: keep each set's experiment (its totals, and its rows unless streamed) as
            well as its summary.
        engine: ``auto``, ``mesa`` or ``fast`` (:mod:`sim.experiment.engines`).
        sink_for: the sink that streams a set's rows to disk (memory then stays flat
            however many sets and replications run); None keeps rows in memory.
    """
    with make_executor(executor, workers, scheduler, engine) as ex:
        for s in sets:
            sink = sink_for(s) if sink_for is not None else None
            exp = run_experiment(
                s.scenario, replications, seed, workers, progress, executor=ex, sink=sink
            )
            s.summary = summarise(exp, name)
            s.experiment = exp if keep else None


def spread(estimates: Sequence[float]) -> dict:
    """The parameter-uncertainty interval of per-set estimates.

    Returns:
        ``{"median", "interval": [q05, q95], "sets"}`` over the sets where the estimate is
        defined (``None`` values when none is).
    """
    x = np.asarray(estimates, dtype=float)
    x = x[np.isfinite(x)]
    if not len(x):
        return {"median": None, "interval": [None, None], "sets": 0}
    lo, mid, hi = np.quantile(x, [SPREAD[0], 0.5, SPREAD[1]])
    return {"median": float(mid), "interval": [float(lo), float(hi)], "sets": int(len(x))}


def noise_share(sets: Sequence[ParameterSet], key: str) -> float | None:
    """How much of the spread of per-set estimates is simulation noise, in [0, 1].

    The mean squared standard error of the per-set estimates (from their 95% intervals)
    over the variance of the estimates across sets; near 1, the parameter interval is
    mostly noise and more replications per set are needed to read it.
    """
    h = next(h for h in HEADLINES if h.key == key)
    est, se2 = [], []
    for s in sets:
        assert s.summary is not None
        entry = s.summary[key]
        lo, hi = entry["ci95"]
        if entry[h.value] is None or lo is None or hi is None:
            continue
        est.append(float(entry[h.value]))
        se2.append(((hi - lo) / (2 * 1.96)) ** 2)
    if len(est) < 2:
        return None
    var = float(np.var(est, ddof=1))
    if var <= 0:
        return 1.0 if np.mean(se2) > 0 else None
    return float(min(1.0, np.mean(se2) / var))


def parameters_json(params: Sequence[UncertainParameter]) -> list[dict]:
    """The uncertain parameters as written, for manifests and summaries."""
    return [
        {
            "parameter": p.path,
            "distribution": p.distribution.to_json(),
            "central": p.distribution.central,
        }
        for p in params
    ]
