"""Capturing plays from the API: recently played, forward from the newest stored play.

Spotify keeps only the last 50 plays. One request (``after`` the newest stored
play) brings what is new; when it brings a full 50, older plays may have gone
unseen, and the span between is recorded as a gap. A sync with nothing new
costs exactly that one request. Two syncs at once (the app and a cron job) store
each play once: the archive ignores a play it has.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from spotui.cache import ListCache
from spotui.history.checks import DAY_MS, EARLIEST_MS, SKEW_MS, refusals
from spotui.history.db import Archive, ArchiveError
from spotui.history.records import API, MUSIC, Gap, PlayRecord
from spotui.spotify.client import SpotifyClient
from spotui.spotify.errors import AuthError, NetworkError, SpotifyError
from spotui.spotify.models import PlayHistory

log = logging.getLogger("spotui.history")

LIMIT = 50  # all Spotify keeps
EVERY_S = 20 * 60  # while the app or `now --watch` runs
RATE_LIMITED_RETRY_S = 60.0  # a sync due while Spotify rate limits waits this long


@dataclass(frozen=True, slots=True)
class SyncResult:
    fetched: int
    added: int
    gap: Gap | None = None
    refused: Counter[str] = field(default_factory=Counter)  # plays refused, by reason

    def summary(self) -> str:
        line = f"{self.added} new play{'' if self.added == 1 else 's'}"
        if self.fetched != self.added:
            line += f" ({self.fetched - self.added} already kept)"
        if self.refused:
            line += f"; {refusals(self.refused)}"
        if self.gap is not None:
            line += "; Spotify keeps only the last 50, so some plays before those may be missing"
        return line


def record(entry: PlayHistory, now_ms: int) -> PlayRecord | str | None:
    """A recently-played item as a play (its end is ``played_at``): None when it has no
    name or time, and why it is refused when a value cannot be right."""
    track = entry.track
    if entry.played_at is None or not track.name:
        return None
    played_at = int(entry.played_at.timestamp() * 1000)
    if played_at < EARLIEST_MS:
        return "date before 2006"
    if played_at > now_ms + SKEW_MS:
        return "date in the future"
    if not 0 <= track.duration_ms <= DAY_MS:
        return "duration_ms out of range"
    first = track.artists[0] if track.artists else None
    album = track.album
    return PlayRecord(
        played_at=played_at,
        name=track.name,
        artist=first.name if first else "",
        album=album.name if album else None,
        uri=track.uri if track.uri and not track.is_local else None,
        artist_uri=first.uri if first else None,
        album_uri=album.uri if album else None,
        duration_ms=track.duration_ms,
        kind=MUSIC,
    )


async def sync(
    spotify: SpotifyClient, archive: Archive, clock: Callable[[], float] = time.time
) -> SyncResult:
    """Fetch what is newer than the archive's newest play (never asking from a moment
    after now) and keep it."""
    now_ms = int(clock() * 1000)
    newest = await asyncio.to_thread(archive.newest_ms)
    if newest is not None:
        newest = min(newest, now_ms)
    page = await spotify.recently_played(limit=LIMIT, after=newest)
    read = [record(item, now_ms) for item in page.items]
    plays = [play for play in read if isinstance(play, PlayRecord)]
    refused = Counter(why for why in read if isinstance(why, str))
    if newest is not None:
        plays = [play for play in plays if play.played_at > newest]

    def keep() -> SyncResult:
        gap = None
        with archive.write() as writer:
            added = writer.add(plays, API)
            if newest is not None and len(page.items) >= LIMIT and plays:
                oldest = min(play.played_at for play in plays)
                if oldest > newest:
                    gap = Gap(newest, oldest)
                    writer.gap(gap, int(clock() * 1000))
            writer.set_meta("synced_at", str(int(clock())))
        return SyncResult(len(plays), added.added, gap, refused)

    return await asyncio.to_thread(keep)


class Keeper:
    """Syncs after ``first_after`` seconds, then every ``every``, while :meth:`run` runs
    (the app and ``now --watch`` run it beside their poll loop). Each outcome goes
    to ``on_result``: a :class:`SyncResult`, or the sentence that says why not (not
    when Spotify cannot be reached: the poll loop tells that)."""

    def __init__(
        self,
        spotify: SpotifyClient,
        archive: Callable[[], Archive],
        *,
        clock: Callable[[], float] = time.time,
        every: float = EVERY_S,
        first_after: float = 0.0,
        on_result: Callable[[SyncResult | str], None] = lambda _: None,
        cache: ListCache | None = None,
    ):
        """``cache``: the list cache, for the daily snapshot (none taken without it)."""
        self.spotify = spotify
        self.first_after = first_after
        self.archive = archive
        self.clock = clock
        self.every = every
        self.on_result = on_result
        self.cache = cache

    async def run(self) -> None:
        await asyncio.sleep(self.first_after)
        while True:
            if self.spotify.rate_limiting:  # the player's requests come first
                await asyncio.sleep(min(self.every, RATE_LIMITED_RETRY_S))
                continue
            try:
                archive = await asyncio.to_thread(self.archive)
                result: SyncResult | str = await sync(self.spotify, archive, self.clock)
            except AuthError:
                return  # the poll loop says so, and offers the sign-in again
            except ArchiveError as exc:
                result = str(exc)  # tried again at the next sync (said once by the screen)
            except NetworkError as exc:  # offline: the poll loop says so, once
                log.info("history not synced: %s", exc.message)
                await asyncio.sleep(self.every)
                continue
            except SpotifyError as exc:
                result = f"History not synced: {exc.message}"
            self.on_result(result)
            if self.cache is not None:
                await self.snapshot(self.cache)
            await asyncio.sleep(self.every)

    async def snapshot(self, cache: ListCache) -> None:
        """Today's top lists and library changes, once a day (see spotui.history.daily);
        a failure is logged and tried again at the next sync."""
        from spotui.history.daily import take

        try:
            archive = await asyncio.to_thread(self.archive)
            result = await take(self.spotify, archive, cache, self.clock)
        except (ArchiveError, SpotifyError) as exc:
            log.info("daily snapshot not taken: %s", exc)
            return
        log.info("daily snapshot: %s", result if isinstance(result, str) else result.summary())
