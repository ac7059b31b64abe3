"""The last-known playback: painted at start before Spotify answers, then replaced."""

from __future__ import annotations

import json
import stat
import time
from dataclasses import replace

import pytest
from textual.screen import Screen
from textual.widgets import Static

import spotui.tui.app
from spotui import paths
from spotui.config import Config
from spotui.core import snapshot
from spotui.core.snapshot import Cover, Snapshot
from spotui.services import Services
from spotui.tui.app import SpotuiApp
from spotui.tui.screens.main import MainScreen
from spotui.tui.screens.start import StartScreen
from spotui.tui.widgets.art import AlbumArt
from spotui.tui.widgets.now_playing import NowPlaying
from spotui.tui.widgets.title_bar import TitleBar

from .helpers import demo, started, until


def _old(at: float, **changes) -> Snapshot:
    fields = {
        "title": "Song From Last Night",
        "artists": "The Previous Run",
        "album": "Cached",
        "device": "Kitchen speaker",
        "is_playing": True,
        "progress_ms": 30_000,
        "duration_ms": 200_000,
        "at": at,
        "cover_url": "https://i.scdn.co/image/old",
        "cover": Cover(2, 2, bytes(range(12))),
    }
    return Snapshot(**{**fields, **changes})  # type: ignore[arg-type]


def _text(screen: Screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


async def test_a_start_paints_the_snapshot_before_the_first_poll_then_the_real_state():
    app = demo(latency_ms=4000)  # the first poll answers after 4 s, even on a busy machine
    assert app.services.snapshot_path is not None
    snapshot.save(app.services.snapshot_path, _old(time.time() - 20))
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await pilot.pause()
        assert screen.state.received_at == 0  # Spotify has not answered yet
        assert _text(screen, "#title") == "Song From Last Night"
        assert _text(screen, "#artists") == "The Previous Run"
        assert "checking Spotify" in _text(screen, "#state-line")
        assert "Kitchen speaker" in _text(screen, "#details")
        assert screen.query_one(NowPlaying).has_class("-unconfirmed")
        assert isinstance(screen.query_one(AlbumArt).picture, Cover)  # no Pillow needed
        await started(pilot)
        assert _text(screen, "#title") == "Cherish"
        assert "checking" not in _text(screen, "#state-line")
        assert not screen.query_one(NowPlaying).has_class("-unconfirmed")


async def test_a_snapshot_older_than_its_track_reads_as_last_played():
    app = demo(latency_ms=4000)  # the main screen is up long before, even on a busy machine
    assert app.services.snapshot_path is not None
    snapshot.save(app.services.snapshot_path, _old(time.time() - 3600))
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        screen = app.screen
        assert isinstance(screen, MainScreen)
        await pilot.pause()
        assert screen.state.received_at == 0
        assert _text(screen, "#state-line").startswith("Last played")
        assert _text(screen, "#title") == "Song From Last Night"
        assert screen.query_one(NowPlaying).has_class("-last-played")
        await started(pilot)
        assert not _text(screen, "#state-line").startswith("Last played")


async def test_the_app_keeps_what_it_showed_with_its_cover_for_the_next_start():
    app = demo()
    path = app.services.snapshot_path
    assert path is not None
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await until(pilot, lambda: snapshot.load(path) is not None)
        await until(pilot, lambda: getattr(snapshot.load(path), "cover", None) is not None)
        await pilot.press("space")  # paused: a change, written at once
        await until(pilot, lambda: getattr(snapshot.load(path), "is_playing", True) is False)
    kept = snapshot.load(path)
    assert kept is not None
    assert (kept.title, kept.artists, kept.device) == ("Cherish", "星野 夜", "spotui-laptop")
    assert kept.cover is not None and kept.cover.width == snapshot.COVER_SIZE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


async def test_a_damaged_snapshot_is_not_shown_and_the_app_starts_as_usual():
    app = demo()
    path = app.services.snapshot_path
    assert path is not None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"version": 1, "snapshot": {"title": ', encoding="utf-8")
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await started(pilot)
        assert _text(screen, "#title") == "Cherish"
    assert snapshot.load(path) is not None  # replaced by a good one


@pytest.mark.parametrize(
    "content",
    [
        "",
        "[]",
        '{"version": 2, "snapshot": {}}',
        '{"version": 1, "snapshot": {"title": 5}}',
        "not json",
    ],
)
def test_a_snapshot_file_that_cannot_be_read_is_none(tmp_path, content):
    path = tmp_path / "now-playing.json"
    path.write_text(content, encoding="utf-8")
    assert snapshot.load(path) is None


def test_a_hand_edited_snapshot_with_wrong_types_or_a_bad_cover_is_refused_or_coverless(
    tmp_path,
):
    path = tmp_path / "now-playing.json"
    snapshot.save(path, _old(1000.0))
    data = json.loads(path.read_text())
    data["snapshot"]["progress_ms"] = "soon"
    path.write_text(json.dumps(data))
    assert snapshot.load(path) is None
    snapshot.save(path, _old(1000.0))
    data = json.loads(path.read_text())
    data["snapshot"]["cover"] = {"width": 64, "height": 64, "rgb": "AAAA"}  # too short
    path.write_text(json.dumps(data))
    loaded = snapshot.load(path)
    assert loaded is not None and loaded.title == "Song From Last Night"
    assert loaded.cover is None


def test_the_position_moves_while_playing_and_stops_at_the_end():
    shot = _old(1000.0)
    assert shot.position(1010.0) == 40_000
    assert shot.position(5000.0) == 200_000
    assert _old(1000.0, is_playing=False).position(1010.0) == 30_000
    assert not shot.stale(1000.0 + 199)
    assert shot.stale(1000.0 + 201)


async def test_from_the_command_line_the_snapshot_is_painted_before_the_services_are_built():
    path = paths.snapshot_file(demo=True)
    snapshot.save(path, _old(time.time() - 20))
    built: list[Services] = []

    def services() -> Services:
        built.append(Services.demo_mode(latency_ms=1500))
        return built[-1]

    app = SpotuiApp(services, Config(), first_frame=path, demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, StartScreen))
        first = app.screen
        assert _text(first, "#title") == "Song From Last Night"
        assert "checking Spotify" in _text(first, "#state-line")
        assert "demo" in str(first.query_one(TitleBar).content)
        screen = await started(pilot)
        assert len(built) == 1
        assert _text(screen, "#title") == "Cherish"
        assert not screen.query_one(NowPlaying).has_class("-unconfirmed")


async def test_a_quick_first_answer_shows_on_the_start_screen_before_the_main_screen(
    monkeypatch,
):
    monkeypatch.setattr(spotui.tui.app, "FIRST_ANSWER_WAIT_S", 10.0)  # however busy CI is
    path = paths.snapshot_file(demo=True)
    snapshot.save(path, _old(time.time() - 20))
    built: list[Services] = []

    def services() -> Services:
        built.append(Services.demo_mode(latency_ms=300))  # the new cover: 300 ms away
        return built[-1]

    app = SpotuiApp(services, Config(), first_frame=path, demo=True)
    shown_before_main: list[tuple[str, str, object]] = []  # the start screen, as the main
    open_main = app._open  # one comes

    def _open(*args, **kwargs) -> None:
        start = app.screen
        cover = start.query_one(AlbumArt).picture
        shown_before_main.append((_text(start, "#title"), _text(start, "#state-line"), cover))
        open_main(*args, **kwargs)

    app._open = _open  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        while not (isinstance(app.screen, MainScreen) and app.screen.is_mounted):
            await pilot.pause(0.01)  # no settling: the cover is on its way meanwhile
        art = app.screen.query_one(AlbumArt)
        assert _text(app.screen, "#title") == "Cherish"
        assert not isinstance(art.picture, Cover)  # nor on the main screen, as it loads
        screen = await started(pilot)
        [(title, state_line, cover)] = shown_before_main
        assert title == "Cherish" and "checking" not in state_line
        assert cover is None  # not last night's song's cover beside Cherish
        await until(pilot, lambda: art.picture is not None)  # Cherish's own
        assert _text(screen, "#title") == "Cherish"
        assert "checking" not in _text(screen, "#state-line")
        assert built[0].fake.player_requests() == 1  # type: ignore[attr-defined]


async def test_a_slow_first_answer_does_not_hold_the_main_screen_back(monkeypatch):
    monkeypatch.setattr(spotui.tui.app, "FIRST_ANSWER_WAIT_S", 0.1)
    path = paths.snapshot_file(demo=True)
    snapshot.save(path, _old(time.time() - 20))
    app = SpotuiApp(
        lambda: Services.demo_mode(latency_ms=3000), Config(), first_frame=path, demo=True
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        screen = app.screen
        await pilot.pause()
        assert screen.state.received_at == 0  # built while the first poll is out
        assert "checking Spotify" in _text(screen, "#state-line")
        await started(pilot)
        assert _text(screen, "#title") == "Cherish"


async def test_a_snapshot_left_without_its_cover_gets_the_cover_on_the_next_start():
    """The app ended before the cover came: the next start fetches it, though the URL
    in the snapshot is the playing track's."""
    app = demo()
    path = app.services.snapshot_path
    assert path is not None
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await until(pilot, lambda: getattr(snapshot.load(path), "cover", None) is not None)
    kept = snapshot.load(path)
    assert kept is not None and kept.cover_url is not None
    snapshot.save(path, replace(kept, cover=None))
    again = demo(latency_ms=300)
    async with again.run_test(size=(120, 40)) as pilot:
        screen = await started(pilot)
        art = screen.query_one(AlbumArt)
        await until(pilot, lambda: art.picture is not None)
