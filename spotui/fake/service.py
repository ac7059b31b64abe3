"""The fake Spotify service: the accounts endpoints, ``/v1``, and fault knobs.

:meth:`FakeSpotify.handle` turns an ``httpx.Request`` into an ``httpx.Response``.
Two faces share it: :class:`FakeTransport` (in process) and
:mod:`spotui.fake.server` (real HTTP on 127.0.0.1).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import secrets
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from spotui.fake.account import FakeAccount, FakeApiError, iso
from spotui.fake.catalog import ALL_ARTISTS
from spotui.fake.covers import cover_png
from spotui.fake.posture import without_deprecated
from spotui.spotify.auth import SCOPES

DEMO_CLIENT_ID = "5f2c0e8a9b7d4c1e8f3a6b9d0c2e4f61"
DEMO_CLIENT_SECRET = "fake-client-secret-0123456789abcdef"
CODE_LIFETIME_S = 600.0
_PLAYER_PREFIX = "/v1/me/player"
LIBRARY_KINDS = frozenset({"track", "album", "episode", "show", "playlist"})


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


@dataclass
class _Code:
    client_id: str
    redirect_uri: str
    challenge: str | None
    scope: str
    issued_at: float
    used: bool = False


@dataclass
class _Grant:
    """What an issued token may do."""

    client_id: str
    scope: str
    expires_at: float = 0.0
    rotates: bool = field(default=False)


def _json_response(status: int, body: Any, headers: dict[str, str] | None = None):
    return httpx.Response(
        status,
        content=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
    )


def _html(status: int, text: str, headers: dict[str, str] | None = None) -> httpx.Response:
    page = f"<!doctype html><title>Spotify (fake)</title><p>{text}</p>"
    return httpx.Response(
        status, content=page.encode(), headers={"Content-Type": "text/html", **(headers or {})}
    )


def _empty(status: int = 204) -> httpx.Response:
    return httpx.Response(status)


def _text(status: int, text: str, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(
        status,
        content=text.encode(),
        headers={"Content-Type": "text/plain; charset=utf-8", **(headers or {})},
    )


ALLOWLIST_403 = "User not registered in the Developer Dashboard"


def _int_param(params: dict[str, str], key: str, default: int, low: int, high: int) -> int:
    raw = params.get(key)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise FakeApiError(400, f"Invalid {key}") from None
    if not low <= value <= high:
        raise FakeApiError(400, f"Invalid {key}")
    return value


class FakeSpotify:
    """An in-memory Spotify: one account, one registered app, and knobs."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.time,
        library_size: int = 500,
        seed: int = 7,
        **knobs: Any,
    ):
        self.clock = clock
        self.account = FakeAccount(clock=clock, library_size=library_size, seed=seed)
        self.knobs = Knobs()
        self.apps: dict[str, str] = {DEMO_CLIENT_ID: DEMO_CLIENT_SECRET}
        self.redirect_hosts = ("127.0.0.1", "[::1]")
        self.codes: dict[str, _Code] = {}
        self.access_tokens: dict[str, _Grant] = {}
        self.refresh_tokens: dict[str, _Grant] = {}
        self.saved_other: set[str] = set()  # albums, episodes, shows, playlists
        self.requests: Counter[str] = Counter()
        self.log: list[tuple[float, str, str, int]] = []  # (arrival time, method, path, status)
        self._ad_started = 0.0
        self.set(**knobs)

    def __repr__(self) -> str:
        return f"FakeSpotify(knobs={self.knobs})"

    # --- knobs --------------------------------------------------------------------

    def set(self, **changes: Any) -> Knobs:
        """Change knobs. State knobs act on the account at once (episode loads it...)."""
        names = {f.name for f in fields(Knobs)}
        unknown = set(changes) - names
        if unknown:
            raise ValueError(f"unknown knob(s): {', '.join(sorted(unknown))}")
        before = asdict(self.knobs)
        for name, value in changes.items():
            setattr(self.knobs, name, type(before[name])(value))
        if "episode" in changes and changes["episode"] != before["episode"]:
            if self.knobs.episode:
                self.account.load_episode()
            else:
                self.account.load_default()
        if changes.get("ad") and not before["ad"]:
            self._ad_started = self.clock()
        if changes.get("no_active_device") and not before["no_active_device"]:
            self.account.deactivate()
        if (
            "no_active_device" in changes
            and not self.knobs.no_active_device
            and (self.account.active_device is None)
        ):
            self.account.transfer(self.account.devices[1]["id"], None)
        return self.knobs

    def remote_skip(self) -> None:
        """Someone skipped to the next track on another device."""
        self.account.next()

    def register_app(self, client_id: str, secret: str) -> None:
        self.apps[client_id] = secret

    def player_requests(self) -> int:
        """How many ``/v1/me/player`` requests reached the fake."""
        return sum(n for path, n in self.requests.items() if path.startswith(_PLAYER_PREFIX))

    # --- tokens ---------------------------------------------------------------------

    def _issue(self, client_id: str, scope: str, *, rotates: bool) -> dict[str, Any]:
        access = "BQ" + secrets.token_urlsafe(48)
        refresh = "AQ" + secrets.token_urlsafe(64)
        lifetime = self.knobs.token_lifetime_s
        self.access_tokens[access] = _Grant(client_id, scope, self.clock() + lifetime)
        self.refresh_tokens[refresh] = _Grant(client_id, scope, rotates=rotates)
        return {
            "access_token": access,
            "token_type": "Bearer",
            "scope": scope,
            "expires_in": lifetime,
            "refresh_token": refresh,
        }

    def sign_in(self, client_id: str = DEMO_CLIENT_ID, *, pkce: bool = True) -> dict[str, Any]:
        """Tokens for the demo user without the browser dance (demo, tests)."""
        return self._issue(client_id, " ".join(SCOPES), rotates=pkce)

    def transport(self) -> FakeTransport:
        return FakeTransport(self)

    # --- the one entry point ----------------------------------------------------------

    async def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one request as Spotify would (or fail it as a knob says)."""
        path = request.url.path
        if path.startswith("/_fake"):
            return self._control(request)
        self.requests[path] += 1
        arrived = self.clock()
        if self.knobs.latency_ms:
            await asyncio.sleep(self.knobs.latency_ms / 1000)
        if path == "/authorize":
            response = self._authorize(request)
        elif path == "/api/token":
            response = self._token(request)
        elif path.startswith("/v1/"):
            response = self._api(request)
        elif path.startswith("/image/"):
            response = self._cover(path)
        else:
            response = _html(404, "Not found")
        self.log.append((arrived, request.method, path, response.status_code))
        del self.log[:-2000]
        return response

    # --- accounts ---------------------------------------------------------------------

    def _redirect_ok(self, uri: str) -> bool:
        parts = urlsplit(uri)
        if parts.scheme == "https" and parts.netloc:
            return True
        return (
            parts.scheme == "http"
            and parts.hostname is not None
            and any(parts.netloc.startswith(host + ":") for host in self.redirect_hosts)
        )

    def _authorize(self, request: httpx.Request) -> httpx.Response:
        q = dict(request.url.params)
        client_id, redirect = q.get("client_id", ""), q.get("redirect_uri", "")
        if client_id not in self.apps:
            return _html(400, "INVALID_CLIENT: Invalid client")
        if not self._redirect_ok(redirect):
            return _html(400, "INVALID_CLIENT: Invalid redirect URI")
        if q.get("response_type") != "code":
            return _html(400, "unsupported_response_type")
        challenge = q.get("code_challenge")
        if challenge is not None and q.get("code_challenge_method") != "S256":
            return _html(400, "invalid_request: code_challenge_method")
        state = q.get("state")
        answer: dict[str, str]
        if self.knobs.deny_authorize:
            answer = {"error": "access_denied"}
        else:
            code = "AQ" + secrets.token_urlsafe(96)
            self.codes[code] = _Code(
                client_id, redirect, challenge, q.get("scope", ""), self.clock()
            )
            answer = {"code": code}
        if state is not None:
            answer["state"] = state
        return httpx.Response(302, headers={"Location": f"{redirect}?{urlencode(answer)}"})

    def _token_error(self, error: str, description: str) -> httpx.Response:
        return _json_response(400, {"error": error, "error_description": description})

    def _client(self, request: httpx.Request, form: dict[str, str]) -> tuple[str | None, bool]:
        """(client_id, authenticated with a secret) or (None, False) when refused."""
        header = request.headers.get("Authorization", "")
        if header.startswith("Basic "):
            try:
                client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
            except ValueError:
                return None, False
            return (client_id, True) if self.apps.get(client_id) == secret else (None, False)
        client_id = form.get("client_id", "")
        return (client_id, False) if client_id in self.apps else (None, False)

    def _token(self, request: httpx.Request) -> httpx.Response:
        if request.method != "POST":
            return _json_response(405, {"error": "invalid_request"})
        content_type = request.headers.get("Content-Type", "")
        if not content_type.startswith("application/x-www-form-urlencoded"):
            return self._token_error("invalid_request", "Unsupported content type")
        form = {k: v[0] for k, v in parse_qs(request.content.decode(errors="replace")).items()}
        client_id, with_secret = self._client(request, form)
        if client_id is None:
            basic = request.headers.get("Authorization", "").startswith("Basic ")
            return self._token_error(
                "invalid_client", "Invalid client secret" if basic else "Invalid client"
            )
        grant = form.get("grant_type")
        if grant == "authorization_code":
            return self._exchange(form, client_id, with_secret)
        if grant == "refresh_token":
            return self._refresh(form, client_id)
        return self._token_error(
            "unsupported_grant_type", "grant_type must be authorization_code or refresh_token"
        )

    def _exchange(self, form: dict[str, str], client_id: str, with_secret: bool):
        code = self.codes.get(form.get("code", ""))
        if code is None or code.used or code.client_id != client_id:
            return self._token_error("invalid_grant", "Invalid authorization code")
        if self.clock() - code.issued_at > CODE_LIFETIME_S:
            return self._token_error("invalid_grant", "Authorization code expired")
        code.used = True
        if form.get("redirect_uri") != code.redirect_uri:
            return self._token_error("invalid_grant", "Invalid redirect URI")
        if code.challenge is not None:
            verifier = form.get("code_verifier", "")
            digest = hashlib.sha256(verifier.encode()).digest()
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != code.challenge:
                return self._token_error("invalid_grant", "code_verifier was incorrect")
        elif not with_secret:
            return self._token_error("invalid_client", "Invalid client")
        return _json_response(
            200, self._issue(client_id, code.scope, rotates=code.challenge is not None)
        )

    def _refresh(self, form: dict[str, str], client_id: str) -> httpx.Response:
        token = form.get("refresh_token", "")
        grant = self.refresh_tokens.get(token)
        if grant is None or grant.client_id != client_id:
            return self._token_error("invalid_grant", "Invalid refresh token")
        if self.knobs.refresh_revoked:
            return self._token_error("invalid_grant", "Refresh token revoked")
        body = self._issue(client_id, grant.scope, rotates=grant.rotates)
        if not (grant.rotates and self.knobs.rotate_refresh_token):
            del self.refresh_tokens[body.pop("refresh_token")]
        elif self.knobs.invalidate_rotated:
            del self.refresh_tokens[token]  # the old one stops working at once
        return _json_response(200, body)

    # --- the Web API ----------------------------------------------------------------

    def _fault(self) -> httpx.Response | None:
        knobs = self.knobs
        if knobs.disconnects > 0:
            knobs.disconnects -= 1
            raise FakeDisconnect()
        if knobs.timeouts > 0:
            knobs.timeouts -= 1
            raise FakeTimeout()
        if knobs.rate_limit > 0:
            knobs.rate_limit -= 1
            return _json_response(
                429,
                {"error": {"status": 429, "message": "API rate limit exceeded"}},
                {
                    "Retry-After": str(
                        int(knobs.retry_after)
                        if knobs.retry_after.is_integer()
                        else knobs.retry_after
                    )
                },
            )
        if knobs.server_errors > 0:
            knobs.server_errors -= 1
            status = knobs.server_error_status
            if status == 502:  # the gateway answers in HTML, not JSON
                return _html(502, "Bad gateway.")
            message = {500: "Server error.", 503: "Service unavailable"}.get(status, "Error")
            return _json_response(status, {"error": {"status": status, "message": message}})
        return None

    def _authenticate(self, request: httpx.Request) -> _Grant:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            raise FakeApiError(401, "No token provided")
        grant = self.access_tokens.get(header[7:])
        if grant is None:
            raise FakeApiError(401, "Invalid access token")
        if self.clock() >= grant.expires_at:
            raise FakeApiError(401, "The access token expired")
        return grant

    def _api(self, request: httpx.Request) -> httpx.Response:
        fault = self._fault()
        if fault is not None:
            return fault
        try:
            grant = self._authenticate(request)
            refusal = self._development_mode()
            response = refusal or self._route(request, grant)
        except FakeApiError as exc:
            if self.knobs.plain_text_errors:
                response = _text(exc.status, exc.message)
            else:
                response = _json_response(exc.status, exc.body())
        if (
            self.knobs.truncate_json > 0
            and response.content
            and response.headers.get("Content-Type", "").startswith("application/json")
        ):
            self.knobs.truncate_json -= 1
            cut = response.content[: max(1, len(response.content) // 2)]
            response = httpx.Response(
                response.status_code, content=cut, headers={"Content-Type": "application/json"}
            )
        return response

    def _development_mode(self) -> httpx.Response | None:
        """What Spotify answers an app in Development Mode before it looks at the request."""
        knobs = self.knobs
        if not knobs.allowlisted:
            return _text(403, ALLOWLIST_403)
        if knobs.quota_exceeded:
            seconds = knobs.quota_retry_after
            return _json_response(
                429,
                {
                    "error": {
                        "status": 429,
                        "message": "API rate limit exceeded",
                        "reason": "QUOTA_EXCEEDED",
                    }
                },
                {"Retry-After": str(int(seconds) if seconds.is_integer() else seconds)},
            )
        return None

    def _shape(self, body: Any) -> Any:
        """The body as this app gets it: without the deprecated fields, unless legacy."""
        return body if self.knobs.legacy_app else without_deprecated(body)

    def _route(self, request: httpx.Request, grant: _Grant) -> httpx.Response:
        method, path = request.method, request.url.path[len("/v1") :]
        params = dict(request.url.params)
        routes: dict[tuple[str, str], Callable[[], httpx.Response]] = {
            ("GET", "/me"): self._me,
            ("GET", "/me/player"): lambda: self._state(params, full=True),
            ("GET", "/me/player/currently-playing"): lambda: self._state(params, full=False),
            ("GET", "/me/player/devices"): self._devices,
            ("GET", "/me/player/recently-played"): lambda: self._recent(params, request),
            ("GET", "/me/top/tracks"): lambda: self._top("tracks", params, request),
            ("GET", "/me/top/artists"): lambda: self._top("artists", params, request),
            ("GET", "/me/tracks"): lambda: self._saved(params, request),
            ("PUT", "/me/tracks"): lambda: self._old_library(params, save=True),
            ("DELETE", "/me/tracks"): lambda: self._old_library(params, save=False),
            ("GET", "/me/tracks/contains"): lambda: self._old_library(params, save=None),
            ("PUT", "/me/library"): lambda: self._library(params, save=True),
            ("DELETE", "/me/library"): lambda: self._library(params, save=False),
            ("GET", "/me/library/contains"): lambda: self._library(params, save=None),
        }
        if (method, path) in routes:
            self._need_scope(grant, path, method)
            return routes[(method, path)]()
        if path.startswith("/me/player"):
            self._need_scope(grant, path, method)
            return self._command(method, path, params, request)
        raise FakeApiError(404, "Service not found")

    def _need_scope(self, grant: _Grant, path: str, method: str) -> None:
        if path.startswith("/me/top"):
            need = "user-top-read"
        elif path.startswith("/me/player/recently-played"):
            need = "user-read-recently-played"
        elif path.startswith("/me/player") and method != "GET":
            need = "user-modify-playback-state"
        elif path.startswith("/me/player"):
            need = "user-read-playback-state"
        elif path.startswith(("/me/tracks", "/me/library")):
            need = "user-library-read" if method == "GET" else "user-library-modify"
        else:
            return
        if need not in grant.scope.split():
            raise FakeApiError(403, "Insufficient client scope")

    # --- /v1 handlers -----------------------------------------------------------------

    def _me(self) -> httpx.Response:
        account = self.account
        return _json_response(
            200,
            self._shape(
                {
                    "country": "GB",
                    "display_name": account.display_name,
                    "email": "demo@example.invalid",
                    "external_urls": {
                        "spotify": f"https://open.spotify.com/user/{account.user_id}"
                    },
                    "followers": {"href": None, "total": 12},
                    "href": f"https://api.spotify.com/v1/users/{account.user_id}",
                    "id": account.user_id,
                    "images": [],
                    "product": "premium" if self.knobs.premium else "free",
                    "type": "user",
                    "uri": f"spotify:user:{account.user_id}",
                }
            ),
        )

    def _state(self, params: dict[str, str], *, full: bool) -> httpx.Response:
        account, knobs = self.account, self.knobs
        if account.active_device is None:
            return _empty(204)
        if knobs.nothing_playing and not full:
            return _empty(204)
        position = account.position()
        player = account.player
        episodes = "episode" in params.get("additional_types", "").split(",")
        body: dict[str, Any] = {
            "timestamp": int(player.changed_at * 1000),
            "context": None,
            "progress_ms": position,
            "is_playing": player.is_playing,
            "currently_playing_type": "track",
            "item": None,
            "actions": {"disallows": {"resuming" if player.is_playing else "pausing": True}},
        }
        if knobs.nothing_playing:
            body.update(is_playing=False, progress_ms=0, currently_playing_type="unknown")
        elif knobs.ad:
            elapsed = int((self.clock() - self._ad_started) * 1000) % 30_000
            body.update(
                progress_ms=elapsed,
                currently_playing_type="ad",
                is_playing=True,
                actions={"disallows": {"skipping_next": True, "seeking": True}},
            )
        else:
            item = account.item_json(player.uri)
            kind = item.get("type", "track")
            body["currently_playing_type"] = kind
            body["item"] = item if kind == "track" or episodes else None
            if player.context_uri:
                kind_ = player.context_uri.split(":")[1]
                body["context"] = {
                    "type": kind_,
                    "uri": player.context_uri,
                    "href": None,
                    "external_urls": {},
                }
        if full:
            body = {
                "device": dict(account.active_device),
                "shuffle_state": player.shuffle,
                "smart_shuffle": False,
                "repeat_state": player.repeat,
                **body,
            }
        return _json_response(200, self._shape(body))

    def _devices(self) -> httpx.Response:
        return _json_response(200, {"devices": [dict(d) for d in self.account.devices]})

    def _command(self, method: str, path: str, params: dict[str, str], request: httpx.Request):
        account, knobs = self.account, self.knobs
        commands = {
            ("PUT", "/me/player"),
            ("PUT", "/me/player/play"),
            ("PUT", "/me/player/pause"),
            ("POST", "/me/player/next"),
            ("POST", "/me/player/previous"),
            ("PUT", "/me/player/seek"),
            ("PUT", "/me/player/volume"),
            ("PUT", "/me/player/shuffle"),
            ("PUT", "/me/player/repeat"),
        }
        if (method, path) not in commands:
            raise FakeApiError(
                405 if path in {c[1] for c in commands} else 404, "Service not found"
            )
        if not knobs.premium:
            raise FakeApiError(403, "Player command failed: Premium required", "PREMIUM_REQUIRED")
        body = self._body(request)
        if path == "/me/player":
            ids = body.get("device_ids") if isinstance(body, dict) else None
            if not isinstance(ids, list) or len(ids) != 1 or not isinstance(ids[0], str):
                raise FakeApiError(400, "Exactly one device_id must be given")
            account.transfer(ids[0], body.get("play"))
            knobs.no_active_device = False
            return _empty(204)
        device_id = params.get("device_id")
        if device_id:
            if not any(d["id"] == device_id for d in account.devices):
                raise FakeApiError(404, "Device not found")
            if account.active_device is None or account.active_device["id"] != device_id:
                account.transfer(device_id, None)
        if account.active_device is None:
            raise FakeApiError(
                404, "Player command failed: No active device found", "NO_ACTIVE_DEVICE"
            )
        if knobs.nothing_playing and path != "/me/player/play":
            raise FakeApiError(403, "Player command failed: Restriction violated", "UNKNOWN")
        if path == "/me/player/play":
            if knobs.nothing_playing:
                knobs.nothing_playing = False
            account.play(body if isinstance(body, dict) else None)
            return _empty(204)
        if path == "/me/player/pause":
            account.pause()
            return _empty(200)  # Spotify answers some commands 200 with no body
        if path == "/me/player/next":
            account.next()
        elif path == "/me/player/previous":
            account.previous()
        elif path == "/me/player/seek":
            account.seek(_int_param(params, "position_ms", -1, 0, 10**9))
        elif path == "/me/player/volume":
            account.set_volume(_int_param(params, "volume_percent", -1, 0, 100))
        elif path == "/me/player/shuffle":
            if params.get("state") not in ("true", "false"):
                raise FakeApiError(400, "Invalid state")
            account.set_shuffle(params["state"] == "true")
        elif path == "/me/player/repeat":
            if params.get("state") not in ("off", "track", "context"):
                raise FakeApiError(400, "Invalid repeat state")
            account.set_repeat(params["state"])
        return _empty(204)

    @staticmethod
    def _body(request: httpx.Request) -> Any:
        if not request.content:
            return None
        try:
            return json.loads(request.content)
        except ValueError:
            raise FakeApiError(400, "Malformed json") from None

    def _paging(
        self, request: httpx.Request, items: list[Any], total: int, limit: int, offset: int
    ) -> dict[str, Any]:
        base = str(request.url.copy_with(query=None))

        def page_url(at: int) -> str:
            return f"{base}?{urlencode({**dict(request.url.params), 'offset': at})}"

        return {
            "href": str(request.url),
            "items": items,
            "limit": limit,
            "next": page_url(offset + limit) if offset + limit < total else None,
            "offset": offset,
            "previous": page_url(max(0, offset - limit)) if offset > 0 else None,
            "total": total,
        }

    def _top(self, kind: str, params: dict[str, str], request: httpx.Request):
        time_range = params.get("time_range", "medium_term")
        if time_range not in ("short_term", "medium_term", "long_term"):
            raise FakeApiError(400, "Invalid time range")
        limit = _int_param(params, "limit", 20, 1, 50)
        offset = _int_param(params, "offset", 0, 0, 10**6)
        account = self.account
        items: list[dict[str, Any]]
        if kind == "tracks":
            uris = account.top_tracks[time_range]
            total = len(uris)
            items = [account.item_json(uri) for uri in uris[offset : offset + limit]]
        else:
            indexes = account.top_artists[time_range]
            total = len(indexes)
            items = [ALL_ARTISTS[i].full() for i in indexes[offset : offset + limit]]
        content = json.dumps(
            self._shape(self._paging(request, items, total, limit, offset)),
            ensure_ascii=False,
        ).encode()
        etag = '"' + hashlib.sha1(content).hexdigest()[:20] + '"'
        headers = {"ETag": etag, "Cache-Control": "private, max-age=0"}
        if request.headers.get("If-None-Match") == etag:
            return httpx.Response(304, headers=headers)
        return httpx.Response(
            200,
            content=content,
            headers={"Content-Type": "application/json; charset=utf-8", **headers},
        )

    def _recent(self, params: dict[str, str], request: httpx.Request) -> httpx.Response:
        limit = _int_param(params, "limit", 20, 1, 50)
        if "before" in params and "after" in params:
            raise FakeApiError(400, "Only one of before and after may be given")
        self.account.sync()
        history = self.account.history
        if "before" in params:
            before = _int_param(params, "before", 0, 0, 10**15) / 1000
            history = [entry for entry in history if entry[1] < before]
        elif "after" in params:
            after = _int_param(params, "after", 0, 0, 10**15) / 1000
            history = [entry for entry in history if entry[1] > after]
        chosen = history[:limit]
        items: list[dict[str, Any]] = [
            {
                "track": self.account.item_json(uri),
                "played_at": iso(at),
                "context": {"type": "playlist", "uri": ctx, "href": None, "external_urls": {}}
                if ctx
                else None,
            }
            for uri, at, ctx in chosen
        ]
        cursors = None
        next_url = None
        if chosen:
            cursors = {
                "after": str(int(chosen[0][1] * 1000)),
                "before": str(int(chosen[-1][1] * 1000)),
            }
            if len(history) > limit:
                base = str(request.url.copy_with(query=None))
                next_url = f"{base}?{urlencode({'before': cursors['before'], 'limit': limit})}"
        return _json_response(
            200,
            self._shape(
                {
                    "items": items,
                    "next": next_url,
                    "cursors": cursors,
                    "limit": limit,
                    "href": str(request.url),
                }
            ),
        )

    def _saved(self, params: dict[str, str], request: httpx.Request) -> httpx.Response:
        limit = _int_param(params, "limit", 20, 1, 50)
        offset = _int_param(params, "offset", 0, 0, 10**6)
        saved = self.account.saved
        items = [
            {"added_at": iso(at).split(".")[0] + "Z", "track": self.account.item_json(uri)}
            for uri, at in saved[offset : offset + limit]
        ]
        return _json_response(
            200, self._shape(self._paging(request, items, len(saved), limit, offset))
        )

    def _ids(self, params: dict[str, str]) -> list[str]:
        ids = [part for part in params.get("ids", "").split(",") if part]
        if not ids:
            raise FakeApiError(400, "Missing required parameter: ids")
        if len(ids) > 50:
            raise FakeApiError(400, "Too many ids requested")
        return ids

    def _old_library(self, params: dict[str, str], *, save: bool | None) -> httpx.Response:
        """``/me/tracks?ids=``: deprecated; a bare 403 for apps made since February 2026."""
        if not self.knobs.legacy_app:
            return _empty(403)
        uris = [f"spotify:track:{track_id}" for track_id in self._ids(params)]
        return self._change_library(uris, save)

    def _library(self, params: dict[str, str], *, save: bool | None) -> httpx.Response:
        """``/me/library?uris=``: save, remove (``save=False``) or check (``None``)."""
        uris = [part for part in params.get("uris", "").split(",") if part]
        if not uris:
            raise FakeApiError(400, "Missing required parameter: uris")
        if len(uris) > 40:
            raise FakeApiError(400, "Too many uris requested")
        for uri in uris:
            kind = uri.split(":")[1] if uri.count(":") == 2 else ""
            if not uri.startswith("spotify:") or kind not in LIBRARY_KINDS:
                raise FakeApiError(400, f"Invalid uri: {uri}")
        return self._change_library(uris, save)

    def _change_library(self, uris: list[str], save: bool | None) -> httpx.Response:
        account = self.account
        if save is None:
            saved = account.saved_set
            return _json_response(200, [uri in saved or uri in self.saved_other for uri in uris])
        for uri in uris:
            if not uri.startswith("spotify:track:"):
                (self.saved_other.add if save else self.saved_other.discard)(uri)
            elif account.knows(uri):
                (account.save if save else account.remove)(uri)
            elif save:
                raise FakeApiError(400, "Invalid base62 id")
        return _empty(200)

    @staticmethod
    def _cover(path: str) -> httpx.Response:
        """A cover image, as i.scdn.co serves them (no token needed)."""
        name = path.rsplit("/", 1)[-1]
        try:
            size = int(name[-28:-24], 16)
        except ValueError:
            return _html(404, "Not found")
        body = cover_png(name[-24:], size)
        return httpx.Response(
            200,
            content=body,
            headers={"Content-Type": "image/png", "Cache-Control": "max-age=86400"},
        )

    # --- control (the fake's own endpoints, for tests, curl and the benchmark) -----------

    def _control(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/_fake/knobs":
            if request.method == "POST":
                try:
                    self.set(**json.loads(request.content or b"{}"))
                except (ValueError, TypeError) as exc:
                    return _json_response(400, {"error": str(exc)})
            return _json_response(200, asdict(self.knobs))
        if path == "/_fake/remote-skip" and request.method == "POST":
            self.remote_skip()
            return _empty(204)
        if path == "/_fake/sign-in" and request.method == "POST":
            return _json_response(200, self.sign_in())
        if path == "/_fake/state":
            account = self.account
            player = account.player
            item = account.item_json(player.uri)
            return _json_response(
                200,
                {
                    "name": item["name"],
                    "uri": player.uri,
                    "is_playing": player.is_playing,
                    "position_ms": account.position(),
                    "duration_ms": item["duration_ms"],
                    "next_name": account.item_json(
                        player.context[(player.index + 1) % len(player.context)]
                    )["name"],
                    "clock": self.clock(),
                },
            )
        if path == "/_fake/stats":
            return _json_response(
                200, {"requests": dict(self.requests), "player_requests": self.player_requests()}
            )
        return _json_response(404, {"error": "no such control endpoint"})


class FakeTransport(httpx.AsyncBaseTransport):
    """The fake, in process: every request to any host goes to :class:`FakeSpotify`."""

    def __init__(self, fake: FakeSpotify):
        self.fake = fake

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        try:
            return await self.fake.handle(request)
        except FakeTimeout:
            raise httpx.ReadTimeout("fake: timed out", request=request) from None
        except FakeDisconnect:
            raise httpx.ConnectError("fake: connection refused", request=request) from None
