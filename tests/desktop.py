"""The real parts the desktop tests need: a private session bus, the tools, the hub."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from spotui.config import Config
from spotui.core.controller import PlayerController
from spotui.fake import DEMO_CLIENT_ID, FakeSpotify
from spotui.fake.server import FakeServer
from spotui.services import Services
from spotui.spotify import ClientCredentials, Endpoints, MemoryTokenStore, TokenSet

POLL_S = 2.0  # the shortest poll interval the config allows


def need(*tools: str) -> None:
    """Skip without the tools; in CI (``CI=true``, or ``SPOTUI_REQUIRE_DESKTOP`` as
    .ci/run sets) their absence is a failure."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        why = f"needs {', '.join(missing)} (apt-get install playerctl dbus)"
        if os.environ.get("CI") == "true" or os.environ.get("SPOTUI_REQUIRE_DESKTOP"):
            pytest.fail(why)
        pytest.skip(why)


@pytest.fixture
def session_bus(monkeypatch) -> Iterator[str]:
    """A ``dbus-daemon --session`` of this test's own, as the session bus."""
    need("dbus-daemon")
    daemon = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert daemon.stdout is not None
    address = daemon.stdout.readline().strip()
    assert address, "dbus-daemon printed no address"
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    try:
        yield address
    finally:
        daemon.terminate()
        daemon.wait(5)


async def run(*argv: str) -> str:
    """A tool's output, run as an asyncio subprocess (the loop that answers it runs on)."""
    need(argv[0])
    process = await asyncio.create_subprocess_exec(
        *argv, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(process.communicate(), 10)
    assert process.returncode == 0, (argv, err.decode())
    return out.decode().strip()


def services_for(fake: FakeSpotify, server: FakeServer, tmp_path: Path) -> Services:
    """The wiring, signed in to the fake over HTTP."""
    tokens = TokenSet.from_response(fake.sign_in())
    return Services(
        store=MemoryTokenStore(tokens),
        endpoints=Endpoints(api_url=server.api_url, accounts_url=server.url),
        client_credentials=lambda: ClientCredentials(DEMO_CLIENT_ID),
        remember_sign_in=lambda *_: None,
        history_path=tmp_path / "history.sqlite",
    )


@asynccontextmanager
async def running(
    services: Services, config: Config, **options: Any
) -> AsyncIterator[PlayerController]:
    """The hub as a face gets it, its loop running, with the desktop's subscribers."""
    spotify = services.connect()
    assert spotify is not None
    async with spotify:
        controller = services.player(spotify, interval=POLL_S, desktop=config, **options)
        loop = asyncio.ensure_future(controller.run())
        try:
            yield controller
        finally:
            loop.cancel()
            await asyncio.gather(loop, return_exceptions=True)


async def until(condition, timeout: float = 5.0, step: float = 0.05) -> None:
    """Wait for ``condition()`` (maybe async) to hold."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        result = condition()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(step)


@pytest.fixture
def hub(served, tmp_path, session_bus) -> tuple[FakeSpotify, Services]:
    """The fake over HTTP, and the wiring signed in to it, on a session bus of its own."""
    fake, server = served
    return fake, services_for(fake, server, tmp_path)


async def on_bus(timeout: float = 5.0) -> None:
    """Wait for the player to appear (it joins after the first poll)."""

    async def listed() -> bool:
        return "spotui" in (await run("playerctl", "-l", "--no-messages")).split()

    await until(listed, timeout)
