"""The lyrics follower on the hub: one request per track, the line at the local position,
nothing sent while nothing plays. LRCLIB is the fake over HTTP (SPOTUI_LRCLIB_URL)."""

from __future__ import annotations

import asyncio
import time

import pytest

from spotui.fake.lrclib import FIRST_LINE_MS, LINE_EVERY_MS
from spotui.lyrics.follower import RETRY_S, SHIFT_STEP_MS, UNEXPECTED, LyricsState
from spotui.services import Services


async def _until(condition, timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)


class Running:
    """The demo's hub polling every 0.2 s, with the follower attached by the wiring."""

    def __init__(self, interval: float = 0.2, **knobs):
        self.interval = interval
        self.services = Services.demo_mode(**knobs)
        self.services.lrclib_transport = None  # the fake LRCLIB over HTTP, not in process
        self.fake = self.services.fake
        self.said: list[LyricsState] = []

    async def __aenter__(self) -> Running:
        self.spotify = self.services.connect()
        assert self.spotify is not None
        self.controller = self.services.player(
            self.spotify, interval=self.interval, history_after=3600
        )
        self.follower = self.services.lyrics
        assert self.follower is not None
        self.follower.watch(self.said.append)
        self.polling = asyncio.ensure_future(self.controller.run())
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.polling.cancel()
        await asyncio.gather(self.polling, return_exceptions=True)
        await self.spotify.aclose()

    def polls(self) -> int:
        return self.fake.player_requests()  # type: ignore[attr-defined]


async def test_idle_until_a_face_asks_then_one_request_per_track(lrclib):
    async with Running() as run:
        await _until(lambda: run.polls() >= 4)
        assert lrclib.log == []  # attached, but no face wants lyrics
        run.follower.enable()
        await _until(lambda: run.follower.state.status == "found")
        polls = run.polls()
        await _until(lambda: run.polls() >= polls + 5)  # steady polls: no new request
        assert [path for path, _, _ in lrclib.log] == ["/api/get"]
        assert [state.status for state in run.said] == ["looking", "found"]
        assert run.follower.state.lyrics.record.track_name == "Cherish"


async def test_the_line_follows_the_local_clock_and_a_seek_moves_it(lrclib):
    async with Running(interval=10) as run:  # polls far apart: the clock moves the line
        run.follower.enable()
        await _until(lambda: run.follower.state.status == "found")
        polls = run.polls()
        seen = set()
        for _ in range(6):
            position = run.fake.account.position()  # type: ignore[attr-defined]
            expected = (position - FIRST_LINE_MS) // LINE_EVERY_MS
            assert abs(run.follower.index() - expected) <= 1  # a poll's delay at most
            seen.add(run.follower.index())
            await asyncio.sleep(0.6)
        assert run.polls() == polls and len(seen) >= 2  # it moved between polls
        before = run.follower.index()
        await run.controller.send(lambda spotify: spotify.seek(120_000))
        target = (120_000 - FIRST_LINE_MS) // LINE_EVERY_MS
        await _until(lambda: abs(run.follower.index() - target) <= 1)
        assert before < 40 <= run.follower.index()


async def test_a_skip_loads_the_next_tracks_lyrics(lrclib):
    async with Running() as run:
        run.follower.enable()
        await _until(lambda: run.follower.state.status == "found")
        run.fake.remote_skip()  # type: ignore[attr-defined]
        run.controller.poll_soon(0)
        await _until(
            lambda: (
                run.follower.state.status == "found"
                and run.follower.state.query.title == "Northern Lights Over Tromsø"
            )
        )
        assert [params["track_name"] for _, params, _ in lrclib.log] == [
            "Cherish",
            "Northern Lights Over Tromsø",
        ]


@pytest.mark.parametrize(
    ("knobs", "status", "message"),
    [
        ({"no_active_device": True}, "idle", "Nothing is playing"),
        ({"episode": True}, "not a track", "Episodes and ads have no lyrics"),
    ],
)
async def test_no_request_while_nothing_plays_or_an_episode_plays(lrclib, knobs, status, message):
    async with Running(**knobs) as run:
        run.follower.enable()
        await _until(lambda: run.follower.state.status == status)
        polls = run.polls()
        await _until(lambda: run.polls() >= polls + 1, timeout=20)
        assert run.follower.state.message == message
        assert lrclib.log == []


async def test_lrclib_offline_is_one_plain_line_and_the_hub_goes_on(lrclib):
    lrclib.set(fault="503")
    async with Running() as run:
        run.follower.enable()
        await _until(lambda: run.follower.state.status == "offline")
        assert run.follower.state.message == "LRCLIB answered 503."
        assert run.follower.index() == -1
        polls = run.polls()
        await _until(lambda: run.polls() >= polls + 2)  # the poll loop is unharmed
        assert len(lrclib.log) == 1  # and LRCLIB is not asked at every poll


async def test_a_bad_lrclib_url_is_said_in_the_pane_for_every_track(monkeypatch):
    monkeypatch.setenv("SPOTUI_LRCLIB_URL", "http://[::1")
    async with Running() as run:
        run.follower.enable()
        seen: list[str] = []
        for _ in range(3):  # this track, then `n` twice
            await _until(
                lambda: (
                    run.follower.state.status == "offline"
                    and run.follower.state.query.title not in seen
                )
            )
            seen.append(run.follower.state.query.title)
            assert "SPOTUI_LRCLIB_URL is not an http(s) address" in run.follower.state.message
            if len(seen) < 3:
                run.fake.remote_skip()  # type: ignore[attr-defined]
                run.controller.poll_soon(0)


async def test_a_find_that_fails_unexpectedly_is_logged_not_looking_forever(
    lrclib, monkeypatch, caplog
):
    async def broken(self, query):
        raise RuntimeError("a bug")

    monkeypatch.setattr("spotui.lyrics.finder.LyricsFinder.find", broken)
    async with Running() as run:
        run.follower.enable()
        await _until(lambda: run.follower.state.status == "offline")
        assert run.follower.state.message.endswith(UNEXPECTED)
        assert "a bug" in caplog.text
        polls = run.polls()
        await _until(lambda: run.polls() >= polls + 2)  # the poll loop is unharmed


async def test_a_skip_while_lrclib_is_slow_goes_on_with_the_next_track_at_once(lrclib):
    lrclib.set(latency_s=4.0)
    async with Running() as run:
        run.follower.enable()
        await _until(lambda: len(lrclib.log) == 1)  # Cherish's request waits at LRCLIB
        lrclib.set(latency_s=0.0)
        run.fake.remote_skip()  # type: ignore[attr-defined]
        run.controller.poll_soon(0)
        loop = asyncio.get_running_loop()
        skipped = loop.time()
        await _until(
            lambda: (
                run.follower.state.status == "found"
                and run.follower.state.query.title == "Northern Lights Over Tromsø"
            )
        )
        assert loop.time() - skipped < 2.0  # not after Cherish's slow answer
        assert all(state.query.title != "Cherish" for state in run.said[1:])


async def test_after_lrclib_failed_the_track_is_asked_again_later_not_at_each_poll(lrclib):
    ahead = [0.0]
    lrclib.set(fault="503")
    async with Running(monotonic=lambda: time.monotonic() + ahead[0]) as run:
        run.follower.enable()
        await _until(lambda: run.follower.state.status == "offline")
        polls = run.polls()
        await _until(lambda: run.polls() >= polls + 3)
        assert len(lrclib.log) == 1
        lrclib.set(fault="")
        ahead[0] = RETRY_S + 1  # half a minute later
        await _until(lambda: run.follower.state.status == "found")
        assert len(lrclib.log) == 2


async def test_the_shift_moves_the_line_and_is_kept_for_that_track(lrclib):
    async with Running(interval=10) as run:
        run.follower.enable()
        await _until(lambda: run.follower.state.status == "found")
        now = time.monotonic()
        line = run.follower.index(now)
        assert run.follower.nudge(SHIFT_STEP_MS * 5) == 2_500  # `]` five times: sooner
        assert run.follower.index(now) == line + 1  # a line every 2.5 s
        assert run.follower.nudge(-SHIFT_STEP_MS * 10) == -2_500
        assert run.follower.index(now) == line - 1
    async with Running() as again:  # another run: the same track keeps its shift
        again.follower.enable()
        await _until(lambda: again.follower.state.status == "found")
        assert again.follower.shift_ms == -2_500
        again.fake.remote_skip()  # type: ignore[attr-defined]
        again.controller.poll_soon(0)
        await _until(lambda: again.follower.state.query.title != "Cherish")
        assert again.follower.shift_ms == 0  # the next track has none
