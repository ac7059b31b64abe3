"""Browsing the catalogue, with no UI: search, albums, artists and your playlists.

Each call hands out models for one page or section. Spotify's 2026 limits are
kept here: 10 search results a type per request, an artist's albums 10 a page,
and no artist top tracks (an artist's tracks come from a search
``artist:"NAME"``).
"""

from __future__ import annotations

from dataclasses import dataclass

from spotui.spotify.client import ALBUMS_PAGE, SpotifyClient
from spotui.spotify.errors import Forbidden
from spotui.spotify.models import (
    SEARCH_LIMIT,
    Album,
    Artist,
    Item,
    Paging,
    Playlist,
    SearchResults,
    SearchType,
    Track,
)

SEARCH_PAUSE_S = 0.3  # typing: ask once the user pauses this long


@dataclass(frozen=True, slots=True)
class AlbumPage:
    album: Album
    tracks: tuple[Track, ...]


@dataclass(frozen=True, slots=True)
class ArtistPage:
    artist: Artist
    albums: Paging[Album]
    tracks: Paging[Track]


@dataclass(frozen=True, slots=True)
class PlaylistPage:
    """A playlist's items; ``hidden`` when Spotify shows them only to owners and
    collaborators (the playlist still plays as a whole)."""

    playlist: Playlist
    items: tuple[Item, ...] = ()
    hidden: bool = False


def artist_query(name: str) -> str:
    """The search that finds an artist's tracks (there are no artist top tracks in 2026)."""
    return f'artist:"{name.replace(chr(34), "")}"'


class Browse:
    """Asks Spotify for one page or section at a time."""

    def __init__(self, spotify: SpotifyClient):
        self.spotify = spotify
        self.user_id: str | None = None  # known after the first me()

    async def me(self) -> str | None:
        """The user's id, asked for once a session (to tell your playlists apart)."""
        if self.user_id is None:
            self.user_id = (await self.spotify.me()).id
        return self.user_id

    def __repr__(self) -> str:
        return "Browse()"

    async def search(
        self,
        query: str,
        kinds: tuple[SearchType, ...],
        offset: int = 0,
        *,
        limit: int = SEARCH_LIMIT,
    ) -> SearchResults:
        """One page (10, or ``limit``) of each kind."""
        return await self.spotify.search(query, kinds, limit=limit, offset=offset)

    async def find(self, kind: SearchType, name: str, artist: str = "") -> str | None:
        """The URI of the first match for a name (the history knows some by name only)."""

        def quoted(text: str) -> str:
            return '"' + text.replace('"', "") + '"'

        field = {"track": "track", "album": "album", "artist": "artist"}.get(kind, "")
        query = f"{field}:{quoted(name)}" if field else quoted(name)
        if artist and kind != "artist":
            query += f" artist:{quoted(artist)}"
        found = await self.spotify.search(query, (kind,), limit=1)
        page = {"track": found.tracks, "album": found.albums, "artist": found.artists}.get(kind)
        first = page.items[0] if page is not None and page.items else None
        return getattr(first, "uri", None)

    async def album(self, album_id: str) -> AlbumPage:
        album, tracks = await self.spotify.album(album_id)
        return AlbumPage(album, tracks)

    async def artist(self, artist: Artist) -> ArtistPage:
        """The first 10 albums and singles, and the first 10 of the artist's tracks.

        The artist itself is not asked for: in 2026 Spotify sends nothing about an
        artist (no genres, followers or popularity) that the row did not have.
        """
        albums = await self.more_albums(artist, 0)
        tracks = await self.more_tracks(artist, 0)
        return ArtistPage(artist, albums, tracks)

    async def more_albums(self, artist: Artist, offset: int) -> Paging[Album]:
        if artist.id is None:
            return Paging(items=(), total=0, limit=ALBUMS_PAGE, offset=offset)
        return await self.spotify.artist_albums(artist.id, offset=offset)

    async def more_tracks(self, artist: Artist, offset: int) -> Paging[Track]:
        found = await self.search(artist_query(artist.name), ("track",), offset)
        return found.tracks or Paging(items=(), total=0, limit=SEARCH_LIMIT, offset=offset)

    async def playlists(self) -> tuple[Playlist, ...]:
        return await self.spotify.my_playlists()

    async def playlist(self, playlist: Playlist) -> PlaylistPage:
        """Every item, page by page; hidden (not an error) for a followed playlist."""
        if playlist.id is None:
            return PlaylistPage(playlist, hidden=True)
        items: list[Item] = []
        try:
            async for page in self.spotify.all_playlist_items(playlist.id):
                items.extend(page.items)
        except Forbidden:
            return PlaylistPage(playlist, hidden=True)
        return PlaylistPage(playlist, tuple(items))
