"""Spotify's data export, read into plays: the zip, a folder, or single files.

Two kinds of file hold listening history (see ``spotify-notes.md``):

- the extended streaming history, ``Streaming_History_Audio_*.json``: ``ts`` (when
  the stream ended), ``ms_played``, track or episode fields, ``reason_start``,
  ``reason_end``, ``shuffle``, ``skipped``, and fields spotui drops at the door
  (``ip_addr``, ``ip_addr_decrypted``, ``user_agent_decrypted``, ``username``,
  ``conn_country``, ``platform``);
- the account data, ``StreamingHistory_music_*.json``, ``StreamingHistory_podcast_*.json``
  and the older ``StreamingHistory*.json``: ``endTime`` (UTC, to the minute),
  ``artistName``/``trackName`` or ``podcastName``/``episodeName``, ``msPlayed``.

Each file is read whole and checked for its shape; a file that is not one of
these gets one plain line, and the others still import.
"""

from __future__ import annotations

import fnmatch
import functools
import hashlib
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any

from spotui.history.db import ACCOUNT, EXTENDED, MUSIC, PODCAST, Batch, Builder

HISTORY_NAMES = ("Streaming_History_Audio_*.json", "StreamingHistory*.json")


class BadFile(Exception):
    """A file that cannot be imported: the reason, in a few words."""


@dataclass(frozen=True, slots=True)
class ExportFile:
    """One file of an export: its name (as the user would recognise it), its bytes and
    their SHA-256."""

    name: str
    data: bytes
    digest: str

    @classmethod
    def of(cls, name: str, data: bytes) -> ExportFile:
        return cls(name, data, hashlib.sha256(data).hexdigest())


@dataclass(frozen=True, slots=True)
class Parsed:
    """The plays of one file, which source they count as, and records left out."""

    plays: Batch
    source: int
    skipped: int  # records with no title (and, in extended history, audiobooks and video)


def is_history_name(name: str) -> bool:
    base = PurePosixPath(name).name
    return any(fnmatch.fnmatchcase(base, pattern) for pattern in HISTORY_NAMES)


def collect(path: Path) -> list[Callable[[], ExportFile | BadFile]]:
    """Loaders for the history files in ``path``: a zip or a folder (only the history
    files in it, at any depth), or a single file (taken as it is). Each loader reads
    its file when called (a ten-year export is a few hundred MB); an unreadable file
    loads as :class:`BadFile`."""
    if path.is_dir():
        return [
            partial(_read, found)
            for found in sorted(path.rglob("*.json"))
            if is_history_name(found.name)
        ]
    try:
        zipped = zipfile.is_zipfile(path)
    except OSError:
        zipped = False
    if not zipped:
        return [partial(_read, path)]
    try:
        with zipfile.ZipFile(path) as archive:
            names = sorted(n for n in archive.namelist() if is_history_name(n))
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        return [partial(BadFile, f"{path}: not a readable zip ({exc})")]
    return [partial(_member, path, name) for name in names]


def _member(path: Path, name: str) -> ExportFile | BadFile:
    try:
        with zipfile.ZipFile(path) as archive:
            return ExportFile.of(f"{path.name}:{name}", archive.read(name))
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        return BadFile(f"{path.name}:{name}: cannot be read from the zip ({exc})")


def _read(path: Path) -> ExportFile | BadFile:
    try:
        return ExportFile.of(str(path), path.read_bytes())
    except FileNotFoundError:
        return BadFile(f"{path}: no such file")
    except OSError as exc:
        return BadFile(f"{path}: cannot be read ({exc.strerror})")


def parse(file: ExportFile) -> Parsed:
    """The plays in one file, or :class:`BadFile` saying why there are none."""
    try:
        records = json.loads(file.data)
    except UnicodeDecodeError:
        raise BadFile("not text (is it a Spotify export file?)") from None
    except json.JSONDecodeError as exc:
        raise BadFile(f"not valid JSON, or cut short ({exc.msg} at line {exc.lineno})") from None
    except RecursionError:
        raise BadFile("nested too deeply to read") from None
    if not isinstance(records, list):
        raise BadFile("not a list of streams: not a Spotify streaming history file")
    if not records:
        return Parsed(Builder().batch(), EXTENDED, 0)
    first = next((r for r in records if isinstance(r, dict)), None)
    if first is not None and "ts" in first and "ms_played" in first:
        return _records(records, _extended, EXTENDED)
    if first is not None and "endTime" in first and "msPlayed" in first:
        return _records(records, _account, ACCOUNT)
    raise BadFile("not a Spotify streaming history file (no ts/ms_played or endTime/msPlayed)")


def _records(records: list[Any], read: Any, source: int) -> Parsed:
    """The file's plays as a :class:`~spotui.history.db.Batch`."""
    builder = Builder()
    skipped = sum(1 for record in records if not read(record, builder))
    if skipped == len(records):
        raise BadFile(f"none of its {skipped:,} records could be read")
    return Parsed(builder.batch(), source, skipped)


def _text(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    return value.strip() or None if isinstance(value, str) else None


def _ms(record: dict[str, Any], key: str) -> int | None:
    value = record.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return None
    return max(0, min(int(value), 86_400_000))


def _when(text: object, form: str | None = None) -> int | None:
    """UTC ms from Spotify's ``2024-01-31T22:04:05Z`` (or ``form``); None if unreadable."""
    if type(text) is not str:
        return None
    if form is None and len(text) == 20 and text[10] == "T" and text[19] == "Z":
        hour = _hour_ms(text[:13])  # the common shape, read fast: 300,000 of them
        if hour is not None and text[13] == ":" == text[16]:
            try:
                return hour + (int(text[14:16]) * 60 + int(text[17:19])) * 1000
            except ValueError:
                return None
    try:
        moment = datetime.strptime(text, form) if form else datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp()) * 1000 + moment.microsecond // 1000


@functools.lru_cache(maxsize=8192)
def _hour_ms(text: str) -> int | None:
    """UTC ms at the start of an hour written ``2024-01-31T22``."""
    try:
        moment = datetime.fromisoformat(text[:10]).replace(tzinfo=UTC)
        hour = int(text[11:13])
    except ValueError:
        return None
    return (int(moment.timestamp()) + hour * 3600) * 1000 if 0 <= hour < 24 else None


def _extended(record: Any, out: Builder) -> bool:
    """One stream of the extended history, if it can be read; IP, user agent, user name
    and country are not read. (Written for speed: ten years hold 300,000 of these.)"""
    if type(record) is not dict:
        return False
    ended = _when(record.get("ts"))
    ms = record.get("ms_played")
    if ended is None or type(ms) is not int:
        ms = _ms(record, "ms_played")
        if ended is None or ms is None:
            return False
    title = record.get("master_metadata_track_name")
    if type(title) is str and title:
        uri = record.get("spotify_track_uri")
        artist = record.get("master_metadata_album_artist_name")
        album = record.get("master_metadata_album_album_name")
        kind = MUSIC
        if type(uri) is not str or not uri.startswith("spotify:track:"):
            uri = None
    else:
        title = record.get("episode_name")
        if type(title) is not str or not title:
            return False  # no title: an audiobook chapter, a video, or a blank stream
        uri = record.get("spotify_episode_uri")
        artist = record.get("episode_show_name")
        album = None
        kind = PODCAST
        if type(uri) is not str or not uri.startswith("spotify:episode:"):
            uri = None
    track = out.track(
        (
            title,
            artist if type(artist) is str else "",
            album if type(album) is str and album else None,
            uri,
            None,
            None,
            None,
            kind,
        )
    )
    get = record.get
    out.add(
        track, ended, ms, get("skipped"), get("reason_start"), get("reason_end"), get("shuffle")
    )
    return True


def _account(record: Any, out: Builder) -> bool:
    """One stream of the account data, if it can be read: names only, the end to the
    minute."""
    if type(record) is not dict:
        return False
    ended = _when(record.get("endTime"), "%Y-%m-%d %H:%M")
    ms = _ms(record, "msPlayed")
    if ended is None or ms is None:
        return False
    for title, by, kind in (
        ("trackName", "artistName", MUSIC),
        ("episodeName", "podcastName", PODCAST),
    ):
        name = _text(record, title)
        if name:
            out.add(
                out.track((name, _text(record, by) or "", None, None, None, None, None, kind)),
                ended,
                ms,
            )
            return True
    return False
