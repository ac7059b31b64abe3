"""What the fake can play beyond the catalogue: albums, artists' discographies, playlists.

Each of the catalogue's artists has albums and singles (Nightshift Collective has
more than ten, so its albums come in two pages; Orquesta Brisa del Sur has a box set
of 60 tracks, more than one page of an album's tracks). An album holds its catalogue
tracks and made-up ones around them. Playlists come in the three kinds Spotify
treats differently in 2026: owned, collaborative and followed (items refused).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from typing import Any

from spotui.fake.catalog import (
    ALL_ARTISTS,
    API,
    ARTISTS,
    EPISODE_URI,
    OPEN,
    TRACKS,
    FakeArtist,
    FakeTrack,
    images,
    library_track,
    spotify_id,
)

ALBUMS_PAGE_MAX = 10  # /artists/{id}/albums gives 10 a page at most in 2026
BOX_SET = "Tango Completo (Box Set)"
BOX_SET_TRACKS = 60
_WORDS = ("Lanterns", "Undertow", "Blue Hour", "Paper Moon", "Afterglow", "Tidal", "Ember")
_SINGLES = (
    "Aurora Borealis",
    "夏の終わり",
    "قمر",
    "Feedback Loop",
    "Perreo Solar",
    "Danfo Driver",
    "Hygge",
    "Firefly",
    "Milonga Nueva",
    "Rainy Window",
)


@dataclass(frozen=True)
class FakeAlbum:
    name: str
    artist: FakeArtist
    tracks: tuple[FakeTrack, ...]
    album_type: str = "album"  # or "single"
    release_date: str = "2021-05-14"

    @property
    def id(self) -> str:
        return spotify_id("album:" + self.name)

    @property
    def uri(self) -> str:
        return f"spotify:album:{self.id}"

    def simple(self) -> dict[str, Any]:
        return {
            "album_type": self.album_type,
            "artists": [self.artist.simple()],
            "external_urls": {"spotify": f"{OPEN}/album/{self.id}"},
            "href": f"{API}/albums/{self.id}",
            "id": self.id,
            "images": images("album:" + self.name),
            "name": self.name,
            "release_date": self.release_date,
            "release_date_precision": "day",
            "total_tracks": len(self.tracks),
            "type": "album",
            "uri": self.uri,
        }


@dataclass(frozen=True)
class FakePlaylist:
    name: str
    owner: str  # a user id: the demo user's, "spotify", or another listener's
    owner_name: str | None  # None: Spotify sends no display name, only the id
    uris: tuple[str, ...]
    collaborative: bool = False
    description: str = ""

    @property
    def id(self) -> str:
        return spotify_id("playlist:" + self.name)

    @property
    def uri(self) -> str:
        return f"spotify:playlist:{self.id}"

    def simple(self, uris: list[str]) -> dict[str, Any]:
        """As ``/me/playlists`` lists it (2026: ``items`` holds the count, not ``tracks``)."""
        return {
            "collaborative": self.collaborative,
            "description": self.description,
            "external_urls": {"spotify": f"{OPEN}/playlist/{self.id}"},
            "href": f"{API}/playlists/{self.id}",
            "id": self.id,
            "images": images("playlist:" + self.name),
            "name": self.name,
            "owner": {
                **({} if self.owner_name is None else {"display_name": self.owner_name}),
                "external_urls": {"spotify": f"{OPEN}/user/{self.owner}"},
                "href": f"{API}/users/{self.owner}",
                "id": self.owner,
                "type": "user",
                "uri": f"spotify:user:{self.owner}",
            },
            "public": not self.collaborative,
            "snapshot_id": spotify_id(f"snapshot:{self.name}:{len(uris)}"),
            "items": {"href": f"{API}/playlists/{self.id}/items", "total": len(uris)},
            "type": "playlist",
            "uri": self.uri,
        }


def _album(artist: FakeArtist, name: str, year: int, size: int, kind: str = "album") -> FakeAlbum:
    """An album of ``size`` tracks: the catalogue's tracks on it, and made-up ones."""
    known = [track for track in TRACKS if track.album == name]
    total = max(size, len(known))
    rng = random.Random(name)
    tracks: list[FakeTrack] = []
    for number in range(1, total + 1):
        if known and (number == 1 or rng.random() < 0.3 or total - number < len(known)):
            tracks.append(
                replace(known.pop(0), track_number=number, total_tracks=total, album_type=kind)
            )
            continue
        tracks.append(
            FakeTrack(
                name=f"{rng.choice(_WORDS)} {number}" if kind == "album" else name,
                artists=(artist,),
                album=name,
                duration_ms=rng.randint(120_000, 300_000),
                popularity=rng.randint(20, 70),
                release_date=f"{year}-05-14",
                track_number=number,
                key=f"album:{name}:{number}",
                album_type=kind,
                total_tracks=total,
            )
        )
    return FakeAlbum(name, artist, tuple(tracks), kind, f"{year}-05-14")


def _discography() -> dict[str, tuple[FakeAlbum, ...]]:
    """Each catalogue artist's albums and singles, newest first."""
    by_artist: dict[str, list[FakeAlbum]] = {artist.id: [] for artist in ALL_ARTISTS}
    for index, artist in enumerate(ARTISTS):
        own = sorted({track.album for track in TRACKS if track.artists[0] == artist})
        for offset, name in enumerate(own):
            by_artist[artist.id].append(_album(artist, name, 2024 - offset, 8))
        by_artist[artist.id].append(_album(artist, _SINGLES[index], 2025, 1, "single"))
    for index, artist in enumerate(ALL_ARTISTS[len(ARTISTS) :]):  # one album each
        year = 2016 + index
        by_artist[artist.id].append(_album(artist, f"{artist.name} ({year})", year, 5))
    brisa = ARTISTS[8]  # a box set longer than one page of an album's tracks (50)
    by_artist[brisa.id].append(_album(brisa, BOX_SET, 2019, BOX_SET_TRACKS))
    nightshift = ARTISTS[9]
    for volume in range(1, 14):  # with "Vol. 4" from the catalogue: 14 albums, two pages
        if volume != 4:
            by_artist[nightshift.id].append(
                _album(nightshift, f"Late Night Tapes, Vol. {volume}", 2010 + volume, 6)
            )
    return {
        artist_id: tuple(sorted(albums, key=lambda a: a.release_date, reverse=True))
        for artist_id, albums in by_artist.items()
    }


DISCOGRAPHY: dict[str, tuple[FakeAlbum, ...]] = _discography()
ALBUMS: dict[str, FakeAlbum] = {
    album.id: album for albums in DISCOGRAPHY.values() for album in albums
}
ALBUM_TRACKS: dict[str, FakeTrack] = {
    track.uri: track for album in ALBUMS.values() for track in album.tracks
}


def demo_playlists(user_id: str, user_name: str, mix: list[str]) -> list[FakePlaylist]:
    """The demo user's playlists: two owned, two collaborative (one by a listener with
    no display name, holding a podcast episode), two followed."""
    road = [t.uri for t in (TRACKS[4], TRACKS[5], TRACKS[11], TRACKS[1], TRACKS[9])]
    focus = [TRACKS[10].uri, *(library_track(i).uri for i in range(0, 40, 3))]
    return [
        FakePlaylist("spotui demo mix", user_id, user_name, tuple(mix), description="Yours"),
        FakePlaylist("Road Trip 2026", user_id, user_name, tuple(road)),
        FakePlaylist(
            "Friday Night (with Sam)",
            "sam.k",
            "Sam",
            tuple(TRACKS[i].uri for i in (5, 11, 2, 8)),
            collaborative=True,
        ),
        FakePlaylist(
            "Deep Focus", "spotify", "Spotify", tuple(focus), description="Keep calm and focus."
        ),
        FakePlaylist("Today's Top Hits", "spotify", "Spotify", tuple(t.uri for t in TRACKS[:10])),
        FakePlaylist(
            "Sunday Papers",
            "w7r2kq1xnameless",
            None,
            (TRACKS[3].uri, EPISODE_URI, TRACKS[8].uri, TRACKS[6].uri),
            collaborative=True,
        ),
    ]
