"""The Stats tab's two panels from the daily snapshots, with Pilot: "Top artists over
time" and "Library: added and removed", with and without enough snapshots."""

from __future__ import annotations

import asyncio
import re
import time

from textual.widgets import Label

from spotui.cache import ListCache
from spotui.config import Config
from spotui.fake import FakeSpotify
from spotui.history.daily import take
from spotui.history.db import Archive
from spotui.history.stats import date_of
from spotui.services import Services
from spotui.tui.app import SpotuiApp
from spotui.tui.widgets.charts import Chart

from .conftest import ManualClock, make_client
from .helpers import demo, started, until

DAY = 86_400


def words(app: SpotuiApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Label).content)


def seeded(tmp_path) -> tuple[Archive, str]:
    """An archive with the snapshots of the three days before today (the 4-week top
    list moving a place a day, one saved track removed on the last); the removed
    track's name."""
    clock = ManualClock(time.time() - 3 * DAY)
    fake = FakeSpotify(clock=clock, library_size=120, daily_top=True, hostile_names=True)
    archive, cache = Archive(tmp_path / "history.sqlite3"), ListCache(tmp_path / "lists")

    async def snap() -> None:
        async with make_client(fake, clock) as spotify:
            await take(spotify, archive, cache, clock)

    asyncio.run(snap())
    clock.advance(DAY)
    asyncio.run(snap())
    gone = fake.account.saved[5][0]
    fake.account.remove(gone)
    clock.advance(DAY)
    asyncio.run(snap())
    (name,) = archive.read("SELECT name FROM tracks WHERE uri = ?", (gone,))[0]
    return archive, name


async def test_with_three_snapshots_the_panels_chart_the_ranks_and_list_the_removal(tmp_path):
    archive, removed = await asyncio.to_thread(seeded, tmp_path)
    services = Services.demo_mode()
    services._archive = archive
    app = SpotuiApp(services, Config())
    async with app.run_test(size=(120, 60)) as pilot:
        await started(pilot)
        await pilot.press("8")
        await until(pilot, lambda: bool(app.screen.query("#trends-plot")), timeout=15)
        note = words(app, "#trends-note")
        assert "Today's top 10, rank by day over" in note and "Too few" not in note
        chart = app.screen.query_one("#trends-plot", Chart)
        assert chart.display and chart.parent is not None and chart.parent.display
        assert "about 4 weeks" in words(app, "#trends-title")
        counts = words(app, "#library-counts")
        # The first snapshot's library counts as added (the demo's own may add more).
        assert re.match(r"1[2-9]\d added, 1 removed in this window\.", counts)
        yesterday = date_of(archive.read("SELECT max(day) FROM snapshot_days")[0][0])
        assert "Removals are known only from" in counts
        lines = words(app, "#library-changes").splitlines()
        assert lines[0].startswith(f"{yesterday.isoformat()}  − ")
        assert "\x1b" not in lines[0] and removed.split("\x1b")[0] in lines[0]
        # Every change listed has its row on screen (not cut to the first).
        assert app.screen.query_one("#library-changes").size.height >= len(lines) > 1


async def test_before_two_snapshots_both_panels_say_there_are_too_few():
    app = demo()
    async with app.run_test(size=(120, 60)) as pilot:
        await started(pilot)
        await pilot.press("8")
        await until(pilot, lambda: "snapshot" in words(app, "#trends-note").lower(), timeout=15)
        await until(pilot, lambda: bool(app.screen.query("#stats-listening")), timeout=15)
        note = words(app, "#trends-note")
        assert note.startswith("Too few snapshots to show a change")
        assert "spotui history sync" in note
        assert not app.screen.query(Chart).filter("#trends-plot")  # no empty chart drawn
        assert not app.screen.query_one("#trends-chart").display


async def test_with_one_snapshot_the_library_panel_says_what_it_held_and_counts_no_change(
    tmp_path,
):
    """Not "136 added" beside "too few snapshots": the tracks the first snapshot found,
    its day, and when a change will show."""
    fake = FakeSpotify(library_size=120)
    archive, cache = Archive(tmp_path / "history.sqlite3"), ListCache(tmp_path / "lists")

    async def snap() -> None:
        async with make_client(fake, ManualClock(time.time())) as spotify:
            await take(spotify, archive, cache, time.time)

    await snap()  # today's: the demo's keeper takes none beside it
    services = Services.demo_mode()
    services._archive = archive
    app = SpotuiApp(services, Config())
    async with app.run_test(size=(120, 60)) as pilot:
        await started(pilot)
        await pilot.press("8")
        await until(pilot, lambda: "held" in words(app, "#library-counts"), timeout=15)
        counts = words(app, "#library-counts")
        today = date_of(archive.read("SELECT day FROM snapshot_days")[0][0]).isoformat()
        held = len(fake.account.saved)  # the fake's made-up tracks, and a few of its own
        assert counts.startswith(
            f"Your library held {held} tracks at its first snapshot, on {today}."
        )
        assert "Adds and removes show once there are snapshots on two days" in counts
        assert "added" not in counts and words(app, "#library-changes") == ""
        # Longer than the screen is wide: it wraps, rather than being cut at the edge.
        assert len(counts) > 120 and app.screen.query_one("#library-counts").size.height >= 2
