"""One ``sim run``: a scenario run many times into a results folder, resumable.

Writes ``manifest.json`` first (status ``running``); streams ``runs.csv`` and
``failures.csv`` chunk by chunk (with a ``checkpoint.npz``, see
:mod:`sim.experiment.sink`); then ``influence.csv``, the pictures and report, ``summary.json``
last, and the manifest again (``complete``). A run that fails or is stopped (Ctrl-C, SIGTERM)
keeps its completed chunks and leaves a manifest that says ``failed`` or
``interrupted``; ``resume=FOLDER`` finishes it, giving the same files as an
uninterrupted run (only the manifest's times differ).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sim.errors import InputError, Problem
from sim.experiment import lock, results
from sim.experiment.checkpoint import read_checkpoint
from sim.experiment.executors import make_executor
from sim.experiment.outcomes import Tally
from sim.experiment.resume import another_kind
from sim.experiment.runner import Experiment, holder_names, run_columns, run_experiment
from sim.experiment.signals import Interrupted
from sim.experiment.sink import FAILURES, RUNS, RunSink
from sim.experiment.summary import influence_bands, summarise
from sim.scenario.loader import LoadedScenario
from sim.scenario.schema import MAX_REPLICATIONS


@dataclass(frozen=True)
class RunOutput:
    """Where a run went and what it found.

    Attributes:
        folder: the results folder.
        summary: the summary, as in ``summary.json``.
        experiment: the replications (rows read back from ``runs.csv``) and pooled
            histograms, for pictures drawn later; None when a finished folder was reopened.
    """

    folder: Path
    summary: dict
    experiment: Experiment | None = None


def run_study(
    loaded: LoadedScenario,
    *,
    replications: int | None,
    seed: int | None,
    workers: int,
    out: str | Path | None = None,
    results_root: str | Path = "results",
    progress: Callable[[int], None] | None = None,
    report: Callable[[Path, Experiment, dict, LoadedScenario], list[str]] | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    resume: str | Path | None = None,
    engine: str = "mesa",
) -> RunOutput:
    """Run a scenario and write its results folder (or finish an interrupted one).

    Args:
        loaded: the validated scenario and its provenance.
        replications: number of replications (None on a resume: the folder's).
        seed: root seed (None on a resume: the folder's).
        workers: worker processes.
        out: results folder (must not exist or be empty); default under ``results_root``.
        results_root: parent of default results folders.
        progress: called with the number of replications just finished.
        report: writes pictures and a report into the folder from the results (e.g.
            :func:`sim.reports.report.run_report`) and returns their file names. Passed in
            rather than imported so this layer never imports the reports layer (or
            matplotlib) above it.
        executor: ``local``, ``serial`` or ``dask`` (see :mod:`sim.experiment.executors`).
        scheduler: Dask scheduler address (``dask`` only; None starts a local cluster).
        resume: a folder of an interrupted run of this scenario to finish.
        engine: ``auto``, ``mesa`` or ``fast`` (:mod:`sim.experiment.engines`).

    Returns:
        The folder and the summary.

    Raises:
        InputError: bad ``resume`` folder (not a run, another scenario or seed).
        Interrupted: stopped by Ctrl-C or SIGTERM; completed chunks are kept.
    """
    # Connect to a cluster before making a folder, so a bad --scheduler leaves none behind.
    with make_executor(executor, workers, scheduler, engine) as ex:
        ex.engine_for(loaded.scenario)  # a scenario --engine fast cannot run fails here
        return _run_study(
            loaded, replications, seed, workers, out, results_root, progress, report, ex, resume
        )


def _run_study(
    loaded, replications, seed, workers, out, results_root, progress, report, ex, resume
) -> RunOutput:
    """:func:`run_study` with an open executor."""
    scenario = loaded.scenario
    if resume is not None:
        folder, info = _resumable(Path(resume), loaded, replications, seed)
        if info.get("status") == "complete":
            return RunOutput(folder, _complete_summary(folder, info))
        info = {k: v for k, v in info.items() if k in _INFO_KEYS}
        info["resumed"] = [*info.get("resumed", []), results.now()]
    else:
        stem = Path(loaded.path).stem if loaded.path else scenario.name
        folder = results.new_folder(out, stem, results_root)
        info = {
            "kind": "run",
            "scenario": loaded.path,
            "scenario_title": scenario.name,
            "scenario_sha256": loaded.sha256,
            "seed": seed,
            "replications": replications,
            "started": results.now(),
        }
    with results.writing(folder, new=resume is None):
        return _write_run(folder, info, loaded, workers, progress, report, ex, resume)


def _write_run(folder, info, loaded, workers, progress, report, ex, resume) -> RunOutput:
    """Run into ``folder`` (locked by this process) and keep its manifest true."""
    scenario = loaded.scenario
    columns = run_columns(scenario)
    checkpoint = None
    if resume is not None:  # checked before anything in the folder is written
        empty = Tally.empty(scenario.horizon_months, len(holder_names(scenario)))
        checkpoint = read_checkpoint(folder, columns, empty, info["replications"])
    info.update(executor=ex.name, workers=ex.workers, engine=ex.engines[scenario.name])
    if getattr(ex, "scheduler", None):
        info["scheduler"] = ex.scheduler
    results.write_json(folder / "manifest.json", results.manifest(**info, status="running"))
    try:
        sink = (
            RunSink.reopen(folder, columns, checkpoint)
            if resume is not None
            else RunSink.create(folder, columns)
        )
        exp = run_experiment(
            scenario,
            info["replications"],
            info["seed"],
            workers,
            progress,
            executor=ex,
            sink=sink,
        )
        ex.close()  # free the workers (and their memory) before the report
        summary, files = _write_results(folder, exp, loaded, report)
    except BaseException as exc:
        results.ended(folder, info, exc)
        if isinstance(exc, KeyboardInterrupt):
            raise Interrupted.from_stop(folder, exc) from exc
        raise
    summary_sha256 = hashlib.sha256((folder / "summary.json").read_bytes()).hexdigest()
    results.write_json(
        folder / "manifest.json",
        results.manifest(
            **info,
            status="complete",
            ended=results.now(),
            files=files,
            summary_sha256=summary_sha256,
        ),
    )
    sink.discard_checkpoint()
    return RunOutput(folder, summary, exp)


def _write_results(folder: Path, exp: Experiment, loaded: LoadedScenario, report) -> tuple:
    """Influence bands, the summary and the report; returns the summary and all file names."""
    bands = influence_bands(exp)
    results.write_csv(folder / "influence.csv", bands, list(bands[0]) if bands else ["month"])
    summary = summarise(exp, Path(loaded.path).name if loaded.path else loaded.scenario.name)
    # Pictures and report first: if they fail, no summary.json suggests a complete run.
    # With no successful replication there is nothing to draw: failures.csv says why.
    drawable = report is not None and exp.totals.replications > 0
    extra = report(folder, exp, summary, loaded) if drawable else []
    results.write_json(folder / "summary.json", summary)
    return summary, [RUNS, FAILURES, "influence.csv", "summary.json", *extra]


_INFO_KEYS = (
    "kind",
    "scenario",
    "scenario_title",
    "scenario_sha256",
    "seed",
    "replications",
    "started",
    "resumed",
)


def resume_plan(
    folder: str | Path, loaded: LoadedScenario, replications: int | None, seed: int | None
) -> tuple[int, int]:
    """The replications and seed of a run folder that this scenario may resume.

    Args:
        folder: the results folder of an earlier run.
        loaded: the scenario it must have been run from (same sha256).
        replications: the number asked for, or None to take the folder's.
        seed: the root seed asked for, or None to take the folder's.

    Raises:
        InputError: not a run folder, another scenario file, or another seed or size.
    """
    _, info = _resumable(Path(folder), loaded, replications, seed)
    return int(info["replications"]), int(info["seed"])


def _resumable(
    folder: Path, loaded: LoadedScenario, replications: int | None, seed: int | None
) -> tuple[Path, dict]:
    """The manifest of a run folder that this scenario, seed and size may resume."""

    def problem(message: str) -> InputError:
        return InputError(Problem(message, file=str(folder)))

    path = folder / "manifest.json"
    try:
        info = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        raise problem(
            "is not a results folder of `sim run` (no readable manifest.json); --resume "
            "takes the folder an interrupted run wrote"
        ) from None
    # Older run manifests have no kind; every other folder's manifest has one.
    if isinstance(info, dict) and info.get("kind", "run") != "run":
        raise problem(another_kind(info, "run"))
    lock.refuse_if_busy(folder)
    damage = manifest_problem(info)
    if damage:
        raise InputError(
            Problem(
                f"the manifest is damaged: {damage}; rerun without --resume (into a new "
                "folder), or restore manifest.json from a backup; nothing in the folder was "
                "changed",
                file=str(path),
            )
        )
    if info.get("scenario_sha256") != loaded.sha256:
        raise problem(
            f"was run from a different scenario file (sha256 "
            f"{str(info.get('scenario_sha256'))[:12]}..., this one is "
            f"{loaded.sha256[:12]}...); a run resumes only with the exact file it started "
            "with: restore that file, or start a new run"
        )
    for name, given in (("seed", seed), ("replications", replications)):
        if given is not None and given != info.get(name):
            raise problem(
                f"was run with {name} {info.get(name)}, not {given}: drop the option to "
                "resume with the folder's, or start a new run"
            )
    return folder, info


STATUSES = ("running", "interrupted", "failed", "complete")


def manifest_problem(info: object) -> str:
    """What is wrong with a run's manifest as a resume reads it, or "" when nothing."""
    if not isinstance(info, dict):
        return f"it holds {type(info).__name__ if info is not None else 'null'}, not a mapping"
    for key, low, high in (("replications", 1, MAX_REPLICATIONS), ("seed", 0, 2**63 - 1)):
        value = info.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            return f"its {key} is {value!r}, not a whole number from {low} to {high:,}"
    if info.get("status") not in STATUSES:
        return f"its status is {info.get('status')!r}, not one of {', '.join(STATUSES)}"
    if not isinstance(info.get("resumed", []), list):
        return "its 'resumed' is not a list of times"
    return ""


def _complete_summary(folder: Path, info: dict) -> dict:
    """The summary of a complete run, checked against the manifest's record of it."""
    path = folder / "summary.json"
    fix = (
        ": the results are not whole; rerun without --resume (into a new folder), or "
        "restore summary.json from a backup"
    )
    if not path.is_file():
        raise InputError(
            Problem(
                f"the manifest says the run is complete, but summary.json is missing{fix}",
                file=str(folder),
            )
        )
    raw = path.read_bytes()
    recorded = info.get("summary_sha256")
    if recorded is not None and recorded != hashlib.sha256(raw).hexdigest():
        raise InputError(
            Problem(
                f"summary.json was changed after the run completed (its sha256 is not "
                f"the one in manifest.json){fix}",
                file=str(path),
            )
        )
    try:
        summary = json.loads(raw.decode("utf-8"))
    except ValueError:
        summary = None
    if not isinstance(summary, dict):
        raise InputError(
            Problem(f"summary.json is damaged (not a JSON object){fix}", file=str(path))
        )
    return summary
