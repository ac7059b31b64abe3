"""Scrobbling: the rule on the hub's states (driven by the fake Spotify's clock), the
outbox, and the two services against their fakes over HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from spotui.core.controller import Listener, PlayerController
from spotui.core.player import PlayerState
from spotui.fake import FakeSpotify
from spotui.fake.lastfm import DEMO_API_KEY, DEMO_API_SECRET, FakeLastFm
from spotui.fake.listenbrainz import DEMO_TOKEN, FakeListenBrainz
from spotui.history.db import Archive
from spotui.scrobble.lastfm import LastFm, signature
from spotui.scrobble.listenbrainz import ListenBrainz
from spotui.scrobble.outbox import Outbox
from spotui.scrobble.remote import Refused
from spotui.scrobble.rule import Listen, NowPlaying, Scrobble, Tracker, counts
from spotui.scrobble.sender import Sender
from spotui.services import Services

from .conftest import ManualClock
from .helpers import runtime

SHORT = "spotify:track:tmOHoFBN316AHxZNWfIkMC"  # 151 s: counts at 75.5 s
LONG = "spotify:track:slhwi8EpweaDDsXHwFahRw"  # 465 s: counts at 232.5 s


async def no_wait(_seconds: float) -> None:
    return None


def test_the_lastfm_signature_follows_the_documented_rule():
    # Sorted by name, each name then its value, then the secret; format is not signed.
    params = {"token": "yyyyyy", "method": "auth.getSession", "api_key": "xxxxxxxx"}
    assert (
        signature({**params, "format": "json"}, "ilovecher")
        == hashlib.md5(b"api_keyxxxxxxxxmethodauth.getSessiontokenyyyyyyilovecher").hexdigest()
    )
    assert signature(params, "ilovecher") == "1333ebf6f7dec747486b6ce965cca66b"


def test_the_rule_half_or_four_minutes_and_never_30_s_or_less():
    assert not counts(151_000, 75_000) and counts(151_000, 75_500)
    assert counts(600_000, 240_000) and not counts(600_000, 239_999)  # 4 min before half
    assert not counts(30_000, 30_000)  # 30 s tracks never count


class Follow:
    """Polls the fake Spotify as the hub does and feeds the tracker, on the fake's clock."""

    def __init__(self, client, clock):
        self.client, self.clock = client, clock
        self.tracker = Tracker()
        self.events: list[object] = []

    async def poll(self) -> None:
        state = PlayerState(await self.client.playback(), self.clock())
        self.events += self.tracker.update(state, self.clock(), self.clock())

    async def play_for(self, seconds: float, every: float = 5.0) -> None:
        while seconds > 0:
            step = min(every, seconds)
            self.clock.advance(step)
            seconds -= step
            await self.poll()

    @property
    def scrobbles(self) -> list[Listen]:
        return [e.listen for e in self.events if isinstance(e, Scrobble)]


async def test_a_track_played_past_half_is_scrobbled_once_with_its_start(fake, clock, client):
    fake.account.play({"uris": [SHORT, LONG]})
    started = clock()
    follow = Follow(client, clock)
    await follow.poll()
    assert [type(e) for e in follow.events] == [NowPlaying]
    await follow.play_for(70)
    assert follow.scrobbles == []  # 70 s of 151: not yet half
    await follow.play_for(10)
    assert len(follow.scrobbles) == 1
    listen = follow.scrobbles[0]
    assert listen.started_at == int(started) and listen.uri == SHORT
    assert listen.artist == "星野 夜" and listen.track == "Cherish"
    await follow.play_for(90)  # to the end and into the next track
    assert len(follow.scrobbles) == 1
    assert [e.listen.uri for e in follow.events if isinstance(e, NowPlaying)] == [SHORT, LONG]


async def test_a_track_skipped_at_20_s_is_not_scrobbled(fake, clock, client):
    fake.account.play({"uris": [SHORT, LONG]})
    follow = Follow(client, clock)
    await follow.poll()
    await follow.play_for(20)
    fake.account.next()
    await follow.poll()
    await follow.play_for(60)
    assert follow.scrobbles == []


async def test_a_pause_at_a_third_for_ten_minutes_counts_nothing(fake, clock, client):
    fake.account.play({"uris": [SHORT, LONG]})
    follow = Follow(client, clock)
    await follow.poll()
    await follow.play_for(50)  # a third
    fake.account.pause()
    await follow.poll()
    await follow.play_for(600, every=10)  # paused, polled as the hub does
    assert follow.scrobbles == []
    fake.account.play(None)
    await follow.poll()
    await follow.play_for(20)  # 70 s played: still under half
    assert follow.scrobbles == []
    await follow.play_for(10)
    assert len(follow.scrobbles) == 1


async def test_a_podcast_is_never_scrobbled_nor_shown_as_playing(fake, clock, client):
    fake.set(episode=True)
    follow = Follow(client, clock)
    await follow.poll()
    await follow.play_for(1200, every=10)
    assert follow.events == []


async def test_a_seek_while_paused_counts_no_time(fake, clock, client):
    fake.account.play({"uris": [SHORT, LONG]})
    follow = Follow(client, clock)
    await follow.poll()
    await follow.play_for(20)
    fake.account.pause()
    await follow.poll()
    await follow.play_for(300, every=10)
    fake.account.seek(140_000)  # paused, moved near the end, then played to it
    await follow.poll()
    fake.account.play(None)
    await follow.poll()
    await follow.play_for(20)  # 31 s really played, then the next track
    assert follow.scrobbles == []


async def test_a_seek_forward_counts_only_the_time_that_passed(fake, clock, client):
    fake.account.play({"uris": [LONG, SHORT]})
    follow = Follow(client, clock)
    await follow.poll()
    await follow.play_for(10)
    fake.account.seek(400_000)  # near the end of 465 s: 10 s really played
    await follow.poll()
    await follow.play_for(30)  # into the next track
    assert follow.scrobbles == []


def listens(count: int, start: int = 1_780_000_000) -> list[Listen]:
    return [
        Listen(f"Artist {n}", f"Song {n}", start + n * 200, "Album", 200_000) for n in range(count)
    ]


async def test_offline_then_online_sends_the_outbox_in_one_batch(tmp_path):
    fake = FakeListenBrainz(down=True)
    archive = Archive(tmp_path / "history.sqlite3")
    with fake.serve() as server:
        service = ListenBrainz(DEMO_TOKEN, url=server.url, sleep=no_wait)
        sender = Sender(archive, {"listenbrainz": service})
        for listen in listens(3):
            sender.outbox.add("listenbrainz", listen)
        report = await sender.flush()
        assert "not working" in report.problems["listenbrainz"] and fake.received == []
        assert sender.outbox.status("listenbrainz").waiting == 3
        fake.knobs.down = False
        await sender.flush()
        await service.aclose()
    assert [(kind, len(payload)) for kind, payload in fake.received] == [("import", 3)]
    assert [listen["listened_at"] for listen in fake.listens] == [x.started_at for x in listens(3)]
    assert sender.outbox.status("listenbrainz").waiting == 0


async def test_a_crash_between_the_outbox_and_the_send_sends_it_once_after(tmp_path):
    path = tmp_path / "history.sqlite3"
    Outbox(Archive(path)).add("listenbrainz", listens(1)[0])  # then the process died
    fake = FakeListenBrainz()
    with fake.serve() as server:
        for _ in range(2):  # two starts after the crash
            service = ListenBrainz(DEMO_TOKEN, url=server.url, sleep=no_wait)
            await Sender(Archive(path), {"listenbrainz": service}).flush()
            await service.aclose()
    assert [(kind, len(payload)) for kind, payload in fake.received] == [("single", 1)]


async def test_a_429_waits_as_told_and_a_bad_token_is_said_plainly(tmp_path):
    fake = FakeListenBrainz(rate_limit=2, reset_in=7)
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    with fake.serve() as server:
        service = ListenBrainz(DEMO_TOKEN, url=server.url, sleep=sleep)
        await service.submit(listens(2))
        assert waits == [7, 7] and len(fake.listens) == 2
        wrong = ListenBrainz("not-the-token", url=server.url, sleep=no_wait)
        with pytest.raises(Refused, match="setup listenbrainz"):
            await wrong.submit(listens(1))
        with pytest.raises(Refused, match="does not know this token"):
            await wrong.validate()
        assert await service.validate() == "demo"
        fake.knobs.remaining, fake.knobs.reset_in = 0, 4  # the window used up: wait first
        await service.submit(listens(1))
        await service.submit(listens(1))
        assert waits == [7, 7, 4] and len(fake.listens) == 4
        await service.aclose()
        await wrong.aclose()


async def test_a_revoked_lastfm_session_stops_scrobbling_and_keeps_the_outbox(tmp_path):
    fake = FakeLastFm()
    problems: list[str] = []
    archive = Archive(tmp_path / "history.sqlite3")
    with fake.serve() as server:
        service = LastFm(DEMO_API_KEY, DEMO_API_SECRET, fake.session(), url=server.url)
        sender = Sender(archive, {"lastfm": service}, on_problem=problems.append)
        sender.outbox.add_many("lastfm", listens(2, start=int(fake.clock()) - 3600))
        await sender.flush()
        assert len(fake.scrobbles) == 2
        fake.revoke()
        sender.outbox.add_many("lastfm", listens(60, start=int(fake.clock()) - 1800)[2:])
        report = await sender.flush()
        await sender.flush()
        await service.aclose()
    assert problems == [report.problems["lastfm"]]
    assert "revoked" in problems[0] and "spotui scrobble setup lastfm" in problems[0]
    assert len(fake.scrobbles) == 2 and fake.scrobble_requests == 2  # stopped: asked once
    assert sender.outbox.status("lastfm").waiting == 58


async def test_lastfm_batches_of_50_and_old_plays_are_recorded_as_ignored(tmp_path):
    fake = FakeLastFm(cutoff_s=86_400)
    archive = Archive(tmp_path / "history.sqlite3")
    now = int(fake.clock())
    old = listens(5, start=now - 3 * 86_400)
    new = listens(70, start=now - 80_000)
    with fake.serve() as server:
        service = LastFm(DEMO_API_KEY, DEMO_API_SECRET, fake.session(), url=server.url)
        sender = Sender(archive, {"lastfm": service})
        sender.outbox.add_many("lastfm", old + new)
        report = await sender.flush()
        await service.aclose()
    assert fake.scrobble_requests == 2  # 50 and 25
    assert report.sent == {"lastfm": 70} and report.ignored == {"lastfm": 5}
    status = sender.outbox.status("lastfm")
    assert (status.waiting, status.sent, status.ignored) == (0, 70, 5)
    assert {int(s["timestamp"]) for s in fake.scrobbles} == {x.started_at for x in new}


async def test_the_lastfm_fake_refuses_a_wrong_signature(tmp_path):
    fake = FakeLastFm()
    with fake.serve() as server:
        service = LastFm(DEMO_API_KEY, "wrong-secret", fake.session(), url=server.url)
        with pytest.raises(Refused, match="API key or secret"):
            await service.scrobble(listens(1))
        await service.aclose()
    assert fake.scrobbles == []


async def _until(condition, timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)


class Live:
    """The demo's wiring on a manual clock, playing SHORT then LONG, with an archive of
    the test's own; the hubs it starts poll every 0.05 s and end with :meth:`close`."""

    def __init__(self, tmp_path: Path):
        self.clock = ManualClock()
        self.services = Services.demo_mode(clock=self.clock, monotonic=self.clock)
        self.services.scrobble_lock = tmp_path / "scrobble.lock"
        self.services._archive = Archive(tmp_path / "history.sqlite3")  # not the demo's years
        spotify = self.services.connect()
        assert spotify is not None
        self.spotify = spotify
        self.fake.account.play({"uris": [SHORT, LONG]})
        self.states: list[PlayerState] = []  # as the first hub started saw them
        self._polling: list[asyncio.Future[None]] = []

    @property
    def fake(self) -> FakeSpotify:
        fake = self.services.fake
        assert isinstance(fake, FakeSpotify)
        return fake

    def hub(self, **options: Any) -> PlayerController:
        """A hub from the wiring (with the scrobblers set now), polling."""
        controller = self.services.player(self.spotify, interval=0.05, **options)
        if not self._polling:
            controller.subscribe(Listener(state=self.states.append))
        self._polling.append(asyncio.ensure_future(controller.run()))
        return controller

    async def play(self, seconds: int) -> None:
        """``seconds`` of the fake's clock, one poll each 5 s."""
        for _ in range(seconds // 5):
            self.clock.advance(5)
            seen = len(self.states)
            await _until(lambda seen=seen: len(self.states) > seen)

    async def close(self) -> None:
        polling, self._polling = self._polling, []
        for task in polling:
            task.cancel()
        await asyncio.gather(*polling, return_exceptions=True)
        await self.spotify.aclose()


@pytest.fixture
async def live(tmp_path) -> AsyncIterator[Live]:
    live = Live(tmp_path)
    try:
        yield live
    finally:
        await live.close()


async def test_the_wiring_scrobbles_live_from_the_hubs_states_once(live):
    """The hub from the wiring sends now-playing at the new track, then the play once it
    has played half, with its start; no extra Spotify request; a second process waits."""
    fake_lb = FakeListenBrainz()
    started = int(live.clock())
    with fake_lb.serve() as server:
        live.services.scrobblers = lambda: {
            "listenbrainz": ListenBrainz(DEMO_TOKEN, url=server.url, sleep=no_wait)
        }
        live.hub()
        live.hub()  # the same lock: it must not send
        await _until(lambda: [kind for kind, _ in fake_lb.received] == ["playing_now"])
        await live.play(80)
        await _until(lambda: len(fake_lb.received) == 2)
        await asyncio.sleep(0.3)  # a second sender would have sent by now
        await live.close()
    assert [kind for kind, _ in fake_lb.received] == ["playing_now", "single"]
    listen = fake_lb.listens[0]
    assert listen["listened_at"] == started
    assert listen["track_metadata"]["track_name"] == "Cherish"
    info = listen["track_metadata"]["additional_info"]
    assert info["music_service"] == "spotify.com" and info["duration_ms"] == 151_000
    requests = live.fake.requests
    the_hubs = {"/v1/me/player", "/v1/me/player/recently-played"}  # polls, history sync
    the_snapshots = {"/v1/me/top/artists", "/v1/me/top/tracks", "/v1/me/tracks"}
    assert set(requests) <= the_hubs | the_snapshots  # none of the scrobbler's


async def test_beside_a_serve_the_tui_gives_live_scrobbling_to_it(
    live, tmp_path, monkeypatch, caplog
):
    """A TUI that scrobbles first, and a serve that waits for it; once serve holds its
    lock, the TUI stops at the next track and serve sends the next play: each once."""
    from spotui.desktop.lock import ServeLock, lock_path

    monkeypatch.setenv("XDG_RUNTIME_DIR", runtime(tmp_path))  # for serve's lock
    monkeypatch.setattr("spotui.scrobble.live.LOCK_RETRY_S", 0.05)
    caplog.set_level(logging.INFO, logger="spotui.scrobble")
    fake_tui, fake_serve = FakeListenBrainz(), FakeListenBrainz()  # who sent what
    serve_lock = ServeLock(lock_path(demo=True))
    with fake_tui.serve() as tui_server, fake_serve.serve() as serve_server:
        live.services.scrobblers = lambda: {
            "listenbrainz": ListenBrainz(DEMO_TOKEN, url=tui_server.url, sleep=no_wait)
        }
        live.hub()  # the TUI
        live.services.scrobblers = lambda: {
            "listenbrainz": ListenBrainz(DEMO_TOKEN, url=serve_server.url, sleep=no_wait)
        }
        try:
            await _until(lambda: len(fake_tui.received) == 1)  # the TUI holds the live lock
            live.hub(serving=True)
            await live.play(80)  # past half of SHORT: the TUI sends it
            await _until(lambda: len(fake_tui.received) == 2)
            serve_lock.take()
            await live.play(240)  # LONG starts at 151 s, counts at 232.5 s into it
            await live.play(160)
            await _until(lambda: len(fake_serve.received) == 2)
            await asyncio.sleep(0.3)  # a second sender would have sent by now
        finally:
            serve_lock.release()
        await live.close()
    assert [kind for kind, _ in fake_tui.received] == ["playing_now", "single"]
    assert [kind for kind, _ in fake_serve.received] == ["playing_now", "single"]
    assert [listen["track_metadata"]["track_name"] for listen in fake_tui.listens] == ["Cherish"]
    (long_play,) = fake_serve.listens
    assert long_play["track_metadata"]["additional_info"]["duration_ms"] == 465_000
    assert caplog.text.count("another spotui scrobbles live; this one waits") == 1
    assert "this spotui does not scrobble live: spotui serve already runs" in caplog.text


async def test_a_tui_started_beside_a_serve_does_not_scrobble_live(live, tmp_path, monkeypatch):
    from spotui.desktop.lock import ServeLock, lock_path

    monkeypatch.setenv("XDG_RUNTIME_DIR", runtime(tmp_path))  # for serve's lock
    fake_lb = FakeListenBrainz()
    serve_lock = ServeLock(lock_path(demo=True))
    serve_lock.take()  # a serve runs (its own scrobbler elsewhere)
    with fake_lb.serve() as server:
        live.services.scrobblers = lambda: {
            "listenbrainz": ListenBrainz(DEMO_TOKEN, url=server.url, sleep=no_wait)
        }
        try:
            live.hub()
            await live.play(80)  # past half of SHORT
            await asyncio.sleep(0.3)
        finally:
            serve_lock.release()
        await live.close()
    assert fake_lb.received == []
    assert not (tmp_path / "scrobble.lock").exists()  # nor did it keep serve waiting


async def test_live_a_revoked_lastfm_session_is_said_once_and_the_play_waits(live):
    fake_fm = FakeLastFm(clock=live.clock)
    session = fake_fm.session()
    fake_fm.revoke()  # revoked on last.fm's settings page meanwhile
    said: list[str] = []
    with fake_fm.serve() as server:
        live.services.scrobblers = lambda: {
            "lastfm": LastFm(DEMO_API_KEY, DEMO_API_SECRET, session, url=server.url)
        }
        controller = live.hub()
        controller.subscribe(Listener(notice=lambda _title, line: said.append(line)))
        await _until(lambda: bool(said))  # the now-playing met the revoked session
        await live.play(80)
        outbox = Outbox(live.services.history())
        await _until(lambda: outbox.status("lastfm").waiting == 1)
        await asyncio.sleep(0.3)
        await live.close()
    assert len(said) == 1 and "revoked" in said[0] and "scrobble setup lastfm" in said[0]
    assert fake_fm.scrobbles == [] and fake_fm.scrobble_requests == 0  # stopped, not retried


def test_logs_and_crash_reports_redact_the_scrobbling_secrets():
    from spotui.logs import redact

    session = "d580d57f32848f5dcf574d1ce18d78b2"
    line = (
        f"headers={{'Authorization': 'Token {DEMO_TOKEN}'}} form: api_key={DEMO_API_KEY}"
        f"&sk={session}&token=abc123&lastfm_api_secret={DEMO_API_SECRET}"
    )
    redacted = redact(line)
    for secret in (DEMO_TOKEN, DEMO_API_KEY, session, "abc123", DEMO_API_SECRET):
        assert secret not in redacted
    assert redact("Token valid.") == "Token valid."  # words stay words


def test_a_play_seen_again_after_a_restart_is_queued_once(tmp_path):
    outbox = Outbox(Archive(tmp_path / "history.sqlite3"))
    listen = listens(1)[0]
    assert outbox.add("lastfm", listen)
    # spotui restarted mid-track: the same play, its start estimated 2 s later
    assert not outbox.add("lastfm", Listen(listen.artist, listen.track, listen.started_at + 2))
    assert outbox.add("lastfm", Listen(listen.artist, listen.track, listen.started_at + 300))
    assert outbox.status("lastfm").waiting == 2


async def test_a_listen_larger_than_listenbrainz_takes_is_ignored_not_stuck(tmp_path):
    fake = FakeListenBrainz()
    archive = Archive(tmp_path / "history.sqlite3")
    huge = Listen("Band", "x" * 11_000, 1_780_000_000)
    with fake.serve() as server:
        service = ListenBrainz(DEMO_TOKEN, url=server.url, sleep=no_wait)
        sender = Sender(archive, {"listenbrainz": service})
        sender.outbox.add_many("listenbrainz", [huge, *listens(2)])
        report = await sender.flush()
        await service.aclose()
    assert report.sent == {"listenbrainz": 2} and report.ignored == {"listenbrainz": 1}
    assert [(kind, len(payload)) for kind, payload in fake.received] == [("import", 2)]
    assert sender.outbox.status("listenbrainz").waiting == 0
