"""Robust design comparison: which design wins across what we do not know.

``sim compare`` over scenarios with uncertain parameters draws K parameter sets (a Latin
hypercube over the union of the designs' uncertain parameters: what we do not know about
the partners and the world is the same whatever the governance design) and runs every
design at every set with the same replication seeds (common random numbers across sets
and designs). For each headline metric it reports:

- for each ordered pair of designs (A, B), the probability across parameter sets that A
  does better than B (``better`` of :data:`~sim.experiment.summary.HEADLINES`; a tie
  counts one half), with a Wilson interval over the K sets, and the share of sets where A
  is better by a paired difference whose 95% interval excludes 0
  (:func:`~sim.experiment.compare.paired_difference`);
- a regret table: in each set, a design's regret is how much worse it does than the best
  design in that set (0 for the best); its mean and maximum over the sets, and the share
  of sets where it is best. The design with the smallest maximum regret is the minimax
  choice.

A design that does not have one of the uncertain parameters (e.g. a partner only another
design has) keeps its own value there; the report lists such gaps.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sim.errors import InputError
from sim.experiment import results, stats
from sim.experiment.compare import labels_for, metric_values, paired_difference
from sim.experiment.parameter_sets import (
    ParameterSet,
    build_sets,
    latin_hypercube,
    parameters_json,
    run_sets,
    spread,
)
from sim.experiment.signals import Interrupted
from sim.experiment.summary import HEADLINES
from sim.scenario.loader import LoadedScenario, scenario_at
from sim.scenario.uncertain import UncertainParameter


@dataclass
class RobustComparison:
    """Designs run at the same parameter sets with the same seeds.

    Attributes:
        labels: design labels (file stems), the first being the baseline.
        parameters: the union of the designs' uncertain parameters.
        sets: ``sets[d][k]``: design d at parameter set k, with its summary and rows.
        missing: ``missing[label]``: uncertain parameters that design does not have.
        seed: root seed.
        replications: replications per set and design.
        pairs: ``pairs[metric]``: one dict per ordered pair (``design``, ``versus``,
            ``p_better``, ``ci95``, ``p_significant``, ``sets``).
        regret: ``regret[metric]``: one dict per design (``design``, ``mean_estimate``,
            ``parameter_interval``, ``mean_regret``, ``max_regret``, ``p_best``).
        paths: the designs' scenario files.
    """

    labels: list[str]
    parameters: list[UncertainParameter]
    sets: list[list[ParameterSet]]
    missing: dict[str, list[str]]
    seed: int
    replications: int
    pairs: dict[str, list[dict]] = field(default_factory=dict)
    regret: dict[str, list[dict]] = field(default_factory=dict)
    paths: list[str] = field(default_factory=list)

    @property
    def samples(self) -> int:
        """Parameter sets."""
        return len(self.sets[0]) if self.sets else 0

    def estimates(self, d: int, key: str) -> np.ndarray:
        """Design d's estimate of a metric at every set (NaN where undefined)."""
        return np.array([s.estimate(key) for s in self.sets[d]], dtype=float)


def union_parameters(designs: Sequence[LoadedScenario]) -> list[UncertainParameter]:
    """Every design's uncertain parameters, by path, in order of first appearance.

    Raises:
        InputError: a parameter uncertain in two designs with different distributions.
    """
    seen: dict[str, tuple[UncertainParameter, str]] = {}
    for d in designs:
        for p in d.uncertain:
            if p.path not in seen:
                seen[p.path] = (p, d.path)
            elif seen[p.path][0].distribution != p.distribution:
                first, where = seen[p.path]
                raise InputError(
                    f"{p.path} is {first.distribution.describe()} in {where} but "
                    f"{p.distribution.describe()} in {d.path}: a robust comparison needs one "
                    "view of what we do not know; give the same range in both files"
                )
    return [p for p, _ in seen.values()]


def better_than(a: np.ndarray, b: np.ndarray, better: str) -> np.ndarray:
    """1 where a does better than b, 0.5 on a tie, 0 where worse; NaN if either is NaN."""
    diff = (b - a) if better == "lower" else (a - b)
    out = np.where(diff > 0, 1.0, np.where(diff == 0, 0.5, 0.0))
    return np.where(np.isfinite(diff), out, np.nan)


def regret_table(estimates: dict[str, np.ndarray], better: str) -> list[dict]:
    """Each design's regret across sets: how much worse than the best design in each set.

    Args:
        estimates: each design's estimate at every set (NaN where undefined).
        better: ``lower`` or ``higher``.

    Returns:
        One dict per design: ``mean_estimate``, ``parameter_interval`` (5-95%),
        ``mean_regret``, ``max_regret``, ``p_best`` (ties share), over the sets where
        every design is defined.
    """
    labels = list(estimates)
    m = np.vstack([estimates[k] for k in labels])
    ok = np.all(np.isfinite(m), axis=0)
    m = m[:, ok]
    if not m.shape[1]:
        return [{"design": k, "sets": 0} for k in labels]
    best = m.min(axis=0) if better == "lower" else m.max(axis=0)
    regret = (m - best) if better == "lower" else (best - m)
    is_best = regret == 0
    share = is_best / is_best.sum(axis=0)
    return [
        {
            "design": k,
            "mean_estimate": float(m[i].mean()),
            "parameter_interval": spread(m[i])["interval"],
            "mean_regret": float(regret[i].mean()),
            "max_regret": float(regret[i].max()),
            "p_best": float(share[i].mean()),
            "sets": int(m.shape[1]),
        }
        for i, k in enumerate(labels)
    ]


def analyse(comp: RobustComparison) -> None:
    """Fill in the pairwise probabilities and the regret table of every headline."""
    for h in HEADLINES:
        est = {label: comp.estimates(d, h.key) for d, label in enumerate(comp.labels)}
        comp.regret[h.key] = regret_table(est, h.better)
        rows = []
        for a, b in itertools.permutations(range(len(comp.labels)), 2):
            wins = better_than(est[comp.labels[a]], est[comp.labels[b]], h.better)
            defined = wins[np.isfinite(wins)]
            n = len(defined)
            p, ci = stats.wilson(round(float(defined.sum())), n) if n else (None, [None, None])
            rows.append(
                {
                    "design": comp.labels[a],
                    "versus": comp.labels[b],
                    "p_better": float(defined.mean()) if n else None,
                    "ci95": ci,
                    "p_significant": _significant(comp, a, b, h),
                    "sets": n,
                }
            )
        comp.pairs[h.key] = rows


def _significant(comp: RobustComparison, a: int, b: int, h) -> float | None:
    """Share of sets where design a beats b by a paired difference whose 95% CI excludes 0."""
    hits, n = 0, 0
    for sa, sb in zip(comp.sets[a], comp.sets[b], strict=True):
        if sa.experiment is None or sb.experiment is None:
            return None
        rows_a, rows_b = sa.experiment.rows, sb.experiment.rows
        assert isinstance(rows_a, list) and isinstance(rows_b, list)
        d = paired_difference(metric_values(rows_a, h.key), metric_values(rows_b, h.key))
        lo, hi = d["ci95"]
        if lo is None or hi is None:
            continue
        n += 1
        hits += (hi < 0) if h.better == "lower" else (lo > 0)
    return hits / n if n else None


def run_robust(
    designs: Sequence[LoadedScenario],
    *,
    samples: int,
    replications: int,
    seed: int,
    workers: int,
    progress: Callable[[int], None] | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    engine: str = "mesa",
) -> RobustComparison:
    """Run every design at the same K parameter sets with the same seeds, and analyse."""
    params = union_parameters(designs)
    if not params:
        raise InputError("no design has uncertain parameters: use sim compare without --samples")
    labels = labels_for([d.path or d.scenario.name for d in designs])
    unit = latin_hypercube(len(params), samples, seed)
    sets = build_sets([d.scenario for d in designs], params, unit)
    missing = {
        label: scenario_at(d.scenario, {p.path: p.distribution.central for p in params})[1]
        for label, d in zip(labels, designs, strict=True)
    }
    for label, d_sets in zip(labels, sets, strict=True):
        run_sets(
            d_sets,
            replications=replications,
            seed=seed,
            workers=workers,
            name=label,
            progress=progress,
            executor=executor,
            scheduler=scheduler,
            keep=True,
            engine=engine,
        )
    comp = RobustComparison(labels, params, sets, missing, seed, replications)
    comp.paths = [d.path for d in designs]
    analyse(comp)
    return comp


def robust_study(
    designs: Sequence[LoadedScenario],
    *,
    samples: int,
    replications: int,
    seed: int,
    workers: int,
    out: str | Path | None = None,
    results_root: str | Path = "results",
    progress: Callable[[int], None] | None = None,
    report: Callable[[Path, RobustComparison], list[str]] | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    engine: str = "mesa",
) -> tuple[Path, RobustComparison]:
    """One robust ``sim compare``: run the designs over parameter sets, write a folder.

    Files: ``robust.csv`` (pairwise probabilities), ``regret.csv``, ``sets.csv`` (every
    design's estimates at every set), ``robust.json``, whatever ``report`` writes, and
    ``manifest.json``.

    Raises:
        InputError: conflicting distributions, or a set that is not a valid scenario.
        Interrupted: stopped by Ctrl-C or SIGTERM (the manifest says so).
    """
    labels = labels_for([d.path or d.scenario.name for d in designs])
    params = union_parameters(designs)
    folder = results.new_folder(out, "compare-robust", results_root)
    info = {
        "kind": "robust_comparison",
        "designs": [
            {"label": lb, "scenario": d.path, "scenario_sha256": d.sha256}
            for lb, d in zip(labels, designs, strict=True)
        ],
        "parameters": parameters_json(params),
        "parameter_sets": samples,
        "sampler": "latin_hypercube",
        "replications": replications,
        "seed": seed,
        "common_random_numbers": True,
        "workers": workers,
        "executor": executor,
        "engine": engine,
        "started": results.now(),
    }
    try:
        with results.tracked(folder, info) as files:
            comp = run_robust(
                designs,
                samples=samples,
                replications=replications,
                seed=seed,
                workers=workers,
                progress=progress,
                executor=executor,
                scheduler=scheduler,
                engine=engine,
            )
            files += _write(folder, comp)
            if report is not None:
                files += report(folder, comp)
    except KeyboardInterrupt as stop:
        raise Interrupted.from_stop(folder, stop) from stop
    return folder, comp


def pair_rows(comp: RobustComparison) -> list[dict]:
    """Rows of ``robust.csv``."""
    return [
        {
            "metric": key,
            **{k: v for k, v in r.items() if k != "ci95"},
            "ci_low": r["ci95"][0],
            "ci_high": r["ci95"][1],
        }
        for key, rows in comp.pairs.items()
        for r in rows
    ]


def regret_rows(comp: RobustComparison) -> list[dict]:
    """Rows of ``regret.csv``."""
    out = []
    for key, rows in comp.regret.items():
        for r in rows:
            lo, hi = r.get("parameter_interval", [None, None])
            extra = {k: v for k, v in r.items() if k != "parameter_interval"}
            out.append({"metric": key, **extra, "parameter_low": lo, "parameter_high": hi})
    return out


def _write(folder: Path, comp: RobustComparison) -> list[str]:
    pair_cols = ["metric", "design", "versus", "p_better", "ci_low", "ci_high"]
    pair_cols += ["p_significant", "sets"]
    results.write_csv(folder / "robust.csv", pair_rows(comp), pair_cols)
    regret_cols = ["metric", "design", "mean_estimate", "parameter_low", "parameter_high"]
    regret_cols += ["mean_regret", "max_regret", "p_best", "sets"]
    results.write_csv(folder / "regret.csv", regret_rows(comp), regret_cols)
    set_rows = [
        {
            "parameter_set": s.index,
            "design": label,
            **s.values,
            **{h.key: s.estimate(h.key) for h in HEADLINES},
        }
        for label, d_sets in zip(comp.labels, comp.sets, strict=True)
        for s in d_sets
    ]
    results.write_csv(folder / "sets.csv", set_rows, list(set_rows[0]))
    results.write_json(
        folder / "robust.json",
        {
            "designs": comp.labels,
            "seed": comp.seed,
            "parameter_sets": comp.samples,
            "replications": comp.replications,
            "common_random_numbers": True,
            "parameters": parameters_json(comp.parameters),
            "missing": comp.missing,
            "pairs": comp.pairs,
            "regret": comp.regret,
        },
    )
    return ["robust.csv", "regret.csv", "sets.csv", "robust.json"]
