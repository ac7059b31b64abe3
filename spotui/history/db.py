"""The listening archive: one SQLite file of plays, tracks, artists and albums, and the
one connection to it (opened on first use, shared between threads behind a lock).

It lives in the platform's data folder (``history.sqlite3``, mode 0600), runs in
WAL mode with a busy timeout so that the app and a cron job can write at once,
and is versioned with ``PRAGMA user_version`` (migrations run in a transaction on
open). It keeps what the stats need and nothing else: no token, no IP address, no
country, no user name.

Beside it: the tables and migrations (:mod:`spotui.history.schema`), what goes in
(:mod:`spotui.history.records`), day arithmetic (:mod:`spotui.history.days`), the
writer (:mod:`spotui.history.writer`) and the reads the commands ask
(:mod:`spotui.history.queries`).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from spotui import paths
from spotui.history.records import Gap
from spotui.history.schema import SCHEMA_VERSION, migrate
from spotui.history.writer import Names, Writer

BUSY_TIMEOUT_MS = 15_000


class ArchiveError(Exception):
    """The archive cannot be used: a plain sentence for the user."""


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
        # Another process opening the same new file at once can hold the lock that
        # switching to WAL needs, and SQLite says "locked" then without waiting.
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                return self._connect()
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
            time.sleep(0.05)

    def _connect(self) -> sqlite3.Connection:
        assert self.path is not None
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
        merged = migrate(connection)
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
