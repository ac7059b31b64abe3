"""The daily snapshot: top lists and the library kept day by day, against the fake and its
clock over simulated days."""

from __future__ import annotations

import asyncio
import json
import sqlite3

import pytest

from spotui.cache import ListCache
from spotui.fake import FakeSpotify
from spotui.fake.catalog import TRACKS
from spotui.history import daily
from spotui.history.daily import DailyResult, take
from spotui.history.db import Archive
from tests.conftest import ManualClock, make_client

DAY = 86_400


@pytest.fixture
def archive(tmp_path) -> Archive:
    return Archive(tmp_path / "data" / "history.sqlite3")


@pytest.fixture
def cache(tmp_path) -> ListCache:
    return ListCache(tmp_path / "lists")


def snap(fake: FakeSpotify, clock: ManualClock, archive: Archive, cache: ListCache):
    async def go():
        async with make_client(fake, clock) as spotify:
            return await take(spotify, archive, cache, clock)

    return asyncio.run(go())


def requests(fake: FakeSpotify) -> int:
    return sum(
        n for path, n in fake.requests.items() if path.startswith(("/v1/me/top", "/v1/me/tracks"))
    )


def rows(archive: Archive, sql: str) -> list[tuple]:
    return archive.read(sql)


def test_a_schema_2_archive_gains_the_snapshot_tables_and_keeps_its_plays(tmp_path):
    path = tmp_path / "history.sqlite3"
    Archive(path).db.execute("INSERT INTO meta VALUES ('synced_at', '1')")
    old = sqlite3.connect(path)
    for table in ("snapshot_days", "top_lists", "top_ranks", "library", "library_changes"):
        old.execute(f"DROP TABLE {table}")
    old.execute("PRAGMA user_version = 2")
    old.commit()
    old.close()
    archive = Archive(path)
    assert archive.meta("synced_at") == "1"
    assert archive.read("SELECT count(*) FROM snapshot_days") == [(0,)]


def test_ranks_are_stored_daily_and_only_the_lists_that_changed(clock, archive, cache):
    fake = FakeSpotify(clock=clock, library_size=120, daily_top=True)
    first = snap(fake, clock, archive, cache)
    assert isinstance(first, DailyResult) and first.lists_changed == 6
    sizes = rows(archive, "SELECT kind, size FROM top_lists ORDER BY kind, span")
    assert [size for kind, size in sizes if kind == 0] == [50, 50, 50]  # the fake knows 20 artists
    assert rows(archive, "SELECT count(*) FROM top_ranks") == [(sum(s for _, s in sizes),)]
    clock.advance(DAY)
    second = snap(fake, clock, archive, cache)
    # The 4-week lists moved by a place; the 6-month and year lists did not.
    assert isinstance(second, DailyResult) and second.lists_changed == 2
    kept = rows(
        archive,
        "SELECT day, kind, span FROM top_lists "
        "WHERE day = (SELECT max(day) FROM top_lists) ORDER BY kind",
    )
    assert [(kind, span) for _, kind, span in kept] == [(0, 0), (1, 0)]
    # Ranks point at the archive's own rows: today's number one was yesterday's second.
    ranks = rows(
        archive,
        "SELECT r.day, r.rank, a.name FROM top_ranks r JOIN artists a ON a.id = r.item "
        "WHERE r.kind = 1 AND r.span = 0 AND r.rank <= 2 ORDER BY r.day, r.rank",
    )
    assert ranks[2][1] == 1 and ranks[2][2] == ranks[1][2] and ranks[2][0] > ranks[1][0]


def test_an_unchanged_day_stores_nothing_new_and_costs_seven_requests(clock, fake, archive, cache):
    snap(fake, clock, archive, cache)
    before = rows(archive, "SELECT count(*) FROM top_ranks")
    clock.advance(DAY)
    spent = requests(fake)
    result = snap(fake, clock, archive, cache)
    assert isinstance(result, DailyResult)
    assert (result.lists_changed, result.added, result.removed) == (0, 0, 0)
    assert requests(fake) - spent == 7  # 6 top lists and the library's newest page
    assert rows(archive, "SELECT count(*) FROM top_ranks") == before
    assert rows(archive, "SELECT count(*) FROM snapshot_days") == [(2,)]


def test_a_second_snapshot_the_same_day_asks_nothing(clock, fake, archive, cache):
    snap(fake, clock, archive, cache)
    spent = requests(fake)
    clock.advance(3_600)
    assert snap(fake, clock, archive, cache) == "already taken today"
    assert requests(fake) == spent


def test_a_track_removed_from_a_10000_track_library_on_day_3_is_removed_on_day_3(
    clock, archive, cache
):
    fake = FakeSpotify(clock=clock, library_size=10_000)
    first = snap(fake, clock, archive, cache)
    assert isinstance(first, DailyResult) and first.whole
    assert rows(archive, "SELECT count(*) FROM library") == [(10_004,)]
    clock.advance(DAY)
    spent = requests(fake)
    assert not snap(fake, clock, archive, cache).whole  # type: ignore[union-attr]
    assert requests(fake) - spent == 7
    clock.advance(DAY)
    gone = fake.account.saved[5_000][0]
    fake.account.remove(gone)
    spent = requests(fake)
    third = snap(fake, clock, archive, cache)
    assert isinstance(third, DailyResult) and (third.added, third.removed) == (0, 1)
    # The newest page, then the other 200 pages (10,003 tracks), each revalidated.
    assert requests(fake) - spent == 6 + 1 + 200
    assert rows(
        archive,
        "SELECT c.day, t.uri FROM library_changes c JOIN tracks t ON t.id = c.track_id "
        "WHERE c.change = -1",
    ) == [(third.day, gone)]
    clock.advance(DAY)
    fake.account.save(gone)  # saved again: one add, on the day it was saved
    spent = requests(fake)
    fourth = snap(fake, clock, archive, cache)
    assert isinstance(fourth, DailyResult) and (fourth.added, fourth.removed) == (1, 0)
    assert requests(fake) - spent == 7


def test_two_writers_record_a_day_once(clock, fake, tmp_path, cache):
    path = tmp_path / "history.sqlite3"
    one, two = Archive(path), Archive(path)

    async def both():
        async with make_client(fake, clock) as a, make_client(fake, clock) as b:
            return await asyncio.gather(take(a, one, cache, clock), take(b, two, cache, clock))

    results = asyncio.run(both())
    assert sorted(isinstance(result, str) for result in results) == [False, True]
    assert "already taken today" in results
    assert one.read("SELECT count(*) FROM snapshot_days") == [(1,)]
    assert one.read("SELECT count(*) FROM top_lists") == [(6,)]


def test_a_crash_halfway_keeps_nothing_and_the_day_is_taken_later(
    clock, fake, archive, cache, monkeypatch
):
    def crash(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(daily, "keep_library", crash)
    with pytest.raises(KeyboardInterrupt):
        snap(fake, clock, archive, cache)
    assert archive.read("SELECT count(*) FROM top_lists") == [(0,)]
    assert archive.read("SELECT count(*) FROM snapshot_days") == [(0,)]
    monkeypatch.undo()
    result = snap(fake, clock, archive, cache)
    assert isinstance(result, DailyResult) and result.lists_changed == 6


def test_a_clock_moved_back_records_no_earlier_day(clock, fake, archive, cache):
    snap(fake, clock, archive, cache)
    clock.advance(DAY)
    snap(fake, clock, archive, cache)
    clock.advance(-3 * DAY)
    spent = requests(fake)
    why = snap(fake, clock, archive, cache)
    assert isinstance(why, str) and "clock is behind" in why
    assert requests(fake) == spent
    assert archive.read("SELECT count(*) FROM snapshot_days") == [(2,)]


# --- the command line: top --as-of, library --changes ------------------------------------


def run_cli(services, *argv: str) -> int:
    from spotui.cli.main import build_parser
    from spotui.cli.table import COMMANDS, run_with

    args = build_parser().parse_args(list(argv))
    return asyncio.run(run_with(services, COMMANDS[args.command], args))


@pytest.fixture
def kept(clock, tmp_path):
    """A demo wiring whose archive is a file, with snapshots of two days: the 4-week
    lists moved between them."""
    from spotui.services import Services

    services = Services.demo_mode(clock=clock, daily_top=True, hostile_names=True)
    services._archive = Archive(tmp_path / "history.sqlite3")
    fake = services.fake
    assert isinstance(fake, FakeSpotify)
    snap(fake, clock, services.history(), services.list_cache)
    clock.advance(DAY)
    snap(fake, clock, services.history(), services.list_cache)
    return services


def test_top_as_of_gives_the_earlier_days_ranking_after_the_lists_changed(kept, clock, capsys):
    from spotui.history.stats import date_of

    today = date_of(daily.today(clock)).isoformat()
    yesterday = date_of(daily.today(clock) - 1).isoformat()
    later = date_of(daily.today(clock) + 30).isoformat()
    assert run_cli(kept, "top", "artists", "--window", "4w", "--as-of", yesterday, "--json") == 0
    before = json.loads(capsys.readouterr().out)
    assert run_cli(kept, "top", "artists", "--range", "short", "--as-of", later, "--json") == 0
    now = json.loads(capsys.readouterr().out)
    assert (before["snapshot"], now["snapshot"], now["as_of"]) == (yesterday, today, later)
    assert now["items"][0]["name"] == before["items"][1]["name"] != before["items"][0]["name"]
    # The 6-month list did not change: the snapshot says since when.
    assert run_cli(kept, "top", "tracks", "--as-of", today, "--limit", "3") == 0
    text = capsys.readouterr().out
    assert f"as the snapshot of {today} kept them, unchanged since {yesterday}:" in text
    assert len(text.splitlines()) == 4 and "\x1b" not in text and "\x9b" not in text


def test_top_as_of_before_any_snapshot_says_so(kept, clock, capsys):
    from spotui.history.stats import date_of

    long_ago = date_of(daily.today(clock) - 400).isoformat()
    assert run_cli(kept, "top", "artists", "--as-of", long_ago) == 1
    assert f"No daily snapshot on or before {long_ago}: the first is of" in capsys.readouterr().err


def test_library_changes_lists_a_removal_with_its_day(kept, clock, capsys):
    from spotui.history.stats import date_of

    fake = kept.fake
    gone = fake.account.saved[10][0]
    fake.account.remove(gone)
    clock.advance(DAY)
    snap(fake, clock, kept.history(), kept.list_cache)
    today = date_of(daily.today(clock)).isoformat()
    assert run_cli(kept, "library", "--changes", "--since", today, "--json") == 0
    changes = json.loads(capsys.readouterr().out)
    assert [(c["day"], c["change"], c["uri"]) for c in changes] == [(today, "removed", gone)]
    assert run_cli(kept, "library", "--changes", "--since", today) == 0
    line = capsys.readouterr().out
    assert line.startswith(f"{today}  - ") and "\x1b" not in line


def test_what_the_snapshots_kept_reads_without_a_sign_in(kept, clock, capsys, monkeypatch):
    from spotui.cli import EXIT_SIGNED_OUT
    from spotui.history.stats import date_of

    monkeypatch.setattr(kept, "connect", lambda **_: None)  # signed out
    today = date_of(daily.today(clock)).isoformat()
    assert run_cli(kept, "top", "artists", "--as-of", today, "--limit", "2") == 0
    assert len(capsys.readouterr().out.splitlines()) == 3
    assert run_cli(kept, "library", "--changes", "--json") == 0
    assert json.loads(capsys.readouterr().out)
    # The ranking now and the export still need Spotify, and say so.
    assert run_cli(kept, "top", "artists") == EXIT_SIGNED_OUT
    assert run_cli(kept, "library", "--json") == EXIT_SIGNED_OUT
    assert "not signed in" in capsys.readouterr().err


# --- what the Stats panels will draw ------------------------------------------------------


def test_artist_trends_follow_todays_top_10_and_say_when_there_are_too_few(clock, archive, cache):
    from spotui.history.snapshots import artist_trends

    fake = FakeSpotify(clock=clock, library_size=120, daily_top=True)
    assert "none yet" in (artist_trends(archive).too_few or "")
    snap(fake, clock, archive, cache)
    one = artist_trends(archive)
    assert "one so far" in (one.too_few or "") and len(one.artists) == 10
    for _ in range(2):
        clock.advance(DAY)
        snap(fake, clock, archive, cache)
    trends = artist_trends(archive, "4w")
    assert trends.too_few is None and len(trends.days) == 3 and len(trends.artists) == 10
    # The 4-week list moves a place a day: today's number one was 3rd, then 2nd.
    assert trends.ranks[0] == (3, 2, 1)
    # The year's list did not move: flat lines.
    assert artist_trends(archive, "1y").ranks[0] == (1, 1, 1)


def test_library_window_holds_adds_and_removes_and_says_what_it_cannot_know(
    clock, fake, archive, cache
):
    from spotui.history.snapshots import library_window
    from spotui.history.stats import date_of

    first = daily.today(clock)
    none = library_window(archive, first - 30, first)
    assert (none.too_few or "").startswith("No snapshot of your library yet")
    snap(fake, clock, archive, cache)
    # One snapshot: what the library held, and since when; no change counted yet (its
    # tracks, dated by the day each was saved, are no adds of the window).
    one = library_window(archive, first - 30, first)
    assert one.too_few == (
        f"Your library held {len(fake.account.saved)} tracks at its first snapshot, on "
        f"{date_of(first).isoformat()}. Adds and removes show once there are snapshots on "
        "two days: spotui takes one a day while it runs, or on `spotui history sync`."
    )
    assert one.added == one.removed == ()
    clock.advance(DAY)
    gone = fake.account.saved[3][0]
    new = next(t.uri for t in TRACKS if t.uri not in fake.account.saved_set)
    fake.account.remove(gone)
    fake.account.save(new)
    snap(fake, clock, archive, cache)
    day = daily.today(clock)
    window = library_window(archive, day, day)
    assert window.too_few is None and window.note is None
    assert [c.uri for c in window.removed] == [gone]
    assert [c.uri for c in window.added] == [new]
    wider = library_window(archive, first - 30, day)
    assert wider.too_few is None and "Removals are known only from" in (wider.note or "")


# --- YourLibrary.json from the data export ------------------------------------------------


def exported_library(fake: FakeSpotify, tmp_path, day: int):
    from datetime import datetime

    from spotui.fake import export as fake_export
    from spotui.history.stats import date_of

    tracks = []
    for uri, _ in fake.account.saved:
        track = fake.account.item_json(uri)
        tracks.append((track["name"], track["artists"][0]["name"], track["album"]["name"], uri))
    files = {"Spotify Account Data/YourLibrary.json": fake_export.your_library(tracks)}
    moment = datetime.combine(date_of(day), datetime.min.time()).replace(hour=12)
    return fake_export.write(files, tmp_path / "my_spotify_data.zip", when=moment)


def test_an_exports_library_is_kept_as_of_its_date_and_snapshots_show_what_changed_since(
    clock, fake, archive, cache, tmp_path
):
    from spotui.history.importer import import_paths
    from spotui.history.snapshots import library_changes
    from spotui.history.stats import date_of

    exported = daily.today(clock) - 5
    path = exported_library(fake, tmp_path, exported)
    result = import_paths(archive, [path], clock=clock)
    assert result.notes == [
        f"my_spotify_data.zip:my_spotify_data/Spotify Account Data/YourLibrary.json: the "
        f"library as of {date_of(exported).isoformat()} kept (124 tracks)"
    ]
    assert archive.read("SELECT count(*) FROM library") == [(124,)]
    again = import_paths(archive, [path], clock=clock)
    assert "is not newer than the one kept" in again.notes[0]
    gone = fake.account.saved[7][0]
    fake.account.remove(gone)
    result_today = snap(fake, clock, archive, cache)
    assert isinstance(result_today, DailyResult) and result_today.whole
    # Only the change since the export: its tracks were not added today.
    changes = library_changes(archive)
    assert [(c.day, c.added, c.uri) for c in changes] == [(daily.today(clock), False, gone)]


def test_a_library_file_over_the_bound_is_refused_and_the_rest_goes_on(
    clock, fake, archive, tmp_path, monkeypatch
):
    from spotui.history import yourlibrary
    from spotui.history.importer import import_paths

    monkeypatch.setattr(yourlibrary, "MAX_FILE", 1_000)
    path = exported_library(fake, tmp_path, daily.today(clock) - 1)
    result = import_paths(archive, [path], clock=clock)
    assert len(result.problems) == 1 and "larger than" in result.problems[0]
    assert archive.read("SELECT count(*) FROM library") == [(0,)]


# --- taken by the keeper the wiring attaches, and refused when numbers cannot be right ----


def test_the_hub_of_any_face_takes_the_days_snapshot_once(clock, tmp_path):
    from spotui.services import Services

    services = Services.demo_mode(clock=clock)
    services._archive = Archive(tmp_path / "history.sqlite3")
    fake = services.fake
    assert isinstance(fake, FakeSpotify)

    async def run_hub() -> None:
        spotify = services.connect()
        assert spotify is not None
        hub = services.player(spotify, interval=5.0)
        loop = asyncio.ensure_future(hub.run())
        try:
            for _ in range(200):
                await asyncio.sleep(0.05)
                if fake.requests["/v1/me/tracks"] and services.history().read(
                    "SELECT count(*) FROM snapshot_days"
                ) == [(1,)]:
                    break
        finally:
            loop.cancel()
            await asyncio.gather(loop, return_exceptions=True)
            await spotify.aclose()

    asyncio.run(run_hub())
    assert services.history().read("SELECT count(*) FROM top_lists") == [(6,)]
    asked = fake.requests["/v1/me/top/artists"]
    assert asked == 3
    asyncio.run(run_hub())  # another face, the same day: nothing more asked
    assert fake.requests["/v1/me/top/artists"] == asked


def test_a_library_total_that_cannot_be_right_keeps_nothing_and_says_so(
    clock, fake, archive, cache
):
    from spotui.spotify.errors import ProtocolError

    fake.set(bad_pages="endless", bad_pages_path="/v1/me/tracks")
    with pytest.raises(ProtocolError, match="a total of 1,000,000,000"):
        snap(fake, clock, archive, cache)
    assert archive.read("SELECT count(*) FROM snapshot_days") == [(0,)]
    assert archive.read("SELECT count(*) FROM top_lists") == [(0,)]


def test_over_http_a_sync_keeps_the_day_and_top_as_of_prints_it_without_a_control(env, served):
    from datetime import date

    from tests.helpers import ok, spotui

    fake, _ = served
    fake.set(hostile_names=True)
    lines = ok(spotui(env, "history", "sync")).splitlines()
    assert lines[1].startswith("Daily snapshot: 6 top lists changed; library: 234 added")
    today = date.today().isoformat()
    text = ok(spotui(env, "top", "artists", "--window", "1y", "--as-of", today, "--limit", "3"))
    assert (
        text.splitlines()[0] == f"Top artists, about a year, as the snapshot of {today} kept them:"
    )
    assert len(text.splitlines()) == 4 and "\x1b" not in text and "\x9b" not in text
    assert "^[" in text  # the hostile name's escape, shown, not sent
    kept = json.loads(ok(spotui(env, "library", "--changes", "--json")))
    assert len(kept) == 234 and {change["change"] for change in kept} == {"added"}
