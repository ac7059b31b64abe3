"""An async Spotify Web API client: tokens, retries, rate limits and typed methods."""

from __future__ import annotations

import asyncio
import logging
import math
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import replace
from email.utils import parsedate_to_datetime
from typing import Any, Final, Literal, Protocol, TypeVar

import httpx

from spotui.spotify import tls
from spotui.spotify.auth import Endpoints, token_is_well_formed
from spotui.spotify.errors import (
    AuthExpired,
    NetworkError,
    NotFound,
    ProtocolError,
    RateLimited,
    ServerError,
    SpotifyError,
    Unavailable,
    api_error,
)
from spotui.spotify.models import (
    Album,
    Artist,
    CursorPage,
    Device,
    Item,
    Paging,
    Playback,
    PlayHistory,
    Playlist,
    Queue,
    RepeatMode,
    SavedTrack,
    SearchResults,
    TimeRange,
    Track,
    User,
    parse_devices,
    parse_playlist_entry,
)
from spotui.spotify.session import Session

T = TypeVar("T")

log = logging.getLogger("spotui.http")
URIS_PER_LIBRARY_CALL: Final = 40
SEARCH_LIMIT: Final = 10  # results a type per search request, at most (2026)
ALBUMS_PAGE: Final = 10  # an artist's albums a request, at most (2026)
ALBUM_TRACKS_PAGE: Final = 50  # an album's tracks a request, at most
ALBUM_TRACKS_MAX: Final = 1000  # an album's tracks read, at most (20 requests)
SearchType = Literal["track", "artist", "album", "playlist"]
SEARCH_TYPES: Final[tuple[SearchType, ...]] = ("track", "artist", "album", "playlist")
_IDEMPOTENT = frozenset({"GET", "PUT", "DELETE", "HEAD"})

# After a 429: never less than a second, growing with each 429 in a row, whatever
# Retry-After says; an unreadable header counts as the default; never more than 3 h.
MIN_WAIT_S: Final = 1.0
DEFAULT_RETRY_AFTER_S: Final = 5.0
MAX_BACKOFF_S: Final = 64.0
MAX_WAIT_S: Final = 3 * 3600.0
REMEMBER_WAIT_S: Final = 60.0  # a wait this long is kept for the next spotui process too
MAX_PAGES: Final = 10_000  # the most pages one read follows

# What each endpoint is for, so that a 403 can say which feature is unavailable.
FEATURES: Final = (
    ("/me/library", "Saving to your library"),
    ("/me/tracks", "Saved tracks"),
    ("/me/top", "Top lists"),
    ("/me/player/recently-played", "Recently played"),
    ("/me/playlists", "Your playlists"),
    ("/me/player", "The player"),
    ("/me", "Your profile"),
)


def feature_of(path: str) -> str | None:
    return next((name for prefix, name in FEATURES if path.startswith(prefix)), None)


class GateStore(Protocol):
    """Keeps a long rate-limit wait across runs, so no spotui process asks before it ends."""

    def load(self) -> tuple[float, bool] | None:
        """(wall-clock time the wait ends, whether it is the quota), or None."""
        ...

    def save(self, until: float, quota: bool) -> None:
        """Remember that no request may leave before ``until`` (wall-clock)."""
        ...


class NotModified:
    """What a conditional GET returns when the resource has not changed (304)."""

    def __repr__(self) -> str:
        return "NOT_MODIFIED"


NOT_MODIFIED: Final = NotModified()


def _chunks(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _raw_count(data: Any) -> int:
    """How many entries a page's JSON holds, before the ones spotui cannot use are dropped."""
    items = data.get("items") if isinstance(data, dict) else None
    return len(items) if isinstance(items, list) else 0


def checked_page(page: Paging[T], data: Any, offset: int, page_size: int, what: str) -> Paging[T]:
    """The page at ``offset``, if it is one a read can go on from; else a ProtocolError
    that says what was wrong and that the read stopped there.

    Refused: an answer that is not a page, a limit below 1, a page at another offset
    than asked (a ``next`` that does not move), an empty page that says more follow,
    and a total past MAX_PAGES pages."""

    def stop(why: str) -> ProtocolError:
        return ProtocolError(f"Spotify sent {why} while listing {what}; spotui stopped there.")

    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise stop("an answer that is not a page")
    if page.limit < 1:
        raise stop(f"a page with limit {page.limit}")
    if page.offset != offset:
        raise stop(f"the page at {page.offset} when asked for the one at {offset}")
    if _raw_count(data) == 0 and page.next is not None and page.total > offset:
        raise stop("an empty page that says more follow")
    if page.total > MAX_PAGES * page_size:
        raise stop(f"a total of {page.total:,}: more than {MAX_PAGES:,} pages")
    return page


def _header_seconds(value: str | None, now: float) -> float:
    """``Retry-After`` in seconds: a number or an HTTP date; the default when unreadable."""
    if value is None:
        return DEFAULT_RETRY_AFTER_S
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = parsedate_to_datetime(value).timestamp() - now
        except (TypeError, ValueError, IndexError, OverflowError):
            return DEFAULT_RETRY_AFTER_S
    if math.isnan(seconds):
        return DEFAULT_RETRY_AFTER_S
    return seconds


def retry_after(response: httpx.Response, streak: int, now: float) -> float:
    """How long to wait after the ``streak``-th 429 in a row (1, 2, …)."""
    asked = _header_seconds(response.headers.get("Retry-After"), now)
    backoff = min(MAX_BACKOFF_S, MIN_WAIT_S * 2.0 ** max(0, streak - 1))
    return min(MAX_WAIT_S, max(asked, backoff, MIN_WAIT_S))


def _spotify_said(response: httpx.Response) -> tuple[str, str | None]:
    """(message, reason) from an error answer, whatever its body: JSON or plain text."""
    try:
        body = response.json()
    except (ValueError, RecursionError):
        body = None
    if body is None:
        text = response.content.decode("utf-8", "replace").strip()
        html = "html" in response.headers.get("Content-Type", "") or text.startswith("<")
        return ("" if html else " ".join(text.split())[:200]), None
    message, reason = "", None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        said, why = error.get("message"), error.get("reason")
        message = said if isinstance(said, str) else ""
        reason = why if isinstance(why, str) else None
    elif isinstance(error, str):
        description = body.get("error_description") if isinstance(body, dict) else None
        message = description if isinstance(description, str) else error
    return message, reason


def _error_from(response: httpx.Response, path: str) -> SpotifyError:
    """Turn an error answer into a typed exception."""
    message, reason = _spotify_said(response)
    return api_error(response.status_code, message, reason, feature=feature_of(path))


class SpotifyClient:
    """Talks to the Web API for one signed-in :class:`Session`.

    - The access token is reused until a minute before it expires; a 401
      refreshes once and retries once.
    - A 429 closes a gate for ``Retry-After`` seconds: no request to the API
      leaves until it opens. A wait longer than ``max_wait`` raises
      :class:`RateLimited` at once instead of blocking the caller.
    - 5xx answers, connection errors and timeouts are retried ``retries``
      times with exponential backoff and jitter. A timed-out POST (skip) is
      not retried, so one key press never skips twice.
    """

    def __init__(
        self,
        session: Session,
        *,
        endpoints: Endpoints | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 10.0,
        retries: int = 3,
        backoff_base: float = 0.5,
        backoff_cap: float = 8.0,
        max_wait: float = 30.0,
        rate_limit_retries: int = 3,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        clock: Callable[[], float] = time.time,
        gate_store: GateStore | None = None,
    ):
        self.session = session
        self.endpoints = endpoints or session.endpoints
        self.http = httpx.AsyncClient(
            transport=transport,
            verify=tls.context() if transport is None else True,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            headers={"Accept": "application/json"},
        )
        self.retries = retries
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.max_wait = max_wait
        self.rate_limit_retries = rate_limit_retries
        self._sleep = sleep
        self._monotonic = monotonic
        self._clock = clock
        self._gate_store = gate_store
        self._blocked_until = 0.0
        self._quota = False  # the gate is closed for the app's whole quota
        self._streak = 0  # 429s in a row, across requests
        self._refused: dict[str, SpotifyError] = {}  # endpoints closed to this app
        stored = gate_store.load() if gate_store else None
        if stored is not None and stored[0] > clock():
            self._blocked_until = monotonic() + min(MAX_WAIT_S, stored[0] - clock())
            self._quota = stored[1]

    def __repr__(self) -> str:
        return f"SpotifyClient(api_url={self.endpoints.api_url!r})"

    async def __aenter__(self) -> SpotifyClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self.http.aclose()

    # --- plumbing -------------------------------------------------------------------

    @property
    def rate_limited_for(self) -> float:
        """Seconds left before the API may be asked again (0 when it may now)."""
        return max(0.0, self._blocked_until - self._monotonic())

    @property
    def rate_limiting(self) -> bool:
        """True while Spotify is rate limiting: the gate is closed, or the last answer
        was a 429 (a chore can wait; the player cannot)."""
        return self._streak > 0 or self.rate_limited_for > 0

    @property
    def quota_used_up(self) -> bool:
        """True while Spotify's request quota for the app is used up."""
        return self._quota and self.rate_limited_for > 0

    async def _wait_for_gate(self) -> None:
        while (remaining := self.rate_limited_for) > 0:
            if remaining > self.max_wait or self._quota:
                raise RateLimited(remaining, quota=self._quota, now=self._clock())
            await self._sleep(remaining)
        self._quota = False

    def _close_gate(self, wait: float, quota: bool) -> None:
        """No request leaves for ``wait`` seconds; a long wait is kept for later runs."""
        self._blocked_until = max(self._blocked_until, self._monotonic() + wait)
        self._quota = self._quota or quota
        if self._gate_store is not None and (quota or wait >= REMEMBER_WAIT_S):
            try:
                self._gate_store.save(self._clock() + self.rate_limited_for, self._quota)
            except OSError as exc:
                log.warning("could not keep the rate-limit wait: %s", type(exc).__name__)

    async def _backoff(self, attempt: int) -> None:
        delay = min(self.backoff_cap, self.backoff_base * 2**attempt)
        await self._sleep(delay * random.uniform(0.5, 1.0))

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """Send one API request with every retry rule above; return the good answer."""
        url = f"{self.endpoints.api_url}{path}"
        endpoint = f"{method} {path}"
        if endpoint in self._refused:  # Spotify closed it to this app: do not ask again
            raise self._refused[endpoint]
        if params:
            params = {key: value for key, value in params.items() if value is not None}
        failures = 0
        limited = 0
        refreshed = False
        stale: str | None = None
        while True:
            await self._wait_for_gate()
            token = await self.session.access_token(self.http, stale=stale)
            stale = None
            if not token_is_well_formed(token):  # it would never reach Spotify intact
                raise AuthExpired(
                    "The access token is not valid (it holds spaces, line breaks or characters "
                    "Spotify never uses). Sign in again with `spotui auth`."
                )
            try:
                response = await self.http.request(
                    method,
                    url,
                    params=params,
                    json=json,
                    headers={"Authorization": f"Bearer {token}", **(headers or {})},
                )
            except httpx.TimeoutException as exc:
                log.debug("%s %s timed out", method, path)
                if method in _IDEMPOTENT and failures < self.retries:
                    await self._backoff(failures)
                    failures += 1
                    continue
                raise NetworkError("Spotify did not answer in time.") from exc
            except httpx.TransportError as exc:
                log.debug("%s %s failed: %s", method, path, type(exc).__name__)
                if failures < self.retries:
                    await self._backoff(failures)
                    failures += 1
                    continue
                raise NetworkError("Could not reach Spotify. Are you offline?") from exc

            status = response.status_code
            log.debug("%s %s -> %s", method, path, status)
            if status == 401:
                if refreshed:
                    raise AuthExpired("Spotify refused the sign-in even after a refresh.")
                refreshed, stale = True, token
                continue
            if status == 429:
                self._streak += 1
                wait = retry_after(response, self._streak, self._clock())
                quota = _spotify_said(response)[1] == "QUOTA_EXCEEDED"
                log.info("rate limited%s: waiting %.1f s", " (quota)" if quota else "", wait)
                self._close_gate(wait, quota)
                if quota or limited >= self.rate_limit_retries:
                    raise RateLimited(wait, quota=quota, now=self._clock())
                limited += 1
                continue
            self._streak = 0
            if status >= 500:
                if failures < self.retries:
                    await self._backoff(failures)
                    failures += 1
                    continue
                raise ServerError(
                    f"Spotify is having trouble (HTTP {status}); try again shortly.",
                    status=status,
                )
            if status >= 400:
                error = _error_from(response, path)
                if isinstance(error, Unavailable):
                    self._refused[endpoint] = error
                raise error
            return response

    @staticmethod
    def _json(response: httpx.Response) -> Any:
        if response.status_code in (204, 304) or not response.content:
            return None
        try:
            return response.json()
        except (ValueError, RecursionError):
            raise ProtocolError(
                "Spotify sent an answer spotui could not read.", status=response.status_code
            ) from None

    async def _get(self, path: str, **params: Any) -> Any:
        return self._json(await self.request("GET", path, params=params))

    async def _conditional(
        self, path: str, etag: str | None, params: dict[str, Any]
    ) -> tuple[Any, str | None] | NotModified:
        headers = {"If-None-Match": etag} if etag else None
        response = await self.request("GET", path, params=params, headers=headers)
        if response.status_code == 304:
            return NOT_MODIFIED
        return self._json(response), response.headers.get("ETag")

    async def pages(
        self,
        path: str,
        parse: Callable[[Any], T | None],
        what: str,
        *,
        page_size: int = 50,
        **params: Any,
    ) -> AsyncIterator[Paging[T]]:
        """Every page of an offset-paged list, one after another, each checked by
        :func:`checked_page`; a ``next`` seen before, or more than MAX_PAGES pages, also
        ends the read with a ProtocolError."""
        offset = 0
        seen: set[str] = set()
        for _ in range(MAX_PAGES):
            data = await self._get(path, **params, limit=page_size, offset=offset)
            page = checked_page(Paging.from_json(data, parse), data, offset, page_size, what)
            yield page
            offset += min(page.limit, page_size)
            if page.next is None or offset >= page.total or _raw_count(data) == 0:
                return
            if page.next in seen:
                raise ProtocolError(
                    f"Spotify sent a page that points back to an earlier one while listing "
                    f"{what}; spotui stopped there."
                )
            seen.add(page.next)
        raise ProtocolError(
            f"Spotify sent more than {MAX_PAGES:,} pages of {what}; spotui stopped there."
        )

    # --- the player ---------------------------------------------------------------

    async def playback(self) -> Playback | None:
        """The full player state; None when nothing is active (204)."""
        data = await self._get("/me/player", additional_types="episode")
        return None if data is None else Playback.from_json(data)

    async def currently_playing(self) -> Playback | None:
        """What plays now, without device, shuffle and repeat; None on 204."""
        data = await self._get("/me/player/currently-playing", additional_types="episode")
        return None if data is None else Playback.from_json(data)

    async def devices(self) -> tuple[Device, ...]:
        """Your Spotify Connect devices (an id or a volume may be None)."""
        return parse_devices(await self._get("/me/player/devices"))

    async def play(
        self,
        *,
        device_id: str | None = None,
        context_uri: str | None = None,
        uris: Sequence[str] | None = None,
        offset: int | str | None = None,
        position_ms: int | None = None,
    ) -> None:
        """Resume, or start a context or a list of tracks."""
        body: dict[str, Any] = {}
        if context_uri:
            body["context_uri"] = context_uri
        if uris:
            body["uris"] = list(uris)
        if offset is not None:
            body["offset"] = {"position": offset} if isinstance(offset, int) else {"uri": offset}
        if position_ms is not None:
            body["position_ms"] = max(0, position_ms)
        await self.request(
            "PUT", "/me/player/play", params={"device_id": device_id}, json=body or None
        )

    async def pause(self, *, device_id: str | None = None) -> None:
        """Pause (Premium; ``NoActiveDevice`` when nothing is open to play on)."""
        await self.request("PUT", "/me/player/pause", params={"device_id": device_id})

    async def next(self, *, device_id: str | None = None) -> None:
        """Skip to the next track."""
        await self.request("POST", "/me/player/next", params={"device_id": device_id})

    async def previous(self, *, device_id: str | None = None) -> None:
        """Go back to the previous track."""
        await self.request("POST", "/me/player/previous", params={"device_id": device_id})

    async def seek(self, position_ms: int, *, device_id: str | None = None) -> None:
        """Seek to ``position_ms`` in the playing track."""
        params = {"position_ms": max(0, int(position_ms)), "device_id": device_id}
        await self.request("PUT", "/me/player/seek", params=params)

    async def set_volume(self, percent: int, *, device_id: str | None = None) -> None:
        """Set the volume, 0 to 100 (some devices refuse: ``supports_volume``)."""
        params = {"volume_percent": min(100, max(0, int(percent))), "device_id": device_id}
        await self.request("PUT", "/me/player/volume", params=params)

    async def set_shuffle(self, state: bool, *, device_id: str | None = None) -> None:
        """Turn shuffle on or off."""
        params = {"state": "true" if state else "false", "device_id": device_id}
        await self.request("PUT", "/me/player/shuffle", params=params)

    async def set_repeat(self, mode: RepeatMode, *, device_id: str | None = None) -> None:
        """Repeat ``off``, ``track`` or ``context``."""
        await self.request(
            "PUT", "/me/player/repeat", params={"state": mode, "device_id": device_id}
        )

    async def transfer(self, device_id: str, *, play: bool = True) -> None:
        """Move playback to another device."""
        await self.request("PUT", "/me/player", json={"device_ids": [device_id], "play": play})

    # --- the user's lists ---------------------------------------------------------

    async def top_json(
        self,
        kind: Literal["tracks", "artists"],
        time_range: TimeRange = "medium_term",
        *,
        limit: int = 20,
        offset: int = 0,
        etag: str | None = None,
    ) -> tuple[Any, str | None] | NotModified:
        """The raw top list and its ETag (for a cache); NOT_MODIFIED when ``etag`` matches."""
        params = {"time_range": time_range, "limit": limit, "offset": offset}
        return await self._conditional(f"/me/top/{kind}", etag, params)

    async def top_tracks(
        self,
        time_range: TimeRange = "medium_term",
        *,
        limit: int = 20,
        offset: int = 0,
        etag: str | None = None,
    ) -> Paging[Track] | NotModified:
        """The user's top tracks; NOT_MODIFIED when ``etag`` still matches."""
        return await self._top("tracks", Track.from_json, time_range, limit, offset, etag)

    async def top_artists(
        self,
        time_range: TimeRange = "medium_term",
        *,
        limit: int = 20,
        offset: int = 0,
        etag: str | None = None,
    ) -> Paging[Artist] | NotModified:
        """The user's top artists; NOT_MODIFIED when ``etag`` still matches."""
        return await self._top("artists", Artist.from_json, time_range, limit, offset, etag)

    async def _top(
        self,
        kind: Literal["tracks", "artists"],
        parse: Callable[[Any], T | None],
        time_range: TimeRange,
        limit: int,
        offset: int,
        etag: str | None,
    ) -> Paging[T] | NotModified:
        answer = await self.top_json(kind, time_range, limit=limit, offset=offset, etag=etag)
        if isinstance(answer, NotModified):
            return answer
        return Paging.from_json(answer[0], parse, etag=answer[1])

    async def recently_played(
        self, *, limit: int = 50, before: int | None = None, after: int | None = None
    ) -> CursorPage[PlayHistory]:
        """Recently played tracks, newest first (50 at most; ``before`` or ``after`` in ms)."""
        if before is not None and after is not None:
            raise ValueError("give before or after, not both")
        data = await self._get(
            "/me/player/recently-played", limit=limit, before=before, after=after
        )
        return CursorPage.from_json(data, PlayHistory.from_json)

    async def saved_tracks(self, *, limit: int = 50, offset: int = 0) -> Paging[SavedTrack]:
        """One page of the saved library (``total`` gives its size)."""
        data = await self._get("/me/tracks", limit=limit, offset=offset)
        return Paging.from_json(data, SavedTrack.from_json)

    async def iter_saved_tracks(
        self, *, page_size: int = 50, concurrency: int = 4
    ) -> AsyncIterator[Paging[SavedTrack]]:
        """Every saved track, page by page: the first page first, then the rest
        fetched by ``concurrency`` workers and yielded as they arrive (each page
        knows its ``offset``). At most ``concurrency`` pages wait at a time, so
        a library of any size is never held in memory here. Each page is checked
        as :func:`checked_page` says, so a read that makes no sense stops."""

        async def page_at(offset: int) -> Paging[SavedTrack]:
            data = await self._get("/me/tracks", limit=page_size, offset=offset)
            page = Paging.from_json(data, SavedTrack.from_json)
            return checked_page(page, data, offset, page_size, "your saved tracks")

        first = await page_at(0)
        yield first
        offsets = iter(range(page_size, first.total, page_size))
        ready: asyncio.Queue[Paging[SavedTrack] | BaseException] = asyncio.Queue(
            maxsize=max(1, concurrency)
        )

        async def worker() -> None:
            for offset in offsets:  # shared: each offset goes to one worker
                try:
                    page = await page_at(offset)
                except Exception as exc:  # handed to the reader, who raises it
                    await ready.put(exc)
                    return
                await ready.put(page)

        workers = [asyncio.ensure_future(worker()) for _ in range(max(1, concurrency))]
        remaining = len(range(page_size, first.total, page_size))
        try:
            while remaining:
                item = await ready.get()
                if isinstance(item, BaseException):
                    raise item
                remaining -= 1
                yield item
        finally:
            for task in workers:
                task.cancel()
            await asyncio.gather(*workers, return_exceptions=True)

    async def save_to_library(self, uris: Sequence[str]) -> None:
        """Save tracks (or albums, episodes, shows, playlists) by URI, 40 a call."""
        for chunk in _chunks(uris, URIS_PER_LIBRARY_CALL):
            await self.request("PUT", "/me/library", params={"uris": ",".join(chunk)})

    async def remove_from_library(self, uris: Sequence[str]) -> None:
        """Remove items from the library by URI, 40 a call."""
        for chunk in _chunks(uris, URIS_PER_LIBRARY_CALL):
            await self.request("DELETE", "/me/library", params={"uris": ",".join(chunk)})

    async def in_library(self, uris: Sequence[str]) -> list[bool]:
        """Whether each URI is in the user's library, in the order given."""
        answer: list[bool] = []
        for chunk in _chunks(uris, URIS_PER_LIBRARY_CALL):
            data = await self._get("/me/library/contains", uris=",".join(chunk))
            flags = data if isinstance(data, list) else []
            answer.extend(flag is True for flag in flags[: len(chunk)])
            answer.extend([False] * (len(chunk) - len(flags)))
        return answer

    async def image(self, url: str, *, max_bytes: int = 4_000_000) -> bytes:
        """Cover art bytes. Image hosts are public: no token is sent."""
        try:
            response = await self.http.get(url)
        except httpx.HTTPError as exc:
            raise NetworkError("Could not fetch the cover art.") from exc
        if response.status_code != 200 or len(response.content) > max_bytes:
            raise NotFound("The cover art is not available.", status=response.status_code)
        return response.content

    # --- the queue --------------------------------------------------------------------

    async def queue(self) -> Queue:
        """What plays now and next (about 20 items; queued ones are not marked)."""
        return Queue.from_json(await self._get("/me/player/queue"))

    async def add_to_queue(self, uri: str, *, device_id: str | None = None) -> None:
        """Put a track or episode at the end of the queue (Premium)."""
        await self.request("POST", "/me/player/queue", params={"uri": uri, "device_id": device_id})

    # --- search and the catalogue ---------------------------------------------------

    async def search(
        self,
        query: str,
        types: Sequence[SearchType] = SEARCH_TYPES,
        *,
        limit: int = SEARCH_LIMIT,
        offset: int = 0,
    ) -> SearchResults:
        """One page of results per type, at most 10 each (Spotify's 2026 cap).

        ``query`` may hold Spotify's field filters: ``artist:``, ``album:``,
        ``track:``, ``year:1990-1999``, ``genre:``.
        """
        data = await self._get(
            "/search",
            q=query,
            type=",".join(types),
            limit=min(max(limit, 1), SEARCH_LIMIT),
            offset=offset,
        )
        return SearchResults.from_json(data)

    async def album(self, album_id: str) -> tuple[Album, tuple[Track, ...]]:
        """An album and its tracks, each knowing its album. ``GET /albums/{id}`` embeds
        the first page (50); the rest are paged from ``/albums/{id}/tracks``, up to
        ``ALBUM_TRACKS_MAX``. Paging stops at an empty page or a ``next`` that does not
        move, so a wrong answer costs a request, not a loop."""
        answer = await self._get(f"/albums/{album_id}")
        data = answer if isinstance(answer, dict) else {}
        album = Album.from_json(data) or Album(name="Unknown album", id=album_id)
        page = Paging.from_json(data.get("tracks"), Track.from_json)
        tracks = list(page.items)
        while page.next and page.items and len(tracks) < ALBUM_TRACKS_MAX:
            offset = page.offset + max(page.limit, len(page.items))
            following = await self.album_tracks(album_id, offset=offset)
            if following.offset != offset or following.next == page.next:
                break
            tracks.extend(following.items)
            page = following
        return album, tuple(replace(track, album=album) for track in tracks[:ALBUM_TRACKS_MAX])

    async def album_tracks(
        self, album_id: str, *, limit: int = ALBUM_TRACKS_PAGE, offset: int = 0
    ) -> Paging[Track]:
        """One page of an album's tracks (50 at most; they carry no album)."""
        data = await self._get(
            f"/albums/{album_id}/tracks",
            limit=min(max(limit, 1), ALBUM_TRACKS_PAGE),
            offset=max(offset, 0),
        )
        return Paging.from_json(data, Track.from_json)

    async def artist_albums(
        self, artist_id: str, *, limit: int = ALBUMS_PAGE, offset: int = 0
    ) -> Paging[Album]:
        """An artist's albums and singles, newest first, 10 a page at most."""
        data = await self._get(
            f"/artists/{artist_id}/albums",
            include_groups="album,single",
            limit=min(max(limit, 1), ALBUMS_PAGE),
            offset=offset,
        )
        return Paging.from_json(data, Album.from_json)

    # --- playlists --------------------------------------------------------------------

    async def my_playlists(self) -> tuple[Playlist, ...]:
        """Every playlist in the user's library: owned, collaborative and followed."""
        found: list[Playlist] = []
        async for page in self.pages("/me/playlists", Playlist.from_json, "your playlists"):
            found.extend(page.items)
        return tuple(found)

    async def playlist_items(
        self, playlist_id: str, *, limit: int = 50, offset: int = 0
    ) -> Paging[Item]:
        """One page of a playlist's tracks and episodes. Spotify answers 403
        (``Forbidden``) for a playlist the user neither owns nor collaborates on."""
        data = await self._get(
            f"/playlists/{playlist_id}/items",
            limit=limit,
            offset=offset,
            additional_types="episode",  # without it an episode comes shaped as a track
        )
        return Paging.from_json(data, parse_playlist_entry)

    def all_playlist_items(self, playlist_id: str) -> AsyncIterator[Paging[Item]]:
        """Every page of a playlist's items (``Forbidden`` as for :meth:`playlist_items`)."""
        return self.pages(
            f"/playlists/{playlist_id}/items", parse_playlist_entry, "a playlist's items"
        )

    async def add_to_playlist(self, playlist_id: str, uris: Sequence[str]) -> None:
        """Add tracks or episodes at the end of a playlist you own or collaborate on."""
        path = f"/playlists/{playlist_id}/items"
        for chunk in _chunks(uris, 100):
            await self.request("POST", path, json={"uris": list(chunk)})

    async def me(self) -> User:
        """The signed-in user (Spotify no longer says Premium or country here)."""
        return User.from_json(await self._get("/me"))
