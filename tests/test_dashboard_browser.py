"""The dashboard in a real browser: ``sim viz`` served, driven by headless Chromium.

Starts ``sim viz`` as a real child process on a free port, drives Debian's Chromium
through Playwright, changes a control, resets, steps the model and checks that the charts
and the event text change. With ``SIM_SCREENSHOT=1`` it saves the dashboard to
``docs/img/dashboard.png``. Skipped (with the reason) when Playwright, Chromium or the
viz extra is absent, so the core suite runs anywhere; CI installs them.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("SIM_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytest.importorskip("solara", reason="the dashboard needs the viz extra (solara)")
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
if not (shutil.which(CHROMIUM) or Path(CHROMIUM).exists()):
    pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    """``sim viz scenarios/equal_stakes.yaml`` on a free port, stopped afterwards."""
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from sim.cli.app import main; main()",
            "viz",
            "scenarios/equal_stakes.yaml",
            "--port",
            str(port),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stopping it stops solara too
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGTERM)
            pytest.fail(f"sim viz did not start:\n{proc.stdout.read().decode(errors='replace')}")
        time.sleep(0.5)
    yield url
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def page(server):
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        tab = browser.new_page(viewport={"width": 1500, "height": 1000})
        failed = []
        tab.on("requestfailed", lambda r: failed.append(r.url))
        tab.goto(server)
        tab.get_by_role("button", name="Step").wait_for(timeout=90_000)
        tab.get_by_text("Nothing has happened yet").wait_for(timeout=60_000)
        _wait_for(lambda: len(_charts(tab)) >= 3, "the charts to be drawn")
        tab.failed_requests = failed
        yield tab
        browser.close()


def _charts(tab) -> list[str]:
    return tab.locator("img").evaluate_all("els => els.map(e => e.src)")


def _wait_for(condition, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def _step(tab, times: int) -> None:
    for _ in range(times):
        before = tab.inner_text("body")
        tab.get_by_role("button", name="Step").click()
        _wait_for(lambda b=before: tab.inner_text("body") != b, "the page to update after Step")


def test_served_offline_with_controls_and_charts(page):
    assert page.failed_requests == [], "assets must be served locally (solara-assets)"
    body = page.inner_text("body")
    for label in (
        "Voting rule (reserved matters)",
        "Deadlock clause",
        "Lock-up (months)",
        "NEC: tolerance",
        "Sony: outside option",
        "Who proposes",
    ):
        assert label in body
    assert "Nothing has happened yet" in body
    assert len(_charts(page)) >= 3


def test_change_a_control_reset_and_step(page):
    page.locator(".v-select", has_text="Voting rule (reserved matters)").click()
    page.get_by_role("option", name="simple_majority").click()
    page.get_by_role("button", name="Reset").click()
    _wait_for(
        lambda: "reserved matters by simple majority" in page.inner_text("body"),
        "the new design to be shown after Reset",
    )

    charts = _charts(page)
    _step(page, 1)
    _wait_for(lambda: _charts(page) != charts, "the charts to change after Step")
    assert all(a != b for a, b in zip(charts, _charts(page), strict=False))
    assert "Month 1" in page.inner_text("body")

    events = page.inner_text("body")
    _step(page, 23)
    _wait_for(lambda: "Month 24" in page.inner_text("body"), "month 24's events")
    assert page.inner_text("body") != events
    assert "Step: 24" in page.inner_text("body")
    if os.environ.get("SIM_SCREENSHOT") == "1":
        (ROOT / "docs" / "img").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ROOT / "docs" / "img" / "dashboard.png"))
