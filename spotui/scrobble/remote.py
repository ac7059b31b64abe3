"""What the two services share: their errors, and one request with retries and backoff."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from spotui.text import clean

TIMEOUT_S = 10.0
TRIES = 4  # one request and three retries, on a 429, a 5xx or no connection
MOST_WAIT_S = 60.0  # a longer wait is left to the next send
MOST_BODY = 1_000_000  # an answer larger than this is not read whole

Sleep = Callable[[float], Awaitable[None]]
log = logging.getLogger("spotui.scrobble")


class ScrobbleError(Exception):
    """A send failed for now (offline, rate limited, the service down): try later."""

    def __init__(self, message: str, retry_in: float = 60.0):
        super().__init__(message)
        self.message = message
        self.retry_in = retry_in


class Refused(ScrobbleError):
    """The service refused the sign-in (a bad token, a revoked session): scrobbling to
    it stops until ``spotui scrobble setup`` is run again."""


class Rejected(ScrobbleError):
    """The service refused what was sent (bad data): sending it again will not help."""


def backoff(attempt: int) -> float:
    return min(MOST_WAIT_S, 2.0**attempt)


def reset_in(response: httpx.Response) -> float:
    """Seconds until a rate limit lifts, from the headers both services send."""
    for name in ("x-ratelimit-reset-in", "retry-after"):
        raw = response.headers.get(name, "")
        if raw.strip().isdigit():
            return min(float(raw.strip()), 24 * 3600.0)
    return 0.0


def json_body(response: httpx.Response) -> dict[str, Any]:
    """The answer as a JSON object; an empty one when it is not one."""
    if len(response.content) > MOST_BODY:
        return {}
    try:
        data = response.json()
    except (ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def said(data: dict[str, Any], name: str = "message") -> str:
    """A service's own words, cleaned and cut short."""
    value = data.get(name)
    return clean(value)[:200] if isinstance(value, str) else ""


async def send(
    request: Callable[[], Awaitable[httpx.Response]],
    *,
    service: str,
    sleep: Sleep = asyncio.sleep,
    retry: Callable[[httpx.Response], float | None] = lambda _: None,
) -> httpx.Response:
    """Send, retrying a 429, a 5xx or a network failure with backoff (and whatever
    ``retry`` says to retry: seconds to wait, or None). Raises :class:`ScrobbleError`
    when the tries run out."""
    for attempt in range(TRIES):
        last = attempt == TRIES - 1
        try:
            response = await request()
        except httpx.HTTPError as exc:
            log.debug("%s: a request failed: %s", service, type(exc).__name__)
            if last:
                raise ScrobbleError(
                    f"{service} cannot be reached ({type(exc).__name__})."
                ) from None
            await sleep(backoff(attempt))
            continue
        sent = response.request
        log.debug("%s: %s %s -> %s", service, sent.method, sent.url.path, response.status_code)
        wait: float | None = None
        if response.status_code == 429:
            wait = reset_in(response) or backoff(attempt)
            if last or wait > MOST_WAIT_S:
                raise ScrobbleError(f"{service} is rate limiting spotui.", wait)
        elif response.status_code >= 500:
            wait = backoff(attempt)
            if last:
                raise ScrobbleError(f"{service} is not working (HTTP {response.status_code}).", 300)
        else:
            wait = retry(response)
            if wait is not None and last:
                raise ScrobbleError(f"{service} is busy.", max(wait, 60))
        if wait is None:
            return response
        await sleep(wait)
    raise AssertionError("unreachable")
