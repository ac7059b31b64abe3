"""The fake over real HTTP on 127.0.0.1, and the client driven through it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from spotui.fake import DEMO_CLIENT_ID, FakeSpotify
from spotui.fake.server import FakeServer, serve_in_thread
from spotui.spotify import (
    AuthRequest,
    ClientCredentials,
    Endpoints,
    MemoryTokenStore,
    Session,
    SpotifyClient,
)
from spotui.spotify.auth import exchange_code, parse_redirect
from spotui.spotify.errors import NetworkError
from spotui.spotify.ports import redirect_uri


async def _signed_in_client(server: FakeServer, **options) -> SpotifyClient:
    endpoints = Endpoints(api_url=server.api_url, accounts_url=server.url)
    credentials = ClientCredentials(DEMO_CLIENT_ID)
    request = AuthRequest.start(credentials, redirect_uri())
    async with httpx.AsyncClient() as http:
        redirect = await http.get(request.url(endpoints))
        code = parse_redirect(redirect.headers["Location"], request.state)
        tokens = await exchange_code(http, endpoints, credentials, request, code)
    session = Session(credentials, MemoryTokenStore(tokens), endpoints=endpoints)
    return SpotifyClient(session, **options)


async def test_client_signs_in_and_drives_the_player_over_http():
    fake = FakeSpotify(library_size=60)
    async with FakeServer(fake) as server:
        assert server.url.startswith("http://127.0.0.1:")
        async with await _signed_in_client(server) as client:
            playback = await client.playback()
            assert playback.item.name == "Cherish" and playback.is_playing
            await client.pause()
            assert fake.account.player.is_playing is False
            await client.next()
            top = await client.top_artists("short_term", limit=3)
            assert len(top.items) == 3
            pages = [page async for page in client.iter_saved_tracks(page_size=20)]
            assert sum(len(page.items) for page in pages) == 64


async def test_retry_after_is_honoured_in_real_time_over_http():
    fake = FakeSpotify()
    async with FakeServer(fake) as server, await _signed_in_client(server) as client:
        fake.set(rate_limit=1, retry_after=1)
        started = time.monotonic()
        assert await client.devices()
        assert time.monotonic() - started >= 1.0
    api = [entry for entry in fake.log if entry[2].startswith("/v1")]
    assert [status for *_, status in api] == [429, 200]
    assert api[1][0] - api[0][0] >= 1.0


async def test_server_hangs_past_the_client_timeout_and_drops_connections():
    fake = FakeSpotify(hang_s=2.0)
    async with (
        FakeServer(fake) as server,
        await _signed_in_client(server, timeout=0.3, retries=1, backoff_base=0.01) as client,
    ):
        fake.set(timeouts=2)
        with pytest.raises(NetworkError, match="in time"):
            await client.devices()
        fake.set(disconnects=1)
        assert await client.devices()  # retried on a new connection


async def test_connection_refused_is_offline():
    fake = FakeSpotify()
    async with FakeServer(fake) as server:
        client = await _signed_in_client(server, retries=1, backoff_base=0.01)
    async with client:  # the server is gone now
        with pytest.raises(NetworkError, match="offline"):
            await client.playback()


def test_fake_module_serves_an_account_that_signs_in_with_plain_http(tmp_path):
    """What `curl` would do: authorize, swap the code (classic flow), read the player."""
    process = subprocess.Popen(
        [sys.executable, "-m", "spotui.fake", "--port", "0", "--library-size", "10"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        base = process.stdout.readline().strip()
        assert base.startswith("http://127.0.0.1:")
        with httpx.Client() as http:
            answer = http.get(
                f"{base}/authorize",
                params={
                    "client_id": DEMO_CLIENT_ID,
                    "response_type": "code",
                    "state": "s",
                    "redirect_uri": "http://127.0.0.1:8888/callback",
                    "scope": "user-read-playback-state",
                },
            )
            location = urlsplit(answer.headers["location"])
            code = parse_qs(location.query)["code"][0]
            tokens = http.post(
                f"{base}/api/token",
                auth=(DEMO_CLIENT_ID, "fake-client-secret-0123456789abcdef"),
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": "http://127.0.0.1:8888/callback",
                },
            ).json()
            player = http.get(
                f"{base}/v1/me/player",
                headers={"Authorization": f"Bearer {tokens['access_token']}"},
            )
            assert player.status_code == 200 and player.json()["item"]["name"] == "Cherish"
            knobs = http.post(f"{base}/_fake/knobs", json={"no_active_device": True}).json()
            assert knobs["no_active_device"] is True
            player = http.get(
                f"{base}/v1/me/player",
                headers={"Authorization": f"Bearer {tokens['access_token']}"},
            )
            assert player.status_code == 204
            bad = http.post(f"{base}/_fake/knobs", content=json.dumps({"nope": 1}))
            assert bad.status_code == 400
    finally:
        process.terminate()
        process.wait(5)


def test_serve_in_thread_for_synchronous_callers():
    fake = FakeSpotify()
    with serve_in_thread(fake) as server:
        token = httpx.post(f"{server.url}/_fake/sign-in").json()["access_token"]
        devices = httpx.get(
            f"{server.api_url}/me/player/devices", headers={"Authorization": f"Bearer {token}"}
        ).json()
    assert len(devices["devices"]) == 4
