"""``GET /search`` over the fake's catalogue, with Spotify's field filters.

A query is words and filters: ``artist:``, ``album:``, ``track:``, ``year:`` (a year
or ``1990-1999``) and ``genre:``; a filter's value may be quoted
(``artist:"Aurora Lindqvist"``). Every word and filter must match.
"""

from __future__ import annotations

import re
import shlex
from typing import TYPE_CHECKING, Any

from spotui.fake.catalog import ALL_ARTISTS, FakeTrack
from spotui.fake.discography import ALBUM_TRACKS, ALBUMS

if TYPE_CHECKING:
    from spotui.fake.account import FakeAccount

SEARCH_TYPES = frozenset({"track", "artist", "album", "playlist", "show", "episode", "audiobook"})
SEARCH_LIMIT_MAX = 10  # 2026: 10 a type per request; more answers 400 "Invalid limit"
FILTERS = ("artist", "album", "track", "year", "genre")
_LIBRARY_SEARCHED = 200  # generated tracks findable by search, besides the albums'


def parse_query(query: str) -> tuple[list[str], dict[str, str]]:
    """(free words, filters), lower-cased; an unbalanced quote is taken as a letter."""
    try:
        tokens = shlex.split(query)
    except ValueError:
        tokens = query.split()
    words: list[str] = []
    filters: dict[str, str] = {}
    for token in tokens:
        name, colon, value = token.partition(":")
        if colon and name.lower() in FILTERS and value:
            filters[name.lower()] = value.casefold()
        else:
            words.append(token.casefold())
    return words, filters


def _year_ok(release_date: str, wanted: str) -> bool:
    found = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", wanted)
    if not found or not release_date[:4].isdigit():
        return False
    low, high = int(found[1]), int(found[2] or found[1])
    return low <= int(release_date[:4]) <= high


def _track_matches(track: FakeTrack, words: list[str], filters: dict[str, str]) -> bool:
    artists = " ".join(artist.name for artist in track.artists).casefold()
    text = f"{track.name} {track.album}".casefold() + " " + artists
    checks = {
        "artist": lambda v: v in artists,
        "album": lambda v: v in track.album.casefold(),
        "track": lambda v: v in track.name.casefold(),
        "year": lambda v: _year_ok(track.release_date, v),
        "genre": lambda v: any(v in g for a in track.artists for g in a.genres),
    }
    return all(word in text for word in words) and all(
        checks[name](value) for name, value in filters.items()
    )


def search_catalogue(query: str, account: FakeAccount) -> dict[str, list[Any]]:
    """Every match, by type, as the JSON objects a search page holds."""
    words, filters = parse_query(query)
    tracks = list(ALBUM_TRACKS.values())
    tracks += [account.track(uri) for uri in list(account.library_index)[:_LIBRARY_SEARCHED]]
    found: dict[str, list[Any]] = {
        "track": [
            account.item_json(track.uri)
            for track in tracks
            if _track_matches(track, words, filters)
        ]
    }
    plain = " ".join(words)
    only_words = set(filters) <= {"genre"}
    found["artist"] = [
        artist.full()
        for artist in ALL_ARTISTS
        if (only_words or set(filters) == {"artist"})
        and all(word in artist.name.casefold() for word in words)
        and filters.get("artist", "") in artist.name.casefold()
        and (not filters.get("genre") or any(filters["genre"] in g for g in artist.genres))
    ]
    found["album"] = [
        album.simple()
        for album in ALBUMS.values()
        if set(filters) <= {"artist", "album", "year"}
        and all(word in f"{album.name} {album.artist.name}".casefold() for word in words)
        and filters.get("artist", "") in album.artist.name.casefold()
        and filters.get("album", "") in album.name.casefold()
        and (not filters.get("year") or _year_ok(album.release_date, filters["year"]))
    ]
    found["playlist"] = [
        playlist.simple([uri for uri, _, _ in account.playlist_items[playlist.id]])
        for playlist in account.playlists
        if not filters and plain and plain in playlist.name.casefold()
    ]
    return found
