"""Room sessions without a browser: people's moves, the timer, and replay from the record.

A session's history must be a function of (scenario, seed, recorded moves): a record
saved as JSON and replayed gives the same venture month by month; a session in which
every decision fell to the timer is the agent-only run; and a person's different move
changes the history (the moves really reach the model).
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from small import EQUAL, small

from sim.model.venture import Venture
from sim.play.room import Room, RoomError
from sim.play.session import Decision, Record, open_decisions, replay
from sim.reports.teller import tell


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """Equal stakes over 8 months, no lock-up, SoftBank restless (tests/small.py)."""
    folder = tmp_path_factory.mktemp("room")
    return small(EQUAL, folder, "room", horizon_months=8, agenda__events=[])


@pytest.fixture(scope="module")
def scenario(loaded):
    return loaded.scenario


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def _story(venture: Venture) -> list[str]:
    return [f"{m.month}: {line.text}" for m in tell(venture) for line in m.lines]


def _play(room: Room, tokens: dict[str, str], choose) -> None:
    """Answer every open decision with ``choose(partner, decision)`` until the end."""
    room.start()
    while not room.over:
        for partner, token in tokens.items():
            for d in room.player_view(token)["decisions"]:
                room.answer(token, d["key"], choose(partner, d))


def _stubborn(partner, d):
    """Sony votes no on everything and leaves in month 5; NEC proposes its ideal point."""
    if d["kind"] == "vote":
        return {"yes": partner != "Sony"}
    if d["kind"] == "propose":
        return {"share": 1.0}
    return {"fund": None, "exit": partner == "Sony" and d["context"].get("may_exit")}


def _room(scenario, seed=7, timer=0.0, clock=None):
    room = Room(scenario, seed, timer, clock or Clock(), simulations=20)
    tokens = {p: room.join(room.code, p, f"player {p}") for p in ("Sony", "NEC")}
    return room, tokens


def test_a_recorded_session_replays_to_the_same_history(scenario):
    room, tokens = _room(scenario)
    _play(room, tokens, _stubborn)
    assert room.record.moves and all(m.by == "person" for m in room.record.moves)
    assert {m.kind for m in room.record.moves} >= {"vote", "month"}

    again = replay(Record.from_json(room.record.to_json()))
    assert _story(again) == _story(room.shown)
    assert again.final_state == room.shown.final_state
    assert np.array_equal(again.influence_history, room.shown.influence_history, equal_nan=True)
    assert again.decisions == room.shown.decisions


def test_people_moves_reach_the_model(scenario):
    room, tokens = _room(scenario)
    _play(room, tokens, _stubborn)
    agents = Venture(scenario, 7, record_events=True).run()
    assert room.shown.fracture is not None and room.shown.fracture[1] == "Sony"
    assert _story(room.shown) != _story(agents)
    no = [
        e.data["votes"]
        for e in room.shown.log.events
        if e.kind == "meeting" and e.data["proposal"].proposer != "Sony"
    ]
    assert no and all(not v.yes for votes in no for v in votes if v.voter == "Sony")


def test_when_the_timer_decides_everything_the_agents_history_is_told(scenario):
    clock = Clock()
    room, _ = _room(scenario, seed=11, timer=30, clock=clock)
    room.start()
    while not room.over:
        clock.now += 31
        room.tick()
    assert room.record.moves and all(m.by == "timer" for m in room.record.moves)
    agents = Venture(scenario, 11, record_events=True).run()
    assert _story(room.shown) == _story(agents)
    assert np.array_equal(room.shown.influence_history, agents.influence_history, equal_nan=True)


def test_the_timer_waits_for_people_until_it_runs_out(scenario):
    clock = Clock()
    room, tokens = _room(scenario, timer=60, clock=clock)
    room.start()
    first = room.month
    clock.now += 59
    room.tick()
    assert room.month == first and room.seconds_left() == pytest.approx(1)
    clock.now += 1
    room.tick()
    assert room.record.moves and room.record.moves[-1].by == "timer"


def test_the_teacher_moves_the_month_on(scenario):
    room, tokens = _room(scenario)
    room.start()
    month = room.month
    room.take_defaults()
    assert room.month > month or room.over
    assert {m.by for m in room.record.moves} == {"teacher"}


def test_joining_needs_the_code_and_a_free_partner(scenario):
    room = Room(scenario, 1, 0, Clock(), simulations=5)
    with pytest.raises(RoomError, match="code"):
        room.join("0000" if room.code != "0000" else "1111", "Sony", "x")
    room.join(room.code, "Sony", "Ann")
    with pytest.raises(RoomError, match="not free"):
        room.join(room.code, "Sony", "Bo")
    assert room.free_partners() == ["SoftBank", "Honda", "NEC"]
    room.start()
    with pytest.raises(RoomError, match="started"):
        room.join(room.code, "NEC", "Cy")


def test_a_person_can_only_answer_their_own_open_decisions(scenario):
    room, tokens = _room(scenario)
    room.start()
    d = room.open[0]
    other = tokens["NEC" if d.partner == "Sony" else "Sony"]
    with pytest.raises(RoomError, match="not open for you"):
        room.answer(other, d.key, d.default)
    bad = {"propose": {"share": 3}, "vote": {}, "month": {"fund": 999}}[d.kind]
    with pytest.raises(RoomError, match="malformed|cannot be funded|share"):
        room.answer(tokens[d.partner], d.key, bad)


def test_votes_on_one_proposal_are_asked_together_a_proposal_alone():
    def dec(key):
        month, kind, partner, issue, _ = key.split(":")
        return Decision(key, int(month), kind, partner, None, {})

    votes = [dec("3:vote:Sony:4:0"), dec("3:vote:NEC:4:0"), dec("3:vote:Sony:5:0")]
    assert open_decisions(votes) == votes[:2]
    chair = [dec("3:propose:NEC:5:0"), dec("3:vote:Sony:5:0")]
    assert open_decisions(chair) == chair[:1]
    month = [dec("3:month:Sony:-:0"), dec("3:month:NEC:-:0")]
    assert open_decisions(month) == month


def test_the_end_sets_the_room_beside_simulated_ventures(scenario):
    room, tokens = _room(scenario)
    _play(room, tokens, _stubborn)
    c = room.teacher_view()["comparison"]
    assert c["runs"] == 20 and 0 <= c["fractured"] <= 1
    assert c["sentence"].startswith(
        f"Your venture fractured in month {c['room']['fracture']['month']}"
    )
    assert "simulated ventures fractured" in c["sentence"] and "<svg" in c["chart"]


def test_sim_trace_tells_the_rooms_history_from_its_record(loaded, tmp_path):
    room, tokens = _room(loaded.scenario)
    _play(room, tokens, _stubborn)
    record = tmp_path / "room.json"
    record.write_text(room.record.to_json(), encoding="utf-8")
    cli = [sys.executable, "-c", "from sim.cli.app import main; main()", "trace"]
    told = subprocess.run(
        [*cli, str(loaded.path), "--moves", str(record), "--format", "md"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert told.returncode == 0, told.stderr
    assert "Sony announces it will leave" in told.stdout
    assert "the people playing it chose to" in told.stdout
    other = subprocess.run(
        [*cli, str(EQUAL), "--moves", str(record)], capture_output=True, text=True, timeout=120
    )
    assert other.returncode == 2 and "another scenario" in other.stderr
