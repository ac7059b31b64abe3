"""Secrets in the keyring, the Client ID in the state folder, the environment on top."""

from __future__ import annotations

import os
import stat

import keyring
import keyring.backends.fail
import pytest

from spotui import paths
from spotui.account import Account, load_account
from spotui.credentials import (
    NO_KEYRING,
    SERVICE,
    CredentialStore,
    KeyringUnavailable,
    keyring_problem,
)
from spotui.fake import DEMO_CLIENT_ID
from spotui.spotify import ClientCredentials, Session, TokenSet
from spotui.spotify.errors import AuthRevoked

from .conftest import make_client

TOKENS = TokenSet("access-1", 2_000_000_000.0, "refresh-1", "user-top-read", 3600)


def test_a_sign_in_puts_secrets_in_the_keyring_and_the_client_id_in_a_file(isolated):
    store = CredentialStore(env={})
    store.save_sign_in(ClientCredentials(DEMO_CLIENT_ID, "the-secret"), TOKENS, 9001)
    assert isolated.secrets[(SERVICE, "refresh_token")] == "refresh-1"
    assert isolated.secrets[(SERVICE, "client_secret")] == "the-secret"
    assert "access-1" in isolated.secrets[(SERVICE, "access_token")]
    assert load_account() == Account(DEMO_CLIENT_ID, 9001)
    state_file = paths.state_dir() / "account.json"
    assert stat.S_IMODE(os.stat(state_file).st_mode) == 0o600
    assert "refresh-1" not in state_file.read_text() and "the-secret" not in state_file.read_text()

    again = CredentialStore(env={})
    assert again.client() == ClientCredentials(DEMO_CLIENT_ID, "the-secret")
    loaded = again.load_tokens()
    assert loaded == TOKENS  # the access token and its expiry survive a restart


def test_environment_overrides_the_keyring(isolated):
    CredentialStore(env={}).save_sign_in(ClientCredentials(DEMO_CLIENT_ID), TOKENS)
    env = {
        "SPOTIFY_CLIENT_ID": "a" * 32,
        "SPOTIFY_CLIENT_SECRET": "env-secret",
        "SPOTIFY_REFRESH_TOKEN": "env-refresh",
        "SPOTIFY_ACCESS_TOKEN": "env-access",
    }
    store = CredentialStore(env=env)
    assert store.client() == ClientCredentials("a" * 32, "env-secret")
    tokens = store.load_tokens()
    assert tokens.refresh_token == "env-refresh" and tokens.access_token == "env-access"


def test_a_rotated_refresh_token_is_written_back(isolated):
    store = CredentialStore(env={})
    store.save_sign_in(ClientCredentials(DEMO_CLIENT_ID), TOKENS)
    store.save_tokens(TokenSet("access-2", 2_000_000_100.0, "refresh-2"))
    assert isolated.secrets[(SERVICE, "refresh_token")] == "refresh-2"


def test_a_failed_write_keeps_the_last_good_token_and_says_so(isolated):
    store = CredentialStore(env={})
    store.save_sign_in(ClientCredentials(DEMO_CLIENT_ID), TOKENS)
    isolated.locked = True
    store.save_tokens(TokenSet("access-2", 2_000_000_100.0, "refresh-2"))
    isolated.locked = False
    assert isolated.secrets[(SERVICE, "refresh_token")] == "refresh-1"
    assert store.warning and "this session only" in store.warning
    assert "refresh-2" not in store.warning


def test_no_keyring_backend_is_said_plainly_with_the_ways_out():
    keyring.set_keyring(keyring.backends.fail.Keyring())
    problem = keyring_problem()
    assert problem == NO_KEYRING
    for way_out in ("gnome-keyring", "SPOTIFY_REFRESH_TOKEN", "keyrings.alt"):
        assert way_out in problem
    with pytest.raises(KeyringUnavailable, match="No OS keyring"):
        CredentialStore(env={}).load_tokens()
    with pytest.raises(KeyringUnavailable):
        CredentialStore(env={}).save_sign_in(ClientCredentials(DEMO_CLIENT_ID), TOKENS)
    assert not list(paths.state_dir().parent.rglob("*token*"))  # no plaintext fallback


def test_environment_works_without_a_keyring():
    keyring.set_keyring(keyring.backends.fail.Keyring())
    store = CredentialStore(env={"SPOTIFY_CLIENT_ID": DEMO_CLIENT_ID, "SPOTIFY_REFRESH_TOKEN": "r"})
    assert store.client() == ClientCredentials(DEMO_CLIENT_ID)
    assert store.load_tokens().refresh_token == "r"
    store.save_tokens(TokenSet("a", 1.0, "r2"))  # kept in memory only, and quietly
    assert store.warning is None


def test_logout_removes_every_secret_and_keeps_the_client_id_unless_asked(isolated):
    store = CredentialStore(env={})
    store.save_sign_in(ClientCredentials(DEMO_CLIENT_ID, "s"), TOKENS)
    removed = store.forget()
    assert sorted(removed) == ["access_token", "client_secret", "refresh_token"]
    assert not isolated.secrets
    assert load_account().client_id == DEMO_CLIENT_ID
    assert store.forget(everything=True) == ["client_id"]
    assert load_account().client_id is None


async def test_revoked_sign_in_keeps_the_stored_token_and_client_id(fake, clock, isolated):
    store = CredentialStore(env={})
    tokens = TokenSet.from_response(fake.sign_in(), now=clock())
    store.save_sign_in(ClientCredentials(DEMO_CLIENT_ID), tokens, 9002)
    fake.set(refresh_revoked=True)
    clock.advance(7200)
    async with make_client(fake, clock, store) as client:
        with pytest.raises(AuthRevoked):
            await client.playback()
    assert isolated.secrets[(SERVICE, "refresh_token")] == tokens.refresh_token
    assert load_account() == Account(DEMO_CLIENT_ID, 9002)


async def test_a_second_process_picks_up_a_refresh_instead_of_refreshing_again(fake, clock):
    """Two sessions on one keyring: the second uses the token the first refreshed."""
    store = CredentialStore(env={})
    store.save_sign_in(
        ClientCredentials(DEMO_CLIENT_ID), TokenSet.from_response(fake.sign_in(), now=clock())
    )
    async with make_client(fake, clock, store) as first, make_client(fake, clock, store) as second:
        clock.advance(3590)
        await first.playback()
        await second.playback()
        assert (first.session.refreshes, second.session.refreshes) == (1, 0)
    assert fake.requests["/api/token"] == 1


def test_session_and_store_reprs_hide_secrets(fake, clock):
    store = CredentialStore(env={"SPOTIFY_REFRESH_TOKEN": "very-secret-refresh"})
    session = Session(ClientCredentials(DEMO_CLIENT_ID, "very-secret-client"), store)
    for text in (repr(store), repr(session), repr(store.load_tokens())):
        assert "very-secret" not in text
