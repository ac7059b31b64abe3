"""One sign-in attempt, from the authorize URL to tokens, for the wizard and ``spotui auth``.

The code arrives by whichever path is first: the browser's redirect to a
callback server on 127.0.0.1, or text the user pastes (the whole redirect URL
or the bare code).
"""

from __future__ import annotations

import asyncio
import contextlib
import html
from urllib.parse import urlsplit

import httpx

from spotui.spotify.auth import (
    AccessDenied,
    AuthRequest,
    ClientCredentials,
    Endpoints,
    RedirectError,
    StateMismatch,
    TokenSet,
    exchange_code,
    parse_redirect,
)
from spotui.spotify.ports import redirect_uri

CALLBACK_TIMEOUT_S = 600.0  # an authorization code lives about ten minutes
_MAX_REQUEST = 16 * 1024

_PAGE = """<!doctype html><meta charset="utf-8"><title>spotui</title>
<body style="font-family: system-ui, sans-serif; max-width: 34em; margin: 4em auto">
<h1>{title}</h1><p>{text}</p></body>"""


class CallbackServer:
    """Catches the browser's redirect on ``127.0.0.1:port``.

    It accepts one request with the right ``state`` and then closes. Anything
    else gets an error page, and it keeps waiting until ``timeout`` runs out.
    """

    def __init__(self, port: int, state: str, path: str = "/callback"):
        self.port = port
        self.state = state
        self._connections: set[asyncio.Task[None]] = set()
        self.path = path
        self._server: asyncio.Server | None = None
        self._result: asyncio.Future[str] | None = None

    def __repr__(self) -> str:
        return f"CallbackServer(port={self.port})"

    async def start(self) -> None:
        """Listen on 127.0.0.1 only. Raises OSError when the port is taken."""
        self._result = asyncio.get_running_loop().create_future()
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def wait(self, timeout: float = CALLBACK_TIMEOUT_S) -> str:
        """The code from the redirect; RedirectError when Spotify sent an error."""
        assert self._result is not None, "start() first"
        try:
            return await asyncio.wait_for(asyncio.shield(self._result), timeout)
        except TimeoutError:
            raise RedirectError(
                "No answer came back from the browser in time. Start the sign-in again."
            ) from None
        finally:
            if self._result.done():
                await self.close()

    async def close(self) -> None:
        """Stop listening, and drop connections still open (a browser's idle pre-connect)."""
        if self._server is not None:
            self._server.close()
            for task in self._connections:
                task.cancel()
            await asyncio.gather(*self._connections, return_exceptions=True)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 1)
            self._server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._connections.add(task)
        try:
            await self._reply(reader, writer)
        except (asyncio.CancelledError, ConnectionError):
            writer.close()
        finally:
            if task is not None:
                self._connections.discard(task)

    async def _reply(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            status, title, text = self._answer(head[:_MAX_REQUEST].decode("latin-1"))
        except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            status, title, text = 400, "Bad request", "spotui could not read that request."
        page = _PAGE.format(title=html.escape(title), text=html.escape(text)).encode()
        writer.write(
            f"HTTP/1.1 {status} {'OK' if status == 200 else 'Error'}\r\n"
            "Content-Type: text/html; charset=utf-8\r\n"
            f"Content-Length: {len(page)}\r\nConnection: close\r\n"
            "Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\n\r\n".encode()
            + page
        )
        with contextlib.suppress(ConnectionError):
            await writer.drain()
        writer.close()

    def _answer(self, head: str) -> tuple[int, str, str]:
        assert self._result is not None
        try:
            method, target, _ = head.split("\r\n", 1)[0].split(" ", 2)
        except ValueError:
            return 400, "Bad request", "spotui could not read that request."
        if method != "GET" or urlsplit(target).path != self.path:
            return 404, "Not found", "This address only receives Spotify's sign-in redirect."
        if self._result.done():
            return 410, "Already signed in", "This sign-in is finished. You can close this tab."
        try:
            code = parse_redirect(target, self.state)
        except AccessDenied as exc:
            self._result.set_exception(exc)
            return 400, "Not signed in", str(exc)
        except StateMismatch as exc:
            return 400, "Out-of-date link", str(exc)
        except RedirectError as exc:  # no code in it: keep waiting for a real redirect
            return 400, "Not signed in", str(exc)
        self._result.set_result(code)
        return 200, "spotui is signed in", "You can close this tab and go back to the terminal."


class SignIn:
    """One attempt: the authorize URL, the two paths to the code, and the exchange."""

    def __init__(
        self,
        client: ClientCredentials,
        *,
        port: int,
        endpoints: Endpoints,
        transport: httpx.AsyncBaseTransport | None = None,
    ):
        self.client = client
        self.port = port
        self.endpoints = endpoints
        self.transport = transport
        self.request = AuthRequest.start(client, redirect_uri(port))
        self.callback: CallbackServer | None = None

    def __repr__(self) -> str:
        return f"SignIn(client_id={self.client.client_id!r}, port={self.port})"

    @property
    def url(self) -> str:
        return self.request.url(self.endpoints)

    async def listen(self) -> str | None:
        """Start the callback server. Returns a plain message when it cannot."""
        server = CallbackServer(self.port, self.request.state)
        try:
            await server.start()
        except OSError:
            return (
                f"Port {self.port} is already in use, so spotui cannot catch the browser's "
                "redirect. Paste the address the browser lands on instead."
            )
        self.callback = server
        return None

    def code_from_text(self, text: str) -> str:
        return parse_redirect(text, self.request.state)

    async def exchange(self, code: str) -> TokenSet:
        async with httpx.AsyncClient(transport=self.transport, timeout=15) as http:
            return await exchange_code(http, self.endpoints, self.client, self.request, code)

    async def close(self) -> None:
        if self.callback is not None:
            await self.callback.close()
