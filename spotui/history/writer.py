"""The writer: plays (with their tracks, artists and albums), gaps and notes, inside one
transaction; the sums per day and per block follow the plays.

A play is identified by its track and the moment it ended (``played_at``, UTC
ms): the same play written twice is ignored. A listen that reaches the archive
from two sources (the API and an export, or both kinds of export) is one row,
whatever the order: matched by URI, else by artist and title, with ends that can
meet; the richer record is kept (see :meth:`Writer.store`).
"""

from __future__ import annotations

import bisect
import sqlite3
import time
from collections.abc import Sequence
from typing import Any

from spotui.history.days import BLOCK, IN_DAYS, day_span
from spotui.history.records import (
    ACCOUNT,
    API,
    EXTENDED,
    MUSIC,
    PLAY_MS,
    Added,
    Batch,
    Gap,
    PlayRecord,
    Track,
    gather,
    normal,
    track_key,
)

# How far apart two sources' clocks may put the end of one play.
SLACK_MS = 30_000
# When one listen reaches the archive from two sources, the richer record is kept.
RANK = {API: 1, ACCOUNT: 2, EXTENDED: 3}
# How long a stored play is taken to last at most, when looking for the same listen
# (a play's own span is asked too: see _nearest).
LONGEST_MS = 4 * 3_600_000
INSERT_PLAY = (
    "INSERT OR IGNORE INTO plays (track_id, played_at, day, hour, ms_played, skipped, "
    "reason_start, reason_end, shuffle, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
# A play as stored, but its source: (track_id, played_at, day, hour, ms_played, skipped,
# reason_start, reason_end, shuffle); Stored adds its source and its track's key.
Row = tuple[Any, ...]
Stored = tuple[Any, ...]


class Names:
    """Ids already looked up, kept for the archive's life: rows of tracks, artists
    and albums are never deleted or renumbered, so a found id stays right."""

    def __init__(self) -> None:
        self.tracks: dict[str, tuple[int, int | None, int | None]] = {}
        # (id, whether its URI is known, whether its name is the catalogue's)
        self.artists: dict[str, tuple[int, bool, bool]] = {}
        self.albums: dict[str, tuple[int, bool, bool]] = {}


class Writer:
    """Writes inside one transaction: plays (with their tracks, artists, albums), gaps,
    and notes."""

    def __init__(self, db: sqlite3.Connection, names: Names):
        self.db = db
        self.names = names
        self._pending: list[tuple[dict[str, Any], str]] = []  # ids found in this transaction

    def _remember(self, cache: dict[str, Any], key: str, value: object) -> None:
        cache[key] = value
        self._pending.append((cache, key))

    def forget_pending(self) -> None:
        """A rolled-back transaction takes its new rows with it: forget their ids."""
        for cache, key in self._pending:
            cache.pop(key, None)
        self._pending.clear()

    # --- names ---------------------------------------------------------------------------

    def _artist(self, name: str, uri: str | None, spelled: bool) -> int:
        return self._named("artists", normal(name), {"name": name}, uri, spelled)

    def _album(
        self, name: str, artist_key: str, artist_id: int, uri: str | None, spelled: bool
    ) -> int:
        key = f"{artist_key}\x1f{normal(name)}"
        return self._named("albums", key, {"name": name, "artist_id": artist_id}, uri, spelled)

    def _named(
        self, table: str, key: str, values: dict[str, object], uri: str | None, spelled: bool
    ) -> int:
        """The id of the artist or album with ``key``, added when new. A URI learned
        later is kept; a name ``spelled`` by Spotify's catalogue (a record with a track
        URI) replaces one from a name-only record, so that it never depends on which
        source came first."""
        cache: dict[str, tuple[int, bool, bool]] = getattr(self.names, table)
        cached = cache.get(key)
        if cached is not None and (cached[1] or not uri) and (cached[2] or not spelled):
            return cached[0]
        row = self.db.execute(f"SELECT id, uri, name FROM {table} WHERE key = ?", (key,)).fetchone()
        if row is None:
            columns = ", ".join(["key", "uri", *values])
            marks = ", ".join("?" * (len(values) + 2))
            found = self.db.execute(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})", (key, uri, *values.values())
            ).lastrowid
            assert found is not None
            known = (found, bool(uri), spelled)
        else:
            found = row[0]
            if uri and not row[1]:
                self.db.execute(f"UPDATE {table} SET uri = ? WHERE id = ?", (uri, found))
            if spelled and row[2] != values["name"]:
                self.db.execute(
                    f"UPDATE {table} SET name = ? WHERE id = ?", (values["name"], found)
                )
            known = (found, bool(uri or row[1]), spelled or bool(cached and cached[2]))
        self._remember(cache, key, known)
        return found

    def artist(self, name: str, uri: str | None) -> int:
        """The id of an artist as Spotify's catalogue names it (a top list), added when new."""
        return self._artist(name, uri, bool(uri))

    def track(self, play: Track) -> tuple[int, int | None, int | None]:
        """(track, artist, album) ids for a track: by its URI, or, with none, the one row
        of its name that has no URI (so that where a play is filed never depends on
        what the archive held before)."""
        # The artist and the album first: a URI one source knows is learned whatever
        # source named the track first.
        spelled = bool(play.uri)
        artist_id = self._artist(play.artist, play.artist_uri, spelled) if play.artist else None
        album_id = None
        if play.album and artist_id is not None:
            album_id = self._album(
                play.album, normal(play.artist), artist_id, play.album_uri, spelled
            )
        key = track_key(play)
        cached = self.names.tracks.get(play.uri or key)
        if cached is not None:
            return cached
        if play.uri:
            row = self.db.execute("SELECT id FROM tracks WHERE uri = ?", (play.uri,)).fetchone()
        else:  # a track known by name only has one row of its own, whatever URIs come later
            row = self.db.execute(
                "SELECT id FROM tracks INDEXED BY tracks_key WHERE key = ? AND uri IS NULL",
                (key,),
            ).fetchone()
        if row is None:
            track_id = self.db.execute(
                "INSERT INTO tracks (uri, key, name, kind, artist_id, album_id, duration_ms) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (play.uri, key, play.name, play.kind, artist_id, album_id, play.duration_ms),
            ).lastrowid
            assert track_id is not None
        else:
            track_id = row[0]
        found = (track_id, artist_id, album_id)
        self._remember(self.names.tracks, play.uri or key, found)
        return found

    # --- plays ---------------------------------------------------------------------------

    def add(
        self, plays: Sequence[PlayRecord] | Batch, source: int, *, later: bool = False
    ) -> Added:
        """Add plays from one source (records, or a :class:`Batch`). A play already stored
        is not stored again: the same one from this source exactly, or the same listen
        from another source (see :meth:`store`). ``later``: the sums are brought up to
        date by :meth:`Archive.settle` (an import settles once, after its last file)."""
        batch = plays if isinstance(plays, Batch) else gather(plays)
        count = len(batch.played_at)
        if not count:
            return Added()
        ids = [self.track(track)[0] for track in batch.tracks]
        keys = [track_key(track) for track in batch.tracks]
        rows = list(
            zip(
                [ids[index] for index in batch.track],
                batch.played_at,
                batch.day,
                batch.hour,
                batch.ms,
                batch.skipped,
                batch.reason_start,
                batch.reason_end,
                batch.shuffle,
                strict=True,
            )
        )
        added, days = self.store(rows, [keys[index] for index in batch.track], source)
        if days is not None:
            if later:
                self.unsettled(*days)
            else:
                self.refresh_sums(*days)
        return Added(added, count - added)

    def store(
        self, rows: Sequence[Row], keys: Sequence[str], source: int
    ) -> tuple[int, tuple[int, int] | None]:
        """Store plays of one source, in time order (``keys``: each one's track key).

        A play that another source stored already (see :func:`_nearest`) is one listen:
        the richer record of the two is kept (see :func:`_richer`). Gives the plays
        added, and the first and last day changed (None: none).
        """
        matches = self._matches(rows, keys, source)
        new = (
            rows
            if matches is None
            else [r for r, m in zip(rows, matches, strict=True) if m is None]
        )
        before = self.db.total_changes
        self.db.executemany(INSERT_PLAY, [(*row, source) for row in new])
        added = self.db.total_changes - before
        days = [new[0][2], new[-1][2]] if added else []
        for row, stored in zip(rows, matches or (), strict=False):
            kept = None if stored is None else _richer(row, source, stored)
            if kept is not None:
                assert stored is not None
                self.db.execute(
                    "DELETE FROM plays WHERE played_at = ? AND track_id = ?",
                    (stored[1], stored[0]),
                )
                self.db.execute(INSERT_PLAY, kept)
                days += (stored[2], kept[2])
        return added, (min(days), max(days)) if days else None

    def unsettled(self, first: int, last: int) -> None:
        """Note days whose sums are behind their plays (kept in the same transaction, so
        an import stopped part-way is settled by the next reader)."""
        row = self.db.execute("SELECT value FROM meta WHERE key = 'unsettled'").fetchone()
        if row is not None:
            low, high = map(int, row[0].split(","))
            first, last = min(first, low), max(last, high)
        self.set_meta("unsettled", f"{first},{last}")

    def _matches(
        self, rows: Sequence[Row], keys: Sequence[str], source: int
    ) -> list[Stored | None] | None:
        """The stored play from another source that each play is (None: a new listen);
        None: none is."""
        reach = SLACK_MS + max(max(row[4] for row in rows), LONGEST_MS)
        by_track: dict[int, Candidates] = {}
        by_key: dict[str, Candidates] = {}
        for play in self.db.execute(
            "SELECT p.track_id, p.played_at, p.day, p.hour, p.ms_played, p.skipped, "
            "p.reason_start, p.reason_end, p.shuffle, p.source, t.key FROM plays p "
            "JOIN tracks t ON t.id = p.track_id "
            "WHERE p.played_at BETWEEN ? AND ? AND p.source != ? ORDER BY p.played_at",
            (rows[0][1] - reach, rows[-1][1] + reach, source),
        ):
            by_track.setdefault(play[0], Candidates()).add(play)
            by_key.setdefault(play[10], Candidates()).add(play)
        if not by_track:
            return None
        taken: set[tuple[int, int]] = set()
        found: list[Stored | None] = []
        for row, key in zip(rows, keys, strict=True):
            # By the URI first (the same track row), then by artist and title.
            match = _nearest(row, source, by_track.get(row[0]), taken) or _nearest(
                row, source, by_key.get(key), taken
            )
            if match is not None:
                taken.add((match[1], match[0]))
            found.append(match)
        return found

    def refresh_sums(self, first: int, last: int) -> None:
        """Sum again the days ``first``..``last`` and the blocks they touch, from the plays."""
        b0, b1 = first // BLOCK, last // BLOCK
        d0, d1 = b0 * BLOCK, b1 * BLOCK + BLOCK - 1
        span = (*day_span(d0, d1), d0, d1)
        run = self.db.execute
        run("DELETE FROM days WHERE day BETWEEN ? AND ?", (d0, d1))
        run(  # plays: music, 30 s or more (as the top lists count); streams: everything
            f"INSERT INTO days SELECT p.day, sum(p.ms_played >= {PLAY_MS} AND t.kind = {MUSIC}), "
            "count(*), sum(p.ms_played), count(CASE WHEN p.skipped = 1 THEN 1 END), "
            "count(p.skipped) FROM plays p JOIN tracks t ON t.id = p.track_id "
            "WHERE p.played_at BETWEEN ? AND ? AND p.day BETWEEN ? AND ? GROUP BY p.day",
            span,
        )
        run("DELETE FROM block_tracks WHERE block BETWEEN ? AND ?", (b0, b1))
        run(
            f"INSERT INTO block_tracks SELECT track_id, day / {BLOCK}, "
            f"sum(ms_played >= {PLAY_MS}), sum(ms_played) FROM plays "
            f"WHERE {IN_DAYS} GROUP BY day / {BLOCK}, track_id",
            span,
        )
        # The day each artist was first heard (for a play of 30 s or more): found again
        # for those first heard in these days (a play there may have been replaced).
        again = [
            row[0]
            for row in run("SELECT id FROM artists WHERE first_day BETWEEN ? AND ?", (d0, d1))
        ]
        run("UPDATE artists SET first_day = NULL WHERE first_day BETWEEN ? AND ?", (d0, d1))
        run(
            "UPDATE artists SET first_day = min(coalesce(first_day, heard.day), heard.day) "
            "FROM (SELECT t.artist_id AS artist, min(p.day) AS day FROM plays p "
            "JOIN tracks t ON t.id = p.track_id WHERE p.played_at BETWEEN ? AND ? "
            "AND p.day BETWEEN ? AND ? "
            f"AND p.ms_played >= {PLAY_MS} AND t.kind = {MUSIC} AND t.artist_id IS NOT NULL "
            "GROUP BY t.artist_id) AS heard WHERE artists.id = heard.artist",
            span,
        )
        for artist_id in again:  # not heard in these days any more: maybe later
            run(
                "UPDATE artists SET first_day = (SELECT min(p.day) FROM plays p "
                "JOIN tracks t ON t.id = p.track_id WHERE t.artist_id = ? AND p.played_at > ? "
                f"AND p.ms_played >= {PLAY_MS} AND t.kind = {MUSIC}) "
                "WHERE id = ? AND first_day IS NULL",
                (artist_id, span[1], artist_id),
            )
        run("DELETE FROM block_hours WHERE block BETWEEN ? AND ?", (b0, b1))
        run(
            f"INSERT INTO block_hours SELECT day / {BLOCK}, hour, sum(ms_played) FROM plays "
            f"WHERE {IN_DAYS} GROUP BY day / {BLOCK}, hour",
            span,
        )

    def gap(self, gap: Gap, found_at: int) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO gaps (start_ms, end_ms, found_at) VALUES (?, ?, ?)",
            (gap.start_ms, gap.end_ms, found_at),
        )

    def note_import(self, digest: str, name: str, plays: int, added: int) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO imports (digest, name, plays, added, at) "
            "VALUES (?, ?, ?, ?, ?)",
            (digest, name, plays, added, int(time.time())),
        )

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))


class Candidates:
    """Stored plays of one track (or one name), in time order."""

    def __init__(self) -> None:
        self.times: list[int] = []
        self.plays: list[Stored] = []

    def add(self, play: Stored) -> None:
        self.times.append(play[1])
        self.plays.append(play)


def _ends(at: int, source: int) -> tuple[int, int]:
    """When a play stamped ``at`` by ``source`` may have ended: the extended history and
    the API (``played_at``) stamp the end to the second, the account data to the
    minute (cut down)."""
    if source == ACCOUNT:
        return at, at + 60_000
    return at, at + 1000


def _same(a: Stored | Row, a_source: int, b: Stored | Row, b_source: int) -> bool:
    """Can plays ``a`` and ``b`` (of one song) be one listen? (Their ends can meet.)"""
    a0, a1 = _ends(a[1], a_source)
    b0, b1 = _ends(b[1], b_source)
    return a0 - SLACK_MS <= b1 and b0 - SLACK_MS <= a1


def _nearest(
    row: Row, source: int, candidates: Candidates | None, taken: set[tuple[int, int]]
) -> Stored | None:
    """The stored play that is the same listen as ``row``, not matched already: of those
    whose end can meet its end (asked of both: so which came first never matters), the
    one that played as long (two sources that both know it agree), then the nearest
    (the middle of the minute, for the account data)."""
    if candidates is None:
        return None
    at, ms = row[1], row[4]
    reach = SLACK_MS + max(ms, LONGEST_MS)
    start = bisect.bisect_left(candidates.times, at - reach)
    end = bisect.bisect_right(candidates.times, at + reach)
    middle = sum(_ends(at, source))  # twice the middle of when it may have ended
    best: Stored | None = None
    best_score = (True, 0)
    for play in candidates.plays[start:end]:
        if (play[1], play[0]) in taken:
            continue
        if not _same(row, source, play, play[9]):
            continue
        score = (play[4] != ms, abs(sum(_ends(play[1], play[9])) - middle))
        if best is None or score < best_score:
            best, best_score = play, score
    return best


def _richer(row: Row, source: int, stored: Stored) -> tuple[Any, ...] | None:
    """The play to store in place of ``stored`` when ``row`` (from ``source``) is the
    same listen, with its source; None: ``stored`` stays as it is.

    The extended history has every field (URI, skip, shuffle, reasons, the time
    played); the account data knows the time played, which the API only guesses (the
    track's length). The richer record wins whole, whichever came first. (A sync asks
    only for plays newer than the newest kept, so the API's record must lose to the
    account data's for the archive not to depend on the order.)
    """
    if RANK[source] > RANK[stored[9]]:
        return (*row, source)
    return None


def merge_doubles(connection: sqlite3.Connection) -> int:
    """Find the listens an older spotui stored twice (from two sources), by the rule
    :meth:`Writer.store` follows, and keep each once; gives how many rows went."""
    rows = connection.execute(
        "SELECT p.track_id, p.played_at, p.day, p.hour, p.ms_played, p.skipped, "
        "p.reason_start, p.reason_end, p.shuffle, p.source, t.key FROM plays p "
        "JOIN tracks t ON t.id = p.track_id ORDER BY p.played_at"
    ).fetchall()
    if not rows:
        return 0
    connection.execute("DELETE FROM plays")
    writer = Writer(connection, Names())
    for source in (EXTENDED, API, ACCOUNT):  # any order gives the same: this one is quickest
        mine = [row for row in rows if row[9] == source]
        if mine:
            writer.store([row[:9] for row in mine], [row[10] for row in mine], source)
    left = connection.execute("SELECT count(*) FROM plays").fetchone()[0]
    writer.refresh_sums(min(row[2] for row in rows), max(row[2] for row in rows))
    return len(rows) - int(left)
