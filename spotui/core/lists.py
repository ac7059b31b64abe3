"""The user's lists, with no UI: top tracks and artists (cached, revalidated with ETags),
recently played and the saved library (paged). It hands out models, never raw JSON.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Literal, overload

from spotui.cache import Cached, ListCache, top_name
from spotui.spotify.client import SpotifyClient
from spotui.spotify.http import NotModified
from spotui.spotify.models import Artist, Paging, PlayHistory, SavedTrack, TimeRange, Track

TopKind = Literal["tracks", "artists"]
TOP_LIMIT = 50
LIBRARY_PAGE = 50
LIBRARY_WORKERS = 6


def _parse(kind: TopKind, data: object) -> tuple[Track, ...] | tuple[Artist, ...]:
    if kind == "tracks":
        return Paging.from_json(data, Track.from_json).items
    return Paging.from_json(data, Artist.from_json).items


class ListsService:
    """Asks Spotify for the lists and keeps the top lists on disk between runs."""

    def __init__(self, spotify: SpotifyClient, cache: ListCache):
        self.spotify = spotify
        self.cache = cache
        self._kept: dict[str, Cached | None] = {}  # read from disk once a session

    def _load(self, name: str) -> Cached | None:
        if name not in self._kept:
            self._kept[name] = self.cache.load(name)
        return self._kept[name]

    def _save(self, name: str, data: Any, etag: str | None) -> None:
        self.cache.save(name, data, etag)
        self._kept.pop(name, None)  # read back (and checked) by the cache when next needed

    def __repr__(self) -> str:
        return f"ListsService(cache={self.cache.folder})"

    @overload
    def cached_top(
        self, kind: Literal["tracks"], time_range: TimeRange
    ) -> tuple[Track, ...] | None: ...
    @overload
    def cached_top(
        self, kind: Literal["artists"], time_range: TimeRange
    ) -> tuple[Artist, ...] | None: ...
    def cached_top(
        self, kind: TopKind, time_range: TimeRange
    ) -> tuple[Track, ...] | tuple[Artist, ...] | None:
        """The top list as last kept on disk, or None (nothing kept, or it was broken)."""
        cached = self._load(top_name(kind, time_range))
        return None if cached is None else _parse(kind, cached.data)

    async def top(
        self, kind: TopKind, time_range: TimeRange
    ) -> tuple[Track, ...] | tuple[Artist, ...]:
        """The top list as Spotify has it now: revalidated with the kept ETag (a 304 costs
        no body). For artists, the top tracks of the same range are made sure of too, so
        that each artist can say how many of your top tracks are theirs."""
        name = top_name(kind, time_range)
        kept = self._load(name)
        answer = await self.spotify.top_json(
            kind, time_range, limit=TOP_LIMIT, etag=kept.etag if kept else None
        )
        if isinstance(answer, NotModified):
            data = kept.data if kept else None
        else:
            data = answer[0]
            self._save(name, *answer)
        if kind == "artists" and self._load(top_name("tracks", time_range)) is None:
            tracks = await self.spotify.top_json("tracks", time_range, limit=TOP_LIMIT)
            if not isinstance(tracks, NotModified):
                self._save(top_name("tracks", time_range), *tracks)
        return _parse(kind, data)

    async def recent(self, limit: int = 50) -> tuple[PlayHistory, ...]:
        """The last plays, newest first (Spotify keeps 50)."""
        return (await self.spotify.recently_played(limit=limit)).items

    def library(self) -> AsyncIterator[Paging[SavedTrack]]:
        """The saved library page by page: the first at once, the rest as they arrive."""
        return self.spotify.iter_saved_tracks(page_size=LIBRARY_PAGE, concurrency=LIBRARY_WORKERS)
