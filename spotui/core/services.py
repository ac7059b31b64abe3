"""What the app needs from the outside world, in one object.

The Textual layer asks this for a client, a sign-in attempt, or the time; it
never sees a transport, a keyring or an environment variable. ``--demo`` and
the tests build one around the in-package fake Spotify.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from spotui import paths
from spotui.cache import ListCache
from spotui.spotify.auth import ClientCredentials, Endpoints, TokenSet
from spotui.spotify.client import GateStore, SpotifyClient
from spotui.spotify.session import MemoryTokenStore, Session, TokenStore

if TYPE_CHECKING:
    from spotui.history.db import Archive
    from spotui.spotify.signin import SignIn


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
    unreadable: bool = False  # a sign-in may be stored, but could not be read (locked keyring)
    gate: GateStore | None = None
    list_cache: ListCache = field(default_factory=ListCache)
    sign_in_source: Callable[[], str] = lambda: "memory (the demo)"
    store_problem: Callable[[], str | None] = lambda: None  # can a sign-in be kept now?
    fake: object | None = field(default=None, repr=False)
    history_path: Path | None = None  # the archive's file; None in the demo (in memory)
    snapshot_path: Path | None = None  # the last-known playback (see core.snapshot)
    _archive: Archive | None = field(default=None, init=False, repr=False)

    def history(self) -> Archive:
        """The listening archive, opened on first use (never at start-up). The demo's
        is in memory, with a few years of made-up listening."""
        if self._archive is None:
            from spotui.history.db import Archive

            if self.demo:
                self._archive = demo_archive(self.clock())
                if self.fake is not None:
                    _recently_played(self._archive, self.fake)
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

        fake = FakeSpotify(clock=clock, **fake_options)
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
        )

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


DEMO_YEARS_OF_PLAYS = 22_000  # about three years, at 25 plays a listening day


def _recently_played(archive: Archive, fake: Any) -> None:
    """Keep what the fake's recently played holds, as a sync would: so that every face
    of the demo (the Stats tab after its first sync, ``history stats``) counts the same."""
    from spotui.fake.account import iso
    from spotui.history.db import API
    from spotui.history.sync import record
    from spotui.spotify.models import PlayHistory

    account = fake.account
    entries = (
        PlayHistory.from_json({"track": account.item_json(uri), "played_at": iso(at)})
        for uri, at, _ in account.history
    )
    plays = [play for play in map(record, filter(None, entries)) if play is not None]
    with archive.write() as writer:
        writer.add(plays, API)


def demo_archive(now: float) -> Archive:
    """A fresh in-memory archive holding the demo's listening, up to the day before
    ``now`` (the demo's services add the fake's recently played)."""
    from spotui.history.db import Archive

    archive = Archive(None)
    _demo_template(int(now // 86_400)).db.backup(archive.db)
    return archive


@functools.lru_cache(maxsize=1)
def _demo_template(day: int) -> Archive:
    """Built once a process for a given day (tests start many demo apps)."""
    from datetime import UTC, datetime

    from spotui.fake.export import streams
    from spotui.history.db import EXTENDED, MUSIC, PODCAST, Archive, PlayRecord

    end = datetime.fromtimestamp(day * 86_400, UTC)
    plays = []
    for stream in streams(DEMO_YEARS_OF_PLAYS, end, per_day=25, tracks=400):
        track, episode = stream.track, stream.episode
        at = int(stream.ended.timestamp() * 1000)
        common: dict[str, Any] = {
            "played_at": at,
            "ms_played": stream.ms_played,
            "skipped": stream.skipped,
            "reason_start": stream.reason_start,
            "reason_end": stream.reason_end,
            "shuffle": stream.shuffle,
        }
        if track is not None:
            plays.append(
                PlayRecord(
                    name=track.name,
                    artist=track.artists[0].name,
                    album=track.album,
                    uri=track.uri,
                    duration_ms=track.duration_ms,
                    kind=MUSIC,
                    **common,
                )
            )
        elif episode is not None:
            plays.append(PlayRecord(name=episode[1], artist=episode[0], kind=PODCAST, **common))
    template = Archive(None)
    with template.write() as writer:
        writer.add(plays, EXTENDED)
    return template
