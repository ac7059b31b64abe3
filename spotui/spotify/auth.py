"""Signing in: PKCE, the authorize URL, the redirect, and the token endpoint.

Nothing here keeps state between calls or knows where tokens are stored.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from spotui.spotify.errors import (
    AuthError,
    AuthRevoked,
    InvalidClient,
    InvalidGrant,
    NetworkError,
    ProtocolError,
    ServerError,
)

DEFAULT_API_URL = "https://api.spotify.com/v1"
DEFAULT_ACCOUNTS_URL = "https://accounts.spotify.com"

SCOPES: tuple[str, ...] = (
    "user-read-playback-state",
    "user-modify-playback-state",
    "user-read-currently-playing",
    "user-top-read",
    "user-read-recently-played",
    "user-library-read",
    "user-library-modify",
    "playlist-read-private",
    "playlist-read-collaborative",
    "playlist-modify-private",
    "playlist-modify-public",
)

_VERIFIER_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"


@dataclass(frozen=True, slots=True)
class Endpoints:
    """Where the Web API and the accounts service live."""

    api_url: str = DEFAULT_API_URL
    accounts_url: str = DEFAULT_ACCOUNTS_URL

    @classmethod
    def from_env(cls) -> Endpoints:
        """Read ``SPOTUI_API_URL`` and ``SPOTUI_ACCOUNTS_URL``, so a local fake can stand in."""
        return cls(
            api_url=os.environ.get("SPOTUI_API_URL", DEFAULT_API_URL).rstrip("/"),
            accounts_url=os.environ.get("SPOTUI_ACCOUNTS_URL", DEFAULT_ACCOUNTS_URL).rstrip("/"),
        )

    @property
    def token_url(self) -> str:
        return f"{self.accounts_url}/api/token"

    @property
    def authorize_url(self) -> str:
        return f"{self.accounts_url}/authorize"


# --- PKCE -------------------------------------------------------------------------


def make_verifier(length: int = 64) -> str:
    """A PKCE code verifier: 43 to 128 characters from the unreserved set."""
    if not 43 <= length <= 128:
        raise ValueError("a code verifier is 43 to 128 characters long")
    return "".join(secrets.choice(_VERIFIER_CHARS) for _ in range(length))


def code_challenge(verifier: str) -> str:
    """base64url(SHA-256(verifier)) without ``=`` padding (S256)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass(frozen=True, slots=True)
class AuthRequest:
    """One sign-in attempt: what goes into the authorize URL and what must come back.

    ``verifier`` is None for the classic flow, where a client secret stands in for PKCE.
    """

    @classmethod
    def start(cls, client: ClientCredentials, redirect_uri: str) -> AuthRequest:
        """A fresh attempt: PKCE unless the user gave a client secret."""
        verifier = None if client.client_secret else make_verifier()
        return cls(client_id=client.client_id, redirect_uri=redirect_uri, verifier=verifier)

    client_id: str
    redirect_uri: str
    state: str = field(default_factory=lambda: secrets.token_urlsafe(24), repr=False)
    verifier: str | None = field(default_factory=make_verifier, repr=False)
    scopes: tuple[str, ...] = SCOPES
    show_dialog: bool = False

    def url(self, endpoints: Endpoints | None = None) -> str:
        endpoints = endpoints or Endpoints.from_env()
        params = {
            "client_id": self.client_id,
            "response_type": "code",
            "redirect_uri": self.redirect_uri,
            "scope": " ".join(self.scopes),
            "state": self.state,
        }
        if self.verifier:
            params["code_challenge_method"] = "S256"
            params["code_challenge"] = code_challenge(self.verifier)
        if self.show_dialog:
            params["show_dialog"] = "true"
        return f"{endpoints.authorize_url}?{urlencode(params)}"


class RedirectError(AuthError):
    """What the user pasted (or the browser sent back) is not a usable answer."""


class AccessDenied(RedirectError):
    """The user refused on Spotify's page (or Spotify sent another error): start again."""


class StateMismatch(RedirectError):
    """The redirect belongs to another sign-in attempt."""


_CODE_RE = re.compile(r"^[A-Za-z0-9_\-.~]{16,1024}$")


def parse_redirect(text: str, expected_state: str) -> str:
    """The authorization code from a pasted redirect URL, a query string or a bare code."""
    text = text.strip()
    if not text:
        raise RedirectError("Paste the whole address the browser was sent to, or just the code.")
    if len(text) > 4096 or any(ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise RedirectError("That does not look like a redirect address or a code.")
    if "=" not in text and "?" not in text:
        if _CODE_RE.fullmatch(text):
            return text
        raise RedirectError("That does not look like a redirect address or a code.")
    query = urlsplit(text).query if "?" in text or "://" in text else text
    params = parse_qs(query, keep_blank_values=True)
    error = params.get("error", [""])[0]
    state = params.get("state", [""])[0]
    code = params.get("code", [""])[0]
    # The state first: a redirect without this attempt's state (forged by another
    # program or page) changes nothing, not even to cancel the sign-in.
    if not secrets.compare_digest(state.encode(), expected_state.encode()):
        raise StateMismatch(
            "That redirect belongs to another sign-in attempt (state does not match). "
            "Use the newest authorize link."
        )
    if error == "access_denied":
        raise AccessDenied("Access was denied on Spotify's page. Start again and press Agree.")
    if error:
        raise AccessDenied(f"Spotify answered the sign-in with an error: {error[:80]}")
    if not code or not _CODE_RE.fullmatch(code):
        raise RedirectError("That address has no authorization code in it.")
    return code


# --- tokens -----------------------------------------------------------------------


_TOKEN_CHARACTERS = re.compile(r"[\x21-\x7e]+")


def token_is_well_formed(value: str) -> bool:
    """Visible ASCII only: a token with spaces, line breaks or anything else could not
    travel in a header intact, and Spotify never issues one."""
    return bool(_TOKEN_CHARACTERS.fullmatch(value))


@dataclass(frozen=True, slots=True)
class TokenSet:
    """An access token with its expiry (Unix seconds) and the refresh token, if any.

    The tokens are left out of ``repr`` so that a log line or a traceback never
    shows them.
    """

    access_token: str = field(repr=False)
    expires_at: float
    refresh_token: str | None = field(default=None, repr=False)
    scope: str = ""
    lifetime_s: float = 3600.0

    @classmethod
    def from_response(
        cls, data: Any, *, previous_refresh: str | None = None, now: float | None = None
    ) -> TokenSet:
        """Read the token endpoint's answer. No new refresh token keeps the old one."""
        if not isinstance(data, dict) or not isinstance(data.get("access_token"), str):
            raise ProtocolError("Spotify's token answer had no access token in it.")
        expires_in = data.get("expires_in")
        if isinstance(expires_in, bool) or not isinstance(expires_in, int | float):
            expires_in = 3600
        refresh, scope = data.get("refresh_token"), data.get("scope")
        return cls(
            access_token=data["access_token"],
            expires_at=(time.time() if now is None else now) + float(expires_in),
            refresh_token=refresh if isinstance(refresh, str) and refresh else previous_refresh,
            scope=scope if isinstance(scope, str) else "",
            lifetime_s=float(expires_in),
        )

    def expires_within(self, seconds: float, now: float | None = None) -> bool:
        return (time.time() if now is None else now) >= self.expires_at - seconds


@dataclass(frozen=True, slots=True)
class ClientCredentials:
    """The user's Spotify app: a Client ID and, for the classic flow, a secret."""

    client_id: str
    client_secret: str | None = field(default=None, repr=False)

    def apply(self, form: dict[str, str], headers: dict[str, str]) -> None:
        """Authenticate a token request: Basic header with a secret, else ``client_id``."""
        if self.client_secret:
            raw = f"{self.client_id}:{self.client_secret}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(raw).decode("ascii")
        else:
            form["client_id"] = self.client_id


async def _token_request(
    http: httpx.AsyncClient,
    endpoints: Endpoints,
    client: ClientCredentials,
    form: dict[str, str],
) -> dict[str, Any]:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    client.apply(form, headers)
    try:
        response = await http.post(endpoints.token_url, data=form, headers=headers)
    except httpx.TimeoutException as exc:
        raise NetworkError("Spotify's sign-in service did not answer in time.") from exc
    except httpx.TransportError as exc:
        raise NetworkError("Could not reach Spotify's sign-in service. Are you online?") from exc
    try:
        body = response.json()
    except (ValueError, RecursionError):
        body = None
    if response.status_code >= 500:
        raise ServerError(
            f"Spotify's sign-in service failed ({response.status_code}); try again shortly.",
            status=response.status_code,
        )
    if response.status_code != 200:
        error = body.get("error") if isinstance(body, dict) else None
        description = body.get("error_description") if isinstance(body, dict) else None
        description = description if isinstance(description, str) else ""
        if error == "invalid_client":
            raise InvalidClient(
                f"Spotify does not recognise this app: {description or 'invalid client'}. "
                "Check the Client ID (and the secret, if you gave one).",
                status=response.status_code,
            )
        if error == "invalid_grant":
            raise InvalidGrant(
                f"Spotify refused the sign-in: {description or 'invalid grant'}.",
                status=response.status_code,
            )
        raise AuthError(
            f"Spotify's sign-in service answered {response.status_code}"
            + (f": {description}" if description else "."),
            status=response.status_code,
        )
    if not isinstance(body, dict):
        raise ProtocolError("Spotify's sign-in service sent an answer spotui could not read.")
    return body


async def exchange_code(
    http: httpx.AsyncClient,
    endpoints: Endpoints,
    client: ClientCredentials,
    request: AuthRequest,
    code: str,
) -> TokenSet:
    """Trade an authorization code for tokens (PKCE, plus the secret when there is one)."""
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": request.redirect_uri,
    }
    if request.verifier:
        form["code_verifier"] = request.verifier
    return TokenSet.from_response(await _token_request(http, endpoints, client, form))


async def refresh_tokens(
    http: httpx.AsyncClient,
    endpoints: Endpoints,
    client: ClientCredentials,
    refresh_token: str,
    *,
    now: float | None = None,
) -> TokenSet:
    """Refresh. A rotated refresh token comes back in the TokenSet; else the old one stays.

    ``invalid_grant`` here means Spotify ended the sign-in: :class:`AuthRevoked`.
    """
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    try:
        body = await _token_request(http, endpoints, client, form)
    except InvalidGrant as exc:
        raise AuthRevoked(
            "Spotify ended this sign-in (the refresh token is no longer valid). "
            "Sign in again; your Client ID and settings are kept.",
            status=exc.status,
        ) from None
    return TokenSet.from_response(body, previous_refresh=refresh_token, now=now)
