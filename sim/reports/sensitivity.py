"""Pictures and report of ``sim sensitivity``: what each answer rests on.

One ranked bar chart per headline metric (Morris ``mu_star`` or Sobol ``ST`` and ``S1``,
with their 95% bootstrap intervals), and a report that says in words which assumptions
drive each answer, which barely matter, and where simulation noise limits the reading.
"""

from __future__ import annotations

from pathlib import Path

from sim.experiment.sensitivity import Sensitivity
from sim.experiment.summary import HEADLINES
from sim.reports.document import Document
from sim.reports.report import unit_of, value
from sim.scenario.loader import LoadedScenario

SHOWN = 15  # bars per chart: the rest are listed in sensitivity.csv
MINOR = 0.1  # below this share of the largest index, a parameter "barely matters"


def _scaled(h, x: float | None) -> float:
    return 0.0 if x is None else x * (100 if h.percent else 1)


def bar_chart(folder: Path, sens: Sensitivity, key: str) -> str | None:
    """A ranked horizontal bar chart of one metric's indices; None if not analysed."""
    from sim.reports.plots import figure, headline, save, styled

    rows = sens.indices[key][:SHOWN]
    if not rows:
        return None
    h = headline(key)

    @styled
    def draw() -> str:
        fig, ax = figure(figsize=(8, 0.35 * len(rows) + 1.6))
        pos = list(range(len(rows)))[::-1]
        names = [r["parameter"] for r in rows]
        if sens.method == "morris":
            est = [_scaled(h, r["mu_star"]) for r in rows]
            err = [_scaled(h, r["mu_star_conf"]) for r in rows]
            ax.barh(pos, est, xerr=err, color="#1f77b4", capsize=3)
            floor = sens.notes[key].get("noise_floor")
            if floor:
                ax.axvline(_scaled(h, floor), ls=":", color="grey", label="noise floor")
                ax.legend(loc="lower right")
            unit = "percentage points" if h.percent else unit_of(h)
            ax.set_xlabel(f"mu* (mean absolute effect over a parameter's range, {unit})")
        else:
            st = [r["ST"] or 0.0 for r in rows]
            s1 = [r["S1"] or 0.0 for r in rows]
            ax.barh(
                [p + 0.2 for p in pos],
                st,
                height=0.4,
                xerr=[r["ST_conf"] or 0 for r in rows],
                label="total (ST)",
                color="#1f77b4",
                capsize=3,
            )
            ax.barh(
                [p - 0.2 for p in pos],
                s1,
                height=0.4,
                xerr=[r["S1_conf"] or 0 for r in rows],
                label="first order (S1)",
                color="#ff7f0e",
                capsize=3,
            )
            ax.set_xlabel("share of the metric's variance across parameter sets")
            ax.legend(loc="lower right")
        ax.set_yticks(pos, names)
        ax.set_title(f"What drives: {h.label}")
        return save(fig, folder, f"sensitivity_{key}.png")

    return draw()


def drivers(sens: Sensitivity, key: str) -> str:
    """One metric's drivers in words."""
    h = next(h for h in HEADLINES if h.key == key)
    rows = sens.indices[key]
    note = sens.notes[key]
    if not rows:
        return (
            f"**{h.label}** was not analysed: it is undefined at {note['undefined_points']} "
            "of the design's points (e.g. no reserved-matter decision in any replication)."
        )
    by = "mu_star" if sens.method == "morris" else "ST"
    top = rows[0][by] or 0.0
    floor = note.get("noise_floor") or 0.0
    if top <= 0 or top <= floor:
        return (
            f"**{h.label}**: no parameter's effect stands out from simulation noise "
            f"(largest {'mu*' if by == 'mu_star' else by} {_index(h, top, sens.method)}"
            + (f", noise floor {_index(h, floor, sens.method)}" if floor else "")
            + "); within these ranges the answer does not rest on any one of them."
        )
    strong = [r for r in rows if (r[by] or 0) >= MINOR * top and (r[by] or 0) > floor]
    named = ", ".join(_named(h, r, sens.method) for r in strong[:5])
    rest = len(rows) - len(strong)
    text = f"**{h.label}** rests mostly on {named}"
    if len(strong) > 5:
        text += f" and {len(strong) - 5} more"
    text += "."
    if rest:
        text += (
            f" The other {rest} barely matter here (below {MINOR:.0%} of the largest effect"
            + (f", or under the noise floor of {_index(h, floor, sens.method)}" if floor else "")
            + ")."
        )
    if sens.method == "morris":
        bent = [r["parameter"] for r in strong if (r["sigma"] or 0) > (r["mu_star"] or 0)]
        if bent:
            names = ", ".join(f"`{b}`" for b in bent[:3])
            text += (
                f" The effect of {names} varies with the other parameters (sigma above mu*): "
                "it interacts or is non-linear."
                if len(bent) == 1
                else f" The effects of {names} vary with the other parameters (sigma above "
                "mu*): they interact or are non-linear."
            )
    else:
        s1 = sum(max(r["S1"] or 0.0, 0.0) for r in rows)
        text += f" First-order indices sum to {s1:.2f}: " + (
            "the parameters act mostly alone." if s1 > 0.8 else "interactions matter."
        )
    return text


def _index(h, x: float, method: str) -> str:
    if method == "sobol":
        return f"{x:.2f}"
    unit = "months" if h.unit == "month" else h.unit  # an effect on a month is in months
    return f"{x * 100:.1f} points" if h.percent else f"{value(x)} {unit}"


def _named(h, row: dict, method: str) -> str:
    if method == "morris":
        return (
            f"`{row['parameter']}` (mu* {_index(h, row['mu_star'] or 0, method)} "
            f"± {_index(h, row['mu_star_conf'] or 0, method)})"
        )
    return f"`{row['parameter']}` (ST {row['ST'] or 0:.2f} ± {row['ST_conf'] or 0:.2f})"


def sensitivity_report(folder: Path, sens: Sensitivity, loaded: LoadedScenario) -> list[str]:
    """Write the bar charts and the report; return the file names.

    This is the ``report`` hook of :func:`~sim.experiment.sensitivity.sensitivity_study`.
    """
    images = {h.key: bar_chart(folder, sens, h.key) for h in HEADLINES}
    s = loaded.scenario
    points = len(sens.sets)
    doc = Document(f"What the answers rest on: {s.name}")
    doc.heading("What was run")
    how = (
        f"Morris screening: {sens.samples} trajectories of {len(sens.names) + 1} points, "
        "each moving one parameter at a time across a 4-level grid of its range"
        if sens.method == "morris"
        else f"Sobol indices (Saltelli's design): {sens.samples} base points x "
        f"({len(sens.names)} + 2)"
    )
    doc.text(
        f"`{loaded.path}` has {len(sens.names)} uncertain parameters. {how}: {points} "
        f"parameter sets, each run {sens.replications:,} times with the same seeds (common "
        f"random numbers), root seed {sens.seed}."
    )
    doc.heading("Which assumptions drive each answer")
    doc.bullets([drivers(sens, h.key) for h in HEADLINES])
    if sens.method == "morris":
        doc.text(
            "mu* is the mean absolute elementary effect: the change of the answer when one "
            "parameter moves by a step of 2/3 of its range (in quantiles of its distribution), "
            "divided by that step, so it reads as a change per whole range (percentage points "
            "for probabilities and shares; a step-like effect can exceed the metric's own "
            "range). sigma is how much that effect varies with the other parameters. The "
            "noise floor is the mu* that simulation noise alone would give with this many "
            "replications per set; common random numbers make the real floor lower."
        )
    else:
        doc.text(
            "ST is the share of the answer's variance across parameter sets in which the "
            "parameter takes part (alone or with others); S1 the share it causes alone. "
            "Intervals are 95% bootstrap intervals; with few base points they are wide."
        )
    for h in HEADLINES:
        name = images[h.key]
        if name:
            doc.image(name, f"{h.label}: parameters ranked (the top {SHOWN} shown).")
    doc.heading("How to reproduce")
    doc.code(
        f"sim sensitivity {loaded.path} --method {sens.method} --samples {sens.samples} "
        f"-n {sens.replications} --seed {sens.seed}"
    )
    doc.text(
        "Files: `sensitivity.csv` (one row per metric and parameter, ranked), `points.csv` "
        "(every parameter set and its estimates), `sensitivity.json`, `manifest.json`."
    )
    return [n for n in images.values() if n] + doc.write(folder)
