"""The workshop dashboard: Mesa's ``SolaraViz`` over a venture, served by ``sim viz``.

Controls for the design and for each partner (:mod:`sim.viz.design`), Mesa's step / play
/ reset, three live charts (influence shares; satisfaction against outside option per
partner; open issues and decision latency) and the month's events in words (the same
sentences as ``sim trace``). Changing a control and pressing Reset runs the new design.

Run it with ``sim viz SCENARIO`` (which sets ``SIM_VIZ_SCENARIO`` and starts
``solara run sim/viz/app.py``). Solara renders the module's ``Page`` component once per
browser session, so each session gets its own model.
"""

from __future__ import annotations

import math
import os

import matplotlib
import solara
from matplotlib.figure import Figure
from mesa.visualization import SolaraViz

from sim.model.influence import leader_threshold
from sim.model.venture import Venture
from sim.reports.document import md_escape
from sim.reports.teller import tell
from sim.scenario.loader import load_scenario
from sim.scenario.schema import Scenario
from sim.viz.design import apply_knobs, knobs

#: The environment variable naming the scenario file the dashboard starts from.
SCENARIO_ENV = "SIM_VIZ_SCENARIO"
#: Chart size (inches); the dashboard's grid scales the image to its cell.
FIGSIZE = (6.0, 3.4)


class DashboardVenture(Venture):
    """A venture built from knob values, recording a monthly series for the charts.

    Args:
        base: the scenario the dashboard started from.
        seed: the replication seed (text from the seed box, or an integer).
        **kwargs: knob values (see :func:`sim.viz.design.knobs`).

    Attributes:
        series: one dict per month run: month, influence share and satisfaction per
            holder, outside option per partner, open issues, mean latency so far (months).
    """

    # Mesa's SolaraViz accepts extra keyword parameters only under the name ``kwargs``.
    def __init__(self, base: Scenario, seed: str | int = 1, **kwargs):
        text = str(seed).strip()
        if not text.isdigit() or int(text) >= 2**63:
            raise ValueError(f"the seed must be a whole number from 0 to 2^63-1, got '{seed}'")
        super().__init__(apply_knobs(base, **kwargs), int(text), record_events=True)
        self.series: list[dict] = []

    def step(self) -> None:
        """Run a month, then record what the charts show."""
        super().step()
        m = self.month
        latencies = [lat for _, lat, _ in self.decisions]
        self.series.append(
            {
                "month": m,
                "influence": {
                    h.name: float(self.influence_history[m - 1, h.order]) for h in self.holders
                },
                "satisfaction": {
                    p.name: (p.satisfaction if p.active else math.nan) for p in self.holders
                },
                "outside_option": {p.name: p.outside_option for p in self.holders},
                "open_issues": len(self.open_issues),
                "latency": sum(latencies) / len(latencies) if latencies else math.nan,
            }
        )


def _colours(model: DashboardVenture) -> dict[str, str]:
    return {h.name: f"C{h.order % 10}" for h in model.holders}


def _empty(ax, text: str = "Press Step or ▶ to run the venture") -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="0.4")
    ax.set_xticks([])
    ax.set_yticks([])


def _figure(title: str):
    # Names and event titles are the user's: a '$' in them is a dollar, not mathematics.
    matplotlib.rcParams["text.parse_math"] = False
    fig = Figure(figsize=FIGSIZE, layout="constrained")
    ax = fig.subplots()
    ax.set_title(title, fontsize=11, loc="left")
    return fig, ax


def InfluenceChart(model: DashboardVenture):
    """Influence share per holder by month, with the de facto leader threshold."""
    fig, ax = _figure("Influence share by partner (grey: leader threshold)")
    colours = _colours(model)
    if not model.series:
        _empty(ax)
    else:
        months = [row["month"] for row in model.series]
        for h in model.holders:
            ax.plot(
                months,
                [row["influence"][h.name] for row in model.series],
                color=colours[h.name],
                label=h.name,
            )
        spec = model.scenario.leader
        n = len(model.active_holders()) or 1
        ax.axhline(leader_threshold(spec.share or 0.0, spec.margin, n), color="0.6", linestyle=":")
        ax.set_ylim(0, max(0.6, max(max(r["influence"].values()) for r in model.series) + 0.05))
        ax.set_xlabel("month")
        ax.set_ylabel("share of influence")
        ax.legend(loc="upper left", fontsize=8, ncols=2)
    return solara.FigureMatplotlib(fig, format="png", dependencies=[len(model.series), id(model)])


def SatisfactionChart(model: DashboardVenture):
    """Each partner's satisfaction (solid) against its outside option (dashed)."""
    fig, ax = _figure("Satisfaction (solid) vs outside option (dashed)")
    colours = _colours(model)
    if not model.series:
        _empty(ax)
    else:
        months = [row["month"] for row in model.series]
        for p in model.seated() or model.holders:
            c = colours[p.name]
            ax.plot(
                months, [r["satisfaction"][p.name] for r in model.series], color=c, label=p.name
            )
            ax.plot(
                months,
                [r["outside_option"][p.name] for r in model.series],
                color=c,
                linestyle="--",
                linewidth=1,
            )
        ax.set_xlabel("month")
        ax.set_ylabel("value per month")
        top = max(v for r in model.series for v in r["satisfaction"].values() if v == v)
        ax.set_ylim(top=top + 0.15)  # room for the legend above the lines
        ax.legend(loc="upper right", fontsize=8, ncols=4, framealpha=0.8)
    return solara.FigureMatplotlib(fig, format="png", dependencies=[len(model.series), id(model)])


def AgendaChart(model: DashboardVenture):
    """Open issues (count) and the mean decision latency so far (months)."""
    fig, ax = _figure("Open issues and decision latency")
    if not model.series:
        _empty(ax)
    else:
        months = [row["month"] for row in model.series]
        ax.step(
            months,
            [r["open_issues"] for r in model.series],
            where="post",
            color="C3",
            label="open issues (count)",
        )
        ax.plot(
            months,
            [r["latency"] for r in model.series],
            color="C0",
            label="mean latency so far (months)",
        )
        ax.set_xlabel("month")
        ax.set_ylim(bottom=0)
        ax.legend(loc="upper left", fontsize=8)
    return solara.FigureMatplotlib(fig, format="png", dependencies=[len(model.series), id(model)])


def design_markdown(model: Venture) -> str:
    """The design the model runs now (it changes on Reset), in one paragraph."""
    g = model.scenario.governance
    rule = g.reserved.rule.replace("_", " ")
    if g.reserved.threshold is not None:
        rule += f" ({g.reserved.threshold:.0%})"
    partners = "; ".join(
        f"{md_escape(p.name)} {p.veto.tolerance:.3f} / {p.veto.concession:.3f} / "
        f"{p.outside_option:.2f}"
        for p in model.scenario.partners
    )
    return (
        f"**Design now** (seed {model.seed}): reserved matters by {rule}; proposer "
        f"{g.proposer.replace('_', ' ')}; board every {g.board.cadence_months} months; "
        f"deadlock clause {g.deadlock.clause.replace('_', ' ')}; lock-up {g.lock_up_months} "
        f"months. Tolerance / concession / outside option: {partners}."
    )


def events_markdown(model: Venture, months: int = 3) -> str:
    """The last ``months`` months' events, newest first, as Markdown (``sim trace``'s words)."""
    if model.month == 0:
        return "### Events\n\nNothing has happened yet: press **Step**."
    story = tell(model)
    shown = [m for m in story if m.month > model.month - months] or story[-1:]
    out = []
    if not model.running:
        out.append(f"**The run is over: the venture is {model.final_state}.**\n")
    if not shown or shown[-1].month != model.month:
        out.append(f"### Month {model.month}\n\nA quiet month: nothing new.")
    for m in reversed(shown):  # newest first: the month just run is on top
        out.append(f"### Month {m.month}" + (" · board meeting" if m.board else ""))
        for line in m.lines:
            out.append(f"- {md_escape(line.text)}")  # names and titles shown as written
            out += [f"    - {md_escape(d)}" for d in line.details]
    return "\n".join(out)


def EventsText(model: DashboardVenture):
    """The design being run, and the latest months' events in words."""
    return solara.Markdown(
        design_markdown(model) + "\n\n" + events_markdown(model),
        style={"max-height": "440px", "overflow-y": "auto", "font-size": "14px"},
    )


COMPONENTS = [InfluenceChart, SatisfactionChart, AgendaChart, EventsText]


def base_scenario() -> Scenario:
    """The scenario named by ``SIM_VIZ_SCENARIO`` (default: the equal-stakes case)."""
    return load_scenario(os.environ.get(SCENARIO_ENV, "scenarios/equal_stakes.yaml")).scenario


def first_model(base: Scenario) -> DashboardVenture:
    """The model the dashboard opens with: the scenario as written, seed 1."""
    return DashboardVenture(base, **{k: c["value"] for k, c in knobs(base).items()})


@solara.component
def Dashboard(base: Scenario, model: DashboardVenture):
    """Mesa's ``SolaraViz`` with the scenario's controls and our charts and events."""
    return SolaraViz(
        model,
        components=[(c, 0) for c in COMPONENTS],
        model_params={"base": base, **knobs(base)},
        name=f"consortium-sim · {base.name}",
        play_interval=300,
    )


@solara.component
def Page():
    """The page Solara serves: one dashboard (and one model) per browser session."""
    base = solara.use_memo(base_scenario, [])
    model = solara.use_memo(lambda: first_model(base), [])
    return Dashboard(base, model)
