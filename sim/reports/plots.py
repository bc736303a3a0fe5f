"""Pictures of one run: latency, leaders, survival, influence, final states, formal power.

Each function draws one figure from results already computed (an
:class:`~sim.experiment.runner.Experiment`, its summary, :func:`influence_bands`,
:func:`~sim.experiment.stats.kaplan_meier`), saves it as a PNG and returns the file
name; none runs the model. Matplotlib is imported here only, with the Agg backend (no
display needed), and this module is imported only when pictures are wanted. Labels and
units of headline metrics come from :data:`~sim.experiment.summary.HEADLINES`.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.ticker import MaxNLocator, PercentFormatter  # noqa: E402

from sim.experiment import stats  # noqa: E402
from sim.experiment.outcomes import FINAL_STATES  # noqa: E402
from sim.experiment.runner import Experiment  # noqa: E402
from sim.experiment.summary import HEADLINES, influence_bands  # noqa: E402
from sim.experiment.totals import FRACTURE_CENSORED, FRACTURE_EVENT  # noqa: E402
from sim.model.structure import FRACTURE_CAUSES  # noqa: E402

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType


STYLE: dict[RcKeyType, Any] = {
    "figure.figsize": (9, 5),
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "font.size": 12,
    "axes.titlesize": 14,
    "axes.labelsize": 12,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "legend.frameon": False,
    "text.parse_math": False,  # names and titles are the user's: a '$' is not mathematics
}
NONE_COLOUR = "#9e9e9e"
P = ParamSpec("P")
R = TypeVar("R")


def headline(key: str):
    """The :class:`~sim.experiment.summary.Headline` declared for ``key``."""
    return next(h for h in HEADLINES if h.key == key)


def axis_label(key: str) -> str:
    """Axis label of a headline metric: its label and unit (``%`` for percentages)."""
    h = headline(key)
    return f"{h.label} ({'%' if h.percent else h.unit})"


def parameter_label(path: str) -> str:
    """A parameter's dotted path in words, with its unit.

    ``partners.SoftBank.outside_option`` reads ``SoftBank: outside option (value units)``.
    """
    from sim.docs import unit_of

    parts = path.split(".")
    words = parts[-1].replace("_", " ")
    owner = parts[-2].replace("_", " ") if len(parts) > 1 else ""
    unit = unit_of(path)
    text = f"{owner}: {words}" if owner else words
    return f"{text} ({unit})" if unit and unit != "-" else text


def metric_range(key: str, values) -> tuple[float, float]:
    """A fixed colour scale for a headline metric, so noise is not stretched over it.

    Percentages: 0-100; latencies over the window: 0 to the window; months: 0 to the
    largest value seen, rounded up to a year.
    """
    from sim.experiment.latency import TAU_MONTHS

    h = headline(key)
    if h.percent:
        return 0.0, 100.0
    if key.endswith("_latency_months"):
        return 0.0, float(TAU_MONTHS)
    top = max([v for v in values if v == v] or [12.0])
    return 0.0, float(12 * max(1, -(-top // 12)))


def colours(names: Sequence[str]) -> dict[str, str]:
    """A fixed colour per name (partners keep their colour across every figure)."""
    cycle = plt.get_cmap("tab10")  # a list of N = 10 colours; cycle(i) is the i-th
    return {n: matplotlib.colors.to_hex(cycle(i % cycle.N)) for i, n in enumerate(names)}


def save(fig, folder: Path, name: str) -> str:
    """Save a figure as ``folder/name`` (tight layout), close it, return the name."""
    fig.tight_layout()
    fig.savefig(folder / name, bbox_inches="tight")
    plt.close(fig)
    return name


def figure(**kw):
    """A new figure and axes (call inside a :func:`styled` function)."""
    return plt.subplots(**kw)


def styled(draw: Callable[P, R]) -> Callable[P, R]:
    """Run a plotting function in the house style (matplotlib reads it at every call)."""

    @functools.wraps(draw)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with plt.rc_context(STYLE):
            return draw(*args, **kwargs)

    return wrapper


def latency_ecdf(
    ax, counts: np.ndarray, label: str | None = None, colour=None, last: int | None = None
) -> None:
    """Draw the ECDF of decision latency from counts of decisions by whole months.

    Drawn up to month ``last`` (default: where 99.5% of decisions are taken).
    """
    total = counts.sum()
    if total == 0:
        return
    cum = np.cumsum(counts) / total
    months = np.arange(len(counts))
    last = ecdf_end(counts) if last is None else last
    ax.step(months[:last], 100 * cum[:last], where="post", label=label, color=colour, lw=2)


def ecdf_end(counts: np.ndarray) -> int:
    """The month up to which a latency ECDF is worth drawing (99.5% of decisions, plus 2)."""
    total = counts.sum()
    return int(np.searchsorted(np.cumsum(counts) / total, 0.995)) + 2 if total else 1


def survival_curve(ax, exp: Experiment, label: str | None = None, colour=None) -> None:
    """Draw the Kaplan-Meier curve of time to first fracture with its 95% band.

    From the run's streaming totals (fracture months and the months of runs without one),
    so the rows are not read again.
    """
    totals = exp.totals
    km = stats.kaplan_meier_counts(
        totals.histogram(FRACTURE_EVENT), totals.histogram(FRACTURE_CENSORED)
    )
    horizon = exp.scenario.horizon_months
    t = [0.0, *km.times, float(horizon)]
    s = [1.0, *km.survival, km.survival[-1] if km.survival else 1.0]
    lo = [1.0, *km.lower, km.lower[-1] if km.lower else 1.0]
    hi = [1.0, *km.upper, km.upper[-1] if km.upper else 1.0]
    (line,) = ax.step(t, 100 * np.array(s), where="post", label=label, color=colour, lw=2)
    ax.fill_between(
        t, 100 * np.array(lo), 100 * np.array(hi), step="post", alpha=0.2, color=line.get_color()
    )


def leader_counts(exp: Experiment, names: Sequence[str]) -> dict[str, int]:
    """Replications in which each name became de facto leader, and ``"No leader"``."""
    c = Counter(exp.totals.counts.get("leader", {}))
    c[""] = exp.totals.replications - sum(c.values())
    out = {n: c.get(n, 0) for n in names}
    out["No leader"] = c.get("", 0)
    return out


def wilson_errors(counts: Sequence[int], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Shares (%) and asymmetric Wilson error bars (%) for bar charts."""
    shares: list[float] = []
    err: list[list[float]] = [[], []]
    for k in counts:
        p, (lo, hi) = stats.wilson(k, n)
        if p is None or lo is None or hi is None:  # only when n == 0
            raise ValueError("error bars need at least one replication")
        shares.append(100 * p)
        err[0].append(100 * (p - lo))
        err[1].append(100 * (hi - p))
    return np.array(shares), np.array(err)


def mark(ax, x: float, y: float, text: str) -> None:
    """A dotted vertical line at ``x`` with ``text`` written up it from height ``y`` (%)."""
    ax.axvline(x, ls=":", color="black", lw=1)
    ax.annotate(
        text,
        (x, y),
        xytext=(4, 0),
        textcoords="offset points",
        rotation=90,
        va="bottom",
        fontsize=10,
    )


def decided_within(hist: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Months and share of issues decided within them (1 - Kaplan-Meier), from a tally.

    Args:
        hist: ``[0]`` decided and ``[1]`` censored issues by months open.
    """
    decided = {float(m): int(c) for m, c in enumerate(hist[0]) if c}
    censored = {float(m): int(c) for m, c in enumerate(hist[1]) if c}
    times, survival = stats.km_curve_counts(decided, censored)  # pooled: millions of issues
    return np.r_[0.0, times], 1.0 - np.r_[1.0, survival]


@styled
def plot_latency(folder: Path, exp: Experiment, summary: dict) -> str:
    """Share of reserved and routine matters decided within t months (Kaplan-Meier)."""
    fig, ax = figure()
    window = summary["latency_window_months"]
    last = 1
    for key, hist, colour, name in (
        ("reserved_latency_months", exp.tally.reserved, "#d62728", "Reserved matters"),
        ("routine_latency_months", exp.tally.routine, "#1f77b4", "Routine matters"),
    ):
        entry = summary[key]
        if entry["issues"] == 0:
            continue
        months, share = decided_within(hist)
        median = entry["median"]
        text = (
            f"median {median:.0f} month{'' if median == 1 else 's'}"
            if median is not None
            else "median not reached"
        )
        ax.step(
            months,
            100 * share,
            where="post",
            color=colour,
            lw=2,
            label=f"{name}: {entry['issues']:,} issues, {entry['censored']:,} censored; {text}",
        )
        last = max(last, int(months[-1]) + 1 if len(months) else 1)
    mark(ax, window, 5, f"latency window: {window} months")
    ax.set_xlim(0, max(min(last, 4 * window), window + 2))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("Months since the issue arose")
    ax.set_ylabel("Issues decided within that time (%)")
    ax.set_ylim(0, 101)
    ax.yaxis.set_major_formatter(PercentFormatter())
    ax.legend(loc="lower center", fontsize=9)  # clear of the curves and the window mark
    ax.set_title("How long decisions take (Kaplan-Meier; undecided issues censored)")
    return save(fig, folder, "latency.png")


@styled
def plot_leader(folder: Path, exp: Experiment) -> str:
    """Probability that each partner becomes de facto leader, with Wilson intervals."""
    counts = leader_counts(exp, exp.holders)
    shares, err = wilson_errors(list(counts.values()), len(exp.rows))
    cmap = colours(exp.holders)
    fig, ax = figure()
    names = list(counts)
    bars = ax.bar(
        names,
        shares,
        yerr=err,
        capsize=5,
        color=[cmap.get(n, NONE_COLOUR) for n in names],
    )
    ax.bar_label(bars, labels=[f"{s:.1f}%" for s in shares], padding=3, fontsize=10)
    ax.set_ylabel("Replications (%)")
    ax.yaxis.set_major_formatter(PercentFormatter())
    ax.set_ylim(0, min(100, max(shares + err[1]) * 1.2 + 5))
    ax.set_title("Who becomes the de facto leader? (95% Wilson intervals)")
    ax.tick_params(axis="x", rotation=20 if len(names) > 6 else 0)
    return save(fig, folder, "leader.png")


CAUSE_LABELS = {
    "exit": "a partner exits, others carry on",
    "buy_out": "last partner buys the venture",
    "liquidation": "liquidated",
    "shotgun": "shotgun clause",
    "put_call": "put/call option",
    "wind_up": "wound up",
}


@styled
def plot_survival(folder: Path, exp: Experiment) -> str:
    """Left: Kaplan-Meier survival without a fracture, 95% band, lock-up marked.

    Right: cumulative incidence of each cause of fracture (competing risks).
    """
    fig, (ax, cif) = figure(ncols=2, figsize=(13, 4.8))
    survival_curve(ax, exp, colour="#d62728")
    totals = exp.totals
    if not totals.histogram(FRACTURE_EVENT):
        ax.text(
            0.5,
            0.5,
            f"No fracture in any of the {totals.replications:,} replications",
            transform=ax.transAxes,
            ha="center",
            fontsize=12,
        )
    horizon = exp.scenario.horizon_months
    lock = exp.scenario.governance.lock_up_months
    if 0 < lock < horizon:
        mark(ax, lock, 3, f"lock-up ends (month {lock})")
    by_cause = {c: totals.histogram(f"{FRACTURE_EVENT}:{c}") for c in FRACTURE_CAUSES}
    incidence = stats.cumulative_incidence(by_cause, totals.histogram(FRACTURE_CENSORED))
    tab10 = plt.get_cmap("tab10")
    palette = {cause: tab10(i) for i, cause in enumerate(FRACTURE_CAUSES)}
    for cause, (months, values) in incidence.items():
        if by_cause[cause]:
            cif.step(
                [0.0, *months, float(horizon)],
                100 * np.array([0.0, *values, values[-1]]),
                where="post",
                lw=2,
                color=palette[cause],
                label=CAUSE_LABELS[cause],
            )
    if any(by_cause.values()):
        cif.legend(loc="upper left", fontsize=9)
    for a in (ax, cif):
        a.set_xlim(0, horizon)
        a.yaxis.set_major_formatter(PercentFormatter())
        a.set_xlabel("Months since the venture was formed")
    ax.set_ylim(0, 101)
    ax.set_ylabel("No fracture yet (%)")
    ax.set_title("Time to first fracture (Kaplan-Meier, 95% band)")
    cif.set_ylim(
        0, max(5.0, 1.15 * 100 * max((v[-1] for _, v in incidence.values() if v), default=0))
    )
    cif.set_ylabel("Fractured by this cause (%)")
    cif.set_title("Cumulative incidence by cause (competing risks)")
    return save(fig, folder, "survival.png")


@styled
def plot_influence(folder: Path, exp: Experiment) -> str:
    """Influence share per holder over time: median, 50% and 90% bands; equal share dashed."""
    bands = influence_bands(exp)
    names = exp.holders
    cols = math.ceil(math.sqrt(len(names)))
    nrows = math.ceil(len(names) / cols)
    fig, axes = figure(
        nrows=nrows, ncols=cols, sharex=True, sharey=True, figsize=(5 * cols, 3.3 * nrows + 0.6)
    )
    axes = np.atleast_1d(axes).ravel()
    cmap = colours(names)
    equal = 1 / len(exp.scenario.partners)
    for ax, name in zip(axes, names, strict=False):
        b = [r for r in bands if r["holder"] == name]
        m = np.array([r["month"] for r in b])
        q = {k: 100 * np.array([r[k] for r in b]) for k in ("q05", "q25", "q50", "q75", "q95")}
        c = cmap[name]
        ax.fill_between(m, q["q05"], q["q95"], color=c, alpha=0.15, lw=0, label="90% band")
        ax.fill_between(m, q["q25"], q["q75"], color=c, alpha=0.35, lw=0, label="50% band")
        ax.plot(m, q["q50"], color=c, lw=2, label="median")
        ax.axhline(100 * equal, ls="--", color="black", lw=1, label=f"equal share {equal:.0%}")
        ax.set_title(name)
        ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
    for ax in axes[len(names) :]:
        ax.set_visible(False)
    for ax in axes[(nrows - 1) * cols :]:
        ax.set_xlabel("Month")
    for ax in axes[::cols]:
        ax.set_ylabel("Influence share (%)")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncols=4, bbox_to_anchor=(0.5, -0.04))
    fig.suptitle("Influence share over time, across replications")
    return save(fig, folder, "influence.png")


@styled
def plot_final_state(folder: Path, exp: Experiment) -> str:
    """How replications end: intact, reformed, fractured, dissolved (Wilson intervals)."""
    c = exp.totals.counts.get("final_state", Counter())
    shares, err = wilson_errors([c.get(s, 0) for s in FINAL_STATES], len(exp.rows))
    fig, ax = figure(figsize=(9, 4))
    palette = ["#2ca02c", "#1f77b4", "#ff7f0e", "#d62728"]
    bars = ax.barh(FINAL_STATES, shares, xerr=err, capsize=5, color=palette)
    ax.bar_label(bars, labels=[f"{s:.1f}%" for s in shares], padding=8, fontsize=10)
    ax.invert_yaxis()
    ax.set_xlim(0, 110)
    ax.xaxis.set_major_formatter(PercentFormatter())
    ax.set_xlabel(f"Replications (%), state at month {exp.scenario.horizon_months}")
    ax.set_title("Final state of the venture (95% Wilson intervals)")
    return save(fig, folder, "final_state.png")


@styled
def plot_power(folder: Path, exp: Experiment, summary: dict) -> str | None:
    """Formal voting power (Shapley-Shubik, Banzhaf) next to de facto influence."""
    from sim.formal import game_from_scenario

    try:
        title, report = game_from_scenario(exp.scenario)[0]
    except Exception:  # noqa: BLE001 - formal power is a bonus; a run still gets its report
        return None
    formal = {p.name: (float(p.shapley_shubik), float(p.banzhaf)) for p in report.players}
    names = [n for n in exp.holders if n in formal]
    series = {
        "Shapley-Shubik index": [formal[n][0] for n in names],
        "Banzhaf index (normalised)": [formal[n][1] for n in names],
        "Influence share, mean over run": [summary["influence"]["mean_share"][n] for n in names],
        "Influence share, final": [summary["influence"]["final_share"][n] for n in names],
    }
    fig, ax = figure()
    width = 0.8 / len(series)
    x = np.arange(len(names))
    hatches = ["", "//", "", ".."]
    tones = ["#7f7f7f", "#bdbdbd", "#1f77b4", "#aec7e8"]
    for i, (label, values) in enumerate(series.items()):
        ax.bar(
            x + (i - 1.5) * width,
            100 * np.array(values, dtype=float),  # None (no value for a holder): no bar
            width,
            label=label,
            color=tones[i],
            hatch=hatches[i],
            edgecolor="white",
        )
    ax.set_xticks(x, names)
    ax.yaxis.set_major_formatter(PercentFormatter(decimals=0))
    ax.set_ylabel("Share of power (%)")
    ax.set_title(f"Formal voting power vs de facto influence\n{title}", fontsize=12)
    ax.legend(fontsize=9, ncols=2, loc="upper center", bbox_to_anchor=(0.5, -0.1))
    return save(fig, folder, "power.png")


def run_plots(folder: Path, exp: Experiment, summary: dict) -> list[str]:
    """Every picture of one run, two at a time on two cores; returns the file names."""
    from sim.reports.drawing import draw_all

    names = draw_all(
        [
            functools.partial(plot_latency, folder, exp, summary),
            functools.partial(plot_leader, folder, exp),
            functools.partial(plot_survival, folder, exp),
            functools.partial(plot_influence, folder, exp),
            functools.partial(plot_final_state, folder, exp),
            functools.partial(plot_power, folder, exp, summary),
        ]
    )
    return [n for n in names if n]
