"""The last-known playback, kept in the cache folder so that a start paints it at once.

On each change and on exit the app writes what it shows: the three lines, the
device, where the track was at what wall-clock time, and a small decoded cover.
The next start shows it marked as not yet confirmed until the first answer from
Spotify replaces it; a snapshot older than its track reads as "last played".
None of it is secret; the file is private (mode 0600) like the others.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from spotui.paths import write_private
from spotui.spotify.errors import NO_ACTIVE_DEVICE
from spotui.text import clean

if TYPE_CHECKING:
    from spotui.core.player import PlayerState
    from spotui.spotify.models import Playback

VERSION = 1
COVER_SIZE = 32  # pixels a side: enough for the half-block cover, about 4 KB
TEXT_FIELDS = ("title", "artists", "album", "device")
MAX_MS = 2**31 - 1  # 24 days: longer than any track or episode
MAX_AT = 2**32  # wall-clock seconds, the year 2106: a larger one is a damaged file


@dataclass(frozen=True, slots=True)
class Cover:
    """A small decoded cover: RGB bytes, row by row."""

    width: int
    height: int
    rgb: bytes

    def pixel(self, x: int, y: int) -> tuple[int, int, int]:
        at = (y * self.width + x) * 3
        return self.rgb[at], self.rgb[at + 1], self.rgb[at + 2]


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What the screen showed, and when (``at``: wall-clock seconds) it was true."""

    title: str
    artists: str
    album: str
    device: str
    is_playing: bool
    progress_ms: int
    duration_ms: int
    at: float
    cover_url: str | None = None
    cover: Cover | None = None

    def position(self, now: float) -> int:
        """Where the track would be now, had nothing changed."""
        moved = int((now - self.at) * 1000) if self.is_playing else 0
        position = max(0, self.progress_ms + moved)
        return min(position, self.duration_ms) if self.duration_ms else position

    def stale(self, now: float) -> bool:
        """Older than its track: whatever plays now, it is not this any more."""
        return now - self.at > max(self.duration_ms / 1000, 60.0)


def item_lines(playback: Playback | None) -> tuple[str, str, str]:
    """(title, artists or show, album or publisher) of what plays, in plain words."""
    from spotui.spotify.models import Episode, Track

    item = playback.item if playback else None
    if isinstance(item, Track):
        album = item.album.name if item.album and item.album.name else ""
        return item.name, item.artist_names or "Unknown artist", album
    if isinstance(item, Episode):
        show = item.show
        if show and show.publisher:  # apps made before 2026 still get it
            more = f"by {show.publisher}"
        else:
            more = f"Released {item.release_date}" if item.release_date else ""
        return item.name, show.name if show else "Podcast", more
    if playback is not None and playback.is_ad:
        return "Advertisement", "", ""
    if playback is not None:
        return "Nothing playing", "", ""
    return NO_ACTIVE_DEVICE, "", ""


def cover_url(playback: Playback | None) -> str | None:
    """The URL of the cover the now-playing view shows (the one nearest 64 px)."""
    from spotui.spotify.models import pick_image

    item = playback.item if playback else None
    image = pick_image(item.images, 64) if item is not None else None
    return image.url if image else None


def of(state: PlayerState, monotonic_now: float, wall_now: float) -> Snapshot | None:
    """The snapshot of a player state (None when nothing plays: nothing to show)."""
    playback = state.playback
    if playback is None or playback.item is None or playback.is_ad:
        return None
    title, artists, album = item_lines(playback)
    return Snapshot(
        title=title,
        artists=artists,
        album=album,
        device=playback.device.name if playback.device else "",
        is_playing=playback.is_playing,
        progress_ms=state.position(monotonic_now),
        duration_ms=playback.duration_ms,
        at=wall_now,
    )


class Keeper:
    """Writes the snapshot to ``path`` when what it shows changes, and at the end."""

    def __init__(self, path: Path | None):
        self.path = path
        self.current: Snapshot | None = None
        self._written: tuple[object, ...] | None = None

    def note(self, snapshot: Snapshot | None, cover_url: str | None) -> None:
        """A new state (its cover is kept while the URL stays the same)."""
        if snapshot is None:
            return
        same_cover = self.current is not None and self.current.cover_url == cover_url
        cover = self.current.cover if same_cover and self.current else None
        self.current = replace(snapshot, cover_url=cover_url, cover=cover)
        self._write(changed_only=True)

    def note_cover(self, url: str, cover: Cover) -> None:
        if self.current is not None and self.current.cover_url == url:
            self.current = replace(self.current, cover=cover)
            self._write(changed_only=True)

    def close(self, snapshot: Snapshot | None = None) -> None:
        """The app ends: keep the latest position."""
        if snapshot is not None and self.current is not None:
            self.current = replace(
                snapshot, cover_url=self.current.cover_url, cover=self.current.cover
            )
        self._write(changed_only=False)

    def _write(self, *, changed_only: bool) -> None:
        snapshot = self.current
        if self.path is None or snapshot is None:
            return
        key = (
            snapshot.title,
            snapshot.artists,
            snapshot.album,
            snapshot.device,
            snapshot.is_playing,
            snapshot.cover is not None,
        )
        if changed_only and key == self._written:
            return
        try:
            save(self.path, snapshot)
        except OSError:
            return  # a cache that cannot be written costs the next start a blank frame
        self._written = key


def save(path: Path, snapshot: Snapshot) -> None:
    data: dict[str, Any] = asdict(snapshot)
    cover = snapshot.cover
    data["cover"] = (
        None
        if cover is None
        else {
            "width": cover.width,
            "height": cover.height,
            "rgb": base64.b64encode(cover.rgb).decode("ascii"),
        }
    )
    write_private(path, json.dumps({"version": VERSION, "snapshot": data}))


def load(path: Path | None) -> Snapshot | None:
    """The snapshot in ``path``; None when there is none, or it cannot be read (a cache:
    a damaged one is just not used, and the next write replaces it)."""
    if path is None:
        return None
    try:
        data = json.loads(
            path.read_text(encoding="utf-8"), parse_constant=_no_constant, parse_float=_finite
        )
        if data.get("version") != VERSION:
            return None
        fields = data["snapshot"]
        cover = fields.pop("cover", None)
        snapshot = Snapshot(**fields, cover=_cover(cover))
        _check(snapshot)
    except (
        OSError,
        ValueError,
        TypeError,
        KeyError,
        AttributeError,
        RecursionError,
        OverflowError,
    ):
        return None
    return replace(
        snapshot,
        title=clean(snapshot.title),
        artists=clean(snapshot.artists),
        album=clean(snapshot.album),
        device=clean(snapshot.device),
    )


def _no_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a number")  # NaN, Infinity: a damaged file


def _finite(text: str) -> float:
    """A JSON number, refused when it is too large for a float (``1e400`` reads as inf)."""
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text[:20]} is out of range")
    return value


def _cover(data: object) -> Cover | None:
    if not isinstance(data, dict):
        return None
    try:
        cover = Cover(int(data["width"]), int(data["height"]), base64.b64decode(data["rgb"]))
    except (KeyError, TypeError, ValueError, OverflowError, binascii.Error):
        return None
    if not (0 < cover.width <= 256 and 0 < cover.height <= 256):
        return None
    return cover if len(cover.rgb) == cover.width * cover.height * 3 else None


def _check(snapshot: Snapshot) -> None:
    """Refuse a snapshot whose fields have the wrong types (a hand-edited file)."""
    for name in TEXT_FIELDS:
        if not isinstance(getattr(snapshot, name), str):
            raise TypeError(name)
    if not isinstance(snapshot.is_playing, bool):
        raise TypeError("is_playing")
    for name in ("progress_ms", "duration_ms"):
        value = getattr(snapshot, name)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_MS:
            raise TypeError(name)
    at = snapshot.at
    if isinstance(at, bool) or not isinstance(at, int | float) or not 0 <= at <= MAX_AT:
        raise TypeError("at")  # also NaN, which no comparison holds for
    if snapshot.cover_url is not None and not isinstance(snapshot.cover_url, str):
        raise TypeError("cover_url")
