"""The report of one run (``report.md`` and ``report.html``), and the words all reports share.

Written for a reader who does not program: what was run, the governance design in plain
terms, the headline numbers with their 95% intervals, the pictures with a caption saying
how to read each, and the command that reproduces the folder. Headline labels and units
come from :data:`~sim.experiment.summary.HEADLINES`.
"""

from __future__ import annotations

from pathlib import Path

from sim.experiment.runner import Experiment
from sim.experiment.summary import HEADLINES
from sim.reports.document import Document
from sim.scenario.loader import LoadedScenario
from sim.scenario.schema import Scenario

CAPTIONS = {
    "latency.png": "Share of reserved and of routine matters decided within a given number "
    "of months of arising (every issue of every replication pooled; an issue closed "
    "undecided or still open at the end counts as censored, Kaplan-Meier). A curve that "
    "climbs fast means a venture that decides fast; one that flattens below 100% leaves "
    "issues undecided. The dotted line marks the window over which the mean latency is "
    "taken.",
    "leader.png": "Share of replications in which each partner became the de facto leader "
    "(its influence share stayed above the leader threshold long enough), and in which no "
    "leader emerged. Whiskers: 95% Wilson intervals.",
    "survival.png": "Left: Kaplan-Meier estimate of the chance that the partnership has not "
    "yet broken (no partner has left, been bought out, the venture has not been wound up "
    "or liquidated) by each month; shaded: 95% confidence band. Replications that end "
    "without a fracture (at the horizon, or reformed) count as censored at their last "
    "month. Right: the same breaks split by cause, as competing risks (cumulative "
    "incidence: the curves add up to 100% minus the survival on the left).",
    "influence.png": "Each partner's share of influence month by month: the line is the "
    "median over replications, the dark band holds the middle 50% of replications, the "
    "light band the middle 90%. Dashed: an equal share.",
    "final_state.png": "How the replications stand at the horizon: intact, reformed into "
    "a single-leader company, fractured (a partner left) or dissolved. Whiskers: 95% "
    "Wilson intervals.",
    "power.png": "Formal voting power under the rule for reserved matters (Shapley-Shubik "
    "and Banzhaf indices: how often a partner's vote decides) next to the influence each "
    "partner actually had in the simulation. The gap between the grey and blue bars is "
    "the gap between formal and de facto power.",
}

MEANING = {
    "reserved_latency_months": "months from a reserved matter arising to its decision, "
    "counting undecided ones as still waiting",
    "routine_latency_months": "the same for routine matters",
    "undecided_share": "issues that were never decided (lapsed, dropped, funded outside)",
    "first_reserved_decision_month": "month of the board's first decision on a reserved matter",
    "leader": "one partner steers the venture despite the design",
    "fracture": "a partner leaves or is bought out, or the venture is wound up or liquidated",
}


def value(x: float | None, percent: bool = False) -> str:
    """A figure for a table: ``12.3%`` for percentages, ``3.21`` otherwise, ``n/a`` if none."""
    if x is None:
        return "n/a"
    return f"{100 * x:.1f}%" if percent else f"{x:.2f}"


def interval(ci: list, percent: bool = False) -> str:
    """A 95% interval as ``[lo, hi]``, empty when undefined."""
    if not ci or ci[0] is None:
        return "n/a"
    return f"[{value(ci[0], percent)}, {value(ci[1], percent)}]"


def difference(x: float | None, percent: bool = False) -> str:
    """A signed difference: ``+1.23`` or, for percentages, ``+4.5 pp`` (percentage points)."""
    if x is None:
        return "n/a"
    return f"{100 * x:+.1f} pp" if percent else f"{x:+.2f}"


def unit_of(h) -> str:
    """The unit shown for a headline: ``%`` for percentages, else its declared unit."""
    return "%" if h.percent else h.unit


def unit_word(h) -> str:
    """The unit of a difference or amount in words (a month count is in ``months``)."""
    return {"month": "months"}.get(h.unit, h.unit)


def headline_rows(summary: dict) -> list[list[str]]:
    """Rows ``[metric (unit), estimate, interval, meaning]`` of a summary's headlines."""
    return [
        [
            f"{h.label} ({unit_of(h)})",
            value(summary[h.key][h.value], h.percent),
            interval(summary[h.key]["ci95"], h.percent),
            MEANING.get(h.key, ""),
        ]
        for h in HEADLINES
    ]


def design_lines(s: Scenario) -> list[str]:
    """The governance design in plain terms, one line per feature."""
    g = s.governance

    def rule(v) -> str:
        text = v.rule.replace("_", " ")
        if v.threshold is not None:
            text += f" ({v.threshold:.0%} of votes)"
        return text + (", votes weighted by stake" if v.basis == "stake" else ", one vote each")

    partners = ", ".join(f"{p.name} {p.stake:.0%}" for p in s.partners)
    lines = [
        f"Partners and stakes: {partners}",
        f"Reserved matters ({', '.join(g.reserved_matters) or 'none'}): decided by the board "
        f"every {g.board.cadence_months} months, by {rule(g.reserved)}",
        f"Routine matters: decided monthly by {rule(g.routine)}",
        f"Who proposes: {g.proposer.replace('_', ' ')}"
        + (f" (designated leader: {g.leader})" if g.leader else ""),
        f"Deadlock: after {g.deadlock.after_rounds} failed board meetings a notice, escalation "
        f"to the parents' chiefs, {'mediation, ' if g.deadlock.mediation.enabled else ''}"
        f"then terminal clause '{g.deadlock.clause}'",
        f"Exit: lock-up {g.lock_up_months} months, notice {g.exit_notice_months} months",
    ]
    if g.veto_holders:
        lines.append(f"Veto holders: {', '.join(g.veto_holders)}")
    if s.state_funder is not None:
        lines.append(f"State funder: {s.state_funder.name}")
    return lines


def findings(summary: dict) -> list[str]:
    """The headline numbers as sentences."""
    window = summary["latency_window_months"]
    und = summary["undecided_share"]
    lead = summary["leader"]
    frac = summary["fracture"]
    top = max(lead["by_partner"].items(), key=lambda kv: kv[1], default=("", 0))
    out = []
    for key, what in (
        ("reserved_latency_months", "reserved matter"),
        ("routine_latency_months", "routine matter"),
    ):
        lat = summary[key]
        if not lat["issues"]:
            continue
        median = lat["median"]
        out.append(
            f"A {what} waits **{value(lat['mean'])} months** on average for its decision "
            f"over its first {window} months (95% interval {interval(lat['ci95'])}); "
            + (
                f"half are decided within {value(median)} months."
                if median is not None
                else "fewer than half are ever decided."
            )
        )
    how = ", ".join(
        f"{cause.replace('_', ' ')} {value(share, True)}"
        for cause, share in frac["how"].items()
        if share
    )
    out += [
        f"**{value(und['mean'], True)}** of issues are never decided "
        f"(95% interval {interval(und['ci95'], True)}).",
        f"A de facto leader emerges in **{value(lead['probability'], True)}** of replications "
        f"({interval(lead['ci95'], True)})"
        + (f"; most often {top[0]} ({value(top[1], True)})." if top[1] > 0 else "."),
        f"A partner leaves or the venture breaks up within {summary['horizon_months']} months "
        f"in **{value(frac['probability'], True)}** of replications "
        f"({interval(frac['ci95'], True)})" + (f": {how}." if how else "."),
    ]
    if lead.get("designated"):
        out.append(
            f"The designated leader {lead['designated']} is also the de facto leader in "
            f"{value(lead['designated_share'], True)} of replications (not counted as emerged)."
        )
    return out


def intervals_note(doc: Document) -> None:
    """The paragraph explaining the intervals, shared by every report."""
    doc.heading("How to read the numbers")
    doc.text(
        "Each replication is one possible history of the venture, with its own random "
        "events. Averages come with a 95% confidence interval over replications (Student t); "
        "probabilities with a 95% Wilson interval; time to first fracture with the "
        "Kaplan-Meier estimator. These intervals measure simulation noise only: they do not "
        "cover doubts about the model's assumptions or the scenario's inputs (give uncertain "
        "inputs as ranges, and `sim run` reports the spread they cause as well; `sim "
        "sensitivity` ranks them)."
    )


def run_report(folder: Path, exp: Experiment, summary: dict, loaded: LoadedScenario) -> list[str]:
    """Write the pictures and the report of one run; return the file names.

    This is the ``report`` hook of :func:`~sim.experiment.study.run_study`.
    """
    from sim.reports.plots import run_plots

    images = run_plots(folder, exp, summary)
    s = exp.scenario
    doc = Document(f"{s.name}: {len(exp.rows):,} replications")
    doc.heading("What was run")
    doc.text(s.description.strip() or s.name)
    doc.bullets(
        [
            f"Scenario file: `{loaded.path or '(built in memory)'}` "
            f"(sha256 {loaded.sha256[:12]}...)",
            f"{len(exp.rows):,} replications of {s.horizon_months} months each, root seed "
            f"{exp.seed}",
        ]
    )
    doc.heading("The governance design")
    doc.bullets(design_lines(s))
    doc.heading("Headline numbers")
    doc.bullets(findings(summary))
    doc.table(["Metric", "Estimate", "95% interval", "What it means"], headline_rows(summary))
    states = ", ".join(f"{k} {value(v, True)}" for k, v in summary["final_state"].items())
    doc.text(f"Final state at month {s.horizon_months}: {states}.")
    sets = summary.get("uncertainty")
    if sets:
        from sim.reports.uncertainty import uncertainty_section

        uncertainty_section(doc, summary)
    doc.heading("Pictures")
    for name in images:
        doc.image(name, CAPTIONS[name])
    intervals_note(doc)
    doc.heading("How to reproduce")
    doc.text("The same command gives the same numbers on any machine and any number of workers:")
    size = (
        f"--samples {sets['parameter_sets']} -n {sets['replications_per_set']}"
        if sets
        else f"-n {len(exp.rows)}"
    )
    doc.code(f"sim run {loaded.path or 'SCENARIO.yaml'} {size} --seed {exp.seed}")
    doc.text(
        "Files in this folder: `runs.csv` (one row per replication; its `seed` column "
        "replays that history with `sim trace`), `influence.csv`, `summary.json`, "
        "`manifest.json` (versions, scenario hash, seed), the pictures, and this report."
    )
    return images + doc.write(folder)
