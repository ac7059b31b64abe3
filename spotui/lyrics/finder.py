"""Where lyrics come from, in order: a local ``.lrc`` file, the cache, then LRCLIB."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from spotui.lyrics.cache import LyricsCache
from spotui.lyrics.local import find_lrc, read_lrc
from spotui.lyrics.lrc import Synced, parse_lrc, plain_lines
from spotui.lyrics.lrclib import LrclibClient, Record, TrackQuery

if TYPE_CHECKING:
    from spotui.spotify.models import Playback

Source = Literal["file", "cache", "lrclib"]
Kind = Literal["synced", "plain", "instrumental", "unreadable"]


@dataclass(frozen=True, slots=True)
class Lyrics:
    """A track's lyrics, parsed, and where they came from (``path`` for a file)."""

    record: Record
    source: Source
    path: str | None = None
    synced: Synced = field(init=False)
    plain: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        synced = parse_lrc(self.record.synced) if self.record.synced else Synced()
        object.__setattr__(self, "synced", synced)
        object.__setattr__(self, "plain", plain_lines(self.record.plain or ""))

    @property
    def kind(self) -> Kind:
        """Synced when the LRC gave lines; else plain; instrumental; or unreadable (LRC
        that does not parse, and no plain text)."""
        if self.synced.lines:
            return "synced"
        if any(self.plain):
            return "plain"
        return "instrumental" if self.record.instrumental else "unreadable"


def query_for(playback: Playback | None) -> TrackQuery | None:
    """What to ask about for what plays: a track (a local file too); None for nothing,
    an episode or an ad."""
    item = playback.item if playback is not None else None
    if item is None or item.kind != "track" or not item.name:
        return None
    artist = item.artists[0].name if item.artists else ""
    album = item.album.name if item.album is not None else ""
    return TrackQuery(item.name, artist, album, item.duration_ms / 1000)


class LyricsFinder:
    """Finds a track's lyrics: a local file, else the cache, else LRCLIB (whose answer,
    a miss too, is then cached)."""

    def __init__(
        self,
        lrclib: LrclibClient,
        cache: LyricsCache | None = None,
        lyrics_dir: Path | None = None,
    ):
        self.lrclib = lrclib
        self.cache = cache
        self.lyrics_dir = lyrics_dir

    async def aclose(self) -> None:
        await self.lrclib.aclose()

    async def find(self, query: TrackQuery) -> Lyrics | None:
        """The lyrics of ``query``; None when there are none. Raises
        :class:`~spotui.lyrics.lrclib.LyricsUnavailable` when LRCLIB cannot answer."""
        # files are read in a thread: a slow disk must not stop the event loop
        local = await asyncio.to_thread(self._local, query)
        if local is not None:
            return local
        if self.cache is not None:
            cached = await asyncio.to_thread(self.cache.load, query)
            if cached is not None:
                return None if cached.record is None else Lyrics(cached.record, "cache")
        record = await self.lrclib.find(query)
        if self.cache is not None:
            await asyncio.to_thread(self.cache.save, query, record)
        return None if record is None else Lyrics(record, "lrclib")

    def _local(self, query: TrackQuery) -> Lyrics | None:
        if self.lyrics_dir is None or not self.lyrics_dir.is_dir():
            return None
        path = find_lrc(self.lyrics_dir, query)
        text = read_lrc(path) if path is not None else None
        if path is None or text is None:
            return None
        synced = parse_lrc(text).lines
        record = Record(
            id=None,
            track_name=query.title,
            artist_name=query.artist,
            album_name=query.album,
            duration_s=query.duration_s,
            instrumental=False,
            plain=None if synced else text,
            synced=text if synced else None,
        )
        return Lyrics(record, "file", str(path))
