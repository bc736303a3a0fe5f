"""Governance designs side by side, with common random numbers and paired differences.

Every design is run with the same root seed, so replication r of each design uses the same
replication seed (:func:`~sim.experiment.runner.replication_seeds`): the dice are shared and
differences between designs come from the design. Each headline metric of
:data:`~sim.experiment.summary.HEADLINES` has a per-replication value
(:data:`PER_REPLICATION`); the paired difference of design X against the first design is
the mean over replications of ``value_X[r] - value_A[r]`` with a Student-t interval. For the
probabilities (leader, fracture) the per-replication value is a 0/1 indicator, so the
paired difference is a difference of proportions with a t interval on the paired
indicators (accurate for hundreds of replications). Replications where either design has
no value (e.g. no decision at all) are left out of that metric's pairs.

Comparing a design with itself gives differences of exactly 0 with a ``[0, 0]`` interval.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sim.errors import literal
from sim.experiment import results, stats
from sim.experiment.executors import make_executor
from sim.experiment.resume import PointStore, reopen
from sim.experiment.runner import Experiment, run_columns, run_experiment
from sim.experiment.signals import Interrupted
from sim.experiment.summary import HEADLINES, summarise
from sim.scenario.loader import LoadedScenario

PER_REPLICATION: dict[str, Callable[[dict], float]] = {h.key: h.per_replication for h in HEADLINES}
"""Each headline metric's value in one replication (NaN where it has none)."""


@dataclass
class Design:
    """One design of a comparison and its results.

    Attributes:
        label: short unique name (the file's stem, numbered when repeated).
        loaded: the scenario and its provenance.
        experiment: its replications.
        summary: its summary, as in ``summary.json``.
        folder: the name of its folder under ``designs/`` (see :func:`folders_for`).
    """

    label: str
    loaded: LoadedScenario
    experiment: Experiment
    summary: dict
    folder: str = ""


@dataclass
class Comparison:
    """Designs run with common random numbers, and their paired differences.

    Attributes:
        designs: the designs, the first being the baseline.
        seed: root seed shared by all designs.
        replications: replications per design.
        differences: ``differences[label][metric]`` = ``{"mean", "ci95", "pairs"}``, the
            paired difference of that design minus the first (in the metric's unit; shares
            and probabilities as fractions).
        engines: per design label, the engine that ran it (``mesa`` or ``fast``).
    """

    designs: list[Design]
    seed: int
    replications: int
    differences: dict[str, dict[str, dict]] = field(default_factory=dict)
    engines: dict[str, str] = field(default_factory=dict)


def paired_difference(
    values: Sequence[float] | np.ndarray, baseline: Sequence[float] | np.ndarray
) -> dict:
    """Mean paired difference ``values - baseline`` with its 95% t interval.

    Args:
        values: per-replication values of a design (NaN where undefined).
        baseline: the baseline design's values for the same replications.

    Returns:
        ``{"mean", "ci95", "pairs"}``; pairs with a NaN on either side are left out.
    """
    x = np.asarray(values, dtype=float)
    y = np.asarray(baseline, dtype=float)
    both = np.isfinite(x) & np.isfinite(y)
    mean, ci = stats.mean_ci(x[both] - y[both])
    return {"mean": mean, "ci95": ci, "pairs": int(both.sum())}


def metric_values(rows: list[dict], key: str) -> np.ndarray:
    """A headline metric's per-replication values, in replication order."""
    return np.array([PER_REPLICATION[key](r) for r in rows], dtype=float)


def differences(designs: list[Design]) -> dict[str, dict[str, dict]]:
    """Paired differences of every design against the first, per headline metric."""
    # Pairs are replications that ran to the end in every design (a replication that
    # raised in one design is left out of all, so positions stay paired by seed).
    # One pass over each design's rows, which may be streamed from disk (issue 4).
    ran = [{r["replication"] for r in d.experiment.rows} for d in designs]
    common = set.intersection(*ran) if ran else set()

    def values(rows) -> dict[str, np.ndarray]:
        cols: dict[str, list[float]] = {h.key: [] for h in HEADLINES}
        for r in rows:
            if r["replication"] in common:
                for key, col in cols.items():
                    col.append(PER_REPLICATION[key](r))
        return {key: np.array(col, dtype=float) for key, col in cols.items()}

    base = values(designs[0].experiment.rows)
    out = {}
    for d in designs:
        mine = values(d.experiment.rows)
        out[d.label] = {h.key: paired_difference(mine[h.key], base[h.key]) for h in HEADLINES}
    return out


def labels_for(paths: Sequence[str]) -> list[str]:
    """Unique short labels: file stems, numbered ``stem (2)`` when a stem is repeated."""
    used: set[str] = set()
    out = []
    for p in paths:
        stem = literal(Path(p).stem) or "design"  # shown in tables: no invisible characters
        label, k = stem, 1
        while label in used:
            k += 1
            label = f"{stem} ({k})"
        used.add(label)
        out.append(label)
    return out


def folders_for(labels: Sequence[str]) -> list[str]:
    """Each design's folder name under ``designs/``: the label as a file name, unique.

    Different labels can be the same file name (``a+b`` and ``a_b`` are both ``a_b``; on
    some systems ``A`` and ``a`` are one name), so a repeated name gets ``-2``, ``-3``...
    (``a_b``, ``a_b-2``), and no design's files overwrite another's.
    """
    used: set[str] = set()
    out = []
    for label in labels:
        base = results._safe(label)
        name, k = base, 1
        while name.lower() in used:
            k += 1
            name = f"{base[: 80 - len(str(k)) - 1]}-{k}"
        used.add(name.lower())
        out.append(name)
    return out


def renamed(designs: Sequence[Design]) -> list[str]:
    """Notes on designs whose folder is not their label as a file name (a clash)."""
    return [
        f"{d.label}'s files are in designs/{d.folder} (designs/{results._safe(d.label)} "
        "holds another design's: their names are the same as file names)"
        for d in designs
        if d.folder != results._safe(d.label)
    ]


def run_comparison(
    designs: Sequence[LoadedScenario],
    *,
    replications: int,
    seed: int,
    workers: int,
    progress: Callable[[int], None] | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    store: PointStore | None = None,
    engine: str = "mesa",
) -> Comparison:
    """Run every design with the same seeds and compute the paired differences.

    Args:
        designs: the designs; the first is the baseline.
        replications: replications per design.
        seed: root seed, shared (common random numbers).
        workers: worker processes.
        progress: called with the number of replications just finished.
        executor: ``local``, ``serial`` or ``dask``; one executor (one pool or cluster)
            serves every design (see :mod:`sim.experiment.executors`).
        scheduler: Dask scheduler address (``dask`` only; None starts a local cluster).
        store: where designs stream their rows (``designs/<label>/``, resumable); None
            keeps rows in memory.
        engine: ``auto``, ``mesa`` or ``fast`` (:mod:`sim.experiment.engines`).

    Returns:
        The comparison.
    """
    labels = labels_for([d.path or d.scenario.name for d in designs])
    done = []
    with make_executor(executor, workers, scheduler, engine) as ex:
        for label, key, loaded in zip(labels, folders_for(labels), designs, strict=True):
            sink = (
                store.sink(key, loaded.scenario, replications, {"design": label}) if store else None
            )
            exp = run_experiment(
                loaded.scenario, replications, seed, workers, progress, executor=ex, sink=sink
            )
            name = Path(loaded.path).name or loaded.scenario.name
            done.append(Design(label, loaded, exp, summarise(exp, name), key))
    used = {d.label: ex.engines.get(d.loaded.scenario.name, "mesa") for d in done}
    return Comparison(done, seed, replications, differences(done), used)


def comparison_rows(comp: Comparison) -> list[dict]:
    """One row per (metric, design): estimate and interval, difference and its interval."""
    rows = []
    for h in HEADLINES:
        for d in comp.designs:
            entry = d.summary[h.key]
            diff = comp.differences[d.label][h.key]
            rows.append(
                {
                    "metric": h.key,
                    "label": h.label,
                    "unit": h.unit,
                    "design": d.label,
                    "estimate": entry[h.value],
                    "ci_low": entry["ci95"][0],
                    "ci_high": entry["ci95"][1],
                    "diff_vs_first": diff["mean"],
                    "diff_ci_low": diff["ci95"][0],
                    "diff_ci_high": diff["ci95"][1],
                    "pairs": diff["pairs"],
                }
            )
    return rows


COMPARISON_COLUMNS = [
    "metric",
    "label",
    "unit",
    "design",
    "estimate",
    "ci_low",
    "ci_high",
    "diff_vs_first",
    "diff_ci_low",
    "diff_ci_high",
    "pairs",
]


def compare_study(
    designs: Sequence[LoadedScenario],
    *,
    replications: int,
    seed: int,
    workers: int,
    out: str | Path | None = None,
    results_root: str | Path = "results",
    progress: Callable[[int], None] | None = None,
    report: Callable[[Path, Comparison], list[str]] | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    resume: str | Path | None = None,
    engine: str = "mesa",
) -> tuple[Path, Comparison]:
    """One ``sim compare``: run the designs and write a results folder.

    Files: ``comparison.csv`` (:data:`COMPARISON_COLUMNS`), ``comparison.json`` (every
    design's summary and the differences), ``designs/<label>/runs.csv`` and
    ``summary.json``, whatever ``report`` writes (plots, report), and ``manifest.json``
    naming every design (path, title, sha256) and every file; the manifest is written
    first (``running``) and last (``complete``, or ``failed``/``interrupted``).

    Args:
        designs: the designs; the first is the baseline.
        replications: replications per design.
        seed: root seed shared by all designs.
        workers: worker processes.
        out: results folder (new or empty); default ``results_root/compare-<time>``.
        results_root: parent of default results folders.
        progress: called with the number of replications just finished.
        report: writes pictures and a report into the folder and returns their names.
        executor: ``local``, ``serial`` or ``dask`` (see :mod:`sim.experiment.executors`).
        scheduler: Dask scheduler address (``dask`` only; None starts a local cluster).
        resume: the folder of a stopped comparison of the same files, seed and
            replications: what is on disk is kept, the rest run (issue 4).
        engine: ``auto``, ``mesa`` or ``fast`` (:mod:`sim.experiment.engines`).

    Returns:
        The folder and the comparison.

    Raises:
        Interrupted: stopped by Ctrl-C or SIGTERM; completed chunks are kept.
    """
    labels = labels_for([d.path or d.scenario.name for d in designs])
    folders = folders_for(labels)
    info = {
        "kind": "comparison",
        "engine": engine,
        "designs": [
            {
                "label": label,
                "folder": f"designs/{key}",
                "scenario": d.path,
                "scenario_title": d.scenario.name,
                "scenario_sha256": d.sha256,
            }
            for label, key, d in zip(labels, folders, designs, strict=True)
        ],
        "seed": seed,
        "replications": replications,
        "common_random_numbers": True,
        "workers": workers,
        "executor": executor,
        "scheduler": scheduler,
        "started": results.now(),
    }
    if resume is not None:
        old = reopen(
            resume, "comparison", {k: info[k] for k in ("designs", "seed", "replications")}
        )
        folder = Path(resume)
        info.update(started=old.get("started"), resumed=[*old.get("resumed", []), results.now()])
    else:
        folder = results.new_folder(out, "compare", results_root)
    store = PointStore(folder, resume is not None, subfolder="designs")
    parts = [
        (key, d.scenario, {"design": label})
        for label, key, d in zip(labels, folders, designs, strict=True)
    ]
    store.check(parts, replications)  # every kept design read before anything is written
    try:
        comp = _run_and_write(folder, info, store, designs, progress, report, executor, scheduler)
    except KeyboardInterrupt as stop:
        raise Interrupted.from_stop(folder, stop) from stop
    for key in folders:
        store.discard_checkpoint(key)
    return folder, comp


def _run_and_write(folder, info, store, designs, progress, report, executor, scheduler):
    """Run the designs into ``folder`` under its manifest and write the tables and report."""
    replications, seed, workers = info["replications"], info["seed"], info["workers"]
    with results.tracked(folder, info, new=not store.resume) as files:
        comp = run_comparison(
            designs,
            replications=replications,
            seed=seed,
            workers=workers,
            progress=progress,
            executor=executor,
            scheduler=scheduler,
            store=store,
            engine=info.get("engine", "mesa"),
        )
        info["engines"] = comp.engines  # the engine each design ran on (manifest)
        files += _write(folder, comp)
        if report is not None:
            files += report(folder, comp)
    return comp


def _write(folder: Path, comp: Comparison) -> list[str]:
    """Write the tables of a comparison; return their names relative to the folder."""
    files = ["comparison.csv", "comparison.json"]
    results.write_csv(folder / files[0], comparison_rows(comp), COMPARISON_COLUMNS)
    results.write_json(
        folder / files[1],
        {
            "baseline": comp.designs[0].label,
            "seed": comp.seed,
            "replications": comp.replications,
            "common_random_numbers": True,
            "summaries": {d.label: d.summary for d in comp.designs},
            "differences_vs_first": comp.differences,
        },
    )
    for d in comp.designs:
        sub = folder / "designs" / d.folder
        sub.mkdir(parents=True, exist_ok=True)
        exp = d.experiment
        columns = run_columns(exp.scenario)
        if isinstance(exp.rows, list):  # streamed rows are already in runs.csv (issue 4)
            results.write_csv(sub / "runs.csv", exp.rows, columns)
        results.write_json(sub / "summary.json", d.summary)
        rel = sub.relative_to(folder).as_posix()
        files += [f"{rel}/runs.csv", f"{rel}/summary.json"]
        if (sub / "failures.csv").exists():
            files.append(f"{rel}/failures.csv")
    return files
