"""Faults, offline, the callback server's rules, the debug log, two processes, file modes."""

from __future__ import annotations

import asyncio
import json
import os
import stat
import sys
import time
from pathlib import Path

import httpx
import keyring
import pytest

from spotui import paths
from spotui.cache import ListCache
from spotui.credentials import CredentialStore
from spotui.fake import DEMO_CLIENT_ID
from spotui.logs import redact
from spotui.spotify import ClientCredentials, Endpoints, Session, SpotifyClient, TokenSet
from spotui.spotify.errors import NetworkError
from spotui.spotify.signin import CallbackServer

from .helpers import expire_access_token, free_port, spotui, start_spotui
from .keyrings import FileKeyring

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))


@pytest.mark.timeout(180)  # about 50 s of faults in turn, more on a busy machine
async def test_the_fault_run_survives_every_fault():
    from fault_run import run

    report = await run(seconds=8, seed=7)
    print(f"faults tried: {report.tried}, survived: {report.survived}")
    assert report.problems == []
    assert report.tried == report.survived >= 23  # incl. Retry-After 0/-5/nan/inf, a
    # keyring that raises and a non-ASCII access token


# --- offline ------------------------------------------------------------------------


async def test_a_dns_failure_is_offline_not_a_crash(fake, clock):
    tokens = TokenSet.from_response(fake.sign_in(), now=time.time())
    from spotui.spotify import MemoryTokenStore

    endpoints = Endpoints(api_url="http://spotify.invalid/v1", accounts_url="http://x.invalid")
    session = Session(
        ClientCredentials(DEMO_CLIENT_ID), MemoryTokenStore(tokens), endpoints=endpoints
    )
    async with SpotifyClient(session, retries=1, backoff_base=0.01) as client:
        with pytest.raises(NetworkError, match="offline"):
            await client.playback()


# --- the callback server ------------------------------------------------------------


async def test_callback_server_listens_on_127_0_0_1_only_and_takes_one_answer():
    port = free_port()
    server = CallbackServer(port, "the-state")
    await server.start()
    try:
        host = server._server.sockets[0].getsockname()[0]
        assert host == "127.0.0.1"
        async with httpx.AsyncClient() as browser:
            wrong_path = await browser.get(f"http://127.0.0.1:{port}/elsewhere")
            assert wrong_path.status_code == 404
            wrong_state = await browser.get(
                f"http://127.0.0.1:{port}/callback?code=AQcodecodecode1234&state=other"
            )
            assert wrong_state.status_code == 400 and "Out-of-date" in wrong_state.text
            posted = await browser.post(f"http://127.0.0.1:{port}/callback")
            assert posted.status_code == 404
            good = await browser.get(
                f"http://127.0.0.1:{port}/callback?code=AQcodecodecode1234&state=the-state"
            )
            assert good.status_code == 200 and "signed in" in good.text
            assert "AQcodecodecode1234" not in good.text
        assert await server.wait(1) == "AQcodecodecode1234"
        with pytest.raises(httpx.ConnectError):  # closed after the one good answer
            httpx.get(f"http://127.0.0.1:{port}/callback", timeout=2)
    finally:
        await server.close()


async def test_callback_server_times_out_with_a_plain_message():
    from spotui.spotify.auth import RedirectError

    server = CallbackServer(free_port(), "s")
    await server.start()
    try:
        with pytest.raises(RedirectError, match="in time"):
            await server.wait(0.2)
    finally:
        await server.close()


def test_verifier_and_state_come_from_the_secrets_module(monkeypatch):
    import secrets

    from spotui.spotify import auth
    from spotui.spotify.ports import redirect_uri

    calls: list[str] = []
    real_choice, real_token = secrets.choice, secrets.token_urlsafe
    monkeypatch.setattr(secrets, "choice", lambda seq: calls.append("choice") or real_choice(seq))
    monkeypatch.setattr(
        secrets, "token_urlsafe", lambda n=None: calls.append("token") or real_token(n)
    )
    request = auth.AuthRequest.start(ClientCredentials(DEMO_CLIENT_ID), redirect_uri())
    assert "token" in calls and calls.count("choice") == len(request.verifier or "")


# --- the debug log ------------------------------------------------------------------


def test_redact_blanks_every_kind_of_credential():
    text = redact(
        'Authorization: Bearer BQabc Basic NWYyYzA6c2Vj {"refresh_token": "AQr", '
        '"access_token":"BQa"} /callback?code=AQc&state=xyz client_secret=shh '
        "SPOTIFY_REFRESH_TOKEN=AQenv"
    )
    for secret in ("BQabc", "NWYyYzA6c2Vj", "AQr", "BQa", "AQc", "xyz", "shh", "AQenv"):
        assert secret not in text
    assert text.count("[redacted]") == 8


def test_the_debug_log_has_the_story_and_no_secret(env, served, tmp_path):
    fake, _ = served
    expire_access_token(env)  # a refresh, so the log sees the token dance
    log = tmp_path / "debug.log"
    for args in ([f"--log={log}", "now"], [f"--log={log}", "next"]):
        result = spotui(env, *args)
        assert result.returncode == 0, result.stderr
    text = log.read_text()
    assert "GET /me/player -> 200" in text and "POST /me/player/next -> 204" in text
    assert "access token refreshed" in text
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    secrets = {*fake.oauth.access_tokens, *fake.oauth.refresh_tokens}
    assert not [s for s in secrets if s in text]


# --- two processes ------------------------------------------------------------------


def test_the_tui_and_now_watch_share_a_sign_in_that_rotates(env, served, monkeypatch):
    """Both refresh tokens every few seconds, and a rotation kills the old refresh token;
    neither process loses the sign-in, and the keyring ends with a working token."""
    fake, server = served
    fake.set(token_lifetime_s=4, invalidate_rotated=True)
    expire_access_token(env)  # the next call refreshes into 4-second tokens
    monkeypatch.setenv("SPOTUI_TEST_KEYRING", env["SPOTUI_TEST_KEYRING"])
    keyring.set_keyring(FileKeyring())
    for name in ("XDG_STATE_HOME",):
        monkeypatch.setenv(name, env[name])
    watch = start_spotui("now", "--watch", "--json", env=env)

    async def use_it_from_here() -> int:
        store = CredentialStore(env={})
        session = Session(
            ClientCredentials(DEMO_CLIENT_ID),
            store,
            endpoints=Endpoints(api_url=server.api_url, accounts_url=server.url),
        )
        calls = 0
        async with SpotifyClient(session) as client:
            deadline = time.monotonic() + 14
            while time.monotonic() < deadline:
                await client.playback()  # would raise AuthRevoked if the sign-in were lost
                calls += 1
                await asyncio.sleep(0.7)
        return calls

    try:
        assert asyncio.run(use_it_from_here()) >= 10
        assert watch.poll() is None, watch.stderr.read()  # still up
    finally:
        watch.terminate()
        _, err = watch.communicate(timeout=10)
    assert "Traceback" not in err and "sign in" not in err.lower()
    stored = json.loads(Path(env["SPOTUI_TEST_KEYRING"]).read_text())["spotui/refresh_token"]
    assert stored in fake.oauth.refresh_tokens  # the newest rotation was never lost
    assert fake.requests["/api/token"] >= 3


# --- files --------------------------------------------------------------------------


def test_files_spotui_writes_are_private():
    ListCache().save("top-tracks-short_term", {"items": []}, '"etag"')
    paths.write_private(paths.state_dir() / "x.json", "{}")
    for path in [*paths.cache_dir().rglob("*.json"), paths.state_dir() / "x.json"]:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path
