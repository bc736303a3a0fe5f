"""The dashboard's pieces, rendered headless (as Mesa tests its own Solara components).

The knobs, the monthly rows, the SVG charts and the events as HTML are plain functions;
the page itself is rendered with ``solara.render`` and driven through its control bar's
events, as the browser would. Skipped when the ``viz`` extra (solara) is not installed.
"""

from __future__ import annotations

import math

import pytest

solara = pytest.importorskip("solara", reason="the dashboard needs the viz extra (solara)")
vw = pytest.importorskip("ipyvuetify")
widgets = pytest.importorskip("ipywidgets")

from sim.scenario.loader import load_scenario  # noqa: E402
from sim.viz import app, state  # noqa: E402
from sim.viz.charts import Chart, Series, svg  # noqa: E402
from sim.viz.design import apply_knobs, knobs, plain  # noqa: E402
from sim.viz.events import latest_html  # noqa: E402
from sim.viz.figures import influence  # noqa: E402

EQUAL = "scenarios/equal_stakes.yaml"


@pytest.fixture(scope="module")
def base():
    return load_scenario(EQUAL).scenario


def test_knobs_round_trip_and_apply(base):
    values = {k: c["value"] for k, c in knobs(base).items()}
    assert apply_knobs(base, **values) == base
    changed = apply_knobs(
        base,
        reserved_rule="qualified_majority",
        threshold=0.7,
        tolerance_NEC=0.2,
        deadlock_clause="arbitration",
        board_cadence_months=1,
        lock_up_months=0,
    )
    g = changed.governance
    assert (g.reserved.rule, g.reserved.threshold) == ("qualified_majority", 0.7)
    assert (g.deadlock.clause, g.board.cadence_months, g.lock_up_months) == ("arbitration", 1, 0)
    assert changed.partners[3].name == "NEC" and changed.partners[3].veto.tolerance == 0.2


def test_every_choice_has_plain_words(base):
    for spec in knobs(base).values():
        for name in spec.get("values", []):
            assert "_" not in plain(name) and plain(name)[0].isupper()
    assert plain("unanimity") == "Unanimity"


def test_dashboard_model_records_a_series(base):
    model = app.first_model(base)
    for _ in range(3):
        model.step()
    assert [row["month"] for row in model.series] == [1, 2, 3]
    shares = model.series[-1]["influence"]
    assert sum(shares.values()) == pytest.approx(1.0)
    assert set(model.series[-1]["satisfaction"]) == {"SoftBank", "Honda", "Sony", "NEC"}


def test_bad_seed_is_refused(base):
    with pytest.raises(ValueError, match="whole number"):
        app.DashboardVenture(base, seed="twelve")


def test_svg_chart_draws_lines_gaps_and_markers():
    chart = Chart(
        "Influence share",
        [1, 2, 3, 4],
        [Series("A & B", "#000", [0.2, 0.3, math.nan, 0.4])],
        12,
        y_max=0.6,
        hlines=[(0.35, "leader threshold")],
        vlines=[(3, "Sony leaves")],
    )
    text = svg(chart)
    assert text.startswith("<svg") and text.endswith("</svg>")
    assert text.count("<polyline") == 2  # the NaN month splits the line
    assert "leader threshold" in text and "Sony leaves" in text and "A &amp; B" in text


def test_influence_chart_marks_threshold_and_exits(base):
    data = base.model_dump(mode="json", exclude_none=True)
    data["governance"]["lock_up_months"] = 0
    data["partners"][0]["outside_option"] = 3.0  # SoftBank leaves as soon as it may
    data["partners"][0]["patience"] = 1
    from sim.scenario.loader import validate_mapping

    scenario = validate_mapping(data)
    model = app.DashboardVenture(scenario, 3)
    while model.running and not state.exits(model):
        model.step()
    chart = influence(model, model.series)
    assert chart.hlines[0][0] == pytest.approx(state.leader_threshold(model))
    assert any("leaves" in label for _, label in chart.vlines)


def test_events_are_escaped_html_without_markdown(base):
    model = app.first_model(base)
    assert "Nothing has happened yet" in latest_html(model)
    for _ in range(6):
        model.step()
    html = latest_html(model)
    assert "<h3>Month 6" in html and "$" not in html


def _bar(rc):
    return rc.find(vw.VuetifyTemplate, title=f"consortium-sim · {app.base_scenario().name}").widget


def test_page_steps_and_resets_with_a_changed_knob(base):
    _, rc = solara.render(app.Dashboard(base), handle_error=False)
    bar = _bar(rc)
    charts = [w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets]
    assert bar.month == 0 and bar.running
    bar.vue_step(None)
    assert bar.month == 1 and bar.version == 1
    after = [w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets]
    assert after != charts and any("Month 1" in h for h in after)

    rule = rc.find(vw.Select, label="Voting rule (board matters)").widget
    assert {i["text"] for i in rule.items} == {"Unanimity", "Simple majority", "Qualified majority"}
    rule.v_model = "simple_majority"
    bar.vue_reset(None)
    assert bar.month == 0
    assert any(
        "board matters by simple majority" in w.unsafe_innerHTML
        for w in rc.find(solara.widgets.HTML).widgets
    )


def test_a_bad_seed_is_shown_not_raised(base):
    _, rc = solara.render(app.Dashboard(base), handle_error=False)
    seed = rc.find(vw.TextField, label="Seed").widget
    seed.v_model = "twelve"
    _bar(rc).vue_reset(None)
    assert any("whole number" in w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets)
