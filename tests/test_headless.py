"""The headless commands as real subprocesses, against the fake over 127.0.0.1."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest

from spotui.cli.output import FORMAT_FIELDS
from spotui.fake.catalog import TRACKS

from .helpers import (
    EXIT_ERROR,
    EXIT_NOTHING,
    EXIT_OK,
    EXIT_SIGNED_OUT,
    EXIT_USAGE,
    expire_access_token,
    ok,
    spotui,
    start_spotui,
)

# --- now ----------------------------------------------------------------------------


def test_now_prints_one_human_line(env):
    out = ok(spotui(env, "now"))
    assert re.fullmatch(r"▶ Cherish — 星野 夜 \(0:4\d / 2:31\)\n", out), out


def test_now_json_has_the_documented_schema(env):
    data = json.loads(ok(spotui(env, "now", "--json")))
    assert set(data) == {
        "schema",
        "state",
        "is_playing",
        "type",
        "title",
        "artists",
        "album",
        "show",
        "publisher",
        "progress_ms",
        "duration_ms",
        "is_local",
        "device",
        "shuffle",
        "repeat",
        "url",
        "image_url",
    }
    assert data["schema"] == 2 and data["state"] == "playing" and data["is_playing"] is True
    assert data["type"] == "track" and data["title"] == "Cherish"
    assert data["artists"] == ["星野 夜"] and data["album"] == "Yume no Naka e"
    assert 46_000 <= data["progress_ms"] < 60_000 and data["duration_ms"] == 151_000
    assert data["device"] == {"name": "spotui-laptop", "type": "Computer", "volume_percent": 80}
    assert data["shuffle"] is False and data["repeat"] == "off"
    assert data["url"].startswith("https://open.spotify.com/track/")
    assert data["image_url"].startswith(env["SPOTUI_ACCOUNTS_URL"] + "/image/")  # 300 px


@pytest.mark.parametrize(
    ("knobs", "state", "code"),
    [
        ({"no_active_device": True}, "no_active_device", EXIT_NOTHING),
        ({"nothing_playing": True}, "nothing_playing", EXIT_NOTHING),
        ({"ad": True}, "ad", EXIT_OK),
        ({"episode": True}, "playing", EXIT_OK),
    ],
)
def test_now_json_says_what_state_it_is_in(env, served, knobs, state, code):
    served[0].set(**knobs)
    data = json.loads(ok(spotui(env, "now", "--json"), code))
    assert data["state"] == state
    if knobs.get("episode"):
        assert data["type"] == "episode" and data["show"] == "The Command Line"
        assert data["publisher"] is None and data["artists"] == []  # not sent since 2026
    if knobs.get("ad"):
        assert data["duration_ms"] is None and data["title"] is None
        assert data["progress_ms"] > 0  # what Spotify sent during the ad
    if state in ("no_active_device", "nothing_playing"):
        assert data["title"] is None and data["is_playing"] is False
    if state == "no_active_device":
        assert data["progress_ms"] is None and data["duration_ms"] is None


def test_now_human_line_for_nothing_playing(env, served):
    served[0].set(no_active_device=True)
    assert ok(spotui(env, "now"), EXIT_NOTHING) == "No active device\n"


def test_now_format_template_with_every_field(env):
    template = "|".join(f"{{{field}}}" for field in FORMAT_FIELDS)
    values = ok(spotui(env, "now", "--format", template)).rstrip("\n").split("|")
    fields = dict(zip(FORMAT_FIELDS, values, strict=True))
    assert fields["status"] == "▶" and fields["title"] == "Cherish"
    assert fields["artist"] == "星野 夜" and fields["duration"] == "2:31"
    assert fields["device"] == "spotui-laptop" and fields["volume"] == "80"
    assert fields["shuffle"] == "off" and fields["state"] == "playing"
    assert ok(spotui(env, "now", "--format", "{artist} - {title}")) == "星野 夜 - Cherish\n"


def test_now_format_with_an_unknown_field_is_a_usage_error(env):
    result = spotui(env, "now", "--format", "{artist} {colour}")
    assert result.returncode == EXIT_USAGE
    assert "unknown field {colour}" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_a_cached_access_token_costs_no_refresh(env, served):
    fake, _ = served
    for _ in range(3):
        ok(spotui(env, "now", "--json"))
    assert fake.requests["/api/token"] == 0


def test_an_expired_access_token_is_refreshed_once_and_stored(env, served):
    fake, _ = served
    stored = expire_access_token(env)
    keyring_file = Path(env["SPOTUI_TEST_KEYRING"])
    ok(spotui(env, "now"))
    ok(spotui(env, "now"))
    assert fake.requests["/api/token"] == 1
    rotated = json.loads(keyring_file.read_text())["spotui/refresh_token"]
    assert rotated != stored["spotui/refresh_token"] and rotated in fake.oauth.refresh_tokens


# --- --watch ------------------------------------------------------------------------


def _watch(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return start_spotui("now", "--watch", *args, env=env)


def test_watch_prints_a_line_per_change_and_stops_on_sigterm(env, served):
    fake, _ = served
    process = _watch(env, "--format", "{status} {title}")
    try:
        assert process.stdout.readline() == "▶ Cherish\n"
        fake.set(ad=False)
        fake.remote_skip()  # someone skips on another device
        started = time.monotonic()
        assert process.stdout.readline() == f"▶ {TRACKS[1].name}\n"
        assert time.monotonic() - started < 7  # the next poll, a few seconds at most
        fake.account.pause()
        assert process.stdout.readline() == f"⏸ {TRACKS[1].name}\n"
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=5)
    finally:
        process.kill()
    assert process.returncode == EXIT_OK and out == "" and "Traceback" not in err


def test_watch_is_silent_between_changes_and_stops_on_sigint(env, served):
    process = _watch(env, "--json")
    try:
        json.loads(process.stdout.readline())
        time.sleep(6)  # more than one poll
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=5)
    finally:
        process.kill()
    assert out == ""  # nothing new to say: no line
    assert process.returncode == 130 and "Traceback" not in err


def test_watch_stops_when_the_pipe_closes(env):
    reader, writer = os.pipe()
    process = start_spotui("now", "--watch", env=env, stdout=writer)
    os.close(writer)
    with os.fdopen(reader) as pipe:
        assert pipe.readline().startswith("▶ Cherish")
    try:  # the reader is gone: spotui notices within a second or two
        process.wait(timeout=6)
    finally:
        process.kill()
    assert process.returncode == EXIT_OK
    assert "Traceback" not in process.stderr.read()


# --- controls -----------------------------------------------------------------------


def test_play_pause_toggle(env, served):
    account = served[0].account
    ok(spotui(env, "pause"))
    assert not account.player.is_playing
    ok(spotui(env, "play"))
    assert account.player.is_playing
    assert ok(spotui(env, "toggle")) == "⏸ Paused\n"
    assert not account.player.is_playing
    assert ok(spotui(env, "toggle")) == "▶ Playing\n"


def test_next_and_prev(env, served):
    account = served[0].account
    ok(spotui(env, "next"))
    assert account.player.uri == TRACKS[1].uri
    ok(spotui(env, "prev"))
    assert account.player.uri == TRACKS[0].uri


@pytest.mark.parametrize(
    ("argument", "low", "high"),
    [
        ("+10s", 55_000, 65_000),
        ("-10s", 35_000, 45_000),
        ("1:23", 83_000, 86_000),
        ("90", 90_000, 93_000),
    ],
)
def test_seek(env, served, argument, low, high):
    ok(spotui(env, "seek", argument))
    assert low <= served[0].account.position() <= high


def test_volume_absolute_and_relative(env, served):
    device = served[0].account.active_device
    ok(spotui(env, "volume", "50"))
    assert device["volume_percent"] == 50
    ok(spotui(env, "volume", "+5"))
    assert device["volume_percent"] == 55
    ok(spotui(env, "volume", "-10"))
    assert device["volume_percent"] == 45


def test_shuffle_and_repeat(env, served):
    ok(spotui(env, "shuffle", "on"))
    ok(spotui(env, "repeat", "track"))
    player = served[0].account.player
    assert player.shuffle and player.repeat == "track"
    assert spotui(env, "repeat", "sometimes").returncode == EXIT_USAGE


def test_repeat_takes_the_apps_words(env, served):
    """all and one, as the app says them: the list and the track."""
    assert ok(spotui(env, "repeat", "all")) == "Repeat all\n"
    assert served[0].account.player.repeat == "context"
    assert ok(spotui(env, "repeat", "one")) == "Repeat one\n"
    assert served[0].account.player.repeat == "track"
    assert ok(spotui(env, "repeat", "context")) == "Repeat all\n"  # Spotify's word still works


def test_now_says_repeat_as_the_app_does(env):
    """``{repeat}`` and ``--json`` say all and one, as ``spotui repeat`` and the app."""
    for mode in ("all", "one"):
        ok(spotui(env, "repeat", mode))
        assert ok(spotui(env, "now", "--format", "{repeat}")) == f"{mode}\n"
        assert json.loads(ok(spotui(env, "now", "--json")))["repeat"] == mode


def test_like_and_unlike(env, served):
    account = served[0].account
    account.play({"uris": [TRACKS[9].uri]})
    assert ok(spotui(env, "like")).startswith("♥ Saved: Libertango")
    assert TRACKS[9].uri in account.saved_set
    ok(spotui(env, "unlike"))
    assert TRACKS[9].uri not in account.saved_set


def test_devices_and_transfer_by_name_or_id(env, served):
    out = ok(spotui(env, "devices"))
    assert "● spotui-laptop (Computer)" in out and "Car (Automobile)" in out
    listed = json.loads(ok(spotui(env, "devices", "--json")))
    assert [d["name"] for d in listed] == ["Living Room", "spotui-laptop", "Pixel 9", "Car"]
    assert listed[3]["id"] is None
    assert ok(spotui(env, "transfer", "living room")) == "Playing on Living Room\n"
    assert served[0].account.active_device["name"] == "Living Room"
    ok(spotui(env, "transfer", listed[2]["id"]))
    assert served[0].account.active_device["name"] == "Pixel 9"
    missing = spotui(env, "transfer", "toaster")
    assert missing.returncode == EXIT_ERROR and "No device called 'toaster'" in missing.stderr


# --- lists --------------------------------------------------------------------------


def test_top_tracks_and_artists(env):
    out = ok(spotui(env, "top", "tracks", "--range", "short", "--limit", "5"))
    assert len(out.splitlines()) == 5 and out.startswith("  1. ")
    artists = json.loads(ok(spotui(env, "top", "artists", "--json", "--limit", "3")))
    assert len(artists) == 3 and {"name", "genres", "popularity"} <= set(artists[0])
    assert spotui(env, "top", "tracks", "--limit", "99").returncode == EXIT_USAGE


def test_top_takes_a_window_as_history_does(env):
    """--window 1y (a year, as `history` says it) and the older --range long: the same list,
    not the default 6 months'."""
    year = ok(spotui(env, "top", "tracks", "--window", "1y", "--limit", "5"))
    assert year == ok(spotui(env, "top", "tracks", "--range", "long", "--limit", "5"))
    assert year != ok(spotui(env, "top", "tracks", "--limit", "5"))


def test_top_again_is_revalidated_from_the_kept_list(env, served):
    """`spotui top` keeps the list as the app does: asked again, it sends the ETag, costs
    no body (304), and prints the same."""
    fake, _ = served
    first = ok(spotui(env, "top", "tracks", "--range", "long", "--limit", "7"))
    again = ok(spotui(env, "top", "tracks", "--range", "long", "--limit", "7"))
    answers = [status for _, _, path, status in fake.log if path == "/v1/me/top/tracks"]
    assert answers == [200, 304]
    assert again == first and len(first.splitlines()) == 7


def test_recent(env):
    items = json.loads(ok(spotui(env, "recent", "--json", "--limit", "7")))
    assert len(items) == 7 and items[0]["played_at"] > items[1]["played_at"]
    assert len(ok(spotui(env, "recent", "--limit", "4")).splitlines()) == 4


def test_library_exports_everything_in_order(env, tmp_path, served):
    rows = json.loads(ok(spotui(env, "library", "--json")))
    assert len(rows) == 234
    assert rows[0]["title"] == TRACKS[3].name  # newest first
    assert [r["id"] for r in rows] == [uri.split(":")[-1] for uri, _ in served[0].account.saved]
    target = tmp_path / "library.csv"
    result = spotui(env, "library", "--csv", "-o", str(target))
    ok(result)
    assert "Wrote 234 saved tracks" in result.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    table = list(csv.DictReader(io.StringIO(target.read_text())))
    assert len(table) == 234 and table[0]["title"] == TRACKS[3].name


# --- exit codes ---------------------------------------------------------------------


def test_not_signed_in_exits_4_with_a_hint(env):
    Path(env["SPOTUI_TEST_KEYRING"]).write_text("{}")
    result = spotui(env, "now")
    assert result.returncode == EXIT_SIGNED_OUT
    assert "spotui auth" in result.stderr and len(result.stderr.splitlines()) == 1


def test_revoked_refresh_token_exits_4_with_a_one_line_hint(env, served):
    fake, _ = served
    fake.set(refresh_revoked=True)
    fake.oauth.access_tokens.clear()
    result = spotui(env, "now")
    assert result.returncode == EXIT_SIGNED_OUT
    assert "Spotify ended this sign-in" in result.stderr
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr


def test_no_active_device_for_a_command_exits_3(env, served):
    served[0].set(no_active_device=True)
    result = spotui(env, "pause")
    assert result.returncode == EXIT_NOTHING and "No active device" in result.stderr


def test_premium_required_exits_1_with_one_line(env, served):
    served[0].set(premium=False)
    result = spotui(env, "next")
    assert result.returncode == EXIT_ERROR
    assert result.stderr.strip() == "Spotify Premium is required to control playback"


def test_offline_exits_1_with_one_line(env):
    result = spotui({**env, "SPOTUI_API_URL": "http://127.0.0.1:9/v1"}, "now")
    assert result.returncode == EXIT_ERROR
    assert "offline" in result.stderr and len(result.stderr.splitlines()) == 1


def test_bad_arguments_exit_2(env):
    for args in (["seek", "soon"], ["volume", "loud"], ["shuffle", "maybe"]):
        result = spotui(env, *args)
        assert result.returncode == EXIT_USAGE, args
        assert "Traceback" not in result.stderr
