"""What :func:`sim.run`, :func:`sim.compare` and :func:`sim.sweep` return.

Each result lives in a results folder (a temporary one unless ``out=`` was given) laid out
exactly as ``sim run`` / ``sim compare`` / ``sim sweep`` write it, and reads its tables
from there on demand as pandas DataFrames. ``save(dir)`` copies the folder to ``dir``
and adds the pictures and the report; ``plots()`` draws the pictures when asked (nothing
imports matplotlib before then). Every picture displays itself in a notebook.
"""

from __future__ import annotations

import json
import shutil
import weakref
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from sim.experiment import lock, results, tables

if TYPE_CHECKING:
    import pandas as pd

    from sim.experiment.compare import Comparison
    from sim.experiment.runner import Experiment
    from sim.experiment.sweep import Sweep
    from sim.scenario.loader import LoadedScenario
    from sim.scenario.schema import Scenario


class Picture:
    """A picture written as a PNG; a notebook shows it (``_repr_png_``).

    Attributes:
        path: the PNG file.
    """

    def __init__(self, path: Path):
        self.path = Path(path)

    def _repr_png_(self) -> bytes:
        return self.path.read_bytes()

    def __repr__(self) -> str:
        return f"Picture({str(self.path)!r})"


class _Folder:
    """A results folder, temporary (removed with this object) or the user's."""

    def __init__(self, folder: Path, temporary: bool):
        self.folder = Path(folder)
        self.temporary = temporary
        if temporary:
            weakref.finalize(self, shutil.rmtree, str(self.folder), True)

    def _json(self, name: str) -> dict:
        return json.loads((self.folder / name).read_text("utf-8"))

    def save(self, dest: str | Path, *, plots: bool = True, format: str = "csv") -> Path:
        """Write the usual results folder to ``dest`` (new or empty; never overwritten).

        Args:
            dest: the folder.
            plots: also draw the pictures and write ``report.md`` / ``report.html``.
            format: ``csv`` or ``parquet`` for the tables.

        Returns:
            The folder.

        Raises:
            InputError: ``dest`` exists and is not empty.
        """
        tables.check_format(format)
        target = results.new_folder(dest, "results")
        with results.writing(target, new=True):
            # pictures/ holds what plots() drew on demand; save() draws its own.
            shutil.copytree(
                self.folder,
                target,
                dirs_exist_ok=True,
                ignore=shutil.ignore_patterns("pictures", lock.LOCK),
            )
            has_report = (self.folder / "report.md").exists()
            if plots and not has_report and self._drawable():
                tables.add_files(target, self._draw_report(target))
            if format == "parquet":
                tables.to_parquet(target)
        return target

    def _drawable(self) -> bool:
        return True

    def _draw_report(self, folder: Path) -> list[str]:
        raise NotImplementedError

    def _pictures(self, draw: Callable[[Path], list[str]]) -> list[Picture]:
        pictures = self.folder / "pictures"
        pictures.mkdir(exist_ok=True)
        return [Picture(pictures / name) for name in draw(pictures) if name]


class Results(_Folder):
    """One scenario run many times.

    Attributes:
        folder: the results folder (temporary unless ``out=`` was given).
        scenario: the scenario that ran.
        summary: the summary, the same dict as ``summary.json``.
    """

    def __init__(
        self,
        folder: Path,
        loaded: LoadedScenario,
        experiment: Experiment | None,
        temporary: bool,
    ):
        super().__init__(folder, temporary)
        self.loaded = loaded
        self.scenario: Scenario = loaded.scenario
        self.experiment = experiment
        self.summary: dict = self._json("summary.json")

    def __repr__(self) -> str:
        s = self.summary
        return (
            f"<Results {s.get('scenario')}: {s.get('replications')} replications, "
            f"seed {s.get('seed')}, folder {self.folder}>"
        )

    @cached_property
    def runs(self) -> pd.DataFrame:
        """One row per replication (the columns of ``runs.csv``, see docs/api.md)."""
        return tables.read(self.folder / "runs")

    @cached_property
    def influence(self) -> pd.DataFrame:
        """Influence-share quantiles per month and holder (``influence.csv``)."""
        return tables.read(self.folder / "influence")

    @cached_property
    def failures(self) -> pd.DataFrame:
        """Replications that raised: replication, seed, error (usually empty)."""
        return tables.read(self.folder / "failures")

    def _drawable(self) -> bool:
        return self.experiment is not None and self.experiment.totals.replications > 0

    def _draw_report(self, folder: Path) -> list[str]:
        from sim.reports.report import run_report

        assert self.experiment is not None  # _drawable
        return run_report(folder, self.experiment, self.summary, self.loaded)

    def plots(self) -> list[Picture]:
        """Every picture of the run (latency, leader, survival, influence, states, power)."""
        from sim.reports.plots import run_plots

        if not self._drawable():
            return []
        assert self.experiment is not None
        exp = self.experiment
        return self._pictures(lambda where: run_plots(where, exp, self.summary))


class ComparisonResults(_Folder):
    """Designs run with common random numbers (:func:`sim.compare`).

    Attributes:
        folder: the results folder.
        comparison: the designs, their experiments and paired differences.
        summary: the same dict as ``comparison.json`` (every design's summary and the
            differences against the first).
    """

    def __init__(self, folder: Path, comparison: Comparison, temporary: bool):
        super().__init__(folder, temporary)
        self.comparison = comparison
        self.summary: dict = self._json("comparison.json")

    def __repr__(self) -> str:
        labels = ", ".join(d.label for d in self.comparison.designs)
        return f"<ComparisonResults {labels}: {self.comparison.replications} replications each>"

    @property
    def labels(self) -> list[str]:
        """The designs' labels, the baseline first."""
        return [d.label for d in self.comparison.designs]

    @cached_property
    def table(self) -> pd.DataFrame:
        """One row per (metric, design): estimate, interval, paired difference (CSV's)."""
        return tables.read(self.folder / "comparison")

    @cached_property
    def runs(self) -> pd.DataFrame:
        """Every replication of every design, with a leading ``design`` column."""
        return tables.read_many(
            [self.folder / "designs" / d.folder / "runs" for d in self.comparison.designs]
        )

    @cached_property
    def influence(self) -> pd.DataFrame:
        """Influence-share quantiles per design, month and holder."""
        import pandas as pd

        from sim.experiment.summary import influence_bands

        rows = [
            {"design": d.label, **row}
            for d in self.comparison.designs
            for row in influence_bands(d.experiment)
        ]
        return pd.DataFrame(rows)

    def _draw_report(self, folder: Path) -> list[str]:
        from sim.reports.compare import comparison_report

        return comparison_report(folder, self.comparison)

    def plots(self) -> list[Picture]:
        """The overlays: paired differences, survival, latency and leader by design."""
        from sim.reports.compare import plots

        return self._pictures(lambda where: plots(where, self.comparison))


class SweepResults(_Folder):
    """A grid over scenario parameters (:func:`sim.sweep`).

    Attributes:
        folder: the results folder.
        sweep: the grid and every point's summary.
        summary: the same dict as ``sweep.json`` (each point's parameters and summary).
    """

    def __init__(self, folder: Path, sweep: Sweep, temporary: bool):
        super().__init__(folder, temporary)
        self.sweep = sweep
        self.summary: dict = self._json("sweep.json")

    def __repr__(self) -> str:
        paths = ", ".join(s.path for s in self.sweep.settings)
        return f"<SweepResults {len(self.sweep.points)} points over {paths}>"

    @cached_property
    def table(self) -> pd.DataFrame:
        """One row per point: its parameters and each headline with interval (CSV's)."""
        return tables.read(self.folder / "sweep")

    @cached_property
    def runs(self) -> pd.DataFrame:
        """Every replication of every point, led by ``point`` and the parameter columns."""
        return tables.read_many(
            [self.folder / "points" / f"{p.index:03d}" / "runs" for p in self.sweep.points]
        )

    def _draw_report(self, folder: Path) -> list[str]:
        from sim.reports.sweep import sweep_report

        return sweep_report(folder, self.sweep)

    def plots(self) -> list[Picture]:
        """Each headline over the grid (lines for one parameter, heatmaps for two)."""
        from sim.reports.sweep import plots

        return self._pictures(lambda where: plots(where, self.sweep))
