"""The Python API: load, run, compare and sweep scenarios from a notebook or a script.

    import sim

    scenario = sim.load("scenarios/equal_stakes.yaml")   # or a shipped name: "equal_stakes"
    res = sim.run(scenario, n=200, seed=7, workers=1)
    res.runs          # pandas DataFrame, one row per replication
    res.summary       # the same dict as summary.json
    res.save("results/equal")

The ``sim`` command is a thin layer over these functions. Every function takes a
scenario as a path, a shipped scenario's name, a :class:`~sim.scenario.schema.Scenario`
or a :class:`~sim.scenario.loader.LoadedScenario`, and ``set={"dotted.path": value}`` to
change it first (paths as in ``sim sweep --set``). Results are identical for a seed
whatever ``workers`` and ``executor`` are.
"""

from __future__ import annotations

import copy
import hashlib
import json
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from sim.errors import InputError, Problem
from sim.scenario.loader import LoadedScenario
from sim.scenario.schema import Scenario

Source = str | Path | Scenario | LoadedScenario
Progress = Callable[[int], None]


def load(path: str | Path) -> Scenario:
    """Read and validate a scenario file (or a shipped scenario by name).

    Args:
        path: a YAML file, or a shipped scenario's name (``sim scenarios list``).

    Returns:
        The validated scenario.

    Raises:
        InputError: missing, not YAML, or not a valid scenario (each problem located).
    """
    return _load(path).scenario


def _load(path: str | Path) -> LoadedScenario:
    from sim.scenario.loader import load_scenario
    from sim.scenario.shipped import resolve

    return load_scenario(resolve(path))


def check_engine(engine: str) -> str:
    """The engine name, checked (:mod:`sim.experiment.engines`).

    Raises:
        ValueError: an unknown engine.
    """
    from sim.experiment.engines import ENGINES

    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, got {engine!r}")
    return engine


def loaded(source: Source, overrides: Mapping[str, Any] | None = None) -> LoadedScenario:
    """A scenario with its provenance, from any :data:`Source`, with ``overrides`` set.

    Raises:
        InputError: the file or an override is not valid (located).
    """
    if isinstance(source, LoadedScenario):
        base = source
    elif isinstance(source, Scenario):
        base = _from_data(source.model_dump(mode="json"), source, "")
    else:
        base = _load(source)
    if not overrides:
        return base
    from sim.experiment.sweep import set_path
    from sim.scenario.loader import validate_mapping

    data = copy.deepcopy(base.scenario.model_dump(mode="json"))
    for path, value in overrides.items():
        set_path(data, path, value)
    label = ", ".join(f"{k}={v}" for k, v in overrides.items())
    try:
        scenario = validate_mapping(data)
    except InputError as exc:
        raise InputError(
            [Problem(p.message, path=p.path, file=f"set={{{label}}}") for p in exc.problems]
        ) from None
    return _from_data(data, scenario, base.path)


def _from_data(data: dict, scenario: Scenario, path: str) -> LoadedScenario:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False)
    sha = hashlib.sha256(canonical.encode()).hexdigest()
    return LoadedScenario(scenario, path, sha, yaml.safe_dump(data, sort_keys=False))


def _counts(n: int | None, seed: int | None, workers: int | None, scenario: Scenario) -> tuple:
    from sim.experiment.executors import default_workers
    from sim.scenario.schema import MAX_REPLICATIONS

    for name, value in (("n", n), ("seed", seed), ("workers", workers)):
        if isinstance(value, bool):  # True is an int to Python: never a count or a seed
            raise InputError(f"{name} must be a whole number, got {value}")
    n = scenario.replications if n is None else n
    seed = scenario.seed if seed is None else seed
    if not 1 <= n <= MAX_REPLICATIONS:
        raise InputError(f"n must be between 1 and {MAX_REPLICATIONS:,}, got {n}")
    if not 0 <= seed < 2**63:
        raise InputError(f"seed must be between 0 and 2^63-1, got {seed}")
    if workers is not None and workers < 1:
        raise InputError(f"workers must be at least 1, got {workers}")
    return n, seed, workers or default_workers()


def _folder(out: str | Path | None, results_root: str | Path | None) -> tuple[Path | None, bool]:
    """Where a study writes: ``out``, a new folder under ``results_root``, or a temporary one."""
    if out is not None or results_root is not None:
        return (Path(out) if out is not None else None), False
    return Path(tempfile.mkdtemp(prefix="sim-")), True


def run(
    scenario: Source,
    *,
    n: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    engine: str = "auto",
    set: Mapping[str, Any] | None = None,  # noqa: A002 - the CLI's --set, by its name
    executor: str = "local",
    scheduler: str | None = None,
    out: str | Path | None = None,
    results_root: str | Path | None = None,
    resume: str | Path | None = None,
    format: str = "csv",  # noqa: A002
    report: bool = False,
    progress: Progress | None = None,
):
    """Run a scenario ``n`` times.

    Args:
        scenario: a path, a shipped scenario's name, a Scenario or a LoadedScenario.
        n: replications (default: the scenario's ``replications``).
        seed: root seed (default: the scenario's ``seed``).
        workers: worker processes (default: all cores; 1 runs in this process).
        engine: ``auto`` (default: the fast engine when it models everything the
            scenario uses, else Mesa), ``mesa`` or ``fast`` (identical rows).
        set: ``{"dotted.path": value}`` changes to the scenario, validated first.
        executor: ``local``, ``serial`` or ``dask`` (the ``cluster`` extra).
        scheduler: a Dask scheduler address (``dask`` only).
        out: results folder to write (new or empty); default: a temporary folder that
            goes away with the result (keep it with ``.save(dir)``).
        results_root: with no ``out``, write a new timestamped folder under this one.
        resume: an interrupted run's folder to finish instead (same scenario and seed).
        format: ``csv`` or ``parquet`` for the tables on disk.
        report: draw the pictures and write the report into the folder now.
        progress: called with the number of replications just finished.

    Returns:
        A :class:`~sim.results.Results`.

    Raises:
        InputError: bad scenario, override, counts, format or folder.
        ValueError: an unknown engine.
    """
    from sim.experiment import tables
    from sim.experiment.study import run_study
    from sim.results import Results

    check_engine(engine)
    tables.check_format(format)
    spec = loaded(scenario, set)
    if resume is not None:
        from sim.experiment.study import resume_plan

        n, seed = resume_plan(resume, spec, n, seed)
    n, seed, w = _counts(n, seed, workers, spec.scenario)
    folder, temporary = _folder(out, results_root)
    hook = None
    if report:
        from sim.reports.report import run_report

        hook = run_report
    output = run_study(
        spec,
        replications=n,
        seed=seed,
        workers=w,
        out=folder,
        results_root=results_root or "results",
        progress=progress,
        report=hook,
        executor=executor,
        scheduler=scheduler,
        resume=resume,
        engine=engine,
    )
    if format == "parquet":
        tables.to_parquet(output.folder)
    return Results(output.folder, spec, output.experiment, temporary)


def compare(
    *designs: Source,
    n: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    engine: str = "auto",
    set: Mapping[str, Any] | None = None,  # noqa: A002
    executor: str = "local",
    scheduler: str | None = None,
    out: str | Path | None = None,
    results_root: str | Path | None = None,
    resume: str | Path | None = None,
    format: str = "csv",  # noqa: A002
    report: bool = False,
    progress: Progress | None = None,
):
    """Run two or more designs with common random numbers; the first is the baseline.

    Args:
        *designs: two or more scenarios (paths, shipped names, Scenario objects).
        n: replications per design (default: the first design's).
        seed: root seed shared by every design (default: the first design's).
        workers: worker processes (default: all cores).
        engine: ``auto``, ``mesa`` or ``fast``.
        set: changes applied to every design the same way.
        executor: ``local``, ``serial`` or ``dask``.
        scheduler: a Dask scheduler address.
        out: results folder (default: temporary).
        results_root: with no ``out``, a new timestamped folder under this one.
        resume: a stopped comparison's folder to finish.
        format: ``csv`` or ``parquet``.
        report: draw the pictures and write the report now.
        progress: called with the number of replications just finished.

    Returns:
        A :class:`~sim.results.ComparisonResults`.
    """
    from sim.experiment import tables
    from sim.experiment.compare import compare_study
    from sim.results import ComparisonResults

    check_engine(engine)
    tables.check_format(format)
    if len(designs) < 2:
        raise InputError("give at least two designs to compare (the first is the baseline)")
    specs = [loaded(d, set) for d in designs]  # every design validated before any run
    n, seed, w = _counts(n, seed, workers, specs[0].scenario)
    folder, temporary = _folder(out, results_root)
    hook = None
    if report:
        from sim.reports.compare import comparison_report

        hook = comparison_report
    where, comp = compare_study(
        specs,
        replications=n,
        seed=seed,
        workers=w,
        out=folder,
        results_root=results_root or "results",
        progress=progress,
        report=hook,
        executor=executor,
        scheduler=scheduler,
        resume=resume,
        engine=engine,
    )
    if format == "parquet":
        tables.to_parquet(where)
    return ComparisonResults(where, comp, temporary)


def settings(grid: Mapping[str, Sequence | str]) -> list:
    """Sweep settings from ``{"dotted.path": [values] or "start:stop:step" or "a,b,c"}``."""
    from sim.experiment.sweep import Setting, parse_spec

    out = []
    for path, values in grid.items():
        if isinstance(values, str):
            out.append(Setting(path, parse_spec(values, path)))
        elif isinstance(values, Sequence):
            out.append(Setting(path, tuple(values)))
        else:
            out.append(Setting(path, (values,)))
    return out


def sweep(
    scenario: Source,
    grid: Mapping[str, Sequence | str],
    *,
    n: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    engine: str = "auto",
    set: Mapping[str, Any] | None = None,  # noqa: A002
    executor: str = "local",
    scheduler: str | None = None,
    out: str | Path | None = None,
    results_root: str | Path | None = None,
    resume: str | Path | None = None,
    format: str = "csv",  # noqa: A002
    report: bool = False,
    progress: Progress | None = None,
):
    """Run a scenario over the full grid of parameter values, all with the same seeds.

    Args:
        scenario: the base scenario (as in :func:`run`).
        grid: ``{"dotted.path": values}``: a list, or a SPEC string as on the command
            line (``"1:3:1"``, ``"none,casting_vote"``); the last path varies fastest.
        n: replications per point (default: the scenario's).
        seed: root seed shared by every point (common random numbers).
        workers: worker processes (default: all cores).
        engine: ``auto``, ``mesa`` or ``fast``.
        set: changes to the base scenario, before the grid.
        executor: ``local``, ``serial`` or ``dask``.
        scheduler: a Dask scheduler address.
        out: results folder (default: temporary).
        results_root: with no ``out``, a new timestamped folder under this one.
        resume: a stopped sweep's folder to finish.
        format: ``csv`` or ``parquet``.
        report: draw the pictures and write the report now.
        progress: called with the number of replications just finished.

    Returns:
        A :class:`~sim.results.SweepResults`.
    """
    from sim.experiment import tables
    from sim.experiment.sweep import sweep_study
    from sim.results import SweepResults

    check_engine(engine)
    tables.check_format(format)
    base = loaded(scenario, set)
    parsed = settings(grid)
    n, seed, w = _counts(n, seed, workers, base.scenario)
    folder, temporary = _folder(out, results_root)
    hook = None
    if report:
        from sim.reports.sweep import sweep_report

        hook = sweep_report
    where, result = sweep_study(
        base,
        parsed,
        replications=n,
        seed=seed,
        workers=w,
        out=folder,
        results_root=results_root or "results",
        progress=progress,
        report=hook,
        executor=executor,
        scheduler=scheduler,
        resume=resume,
        engine=engine,
    )
    if format == "parquet":
        tables.to_parquet(where)
    return SweepResults(where, result, temporary)


def run_experiment_file(path: str | Path, **options: Any) -> Any:
    """Run a saved experiment (a sweep or a comparison) through :mod:`sim.api`.

    Args:
        path: the experiment file.
        **options: passed on to :func:`sim.api.sweep` or :func:`sim.api.compare`
            (``workers``, ``out``, ``results_root``, ``executor``, ``progress``...).
            ``n``, ``seed``, ``set`` and ``format`` come from the file.

    Returns:
        A :class:`~sim.results.SweepResults` or :class:`~sim.results.ComparisonResults`.
    """
    from sim.experiment.experiment_file import load_experiment

    spec = load_experiment(path)
    options.update(n=spec.replications, seed=spec.seed, set=spec.set, format=spec.format)
    if spec.kind == "sweep":
        assert spec.scenario is not None and spec.grid is not None  # checked on load
        return sweep(spec.scenario, spec.grid, **options)
    assert spec.designs is not None
    return compare(*spec.designs, **options)
