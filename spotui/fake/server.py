"""The fake served over real HTTP/1.1 on 127.0.0.1, with keep-alive.

Small on purpose: enough HTTP for httpx, curl and a browser's redirect.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from http import HTTPStatus
from typing import Protocol

import httpx

from spotui.fake.knobs import FakeDisconnect, FakeTimeout

MAX_HEADER_BYTES = 64 * 1024
MAX_BODY_BYTES = 1024 * 1024


class _Hangs(Protocol):
    hang_s: float


class Served(Protocol):
    """A fake this server can serve: FakeSpotify, or the fake LRCLIB."""

    @property
    def knobs(self) -> _Hangs: ...

    async def handle(self, request: httpx.Request) -> httpx.Response: ...


class FakeServer:
    """Serves a fake (:class:`Served`) on ``host:port`` (port 0 picks a free one)."""

    def __init__(self, fake: Served, host: str = "127.0.0.1", port: int = 0):
        self.fake = fake
        self.host = host
        self.port = port
        self._server: asyncio.Server | None = None
        self._hanging: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.url}/v1"

    async def start(self) -> FakeServer:
        self._server = await asyncio.start_server(self._serve, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            for task in list(self._hanging):
                task.cancel()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)
            self._server = None

    async def __aenter__(self) -> FakeServer:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._hanging.add(task)
        try:
            while await self._one(reader, writer):
                pass
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        except asyncio.CancelledError:
            pass  # the server is stopping
        finally:
            self._hanging.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        """Serve one request; False when the connection should close."""
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError:
            return False
        if len(head) > MAX_HEADER_BYTES:
            return False
        lines = head.decode("latin-1").split("\r\n")
        try:
            method, target, version = lines[0].split(" ", 2)
        except ValueError:
            await self._write(writer, httpx.Response(400), close=True)
            return False
        headers = [
            (name.strip(), value.strip())
            for name, _, value in (line.partition(":") for line in lines[1:] if ":" in line)
        ]
        length = int(dict((k.lower(), v) for k, v in headers).get("content-length", "0") or 0)
        if length > MAX_BODY_BYTES:
            await self._write(writer, httpx.Response(413), close=True)
            return False
        body = await reader.readexactly(length) if length else b""
        host = f"{self.host}:{self.port}"
        request = httpx.Request(method, f"http://{host}{target}", headers=headers, content=body)
        close = any(k.lower() == "connection" and v.lower() == "close" for k, v in headers)
        close = close or version == "HTTP/1.0"
        try:
            response = await self.fake.handle(request)
        except FakeDisconnect:
            return False
        except FakeTimeout:
            await asyncio.sleep(self.fake.knobs.hang_s)
            return False
        await self._write(writer, self._local_images(response), close=close)
        return not close

    def _local_images(self, response: httpx.Response) -> httpx.Response:
        """Point cover URLs at this server, so a client over HTTP can fetch them."""
        if b"https://i.scdn.co" not in response.content:
            return response
        content = response.content.replace(b"https://i.scdn.co", self.url.encode())
        return httpx.Response(
            response.status_code,
            content=content,
            headers={k: v for k, v in response.headers.items() if k.lower() != "content-length"},
        )

    @staticmethod
    async def _write(writer: asyncio.StreamWriter, response: httpx.Response, *, close: bool):
        content = response.content
        try:
            phrase = HTTPStatus(response.status_code).phrase
        except ValueError:
            phrase = "Unknown"
        head = [f"HTTP/1.1 {response.status_code} {phrase}"]
        for key, value in response.headers.items():
            if key.lower() not in ("content-length", "connection", "transfer-encoding"):
                head.append(f"{key}: {value}")
        head.append(f"Content-Length: {len(content)}")
        head.append("Connection: close" if close else "Connection: keep-alive")
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + content)
        await writer.drain()


@contextlib.contextmanager
def serve_in_thread(fake: Served, port: int = 0) -> Iterator[FakeServer]:
    """Run a server on its own event loop in a thread (for subprocess tests, benchmarks)."""
    loop = asyncio.new_event_loop()
    server = FakeServer(fake, port=port)
    ready = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(server.start())
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=run, name="fake-spotify", daemon=True)
    thread.start()
    ready.wait(10)
    try:
        yield server
    finally:
        asyncio.run_coroutine_threadsafe(server.stop(), loop).result(5)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()
