"""The demo's player, kept between runs: the headless commands and the app share it,
a damaged file is one line and a fresh start, and the tests' demo never reads it."""

from __future__ import annotations

import asyncio
import json
import os

import httpx
import pytest

from spotui import paths
from spotui.config import Config
from spotui.fake import FakeSpotify, state
from spotui.fake.catalog import TRACKS
from spotui.services import Services
from spotui.tui.app import SpotuiApp

from .helpers import ROOT, ok, spotui, until


@pytest.fixture
def env() -> dict[str, str]:
    """spotui as a user runs it, in this test's empty platform folders (see conftest)."""
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def now_line(env: dict[str, str], *args: str) -> str:
    return ok(spotui(env, *args))


def test_next_then_now_shows_the_next_track(env):
    assert now_line(env, "--demo", "now").startswith("▶ Cherish")
    assert ok(spotui(env, "--demo", "next")) == "⏭ Next\n"
    assert now_line(env, "now", "--demo").startswith(f"▶ {TRACKS[1].name}")  # after, too
    assert paths.demo_state_file().is_file()
    assert not paths.snapshot_file().exists()  # the account's files are left alone


def test_a_damaged_state_file_is_one_line_and_the_demo_goes_on(env):
    kept = paths.demo_state_file()
    kept.parent.mkdir(parents=True)
    kept.write_bytes(b'{"version": 1, "at": \x1b[31m' + b"[" * 50_000)
    first = spotui(env, "--demo", "now")
    assert ok(first).startswith("▶ Cherish")
    lines = first.stderr.splitlines()
    assert len(lines) == 1 and "starts afresh" in lines[0] and "\x1b" not in lines[0], lines
    again = spotui(env, "--demo", "now")  # said once: a good file took its place
    assert ok(again).startswith("▶ Cherish") and again.stderr == ""


def test_a_state_file_that_cannot_be_written_is_one_line_and_the_command_works(env):
    paths.demo_state_file().mkdir(parents=True)  # a folder where the file goes
    result = spotui(env, "--demo", "next")
    assert ok(result) == "⏭ Next\n"
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "cannot be kept" in lines[0], lines


def test_a_write_that_fails_after_the_start_is_one_line_on_stderr(capsys):
    from spotui.cli.main import build_parser
    from spotui.cli.table import COMMANDS, run_with

    services = Services.demo_kept()
    assert services.notice is None  # no file yet: nothing to say at the start
    paths.demo_state_file().mkdir(parents=True)
    args = build_parser().parse_args(["next"])
    assert asyncio.run(run_with(services, COMMANDS["next"], args)) == 0
    out = capsys.readouterr()
    assert out.out == "⏭ Next\n"
    lines = out.err.splitlines()
    assert len(lines) == 1 and "cannot be kept" in lines[0], lines


async def test_the_app_says_once_that_the_player_cannot_be_kept_and_plays_on():
    app = SpotuiApp(Services.demo_kept, Config(), demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: "Cherish" in _title(app))
        paths.demo_state_file().mkdir(parents=True)  # in the way since the start
        for track in TRACKS[1:3]:
            await pilot.press("n")
            await until(pilot, lambda track=track: track.name in _title(app))
        shown = [n.message for n in app._notifications if n.title == "Demo"]
        assert len(shown) == 1 and "cannot be kept" in shown[0], shown


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"version": 2}, "version"),
        ({"at": 1e308}, "at is out of range"),
        ({"index": 10_000}, "index"),
        ({"index": True}, "index"),
        ({"position_ms": -1}, "position_ms"),
        ({"position_ms": 10**12}, "position_ms"),
        ({"context_uri": "spotify:playlist:nope"}, "no such list"),
        ({"context_uri": ["a"]}, "context_uri"),
        ({"queue": ["spotify:track:nope"]}, "queue"),
        ({"queue": [TRACKS[2].uri] * 201}, "queue"),
        ({"played": [0] * 201}, "played"),
        ({"repeat": "sometimes"}, "repeat"),
        ({"device": ["a"]}, "device"),
        ({"volumes": {"x": 500}}, "volumes"),
        ({"shuffle": "yes"}, "shuffle"),
    ],
)
def test_a_strange_field_sets_the_whole_file_aside(tmp_path, change, reason):
    path = tmp_path / "player.json"
    first = FakeSpotify(state_path=path)
    first.account.next()
    state.Kept(path).keep(first.account, first.clock())
    path.write_text(json.dumps(json.loads(path.read_text()) | change))
    fake = FakeSpotify(state_path=path)
    assert fake.state_problem is not None and reason in fake.state_problem
    assert fake.account.player.uri == TRACKS[0].uri  # nothing of it was used


def test_the_kept_player_comes_back_whole(tmp_path):
    path = tmp_path / "player.json"
    first = FakeSpotify(state_path=path)
    account = first.account
    account.next()
    account.seek(30_000)
    account.set_shuffle(True)
    account.set_repeat("track")
    account.set_volume(33)
    account.add_to_queue(TRACKS[7].uri)
    state.Kept(path).keep(account, first.clock())
    again = FakeSpotify(state_path=path).account
    assert again.player.uri == TRACKS[1].uri and 30_000 <= again.position() < 40_000
    assert again.player.shuffle and again.player.repeat == "track"
    assert again.active_device is not None and again.active_device["volume_percent"] == 33
    assert again.queue == [TRACKS[7].uri]


def test_the_tests_and_screenshots_demo_never_reads_it():
    kept = Services.demo_kept()  # as `spotui --demo` builds it
    assert kept.fake is not None and isinstance(kept.fake, FakeSpotify)
    kept.fake.account.next()
    state.Kept(paths.demo_state_file()).keep(kept.fake.account, kept.clock())
    fresh = Services.demo_mode()
    assert isinstance(fresh.fake, FakeSpotify) and fresh.fake.account.player.uri == TRACKS[0].uri


async def test_the_app_demo_starts_where_the_commands_left_it():
    kept = Services.demo_kept()
    assert isinstance(kept.fake, FakeSpotify)
    kept.fake.account.next()
    state.Kept(paths.demo_state_file()).keep(kept.fake.account, kept.clock())
    app = SpotuiApp(Services.demo_kept, Config(), demo=True)  # as `spotui --demo` runs it
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: TRACKS[1].name in _title(app))


async def test_the_app_says_once_that_a_damaged_file_was_set_aside():
    kept = paths.demo_state_file()
    kept.parent.mkdir(parents=True)
    kept.write_text("not json")
    app = SpotuiApp(Services.demo_kept, Config(), demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: "Cherish" in _title(app))
        shown = [n.message for n in app._notifications]
        assert sum("starts afresh" in message for message in shown) == 1, shown


def _title(app: SpotuiApp) -> str:
    from textual.widgets import Static

    found = app.screen.query("#title")
    return str(found.first(Static).content) if found else ""


async def _ask(fake: FakeSpotify, method: str, path: str) -> httpx.Response:
    token = fake.sign_in()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    return await fake.handle(
        httpx.Request(method, f"https://api.spotify.com{path}", headers=headers)
    )


async def test_a_running_demo_follows_a_command_run_beside_it(tmp_path):
    path = tmp_path / "player.json"
    running = FakeSpotify(state_path=path)  # the app, open in one terminal
    assert (await _ask(running, "GET", "/v1/me/player")).json()["item"]["name"] == "Cherish"
    beside = FakeSpotify(state_path=path)  # `spotui --demo next` in another
    assert (await _ask(beside, "POST", "/v1/me/player/next")).status_code == 204
    answer = await _ask(running, "GET", "/v1/me/player")
    assert answer.json()["item"]["name"] == TRACKS[1].name


async def test_a_track_that_ends_in_a_running_demo_is_kept(tmp_path, clock):
    path = tmp_path / "player.json"
    running = FakeSpotify(state_path=path, clock=clock)
    await _ask(running, "GET", "/v1/me/player")
    clock.advance(TRACKS[0].duration_ms / 1000)  # Cherish ends, nothing is pressed
    assert (await _ask(running, "GET", "/v1/me/player")).json()["item"]["name"] == TRACKS[1].name
    assert FakeSpotify(state_path=path, clock=clock).account.player.uri == TRACKS[1].uri


async def test_the_app_demo_follows_spotui_demo_next_run_beside_it(env):
    app = SpotuiApp(Services.demo_kept, Config(), demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: "Cherish" in _title(app))
        assert ok(await asyncio.to_thread(spotui, env, "--demo", "next")) == "⏭ Next\n"
        await pilot.press("ctrl+r")  # or the next poll, within seconds
        await until(pilot, lambda: TRACKS[1].name in _title(app))
