"""Backtest: real consortia run through the model, side by side with what happened.

A case is a scenario in ``scenarios/cases/`` whose free ``metadata`` field carries the
historical outcome::

    metadata:
      outcome: {category: BUY, who: Sony, years: 10.4}
      sources: ["evidence.md case table: Sony Ericsson", ...]

Categories follow the legend of evidence.md's case library, folded onto what the model
can produce (:data:`EVIDENCE_CATEGORY`): ``BUY`` (one partner acquired the venture),
``DISS`` (dissolved, liquidated, bankrupt or sold to a third party: the model does not
tell these apart, as evidence a1 #6 groups them), ``LEAD`` (a de facto leader emerged or
the venture reformed into a single-leader company), ``STATE`` (the state funder became
the de facto leader), ``EXIT`` (a member left, the venture runs on) and ``RUN`` (still
running). Each replication is classified by :func:`classify`; :func:`backtest` runs every
case with :func:`~sim.experiment.runner.run_experiment` and reports the simulated
distribution of categories and timing against the actual one, scored with proper scores
against two baselines (:mod:`sim.experiment.scoring`; :func:`report` gives the totals).

A case still running is ``{category: RUN, years: <years observed>}``: it is
right-censored at the years observed. ``metadata.sources`` maps each field path whose
value is sourced to its source (checked to name real paths); every other value is a
default.

The same classification gives the base rates that calibration targets
(:func:`base_rates`: termination within seven years, the annual hazard, the share of
terminations that are buy-outs).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sim.errors import InputError, Problem
from sim.experiment import scoring, stats
from sim.experiment.runner import run_experiment
from sim.experiment.summary import summarise
from sim.scenario.loader import LoadedScenario, load_scenario

FORECASTS = scoring.FORECASTS
CATEGORIES = ("BUY", "DISS", "LEAD", "STATE", "EXIT", "RUN")
EVIDENCE_CATEGORY = {
    "BUY": "BUY",
    "DISS": "DISS",
    "BANK": "DISS",
    "SOLD3": "DISS",
    "LEAD": "LEAD",
    "STATE": "STATE",
    "EXIT": "EXIT",
    "RUN": "RUN",
}
TERMINATION_CATEGORY = {
    "acquired": "BUY",
    "liquidated": "DISS",
    "wind_up": "DISS",
    "reform": "LEAD",
    "control": "LEAD",  # a holder took a majority of the equity; STATE when the state funder
}


@dataclass(frozen=True)
class Outcome:
    """What happened to a venture (historically, or in one replication).

    Attributes:
        category: one of :data:`CATEGORIES`.
        who: the partner concerned (buyer, leader, leaver), or "" when none or unknown.
        years: years from formation to the outcome (the horizon when ``RUN``).
    """

    category: str
    who: str
    years: float


def classify(row: dict, funder: str | None = None) -> Outcome:
    """The outcome of one replication, from its ``runs.csv`` row.

    The venture's end comes first (acquired, liquidated, wound up, reformed); otherwise a
    de facto leader (the state funder's is ``STATE``); otherwise a member's exit;
    otherwise ``RUN``.

    Args:
        row: a row from :func:`~sim.experiment.outcomes.observe`.
        funder: the state funder's name, if the scenario has one.

    Returns:
        The replication's outcome; years = months / 12.
    """
    if row["termination"]:
        category = TERMINATION_CATEGORY.get(row["termination"], "DISS")
        if row["termination"] == "control" and funder is not None:
            category = "STATE" if row["termination_by"] == funder else category
        return Outcome(category, row["termination_by"], row["months"] / 12)
    if row["leader"]:
        category = "STATE" if funder is not None and row["leader"] == funder else "LEAD"
        return Outcome(category, row["leader"], row["leader_month"] / 12)
    if math.isfinite(row["fracture_month"]):
        return Outcome("EXIT", row["fracture_partner"], row["fracture_month"] / 12)
    return Outcome("RUN", "", row["months"] / 12)


def annual_hazard(event_years: Sequence[float], n: int, years: int) -> list[float | None]:
    """Annual hazard of an event: events in year y over ventures still at risk at its start.

    Args:
        event_years: time of each observed event (years, > 0); unobserved ones are censored
            at the horizon and simply not listed.
        n: number of ventures at risk at the start.
        years: number of years to report.

    Returns:
        ``h[y]`` for y = 1..years (index 0 is year 1); None when nobody was at risk.
    """
    year_of = Counter(min(years, math.ceil(t - 1e-9)) for t in event_years if t <= years)
    at_risk, out = n, []
    for y in range(1, years + 1):
        out.append(year_of[y] / at_risk if at_risk else None)
        at_risk -= year_of[y]
    return out


def base_rates(rows: list[dict], within_years: float = 7.0) -> dict:
    """The base rates of evidence.md a1/a5 measured on replications.

    Termination is the venture's end (acquired, liquidated, wound up or reformed).

    Args:
        rows: replication rows.
        within_years: the horizon of the termination probability (years).

    Returns:
        ``terminated_within`` (share of replications ended within ``within_years``, with a
        Wilson interval), ``buy_share`` (share of terminations that are one partner
        acquiring the venture), ``hazard`` (annual termination hazard per year),
        ``peak_year`` (the year the hazard peaks, 1-based) and ``terminations``.
    """
    n = len(rows)
    ended = [r for r in rows if r["termination"]]
    within = sum(r["months"] <= within_years * 12 for r in ended)
    p, ci = stats.wilson(within, n)
    buys = sum(r["termination"] == "acquired" for r in ended)
    horizon_years = max((r["months"] for r in rows), default=0) // 12
    hazard = annual_hazard([r["months"] / 12 for r in ended], n, int(horizon_years))
    known = [(h, y) for y, h in enumerate(hazard, start=1) if h is not None]
    peak = max(known)[1] if known and max(known)[0] > 0 else None
    return {
        "terminated_within": p,
        "terminated_within_ci95": ci,
        "within_years": within_years,
        "buy_share": buys / len(ended) if ended else None,
        "terminations": len(ended),
        "hazard": hazard,
        "peak_year": peak,
    }


@dataclass
class CaseResult:
    """A case's simulated outcomes against its history.

    Attributes:
        case: file stem of the case.
        title: the scenario's title.
        actual: the historical outcome.
        replications: number of replications.
        shares: share of replications per category (all of :data:`CATEGORIES`).
        p_actual: share of replications with the actual category.
        p_actual_ci95: its Wilson interval.
        p_actual_who: share with the actual category and the actual partner (None when
            the case names no single partner).
        years_q: 10th, 50th and 90th percentile of simulated years to the actual category
            (None when it never happened in simulation).
        timing_rank: share of simulated outcomes of the actual category that came no later
            than the actual one (0.5 = the actual timing is the simulated median).
        censored: the case is still running (``RUN``), censored at ``actual.years``.
        scores: per forecast (:data:`~sim.experiment.scoring.FORECASTS`), its scores
            (:data:`~sim.experiment.scoring.SCORES`; lower is better).
        forecast_shares: per forecast, its probability of each category.
        sha256: the case file's digest.
        sourced: the field paths ``metadata.sources`` names as sourced.
        episode_of: the case this one is a later episode of (``metadata.episode_of``), or
            "" for a venture's first (independent) case.
        conditional: the case is scripted on a pre-outcome fact that all but gives the
            outcome (``metadata.conditional`` says which), so it is not a blind forecast.
        summary: the run's summary (as :func:`~sim.experiment.summary.summarise`).
        outcomes: each replication's outcome.
    """

    case: str
    title: str
    actual: Outcome
    replications: int
    shares: dict[str, float]
    p_actual: float
    p_actual_ci95: list
    p_actual_who: float | None
    years_q: list[float] | None
    timing_rank: float | None
    censored: bool
    scores: dict[str, dict[str, float | None]]
    forecast_shares: dict[str, dict[str, float]]
    sha256: str
    sourced: list[str]
    episode_of: str
    conditional: bool
    summary: dict = field(repr=False)
    outcomes: list[Outcome] = field(repr=False)


def historical_outcome(loaded: LoadedScenario) -> Outcome:
    """The case's historical outcome from ``metadata.outcome``.

    Raises:
        InputError: the metadata is missing or malformed (says where and how to fix it).
    """
    meta = loaded.scenario.metadata.get("outcome")

    def located(message: str) -> Problem:
        return Problem(message, file=loaded.path, path="metadata.outcome")

    if not isinstance(meta, dict):
        raise InputError(
            located(
                "a case needs its historical outcome: metadata: {outcome: {category: BUY, "
                "who: <partner>, years: <years to outcome>}}"
            )
        )
    category = str(meta.get("category", "")).upper()
    if category not in EVIDENCE_CATEGORY:
        raise InputError(
            located(
                f"category '{meta.get('category')}' is not one of "
                f"{', '.join(EVIDENCE_CATEGORY)} (evidence.md case-library legend)"
            )
        )
    years = meta.get("years")
    if not isinstance(years, int | float) or isinstance(years, bool) or years <= 0:
        raise InputError(located(f"years must be a positive number, got {years!r}"))
    if years * 12 > loaded.scenario.horizon_months:
        raise InputError(
            located(
                f"the outcome came after {years} years but horizon_months is "
                f"{loaded.scenario.horizon_months}: raise the horizon past the outcome"
            )
        )
    sources = loaded.scenario.metadata.get("sources")
    if not isinstance(sources, dict) or not sources:
        raise InputError(
            Problem(
                "a case names the source of each sourced value: metadata: {sources: "
                "{<field path>: <source>}} (e.g. partners.0.stake: 'evidence.md (b) ...'); "
                "every value not listed is a default",
                file=loaded.path,
                path="metadata.sources",
            )
        )
    episode = loaded.scenario.metadata.get("episode_of")
    if episode is not None and not isinstance(episode, str):
        raise InputError(
            Problem(
                "episode_of names the case file (stem) this episode continues",
                file=loaded.path,
                path="metadata.episode_of",
            )
        )
    return Outcome(EVIDENCE_CATEGORY[category], str(meta.get("who") or ""), float(years))


def case_files(folder: str | Path) -> list[Path]:
    """The case files in a folder (``*.yaml``, sorted).

    Raises:
        InputError: the folder does not exist or holds no case.
    """
    path = Path(folder)
    if not path.is_dir():
        raise InputError(Problem("no such folder; give the folder of case files", file=str(path)))
    files = sorted(path.glob("*.yaml"))
    if not files:
        raise InputError(Problem("holds no .yaml case files", file=str(path)))
    return files


def run_case(
    loaded: LoadedScenario,
    replications: int,
    seed: int,
    workers: int,
    progress: Callable[[int], None] | None = None,
) -> CaseResult:
    """Run one case and compare its simulated outcomes with its history."""
    actual = historical_outcome(loaded)
    s = loaded.scenario
    funder = s.state_funder.name if s.state_funder is not None else None
    exp = run_experiment(s, replications, seed, workers, progress)
    outcomes = [classify(r, funder) for r in exp.rows]
    censored = actual.category == "RUN"
    horizon = s.horizon_months / 12
    forecasts = {
        "model": scoring.empirical(
            [o.category for o in outcomes], [o.years for o in outcomes], horizon, CATEGORIES
        ),
        **{k: scoring.parametric(k, horizon, CATEGORIES, len(outcomes)) for k in FORECASTS[1:]},
    }
    scores = {
        k: scoring.score(f, actual.category, actual.years, censored, horizon)
        for k, f in forecasts.items()
    }
    sources = s.metadata.get("sources")
    n = len(outcomes)
    counts = Counter(o.category for o in outcomes)
    same = [o for o in outcomes if o.category == actual.category]
    shares = {c: counts.get(c, 0) / n for c in CATEGORIES}
    p, ci = stats.wilson(len(same), n)
    assert p is not None  # n > 0, or the shares above would have raised
    years = np.array([o.years for o in same])
    return CaseResult(
        case=Path(loaded.path).stem,
        title=s.name,
        actual=actual,
        replications=n,
        shares=shares,
        p_actual=p,
        p_actual_ci95=ci,
        p_actual_who=(sum(o.who == actual.who for o in same) / n) if actual.who else None,
        years_q=[float(q) for q in np.quantile(years, [0.1, 0.5, 0.9])] if len(same) else None,
        timing_rank=float(np.mean(years <= actual.years)) if len(same) else None,
        censored=censored,
        scores=scores,
        forecast_shares={k: dict(f.categories) for k, f in forecasts.items()},
        sha256=loaded.sha256,
        sourced=sorted(map(str, sources)) if isinstance(sources, dict) else [],
        episode_of=str(s.metadata.get("episode_of") or ""),
        conditional=bool(s.metadata.get("conditional")),
        summary=summarise(exp, Path(loaded.path).name),
        outcomes=outcomes,
    )


def backtest(
    folder: str | Path,
    replications: int,
    seed: int,
    workers: int,
    progress: Callable[[str, int], None] | None = None,
) -> list[CaseResult]:
    """Run every case in a folder (same seed for each: common random numbers).

    Args:
        folder: a folder of case files.
        replications: replications per case.
        seed: root seed.
        workers: worker processes.
        progress: called with (case stem, replications just finished).

    Returns:
        One result per case, in file-name order.

    Raises:
        InputError: a case file is invalid or lacks its historical outcome.
    """
    loaded = [load_scenario(f) for f in case_files(folder)]
    for case in loaded:
        historical_outcome(case)  # every case checked before any runs
    out = []
    for case in loaded:
        stem = Path(case.path).stem
        tick = (lambda k, stem=stem: progress(stem, k)) if progress else None
        out.append(run_case(case, replications, seed, workers, tick))
    return out
