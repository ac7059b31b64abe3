"""Last.fm over httpx: every call a signed POST to ``/2.0/``.

The signature is the md5 of the parameters sorted by name, each name followed by its
value, then the shared secret (``format`` is not signed). Sign-in: ``auth.getToken``,
the user approves at ``/api/auth/?api_key=…&token=…``, then ``auth.getSession`` gives a
session key that does not expire. ``track.scrobble`` takes up to 50 plays.
``SPOTUI_LASTFM_URL`` points it elsewhere (the fake, in tests and the demo).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx

from spotui import __version__
from spotui.scrobble.remote import (
    TIMEOUT_S,
    Refused,
    Rejected,
    ScrobbleError,
    Sleep,
    json_body,
    said,
    send,
)
from spotui.scrobble.rule import Listen


class NotApproved(Rejected):
    """The user has not approved the sign-in yet (or took over an hour)."""


NAME = "Last.fm"
URL = "https://ws.audioscrobbler.com"
AUTH_URL = "https://www.last.fm"
MOST_SCROBBLES = 50
RATE_LIMITED = 29
REVOKED = 9  # invalid session key: the user revoked spotui, sign in again
BUSY = (11, 16)  # service offline, temporarily unavailable: retry
# The key or secret is wrong, or the key is suspended: setup again.
BAD_APP = (4, 10, 13, 26)
NOT_APPROVED = (14, 15)  # auth.getSession: not approved yet, or the token expired


def base_url() -> str:
    return (os.environ.get("SPOTUI_LASTFM_URL") or URL).rstrip("/")


def auth_base() -> str:
    return (os.environ.get("SPOTUI_LASTFM_URL") or AUTH_URL).rstrip("/")


def signature(params: Mapping[str, str], secret: str) -> str:
    """``api_sig``: md5 of ``name value`` pairs sorted by name, then the secret."""
    text = "".join(f"{k}{params[k]}" for k in sorted(params) if k not in ("format", "callback"))
    return hashlib.md5((text + secret).encode("utf-8"), usedforsecurity=False).hexdigest()


@dataclass(frozen=True, slots=True)
class Scrobbled:
    """A batch's answer: the positions of the plays Last.fm ignored, and why."""

    accepted: int
    ignored: dict[int, str]


class LastFm:
    """One user's Last.fm: their app's key and secret, and the session from sign-in."""

    name = NAME

    def __init__(
        self,
        api_key: str,
        secret: str,
        session: str | None = None,
        *,
        url: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
    ):
        self.api_key = api_key
        self._secret = secret
        self._session = session
        self.url = (url or base_url()).rstrip("/")
        self._http = httpx.AsyncClient(transport=transport, timeout=TIMEOUT_S)
        self._sleep = sleep

    def __repr__(self) -> str:  # never the secret or the session
        return f"LastFm({self.url})"

    async def aclose(self) -> None:
        await self._http.aclose()

    def approve_url(self, token: str) -> str:
        """Where the user approves spotui (after :meth:`get_token`)."""
        return f"{auth_base()}/api/auth/?" + urlencode({"api_key": self.api_key, "token": token})

    async def get_token(self) -> str:
        data = await self._call("auth.getToken", {})
        token = data.get("token")
        if not isinstance(token, str) or not token.isalnum() or len(token) > 100:
            raise ScrobbleError("Last.fm sent no usable token.")
        return token

    async def get_session(self, token: str) -> tuple[str, str]:
        """(session key, user name) once the user approved ``token``."""
        data = await self._call("auth.getSession", {"token": token})
        session = data.get("session")
        key = session.get("key") if isinstance(session, dict) else None
        if not isinstance(key, str) or not key or len(key) > 200 or not key.isprintable():
            raise ScrobbleError("Last.fm sent no usable session.")
        return key, said(session, "name") or "?"  # type: ignore[arg-type]

    async def now_playing(self, listen: Listen) -> None:
        """Sent once per track; a failure is not retried (the next track will come)."""
        params = {"artist": listen.artist, "track": listen.track}
        if listen.album:
            params["album"] = listen.album
        if listen.duration_ms:
            params["duration"] = str(listen.duration_ms // 1000)
        await self._call("track.updateNowPlaying", params, session=True, tries=False)

    async def scrobble(self, listens: Sequence[Listen]) -> Scrobbled:
        """Up to 50 plays, as ``artist[i]``, ``track[i]``, ``timestamp[i]``, ``album[i]``."""
        if len(listens) > MOST_SCROBBLES:
            raise ValueError("Last.fm takes at most 50 scrobbles a request")
        params: dict[str, str] = {}
        for i, listen in enumerate(listens):
            params[f"artist[{i}]"] = listen.artist
            params[f"track[{i}]"] = listen.track
            params[f"timestamp[{i}]"] = str(listen.started_at)
            if listen.album:
                params[f"album[{i}]"] = listen.album
            if listen.duration_ms:
                params[f"duration[{i}]"] = str(listen.duration_ms // 1000)
        data = await self._call("track.scrobble", params, session=True)
        return _scrobbled(data, len(listens))

    async def _call(
        self, method: str, params: dict[str, str], *, session: bool = False, tries: bool = True
    ) -> dict[str, Any]:
        signed = {**params, "method": method, "api_key": self.api_key}
        if session:
            if not self._session:
                raise Refused("Last.fm is not set up: run `spotui scrobble setup lastfm`.")
            signed["sk"] = self._session
        form = {**signed, "api_sig": signature(signed, self._secret), "format": "json"}
        headers = {"User-Agent": f"spotui/{__version__}"}

        def busy(response: httpx.Response) -> float | None:
            code = json_body(response).get("error")
            return 30.0 if code == RATE_LIMITED else 5.0 if code in BUSY else None

        request = lambda: self._http.post(f"{self.url}/2.0/", data=form, headers=headers)  # noqa: E731
        if tries:
            response = await send(request, service=NAME, sleep=self._sleep, retry=busy)
        else:
            try:
                response = await request()
            except httpx.HTTPError as exc:
                raise ScrobbleError(f"Last.fm cannot be reached ({type(exc).__name__}).") from None
        data = json_body(response)
        code = data.get("error")
        if code is None and response.status_code == 200:
            return data
        words = said(data) or f"HTTP {response.status_code}"
        if code == REVOKED:
            raise Refused(
                "Last.fm says spotui's session was revoked: run `spotui scrobble setup lastfm` "
                "again. Plays wait in the outbox."
            )
        if code in BAD_APP:
            raise Refused(
                f"Last.fm refused spotui's API key or secret ({words}): run "
                "`spotui scrobble setup lastfm` again."
            )
        if code in NOT_APPROVED:
            raise NotApproved(f"Last.fm: {words}")
        if code == RATE_LIMITED or code in BUSY or response.status_code >= 500:
            raise ScrobbleError(f"Last.fm is busy ({words}).")
        raise Rejected(f"Last.fm refused {method}: {words}")


def _scrobbled(data: dict[str, Any], count: int) -> Scrobbled:
    """Read ``scrobbles``: one play comes as an object, more as a list."""
    scrobbles = data.get("scrobbles")
    if not isinstance(scrobbles, dict):
        raise ScrobbleError("Last.fm's answer to a scrobble could not be read.")
    items = scrobbles.get("scrobble")
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list) or len(items) != count:
        raise ScrobbleError("Last.fm's answer to a scrobble could not be read.")
    ignored: dict[int, str] = {}
    for i, item in enumerate(items):
        message = item.get("ignoredMessage") if isinstance(item, dict) else None
        code = message.get("code") if isinstance(message, dict) else None
        if code not in (None, "0", 0):
            ignored[i] = (said(message, "#text") if isinstance(message, dict) else "") or (
                f"code {str(code)[:10]}"
            )
    return Scrobbled(count - len(ignored), ignored)
