"""A grid over scenario parameters: ``sim sweep A.yaml --set PATH=SPEC ...``.

A setting is a dotted path into the scenario (``governance.deadlock.after_rounds``;
partners, agenda kinds and other named list items are addressed by name, as in
``partners.Sony.veto.tolerance``; other list items by index) and a SPEC of values: a range
``start:stop:step`` (stop included when it lands on the grid) or a list ``a,b,c`` (each
read as a YAML scalar: ``3``, ``0.5``, ``casting_vote``, ``true``). The grid is the full
product of all settings. Every point is built by setting the values on the scenario's
``model_dump()`` and validated with :func:`~sim.scenario.loader.validate_mapping` before
anything runs. Every point runs with the same root seed (common random numbers).
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import itertools
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from sim.errors import InputError, Problem, literal
from sim.experiment import results
from sim.experiment.executors import make_executor
from sim.experiment.resume import PointStore, reopen
from sim.experiment.runner import run_experiment
from sim.experiment.signals import Interrupted
from sim.experiment.summary import HEADLINES, summarise
from sim.scenario.loader import LoadedScenario, validate_mapping
from sim.scenario.schema import Scenario
from sim.scenario.yamlsafe import scalar

MAX_VALUES = 1_000  # values of one setting
MAX_POINTS = 10_000  # points of the whole grid
MAX_PROBLEMS = 20  # problems listed before "and N more"
#: Scenario fields that set how a study runs, not what it models: the same for every point,
#: so a grid over them would give identical points. Why each is refused.
RUN_SETTINGS = {
    "seed": (
        "every point of a sweep runs with the same root seed (--seed; the scenario's seed: "
        "is its default), so that points differ only by their parameters (common random "
        "numbers), and the replications of a point already draw independent streams from "
        "it: a grid over seed would give identical points. To see how much the results "
        "move with the dice, run `sim run FILE --seed N` for a few N, or raise -n"
    ),
    "replications": (
        "every point of a sweep runs -n replications (default: the scenario's "
        "replications:), so a grid over it would give identical points; to see how the "
        "intervals narrow, run `sim run FILE -n N` for a few N"
    ),
}


@dataclass(frozen=True)
class Setting:
    """One ``--set PATH=SPEC``.

    Attributes:
        path: dotted path into the scenario.
        values: the values it takes, in order.
    """

    path: str
    values: tuple


@dataclass
class Point:
    """One point of the grid.

    Attributes:
        index: 1-based position in the grid.
        params: the value of each setting's path at this point.
        scenario: the validated scenario at this point.
        sha256: hex digest of the point's scenario as canonical JSON.
        summary: its summary (as in ``summary.json``) once run, else ``None``.
    """

    index: int
    params: dict[str, object]
    scenario: Scenario
    sha256: str
    summary: dict | None = None

    def describe(self) -> str:
        """``path=value, path=value``."""
        return ", ".join(f"{k}={v}" for k, v in self.params.items())

    def columns(self) -> dict[str, object]:
        """The leading columns of the point's ``runs.csv``: ``point`` and each parameter.

        A parameter is named by its dotted path; one that would clash with an outcome
        column (a sweep over the scenario's ``seed``) gets a ``param:`` prefix.
        """
        from sim.experiment.outcomes import COLUMNS

        taken = {c.name for c in COLUMNS} | {"point"}
        out: dict[str, object] = {"point": self.index}
        for path, value in self.params.items():
            out[f"param:{path}" if path in taken else path] = value
        return out


@dataclass
class Sweep:
    """A grid of points run with common random numbers.

    Attributes:
        base: the scenario the grid starts from.
        settings: the settings, in command-line order.
        points: the points, the last setting varying fastest.
        seed: root seed shared by all points.
        replications: replications per point.
        engines: the engines that ran the points (``mesa``, ``fast``), in order of use.
    """

    base: LoadedScenario
    settings: list[Setting]
    points: list[Point]
    seed: int
    replications: int
    engines: tuple[str, ...] = ()


def _scalar(text: str, where: str) -> object:
    text = text.strip()
    if not text:
        raise InputError(Problem(f"an empty value in '{where}'; write values like 1,2,3"))
    try:
        value = scalar(text)  # as in a scenario file: 1e6 is a number, yes a flag
    except yaml.YAMLError:
        value = text
    if isinstance(value, dict | list) or value is None and text not in ("null", "~"):
        return text
    return value


_ENDS = ("start", "stop", "step")


def _number(text: str, name: str, where: str) -> int | float:
    """One end of a range: a whole number or a finite decimal (``1e3``, ``0.5``, ``-2``)."""
    text = text.strip()
    try:
        return int(text.replace("_", "x"))  # no digit separators: '1_0' is not a number
    except ValueError:
        pass
    try:
        value = float(text.replace("_", "x"))
    except ValueError:
        raise InputError(
            f"'{where}': the {name} {literal(repr(text))} is not a number; a range is "
            "start:stop:step, e.g. 0.5:1.0:0.1"
        ) from None
    if not math.isfinite(value):
        raise InputError(
            f"'{where}': the {name} is {literal(repr(text))}, which is "
            f"{'not a number' if value != value else 'infinite or too large for a float'}; "
            "a range needs finite numbers, e.g. 0.5:1.0:0.1"
        )
    return value


def parse_spec(spec: str, path: str = "") -> tuple:
    """The values of a SPEC: ``start:stop:step`` or ``a,b,c``.

    A range holds integers when start, stop and step are integers, else floats rounded to
    10 decimals (so 0.1 steps give 0.3, not 0.30000000000000004); stop is included when it
    lands on the grid.

    Raises:
        InputError: a malformed range, a zero or wrong-signed step, too many values.
    """
    where = f"{path}={spec}"
    if ":" in spec:
        parts = spec.split(":")
        if len(parts) != 3:
            raise InputError(f"'{where}': a range is start:stop:step, e.g. 0.5:1.0:0.1")
        nums = [_number(p, name, where) for p, name in zip(parts, _ENDS, strict=True)]
        start, stop, step = nums
        if step == 0 or (stop - start) * step < 0:
            raise InputError(f"'{where}': the step must be non-zero and go from start towards stop")
        try:  # finite ends can still overflow here (1e308 apart, or whole numbers of 400 digits)
            span = (stop - start) / step
        except OverflowError:
            span = math.inf
        if not math.isfinite(span) or span > MAX_VALUES:
            raise InputError(
                f"'{where}' has more than {MAX_VALUES:,} values; the limit is {MAX_VALUES:,}: "
                "use a larger step"
            )
        count = math.floor(span + 1e-9) + 1
        if count > MAX_VALUES:
            raise InputError(f"'{where}' has {count:,} values; the limit is {MAX_VALUES:,}")
        if all(isinstance(x, int) for x in nums):
            return tuple(start + i * step for i in range(count))
        return tuple(round(start + i * step, 10) for i in range(count))
    values = tuple(_scalar(v, where) for v in spec.split(","))
    if len(values) > MAX_VALUES:
        raise InputError(f"'{where}' has {len(values):,} values; the limit is {MAX_VALUES:,}")
    return values


def parse_setting(text: str) -> Setting:
    """A setting from ``PATH=SPEC``."""
    path, sep, spec = text.partition("=")
    path = path.strip()
    if not sep or not path or not spec.strip():
        raise InputError(
            f"--set '{text}': write PATH=SPEC, e.g. governance.deadlock.after_rounds=1:4:1 "
            "or governance.deadlock.clause=none,casting_vote"
        )
    return Setting(path, parse_spec(spec.strip(), path))


def set_path(data: dict, path: str, value: object) -> None:
    """Set ``value`` at a dotted path of plain scenario data, in place.

    Named list items (partners, investors, agenda kinds) are addressed by ``name``, other
    list items by index. The last key may be new (the validator then says whether it is
    allowed, with a suggestion); every key before it must exist.

    Raises:
        InputError: a key or name on the way does not exist, or the path ends at a section.
    """
    keys = path.split(".")
    node: object = data
    for depth, key in enumerate(keys):
        here = ".".join(keys[:depth]) or "(top level)"
        last = depth == len(keys) - 1
        if isinstance(node, list):
            index = _list_index(node, key, here, path)
            if last:
                node[index] = value
                return
            node = node[index]
        elif isinstance(node, dict):
            if last:
                if isinstance(node.get(key), dict | list):
                    raise InputError(
                        Problem(f"'{path}' is a section, not a value: go one level deeper")
                    )
                node[key] = value
                return
            if key not in node:
                raise InputError(Problem(_unknown(key, list(node), here, path)))
            node = node[key]
        else:
            raise InputError(Problem(f"'{path}': {here} is a value ({node!r}), not a section"))


def _list_index(items: list, key: str, here: str, path: str) -> int:
    names = [i.get("name") for i in items if isinstance(i, dict)]
    if key in names:
        return names.index(key)
    if key.lstrip("-").isdigit() and -len(items) <= int(key) < len(items):
        return int(key)
    known = ", ".join(str(n) for n in names if n) or f"indices 0..{len(items) - 1}"
    raise InputError(Problem(f"'{path}': nothing named '{key}' in {here} (there are: {known})"))


def _unknown(key: str, known: list[str], here: str, path: str) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    hint = f"did you mean '{close[0]}'?" if close else f"keys here: {', '.join(known)}"
    return f"'{path}': no key '{key}' in {here}; {hint}"


def build_points(base: Scenario, settings: Sequence[Setting]) -> list[Point]:
    """Every point of the grid, validated.

    Raises:
        InputError: duplicate paths, too many points, or any point that is not a valid
            scenario (each problem names the point).
    """
    paths = [s.path for s in settings]
    if not settings:
        raise InputError("give at least one --set PATH=SPEC")
    if len(set(paths)) != len(paths):
        raise InputError(f"a path is set twice: {', '.join(paths)}; give each path once")
    for path in paths:
        if path in RUN_SETTINGS:
            raise InputError(f"--set {path}: {RUN_SETTINGS[path]}")
    total = math.prod(len(s.values) for s in settings)
    if total > MAX_POINTS:
        raise InputError(f"the grid has {total:,} points; the limit is {MAX_POINTS:,}")
    plain = base.model_dump(mode="json")
    points: list[Point] = []
    problems: list[Problem] = []
    for i, combo in enumerate(itertools.product(*(s.values for s in settings)), start=1):
        params = dict(zip(paths, combo, strict=True))
        data = copy.deepcopy(plain)
        for path, value in params.items():
            set_path(data, path, value)
        label = ", ".join(f"{k}={v}" for k, v in params.items())
        try:
            scenario = validate_mapping(data)
        except InputError as exc:
            problems += [
                Problem(p.message, path=p.path, file=f"sweep point {i} of {total} ({label})")
                for p in exc.problems
            ]
            continue
        canonical = json.dumps(data, sort_keys=True, ensure_ascii=False)
        sha = hashlib.sha256(canonical.encode()).hexdigest()
        points.append(Point(i, params, scenario, sha))
    if problems:
        extra = len(problems) - MAX_PROBLEMS
        shown = problems[:MAX_PROBLEMS]
        if extra > 0:
            shown.append(Problem(f"... and {extra} more problems"))
        raise InputError(shown)
    return points


def run_sweep(
    base: LoadedScenario,
    settings: Sequence[Setting],
    *,
    replications: int,
    seed: int,
    workers: int,
    progress: Callable[[int], None] | None = None,
    points: list[Point] | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    store: PointStore | None = None,
    engine: str = "mesa",
) -> Sweep:
    """Run every point of the grid (validated first) with the same seeds.

    Args:
        base: the scenario the grid starts from.
        settings: the settings.
        replications: replications per point.
        seed: root seed, shared by all points.
        workers: worker processes.
        progress: called with the number of replications just finished.
        points: the grid, if already built with :func:`build_points`.
        executor: ``local``, ``serial`` or ``dask``; one executor (one pool or cluster)
            serves every point (see :mod:`sim.experiment.executors`).
        scheduler: Dask scheduler address (``dask`` only; None starts a local cluster).
        store: where points stream their rows and leave their summaries (resumable);
            None keeps rows in memory.
        engine: ``auto``, ``mesa`` or ``fast`` (:mod:`sim.experiment.engines`).

    Returns:
        The sweep, every point with its summary.
    """
    points = points if points is not None else build_points(base.scenario, settings)
    name = Path(base.path).name or base.scenario.name
    with make_executor(executor, workers, scheduler, engine) as ex:
        for p in points:
            # Resume (issue 4): a finished point is read back, a stopped one continued.
            p.summary = store.done(p.index) if store is not None else None
            if p.summary is not None:
                if progress is not None:
                    progress(replications)
                continue
            sink = (
                store.sink(p.index, p.scenario, replications, p.columns())
                if store is not None
                else None
            )
            exp = run_experiment(
                p.scenario, replications, seed, workers, progress, executor=ex, sink=sink
            )
            p.summary = summarise(exp, name)
            if store is not None:
                store.save(p.index, p.summary)
    used = tuple(dict.fromkeys(ex.engines.values()))
    return Sweep(base, list(settings), points, seed, replications, used)


def sweep_columns(settings: Sequence[Setting]) -> list[str]:
    """Columns of ``sweep.csv``: the point, its parameters, each headline with interval."""
    cols = ["point", *(s.path for s in settings)]
    for h in HEADLINES:
        cols += [h.key, f"{h.key}_ci_low", f"{h.key}_ci_high"]
    return cols + ["fracture_median_month"]


def sweep_rows(sweep: Sweep) -> list[dict]:
    """One row per point: its parameters and every headline metric with its interval."""
    rows = []
    for p in sweep.points:
        assert p.summary is not None
        row: dict = {"point": p.index, **p.params}
        for h in HEADLINES:
            entry = p.summary[h.key]
            row[h.key] = entry[h.value]
            row[f"{h.key}_ci_low"], row[f"{h.key}_ci_high"] = entry["ci95"]
        row["fracture_median_month"] = p.summary["fracture"]["median_month"]
        rows.append(row)
    return rows


def sweep_study(
    base: LoadedScenario,
    settings: Sequence[Setting],
    *,
    replications: int,
    seed: int,
    workers: int,
    out: str | Path | None = None,
    results_root: str | Path = "results",
    progress: Callable[[int], None] | None = None,
    report: Callable[[Path, Sweep], list[str]] | None = None,
    executor: str = "local",
    scheduler: str | None = None,
    resume: str | Path | None = None,
    engine: str = "mesa",
) -> tuple[Path, Sweep]:
    """One ``sim sweep``: validate the grid, run it, write a results folder.

    Files: ``sweep.csv`` (:func:`sweep_columns`), ``sweep.json`` (every point's parameters
    and summary), whatever ``report`` writes, and ``manifest.json`` naming the base
    scenario and every point (parameters and the sha256 of its scenario). Each point's
    rows stream to ``points/<index>/runs.csv`` and its summary to ``summary.json`` there.
    ``resume`` is the folder of a stopped sweep with the same scenario file, settings,
    seed and replications: finished points are kept, the rest run (issue 4).

    Returns:
        The folder and the sweep.

    Raises:
        Interrupted: stopped by Ctrl-C or SIGTERM; finished points and chunks are kept.
    """
    points = build_points(base.scenario, settings)  # all points valid before anything runs
    info = {
        "kind": "sweep",
        "engine": engine,
        "scenario": base.path,
        "scenario_title": base.scenario.name,
        "scenario_sha256": base.sha256,
        "settings": {s.path: list(s.values) for s in settings},
        "points": [{"point": p.index, **p.params, "scenario_sha256": p.sha256} for p in points],
        "seed": seed,
        "replications": replications,
        "common_random_numbers": True,
        "workers": workers,
        "executor": executor,
        "scheduler": scheduler,
        "started": results.now(),
    }
    if resume is not None:
        same = ("scenario_sha256", "settings", "points", "seed", "replications")
        old = reopen(resume, "sweep", {k: info[k] for k in same})
        folder = Path(resume)
        info.update(started=old.get("started"), resumed=[*old.get("resumed", []), results.now()])
    else:
        stem = (Path(base.path).stem or "scenario") + "-sweep"
        folder = results.new_folder(out, stem, results_root)
    try:
        sweep = _run_and_write(
            base,
            settings,
            points,
            folder,
            info,
            resume is not None,
            progress=progress,
            report=report,
            executor=executor,
            scheduler=scheduler,
            workers=workers,
        )
    except KeyboardInterrupt as stop:
        raise Interrupted.from_stop(folder, stop) from stop
    return folder, sweep


def _run_and_write(
    base, settings, points, folder, info, resume, *, progress, report, executor, scheduler, workers
) -> Sweep:
    """Run the sweep into ``folder`` under its manifest and write its files."""
    seed, replications = info["seed"], info["replications"]
    store = PointStore(folder, resume)
    store.check([(p.index, p.scenario, p.columns()) for p in points], replications)  # first
    with results.tracked(folder, info, new=not resume) as files:
        sweep = run_sweep(
            base,
            settings,
            replications=replications,
            seed=seed,
            workers=workers,
            progress=progress,
            points=points,
            executor=executor,
            scheduler=scheduler,
            store=store,
            engine=info.get("engine", "mesa"),
        )
        info["engines"] = list(sweep.engines)  # the engines the points ran on (manifest)
        files += [f for p in points for f in store.files(p.index)]
        files += ["sweep.csv", "sweep.json"]
        results.write_csv(folder / "sweep.csv", sweep_rows(sweep), sweep_columns(settings))
        results.write_json(
            folder / "sweep.json",
            {
                "scenario": base.path,
                "seed": seed,
                "replications": replications,
                "points": [
                    {"point": p.index, "params": p.params, "summary": p.summary}
                    for p in sweep.points
                ],
            },
        )
        if report is not None:
            files += report(folder, sweep)
    return sweep
