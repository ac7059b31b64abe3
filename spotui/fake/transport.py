"""A fake, in process: httpx sends every request to it, with no socket."""

from __future__ import annotations

from typing import Protocol

import httpx

from spotui.fake.knobs import FakeDisconnect, FakeTimeout


class Handles(Protocol):
    """A fake that answers a request: FakeSpotify, the fake LRCLIB."""

    async def handle(self, request: httpx.Request) -> httpx.Response: ...


class FakeTransport(httpx.AsyncBaseTransport):
    """A fake, in process: every request to any host goes to its ``handle``."""

    def __init__(self, fake: Handles):
        self.fake = fake

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        try:
            return await self.fake.handle(request)
        except FakeTimeout:
            raise httpx.ReadTimeout("fake: timed out", request=request) from None
        except FakeDisconnect:
            raise httpx.ConnectError("fake: connection refused", request=request) from None
