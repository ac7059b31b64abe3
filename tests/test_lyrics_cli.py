"""``spotui lyrics`` as a subprocess, against the fake Spotify and the fake LRCLIB, both
over HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from spotui.fake.catalog import EPISODE_URI, TRACKS
from spotui.fake.lrclib import FIRST_LINE_MS, LINE_EVERY_MS, FakeLrclib
from spotui.fake.server import serve_in_thread

from .helpers import EXIT_ERROR, EXIT_NOTHING, ROOT, ok, spotui, start_spotui

EXIT_NO_LYRICS = 5


@pytest.fixture
def lrclib() -> Iterator[tuple[FakeLrclib, str]]:
    fake = FakeLrclib()
    with serve_in_thread(fake) as server:
        yield fake, server.url


@pytest.fixture
def lyrics_env(env, lrclib) -> dict[str, str]:
    return {**env, "SPOTUI_LRCLIB_URL": lrclib[1]}


@pytest.fixture
def lyrics_dir(tmp_path) -> Path:
    """A folder of .lrc files, named as lyrics_dir in the config file spotui reads."""
    folder = tmp_path / "my lyrics"
    folder.mkdir()
    config_toml(tmp_path, f'lyrics_dir = "{folder}"')
    return folder


def config_toml(tmp_path: Path, text: str) -> Path:
    """Write the config file spotui reads (its platform folder in the test's home)."""
    path = tmp_path / "config" / "spotui" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n", "utf-8")
    return path


def _play(served, title: str) -> None:
    fake, _server = served
    (track,) = [t for t in TRACKS if t.name == title]
    fake.account.play({"uris": [track.uri]})


def _line_at(position_ms: int) -> int:
    return (position_ms - FIRST_LINE_MS) // LINE_EVERY_MS


def test_prints_the_lyrics_with_the_current_line_marked(lyrics_env, served, lrclib):
    fake, _server = served
    before = _line_at(fake.account.position())
    lines = ok(spotui(lyrics_env, "lyrics")).splitlines()
    after = _line_at(fake.account.position())
    marked = [n for n, line in enumerate(lines) if line.startswith("> ")]
    assert len(marked) == 1 and before <= marked[0] <= after
    assert lines[0] == "  " + fake_words(lrclib[0], "Cherish")[0]
    assert len(lines) == (151_000 - FIRST_LINE_MS) // LINE_EVERY_MS


def fake_words(fake: FakeLrclib, title: str) -> list[str]:
    (record,) = [r for r in fake.records if r["trackName"] == title]
    return record["plainLyrics"].splitlines()


def test_lrc_and_json_and_a_cached_track_sends_no_request(lyrics_env, lrclib):
    fake, _url = lrclib
    lrc = ok(spotui(lyrics_env, "lyrics", "--lrc"))
    assert lrc.startswith("[00:01.00] ") and len(fake.log) == 1
    first = json.loads(ok(spotui(lyrics_env, "lyrics", "--json")))
    assert first["source"] == "cache" and first["kind"] == "synced"
    assert first["record"]["trackName"] == "Cherish" and first["track"]["artist"] == "星野 夜"
    assert len(fake.log) == 1  # the second run read the cache


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("Libertango en la Madrugada", "No lyrics found for Orquesta Brisa del Sur"),
        ("3 AM Study Session", "is instrumental: it has no lyrics."),
    ],
)
def test_no_lyrics_exits_5_with_a_plain_line(lyrics_env, served, title, message):
    _play(served, title)
    result = spotui(lyrics_env, "lyrics")
    assert message in ok(result, EXIT_NO_LYRICS) + result.stderr
    assert result.stdout == ""


def test_plain_lyrics_print_as_they_are(lyrics_env, served, lrclib):
    _play(served, "Ærø")
    lines = ok(spotui(lyrics_env, "lyrics")).splitlines()
    assert lines == fake_words(lrclib[0], "Ærø")


def test_an_episode_and_nothing_playing(lyrics_env, served, lrclib):
    fake, _server = served
    fake.account.play({"uris": [EPISODE_URI]})
    result = spotui(lyrics_env, "lyrics")
    ok(result, EXIT_NO_LYRICS)
    assert result.stderr.strip() == "Episodes and ads have no lyrics."
    shown = json.loads(ok(spotui(lyrics_env, "lyrics", "--json"), EXIT_NO_LYRICS))
    assert shown["message"] == "Episodes and ads have no lyrics." and shown["track"] is None
    fake.set(no_active_device=True)
    result = spotui(lyrics_env, "lyrics")
    ok(result, EXIT_NOTHING)
    assert result.stderr.strip() == "Nothing is playing."
    result = spotui(lyrics_env, "lyrics", "--json")  # an object saying so, as `now --json`
    shown = json.loads(ok(result, EXIT_NOTHING))
    assert shown["message"] == "Nothing is playing." and shown["found"] is False
    assert shown["track"] is None and shown["record"] is None and result.stderr == ""
    assert lrclib[0].log == []  # LRCLIB was never asked


@pytest.mark.parametrize(
    ("knobs", "message"),
    [
        ({"fault": "503"}, "LRCLIB answered 503."),
        ({"fault": "html"}, "LRCLIB sent something that is not JSON."),
        ({"huge": True}, "LRCLIB's answer was too large to read."),
    ],
)
def test_lrclib_trouble_is_one_line_and_exit_1(lyrics_env, lrclib, knobs, message):
    lrclib[0].set(**knobs)
    result = spotui(lyrics_env, "lyrics")
    ok(result, EXIT_ERROR)
    assert result.stderr.strip() == message


def test_lrclib_unreachable(lyrics_env):
    result = spotui({**lyrics_env, "SPOTUI_LRCLIB_URL": "http://127.0.0.1:9"}, "lyrics")
    ok(result, EXIT_ERROR)
    assert result.stderr.strip() == "LRCLIB could not be reached. Are you offline?"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://[::1", "http://[::1"),
        ("http://127.0.0.1:9/\x1b]0;PWN\x07", "http://127.0.0.1:9/^[]0;PWN^G"),
        ("ftp://127.0.0.1", "ftp://127.0.0.1"),
    ],
)
def test_a_bad_lrclib_url_is_one_line_naming_the_variable(lyrics_env, url, shown):
    result = spotui({**lyrics_env, "SPOTUI_LRCLIB_URL": url}, "lyrics")
    ok(result, EXIT_ERROR)
    assert result.stderr.strip() == f"SPOTUI_LRCLIB_URL is not an http(s) address: {shown}"


def test_a_404_that_is_not_lrclibs_is_no_miss_and_nothing_is_cached(lyrics_env, lrclib):
    wrong = {**lyrics_env, "SPOTUI_LRCLIB_URL": lyrics_env["SPOTUI_ACCOUNTS_URL"]}  # Spotify's
    result = spotui(wrong, "lyrics")
    ok(result, EXIT_ERROR)
    assert result.stderr.strip() == "LRCLIB answered 404 with a page that is not LRCLIB's."
    result = spotui(lyrics_env, "lyrics")  # the URL set right: the lyrics, not a kept miss
    assert ok(result).strip()
    assert [path for path, _, _ in lrclib[0].log] == ["/api/get"]


def test_hostile_lyrics_never_reach_the_terminal_raw(lyrics_env, lrclib):
    lrclib[0].set(hostile=True)
    result = spotui(lyrics_env, "lyrics")
    shown = ok(result)
    assert "^[[2J" in shown
    assert not any(c in shown for c in "\x1b\x07\x9b")


def test_follow_prints_each_line_at_its_time_by_the_fakes_clock(lyrics_env, served, lrclib):
    """Each line printed is the one whose stamp the fake's own position has reached,
    within 0.3 s (the position the fake's clock gives at the moment it was printed)."""
    fake, _server = served
    process = start_spotui("lyrics", "--follow", env=lyrics_env)
    seen: list[tuple[float, str]] = []
    try:
        assert process.stdout is not None
        while len(seen) < 5:
            line = process.stdout.readline()
            assert line, process.stderr.read() if process.stderr else ""
            seen.append((fake.account.position() / 1000, line.rstrip("\n")))
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(10)
    assert process.returncode == 0
    words = fake_words(lrclib[0], "Cherish")
    for position_s, text in seen[1:]:  # the first is the line sung at the start
        nearest = round((position_s * 1000 - FIRST_LINE_MS) / LINE_EVERY_MS)
        stamp_s = (FIRST_LINE_MS + nearest * LINE_EVERY_MS) / 1000
        assert abs(position_s - stamp_s) <= 0.3, seen
        assert text == words[nearest]
    assert len({text for _, text in seen if text}) >= 3


def test_follow_ends_when_the_track_changes(lyrics_env, served):
    fake, _server = served
    process = start_spotui("lyrics", "--follow", env=lyrics_env)
    try:
        assert process.stdout is not None
        assert process.stdout.readline()
        fake.remote_skip()
        started = time.monotonic()
        process.wait(15)  # the next poll (every 5 s) sees the skip
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0 and time.monotonic() - started < 15


def test_the_configs_lyrics_dir_comes_before_lrclib(lyrics_env, lrclib, lyrics_dir):
    (lyrics_dir / "星野 夜 - Cherish.lrc").write_text("[00:00.50] words of my own\n", "utf-8")
    assert ok(spotui(lyrics_env, "lyrics")) == "> words of my own\n"
    found = json.loads(ok(spotui(lyrics_env, "lyrics", "--json")))
    assert found["source"] == "file" and found["path"].endswith("Cherish.lrc")
    assert lrclib[0].log == []


def test_a_missing_lyrics_dir_is_one_line_and_lrclib_answers(lyrics_env, lrclib, tmp_path):
    config = config_toml(tmp_path, 'lyrics_dir = "~/no-such-lyrics"')
    result = spotui(lyrics_env, "lyrics")
    assert fake_words(lrclib[0], "Cherish")[0] in ok(result)
    assert result.stderr.splitlines() == [
        f"{config}: 'lyrics_dir' is not a folder (got '~/no-such-lyrics'); using none"
    ]


def test_watch_goes_on_with_the_next_track_and_says_when_it_has_none(lyrics_env, served):
    fake, _server = served
    (track,) = [t for t in TRACKS if t.name == "3 AM Study Session"]
    fake.account.add_to_queue(track.uri)  # instrumental, after Cherish
    process = start_spotui("lyrics", "--watch", env=lyrics_env)
    try:
        assert process.stdout is not None
        assert process.stdout.readline() == "# 星野 夜 – Cherish\n"
        assert process.stdout.readline().strip()  # the line sung now
        fake.remote_skip()
        while (line := process.stdout.readline()) and not line.startswith("# Night"):
            pass
        assert line == "# Nightshift Collective – 3 AM Study Session\n"
    finally:
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=10)
    assert process.returncode == 0
    assert "3 AM Study Session is instrumental: it has no lyrics." in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("knob", "code", "message"),
    [
        ("no_active_device", EXIT_NOTHING, "Nothing is playing."),
        ("episode", EXIT_NO_LYRICS, "Episodes and ads have no lyrics."),
    ],
)
def test_follow_says_at_once_when_nothing_or_an_episode_plays(
    lyrics_env, served, lrclib, knob, code, message
):
    fake, _server = served
    fake.set(**{knob: True})
    started = time.monotonic()
    result = spotui(lyrics_env, "lyrics", "--follow")
    ok(result, code)
    assert result.stderr.strip() == message
    assert time.monotonic() - started < 10
    assert lrclib[0].log == []


def test_a_fifo_named_like_the_tracks_lrc_is_passed_over(lyrics_env, lrclib, lyrics_dir):
    """A FIFO in lyrics_dir (which no one writes to) is not opened: LRCLIB's words come."""
    os.mkfifo(lyrics_dir / "星野 夜 - Cherish.lrc")
    result = subprocess.run(
        [sys.executable, "-m", "spotui", "lyrics", "--lrc"],
        capture_output=True,
        text=True,
        env=lyrics_env,
        cwd=ROOT,
        timeout=15,
    )
    assert ok(result).startswith("[00:01.00] " + fake_words(lrclib[0], "Cherish")[0])
