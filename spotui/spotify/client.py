"""An async Spotify Web API client: the typed endpoints, on the transport of
:mod:`spotui.spotify.http` (tokens, retries, rate limits, ETags)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any, Final, Literal, TypeVar

import httpx

from spotui.spotify.errors import NetworkError, NotFound
from spotui.spotify.http import NotModified, Transport, checked_page
from spotui.spotify.models import (
    SEARCH_LIMIT,
    SEARCH_TYPES,
    Album,
    Artist,
    CursorPage,
    Device,
    Item,
    Paging,
    Playback,
    PlayHistory,
    Playlist,
    Queue,
    RepeatMode,
    SavedTrack,
    SearchResults,
    SearchType,
    TimeRange,
    Track,
    User,
    parse_devices,
    parse_playlist_entry,
)
from spotui.text import clean

T = TypeVar("T")

URIS_PER_LIBRARY_CALL: Final = 40
ALBUMS_PAGE: Final = 10  # an artist's albums a request, at most (2026)
ALBUM_TRACKS_PAGE: Final = 50  # an album's tracks a request, at most
ALBUM_TRACKS_MAX: Final = 1000  # an album's tracks read, at most (20 requests)


def _chunks(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class SpotifyClient(Transport):
    """The Web API's endpoints for one signed-in :class:`Session`, each answer parsed
    into the models; the retry and rate-limit rules are the :class:`Transport`'s."""

    # --- the player ---------------------------------------------------------------

    async def playback(self) -> Playback | None:
        """The full player state; None when nothing is active (204)."""
        data = await self._get("/me/player", additional_types="episode")
        return None if data is None else Playback.from_json(data)

    async def currently_playing(self) -> Playback | None:
        """What plays now, without device, shuffle and repeat; None on 204."""
        data = await self._get("/me/player/currently-playing", additional_types="episode")
        return None if data is None else Playback.from_json(data)

    async def devices(self) -> tuple[Device, ...]:
        """Your Spotify Connect devices (an id or a volume may be None)."""
        return parse_devices(await self._get("/me/player/devices"))

    async def play(
        self,
        *,
        device_id: str | None = None,
        context_uri: str | None = None,
        uris: Sequence[str] | None = None,
        offset: int | str | None = None,
        position_ms: int | None = None,
    ) -> None:
        """Resume, or start a context or a list of tracks."""
        body: dict[str, Any] = {}
        if context_uri:
            body["context_uri"] = context_uri
        if uris:
            body["uris"] = list(uris)
        if offset is not None:
            body["offset"] = {"position": offset} if isinstance(offset, int) else {"uri": offset}
        if position_ms is not None:
            body["position_ms"] = max(0, position_ms)
        await self.request(
            "PUT", "/me/player/play", params={"device_id": device_id}, json=body or None
        )

    async def pause(self, *, device_id: str | None = None) -> None:
        """Pause (Premium; ``NoActiveDevice`` when nothing is open to play on)."""
        await self.request("PUT", "/me/player/pause", params={"device_id": device_id})

    async def next(self, *, device_id: str | None = None) -> None:
        """Skip to the next track."""
        await self.request("POST", "/me/player/next", params={"device_id": device_id})

    async def previous(self, *, device_id: str | None = None) -> None:
        """Go back to the previous track."""
        await self.request("POST", "/me/player/previous", params={"device_id": device_id})

    async def seek(self, position_ms: int, *, device_id: str | None = None) -> None:
        """Seek to ``position_ms`` in the playing track."""
        params = {"position_ms": max(0, int(position_ms)), "device_id": device_id}
        await self.request("PUT", "/me/player/seek", params=params)

    async def set_volume(self, percent: int, *, device_id: str | None = None) -> None:
        """Set the volume, 0 to 100 (some devices refuse: ``supports_volume``)."""
        params = {"volume_percent": min(100, max(0, int(percent))), "device_id": device_id}
        await self.request("PUT", "/me/player/volume", params=params)

    async def set_shuffle(self, state: bool, *, device_id: str | None = None) -> None:
        """Turn shuffle on or off."""
        params = {"state": "true" if state else "false", "device_id": device_id}
        await self.request("PUT", "/me/player/shuffle", params=params)

    async def set_repeat(self, mode: RepeatMode, *, device_id: str | None = None) -> None:
        """Repeat ``off``, ``track`` or ``context``."""
        await self.request(
            "PUT", "/me/player/repeat", params={"state": mode, "device_id": device_id}
        )

    async def transfer(self, device_id: str, *, play: bool = True) -> None:
        """Move playback to another device."""
        await self.request("PUT", "/me/player", json={"device_ids": [device_id], "play": play})

    # --- the user's lists ---------------------------------------------------------

    async def top_json(
        self,
        kind: Literal["tracks", "artists"],
        time_range: TimeRange = "medium_term",
        *,
        limit: int = 20,
        offset: int = 0,
        etag: str | None = None,
    ) -> tuple[Any, str | None] | NotModified:
        """The raw top list and its ETag (for a cache); NOT_MODIFIED when ``etag`` matches."""
        params = {"time_range": time_range, "limit": limit, "offset": offset}
        return await self._conditional(f"/me/top/{kind}", etag, params)

    async def top_tracks(
        self,
        time_range: TimeRange = "medium_term",
        *,
        limit: int = 20,
        offset: int = 0,
        etag: str | None = None,
    ) -> Paging[Track] | NotModified:
        """The user's top tracks; NOT_MODIFIED when ``etag`` still matches."""
        return await self._top("tracks", Track.from_json, time_range, limit, offset, etag)

    async def top_artists(
        self,
        time_range: TimeRange = "medium_term",
        *,
        limit: int = 20,
        offset: int = 0,
        etag: str | None = None,
    ) -> Paging[Artist] | NotModified:
        """The user's top artists; NOT_MODIFIED when ``etag`` still matches."""
        return await self._top("artists", Artist.from_json, time_range, limit, offset, etag)

    async def _top(
        self,
        kind: Literal["tracks", "artists"],
        parse: Callable[[Any], T | None],
        time_range: TimeRange,
        limit: int,
        offset: int,
        etag: str | None,
    ) -> Paging[T] | NotModified:
        answer = await self.top_json(kind, time_range, limit=limit, offset=offset, etag=etag)
        if isinstance(answer, NotModified):
            return answer
        return Paging.from_json(answer[0], parse, etag=answer[1])

    async def recently_played(
        self, *, limit: int = 50, before: int | None = None, after: int | None = None
    ) -> CursorPage[PlayHistory]:
        """Recently played tracks, newest first (50 at most; ``before`` or ``after`` in ms)."""
        if before is not None and after is not None:
            raise ValueError("give before or after, not both")
        data = await self._get(
            "/me/player/recently-played", limit=limit, before=before, after=after
        )
        return CursorPage.from_json(data, PlayHistory.from_json)

    async def saved_tracks(self, *, limit: int = 50, offset: int = 0) -> Paging[SavedTrack]:
        """One page of the saved library (``total`` gives its size)."""
        data = await self._get("/me/tracks", limit=limit, offset=offset)
        return Paging.from_json(data, SavedTrack.from_json)

    async def saved_tracks_json(
        self, *, limit: int = 50, offset: int = 0, etag: str | None = None
    ) -> tuple[Any, str | None] | NotModified:
        """One raw page of the saved library and its ETag (for a cache); NOT_MODIFIED when
        ``etag`` matches. The caller checks it (:func:`checked_page`)."""
        return await self._conditional("/me/tracks", etag, {"limit": limit, "offset": offset})

    async def iter_saved_tracks(
        self, *, page_size: int = 50, concurrency: int = 4
    ) -> AsyncIterator[Paging[SavedTrack]]:
        """Every saved track, page by page: the first page first, then the rest
        fetched by ``concurrency`` workers and yielded as they arrive (each page
        knows its ``offset``). At most ``concurrency`` pages wait at a time, so
        a library of any size is never held in memory here. Each page is checked
        as :func:`checked_page` says, so a read that makes no sense stops."""

        async def page_at(offset: int) -> Paging[SavedTrack]:
            data = await self._get("/me/tracks", limit=page_size, offset=offset)
            page = Paging.from_json(data, SavedTrack.from_json)
            return checked_page(page, data, offset, page_size, "your saved tracks")

        first = await page_at(0)
        yield first
        offsets = iter(range(page_size, first.total, page_size))
        ready: asyncio.Queue[Paging[SavedTrack] | BaseException] = asyncio.Queue(
            maxsize=max(1, concurrency)
        )

        async def worker() -> None:
            for offset in offsets:  # shared: each offset goes to one worker
                try:
                    page = await page_at(offset)
                except Exception as exc:  # handed to the reader, who raises it
                    await ready.put(exc)
                    return
                await ready.put(page)

        workers = [asyncio.ensure_future(worker()) for _ in range(max(1, concurrency))]
        remaining = len(range(page_size, first.total, page_size))
        try:
            while remaining:
                item = await ready.get()
                if isinstance(item, BaseException):
                    raise item
                remaining -= 1
                yield item
        finally:
            for task in workers:
                task.cancel()
            await asyncio.gather(*workers, return_exceptions=True)

    async def save_to_library(self, uris: Sequence[str]) -> None:
        """Save tracks (or albums, episodes, shows, playlists) by URI, 40 a call."""
        for chunk in _chunks(uris, URIS_PER_LIBRARY_CALL):
            await self.request("PUT", "/me/library", params={"uris": ",".join(chunk)})

    async def remove_from_library(self, uris: Sequence[str]) -> None:
        """Remove items from the library by URI, 40 a call."""
        for chunk in _chunks(uris, URIS_PER_LIBRARY_CALL):
            await self.request("DELETE", "/me/library", params={"uris": ",".join(chunk)})

    async def in_library(self, uris: Sequence[str]) -> list[bool]:
        """Whether each URI is in the user's library, in the order given."""
        answer: list[bool] = []
        for chunk in _chunks(uris, URIS_PER_LIBRARY_CALL):
            data = await self._get("/me/library/contains", uris=",".join(chunk))
            flags = data if isinstance(data, list) else []
            answer.extend(flag is True for flag in flags[: len(chunk)])
            answer.extend([False] * (len(chunk) - len(flags)))
        return answer

    async def image(self, url: str, *, max_bytes: int = 4_000_000) -> bytes:
        """Cover art bytes. Image hosts are public: no token is sent."""
        try:
            response = await self.http.get(url)
        except httpx.HTTPError as exc:
            raise NetworkError("Could not fetch the cover art.") from exc
        if response.status_code != 200 or len(response.content) > max_bytes:
            raise NotFound("The cover art is not available.", status=response.status_code)
        return response.content

    # --- the queue --------------------------------------------------------------------

    async def queue(self) -> Queue:
        """What plays now and next (about 20 items; queued ones are not marked)."""
        return Queue.from_json(await self._get("/me/player/queue"))

    async def add_to_queue(self, uri: str, *, device_id: str | None = None) -> None:
        """Put a track or episode at the end of the queue (Premium)."""
        await self.request("POST", "/me/player/queue", params={"uri": uri, "device_id": device_id})

    # --- search and the catalogue ---------------------------------------------------

    async def search(
        self,
        query: str,
        types: Sequence[SearchType] = SEARCH_TYPES,
        *,
        limit: int = SEARCH_LIMIT,
        offset: int = 0,
    ) -> SearchResults:
        """One page of results per type, at most 10 each (Spotify's 2026 cap).

        ``query`` may hold Spotify's field filters: ``artist:``, ``album:``,
        ``track:``, ``year:1990-1999``, ``genre:``.
        """
        data = await self._get(
            "/search",
            q=query,
            type=",".join(types),
            limit=min(max(limit, 1), SEARCH_LIMIT),
            offset=offset,
        )
        return SearchResults.from_json(data)

    async def album(self, album_id: str) -> tuple[Album, tuple[Track, ...]]:
        """An album and its tracks, each knowing its album. ``GET /albums/{id}`` embeds
        the first page (50); the rest are paged from ``/albums/{id}/tracks``, up to
        ``ALBUM_TRACKS_MAX``. Paging stops at an empty page or a ``next`` that does not
        move, so a wrong answer costs a request, not a loop."""
        answer = await self._get(f"/albums/{album_id}")
        data = answer if isinstance(answer, dict) else {}
        album = Album.from_json(data) or Album(name="Unknown album", id=album_id)
        page = Paging.from_json(data.get("tracks"), Track.from_json)
        tracks = list(page.items)
        while page.next and page.items and len(tracks) < ALBUM_TRACKS_MAX:
            offset = page.offset + max(page.limit, len(page.items))
            following = await self.album_tracks(album_id, offset=offset)
            if following.offset != offset or following.next == page.next:
                break
            tracks.extend(following.items)
            page = following
        return album, tuple(replace(track, album=album) for track in tracks[:ALBUM_TRACKS_MAX])

    async def album_tracks(
        self, album_id: str, *, limit: int = ALBUM_TRACKS_PAGE, offset: int = 0
    ) -> Paging[Track]:
        """One page of an album's tracks (50 at most; they carry no album)."""
        data = await self._get(
            f"/albums/{album_id}/tracks",
            limit=min(max(limit, 1), ALBUM_TRACKS_PAGE),
            offset=max(offset, 0),
        )
        return Paging.from_json(data, Track.from_json)

    async def artist_albums(
        self, artist_id: str, *, limit: int = ALBUMS_PAGE, offset: int = 0
    ) -> Paging[Album]:
        """An artist's albums and singles, newest first, 10 a page at most."""
        data = await self._get(
            f"/artists/{artist_id}/albums",
            include_groups="album,single",
            limit=min(max(limit, 1), ALBUMS_PAGE),
            offset=offset,
        )
        return Paging.from_json(data, Album.from_json)

    # --- playlists --------------------------------------------------------------------

    async def my_playlists(self) -> tuple[Playlist, ...]:
        """Every playlist in the user's library: owned, collaborative and followed."""
        found: list[Playlist] = []
        async for page in self.pages("/me/playlists", Playlist.from_json, "your playlists"):
            found.extend(page.items)
        return tuple(found)

    async def playlist_items(
        self, playlist_id: str, *, limit: int = 50, offset: int = 0
    ) -> Paging[Item]:
        """One page of a playlist's tracks and episodes. Spotify answers 403
        (``Forbidden``) for a playlist the user neither owns nor collaborates on."""
        data = await self._get(
            f"/playlists/{playlist_id}/items",
            limit=limit,
            offset=offset,
            additional_types="episode",  # without it an episode comes shaped as a track
        )
        return Paging.from_json(data, parse_playlist_entry)

    def all_playlist_items(self, playlist_id: str) -> AsyncIterator[Paging[Item]]:
        """Every page of a playlist's items (``Forbidden`` as for :meth:`playlist_items`)."""
        return self.pages(
            f"/playlists/{playlist_id}/items", parse_playlist_entry, "a playlist's items"
        )

    async def add_to_playlist(self, playlist_id: str, uris: Sequence[str]) -> None:
        """Add tracks or episodes at the end of a playlist you own or collaborate on."""
        path = f"/playlists/{playlist_id}/items"
        for chunk in _chunks(uris, 100):
            await self.request("POST", path, json={"uris": list(chunk)})

    async def context_name(self, uri: str) -> str | None:
        """The name of an album, artist or playlist by URI, in one request (a playlist
        is asked for its name only); None for another kind or a nameless answer."""
        kind, _, id_ = uri.removeprefix("spotify:").partition(":")
        if kind not in ("album", "artist", "playlist") or not id_ or ":" in id_:
            return None
        params = {"fields": "name"} if kind == "playlist" else {}
        data = await self._get(f"/{kind}s/{id_}", **params)
        name = data.get("name") if isinstance(data, dict) else None
        return clean(name) if isinstance(name, str) and name.strip() else None

    async def me(self) -> User:
        """The signed-in user (Spotify no longer says Premium or country here)."""
        return User.from_json(await self._get("/me"))
