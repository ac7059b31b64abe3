"""The accounts service: ``/authorize``, ``/api/token``, codes, grants and tokens."""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from spotui.fake.account import FakeApiError
from spotui.fake.knobs import Knobs
from spotui.fake.responses import html, json_response
from spotui.spotify.auth import SCOPES

DEMO_CLIENT_ID = "5f2c0e8a9b7d4c1e8f3a6b9d0c2e4f61"
DEMO_CLIENT_SECRET = "fake-client-secret-0123456789abcdef"
CODE_LIFETIME_S = 600.0


@dataclass
class Code:
    """An authorization code, good once within ``CODE_LIFETIME_S``."""

    client_id: str
    redirect_uri: str
    challenge: str | None
    scope: str
    issued_at: float
    used: bool = False


@dataclass
class Grant:
    """What an issued token may do."""

    client_id: str
    scope: str
    expires_at: float = 0.0
    rotates: bool = False


class OAuth:
    """Registered apps, the codes and tokens given out, and the two accounts endpoints."""

    def __init__(self, knobs: Knobs, clock: Callable[[], float]):
        self.knobs = knobs
        self.clock = clock
        self.apps: dict[str, str] = {DEMO_CLIENT_ID: DEMO_CLIENT_SECRET}
        self.redirect_hosts = ("127.0.0.1", "[::1]")
        self.codes: dict[str, Code] = {}
        self.access_tokens: dict[str, Grant] = {}
        self.refresh_tokens: dict[str, Grant] = {}

    def issue(self, client_id: str, scope: str, *, rotates: bool) -> dict[str, Any]:
        """A new access and refresh token, as the token endpoint's answer."""
        access = "BQ" + secrets.token_urlsafe(48)
        refresh = "AQ" + secrets.token_urlsafe(64)
        lifetime = self.knobs.token_lifetime_s
        self.access_tokens[access] = Grant(client_id, scope, self.clock() + lifetime)
        self.refresh_tokens[refresh] = Grant(client_id, scope, rotates=rotates)
        return {
            "access_token": access,
            "token_type": "Bearer",
            "scope": scope,
            "expires_in": lifetime,
            "refresh_token": refresh,
        }

    def sign_in(self, client_id: str = DEMO_CLIENT_ID, *, pkce: bool = True) -> dict[str, Any]:
        """Tokens for the demo user without the browser dance (demo, tests)."""
        return self.issue(client_id, " ".join(SCOPES), rotates=pkce)

    def authenticate(self, request: httpx.Request) -> Grant:
        """The grant behind the request's bearer token, or Spotify's 401."""
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            raise FakeApiError(401, "No token provided")
        grant = self.access_tokens.get(header[7:])
        if grant is None:
            raise FakeApiError(401, "Invalid access token")
        if self.clock() >= grant.expires_at:
            raise FakeApiError(401, "The access token expired")
        return grant

    # --- GET /authorize -------------------------------------------------------------

    def _redirect_ok(self, uri: str) -> bool:
        parts = urlsplit(uri)
        if parts.scheme == "https" and parts.netloc:
            return True
        return (
            parts.scheme == "http"
            and parts.hostname is not None
            and any(parts.netloc.startswith(host + ":") for host in self.redirect_hosts)
        )

    def authorize(self, request: httpx.Request) -> httpx.Response:
        """The consent page, approved at once: a redirect with a code (or a denial)."""
        q = dict(request.url.params)
        client_id, redirect = q.get("client_id", ""), q.get("redirect_uri", "")
        if client_id not in self.apps:
            return html(400, "INVALID_CLIENT: Invalid client")
        if not self._redirect_ok(redirect):
            return html(400, "INVALID_CLIENT: Invalid redirect URI")
        if q.get("response_type") != "code":
            return html(400, "unsupported_response_type")
        challenge = q.get("code_challenge")
        if challenge is not None and q.get("code_challenge_method") != "S256":
            return html(400, "invalid_request: code_challenge_method")
        state = q.get("state")
        answer: dict[str, str]
        if self.knobs.deny_authorize:
            answer = {"error": "access_denied"}
        else:
            code = "AQ" + secrets.token_urlsafe(96)
            self.codes[code] = Code(
                client_id, redirect, challenge, q.get("scope", ""), self.clock()
            )
            answer = {"code": code}
        if state is not None:
            answer["state"] = state
        return httpx.Response(302, headers={"Location": f"{redirect}?{urlencode(answer)}"})

    # --- POST /api/token ------------------------------------------------------------

    @staticmethod
    def _error(error: str, description: str) -> httpx.Response:
        return json_response(400, {"error": error, "error_description": description})

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

    def token(self, request: httpx.Request) -> httpx.Response:
        """Trade a code (with PKCE or a secret) or a refresh token for tokens."""
        if request.method != "POST":
            return json_response(405, {"error": "invalid_request"})
        content_type = request.headers.get("Content-Type", "")
        if not content_type.startswith("application/x-www-form-urlencoded"):
            return self._error("invalid_request", "Unsupported content type")
        form = {k: v[0] for k, v in parse_qs(request.content.decode(errors="replace")).items()}
        client_id, with_secret = self._client(request, form)
        if client_id is None:
            basic = request.headers.get("Authorization", "").startswith("Basic ")
            return self._error(
                "invalid_client", "Invalid client secret" if basic else "Invalid client"
            )
        grant = form.get("grant_type")
        if grant == "authorization_code":
            return self._exchange(form, client_id, with_secret)
        if grant == "refresh_token":
            return self._refresh(form, client_id)
        return self._error(
            "unsupported_grant_type", "grant_type must be authorization_code or refresh_token"
        )

    def _exchange(self, form: dict[str, str], client_id: str, with_secret: bool) -> httpx.Response:
        code = self.codes.get(form.get("code", ""))
        if code is None or code.used or code.client_id != client_id:
            return self._error("invalid_grant", "Invalid authorization code")
        if self.clock() - code.issued_at > CODE_LIFETIME_S:
            return self._error("invalid_grant", "Authorization code expired")
        code.used = True
        if form.get("redirect_uri") != code.redirect_uri:
            return self._error("invalid_grant", "Invalid redirect URI")
        if code.challenge is not None:
            verifier = form.get("code_verifier", "")
            digest = hashlib.sha256(verifier.encode()).digest()
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != code.challenge:
                return self._error("invalid_grant", "code_verifier was incorrect")
        elif not with_secret:
            return self._error("invalid_client", "Invalid client")
        return json_response(
            200, self.issue(client_id, code.scope, rotates=code.challenge is not None)
        )

    def _refresh(self, form: dict[str, str], client_id: str) -> httpx.Response:
        token = form.get("refresh_token", "")
        grant = self.refresh_tokens.get(token)
        if grant is None or grant.client_id != client_id:
            return self._error("invalid_grant", "Invalid refresh token")
        if self.knobs.refresh_revoked:
            return self._error("invalid_grant", "Refresh token revoked")
        body = self.issue(client_id, grant.scope, rotates=grant.rotates)
        if not (grant.rotates and self.knobs.rotate_refresh_token):
            del self.refresh_tokens[body.pop("refresh_token")]
        elif self.knobs.invalidate_rotated:
            del self.refresh_tokens[token]  # the old one stops working at once
        return json_response(200, body)
