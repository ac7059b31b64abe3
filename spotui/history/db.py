"""The listening archive: one SQLite file of plays, tracks, artists and albums.

It lives in the platform's data folder (``history.sqlite3``, mode 0600), runs in
WAL mode with a busy timeout so that the app and a cron job can write at once,
and is versioned with ``PRAGMA user_version`` (migrations run in a transaction on
open). It keeps what the stats need and nothing else: no token, no IP address, no
country, no user name.

A play is identified by its track and the moment it ended (``played_at``, UTC
ms): the same play written twice is ignored. A listen that reaches the archive
from two sources (the API and an export, or both kinds of export) is one row,
whatever the order: matched by URI, else by artist and title, with ends that can
meet; the richer record is kept (see :meth:`Writer.store`).
"""

from __future__ import annotations

import bisect
import contextlib
import functools
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
# How far apart two sources' clocks may put the end of one play.
SLACK_MS = 30_000
BLOCK = 28  # days summed together in block_tracks and block_hours
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
# Schema 2: impossible dates go first, then one listen, one row (merge_doubles, in _migrate).
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


def track_key(track: Track) -> str:
    """What plays of one song share, whatever its URI: artist, title and kind."""
    return f"{normal(track.artist)}\x1f{normal(track.name)}\x1f{track.kind}"


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
            # A damaged file shows here, not in the middle of a command: the plays table's
            # root and both ends. (Not a count: that reads every play, 100 ms at 300,000.)
            connection.execute(
                "SELECT (SELECT played_at FROM plays ORDER BY played_at LIMIT 1), "
                "(SELECT played_at FROM plays ORDER BY played_at DESC LIMIT 1)"
            ).fetchone()
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
            merged = merge_doubles(connection) if version == 1 else 0
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:  # Ctrl-C can land before BEGIN or after COMMIT
                connection.execute("ROLLBACK")
            raise
        if merged:
            self.notice = (
                f"The history database was mended: {merged:,} "
                f"listen{' was' if merged == 1 else 's were'} counted twice (once from each "
                "of two sources); each is now kept once, with the richer record."
            )

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
