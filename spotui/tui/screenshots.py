"""Deterministic screenshots of the demo: ``python -m spotui.tui.screenshots [FOLDER]``.

The fake's clock and the app's clock are frozen, so the same code gives the
same SVG every time. The snapshot tests use the same scenes.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import cast

from textual.pilot import Pilot
from textual.widgets import Input

from spotui.config import Config
from spotui.history.days import zone_changed
from spotui.services import Services
from spotui.tui.app import SpotuiApp
from spotui.tui.widgets.table import RowsTable

SIZE = (120, 40)
FROZEN_AT = 1_780_000_000.0  # 2026-05-28 20:26:40 UTC


def frozen_app(*, signed_in: bool = True, theme: str = "textual-dark") -> SpotuiApp:
    """The demo with every clock stopped (and in UTC: the stats count local days), in
    ``theme``."""
    if os.environ.get("TZ") != "UTC":
        os.environ["TZ"] = "UTC"
        time.tzset()
        zone_changed()
    services = Services.demo_mode(
        clock=lambda: FROZEN_AT,
        monotonic=lambda: 1000.0,
        signed_in=signed_in,
        library_size=1200,
    )
    app = SpotuiApp(services, Config(theme=theme))
    app.animation_level = "none"  # the tab underline slides otherwise
    return app


async def _settle(pilot: Pilot, ready: Callable[[], bool], timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not ready() and loop.time() < deadline:
        await pilot.pause(0.05)
    await pilot.pause(0.2)


def _playing(app: SpotuiApp) -> bool:
    from spotui.tui.widgets.art import AlbumArt

    screen = app.screen
    return bool(screen.query(AlbumArt)) and screen.query_one(AlbumArt).picture is not None


def _table_full(app: SpotuiApp, view: str, rows: int) -> bool:
    tables = app.screen.query(f"#{view} RowsTable")
    return bool(tables) and tables.first(RowsTable).row_count >= rows


async def _now_playing(pilot: Pilot) -> None:
    await _settle(pilot, lambda: _playing(cast(SpotuiApp, pilot.app)))


def _tab(key: str, view: str, rows: int) -> Callable[[Pilot], Awaitable[None]]:
    async def run(pilot: Pilot) -> None:
        await _now_playing(pilot)
        await pilot.press(key)
        await _settle(pilot, lambda: _table_full(cast(SpotuiApp, pilot.app), view, rows))

    return run


async def _queue(pilot: Pilot) -> None:
    await _now_playing(pilot)
    app = cast(SpotuiApp, pilot.app)
    await pilot.press("a")  # the playing track, queued: marked as yours
    await _settle(pilot, lambda: any("Queued" in n.message for n in app._notifications))
    await pilot.press("6")
    await _settle(
        pilot,
        lambda: _table_full(app, "queue-view", 13) and bool(app.screen.query("Toast")),
    )


async def _search(pilot: Pilot) -> None:
    await _now_playing(pilot)
    await pilot.press("slash", *"Nightshift")
    await _settle(pilot, lambda: _table_full(cast(SpotuiApp, pilot.app), "found-album", 10))
    pilot.app.screen.query_one(Input).cursor_blink = False


async def _artist(pilot: Pilot) -> None:
    await _now_playing(pilot)
    await pilot.press("O")  # the playing track's artist
    await _settle(pilot, lambda: _table_full(cast(SpotuiApp, pilot.app), "artist-tracks", 10))


async def _album(pilot: Pilot) -> None:
    await _now_playing(pilot)
    await pilot.press("o")  # the playing track's album
    await _settle(pilot, lambda: _table_full(cast(SpotuiApp, pilot.app), "album-tracks", 5))


async def _playlist(pilot: Pilot) -> None:
    await _tab("7", "playlists-view", 5)(pilot)
    await pilot.press("o")  # the first playlist
    await _settle(pilot, lambda: _table_full(cast(SpotuiApp, pilot.app), "playlist-items", 5))


def _synced(app: SpotuiApp) -> bool:
    return app.services.history().meta("synced_at") is not None


async def _stats(pilot: Pilot) -> None:
    await _now_playing(pilot)
    await _settle(pilot, lambda: _synced(cast(SpotuiApp, pilot.app)))  # then the tab holds
    await pilot.press("8")
    await _settle(pilot, lambda: _table_full(cast(SpotuiApp, pilot.app), "stats-view", 10))
    await _settle(pilot, lambda: len(pilot.app.screen.query("#stats-charts > *")) == 2)


async def _wizard(pilot: Pilot) -> None:
    await _settle(pilot, lambda: bool(pilot.app.screen.query("#client-id")))
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False


SCENES: dict[str, tuple[bool, Callable[[Pilot], Awaitable[None]]]] = {
    "now-playing": (True, _now_playing),
    "top-tracks": (True, _tab("2", "top-tracks-view", 50)),
    "top-artists": (True, _tab("3", "top-artists-view", 20)),
    "recently-played": (True, _tab("4", "recent-view", 30)),
    "library": (True, _tab("5", "library-view", 1204)),
    "queue": (True, _queue),
    "playlists": (True, _tab("7", "playlists-view", 5)),
    "search": (True, _search),
    "artist": (True, _artist),
    "album": (True, _album),
    "playlist": (True, _playlist),
    "stats": (True, _stats),
    "wizard": (False, _wizard),
}


async def shoot(name: str, folder: Path) -> Path:
    signed_in, prepare = SCENES[name]
    app = frozen_app(signed_in=signed_in)
    async with app.run_test(size=SIZE) as pilot:
        await prepare(pilot)
        path = app.save_screenshot(f"{name}.svg", path=str(folder))
    return Path(path)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0] if args else "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    for name in SCENES:
        print(asyncio.run(shoot(name, folder)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
