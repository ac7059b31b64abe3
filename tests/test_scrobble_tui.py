"""Scrobbling in the app (Pilot): the hub the wiring gives the TUI scrobbles, and a
refused service is said on the screen in one line."""

from __future__ import annotations

from textual.widgets import Static

from spotui.config import Config
from spotui.fake import FakeSpotify
from spotui.fake.catalog import TRACKS
from spotui.fake.lastfm import DEMO_API_KEY, DEMO_API_SECRET, FakeLastFm
from spotui.fake.listenbrainz import DEMO_TOKEN, FakeListenBrainz
from spotui.history.db import Archive
from spotui.scrobble.lastfm import LastFm
from spotui.scrobble.listenbrainz import ListenBrainz
from spotui.services import Services
from spotui.tui.app import SpotuiApp

from .conftest import ManualClock
from .helpers import until


async def test_the_app_sends_now_playing_and_says_a_revoked_lastfm_session(tmp_path):
    services = Services.demo_mode()
    services._archive = Archive(tmp_path / "history.sqlite3")  # not the demo's years
    fake_lb, fake_fm = FakeListenBrainz(), FakeLastFm()
    session = fake_fm.session()
    fake_fm.revoke()
    with fake_lb.serve() as lb, fake_fm.serve() as fm:
        services.scrobblers = lambda: {
            "listenbrainz": ListenBrainz(DEMO_TOKEN, url=lb.url),
            "lastfm": LastFm(DEMO_API_KEY, DEMO_API_SECRET, session, url=fm.url),
        }
        app = SpotuiApp(services, Config())
        async with app.run_test(size=(120, 40)) as pilot:
            await until(pilot, lambda: bool(fake_lb.received), timeout=15)
            said = lambda: [  # noqa: E731
                n.message for n in app._notifications if n.title == "Scrobbling"
            ]
            await until(pilot, lambda: bool(said()), timeout=15)
            assert "revoked" in said()[0] and "spotui scrobble setup lastfm" in said()[0]
            assert fake_lb.received[0][0] == "playing_now"
            track = fake_lb.received[0][1][0]["track_metadata"]["track_name"]
            assert track in str(app.screen.query_one("#title", Static).content)


async def test_the_demo_app_scrobbles_a_track_played_past_half_once_and_not_one_skipped_early():
    """The app itself (`spotui --demo`, its fake ListenBrainz and Last.fm in process) on
    a manual clock: Cherish played 80 s of its 151 is scrobbled once to each service,
    with its start; the next track, skipped after 20 s, is not; the one after, played
    past its half, is (so the skipped one would have been sent by then)."""
    clock = ManualClock()
    services = Services.demo_mode(clock=clock, monotonic=clock)
    fake = services.fake
    assert isinstance(fake, FakeSpotify)
    (cherish, skipped, then) = (TRACKS[0], TRACKS[1], TRACKS[10])  # 151 s, 221 s, 143 s
    fake.account.play({"uris": [cherish.uri, skipped.uri, then.uri]})
    started = int(clock())
    listenbrainz = services.scrobble_fakes["listenbrainz"]
    lastfm = services.scrobble_fakes["lastfm"]
    app = SpotuiApp(services, Config(poll_interval=0.05))

    def sent() -> list[str]:
        return [listen["track_metadata"]["track_name"] for listen in listenbrainz.listens]

    def now_playing() -> list[str]:
        return [
            listen["track_metadata"]["track_name"]
            for kind, payload in listenbrainz.received
            if kind == "playing_now"
            for listen in payload
        ]

    async with app.run_test(size=(120, 40)) as pilot:

        async def play(seconds: int) -> None:
            for _ in range(seconds // 5):  # one poll each 5 s of the fake's clock
                clock.advance(5)
                polls = fake.player_requests()
                await until(pilot, lambda polls=polls: fake.player_requests() > polls)

        await until(pilot, lambda: now_playing() == [cherish.name], timeout=15)
        await play(80)
        await until(pilot, lambda: sent() == [cherish.name])
        assert listenbrainz.listens[0]["listened_at"] == started
        await until(pilot, lambda: [s["track"] for s in lastfm.scrobbles] == [cherish.name])
        fake.remote_skip()  # to the next, on another device
        await play(10)
        await until(pilot, lambda: now_playing() == [cherish.name, skipped.name])
        await play(20)
        fake.remote_skip()  # 20 s into it
        await play(10)
        await until(pilot, lambda: now_playing()[-1:] == [then.name])
        await play(80)
        await until(pilot, lambda: len(sent()) == 2)
        await pilot.pause(0.3)
    assert sent() == [cherish.name, then.name]
    assert [s["track"] for s in lastfm.scrobbles] == [cherish.name, then.name]
