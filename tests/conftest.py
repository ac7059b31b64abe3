"""Shared fixtures: a manual clock, the fake Spotify, and a client wired to it."""

from __future__ import annotations

import json
import os
import time
from collections.abc import AsyncIterator, Iterator

import keyring
import pytest

from spotui.fake import DEMO_CLIENT_ID, FakeSpotify
from spotui.fake.lrclib import FakeLrclib
from spotui.fake.server import FakeServer, serve_in_thread
from spotui.history import days
from spotui.spotify import (
    ClientCredentials,
    Endpoints,
    MemoryTokenStore,
    Session,
    SpotifyClient,
    TokenSet,
)

from .helpers import NO_LRCLIB, subprocess_env
from .keyrings import MemoryKeyring

# The session bus this run was started in (CI's, with its keyring): each test starts
# without it, and the Secret Service test puts it back.
SESSION_BUS = os.environ.get("DBUS_SESSION_BUS_ADDRESS")


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch) -> Iterator[MemoryKeyring]:
    """Every test gets empty platform folders, no SPOTIFY_* variables and a memory keyring."""
    for variable in ("CONFIG", "CACHE", "DATA", "STATE"):
        monkeypatch.setenv(f"XDG_{variable}_HOME", str(tmp_path / variable.lower()))
    for variable in (
        "SPOTIFY_CLIENT_ID",
        "SPOTIFY_CLIENT_SECRET",
        "SPOTIFY_REFRESH_TOKEN",
        "SPOTIFY_ACCESS_TOKEN",
        "SPOTUI_API_URL",
        "SPOTUI_ACCOUNTS_URL",
        "DISPLAY",
        "WAYLAND_DISPLAY",
        "DBUS_SESSION_BUS_ADDRESS",  # no test reaches the desktop's bus (test_desktop starts one)
    ):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("SPOTUI_LRCLIB_URL", NO_LRCLIB)  # never the real LRCLIB
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def utc(monkeypatch) -> Iterator[None]:
    """The local zone is UTC for this test (days and windows fall on UTC's midnight)."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    days.zone_changed()
    yield
    days.zone_changed()


class ManualClock:
    """Seconds that move only when told to; ``sleep`` moves them (and records the wait)."""

    def __init__(self, start: float = 1_780_000_000.0):
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def fake(clock: ManualClock) -> FakeSpotify:
    return FakeSpotify(clock=clock, library_size=120)


def signed_in_store(fake: FakeSpotify, clock: ManualClock, *, pkce: bool = True):
    return MemoryTokenStore(TokenSet.from_response(fake.sign_in(pkce=pkce), now=clock()))


def make_client(
    fake: FakeSpotify, clock: ManualClock, store: MemoryTokenStore | None = None, **options
) -> SpotifyClient:
    session = Session(
        ClientCredentials(DEMO_CLIENT_ID),
        store or signed_in_store(fake, clock),
        endpoints=Endpoints(),
        clock=clock,
    )
    return SpotifyClient(
        session,
        transport=fake.transport(),
        sleep=clock.sleep,
        monotonic=clock,
        clock=clock,
        **options,
    )


@pytest.fixture
async def client(fake: FakeSpotify, clock: ManualClock) -> AsyncIterator[SpotifyClient]:
    async with make_client(fake, clock) as client:
        yield client


@pytest.fixture
async def lrclib(monkeypatch) -> AsyncIterator[FakeLrclib]:
    """The fake LRCLIB over HTTP on this test's loop, where SPOTUI_LRCLIB_URL points
    (test_lyrics_cli has its own, in a thread, for spotui as a subprocess)."""
    fake = FakeLrclib()
    async with FakeServer(fake) as server:
        monkeypatch.setenv("SPOTUI_LRCLIB_URL", server.url)
        yield fake


@pytest.fixture
def served() -> Iterator[tuple[FakeSpotify, FakeServer]]:
    fake = FakeSpotify(library_size=230)
    with serve_in_thread(fake) as server:
        yield fake, server


@pytest.fixture
def env(tmp_path, served) -> dict[str, str]:
    """Signed in as after `spotui auth`: tokens in a file keyring, the Client ID in state."""
    fake, server = served
    tokens = fake.sign_in()
    keyring_file = tmp_path / "keyring.json"
    keyring_file.write_text(
        json.dumps(
            {
                "spotui/refresh_token": tokens["refresh_token"],
                "spotui/access_token": json.dumps(
                    {
                        "access_token": tokens["access_token"],
                        "expires_at": time.time() + 3600,
                        "lifetime_s": 3600,
                        "scope": tokens["scope"],
                    }
                ),
            }
        )
    )
    state = tmp_path / "state" / "spotui"
    state.mkdir(parents=True)
    (state / "account.json").write_text(
        json.dumps({"client_id": DEMO_CLIENT_ID, "callback_port": 8888})
    )
    return subprocess_env(tmp_path, server.api_url, server.url)
