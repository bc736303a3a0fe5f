"""``sim viz``: the workshop dashboard in a browser (Mesa's Solara visualisation).

Runs ``solara run sim/viz/app.py --production`` as a child process, bound to 127.0.0.1
unless ``--host`` says otherwise, with the scenario's path in ``SIM_VIZ_SCENARIO``. Needs
the ``viz`` extra (mesa[viz], solara, solara-assets so the page works without internet).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from sim.cli.app import Scenario, app
from sim.errors import InputError

SCENARIO_ENV = "SIM_VIZ_SCENARIO"  # the same name as sim.viz.app.SCENARIO_ENV (not imported: slow)


def solara_command(port: int, host: str) -> list[str]:
    """The ``solara run`` command line for the dashboard."""
    app_file = Path(__file__).resolve().parent.parent / "viz" / "app.py"
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        str(app_file),
        "--host",
        host,
        "--port",
        str(port),
        "--production",
        "--no-open",
    ]


@app.command()
def viz(
    scenario: Scenario,
    port: Annotated[int, typer.Option("--port", help="Port to serve on.")] = 8765,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="Address to bind (default: this machine only). Any other address is served "
            "with a warning naming the addresses it is reachable on; 0.0.0.0 means every "
            "interface; an empty --host is refused.",
        ),
    ] = "127.0.0.1",
) -> None:
    """Serve the workshop dashboard: design and partner controls, live charts, events."""
    import importlib.util

    from sim.cli.network import check_host, exposure_warning

    if not 1 <= port <= 65535:
        raise InputError(f"--port must be between 1 and 65535, got {port}")
    check_host(host)
    missing = [m for m in ("solara", "networkx") if importlib.util.find_spec(m) is None]
    if missing:
        raise InputError(
            "the dashboard needs the viz extra: pip install 'consortium-sim[viz]' "
            f"(missing: {', '.join(missing)})"
        )
    from sim.cli.app import load

    loaded = load(scenario)  # fail here, with a located message, not in the browser
    env = dict(
        os.environ,
        **{SCENARIO_ENV: str(Path(loaded.path).resolve())},
        SOLARA_THEME_SHOW_BANNER="false",  # the projector's corner is for the events
        SOLARA_THEME_TITLE="consortium-sim",
        # Solara warns on every plain-http page served under a name other than localhost;
        # a room's laptop serves plain http, and the teacher's terminal should stay quiet.
        PYTHONWARNINGS="ignore:Cookies with samesite=none require https:UserWarning",
    )
    warning = exposure_warning(host, port, "the dashboard")
    if warning:
        typer.echo(warning, err=True)
    typer.echo(f"Dashboard for {loaded.scenario.name}: http://{host}:{port}  (Ctrl-C stops it)")
    code = serve(solara_command(port, host), env)
    if code not in (0, -2, -15, 130):
        raise typer.Exit(code)


def serve(command: list[str], env: dict[str, str]) -> int:
    """Run the server until it stops; SIGTERM or Ctrl-C here stops it too (no orphan)."""
    import signal

    child = subprocess.Popen(command, env=env)
    previous = signal.signal(signal.SIGTERM, lambda *_: child.terminate())
    try:
        return child.wait()
    except KeyboardInterrupt:
        child.terminate()
        return child.wait()
    finally:
        signal.signal(signal.SIGTERM, previous)
