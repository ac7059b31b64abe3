"""What plays, on every screen (issue 29, items 1 and 10): the playback bar on the tabs
and pages, the playing row marked, "Playing from" in the header, and skips that show
at once. Pilot on the demo's fake."""

from __future__ import annotations

import pytest
from textual.widgets import Footer
from textual.widgets._toast import Toast

from spotui.config import Config
from spotui.fake.account import PLAYLIST_URI
from spotui.tui.screens.pages import AlbumScreen
from spotui.tui.widgets.playback_bar import PlaybackBar, PlaybackLine
from spotui.tui.widgets.table import RowsTable

from .helpers import demo, open_tab, screen_text, started, until
from .test_app import fake_of, notices


def bar_text(app) -> str:
    """The first line of the bar on show: icon, title · artists, from, modes."""
    bar = app.screen.query_one(PlaybackBar)
    assert bar.display and not bar.has_class("-hidden"), "no playback bar on show"
    return " ".join(app.screen.query_one(PlaybackBar).query_one(PlaybackLine).parts)


def row_text(table: RowsTable, index: int) -> str:
    """What the table draws for row ``index`` (on screen)."""
    return table.render_line(index + 1 - int(table.scroll_offset.y)).text


def header(app) -> str:
    return str(app.screen.query_one("TitleBar").content)


async def test_enter_on_tab_2_shows_the_track_in_the_bar_at_once_and_a_toast_names_it():
    app = demo(latency_ms=400)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        table = await open_tab(pilot, "2", "top-tracks")
        await pilot.press("down", "down", "enter")
        chosen = table.items[2]
        # At once: before Spotify has even answered the play command.
        await until(pilot, lambda: chosen.name in bar_text(app), 0.3)
        assert chosen.name in screen_text(app)
        await until(pilot, lambda: f"Playing “{chosen.name}”." in notices(app))


async def test_an_album_page_has_the_bar_and_its_time_moves_between_polls():
    app = demo(Config(poll_interval=60))
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        fake = fake_of(app)
        await open_tab(pilot, "2", "top-tracks")
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, AlbumScreen))
        playing = fake.account.item_json(fake.account.player.uri)["name"]
        await until(pilot, lambda: playing in bar_text(app))
        time = app.screen.query_one(PlaybackBar).query_one("TimeBar")
        await pilot.pause(1.2)  # the page's own requests are in
        before, polls = time.position, fake.player_requests()
        await until(pilot, lambda: time.position >= before + 1000, 3)
        assert fake.player_requests() == polls  # moved locally, by no poll of its own
        assert playing in screen_text(app)  # drawn, not only held


async def test_the_playing_row_is_marked_and_the_mark_follows_the_track():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        fake = fake_of(app)
        table = await open_tab(pilot, "2", "top-tracks")
        await pilot.press("down", "down", "enter")
        third, fourth = table.items[2], table.items[3]
        await until(pilot, lambda: f"▶ {third.name}" in row_text(table, 2))
        assert "▶" not in row_text(table, 1) + row_text(table, 3)
        await until(pilot, lambda: fake.account.player.uri == third.uri)
        await pilot.press("n")
        await until(pilot, lambda: f"▶ {fourth.name}" in row_text(table, 3))
        assert "▶" not in row_text(table, 2)


async def test_a_tab_built_later_marks_the_playlist_that_plays():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        assert fake_of(app).account.player.context_uri == PLAYLIST_URI
        playlists = await open_tab(pilot, "7", "playlists")  # built after the start
        (index,) = [i for i, p in enumerate(playlists.items) if p.uri == PLAYLIST_URI]
        await until(pilot, lambda: "▶ " in row_text(playlists, index))
        assert all("▶" not in row_text(playlists, i) for i in range(index))


async def test_n_shows_skipping_at_once_then_the_next_title_before_the_next_poll():
    app = demo(latency_ms=500)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        fake = fake_of(app)
        table = await open_tab(pilot, "2", "top-tracks")
        await pilot.press("enter")
        await until(pilot, lambda: fake.account.player.uri == table.items[0].uri)
        await until(pilot, lambda: table.items[0].name in bar_text(app))
        await pilot.pause(1.2)  # the command's follow-up poll is in
        await pilot.press("n")
        await until(pilot, lambda: "Skipping…" in bar_text(app), 0.3)
        # Spotify accepts the skip after 0.5 s; the title follows with one poll, not a
        # second later.
        nxt = table.items[1].name
        await until(pilot, lambda: nxt in bar_text(app), 1.4)


async def test_n_in_the_demo_asks_for_the_next_title_as_soon_as_spotify_accepts():
    app = demo()
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        fake = fake_of(app)
        table = await open_tab(pilot, "2", "top-tracks")
        await pilot.press("enter")
        await until(pilot, lambda: fake.account.player.uri == table.items[0].uri)
        await pilot.pause(1.2)
        await pilot.press("n")
        await until(pilot, lambda: table.items[1].name in bar_text(app), 3)
        log = [(at, method, path) for at, method, path, _ in fake.log]
        (skipped,) = [at for at, method, path in log if path == "/v1/me/player/next"]
        asked = [at for at, method, path in log if path == "/v1/me/player" and at > skipped]
        assert asked[0] - skipped < 0.3  # not a second later (AFTER_COMMAND_S)


async def test_with_the_queue_held_n_shows_the_next_title_before_spotify_answers():
    app = demo(latency_ms=500)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        queue = await open_tab(pilot, "6", "queue")
        following = queue.items[0].name
        await pilot.press("n")
        await until(pilot, lambda: following in bar_text(app), 0.3)
        assert "Skipping…" not in bar_text(app)


async def test_the_header_names_the_playlist_with_one_request_however_many_polls():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await started(pilot)
        fake = fake_of(app)
        assert fake.account.player.context_uri == PLAYLIST_URI
        pid = PLAYLIST_URI.rsplit(":", 1)[1]
        (name,) = [p.name for p in fake.account.playlists if p.id == pid]
        await until(pilot, lambda: f"Playing from: Playlist · {name}" in header(app))
        path = "/v1/playlists/" + pid
        for _ in range(3):
            polls = fake.player_requests()
            screen.poll_soon(0)
            await until(pilot, lambda polls=polls: fake.player_requests() > polls)
        assert fake.requests[path] == 1


async def test_played_from_a_list_or_an_album_the_header_says_so_without_asking():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        fake = fake_of(app)
        await open_tab(pilot, "5", "library")
        await pilot.press("enter")
        await until(pilot, lambda: "Playing from: Your library" in header(app))
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, AlbumScreen))
        album = app.screen.query_one(RowsTable)
        await until(pilot, lambda: album.row_count > 1)
        before = sum(n for path, n in fake.requests.items() if path.startswith("/v1/albums/"))
        await pilot.press("down", "enter")
        title = app.screen.album.name
        await until(pilot, lambda: f"Album · {title}" in bar_text(app))
        await pilot.press("escape")
        await until(pilot, lambda: f"Playing from: Album · {title}" in header(app))
        after = sum(n for path, n in fake.requests.items() if path.startswith("/v1/albums/"))
        assert after == before


async def test_p_past_three_seconds_restarts_the_track_on_screen_at_once():
    app = demo(latency_ms=500)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        await open_tab(pilot, "2", "top-tracks")
        time = app.screen.query_one(PlaybackBar).query_one("TimeBar")
        await until(pilot, lambda: time.position > 3_500)
        before = bar_text(app)
        await pilot.press("p")
        await until(pilot, lambda: time.position < 1_000, 0.3)
        assert bar_text(app) == before  # the same track, from its start


async def test_the_bar_shows_pause_shuffle_and_repeat_as_the_keys_change_them():
    app = demo()
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        await open_tab(pilot, "2", "top-tracks")
        assert bar_text(app).startswith("▶ ") and bar_text(app).endswith("⇄ off  ↻ off")
        await pilot.press("space", "s", "r")
        await until(pilot, lambda: bar_text(app).endswith("⇄ on  ↻ all"))
        assert bar_text(app).startswith("⏸ ")
        assert "⇄ on  ↻ all" in screen_text(app)


async def test_the_playing_rows_name_is_whole_beside_its_mark_at_80_columns():
    """The mark takes room of its own: on an album page at 80 columns, the playing
    track's name is not cut to make room for "▶ "."""
    app = demo()
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        table = await open_tab(pilot, "2", "top-tracks")
        await pilot.press("down", "down", "enter")
        chosen = table.items[2]
        await until(pilot, lambda: chosen.name in bar_text(app))
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, AlbumScreen))
        tracks = app.screen.query_one("#album-tracks RowsTable", RowsTable)
        await until(pilot, lambda: tracks.row_count > 0)
        row = next(i for i, item in enumerate(tracks.items) if item.uri == chosen.uri)
        await until(pilot, lambda: f"▶ {chosen.name} " in row_text(tracks, row))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_a_toast_stands_above_the_bar_and_on_now_playing_above_the_footer(size):
    app = demo()
    async with app.run_test(size=size, notifications=True) as pilot:
        main = await started(pilot)
        footer = main.query_one(Footer)

        async def toast_after(*keys: str) -> Toast:
            app.clear_notifications()
            await pilot.press(*keys)
            await until(pilot, lambda: bool(app.screen.query(Toast)))
            await pilot.pause(0.3)  # laid out
            return app.screen.query(Toast).last()

        await open_tab(pilot, "2", "top-tracks")
        toast = await toast_after("t")  # "Top lists: …"
        bar = main.query_one(PlaybackBar)
        assert toast.region.bottom <= bar.region.y, (toast.region, bar.region)
        toast = await toast_after("1", "l")  # no bar on now playing: on the footer
        assert toast.region.bottom == footer.region.y, (toast.region, footer.region)
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, AlbumScreen))
        table = app.screen.query_one(RowsTable)
        await until(pilot, lambda: table.row_count > 1 and app.focused is table)
        toast = await toast_after("down", "l")  # "Saved … to your library."
        bar = app.screen.query_one(PlaybackBar)
        assert toast.region.bottom <= bar.region.y, (toast.region, bar.region)
