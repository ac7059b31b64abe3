"""The lyrics in the app itself (the demo, its fake LRCLIB in process): `L` shows them
on the now tab, they follow each player state, `]` and `[` shift them, and the
config's ``lyrics_dir`` is looked in first."""

from __future__ import annotations

import pytest
from textual.widgets import TabbedContent

from spotui.config import Config
from spotui.fake.catalog import TRACKS
from spotui.fake.lrclib import FakeLrclib
from spotui.tui.app import SpotuiApp
from spotui.tui.widgets.lyrics import LyricsView

from .helpers import demo, screen_text, started, until
from .test_app import fake_of
from .test_lyrics_view import _due, _lines, _shift, _words


async def test_l_shows_the_lyrics_in_time_a_seek_moves_them_and_the_brackets_shift_them():
    app = demo()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await started(pilot)
        view = screen.query_one(LyricsView)
        assert not view.display
        await pilot.press("2", "L")  # from another tab: back to Now, the lyrics shown
        assert screen.query_one(TabbedContent).active == "now" and view.display
        words = _words(FakeLrclib(), "Cherish")
        await until(pilot, lambda: bool(_lines(view, "current")))
        due = _due(fake_of(app).account.position())
        assert view.current in (due - 1, due, due + 1)
        assert _lines(view, "current") == [words[view.current]]
        await pilot.pause()
        assert words[view.current] in screen_text(app)  # in view, though shown just now
        before = view.current
        await pilot.press("right")  # 10 s on: four lines on at once, not at the next line
        await pilot.pause()
        assert view.current >= before + 3
        await pilot.press("right_square_bracket", "right_square_bracket", "left_square_bracket")
        assert _shift(view) == "lines +0.5 s"
        assert "lines +0.5 s" in screen_text(app)
        await pilot.press("L")
        assert not view.display
        await pilot.press("right_square_bracket")  # hidden: the shift stays as it was
        assert app.services.lyrics is not None and app.services.lyrics.shift_ms == 500


async def test_the_configs_lyrics_dir_comes_before_lrclib(tmp_path):
    (tmp_path / "星野 夜 - Cherish.lrc").write_text(
        "[00:00.00] from my own folder\n[59:00.00] the end\n", encoding="utf-8"
    )
    app = demo(Config(lyrics_dir=str(tmp_path)))
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await started(pilot)
        await pilot.press("L")
        view = screen.query_one(LyricsView)
        await until(pilot, lambda: bool(_lines(view, "current")))
        assert _lines(view, "current") == ["from my own folder"]


def _with_lrclib(lrclib: FakeLrclib, config: Config | None = None) -> SpotuiApp:
    """The demo, its lyrics from ``lrclib`` (whose requests the test counts)."""
    app = demo(config)
    app.services.lrclib_transport = lrclib.transport()
    return app


async def _shown_lyrics(pilot, app: SpotuiApp) -> LyricsView:
    """Press L on a started app; the view, once a line is current."""
    screen = await started(pilot)
    await pilot.press("L")
    view = screen.query_one(LyricsView)
    await until(pilot, lambda: bool(_lines(view, "current")))
    return view


async def test_a_404_from_get_then_search_finds_the_lyrics():
    """The fake LRCLIB's /api/get misses "Lagos Sunrise" (its album differs there):
    /api/search finds it, and its lines are the ones shown."""
    lrclib = FakeLrclib()
    app = _with_lrclib(lrclib)
    (track,) = [t for t in TRACKS if t.name == "Lagos Sunrise"]
    fake_of(app).account.play({"uris": [track.uri]})
    async with app.run_test(size=(100, 40)) as pilot:
        view = await _shown_lyrics(pilot, app)
        assert _lines(view, "current") == [_words(lrclib, "Lagos Sunrise")[view.current]]
    assert [path for path, _params, _agent in lrclib.log] == ["/api/get", "/api/search"]


async def test_a_track_heard_again_sends_no_request():
    """Cherish's lyrics, fetched once, come from the disk cache in the next run: the
    fake LRCLIB is not asked again, and the same lines show."""
    lrclib = FakeLrclib()
    async with _with_lrclib(lrclib).run_test(size=(100, 40)) as pilot:
        first = await _shown_lyrics(pilot, pilot.app)
        assert _lines(first, "current") == [_words(lrclib, "Cherish")[first.current]]
    assert lrclib.requests == {"/api/get": 1}
    async with _with_lrclib(lrclib).run_test(size=(100, 40)) as pilot:
        again = await _shown_lyrics(pilot, pilot.app)
        assert _lines(again, "current") == [_words(lrclib, "Cherish")[again.current]]
    assert lrclib.requests == {"/api/get": 1}


LONG_TITLE = TRACKS[6].name  # wraps over two rows at 80 columns


async def test_at_80x24_the_lyrics_get_the_room_they_need_the_current_line_centred():
    """In a short terminal the cover and the notes give their rows to the lyrics: at
    least 7 rows, also when a long title wraps, with the current line near the middle."""
    for title in ("Cherish", LONG_TITLE):
        app = demo()
        (track,) = [t for t in TRACKS if t.name == title]
        fake_of(app).account.play({"uris": [track.uri], "position_ms": 40_000})
        async with app.run_test(size=(80, 24)) as pilot:
            screen = await started(pilot)
            await pilot.press("L")
            view = screen.query_one(LyricsView)
            await until(pilot, lambda view=view: bool(view.lines.texts or view.lines.message))
            await pilot.pause()
            rows = view.lines.scrollable_content_region.height
            assert rows >= 7, (title, rows)
            assert title[:40] in screen_text(app)  # the words stay
            if title == "Cherish":
                await until(pilot, lambda view=view: bool(_lines(view, "current")))
                row = view.lines.current - round(view.lines.scroll_offset.y)
                assert rows // 3 <= row < rows - rows // 3


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_with_the_lyrics_the_title_time_and_shuffle_and_device_line_stay_in_sight(size):
    """The lyrics take the room the track's lines leave: the title, the artists, the
    time and the shuffle, repeat and device line stay on screen (a long title too)."""
    for title in ("Cherish", LONG_TITLE):
        app = demo()
        (track,) = [t for t in TRACKS if t.name == title]
        fake_of(app).account.play({"uris": [track.uri]})
        async with app.run_test(size=size) as pilot:
            screen = await started(pilot)
            await pilot.press("L")
            view = screen.query_one(LyricsView)
            await until(pilot, lambda view=view: bool(view.lines.texts or view.lines.message))
            await pilot.pause()
            for part in ("#title", "#artists", "TimeBar", "#details"):
                region = screen.query_one(f"#now-playing {part}").region
                assert region.height and region.bottom <= view.region.y, (title, part, region)
            assert "Shuffle" in screen_text(app) and "Repeat" in screen_text(app), title
            assert view.lines.scrollable_content_region.height >= 5, title


async def test_the_brackets_on_plain_lyrics_say_they_have_no_timing():
    """Ærø has plain lyrics only: `]` says so, and shifts nothing kept for the track."""
    app = demo()
    (track,) = [t for t in TRACKS if t.name == "Ærø"]
    fake_of(app).account.play({"uris": [track.uri]})
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await started(pilot)
        await pilot.press("L")
        view = screen.query_one(LyricsView)
        await until(pilot, lambda: view.lyrics is not None)
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert _shift(view) == "These lyrics have no timing to shift"
        assert "no timing" in screen_text(app) and "lines +" not in screen_text(app)
        assert app.services.lyrics is not None and app.services.lyrics.shift_ms == 0
