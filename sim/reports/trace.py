"""``sim trace``: one replication told as a story, as text, Markdown or JSON.

:func:`trace` runs the replication with seed ``seed`` exactly as an experiment does
(``Venture(scenario, seed)``: the seeds listed in ``runs.csv``), with its event log on, and
returns a :class:`Trace`: the cast and the design, the months (from
:mod:`sim.reports.teller`), and how it ended. :func:`to_text`, :func:`to_markdown` and
:func:`to_json` lay it out; a terminal front end can colour lines by their ``tone``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sim.reports.document import md_escape as e
from sim.reports.story import CLAUSES, Month, join, pct, words
from sim.reports.teller import tell
from sim.scenario.schema import Scenario

FORMATS = ("text", "md", "json")

#: Proposer rules, in words.
PROPOSERS = {
    "rotating_chair": "a rotating chair ({term}-month terms)",
    "random": "a partner drawn at random",
    "designated": "the designated leader ({leader})",
    "most_influential": "the most influential partner",
    "expert": "the partner with the most expertise on the issue",
}


@dataclass
class Trace:
    """A told replication.

    Attributes:
        title: the scenario's name.
        seed: the replication seed.
        horizon_months: the scenario's horizon.
        months_run: months the replication ran (less than the horizon if it ended).
        months_shown: months the story covers.
        cast: one sentence per partner (stake, tolerance, concession, outside option).
        design: sentences describing the governance design.
        months: the story, month by month.
        ending: sentences on how the replication ended.
        outcome: the replication's headline outcomes (as in ``runs.csv``).
    """

    title: str
    seed: int
    horizon_months: int
    months_run: int
    months_shown: int
    cast: list[str]
    design: list[str]
    months: list[Month]
    ending: list[str]
    outcome: dict


def trace(scenario: Scenario, seed: int, months: int | None = None) -> Trace:
    """Run one replication with its event log on and tell it.

    Args:
        scenario: the scenario.
        seed: the replication seed (a ``seed`` value from ``runs.csv``).
        months: tell only the first ``months`` months (the run itself is complete).

    Returns:
        The told replication.
    """
    from sim.model.venture import Venture

    return told(Venture(scenario, seed, record_events=True).run(), months)


def told(v, months: int | None = None) -> Trace:
    """Tell a finished venture that recorded its events (an agents' run or a room session).

    Args:
        v: the venture, run to its end with ``record_events=True``.
        months: tell only the first ``months`` months.
    """
    scenario = v.scenario
    story = tell(v, months)
    shown = v.month if months is None else min(months, v.month)
    return Trace(
        scenario.name,
        v.seed,
        scenario.horizon_months,
        v.month,
        shown,
        cast(scenario),
        design(scenario),
        story,
        ending(v),
        outcome(v),
    )


def cast(s: Scenario) -> list[str]:
    """One sentence per partner: what it holds and how readily it says no."""
    lines = []
    for p in s.all_partners():
        top = max(p.salience, key=lambda d: p.salience[d]) if p.salience else None
        cares = f", cares most about {words(top)}" if top else ""
        lines.append(
            f"{p.name}: {pct(p.stake)} stake, {p.capital:g} {s.currency} to spend{cares}; "
            f"says no to a loss above {p.veto.tolerance:.3f}, conceding "
            f"{p.veto.concession:.3f} a month; outside option {p.outside_option:.2f}, "
            f"patience {p.patience} months."
        )
    if s.state_funder is not None:
        f = s.state_funder
        lines.append(
            f"{f.name} (state funder): {pct(f.stake)} stake; {pct(f.votes.normal)} of board "
            f"votes, {pct(f.votes.distress)} in distress."
        )
    if s.investors:
        lines.append(
            "Passive investors: " + join([f"{i.name} ({pct(i.stake)})" for i in s.investors]) + "."
        )
    return lines


def _rule(spec) -> str:
    name = {
        "unanimity": "unanimity",
        "simple_majority": "simple majority",
        "qualified_majority": f"{pct(spec.threshold or 0)} majority",
    }[spec.rule]
    return name + (" of stakes" if spec.basis == "stake" else "")


def design(s: Scenario) -> list[str]:
    """The governance design in a few sentences."""
    g = s.governance
    reserved = ", ".join(words(k) for k in g.reserved_matters) or "none"
    proposer = PROPOSERS[g.proposer].format(term=g.chair_term_months, leader=g.leader)
    d = g.deadlock
    months = "month" if d.escalation_months == 1 else "months"
    ladder = f"{d.escalation_months} {months} with the parents' chiefs"
    if d.mediation.enabled:
        ladder += f", then {d.mediation.months} months of mediation"
    lines = [
        f"Reserved matters ({reserved}) go to the board every {g.board.cadence_months} months, "
        f"decided by {_rule(g.reserved)}; management decides the rest monthly by "
        f"{_rule(g.routine)}.",
        f"Proposals come from {proposer}.",
        f"A reserved matter that fails at {d.after_rounds} board meetings gets a deadlock notice: "
        f"{ladder}, then {CLAUSES[d.clause]}.",
        f"No partner may leave in the first {g.lock_up_months} months; leaving takes "
        f"{g.exit_notice_months} months' notice.",
    ]
    if g.veto_holders:
        lines.append(f"Veto holders on reserved matters: {join(g.veto_holders)}.")
    return lines


def outcome(v) -> dict:
    """Headline outcomes of a finished venture, named as the ``runs.csv`` columns."""
    fracture = v.fracture
    return {
        "final_state": v.final_state,
        "fracture_month": fracture[0] if fracture else None,
        "fracture_partner": fracture[1] if fracture else "",
        "fracture_how": fracture[2] if fracture else "",
        "leader": v.first_leader[0] if v.first_leader else "",
        "leader_month": v.first_leader[1] if v.first_leader else None,
        "designated_leader_month": v.designated_since,
        "issues": v.issue_count,
        "decisions": len(v.decisions),
        "months": v.month,
    }


def ending(v) -> list[str]:
    """How the replication ended, in sentences."""
    o = outcome(v)
    lines = [f"After {o['months']} months the venture is {o['final_state']}."]
    if o["fracture_month"] is not None:
        lines.append(
            f"First fracture: {o['fracture_partner']} in month {o['fracture_month']} "
            f"({o['fracture_how'].replace('_', '/')})."
        )
    if o["leader"]:
        lines.append(f"De facto leader: {o['leader']}, from month {o['leader_month']}.")
    else:
        lines.append("No de facto leader emerged.")
    if o["designated_leader_month"] is not None:
        lines.append(
            f"The designated leader ({v.scenario.governance.leader}) also led in fact, from "
            f"month {o['designated_leader_month']}."
        )
    lat = [lat for _, lat, _ in v.decisions]
    mean = f"; mean latency {sum(lat) / len(lat):.1f} months" if lat else ""
    lines.append(f"{o['decisions']} of {o['issues']} issues decided{mean}.")
    return lines


# -- layouts ---------------------------------------------------------------------------


def _heading(m: Month) -> str:
    return f"Month {m.month}" + (" · board meeting" if m.board else "")


def _cut_note(t: Trace) -> list[str]:
    if t.months_shown < t.months_run:
        return [
            f"(The story is cut at month {t.months_shown}; the run went on to month "
            f"{t.months_run}.)"
        ]
    return []


def to_text(t: Trace) -> str:
    """Plain text, indented by month."""
    out = [f"{t.title}", f"Replication seed {t.seed}, {t.horizon_months}-month horizon.", ""]
    out += ["The partners:"] + [f"  {c}" for c in t.cast] + [""]
    out += ["The design:"] + [f"  {d}" for d in t.design] + [""]
    for m in t.months:
        out.append(_heading(m))
        for line in m.lines:
            out.append(f"  {line.text}")
            out += [f"      {d}" for d in line.details]
    out += [""] + _cut_note(t) + ["How it ended:"] + [f"  {e}" for e in t.ending]
    return "\n".join(out) + "\n"


def to_markdown(t: Trace) -> str:
    """A Markdown handout (names and titles escaped, so they show as written)."""
    out = [
        f"# {e(t.title)}",
        "",
        f"Replication seed `{t.seed}`, {t.horizon_months}-month horizon.",
        "",
        "## The partners",
        "",
    ]
    out += [f"- {e(c)}" for c in t.cast] + ["", "## The design", ""]
    out += [f"- {e(d)}" for d in t.design] + ["", "## Month by month", ""]
    for m in t.months:
        out += [f"### {e(_heading(m))}", ""]
        for line in m.lines:
            out.append(f"- {e(line.text)}")
            out += [f"  - {e(d)}" for d in line.details]
        out.append("")
    out += ["## How it ended", ""] + [f"_{e(n)}_" for n in _cut_note(t)]
    out += [f"- {e(x)}" for x in t.ending]
    return "\n".join(out) + "\n"


def to_dict(t: Trace) -> dict:
    """Plain data for tools: every event with its sentence and its data."""
    return {
        "scenario": t.title,
        "seed": t.seed,
        "horizon_months": t.horizon_months,
        "months_run": t.months_run,
        "months_shown": t.months_shown,
        "cast": t.cast,
        "design": t.design,
        "outcome": t.outcome,
        "events": [
            {
                "month": m.month,
                "kind": line.kind,
                "text": line.text,
                "details": line.details,
                **line.data,
            }
            for m in t.months
            for line in m.lines
        ],
        "ending": t.ending,
    }


def to_json(t: Trace) -> str:
    """JSON text of :func:`to_dict`."""
    return json.dumps(to_dict(t), indent=2, allow_nan=False, default=float)
