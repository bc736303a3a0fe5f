"""The backtest's files: a CSV and a picture of each case's simulation against history.

Left, per case, the share of replications ending in each outcome category, the actual
category outlined; right, the simulated years to the actual category (10th to 90th
percentile, median) against the actual years. Imported only when files are wanted.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from matplotlib.patches import Patch

from sim.experiment import results as files
from sim.experiment.backtest import CATEGORIES, CaseResult
from sim.experiment.skill import CSV_COLUMNS, report, table_rows
from sim.reports.plots import figure, plt, styled

CATEGORY_COLOURS = {
    "BUY": "#1f77b4",
    "DISS": "#d62728",
    "LEAD": "#2ca02c",
    "STATE": "#9467bd",
    "EXIT": "#ff7f0e",
    "RUN": "#bdbdbd",
}
CATEGORY_LABELS = {
    "BUY": "bought by a partner",
    "DISS": "dissolved / sold / bankrupt",
    "LEAD": "de facto leader / reformed",
    "STATE": "state took the lead",
    "EXIT": "a member left",
    "RUN": "still running",
}


@styled
def plot_backtest(folder: Path, results: Sequence[CaseResult], name: str = "backtest.png") -> str:
    """Draw the backtest figure into ``folder/name`` and return the file name."""
    n = len(results)
    fig, (left, right) = figure(
        ncols=2, figsize=(13, max(5.0, 1.1 * n + 2.4)), gridspec_kw={"width_ratios": [1.3, 1]}
    )
    labels = [f"{r.case}\nactual: {r.actual.category} {r.actual.who}".strip() for r in results]
    ys = list(range(n))[::-1]
    for y, r in zip(ys, results, strict=True):
        start = 0.0
        for c in CATEGORIES:
            width = 100 * r.shares[c]
            actual = c == r.actual.category
            left.barh(
                y,
                width,
                left=start,
                color=CATEGORY_COLOURS[c],
                edgecolor="black" if actual else "white",
                linewidth=2.5 if actual else 0.5,
            )
            start += width
        left.text(101, y, f"{100 * r.p_actual:.0f}%", va="center", fontsize=10)
    left.set_yticks(ys, labels, fontsize=10)
    left.set_xlim(0, 110)
    left.set_xlabel("Simulated outcome (% of replications); actual category outlined")
    left.set_title("What the model says happens")
    handles = [Patch(color=CATEGORY_COLOURS[c], label=CATEGORY_LABELS[c]) for c in CATEGORIES]
    # A figure legend below everything: tight_layout leaves it alone, savefig keeps it.
    fig.legend(handles=handles, fontsize=9, ncols=6, loc="upper center", bbox_to_anchor=(0.5, 0))

    for y, r in zip(ys, results, strict=True):
        if r.years_q is not None:
            lo, mid, hi = r.years_q
            right.plot([lo, hi], [y, y], color=CATEGORY_COLOURS[r.actual.category], lw=5, alpha=0.5)
            right.plot([mid], [y], "o", color=CATEGORY_COLOURS[r.actual.category], ms=8)
        else:
            right.text(
                r.actual.years,
                y + 0.3,
                "never in simulation",
                ha="center",
                fontsize=9,
                color="#616161",
            )
        right.plot([r.actual.years], [y], "k*", ms=14)
    right.set_yticks(ys, [r.case for r in results], fontsize=10)
    right.set_xlim(left=0)
    right.set_xlabel("Years to the actual outcome category")
    right.set_title("When: simulated 10-90% range and median vs actual (star)")
    # bbox_inches="tight" alone: tight_layout cannot fit the two-line case labels of a
    # short figure and only warns.
    fig.savefig(folder / name, bbox_inches="tight")
    plt.close(fig)
    return name


def write_backtest(
    results: Sequence[CaseResult],
    out: str | Path | None,
    root: str | Path = "results",
    seed: int | None = None,
) -> Path:
    """Write ``backtest.csv``, ``scores.json``, ``backtest.png`` and a manifest.

    Args:
        results: the cases' results.
        out: the folder (new or empty), or None for ``root/backtest-<time>``.
        root: parent of default folders.
        seed: the root seed the cases ran with (recorded in the manifest).

    Returns:
        The folder.
    """
    folder = files.new_folder(out, "backtest", root)
    with files.writing(folder, new=True):
        _write(folder, results, seed)
    return folder


def _write(folder: Path, results: Sequence[CaseResult], seed: int | None) -> None:
    files.write_csv(folder / "backtest.csv", table_rows(results), list(CSV_COLUMNS))
    files.write_json(folder / "scores.json", report(results, seed if seed is not None else -1))
    plot_backtest(folder, results)
    files.write_json(
        folder / "manifest.json",
        files.manifest(
            kind="backtest",
            status="complete",
            seed=seed,
            cases=[r.case for r in results],
            case_sha256={r.case: r.sha256 for r in results},
            replications=results[0].replications if results else 0,
            files=["backtest.csv", "scores.json", "backtest.png"],
        ),
    )
