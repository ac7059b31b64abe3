"""The archive's tables, and the migrations that bring an older file up to them
(versioned with ``PRAGMA user_version``, run in one transaction on open)."""

from __future__ import annotations

import sqlite3

from spotui.history.writer import merge_doubles

SCHEMA_VERSION = 3

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

# Schema 3: the daily snapshot (see spotui.history.daily). Spotify answers only "now"
# for the top lists and the library; these keep them day by day. (IF NOT EXISTS: an
# archive a newer spotui wrote, whose version an older one set back, keeps its tables.)
MIGRATIONS[3] = (
    # One row a local day a snapshot was taken (source 1), or an export's library is
    # as of (source 2): the key that keeps a day from being recorded twice.
    """CREATE TABLE IF NOT EXISTS snapshot_days (
        day INTEGER NOT NULL,
        source INTEGER NOT NULL,
        taken_at INTEGER NOT NULL,
        PRIMARY KEY (day, source)
    ) WITHOUT ROWID""",
    # A top list (kind 0 tracks, 1 artists; span 0 about 4 weeks, 1 six months, 2 a
    # year) as it was from ``day`` on, kept only when it changed; its ranks below.
    """CREATE TABLE IF NOT EXISTS top_lists (
        kind INTEGER NOT NULL,
        span INTEGER NOT NULL,
        day INTEGER NOT NULL,
        size INTEGER NOT NULL,
        PRIMARY KEY (kind, span, day)
    ) WITHOUT ROWID""",
    # item: tracks.id for kind 0, artists.id for kind 1 (the archive's own rows).
    """CREATE TABLE IF NOT EXISTS top_ranks (
        kind INTEGER NOT NULL,
        span INTEGER NOT NULL,
        day INTEGER NOT NULL,
        rank INTEGER NOT NULL,
        item INTEGER NOT NULL,
        PRIMARY KEY (kind, span, day, rank)
    ) WITHOUT ROWID""",
    # The saved tracks as last seen, with when each was saved (UTC ms; NULL when the
    # source did not say, as an export's YourLibrary.json).
    """CREATE TABLE IF NOT EXISTS library (
        track_id INTEGER PRIMARY KEY REFERENCES tracks (id),
        added_at INTEGER
    )""",
    # What came and went, with the local day: an add on the day Spotify says it was
    # saved, a removal (change -1) on the day a snapshot first missed it.
    """CREATE TABLE IF NOT EXISTS library_changes (
        day INTEGER NOT NULL,
        track_id INTEGER NOT NULL REFERENCES tracks (id),
        change INTEGER NOT NULL,
        PRIMARY KEY (day, track_id, change)
    ) WITHOUT ROWID""",
)


def migrate(connection: sqlite3.Connection) -> int:
    """Bring an archive of an older schema to :data:`SCHEMA_VERSION`, in one transaction;
    gives how many listens an older spotui counted twice were merged."""
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
    return int(merged)
