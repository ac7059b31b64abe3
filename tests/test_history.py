"""The listening archive: import, sync, dedupe, gaps, stats, and a damaged file.

Exports are made by the fake's generator (``spotui.fake.export``) in Spotify's own
file names and fields; days are counted in UTC here (``utc`` fixture).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from spotui.fake import export as fake_export
from spotui.history import db as history_db
from spotui.history.db import Archive
from spotui.history.importer import import_paths
from spotui.history.records import ACCOUNT, API, EXTENDED, MUSIC, PlayRecord
from spotui.history.stats import Window, compute, day_of
from spotui.history.sync import sync

from .conftest import make_client

END = datetime(2026, 5, 28, tzinfo=UTC)  # the fake clock's day (conftest's ManualClock)


pytestmark = pytest.mark.usefixtures("utc")


@pytest.fixture
def archive(tmp_path) -> Archive:
    return Archive(tmp_path / "data" / "history.sqlite3")


def exported(tmp_path: Path, plays: int, **options) -> Path:
    files = fake_export.export(plays, END, tracks=120, **options)
    return fake_export.write(files, tmp_path / "my_spotify_data.zip")


def plays_in(archive: Archive) -> int:
    return archive.count()


# --- import ---------------------------------------------------------------------------


def test_an_export_imports_once_and_a_second_import_adds_nothing(tmp_path, archive):
    zipped = exported(tmp_path, 2_000, malformed=5)
    first = import_paths(archive, [zipped])
    assert first.problems == []
    assert first.added == 2_000  # the five malformed records are left out
    second = import_paths(archive, [zipped])
    assert (second.added, second.duplicates) == (0, 2_000)
    assert plays_in(archive) == 2_000
    assert "0 plays added · 2,000 duplicates skipped · 0 gaps" in second.summary()


def test_both_kinds_of_export_count_each_play_once(tmp_path, archive):
    """The account data holds the last year again, by name and to the minute."""
    zipped = exported(tmp_path, 3_000, account_data=True)
    result = import_paths(archive, [zipped])
    assert result.problems == []
    assert result.added == 3_000
    assert result.duplicates > 0  # the account data's plays, matched to the extended ones
    names = {row[0] for row in archive.read("SELECT name FROM imports")}
    assert any("StreamingHistory_music_0.json" in name for name in names)


def test_a_heavy_listeners_export_counts_each_listen_once():
    """A busy export (100 plays a day, 5,000 songs): the account data's plays, to the
    minute, each find their own twin, even among plays of one song minutes apart."""
    files = fake_export.export(30_000, END, tracks=5_000, per_day=100, account_data=True)
    archive = Archive(None)
    with tempfile.TemporaryDirectory() as folder:
        result = import_paths(archive, [fake_export.write(files, Path(folder) / "e.zip")])
    # Each listen once; the generator writes one pair of plays of a song ending in the
    # same second, which the archive (a play is its track and its end) keeps as one.
    listens = {
        (record["ts"], record["spotify_track_uri"] or record["spotify_episode_uri"])
        for name, data in files.items()
        if "Audio" in name
        for record in json.loads(data)
    }
    assert result.added >= len(listens) == archive.count()


def test_the_account_data_alone_then_the_extended_history_adds_only_what_is_new(tmp_path, archive):
    files = fake_export.export(1_500, END, tracks=120, account_data=True)
    folder = tmp_path / "export"
    fake_export.write(
        {name: data for name, data in files.items() if "Account" in name}, folder / "a"
    )
    fake_export.write(
        {name: data for name, data in files.items() if "Extended" in name}, folder / "e"
    )
    account = import_paths(archive, [folder / "a"])
    extended = import_paths(archive, [folder / "e"])
    assert account.added > 0
    assert account.added + extended.added == 1_500
    # Each play first known by name is now the extended history's, with its URI.
    unnamed = "SELECT count(*) FROM plays p JOIN tracks t ON t.id = p.track_id WHERE t.uri IS NULL"
    assert archive.read(unnamed + " AND t.kind = 0")[0][0] == 0


def test_an_archive_with_doubled_listens_is_mended_on_open(tmp_path):
    """The fixture was written by spotui at 8cd3e2a (see tests/data/SOURCES.md): seven
    listens of one song under two URIs, the account data imported before the extended
    history, and three listens stored twice."""
    path = tmp_path / "history.sqlite3"
    shutil.copyfile(Path(__file__).parent / "data" / "history-v1-doubles.sqlite3", path)
    old = sqlite3.connect(path)
    assert old.execute("SELECT count(*) FROM plays").fetchone()[0] == 10
    old.close()

    archive = Archive(path)
    stored = archive.read(
        "SELECT p.played_at, t.uri, p.ms_played, p.skipped, p.source FROM plays p "
        "JOIN tracks t ON t.id = p.track_id ORDER BY p.played_at"
    )
    assert archive.notice is not None and "3 listens were counted twice" in archive.notice
    start = 1_767_225_600_000  # each listen once: the three doubles kept their richer record
    assert stored == [
        (start + 10 * 60_000, "spotify:track:letoA", 200_000, None, ACCOUNT),
        (start + 20 * 60_000 + 17_000, "spotify:track:letoB", 200_000, 0, EXTENDED),
        (start + 30 * 60_000, "spotify:track:letoA", 12_000, None, ACCOUNT),
        (start + 40 * 60_000 + 17_000, "spotify:track:letoB", 200_000, 0, EXTENDED),
        (start + 50 * 60_000 + 17_000, "spotify:track:letoB", 95_000, 1, EXTENDED),
        (start + 60 * 60_000, "spotify:track:letoA", 200_000, None, ACCOUNT),
        (start + 70 * 60_000, "spotify:track:letoA", 150_000, None, ACCOUNT),
    ]
    everything = compute(archive, Window("All", None, day_of(date(2026, 1, 2))))
    assert (everything.plays, everything.streams) == (6, 7)
    assert everything.ms == 200_000 * 4 + 12_000 + 95_000 + 150_000
    archive.close()
    again = Archive(path)  # mended once: nothing more to say
    assert again.count() == 7 and again.notice is None


def test_the_skip_data_is_kept_whichever_source_came_first(tmp_path, fake, clock):
    """The account data usually comes days before the extended history; recently played
    may have brought the last plays before either."""
    streams = fake_export.streams(1_500, END, tracks=120)
    account = fake_export.write(fake_export.account_files(streams, END), tmp_path / "a")
    extended = fake_export.write(fake_export.extended_files(streams), tmp_path / "e")
    fake.account.history = [  # recently played: the export's last 40 songs, newest first
        (stream.track.uri, stream.ended.timestamp(), None)
        for stream in reversed(streams)
        if stream.track is not None
    ][:40]

    def synced(archive: Archive) -> None:
        async def run():
            async with make_client(fake, clock) as spotify:
                return await sync(spotify, archive, clock)

        asyncio.run(run())

    found = []
    for n, steps in enumerate(
        (
            [account, extended],
            [extended, account],
            [synced, account, extended],
            [account, synced, extended],
        )
    ):
        archive = Archive(tmp_path / f"{n}.sqlite3")
        for step in steps:
            if isinstance(step, Path):
                assert import_paths(archive, [step]).problems == []
            else:
                step(archive)
        year = compute(archive, Window.named("1y", day_of(END.date())))
        rows = archive.read(
            "SELECT p.played_at, t.uri, p.ms_played, p.skipped, p.reason_start, p.reason_end, "
            "p.shuffle, p.source FROM plays p JOIN tracks t ON t.id = p.track_id "
            "ORDER BY p.played_at, t.uri"
        )
        found.append((year.skip_rate, year.with_skip_data, year.plays, rows))
    assert found[0][1] > 1_000  # the skip data of the last year's streams
    assert len(found[0][3]) == 1_500
    assert all(result == found[0] for result in found[1:])


def test_privacy_fields_never_reach_the_database(tmp_path, archive):
    import_paths(archive, [exported(tmp_path, 300, account_data=True)])
    archive.close()
    raw = archive.path.read_bytes()
    for word in (b"203.0.113.", b"198.51.100.", b"fakeuser123", b"Android OS", b"GB"):
        assert word not in raw


def test_bad_files_get_one_line_each_and_the_good_ones_still_import(tmp_path, archive):
    good = tmp_path / "Streaming_History_Audio_2025_0.json"
    files = fake_export.export(200, END, tracks=60)
    good.write_bytes(next(iter(files.values())))
    not_json = tmp_path / "StreamingHistory_music_0.json"
    not_json.write_text("this is not json")
    truncated = tmp_path / "Streaming_History_Audio_2025_1.json"
    truncated.write_bytes(good.read_bytes()[:5_000])
    other = tmp_path / "Playlist1.json"
    other.write_text(json.dumps({"playlists": [{"name": "Road trip", "items": []}]}))
    shaped = tmp_path / "Userdata.json"
    shaped.write_text(json.dumps([{"username": "x", "email": "x@example.com"}]))
    result = import_paths(archive, [not_json, good, truncated, other, shaped, tmp_path / "nope"])
    assert result.added == 200
    assert len(result.problems) == 5
    for path, words in (
        (not_json, "not valid JSON"),
        (truncated, "cut short"),
        (other, "not a list of streams"),
        (shaped, "not a Spotify streaming history file"),
        (tmp_path / "nope", "no such file"),
    ):
        assert any(str(path) in line and words in line for line in result.problems)
    assert plays_in(archive) == 200  # nothing half-written from the bad ones


def test_a_folder_takes_only_the_history_files(tmp_path, archive):
    files = fake_export.export(500, END, tracks=60)
    folder = fake_export.write(files, tmp_path / "export")
    (folder / "Playlist1.json").write_text("{}")
    result = import_paths(archive, [folder])
    assert (result.files, result.added, result.problems) == (1, 500, [])


def test_a_play_from_the_api_and_from_the_export_counts_once(fake, clock, tmp_path, archive):
    async def run():
        async with make_client(fake, clock) as spotify:
            return await sync(spotify, archive, clock)

    import asyncio

    kept = asyncio.run(run())
    assert kept.added == 30  # the fake's recently played
    played = archive.read(
        "SELECT t.uri, p.played_at FROM plays p JOIN tracks t ON t.id = p.track_id "
        "WHERE t.uri LIKE 'spotify:track:%' ORDER BY p.played_at"
    )
    # The same plays in an export: ts is when the stream ended, to the second.
    records = [
        {
            "ts": datetime.fromtimestamp(at // 1000 + 2, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "ms_played": 180_000,
            "master_metadata_track_name": "whatever the export calls it",
            "master_metadata_album_artist_name": "Someone",
            "master_metadata_album_album_name": "Something",
            "spotify_track_uri": uri,
            "reason_end": "trackdone",
            "skipped": False,
        }
        for uri, at in played
    ]
    path = tmp_path / "Streaming_History_Audio_2026_0.json"
    path.write_text(json.dumps(records))
    result = import_paths(archive, [path])
    assert (result.added, result.duplicates) == (0, len(played))


# --- sync -----------------------------------------------------------------------------


def test_a_sync_with_nothing_new_costs_one_request_and_adds_nothing(fake, clock, archive):
    import asyncio

    async def run():
        async with make_client(fake, clock) as spotify:
            first = await sync(spotify, archive, clock)
            before = sum(fake.requests.values())
            again = await sync(spotify, archive, clock)
            return first, again, sum(fake.requests.values()) - before

    first, again, requests = asyncio.run(run())
    assert first.added == 30
    assert (again.added, requests) == (0, 1)


def test_a_sync_after_an_import_adds_only_the_new_plays(fake, clock, tmp_path, archive):
    import asyncio

    import_paths(archive, [exported(tmp_path, 800)])
    newest = archive.newest_ms()
    fake.account.listened(5, until=clock() + 1)

    async def run():
        async with make_client(fake, clock) as spotify:
            return await sync(spotify, archive, clock)

    result = asyncio.run(run())
    newer = archive.read("SELECT count(*) FROM plays WHERE played_at > ?", (newest,))[0][0]
    assert result.added == newer
    assert 5 <= result.added <= 35  # the fake's own recent plays are newer than the export
    assert plays_in(archive) == 800 + result.added


def test_more_than_fifty_plays_between_syncs_is_recorded_as_a_gap(fake, clock, archive):
    import asyncio

    async def run():
        async with make_client(fake, clock) as spotify:
            await sync(spotify, archive, clock)
            clock.advance(3 * 3600)
            fake.account.listened(80, until=clock())  # Spotify keeps 50 of these
            return await sync(spotify, archive, clock)

    before = archive.newest_ms() if archive.count() else None
    result = asyncio.run(run())
    assert before is None
    assert result.added == 50
    assert result.gap is not None
    gaps = archive.gaps()
    assert len(gaps) == 1 and gaps[0].end_ms - gaps[0].start_ms > 0
    stats = compute(archive, Window.named("7d", day_of(END.date()) + 1))
    assert stats.gaps == tuple(gaps)


# --- two writers, an interrupted import, a damaged file --------------------------------


def test_two_writers_at_once_lose_no_play_and_double_none(tmp_path):
    """The app syncs while `spotui history sync` runs from cron: here, two processes
    write the same plays into one file at the same moment."""
    import multiprocessing

    path = tmp_path / "history.sqlite3"
    plays = [
        PlayRecord(
            played_at=1_700_000_000_000 + n * 200_000,
            name=f"Song {n % 40}",
            artist=f"Artist {n % 7}",
            uri=f"spotify:track:{n % 40:022d}",
            duration_ms=180_000,
        )
        for n in range(600)
    ]
    Archive(path).count()  # the schema, made once
    start = multiprocessing.get_context("spawn").Event()
    workers = [
        multiprocessing.get_context("spawn").Process(
            target=_write_in_batches, args=(str(path), plays, seed, start)
        )
        for seed in (1, 2)
    ]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    archive = Archive(path)
    assert archive.count() == 600
    assert archive.read("SELECT count(*) FROM days")[0][0] > 0
    total = archive.read("SELECT sum(streams) FROM days")[0][0]
    assert total == 600  # the sums agree with the plays: no write was lost


def _write_in_batches(path: str, plays: list[PlayRecord], seed: int, start) -> None:
    rng = random.Random(seed)
    order = plays[:]
    rng.shuffle(order)
    archive = Archive(Path(path))
    start.wait(10)
    for at in range(0, len(order), 25):
        with archive.write() as writer:
            writer.add(order[at : at + 25], API)


def test_an_import_killed_part_way_leaves_a_consistent_archive(tmp_path, env):
    command, database = _import_killed_after_its_first_file(tmp_path, env, [])
    partial = Archive(database)
    assert partial.read("PRAGMA integrity_check")[0][0] == "ok"
    files_in = len(partial.read("SELECT * FROM imports"))
    assert 1 <= files_in < 90
    assert partial.count() == partial.read("SELECT sum(plays) FROM imports")[0][0]
    partial.close()
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert "45,000 plays" not in again.stdout  # only the rest was added
    assert Archive(database).count() == 45_000


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_the_workers_of_an_import_killed_part_way_end_with_it(tmp_path, env):
    """A killed import cannot tell its workers: they end by themselves, within seconds,
    rather than sit on the archive's files for ever."""
    workers: list[int] = []
    _import_killed_after_its_first_file(tmp_path, env, workers)
    assert workers  # the import had workers when it was killed
    deadline = time.time() + 5
    while (left := [pid for pid in workers if _running(pid)]) and time.time() < deadline:
        time.sleep(0.05)
    assert left == []


def _import_killed_after_its_first_file(
    tmp_path: Path, env: dict[str, str], workers: list[int]
) -> tuple[list[str], Path]:
    """An import of 90 files, killed (SIGKILL) once its first file is committed; its
    child processes at that moment go into ``workers``."""
    zipped = exported(tmp_path, 45_000, per_file=500)  # 90 files
    command = [sys.executable, "-m", "spotui", "history", "import", str(zipped)]
    first = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    database = Path(env["XDG_DATA_HOME"]) / "spotui" / "history.sqlite3"
    deadline = time.time() + 30
    while time.time() < deadline:  # kill it once the first file is in
        if database.exists() and _committed_files(database) >= 1:
            break
        time.sleep(0.02)
    workers.extend(_children(first.pid))
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    return command, database


def _children(pid: int) -> list[int]:
    found = []
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        if int(fields[1]) == pid:
            found.append(int(stat_file.parent.name))
    return found


def _running(pid: int) -> bool:
    """Still there and not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _committed_files(database: Path) -> int:
    try:
        connection = sqlite3.connect(database, timeout=2)
        try:
            return connection.execute("SELECT count(*) FROM imports").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.Error:  # not made yet
        return 0


def test_an_interrupted_import_keeps_what_it_finished_and_finishes_when_run_again(
    tmp_path, archive
):
    """Ctrl-C during an import: here it lands right after the third file, every time."""
    zipped = exported(tmp_path, 9_000, per_file=500)  # 18 files

    def interrupt(done: int, _total: int) -> None:
        if done == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_paths(archive, [zipped], progress=interrupt)
    assert archive.read("PRAGMA integrity_check")[0][0] == "ok"
    assert archive.count() == 1_500  # three whole files, nothing of the fourth
    stats = compute(archive, Window.named("all", day_of(END.date())))
    assert stats.streams == 1_500  # the sums were brought up to date by the reader
    again = import_paths(archive, [zipped])
    assert (again.added, again.duplicates) == (7_500, 1_500)
    assert archive.count() == 9_000


def test_a_damaged_database_is_moved_aside_and_a_new_one_started(tmp_path):
    path = tmp_path / "history.sqlite3"
    path.write_bytes(b"not a database at all, just some bytes " * 200)
    archive = Archive(path)
    assert archive.count() == 0
    assert archive.notice and "moved to" in archive.notice
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("history.sqlite3.damaged-")]
    assert len(kept) == 1 and kept[0].read_bytes().startswith(b"not a database")


def test_the_database_is_private(archive):
    archive.count()
    assert stat.S_IMODE(os.stat(archive.path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(archive.path.parent).st_mode) == 0o700


def test_a_database_from_a_newer_spotui_is_refused_not_changed(tmp_path):
    path = tmp_path / "history.sqlite3"
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA user_version = 99")
    connection.close()
    with pytest.raises(history_db.ArchiveError, match="newer spotui"):
        Archive(path).count()


# --- stats ----------------------------------------------------------------------------


def _play(day: date, hour: int, name: str, artist: str, ms: int, **extra) -> PlayRecord:
    moment = datetime(day.year, day.month, day.day, hour, 30, tzinfo=UTC)
    return PlayRecord(
        played_at=int(moment.timestamp() * 1000),
        name=name,
        artist=artist,
        album=f"{artist} LP",
        uri=f"spotify:track:{abs(hash((name, artist))) % 10**22:022d}",
        ms_played=ms,
        **extra,
    )


def test_stats_of_a_window_say_what_was_played(archive):
    plays = [
        _play(date(2026, 5, 20), 8, "Short", "A", 200_000, skipped=False),
        _play(date(2026, 5, 20), 9, "Short", "A", 200_000, skipped=False),
        _play(date(2026, 5, 21), 8, "Short", "A", 10_000, skipped=True),  # a skip: no play
        _play(date(2026, 5, 21), 10, "Short", "A", 200_000, skipped=False),
        _play(date(2026, 5, 24), 10, "Short", "A", 5_000, skipped=True),  # no streak day
        _play(date(2026, 5, 22), 21, "Long", "B", 900_000, skipped=False),
        _play(date(2026, 5, 25), 21, "Long", "B", 900_000),  # skip unknown
        _play(date(2025, 1, 1), 12, "Old", "C", 200_000),  # outside the window
    ]
    with archive.write() as writer:
        writer.add(plays, EXTENDED)
    stats = compute(archive, Window.named("7d", day_of(date(2026, 5, 26))))
    assert (stats.plays, stats.streams) == (5, 7)
    assert stats.ms == 200_000 * 3 + 10_000 + 5_000 + 900_000 * 2
    assert stats.skip_rate == pytest.approx(2 / 6)  # of the six streams that say
    assert stats.streak == (3, day_of(date(2026, 5, 20)), day_of(date(2026, 5, 22)))
    assert [r.name for r in stats.top["artists-plays"]] == ["A", "B"]
    assert [r.name for r in stats.top["artists-time"]] == ["B", "A"]
    assert stats.top["tracks-plays"][0].artist == "A"
    assert {r.name for r in stats.new_artists} == {"A", "B"}  # C was heard in 2025
    wednesday = date(2026, 5, 20).weekday()
    assert stats.heatmap[wednesday][8] == 200_000 and stats.heatmap[wednesday][9] == 200_000
    assert stats.bucket == "day" and len(stats.periods) == 7


def test_long_windows_group_by_week_and_month():
    assert (Window.named("6m", 20_000).last - Window.named("6m", 20_000).first) == 181
    from spotui.history.stats import bucket_for, bucket_start

    assert bucket_for(28) == "day" and bucket_for(182) == "week" and bucket_for(3000) == "month"
    monday = day_of(date(2026, 5, 25))
    assert bucket_start(monday + 3, "week") == monday
    assert bucket_start(day_of(date(2026, 5, 17)), "month") == day_of(date(2026, 5, 1))


def test_any_window_from_the_sums_equals_counting_every_play(tmp_path, archive):
    """Long windows read sums per 28-day block, and plays only at the ends: for random
    windows, that gives what counting the plays one by one gives."""
    import_paths(archive, [exported(tmp_path, 6_000, per_day=12)])
    raw = archive.read(
        "SELECT p.day, p.track_id, p.ms_played, p.hour, t.kind FROM plays p "
        "JOIN tracks t ON t.id = p.track_id"
    )
    first, last = min(r[0] for r in raw), max(r[0] for r in raw)
    rng = random.Random(3)
    for _ in range(12):
        a, b = sorted(rng.randint(first - 5, last + 5) for _ in range(2))
        stats = compute(archive, Window("custom", a, b), limit=5)
        inside = [r for r in raw if a <= r[0] <= b]
        assert stats.ms == sum(r[2] for r in inside)
        assert stats.plays == sum(1 for r in inside if r[2] >= 30_000 and r[4] == MUSIC)
        assert sum(map(sum, stats.heatmap)) == sum(r[2] for r in inside)
        by_track: dict[int, int] = {}
        for r in inside:
            if r[4] == 0:
                by_track[r[1]] = by_track.get(r[1], 0) + r[2]
        best = sorted(by_track.values(), reverse=True)[:5]
        assert [row.ms for row in stats.top["tracks-time"]] == best


def test_an_empty_archive_has_empty_stats(archive):
    stats = compute(archive, Window.named("all", 20_000))
    assert (stats.plays, stats.ms, stats.streak[0], stats.top["artists-plays"]) == (0, 0, 0, ())


def test_sources_are_kept_apart(tmp_path, archive):
    import_paths(archive, [exported(tmp_path, 400, account_data=True)])
    sources = {row[0] for row in archive.read("SELECT DISTINCT source FROM plays")}
    assert sources <= {EXTENDED, ACCOUNT}


def test_two_syncs_at_once_over_http_keep_each_play_once(served, env):
    """`spotui history sync` from cron and another sync (the app's) at the same moment,
    three times over, as new plays arrive."""
    import subprocess
    import sys

    fake, _ = served
    command = [sys.executable, "-m", "spotui", "history", "sync"]
    heard = len(fake.account.history[:50])
    for round_ in range(3):
        if round_:
            fake.account.listened(7)
            heard += 7
        running = [
            subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for _ in range(2)
        ]
        for process in running:
            _, err = process.communicate(timeout=60)
            assert process.returncode == 0, err
    database = Path(env["XDG_DATA_HOME"]) / "spotui" / "history.sqlite3"
    archive = Archive(database)
    assert archive.count() == heard
    assert archive.read("SELECT sum(streams) FROM days")[0][0] == heard


def test_a_failed_write_is_a_sentence_and_leaves_nothing_half_written(archive):
    good = PlayRecord(played_at=1_000_000, name="Fine", artist="Someone")
    broken = PlayRecord(played_at=2_000_000, name="x", artist="y", kind=None)  # type: ignore[arg-type]
    failed = pytest.raises(history_db.ArchiveError, match="could not be written")
    with failed, archive.write() as writer:
        writer.add([good, broken], API)
    assert archive.count() == 0
    with archive.write() as writer:  # the ids it had looked up were forgotten with it
        assert writer.add([good], API).added == 1
