"""The daily snapshot: Spotify's top lists and the saved library, kept day by day.

Spotify answers only "now": the top lists as of today, the library as it stands.
Once a local calendar day (the app, ``spotui serve`` and ``spotui history sync``
all try; the first wins) this asks for the six top lists (tracks and artists, for
about 4 weeks, 6 months and a year; 50 each) and the library's changes, and keeps:

- each top list as ranks of the archive's own track and artist rows, only when it
  differs from the list kept before;
- the library's adds (on the day Spotify says each was saved) and removals (on the
  day a snapshot first missed them).

The library costs one request when nothing was removed: its newest page gives the
total and the newest additions, and the two agree unless something went. Then
the whole library is read again, each page revalidated with the list cache's ETag.

A day is recorded once: the snapshot's row in ``snapshot_days`` is written in the
same transaction as its data, and nothing is recorded for a day at or before the
newest one kept (two writers, a crash halfway, a clock moved back).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from spotui.cache import ListCache, top_name
from spotui.history.checks import DAY_MS, EARLIEST_MS, SKEW_MS
from spotui.history.days import local_day_hour
from spotui.history.db import Archive
from spotui.history.records import MUSIC, Track
from spotui.history.writer import Writer
from spotui.spotify.client import SpotifyClient
from spotui.spotify.errors import ProtocolError
from spotui.spotify.http import NotModified, checked_page
from spotui.spotify.models import Artist, Paging, SavedTrack, TimeRange
from spotui.spotify.models import Track as SpotifyTrack

log = logging.getLogger("spotui.history")

Kind = Literal["tracks", "artists"]
KINDS: tuple[Kind, ...] = ("tracks", "artists")  # top_lists.kind is the index
SPANS: tuple[TimeRange, ...] = ("short_term", "medium_term", "long_term")  # top_lists.span
TOP_LIMIT = 50
PAGE = 50
MAX_LIBRARY = 100_000  # a larger library is not read whole (2,000 requests)
READERS = 6  # pages asked at once when the library is read whole
SNAPSHOT, EXPORT = 1, 2  # snapshot_days.source


@dataclass(frozen=True, slots=True)
class Saved:
    """One saved track: the archive's record of it, and when it was saved (UTC ms)."""

    track: Track
    added_at: int | None


@dataclass(frozen=True, slots=True)
class LibraryPage:
    total: int
    items: tuple[Saved, ...]


@dataclass(frozen=True, slots=True)
class LibraryRead:
    """What a snapshot learned of the library: its total and newest page, and, when it
    was read whole, every saved track by URI."""

    total: int
    newest: tuple[Saved, ...]
    whole: dict[str, Saved] | None = None


@dataclass(frozen=True, slots=True)
class DailyResult:
    day: int
    lists_changed: int  # of the six
    added: int
    removed: int
    whole: bool  # the library was read whole

    def summary(self) -> str:
        lists = (
            "no top list changed"
            if not self.lists_changed
            else (f"{self.lists_changed} top list{'' if self.lists_changed == 1 else 's'} changed")
        )
        return f"{lists}; library: {self.added:,} added, {self.removed:,} removed" + (
            " (read whole)" if self.whole else ""
        )


def today(clock: Callable[[], float]) -> int:
    return local_day_hour(int(clock() * 1000))[0]


def not_due(last: int | None, day: int) -> str | None:
    """Why no snapshot is taken on ``day`` when ``last`` is the newest kept: one was taken
    already, or the clock is behind it (a day is never recorded before one already
    kept); None when due."""
    if last is None or day > last:
        return None
    if day == last:
        return "already taken today"
    return "the clock is behind the newest snapshot's day; none is taken until it catches up"


NEWEST_DAY = "SELECT max(day) FROM snapshot_days WHERE source = 1"  # SNAPSHOT


# --- reading from Spotify ---------------------------------------------------------------


def _record(track: SpotifyTrack) -> Track | None:
    """A catalogue track as the archive names it; None for a local file or a bad one."""
    if track.is_local or not track.uri or not track.name:
        return None
    first = track.artists[0] if track.artists else None
    album = track.album
    return Track(
        name=track.name,
        artist=first.name if first else "",
        album=album.name if album else None,
        uri=track.uri,
        artist_uri=first.uri if first else None,
        album_uri=album.uri if album else None,
        duration_ms=track.duration_ms if 0 <= track.duration_ms <= DAY_MS else None,
        kind=MUSIC,
    )


async def _top(
    spotify: SpotifyClient, cache: ListCache, kind: Kind, span: TimeRange
) -> list[Track] | list[tuple[str, str | None]]:
    """One top list, revalidated with the ETag the Top tab keeps too (a 304: the kept
    list, unchanged)."""
    name = top_name(kind, span)
    kept = cache.load(name)
    answer = await spotify.top_json(kind, span, limit=TOP_LIMIT, etag=kept.etag if kept else None)
    if isinstance(answer, NotModified):
        if kept is None:
            raise ProtocolError("Spotify said a top list was unchanged, but none was asked for.")
        data = kept.data
    else:
        data = answer[0]
        cache.save(name, *answer)
    if kind == "tracks":
        tracks = Paging.from_json(data, SpotifyTrack.from_json).items[:TOP_LIMIT]
        return [record for record in map(_record, tracks) if record is not None]
    artists = Paging.from_json(data, Artist.from_json).items[:TOP_LIMIT]
    return [(artist.name, artist.uri) for artist in artists if artist.name]


def _kept_page(data: Any) -> LibraryPage | None:
    """A page as :func:`_compact` kept it; None when the file is not one (it is read again)."""
    total = data.get("total") if isinstance(data, dict) else None
    if not isinstance(total, int) or not 0 <= total <= MAX_LIBRARY:
        return None
    items = []
    for item in data.get("items", ()):
        if not isinstance(item, dict):
            return None
        name, artist, album, uri, artist_uri, album_uri = (
            item.get(key) for key in Track._fields[:6]
        )
        duration, added_at = item.get("duration_ms"), item.get("added_at")
        if not (
            isinstance(name, str)
            and isinstance(artist, str)
            and isinstance(uri, str)
            and all(
                value is None or isinstance(value, str) for value in (album, artist_uri, album_uri)
            )
            and (duration is None or (isinstance(duration, int) and 0 <= duration <= DAY_MS))
            and (added_at is None or isinstance(added_at, int))
        ):
            return None
        track = Track(name, artist, album, uri, artist_uri, album_uri, duration)
        items.append(Saved(track, added_at))
    return LibraryPage(total, tuple(items))


def _compact(page: LibraryPage) -> dict[str, Any]:
    """What the cache keeps of a page: only what the archive would keep of it."""
    return {
        "total": page.total,
        "items": [{**saved.track._asdict(), "added_at": saved.added_at} for saved in page.items],
    }


async def _library_page(spotify: SpotifyClient, cache: ListCache, offset: int) -> LibraryPage:
    name = f"library-{offset}"
    kept = cache.load(name)
    kept_page = _kept_page(kept.data) if kept else None
    answer = await spotify.saved_tracks_json(
        limit=PAGE, offset=offset, etag=kept.etag if kept and kept_page else None
    )
    if isinstance(answer, NotModified):
        if kept_page is None:
            raise ProtocolError("Spotify said a library page was unchanged, but none was asked.")
        return kept_page
    data, etag = answer
    paging = checked_page(
        Paging.from_json(data, SavedTrack.from_json), data, offset, PAGE, "your saved tracks"
    )
    items = []
    for entry in paging.items:
        record = _record(entry.track)
        if record is not None:
            added_at = entry.added_at
            items.append(Saved(record, int(added_at.timestamp() * 1000) if added_at else None))
    page = LibraryPage(paging.total, tuple(items))
    cache.save(name, _compact(page), etag)
    return page


async def _library(spotify: SpotifyClient, archive: Archive, cache: ListCache) -> LibraryRead:
    """The newest page; the whole library only when the total and the newest additions
    disagree (something was removed), or when none was read before."""
    first = await _library_page(spotify, cache, 0)
    if first.total > MAX_LIBRARY:
        raise ProtocolError(
            f"Your library holds {first.total:,} tracks; spotui keeps the changes of "
            f"libraries up to {MAX_LIBRARY:,}."
        )
    kept_total = archive.meta("library_total")
    if kept_total is not None and kept_total.isdigit():
        fresh = await asyncio.to_thread(_fresh, archive, first.items)
        if len(fresh) < len(first.items) and int(kept_total) + len(fresh) == first.total:
            return LibraryRead(first.total, first.items)
    whole = {saved.track.uri: saved for saved in first.items if saved.track.uri}
    offsets = list(range(PAGE, first.total, PAGE))
    for start in range(0, len(offsets), READERS):
        pages = await asyncio.gather(
            *(_library_page(spotify, cache, offset) for offset in offsets[start : start + READERS])
        )
        for page in pages:
            if page.total != first.total:
                raise ProtocolError(
                    "Your library changed while it was read; the snapshot is tried again later."
                )
            whole.update((saved.track.uri, saved) for saved in page.items if saved.track.uri)
    return LibraryRead(first.total, first.items, whole)


Read = Callable[[str, Sequence[object]], list[tuple[Any, ...]]]


def _known(read: Read, uris: Sequence[str] | None) -> dict[str, tuple[int, int | None]]:
    """The kept library by URI: (track id, saved at); only ``uris`` when given."""
    sql = "SELECT t.uri, l.track_id, l.added_at FROM library l JOIN tracks t ON t.id = l.track_id"
    if uris is None:
        rows = read(sql, ())
    else:
        rows = read(f"{sql} WHERE t.uri IN ({','.join('?' * len(uris))})", list(uris))
    return {uri: (track_id, added_at) for uri, track_id, added_at in rows}


def _is_new(saved: Saved, known: dict[str, tuple[int, int | None]]) -> bool:
    """Not kept, or saved again since (a kept track with no date is only dated)."""
    kept = known.get(saved.track.uri or "")
    if kept is None:
        return True
    return kept[1] is not None and saved.added_at is not None and saved.added_at != kept[1]


def _fresh(archive: Archive, newest: Sequence[Saved]) -> list[Saved]:
    known = _known(archive.read, [saved.track.uri for saved in newest if saved.track.uri])
    return [saved for saved in newest if _is_new(saved, known)]


# --- keeping ---------------------------------------------------------------------------


def _keep_top(writer: Writer, kind: int, span: int, day: int, items: Sequence[Any]) -> bool:
    """Keep the list as of ``day`` if it differs from the one kept before; True if kept."""
    if kind == 0:
        ids = [writer.track(track)[0] for track in items]
    else:
        ids = [writer.artist(name, uri) for name, uri in items]
    ids = list(dict.fromkeys(ids))  # an item twice (two names, one row) ranks once
    db = writer.db
    row = db.execute(
        "SELECT day FROM top_lists WHERE kind = ? AND span = ? AND day < ? "
        "ORDER BY day DESC LIMIT 1",
        (kind, span, day),
    ).fetchone()
    if row is not None:
        before = db.execute(
            "SELECT item FROM top_ranks WHERE kind = ? AND span = ? AND day = ? ORDER BY rank",
            (kind, span, row[0]),
        ).fetchall()
        if [item for (item,) in before] == ids:
            return False
    db.execute(
        "INSERT INTO top_lists (kind, span, day, size) VALUES (?, ?, ?, ?)",
        (kind, span, day, len(ids)),
    )
    db.executemany(
        "INSERT INTO top_ranks (kind, span, day, rank, item) VALUES (?, ?, ?, ?, ?)",
        [(kind, span, day, rank, item) for rank, item in enumerate(ids, 1)],
    )
    return True


def added_day(added_at: int | None, day: int, now_ms: int) -> int:
    """The local day a track was saved; ``day`` when it is not known or cannot be right."""
    if added_at is None or not EARLIEST_MS <= added_at <= now_ms + SKEW_MS:
        return day
    return local_day_hour(added_at)[0]


def keep_library(
    writer: Writer,
    day: int,
    now_ms: int,
    seen: Sequence[Saved],
    *,
    whole: bool,
    dated: bool = True,
    baseline: bool = False,
) -> tuple[int, int]:
    """Bring the kept library up to ``seen`` (all of it when ``whole``, else the newest
    additions); (added, removed). ``dated=False`` (an export's list): the library as of
    ``day``, its tracks' own save days unknown; ``baseline``: the first library kept,
    where the changes start (its tracks are not recorded as added)."""
    db = writer.db
    uris = None if whole else [saved.track.uri for saved in seen if saved.track.uri]
    known = _known(lambda sql, parameters: db.execute(sql, parameters).fetchall(), uris)
    added = removed = 0
    present: set[str] = set()
    for saved in seen:
        uri = saved.track.uri
        if not uri or uri in present:
            continue
        present.add(uri)
        if _is_new(saved, known):
            track_id = writer.track(saved.track)[0]
            db.execute(
                "INSERT OR REPLACE INTO library (track_id, added_at) VALUES (?, ?)",
                (track_id, saved.added_at),
            )
            when = added_day(saved.added_at, day, now_ms) if dated else day
            if not baseline:
                added += db.execute(
                    "INSERT OR IGNORE INTO library_changes (day, track_id, change) "
                    "VALUES (?, ?, 1)",
                    (when, track_id),
                ).rowcount
        elif known[uri][1] is None and saved.added_at is not None:
            db.execute(
                "UPDATE library SET added_at = ? WHERE track_id = ?",
                (saved.added_at, known[uri][0]),
            )
    if whole:
        gone = [known[uri][0] for uri in known.keys() - present]
        db.executemany("DELETE FROM library WHERE track_id = ?", [(i,) for i in gone])
        db.executemany(
            "INSERT OR IGNORE INTO library_changes (day, track_id, change) VALUES (?, ?, -1)",
            [(day, i) for i in gone],
        )
        removed = len(gone)
    return added, removed


def _keep(
    archive: Archive,
    day: int,
    now_ms: int,
    tops: dict[tuple[int, int], Sequence[Any]],
    library: LibraryRead,
) -> DailyResult | str:
    with archive.write() as writer:
        why = not_due(writer.db.execute(NEWEST_DAY).fetchone()[0], day)
        if why is not None:
            return why
        changed = sum(
            _keep_top(writer, kind, span, day, items) for (kind, span), items in tops.items()
        )
        whole = library.whole is not None
        seen = list(library.whole.values()) if library.whole is not None else library.newest
        added, removed = keep_library(writer, day, now_ms, seen, whole=whole)
        writer.set_meta("library_total", str(library.total))
        writer.db.execute(
            "INSERT INTO snapshot_days (day, source, taken_at) VALUES (?, ?, ?)",
            (day, SNAPSHOT, now_ms),
        )
    return DailyResult(day, changed, added, removed, whole)


async def take(
    spotify: SpotifyClient,
    archive: Archive,
    cache: ListCache,
    clock: Callable[[], float] = time.time,
) -> DailyResult | str:
    """Take today's snapshot, if none was: the result, or why none was taken. Spotify's
    errors and the archive's are raised (nothing is kept of a snapshot halfway)."""
    day = today(clock)
    why = not_due((await asyncio.to_thread(archive.read, NEWEST_DAY))[0][0], day)
    if why is not None:
        return why
    tops: dict[tuple[int, int], Sequence[Any]] = {}
    for kind, name in enumerate(KINDS):
        for span, time_range in enumerate(SPANS):
            tops[kind, span] = await _top(spotify, cache, name, time_range)
    library = await _library(spotify, archive, cache)
    return await asyncio.to_thread(_keep, archive, day, int(clock() * 1000), tops, library)
