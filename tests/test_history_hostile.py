"""Hostile exports: each bad record is one problem line and the rest imports; files
that are no files, zip bombs and Ctrl-C at any moment leave a consistent archive."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from spotui.fake import export as fake_export
from spotui.history.db import Archive
from spotui.history.records import PlayRecord
from spotui.history.sync import sync

from .conftest import make_client
from .helpers import ROOT

NOW = datetime.now(UTC)


def _record(when: datetime, title: str, ms: object = 200_000) -> dict[str, object]:
    return {
        "ts": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "ms_played": ms,
        "master_metadata_track_name": title,
        "master_metadata_album_artist_name": "Hostile Band",
        "master_metadata_album_album_name": "Values",
        "spotify_track_uri": None,
        "reason_start": "clickrow",
        "reason_end": "trackdone",
        "shuffle": False,
        "skipped": False,
    }


def _file_around(bad: str, n: int) -> bytes:
    """An extended-history file: a good record, the hostile one (raw JSON), another good."""
    first = json.dumps(_record(NOW - timedelta(days=100, minutes=n), f"Before {n}"))
    last = json.dumps(_record(NOW - timedelta(days=99, minutes=n), f"After {n}"))
    return f"[{first},\n{bad},\n{last}]".encode()


def _hostile(when: str = "2024-03-01T10:00:00Z", ms: str = "200000", name: str = "Bad") -> str:
    return (
        f'{{"ts": "{when}", "ms_played": {ms}, "master_metadata_track_name": "{name}", '
        '"master_metadata_album_artist_name": "Hostile Band", "spotify_track_uri": null}'
    )


# Each hostile value, in its own file, and the line it must give.
HOSTILE = {
    "Streaming_History_Audio_2024_1.json": (_hostile(ms="1e400"), "ms_played out of range"),
    "Streaming_History_Audio_2024_2.json": (_hostile(ms="9" * 5_000), "ms_played out of range"),
    "Streaming_History_Audio_2024_3.json": (_hostile(ms="-Infinity"), "ms_played out of range"),
    "Streaming_History_Audio_2024_4.json": (_hostile(ms="NaN"), "ms_played out of range"),
    "Streaming_History_Audio_2024_5.json": (
        _hostile(when="1969-12-31T23:59:00Z"),
        "date before 2006",
    ),
    "Streaming_History_Audio_2024_6.json": (
        _hostile(when="2100-01-01T00:00:00Z"),
        "date in the future",
    ),
    "Streaming_History_Audio_2024_7.json": (
        _hostile(when="9999-12-31T23:59:59-05:00"),
        "date in the future",
    ),
    "Streaming_History_Audio_2024_8.json": (
        _hostile(when="0001-01-01T00:30:00+01:00"),
        "date before 2006",
    ),
}
_FINE_AT = (NOW - timedelta(days=98)).strftime("%Y-%m-%d %H:%M")
ACCOUNT = (  # the account data's own spelling: msPlayed: Infinity
    f'[{{"endTime": "{_FINE_AT}", "artistName": "Hostile Band", "trackName": "Fine", '
    '"msPlayed": 1000}, {"endTime": "2024-03-01 10:00", "artistName": "X", '
    '"trackName": "Y", "msPlayed": Infinity}]'
)


def _good_export(target: Path) -> int:
    """A realistic export, which must import in full; the number of its plays."""
    files = fake_export.export(600, NOW - timedelta(days=1), tracks=50)
    fake_export.write(files, target)
    return 600


def _hostile_folder(folder: Path) -> int:
    """The good export, the hostile files and a FIFO; the plays that must be kept."""
    good = _good_export(folder)
    for n, (name, (bad, _)) in enumerate(HOSTILE.items()):
        (folder / name).write_bytes(_file_around(bad, n))
    surrogate = _record(NOW - timedelta(days=97), "Lone \ud800 half")
    (folder / "Streaming_History_Audio_2024_9.json").write_text(
        json.dumps([surrogate]), encoding="utf-8"
    )  # json.dumps writes it as the escape \\ud800: valid JSON, no valid string
    (folder / "StreamingHistory_music_9.json").write_text(ACCOUNT)
    ahead = _record(NOW + timedelta(hours=12), "From a clock ahead")  # kept: within a day
    (folder / "Streaming_History_Audio_2026_9.json").write_text(json.dumps([ahead]))
    return good + 2 * len(HOSTILE) + 1 + 1 + 1


def _import(env: dict[str, str], *paths: Path, **options) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "spotui", "history", "import", *map(str, paths)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        **options,
    )


def _archive(env: dict[str, str]) -> Path:
    return Path(env["XDG_DATA_HOME"]) / "spotui" / "history.sqlite3"


def _check_hostile_import(result: subprocess.CompletedProcess[str], kept: int, env, served) -> None:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "unexpected error" not in result.stderr
    lines = result.stderr.splitlines()
    for name, (_, why) in HOSTILE.items():  # one line for each file, naming the reason
        assert [line for line in lines if name in line and f"1 record refused: {why}" in line]
    assert any(
        "StreamingHistory_music_9.json" in line and "msPlayed out of range" in line
        for line in lines
    )
    assert f"{len(HOSTILE) + 1} records refused" in result.stdout
    with sqlite3.connect(_archive(env)) as db:
        assert db.execute("SELECT count(*) FROM plays").fetchone()[0] == kept
        names = {row[0] for row in db.execute("SELECT name FROM tracks")}
        newest = db.execute("SELECT max(played_at) FROM plays").fetchone()[0]
    assert "Lone \ufffd half" in names  # the record is kept, its name mended
    assert newest > time.time() * 1000  # the play from a clock 12 hours ahead
    # A sync afterwards asks Spotify for what is new since now, not since that play.
    fake, _ = served
    asked: list[str | None] = []
    handle = fake.handle

    async def spying(request):
        if request.url.path.endswith("/recently-played"):
            asked.append(request.url.params.get("after"))
        return await handle(request)

    fake.handle = spying
    try:
        before = time.time()
        synced = subprocess.run(
            [sys.executable, "-m", "spotui", "history", "sync"],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=60,
        )
    finally:
        del fake.handle
    assert synced.returncode == 0, synced.stderr
    assert len(asked) == 1 and asked[0] is not None
    assert before * 1000 - 60_000 <= int(asked[0]) <= time.time() * 1000


def test_a_folder_of_hostile_files_refuses_each_bad_record_and_imports_the_rest(
    env, served, tmp_path
):
    folder = tmp_path / "export"
    folder.mkdir()
    kept = _hostile_folder(folder)
    os.mkfifo(folder / "Streaming_History_Audio_2099_0.json")  # never ends: must not be read
    result = _import(env, folder)
    _check_hostile_import(result, kept, env, served)
    assert "Streaming_History_Audio_2099_0.json: not a regular file; skipped" in result.stderr


def test_a_zip_of_hostile_files_refuses_each_bad_record_and_imports_the_rest(env, served, tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    kept = _hostile_folder(folder)
    zipped = tmp_path / "my_spotify_data.zip"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*.json")):
            archive.write(path, f"my_spotify_data/{path.relative_to(folder)}")
    _check_hostile_import(_import(env, zipped), kept, env, served)


def _bomb(path: Path, megabytes: int) -> None:
    """A small zip whose history file inflates to ``megabytes`` of good-looking records."""
    record = json.dumps(_record(NOW - timedelta(days=5), "Again and again")) + ",\n"
    block = record * (2**20 // len(record))
    name = "Streaming_History_Audio_2025_0.json"
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open(name, "w", force_zip64=True) as out,
    ):
        out.write(b"[")
        for _ in range(megabytes):
            out.write(block.encode())
        out.write(record.rstrip(",\n").encode() + b"]")


def _memory_cap(megabytes: int):
    def limit() -> None:
        cap = megabytes * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    return limit


def test_a_zip_bomb_is_refused_within_the_memory_cap_and_the_other_files_import(env, tmp_path):
    bomb = tmp_path / "bomb.zip"
    _bomb(bomb, 1_200)
    assert bomb.stat().st_size < 20 * 2**20
    good = _good_export(tmp_path / "good.zip")
    result = _import(env, bomb, tmp_path / "good.zip", preexec_fn=_memory_cap(300))
    assert result.returncode == 0, result.stderr
    assert "Streaming_History_Audio_2025_0.json: larger than 128 MB" in result.stderr
    assert f"{good:,} plays added" in result.stdout and "1 file not imported" in result.stdout
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr


def test_a_file_just_under_the_cap_is_read_as_a_stream_within_300_mb(env, tmp_path):
    """120 MB of records (the same play, over and over) read whole would take GBs."""
    bomb = tmp_path / "bomb.zip"
    _bomb(bomb, 120)
    result = _import(env, bomb, preexec_fn=_memory_cap(300))
    assert result.returncode == 0, result.stderr
    assert "1 file · 1 play added" in result.stdout
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr


def test_a_run_that_found_no_history_files_says_what_it_looked_for(env, tmp_path):
    (tmp_path / "holiday.json").write_text("[]")
    result = _import(env, tmp_path)
    assert result.returncode == 1
    assert f"No Spotify history files in {tmp_path}" in result.stderr
    assert "Streaming_History_Audio_*.json" in result.stderr


def test_a_sync_after_hostile_imports_asks_from_no_later_than_now(
    fake, clock, tmp_path, monkeypatch
):
    """An archive whose newest play is after now (a clock a few hours ahead, within the
    day of skew allowed) still asks Spotify for plays after now, not after that play."""
    archive = Archive(tmp_path / "history.sqlite3")
    ahead = int((clock() + 6 * 3600) * 1000)
    with archive.write() as writer:
        writer.add([PlayRecord(ahead, "Ahead of time", "Clock", ms_played=200_000)], 2)
    asked: list[str | None] = []
    handle = fake.handle

    async def spying(request):
        if request.url.path.endswith("/recently-played"):
            asked.append(request.url.params.get("after"))
        return await handle(request)

    monkeypatch.setattr(fake, "handle", spying)

    async def run():
        async with make_client(fake, clock) as spotify:
            return await sync(spotify, archive, clock)

    asyncio.run(run())
    assert asked and asked[0] is not None
    assert int(asked[0]) <= clock() * 1000


def test_an_archive_holding_impossible_dates_is_mended_and_exports_any_year(env, tmp_path):
    """Plays from 1969, 2100 and 9999, kept by an older spotui: opening the archive
    removes them (so syncs work again); an export never crashes on a stored date."""
    path = _archive(env)
    archive = Archive(path)
    odd = {
        -60_000: "1969",
        4_102_444_800_000: "2100",
        253_402_318_799_000: "9999",
        -62_135_595_000_000: "1",
    }
    good = int((NOW - timedelta(days=3)).timestamp() * 1000)
    with archive.write() as writer:
        plays = [
            PlayRecord(at, f"From {year}", "Old", ms_played=60_000) for at, year in odd.items()
        ]
        writer.add([*plays, PlayRecord(good, "Real", "Old", ms_played=60_000)], 2)
    archive.close()
    exported = subprocess.run(
        [sys.executable, "-m", "spotui", "history", "export", "--csv"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    assert exported.returncode == 0, exported.stderr  # no crash on year 10000
    assert "+10000-01-01T04:59:59Z" in exported.stdout
    assert "1969-12-31T23:59:00Z" in exported.stdout
    assert "0001-01-01T00:30:00Z" in exported.stdout  # four digits, as ISO 8601 has it
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 1")  # as the spotui that kept them left it
    reopened = Archive(path)
    assert reopened.count() == 1 and reopened.newest_ms() == good
    from spotui.history.stats import Window, compute, today

    stats = compute(reopened, Window.named("all", today(int(NOW.timestamp() * 1000))), limit=5)
    assert stats.streams == 1  # the sums were made again without them


def test_export_o_never_writes_over_the_archive_or_a_file_spotui_keeps(env, tmp_path):
    _good_export(tmp_path / "good.zip")
    assert _import(env, tmp_path / "good.zip").returncode == 0
    path = _archive(env)
    before = path.read_bytes()
    config = Path(env["XDG_CONFIG_HOME"]) / "spotui" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("[history]\n")
    for target in (path, Path(f"{path}-wal"), config):
        result = subprocess.run(
            [sys.executable, "-m", "spotui", "history", "export", "--csv", "-o", str(target)],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=60,
        )
        assert result.returncode == 2, result.stderr
        assert "is in a folder spotui keeps" in result.stderr
    assert path.read_bytes() == before
    assert Archive(path).count() == 600


def _as_in_a_terminal() -> None:
    """Ctrl-C as a terminal's foreground job has it: a job started in the background by a
    script (as CI's second job is) inherits SIGINT ignored, and Python then keeps it so."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.timeout(180)  # a whole import 14 times: slow on a busy machine
def test_ctrl_c_at_any_moment_of_an_import_ends_it_in_one_line(env, tmp_path):
    """SIGINT to the process group, as a terminal sends it, at 12 moments from spotui's
    start-up to the last file: each run ends within 2 s with "Interrupted." alone and status
    130, and a run afterwards completes the archive (checked after every third)."""
    files = fake_export.export(24_000, NOW - timedelta(days=1), tracks=300, per_file=4_000)
    zipped = fake_export.write(files, tmp_path / "my_spotify_data.zip")
    took = float("inf")
    for n in range(2):  # the faster of two runs: the first also warms the caches
        whole = {**env, "XDG_DATA_HOME": str(tmp_path / f"whole{n}")}
        started = time.monotonic()
        assert _import(whole, zipped).returncode == 0
        took = min(took, time.monotonic() - started)
    expected = Archive(_archive(whole)).count()
    # From when Python itself has started (its site module, measured now, under this
    # machine's load, with a margin): no program can answer Ctrl-C before that.
    begun = time.monotonic()
    subprocess.run([sys.executable, "-c", "pass"], env=env, check=True)
    first = max(0.1, 2 * (time.monotonic() - begun))
    interrupted = 0
    for n in range(12):
        moment = first + (took * 0.8 - first) * n / 11
        process = subprocess.Popen(
            [sys.executable, "-m", "spotui", "history", "import", str(zipped)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=(run := {**env, "XDG_DATA_HOME": str(tmp_path / f"run{n}")}),
            cwd=ROOT,
            start_new_session=True,  # its own group: the signal reaches it and its workers
            preexec_fn=_as_in_a_terminal,
        )
        time.sleep(moment)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGINT)
        sent = time.monotonic()
        try:
            out, err = process.communicate(timeout=2)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            pytest.fail(f"still running 2 s after Ctrl-C at {moment:.2f} s")
        ended = time.monotonic() - sent
        assert "Traceback" not in err and "KeyboardInterrupt" not in err, (moment, err)
        if process.returncode == 130:
            interrupted += 1
            assert err == "Interrupted.\n" and out == "", (moment, err)
        else:  # the import was done before the signal came
            assert process.returncode == 0 and "plays added" in out, (moment, err)
        assert ended < 2
        if _archive(run).exists():  # not yet made, when the signal came early enough
            with sqlite3.connect(_archive(run)) as db:
                assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        if n % 3 == 2:
            finished = _import(run, zipped)
            assert finished.returncode == 0, finished.stderr
            assert Archive(_archive(run)).count() == expected
    assert interrupted >= 9


def test_a_hostile_recently_played_answer_refuses_its_bad_plays_and_keeps_the_rest(
    fake, clock, tmp_path, monkeypatch
):
    """duration_ms of 10^30 or Infinity, a play in 2100, a lone surrogate in a name."""
    handle = fake.handle

    async def hostile(request):
        response = await handle(request)
        if not request.url.path.endswith("/recently-played"):
            return response
        body = response.json()
        items = body["items"][:4]
        items[0]["track"]["duration_ms"] = 10**30
        items[1]["played_at"] = "2100-01-01T00:00:00.000Z"
        items[2]["track"]["name"] = "Half \ud800 moon"
        items[3]["track"]["duration_ms"] = float("inf")
        body["items"] = items
        return httpx.Response(
            200, content=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
        )

    monkeypatch.setattr(fake, "handle", hostile)
    archive = Archive(tmp_path / "history.sqlite3")

    async def run():
        async with make_client(fake, clock) as spotify:
            return await sync(spotify, archive, clock)

    result = asyncio.run(run())
    assert result.added == 2
    assert result.summary() == (
        "2 new plays; 2 records refused: duration_ms out of range (1), date in the future (1)"
    )
    names = {row[0] for row in archive.read("SELECT name FROM tracks")}
    assert "Half \ufffd moon" in names


def test_a_folder_that_cannot_be_read_is_named_and_the_rest_imports(tmp_path, monkeypatch):
    """As a user without the right to a subfolder sees it (root reads any folder, so the
    refusal is the kernel's answer, made here by os.scandir)."""
    from spotui.history.importer import import_paths

    folder = tmp_path / "export"
    good = _good_export(folder)
    locked = folder / "private"
    locked.mkdir()
    (locked / "Streaming_History_Audio_2010_0.json").write_text("[]")
    scandir = os.scandir

    def refusing(path="."):
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    result = import_paths(Archive(None), [folder])
    assert f"{locked}: folder cannot be read (Permission denied); skipped" in result.problems
    assert result.added == good


def test_names_that_are_not_utf8_are_no_crash(env, tmp_path):
    """A file whose name is not UTF-8 imports; a zip whose names claim UTF-8 and are not
    is one line."""
    folder = tmp_path / "export"
    folder.mkdir()
    record = _record(NOW - timedelta(days=3), "Named oddly")
    with open(bytes(folder) + b"/Streaming_History_Audio_\xff.json", "w") as out:
        json.dump([record], out)
    zipped = tmp_path / "odd.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("Streaming_History_Audio_é.json", json.dumps([record]))
    zipped.write_bytes(zipped.read_bytes().replace("é".encode(), b"\xff\xff"))
    result = _import(env, folder, zipped)
    assert result.returncode == 0, result.stderr
    assert "1 play added" in result.stdout
    assert f"{zipped}: not a readable zip" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_file_cut_short_says_where_in_plain_words(tmp_path):
    from spotui.history.importer import import_paths

    path = tmp_path / "Streaming_History_Audio_2024_0.json"
    whole = json.dumps([_record(NOW - timedelta(days=3, minutes=n), f"T{n}") for n in range(9)])
    path.write_text(whole.replace("}, {", "},\n{")[:-40])
    result = import_paths(Archive(None), [path])
    assert result.problems == [
        f"{path}: not valid JSON, or cut short (Unterminated string starting at line 9)"
    ]
