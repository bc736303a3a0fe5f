"""Shared set-up of the browser tests: a ``sim`` server as a child process, Chromium flags.

The server's stderr goes to a file the test reads at the end (the terminal a teacher sees
must stay free of errors); :class:`OffHost` aborts and records every request a page makes
to anywhere but 127.0.0.1 (the room has no internet, so nothing may be fetched from it).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``sim ARGS... --port P`` in its own process group, stdout and stderr kept in files."""

    def __init__(self, args: list[str], folder: Path, ready_path: str = "/"):
        self.port = free_port()
        args = [*args, "--port", str(self.port)]
        self.out = folder / "stdout.txt"
        self.err = folder / "stderr.txt"
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from sim.cli.app import main; main()", *args],
            cwd=ROOT,
            stdout=self.out.open("w"),
            stderr=self.err.open("w"),
            start_new_session=True,  # its own process group: stopping it stops its children
            env={**os.environ, "COLUMNS": "200"},
        )
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(self.url + ready_path, timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the server did not start:\n{self.stderr()}")
            time.sleep(0.3)

    def stdout(self) -> str:
        return self.out.read_text(errors="replace")

    def stderr(self) -> str:
        return self.err.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)


class OffHost:
    """Aborts and records requests to anywhere but 127.0.0.1; records failed responses."""

    def __init__(self):
        self.requests: list[str] = []
        self.failed: list[str] = []

    def attach(self, context) -> None:
        context.route("**/*", self._route)
        context.on("response", lambda r: r.status >= 400 and self.failed.append(r.url))
        context.on("requestfailed", lambda r: self.failed.append(r.url))

    def _route(self, route) -> None:
        if urlparse(route.request.url).hostname != "127.0.0.1":
            self.requests.append(route.request.url)
            route.abort()
        else:
            route.continue_()


def wait_for(condition, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)
