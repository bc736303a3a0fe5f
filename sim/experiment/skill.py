"""Skill: does the model forecast the backtest's cases better than the baselines?

Plain-data totals over the cases of :func:`~sim.experiment.backtest.backtest`: the mean of
each proper score per forecast (:mod:`sim.experiment.scoring`), the same over each
venture's first case only (later episodes, ``metadata.episode_of``, are not independent),
in how many cases the model beat each baseline, and how often the actual category was
among each forecast's two likeliest; and the per-case rows of ``backtest.csv``.
"""

from __future__ import annotations

from collections.abc import Sequence

from sim.experiment import scoring
from sim.experiment.backtest import CATEGORIES, CaseResult

CSV_COLUMNS = (
    ["case", "actual_category", "actual_who", "actual_years", "replications"]
    + [f"sim_{c}" for c in CATEGORIES]
    + ["p_actual", "p_actual_lo", "p_actual_hi", "p_actual_who"]
    + ["sim_years_q10", "sim_years_median", "sim_years_q90", "timing_rank", "censored"]
    + [f"{k}_{m}" for k in scoring.FORECASTS for m in scoring.SCORES]
)


def table_rows(results: Sequence[CaseResult]) -> list[dict]:
    """One CSV row per case (columns :data:`CSV_COLUMNS`)."""
    rows = []
    for r in results:
        q: Sequence[float | None] = r.years_q or [None, None, None]
        rows.append(
            {
                "case": r.case,
                "actual_category": r.actual.category,
                "actual_who": r.actual.who,
                "actual_years": r.actual.years,
                "replications": r.replications,
                **{f"sim_{c}": r.shares[c] for c in CATEGORIES},
                "p_actual": r.p_actual,
                "p_actual_lo": r.p_actual_ci95[0],
                "p_actual_hi": r.p_actual_ci95[1],
                "p_actual_who": r.p_actual_who,
                "sim_years_q10": q[0],
                "sim_years_median": q[1],
                "sim_years_q90": q[2],
                "timing_rank": r.timing_rank,
                "censored": r.censored,
                **{f"{k}_{m}": r.scores[k][m] for k in scoring.FORECASTS for m in scoring.SCORES},
            }
        )
    return rows


def totals(results: Sequence[CaseResult]) -> dict[str, dict[str, float | None]]:
    """Mean of each score over the cases, per forecast (category scores: uncensored only)."""
    return {k: scoring.mean_scores([r.scores[k] for r in results]) for k in scoring.FORECASTS}


def top_two_hits(results: Sequence[CaseResult]) -> dict[str, int]:
    """Per forecast, in how many uncensored cases the actual category is among its two likeliest.

    Ties are broken by the order of :data:`CATEGORIES` (BUY first), as a reader would.
    """
    hits = dict.fromkeys(scoring.FORECASTS, 0)
    for r in results:
        if r.censored:
            continue
        for k in scoring.FORECASTS:
            probs = r.forecast_shares[k]
            ranked = sorted(CATEGORIES, key=lambda c: (-probs[c], CATEGORIES.index(c)))
            hits[k] += r.actual.category in ranked[:2]
    return hits


def report(results: Sequence[CaseResult], seed: int) -> dict:
    """The scored backtest as plain data: ``{"cases": [...], "score": {...}, ...}``.

    ``score`` holds, per forecast (model, baseline, exponential), the mean Brier, log,
    timing and CRPS scores (lower is better); ``score_independent`` the same over each
    venture's first case only (episodes, ``metadata.episode_of``, left out);
    ``score_blind`` over the cases not flagged ``metadata.conditional`` (scripted on a
    pre-outcome fact that all but gives the outcome); ``top_two`` the top-two hit
    counts; ``wins`` in how many cases the model scored better than each baseline,
    ``wins_both`` than both.
    """
    cases = []
    for r in results:
        cases.append(
            {
                "case": r.case,
                "title": r.title,
                "sha256": r.sha256,
                "actual": {
                    "category": r.actual.category,
                    "who": r.actual.who,
                    "years": r.actual.years,
                    "censored": r.censored,
                },
                "replications": r.replications,
                "shares": r.shares,
                "p_actual": r.p_actual,
                "scores": r.scores,
                "forecast_shares": r.forecast_shares,
                "sourced": r.sourced,
                "episode_of": r.episode_of,
                "conditional": r.conditional,
            }
        )
    wins = {
        b: {
            m: sum(_better(r.scores["model"][m], r.scores[b][m]) for r in results)
            for m in scoring.SCORES
        }
        for b in scoring.FORECASTS[1:]
    }
    first = [r for r in results if not r.episode_of]
    blind = [r for r in results if not r.conditional]
    both = {
        m: sum(
            all(_better(r.scores["model"][m], r.scores[b][m]) for b in scoring.FORECASTS[1:])
            for r in results
        )
        for m in scoring.SCORES
    }
    return {
        "cases": cases,
        "score": totals(results),
        "score_independent": totals(first) if first else None,
        "independent_cases": [r.case for r in first],
        "score_blind": totals(blind) if blind else None,
        "conditional_cases": [r.case for r in results if r.conditional],
        "wins_both": both,
        "top_two": top_two_hits(results),
        "wins": wins,
        "scored": {
            "category": sum(not r.censored for r in results),
            "timing": len(results),
        },
        "seed": seed,
    }


def _better(model: float | None, other: float | None) -> bool:
    return model is not None and other is not None and model < other


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def markdown(rep: dict, replications: int, command: str) -> str:
    """The scored backtest as the Markdown block of ``docs/calibration.md``.

    Args:
        rep: :func:`report`'s output.
        replications: replications per case.
        command: the command that regenerates the block.
    """
    names = ("brier", "log", "timing", "crps")
    lines = [
        f"Measured on this machine with `{command}` ({replications} replications per "
        f"case, seed {rep['seed']}). Scores are lower-is-better: Brier and log score of the "
        "outcome category, timing = -log P(actual year) (censored: -log P(still running)), "
        "CRPS in years. Each cell: model / base rates / 7-year exponential.",
        "",
        "| case | actual | model's likeliest outcomes | Brier | log | timing | CRPS (y) |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for case in rep["cases"]:
        a = case["actual"]
        shares = sorted(case["shares"].items(), key=lambda kv: -kv[1])
        likely = ", ".join(f"{c} {100 * p:.0f}%" for c, p in shares[:3] if p > 0)
        actual = f"{a['category']} {a['who']}".strip() + f", {a['years']:g} y"
        if a["censored"]:
            actual += " (running: censored)"
        name = case["case"] + (f" (episode of {case['episode_of']})" if case["episode_of"] else "")
        name += " (conditional)" if case["conditional"] else ""
        cells = [" / ".join(_num(case["scores"][k][m]) for k in scoring.FORECASTS) for m in names]
        lines.append(f"| {name} | {actual} | {likely} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "| forecast | cases | Brier | log | timing | CRPS (y) | actual among its two likeliest |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    scored = rep["scored"]["category"]
    blind = len(rep["cases"]) - len(rep["conditional_cases"])
    for label, key, n in (
        ("all cases", "score", len(rep["cases"])),
        ("first case of each venture", "score_independent", len(rep["independent_cases"])),
        ("without conditional cases", "score_blind", blind),
    ):
        if key == "score_blind" and not rep["conditional_cases"]:
            continue
        if rep[key] is None:
            continue
        for k in scoring.FORECASTS:
            top = f"{rep['top_two'][k]} of {scored}" if key == "score" else ""
            means = " | ".join(_num(rep[key][k][m]) for m in names)
            lines.append(f"| {k} ({label}) | {n} | {means} | {top} |")
    lines += ["", verdict(rep)]
    return "\n".join(lines)


def verdict(rep: dict) -> str:
    """Plain sentences: does the model beat both baselines on the mean of each score?

    Over all cases (with how many cases it beat both in), and again without the
    conditional cases when there are any.
    """
    out = []
    for key, label in (("score", "over all cases"), ("score_blind", "without conditional cases")):
        totals_ = rep.get(key)
        if totals_ is None or (key == "score_blind" and not rep["conditional_cases"]):
            continue
        parts = []
        for m, name in (("brier", "Brier"), ("log", "log"), ("timing", "timing"), ("crps", "CRPS")):
            model = totals_["model"][m]
            others = [totals_[k][m] for k in scoring.FORECASTS[1:] if totals_[k][m] is not None]
            if model is None or not others:
                continue
            word = "beats" if model < min(others) else "does NOT beat"
            text = f"{name}: the model {word} the better baseline ({model:.2f} vs {min(others):.2f}"
            if key == "score":
                n = rep["scored"]["category" if m in ("brier", "log") else "timing"]
                text += f"; better than both in {rep['wins_both'][m]} of {n} cases"
            parts.append(text + ")")
        out.append(f"Verdict {label}: " + "; ".join(parts) + ".")
    return "\n\n".join(out)
