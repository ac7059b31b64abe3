"""Scrobbling in the app (Pilot): the hub the wiring gives the TUI scrobbles, and a
refused service is said on the screen in one line."""

from __future__ import annotations

from textual.widgets import Static

from spotui.config import Config
from spotui.fake.lastfm import DEMO_API_KEY, DEMO_API_SECRET, FakeLastFm
from spotui.fake.listenbrainz import DEMO_TOKEN, FakeListenBrainz
from spotui.history.db import Archive
from spotui.scrobble.lastfm import LastFm
from spotui.scrobble.listenbrainz import ListenBrainz
from spotui.services import Services
from spotui.tui.app import SpotuiApp

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
