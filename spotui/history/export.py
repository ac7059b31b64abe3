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

Each file is read as a stream, one record at a time, so memory stays small
whatever a file holds; a file larger than any Spotify writes is refused before it
is read. A file that is not one of these gets one plain line, a record whose
values cannot be right (a date before Spotify or in the future, a number out of
range) is refused and counted, and the rest still import.
"""

from __future__ import annotations

import codecs
import fnmatch
import functools
import hashlib
import json
import os
import re
import stat
import time
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path, PurePosixPath
from typing import IO, Any

from spotui.history.checks import DAY_MS, EARLIEST_MS, SKEW_MS, refusals
from spotui.history.records import ACCOUNT, EXTENDED, MUSIC, PODCAST, Batch, Builder
from spotui.text import clean

HISTORY_NAMES = ("Streaming_History_Audio_*.json", "StreamingHistory*.json")
MAX_FILE = 128 * 2**20  # bytes a history file may hold; Spotify's own are about 12 MB
MAX_RECORD = 2**20  # bytes one record may take; Spotify's take under 1 KB
CHUNK = 2**16


# What a damaged or unusual zip raises as it is read: a bad header, an encrypted
# member, a compression zipfile does not know, deflated data that does not inflate.
ZIP_ERRORS = (zipfile.BadZipFile, EOFError, RuntimeError, NotImplementedError, zlib.error)


class BadFile(Exception):
    """A file that cannot be imported: the reason, in a few words."""


@dataclass(frozen=True, slots=True)
class ExportFile:
    """One file of an export: its name (as the user would recognise it), where it is
    (a path, and a member when the path is a zip) and the SHA-256 of its bytes."""

    name: str
    path: Path
    member: str | None
    digest: str

    def open(self) -> IO[bytes]:
        """Its bytes as a stream, never more than :data:`MAX_FILE` of them."""
        if self.member is None:
            return open(self.path, "rb")
        archive = zipfile.ZipFile(self.path)
        try:
            return archive.open(self.member)
        finally:
            archive.close()  # the member's stream keeps the file open until it closes


@dataclass(frozen=True, slots=True)
class Parsed:
    """The plays of one file, which source they count as, and records left out."""

    plays: Batch
    source: int
    skipped: int  # records with no title (audiobooks and video, in extended history)
    refused: Counter[str] = field(default_factory=Counter)  # why, and how many


def is_history_name(name: str) -> bool:
    base = PurePosixPath(name).name
    return any(fnmatch.fnmatchcase(base, pattern) for pattern in HISTORY_NAMES)


def collect(path: Path) -> list[Callable[[], ExportFile | BadFile]]:
    """Loaders for the history files in ``path``: a zip or a folder (only the history
    files in it, at any depth), or a single file (taken as it is). Each loader reads
    its file when called, to know its SHA-256; what cannot be read, or is not a
    regular file (a FIFO never ends), loads as :class:`BadFile`, and so does a folder
    that cannot be read."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return [partial(BadFile, f"{path}: no such file")]
    except OSError as exc:
        return [partial(BadFile, f"{path}: cannot be read ({exc.strerror})")]
    if stat.S_ISDIR(mode):
        return _folder(path)
    if not stat.S_ISREG(mode):
        return [partial(BadFile, f"{path}: not a regular file; skipped")]
    try:
        zipped = zipfile.is_zipfile(path)
    except OSError:
        zipped = False
    if not zipped:
        return [partial(_load, path, None, str(path))]
    try:
        with zipfile.ZipFile(path) as archive:
            members = sorted(
                (info for info in archive.infolist() if is_history_name(info.filename)),
                key=lambda info: info.filename,
            )
    except (*ZIP_ERRORS, OSError, ValueError) as exc:  # ValueError: a name not UTF-8
        return [partial(BadFile, f"{path}: not a readable zip ({exc})")]
    found: list[Callable[[], ExportFile | BadFile]] = []
    for info in members:
        name = f"{path.name}:{info.filename}"
        if info.is_dir():
            continue
        if info.file_size > MAX_FILE:
            found.append(partial(BadFile, _too_big(name)))
        else:
            found.append(partial(_load, path, info.filename, name))
    return found


def _folder(path: Path) -> list[Callable[[], ExportFile | BadFile]]:
    """The history files under a folder; each folder that cannot be read is named."""
    found: list[Callable[[], ExportFile | BadFile]] = []
    unreadable: list[str] = []

    def said(exc: OSError) -> None:
        unreadable.append(f"{exc.filename}: folder cannot be read ({exc.strerror}); skipped")

    files = [
        Path(folder, name)
        for folder, _, names in os.walk(path, onerror=said)
        for name in names
        if is_history_name(name)
    ]
    for file in sorted(files):
        try:
            regular = stat.S_ISREG(file.stat().st_mode)
        except OSError as exc:
            found.append(partial(BadFile, f"{file}: cannot be read ({exc.strerror})"))
            continue
        if regular:
            found.append(partial(_load, file, None, str(file)))
        else:
            found.append(partial(BadFile, f"{file}: not a regular file; skipped"))
    return [*(partial(BadFile, line) for line in sorted(unreadable)), *found]


def _too_big(name: str) -> str:
    return (
        f"{name}: larger than {MAX_FILE // 2**20} MB, more than any Spotify history file; "
        "not imported"
    )


def _load(path: Path, member: str | None, name: str) -> ExportFile | BadFile:
    """The file, known by its SHA-256 (read as a stream, up to :data:`MAX_FILE`)."""
    name = clean(name)  # a file name need not be UTF-8; the archive keeps it as text
    digest = hashlib.sha256()
    size = 0
    file = ExportFile(name, path, member, "")
    try:
        with file.open() as stream:
            while chunk := stream.read(CHUNK * 16):
                size += len(chunk)
                if size > MAX_FILE:
                    return BadFile(_too_big(name))
                digest.update(chunk)
    except FileNotFoundError:
        return BadFile(f"{name}: no such file")
    except OSError as exc:
        return BadFile(f"{name}: cannot be read ({exc.strerror or exc})")
    except ZIP_ERRORS as exc:
        return BadFile(f"{name}: cannot be read from the zip ({exc})")
    return ExportFile(name, path, member, digest.hexdigest())


def _whole_int(text: str) -> int | float:
    """A JSON integer; one too long to be any count is read as infinity (refused later)."""
    return int(text) if len(text) < 20 else float("inf")


_DECODER = json.JSONDecoder(parse_int=_whole_int)
_SPACE = re.compile(r"[ \t\n\r]*")


def records(stream: IO[bytes]) -> Iterator[Any]:
    """The values of the JSON list in ``stream``, one at a time: no more than a chunk
    and one record is held. :class:`BadFile` when it is not a list, or is cut short."""
    decode = codecs.getincrementaldecoder("utf-8-sig")().decode
    buffer, at, ended, read, lines = "", 0, False, 0, 1  # lines: those before the buffer

    def more() -> bool:
        nonlocal buffer, at, ended, read, lines
        if ended:
            return False
        chunk = stream.read(CHUNK)
        read += len(chunk)
        if read > MAX_FILE:
            raise BadFile(f"larger than {MAX_FILE // 2**20} MB, more than any Spotify file")
        try:
            text = decode(chunk, final=not chunk)
        except UnicodeDecodeError:
            raise BadFile("not text (is it a Spotify export file?)") from None
        ended = not chunk
        lines += buffer.count("\n", 0, at)
        buffer, at = buffer[at:] + text, 0
        return True

    def next_mark() -> str:
        """The next character that is not white space ('' at the end)."""
        nonlocal at
        while True:
            at = _SPACE.match(buffer, at).end()  # type: ignore[union-attr]
            if at < len(buffer):
                return buffer[at]
            if not more():
                return ""

    first = next_mark()
    if first != "[":
        if first and first in '{"-0123456789':  # JSON, but not a list
            raise BadFile("not a list of streams: not a Spotify streaming history file")
        raise BadFile("not valid JSON, or cut short (no list of streams at its start)")
    at += 1
    if next_mark() == "]":
        at += 1
    else:
        while True:
            next_mark()
            try:
                value, end = _DECODER.raw_decode(buffer, at)
            except json.JSONDecodeError as exc:
                if len(buffer) - at > MAX_RECORD:
                    raise BadFile("a record larger than 1 MB: not a Spotify history file") from None
                if more():
                    continue
                line = lines + buffer.count("\n", 0, exc.pos)
                at_line = f"{'' if exc.msg.endswith(' at') else ' at'} line {line}"
                raise BadFile(f"not valid JSON, or cut short ({exc.msg}{at_line})") from None
            except RecursionError:
                raise BadFile("nested too deeply to read") from None
            if end == len(buffer) and more():
                continue  # a number may go on in the next chunk
            at = end
            yield value
            mark = next_mark()
            if mark == "]":
                at += 1
                break
            if mark != ",":
                raise BadFile("not valid JSON, or cut short (a list that does not go on)")
            at += 1
    if next_mark():
        raise BadFile("not valid JSON (more after the list)")


def parse(file: ExportFile, now_ms: int | None = None) -> Parsed:
    """The plays in one file, or :class:`BadFile` saying why there are none; records
    dated after ``now_ms`` (and a day of clock skew) are refused."""
    latest = (now_ms if now_ms is not None else int(time.time() * 1000)) + SKEW_MS
    try:
        stream = file.open()
    except OSError as exc:
        raise BadFile(f"cannot be read ({exc.strerror or exc})") from None
    with stream:
        try:
            return _parse(records(stream), latest)
        except OSError as exc:
            raise BadFile(f"cannot be read ({exc.strerror or exc})") from None
        except ZIP_ERRORS as exc:
            raise BadFile(f"cannot be read from the zip ({exc})") from None


def _parse(found: Iterator[Any], latest: int) -> Parsed:
    builder = Builder()
    refused: Counter[str] = Counter()
    skipped = 0
    read: Callable[[Any, Builder, int], str | None] | None = None
    source = EXTENDED
    for record in found:
        if read is None:
            if type(record) is not dict:
                refused[NOT_A_RECORD] += 1
                continue
            if "ts" in record and "ms_played" in record:
                read = _extended
            elif "endTime" in record and "msPlayed" in record:
                read, source = _account, ACCOUNT
            else:
                raise BadFile(
                    "not a Spotify streaming history file (no ts/ms_played or endTime/msPlayed)"
                )
        why = read(record, builder, latest)
        if why is None:
            continue
        if why:
            refused[why] += 1
        else:
            skipped += 1
    plays = builder.batch()
    if (skipped or refused) and not plays.played_at:
        why = f": {refusals(refused)}" if refused else ""
        raise BadFile(f"none of its {skipped + refused.total():,} records could be read{why}")
    return Parsed(plays, source, skipped, refused)


NOT_A_RECORD = "not a record"
NO_TITLE = ""  # not refused: an audiobook chapter, a video, or a blank stream


def _text(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    return value.strip() or None if isinstance(value, str) else None


def _ms(record: dict[str, Any], key: str) -> int | str:
    """Milliseconds played, or why the record is refused."""
    value = record.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"{key} not a number"
    if not 0 <= value <= DAY_MS:  # NaN, infinity and the huge fail this too
        return f"{key} out of range"
    return int(value)


def _dated(ended: int | None, latest: int) -> str | None:
    """Why a play that ended at ``ended`` is refused, or None."""
    if ended is None:
        return "date unreadable"
    if ended < EARLIEST_MS:
        return "date before 2006"
    if ended > latest:
        return "date in the future"
    return None


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


def _extended(record: Any, out: Builder, latest: int) -> str | None:
    """One stream of the extended history, or why not (:data:`NO_TITLE` when it is
    not music or a podcast); IP, user agent, user name and country are not read.
    (Written for speed: ten years hold 300,000 of these.)"""
    if type(record) is not dict:
        return NOT_A_RECORD
    ended = _when(record.get("ts"))
    if ended is None or not EARLIEST_MS <= ended <= latest:
        return _dated(ended, latest)
    ms = record.get("ms_played")
    if type(ms) is not int or not 0 <= ms <= DAY_MS:
        ms = _ms(record, "ms_played")
        if isinstance(ms, str):
            return ms
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
            return NO_TITLE
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
    return None


def _account(record: Any, out: Builder, latest: int) -> str | None:
    """One stream of the account data (names only, the end to the minute), or why not."""
    if type(record) is not dict:
        return NOT_A_RECORD
    ended = _when(record.get("endTime"), "%Y-%m-%d %H:%M")
    why = _dated(ended, latest)
    if why is not None:
        return why
    assert ended is not None
    ms = _ms(record, "msPlayed")
    if isinstance(ms, str):
        return ms
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
            return None
    return NO_TITLE
