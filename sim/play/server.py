"""The room session over HTTP: one teacher's screen, one page per participant (``sim play``).

A small Starlette app (Starlette and uvicorn come with Solara, which the ``viz`` extra
installs). The pages are one static HTML file (``page.html``, no outside scripts, fonts
or styles) that polls a JSON view once a second and posts the person's moves:

- ``GET /room?key=K``: the teacher's screen (``K`` is printed by ``sim play``);
- ``GET /join?code=C``: a participant takes a partner, then decides;
- ``GET /api/view``: the teacher's (``?key=``) or a player's (``?token=``) view;
- ``POST /api/join`` ``{code, partner, person}``: take a partner, get a token;
- ``POST /api/act`` ``{token, key, answer}``: answer an open decision;
- ``POST /api/start``, ``POST /api/next`` ``{key}``: start; let the agents decide the
  month's open decisions now.

Every call holds one lock around the :class:`~sim.play.room.Room` and first lets the
timer take the agents' choices for decisions whose time is up.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from sim.play.room import Room, RoomError

PAGE = Path(__file__).with_name("page.html")


def create_app(room: Room, on_over: Callable[[Room], None] | None = None) -> Starlette:
    """The app serving ``room``; ``on_over`` is called once when the venture has ended."""
    lock = threading.Lock()
    page = PAGE.read_text(encoding="utf-8")
    saved = [False]

    def locked(call: Callable[[], Any]) -> Response:
        with lock:
            try:
                room.tick()
                result = call()
            except RoomError as e:
                return JSONResponse({"error": str(e)}, status_code=400)
            if room.over and not saved[0] and on_over is not None:
                saved[0] = True
                on_over(room)
            return JSONResponse(result)

    def teacher(key: str) -> None:
        if key != room.teacher_key:
            raise RoomError("the teacher's key is wrong")

    async def body(request: Request) -> dict[str, Any]:
        try:
            data = json.loads(await request.body() or b"{}")
        except ValueError:
            data = None
        return data if isinstance(data, dict) else {}

    async def home(request: Request) -> Response:
        return RedirectResponse("/join")

    async def html(request: Request) -> Response:
        return HTMLResponse(page, headers={"Cache-Control": "no-store"})

    async def view(request: Request) -> Response:
        q = request.query_params
        if "key" in q:

            def teacher_view() -> dict[str, Any]:
                teacher(q["key"])
                return room.teacher_view()

            return locked(teacher_view)
        if "token" in q:
            return locked(lambda: room.player_view(q["token"]))
        return locked(lambda: {"free": room.free_partners(), "started": room.started})

    async def join(request: Request) -> Response:
        d = await body(request)
        code, partner, person = (str(d.get(k, "")) for k in ("code", "partner", "person"))
        return locked(lambda: {"token": room.join(code, partner, person)})

    async def act(request: Request) -> Response:
        d = await body(request)
        answer = d.get("answer")

        def answered() -> dict[str, Any]:
            if not isinstance(answer, dict):
                raise RoomError("an answer must be an object")
            room.answer(str(d.get("token", "")), str(d.get("key", "")), answer)
            return {}

        return locked(answered)

    def by_teacher(d: dict[str, Any], call: Callable[[], None]) -> Response:
        def run() -> dict[str, Any]:
            teacher(str(d.get("key", "")))
            call()
            return {}

        return locked(run)

    async def start(request: Request) -> Response:
        return by_teacher(await body(request), room.start)

    async def next_month(request: Request) -> Response:
        return by_teacher(await body(request), room.take_defaults)

    return Starlette(
        routes=[
            Route("/", home),
            Route("/room", html),
            Route("/join", html),
            Route("/api/view", view),
            Route("/api/join", join, methods=["POST"]),
            Route("/api/act", act, methods=["POST"]),
            Route("/api/start", start, methods=["POST"]),
            Route("/api/next", next_month, methods=["POST"]),
        ]
    )
