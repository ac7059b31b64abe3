"""Spotify as a Development Mode app meets it in 2026: /me/library, fields that are gone,
the quota, errors in Spotify's own words (plain text included), and `spotui doctor`."""

from __future__ import annotations

import json
import re
import time

import pytest

from spotui.fake.catalog import TRACKS
from spotui.spotify.errors import (
    NotAllowlisted,
    RateLimited,
    Unavailable,
)
from spotui.tui.screens.main import MainScreen
from spotui.tui.widgets.table import RowsTable

from .conftest import make_client
from .helpers import EXIT_ERROR, EXIT_OK, demo, ok, screen_text, spotui, started, until
from .test_app import fake_of

ALLOWLIST = "User not registered in the Developer Dashboard"
WAY_OUT = "add your account under User Management in your app's dashboard"
QUOTA = re.compile(
    r"^Spotify's request quota for your app is used up; try again after (\d\d:\d\d):\d\d\n$"
)


def old_library_calls(fake) -> list[str]:
    return [
        f"{method} {path}"
        for _, method, path, _ in fake.log
        if path.startswith("/v1/me/tracks") and (method != "GET" or "contains" in path)
    ]


# --- the library through /me/library --------------------------------------------------


async def test_the_old_me_tracks_calls_are_refused_and_spotui_never_makes_them(client, fake):
    with pytest.raises(Unavailable, match="Saved tracks: unavailable to Development Mode"):
        await client.request("PUT", "/me/tracks", params={"ids": TRACKS[3].id})
    sent = len(fake.log)
    with pytest.raises(Unavailable):  # not asked again: Spotify closed it to this app
        await client.request("PUT", "/me/tracks", params={"ids": TRACKS[3].id})
    assert len(fake.log) == sent
    fake.set(legacy_app=True)  # an app created before February 2026 may still use it
    async with make_client(fake, fake.clock) as older:
        await older.request("PUT", "/me/tracks", params={"ids": TRACKS[3].id})
    assert TRACKS[3].uri in fake.account.saved_set


async def test_l_saves_and_unsaves_the_playing_track_and_the_mark_follows():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        fake = fake_of(app)
        playing = fake.account.player.uri
        await until(pilot, lambda: "♥ In your library" in screen_text(app))  # the demo's is
        await pilot.press("l")
        await until(pilot, lambda: playing not in fake.account.saved_set)
        assert "♡ Not in your library" in screen_text(app)
        await pilot.press("l")
        await until(pilot, lambda: playing in fake.account.saved_set)
        assert "♥ In your library" in screen_text(app)
        await pilot.press("n")  # the next track's mark comes from /me/library/contains
        await until(pilot, lambda: fake.requests["/v1/me/library/contains"] >= 2)
        assert fake.requests["/v1/me/library"] == 2
        assert old_library_calls(fake) == []


def test_spotui_like_and_unlike_exit_0_through_me_library(env, served):
    fake = served[0]
    playing = fake.account.player.uri
    assert ok(spotui(env, "like")).startswith("♥ Saved: ")
    assert playing in fake.account.saved_set
    assert ok(spotui(env, "unlike")).startswith("♡ Removed: ")
    assert playing not in fake.account.saved_set
    assert fake.requests["/v1/me/library"] == 2 and old_library_calls(fake) == []


# --- fields Spotify no longer sends ---------------------------------------------------


@pytest.mark.parametrize("legacy", [False, True])
async def test_no_top_list_column_is_empty_for_lack_of_data(legacy):
    app = demo(legacy_app=legacy)
    async with app.run_test(size=(140, 40)) as pilot:
        await started(pilot)
        headers = {}
        for key, tab in (("2", "top-tracks"), ("3", "top-artists")):
            await pilot.press(key)
            table = app.screen.query_one(f"#{tab}-view RowsTable", RowsTable)
            await until(pilot, lambda table=table: table.row_count > 0)
            await until(pilot, lambda table=table: "Your top" in screen_text(app))
            labels = [label for label, _, _ in table.spec]
            headers[tab] = labels
            for at, label in enumerate(labels):
                assert any(row[at] for row in table.rows), f"{tab}: {label} is empty"
    assert headers["top-tracks"][:5] == ["#", "Title", "Artists", "Album", "Length"]
    assert headers["top-artists"][:3] == ["#", "Artist", "Your top tracks"]
    gone = {"Genres", "Followers", "Popularity"}
    if legacy:  # an older app still gets them, and the same code shows them
        assert gone <= set(headers["top-artists"]) and "Popularity" in headers["top-tracks"]
    else:
        assert not gone & set(headers["top-artists"] + headers["top-tracks"])


def test_json_prints_null_for_every_missing_value(env, served):
    artists = json.loads(ok(spotui(env, "top", "artists", "--json", "--limit", "3")))
    assert all(
        a["genres"] is None and a["followers"] is None and a["popularity"] is None for a in artists
    )
    served[0].set(episode=True)
    now = json.loads(ok(spotui(env, "now", "--json")))
    assert now["show"] == "The Command Line" and now["publisher"] is None
    served[0].set(episode=False, ad=True)
    now = json.loads(ok(spotui(env, "now", "--json")))
    assert now["duration_ms"] is None and isinstance(now["progress_ms"], int)


# --- the quota --------------------------------------------------------------------------


def test_quota_exceeded_says_when_and_nothing_is_sent_before_then(env, served):
    fake = served[0]
    fake.set(quota_exceeded=True, quota_retry_after=7200)
    before = time.time()
    first = spotui(env, "now")
    assert first.returncode == EXIT_ERROR and "Traceback" not in first.stderr
    at = QUOTA.match(first.stderr)
    assert at, first.stderr
    expected = {
        time.strftime("%H:%M", time.localtime(moment))
        for moment in (before + 7200, time.time() + 7200)
    }
    assert at.group(1) in expected
    sent = sum(fake.requests.values())
    for command in (("now",), ("next",), ("top", "tracks"), ("doctor",)):
        again = spotui(env, *command)
        assert again.returncode == EXIT_ERROR
        assert at.group(1) in again.stderr + again.stdout
    assert sum(fake.requests.values()) == sent  # the next runs sent nothing


async def test_quota_in_the_app_shows_the_sentence_and_stops_asking():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await started(pilot)
        fake = fake_of(app)
        fake.set(quota_exceeded=True, quota_retry_after=3 * 3600)
        screen.poll_soon(0)
        await until(pilot, lambda: "request quota for your app is used up" in screen_text(app))
        sent = sum(fake.requests.values())
        await pilot.press("space")  # a command is refused at once, in the same words
        await pilot.pause(1.5)
        assert sum(fake.requests.values()) == sent
        assert "will try again at" in screen_text(app)


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(45, "45 s"), (90, "2 min"), (7200, "2 h"), (3 * 3600 + 300, "3 h 5 min")],
)
def test_long_rate_limit_waits_read_in_minutes_or_hours(seconds, words):
    assert RateLimited(seconds).message.endswith(f"retrying in {words}")


# --- Spotify's words ----------------------------------------------------------------------


def test_the_allowlist_403_shows_spotifys_text_and_the_way_out_in_the_cli(env, served):
    served[0].set(allowlisted=False)
    result = spotui(env, "now")
    assert result.returncode == EXIT_ERROR and "Traceback" not in result.stderr
    assert ALLOWLIST in result.stderr and WAY_OUT in result.stderr
    assert result.stderr.count("\n") == 1


async def test_the_allowlist_403_shows_in_the_app():
    app = demo(allowlisted=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        await until(pilot, lambda: ALLOWLIST in screen_text(app))
        assert "User Management" in screen_text(app)


async def test_a_plain_text_error_body_is_shown_as_spotify_sent_it(client, fake):
    fake.set(plain_text_errors=True, premium=False)
    with pytest.raises(Exception, match="Premium required"):
        await client.pause()
    fake.set(allowlisted=False)
    with pytest.raises(NotAllowlisted) as caught:
        await client.playback()
    assert ALLOWLIST in caught.value.message and WAY_OUT in caught.value.message


# --- spotui doctor ------------------------------------------------------------------------


def test_doctor_passes_on_a_good_sign_in(env):
    out = ok(spotui(env, "doctor"))
    lines = out.splitlines()
    assert len(lines) == 8 and all(line.startswith("✓") for line in lines), out
    for word in ("Sign-in", "keyring", "Refresh", "Scopes", "Account", "Devices", "Premium"):
        assert word in out
    assert "http://127.0.0.1:8888/callback" in out
    report = json.loads(ok(spotui(env, "doctor", "--json")))
    assert report["ok"] is True and len(report["checks"]) == 8


@pytest.mark.parametrize(
    ("knobs", "name", "words"),
    [
        ({"allowlisted": False}, "Account", WAY_OUT),
        ({"no_active_device": True}, "Devices", "none active"),
        ({"premium": False}, "Premium", "Premium is required"),
        ({"refresh_revoked": True}, "Refresh", "spotui auth"),
        ({"quota_exceeded": True}, "Rate limit", "quota for your app is used up"),
    ],
)
def test_doctor_names_each_problem(env, served, knobs, name, words):
    served[0].set(**knobs)
    result = spotui(env, "doctor")
    assert result.returncode == EXIT_ERROR and "Traceback" not in result.stderr
    failed = [line for line in result.stdout.splitlines() if line.startswith("✗")]
    assert any(line.startswith(f"✗ {name}:") and words in line for line in failed), result.stdout
    report = json.loads(spotui(env, "doctor", "--json").stdout)
    assert report["ok"] is False


def test_doctor_costs_a_handful_of_requests_and_never_changes_playback(env, served):
    fake = served[0]
    before = fake.account.player
    state = (before.uri, before.is_playing, before.repeat, before.shuffle)
    sent = sum(fake.requests.values())
    ok(spotui(env, "doctor"))
    assert sum(fake.requests.values()) - sent <= 6
    after = fake.account.player
    assert (after.uri, after.is_playing, after.repeat, after.shuffle) == state


def test_doctor_without_a_sign_in_says_how_to_sign_in(env, tmp_path):
    (tmp_path / "keyring.json").write_text("{}")
    result = spotui(env, "doctor")
    assert result.returncode == EXIT_ERROR
    assert result.stdout.splitlines()[0].startswith("✗ Sign-in:")
    assert "spotui auth" in result.stdout
    assert result.returncode != EXIT_OK
