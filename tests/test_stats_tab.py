"""The Stats tab with Pilot against the demo: its history, its keys, Enter, the sync."""

from __future__ import annotations

import asyncio
import json

import pytest
from textual.widgets import Input, Label, TabbedContent
from textual.widgets._footer import FooterKey
from textual_plotext import PlotextPlot

from spotui.format import listening_time
from spotui.history.stats import WINDOWS
from spotui.history.sync import Keeper, SyncResult
from spotui.tui.screens.dates import DatesPicker
from spotui.tui.widgets.stats import StatsView
from spotui.tui.widgets.table import RowsTable

from .conftest import make_client
from .helpers import demo, ok, spotui, started, subprocess_env, until
from .test_app import fake_of


async def _stats(pilot) -> StatsView:
    await pilot.press("8")
    app = pilot.app
    await until(pilot, lambda: bool(app.screen.query("#stats-tracks")), timeout=10)
    tracks = app.screen.query_one("#stats-tracks", RowsTable)
    await until(pilot, lambda: tracks.row_count > 0, timeout=10)
    return app.screen.query_one(StatsView)


def caption(view: StatsView) -> str:
    return str(view.query_one("#stats-caption", Label).content)


async def test_the_stats_tab_shows_the_demo_history_with_charts():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        view = await _stats(pilot)
        assert app.screen.query_one(TabbedContent).active == "stats"
        assert caption(view).startswith("4 weeks ·")
        totals = str(view.query_one("#stats-totals", Label).content)
        assert " plays" in totals and "longest streak" in totals
        await until(pilot, lambda: len(view.query("#stats-charts > *")) == 2)  # added just after
        listening = view.query_one("#stats-listening", PlotextPlot)
        await until(pilot, lambda: "Hours listened per day" in str(listening.render()))
        assert view.stats is not None and view.stats.plays > 100
        for kind in ("artists", "tracks", "albums"):
            assert view.query_one(f"#stats-{kind}", RowsTable).row_count == 10


async def test_w_changes_the_window_and_b_the_order():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        view = await _stats(pilot)
        by_plays = view.query_one("#stats-artists", RowsTable).rows[:]
        await pilot.press("w")
        await until(pilot, lambda: caption(view).startswith("6 months ·"))
        await pilot.press("w", "w")
        await until(pilot, lambda: caption(view).startswith("All time ·"))
        assert view.stats is not None and view.stats.bucket == "month"
        await pilot.press("b")
        heading = view.query_one("#stats-artists-title", Label)
        await until(pilot, lambda: "by time" in str(heading.content))
        assert view.query_one("#stats-artists", RowsTable).rows != by_plays


async def test_dates_pick_a_custom_window_and_refuse_a_non_date():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        view = await _stats(pilot)
        await pilot.press("W")
        await until(pilot, lambda: isinstance(app.screen, DatesPicker))
        since = app.screen.query_one("#dates-since", Input)
        since.value = "first of may"
        await pilot.press("enter")
        assert isinstance(app.screen, DatesPicker)  # not taken
        problem = app.screen.query_one("#dates-problem", Label)
        assert "Not a date" in str(problem.content)
        since.value = "2026-01-01"
        app.screen.query_one("#dates-until", Input).value = "2026-01-31"
        await pilot.press("enter")
        await until(pilot, lambda: "2026-01-01 to 2026-01-31" in caption(view))


async def test_enter_on_a_top_track_plays_it_and_the_ones_below():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        view = await _stats(pilot)
        table = view.query_one("#stats-tracks", RowsTable)
        table.focus()
        await pilot.press("down", "enter")
        wanted = table.items[1].uri
        fake = fake_of(app)
        await until(pilot, lambda: fake.account.player.uri == wanted)


async def test_enter_on_an_artist_known_by_name_only_finds_and_plays_it():
    """The export gives no artist URIs: the artist is found by name first."""
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        view = await _stats(pilot)
        table = view.query_one("#stats-artists", RowsTable)
        nameless = [i for i, item in enumerate(table.items) if item.uri is None]
        assert nameless, "the demo's export has artists without URIs"
        await pilot.press(*(["down"] * nameless[0]), "enter")  # the first table takes keys
        fake = fake_of(app)
        await until(
            pilot, lambda: (fake.account.player.context_uri or "").startswith("spotify:artist:")
        )


async def test_the_app_syncs_the_history_when_it_starts():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        archive = app.services.history()
        fake = fake_of(app)
        newest = max(at for _, at, _ in fake.account.history) * 1000
        await until(pilot, lambda: fake.requests["/v1/me/player/recently-played"] >= 1, timeout=10)
        assert (archive.newest_ms() or 0) >= int(newest) - 1000
        await pilot.pause(0.3)  # a second keeper would have asked by now
        assert fake.requests["/v1/me/player/recently-played"] == 1  # one keeper, from the wiring


async def test_the_keeper_syncs_again_on_its_schedule(fake, clock):
    from spotui.history.db import Archive

    archive = Archive(None)
    seen: list[SyncResult | str] = []
    async with make_client(fake, clock) as spotify:
        keeper = Keeper(spotify, lambda: archive, clock=clock, every=0.05, on_result=seen.append)
        task = asyncio.ensure_future(keeper.run())
        for _ in range(100):
            await asyncio.sleep(0.01)
            if seen:
                break
        listened = fake.account.listened(4)  # the clock stands: only these are new
        for _ in range(100):
            await asyncio.sleep(0.01)
            if any(isinstance(r, SyncResult) and r.added for r in seen[1:]):
                break
        task.cancel()
    assert isinstance(seen[0], SyncResult) and seen[0].added == 30
    assert [r.added for r in seen[1:] if isinstance(r, SyncResult) and r.added] == [4]
    newest = archive.newest_ms()
    assert newest is not None and newest // 1000 == int(listened[-1][1])


@pytest.mark.parametrize(
    ("fault", "told"),
    [("disconnects", []), ("server_errors", ["History not synced: "])],
)
async def test_the_keeper_leaves_offline_to_the_poll_loop_and_tells_other_failures(
    fake, clock, fault, told
):
    """Offline is the now-playing line's to say (once); a sync failing for another
    reason is the history's to tell."""
    from spotui.history.db import Archive

    seen: list[SyncResult | str] = []
    fake.set(**{fault: 100})
    async with make_client(fake, clock) as spotify:
        keeper = Keeper(
            spotify, lambda: Archive(None), clock=clock, every=60, on_result=seen.append
        )
        task = asyncio.ensure_future(keeper.run())
        for _ in range(300):
            await asyncio.sleep(0.01)
            if seen or fake.requests["/v1/me/player/recently-played"] >= 2:
                break
        await asyncio.sleep(0.2)
        task.cancel()
    assert fake.requests["/v1/me/player/recently-played"] >= 1
    assert [str(r)[: len("History not synced: ")] for r in seen] == told


async def test_the_stats_keys_do_nothing_on_other_tabs():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pilot.press("w", "b")
        assert not app.screen.query(StatsView)  # never built: the keys were off
        assert app.screen.query_one(TabbedContent).active == "now"


async def test_the_stats_keys_work_on_the_stats_tab_only_and_it_names_them():
    """The footer keeps the most used keys (it fits at 80 columns): the Stats tab
    names its own keys, and the help lists them."""
    app = demo()
    async with app.run_test(size=(160, 40)) as pilot:
        await started(pilot)
        await pilot.press("w")  # on tab 1: nothing
        await pilot.pause(0.2)
        view = await _stats(pilot)
        assert caption(view).startswith(f"{WINDOWS['4w'][0]} ·")
        assert "another window" in caption(view)
        await pilot.press("w")
        await until(pilot, lambda: caption(view).startswith(f"{WINDOWS['6m'][0]} ·"))
        assert "Window" not in {key.description for key in app.screen.query(FooterKey)}


async def test_the_tab_and_history_stats_json_say_the_same_for_every_window(tmp_path):
    """The tab after its first sync, and `spotui --demo history stats --json` in
    another process: the same plays (music, 30 s or more), streams and time."""
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        view = await _stats(pilot)
        env = subprocess_env(tmp_path, "http://127.0.0.1:9", "http://127.0.0.1:9")
        for name in ("4w", "6m", "1y", "all", "today", "7d"):  # the order w goes in
            label, _ = WINDOWS[name]
            await until(pilot, lambda label=label: caption(view).startswith(f"{label} ·"))
            assert view.stats is not None
            cli = json.loads(
                ok(spotui(env, "--demo", "history", "stats", "--window", name, "--json"))
            )
            totals = str(view.query_one("#stats-totals", Label).content)
            assert (
                f"{listening_time(cli['ms'])} · {cli['plays']:,} plays ({cli['streams']:,} streams)"
                in totals
            ), (name, totals, cli["plays"], cli["streams"])
            if cli["skip_rate"] is not None:
                assert f"skipped {cli['skip_rate']:.0%}" in totals
            assert (view.stats.plays, view.stats.streams) == (cli["plays"], cli["streams"])
            await pilot.press("w")
