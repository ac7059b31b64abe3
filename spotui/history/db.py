"""The listening archive: one SQLite file of plays, tracks, artists and albums.

It lives in the platform's data folder (``history.sqlite3``, mode 0600), runs in
WAL mode with a busy timeout so that the app and a cron job can write at once,
and is versioned with ``PRAGMA user_version`` (migrations run in a transaction on
open). It keeps what the stats need and nothing else: no token, no IP address, no
country, no user name.

A play is identified by its track and the moment it ended (``played_at``, UTC
ms): the same play written twice is ignored. A play that reaches the archive
from two sources (the API and an export, or both kinds of export) is matched by
track and a time tolerance, and counted once.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

from spotui import paths
from spotui.text import clean

SCHEMA_VERSION = 2
BUSY_TIMEOUT_MS = 15_000

# Where a play came from. Only plays of different sources are matched by time.
API, EXTENDED, ACCOUNT = 1, 2, 3
SOURCE_NAMES = {API: "api", EXTENDED: "export", ACCOUNT: "account data"}
MUSIC, PODCAST = 0, 1
# Spotify counts a stream as a play from 30 seconds on; shorter ones still add time.
PLAY_MS = 30_000
# How far apart the same play may be stamped by two sources (the account data has
# minutes only): the window runs from the start of the play to this after its end.
SLACK_MS = 90_000
BLOCK = 28  # days summed together in block_tracks and block_hours

MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        """CREATE TABLE artists (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            uri TEXT,
            first_day INTEGER
        )""",
        "CREATE INDEX artists_first_day ON artists (first_day)",
        """CREATE TABLE albums (
            id INTEGER PRIMARY KEY,
            key TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            artist_id INTEGER REFERENCES artists (id),
            uri TEXT
        )""",
        """CREATE TABLE tracks (
            id INTEGER PRIMARY KEY,
            uri TEXT UNIQUE,
            key TEXT NOT NULL,
            name TEXT NOT NULL,
            kind INTEGER NOT NULL DEFAULT 0,
            artist_id INTEGER REFERENCES artists (id),
            album_id INTEGER REFERENCES albums (id),
            duration_ms INTEGER
        )""",
        "CREATE INDEX tracks_key ON tracks (key)",
        """CREATE TABLE plays (
            track_id INTEGER NOT NULL REFERENCES tracks (id),
            played_at INTEGER NOT NULL,
            day INTEGER NOT NULL,
            hour INTEGER NOT NULL,
            ms_played INTEGER NOT NULL,
            skipped INTEGER,
            reason_start TEXT,
            reason_end TEXT,
            shuffle INTEGER,
            source INTEGER NOT NULL,
            PRIMARY KEY (played_at, track_id)
        ) WITHOUT ROWID""",
        # In time order, with no other index: an import appends, and a range of days is
        # a range of the table (see day_span).
        # Sums kept per day, and per block of 28 days, so that a long window reads a
        # few thousand rows instead of every play (see refresh_sums).
        """CREATE TABLE days (
            day INTEGER PRIMARY KEY,
            plays INTEGER NOT NULL,
            streams INTEGER NOT NULL,
            ms INTEGER NOT NULL,
            skips INTEGER NOT NULL,
            skip_known INTEGER NOT NULL
        )""",
        # Keyed by track first: summing a window streams through it with no sort.
        """CREATE TABLE block_tracks (
            track_id INTEGER NOT NULL,
            block INTEGER NOT NULL,
            plays INTEGER NOT NULL,
            ms INTEGER NOT NULL,
            PRIMARY KEY (track_id, block)
        ) WITHOUT ROWID""",
        """CREATE TABLE block_hours (
            block INTEGER NOT NULL,
            hour INTEGER NOT NULL,
            ms INTEGER NOT NULL,
            PRIMARY KEY (block, hour)
        ) WITHOUT ROWID""",
        """CREATE TABLE gaps (
            start_ms INTEGER NOT NULL,
            end_ms INTEGER NOT NULL,
            found_at INTEGER NOT NULL,
            PRIMARY KEY (start_ms, end_ms)
        )""",
        """CREATE TABLE imports (
            digest TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            plays INTEGER NOT NULL,
            added INTEGER NOT NULL,
            at INTEGER NOT NULL
        )""",
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ),
}


# Plays dated before Spotify (2006) or more than a day after the archive is opened,
# kept by a spotui that did not check dates, are removed: a sync asks for plays after
# the newest one, so one play stamped 2100 hid every new play. Every sum is made again
# (at the next import or stats), and so is the day each artist was first heard.
_IMPOSSIBLE = (
    "played_at < 1136073600000 "
    "OR played_at > (CAST(strftime('%s', 'now') AS INTEGER) + 86400) * 1000"
)
DROP_IMPOSSIBLE_DATES = (
    f"UPDATE artists SET first_day = NULL WHERE EXISTS (SELECT 1 FROM plays WHERE {_IMPOSSIBLE})",
    "INSERT OR REPLACE INTO meta (key, value) SELECT 'unsettled', span FROM "
    "(SELECT min(day) || ',' || max(day) AS span FROM plays) "
    f"WHERE span IS NOT NULL AND EXISTS (SELECT 1 FROM plays WHERE {_IMPOSSIBLE})",
    f"DELETE FROM plays WHERE {_IMPOSSIBLE}",
)
MIGRATIONS[2] = DROP_IMPOSSIBLE_DATES


class ArchiveError(Exception):
    """The archive cannot be used: a plain sentence for the user."""


class PlayRecord(NamedTuple):
    """One play on its way in, from the API or a test; only what the stats use."""

    played_at: int  # UTC ms, when the play ended
    name: str
    artist: str
    album: str | None = None
    uri: str | None = None
    artist_uri: str | None = None
    album_uri: str | None = None
    duration_ms: int | None = None
    ms_played: int | None = None
    skipped: bool | None = None
    reason_start: str | None = None
    reason_end: str | None = None
    shuffle: bool | None = None
    kind: int = MUSIC


class Track(NamedTuple):
    """A track or episode as plays name it (equal to the plain tuple of its values)."""

    name: str
    artist: str
    album: str | None = None
    uri: str | None = None
    artist_uri: str | None = None
    album_uri: str | None = None
    duration_ms: int | None = None
    kind: int = MUSIC


class Batch(NamedTuple):
    """Plays as columns in time order, each track named once: how an import hands a
    file from process to process (lists of numbers and a few thousand tracks move far
    faster than as many records)."""

    tracks: Sequence[Track]
    track: Sequence[int]  # the play's index in tracks
    played_at: Sequence[int]
    ms: Sequence[int]  # ms played (the track's length when not known)
    day: Sequence[int]  # local day and hour of the week: see local_day_hour
    hour: Sequence[int]
    skipped: Sequence[bool | None]
    reason_start: Sequence[str | None]
    reason_end: Sequence[str | None]
    shuffle: Sequence[bool | None]


class Builder:
    """Gathers plays into a :class:`Batch`."""

    def __init__(self) -> None:
        self.index: dict[tuple[object, ...], int] = {}
        self.tracks: list[Track] = []
        self.rows: list[tuple[Any, ...]] = []
        self.words: dict[str, str] = {}  # reasons, one object each (pickled once)

    def track(self, key: tuple[object, ...]) -> int:
        """The index of a track, given as the values of :class:`Track`."""
        found = self.index.get(key)
        if found is None:
            found = self.index[key] = len(self.tracks)
            # No database can hold a lone surrogate: cleaned once a track, as parsed.
            self.tracks.append(Track._make(clean(v) if type(v) is str else v for v in key))
        return found

    def add(
        self,
        track: int,
        played_at: int,
        ms: int,
        skipped: object = None,
        reason_start: object = None,
        reason_end: object = None,
        shuffle: object = None,
    ) -> None:
        """One play (of ``track``, an index from :meth:`track`); values of the wrong type
        are dropped."""
        seconds = played_at // 1000
        offset, hour = _local_hour(seconds // 3600)
        word = self.words.setdefault
        self.rows.append(
            (
                played_at,
                track,
                max(0, min(ms, 86_400_000)),
                (seconds + offset) // 86_400,
                hour,
                skipped if type(skipped) is bool else None,
                word(reason_start, reason_start) if type(reason_start) is str else None,
                word(reason_end, reason_end) if type(reason_end) is str else None,
                shuffle if type(shuffle) is bool else None,
            )
        )

    def batch(self) -> Batch:
        """The plays in time order; a lone surrogate in a name becomes U+FFFD (no UTF-8
        file or database can hold one), once for each track and word."""
        tracks = [
            Track._make(clean(v) if type(v) is str and not v.isascii() else v for v in track)
            for track in self.tracks
        ]
        if not self.rows:
            return Batch(tracks, *([] for _ in range(9)))
        self.rows.sort(key=itemgetter(0))
        played_at, track, *rest = zip(*self.rows, strict=True)
        odd = {word: clean(word) for word in self.words if clean(word) != word}
        if odd:  # reason_start and reason_end
            for at in (4, 5):
                rest[at] = tuple(odd.get(word, word) for word in rest[at])
        return Batch(tracks, track, played_at, *rest)


def gather(plays: Iterable[PlayRecord]) -> Batch:
    """Plays as a :class:`Batch`."""
    builder = Builder()
    for play in plays:
        index = builder.track(
            (
                play.name,
                play.artist,
                play.album,
                play.uri,
                play.artist_uri,
                play.album_uri,
                play.duration_ms,
                play.kind,
            )
        )
        ms = play.ms_played if play.ms_played is not None else play.duration_ms or 0
        builder.add(
            index,
            play.played_at,
            ms,
            play.skipped,
            play.reason_start,
            play.reason_end,
            play.shuffle,
        )
    return builder.batch()


@dataclass(frozen=True, slots=True)
class Added:
    """What one write did: plays added, and plays that were there already."""

    added: int = 0
    duplicates: int = 0


@dataclass(frozen=True, slots=True)
class Gap:
    """A span in which plays may be missing (a sync found more than Spotify keeps)."""

    start_ms: int
    end_ms: int


def normal(text: str) -> str:
    """The key two spellings of one name share: case and spacing ignored."""
    return " ".join(text.casefold().split())


def local_day_hour(ms: int) -> tuple[int, int]:
    """The local calendar day (days since 1970-01-01) and hour of the week (Monday 0h = 0)."""
    seconds = ms // 1000
    offset, hour = _local_hour(seconds // 3600)
    return (seconds + offset) // 86_400, hour


@functools.lru_cache(maxsize=4096)
def _local_hour(hours: int) -> tuple[int, int]:
    """The UTC offset and local hour of the week of one UTC hour (offsets change on the
    hour, or the half hour in a few places: the hour's middle decides)."""
    moment = time.localtime(hours * 3600 + 1800)
    return moment.tm_gmtoff, moment.tm_wday * 24 + moment.tm_hour


IN_DAYS = "played_at BETWEEN ? AND ? AND day BETWEEN ? AND ?"  # with day_span's bounds


def day_span(first: int, last: int) -> tuple[int, int]:
    """UTC ms that surely hold the local days ``first``..``last`` (any UTC offset)."""
    return (first - 1) * 86_400_000, (last + 2) * 86_400_000


def _corrupt(exc: sqlite3.DatabaseError) -> bool:
    name = getattr(exc, "sqlite_errorname", "")
    return name in ("SQLITE_NOTADB", "SQLITE_CORRUPT") or "malformed" in str(exc)


class Archive:
    """The archive at ``path`` (None: in memory, for the demo and tests), opened on
    first use. Safe to share between threads: one connection behind a lock."""

    def __init__(self, path: Path | None):
        self.path = path
        self.notice: str | None = None  # said once: the file was damaged and moved aside
        self._connection: sqlite3.Connection | None = None
        self._lock = threading.RLock()
        self.names = Names()

    def __repr__(self) -> str:
        return f"Archive({str(self.path) if self.path else ':memory:'})"

    # --- opening ------------------------------------------------------------------------

    @property
    def db(self) -> sqlite3.Connection:
        if self._connection is None:
            self._connection = self._open()
        return self._connection

    def _open(self) -> sqlite3.Connection:
        if self.path is None:
            connection = sqlite3.connect(":memory:", check_same_thread=False)
            connection.isolation_level = None
            self._migrate(connection)
            return connection
        try:
            return self._open_file()
        except sqlite3.DatabaseError as exc:
            if not _corrupt(exc):
                raise ArchiveError(
                    f"The history database {self.path} cannot be opened: {exc}."
                ) from None
        moved = self._move_aside()
        self.notice = (
            f"The history database was damaged; it was moved to {moved} and a new one was started."
        )
        try:
            return self._open_file()
        except sqlite3.DatabaseError as exc:
            raise ArchiveError(
                f"The history database {self.path} cannot be opened: {exc}."
            ) from None

    def _open_file(self) -> sqlite3.Connection:
        assert self.path is not None
        try:
            paths.private_folder(self.path.parent)
            # Created private before SQLite sees it; its -wal and -shm files follow its mode.
            os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
            os.chmod(self.path, 0o600)
        except OSError as exc:
            raise ArchiveError(
                f"Cannot open the history database {self.path}: {exc.strerror}."
            ) from None
        connection = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
        )
        connection.isolation_level = None  # transactions are explicit
        try:
            connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.execute("PRAGMA cache_size = -32000")  # 32 MB: imports write all over
            self._migrate(connection)
            connection.execute("SELECT count(*) FROM plays WHERE track_id = 1").fetchone()
        except BaseException:
            connection.close()
            raise
        return connection

    def _move_aside(self) -> Path:
        """Keep the damaged file (never delete it) under a name that says when."""
        assert self.path is not None
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            source = Path(f"{self.path}{suffix}")
            if source.exists():
                os.replace(source, f"{target}{suffix}")
        return target

    def _migrate(self, connection: sqlite3.Connection) -> None:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            return
        if version > SCHEMA_VERSION:
            raise ArchiveError(
                f"The history database {self.path} was written by a newer spotui "
                f"(schema {version}); update spotui to read it."
            )
        connection.execute("BEGIN IMMEDIATE")
        try:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            for step in range(version + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[step]:
                    connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:  # Ctrl-C can land before BEGIN or after COMMIT
                connection.execute("ROLLBACK")
            raise

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    @contextlib.contextmanager
    def write(self) -> Iterator[Writer]:
        """One transaction (``BEGIN IMMEDIATE``: writers queue for the busy timeout);
        all of it lands, or none of it."""
        with self._lock:
            db = self.db
            try:
                db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise ArchiveError(f"The history database is busy ({exc}); try again.") from None
            writer = Writer(db, self.names)
            try:
                yield writer
                db.execute("COMMIT")
            except BaseException as exc:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                writer.forget_pending()
                if isinstance(exc, sqlite3.Error):  # a full disk, a file damaged meanwhile
                    raise ArchiveError(
                        f"The history database could not be written: {exc}."
                    ) from None
                raise

    def read(self, sql: str, parameters: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                rows: list[tuple[Any, ...]] = self.db.execute(sql, parameters).fetchall()
            except sqlite3.Error as exc:
                raise ArchiveError(f"The history database could not be read: {exc}.") from None
            return rows

    def settle(self) -> None:
        """Bring the sums up to date with the plays, if an import left them behind."""
        if self.meta("unsettled") is None:
            return
        with self.write() as writer:
            row = writer.db.execute("SELECT value FROM meta WHERE key = 'unsettled'").fetchone()
            if row is not None:
                first, last = map(int, row[0].split(","))
                writer.refresh_sums(first, last)
                writer.db.execute("DELETE FROM meta WHERE key = 'unsettled'")

    # --- small questions ------------------------------------------------------------------

    def newest_ms(self) -> int | None:
        """When the newest stored play ended, or None for an empty archive."""
        newest = self.read("SELECT max(played_at) FROM plays")[0][0]
        return None if newest is None else int(newest)

    def count(self) -> int:
        return int(self.read("SELECT count(*) FROM plays")[0][0])

    def gaps(self, start_ms: int | None = None, end_ms: int | None = None) -> list[Gap]:
        """Gaps that overlap ``start_ms``–``end_ms`` (all of them by default)."""
        rows = self.read(
            "SELECT start_ms, end_ms FROM gaps WHERE end_ms >= ? AND start_ms <= ? "
            "ORDER BY start_ms",
            (start_ms if start_ms is not None else -(2**62), end_ms or 2**62),
        )
        return [Gap(start, end) for start, end in rows]

    def meta(self, key: str) -> str | None:
        rows = self.read("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def imported(self, digest: str) -> tuple[int, int] | None:
        """(plays, added) of a file imported whole before, by its SHA-256."""
        rows = self.read("SELECT plays, added FROM imports WHERE digest = ?", (digest,))
        return (rows[0][0], rows[0][1]) if rows else None


class Names:
    """Ids already looked up, kept for the archive's life: rows of tracks, artists
    and albums are never deleted or renumbered, so a found id stays right."""

    def __init__(self) -> None:
        self.tracks: dict[str, tuple[int, int | None, int | None]] = {}
        self.artists: dict[str, int] = {}
        self.albums: dict[str, int] = {}


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

    def _artist(self, name: str, uri: str | None) -> int:
        return self._named("artists", normal(name), {"name": name}, uri)

    def _album(self, name: str, artist_key: str, artist_id: int, uri: str | None) -> int:
        key = f"{artist_key}\x1f{normal(name)}"
        return self._named("albums", key, {"name": name, "artist_id": artist_id}, uri)

    def _named(self, table: str, key: str, values: dict[str, object], uri: str | None) -> int:
        """The id of the artist or album with ``key``, added when new; a URI learned
        later is kept."""
        cache: dict[str, Any] = getattr(self.names, table)
        found: int | None = cache.get(key)
        if found is not None:
            return found
        row = self.db.execute(f"SELECT id, uri FROM {table} WHERE key = ?", (key,)).fetchone()
        if row is None:
            columns = ", ".join(["key", "uri", *values])
            marks = ", ".join("?" * (len(values) + 2))
            found = self.db.execute(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})", (key, uri, *values.values())
            ).lastrowid
        else:
            found = row[0]
            if uri and not row[1]:
                self.db.execute(f"UPDATE {table} SET uri = ? WHERE id = ?", (uri, found))
        assert found is not None
        self._remember(cache, key, found)
        return found

    def track(self, play: Track) -> tuple[int, int | None, int | None]:
        """(track, artist, album) ids for a track; names are matched when there is no URI."""
        if play.uri:
            cached = self.names.tracks.get(play.uri)
            if cached is not None:
                return cached
        key = f"{normal(play.artist)}\x1f{normal(play.name)}\x1f{play.kind}"
        if not play.uri:
            cached = self.names.tracks.get(key)
            if cached is not None:
                return cached
        artist_id = self._artist(play.artist, play.artist_uri) if play.artist else None
        album_id = None
        if play.album and artist_id is not None:
            album_id = self._album(play.album, normal(play.artist), artist_id, play.album_uri)
        row = None
        if play.uri:
            row = self.db.execute("SELECT id FROM tracks WHERE uri = ?", (play.uri,)).fetchone()
            if row is None:  # a track first known by name (account data) gets its URI
                row = self.db.execute(
                    "SELECT id FROM tracks INDEXED BY tracks_key WHERE key = ? AND uri IS NULL",
                    (key,),
                ).fetchone()
                if row is not None:
                    self.db.execute(
                        "UPDATE tracks SET uri = ?, album_id = coalesce(album_id, ?), "
                        "duration_ms = coalesce(duration_ms, ?) WHERE id = ?",
                        (play.uri, album_id, play.duration_ms, row[0]),
                    )
        else:
            row = self.db.execute(
                "SELECT id FROM tracks INDEXED BY tracks_key WHERE key = ? "
                "ORDER BY uri IS NULL LIMIT 1",
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
        is skipped: the same one from this source exactly, or from another source within
        the tolerance. ``later``: the sums are brought up to date by
        :meth:`Archive.settle` (an import settles once, after its last file)."""
        batch = plays if isinstance(plays, Batch) else gather(plays)
        count = len(batch.played_at)
        if not count:
            return Added()
        ids = [self.track(track)[0] for track in batch.tracks]
        track_ids = [ids[index] for index in batch.track]
        rows: Iterable[tuple[Any, ...]] = zip(
            track_ids,
            batch.played_at,
            batch.day,
            batch.hour,
            batch.ms,
            batch.skipped,
            batch.reason_start,
            batch.reason_end,
            batch.shuffle,
            itertools.repeat(source),
        )
        keep = self._new(track_ids, batch.played_at, batch.ms, source)
        if keep is not None:
            rows = itertools.compress(rows, keep)
        before = self.db.total_changes
        self.db.executemany(  # in time order: each page of the table is written once
            "INSERT OR IGNORE INTO plays (track_id, played_at, day, hour, ms_played, skipped, "
            "reason_start, reason_end, shuffle, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        added = self.db.total_changes - before
        if added:
            first, last = min(batch.day), max(batch.day)
            if later:
                self.unsettled(first, last)
            else:
                self.refresh_sums(first, last)
        return Added(added, count - added)

    def unsettled(self, first: int, last: int) -> None:
        """Note days whose sums are behind their plays (kept in the same transaction, so
        an import stopped part-way is settled by the next reader)."""
        row = self.db.execute("SELECT value FROM meta WHERE key = 'unsettled'").fetchone()
        if row is not None:
            low, high = map(int, row[0].split(","))
            first, last = min(first, low), max(last, high)
        self.set_meta("unsettled", f"{first},{last}")

    def _new(
        self, track_ids: list[int], played_at: Sequence[int], ms: Sequence[int], source: int
    ) -> list[bool] | None:
        """Which plays no other source has stored already (within the tolerance); None:
        all of them."""
        longest = max(ms)
        low = min(played_at) - SLACK_MS - longest
        high = max(played_at) + SLACK_MS + longest
        others: dict[int, list[int]] = {}
        for track_id, at in self.db.execute(
            "SELECT track_id, played_at FROM plays WHERE played_at BETWEEN ? AND ? AND source != ?",
            (low, high, source),
        ):
            others.setdefault(track_id, []).append(at)
        if not others:
            return None
        return [
            not _matched(others.get(track_id), at, length, source)
            for track_id, at, length in zip(track_ids, played_at, ms, strict=True)
        ]

    def refresh_sums(self, first: int, last: int) -> None:
        """Sum again the days ``first``..``last`` and the blocks they touch, from the plays."""
        b0, b1 = first // BLOCK, last // BLOCK
        d0, d1 = b0 * BLOCK, b1 * BLOCK + BLOCK - 1
        span = (*day_span(d0, d1), d0, d1)
        run = self.db.execute
        run("DELETE FROM days WHERE day BETWEEN ? AND ?", (d0, d1))
        run(
            f"INSERT INTO days SELECT day, sum(ms_played >= {PLAY_MS}), count(*), "
            "sum(ms_played), count(CASE WHEN skipped = 1 THEN 1 END), count(skipped) "
            "FROM plays WHERE played_at BETWEEN ? AND ? AND day BETWEEN ? AND ? GROUP BY day",
            span,
        )
        run("DELETE FROM block_tracks WHERE block BETWEEN ? AND ?", (b0, b1))
        run(
            f"INSERT INTO block_tracks SELECT track_id, day / {BLOCK}, "
            f"sum(ms_played >= {PLAY_MS}), sum(ms_played) FROM plays "
            f"WHERE {IN_DAYS} GROUP BY day / {BLOCK}, track_id",
            span,
        )
        run(  # the day each artist was first heard (for a play of 30 s or more)
            "UPDATE artists SET first_day = min(coalesce(first_day, heard.day), heard.day) "
            "FROM (SELECT t.artist_id AS artist, min(p.day) AS day FROM plays p "
            "JOIN tracks t ON t.id = p.track_id WHERE p.played_at BETWEEN ? AND ? "
            "AND p.day BETWEEN ? AND ? "
            f"AND p.ms_played >= {PLAY_MS} AND t.kind = {MUSIC} AND t.artist_id IS NOT NULL "
            "GROUP BY t.artist_id) AS heard WHERE artists.id = heard.artist",
            span,
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


def _matched(times: list[int] | None, played_at: int, ms: int, source: int) -> bool:
    """Is there a play of this track from another source that is this one?

    Sources stamp a play differently (the export: when it ended, to the second or to
    the minute; the API: ``played_at``), so any stamp from the play's start to a
    little after its end matches; the API's side looks forward by the same span.
    """
    if not times:
        return False
    if source == API:
        low, high = played_at - SLACK_MS, played_at + ms + SLACK_MS
    else:
        low, high = played_at - ms - SLACK_MS, played_at + SLACK_MS
    for at in times:
        if low <= at <= high:
            times.remove(at)  # one play matches one play
            return True
    return False


_Y2K = datetime(2000, 1, 1, tzinfo=UTC)
_Y2K_MS = 946_684_800_000
_400_YEARS_MS = 146_097 * 86_400_000  # the Gregorian calendar repeats after this


def iso(ms: int) -> str:
    """``2024-01-31T22:04:05Z`` for any stored moment, the year always in four digits
    (ISO 8601's signed, longer year past 9999 or before year 0)."""
    eras, within = divmod(ms - _Y2K_MS, _400_YEARS_MS)
    moment = _Y2K + timedelta(milliseconds=within)
    year = moment.year + 400 * eras
    written = f"{year:04d}" if 0 <= year <= 9999 else f"{year:+05d}"
    return f"{written}-{moment:%m-%dT%H:%M:%S}Z"
