"""One ``sim run``: a scenario run many times into a new results folder.

Writes ``manifest.json`` first (status ``running``), then ``runs.csv``,
``influence.csv`` and ``summary.json``, then the manifest again (``complete``). A run
that fails or is interrupted leaves a manifest that says so and no summary.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sim.experiment import results
from sim.experiment.outcomes import COLUMNS, influence_columns
from sim.experiment.runner import run_experiment
from sim.experiment.summary import influence_bands, summarise
from sim.scenario.loader import LoadedScenario


@dataclass(frozen=True)
class RunOutput:
    """Where a run went and what it found.

    Attributes:
        folder: the results folder.
        summary: the summary, as in ``summary.json``.
    """

    folder: Path
    summary: dict


def run_study(
    loaded: LoadedScenario,
    *,
    replications: int,
    seed: int,
    workers: int,
    out: str | Path | None = None,
    results_root: str | Path = "results",
    progress: Callable[[int], None] | None = None,
) -> RunOutput:
    """Run a scenario and write its results folder.

    Args:
        loaded: the validated scenario and its provenance.
        replications: number of replications.
        seed: root seed.
        workers: worker processes.
        out: results folder (must not exist or be empty); default under ``results_root``.
        results_root: parent of default results folders.
        progress: called with the number of replications just finished.

    Returns:
        The folder and the summary.
    """
    scenario = loaded.scenario
    stem = Path(loaded.path).stem if loaded.path else scenario.name
    folder = results.new_folder(out, stem, results_root)
    info = {
        "scenario": loaded.path,
        "scenario_title": scenario.name,
        "scenario_sha256": loaded.sha256,
        "seed": seed,
        "replications": replications,
        "workers": workers,
        "started": results.now(),
    }
    results.write_json(folder / "manifest.json", results.manifest(**info, status="running"))
    try:
        exp = run_experiment(scenario, replications, seed, workers, progress)
    except BaseException as exc:
        status = "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed"
        results.write_json(
            folder / "manifest.json",
            results.manifest(**info, status=status, ended=results.now(), error=repr(exc)),
        )
        raise
    columns = [c.name for c in COLUMNS] + [c.name for c in influence_columns(exp.holders)]
    results.write_csv(folder / "runs.csv", exp.rows, columns)
    bands = influence_bands(exp)
    results.write_csv(folder / "influence.csv", bands, list(bands[0]) if bands else ["month"])
    summary = summarise(exp, Path(loaded.path).name if loaded.path else scenario.name)
    results.write_json(folder / "summary.json", summary)
    results.write_json(
        folder / "manifest.json",
        results.manifest(
            **info,
            status="complete",
            ended=results.now(),
            files=["runs.csv", "influence.csv", "summary.json"],
        ),
    )
    return RunOutput(folder, summary)
