"""Reads of the daily snapshots (see :mod:`spotui.history.daily`), for the faces: a top
list as it was on a day, the library's adds and removes, and what the Stats panels
draw; each says when there are too few snapshots to tell. No UI here, no requests."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from spotui.history.daily import KINDS, SNAPSHOT
from spotui.history.db import Archive
from spotui.history.stats import date_of

WINDOWS = {"4w": 0, "6m": 1, "1y": 2}  # about 4 weeks, 6 months, a year: top_lists.span
WINDOW_WORDS = {"4w": "about 4 weeks", "6m": "about 6 months", "1y": "about a year"}
MIN_DAYS = 2  # a change over time needs two snapshots at least


@dataclass(frozen=True, slots=True)
class Ranked:
    rank: int
    name: str
    artist: str | None  # a track's first artist; None for an artist
    uri: str | None


@dataclass(frozen=True, slots=True)
class TopAsOf:
    """A top list as the snapshot of ``day`` had it (unchanged since ``since``)."""

    day: int
    since: int
    items: tuple[Ranked, ...]


@dataclass(frozen=True, slots=True)
class Change:
    day: int
    added: bool  # False: removed
    name: str
    artist: str
    uri: str | None


def snapshot_days(archive: Archive) -> list[int]:
    """The days a snapshot of Spotify was taken, oldest first."""
    rows = archive.read("SELECT day FROM snapshot_days WHERE source = ? ORDER BY day", (SNAPSHOT,))
    return [day for (day,) in rows]


def library_kept(archive: Archive) -> bool:
    """Whether any library was kept (by a snapshot, or from an export)."""
    return bool(archive.read("SELECT 1 FROM snapshot_days LIMIT 1"))


def _ranked(archive: Archive, kind: int, span: int, day: int) -> tuple[Ranked, ...]:
    if KINDS[kind] == "tracks":
        sql = (
            "SELECT r.rank, t.name, a.name, t.uri FROM top_ranks r JOIN tracks t ON t.id = r.item "
            "LEFT JOIN artists a ON a.id = t.artist_id "
        )
    else:
        sql = "SELECT r.rank, a.name, NULL, a.uri FROM top_ranks r JOIN artists a ON a.id = r.item "
    rows = archive.read(
        sql + "WHERE r.kind = ? AND r.span = ? AND r.day = ? ORDER BY r.rank", (kind, span, day)
    )
    return tuple(Ranked(rank, name, artist, uri) for rank, name, artist, uri in rows)


def top_as_of(archive: Archive, kind: str, window: str, day: int) -> TopAsOf | None:
    """The ``kind`` ("tracks" or "artists") top list for ``window`` as of the nearest
    snapshot on or before ``day``; None when no snapshot is that old."""
    kind_index, span = KINDS.index(kind), WINDOWS[window]
    rows = archive.read(
        "SELECT max(day) FROM snapshot_days WHERE source = ? AND day <= ?", (SNAPSHOT, day)
    )
    taken = rows[0][0]
    if taken is None:
        return None
    since = archive.read(
        "SELECT max(day) FROM top_lists WHERE kind = ? AND span = ? AND day <= ?",
        (kind_index, span, taken),
    )[0][0]
    if since is None:
        return TopAsOf(taken, taken, ())
    return TopAsOf(taken, since, _ranked(archive, kind_index, span, since))


def library_changes(
    archive: Archive, first: int | None = None, last: int | None = None
) -> list[Change]:
    """Adds and removes on local days ``first``..``last`` (all when None), oldest first."""
    rows = archive.read(
        "SELECT c.day, c.change, t.name, coalesce(a.name, ''), t.uri FROM library_changes c "
        "JOIN tracks t ON t.id = c.track_id LEFT JOIN artists a ON a.id = t.artist_id "
        "WHERE c.day BETWEEN ? AND ? ORDER BY c.day, c.change DESC, t.name",
        (first if first is not None else -(2**62), last if last is not None else 2**62),
    )
    return [Change(day, change > 0, name, artist, uri) for day, change, name, artist, uri in rows]


@dataclass(frozen=True, slots=True)
class ArtistTrends:
    """The ranks of the newest snapshot's top artists on each snapshot day kept:
    ``ranks[artist][i]`` on ``days[i]`` (None: not in the list that day).
    ``too_few``: what to say instead of a chart, or None."""

    window: str
    days: tuple[int, ...]
    artists: tuple[str, ...]
    ranks: tuple[tuple[int | None, ...], ...]
    too_few: str | None


def artist_trends(archive: Archive, window: str = "4w", top: int = 10) -> ArtistTrends:
    """Where today's top ``top`` artists stood on every snapshot day (for a chart)."""
    days = snapshot_days(archive)
    span = WINDOWS[window]
    lists = archive.read(
        "SELECT day FROM top_lists WHERE kind = 1 AND span = ? ORDER BY day", (span,)
    )
    changed = [day for (day,) in lists]
    if not days or not changed:
        return ArtistTrends(window, (), (), (), _too_few(len(days)))
    newest = _ranked(archive, 1, span, changed[-1])[:top]
    ids = archive.read(
        "SELECT rank, item FROM top_ranks WHERE kind = 1 AND span = ? AND day = ? AND rank <= ? "
        "ORDER BY rank",
        (span, changed[-1], top),
    )
    wanted = [item for _, item in ids]
    by_list: dict[int, dict[int, int]] = {}
    for day, rank, item in archive.read(
        "SELECT day, rank, item FROM top_ranks WHERE kind = 1 AND span = ?", (span,)
    ):
        by_list.setdefault(day, {})[item] = rank
    ranks = []
    for item in wanted:
        line: list[int | None] = []
        for day in days:
            at = bisect.bisect_right(changed, day)  # the list kept as of that day
            line.append(by_list.get(changed[at - 1], {}).get(item) if at else None)
        ranks.append(tuple(line))
    return ArtistTrends(
        window,
        tuple(days),
        tuple(ranked.name for ranked in newest),
        tuple(ranks),
        _too_few(len(days)),
    )


def _too_few(count: int) -> str | None:
    if count >= MIN_DAYS:
        return None
    have = "none yet" if not count else "one so far"
    return (
        f"Too few snapshots to show a change: {have}. spotui takes one a day while it "
        "runs, or on `spotui history sync`."
    )


@dataclass(frozen=True, slots=True)
class LibraryWindow:
    """The library's adds and removes on local days ``first``..``last``. ``too_few``:
    what to say instead of them while a library was kept on fewer than two days (the
    tracks it holds, since when), or None; ``note``: what the changes cannot tell
    (removals are known only from the second day kept on), or None."""

    first: int
    last: int
    added: tuple[Change, ...]
    removed: tuple[Change, ...]
    too_few: str | None
    note: str | None = None


def library_window(archive: Archive, first: int, last: int) -> LibraryWindow:
    days = archive.read("SELECT DISTINCT day FROM snapshot_days ORDER BY day")
    kept = [day for (day,) in days]
    if len(kept) < MIN_DAYS:
        return LibraryWindow(first, last, (), (), _library_so_far(archive, kept))
    changes = library_changes(archive, first, last)
    note = None
    if kept[1] > first:
        note = f"Removals are known only from {date_of(kept[1]).isoformat()} on."
    return LibraryWindow(
        first,
        last,
        tuple(change for change in changes if change.added),
        tuple(change for change in changes if not change.added),
        None,
        note,
    )


def _library_so_far(archive: Archive, kept: list[int]) -> str:
    """Before a second day: the library as first kept, and when a change will show."""
    later = "spotui takes one a day while it runs, or on `spotui history sync`."
    if not kept:
        return f"No snapshot of your library yet: {later}"
    ((tracks,),) = archive.read("SELECT count(*) FROM library")
    return (
        f"Your library held {tracks:,} track{'' if tracks == 1 else 's'} at its first "
        f"snapshot, on {date_of(kept[0]).isoformat()}. Adds and removes show once there "
        f"are snapshots on two days: {later}"
    )
