"""What the fake ListenBrainz and Last.fm share: knobs, and serving over HTTP."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import httpx

if TYPE_CHECKING:
    from spotui.fake.server import FakeServer
    from spotui.fake.service import FakeSpotify


@dataclass
class ScrobbleKnobs:
    """Counters fail that many of the next requests, then clear; ``down`` fails all."""

    rate_limit: int = 0
    reset_in: int = 1  # seconds, in the rate limit's headers
    remaining: int = 29  # X-RateLimit-Remaining on answers that are not a 429
    server_errors: int = 0
    down: bool = False  # every request answers 503
    hang_s: float = 30.0  # for the server (unused: these fakes never hang)


class Served:
    """A fake that answers httpx requests: in process (:meth:`transport`) or over HTTP
    on 127.0.0.1 (:meth:`serve`)."""

    def __init__(self, clock: Callable[[], float] = time.time, **knobs: Any):
        self.clock = clock
        self.knobs = ScrobbleKnobs(**knobs)
        self.requests = 0

    async def handle(self, request: httpx.Request) -> httpx.Response:
        raise NotImplementedError

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    @contextlib.contextmanager
    def serve(self) -> Iterator[FakeServer]:
        """Serve on its own thread (the Spotify fake's server, which needs only ``handle``)."""
        from spotui.fake.server import serve_in_thread

        with serve_in_thread(cast("FakeSpotify", self)) as server:
            yield server

    def fault(self) -> str | None:
        """The fault this request meets, if any: "rate", "down"."""
        self.requests += 1
        if self.knobs.down:
            return "down"
        if self.knobs.server_errors > 0:
            self.knobs.server_errors -= 1
            return "down"
        if self.knobs.rate_limit > 0:
            self.knobs.rate_limit -= 1
            return "rate"
        return None
