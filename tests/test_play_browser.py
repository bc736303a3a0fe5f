"""A room session played to the end in real browsers: ``sim play`` and several contexts.

A teacher's screen and two participants (each its own browser context, as on separate
laptops) play a four-month venture: the participants join with the code, take Sony and
NEC, the teacher starts, Sony votes no on everything and announces its exit, NEC says yes
and proposes; the months advance when both have acted. At the end both screens set the
room's venture beside simulated ones, the saved record replays to the same outcome, no
request left 127.0.0.1 and the server's terminal shows no errors.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import pytest
from browser import ARGS, CHROMIUM, OffHost, Server, wait_for
from small import EQUAL, small

from sim.play.session import Record, replay
from sim.viz import state

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytest.importorskip("starlette", reason="sim play needs the viz extra (starlette, uvicorn)")
if not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()):
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)

pytestmark = pytest.mark.browser


def _links(server: Server) -> tuple[str, str]:
    wait_for(lambda: "join?code=" in server.stdout(), "the links on the terminal")
    out = server.stdout()
    teacher = re.search(r"(http://\S+/room\?key=\S+)", out).group(1)
    join = re.search(r"(http://\S+/join\?code=\d+)", out).group(1)
    return teacher, join


def _act(page, partner: str) -> bool:
    """Answer this participant's first open decision, if any; True when it acted."""
    button = page.locator("main button[data-key]").first
    if not button.count() or not button.is_enabled():
        return False
    key = button.get_attribute("data-key")
    if button.get_attribute("data-yes") is not None:
        page.locator(
            f'button[data-key="{key}"][data-yes="{0 if partner == "Sony" else 1}"]'
        ).click()
    elif button.get_attribute("data-month") is not None:
        leave = page.locator("#exit")
        if partner == "Sony" and leave.count():
            leave.check()
        button.click()
    else:
        button.click()  # a proposal: the first option (the advisers' pick)
    wait_for(lambda: page.locator(f'[data-key="{key}"]').count() == 0, f"{partner}'s {key}")
    return True


def test_a_room_plays_a_venture_to_the_end(tmp_path):
    start = time.monotonic()
    scenario = small(EQUAL, tmp_path, "room", horizon_months=4, agenda__events=[])
    record = tmp_path / "room.json"
    args = ["play", str(scenario.path), "--timer", "0", "--runs", "30", "--record", str(record)]
    server = Server(args, tmp_path, ready_path="/join")
    watch = OffHost()
    try:
        teacher_url, join_url = _links(server)
        with sync_api.sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            pages = {}
            for role in ("teacher", "Sony", "NEC"):
                context = browser.new_context(viewport={"width": 1280, "height": 720})
                watch.attach(context)
                pages[role] = context.new_page()
            teacher = pages.pop("teacher")
            teacher.goto(teacher_url)
            teacher.get_by_text("Join this session").wait_for()
            for partner, page in pages.items():
                page.goto(join_url)
                page.fill("#person", f"{partner} player")
                page.get_by_role("button", name=f"Play {partner}").click()
                page.get_by_text("Waiting for the teacher").wait_for()
            wait_for(lambda: "NEC player" in teacher.inner_text("main"), "the lobby to fill")
            teacher.get_by_role("button", name="Start the venture").click()
            teacher.get_by_text("Month 1 of 4").wait_for()

            deadline = time.monotonic() + 120
            while "The end" not in teacher.inner_text("header"):
                acted = [_act(page, partner) for partner, page in pages.items()]
                if not any(acted):
                    teacher.wait_for_timeout(200)
                assert time.monotonic() < deadline, "the session did not end"
            teacher.get_by_text("Your venture").wait_for()
            sentence = teacher.locator(".sentence").inner_text()
            for page in pages.values():
                page.get_by_text(sentence).wait_for()
            browser.close()
    finally:
        server.stop()

    wait_for(record.exists, "the record to be saved")
    saved = Record.from_json(record.read_text(encoding="utf-8"))
    assert saved.players == {"Sony": "Sony player", "NEC": "NEC player"}
    assert {m.partner for m in saved.moves if m.by == "person"} == {"Sony", "NEC"}
    venture = replay(saved)
    outcome = state.outcome(venture)
    if outcome["fracture"]:
        assert f"fractured in month {outcome['fracture']['month']}" in sentence
    else:
        assert f"held together for {outcome['months']} months" in sentence
    sony = [
        v.yes
        for e in venture.log.events
        if e.kind == "meeting" and e.data["proposal"].proposer != "Sony"
        for v in e.data["votes"]
        if v.voter == "Sony"
    ]
    assert sony and not any(sony), "Sony's no votes reached the model"
    assert any(
        e.kind == "exit_announced" and e.data["partner"] == "Sony" for e in venture.log.events
    )

    assert watch.requests == [] and watch.failed == []
    errors = server.stderr()
    assert not re.search(r"error|traceback|exception|warning", errors, re.I), errors
    print(f"room session in the browser: {time.monotonic() - start:.1f} s")
