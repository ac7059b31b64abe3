"""The same keys on every screen, one rule for what a key acts on, a footer that fits
and hints that are true (issue 29, items 2, 3, 4, 9 and 12's key names)."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Label, TabbedContent
from textual.widgets._footer import FooterKey

from spotui.config import Config
from spotui.fake.catalog import TRACKS
from spotui.tui.screens.devices import DevicePicker
from spotui.tui.screens.main import MainScreen
from spotui.tui.screens.pages import AlbumScreen
from spotui.tui.screens.search import SearchScreen
from spotui.tui.tabs.stats import StatsTab
from spotui.tui.widgets.table import RowsTable

from .helpers import demo, open_tab, started, until
from .test_app import fake_of, notices


async def album_page(pilot) -> AlbumScreen:
    """From now playing, o: the playing track's album, loaded."""
    app = pilot.app
    await pilot.press("o")
    await until(pilot, lambda: isinstance(app.screen, AlbumScreen))
    page = app.screen
    assert isinstance(page, AlbumScreen)
    table = page.query_one(RowsTable)
    await until(pilot, lambda: table.row_count > 1 and app.focused is table)
    return page


def footer(app) -> list[FooterKey]:
    """The footer's keys on show."""
    return [key for key in app.screen.query(FooterKey) if key.display]


def footer_text(app) -> str:
    return " · ".join(f"{k.key_display} {k.description}" for k in footer(app))


async def test_the_global_keys_work_on_a_page_as_on_the_main_screen():
    app = demo(Config(volume_step=5, seek_step=10))
    async with app.run_test(size=(80, 24)) as pilot:
        main = await started(pilot)
        account = fake_of(app).account
        page = await album_page(pilot)
        before = account.position()
        await pilot.press("right")  # → seeks here too (o opens)
        await until(pilot, lambda: account.position() >= before + 10_000)
        assert app.screen is page
        await pilot.press("space")
        await until(pilot, lambda: not account.player.is_playing)
        device = account.active_device
        await pilot.press("equals_sign")
        await until(pilot, lambda: device["volume_percent"] == 85)
        await pilot.press("s", "r")
        await until(pilot, lambda: account.player.shuffle and account.player.repeat != "off")
        albums = lambda: sum(n for p, n in fake_of(app).requests.items() if "/albums/" in p)  # noqa: E731
        asked = albums()
        await pilot.press("ctrl+r")  # the page asks again
        await until(pilot, lambda: albums() > asked)
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, DevicePicker))
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is page)
        await pilot.press("3")  # back to the main screen, on that tab
        await until(pilot, lambda: app.screen is main)
        assert main.query_one(TabbedContent).active == "top-artists"
        await pilot.press("1")
        page = await album_page(pilot)
        assert "o Open" not in footer_text(app)  # its tracks' album is this page
        await pilot.press("o")
        await pilot.pause(0.2)
        assert app.screen is page
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0 and not app.is_running


async def test_l_on_a_highlighted_row_removes_that_track_and_the_notice_names_it():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        account = fake_of(app).account
        playing = account.player.uri
        table = await open_tab(pilot, "5", "library")
        await until(pilot, lambda: table.row_count > 3)
        await pilot.press("down", "down")
        row = table.highlighted
        assert row.uri != playing and row.uri in account.saved_set
        await pilot.press("l")
        await until(pilot, lambda: row.uri not in account.saved_set)
        assert playing in account.saved_set  # not the track playing
        await until(pilot, lambda: f"Removed “{row.name}” from your library." in notices(app))


async def test_l_on_a_page_row_saves_it_and_on_now_playing_the_playing_track():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        account = fake_of(app).account
        playing = account.player.uri
        page = await album_page(pilot)
        table = page.query_one(RowsTable)
        await pilot.press("down")
        row = table.highlighted
        assert row.uri != playing and row.uri not in account.saved_set
        await pilot.press("l")
        await until(pilot, lambda: row.uri in account.saved_set)
        await until(pilot, lambda: f"Saved “{row.name}” to your library." in notices(app))
        await pilot.press("up")  # the playing track's row: now playing shows the change
        assert table.highlighted.uri == playing and playing in account.saved_set
        await pilot.press("l")
        await until(pilot, lambda: playing not in account.saved_set)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        assert "Not in your library" in str(app.screen.query_one("#liked").content)
        await pilot.press("l")  # no row on now playing: the playing track
        await until(pilot, lambda: playing in account.saved_set)
        await until(pilot, lambda: f"Saved “{TRACKS[0].name}” to your library." in notices(app))


async def test_plus_on_a_playlist_adds_the_playing_track_to_it_as_the_tab_says():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        account = fake_of(app).account
        playing = account.player.uri
        table = await open_tab(pilot, "7", "playlists")
        await until(pilot, lambda: table.row_count > 2)
        caption = app.screen.query_one("#playlists-view .caption", Label)
        assert "+ adds the track playing" in str(caption.content)
        mine = next(i for i, p in enumerate(table.items) if p.owner_id == account.user_id)
        await pilot.press(*["down"] * mine)
        playlist = table.highlighted
        await pilot.press("plus")
        items = lambda: [uri for uri, _, _ in account.playlist_items[playlist.id]]  # noqa: E731
        await until(pilot, lambda: playing in items())
        await until(pilot, lambda: f"to “{playlist.name}”" in notices(app))


async def test_plus_on_a_followed_playlist_says_why_and_sends_nothing():
    """A playlist you follow but do not own takes no tracks: said in words, before any
    request, instead of Spotify's bare "Forbidden"."""
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        fake = fake_of(app)
        account = fake.account
        table = await open_tab(pilot, "7", "playlists")
        await until(pilot, lambda: table.row_count > 2)
        theirs = next(
            i
            for i, p in enumerate(table.items)
            if p.owner_id != account.user_id and not p.collaborative
        )
        await pilot.press(*["down"] * theirs)
        playlist = table.highlighted
        before = len(account.playlist_items[playlist.id])
        await pilot.press("plus")
        said = f"“{playlist.name}” is {playlist.owner_name}’s playlist"
        await until(pilot, lambda: said in notices(app))
        assert "Forbidden" not in notices(app)
        assert len(account.playlist_items[playlist.id]) == before
        assert not any(m == "POST" and "/items" in path for _, m, path, _ in fake.log)


@pytest.mark.parametrize("width", [80, 120])
async def test_the_footer_fits_and_always_offers_help(width):
    app = demo()
    async with app.run_test(size=(width, 24)) as pilot:
        await started(pilot)
        for keys in ((), ("2",), ("1", "o")):
            await pilot.press(*keys)
            if keys[-1:] == ("o",):
                await until(pilot, lambda: isinstance(app.screen, AlbumScreen))
            await pilot.pause(0.3)
            shown = footer(app)
            assert {"?", "q"} <= {k.key_display for k in shown}, footer_text(app)
            for key in shown:  # each whole on screen: none cut, none scrolled off
                region = key.region
                assert region.width and region.right <= width, (footer_text(app), region)


async def test_each_hint_works_where_it_is_shown():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await started(pilot)
        assert "⏎ Play" not in footer_text(app)  # Enter does nothing on now playing
        titles = {c.title: c for c in app.get_system_commands(screen)}
        assert "Play the highlighted row" not in titles
        window = titles["Stats window: today, 7 days … all time"]
        assert window.help == "Key: w"
        stats = screen.query_one(StatsTab)
        first = stats.window_name
        window.callback()  # from tab 1: the Stats tab shows, in the next window
        tabs = screen.query_one(TabbedContent)
        await until(pilot, lambda: tabs.active == "stats")
        await until(pilot, lambda: stats.window_name != first)
        await pilot.press("2")
        await pilot.pause(0.3)
        assert "⏎ Play" in footer_text(app)  # a list: Enter plays its row


async def test_the_palette_writes_keys_as_the_footer_does():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await started(pilot)
        keys = {c.title: c.help for c in app.get_system_commands(screen)}
        assert keys["Volume up"] == "Key: ="
        assert keys["Add the track to a playlist"] == "Key: +"
        assert keys["Show or hide the keys"] == "Key: ?"
        assert keys["Ask Spotify again now"] == "Key: ^r"


async def test_in_the_search_box_the_arrows_move_in_the_text_and_do_not_seek():
    app = demo(Config(seek_step=10))
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        account = fake_of(app).account
        await pilot.press("slash", *"night")
        await until(pilot, lambda: isinstance(app.screen, SearchScreen))
        before = account.position()
        await pilot.press("left", "left", "X")
        assert app.screen.query_one(Input).value == "nigXht"
        assert account.position() >= before  # not 20 s back


async def test_on_an_artist_row_the_footer_leaves_out_l_and_pressed_it_says_what_it_acts_on():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await started(pilot)
        account = fake_of(app).account
        assert "l Like" in footer_text(app)  # now playing: the track playing
        table = await open_tab(pilot, "3", "top-artists")
        await until(pilot, lambda: table.row_count > 1)
        await until(pilot, lambda: "Like" not in footer_text(app))
        titles = {c.title for c in app.get_system_commands(screen)}
        assert "Save to or remove from your library" not in titles  # nor in the palette
        assert "Queue the track" not in titles
        saved = set(account.saved_set)
        table.focus()
        await pilot.press("l")
        said = "Highlight a track to save it. On the Now tab, l saves the track playing."
        await until(pilot, lambda: said in notices(app))
        await pilot.press("a")
        said = "Highlight a track to queue it. On the Now tab, a queues the track playing."
        await until(pilot, lambda: said in notices(app))
        assert account.saved_set == saved
        assert "Only Spotify tracks can be saved" not in notices(app)
        await pilot.press("2")  # top tracks: l likes the highlighted one
        await until(pilot, lambda: "l Like" in footer_text(app))


async def test_search_offers_l_and_a_on_a_track_not_on_an_artist():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pilot.press("slash", *"Aurora")
        tracks = app.screen.query_one("#found-track RowsTable", RowsTable)
        artists = app.screen.query_one("#found-artist RowsTable", RowsTable)
        await until(pilot, lambda: tracks.row_count > 0 and artists.row_count > 0)
        tracks.focus()
        await until(pilot, lambda: "l Like" in footer_text(app) and "a Queue" in footer_text(app))
        artists.focus()
        await until(pilot, lambda: "Like" not in footer_text(app))
        assert "Queue" not in footer_text(app) and "o Open" in footer_text(app)
        await pilot.press("a")
        said = "Highlight a track to queue it. On the Now tab, a queues the track playing."
        await until(pilot, lambda: said in notices(app))


async def test_the_footer_lets_go_of_the_keys_it_redraws():
    """Every tab switch redraws the footer's keys; over an evening of switching, the keys
    it drew before, and their style caches, are let go, not kept (memory that grew)."""
    import gc

    from textual._styles_cache import StylesCache

    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)

        async def kept() -> tuple[int, int]:
            await pilot.pause(0.3)
            gc.collect()
            alive = gc.get_objects()
            keys = sum(isinstance(o, FooterKey) for o in alive)
            return keys, sum(isinstance(o, StylesCache) for o in alive)

        for key in "234567" * 2:  # every tab built once, then switched to again
            await pilot.press(key, "1")
        keys, caches = await kept()
        for key in "234567" * 2:
            await pilot.press(key)
            await pilot.pause(0.05)
            await pilot.press("1")
        shown = len(app.screen.query(FooterKey))
        keys_after, caches_after = await kept()
        assert keys_after <= keys + shown
        assert caches_after <= caches + shown
