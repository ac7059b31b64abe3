"""Lyrics kept on disk per track, so a track heard again costs no request.

A miss is kept too, and asked again after a day. The folder holds at most
``MAX_ENTRIES`` files (the oldest go first); a file that does not read back as a
record is dropped.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from spotui import paths
from spotui.lyrics.lrclib import Record, TrackQuery

MISS_RETRY_S = 86_400.0  # a miss is asked again after a day
MAX_ENTRIES = 2_000
MAX_ENTRY_BYTES = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Cached:
    """What was found for a track (None: LRCLIB had nothing) and when."""

    record: Record | None
    saved_at: float


def track_key(query: TrackQuery) -> str:
    """The file name for a track: its names (in any case) and its length in seconds."""
    words = "\0".join((query.title.casefold(), query.artist.casefold(), query.album.casefold()))
    return hashlib.sha256(f"{words}\0{round(query.duration_s)}".encode()).hexdigest()[:40]


class LyricsCache:
    """JSON files under the platform cache folder, mode 0600."""

    def __init__(self, folder: Path | None = None, *, clock: Callable[[], float] = time.time):
        self.folder = folder or paths.cache_dir() / "lyrics"
        self.clock = clock

    def _file(self, query: TrackQuery) -> Path:
        return self.folder / f"{track_key(query)}.json"

    def load(self, query: TrackQuery) -> Cached | None:
        """The kept answer for ``query``; None when there is none, or a miss is stale."""
        file = self._file(query)
        try:
            if file.stat().st_size > MAX_ENTRY_BYTES:
                raise ValueError("too large")
            raw = json.loads(file.read_text(encoding="utf-8"))
            saved_at = raw["saved_at"]
            if isinstance(saved_at, bool) or not isinstance(saved_at, int | float):
                raise ValueError("no date")
            if not math.isfinite(saved_at):
                raise ValueError("no date")
            record = None if raw["record"] is None else Record.from_json(raw["record"])
            if raw["record"] is not None and record is None:
                raise ValueError("not a record")
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, RecursionError):
            with contextlib.suppress(OSError):
                file.unlink()
            return None
        if record is None and not 0 <= self.clock() - saved_at < MISS_RETRY_S:
            return None
        return Cached(record, float(saved_at))

    def save(self, query: TrackQuery, record: Record | None) -> None:
        """Keep ``record`` (or the miss) for ``query``; a folder that cannot be written
        is no error (the next play asks again)."""
        body = {"saved_at": self.clock(), "record": None if record is None else record.json()}
        try:
            paths.write_private(self._file(query), json.dumps(body, ensure_ascii=False))
            self._prune()
        except (OSError, UnicodeEncodeError):
            return

    def _prune(self) -> None:
        files = list(self.folder.glob("*.json"))
        if len(files) <= MAX_ENTRIES:
            return
        dated = []
        for file in files:
            with contextlib.suppress(OSError):
                dated.append((file.stat().st_mtime, file))
        dated.sort()
        for _, file in dated[: len(dated) - MAX_ENTRIES * 9 // 10]:
            with contextlib.suppress(OSError):
                file.unlink()


MAX_SHIFTS = 1_000  # tracks whose shift is kept
MAX_SHIFT_MS = 60_000


class Shifts:
    """The user's shift of each track's lines (``[`` and ``]``), kept in one small file:
    positive makes the lines come sooner, as ``[offset:]`` does."""

    def __init__(self, file: Path):
        self.file = file
        self._shifts: dict[str, int] | None = None

    def _all(self) -> dict[str, int]:
        if self._shifts is None:
            try:
                raw = json.loads(self.file.read_text(encoding="utf-8")[: 64 * MAX_SHIFTS])
            except (OSError, ValueError, RecursionError):
                raw = {}
            self._shifts = {
                key: value
                for key, value in (raw.items() if isinstance(raw, dict) else ())
                if isinstance(key, str)
                and isinstance(value, int)
                and not isinstance(value, bool)
                and 0 < abs(value) <= MAX_SHIFT_MS
            }
        return self._shifts

    def get(self, query: TrackQuery) -> int:
        return self._all().get(track_key(query), 0)

    def set(self, query: TrackQuery, shift_ms: int) -> int:
        """Keep ``shift_ms`` (bounded) for ``query``; returns what is kept."""
        shifts = self._all()
        key = track_key(query)
        shift_ms = max(-MAX_SHIFT_MS, min(MAX_SHIFT_MS, shift_ms))
        shifts.pop(key, None)  # the newest last: the oldest go first
        if shift_ms:
            shifts[key] = shift_ms
        while len(shifts) > MAX_SHIFTS:
            del shifts[next(iter(shifts))]
        with contextlib.suppress(OSError):
            paths.write_private(self.file, json.dumps(shifts))
        return shift_ms
