"""The signed-in session: one access token kept until just before it expires.

A :class:`TokenStore` keeps the tokens between runs; spotui backs it with the
OS keyring, the tests with memory.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Protocol

import httpx

from spotui.spotify.auth import ClientCredentials, Endpoints, TokenSet, refresh_tokens
from spotui.spotify.errors import AuthRevoked, NotSignedIn

REFRESH_MARGIN_S = 60.0
log = logging.getLogger("spotui.auth")


class TokenStore(Protocol):
    """Where a session's tokens live between runs."""

    def load_tokens(self) -> TokenSet | None:
        """The stored tokens, or None when there are none."""
        ...

    def save_tokens(self, tokens: TokenSet) -> None:
        """Store tokens after a refresh. A rotated refresh token must be kept."""
        ...


class MemoryTokenStore:
    """A store that keeps tokens in memory only (tests, the demo)."""

    def __init__(self, tokens: TokenSet | None = None):
        self.tokens = tokens
        self.saves = 0

    def load_tokens(self) -> TokenSet | None:
        return self.tokens

    def save_tokens(self, tokens: TokenSet) -> None:
        self.tokens = tokens
        self.saves += 1

    def __repr__(self) -> str:
        return f"MemoryTokenStore(saves={self.saves})"


class Session:
    """Hands out a valid access token, refreshing at most once per expiry.

    Concurrent callers share one refresh. ``clock`` is wall-clock seconds, as
    in :attr:`TokenSet.expires_at`.
    """

    def __init__(
        self,
        client: ClientCredentials,
        store: TokenStore,
        *,
        endpoints: Endpoints | None = None,
        clock: Callable[[], float] = time.time,
        margin_s: float = REFRESH_MARGIN_S,
    ):
        self.client = client
        self.store = store
        self.endpoints = endpoints or Endpoints.from_env()
        self.clock = clock
        self.margin_s = margin_s
        self._tokens = store.load_tokens()
        self._lock = asyncio.Lock()
        self._revoked: AuthRevoked | None = None
        self.refreshes = 0

    def __repr__(self) -> str:
        return f"Session(client_id={self.client.client_id!r}, refreshes={self.refreshes})"

    @property
    def revoked(self) -> bool:
        return self._revoked is not None

    @property
    def signed_in(self) -> bool:
        return self._tokens is not None and bool(
            self._tokens.refresh_token or self._tokens.access_token
        )

    async def access_token(self, http: httpx.AsyncClient, *, stale: str | None = None) -> str:
        """A token good for at least the refresh margin.

        ``stale`` names a token Spotify just refused with 401: it is refreshed
        unless another caller (or another spotui process) already did.
        """
        async with self._lock:
            tokens = self._tokens
            if tokens is None:
                raise NotSignedIn("spotui is not signed in to Spotify. Run `spotui auth`.")
            if self._usable(tokens, stale):
                return tokens.access_token
            stored = self._reload()
            if stored is not None and stored.expires_at > tokens.expires_at:
                tokens = self._tokens = stored  # another process refreshed first
                if self._usable(tokens, stale):
                    return tokens.access_token
            if not tokens.refresh_token:
                raise NotSignedIn("The Spotify sign-in has expired. Run `spotui auth` again.")
            if self._revoked is not None:
                raise self._revoked
            try:
                new = await self._refresh(http, tokens.refresh_token)
            except AuthRevoked as exc:
                log.warning("Spotify refused the refresh token (invalid_grant)")
                self._revoked = exc  # never ask again with a token Spotify has ended
                raise
            self.refreshes += 1
            log.info(
                "access token refreshed (lives %d s, refresh token %s)",
                new.lifetime_s,
                "rotated" if new.refresh_token != tokens.refresh_token else "kept",
            )
            self._tokens = new
            try:
                self.store.save_tokens(new)
            except Exception as exc:  # a broken store costs the next run a sign-in, not this
                log.warning("could not keep the new tokens: %s", type(exc).__name__)
            return new.access_token

    async def refresh_now(self, http: httpx.AsyncClient) -> TokenSet:
        """Refresh at once, whatever the token's age (``spotui doctor``); the new tokens."""
        current = self._tokens
        await self.access_token(http, stale=current.access_token if current else None)
        assert self._tokens is not None
        return self._tokens

    async def _refresh(self, http: httpx.AsyncClient, refresh_token: str) -> TokenSet:
        """Refresh; if Spotify refuses a token another process has just rotated, use the
        newer one from the store instead of giving up."""
        try:
            return await refresh_tokens(
                http, self.endpoints, self.client, refresh_token, now=self.clock()
            )
        except AuthRevoked:
            stored = self._reload()
            newer = stored.refresh_token if stored else None
            if not newer or newer == refresh_token:
                raise
            log.info("refresh token was rotated by another spotui; using the new one")
            return await refresh_tokens(http, self.endpoints, self.client, newer, now=self.clock())

    def _usable(self, tokens: TokenSet, stale: str | None) -> bool:
        # A minute's margin for Spotify's hour-long tokens; a quarter of the
        # lifetime for short ones, so they are not refreshed on every call.
        margin = min(self.margin_s, tokens.lifetime_s / 4)
        return bool(
            tokens.access_token
            and tokens.access_token != stale
            and not tokens.expires_within(margin, self.clock())
        )

    def _reload(self) -> TokenSet | None:
        """What the store holds now; None when it cannot say (an optimisation only)."""
        try:
            return self.store.load_tokens()
        except Exception:
            return None
