"""The main screen with Pilot against the in-process fake: keys, states, tabs."""

from __future__ import annotations

import time

import pytest
from textual.color import Color
from textual.geometry import Region
from textual.widgets import OptionList, Static, TabbedContent

from spotui import paths
from spotui.config import Config
from spotui.core import snapshot
from spotui.core.snapshot import Snapshot
from spotui.fake import FakeSpotify
from spotui.fake.catalog import TRACKS
from spotui.services import Services
from spotui.tui.app import SpotuiApp
from spotui.tui.screens.devices import DevicePicker
from spotui.tui.screens.help import HelpScreen
from spotui.tui.widgets.art import AlbumArt
from spotui.tui.widgets.lists import LibraryView, ListView
from spotui.tui.widgets.now_playing import TimeBar, changed_runs
from spotui.tui.widgets.table import RowsTable

from .helpers import demo, open_tab, screen_text, started, until


def fake_of(app: SpotuiApp) -> FakeSpotify:
    fake = app.services.fake
    assert isinstance(fake, FakeSpotify)
    return fake


def text(app: SpotuiApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).content)


def notices(app: SpotuiApp) -> str:
    """Every notification shown so far (toasts leave the screen after a while)."""
    return "\n".join(f"{n.title}: {n.message}" for n in app._notifications)


def title(app: SpotuiApp) -> str:
    return text(app, "#title")


# --- keys ---------------------------------------------------------------------------


async def test_space_pauses_and_resumes_the_fakes_player():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        fake = fake_of(app)
        assert "Playing" in str(app.screen.query_one("#state-line").content)
        await pilot.press("space")
        await until(pilot, lambda: not fake.account.player.is_playing)
        assert "Paused" in str(app.screen.query_one("#state-line").content)
        await pilot.press("space")
        await until(pilot, lambda: fake.account.player.is_playing)
        assert "Playing" in str(app.screen.query_one("#state-line").content)


async def test_space_is_optimistic_under_latency():
    app = demo(latency_ms=1500)  # a wide window: the suite may run on a busy machine
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pilot.press("space")
        await pilot.pause()
        # The screen says paused at once, while the request is still on its way.
        assert "Paused" in str(app.screen.query_one("#state-line").content)
        assert fake_of(app).account.player.is_playing
        await until(pilot, lambda: not fake_of(app).account.player.is_playing)


async def test_a_refused_command_puts_the_screen_back_with_a_message():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        fake_of(app).set(premium=False)
        await pilot.press("space")
        await until(pilot, lambda: "Playing" in str(app.screen.query_one("#state-line").content))
        await until(pilot, lambda: "Spotify said no: Spotify Premium is required" in notices(app))
        assert fake_of(app).account.player.is_playing


async def test_next_and_previous():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pilot.press("n")
        await until(pilot, lambda: title(app) == TRACKS[1].name)
        await pilot.press("p")
        await until(pilot, lambda: title(app) == "Cherish")


async def test_seek_moves_ten_seconds_each_way():
    app = demo(Config(seek_step=10))
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        fake = fake_of(app)
        before = fake.account.position()
        await pilot.press("right")
        await until(pilot, lambda: fake.account.position() >= before + 10_000)
        await pilot.press("left", "left")
        await until(pilot, lambda: fake.account.position() <= before - 5_000)


async def test_volume_keys_use_the_configured_step():
    app = demo(Config(volume_step=5))
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        device = fake_of(app).account.active_device
        await pilot.press("equals_sign")
        await until(pilot, lambda: device["volume_percent"] == 85)
        assert "volume 85%" in text(app, "#details")
        await pilot.press("minus", "minus")
        await until(pilot, lambda: device["volume_percent"] == 75)


async def test_shuffle_and_repeat_cycle():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        player = fake_of(app).account._player
        await pilot.press("s")
        await until(pilot, lambda: player.shuffle)
        assert "Shuffle on" in text(app, "#details")
        for expected, shown in (
            ("context", "Repeat all"),
            ("track", "Repeat one"),
            ("off", "Repeat off"),
        ):
            await pilot.press("r")
            await until(pilot, lambda e=expected: fake_of(app).account.player.repeat == e)
            assert shown in text(app, "#details")


async def test_like_and_unlike_the_current_track():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        fake = fake_of(app)
        track = TRACKS[8]  # not saved yet
        fake.account.play({"uris": [track.uri]})
        app.screen.action_refresh()
        await until(pilot, lambda: title(app) == track.name)
        await until(
            pilot, lambda: "Not in your library" in str(app.screen.query_one("#liked").content)
        )
        await pilot.press("l")
        await until(pilot, lambda: track.uri in fake.account.saved_set)
        assert "In your library" in str(app.screen.query_one("#liked").content)
        await pilot.press("l")
        await until(pilot, lambda: track.uri not in fake.account.saved_set)


async def test_device_picker_transfers_playback():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pilot.press("d")
        await until(pilot, lambda: isinstance(app.screen, DevicePicker))
        options = app.screen.query_one(OptionList)
        await until(pilot, lambda: options.option_count == 4)
        assert options.get_option_at_index(3).disabled  # the car: null id, restricted
        await pilot.press("home", "enter")  # the first: Living Room
        await until(pilot, lambda: fake_of(app).account.active_device["name"] == "Living Room")
        await until(pilot, lambda: "Living Room" in text(app, "#details"))


async def test_time_range_cycles_on_the_top_tabs():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pilot.press("2")
        tabs = app.screen.query_one(TabbedContent)
        assert tabs.active == "top-tracks"
        assert "6 mo" in str(tabs.get_tab("top-tracks").label)
        view = app.screen.query_one("#top-tracks-view", ListView)
        for label, caption in (("1 yr", "past year"), ("4 wk", "4 weeks"), ("6 mo", "6 months")):
            await pilot.press("t")
            await until(pilot, lambda la=label: la in str(tabs.get_tab("top-tracks").label))
            assert label in str(tabs.get_tab("top-artists").label)
            await until(pilot, lambda c=caption: c in str(view.query_one(".caption").content))


async def test_ctrl_r_asks_spotify_again_at_once():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        before = fake_of(app).player_requests()
        await pilot.press("ctrl+r")
        await until(pilot, lambda: fake_of(app).player_requests() > before, timeout=1.0)


async def test_number_keys_and_the_mouse_switch_tabs():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        tabs = app.screen.query_one(TabbedContent)
        for key, tab in zip(
            "23451", ("top-tracks", "top-artists", "recent", "library", "now"), strict=True
        ):
            await pilot.press(key)
            assert tabs.active == tab
        await pilot.click("#--content-tab-top-artists")
        assert tabs.active == "top-artists"


async def test_q_quits():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_ctrl_c_says_which_key_quits_in_plain_words():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pilot.press("ctrl+c")
        await until(pilot, lambda: "quit" in notices(app))
        assert "Press q to quit spotui." in notices(app)
        assert "[b]" not in screen_text(app)
        assert app.is_running  # Ctrl-C only says it


async def test_help_and_the_command_palette_list_the_actions():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await started(pilot)
        titles = [command.title for command in app.get_system_commands(screen)]
        for action in (
            "Play or pause",
            "Skip to the next track",
            "Pick the device to play on",
            "Top lists' window: 4 weeks, 6 months, a year",
            "Quit spotui",
        ):
            assert action in titles
        windows = [title for title in titles if "window" in title.casefold()]
        assert any(title.startswith("Top lists") for title in windows), titles  # t
        assert any(title.startswith("Stats") for title in windows), titles  # w
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        for description in (
            "Play or pause",
            "Turn shuffle on or off",
            "Pick the device to play on",
            "Volume down, up",
            "Ask Spotify again now",
        ):
            assert description in screen_text(app)


async def test_the_palette_offers_spotuis_help_and_not_textuals_key_panel():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await started(pilot)
        await pilot.press("2")  # a focused widget: Textual offers to maximize it
        await until(pilot, lambda: screen.focused is not None and screen.focused.allow_maximize)
        commands = list(app.get_system_commands(screen))
        titles = [command.title for command in commands]
        assert not {"Keys", "Maximize", "Minimize"} & set(titles), titles
        help_entry = next(c for c in commands if "keys" in c.title.casefold())
        help_entry.callback()
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)


# --- states -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("knobs", "state_words", "title_words", "more"),
    [
        ({}, "Playing · Track", "Cherish", "Shuffle off"),
        ({"nothing_playing": True}, "Nothing playing", "Nothing playing", "space to resume"),
        ({"episode": True}, "Playing · Podcast", "Ep. 142", "The Command Line"),
        ({"ad": True}, "Advertisement", "Advertisement", "an ad"),
        ({"no_active_device": True}, "No active device", "No active device", "press d"),
    ],
)
async def test_each_state_in_plain_words(knobs, state_words, title_words, more):
    app = demo(**knobs)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await until(pilot, lambda: title_words in title(app))
        assert state_words in str(app.screen.query_one("#state-line").content)
        assert more in screen_text(app)


@pytest.mark.parametrize(
    ("legacy", "third_line"),
    [(False, "Released 2026-10-30"), (True, "by Shell Company Media")],
)
async def test_episode_shows_the_show_not_artists(legacy, third_line):
    """The publisher shows only where Spotify still sends it (apps made before 2026)."""
    app = demo(episode=True, legacy_app=legacy)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await until(pilot, lambda: "Ep. 142" in title(app))
        assert text(app, "#artists") == "The Command Line"
        assert text(app, "#album") == third_line


async def test_paused_state():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        fake_of(app).account.pause()
        app.screen.action_refresh()
        await until(pilot, lambda: "Paused" in str(app.screen.query_one("#state-line").content))


async def test_local_file_state():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        fake_of(app).account.play(
            {"uris": ["spotify:local:Me:Voice+Memos:Bedroom+Demo+%28take+3%29:187"]}
        )
        app.screen.action_refresh()
        await until(pilot, lambda: "Local file" in str(app.screen.query_one("#state-line").content))
        assert title(app) == "Bedroom Demo (take 3)"
        assert app.screen.query_one(AlbumArt).picture is None  # no images: the placeholder
        await pilot.press("l")
        await until(pilot, lambda: "Only Spotify tracks can be saved" in notices(app))


async def test_rate_limited_shows_a_countdown_and_recovers():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        fake_of(app).set(rate_limit=1, retry_after=40)
        app.screen.action_refresh()
        await until(pilot, lambda: "rate limiting" in text(app, "#status"))
        assert "retrying in 40 s" in text(app, "#status") or "retrying in 39 s" in text(
            app, "#status"
        )
        assert app.screen.controller.spotify.rate_limited_for > 30
        assert title(app) == "Cherish"  # the last known track stays on screen


async def test_a_pause_held_by_a_short_rate_limit_stays_paused_and_says_when_it_goes():
    """Spotify answers the pause with a 429 and Retry-After 3: the screen says paused at
    once and keeps it while the pause waits, a toast says when it goes, then it goes."""
    app = demo(Config(poll_interval=2))
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        fake = fake_of(app)
        fake.set(rate_limit=1, retry_after=3)
        await pilot.press("space")
        await until(pilot, lambda: "sending the pause in 3 s" in notices(app))
        assert "Spotify is rate limiting spotui" in notices(app)

        def paused_until_sent() -> bool:  # held at the gate: "paused" all along
            assert "Paused" in text(app, "#state-line")
            return not fake.account.player.is_playing

        await until(pilot, paused_until_sent, timeout=8)
        await pilot.pause(1.5)  # the poll after the pause
        assert "Paused" in text(app, "#state-line")


async def test_unreadable_answers_show_a_countdown_then_clear():
    app = demo(Config(poll_interval=2))
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        fake_of(app).set(truncate_json=1)
        app.screen.action_refresh()
        await until(pilot, lambda: "retrying in" in text(app, "#status"))
        assert "could not read" in text(app, "#status")
        await until(pilot, lambda: text(app, "#status") == "", timeout=8)


async def test_offline_shows_retrying_and_comes_back_by_itself():
    app = demo(Config(poll_interval=2))
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        # More than the client's retries, even if the history sync (3 s after start)
        # takes its share of the dropped connections.
        fake_of(app).set(disconnects=8)
        app.screen.action_refresh()
        await until(pilot, lambda: "Offline — retrying in" in text(app, "#status"), timeout=10)
        await until(pilot, lambda: text(app, "#status") == "", timeout=10)
        assert title(app) == "Cherish"


async def test_offline_reads_once_with_no_history_toast_beside_it():
    app = demo(Config(poll_interval=2))
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        fake = fake_of(app)
        asked = fake.requests["/v1/me/player/recently-played"]
        fake.set(disconnects=10_000)
        app.screen.action_refresh()
        await until(pilot, lambda: "Offline — retrying in" in text(app, "#status"), timeout=10)
        # the history sync (3 s after start) tries too, and fails the same way
        await until(
            pilot, lambda: fake.requests["/v1/me/player/recently-played"] > asked, timeout=10
        )
        await pilot.pause(4.0)  # past the client's retries
        assert text(app, "#status").startswith("Offline — retrying")
        assert "not synced" not in notices(app) and "reach Spotify" not in notices(app)
        assert screen_text(app).count("Offline") == 1


async def test_progress_moves_locally_between_polls():
    app = demo(Config(poll_interval=60))
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        requests = fake_of(app).player_requests()
        bar = app.screen.query_one("#time", TimeBar)
        first = bar.render_line(0).text
        assert first.startswith("0:4") and first.endswith(" 2:31")
        await pilot.pause(2.1)
        assert bar.render_line(0).text[:4] != first[:4]  # the elapsed time moved on
        assert fake_of(app).player_requests() == requests  # moved without asking Spotify


@pytest.mark.parametrize("start", ["services given", "command line, from a snapshot"])
async def test_polls_that_change_nothing_repaint_only_the_time_bar(start):
    """A poll with the same answer redraws nothing; the tick redraws a few cells of
    the bar, never the whole screen (each full repaint costs CPU and, over SSH, bytes).
    From the command line the start screen stays beneath the main one: its own bar
    must not tick there (Textual repaints a background screen's changes on top)."""
    config = Config(poll_interval=0.5)
    if start == "services given":
        app = demo(config)
    else:
        playing = Snapshot("Song", "Artist", "Album", "Laptop", True, 1_000, 200_000, time.time())
        snapshot.save(paths.snapshot_file(demo=True), playing)
        app = SpotuiApp(
            Services.demo_mode, config, first_frame=paths.snapshot_file(demo=True), demo=True
        )
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await started(pilot)
        await pilot.pause(0.5)
        compositor = screen._compositor
        full, partial = compositor.render_full_update, compositor.render_partial_update
        counts = {"full": 0, "cells": 0}

        def counted_full(*args, **kwargs):
            counts["full"] += 1
            return full(*args, **kwargs)

        def counted_partial():
            counts["cells"] += sum(region.area for region in compositor._dirty_regions)
            return partial()

        compositor.render_full_update = counted_full  # type: ignore[method-assign]
        compositor.render_partial_update = counted_partial  # type: ignore[method-assign]
        requests = fake_of(app).player_requests()
        await pilot.pause(2.2)
        assert fake_of(app).player_requests() >= requests + 3
        assert counts["full"] == 0
        assert 0 < counts["cells"] <= 3 * 12  # a few cells of the bar, each second


async def test_the_time_bar_takes_the_new_colours_when_the_theme_changes():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        bar = app.screen.query_one("#time", TimeBar)

        def filled_colour() -> str | None:
            segment = next(s for s in bar.render_line(0) if s.text.startswith("━"))
            return segment.style.color.name if segment.style and segment.style.color else None

        before = filled_colour()
        app.theme = "gruvbox" if app.theme != "gruvbox" else "nord"
        await pilot.pause()
        after = filled_colour()
        assert after != before
        assert after == Color.parse(app.current_theme.primary).hex.lower()


def test_changed_runs_are_the_cells_that_differ():
    assert changed_runs("0:46 ==>--- 2:31", "0:47 ===--- 2:31") == [
        Region(3, 0, 1, 1),
        Region(7, 0, 1, 1),
    ]
    assert changed_runs("abc", "abc") == []
    assert changed_runs("abc", "xyz") == [Region(0, 0, 3, 1)]


# --- tabs ---------------------------------------------------------------------------


async def test_tabs_load_their_data():
    app = demo(library_size=230)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        for key, tab, rows in (
            ("2", "top-tracks", 50),
            ("3", "top-artists", 20),
            ("4", "recent", 30),
        ):
            table = await open_tab(pilot, key, tab)
            await until(pilot, lambda t=table, r=rows: t.row_count == r)
        await pilot.press("5")
        library = app.screen.query_one(LibraryView)
        await until(pilot, lambda: library.query_one(RowsTable).row_count == 234)
        assert "234 saved tracks" in str(library.query_one(".caption").content)
        first_row = library.query_one(RowsTable).get_row_at(0)
        assert first_row[1] == TRACKS[3].name  # newest saved first, in order


async def test_top_lists_are_cached_on_disk_and_revalidated_with_etags(tmp_path):
    services = Services.demo_mode()
    app = SpotuiApp(services, Config())
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        table = await open_tab(pilot, "2", "top-tracks")
        await until(pilot, lambda: table.row_count == 50)
    cached = list((tmp_path / "cache").rglob("top-tracks-medium_term.json"))
    assert cached

    seen: list[str | None] = []
    fake = fake_of(app)
    handle = fake.handle

    async def spy(request):
        if request.url.path.endswith("/me/top/tracks"):
            seen.append(request.headers.get("If-None-Match"))
        return await handle(request)

    fake.handle = spy  # type: ignore[method-assign]
    again = SpotuiApp(services, Config())
    async with again.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        table = await open_tab(pilot, "2", "top-tracks")
        await until(pilot, lambda: table.row_count == 50)
        caption = again.screen.query_one("#top-tracks-view", ListView).query_one(".caption")
        await until(pilot, lambda: "refreshing" not in str(caption.content))
    assert seen and seen[0] is not None  # revalidated with If-None-Match (answered 304)


async def test_album_art_is_drawn_for_a_track():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        art = app.screen.query_one(AlbumArt)
        await until(pilot, lambda: art.picture is not None)
        assert art.picture.size[0] <= 96


async def test_album_art_off_by_config():
    app = demo(Config(album_art="off"))
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        assert not app.screen.query_one(AlbumArt).display


async def test_fits_an_80_by_24_terminal():
    app = demo()
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        await until(pilot, lambda: title(app) == "Cherish")
        shown = screen_text(app)
        for words in ("Cherish", "Library", "2:31", "Play/Pause"):
            assert words in shown


async def test_a_graphics_terminal_gets_a_real_image_widget(monkeypatch):
    """Where textual-image found Kitty graphics or Sixel, the cover goes to its widget."""
    widget = pytest.importorskip("textual_image.widget", reason="the optional images extra")
    HalfcellImage = widget.HalfcellImage  # stands in for TGP/Sixel, headless

    from spotui.tui.widgets import art

    monkeypatch.setattr(art, "PROTOCOL_WIDGET", HalfcellImage)
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        widget = app.screen.query_one(AlbumArt)
        await until(pilot, lambda: widget.picture is not None)
        assert widget.query_one("#image", HalfcellImage).image is widget.picture


def test_graphics_are_only_tried_where_the_terminal_hints_at_them(monkeypatch):
    from spotui.tui.widgets import art

    for name in ("KITTY_WINDOW_ID", "TERM_PROGRAM", "SPOTUI_IMAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert art.enable_graphics() is None
    monkeypatch.setenv("KITTY_WINDOW_ID", "1")
    assert art.enable_graphics() is None  # not a tty here: textual-image finds no protocol


async def test_a_countdown_stops_when_spotify_answers_again():
    """The countdown of a failure must not come back after the app has recovered."""
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await started(pilot)
        fake = fake_of(app)
        fake.set(server_errors=8)
        screen.action_refresh()
        await until(pilot, lambda: "retrying in" in screen.now_playing.status, timeout=10)
        fake.set(server_errors=0)
        screen.action_refresh()
        await until(pilot, lambda: screen.now_playing.status == "", timeout=10)
        await pilot.pause(2.5)  # the old countdown would have ticked twice by now
        assert screen.now_playing.status == ""


async def test_a_burst_of_volume_shuffle_and_repeat_keys_adds_up():
    """Keys that arrive together (a held key, a quick hand) each step from the one before:
    three = from 80% give 95%, r r from off gives one, s s leaves shuffle as it was,
    on screen and at Spotify."""
    from textual import events

    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        account = fake_of(app).account
        active = next(d for d in account.devices if d["is_active"])
        assert active["volume_percent"] == 80 and account.player.repeat == "off"
        shuffled = account.player.shuffle
        for key, character in [("equals_sign", "=")] * 3 + [("r", "r")] * 2 + [("s", "s")] * 2:
            app.post_message(events.Key(key, character))  # all at once, as a terminal sends
        await until(pilot, lambda: "volume 95%" in screen_text(app))
        assert "Repeat one" in screen_text(app)
        await until(
            pilot,
            lambda: (
                active["volume_percent"] == 95
                and account.player.repeat == "track"
                and account.player.shuffle == shuffled
            ),
        )
        await pilot.pause(2.5)  # the poll after the commands: still so
        assert "volume 95%" in screen_text(app) and "Repeat one" in screen_text(app)
