"""The fake Spotify: one facade over the accounts service, the Web API and the knobs.

:meth:`FakeSpotify.handle` turns an ``httpx.Request`` into an ``httpx.Response``.
Two faces share it: :class:`FakeTransport` (in process) and
:mod:`spotui.fake.server` (real HTTP on 127.0.0.1). Where things live:

- :mod:`spotui.fake.oauth`: ``/authorize``, ``/api/token``, codes and tokens;
- :mod:`spotui.fake.api`: ``/v1``, one route table with each route's scope;
- :mod:`spotui.fake.knobs`: faults and states, and the answers they give;
- :mod:`spotui.fake.account`: the one account's player, history and library;
- :mod:`spotui.fake.state`: the demo's player, kept between runs.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

import httpx

from spotui.fake import state
from spotui.fake.account import FakeAccount, FakeApiError
from spotui.fake.api import WebApi
from spotui.fake.covers import cover_png
from spotui.fake.knobs import (
    Knobs,
    bad_page,
    development_mode_refusal,
    hostile,
    injected_fault,
    truncated,
)
from spotui.fake.oauth import DEMO_CLIENT_ID, OAuth
from spotui.fake.responses import empty, html, json_response, text
from spotui.fake.transport import FakeTransport

_PLAYER_PREFIX = "/v1/me/player"


class FakeSpotify:
    """An in-memory Spotify: one account, one registered app, and knobs."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.time,
        library_size: int = 500,
        seed: int = 7,
        state_path: Path | None = None,
        **knobs: Any,
    ):
        """``state_path``: the demo's kept player (:mod:`spotui.fake.state`), read now
        (``state_problem`` says why it was not used, or could not be written back),
        shared with the other demos; ``on_state_problem`` is told when a later write
        fails."""
        self.clock = clock
        self.account = FakeAccount(clock=clock, library_size=library_size, seed=seed)
        self.knobs = Knobs()
        self.oauth = OAuth(self.knobs, clock)
        self.api = WebApi(self.account, self.knobs, clock)
        self.requests: Counter[str] = Counter()
        self.log: list[tuple[float, str, str, int]] = []  # (arrival time, method, path, status)
        self.set(**knobs)
        self.kept = None if state_path is None else state.Kept(state_path)
        self.state_problem = None if self.kept is None else self.kept.load(self.account, clock())
        self.on_state_problem: Callable[[str], None] = self._said_at_start
        if self.state_problem:  # said once: a good file takes its place
            self._keep(changed_only=False)

    def __repr__(self) -> str:
        return f"FakeSpotify(knobs={self.knobs})"

    # --- knobs --------------------------------------------------------------------

    def set(self, **changes: Any) -> Knobs:
        """Change knobs. State knobs act on the account at once (episode loads it...)."""
        names = {f.name for f in fields(Knobs)}
        unknown = set(changes) - names
        if unknown:
            raise ValueError(f"unknown knob(s): {', '.join(sorted(unknown))}")
        before = asdict(self.knobs)
        for name, value in changes.items():
            setattr(self.knobs, name, type(before[name])(value))
        if "episode" in changes and changes["episode"] != before["episode"]:
            if self.knobs.episode:
                self.account.load_episode()
            else:
                self.account.load_default()
        if changes.get("ad") and not before["ad"]:
            self.api.ad_started = self.clock()
        if changes.get("no_active_device") and not before["no_active_device"]:
            self.account.deactivate()
        if (
            "no_active_device" in changes
            and not self.knobs.no_active_device
            and (self.account.active_device is None)
        ):
            self.account.transfer(self.account.devices[1]["id"], None)
        return self.knobs

    def fault(self) -> httpx.Response | None:
        """The fault a knob injects into the next ``/v1`` request, if any."""
        return injected_fault(self.knobs)

    def remote_skip(self) -> None:
        """Someone skipped to the next track on another device."""
        self.account.next()

    def player_requests(self) -> int:
        """How many ``/v1/me/player`` requests reached the fake (recently played, which
        the history sync asks for, is no player request)."""
        return sum(
            n
            for path, n in self.requests.items()
            if path.startswith(_PLAYER_PREFIX) and not path.endswith("/recently-played")
        )

    def sign_in(self, client_id: str = DEMO_CLIENT_ID, *, pkce: bool = True) -> dict[str, Any]:
        """Tokens for the demo user without the browser dance (demo, tests)."""
        return self.oauth.sign_in(client_id, pkce=pkce)

    def transport(self) -> FakeTransport:
        return FakeTransport(self)

    # --- the one entry point ----------------------------------------------------------

    async def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one request as Spotify would (or fail it as a knob says)."""
        path = request.url.path
        if path.startswith("/_fake"):
            return self._control(request)
        shared = self.kept is not None and path.startswith(_PLAYER_PREFIX)
        if shared:
            self._follow()
        self.requests[path] += 1
        arrived = self.clock()
        if self.knobs.latency_ms:
            await asyncio.sleep(self.knobs.latency_ms / 1000)
        if path == "/authorize":
            response = self.oauth.authorize(request)
        elif path == "/api/token":
            response = self.oauth.token(request)
        elif path.startswith("/v1/"):
            response = self._api(request)
        elif path.startswith("/image/"):
            response = self._cover(path)
        else:
            response = html(404, "Not found")
        self.log.append((arrived, request.method, path, response.status_code))
        del self.log[:-2000]
        if shared and response.is_success:  # after a command, or a track that ended
            self._keep(changed_only=request.method == "GET")
        return response

    def _follow(self) -> None:
        if self.kept is not None:
            self.kept.follow(self.account, self.clock())

    def _keep(self, *, changed_only: bool) -> None:
        if self.kept is not None:
            problem = self.kept.keep(self.account, self.clock(), changed_only=changed_only)
            if problem:
                self.on_state_problem(problem)

    def _said_at_start(self, line: str) -> None:
        """A write that failed before a face listens: said with ``state_problem``."""
        self.state_problem = f"{self.state_problem} {line}" if self.state_problem else line

    def _api(self, request: httpx.Request) -> httpx.Response:
        fault = self.fault()
        if fault is not None:
            return fault
        try:
            grant = self.oauth.authenticate(request)
            refusal = development_mode_refusal(self.knobs)
            response = refusal or self.api.answer(request, grant.scope)
        except FakeApiError as exc:
            if self.knobs.plain_text_errors:
                response = text(exc.status, exc.message)
            else:
                response = json_response(exc.status, exc.body())
        return truncated(self.knobs, hostile(self.knobs, bad_page(self.knobs, request, response)))

    @staticmethod
    def _cover(path: str) -> httpx.Response:
        """A cover image, as i.scdn.co serves them (no token needed)."""
        name = path.rsplit("/", 1)[-1]
        try:
            size = int(name[-28:-24], 16)
        except ValueError:
            return html(404, "Not found")
        body = cover_png(name[-24:], size)
        return httpx.Response(
            200,
            content=body,
            headers={"Content-Type": "image/png", "Cache-Control": "max-age=86400"},
        )

    # --- control (the fake's own endpoints, for tests, curl and the benchmark) -----------

    def _control(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/_fake/knobs":
            if request.method == "POST":
                try:
                    self.set(**json.loads(request.content or b"{}"))
                except (ValueError, TypeError) as exc:
                    return json_response(400, {"error": str(exc)})
            return json_response(200, asdict(self.knobs))
        if path == "/_fake/remote-skip" and request.method == "POST":
            self.remote_skip()
            return empty(204)
        if path == "/_fake/sign-in" and request.method == "POST":
            return json_response(200, self.sign_in())
        if path == "/_fake/state":
            account = self.account
            player = account.player
            item = account.item_json(player.uri)
            return json_response(
                200,
                {
                    "name": item["name"],
                    "uri": player.uri,
                    "is_playing": player.is_playing,
                    "position_ms": account.position(),
                    "duration_ms": item["duration_ms"],
                    "next_name": account.item_json(
                        player.context[(player.index + 1) % len(player.context)]
                    )["name"],
                    "clock": self.clock(),
                },
            )
        if path == "/_fake/stats":
            return json_response(
                200, {"requests": dict(self.requests), "player_requests": self.player_requests()}
            )
        return json_response(404, {"error": "no such control endpoint"})
