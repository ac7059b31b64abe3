"""`spotui history …` as a user runs it: a subprocess, the fake over HTTP, real folders."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from spotui.cli import EXIT_ERROR, EXIT_SIGNED_OUT, EXIT_USAGE
from spotui.fake import export as fake_export

from .helpers import ok, spotui

END = datetime(2026, 5, 28, tzinfo=UTC)


@pytest.fixture
def zipped(tmp_path) -> Path:
    files = fake_export.export(1_200, END, tracks=80, malformed=3)
    return fake_export.write(files, tmp_path / "my_spotify_data.zip")


def database(env: dict[str, str]) -> Path:
    return Path(env["XDG_DATA_HOME"]) / "spotui" / "history.sqlite3"


def test_import_says_what_it_did_in_one_line_and_again_adds_nothing(env, zipped):
    first = ok(spotui(env, "history", "import", str(zipped)))
    assert first.strip() == (
        "1 file · 1,200 plays added · 0 duplicates skipped · 0 gaps"
        " · 3 records refused: date unreadable (2), not a record (1)"
    )
    again = ok(spotui(env, "history", "import", str(zipped)))
    assert again.strip() == "1 file · 0 plays added · 1,200 duplicates skipped · 0 gaps"
    assert stat.S_IMODE(os.stat(database(env)).st_mode) == 0o600


def test_a_bad_file_is_named_and_the_rest_imports(env, zipped, tmp_path):
    broken = tmp_path / "StreamingHistory_music_0.json"
    broken.write_text('[{"endTime": "2024-01-01 10:00", "msPlayed": 1000, "trackName": "x"')
    result = spotui(env, "history", "import", str(broken), str(zipped))
    out = ok(result)
    assert f"{broken}: not valid JSON, or cut short" in result.stderr
    assert "1,200 plays added" in out and "1 file not imported" in out
    only_bad = spotui(env, "history", "import", str(broken))
    assert only_bad.returncode == EXIT_ERROR
    assert "Traceback" not in only_bad.stderr


def test_stats_top_and_export_read_the_archive_without_signing_in(env, zipped, tmp_path):
    ok(spotui(env, "history", "import", str(zipped)))
    Path(env["SPOTUI_TEST_KEYRING"]).unlink(missing_ok=True)  # signed out: still fine
    report = json.loads(ok(spotui(env, "history", "stats", "--window", "all", "--json")))
    assert report["plays"] + 0 <= report["streams"] == 1_200
    assert report["window"]["until"] == datetime.now().date().isoformat()
    assert len(report["heatmap_ms"]) == 7 and len(report["heatmap_ms"][0]) == 24
    assert report["top"]["artists-plays"][0]["plays"] > 0
    text = ok(spotui(env, "history", "stats", "--since", "2026-05-01", "--until", "2026-05-28"))
    assert text.startswith("2026-05-01 to 2026-05-28")
    assert "Listening" in text and "Top artists" in text
    top = ok(spotui(env, "history", "top", "tracks", "--window", "all", "--limit", "3"))
    lines = top.splitlines()
    assert len(lines) == 3 and lines[0].startswith("  1. ") and "plays)" in lines[0]
    target = tmp_path / "plays.csv"
    result = spotui(env, "history", "export", "--csv", "-o", str(target))
    ok(result)
    assert "Wrote 1,200 plays" in result.stderr
    rows = list(csv.DictReader(io.StringIO(target.read_text())))
    assert len(rows) == 1_200 and rows[0]["source"] == "export"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    exported = json.loads(ok(spotui(env, "history", "export", "--json")))
    assert exported[0]["played_at"] <= exported[-1]["played_at"]


def test_bad_dates_are_usage_errors(env):
    backwards = spotui(env, "history", "stats", "--since", "2026-05-10", "--until", "2026-05-01")
    assert backwards.returncode == EXIT_USAGE
    assert "start date is after the end date" in backwards.stderr
    nonsense = spotui(env, "history", "top", "artists", "--since", "last tuesday")
    assert nonsense.returncode == EXIT_USAGE and "not a date" in nonsense.stderr


def test_sync_keeps_recent_plays_once(env):
    first = ok(spotui(env, "history", "sync")).splitlines()
    assert first[0] == "History: 30 new plays."
    assert first[1].startswith("Daily snapshot: 6 top lists changed; library: ")
    again = ok(spotui(env, "history", "sync")).splitlines()
    assert again == ["History: 0 new plays.", "Daily snapshot: already taken today."]


def test_sync_needs_a_sign_in(env):
    Path(env["SPOTUI_TEST_KEYRING"]).unlink()
    result = spotui(env, "history", "sync")
    assert result.returncode == EXIT_SIGNED_OUT and "spotui auth" in result.stderr


def test_a_damaged_database_is_said_and_set_aside(env, zipped):
    path = database(env)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x00garbage" * 1000)
    result = spotui(env, "history", "import", str(zipped))
    assert "1,200 plays added" in ok(result)
    assert "The history database was damaged; it was moved to" in result.stderr
    assert any(p.name.startswith("history.sqlite3.damaged-") for p in path.parent.iterdir())


def test_the_demo_has_years_of_history():
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "spotui", "--demo", "history", "stats", "--window", "all"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    first_line = ok(result).splitlines()[0]
    since = datetime.fromisoformat(first_line.split("(")[1].split(" to ")[0])
    assert (datetime.now() - since).days > 2 * 365


def test_now_watch_keeps_the_history_too(env, served):
    import signal
    import time

    from spotui.history.db import Archive

    from .helpers import start_spotui

    watching = start_spotui("now", "--watch", "--json", env=env)
    try:
        path = database(env)
        deadline = time.time() + 20
        while time.time() < deadline and not (path.exists() and Archive(path).count() >= 30):
            time.sleep(0.2)
        first = watching.stdout.readline()
        assert json.loads(first)["state"] in ("playing", "paused")
        time.sleep(0.5)  # a second keeper would have asked by now
    finally:
        watching.send_signal(signal.SIGINT)
        watching.communicate(timeout=20)
    assert Archive(path).count() == 30
    fake, _ = served
    assert fake.requests["/v1/me/player/recently-played"] == 1  # one keeper, from the wiring
