"""``YourLibrary.json`` from Spotify's data export: the saved tracks as of the export's
date, kept as a library snapshot of that day, so that later snapshots show what
changed since (see :mod:`spotui.history.daily`).

The file is an object whose ``tracks`` is a list of ``{"artist", "album", "track",
"uri"}`` with no dates (beside ``albums``, ``shows``, ``episodes``, ``artists`` and
more, which are not kept). It is read whole, but never more than :data:`MAX_FILE`
bytes; the export's date is the zip's date for the file, or the file's own.
"""

from __future__ import annotations

import json
import os
import stat
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path, PurePosixPath

from spotui.history.checks import EARLIEST_MS, SKEW_MS, refusals
from spotui.history.daily import EXPORT, MAX_LIBRARY, Saved, keep_library
from spotui.history.days import local_day_hour
from spotui.history.db import Archive
from spotui.history.export import MAX_FILE, ZIP_ERRORS, BadFile
from spotui.history.records import Track
from spotui.history.stats import date_of, day_of
from spotui.text import clean

NAME = "YourLibrary.json"
MAX_FOUND = 16  # copies of the file looked at in one import (a folder of many exports)


@dataclass(frozen=True, slots=True)
class LibraryFile:
    name: str  # as the user would recognise it
    path: Path
    member: str | None  # in a zip
    day: int | None  # the export's local day (None: its date cannot be right)


def find(paths: Iterable[Path], now_ms: int) -> list[LibraryFile]:
    """Each ``YourLibrary.json`` in ``paths``: a zip's member, a file in a folder (at any
    depth), or the file itself."""
    found: list[LibraryFile] = []
    for path in paths:
        try:
            mode = path.stat().st_mode
        except OSError:
            continue  # the history import names it
        if stat.S_ISDIR(mode):
            for folder, _, names in os.walk(path):
                if NAME in names:
                    found.append(_file(Path(folder, NAME), now_ms))
        elif stat.S_ISREG(mode) and path.name == NAME:
            found.append(_file(path, now_ms))
        elif stat.S_ISREG(mode) and zipfile.is_zipfile(path):
            try:
                with zipfile.ZipFile(path) as archive:
                    for info in archive.infolist():
                        if PurePosixPath(info.filename).name == NAME and not info.is_dir():
                            found.append(_member(path, info, now_ms))
            except (*ZIP_ERRORS, OSError, ValueError):
                continue  # the history import names it
    return found[:MAX_FOUND]


def _plausible(day: int, now_ms: int) -> int | None:
    first, last = local_day_hour(EARLIEST_MS)[0], local_day_hour(now_ms + SKEW_MS)[0]
    return day if first <= day <= last else None


def _file(path: Path, now_ms: int) -> LibraryFile:
    try:
        day = _plausible(local_day_hour(int(path.stat().st_mtime * 1000))[0], now_ms)
    except (OSError, OverflowError, ValueError):
        day = None
    return LibraryFile(clean(str(path)), path, None, day)


def _member(path: Path, info: zipfile.ZipInfo, now_ms: int) -> LibraryFile:
    try:
        day = _plausible(day_of(date(*info.date_time[:3])), now_ms)  # the zip's local date
    except ValueError:
        day = None
    return LibraryFile(clean(f"{path.name}:{info.filename}"), path, info.filename, day)


def read(file: LibraryFile) -> tuple[list[Saved], Counter[str]]:
    """The saved tracks in ``file`` (no dates), and the entries refused, by reason;
    :class:`BadFile` when it is not a library file."""
    try:
        if file.member is None:
            with open(file.path, "rb") as stream:
                data = stream.read(MAX_FILE + 1)
        else:
            with zipfile.ZipFile(file.path) as archive, archive.open(file.member) as stream:
                data = stream.read(MAX_FILE + 1)
    except OSError as exc:
        raise BadFile(f"cannot be read ({exc.strerror or exc})") from None
    except ZIP_ERRORS as exc:
        raise BadFile(f"cannot be read from the zip ({exc})") from None
    if len(data) > MAX_FILE:
        raise BadFile(f"larger than {MAX_FILE // 2**20} MB, more than any Spotify file")
    try:
        value = json.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        raise BadFile("not valid JSON, or cut short") from None
    tracks = value.get("tracks") if isinstance(value, dict) else None
    if not isinstance(tracks, list):
        raise BadFile("no list of tracks: not Spotify's YourLibrary.json")
    if len(tracks) > MAX_LIBRARY:
        raise BadFile(f"more than {MAX_LIBRARY:,} tracks; not kept")
    saved: list[Saved] = []
    refused: Counter[str] = Counter()
    for entry in tracks:
        item = entry if isinstance(entry, dict) else {}
        name, artist, album, uri = (item.get(key) for key in ("track", "artist", "album", "uri"))
        if not (isinstance(name, str) and name and isinstance(artist, str)):
            refused["no title or artist"] += 1
        elif not (isinstance(uri, str) and uri.startswith("spotify:track:") and len(uri) < 100):
            refused["no track URI"] += 1
        else:
            album_name = clean(album) if isinstance(album, str) and album else None
            saved.append(Saved(Track(clean(name), clean(artist), album_name, clean(uri)), None))
    return saved, refused


def keep(archive: Archive, file: LibraryFile, now_ms: int) -> str:
    """Keep the library in ``file`` as of the export's day, unless a newer one is kept;
    one line that says what happened (:class:`BadFile` when it cannot be read)."""
    if file.day is None:
        raise BadFile("its date cannot be right; the library in it is not kept")
    when = date_of(file.day).isoformat()
    saved, refused = read(file)
    with archive.write() as writer:
        db = writer.db
        newest = db.execute("SELECT max(day) FROM snapshot_days").fetchone()[0]
        if newest is not None and newest >= file.day:
            return (
                f"{file.name}: the library as of {when} is not newer than the one kept "
                f"(of {date_of(newest).isoformat()}); nothing changed"
            )
        # With a library kept before, what differs came or went by that day; the first
        # one kept is where the changes start (its tracks' own save days are unknown).
        first = db.execute("SELECT 1 FROM library LIMIT 1").fetchone() is None
        added, removed = keep_library(
            writer, file.day, now_ms, saved, whole=True, dated=False, baseline=first
        )
        db.execute(
            "DELETE FROM meta WHERE key = 'library_total'"
        )  # the next snapshot reads it whole
        db.execute(
            "INSERT INTO snapshot_days (day, source, taken_at) VALUES (?, ?, ?)",
            (file.day, EXPORT, now_ms),
        )
    line = f"{file.name}: the library as of {when} kept ({len(saved):,} tracks"
    if not first:
        line += f"; {added:,} added and {removed:,} removed since the one kept before"
    line += ")"
    if refused:
        line += f"; {refusals(refused)}"
    return line
