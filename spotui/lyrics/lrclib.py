"""The LRCLIB client (lrclib.net): ``/api/get``, then ``/api/search`` when it misses.

No key and no announced rate limit; LRCLIB asks for a User-Agent naming the app.
``SPOTUI_LRCLIB_URL`` points it elsewhere (the tests' and the demo's fake). Every
answer is read bounded and checked field by field; text goes through ``clean``.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from typing import Any, TypeGuard

import httpx

from spotui import PROJECT_URL, __version__
from spotui.text import clean, printable

DEFAULT_URL = "https://lrclib.net"
USER_AGENT = f"spotui/{__version__} ({PROJECT_URL})"
MAX_BODY_BYTES = 1024 * 1024  # a song's record is a few kB; a search, 20 of them
MAX_NAME_CHARS = 500
MAX_RECORDS = 20  # a search answers at most 20
MAX_DURATION_S = 3_600  # LRCLIB answers 400 to a longer duration: it is left out
SEARCH_SLACK_S = 5.0  # a search result within this of the track's length is the track
TIMEOUT = httpx.Timeout(8.0, connect=4.0)


def base_url() -> str:
    """LRCLIB's address: ``SPOTUI_LRCLIB_URL`` when set (a fake), else lrclib.net;
    :class:`LyricsUnavailable`, naming the variable, when it is not an http(s) address."""
    value = os.environ.get("SPOTUI_LRCLIB_URL") or DEFAULT_URL
    try:
        url = httpx.URL(value)
    except httpx.InvalidURL:
        url = None
    if (
        url is None
        or url.scheme not in ("http", "https")
        or not url.host
        or not value.isprintable()
    ):
        raise LyricsUnavailable(
            f"SPOTUI_LRCLIB_URL is not an http(s) address: {printable(value[:MAX_NAME_CHARS])}"
        )
    return value.rstrip("/")


class LyricsUnavailable(Exception):
    """LRCLIB could not answer (offline, a timeout, a 5xx, an answer that is not a
    record): one plain sentence for the user. A miss is not this: it is None."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class TrackQuery:
    """What LRCLIB is asked about: a track's title, artist, album and length."""

    title: str
    artist: str
    album: str = ""
    duration_s: float = 0.0


@dataclass(frozen=True, slots=True)
class Record:
    """One LRCLIB record. ``plain`` and ``synced`` may be None; ``synced`` is LRC."""

    id: int | None
    track_name: str
    artist_name: str
    album_name: str
    duration_s: float
    instrumental: bool
    plain: str | None
    synced: str | None

    @classmethod
    def from_json(cls, data: Any) -> Record | None:
        """A record from LRCLIB's JSON; None when it is not one (no track name)."""
        if not isinstance(data, dict):
            return None
        name = _text(data.get("trackName"))
        if not name:
            return None
        id_ = data.get("id")
        duration = data.get("duration")
        return cls(
            id=id_ if isinstance(id_, int) and not isinstance(id_, bool) else None,
            track_name=name,
            artist_name=_text(data.get("artistName")),
            album_name=_text(data.get("albumName")),
            duration_s=float(duration) if _seconds(duration) else 0.0,
            instrumental=data.get("instrumental") is True,
            plain=_lyrics(data.get("plainLyrics")),
            synced=_lyrics(data.get("syncedLyrics")),
        )

    def json(self) -> dict[str, Any]:
        """As LRCLIB names the fields (the cache and ``--json`` keep this shape)."""
        return {
            "id": self.id,
            "trackName": self.track_name,
            "artistName": self.artist_name,
            "albumName": self.album_name,
            "duration": self.duration_s,
            "instrumental": self.instrumental,
            "plainLyrics": self.plain,
            "syncedLyrics": self.synced,
        }


def _seconds(value: Any) -> TypeGuard[int | float]:
    """A length in seconds: a finite number from 0 to a day (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value) and 0 <= value <= 24 * 3600


def _text(value: Any) -> str:
    return clean(value.strip()[:MAX_NAME_CHARS]) if isinstance(value, str) else ""


def _lyrics(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return clean(value)


def best_match(records: list[Record], query: TrackQuery) -> Record | None:
    """From a search: synced lyrics first, then the closest length, and only within
    ``SEARCH_SLACK_S`` of the track's (when its length is known)."""
    known = query.duration_s > 0
    fitting = [
        record
        for record in records
        if not known or abs(record.duration_s - query.duration_s) <= SEARCH_SLACK_S
    ]
    if not fitting:
        return None
    return min(
        fitting,
        key=lambda r: (r.synced is None, abs(r.duration_s - query.duration_s) if known else 0),
    )


class LrclibClient:
    """Asks LRCLIB for one track's record."""

    def __init__(
        self,
        url: str | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: httpx.Timeout = TIMEOUT,
    ):
        self.problem = ""  # a bad SPOTUI_LRCLIB_URL: each find says so, sending nothing
        try:
            self.url = (url or base_url()).rstrip("/")
        except LyricsUnavailable as exc:
            self.url, self.problem = "", exc.message
        self._http = httpx.AsyncClient(
            transport=transport,
            timeout=timeout,
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            follow_redirects=False,
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def find(self, query: TrackQuery) -> Record | None:
        """The track's record: ``get`` first, then the best of a ``search``; None when
        LRCLIB has none."""
        record = await self.get(query)
        if record is not None:
            return record
        return best_match(await self.search(query), query)

    async def get(self, query: TrackQuery) -> Record | None:
        params = {"track_name": query.title, "artist_name": query.artist}
        if query.album:
            params["album_name"] = query.album
        if 0 < query.duration_s <= MAX_DURATION_S:
            params["duration"] = str(round(query.duration_s))
        data = await self._ask("/api/get", params)
        if data is None:
            return None
        record = Record.from_json(data)
        if record is None:
            raise LyricsUnavailable("LRCLIB sent an answer that is not a lyrics record.")
        return record

    async def search(self, query: TrackQuery) -> list[Record]:
        data = await self._ask(
            "/api/search", {"track_name": query.title, "artist_name": query.artist}
        )
        if data is None:
            return []
        if not isinstance(data, list):
            raise LyricsUnavailable("LRCLIB sent a search answer that is not a list.")
        records = (Record.from_json(item) for item in data[:MAX_RECORDS])
        return [record for record in records if record is not None]

    async def _ask(self, path: str, params: dict[str, str]) -> Any:
        """The JSON of one answer; None for LRCLIB's own 404 (no such track)."""
        if self.problem:
            raise LyricsUnavailable(self.problem)
        try:
            async with self._http.stream("GET", self.url + path, params=params) as response:
                status = response.status_code
                if status not in (200, 404):
                    raise LyricsUnavailable(f"LRCLIB answered {status}.")
                body = await _bounded(response)
        except httpx.TimeoutException:
            raise LyricsUnavailable("LRCLIB did not answer in time.") from None
        except httpx.HTTPError:
            raise LyricsUnavailable("LRCLIB could not be reached. Are you offline?") from None
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            data = None
            if status == 200:
                raise LyricsUnavailable("LRCLIB sent something that is not JSON.") from None
        if status == 404:
            if not _lrclib_miss(data):  # another server's 404 is no miss to keep for a day
                raise LyricsUnavailable("LRCLIB answered 404 with a page that is not LRCLIB's.")
            return None
        return data


def _lrclib_miss(data: Any) -> bool:
    """LRCLIB's own 404: ``{"code": 404, "name": ..., "message": ...}`` (or
    ``statusCode``, as the live server has been seen to send)."""
    return isinstance(data, dict) and 404 in (data.get("code"), data.get("statusCode"))


async def _bounded(response: httpx.Response) -> bytes:
    length = response.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_BODY_BYTES:
        raise LyricsUnavailable("LRCLIB's answer was too large to read.")
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise LyricsUnavailable("LRCLIB's answer was too large to read.")
    return bytes(body)
