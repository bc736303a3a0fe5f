"""``sim play``: a room session in which participants play the partners (a web page each).

Serves :mod:`sim.play.server` with uvicorn in this process, on 127.0.0.1 unless ``--host``
says otherwise; prints the teacher's link and the participants' link with the join code.
When the venture ends (or on Ctrl-C) the session's record (scenario, seed, players, every
move) is saved as JSON: :func:`sim.play.session.replay` of it gives the same history.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from sim.cli.app import Scenario, app, check_counts
from sim.errors import InputError

LOCAL = "127.0.0.1"


@app.command()
def play(
    scenario: Scenario,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="Address to bind (default: this machine only). Any other address is served "
            "with a warning naming the addresses it is reachable on (participants need the "
            "join code); 0.0.0.0 means every interface; an empty --host is refused.",
        ),
    ] = LOCAL,
    port: Annotated[int, typer.Option("--port", help="Port to serve on.")] = 8766,
    seed: Annotated[int, typer.Option("--seed", help="Replication seed (the dice).")] = 1,
    timer: Annotated[
        float,
        typer.Option(
            "--timer", help="Seconds per round of decisions, then the agents decide; 0: none."
        ),
    ] = 90.0,
    runs: Annotated[
        int, typer.Option("--runs", help="Simulated ventures the room's is compared with.")
    ] = 200,
    record: Annotated[
        Path | None,
        typer.Option("--record", help="Where to save the session (default: room-DATE.json)."),
    ] = None,
) -> None:
    """A room session: participants take partners, the teacher's screen runs the months."""
    from sim.cli.network import check_host, exposure_warning

    if not 1 <= port <= 65535:
        raise InputError(f"--port must be between 1 and 65535, got {port}")
    check_host(host)
    if timer < 0:
        raise InputError(f"--timer must be 0 or more seconds, got {timer}")
    if record is not None and (record.exists() or record.is_symlink()):
        raise InputError(
            f"--record: {record} already exists; a session's record never overwrites a "
            "file: choose another name, or move that file away"
        )
    check_counts(runs, None, seed)
    import importlib.util

    missing = [m for m in ("starlette", "uvicorn") if importlib.util.find_spec(m) is None]
    if missing:
        raise InputError(
            "a room session needs the viz extra: pip install 'consortium-sim[viz]' "
            f"(missing: {', '.join(missing)})"
        )
    from sim.scenario.loader import load_scenario

    loaded = load_scenario(scenario)
    import uvicorn

    from sim.play.room import Room
    from sim.play.server import create_app

    room = Room(loaded.scenario, seed, timer, time.monotonic, simulations=runs)
    out = record or Path(f"room-{time.strftime('%Y%m%d-%H%M%S')}.json")

    def save(r: Room) -> None:
        from sim.experiment.results import write_new

        where = out
        if where.exists() or where.is_symlink():  # appeared during the session: keep both
            where = out.with_name(f"{out.stem}-{time.strftime('%Y%m%d-%H%M%S')}{out.suffix}")
        write_new(where, r.record.to_json())
        typer.echo(f"The session is over; its record is in {where}")

    shown = _address() if host in ("0.0.0.0", "::") else host
    room.join_url = f"http://{shown}:{port}/join?code={room.code}"
    typer.echo(f"Room session for {loaded.scenario.name} (seed {seed})")
    typer.echo(f"  Teacher's screen:  http://{shown}:{port}/room?key={room.teacher_key}")
    typer.echo(f"  Participants join: {room.join_url}")
    typer.echo(f"  Join code: {room.code}    (Ctrl-C stops the session)")
    warning = exposure_warning(host, port, "the room session")
    if warning:
        typer.echo(warning, err=True)
    if host != LOCAL:
        typer.echo(
            f"  Listening on {host}: anyone on this network with the join code can take a "
            "partner; give the participants this machine's address."
        )
    try:
        uvicorn.run(
            create_app(room, on_over=save),
            host=host,
            port=port,
            log_level="warning",
            access_log=False,
        )
    finally:
        if not room.over and room.record.moves:
            save(room)


def _address() -> str:
    """This machine's address on the local network (a UDP socket's route; nothing is sent)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            return s.getsockname()[0]
        except OSError:
            return LOCAL
