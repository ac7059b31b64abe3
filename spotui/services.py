"""The wiring: what every face needs from the outside world, in one object.

It sits above ``core/`` and the subscribers. A face (the TUI, the CLI) asks it for a
client, a sign-in attempt, the time, or the hub with every subscriber attached
(:meth:`Services.player`); it never sees a transport, a keyring or an environment
variable. ``--demo`` and the tests build one around the in-package fake Spotify.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

import httpx

from spotui import paths
from spotui.cache import ListCache
from spotui.core.controller import Listener, PlayerController
from spotui.core.player import PlayerState
from spotui.spotify.auth import ClientCredentials, Endpoints, TokenSet
from spotui.spotify.client import SpotifyClient
from spotui.spotify.http import GateStore
from spotui.spotify.session import MemoryTokenStore, Session, TokenStore

log = logging.getLogger("spotui.desktop")

DEMO_SCROBBLE_URL = "http://scrobbling.demo.invalid"  # the demo's fakes answer in process
YIELD_CHECK_S = 5.0  # how often a face's desktop parts look for a serve started since

if TYPE_CHECKING:
    import asyncio

    from spotui.config import Config
    from spotui.core.remote import Remote
    from spotui.credentials import CredentialStore
    from spotui.fake import FakeSpotify
    from spotui.history.db import Archive
    from spotui.history.sync import SyncResult
    from spotui.lyrics.cache import Shifts
    from spotui.lyrics.finder import LyricsFinder
    from spotui.lyrics.follower import LyricsFollower
    from spotui.scrobble.sender import Service
    from spotui.spotify.signin import SignIn


class Hub(TypedDict, total=False):
    """How a face wants its hub built (see :meth:`Services.player`)."""

    interval: float
    history_after: float
    on_history: Callable[[SyncResult | str], None] | None
    desktop: Config | None
    serving: bool
    focused: Callable[[], bool]


@dataclass
class Services:
    """How to reach Spotify, where tokens live, and what time it is."""

    store: TokenStore
    endpoints: Endpoints
    client_credentials: Callable[[], ClientCredentials | None]
    remember_sign_in: Callable[[ClientCredentials, TokenSet, int], None]
    transport: httpx.AsyncBaseTransport | None = None
    demo: bool = False
    remembered_port: Callable[[], int | None] = lambda: None
    clock: Callable[[], float] = time.time
    monotonic: Callable[[], float] = time.monotonic
    problem: str | None = None
    notice: str | None = None  # to tell once as a face starts: the demo's kept player unused
    unreadable: bool = False  # a sign-in may be stored, but could not be read (locked keyring)
    gate: GateStore | None = None
    list_cache: ListCache = field(default_factory=ListCache)
    sign_in_source: Callable[[], str] = lambda: "memory (the demo)"
    store_problem: Callable[[], str | None] = lambda: None  # can a sign-in be kept now?
    fake: FakeSpotify | None = field(default=None, repr=False)
    history_path: Path | None = None  # the archive's file; None in the demo (in memory)
    snapshot_path: Path | None = None  # the last-known playback (see core.snapshot)
    # The scrobbling services set up (blocking: the keyring); none in the demo.
    scrobblers: Callable[[], Mapping[str, Service]] = dict
    scrobble_lock: Path | None = None  # held by the one process that scrobbles live
    lrclib_transport: httpx.AsyncBaseTransport | None = None  # the demo's fake LRCLIB
    scrobble_fakes: Mapping[str, Any] = field(default_factory=dict)  # the demo's, by service
    lyrics_dir: Path | None = None  # local .lrc files, looked in before LRCLIB
    lyrics: LyricsFollower | None = field(default=None, init=False, repr=False)
    _archive: Archive | None = field(default=None, init=False, repr=False)

    def history(self) -> Archive:
        """The listening archive, opened on first use (never at start-up). The demo's
        is in memory, with a few years of made-up listening."""
        if self._archive is None:
            from spotui.history.db import Archive

            if self.demo:
                from spotui.fake.seeding import demo_archive, recently_played

                self._archive = demo_archive(self.clock())
                if self.fake is not None:
                    recently_played(self._archive, self.fake)
            else:
                self._archive = Archive(self.history_path or paths.history_file())
        return self._archive

    @classmethod
    def real(cls) -> Services:
        """The user's Spotify: keyring and environment, real endpoints (or SPOTUI_*_URL)."""
        from spotui.account import load_account
        from spotui.cache import GateFile
        from spotui.credentials import CredentialStore, KeyringUnavailable, keyring_problem

        store = CredentialStore()

        def remember(client: ClientCredentials, tokens: TokenSet, port: int) -> None:
            store.save_sign_in(client, tokens, port)

        def credentials() -> ClientCredentials | None:
            try:
                return store.client()
            except KeyringUnavailable:
                return None

        return cls(
            store=store,
            endpoints=Endpoints.from_env(),
            client_credentials=credentials,
            remember_sign_in=remember,
            remembered_port=lambda: load_account().callback_port,
            problem=None if store.from_env else keyring_problem(),
            gate=GateFile(),
            snapshot_path=paths.snapshot_file(),
            sign_in_source=lambda: store.source(),
            store_problem=store.write_problem,
            scrobblers=lambda: _scrobblers(store),
            scrobble_lock=paths.data_dir() / "scrobble.lock",
        )

    @classmethod
    def demo_mode(
        cls,
        *,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        signed_in: bool = True,
        **fake_options,
    ) -> Services:
        """The whole app against the in-package fake Spotify: no keyring, no account.

        ``signed_in=False`` starts at the wizard (screenshots, tests)."""
        from spotui.fake import DEMO_CLIENT_ID, FakeSpotify
        from spotui.fake.lrclib import FakeLrclib

        fake = FakeSpotify(clock=clock, **fake_options)
        scrobbling = _demo_scrobbling(clock)
        tokens = TokenSet.from_response(fake.sign_in(), now=clock()) if signed_in else None
        store = MemoryTokenStore(tokens)
        client = ClientCredentials(DEMO_CLIENT_ID)

        def remember(_client: ClientCredentials, tokens: TokenSet, _port: int) -> None:
            store.save_tokens(tokens)

        return cls(
            store=store,
            endpoints=Endpoints(),
            client_credentials=lambda: client if store.tokens else None,
            remember_sign_in=remember,
            transport=fake.transport(),
            demo=True,
            list_cache=ListCache(paths.cache_dir() / "demo-lists"),  # never the account's
            snapshot_path=paths.snapshot_file(demo=True),
            clock=clock,
            monotonic=monotonic,
            fake=fake,
            lrclib_transport=FakeLrclib().transport(),
            notice=fake.state_problem,
            scrobblers=lambda: _demo_scrobblers(scrobbling),
            scrobble_fakes=scrobbling,
        )

    @classmethod
    def demo_kept(cls) -> Services:
        """The demo a person runs (``spotui --demo``): its player kept between runs in the
        demo's cache, so that ``--demo next`` then ``--demo now`` (or the app) go on from
        there. The tests' and screenshots' demo (:meth:`demo_mode`) starts the same always."""
        return cls.demo_mode(state_path=paths.demo_state_file())

    def lyrics_finder(self) -> LyricsFinder:
        """Lyrics from ``lyrics_dir``, the cache, then LRCLIB (``SPOTUI_LRCLIB_URL``, or
        the demo's fake); the demo keeps its own cache."""
        from spotui.lyrics.cache import LyricsCache
        from spotui.lyrics.finder import LyricsFinder
        from spotui.lyrics.lrclib import LrclibClient

        folder = paths.cache_dir() / ("demo-lyrics" if self.demo else "lyrics")
        return LyricsFinder(
            LrclibClient(transport=self.lrclib_transport),
            LyricsCache(folder, clock=self.clock),
            self.lyrics_dir,
        )

    def lyrics_shifts(self) -> Shifts:
        """The user's shift of each track's lines; the demo keeps its own."""
        from spotui.lyrics.cache import Shifts

        name = "demo-lyrics-shifts.json" if self.demo else "lyrics-shifts.json"
        return Shifts(paths.cache_dir() / name)

    def remembered_client_id(self) -> str | None:
        """The Client ID from an earlier sign-in (or the environment), for the wizard."""
        client = self.client_credentials()
        return client.client_id if client else None

    def connect(self, **options: float) -> SpotifyClient | None:
        """A client for the stored sign-in; None when there is none worth trying.

        Credentials and tokens are read once here (the API has the last word on
        whether they still work).
        """
        client = self.client_credentials()
        if client is None:
            return None
        try:
            session = Session(client, self.store, endpoints=self.endpoints, clock=self.clock)
        except Exception as exc:  # the keyring (locked, broken) or a bad token in the env
            self.problem = str(exc) or f"The sign-in could not be read ({type(exc).__name__})."
            self.unreadable = True
            return None
        if not session.signed_in:
            return None
        return SpotifyClient(
            session,
            endpoints=self.endpoints,
            transport=self.transport,
            clock=self.clock,
            gate_store=self.gate,
            **options,  # type: ignore[arg-type]
        )

    def start_sign_in(self, client: ClientCredentials, port: int) -> SignIn:
        from spotui.spotify.signin import SignIn  # only for a sign-in, not at start-up

        return SignIn(client, port=port, endpoints=self.endpoints, transport=self.transport)

    def player(
        self,
        spotify: SpotifyClient,
        *,
        interval: float = 5.0,
        first: Awaitable[PlayerState] | None = None,
        history_after: float = 0.0,
        on_history: Callable[[SyncResult | str], None] | None = None,
        desktop: Config | None = None,
        serving: bool = False,
        focused: Callable[[], bool] = lambda: False,
    ) -> PlayerController:
        """The hub for one face, with every subscriber attached, once: the history
        keeper syncs ``history_after`` seconds after the first poll, then on its
        schedule, and tells the listeners (``on_history`` among them) how each sync
        went, then takes the day's snapshot if none was; the scrobbler tells them
        (``Listener.notice``) when a service refuses spotui (it scrobbles in serve when
        one runs: serve waits for the lock, another face gives it up). With ``desktop`` (the TUI's
        and serve's config), the MPRIS player and the notifications too, as the config
        says (notifications, when it does not say: only when ``serving``; none for a
        change made from the face's window while it is ``focused``). The lyrics follower
        (``self.lyrics``) idles until a face enables it. The face subscribes itself to
        what plays."""
        from spotui.lyrics.follower import LyricsFollower

        controller = PlayerController(
            spotify, interval=interval, monotonic=self.monotonic, first=first
        )

        async def keep_history() -> None:
            from spotui.history.sync import Keeper  # at the first poll, not at start-up

            keeper = Keeper(
                spotify,
                self.history,
                clock=self.clock,
                first_after=history_after,
                on_result=controller.synced,
                cache=self.list_cache,
            )
            await keeper.run()

        controller.subscribe(Listener(chore=keep_history))
        from spotui.scrobble.live import LiveScrobbler

        scrobbler = LiveScrobbler(
            self.scrobblers,
            self.history,
            clock=self.clock,
            monotonic=self.monotonic,
            lock=self.scrobble_lock,
            patient=serving,
            yields_to=lambda: None if serving else self._serve_running(),
            on_problem=lambda line: controller.notice("Scrobbling", line),
        )
        controller.subscribe(scrobbler.listener())
        if self.fake is not None:  # the demo's player that cannot be kept: said, once
            self.fake.on_state_problem = lambda line: controller.notice("Demo", line)
        if on_history is not None:
            controller.subscribe(Listener(history=on_history))
        self.lyrics = LyricsFollower(
            self.lyrics_finder, shifts=self.lyrics_shifts(), monotonic=self.monotonic
        )
        controller.subscribe(self.lyrics.listener)
        if desktop is not None:
            self._attach_desktop(controller, desktop, serving, focused)
        return controller

    def _serve_running(self) -> str | None:
        """Where a ``spotui serve`` for this account runs, or None."""
        from spotui.desktop.lock import lock_path, serve_running

        return serve_running(lock_path(demo=self.demo))

    def _attach_desktop(
        self,
        controller: PlayerController,
        config: Config,
        serving: bool,
        focused: Callable[[], bool],
    ) -> None:
        """The notifier (which also shows what Spotify refused of an MPRIS command) and
        the MPRIS player, as the config says; both off while a serve runs (it tells the
        desktop already), and on again when it stops."""
        if not serving:
            held = self._serve_running()
            if held:
                log.info("MPRIS and notifications are off here while it runs: %s", held)

        def yields_to() -> Callable[[], bool]:
            """Does a serve run now (asked at most every ``YIELD_CHECK_S``)? One started
            since takes the desktop; when it stops, this face takes it back."""
            if serving:
                return lambda: False
            return _at_most_every(
                YIELD_CHECK_S, lambda: self._serve_running() is not None, self.monotonic
            )

        notifier = None
        if config.notify if config.notify is not None else serving:
            from spotui.desktop.notify import Notifier

            title, body = config.notify_format
            covers = paths.cache_dir() / "covers"
            notifier = Notifier(
                controller,
                title=title,
                body=body,
                covers=covers,
                focused=focused,
                yields_to=yields_to(),
            )
            controller.subscribe(notifier.listener())
        if config.mpris:
            from spotui.desktop.mpris import Mpris  # dbus-fast: only when it is wanted

            said = notifier.say if notifier else lambda _: None
            mpris = Mpris(controller, said, yields_to=yields_to())
            controller.subscribe(mpris.listener())

    def connect_remote(
        self, options: dict[str, float] | None = None, *, start: bool = False, **hub: Unpack[Hub]
    ) -> Remote | None:
        """The core (:meth:`remote`) for the stored sign-in (:meth:`connect`, given
        ``options``); None when there is none worth trying. ``start``: send the first
        poll now, before any screen listens (the TUI's start-up)."""
        spotify = self.connect(**(options or {}))
        if spotify is None:
            return None
        first = None
        if start:
            import asyncio

            from spotui.core.controller import first_poll

            first = asyncio.ensure_future(first_poll(spotify, self.monotonic))
        return self.remote(spotify, first=first, **hub)

    def remote(
        self,
        spotify: SpotifyClient,
        *,
        first: asyncio.Future[PlayerState] | None = None,
        **hub: Unpack[Hub],
    ) -> Remote:
        """The core a face is given: the hub as :meth:`player` builds it, the lists
        with this account's cache, browsing, and the first poll if one was sent."""
        from spotui.core.browse import Browse
        from spotui.core.lists import ListsService
        from spotui.core.remote import Remote

        return Remote(
            self.player(spotify, first=first, **hub),
            ListsService(spotify, self.list_cache),
            Browse(spotify),
            first,
        )


def _at_most_every(
    seconds: float, check: Callable[[], bool], monotonic: Callable[[], float]
) -> Callable[[], bool]:
    """``check``, asked at most once every ``seconds`` (its last answer in between)."""
    next_at = monotonic()
    last = False

    def asked() -> bool:
        nonlocal next_at, last
        now = monotonic()
        if now >= next_at:
            next_at = now + seconds
            last = check()
        return last

    return asked


def _demo_scrobbling(clock: Callable[[], float]) -> dict[str, Any]:
    """The demo's fake ListenBrainz and Last.fm, by service."""
    from spotui.fake.lastfm import FakeLastFm
    from spotui.fake.listenbrainz import FakeListenBrainz

    return {"listenbrainz": FakeListenBrainz(clock=clock), "lastfm": FakeLastFm(clock=clock)}


def _demo_scrobblers(fakes: Mapping[str, Any]) -> Mapping[str, Service]:
    """The demo scrobbles to its fakes, in process: never to the real services (their
    address is one that cannot resolve, should a request ever leave the process)."""
    from spotui.fake.lastfm import DEMO_API_KEY, DEMO_API_SECRET
    from spotui.fake.listenbrainz import DEMO_TOKEN
    from spotui.scrobble.lastfm import LastFm
    from spotui.scrobble.listenbrainz import ListenBrainz

    listenbrainz, lastfm = fakes["listenbrainz"], fakes["lastfm"]
    return {
        "listenbrainz": ListenBrainz(
            DEMO_TOKEN, url=DEMO_SCROBBLE_URL, transport=listenbrainz.transport()
        ),
        "lastfm": LastFm(
            DEMO_API_KEY,
            DEMO_API_SECRET,
            lastfm.session(),
            url=DEMO_SCROBBLE_URL,
            transport=lastfm.transport(),
        ),
    }


def _scrobblers(store: CredentialStore) -> Mapping[str, Service]:
    from spotui.scrobble import accounts

    return accounts.load(store)
