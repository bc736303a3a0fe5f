"""How fast the dashboard steps, in a real browser: ``python benchmarks/dashboard.py``.

Starts ``sim viz`` on a free port, opens it in headless Chromium at 1280x720 (a projector),
presses Step ``--steps`` times and measures, for each press, the time from the click to
the page showing the new month ("Month N" in the page text). Also counts requests that
leave 127.0.0.1. Prints the median, 90th percentile and worst step, in milliseconds.

Run it against another tree with ``PYTHONPATH=/that/tree``. Never part of the test suite:
timings are not asserted anywhere.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("SIM_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(scenario: str, port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim", "viz", scenario, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
                return proc
        except OSError:
            time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGTERM)
    raise SystemExit("sim viz did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="scenarios/equal_stakes.yaml")
    parser.add_argument("--steps", type=int, default=24)
    options = parser.parse_args()
    from playwright.sync_api import sync_playwright

    port = _free_port()
    proc = _serve(options.scenario, port)
    off_host: list[str] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 720})

            def watch(route):
                if urlparse(route.request.url).hostname not in ("127.0.0.1", None):
                    off_host.append(route.request.url)
                    return route.abort()
                return route.continue_()

            page.route("**/*", watch)
            page.goto(f"http://127.0.0.1:{port}/")
            step = page.get_by_role("button", name="Step")
            step.wait_for(timeout=90_000)
            page.wait_for_timeout(1500)  # let the first render settle
            times = []
            for month in range(1, options.steps + 1):
                start = time.perf_counter()
                step.click()
                page.wait_for_function(
                    "m => new RegExp('Month ' + m + '\\\\b').test(document.body.innerText)",
                    arg=month,
                    timeout=30_000,
                    polling=10,
                )
                times.append((time.perf_counter() - start) * 1000)
                page.wait_for_timeout(50)
            browser.close()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    times.sort()
    print(f"steps: {len(times)}  (Chromium, 1280x720, {options.scenario})")
    print(f"step render ms: median {statistics.median(times):.0f}, ", end="")
    print(f"p90 {times[int(0.9 * (len(times) - 1))]:.0f}, worst {times[-1]:.0f}")
    print(f"requests off 127.0.0.1: {len(off_host)}")
    for url in sorted(set(off_host))[:10]:
        print(f"  {url}")


if __name__ == "__main__":
    main()
