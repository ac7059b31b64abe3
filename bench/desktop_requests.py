"""Player requests a minute with and without the desktop (MPRIS and notifications).

    python bench/desktop_requests.py [--seconds 60]

Runs the hub as `spotui serve` wires it (the MPRIS player, the notifier, the history
keeper) against the fake Spotify over HTTP, on a session bus of its own, while a status
bar reads it through playerctl every second; then the same hub with no desktop. The
player requests the fake counted in each window are printed side by side: the desktop
must add none (the floor: 12 a minute in steady playback, the same with it as without).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spotui.config import Config
from spotui.fake import DEMO_CLIENT_ID, FakeSpotify
from spotui.fake.server import serve_in_thread
from spotui.services import Services
from spotui.spotify import ClientCredentials, Endpoints, MemoryTokenStore, TokenSet


async def per_minute(
    fake: FakeSpotify, services: Services, config: Config | None, seconds: float
) -> float:
    """Player requests a minute over ``seconds`` of steady play, after the first poll."""
    spotify = services.connect()
    assert spotify is not None
    async with spotify:
        controller = services.player(spotify, interval=5.0, desktop=config, serving=True)
        loop = asyncio.ensure_future(controller.run())
        await asyncio.sleep(3)  # the first poll, the player joining the bus
        before = fake.player_requests()
        deadline = asyncio.get_running_loop().time() + seconds
        while asyncio.get_running_loop().time() < deadline:
            if config is not None and shutil.which("playerctl"):
                reader = await asyncio.create_subprocess_exec(
                    "playerctl", "-p", "spotui", "metadata", "--format",
                    "{{title}} {{position}}", stdout=asyncio.subprocess.DEVNULL,
                )  # fmt: skip
                await reader.wait()
            await asyncio.sleep(1)
        count = fake.player_requests() - before
        loop.cancel()
        await asyncio.gather(loop, return_exceptions=True)
    return count * 60 / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    seconds = parser.parse_args().seconds
    home = Path(tempfile.mkdtemp(prefix="spotui-bench-"))
    for variable in ("CONFIG", "CACHE", "DATA", "STATE"):
        os.environ[f"XDG_{variable}_HOME"] = str(home / variable.lower())
    daemon = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert daemon.stdout is not None
    os.environ["DBUS_SESSION_BUS_ADDRESS"] = daemon.stdout.readline().strip()
    fake = FakeSpotify(library_size=50)
    try:
        with serve_in_thread(fake) as server:
            services = Services(
                store=MemoryTokenStore(TokenSet.from_response(fake.sign_in())),
                endpoints=Endpoints(api_url=server.api_url, accounts_url=server.url),
                client_credentials=lambda: ClientCredentials(DEMO_CLIENT_ID),
                remember_sign_in=lambda *_: None,
                history_path=home / "history.sqlite",
            )
            desktop = asyncio.run(per_minute(fake, services, Config(notify=True), seconds))
            fake.account.load_default()  # the same track from the start, as before
            bare = asyncio.run(per_minute(fake, services, None, seconds))
    finally:
        daemon.terminate()
        shutil.rmtree(home, ignore_errors=True)
    print(f"player requests a minute, {seconds:.0f} s of steady play (floor: ≤ 12, equal)")
    print(f"  with MPRIS, notifications and playerctl reading each second: {desktop:5.1f}")
    print(f"  with no desktop:                                             {bare:5.1f}")


if __name__ == "__main__":
    main()
