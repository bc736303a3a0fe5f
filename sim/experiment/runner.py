"""Many replications of one scenario: chunks out to an executor, rows back in order.

:func:`run_experiment` cuts the replications into chunks (:mod:`sim.experiment.chunk`),
hands them to an executor (:mod:`sim.experiment.executors`: serial, a local process pool,
or Dask) and folds what comes back, in replication order, into streaming
:class:`~sim.experiment.totals.Totals` and a pooled :class:`Tally`. Rows are either kept
in memory (the default, for comparisons and tests) or appended to disk by a
:class:`~sim.experiment.sink.RunSink` (``sim run``), so memory stays flat however many
replications run. Results are identical for any executor and number of workers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sim.experiment import signals
from sim.experiment.chunk import (  # noqa: F401  (re-exported: the runner's public names)
    ChunkResult,
    chunk_size,
    chunks,
    replication_seeds,
    run_chunk,
    run_one,
)
from sim.experiment.executors import (  # noqa: F401
    Executor,
    LocalPool,
    default_workers,
    make_executor,
)
from sim.experiment.outcomes import Tally, columns_for
from sim.experiment.sink import RUNS, RunSink, StoredRows
from sim.experiment.totals import Totals
from sim.scenario.schema import Scenario


@dataclass
class Experiment:
    """The outcome of a run, in replication order.

    Attributes:
        scenario: the scenario run.
        seed: the root seed.
        rows: one row per successful replication, sorted by replication: a list, or
            (when streamed to disk) a :class:`~sim.experiment.sink.StoredRows` that reads
            ``runs.csv`` back one row at a time.
        tally: pooled histograms.
        holders: names of the influence holders (partners, then the state funder).
        totals: streaming totals of the rows (what the summary is computed from).
        failures: ``{"replication", "seed", "error"}`` of replications that raised (kept
            in memory only when rows are; otherwise in ``failures.csv``).
    """

    scenario: Scenario
    seed: int
    rows: list[dict] | StoredRows
    tally: Tally
    holders: list[str]
    totals: Totals = field(default_factory=Totals)
    failures: list[dict] = field(default_factory=list)


def holder_names(scenario: Scenario) -> list[str]:
    """Partners (founding, then joining) and the state funder, in the model's order."""
    names = [p.name for p in scenario.all_partners()]
    if scenario.state_funder is not None:
        names.append(scenario.state_funder.name)
    return names


def run_columns(scenario: Scenario) -> list[str]:
    """The columns of the scenario's ``runs.csv``, in order."""
    return [
        c.name for c in columns_for(holder_names(scenario), [v.name for v in scenario.investors])
    ]


def run_experiment(
    scenario: Scenario,
    replications: int,
    seed: int,
    workers: int,
    progress: Callable[[int], None] | None = None,
    *,
    executor: str | Executor | None = None,
    scheduler: str | None = None,
    sink: RunSink | None = None,
    engine: str = "mesa",
) -> Experiment:
    """Run ``replications`` replications of a scenario.

    Args:
        scenario: the scenario.
        replications: how many.
        seed: root seed.
        workers: worker processes (1 = in this process) for the ``local`` and ``dask``
            executors.
        progress: called with the number of replications just finished (on a resume,
            first with the number already done).
        executor: ``"local"`` (default), ``"serial"``, ``"dask"``, or an open
            :class:`~sim.experiment.executors.Executor` to reuse (it is left open).
        scheduler: Dask scheduler address for ``executor="dask"`` (None: a local cluster).
        sink: stream rows to disk instead of keeping them; a sink reopened from a
            checkpoint continues where it stopped.
        engine: ``auto``, ``mesa`` (default) or ``fast``, for an executor made here (an
            executor passed in brings its own).

    Returns:
        The experiment; identical for any executor and number of workers.
    """
    names = holder_names(scenario)
    start, totals, tally = 0, Totals(), Tally.empty(scenario.horizon_months, len(names))
    if sink is not None and sink.restored is not None:
        start, totals, tally = sink.restored
    if progress is not None and start:
        progress(start)
    kept: list[dict] = []
    failures: list[dict] = []
    if isinstance(executor, Executor):
        ex, owned = executor, False
    else:
        ex, owned = make_executor(executor or "local", workers, scheduler, engine), True
    pending: dict[int, ChunkResult] = {}
    head, folding = start, False
    try:
        if owned:
            ex.__enter__()
        size = chunk_size(replications - start, ex.workers, ex.engine_for(scenario))
        for result in ex.map_chunks(scenario, chunks(seed, replications, size, start)):
            signals.check()
            if progress is not None:
                progress(result.count)
            pending[result.start] = result
            # Fold chunks in replication order; later ones wait for the ones before them.
            while head in pending:
                with signals.deferred():
                    folding = True
                    head = _fold(pending.pop(head), totals, tally, kept, failures, sink)
                    folding = False
                if sink is not None:
                    sink.checkpoint(head, totals, tally)
    except BaseException:
        if owned:
            ex.close(abort=True)
        if sink is not None:
            try:
                if not folding:  # the totals match the files only between chunks
                    sink.checkpoint(head, totals, tally, force=True)
            finally:  # even when the disk that failed the run fails the checkpoint too
                sink.close()
        raise
    if owned:
        ex.close()
    rows: list[dict] | StoredRows = kept
    if sink is not None:
        sink.checkpoint(head, totals, tally, force=True)
        sink.close()
        rows = StoredRows(sink.folder / RUNS, totals.replications)
    return Experiment(scenario, seed, rows, tally, names, totals, failures)


def _fold(result, totals, tally, kept, failures, sink) -> int:
    """Add one chunk to the totals and to memory or disk; return the next replication."""
    totals.add_block(result.rows)
    for failure in result.failures:
        totals.add_failure(failure)
    tally.add(result.tally)
    if sink is not None:
        sink.append(result.rows, result.failures)
    else:
        kept.extend(result.rows.rows())
        failures.extend(result.failures)
    return result.start + result.count
