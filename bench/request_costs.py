"""How many requests each way of playing music costs, counted at the fake.

    python bench/request_costs.py

Drives the real app headless (Textual's test driver) against the in-process
fake with its poll loop slowed right down, so that only the action's own
requests are counted, and prints each action with the requests it sent.
"""

from __future__ import annotations

import asyncio
import sys
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual.pilot import Pilot

from spotui.config import Config
from spotui.fake import FakeSpotify
from spotui.services import Services
from spotui.tui.app import SpotuiApp
from spotui.tui.widgets.table import RowsTable

Action = Callable[[Pilot], Awaitable[None]]
PAUSE = "(pause)"


async def _wait(pilot: Pilot, ready: Callable[[], bool], timeout: float = 8.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not ready() and loop.time() < deadline:
        await pilot.pause(0.05)
    await pilot.pause(1.5)  # anything the action sets off (a poll after a command) lands


def _rows(pilot: Pilot, selector: str, count: int) -> Callable[[], bool]:
    def ready() -> bool:
        found = pilot.app.screen.query(f"{selector} RowsTable")
        return bool(found) and found.first(RowsTable).row_count >= count

    return ready


async def measure(name: str, setup: Action, action: Action, **knobs: object) -> None:
    services = Services.demo_mode(**knobs)
    app = SpotuiApp(services, Config(poll_interval=600.0))
    fake = services.fake
    assert isinstance(fake, FakeSpotify)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(3.0)  # the start-up's own requests (first poll, history sync) land
        await setup(pilot)
        before = Counter({k: v for k, v in fake.requests.items() if k.startswith("/v1")})
        await action(pilot)
        after = Counter({k: v for k, v in fake.requests.items() if k.startswith("/v1")})
    spent = after - before
    detail = ", ".join(f"{path.removeprefix('/v1')} ×{n}" for path, n in sorted(spent.items()))
    print(f"{name:<52} {sum(spent.values()):>3}   {detail}")


async def nothing(pilot: Pilot) -> None:
    return None


def keys(*pressed: str, ready: Callable[[Pilot], Callable[[], bool]] | None = None) -> Action:
    """Press the keys (``PAUSE`` waits for a screen to open), then wait for ``ready``."""

    async def run(pilot: Pilot) -> None:
        for key in pressed:
            if key == PAUSE:
                await pilot.pause(1.0)
            else:
                await pilot.press(key)
        await _wait(pilot, ready(pilot) if ready else lambda: False, 8.0 if ready else 1.0)

    return run


async def main() -> int:
    top = keys("2", ready=lambda p: _rows(p, "#top-tracks-view", 50))
    print(f"{'action':<52} {'requests':>3}   (by path)")
    await measure("Enter on the 5th top track", top, keys("down", "down", "down", "down", "enter"))
    await measure(
        "Enter with no active device, then a device",
        top,
        keys("down", "enter", PAUSE, "home", "enter"),
        no_active_device=True,
    )
    await measure("a (queue a track)", top, keys("down", "a"))
    await measure("Queue tab", nothing, keys("6", ready=lambda p: _rows(p, "#queue-view", 5)))
    queue = keys("6", ready=lambda p: _rows(p, "#queue-view", 5))
    await measure(
        "Enter on the 5th queued item (and yes)", queue, keys(*["down"] * 4, "enter", "y")
    )
    await measure(
        'a search: artist:"Aurora Lindqvist", typed',
        nothing,
        keys("slash", *'artist:"Aurora Lindqvist"', ready=lambda p: _rows(p, "#found-track", 10)),
    )
    await measure(
        "an album page (o on a top track)",
        top,
        keys("o", ready=lambda p: _rows(p, "AlbumScreen", 1)),
    )
    await measure(
        "an artist page (O on the playing track)",
        nothing,
        keys("O", ready=lambda p: _rows(p, "#artist-tracks", 10)),
    )
    await measure(
        "Playlists tab", nothing, keys("7", ready=lambda p: _rows(p, "#playlists-view", 5))
    )
    lists = keys("7", ready=lambda p: _rows(p, "#playlists-view", 5))
    await measure(
        "a playlist page (yours)",
        lists,
        keys("down", "o", ready=lambda p: _rows(p, "PlaylistScreen", 5)),
    )
    await measure("a playlist page (followed)", lists, keys("down", "down", "down", "o"))
    await measure("+ then a playlist", top, keys("down", "plus", PAUSE, "enter"))
    await measure(
        "the Stats tab (8), then w (another window)",
        nothing,
        keys("8", PAUSE, "w", ready=lambda p: _rows(p, "#stats-view", 10)),
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
