"""Where the sign-in lives: secrets in the OS keyring, the Client ID in a state file.

Secrets (refresh token, access token, client secret) are kept only in the
keyring under the service name ``spotui``, or come from the environment:
``SPOTIFY_CLIENT_ID``, ``SPOTIFY_CLIENT_SECRET``, ``SPOTIFY_REFRESH_TOKEN`` and
``SPOTIFY_ACCESS_TOKEN`` override the keyring when set. spotui never falls
back to a plaintext file on its own.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping
from typing import Any

from spotui import paths
from spotui.account import (
    Account,
    account_file,
    known_client_id,
    save_account,
)
from spotui.spotify.auth import (
    ClientCredentials,
    TokenSet,
    token_is_well_formed,
)
from spotui.spotify.ports import DEFAULT_PORT

SERVICE = "spotui"
REFRESH_TOKEN = "refresh_token"
ACCESS_TOKEN = "access_token"
CLIENT_SECRET = "client_secret"
# The scrobbling services' (spotui.scrobble): kept, and forgotten by logout, the same way.
LISTENBRAINZ_TOKEN = "listenbrainz_token"
LASTFM_API_KEY = "lastfm_api_key"
LASTFM_API_SECRET = "lastfm_api_secret"
LASTFM_SESSION = "lastfm_session"
SCROBBLE_SECRETS = (LISTENBRAINZ_TOKEN, LASTFM_API_KEY, LASTFM_API_SECRET, LASTFM_SESSION)
SECRET_NAMES = (REFRESH_TOKEN, ACCESS_TOKEN, CLIENT_SECRET, *SCROBBLE_SECRETS)

ENV_CLIENT_SECRET = "SPOTIFY_CLIENT_SECRET"
ENV_REFRESH_TOKEN = "SPOTIFY_REFRESH_TOKEN"
ENV_ACCESS_TOKEN = "SPOTIFY_ACCESS_TOKEN"

NO_KEYRING = (
    "No OS keyring is available to keep your Spotify sign-in safe. Ways out: install and "
    "unlock a Secret Service such as gnome-keyring; or set SPOTIFY_CLIENT_ID and "
    "SPOTIFY_REFRESH_TOKEN in the environment; or choose keyrings.alt on purpose "
    "(pip install keyrings.alt, then PYTHON_KEYRING_BACKEND=keyrings.alt.file.EncryptedKeyring)."
)


LOCKED = (
    "The keyring is locked: unlock it (for example by logging in to the desktop, "
    "or with `gnome-keyring-daemon --unlock`)."
)
# Backends that keep nothing (never used), or keep secrets in a plain file (used only
# when chosen on purpose).
KEEPS_NOTHING = ("fail.Keyring", "null.Keyring")
INSECURE_BACKENDS = (*KEEPS_NOTHING, "PlaintextKeyring")


class CredentialProblem(Exception):
    """The sign-in cannot be read or kept; the message says why in plain words."""


class KeyringUnavailable(CredentialProblem):
    """There is no usable keyring backend, or it refused (locked, no D-Bus)."""


def _backend_name(backend: object) -> str:
    kind = type(backend)
    return f"{kind.__module__}.{kind.__qualname__}"


def _insecure(backend: object) -> bool:
    """Keeps nothing (fail, null), or keeps secrets in a plain file; a chain of only those."""
    inner = getattr(backend, "backends", None)
    if isinstance(inner, list | tuple):
        return all(_insecure(b) for b in inner)
    return _backend_name(backend).endswith(INSECURE_BACKENDS)


def keyring_problem() -> str | None:
    """A plain sentence when there is no secure keyring to keep secrets in, else None.

    A plaintext keyring counts only when the user chose it on purpose
    (``PYTHON_KEYRING_BACKEND``); one that keeps nothing never counts.
    """
    import keyring  # imported on first use: a sign-in from the environment never needs it

    try:
        backend = keyring.get_keyring()
    except Exception as exc:  # a PYTHON_KEYRING_BACKEND that does not load
        return (
            f"PYTHON_KEYRING_BACKEND names a keyring that cannot be loaded "
            f"({type(exc).__name__}); unset it, or name an installed backend."
        )
    name = _backend_name(backend)
    if name.endswith(KEEPS_NOTHING):
        return NO_KEYRING
    if _insecure(backend) and not os.environ.get("PYTHON_KEYRING_BACKEND"):
        return NO_KEYRING
    return None


class CredentialStore:
    """The :class:`~spotui.spotify.session.TokenStore` spotui uses: keyring plus environment."""

    def __init__(self, env: Mapping[str, str] | None = None):
        self.env = os.environ if env is None else env
        self.warning: str | None = None
        self._started = time.time()

    def __repr__(self) -> str:
        return f"CredentialStore(from_env={self.from_env})"

    def write_problem(self) -> str | None:
        """Why a new sign-in could not be kept, or None. It writes and removes a harmless
        value, so a locked or broken keyring shows before the user approves anything in
        the browser."""
        try:
            self._set("write-check", "ok")  # _call says first when there is no keyring
            self._call("delete_password", "write-check")
        except KeyringUnavailable as exc:
            return str(exc)
        return None

    @property
    def from_env(self) -> bool:
        return bool(self.env.get(ENV_REFRESH_TOKEN) or self.env.get(ENV_ACCESS_TOKEN))

    def source(self) -> str:
        """Where the sign-in comes from, in words (``spotui doctor``)."""
        if self.from_env:
            return "the environment (SPOTIFY_* variables)"
        import keyring

        backend = keyring.get_keyring()
        where = getattr(backend, "file_path", None)
        if where and _insecure(backend):  # chosen on purpose: say plainly where that is
            return f"a plain file that any program of yours can read ({where})"
        return f"the keyring ({getattr(backend, 'name', type(backend).__name__)})"

    # --- the keyring --------------------------------------------------------------

    def _call(self, action: str, *args: str) -> Any:
        problem = keyring_problem()
        if problem:
            raise KeyringUnavailable(problem)
        import keyring
        import keyring.errors

        try:
            return getattr(keyring, action)(SERVICE, *args)
        except keyring.errors.PasswordDeleteError:
            return None
        except keyring.errors.KeyringLocked:
            raise KeyringUnavailable(LOCKED) from None
        except Exception as exc:  # any backend failure is a keyring problem, never a crash
            raise KeyringUnavailable(
                f"The OS keyring failed ({type(exc).__name__}). Unlock or repair it and try "
                "again, or set SPOTIFY_CLIENT_ID and SPOTIFY_REFRESH_TOKEN in the environment."
            ) from None

    def _get(self, name: str) -> str | None:
        return self._call("get_password", name)

    def _set(self, name: str, value: str) -> None:
        self._call("set_password", name, value)

    # --- what the app asks for ----------------------------------------------------

    def secret(self, name: str) -> str | None:
        """A scrobbling service's secret (one of ``SCROBBLE_SECRETS``), or None."""
        assert name in SCROBBLE_SECRETS
        return self._get(name)

    def keep_secret(self, name: str, value: str) -> None:
        assert name in SCROBBLE_SECRETS
        self._set(name, value)

    def client(self) -> ClientCredentials | None:
        """The user's app: Client ID from the environment or the state file, secret likewise."""
        client_id = known_client_id(self.env)
        if not client_id:
            return None
        secret = self.env.get(ENV_CLIENT_SECRET)
        if secret is None and not self.from_env:  # a sign-in from the environment is whole
            try:
                secret = self._get(CLIENT_SECRET)
            except KeyringUnavailable:
                secret = None
        return ClientCredentials(client_id.strip(), secret or None)

    def load_tokens(self) -> TokenSet | None:
        """Tokens from the environment when set, else from the keyring.

        Raises :class:`KeyringUnavailable` when they should come from a keyring
        that is not there.
        """
        if self.from_env:
            access = self.env.get(ENV_ACCESS_TOKEN, "")
            for name in (ENV_ACCESS_TOKEN, ENV_REFRESH_TOKEN):
                value = self.env.get(name, "")
                if value and not token_is_well_formed(value):
                    token = "access token" if name == ENV_ACCESS_TOKEN else "refresh token"
                    raise CredentialProblem(
                        f"The {token} in {name} is not valid: it holds spaces, line breaks or "
                        "characters Spotify never uses. Copy it again."
                    )
            return TokenSet(
                access_token=access,
                expires_at=self._started + 3600 if access else 0.0,
                refresh_token=self.env.get(ENV_REFRESH_TOKEN) or None,
            )
        refresh = self._get(REFRESH_TOKEN)
        if not refresh:
            return None
        cached = _parse_access(self._get(ACCESS_TOKEN))
        if cached is None:
            return TokenSet(access_token="", expires_at=0.0, refresh_token=refresh)
        return TokenSet(
            access_token=cached["access_token"],
            expires_at=cached["expires_at"],
            refresh_token=refresh,
            scope=cached["scope"],
            lifetime_s=cached["lifetime_s"],
        )

    def save_tokens(self, tokens: TokenSet) -> None:
        """Keep new tokens. The refresh token is written first, and a failed write
        leaves the last good one where it was; the problem is kept in ``warning``.
        A sign-in from the environment is never written anywhere."""
        if self.from_env:
            return
        try:
            if tokens.refresh_token:
                self._set(REFRESH_TOKEN, tokens.refresh_token)
            self._set(ACCESS_TOKEN, _dump_access(tokens))
        except KeyringUnavailable as exc:
            self.warning = f"The new sign-in is kept for this session only: {exc}"

    def save_sign_in(
        self, client: ClientCredentials, tokens: TokenSet, callback_port: int = DEFAULT_PORT
    ) -> None:
        """Store a fresh sign-in: the Client ID in the state file first (so a folder that
        cannot be written stops it before any secret is kept), then secrets in the keyring."""
        if not tokens.refresh_token:
            raise ValueError("a sign-in without a refresh token cannot be kept")
        try:
            save_account(Account(client.client_id, callback_port))
        except OSError as exc:
            raise CredentialProblem(
                f"spotui cannot write its state folder ({paths.state_dir()}): "
                f"{exc.strerror or type(exc).__name__}. Nothing was stored."
            ) from None
        if client.client_secret:
            self._set(CLIENT_SECRET, client.client_secret)
        else:
            self._call("delete_password", CLIENT_SECRET)
        self._set(REFRESH_TOKEN, tokens.refresh_token)
        self._set(ACCESS_TOKEN, _dump_access(tokens))

    def forget(self, *, everything: bool = False) -> list[str]:
        """Delete spotui's secrets from the keyring (and, with ``everything``, the Client ID).

        Returns the names of what was there and is gone now.
        """
        removed = []
        for name in SECRET_NAMES:
            if self._get(name) is not None:
                self._call("delete_password", name)
                removed.append(name)
        if everything and account_file().exists():
            account_file().unlink()
            removed.append("client_id")
        return removed


def _dump_access(tokens: TokenSet) -> str:
    return json.dumps(
        {
            "access_token": tokens.access_token,
            "expires_at": tokens.expires_at,
            "lifetime_s": tokens.lifetime_s,
            "scope": tokens.scope,
        }
    )


def _parse_access(raw: str | None) -> dict[str, Any] | None:
    if not raw:
        return None
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("access_token"), str):
        return None
    expires_at, lifetime = data.get("expires_at"), data.get("lifetime_s")
    return {
        "access_token": data["access_token"],
        "expires_at": float(expires_at) if isinstance(expires_at, int | float) else 0.0,
        "lifetime_s": float(lifetime) if isinstance(lifetime, int | float) else 3600.0,
        "scope": data.get("scope") if isinstance(data.get("scope"), str) else "",
    }
