"""Faults and states the fake can be told to show, and the answers they give."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import httpx

from spotui.fake.responses import html, json_response, retry_after, text

ALLOWLIST_403 = "User not registered in the Developer Dashboard"

HOSTILE = (
    "\x1b]0;PWNED\x07"  # OSC: sets the terminal's title
    "\x1b[2J\x1b[H"  # CSI: clears the screen
    "\x9b31m"  # C1 CSI
    "\x1b]8;;https://example.invalid/\x1b\\link\x1b]8;;\x1b\\"  # OSC 8 hyperlink
    "Evil\rOver"  # CR: back to the line's start
    " [/] [/bold] x [bold]M[/bold] \ud800 "  # Rich markup, a lone surrogate
)
"""What ``hostile_names`` puts before every name: controls, markup, a lone surrogate."""


class FakeTimeout(Exception):
    """The request should hang past the client's timeout."""


class FakeDisconnect(Exception):
    """The connection should drop without an answer."""


@dataclass
class Knobs:
    """Faults and states, settable at start and while the fake runs (``FakeSpotify.set``).

    Counters (``rate_limit``, ``server_errors``, ``timeouts``, ``disconnects``,
    ``truncate_json``) fail that many of the next ``/v1`` requests, then clear.
    """

    latency_ms: int = 0
    rate_limit: int = 0
    retry_after: float = 1.0
    retry_after_header: str = ""  # sent as it is instead of ``retry_after`` (say "abc")
    server_errors: int = 0
    server_error_status: int = 500
    timeouts: int = 0
    hang_s: float = 30.0
    disconnects: int = 0
    truncate_json: int = 0
    token_lifetime_s: int = 3600
    refresh_revoked: bool = False
    rotate_refresh_token: bool = True
    invalidate_rotated: bool = False
    deny_authorize: bool = False
    no_active_device: bool = False
    premium: bool = True
    nothing_playing: bool = False
    episode: bool = False
    ad: bool = False
    # 2026: an app created before February 2026 still gets the deprecated fields and
    # the old /me/tracks save and check; a new one (the default) does not.
    legacy_app: bool = False
    allowlisted: bool = True  # False: every /v1 call answers the plain-text 403
    quota_exceeded: bool = False  # every /v1 call answers 429 QUOTA_EXCEEDED
    quota_retry_after: float = 7200.0
    plain_text_errors: bool = False  # error bodies in plain text, not JSON
    # Paged answers that make no sense (one of BAD_PAGES), on paths that start with
    # ``bad_pages_path`` (every paged answer when empty).
    bad_pages: str = ""
    bad_pages_path: str = ""
    hostile_names: bool = False  # every name in every answer starts with HOSTILE
    daily_top: bool = False  # the top lists move with the clock's day (see WebApi._moved)


BAD_PAGES = ("endless", "self", "repeat", "negative", "empty", "not_a_page")


def injected_fault(knobs: Knobs) -> httpx.Response | None:
    """The next counted fault (and count it down), or ``None`` to answer normally."""
    if knobs.disconnects > 0:
        knobs.disconnects -= 1
        raise FakeDisconnect()
    if knobs.timeouts > 0:
        knobs.timeouts -= 1
        raise FakeTimeout()
    if knobs.rate_limit > 0:
        knobs.rate_limit -= 1
        return json_response(
            429,
            {"error": {"status": 429, "message": "API rate limit exceeded"}},
            {"Retry-After": knobs.retry_after_header}
            if knobs.retry_after_header
            else retry_after(knobs.retry_after),
        )
    if knobs.server_errors > 0:
        knobs.server_errors -= 1
        status = knobs.server_error_status
        if status == 502:  # the gateway answers in HTML, not JSON
            return html(502, "Bad gateway.")
        message = {500: "Server error.", 503: "Service unavailable"}.get(status, "Error")
        return json_response(status, {"error": {"status": status, "message": message}})
    return None


def development_mode_refusal(knobs: Knobs) -> httpx.Response | None:
    """What Spotify answers an app in Development Mode before it looks at the request."""
    if not knobs.allowlisted:
        return text(403, ALLOWLIST_403)
    if knobs.quota_exceeded:
        body = {
            "error": {
                "status": 429,
                "message": "API rate limit exceeded",
                "reason": "QUOTA_EXCEEDED",
            }
        }
        return json_response(429, body, retry_after(knobs.quota_retry_after))
    return None


def truncated(knobs: Knobs, response: httpx.Response) -> httpx.Response:
    """The response cut in half, while the ``truncate_json`` counter lasts."""
    if (
        knobs.truncate_json > 0
        and response.content
        and response.headers.get("Content-Type", "").startswith("application/json")
    ):
        knobs.truncate_json -= 1
        cut = response.content[: max(1, len(response.content) // 2)]
        return httpx.Response(
            response.status_code, content=cut, headers={"Content-Type": "application/json"}
        )
    return response


def bad_page(knobs: Knobs, request: httpx.Request, response: httpx.Response) -> httpx.Response:
    """A paged answer made wrong as ``bad_pages`` says:

    - ``endless``: a billion items, and always a ``next``;
    - ``self``: the first page, whatever offset was asked, with a ``next`` to the second;
    - ``repeat``: the same ``next`` on every page, and more items than there are;
    - ``negative``: ``"limit": -50, "next": "x"``, as an adversarial run sent;
    - ``empty``: no items, and a ``next`` and a total that say more follow;
    - ``not_a_page``: a 200 whose body is no paging object at all.
    """
    if (
        knobs.bad_pages not in BAD_PAGES
        or response.status_code != 200
        or not request.url.path.startswith(knobs.bad_pages_path)
    ):
        return response
    try:
        body: Any = json.loads(response.content)
    except ValueError:
        return response
    if not (isinstance(body, dict) and isinstance(body.get("items"), list) and "next" in body):
        return response
    base = str(request.url.copy_with(query=None))
    offset, limit = body.get("offset", 0), body.get("limit", 50)
    match knobs.bad_pages:
        case "endless":
            body.update(total=10**9, next=f"{base}?offset={offset + limit}&limit={limit}")
        case "self":
            body.update(offset=0, total=10 * limit, next=f"{base}?offset={limit}&limit={limit}")
        case "repeat":
            body.update(total=body.get("total", 0) + 10 * limit, next=f"{base}?offset=x")
        case "negative":
            body.update(limit=-50, next="x")
        case "empty":
            body.update(items=[], total=10 * limit, next=f"{base}?offset={offset + limit}")
        case "not_a_page":
            body = {"message": "not a page"}
    return json_response(200, body)


def hostile(knobs: Knobs, response: httpx.Response) -> httpx.Response:
    """The answer with :data:`HOSTILE` before every name, while ``hostile_names`` is on."""
    if not knobs.hostile_names or not response.headers.get("Content-Type", "").startswith(
        "application/json"
    ):
        return response
    try:
        body = json.loads(response.content)
    except ValueError:
        return response  # a truncated answer stays truncated
    return httpx.Response(
        response.status_code,
        content=json.dumps(_renamed(body)).encode(),  # ASCII: a lone surrogate escaped
        headers={k: v for k, v in response.headers.items() if k.lower() != "content-length"},
    )


def _renamed(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            key: HOSTILE + item
            if key in ("name", "display_name") and isinstance(item, str)
            else _renamed(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_renamed(item) for item in value]
    return value
