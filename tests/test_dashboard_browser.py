"""The dashboard in a real browser, as a room sees it: ``sim viz`` on a 1280x720 projector.

Starts ``sim viz`` as a real child process on a free port and drives Debian's Chromium
through Playwright over a whole session (load, 20 steps, a rapid burst of clicks, play and
pause, a control change, reset). Checks that everything a teacher needs is on one screen
without scrolling, that Mesa's developer controls are gone, that no request leaves
127.0.0.1 at any point (the room may have no internet) and that the server's terminal shows
no errors. With ``SIM_SCREENSHOT=1`` it saves the dashboard to ``docs/img/dashboard.png``.
Skipped (with the reason) when Playwright, Chromium or the viz extra is absent.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from browser import ARGS, CHROMIUM, ROOT, OffHost, Server, wait_for

pytest.importorskip("solara", reason="the dashboard needs the viz extra (solara)")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()):
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)

pytestmark = pytest.mark.browser
WIDTH, HEIGHT = 1280, 720


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    """A served dashboard, a 1280x720 page on it, and the off-host request watcher."""
    server = Server(["viz", "scenarios/equal_stakes.yaml"], tmp_path_factory.mktemp("viz"))
    try:
        with sync_api.sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
            watch = OffHost()
            watch.attach(context)
            page = context.new_page()
            page.goto(server.url + "/")
            page.get_by_role("button", name="Step").wait_for(timeout=90_000)
            page.get_by_text("Nothing has happened yet").wait_for(timeout=60_000)
            yield page, watch, server
            browser.close()
    finally:
        server.stop()
    # Whatever ran on this page (all of this module, or the share a pytest-xdist worker
    # got), nothing may have left this machine and the terminal must be clean.
    assert watch.requests == [] and watch.failed == [], (watch.requests, watch.failed)
    assert not re.search(r"error|traceback|exception|warning", server.stderr(), re.I)


def _month(page) -> int:
    found = re.search(r"Month (\d+) of \d+", page.inner_text(".sim-bar"))
    assert found, page.inner_text(".sim-bar")
    return int(found.group(1))


def _step(page, times: int) -> None:
    for _ in range(times):
        month = _month(page)
        button = page.get_by_role("button", name="Step")
        wait_for(button.is_enabled, "Step to be enabled")
        button.click()
        wait_for(lambda m=month: _month(page) == m + 1, f"month {month + 1}")
        wait_for(
            lambda m=month: f"Month {m + 1}" in page.inner_text(".sim-events"),
            f"month {month + 1}'s events",
        )


def _inside(page, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + 20 <= HEIGHT and box["x"] < WIDTH


def test_one_screen_at_1280x720_with_only_the_designs_knobs(session):
    page, _, _ = session
    body = page.inner_text("body")
    for gone in ("Play Interval", "Render Interval", "Use Threads", "PAGE 0", "Page 0"):
        assert gone not in body
    for label in ("Voting rule (board matters)", "Unanimity", "Rotating chair", "Deadlock clause"):
        assert label in body
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", body), "plain words, no identifiers"
    assert "Lock-up (months): 36" in body and "Board meets every (months): 3" in body
    assert "Month 0 of 120" in body
    assert page.locator("svg[role=img]").count() == 3
    scroll = page.evaluate("[document.documentElement.scrollHeight, document.body.scrollWidth]")
    assert scroll[0] <= HEIGHT and scroll[1] <= WIDTH, "the page must not scroll"
    for selector in (".sim-bar", ".sim-knobs", ".sim-events", "svg[role=img] >> nth=2"):
        assert _inside(page, selector), f"{selector} is off screen"


def test_steps_show_the_month_charts_and_events(session):
    page, _, _ = session
    charts = page.locator("svg[role=img]").evaluate_all("els => els.map(e => e.outerHTML)")
    _step(page, 1)
    assert "Month 1" in page.inner_text(".sim-events")
    after = page.locator("svg[role=img]").evaluate_all("els => els.map(e => e.outerHTML)")
    assert all(a != b for a, b in zip(charts, after, strict=True))
    assert "leader threshold" in after[0]
    _step(page, 19)
    assert _month(page) == 20
    top = page.locator(".sim-events h3").first
    assert _inside(page, ".sim-events h3"), (top.bounding_box(), top.inner_text())


def test_clicks_do_not_pile_up(session):
    page, _, _ = session
    month = _month(page)
    page.get_by_role("button", name="Step").evaluate(
        "b => { for (let i = 0; i < 6; i++) b.click() }"
    )
    wait_for(lambda: _month(page) == month + 1, "one month")
    page.wait_for_timeout(1000)
    assert _month(page) == month + 1, "six clicks during a step must run one month"


def test_play_then_pause(session):
    page, _, _ = session
    month = _month(page)
    page.get_by_role("button", name="Play").click()
    wait_for(lambda: _month(page) >= month + 3, "three months of play")
    page.get_by_role("button", name="Pause").click()
    page.wait_for_timeout(800)
    paused = _month(page)
    page.wait_for_timeout(1000)
    assert _month(page) == paused


def test_change_a_control_and_reset(session):
    page, _, _ = session
    page.locator(".v-select", has_text="Voting rule (board matters)").click()
    page.get_by_role("option", name="Simple majority").click()
    page.get_by_role("button", name="Reset").click()
    wait_for(lambda: "board matters by simple majority" in page.inner_text("body"), "the reset")
    assert _month(page) == 0
    _step(page, 24)
    assert "Month 24" in page.inner_text(".sim-events")
    if os.environ.get("SIM_SCREENSHOT") == "1":
        page.mouse.move(WIDTH / 2, HEIGHT - 5)  # no hover or focus highlight on the picture
        page.evaluate("document.activeElement && document.activeElement.blur()")
        (ROOT / "docs" / "img").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ROOT / "docs" / "img" / "dashboard.png"))


def test_nothing_left_this_machine_and_the_terminal_is_clean(session):
    _, watch, server = session  # runs last: the whole session above is covered
    assert watch.requests == [], "requests left 127.0.0.1"
    assert watch.failed == [], "requests failed"
    errors = server.stderr()
    for bad in ("Could not load URL", "Error", "Traceback", "Exception", "Warning"):
        assert bad not in errors, errors
