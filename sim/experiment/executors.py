"""Executors: where chunks of replications run (this process, local processes, Dask).

Every executor has one job: given a scenario and chunks ``(first replication, seeds)``,
yield a :class:`~sim.experiment.chunk.ChunkResult` per chunk as it finishes, in any
order. Only outcome rows, failure records and integer histograms travel back. Because a
replication depends only on (scenario, seed), all executors give identical numbers.

- :class:`Serial`: in this process, one chunk after another.
- :class:`LocalPool`: a long-lived pool of worker processes from the ``fork`` context
  (Mesa sets the global start method to ``spawn`` at import, which would re-import
  everything in each worker), created on first use, before any thread starts; at most
  two chunks per worker in flight, so finished chunks never pile up in this process.
- :class:`DaskExecutor`: a ``dask.distributed`` cluster, either an existing one
  (``scheduler="tcp://host:8786"``) or a ``LocalCluster`` started for the job.

An executor may be reused for several scenarios (a comparison, a sweep); use it as a
context manager so its processes are shut down at the end.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import queue
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from sim.errors import InputError, literal
from sim.experiment import signals
from sim.experiment.chunk import ChunkResult, run_chunk
from sim.scenario.schema import Scenario

if TYPE_CHECKING:  # dask is heavy: imported where it is used
    from multiprocessing.pool import Pool

    from dask.distributed import Client, LocalCluster

EXECUTORS = ("local", "serial", "dask")


def default_workers() -> int:
    """All cores this process may use (its CPU affinity, which a batch scheduler may limit)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def usable_workers(name: str, workers: int | None, scheduler: str | None = None) -> tuple[int, str]:
    """How many workers an executor can use for ``-j workers``, and why, if not that many.

    Replications are pure Python and hold the GIL, so a worker process per core is the
    most that helps; more only cost memory (each process imports the libraries, about
    130 MB). The local pool and a Dask cluster started for the job run on this machine,
    so they get at most its cores; ``serial`` runs in this process; an existing Dask
    cluster (``scheduler``) runs as many chunks at once as its workers have threads,
    whatever ``-j`` says.

    Args:
        name: ``local``, ``serial`` or ``dask``.
        workers: what ``-j`` asked for; None or 0 for the default (all cores).
        scheduler: the Dask scheduler's address, if any.

    Returns:
        ``(workers to use, note)``; the note is empty when ``-j`` is used as given.
    """
    cores = default_workers()
    if name == "serial":
        note = f"--executor serial runs in this process: -j {workers} is ignored" if workers else ""
        return 1, note if workers and workers > 1 else ""
    if name == "dask" and scheduler:
        note = (
            f"-j {workers} is ignored with --scheduler: the cluster runs as many chunks at "
            "once as its workers have threads (start workers with "
            "`dask worker ... --nworkers auto --nthreads 1`)"
        )
        return cores, note if workers else ""
    if workers and workers > cores:
        where = "the local pool" if name == "local" else "the local Dask cluster"
        return cores, (
            f"-j {workers} is more than the {cores} core{'s' if cores != 1 else ''} this "
            f"process may use: {where} runs {cores} worker process"
            f"{'es' if cores != 1 else ''} (more would only cost memory; for more cores use "
            "a Dask cluster: docs/cluster.md)"
        )
    return workers or cores, ""


class Executor:
    """Runs chunks of replications; a context manager that owns its workers.

    Attributes:
        name: ``serial``, ``local`` or ``dask``.
        workers: how many chunks run at once (for sizing chunks).
        engine: ``auto``, ``mesa`` or ``fast`` (:mod:`sim.experiment.engines`).
        engines: per scenario run so far (by name), the engine that ran it.
        notes: why ``auto`` ran a scenario on Mesa, one line per scenario.
    """

    name = "serial"

    def __init__(self, workers: int = 1, engine: str = "mesa"):
        self.workers = max(1, workers)
        self.engine = engine
        self.engines: dict[str, str] = {}
        self.notes: list[str] = []

    def engine_for(self, scenario: Scenario) -> str:
        """The engine that runs ``scenario`` (recorded in :attr:`engines` and :attr:`notes`)."""
        from sim.experiment.engines import resolve

        engine, note = resolve(scenario, self.engine)
        if engine == "fast":
            from sim.fast.engine import warm_up

            try:
                warm_up()  # load (or compile) once here, before any worker is forked
            except Exception as exc:  # noqa: BLE001 - auto falls back; fast says why
                if self.engine == "fast":
                    raise
                engine = "mesa"
                note = (
                    f"{scenario.name}: the Mesa engine runs it (the fast engine failed to "
                    f"load: {exc})"
                )
        self.engines[scenario.name] = engine
        if note is not None and note not in self.notes:
            self.notes.append(note)
        return engine

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc) -> None:
        self.close(abort=exc[0] is not None)

    def close(self, abort: bool = False) -> None:
        """Release workers; ``abort`` stops running work instead of waiting for it."""

    def map_chunks(
        self, scenario: Scenario, items: Iterable[tuple[int, list[int]]]
    ) -> Iterator[ChunkResult]:
        """Run chunks of a scenario, yielding each result as it completes (any order)."""
        raise NotImplementedError


class Serial(Executor):
    """Everything in this process, one chunk after another."""

    name = "serial"

    def map_chunks(self, scenario, items):  # noqa: D102 - see Executor
        engine = self.engine_for(scenario)
        for start, seeds in items:
            yield run_chunk(scenario, start, seeds, engine)


_WORKER_SCENARIO: Scenario | None = None
_WORKER_ENGINE = "mesa"


def _init_worker(scenario: Scenario, engine: str) -> None:
    global _WORKER_SCENARIO, _WORKER_ENGINE
    signals.quiet_worker()
    _WORKER_SCENARIO, _WORKER_ENGINE = scenario, engine


def _work(item: tuple[int, list[int]]) -> ChunkResult:
    assert _WORKER_SCENARIO is not None
    return run_chunk(_WORKER_SCENARIO, *item, _WORKER_ENGINE)


class LocalPool(Executor):
    """A long-lived pool of worker processes on this machine (in-process when workers=1).

    The pool is forked once per scenario and kept for all of that scenario's chunks; a new
    scenario (the next design of a comparison) gets a fresh pool, since the scenario is
    handed to workers when they start rather than with every chunk.
    """

    name = "local"

    def __init__(self, workers: int = 0, engine: str = "mesa"):
        super().__init__(usable_workers("local", workers)[0], engine)
        self._pool: Pool | None = None
        self._scenario: Scenario | None = None

    def _start(self, scenario: Scenario, engine: str) -> None:
        if self._pool is not None and self._scenario is scenario:
            return
        self.close()
        if engine == "mesa":
            import sim.model.venture  # noqa: F401  (import once, before forking)

        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self._pool = ctx.Pool(self.workers, initializer=_init_worker, initargs=(scenario, engine))
        self._scenario = scenario

    def close(self, abort: bool = False) -> None:  # noqa: D102 - see Executor
        if self._pool is not None:
            if abort:
                self._pool.terminate()
            else:
                self._pool.close()
            self._pool.join()
            self._pool = None
            self._scenario = None

    def map_chunks(self, scenario, items):  # noqa: D102 - see Executor
        engine = self.engine_for(scenario)
        if self.workers == 1:
            for start, seeds in items:
                yield run_chunk(scenario, start, seeds, engine)
            return
        self._start(scenario, engine)
        pool = self._pool
        assert pool is not None  # _start created it
        # At most 2 chunks per worker in flight: imap_unordered would queue every finished
        # chunk (each with its histograms) in this process while it folds slower than the
        # workers run, so memory grew with the run (issue 13).
        done: queue.SimpleQueue = queue.SimpleQueue()
        items = iter(items)
        in_flight = 0
        for item in itertools.islice(items, 2 * self.workers):
            pool.apply_async(_work, (item,), callback=done.put, error_callback=done.put)
            in_flight += 1
        while in_flight:
            result = done.get()
            in_flight -= 1
            if isinstance(result, BaseException):
                raise result
            for item in itertools.islice(items, 1):
                pool.apply_async(_work, (item,), callback=done.put, error_callback=done.put)
                in_flight += 1
            yield result


class DaskExecutor(Executor):
    """Chunks as tasks on a ``dask.distributed`` cluster.

    Args:
        workers: worker processes of the ``LocalCluster`` started when no scheduler is
            given (one thread each: the model is pure Python and holds the GIL).
        scheduler: address of a running scheduler, e.g. ``tcp://10.0.0.5:8786``.

    At most ``2 x`` the cluster's threads of chunks are in flight at once, so memory on
    this machine stays flat however many replications run.
    """

    name = "dask"

    def __init__(self, workers: int = 0, scheduler: str | None = None, engine: str = "mesa"):
        super().__init__(usable_workers("dask", workers, scheduler)[0], engine)
        self.scheduler = scheduler
        self._client: Client | None = None
        self._cluster: LocalCluster | None = None
        self._scattered: tuple[Scenario, object] | None = None

    def __enter__(self) -> DaskExecutor:
        self._connect()
        return self

    def _connect(self) -> None:
        if self._client is not None:
            return
        import logging

        require_dask()
        from dask.distributed import Client, LocalCluster

        if self.scheduler:
            try:
                self._client = Client(self.scheduler, timeout="20s")
            except (OSError, TimeoutError, ValueError) as exc:
                raise InputError(
                    f"cannot reach the Dask scheduler at {self.scheduler} ({exc}); start one "
                    "with `dask scheduler` and check the address and port (see docs/cluster.md)"
                ) from None
            threads = sum(self._client.nthreads().values())
            self.workers = max(1, threads)
        else:
            self._cluster = LocalCluster(
                n_workers=self.workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            self._client = Client(self._cluster)

    def close(self, abort: bool = False) -> None:  # noqa: D102 - see Executor
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None
        self._scattered = None

    def map_chunks(self, scenario, items):  # noqa: D102 - see Executor
        from dask.distributed import as_completed

        engine = self.engine_for(scenario)
        self._connect()
        client = self._client
        assert client is not None  # _connect created it
        if self._scattered is None or self._scattered[0] is not scenario:
            self._scattered = (scenario, client.scatter(scenario, broadcast=True))
        shared = self._scattered[1]
        items = iter(items)
        window = as_completed(loop=client.loop)
        in_flight = 0
        try:
            for item in items:
                window.add(client.submit(run_chunk, shared, *item, engine, pure=False))
                in_flight += 1
                if in_flight >= 2 * self.workers:
                    break
            for future in window:
                result = future.result()
                nxt = next(items, None)
                if nxt is not None:
                    window.add(client.submit(run_chunk, shared, *nxt, engine, pure=False))
                yield result
        finally:
            # On a stop, cancel what is still queued so the cluster is free at once.
            pending = [f for f in list(window.futures) if not f.done()]
            if pending:
                client.cancel(pending)


SCHEMES = ("tcp", "tls", "ws", "wss", "ucx")
_ADDRESS = re.compile(
    r"(?:(?P<scheme>[a-z]+)://)?(?P<host>\[[0-9a-fA-F:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]*):(?P<port>\d{1,5})"
)


def check_scheduler(address: str) -> str:
    """A Dask scheduler address checked for its form, ``[scheme://]host:port``.

    Args:
        address: what the user gave to ``--scheduler``.

    Returns:
        The address, unchanged.

    Raises:
        InputError: not of that form, an unknown scheme or a port outside 1-65535; the
            message gives an example.
    """
    example = "; write it as tcp://HOST:PORT, e.g. tcp://10.0.0.5:8786 (see docs/cluster.md)"
    found = _ADDRESS.fullmatch(address.strip())
    if found is None:
        raise InputError(
            f"--scheduler {literal(repr(address))} is not a scheduler address{example}"
        )
    scheme, port = found["scheme"], int(found["port"])
    if scheme is not None and scheme not in SCHEMES:
        raise InputError(
            f"--scheduler: unknown protocol '{scheme}://' (known: {', '.join(SCHEMES)}){example}"
        )
    if not 1 <= port <= 65535:
        raise InputError(f"--scheduler: port {port} is not between 1 and 65535{example}")
    return address


DASK_MISSING = (
    "--executor dask needs Dask, which is an optional extra: pip install "
    "'consortium-sim[cluster]' (or use --executor local)"
)


def require_dask() -> None:
    """Check that ``dask.distributed`` can be imported.

    Raises:
        InputError: it cannot (Dask is the ``cluster`` extra), saying how to install it.
    """
    try:
        import dask.distributed  # noqa: F401
    except ImportError:
        raise InputError(DASK_MISSING) from None


def make_executor(
    name: str = "local", workers: int = 0, scheduler: str | None = None, engine: str = "mesa"
) -> Executor:
    """An executor by name.

    Args:
        name: ``local`` (default: worker processes on this machine), ``serial`` or ``dask``.
        workers: processes (0 = all cores); at most this machine's cores
            (:func:`usable_workers`); ignored for ``serial`` and an existing cluster.
        scheduler: Dask scheduler address; only with ``dask``.
        engine: ``auto``, ``mesa`` or ``fast`` (:mod:`sim.experiment.engines`).

    Raises:
        InputError: unknown name, a scheduler given without ``dask``, or ``dask`` asked
            for without Dask installed (the ``cluster`` extra).
    """
    if name not in EXECUTORS:
        raise InputError(f"--executor must be one of {', '.join(EXECUTORS)}, got {name!r}")
    if scheduler and name != "dask":
        raise InputError("--scheduler is for --executor dask; add --executor dask")
    from sim.experiment.engines import check

    check(engine)
    if name == "serial":
        return Serial(engine=engine)
    if name == "local":
        return LocalPool(workers, engine)
    require_dask()  # before any folder is made or work starts
    return DaskExecutor(workers, scheduler, engine)
