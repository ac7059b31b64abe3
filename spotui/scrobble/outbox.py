"""The outbox: plays waiting to be sent, and what each service has had, in the archive's file.

A play that counts is written here first, then sent; it is marked sent only when the
service said so. Offline, rate limited or after a crash, it waits for the next send.
Each row is one play for one service, keyed by its song and start: the same play is
never queued twice. Rows sent or ignored are kept (small: a few numbers and names),
so that a backfill never sends a play again.
"""

from __future__ import annotations

import bisect
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from spotui.history.db import Archive
from spotui.history.records import MUSIC, PLAY_MS, normal
from spotui.history.writer import SLACK_MS
from spotui.scrobble.rule import ENOUGH_MS, SHORTEST_MS, Listen

WAITING, SENT, IGNORED = 0, 1, 2
LIVE, ARCHIVE = 0, 1  # where a row came from
SAME_START_S = 10  # two starts of one song this close are one play (clocks, poll timing)
MOST_WAITING = 200_000  # a bound: past this, new plays are not queued (and it is said)

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS scrobble_outbox (
        service TEXT NOT NULL,
        key TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        artist TEXT NOT NULL,
        track TEXT NOT NULL,
        album TEXT,
        duration_ms INTEGER,
        uri TEXT,
        origin INTEGER NOT NULL,
        state INTEGER NOT NULL DEFAULT 0,
        done_at INTEGER,
        PRIMARY KEY (service, key, started_at)
    ) WITHOUT ROWID""",
    "CREATE INDEX IF NOT EXISTS scrobble_waiting ON scrobble_outbox (service, state, started_at)",
)

# The plays of the archive that count under the rule, with their start (Unix s).
QUALIFYING = (
    "SELECT t.key, (p.played_at - p.ms_played) / 1000, a.name, t.name, al.name, "
    "t.duration_ms, t.uri, p.played_at FROM plays p JOIN tracks t ON t.id = p.track_id "
    "LEFT JOIN artists a ON a.id = t.artist_id LEFT JOIN albums al ON al.id = t.album_id "
    f"WHERE t.kind = {MUSIC} AND p.played_at >= ? AND p.ms_played >= {PLAY_MS} AND ("
    f"(t.duration_ms IS NULL OR t.duration_ms <= 0) OR (t.duration_ms > {SHORTEST_MS} AND "
    f"p.ms_played >= min(t.duration_ms / 2, {ENOUGH_MS}))) ORDER BY p.played_at"
)


def song_key(artist: str, track: str) -> str:
    """The archive's key for one song (see ``history.records.track_key``), for music."""
    return f"{normal(artist)}\x1f{normal(track)}\x1f{MUSIC}"


@dataclass(frozen=True, slots=True)
class Waiting:
    """A queued play: its listen, and the key it is stored under."""

    key: str
    listen: Listen


@dataclass(frozen=True, slots=True)
class Status:
    waiting: int
    sent: int
    ignored: int
    last_sent: Listen | None


class Outbox:
    """The outbox table, made on first use in the archive's database."""

    def __init__(self, archive: Archive):
        self.archive = archive
        self._ready = False

    def _prepare(self) -> None:
        if not self._ready:
            with self.archive.write() as writer:
                for statement in SCHEMA:
                    writer.db.execute(statement)
            self._ready = True

    def add(self, service: str, listen: Listen, origin: int = LIVE) -> bool:
        """Queue one play (False: it was there already, or the outbox is full). A live
        play already queued with a start a few seconds off is the same play, seen again
        by a spotui started anew while it played."""
        self._prepare()
        near = self.archive.read(
            "SELECT 1 FROM scrobble_outbox WHERE service = ? AND key = ? "
            "AND started_at BETWEEN ? AND ? LIMIT 1",
            (
                service,
                song_key(listen.artist, listen.track),
                listen.started_at - SAME_START_S,
                listen.started_at + SAME_START_S,
            ),
        )
        return not near and self.add_many(service, [listen], origin) == 1

    def add_many(self, service: str, listens: Iterable[Listen], origin: int = ARCHIVE) -> int:
        """Queue plays in one transaction; gives how many were new."""
        self._prepare()
        rows = [
            (
                service,
                song_key(listen.artist, listen.track),
                listen.started_at,
                listen.artist,
                listen.track,
                listen.album,
                listen.duration_ms,
                listen.uri,
                origin,
            )
            for listen in listens
        ]
        with self.archive.write() as writer:
            room = MOST_WAITING - self._count(writer.db, service, WAITING)
            before = writer.db.total_changes
            writer.db.executemany(
                "INSERT OR IGNORE INTO scrobble_outbox (service, key, started_at, artist, "
                "track, album, duration_ms, uri, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows[: max(0, room)],
            )
            return writer.db.total_changes - before

    @staticmethod
    def _count(db: sqlite3.Connection, service: str, state: int) -> int:
        row = db.execute(
            "SELECT count(*) FROM scrobble_outbox WHERE service = ? AND state = ?",
            (service, state),
        ).fetchone()
        return int(row[0])

    def waiting(self, service: str, limit: int) -> list[Waiting]:
        """The oldest plays waiting for ``service``, at most ``limit``."""
        self._prepare()
        rows = self.archive.read(
            "SELECT key, artist, track, started_at, album, duration_ms, uri FROM scrobble_outbox "
            "WHERE service = ? AND state = 0 ORDER BY started_at LIMIT ?",
            (service, limit),
        )
        return [Waiting(row[0], Listen(*row[1:])) for row in rows]

    def mark(self, service: str, done: Sequence[Waiting], state: int, at: int) -> None:
        """Mark plays sent (or ignored by the service)."""
        if not done:
            return
        with self.archive.write() as writer:
            writer.db.executemany(
                "UPDATE scrobble_outbox SET state = ?, done_at = ? "
                "WHERE service = ? AND key = ? AND started_at = ?",
                [(state, at, service, w.key, w.listen.started_at) for w in done],
            )

    def status(self, service: str) -> Status:
        self._prepare()
        counts = dict(
            self.archive.read(
                "SELECT state, count(*) FROM scrobble_outbox WHERE service = ? GROUP BY state",
                (service,),
            )
        )
        last = self.archive.read(
            "SELECT artist, track, started_at, album, duration_ms, uri FROM scrobble_outbox "
            "WHERE service = ? AND state = 1 ORDER BY done_at DESC, started_at DESC LIMIT 1",
            (service,),
        )
        return Status(
            counts.get(WAITING, 0),
            counts.get(SENT, 0),
            counts.get(IGNORED, 0),
            Listen(*last[0]) if last else None,
        )

    def from_archive(self, service: str, since_ms: int = 0) -> list[Listen]:
        """The archive's plays that count and that ``service`` has not had: not queued
        before, and not scrobbled live (a live listen is the same play when it started
        within that play's span, with the archive's slack)."""
        self._prepare()
        live: dict[str, list[int]] = {}
        known: set[tuple[str, int]] = set()
        for key, started, origin in self.archive.read(
            "SELECT key, started_at, origin FROM scrobble_outbox WHERE service = ?", (service,)
        ):
            known.add((key, started))
            if origin == LIVE:
                live.setdefault(key, []).append(started)
        for times in live.values():
            times.sort()
        slack = SLACK_MS // 1000
        found = []
        for key, started, artist, name, album, duration, uri, ended_ms in self.archive.read(
            QUALIFYING, (since_ms,)
        ):
            if not artist or not name or (key, started) in known:
                continue
            starts = live.get(key)
            if starts:
                at = bisect.bisect_left(starts, started - slack)
                if at < len(starts) and starts[at] <= ended_ms // 1000 + slack:
                    continue
            found.append(Listen(artist, name, int(started), album, duration, uri))
        return found
