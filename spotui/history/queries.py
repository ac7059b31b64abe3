"""Reads the faces ask of the archive, so that no face writes SQL: every kept play,
as the export writes it."""

from __future__ import annotations

from typing import Any

from spotui.history.days import iso
from spotui.history.db import Archive
from spotui.history.records import SOURCE_NAMES

EXPORT_FIELDS = (
    "played_at",
    "track",
    "artist",
    "album",
    "uri",
    "kind",
    "ms_played",
    "skipped",
    "reason_start",
    "reason_end",
    "shuffle",
    "source",
)


def every_play(archive: Archive) -> list[dict[str, Any]]:
    """Every kept play in time order, one record of :data:`EXPORT_FIELDS` each."""
    rows = archive.read(
        "SELECT p.played_at, t.name, a.name, al.name, t.uri, t.kind, p.ms_played, p.skipped, "
        "p.reason_start, p.reason_end, p.shuffle, p.source FROM plays p "
        "JOIN tracks t ON t.id = p.track_id LEFT JOIN artists a ON a.id = t.artist_id "
        "LEFT JOIN albums al ON al.id = t.album_id ORDER BY p.played_at"
    )
    return [
        {
            "played_at": iso(row[0]),
            "track": row[1],
            "artist": row[2],
            "album": row[3],
            "uri": row[4],
            "kind": "episode" if row[5] else "track",
            "ms_played": row[6],
            "skipped": None if row[7] is None else bool(row[7]),
            "reason_start": row[8],
            "reason_end": row[9],
            "shuffle": None if row[10] is None else bool(row[10]),
            "source": SOURCE_NAMES.get(row[11], "?"),
        }
        for row in rows
    ]
