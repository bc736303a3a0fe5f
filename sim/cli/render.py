"""Console output: the progress bar and tables, with rich.

Reads the headline declarations from :mod:`sim.experiment.summary` so the table shows the
same metrics, labels and units as the JSON.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from fractions import Fraction

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from sim.reports.report import interval, value

PIPED_WIDTH = 140  # columns when the output is not a terminal (a file, a pipe, CI logs)


def console(stderr: bool = False) -> Console:
    """A console that shows text as written; wide enough for tables in a file or pipe.

    Names and titles come from the user's scenario, so console markup (``[bold]``,
    ``[/b]``) and emoji codes (``:smile:``) in them are shown literally, never interpreted:
    styles are given as :class:`rich.text.Text` styles instead. Rich falls back to 80
    columns without a terminal, which truncates the cells of wide tables (sweeps,
    comparisons); ``COLUMNS`` still wins when set.
    """
    out = Console(stderr=stderr, highlight=False, markup=False, emoji=False)
    if not out.is_terminal and "COLUMNS" not in os.environ:
        out = Console(stderr=stderr, highlight=False, markup=False, emoji=False, width=PIPED_WIDTH)
    return out


@contextlib.contextmanager
def progress_bar(total: int, label: str, quiet: bool = False) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr; yields ``advance(k)``. Silent when ``quiet``.

    The bar appears with the first finished replications, so a command that stops on bad
    input before any work shows only its message.
    """
    if quiet:
        yield lambda k: None
        return
    columns = (
        TextColumn("{task.description}", markup=False),  # the label holds a file name
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("replications"),
        TimeElapsedColumn(),
    )
    bar = Progress(*columns, console=console(stderr=True), transient=False)
    task = bar.add_task(label, total=total)

    def advance(k: int) -> None:
        if not bar.live.is_started:
            bar.start()
        bar.advance(task, k)

    try:
        yield advance
    finally:
        if bar.live.is_started:
            bar.stop()


def summary_table(summary: dict) -> None:
    """Print a run's headline numbers with their 95% intervals."""
    from sim.experiment.summary import HEADLINES

    sets = summary.get("uncertainty")
    title = f"{summary['title']}\n{summary['replications']:,} replications, "
    if sets:
        title += (
            f"{sets['parameter_sets']} parameter sets x {sets['replications_per_set']:,} "
            f"(same seeds in every set), "
        )
    t = Table(
        title=title + f"seed {summary['seed']}, {summary['horizon_months']} months",
        title_justify="left",
        caption="Noise: 95% interval over all replications. Parameters: 5-95% of the "
        f"estimates across the {sets['parameter_sets']} parameter sets."
        if sets
        else None,
        caption_justify="left",
    )
    t.add_column("Metric", min_width=26)  # keeps "Reserved-matter latency," on one line
    t.add_column("Estimate", justify="right")
    t.add_column("Noise 95%" if sets else "95% interval", justify="right")
    if sets:
        t.add_column("Parameters 5-95%", justify="right")
    t.add_column("Detail")
    for h in HEADLINES:
        entry = summary[h.key]
        cells = [value(entry[h.value], h.percent), interval(entry["ci95"], h.percent)]
        if sets:
            cells.append(interval(entry["parameter_interval"], h.percent))
        t.add_row(f"{h.label} ({'%' if h.percent else h.unit})", *cells, _detail(h.key, entry))
    states = ", ".join(f"{k} {value(v, True)}" for k, v in summary["final_state"].items())
    t.add_row("Final state", "", "", *([""] if sets else []), states)
    console().print(t)


def _detail(key: str, entry: dict) -> str:
    if key in ("reserved_latency_months", "routine_latency_months"):
        median = entry["median"]
        return (
            f"median {value(median) if median is not None else 'not reached'} months over "
            f"{entry['issues']:,} issues ({entry['censored']:,} undecided, censored)"
        )
    if key == "first_reserved_decision_month":
        return f"never in {value(entry['never_share'], True)} of runs"
    if key in ("leader", "fracture"):
        ranked = sorted(entry["by_partner"].items(), key=lambda kv: -kv[1])
        who = ", ".join(f"{k} {value(v, True)}" for k, v in ranked if v > 0) or "nobody"
        if key == "fracture":
            causes = ", ".join(
                f"{c.replace('_', ' ')} {value(v, True)}" for c, v in entry["how"].items() if v
            )
            who += f" ({causes})" if causes else ""
        month = entry["median_month"]
        when = (
            ("median month " + value(month))
            if month is not None
            else ("median month: not reached (Kaplan-Meier)" if key == "fracture" else "")
        )
        return f"{who}; {when}".strip("; ")
    return ""


def _num(x: Fraction | float) -> str:
    if isinstance(x, Fraction):
        return f"{x.numerator}/{x.denominator}" if x.denominator != 1 else str(x.numerator)
    return f"{x:.4f}"


def power_table(report, title: str) -> None:
    """Print a power report: one row per player, and Coleman's power to act."""
    t = Table(
        title=title,
        title_justify="left",
        caption=f"Coleman's power of the collectivity to act: "
        f"{_num(report.coleman_power_to_act)} "
        f"({report.winning_coalitions:,} winning coalitions)",
        caption_justify="left",
    )
    for col in ("Player", "Weight", "Shapley-Shubik", "Banzhaf", "Banzhaf (absolute)", "Swings"):
        t.add_column(col, justify="left" if col == "Player" else "right")
    for p in report.players:
        t.add_row(
            p.name,
            f"{p.weight:.0f}" if float(p.weight).is_integer() else f"{p.weight:g}",  # 48001 whole
            _num(p.shapley_shubik),
            _num(p.banzhaf),
            _num(p.banzhaf_absolute),
            str(p.swings),
        )
    console().print(t)


def power_gap_table(summary: dict) -> None:
    """Print each holder's formal power beside its de facto influence (``summary["power"]``).

    Formal: Shapley-Shubik and Banzhaf indices of the reserved-matter rule. De facto: mean
    influence share and the probability of becoming the leader. The gap column is mean
    influence minus the Shapley-Shubik index, in percentage points.
    """
    power = summary.get("power")
    if not power:
        return
    t = Table(
        title="Formal vs de facto power",
        title_justify="left",
        caption="Formal: a priori power under the reserved-matter rule. De facto: mean "
        "influence share over the run, and the chance of becoming the leader.",
        caption_justify="left",
    )
    for col in ("Holder", "Shapley-Shubik", "Banzhaf", "Influence (mean)", "Gap", "Leader"):
        t.add_column(col, justify="left" if col == "Holder" else "right")
    for name, p in power.items():
        ss, influence = p["shapley_shubik"], p["influence_mean"]
        gap = (
            f"{100 * (influence - ss):+.1f} pp" if ss is not None and influence is not None else ""
        )
        t.add_row(
            name,
            value(ss, True),
            value(p["banzhaf"], True),
            value(influence, True),
            gap,
            value(p["leader_probability"], True),
        )
    console().print(t)
