"""Pictures that put several designs or grid points together (compare and sweep).

Built on the pieces of :mod:`sim.reports.plots` (house style, ECDF and Kaplan-Meier
drawing, Wilson error bars); reads results only. Designs get colours from a palette
distinct from the partners' so the two are never confused.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.ticker import MaxNLocator, PercentFormatter

from sim.experiment.compare import Comparison
from sim.experiment.summary import HEADLINES
from sim.reports.plots import (
    NONE_COLOUR,
    axis_label,
    ecdf_end,
    figure,
    latency_ecdf,
    leader_counts,
    metric_range,
    parameter_label,
    save,
    styled,
    survival_curve,
    wilson_errors,
)
from sim.reports.report import unit_word

DESIGN_PALETTE = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02")


def design_colours(labels: list[str]) -> dict[str, str]:
    """A colour per design, in order."""
    return {x: DESIGN_PALETTE[i % len(DESIGN_PALETTE)] for i, x in enumerate(labels)}


@styled
def differences_chart(folder: Path, comp: Comparison) -> str:
    """Paired difference of each design against the first, one panel per headline."""
    base = comp.designs[0].label
    others = comp.designs[1:] or comp.designs[:1]
    cmap = design_colours([d.label for d in comp.designs])
    fig, axes = figure(
        nrows=len(HEADLINES), figsize=(9, 1.0 + (0.55 * len(others) + 0.9) * len(HEADLINES))
    )
    for ax, h in zip(np.atleast_1d(axes), HEADLINES, strict=True):
        scale = 100 if h.percent else 1
        for y, d in enumerate(others):
            diff = comp.differences[d.label][h.key]
            mean, (lo, hi) = diff["mean"], diff["ci95"]
            if mean is None:
                continue
            lo, hi = (mean, mean) if lo is None else (lo, hi)
            ax.errorbar(
                scale * mean,
                y,
                xerr=[[scale * (mean - lo)], [scale * (hi - mean)]],
                fmt="o",
                capsize=6,
                ms=8,
                color=cmap[d.label],
            )
        ax.axvline(0, color="black", lw=1)
        ax.set_yticks(range(len(others)), [d.label for d in others])
        ax.set_ylim(-0.6, len(others) - 0.4)
        lim = max(abs(v) for v in ax.get_xlim())
        ax.set_xlim(-lim, lim)
        unit = "percentage points" if h.percent else unit_word(h)
        ax.set_title(f"{h.label}: difference in {unit}", fontsize=12, loc="left")
        ax.grid(axis="y", visible=False)
    fig.suptitle(f"Paired differences vs {base} (95% intervals)")
    return save(fig, folder, "compare_differences.png")


@styled
def survival_overlay(folder: Path, comp: Comparison) -> str:
    """Kaplan-Meier curves of time to first fracture, one per design."""
    cmap = design_colours([d.label for d in comp.designs])
    fig, ax = figure()
    for d in comp.designs:
        survival_curve(ax, d.experiment, label=d.label, colour=cmap[d.label])
    horizon = max(d.experiment.scenario.horizon_months for d in comp.designs)
    ax.set_xlim(0, horizon)
    ax.set_ylim(0, 101)
    ax.yaxis.set_major_formatter(PercentFormatter())
    ax.set_xlabel("Months since the venture was formed")
    ax.set_ylabel("No fracture yet (%)")
    ax.set_title("Time to first fracture by design (Kaplan-Meier, 95% bands)")
    ax.legend(loc="lower left")
    return save(fig, folder, "compare_survival.png")


@styled
def latency_overlay(folder: Path, comp: Comparison) -> str:
    """ECDFs of decision latency, one per design."""
    cmap = design_colours([d.label for d in comp.designs])
    fig, ax = figure()
    last = max(ecdf_end(d.experiment.tally.latency) for d in comp.designs)
    for d in comp.designs:
        counts = d.experiment.tally.latency
        latency_ecdf(ax, counts, label=d.label, colour=cmap[d.label], last=last)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(0, 101)
    ax.yaxis.set_major_formatter(PercentFormatter())
    ax.set_xlabel("Decision latency: months from an issue's arrival to its decision")
    ax.set_ylabel("Decisions taken within that time (%)")
    ax.set_title("How long decisions take, by design")
    ax.legend(loc="lower right")
    return save(fig, folder, "compare_latency.png")


@styled
def leader_overlay(folder: Path, comp: Comparison) -> str:
    """Probability of each partner becoming de facto leader, bars grouped by design."""
    names: list[str] = []
    for d in comp.designs:
        names += [n for n in d.experiment.holders if n not in names]
    cats = [*names, "No leader"]
    cmap = design_colours([d.label for d in comp.designs])
    fig, ax = figure(figsize=(max(9, 1.3 * len(cats) * len(comp.designs) ** 0.5), 5))
    width = 0.8 / len(comp.designs)
    x = np.arange(len(cats))
    top = 0.0
    for i, d in enumerate(comp.designs):
        counts = leader_counts(d.experiment, names)
        shares, err = wilson_errors([counts[c] for c in cats], len(d.experiment.rows))
        offset = (i - (len(comp.designs) - 1) / 2) * width
        ax.bar(x + offset, shares, width, yerr=err, capsize=4, label=d.label, color=cmap[d.label])
        top = max(top, float(np.max(shares + err[1])))
    ax.set_xticks(x, cats)
    for tick in ax.get_xticklabels():
        if tick.get_text() == "No leader":
            tick.set_color(NONE_COLOUR)
    ax.set_ylim(0, min(100, top * 1.15 + 3))
    ax.yaxis.set_major_formatter(PercentFormatter())
    ax.set_ylabel("Replications (%)")
    ax.set_title("Who becomes the de facto leader, by design (95% Wilson intervals)")
    ax.legend(loc="upper left")
    return save(fig, folder, "compare_leader.png")


def _numeric(values: list) -> bool:
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


@styled
def sweep_line(folder: Path, path: str, xs: list, rows: list[dict], key: str) -> str:
    """A headline metric against one parameter: estimate and its 95% band."""
    h = next(h for h in HEADLINES if h.key == key)
    scale = 100 if h.percent else 1
    est = np.array([_num(r[key]) for r in rows]) * scale
    lo = np.array([_num(r[f"{key}_ci_low"]) for r in rows]) * scale
    hi = np.array([_num(r[f"{key}_ci_high"]) for r in rows]) * scale
    pos = np.array(xs, dtype=float) if _numeric(xs) else np.arange(len(xs))
    fig, ax = figure()
    if _numeric(xs):
        ax.fill_between(pos, lo, hi, alpha=0.25, color="#1f77b4", lw=0, label="95% interval")
        ax.plot(pos, est, "o-", color="#1f77b4", lw=2, label="estimate")
    else:  # categories: no line between them, whiskers instead of a band
        err = [est - lo, hi - est]
        ax.errorbar(
            pos,
            est,
            yerr=err,
            fmt="o",
            capsize=6,
            ms=8,
            color="#1f77b4",
            label="estimate with 95% interval",
        )
        ax.set_xticks(pos, [str(x) for x in xs])
        ax.set_xlim(-0.5, len(xs) - 0.5)
    ax.set_xlabel(parameter_label(path))
    ax.set_ylabel(axis_label(key))
    if h.percent:
        ax.yaxis.set_major_formatter(PercentFormatter())
    ax.set_title(f"{h.label} against {path.rsplit('.', 1)[-1]}")
    ax.legend()
    return save(fig, folder, f"sweep_{key}.png")


@styled
def sweep_heatmap(
    folder: Path, paths: tuple[str, str], axes_values: tuple[list, list], rows: list[dict], key: str
) -> str:
    """A headline metric over two parameters: a heatmap, each cell labelled with its interval."""
    h = next(h for h in HEADLINES if h.key == key)
    scale = 100 if h.percent else 1
    xs, ys = axes_values
    grid = np.full((len(ys), len(xs)), np.nan)
    text = [["" for _ in xs] for _ in ys]
    for r in rows:
        i, j = ys.index(r[paths[1]]), xs.index(r[paths[0]])
        grid[i, j] = _num(r[key]) * scale
        lo, hi = _num(r[f"{key}_ci_low"]) * scale, _num(r[f"{key}_ci_high"]) * scale
        fmt = "{:.1f}" if h.percent else "{:.2f}"
        text[i][j] = (
            f"{fmt.format(grid[i, j])}{'%' if h.percent else ''}\n"
            f"[{fmt.format(lo)}, {fmt.format(hi)}]"
            if np.isfinite(grid[i, j])
            else "n/a"
        )
    # Cells whose interval overlaps the first cell's cannot be told apart from it: marked.
    lows = np.full_like(grid, np.nan)
    highs = np.full_like(grid, np.nan)
    for r in rows:
        i, j = ys.index(r[paths[1]]), xs.index(r[paths[0]])
        lows[i, j] = _num(r[f"{key}_ci_low"]) * scale
        highs[i, j] = _num(r[f"{key}_ci_high"]) * scale
    for i in range(len(ys)):
        for j in range(len(xs)):
            if (i or j) and lows[i, j] <= highs[0, 0] and lows[0, 0] <= highs[i, j]:
                text[i][j] = "≈ " + text[i][j]
    vmin, vmax = metric_range(key, grid.ravel().tolist())
    fig, ax = figure(figsize=(max(7, 1.5 * len(xs) + 3), max(4.5, 0.9 * len(ys) + 2)))
    im = ax.imshow(grid, cmap="viridis", aspect="auto", origin="lower", vmin=vmin, vmax=vmax)
    ax.grid(False)
    ax.set_xticks(range(len(xs)), [str(x) for x in xs])
    ax.set_yticks(range(len(ys)), [str(y) for y in ys])
    ax.set_xlabel(parameter_label(paths[0]))
    ax.set_ylabel(parameter_label(paths[1]))
    mid = (vmin + vmax) / 2
    fontsize = 10 if len(xs) <= 6 else 8
    for i in range(len(ys)):
        for j in range(len(xs)):
            dark = not np.isfinite(grid[i, j]) or grid[i, j] < mid
            ax.text(
                j,
                i,
                text[i][j],
                ha="center",
                va="center",
                fontsize=fontsize,
                color="white" if dark else "black",
            )
    bar = fig.colorbar(im, ax=ax)
    bar.set_label(axis_label(key))
    ax.set_title(
        f"{h.label}: estimate and [95% interval]\n≈: not told apart from the bottom-left cell",
        fontsize=10,
    )
    return save(fig, folder, f"sweep_{key}.png")


def _num(x) -> float:
    return float("nan") if x is None else float(x)
