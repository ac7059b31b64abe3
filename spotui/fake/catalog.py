"""The fake account's catalogue: artists, albums, tracks, a local file, an episode.

Everything is deterministic and shaped like the Web API's JSON, awkward parts
included (null ids for a local file, a show instead of artists, empty image lists).
Library tracks are made on demand from their index, so a 50,000-track library
costs a list of ids, not 50,000 dicts.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from typing import Any

_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
API = "https://api.spotify.com/v1"
OPEN = "https://open.spotify.com"


def spotify_id(seed: str) -> str:
    """A 22-character base62 id, stable for a given seed."""
    number = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:17], "big")
    chars = []
    for _ in range(22):
        number, rest = divmod(number, 62)
        chars.append(_B62[rest])
    return "".join(chars)


def images(seed: str) -> list[dict[str, Any]]:
    """Album-style images, largest first (640, 300, 64), as Spotify sends them."""
    digest = hashlib.sha1(seed.encode()).hexdigest()
    return [
        {
            "url": f"https://i.scdn.co/image/ab67616d0000{size:04x}{digest[:24]}",
            "width": size,
            "height": size,
        }
        for size in (640, 300, 64)
    ]


def _ref(kind: str, id_: str) -> dict[str, Any]:
    return {
        "external_urls": {"spotify": f"{OPEN}/{kind}/{id_}"},
        "href": f"{API}/{kind}s/{id_}",
        "id": id_,
        "type": kind,
        "uri": f"spotify:{kind}:{id_}",
    }


@dataclass(frozen=True)
class FakeArtist:
    name: str
    genres: tuple[str, ...]
    popularity: int
    followers: int

    @property
    def id(self) -> str:
        return spotify_id("artist:" + self.name)

    def simple(self) -> dict[str, Any]:
        return {**_ref("artist", self.id), "name": self.name}

    def full(self) -> dict[str, Any]:
        return {
            **self.simple(),
            "followers": {"href": None, "total": self.followers},
            "genres": list(self.genres),
            "images": images("artist:" + self.name),
            "popularity": self.popularity,
        }


@dataclass(frozen=True)
class FakeTrack:
    name: str
    artists: tuple[FakeArtist, ...]
    album: str
    duration_ms: int
    popularity: int = 50
    explicit: bool = False
    release_date: str = "2021-05-14"
    track_number: int = 1
    key: str = ""
    album_type: str = "album"
    total_tracks: int = 12

    @property
    def id(self) -> str:
        return spotify_id(self.key or f"track:{self.name}:{self.album}")

    @property
    def uri(self) -> str:
        return f"spotify:track:{self.id}"

    def json(self) -> dict[str, Any]:
        album_id = spotify_id("album:" + self.album)
        artists = [artist.simple() for artist in self.artists]
        return {
            **_ref("track", self.id),
            "album": {
                **_ref("album", album_id),
                "album_type": self.album_type,
                "total_tracks": self.total_tracks,
                "available_markets": ["GB", "JP", "US"],
                "artists": artists[:1],
                "images": images("album:" + self.album),
                "name": self.album,
                "release_date": self.release_date,
                "release_date_precision": "day",
            },
            "artists": artists,
            "available_markets": ["GB", "JP", "US"],
            "disc_number": 1,
            "duration_ms": self.duration_ms,
            "explicit": self.explicit,
            "external_ids": {"isrc": "QZ" + self.id[:10].upper()},
            "is_local": False,
            "name": self.name,
            "popularity": self.popularity,
            "preview_url": None,
            "track_number": self.track_number,
        }


def _artist(name: str, genres: tuple[str, ...], popularity: int, followers: int) -> FakeArtist:
    return FakeArtist(name, genres, popularity, followers)


ARTISTS: tuple[FakeArtist, ...] = (
    _artist("Aurora Lindqvist", ("nordic pop", "art pop"), 71, 1_204_331),
    _artist("星野 夜", ("j-pop", "city pop"), 68, 845_210),
    _artist("فرقة النور", ("arabic pop", "khaleeji"), 55, 302_118),
    _artist("The Velvet Parallax", ("indie rock", "shoegaze"), 62, 410_902),
    _artist("DJ Mañana", ("latin electronic", "reggaeton"), 77, 2_931_004),
    _artist("Kwame & the Lagos Lights", ("afrobeats", "highlife"), 66, 655_420),
    _artist("Mø Sørensen", ("danish electronica",), 49, 98_311),
    _artist("Ellie 🌙 Park", ("k-indie", "bedroom pop"), 58, 221_870),
    _artist("Orquesta Brisa del Sur", ("tango", "nuevo tango"), 41, 45_002),
    _artist("Nightshift Collective", ("lo-fi beats", "chillhop"), 73, 3_402_556),
)

A = ARTISTS
TRACKS: tuple[FakeTrack, ...] = (
    FakeTrack("Cherish", (A[1],), "Yume no Naka e", 151_000, 74),
    FakeTrack("Northern Lights Over Tromsø", (A[0],), "Polar Hours", 221_000, 69),
    FakeTrack("真夜中のドライブ (Midnight Drive)", (A[1],), "東京シティライツ", 252_000, 71),
    FakeTrack("يا ليل", (A[2],), "ليالي القاهرة", 238_000, 52),
    FakeTrack("Static in the Wires", (A[3],), "Parallax View", 185_000, 60, explicit=True),
    FakeTrack(
        "Fuego Lento (feat. Kwame & the Lagos Lights)", (A[4], A[5]), "Madrugada", 202_000, 80
    ),
    FakeTrack(
        "A Very Long Title That Keeps Going Because The Band Could Not Decide When To Stop "
        "Writing It (Extended Rehearsal Take, 2019 Remaster)",
        (A[3],),
        "Parallax View (Deluxe Edition Including Every Demo We Ever Recorded)",
        465_000,
        38,
    ),
    FakeTrack("Ærø", (A[6],), "Østersøen", 197_000, 44),
    FakeTrack("🌙 Moon Letter", (A[7],), "Paper Planets", 176_000, 57),
    FakeTrack("Libertango en la Madrugada", (A[8],), "Brisa", 264_000, 40),
    FakeTrack("3 AM Study Session", (A[9],), "Late Night Tapes, Vol. 4", 143_000, 76),
    FakeTrack("Lagos Sunrise", (A[5],), "Eko Gold", 231_000, 63),
    FakeTrack("Glass Harbour", (A[0], A[6], A[7]), "Polar Hours", 209_000, 59),
)

LOCAL_FILE: dict[str, Any] = {
    "album": {
        "album_type": None,
        "artists": [],
        "available_markets": [],
        "external_urls": {},
        "href": None,
        "id": None,
        "images": [],
        "name": "Voice Memos",
        "release_date": None,
        "release_date_precision": None,
        "type": "album",
        "uri": None,
    },
    "artists": [
        {"external_urls": {}, "href": None, "id": None, "name": "Me", "type": "artist", "uri": None}
    ],
    "available_markets": [],
    "disc_number": 0,
    "duration_ms": 187_000,
    "explicit": False,
    "external_ids": {},
    "external_urls": {},
    "href": None,
    "id": None,
    "is_local": True,
    "name": "Bedroom Demo (take 3)",
    "popularity": 0,
    "preview_url": None,
    "track_number": 0,
    "type": "track",
    "uri": "spotify:local:Me:Voice+Memos:Bedroom+Demo+%28take+3%29:187",
}
LOCAL_FILE_URI: str = LOCAL_FILE["uri"]

_SHOW_ID = spotify_id("show:The Command Line")
_EPISODE_ID = spotify_id("episode:142")
EPISODE: dict[str, Any] = {
    **_ref("episode", _EPISODE_ID),
    "audio_preview_url": None,
    "description": "Why a new generation of tools lives in the terminal, and what they get right.",
    "duration_ms": 3_121_000,
    "explicit": False,
    "images": images("show:The Command Line"),
    "is_externally_hosted": False,
    "is_playable": True,
    "language": "en",
    "languages": ["en"],
    "name": "Ep. 142 — Why Terminal Apps Are Back",
    "release_date": "2026-10-30",
    "release_date_precision": "day",
    "show": {
        **_ref("show", _SHOW_ID),
        "available_markets": ["GB", "US"],
        "copyrights": [],
        "description": "Conversations about the command line.",
        "explicit": False,
        "images": images("show:The Command Line"),
        "is_externally_hosted": False,
        "languages": ["en"],
        "media_type": "audio",
        "name": "The Command Line",
        "publisher": "Shell Company Media",
        "total_episodes": 142,
    },
}
EPISODE_URI: str = EPISODE["uri"]


def episode_as_track(episode: dict[str, Any]) -> dict[str, Any]:
    """An episode as playlist items send it without ``additional_types=episode``:
    shaped as a track, its show under ``album`` and as a nameless artist (the shape
    recorded in rspotify #525, spotify-player #494 and home-assistant #130170)."""
    show = episode["show"]
    as_artist = {
        "external_urls": {"spotify": f"{OPEN}/show/{show['id']}"},
        "href": show["href"],
        "id": show["id"],
        "name": None,
        "type": show["name"],
        "uri": show["uri"],
    }
    return {
        "preview_url": None,
        "available_markets": show["available_markets"],
        "explicit": episode["explicit"],
        "type": "episode",
        "episode": False,
        "track": True,
        "album": {
            "available_markets": show["available_markets"],
            "type": "show",
            "album_type": "compilation",
            "href": show["href"],
            "id": show["id"],
            "images": show["images"],
            "name": show["name"],
            "release_date": None,
            "release_date_precision": None,
            "uri": show["uri"],
            "artists": [as_artist],
            "external_urls": {"spotify": f"{OPEN}/album/{show['id']}"},
            "total_tracks": 1,
        },
        "artists": [as_artist],
        "disc_number": 0,
        "track_number": 0,
        "duration_ms": episode["duration_ms"],
        "external_ids": {"spotify": episode["external_urls"]["spotify"]},
        "external_urls": episode["external_urls"],
        "href": episode["href"],
        "id": episode["id"],
        "name": episode["name"],
        "popularity": 0,
        "uri": episode["uri"],
        "is_local": False,
    }


# Word lists for the generated library.
_ADJ = (
    "Golden",
    "Quiet",
    "Electric",
    "Paper",
    "Velvet",
    "Broken",
    "Endless",
    "Neon",
    "Silver",
    "Hidden",
    "Falling",
    "Midnight",
    "Summer",
    "Crystal",
    "Wild",
    "Secret",
    "Lonely",
    "Bright",
)
_NOUN = (
    "Hearts",
    "Rivers",
    "Satellites",
    "Streets",
    "Letters",
    "Mirrors",
    "Gardens",
    "Signals",
    "Oceans",
    "Cities",
    "Echoes",
    "Dreams",
    "Windows",
    "Stars",
    "Roads",
    "Birds",
    "Waves",
)
_EXTRA = (
    "",
    "",
    "",
    " (Live)",
    " (Acoustic)",
    " - Remastered 2011",
    " (feat. 星野 夜)",
    " (Radio Edit)",
    " 🌊",
    " — Interlude",
)
_GEN_ARTISTS = tuple(
    _artist(name, (genre,), 30 + i * 3, 10_000 * (i + 1))
    for i, (name, genre) in enumerate(
        [
            ("Paper Satellites", "dream pop"),
            ("Los Hermanos Vega", "cumbia"),
            ("Mika Tanaka", "j-rock"),
            ("Ola Nordmann Trio", "jazz"),
            ("Sunday Static", "indie pop"),
            ("Zeynep Yılmaz", "turkish pop"),
            ("Harbour Lights", "folk"),
            ("BLK CRYSTAL", "k-pop"),
            ("Amara Okafor", "afro soul"),
            ("Fennec & Friends", "synthwave"),
        ]
    )
)
ALL_ARTISTS: tuple[FakeArtist, ...] = ARTISTS + _GEN_ARTISTS
LIBRARY_PREFIX = "lib"


def library_track(index: int) -> FakeTrack:
    """The generated track at ``index`` of the saved library."""
    rng = random.Random(index)
    name = f"{rng.choice(_ADJ)} {rng.choice(_NOUN)}{rng.choice(_EXTRA)}"
    artists = tuple(rng.sample(ALL_ARTISTS, rng.choice((1, 1, 1, 2, 3))))
    album = f"{rng.choice(_NOUN)} of {rng.choice(_ADJ).lower()} {rng.choice(_NOUN).lower()}"
    return FakeTrack(
        name=name,
        artists=artists,
        album=album,
        duration_ms=rng.randint(95_000, 420_000),
        popularity=rng.randint(5, 90),
        explicit=rng.random() < 0.1,
        release_date=f"{rng.randint(1968, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        track_number=rng.randint(1, 14),
        key=f"{LIBRARY_PREFIX}:{index}",
    )
