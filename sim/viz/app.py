"""The workshop dashboard, laid out for a projector (1280x720): ``sim viz SCENARIO``.

One screen, no scrolling: a bar with Step / Play / Reset and the current month; the
design's knobs on the left (each with its value in its label; partners' behaviour folded
away); the three charts (:mod:`sim.viz.figures`, light SVG) and the month's events in
words (:mod:`sim.viz.events`). Changing a knob and pressing Reset runs the new design.

Built on Solara directly rather than Mesa's ``SolaraViz``, whose developer controls (play
and render intervals, threads), page tabs and matplotlib redraws (about 1.5 s a step on a
laptop) do not suit a room. The bar is a small Vue component (``controls.vue``): a press
disables it in the browser until the server has drawn the month, so clicks cannot pile
up, and Play asks for the next month only once the last is on screen.

``sim viz`` sets ``SIM_VIZ_SCENARIO`` and starts ``solara run sim/viz/app.py``. Solara
renders :func:`Page` once per browser session, so each session gets its own model.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import solara
from reacton import ipyvuetify as v

from sim.errors import InputError
from sim.scenario.loader import load_scenario
from sim.scenario.schema import Scenario
from sim.viz import state
from sim.viz.design import PARTNER_KNOBS, apply_knobs, knobs, partner_key, plain
from sim.viz.events import latest_html
from sim.viz.figures import all_svg

#: The environment variable naming the scenario file the dashboard starts from.
SCENARIO_ENV = "SIM_VIZ_SCENARIO"
#: Milliseconds between months when playing (after the last month is on screen).
PLAY_INTERVAL_MS = 300

CSS = """
.sim-page { height: 100vh; overflow: hidden; padding: 0 !important; font-size: 15px; }
.sim-bar { display: flex; align-items: center; gap: 10px; padding: 6px 12px;
  background: #263238; color: #fff; height: 48px; }
.sim-title { font-weight: bold; font-size: 16px; flex: 1; overflow: hidden;
  white-space: nowrap; text-overflow: ellipsis; }
.sim-month { font-size: 20px; font-weight: bold; min-width: 190px; text-align: right; }
.sim-busy { font-size: 13px; color: #ccc; width: 60px; }
.sim-body { height: calc(100vh - 48px); flex-wrap: nowrap !important; margin: 0 !important; }
.sim-knobs { width: 280px; min-width: 280px; overflow-y: auto; padding: 10px 10px !important;
  border-right: 1px solid #ddd; }
.sim-knobs .v-input { margin-top: 2px !important; padding-top: 2px !important; }
.sim-knobs .v-input__slot { margin-bottom: 0 !important; }
.sim-knobs .v-label { font-size: 14px !important; color: #222 !important; }
.sim-knobs .v-input__slider .v-input__slot { flex-wrap: wrap; }
.sim-knobs .v-input__slider .v-label { width: 100%; max-width: 100%; margin: 0 !important; }
.sim-charts { width: 470px; min-width: 420px; padding: 4px !important; gap: 4px; }
.sim-events { flex: 1; overflow-y: auto; overflow-anchor: none; padding: 4px 12px !important;
  font-size: 15px; }
.sim-events h3 { font-size: 16px; margin: 8px 0 2px 0; }
.sim-events ul { padding-left: 10px; margin: 0; list-style: none; }
.sim-events ul ul { padding-left: 16px; list-style: disc; font-size: 14px; color: #333; }
.sim-events li { margin: 3px 0; }
.sim-design { font-size: 13px; color: #333; }
.sim-error { color: #B00020; font-weight: bold; }
"""


class DashboardVenture(state.Tracked):
    """A venture built from knob values, recording a monthly series for the charts.

    Args:
        base: the scenario the dashboard started from.
        seed: the replication seed (text from the seed box, or an integer).
        **kwargs: knob values (see :func:`sim.viz.design.knobs`).
    """

    def __init__(self, base: Scenario, seed: str | int = 1, **kwargs):
        text = str(seed).strip()
        if not text.isdigit() or int(text) >= 2**63:
            raise ValueError(f"the seed must be a whole number from 0 to 2^63-1, got '{seed}'")
        super().__init__(apply_knobs(base, **kwargs), int(text))


def design_html(model: state.Tracked) -> str:
    """The design the model runs now (it changes on Reset), in one line."""
    g = model.scenario.governance
    rule = plain(g.reserved.rule)
    if g.reserved.threshold is not None:
        rule += f" ({g.reserved.threshold:.0%})"
    return escape(
        f"Running now (seed {model.seed}): board matters by {rule.lower()}; proposer: "
        f"{plain(g.proposer).lower()}; board every {g.board.cadence_months} months; "
        f"deadlock clause: {plain(g.deadlock.clause).lower()}; lock-up "
        f"{g.lock_up_months} months."
    )


def _value_text(spec: dict, value: Any) -> str:
    if spec["type"] == "SliderInt":
        return str(int(value))
    return f"{float(value):.3g}"


@solara.component
def Knob(name: str, spec: dict, values: solara.Reactive[dict]):
    """One design knob, its current value in its label (readable from the back row)."""
    value = values.value.get(name, spec["value"])

    def set_value(new: Any) -> None:
        values.set({**values.value, name: new})

    if spec["type"] == "Select":
        v.Select(
            label=spec["label"],
            items=[{"text": plain(c), "value": c} for c in spec["values"]],
            v_model=value,
            on_v_model=set_value,
            dense=True,
            hide_details=True,
        )
    elif spec["type"] == "InputText":
        solara.InputText(
            spec["label"], value=str(value), on_value=set_value, continuous_update=True
        )
    else:
        slider = solara.SliderInt if spec["type"] == "SliderInt" else solara.SliderFloat
        slider(
            f"{spec['label']}: {_value_text(spec, value)}",
            value=value,
            min=spec["min"],
            max=spec["max"],
            step=spec["step"],
            on_value=set_value,
            thumb_label=False,
        )


@solara.component
def Knobs(base: Scenario, values: solara.Reactive[dict]):
    """The design's knobs, then each partner's behaviour (folded: the projector is small)."""
    specs = knobs(base)
    partners = [partner_key(p.name, k[0]) for p in base.partners for k in PARTNER_KNOBS]
    with solara.Column(classes=["sim-knobs"]):
        for name, spec in specs.items():
            if name not in partners:
                Knob(name, spec, values)
        with solara.Details("Partners' behaviour", expand=False):
            for name in partners:
                Knob(name, specs[name], values)
        solara.Text("Change a knob, then press Reset.", style={"color": "#555"})


@solara.component_vue(str(Path(__file__).with_name("controls.vue")))
def Controls(
    title: str,
    month: int,
    horizon: int,
    running: bool,
    version: int,
    interval: int,
    event_step: Callable[[Any], None],
    event_reset: Callable[[Any], None],
):
    """The bar: title, Step / Play / Reset and the current month (see ``controls.vue``)."""


def base_scenario() -> Scenario:
    """The scenario named by ``SIM_VIZ_SCENARIO`` (default: the equal-stakes case)."""
    return load_scenario(os.environ.get(SCENARIO_ENV, "scenarios/equal_stakes.yaml")).scenario


def first_model(base: Scenario) -> DashboardVenture:
    """The model the dashboard opens with: the scenario as written, seed 1."""
    return DashboardVenture(base, **{k: c["value"] for k, c in knobs(base).items()})


@dataclass
class Screen:
    """What one browser session shows: its model and the last Reset's error, if any."""

    model: DashboardVenture
    error: str = ""


@solara.component
def Dashboard(base: Scenario):
    """The whole screen for one browser session: bar, knobs, charts, events."""
    values = solara.use_reactive({k: c["value"] for k, c in knobs(base).items()})
    screen = solara.use_memo(lambda: Screen(first_model(base)), [])
    version, set_version = solara.use_state(0)
    model = screen.model

    def step(_=None) -> None:
        if screen.model.running:
            screen.model.step()
        set_version(lambda n: n + 1)

    def reset(_=None) -> None:
        try:
            new = DashboardVenture(base, **values.value)
        except (ValueError, InputError) as e:
            screen.error = str(e).splitlines()[0]
        else:
            state.release(screen.model)
            screen.model, screen.error = new, ""
        set_version(lambda n: n + 1)

    solara.Style(CSS)
    with solara.Column(classes=["sim-page"], gap="0px"):
        Controls(
            title=f"consortium-sim · {base.name}",
            month=model.month,
            horizon=model.scenario.horizon_months,
            running=bool(model.running),
            version=version,
            interval=PLAY_INTERVAL_MS,
            event_step=step,
            event_reset=reset,
        )
        with solara.Row(classes=["sim-body"], gap="0px"):
            Knobs(base, values)
            with solara.Column(classes=["sim-charts"]):
                for chart in all_svg(model, model.series, 470, 178):
                    solara.HTML(tag="div", unsafe_innerHTML=chart)
            with solara.Column(classes=["sim-events"]):
                if screen.error:
                    solara.HTML(
                        tag="p", unsafe_innerHTML=escape(screen.error), classes=["sim-error"]
                    )
                solara.HTML(tag="p", unsafe_innerHTML=design_html(model), classes=["sim-design"])
                solara.HTML(tag="div", unsafe_innerHTML=latest_html(model))


@solara.component
def Page():
    """The page Solara serves: one dashboard (and one model) per browser session."""
    base = solara.use_memo(base_scenario, [])
    Dashboard(base)
