"""What a new user sees on the screens, with Pilot: tabs at 80 columns, empty states,
countdowns, search, the filter, the cover, pop-ups, pickers and contrast (issue 29)."""

from __future__ import annotations

import itertools

import pytest
from textual.color import Color
from textual.widgets import Footer, Input, Label, OptionList, Static, Tab, TabbedContent

from spotui.config import Config
from spotui.fake import DEMO_CLIENT_ID, FakeSpotify
from spotui.tui.app import SpotuiApp
from spotui.tui.screens.devices import DevicePicker
from spotui.tui.screens.pages import AlbumScreen, ArtistScreen
from spotui.tui.screens.playlist_picker import PlaylistPicker
from spotui.tui.screens.search import SearchScreen
from spotui.tui.screens.wizard import WizardScreen
from spotui.tui.widgets.art import AlbumArt
from spotui.tui.widgets.lists import FilterBox, ListView
from spotui.tui.widgets.now_playing import TimeBar
from spotui.tui.widgets.playback_bar import PlaybackBar, PlaybackLine
from spotui.tui.widgets.table import RowsTable

from .helpers import contrast, demo, free_port, open_tab, screen_text, started, until
from .test_wizard import fill_in, real_services, wizard

# --- tabs ---------------------------------------------------------------------------


async def test_every_tab_title_is_on_screen_at_80_columns_on_every_tab():
    app = demo()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await started(pilot)
        for number in range(1, 9):
            await pilot.press(str(number))
            await until(
                pilot, lambda n=number: screen.query_one(TabbedContent).active_pane is not None
            )
            await pilot.pause(0.1)
            for tab in screen.query(Tab):
                region = tab.region
                assert region.x >= 0 and region.right <= 80, (number, tab.label.plain)
                # Drawn there, not scrolled away under another widget.
                assert screen.get_widget_at(region.x + 1, region.y)[0] is tab, tab.label.plain
            assert all(tab.label.plain in screen_text(app) for tab in screen.query(Tab))


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_inactive_tabs_have_a_contrast_of_at_least_4_5(theme):
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await started(pilot)
        app.theme = theme
        await pilot.pause(0.2)
        inactive = [tab for tab in screen.query(Tab) if not tab.has_class("-active")]
        assert len(inactive) == 7
        for tab in inactive:
            _, _, background, color = tab.colors
            assert contrast(background, background + color) >= 4.5, (theme, tab.label.plain)


# --- pop-ups ------------------------------------------------------------------------


async def test_the_device_picker_opens_on_the_active_device_over_a_visible_screen():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, DevicePicker) and app.screen.devices)
        picker = app.screen
        assert isinstance(picker, DevicePicker)
        active = next(i for i, d in enumerate(picker.devices) if d.is_active)
        assert active > 0  # the demo's active device is not the first: a real test
        options = picker.query_one(OptionList)
        await until(pilot, lambda: options.highlighted == active)
        text = screen_text(app)
        assert "Play on which device?" in text
        assert "Playing · Track" in text  # the main screen, still in sight behind it


async def test_the_playlist_picker_opens_on_the_playlist_last_used():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await started(pilot)
        table = await open_tab(pilot, "2", "top-tracks")
        await until(pilot, lambda: table.row_count > 2)

        async def picker() -> OptionList:
            await pilot.press("down", "plus")
            await until(pilot, lambda: isinstance(app.screen, PlaylistPicker))
            options = app.screen.query_one(OptionList)
            await until(pilot, lambda: options.option_count == 4)
            return options

        def highlighted(options: OptionList) -> str:
            assert options.highlighted is not None
            return str(options.get_option_at_index(options.highlighted).prompt)

        options = await picker()
        assert options.highlighted == 0  # never used: the first
        assert "Road Trip" not in highlighted(options)
        await pilot.press(*"road", "enter")
        await until(pilot, lambda: app.screen is screen)
        options = await picker()
        assert "Road Trip" in highlighted(options)


# --- empty states -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("knobs", "words"),
    [
        ({"no_active_device": True}, "No active device"),
        ({"nothing_playing": True}, "Nothing playing"),
        ({"ad": True}, "Advertisement"),
    ],
)
async def test_an_empty_state_reads_once_with_no_empty_bar(knobs, words):
    app = demo(**knobs)
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        await until(pilot, lambda: words in screen_text(app))
        text = screen_text(app)
        assert text.count(words) == 1
        assert "--:--" not in text and "0:00" not in text  # no empty time bar
        assert "♪" not in text  # no stray cover placeholder


@pytest.mark.parametrize(("key", "view_id"), [("5", "library-view"), ("2", "top-tracks-view")])
async def test_a_lists_rate_limit_countdown_counts_down(key, view_id):
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await started(pilot)
        fake = app.services.fake
        assert fake is not None
        fake.set(rate_limit=1, retry_after=35)  # over the client's 30 s: it does not wait
        await pilot.press(key)
        await until(pilot, lambda: bool(screen.query(f"#{view_id}")))
        view = screen.query_one(f"#{view_id}", ListView)
        caption = view.query_one(".caption", Label)
        await until(pilot, lambda: "retrying in" in str(caption.content))
        first = str(caption.content)
        assert "retrying in 35 s" in first or "retrying in 34 s" in first
        await pilot.pause(2.2)
        later = str(caption.content)
        seconds = int(later.rsplit("retrying in ", 1)[1].split()[0])
        assert seconds <= int(first.rsplit("retrying in ", 1)[1].split()[0]) - 2


# --- search -------------------------------------------------------------------------


async def test_search_at_80_by_24_shows_several_tracks_and_no_empty_section():
    app = demo()
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        await pilot.press("slash")
        await until(pilot, lambda: isinstance(app.screen, SearchScreen))
        await pilot.press(*"paper moon")
        tracks = app.screen.query_one("#found-track", ListView)
        await until(pilot, lambda: tracks.table.row_count == 10)
        # The sections are sized once every answer is in: on a busy machine, a moment on.
        await until(pilot, lambda: screen_text(app).count("Paper Moon") >= 5, 10)  # not 1 of 10
        text = screen_text(app)
        empty = [s for s in app.screen.query(ListView) if not s.table.row_count]
        assert empty, "the query should leave a section empty"
        for section in empty:
            assert section.region.height == 0  # no pane for what found nothing
        assert " of 0" not in text


async def test_search_at_120_by_40_sits_its_sections_together_with_no_gap():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pilot.press("slash")
        await until(pilot, lambda: isinstance(app.screen, SearchScreen))
        await pilot.press(*"night")  # every section finds something
        tracks = app.screen.query_one("#found-track", ListView)
        await until(pilot, lambda: tracks.table.row_count == 10)
        await pilot.pause(0.3)
        shown = [s for s in app.screen.query(ListView) if s.display]
        assert len(shown) >= 2
        assert tracks.table.region.height == 1 + 10  # its header and its rows, no more
        for above, below in itertools.pairwise(shown):
            assert below.region.y == above.region.bottom, below.id  # no blank rows between
        lines = screen_text(app).splitlines()
        first = next(n for n, line in enumerate(lines) if "Tracks · 10 of" in line)
        last = max(n for n, line in enumerate(lines) if "Friday Night (with Sam)" in line)
        assert all(line.strip() for line in lines[first : last + 1])
        assert app.screen.query_one(PlaybackBar).region.bottom == 39  # on the footer


async def test_search_keeps_the_query_when_you_come_back():
    app = demo()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await started(pilot)
        await pilot.press("slash")
        await until(pilot, lambda: isinstance(app.screen, SearchScreen))
        await pilot.press(*"paper")
        await until(pilot, lambda: "Paper Moon" in screen_text(app))
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        await pilot.press("slash")
        await until(pilot, lambda: isinstance(app.screen, SearchScreen))
        assert app.screen.query_one(Input).value == "paper"
        await until(pilot, lambda: "Paper Moon" in screen_text(app))


# --- the filter ---------------------------------------------------------------------


async def test_f_narrows_the_library_by_title_artist_or_album_and_escape_shows_all():
    app = demo()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await started(pilot)
        table = await open_tab(pilot, "5", "library")
        await until(pilot, lambda: table.row_count == 504, timeout=10)
        title, artist, album = table.rows[40][1:4]
        await pilot.press("f")
        await until(pilot, lambda: isinstance(app.focused, FilterBox))
        for word in (title, artist, album):
            app.focused.value = word.casefold()
            await pilot.pause(0.1)
            assert 0 < table.showing < 504
            text = screen_text(app)
            assert f"{table.showing} of 504 saved tracks" in text  # the caption counts
            assert text.count(word[:8]) >= 1
            assert all(
                word.casefold() in "\t".join(table.get_row_at(table._index(n))).casefold()
                for n in range(table.showing)
            )
        await pilot.press("enter")  # to the rows: Enter plays the one highlighted
        shown = table.highlighted
        await pilot.press("enter")
        await until(
            pilot,
            lambda: (
                screen.now_playing.state.playback is not None
                and getattr(screen.now_playing.state.playback.item, "uri", None)
                == getattr(shown, "uri", 1)
            ),
        )
        await pilot.press("f", "escape")
        await until(pilot, lambda: table.showing == 504)
        assert not screen.query_one(FilterBox).display
        text = screen_text(app)
        assert "504 saved tracks" in text and " of 504" not in text  # the caption again


async def test_a_digit_typed_in_the_filter_stays_in_the_box():
    app = demo()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await started(pilot)
        await pilot.press("4")
        await until(pilot, lambda: bool(screen.query("#recent RowsTable")))
        await pilot.press("f", "1", "n")
        assert screen.query_one(TabbedContent).active == "recent"
        assert screen.query_one(FilterBox).value == "1n"


# --- the cover ----------------------------------------------------------------------


async def test_the_cover_grows_with_the_window():
    sizes = {}
    for size in ((120, 40), (200, 60)):
        app = demo()
        async with app.run_test(size=size) as pilot:
            screen = await started(pilot)
            art = screen.query_one(AlbumArt)
            await until(pilot, lambda a=art: a.picture is not None)
            sizes[size] = art.size
    small, big = sizes[(120, 40)], sizes[(200, 60)]
    assert big.width > small.width and big.height > small.height
    assert big.width == 2 * big.height  # square: a cell is twice as high as wide


# --- the sign-in wizard -------------------------------------------------------------


async def test_the_wizards_footer_offers_back_only_where_it_goes_back():
    fake = FakeSpotify(library_size=20)
    app = SpotuiApp(real_services(fake))
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, WizardScreen))
        footer = app.screen.query_one(Footer)
        assert "Back" not in screen_text(app)  # the first step: nothing to go back to
        await fill_in(pilot, DEMO_CLIENT_ID, port=free_port())
        await until(pilot, lambda: wizard(app).flow is not None)
        await until(pilot, lambda: "Back" in screen_text(app))
        assert footer.is_mounted
        await pilot.press("escape")
        await until(pilot, lambda: wizard(app).flow is None)
        await until(pilot, lambda: "Back" not in screen_text(app))


async def test_the_arrows_move_in_the_filter_box_not_in_the_track():
    app = demo()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await started(pilot)
        await pilot.press("4")
        await until(pilot, lambda: bool(screen.query("#recent RowsTable")))
        fake = app.services.fake
        assert fake is not None
        await pilot.press("f", *"ab")
        seeks = fake.requests["/v1/me/player/seek"]
        await pilot.press("left", "x")
        assert screen.query_one(FilterBox).value == "axb"
        await pilot.pause(0.5)
        assert fake.requests["/v1/me/player/seek"] == seeks  # no seek went to Spotify


def low_contrast(screen) -> list[str]:
    """The words on screen drawn at under 4.5:1 against what is behind them."""
    low = []
    for widget in screen.walk_children():
        if not isinstance(widget, Static) or not widget.region.area or not widget.visible:
            continue
        if not str(widget.content).strip() or not widget.display:
            continue
        _, _, background, color = widget.colors
        if contrast(background, background + color) < 4.5:
            low.append(f"{widget!r}: {str(widget.content)[:30]}")
    return low


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
@pytest.mark.parametrize("knobs", [{}, {"no_active_device": True}])
async def test_the_words_on_now_and_a_list_have_a_contrast_of_at_least_4_5(theme, knobs):
    app = demo(Config(theme=theme), **knobs)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await started(pilot)
        await pilot.pause(0.3)
        assert low_contrast(screen) == []
        screen.now_playing.status = "Offline — retrying in 5 s"  # the trouble line
        await pilot.press("2")
        await until(pilot, lambda: bool(screen.query("#top-tracks RowsTable")))
        await pilot.pause(0.3)
        assert low_contrast(screen) == []
        await pilot.press("1")
        await pilot.pause(0.1)
        assert low_contrast(screen) == []


async def test_f_narrows_a_pages_tracks():
    app = demo()
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        await pilot.press("slash", *"Polar Hours")
        albums = app.screen.query_one("#found-album RowsTable", RowsTable)
        await until(pilot, lambda: albums.row_count == 1)
        albums.focus()
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, AlbumScreen))
        table = app.screen.query_one(RowsTable)
        await until(pilot, lambda: table.row_count == 8)
        title = table.rows[5][1]
        await pilot.press("f", *title)
        await until(pilot, lambda: table.showing < 8)
        assert title in screen_text(app)
        assert all(title in table.get_row_at(table._index(n))[1] for n in range(table.showing))
        page = app.screen
        await pilot.press("enter")  # to the rows, the filter applied
        await until(pilot, lambda: app.focused is table)
        await pilot.press("escape")  # first the whole list again, on the page
        await until(pilot, lambda: table.showing == 8)
        assert app.screen is page and app.focused is table
        assert " of 8 " not in screen_text(app)  # the page's caption again
        await pilot.press("escape")  # then back, as before
        await until(pilot, lambda: app.screen is not page)


async def test_a_question_leaves_the_screen_in_sight():
    from spotui.tui.screens.confirm import Confirm

    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        app.push_screen(Confirm("Skip 5 tracks?"))
        await until(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.pause(0.2)
        text = screen_text(app)
        assert "Skip 5 tracks?" in text and "Playing · Track" in text


# --- the artist page ----------------------------------------------------------------


async def test_the_artist_page_names_only_the_other_artists_of_a_row():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pilot.press("O")  # the playing track's artist
        await until(pilot, lambda: isinstance(app.screen, ArtistScreen))
        screen = app.screen
        assert isinstance(screen, ArtistScreen)
        albums = screen.query_one("#artist-albums", ListView).table
        tracks = screen.query_one("#artist-tracks", ListView).table
        await until(pilot, lambda: albums.row_count > 0 and tracks.row_count > 0)
        await pilot.pause(0.2)
        name = screen.artist.name
        for table in (albums, tracks):
            assert all(name not in cell for row in table.rows for cell in row[2:3])
        text = screen_text(app)
        assert "Artists" not in text  # no column of the page's own name
        assert text.count(name) <= 3  # the page's title, the tracks' caption, the bar


def test_an_artist_pages_row_names_the_artists_beside_the_page_s():
    from spotui.spotify.models import Album, Artist, Track
    from spotui.tui.widgets.lists import album_rows, track_rows

    page, guest = Artist("星野 夜", id="a1"), Artist("Sam", id="a2")
    duet = Track("Duet", id="t1", artists=(page, guest), duration_ms=1000)
    assert track_rows([duet], besides=page)[0][2] == "Sam"
    assert track_rows([duet])[0][2] == "星野 夜, Sam"  # elsewhere, every artist
    assert album_rows([Album("Split", artists=(guest, page))], besides=page)[0][2] == "Sam"


async def test_enter_on_a_search_result_shows_it_in_the_bar_and_names_it():
    app = demo()
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        await pilot.press("slash", *"paper moon")
        tracks = app.screen.query_one("#found-track", ListView).table
        await until(pilot, lambda: tracks.row_count == 10)
        await pilot.press("down", "down", "enter")
        chosen = tracks.items[1]
        name = getattr(chosen, "name", "")
        assert name and name != "Cherish"
        bar = app.screen.query_one(PlaybackBar)
        await until(pilot, lambda: name in " ".join(bar.query_one(PlaybackLine).parts), 15)
        assert name in screen_text(app)
        await until(
            pilot, lambda: any(name in n.message for n in app._notifications)
        )  # a toast names it


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_the_time_still_to_play_reads_on_its_panel_in_both_themes(theme):
    app = demo(Config(theme=theme))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await started(pilot)
        for tab in ("1", "2"):  # the Now box's bar, then a tab's playback bar
            await pilot.press(tab)
            await pilot.pause(0.3)
            bars = [bar for bar in screen.query(TimeBar) if bar.region.area]
            assert bars, tab
            for bar in bars:
                left = list(bar.render_line(0))[2]  # the "━" still to play
                assert left.text.strip("━") == "" and left.style and left.style.color
                drawn = Color.from_rich_color(left.style.color)
                behind = bar.colors[2]
                assert contrast(behind, drawn) >= 3, (theme, tab, behind.hex, drawn.hex)


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_the_playing_row_reads_on_its_stripe_in_both_themes(theme):
    """The row that plays is marked in a colour of its own, still at 4.5:1 or more."""
    app = demo(Config(theme=theme))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await started(pilot)
        await pilot.press("5")
        table = screen.query_one("#library-view RowsTable", RowsTable)
        await until(pilot, lambda: any(table._plays(i) for i in range(table.row_count)))
        row = next(i for i in range(table.row_count) if table._plays(i))
        await pilot.press(*["down"] * (row + 1))  # the cursor off it: its own colours show
        await pilot.pause(0.2)
        name = table.get_row_at(row)[1]
        drawn = table.render_line(row + 1 - int(table.scroll_offset.y))
        segment = next(s for s in drawn if name[:4] in s.text)
        assert segment.style and segment.style.color and segment.style.bgcolor
        fore = Color.from_rich_color(segment.style.color)
        back = Color.from_rich_color(segment.style.bgcolor)
        assert contrast(fore, back) >= 4.5, (theme, fore.hex, back.hex)
