"""ListenBrainz over httpx: ``POST /1/submit-listens`` and ``GET /1/validate-token``.

``playing_now`` and ``single`` carry one listen; ``import`` up to 1,000, and a request
at most 10,240,000 bytes (a listen at most 10,240). ``SPOTUI_LISTENBRAINZ_URL``
points it elsewhere (the fake, in tests and the demo).
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Sequence
from typing import Any

import httpx

from spotui import __version__
from spotui.scrobble.remote import (
    MOST_WAIT_S,
    TIMEOUT_S,
    Refused,
    Rejected,
    ScrobbleError,
    Sleep,
    json_body,
    reset_in,
    said,
    send,
)
from spotui.scrobble.rule import Listen
from spotui.text import clean

NAME = "ListenBrainz"
URL = "https://api.listenbrainz.org"
MOST_LISTENS = 1000
MOST_LISTEN_BYTES = 10_240
MOST_REQUEST_BYTES = 10_240_000


def base_url() -> str:
    return (os.environ.get("SPOTUI_LISTENBRAINZ_URL") or URL).rstrip("/")


def listen_json(listen: Listen, *, now_playing: bool = False) -> dict[str, Any]:
    """One listen as ListenBrainz takes it (``playing_now`` has no time)."""
    info: dict[str, Any] = {
        "media_player": "Spotify",
        "submission_client": "spotui",
        "submission_client_version": __version__,
        "music_service": "spotify.com",
    }
    if listen.uri and listen.uri.startswith("spotify:track:"):
        track_id = listen.uri.rsplit(":", 1)[1]
        info["spotify_id"] = f"https://open.spotify.com/track/{track_id}"
        info["origin_url"] = info["spotify_id"]
    if listen.duration_ms:
        info["duration_ms"] = listen.duration_ms
    metadata: dict[str, Any] = {
        "artist_name": listen.artist,
        "track_name": listen.track,
        "additional_info": info,
    }
    if listen.album:
        metadata["release_name"] = listen.album
    if now_playing:
        return {"track_metadata": metadata}
    return {"listened_at": listen.started_at, "track_metadata": metadata}


def batches(listens: Sequence[Listen]) -> tuple[list[list[Listen]], list[Listen]]:
    """``import`` batches of at most 1,000 listens and 10,240,000 bytes each, and the
    listens larger than ListenBrainz takes (10,240 bytes), which are left out."""
    out: list[list[Listen]] = []
    too_large: list[Listen] = []
    batch: list[Listen] = []
    size = 64  # the envelope
    for listen in listens:
        length = len(json.dumps(listen_json(listen)).encode()) + 2
        if length > MOST_LISTEN_BYTES:
            too_large.append(listen)
            continue
        if batch and (len(batch) == MOST_LISTENS or size + length > MOST_REQUEST_BYTES):
            out.append(batch)
            batch, size = [], 64
        batch.append(listen)
        size += length
    if batch:
        out.append(batch)
    return out, too_large


class ListenBrainz:
    """One user's ListenBrainz, by their token."""

    name = NAME

    def __init__(
        self,
        token: str,
        *,
        url: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep = asyncio.sleep,
    ):
        self._token = token
        self.url = (url or base_url()).rstrip("/")
        self._http = httpx.AsyncClient(transport=transport, timeout=TIMEOUT_S)
        self._sleep = sleep
        self._wait_s = 0.0  # before the next request (X-RateLimit-Remaining was 0)

    def __repr__(self) -> str:  # never the token
        return f"ListenBrainz({self.url})"

    async def aclose(self) -> None:
        await self._http.aclose()

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Token {self._token}", "User-Agent": f"spotui/{__version__}"}

    async def validate(self) -> str:
        """The user name the token belongs to; :class:`Refused` when it is not valid."""
        response = await send(
            lambda: self._http.get(f"{self.url}/1/validate-token", headers=self._headers()),
            service=NAME,
            sleep=self._sleep,
        )
        data = json_body(response)
        if response.status_code == 200 and data.get("valid") is True:
            return said(data, "user_name") or "?"
        if response.status_code in (200, 400, 401):
            raise Refused("ListenBrainz does not know this token: copy it again from your profile.")
        raise ScrobbleError(f"ListenBrainz answered HTTP {response.status_code}.")

    async def playing_now(self, listen: Listen) -> None:
        await self._submit("playing_now", [listen_json(listen, now_playing=True)])

    async def submit(self, listens: Sequence[Listen]) -> None:
        """One listen as ``single``, more as ``import`` (at most 1,000: see :func:`batches`)."""
        if not listens:
            return
        kind = "single" if len(listens) == 1 else "import"
        await self._submit(kind, [listen_json(listen) for listen in listens])

    async def _submit(self, kind: str, payload: list[dict[str, Any]]) -> None:
        body = json.dumps({"listen_type": kind, "payload": payload}).encode()
        if self._wait_s:  # the last answer used up the window: wait for the next
            wait, self._wait_s = self._wait_s, 0.0
            await self._sleep(wait)
        response = await send(
            lambda: self._http.post(
                f"{self.url}/1/submit-listens",
                content=body,
                headers={**self._headers(), "Content-Type": "application/json"},
            ),
            service=NAME,
            sleep=self._sleep,
        )
        if response.headers.get("x-ratelimit-remaining", "").strip() == "0":
            self._wait_s = min(reset_in(response), MOST_WAIT_S)
        if response.status_code == 200:
            return
        data = json_body(response)
        if response.status_code == 401:
            raise Refused(
                "ListenBrainz refused the token (it was reset or is wrong): run "
                "`spotui scrobble setup listenbrainz` again. Plays wait in the outbox."
            )
        error = said(data, "error") or said(data) or f"HTTP {response.status_code}"
        raise Rejected(f"ListenBrainz refused the listens: {clean(error)}")
