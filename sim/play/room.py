"""The live room: who joined as which partner, the month's open decisions, the timer, the views.

A :class:`Room` wraps a :class:`~sim.play.session.Record` with what only the live session
needs (join code, tokens, when each decision was opened) and answers the two screens: the
teacher's (:meth:`Room.teacher_view`) and a participant's (:meth:`Room.player_view`). The
clock is passed in, so tests drive the timer by hand. Not thread-safe by itself: the server
holds a lock around every call.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from sim.play import history
from sim.play.session import Decision, Move, Record, open_decisions, probe, replay
from sim.scenario.schema import Scenario
from sim.viz import state
from sim.viz.events import latest_html
from sim.viz.figures import all_svg


class RoomError(ValueError):
    """A request the room refuses (bad code, partner taken, decision not open...)."""


class Room:
    """One room session of a scenario.

    Args:
        scenario: the scenario played.
        seed: the replication seed (fixes the agents' and the world's dice).
        timer_s: seconds people have for the month's decisions before the agents' choices
            are taken (0: no timer).
        clock: returns the time in seconds (``time.monotonic``).
        simulations: agent-only runs the room's history is set beside at the end.
    """

    def __init__(
        self,
        scenario: Scenario,
        seed: int,
        timer_s: float,
        clock: Callable[[], float],
        simulations: int = 200,
    ):
        self.scenario = scenario
        self.record = Record(scenario.model_dump(mode="json", exclude_none=True), seed, {})
        self.timer_s = timer_s
        self.clock = clock
        self.simulations = simulations
        self.code = f"{secrets.randbelow(10**4):04d}"
        self.teacher_key = secrets.token_urlsafe(12)
        self.tokens: dict[str, str] = {}  # player token -> partner
        self.started = False
        self.over = False
        self.open: list[Decision] = []
        self.opened_at: dict[str, float] = {}
        self.month = 0  # the month in progress (0 before the start)
        self.shown = replay(self.record, 0, scenario)  # the venture after the last completed month
        self._comparison: dict[str, Any] | None = None
        self._told: dict[str, Any] | None = None
        #: The participants' link as printed (None: the teacher's page uses its own address).
        self.join_url: str | None = None

    # -- joining ---------------------------------------------------------------------------
    def free_partners(self) -> list[str]:
        """The partners nobody has taken yet."""
        return [p for p in state.partner_names(self.scenario) if p not in self.record.players]

    def join(self, code: str, partner: str, person: str) -> str:
        """Take a partner; returns the player's token (the rest stay agents)."""
        if code.strip() != self.code:
            raise RoomError("wrong join code")
        if self.started:
            raise RoomError("the session has started: ask the teacher for the next one")
        if partner not in self.free_partners():
            raise RoomError(f"{partner} is not free")
        token = secrets.token_urlsafe(12)
        self.tokens[token] = partner
        self.record.players[partner] = person.strip()[:40] or partner
        return token

    def start(self) -> None:
        """Start the venture: the first month's decisions open."""
        self.started = True
        self._refresh()

    # -- the month -------------------------------------------------------------------------
    def _refresh(self) -> None:
        venture, pending = probe(self.record, self.scenario)
        self.open = open_decisions(pending)
        now = self.clock()
        for d in self.open:
            self.opened_at.setdefault(d.key, now)
        if self.open:
            self.month = self.open[0].month
            completed = self.month - 1
        else:
            self.over, self.month, completed = True, venture.month, venture.month
        state.release(venture)
        if completed != self.shown.month:
            state.release(self.shown)
            self.shown = replay(self.record, completed, self.scenario)
            self._told = None

    def answer(self, token: str, key: str, answer: dict[str, Any], by: str = "person") -> None:
        """Record a person's answer to one of their open decisions, then move on."""
        partner = self.tokens.get(token)
        decision = next((d for d in self.open if d.key == key), None)
        if decision is None or decision.partner != partner:
            raise RoomError("that decision is not open for you (the month may have moved on)")
        self._record(decision, _checked(decision, answer), by)
        self._refresh()

    def _record(self, decision: Decision, answer: dict[str, Any], by: str) -> None:
        self.record.moves.append(
            Move(decision.key, decision.month, decision.kind, decision.partner, answer, by)
        )

    def tick(self) -> None:
        """Take the agents' choices for decisions whose time is up."""
        if not self.timer_s or not self.open:
            return
        if self.clock() - min(self.opened_at[d.key] for d in self.open) >= self.timer_s:
            self.take_defaults("timer")

    def take_defaults(self, by: str = "teacher") -> None:
        """The agents decide every open decision of the month (teacher's "next month")."""
        month = self.month
        while self.open and self.month == month:
            for d in self.open:
                self._record(d, d.default, by)
            self._refresh()

    def seconds_left(self) -> float | None:
        """Seconds until the timer takes the agents' choices (None: no timer or nothing open)."""
        if not self.timer_s or not self.open:
            return None
        opened = min(self.opened_at[d.key] for d in self.open)
        return max(0.0, self.timer_s - (self.clock() - opened))

    # -- the screens -------------------------------------------------------------------------
    def comparison(self) -> dict[str, Any]:
        """The room's history beside agent-only runs (computed once, at the end)."""
        if self._comparison is None:
            self._comparison = history.compare(
                self.scenario, self.record.seed, state.outcome(self.shown), self.simulations
            )
        return self._comparison

    def told(self) -> dict[str, Any]:
        """The shown month's story, tally and charts (told once per completed month)."""
        if self._told is None:
            v = self.shown
            self._told = {
                "story": latest_html(v, months=2) if v.month else "",
                "last": latest_html(v, months=1) if v.month else "",
                "tally": state.tally(v, v.month),
                "charts": all_svg(v, v.series, 560, 200),
            }
        return self._told

    def teacher_view(self) -> dict[str, Any]:
        """What the teacher's screen shows: month, who has still to act, story, charts."""
        v = self.shown
        waiting = sorted({d.partner for d in self.open})
        acted = [p for p in self.record.players if p not in waiting]
        view: dict[str, Any] = {
            "name": self.scenario.name,
            "code": self.code,
            "join_url": self.join_url,
            "started": self.started,
            "over": self.over,
            "month": self.month,
            "completed": v.month,
            "horizon": self.scenario.horizon_months,
            "players": dict(self.record.players),
            "free": self.free_partners(),
            "waiting": waiting,
            "acted": acted,
            "asking": _headline(self.open),
            "tally": self.told()["tally"],
            "seconds_left": self.seconds_left(),
            "story": self.told()["story"],
            "charts": self.told()["charts"],
        }
        if self.over:
            view["comparison"] = self.comparison()
        return view

    def player_view(self, token: str) -> dict[str, Any]:
        """What a participant sees: their partner, priorities, standing and open decisions."""
        partner = self.tokens.get(token)
        if partner is None:
            raise RoomError("unknown player: join again")
        v = self.shown
        p = next(h for h in v.holders if h.name == partner)
        mine = [d for d in self.open if d.partner == partner]
        return {
            "name": self.scenario.name,
            "partner": partner,
            "person": self.record.players[partner],
            "started": self.started,
            "over": self.over,
            "month": self.month,
            "horizon": self.scenario.horizon_months,
            "currency": self.scenario.currency,
            "priorities": state.priorities(v, p),
            "standing": state.standing(v, p),
            "decisions": [
                {"key": d.key, "kind": d.kind, "default": d.default, "context": d.context}
                for d in mine
            ],
            "waiting_for": sorted({d.partner for d in self.open} - {partner}),
            "seconds_left": self.seconds_left(),
            "story": self.told()["last"],
            "comparison": self.comparison() if self.over else None,
        }


def _headline(open_now: list[Decision]) -> str:
    """What the room is deciding now, in a few words."""
    if not open_now:
        return ""
    d = open_now[0]
    if d.kind == "month":
        return "end of the month: fund outside? leave?"
    issue = d.context["issue"]
    name = f"#{issue['uid']} {issue['title']}"
    if d.kind == "propose":
        return f"{d.partner} chairs and proposes on {name}"
    return f"the vote on {d.context['proposal']['proposer']}'s proposal on {name}"


def _checked(decision: Decision, answer: dict[str, Any]) -> dict[str, Any]:
    """An answer in the decision's shape, or RoomError."""
    try:
        if decision.kind == "propose":
            share = float(answer["share"])
            if not 0.0 <= share <= 1.0:
                raise RoomError("a proposal's share of the way must be in [0, 1]")
            return {"share": share}
        if decision.kind == "vote":
            return {"yes": bool(answer["yes"])}
        fund = answer.get("fund")
        uids = [c["uid"] for c in decision.context.get("candidates", []) if c["affordable"]]
        if fund is not None and int(fund) not in uids:
            raise RoomError("that issue cannot be funded outside now")
        leave = bool(answer.get("exit")) and bool(decision.context.get("may_exit"))
        return {"fund": None if fund is None else int(fund), "exit": leave}
    except (KeyError, TypeError, ValueError) as e:
        if isinstance(e, RoomError):
            raise
        raise RoomError(f"a malformed answer: {answer!r}") from e
