"""The transport under the typed endpoints: one request with the token, retries with
backoff, the rate-limit gate (kept across runs when long), ETags and checked paging."""

from __future__ import annotations

import asyncio
import contextvars
import logging
import math
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from email.utils import parsedate_to_datetime
from typing import Any, Final, Protocol, Self, TypeVar

import httpx

from spotui.spotify import tls
from spotui.spotify.auth import Endpoints, token_is_well_formed
from spotui.spotify.errors import (
    AuthExpired,
    NetworkError,
    ProtocolError,
    RateLimited,
    ServerError,
    SpotifyError,
    Unavailable,
    api_error,
)
from spotui.spotify.models import Paging
from spotui.spotify.session import Session

T = TypeVar("T")

log = logging.getLogger("spotui.http")
_IDEMPOTENT = frozenset({"GET", "PUT", "DELETE", "HEAD"})

# After a 429: never less than a second, growing with each 429 in a row, whatever
# Retry-After says; an unreadable header counts as the default; never more than 3 h.
MIN_WAIT_S: Final = 1.0
DEFAULT_RETRY_AFTER_S: Final = 5.0
MAX_BACKOFF_S: Final = 64.0
MAX_WAIT_S: Final = 3 * 3600.0
REMEMBER_WAIT_S: Final = 60.0  # a wait this long is kept for the next spotui process too
MAX_PAGES: Final = 10_000  # the most pages one read follows

ON_HOLD: contextvars.ContextVar[Callable[[float], None] | None] = contextvars.ContextVar(
    "spotui_on_hold", default=None
)
"""Set around a call to hear of each wait of its requests at the rate-limit gate
(the seconds, before the wait): the hub tells the user when a command is held."""

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


class Transport:
    """Sends requests to the Web API for one signed-in :class:`Session`.

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
        return f"{type(self).__name__}(api_url={self.endpoints.api_url!r})"

    async def __aenter__(self) -> Self:
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
            if (on_hold := ON_HOLD.get()) is not None:
                on_hold(remaining)
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
