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
    hostile_names: bool = False  # every name in every answer starts with HOSTILE


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
            retry_after(knobs.retry_after),
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
