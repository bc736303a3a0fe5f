"""The dashboard's Solara components, rendered headless (as Mesa tests its own components).

Skipped when the ``viz`` extra (solara, mesa[viz]) is not installed.
"""

from __future__ import annotations

import pytest

solara = pytest.importorskip("solara", reason="the dashboard needs the viz extra (solara)")
vw = pytest.importorskip("ipyvuetify")
widgets = pytest.importorskip("ipywidgets")

from mesa.visualization.solara_viz import (  # noqa: E402
    ModelController,
    ModelCreator,
    _wrap_component,
)

from sim.scenario.loader import load_scenario  # noqa: E402
from sim.viz import app  # noqa: E402
from sim.viz.design import apply_knobs, knobs  # noqa: E402

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


@solara.component
def Harness(model, params, base):
    """Mesa's controller and parameter card sharing parameters, plus our components."""
    ModelController(
        model,
        model_parameters=params,
        play_interval=solara.reactive(100),
        render_interval=solara.reactive(1),
        use_threads=solara.reactive(False),
    )
    ModelCreator(model, {"base": base, **knobs(base)}, model_parameters=params)
    for component in app.COMPONENTS:  # wrapped as SolaraViz wraps them: redrawn on each step
        _wrap_component(component)(model.value)


def _images(rc):
    return [bytes(w.value) for w in rc.find(widgets.Image).widgets]


def test_step_updates_charts_and_events_and_reset_runs_the_new_design(base):
    model = solara.reactive(app.first_model(base))
    params = solara.reactive({})
    _, rc = solara.render(Harness(model, params, base), handle_error=False)
    before = _images(rc)
    assert len(before) == 3
    assert "Nothing has happened yet" in app.events_markdown(model.value)

    rc.find(vw.Btn, children=["Step"]).widget.click()
    assert model.value.month == 1
    after = _images(rc)
    assert all(a != b for a, b in zip(before, after, strict=True))
    assert "### Month 1" in app.events_markdown(model.value)

    # change a control: the rule for reserved matters, then reset
    rule = rc.find(vw.Select, label="Voting rule (reserved matters)").widget
    rule.v_model = "simple_majority"
    assert params.value["reserved_rule"] == "simple_majority"
    rc.find(vw.Btn, children=["Reset"]).widget.click()
    assert model.value.month == 0
    assert model.value.scenario.governance.reserved.rule == "simple_majority"
    assert "reserved matters by simple majority" in app.design_markdown(model.value)
