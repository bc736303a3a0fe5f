"""``sim run`` on a scenario with uncertain parameters: K parameter sets x n replications.

The sets are a seeded Latin hypercube over the uncertain parameters
(:mod:`sim.experiment.parameter_sets`); every set runs the same n replication seeds. The
summary is the ordinary one (:func:`~sim.experiment.summary.summarise`) over all K x n
replications pooled, so each headline keeps its ``ci95`` (simulation noise) and gains
``parameter_interval`` (5-95% of the per-set estimates), ``parameter_median`` and
``noise_share``; an ``uncertainty`` section lists the parameters, the sets and their
estimates. Files: ``runs.csv`` (one row per replication, with its ``parameter_set``, streamed to
disk set by set so memory stays flat), ``failures.csv`` (likewise),
``parameter_sets.csv``, ``influence.csv``, the report's, ``summary.json`` and the manifest.
Results are the same for any executor and number of workers.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sim.errors import InputError
from sim.experiment import results
from sim.experiment.outcomes import Tally
from sim.experiment.parameter_sets import (
    ParameterSet,
    build_sets,
    latin_hypercube,
    noise_share,
    parameters_json,
    run_sets,
    spread,
)
from sim.experiment.runner import Experiment, holder_names, run_columns
from sim.experiment.signals import Interrupted
from sim.experiment.sink import CHECKPOINT, FAILURES, RUNS, RunSink, StoredRows
from sim.experiment.study import RunOutput
from sim.experiment.summary import HEADLINES, influence_bands, summarise
from sim.experiment.totals import Totals
from sim.scenario.loader import LoadedScenario

MAX_SETS = 10_000


def pooled(sets: list[ParameterSet], base: LoadedScenario, seed: int, folder: Path) -> Experiment:
    """All sets' replications as one experiment, its rows in the folder's ``runs.csv``."""
    s = base.scenario
    names = holder_names(s)
    totals, tally = Totals(), Tally.empty(s.horizon_months, len(names))
    for ps in sets:
        assert ps.experiment is not None
        totals.merge(ps.experiment.totals)
        tally.add(ps.experiment.tally)
    rows = StoredRows(folder / RUNS, totals.replications)
    return Experiment(s, seed, rows, tally, names, totals)


def uncertain_summary(exp: Experiment, sets: list[ParameterSet], base: LoadedScenario) -> dict:
    """The pooled summary with each headline's parameter-uncertainty interval added."""
    name = Path(base.path).name if base.path else base.scenario.name
    summary = summarise(exp, name)
    for h in HEADLINES:
        sp = spread([ps.estimate(h.key) for ps in sets])
        summary[h.key] |= {
            "parameter_interval": sp["interval"],
            "parameter_median": sp["median"],
            "noise_share": noise_share(sets, h.key),
        }
    first = sets[0].experiment
    summary["uncertainty"] = {
        "sampler": "latin_hypercube",
        "parameter_sets": len(sets),
        "replications_per_set": first.totals.replications + first.totals.failures
        if first is not None
        else 0,
        "common_random_numbers": True,
        "parameter_interval": "5-95% of the per-set estimates",
        "parameters": parameters_json(base.uncertain),
        "sets": [
            {
                "set": ps.index,
                "values": ps.values,
                "estimates": {h.key: ps.estimate(h.key) for h in HEADLINES},
            }
            for ps in sets
        ],
    }
    return summary


def set_rows(sets: list[ParameterSet]) -> list[dict]:
    """One row per set: its values and each headline estimate with its 95% interval."""
    rows = []
    for ps in sets:
        assert ps.summary is not None
        row: dict = {"parameter_set": ps.index, **ps.values}
        for h in HEADLINES:
            row[h.key] = ps.estimate(h.key)
            row[f"{h.key}_ci_low"], row[f"{h.key}_ci_high"] = ps.summary[h.key]["ci95"]
        rows.append(row)
    return rows


def uncertain_run_study(
    loaded: LoadedScenario,
    *,
    samples: int,
    replications: int,
    seed: int,
    workers: int,
    out: str | Path | None = None,
    results_root: str | Path = "results",
    progress: Callable[[int], None] | None = None,
    report: Callable[[Path, Experiment, dict, LoadedScenario], list[str]] | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    engine: str = "mesa",
) -> RunOutput:
    """Run ``samples`` parameter sets x ``replications`` and write a results folder.

    Args:
        loaded: the scenario, with uncertain parameters.
        samples: parameter sets (Latin hypercube points).
        replications: replications per set (the same seeds in every set).
        seed: root seed (of the replications and of the sampler).
        workers: worker processes.
        out: results folder (new or empty); default under ``results_root``.
        results_root: parent of default results folders.
        progress: called with the number of replications just finished.
        report: writes pictures and a report (as for :func:`~sim.experiment.study.run_study`).
        executor: ``local``, ``serial`` or ``dask``.
        scheduler: Dask scheduler address (``dask`` only).
        engine: ``auto``, ``mesa`` or ``fast`` (:mod:`sim.experiment.engines`).

    Returns:
        The folder and the summary.

    Raises:
        InputError: no uncertain parameter, too many sets, or a set that is not valid.
        Interrupted: stopped by Ctrl-C or SIGTERM (the manifest says so).
    """
    if not loaded.uncertain:
        raise InputError("the scenario has no uncertain parameters to sample")
    if not 1 <= samples <= MAX_SETS:
        raise InputError(f"--samples must be between 1 and {MAX_SETS:,}, got {samples}")
    params = loaded.uncertain
    unit = latin_hypercube(len(params), samples, seed)
    (sets,) = build_sets([loaded.scenario], params, unit)  # all valid before anything runs
    stem = Path(loaded.path).stem if loaded.path else loaded.scenario.name
    folder = results.new_folder(out, stem, results_root)
    info = {
        "kind": "uncertain_run",
        "scenario": loaded.path,
        "scenario_title": loaded.scenario.name,
        "scenario_sha256": loaded.sha256,
        "seed": seed,
        "parameter_sets": samples,
        "replications": replications,
        "sampler": "latin_hypercube",
        "parameters": parameters_json(params),
        "common_random_numbers": True,
        "workers": workers,
        "executor": executor,
        "engine": engine,
        "started": results.now(),
    }
    try:
        with results.tracked(folder, info) as files:
            name = Path(loaded.path).name if loaded.path else loaded.scenario.name
            columns = run_columns(loaded.scenario)
            first = sets[0].index

            def sink_for(ps: ParameterSet) -> RunSink:
                tag = {"parameter_set": ps.index}
                return RunSink.shared(folder, columns, tag, first=ps.index == first)

            try:
                run_sets(
                    sets,
                    replications=replications,
                    seed=seed,
                    workers=workers,
                    name=name,
                    progress=progress,
                    executor=executor,
                    scheduler=scheduler,
                    keep=True,
                    engine=engine,
                    sink_for=sink_for,
                )
            finally:  # the sinks' checkpoints: such a run does not resume
                (folder / CHECKPOINT).unlink(missing_ok=True)
            exp = pooled(sets, loaded, seed, folder)
            summary = uncertain_summary(exp, sets, loaded)
            files += _write(folder, exp, sets, summary, loaded, report)
    except KeyboardInterrupt as stop:
        raise Interrupted.from_stop(folder, stop) from stop
    return RunOutput(folder, summary)


def _write(folder, exp, sets, summary, loaded, report) -> list[str]:
    files = [RUNS, FAILURES, "parameter_sets.csv", "influence.csv"]
    rows = set_rows(sets)
    results.write_csv(folder / "parameter_sets.csv", rows, list(rows[0]))
    bands = influence_bands(exp)
    results.write_csv(folder / "influence.csv", bands, list(bands[0]) if bands else ["month"])
    if report is not None and exp.totals.replications > 0:
        files += report(folder, exp, summary, loaded)
    results.write_json(folder / "summary.json", summary)
    return [*files, "summary.json"]
