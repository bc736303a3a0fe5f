"""Generated documentation: the parameter table from the schema, the designs table.

``docs/model.md`` (the ODD description) carries a parameter table generated from the
pydantic models of :mod:`sim.scenario` (path, unit, range, default from ``Field``
metadata; meaning from the ``Attributes:`` sections of the class docstrings; reason for
the default from :data:`REASONS`). The README carries a table of headline results for
each shipped design, generated from a recorded results file (``docs/designs.json``,
written by ``sim docs --run``), so the table is reproducible and checkable without
re-running the model. Both sit between marker comments (``<!-- params:start -->`` ...
``<!-- params:end -->``, the scripted events' fields between ``events`` markers,
``<!-- designs:start -->`` ... ``<!-- designs:end -->``);
``tests/test_docs_drift.py`` regenerates them and compares.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import json
import re
import typing
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from sim.scenario.messages import bounds_of, value_constraints
from sim.scenario.schema import Scenario

UNIT_PATTERNS = (
    re.compile(r"\(([^()]*?(?:value units|policy units|currency units|months?|years?)[^()]*)\)"),
    re.compile(r"((?:value|policy|currency) units(?: per (?:month|year))?)"),
)

# Why each default is what it is. A path ending in "." covers every parameter under it.
REASONS: dict[str, str] = {
    "name": "required",
    "description": "optional text",
    "currency": "a neutral label until the scenario names one",
    "horizon_months": "ten years: covers the 7-year median lifespan and the mid-life hazard "
    "peak (evidence a1 #5, #17)",
    "replications": "Wilson half-width about 3 points on a 50% probability",
    "seed": "any fixed seed makes a run reproducible",
    "dimensions": "required: the scenario names its policy space",
    "initial_policy": "0.5 on every dimension: no side favoured at formation",
    "metadata": "free notes, never executed",
    "partners[].name": "required",
    "partners[].stake": "required",
    "partners[].capital": "no money beyond the stake unless the scenario says so",
    "partners[].positions": "0.5: indifferent unless the scenario says so",
    "partners[].salience": "equal weight on every dimension",
    "partners[].expertise": "no expert unless the scenario says so",
    "partners[].veto.tolerance": "a small loss (3% of a month's value per unit importance) is "
    "waved through; no data (evidence a4 is thin)",
    "partners[].veto.concession": "calibrated (docs/calibration.md): with the other defaults, "
    "the generic 50:50 venture meets the base rates of evidence a1/a5",
    "partners[].outside_option": "calibrated (docs/calibration.md): just below a working "
    "venture's value, so a run of bad years makes leaving attractive (about half of JVs "
    "end within 7 years, evidence a1 #5, #9)",
    "partners[].outside_option_drift": "calibrated (docs/calibration.md): a rising outside "
    "option makes the hazard rise to the horizon, against the mid-life peak (a1 #17)",
    "partners[].patience": "calibrated (docs/calibration.md): half a year of dissatisfaction "
    "before acting",
    "partners[].side_funding.": "off unless the scenario says so; values when on are "
    "illustrative (no data)",
    "partners[].cross_holdings": "none unless the scenario says so (a case names its source)",
    "investors[].": "required when an investor is listed",
    "state_funder.name": "required when a state funder is listed",
    "state_funder.stake": "grants, not equity, at the start",
    "state_funder.capital": "no money unless the scenario says so",
    "state_funder.positions": "0.5: indifferent unless the scenario says so",
    "state_funder.salience": "equal weight on every dimension",
    "state_funder.veto.": "the partners' defaults: a funder judges proposals as a partner "
    "does (no data)",
    "state_funder.votes.normal": "Rapidus: state votes capped at 11.5% (evidence c2)",
    "state_funder.votes.distress": "Rapidus: 40% if management worsens (evidence c2)",
    "state_funder.votes.veto_in_distress": "Rapidus's golden share vetoes key decisions "
    "(evidence c2)",
    "state_funder.votes.distress_below": "below the default outside option band: distress "
    "means partners are near leaving",
    "agenda.rate_per_month": "about one management or board question a month (no data)",
    "agenda.kinds[].name": "required",
    "agenda.kinds[].dimensions": "required",
    "agenda.kinds[].weight": "kinds equally frequent unless weighted",
    "agenda.kinds[].importance": "1 = a routine question's stake",
    "agenda.kinds[].urgency": "5% of importance lost per month open (no data)",
    "agenda.shock": "the environment moves the status quo by about 0.15 between questions",
    "agenda.lifetime_months": "an issue left open two years has lapsed in practice",
    "agenda.min_move": "0: DESIGN.md's rule, the closest point the others accept; a floor is "
    "an option without evidence (docs/calibration.md shows both)",
    "agenda.events": "none unless scripted",
    "governance.reserved.": "unanimity on reserved matters: the common JV default "
    "(evidence c1; Water Street: most 50:50 agreements lack deadlock protection)",
    "governance.routine.": "management decides routine matters by simple majority",
    "governance.reserved_matters": "none unless listed (evidence c1 lists the usual ones)",
    "governance.veto_holders": "no extra veto holders",
    "governance.proposer": "no designated leader: a rotating chair",
    "governance.leader": "no designated leader",
    "governance.chair_term_months": "a yearly rotation",
    "governance.board.cadence_months": "JV boards typically meet quarterly (evidence a4)",
    "governance.deadlock.after_rounds": "2-3 failed meetings is the usual trigger (evidence c1)",
    "governance.deadlock.escalation_months": "about 20 business days (evidence c1)",
    "governance.deadlock.escalation_resolves": "escalation 'often results in the same "
    "deadlock' (evidence c1): low",
    "governance.deadlock.mediation.": "optional in contracts (evidence c1); off by default",
    "governance.deadlock.clause": "contracts are often silent (evidence a2 #25)",
    "governance.deadlock.compromise_probability": "even odds (no data)",
    "governance.lock_up_months": "no lock-up unless the contract has one (Symbian: 60)",
    "governance.exit_notice_months": "notice periods of months to a year (evidence a5)",
    "governance.pre_emption": "pre-emption rights are standard (evidence c2)",
    "governance.reform.": "reform needs a leader and slow decisions (Airbus 2001, evidence a4)",
    "leader.": "DESIGN.md's definition: 1/n plus 10 points for two years",
    "dynamics.belief_noise": "proposers misjudge tolerance slightly (no data)",
    "dynamics.deference": "a full expert earns 0.02 extra tolerance (no data)",
    "dynamics.influence_deference": "a partner with 10 points more influence than an equal "
    "share earns 0.01 extra tolerance for its proposals (no data)",
    "dynamics.valuation": "100 currency units: stakes priced at face value",
    "dynamics.influence.": "illustrative: influence returns to formal weight over about "
    "two years (no data)",
    "dynamics.satisfaction.memory_months": "half a year of memory",
    "dynamics.satisfaction.venture_value": "the unit of value",
    "dynamics.satisfaction.": "small against a month's value (no data)",
    "uncertainty.position_jitter": "ideal points known to about ±0.05",
    "uncertainty.parameter_sets": "20 Latin-hypercube sets give a 5-95% range from 20 "
    "estimates in a minute or two",
    "uncertainty.replications_per_set": "20 x 50 = 1,000 runs, as many as a plain run",
}


@dataclass(frozen=True)
class Param:
    """One scenario parameter, as documented.

    Attributes:
        path: dotted path in a scenario file (``[]`` marks a list item).
        unit: its unit, from the docstring.
        range: allowed values, from the field's constraints or type.
        default: the default ("required" when it has none).
        meaning: what it is, from the class docstring.
        reason: why the default is what it is (:data:`REASONS`).
    """

    path: str
    unit: str
    range: str
    default: str
    meaning: str
    reason: str


def _attributes(cls: type) -> dict[str, str]:
    """The ``Attributes:`` section of a Google-style class docstring, by name."""
    doc = inspect.getdoc(cls) or ""
    out: dict[str, str] = {}
    section = doc.split("Attributes:", 1)[1] if "Attributes:" in doc else ""
    current = None
    for line in section.splitlines():
        m = re.match(r"^    (\w+): (.*)$", line)
        if m:
            current = m.group(1)
            out[current] = m.group(2).strip()
        elif current and line.startswith("        "):
            out[current] += " " + line.strip()
        elif line.strip() and not line.startswith(" "):
            break
    return out


def _submodel(annotation: object) -> type[BaseModel] | None:
    for t in (annotation, *typing.get_args(annotation)):
        if isinstance(t, type) and issubclass(t, BaseModel):
            return t
        for a in typing.get_args(t):
            if isinstance(a, type) and issubclass(a, BaseModel):
                return a
    return None


def _range(field, annotation: object) -> str:
    literals = [a for t in (annotation, *typing.get_args(annotation)) for a in typing.get_args(t)]
    if typing.get_origin(annotation) is typing.Literal:
        return " / ".join(str(a) for a in typing.get_args(annotation))
    if literals and all(isinstance(a, str) for a in literals):
        return " / ".join(literals)
    if annotation is bool:
        return "true / false"
    each = value_constraints(annotation)
    if each:  # a mapping of dimension -> number
        return "each " + _interval(bounds_of(each))
    low, high = bounds_of(field.metadata)
    if low is None and high is None:
        return "-"
    return _interval((low, high))


def _interval(bounds) -> str:
    """``[0, 1]``, ``(0, 1200]``, ``[0, 2^63)`` from ``((">=", 0), ("<=", 1))``."""
    low, high = bounds
    left = "(" if low is not None and low[0] == ">" else "["
    right = ")" if high is None or high[0] == "<" else "]"
    lo = _bound(low[1]) if low is not None else "-inf"
    hi = _bound(high[1]) if high is not None else "inf"
    return f"{left}{lo}, {hi}{right}"


def _bound(value: object) -> str:
    """A bound as written in the docs: powers of two and ten above a million as such."""
    if isinstance(value, int) and value > 10**6:
        if value & (value - 1) == 0:
            return f"2^{value.bit_length() - 1}"
        text = str(value)
        if text.strip("0") == "1":
            return f"10^{len(text) - 1}"
    return str(value)


def _unit(meaning: str, path: str) -> str:
    if path in ("month", "until"):  # an event's month: a date on the run's calendar
        return "month number (1 = the first)"
    for pattern in UNIT_PATTERNS:
        m = pattern.search(meaning)
        if m:
            return m.group(1)
    if path.endswith("_months") or path.endswith(".months") or path.endswith("patience"):
        return "months"
    if re.search(r"in \(?\[?0, 1\]", meaning) or "probability" in meaning:
        return "share / probability in [0, 1]"
    return "-"


def _default(field, parent_default: BaseModel | None, name: str) -> str:
    if parent_default is not None:
        value = getattr(parent_default, name)
    elif field.is_required():
        return "required"
    elif field.default_factory is not None:
        value = field.default_factory()
    else:
        value = field.default
    if value is PydanticUndefined:
        return "required"
    if isinstance(value, dict | list | str) and not value:
        return "empty"
    if value is None:
        return "none"
    return str(value).lower() if isinstance(value, bool) else str(value)


def reason_for(path: str) -> str | None:
    """The documented reason for a parameter's default (exact path or a covering prefix)."""
    if path in REASONS:
        return REASONS[path]
    prefixes = [p for p in REASONS if p.endswith(".") and path.startswith(p)]
    return REASONS[max(prefixes, key=len)] if prefixes else None


def parameters(model: type[BaseModel] = Scenario, prefix: str = "", default=None) -> list[Param]:
    """Every leaf parameter of the scenario schema, in declaration order."""
    out: list[Param] = []
    docs = _attributes(model)
    for name, field in model.model_fields.items():
        annotation = field.annotation
        sub = _submodel(annotation)
        path = prefix + name
        if sub is not None and name != "events":
            if typing.get_origin(annotation) is list:
                out += parameters(sub, path + "[].")
            else:
                value = getattr(default, name) if default is not None else field.default
                value = value if isinstance(value, BaseModel) else None
                out += parameters(sub, path + ".", value)
            continue
        meaning = docs.get(name, "")
        out.append(
            Param(
                path,
                _unit(meaning, path),
                _range(field, annotation),
                _default(field, default, name),
                meaning,
                reason_for(path) or "",
            )
        )
    return out


def unit_of(path: str) -> str | None:
    """The unit of a parameter named by a ``--set`` path, or None when it is not one.

    ``partners.NAME.x`` and ``agenda.kinds.NAME.x`` name list items.
    """
    parts = path.split(".")
    if len(parts) > 2 and parts[0] in ("partners", "investors"):
        parts = [f"{parts[0]}[]", *parts[2:]]
    elif len(parts) > 3 and parts[:2] == ["agenda", "kinds"]:
        parts = ["agenda", "kinds[]", *parts[3:]]
    wanted = ".".join(parts)
    for p in _all_parameters():
        if p.path == wanted:
            return p.unit
    return None


@functools.cache
def _all_parameters() -> tuple[Param, ...]:
    return tuple(parameters())


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def parameter_table() -> str:
    """The Markdown parameter table for docs/model.md."""
    lines = [
        "| Parameter | Unit | Range | Default | Meaning | Why this default |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for p in parameters():
        lines.append(
            f"| `{p.path}` | {_cell(p.unit)} | {_cell(p.range)} | {_cell(p.default)} | "
            f"{_cell(p.meaning)} | {_cell(p.reason)} |"
        )
    return "\n".join(lines)


def event_parameters() -> list[tuple[str, Param]]:
    """Every field of every scripted event type (``agenda.events``), in declaration order.

    Returns:
        ``(event type, parameter)`` pairs; the parameter's path is the field's name
        (``partner.stake`` for the joining partner's fields).
    """
    from sim.scenario.agenda import Event

    out: list[tuple[str, Param]] = []
    union = typing.get_args(Event)[0]
    for model in typing.get_args(union):
        kind = typing.get_args(model.model_fields["type"].annotation)[0]
        for p in parameters(model):
            if p.path != "type":
                out.append((kind, p))
    return out


def event_table() -> str:
    """The Markdown table of scripted events' fields for docs/model.md."""
    lines = [
        "| Event `type` | Field | Unit | Range | Default | Meaning |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for kind, p in event_parameters():
        lines.append(
            f"| `{kind}` | `{p.path}` | {_cell(p.unit)} | {_cell(p.range)} | "
            f"{_cell(p.default)} | {_cell(p.meaning)} |"
        )
    return "\n".join(lines)


def shipped_designs(root: str | Path) -> list[Path]:
    """The shipped designs: the base case and every file in ``scenarios/governance``."""
    root = Path(root)
    return [root / "scenarios" / "equal_stakes.yaml"] + sorted(
        (root / "scenarios" / "governance").glob("*.yaml")
    )


def file_hash(path: Path) -> str:
    """SHA-256 of a file's bytes (as the loader records it)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def record_designs(root: str | Path, replications: int, seed: int, workers: int) -> dict:
    """Run every shipped design (common random numbers) and return the recorded results."""
    from sim.experiment.runner import run_experiment
    from sim.experiment.summary import summarise
    from sim.scenario.loader import load_scenario

    root = Path(root)
    designs: list[dict] = []
    out = {"replications": replications, "seed": seed, "designs": designs}
    for path in shipped_designs(root):
        loaded = load_scenario(path)
        exp = run_experiment(loaded.scenario, replications, seed, workers)
        summary = summarise(exp, path.name)
        designs.append(
            {
                "file": path.relative_to(root).as_posix(),
                "sha256": loaded.sha256,
                "title": loaded.scenario.name,
                "summary": {h.key: summary[h.key] for h in _headlines()},
            }
        )
    return out


def _headlines():
    from sim.experiment.summary import HEADLINES

    return HEADLINES


def designs_table(recorded: dict) -> str:
    """The README table of headline results from a recorded results file."""
    heads = _headlines()
    header = "| Design | " + " | ".join(
        f"{h.label} ({'%' if h.percent else h.unit})" for h in heads
    )
    lines = [
        f"Headline results of each shipped design: {recorded['replications']} replications, "
        f"seed {recorded['seed']}, common random numbers; 95% intervals in brackets. "
        "Generated by `sim docs --run` (see `docs/designs.json`).",
        "",
        header + " |",
        "| --- |" + " --- |" * len(heads),
    ]
    for d in recorded["designs"]:
        cells = []
        for h in heads:
            entry = d["summary"][h.key]
            value, ci = entry.get(h.value), entry.get("ci95") or [None, None]
            cells.append(_number(value, ci, h.percent))
        lines.append(f"| [{d['title']}]({d['file']}) | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _number(value, ci, percent: bool) -> str:
    if value is None:
        return "-"
    scale, fmt = (100, "{:.0f}") if percent else (1, "{:.1f}")
    text = fmt.format(value * scale)
    if ci and ci[0] is not None and ci[1] is not None:
        text += f" [{fmt.format(ci[0] * scale)}-{fmt.format(ci[1] * scale)}]"
    return text


def replace_between(text: str, marker: str, body: str, append: bool = False) -> str:
    """Replace what sits between ``<!-- marker:start -->`` and ``<!-- marker:end -->``.

    Args:
        text: the document.
        marker: the marker name (``params``, ``designs``).
        body: the new content.
        append: add a section with the markers at the end when they are absent.

    Raises:
        ValueError: the markers are absent and ``append`` is False.
    """
    start, end = f"<!-- {marker}:start -->", f"<!-- {marker}:end -->"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    block = f"{start}\n{body}\n{end}"
    if pattern.search(text):
        return pattern.sub(lambda _: block, text, count=1)
    if not append:
        raise ValueError(f"markers {start} ... {end} not found")
    return text.rstrip("\n") + "\n\n" + block + "\n"


def render(root: str | Path) -> dict[Path, str]:
    """The generated documents: ``docs/model.md`` and ``README.md`` with fresh tables.

    Returns:
        New text per file (unchanged files included); nothing is written.
    """
    root = Path(root)
    model_md = root / "docs" / "model.md"
    readme = root / "README.md"
    recorded = json.loads((root / "docs" / "designs.json").read_text(encoding="utf-8"))
    readme_text = readme.read_text(encoding="utf-8") if readme.exists() else ""
    designs = "## Governance designs at a glance\n\n" + designs_table(recorded)
    return {
        model_md: replace_between(
            replace_between(model_md.read_text(encoding="utf-8"), "params", parameter_table()),
            "events",
            event_table(),
        ),
        readme: replace_between(readme_text, "designs", designs, append=True),
    }
