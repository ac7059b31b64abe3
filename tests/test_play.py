"""Play what you see: Enter plays in context, the queue (issue 13), with Pilot on the fake."""

from __future__ import annotations

import asyncio

from textual.message import Message
from textual.widgets import OptionList, TabbedContent

from spotui.core.browse import SEARCH_PAUSE_S
from spotui.fake.catalog import TRACKS
from spotui.fake.discography import ALBUMS, BOX_SET
from spotui.tui.screens.confirm import Confirm
from spotui.tui.screens.devices import DevicePicker
from spotui.tui.screens.pages import AlbumScreen, ArtistScreen, PlaylistScreen
from spotui.tui.screens.playlist_picker import PlaylistPicker
from spotui.tui.screens.search import SearchScreen
from spotui.tui.widgets.table import RowsTable

from .helpers import demo, open_tab, screen_text, started, until
from .test_app import fake_of, notices, title


async def test_enter_on_the_fifth_top_track_plays_it_and_next_plays_the_sixth():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        fake = fake_of(app)
        top = fake.account.top_tracks["medium_term"]
        names = [fake.account.item_json(uri)["name"] for uri in top]
        table = await open_tab(pilot, "2", "top-tracks")
        await pilot.press("down", "down", "down", "down", "enter")
        await until(pilot, lambda: fake.account.player.uri == top[4])
        await pilot.press("1")
        await until(pilot, lambda: title(app) == names[4])
        await pilot.press("n")
        await until(pilot, lambda: fake.account.player.uri == top[5])
        await until(pilot, lambda: title(app) == names[5])
        assert table.row_count == 50


async def test_enter_shows_the_track_at_once_under_latency():
    app = demo(latency_ms=700)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await started(pilot)
        recent = await open_tab(pilot, "4", "recent")
        await pilot.press("down", "enter")
        chosen = recent.rows[1][1]
        await until(pilot, lambda: screen.now_playing.state.playback.item.name == chosen, 0.5)


async def test_a_refusal_puts_the_screen_back_and_says_why():
    app = demo(premium=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await started(pilot)
        before = title(app)
        await open_tab(pilot, "2", "top-tracks")
        await pilot.press("down", "down", "enter")
        await until(pilot, lambda: "Premium is required" in notices(app))
        await until(pilot, lambda: screen.now_playing.state.playback.item.name == before)


async def test_no_active_device_leads_through_the_picker_to_playback():
    app = demo(no_active_device=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        fake = fake_of(app)
        top = fake.account.top_tracks["medium_term"]
        await open_tab(pilot, "2", "top-tracks")
        await pilot.press("down", "enter")
        await until(pilot, lambda: isinstance(app.screen, DevicePicker))
        await pilot.pause(0.3)
        await pilot.press("home", "enter")  # Living Room
        await until(pilot, lambda: fake.account.active_device is not None)
        assert fake.account.active_device["name"] == "Living Room"
        await until(pilot, lambda: fake.account.player.uri == top[1])
        assert fake.account.player.is_playing


async def test_enter_on_a_top_artist_plays_the_artist():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        fake = fake_of(app)
        table = await open_tab(pilot, "3", "top-artists")
        await pilot.press("enter")
        artist = table.items[0]
        await until(pilot, lambda: fake.account.player.context_uri == artist.uri)


async def test_a_queues_the_highlighted_track_and_the_queue_tab_marks_it():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        fake = fake_of(app)
        table = await open_tab(pilot, "5", "library")
        await pilot.press("down", "down", "a")
        uri = table.items[2].uri
        await until(pilot, lambda: fake.account.queue == [uri])
        queue = await open_tab(pilot, "6", "queue")
        assert queue.rows[0][1] == table.rows[2][1] and queue.rows[0][-1] == "✓"
        assert queue.rows[1][-1] == ""  # the context's next track: not queued by you
        await pilot.press("1", "n")
        await until(pilot, lambda: fake.account.player.uri == uri)


async def test_enter_on_a_far_queue_item_asks_first_then_skips_to_it():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        fake = fake_of(app)
        queue = await open_tab(pilot, "6", "queue")
        assert app.screen.query_one(TabbedContent).active == "queue"
        target = queue.items[5].uri
        await pilot.press("down", "down", "down", "down", "down", "enter")
        await until(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.press("y")
        await until(pilot, lambda: fake.account.player.uri == target)


# --- search, pages and playlists --------------------------------------------------------


def _searches(fake) -> int:
    return fake.requests["/v1/search"]


async def test_search_waits_for_a_pause_then_asks_once_and_enter_plays_a_hit(monkeypatch):
    # A pause of 2 s: on a busy machine (CI's two jobs) the test's own keystrokes can
    # come further apart than the app's short pause, which is a pause of the user's.
    monkeypatch.setattr("spotui.tui.screens.search.SEARCH_PAUSE_S", 2.0)
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        fake = fake_of(app)
        await pilot.press("slash")
        await until(pilot, lambda: isinstance(app.screen, SearchScreen))
        await pilot.press(*'artist:"Aurora Lindqvist"')  # a keystroke at a time
        tracks = app.screen.query_one("#found-track RowsTable", RowsTable)
        await until(pilot, lambda: tracks.row_count == 10)
        assert _searches(fake) == 1  # one request for 25 keystrokes
        await pilot.press("down", "down", "enter")
        chosen = tracks.items[1].uri
        await until(pilot, lambda: fake.account.player.uri == chosen)


async def test_a_search_section_loads_ten_more_at_its_end():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        fake = fake_of(app)
        await pilot.press("slash", *"Nightshift")
        albums = app.screen.query_one("#found-album RowsTable", RowsTable)
        await until(pilot, lambda: albums.row_count == 10)
        await pilot.pause(SEARCH_PAUSE_S + 0.3)  # any search still waiting has landed
        before = _searches(fake)
        albums.focus()
        await pilot.press("end")
        await until(pilot, lambda: albums.row_count == 14)
        assert _searches(fake) == before + 1


async def test_an_album_plays_from_the_chosen_track_and_escape_goes_back():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        fake = fake_of(app)
        await pilot.press("slash", *"Polar Hours")
        albums = app.screen.query_one("#found-album RowsTable", RowsTable)
        await until(pilot, lambda: albums.row_count == 1)
        search = app.screen
        albums.focus()
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, AlbumScreen))
        album = app.screen.query_one(RowsTable)
        await until(pilot, lambda: album.row_count == 8)
        await pilot.press("down", "down", "enter")
        third, fourth = album.items[2].uri, album.items[3].uri
        await until(pilot, lambda: fake.account.player.uri == third)
        assert fake.account.player.context_uri == albums.items[0].uri
        await pilot.press("n")
        await until(pilot, lambda: fake.account.player.uri == fourth)
        await pilot.press("escape")
        assert app.screen is search and app.focused is albums


async def test_a_60_track_album_scrolls_to_track_55_and_plays_it_in_the_album():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        fake = fake_of(app)
        box = next(a for a in ALBUMS.values() if a.name == BOX_SET)
        await pilot.press("slash", *"Tango Completo")
        albums = app.screen.query_one("#found-album RowsTable", RowsTable)
        await until(pilot, lambda: albums.row_count == 1)
        assert albums.rows[0][5] == "60"  # as listed: the album's own count
        albums.focus()
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, AlbumScreen))
        tracks = app.screen.query_one(RowsTable)
        await until(pilot, lambda: tracks.row_count == 60)
        assert "60 tracks" in str(app.screen.query_one(".caption").content)
        await pilot.press("pagedown")
        while tracks.cursor_row != 54:
            await pilot.press("down" if tracks.cursor_row < 54 else "up")
        assert tracks.rows[54][0] == "55" and tracks.items[54].uri == box.tracks[54].uri
        await pilot.press("enter")
        await until(pilot, lambda: fake.account.player.uri == box.tracks[54].uri)
        assert fake.account.player.context_uri == box.uri
        await pilot.press("n")  # on within the album
        await until(pilot, lambda: fake.account.player.uri == box.tracks[55].uri)


async def test_an_artist_page_from_the_playing_track_pages_its_albums():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        fake = fake_of(app)
        fake.account.play({"uris": [TRACKS[10].uri]})  # 3 AM Study Session: Nightshift
        await pilot.press("ctrl+r")
        await until(pilot, lambda: title(app) == TRACKS[10].name)
        await pilot.press("O")
        await until(pilot, lambda: isinstance(app.screen, ArtistScreen))
        albums = app.screen.query_one("#artist-albums RowsTable", RowsTable)
        tracks = app.screen.query_one("#artist-tracks RowsTable", RowsTable)
        await until(pilot, lambda: albums.row_count == 10 and tracks.row_count == 10)
        assert "Artist · Nightshift Collective" in str(app.screen.query_one("#page-title").content)
        albums.focus()
        await pilot.press("end")
        await until(pilot, lambda: albums.row_count == 14)
        await pilot.press("end", "enter")  # the oldest album, from the second page
        await until(pilot, lambda: fake.account.player.context_uri == albums.items[13].uri)


async def test_a_playlist_you_own_opens_and_plays_from_the_chosen_track():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        fake = fake_of(app)
        table = await open_tab(pilot, "7", "playlists")
        assert [row[1] for row in table.rows][:2] == ["spotui demo mix", "Road Trip 2026"]
        await pilot.press("down", "o")
        await until(pilot, lambda: isinstance(app.screen, PlaylistScreen))
        items = app.screen.query_one(RowsTable)
        await until(pilot, lambda: items.row_count == 5)
        await pilot.press("down", "down", "enter")
        await until(pilot, lambda: fake.account.player.uri == items.items[2].uri)
        assert fake.account.player.context_uri == table.items[1].uri


async def test_a_followed_playlist_says_why_its_items_are_hidden_and_still_plays():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        fake = fake_of(app)
        table = await open_tab(pilot, "7", "playlists")
        await pilot.press("down", "down", "down", "o")  # Deep Focus
        await until(pilot, lambda: isinstance(app.screen, PlaylistScreen))
        caption = app.screen.query_one(".caption")
        await until(pilot, lambda: "only of playlists you own" in str(caption.content))
        await pilot.press("enter")
        await until(pilot, lambda: fake.account.player.context_uri == table.items[3].uri)


async def test_a_followed_playlists_caption_reads_whole_at_80_by_24():
    app = demo()
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        await open_tab(pilot, "7", "playlists")
        await pilot.press("down", "down", "down", "o")  # Deep Focus
        await until(pilot, lambda: isinstance(app.screen, PlaylistScreen))
        caption = app.screen.query_one(".caption")
        await until(pilot, lambda: "only of playlists you own" in str(caption.content))
        await pilot.pause(0.1)
        shown = "".join(screen_text(app).split())  # the lines joined, as wrapped
        assert "".join(str(caption.content).split()) in shown
        await pilot.press("l")  # on the "▶ Play …" row: no track to save
        await until(pilot, lambda: "Highlight a track to save it." in notices(app))


async def test_plus_adds_the_highlighted_track_to_a_playlist_picked_by_typing():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        fake = fake_of(app)
        table = await open_tab(pilot, "2", "top-tracks")
        await pilot.press("down", "plus")
        await until(pilot, lambda: isinstance(app.screen, PlaylistPicker))
        options = app.screen.query_one(OptionList)
        await until(pilot, lambda: options.option_count == 4)  # yours and the collaborative
        await pilot.press(*"road", "enter")
        road = next(p for p in fake.account.playlists if p.name == "Road Trip 2026")
        uri = table.items[1].uri
        await until(pilot, lambda: fake.account.playlist_items[road.id][-1][0] == uri)
        assert "Added" in notices(app)


async def test_queueing_without_premium_says_why_and_queues_nothing():
    app = demo(premium=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        fake = fake_of(app)
        await open_tab(pilot, "2", "top-tracks")
        await pilot.press("a")
        await until(pilot, lambda: "Premium is required" in notices(app))
        assert fake.account.queue == []


async def test_the_highlighted_row_is_drawn_highlighted_across_its_text():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        table = await open_tab(pilot, "2", "top-tracks")
        await pilot.press("down")

        def background(y: int) -> object:
            return next(iter(table.render_line(y))).style.bgcolor

        cursor = table.get_component_rich_style("rows-table--cursor").bgcolor
        assert background(2) == cursor  # row 2 (under the header), its title cell
        assert background(1) != cursor and background(3) != cursor


async def test_an_older_searchs_answer_never_lands_over_a_newer_query():
    app = demo(latency_ms=1500)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        fake = fake_of(app)
        await pilot.press("slash", *"Aurora")
        await until(pilot, lambda: _searches(fake) == 1)  # "Aurora" is in flight, slowly
        fake.set(latency_ms=0)
        await pilot.press(*" zzz")  # matches nothing, and its answer comes back first
        await until(pilot, lambda: _searches(fake) == 2)
        tracks = app.screen.query_one("#found-track RowsTable", RowsTable)
        await pilot.pause(2.0)  # the older answer is back by now too
        assert tracks.row_count == 0
        assert "0 of 0" in str(app.screen.query_one("#found-track .caption").content)


async def test_escape_on_a_page_as_its_answer_arrives_goes_back_without_a_crash(monkeypatch):
    """The answer lands while the page's widgets are being taken down: the page's load
    ends first, so the answer finds no missing widget to fill."""
    answer = asyncio.Event()
    leaving: list[AlbumScreen] = []

    def hook(message: Message) -> None:
        if leaving and not leaving[0].query(".caption"):
            answer.set()  # the page's caption has gone: now the answer comes

    app = demo()
    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        main = await started(pilot)
        asked = main.browse.album

        async def album(album_id: str):
            page = await asked(album_id)
            await answer.wait()
            return page

        monkeypatch.setattr(main.browse, "album", album)
        await open_tab(pilot, "2", "top-tracks")
        await pilot.press("o")  # the highlighted track's album
        await until(pilot, lambda: isinstance(app.screen, AlbumScreen))
        leaving.append(app.screen)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is main and answer.is_set())
        await pilot.pause(0.2)
        assert app.screen is main
