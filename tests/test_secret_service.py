"""spotui's secrets through a real Secret Service (gnome-keyring over D-Bus).

.ci/run starts an unlocked gnome-keyring in a D-Bus session and sets
SPOTUI_REQUIRE_SECRET_SERVICE=1, so there this test must run, not skip.
"""

from __future__ import annotations

import os

import keyring
import pytest

from spotui.credentials import SERVICE, CredentialStore
from spotui.fake import DEMO_CLIENT_ID
from spotui.spotify import ClientCredentials, TokenSet

from .conftest import SESSION_BUS


def _secret_service():
    try:
        from keyring.backends import SecretService

        backend = SecretService.Keyring()
        backend.priority  # noqa: B018 - raises when no Secret Service answers on D-Bus
        return backend
    except Exception as exc:  # any failure means: not available here
        return exc


def test_store_read_rotate_and_delete_through_secret_service(monkeypatch):
    if SESSION_BUS is not None:  # the run's own bus, which each test starts without
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", SESSION_BUS)
    backend = _secret_service()
    if isinstance(backend, Exception):
        if os.environ.get("SPOTUI_REQUIRE_SECRET_SERVICE") == "1":
            pytest.fail(f"no Secret Service although CI starts one: {backend}")
        pytest.skip(f"no Secret Service on this machine ({type(backend).__name__})")
    keyring.set_keyring(backend)
    store = CredentialStore(env={})
    first = TokenSet("ss-access-1", 2_000_000_000.0, "ss-refresh-1", "user-top-read", 3600)
    store.save_sign_in(ClientCredentials(DEMO_CLIENT_ID, "ss-client-secret"), first)
    assert backend.get_password(SERVICE, "refresh_token") == "ss-refresh-1"
    assert CredentialStore(env={}).load_tokens() == first
    assert CredentialStore(env={}).client() == ClientCredentials(DEMO_CLIENT_ID, "ss-client-secret")

    store.save_tokens(TokenSet("ss-access-2", 2_000_000_100.0, "ss-refresh-2"))
    assert CredentialStore(env={}).load_tokens().refresh_token == "ss-refresh-2"

    removed = store.forget()
    assert sorted(removed) == ["access_token", "client_secret", "refresh_token"]
    for name in ("refresh_token", "access_token", "client_secret"):
        assert backend.get_password(SERVICE, name) is None
    assert store.warning is None
