"""``sim trace``: one replication told in words, replayable from a runs.csv seed."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from sim.experiment.runner import run_experiment
from sim.model.venture import Venture
from sim.reports.teller import tell
from sim.reports.trace import to_dict, to_json, to_markdown, to_text, trace
from sim.scenario.loader import load_scenario, validate_mapping

EQUAL = "scenarios/equal_stakes.yaml"


@pytest.fixture(scope="module")
def short():
    """The equal-stakes case over five years (past the lock-up and the capital call)."""
    data = load_scenario(EQUAL).scenario.model_dump(exclude_none=True)
    data["horizon_months"] = 60
    return validate_mapping(data)


def test_a_runs_csv_row_is_replayed_by_its_seed(short):
    """The seed column of runs.csv is the replication seed the trace takes."""
    exp = run_experiment(short, replications=6, seed=11, workers=1)
    for row in exp.rows:
        told = trace(short, row["seed"])
        o = told.outcome
        assert o["final_state"] == row["final_state"]
        assert o["leader"] == row["leader"]
        assert (o["fracture_partner"], o["fracture_how"]) == (
            row["fracture_partner"],
            row["fracture_how"],
        )
        month = row["fracture_month"]
        assert o["fracture_month"] == (None if math.isnan(month) else month)
        assert o["decisions"] == row["decisions"] and o["issues"] == row["issues"]


def test_every_vote_against_is_explained_with_its_numbers(short):
    v = Venture(short, 5, record_events=True).run()
    story = tell(v)
    meetings = [e for e in v.log.events if e.kind == "meeting"]
    told = [line for m in story for line in m.lines if line.kind == "meeting"]
    assert len(told) == len(meetings)
    for event, line in zip(meetings, told, strict=True):
        assert line.data["proposer"] == event.data["proposal"].proposer
        assert ("✓" in line.text) == event.data["passed"]
        for vote in event.data["votes"]:
            if not vote.yes and line.details:
                reason = next(d for d in line.details if d.startswith(vote.voter + " votes no"))
                assert f"{vote.loss:.3f}"[:4] in reason and "more than its tolerance" in reason


def test_the_story_tells_the_structural_events(short):
    """The capital call in month 30 of the scenario is told with who paid."""
    told = trace(short, 5)
    kinds = {line.kind for m in told.months for line in m.lines}
    assert {"arrival", "meeting", "capital_call"} <= kinds
    call = next(line for m in told.months for line in m.lines if line.kind == "capital_call")
    assert "GPU cluster capital call" in call.text and call.details


def test_months_caps_the_story_not_the_run(short):
    full, cut = trace(short, 3), trace(short, 3, months=6)
    assert max(m.month for m in cut.months) <= 6
    assert cut.outcome == full.outcome
    assert "cut at month 6" in to_text(cut)


def test_layouts(short):
    told = trace(short, 3, months=12)
    text, md = to_text(told), to_markdown(told)
    assert text.startswith(short.name) and "How it ended:" in text
    assert md.startswith(f"# {short.name}") and "## Month by month" in md and "### Month" in md
    data = json.loads(to_json(told))
    assert data["seed"] == 3 and data["events"] and data == json.loads(json.dumps(to_dict(told)))
    assert all({"month", "kind", "text"} <= set(e) for e in data["events"])


def _sim(*args):
    return subprocess.run(
        [sys.executable, "-c", "from sim.cli.app import main; main()", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_trace_and_bad_input():
    ok = _sim("trace", EQUAL, "--seed", "7", "--months", "6", "--format", "md")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("# Equal stakes") and "### Month " in ok.stdout
    months = [
        int(line.split()[2]) for line in ok.stdout.splitlines() if line.startswith("### Month ")
    ]
    assert months and max(months) <= 6
    bad = _sim("trace", EQUAL, "--seed", "7", "--format", "xml")
    assert bad.returncode == 2 and "--format must be one of text, md, json" in bad.stderr
    bad = _sim("trace", EQUAL, "--seed", "-4")
    assert bad.returncode == 2 and "--seed must be between 0" in bad.stderr
    assert "Traceback" not in bad.stderr
