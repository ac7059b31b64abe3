"""Frozen dataclasses for what the Web API returns, parsed at the boundary.

Every ``from_json`` takes whatever came over the wire and never raises on a
missing, null or mistyped field: it falls back to an empty value instead, so
the UI never digs in raw dicts and never meets a ``KeyError``.

Fields that Spotify no longer sends to Development Mode apps (artist genres,
followers and popularity; track popularity; show publisher; user product and
country) are ``None`` when absent, never an empty string or zero: the UI shows
nothing for them and JSON output prints ``null``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Generic, Literal, TypeVar

from spotui.text import clean

T = TypeVar("T")

RepeatMode = Literal["off", "track", "context"]
TimeRange = Literal["short_term", "medium_term", "long_term"]
PlayingType = Literal["track", "episode", "ad", "unknown"]

REPEAT_MODES: tuple[RepeatMode, ...] = ("off", "context", "track")
NOT_SAVABLE = "Only Spotify tracks can be saved (not episodes, ads or local files)."
TIME_RANGES: tuple[TimeRange, ...] = ("short_term", "medium_term", "long_term")


# --- tolerant field readers -------------------------------------------------------


def _obj(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _str(data: Mapping[str, Any], key: str, default: str = "") -> str:
    value = data.get(key)
    return clean(value) if isinstance(value, str) else default


def _opt_str(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return clean(value) if isinstance(value, str) and value else None


def _int(data: Mapping[str, Any], key: str, default: int = 0) -> int:
    value = _opt_int(data, key)
    return default if value is None else value


def _opt_int(data: Mapping[str, Any], key: str) -> int | None:
    """A whole number, or None (also for NaN and infinity, which JSON lets through)."""
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value) if math.isfinite(value) else None


def _bool(data: Mapping[str, Any], key: str, default: bool = False) -> bool:
    value = data.get(key)
    return value if isinstance(value, bool) else default


def _list(data: Mapping[str, Any], key: str, parse: Callable[[Any], T | None]) -> tuple[T, ...]:
    value = data.get(key)
    if not isinstance(value, list):
        return ()
    parsed = (parse(item) for item in value)
    return tuple(item for item in parsed if item is not None)


def _url(data: Mapping[str, Any]) -> str | None:
    return _opt_str(_obj(data.get("external_urls")), "spotify")


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


# --- catalogue objects ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Image:
    url: str
    width: int | None = None
    height: int | None = None

    @classmethod
    def from_json(cls, data: Any) -> Image | None:
        data = _obj(data)
        url = _opt_str(data, "url")
        if url is None:
            return None
        return cls(url=url, width=_opt_int(data, "width"), height=_opt_int(data, "height"))


def pick_image(images: tuple[Image, ...], want: int = 300) -> Image | None:
    """The smallest image at least ``want`` px wide, else the largest there is."""
    if not images:
        return None
    sized = sorted(images, key=lambda image: image.width or 0)
    for image in sized:
        if (image.width or 0) >= want:
            return image
    return sized[-1]


@dataclass(frozen=True, slots=True)
class Artist:
    name: str
    id: str | None = None
    uri: str | None = None
    url: str | None = None
    genres: tuple[str, ...] | None = None
    popularity: int | None = None
    followers: int | None = None
    images: tuple[Image, ...] = ()

    @classmethod
    def from_json(cls, data: Any) -> Artist | None:
        data = _obj(data)
        if not data:
            return None
        # A track's artists are "simplified": no genres, followers or images.
        # Checking for the keys first keeps a large library cheap to parse.
        genres, followers = data.get("genres"), data.get("followers")
        return cls(
            name=_str(data, "name", "Unknown artist"),
            id=_opt_str(data, "id"),
            uri=_opt_str(data, "uri"),
            url=_url(data),
            genres=_list(data, "genres", lambda g: clean(g) if isinstance(g, str) else None)
            if isinstance(genres, list)
            else None,
            popularity=_opt_int(data, "popularity") if "popularity" in data else None,
            followers=_opt_int(followers, "total") if isinstance(followers, Mapping) else None,
            images=_list(data, "images", Image.from_json) if data.get("images") else (),
        )


@dataclass(frozen=True, slots=True)
class Album:
    name: str
    id: str | None = None
    uri: str | None = None
    url: str | None = None
    artists: tuple[Artist, ...] = ()
    images: tuple[Image, ...] = ()
    release_date: str | None = None
    album_type: str | None = None  # "album", "single" or "compilation"
    total_tracks: int | None = None

    @classmethod
    def from_json(cls, data: Any) -> Album | None:
        data = _obj(data)
        if not data:
            return None
        return cls(
            name=_str(data, "name"),
            id=_opt_str(data, "id"),
            uri=_opt_str(data, "uri"),
            url=_url(data),
            artists=_list(data, "artists", Artist.from_json),
            images=_list(data, "images", Image.from_json),
            release_date=_opt_str(data, "release_date"),
            album_type=_opt_str(data, "album_type"),
            total_tracks=_opt_int(data, "total_tracks"),
        )

    @property
    def artist_names(self) -> str:
        return ", ".join(artist.name for artist in self.artists)

    @property
    def year(self) -> str:
        return (self.release_date or "")[:4]


@dataclass(frozen=True, slots=True)
class Track:
    """A song. A local file has ``is_local`` set and no id, URL or images."""

    name: str
    duration_ms: int
    id: str | None = None
    uri: str | None = None
    url: str | None = None
    artists: tuple[Artist, ...] = ()
    album: Album | None = None
    is_local: bool = False
    explicit: bool = False
    popularity: int | None = None
    kind: Literal["track"] = field(default="track", init=False)

    @classmethod
    def from_json(cls, data: Any) -> Track | None:
        data = _obj(data)
        if not data or data.get("type") == "episode":
            return None
        return cls(
            name=_str(data, "name", "Unknown track"),
            duration_ms=max(0, _int(data, "duration_ms")),
            id=_opt_str(data, "id"),
            uri=_opt_str(data, "uri"),
            url=_url(data),
            artists=_list(data, "artists", Artist.from_json),
            album=Album.from_json(data.get("album")),
            is_local=_bool(data, "is_local"),
            explicit=_bool(data, "explicit"),
            popularity=_opt_int(data, "popularity"),
        )

    @property
    def artist_names(self) -> str:
        return ", ".join(artist.name for artist in self.artists)

    @property
    def savable(self) -> bool:
        """Can it go in the library? Not a local file, and it has a URI."""
        return not self.is_local and bool(self.uri)

    @property
    def images(self) -> tuple[Image, ...]:
        return self.album.images if self.album else ()


@dataclass(frozen=True, slots=True)
class Show:
    name: str
    publisher: str | None = None
    id: str | None = None
    uri: str | None = None
    images: tuple[Image, ...] = ()

    @classmethod
    def from_json(cls, data: Any) -> Show | None:
        data = _obj(data)
        if not data:
            return None
        return cls(
            name=_str(data, "name"),
            publisher=_opt_str(data, "publisher"),
            id=_opt_str(data, "id"),
            uri=_opt_str(data, "uri"),
            images=_list(data, "images", Image.from_json),
        )


@dataclass(frozen=True, slots=True)
class Episode:
    """A podcast episode: a show and its publisher instead of artists and album."""

    name: str
    duration_ms: int
    id: str | None = None
    uri: str | None = None
    url: str | None = None
    show: Show | None = None
    images: tuple[Image, ...] = ()
    release_date: str | None = None
    kind: Literal["episode"] = field(default="episode", init=False)

    @classmethod
    def from_json(cls, data: Any) -> Episode | None:
        """A proper episode, or the track-like shape Spotify sends in playlist items
        asked for without ``additional_types=episode``: its show under ``album``."""
        data = _obj(data)
        if not data:
            return None
        show = Show.from_json(data.get("show"))
        album = _obj(data.get("album"))
        if show is None and album.get("type") == "show":
            show = Show.from_json(album)
        images = _list(data, "images", Image.from_json) or (show.images if show else ())
        return cls(
            name=_str(data, "name", "Unknown episode"),
            duration_ms=max(0, _int(data, "duration_ms")),
            id=_opt_str(data, "id"),
            uri=_opt_str(data, "uri"),
            url=_url(data),
            show=show,
            images=images,
            release_date=_opt_str(data, "release_date"),
        )


Item = Track | Episode


def parse_item(data: Any) -> Item | None:
    """A track or an episode, told apart by ``type`` or the URI (a track otherwise)."""
    data = _obj(data)
    if not data:
        return None
    if data.get("type") == "episode" or _str(data, "uri").startswith("spotify:episode:"):
        return Episode.from_json(data)
    return Track.from_json(data)


# --- the player -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Device:
    """A Spotify Connect device. ``id`` and ``volume_percent`` can be null."""

    name: str
    id: str | None = None
    type: str = "Unknown"
    is_active: bool = False
    is_private_session: bool = False
    is_restricted: bool = False
    volume_percent: int | None = None
    supports_volume: bool = False

    @classmethod
    def from_json(cls, data: Any) -> Device | None:
        data = _obj(data)
        if not data:
            return None
        return cls(
            name=_str(data, "name", "Unknown device"),
            id=_opt_str(data, "id"),
            type=_str(data, "type", "Unknown"),
            is_active=_bool(data, "is_active"),
            is_private_session=_bool(data, "is_private_session"),
            is_restricted=_bool(data, "is_restricted"),
            volume_percent=_opt_int(data, "volume_percent"),
            supports_volume=_bool(data, "supports_volume"),
        )


def parse_devices(data: Any) -> tuple[Device, ...]:
    return _list(_obj(data), "devices", Device.from_json)


@dataclass(frozen=True, slots=True)
class Playback:
    """The player's state. ``item`` is None for an ad and for unknown content.

    ``progress_ms`` is the position when Spotify answered. Spotify's
    ``timestamp`` is kept for reference, but in practice it marks the last
    state change, not the moment of the answer: move a progress bar from
    ``progress_ms`` and the local time the answer arrived.
    """

    is_playing: bool
    progress_ms: int
    item: Item | None = None
    playing_type: PlayingType = "unknown"
    device: Device | None = None
    shuffle: bool = False
    repeat: RepeatMode = "off"
    timestamp: int | None = None
    context_uri: str | None = None
    disallows: frozenset[str] = frozenset()

    @classmethod
    def from_json(cls, data: Any) -> Playback:
        data = _obj(data)
        item = parse_item(data.get("item"))
        playing_type = _str(data, "currently_playing_type")
        if playing_type not in ("track", "episode", "ad", "unknown"):
            playing_type = item.kind if item else "unknown"
        repeat = _str(data, "repeat_state", "off")
        disallows = _obj(_obj(data.get("actions")).get("disallows"))
        return cls(
            is_playing=_bool(data, "is_playing"),
            progress_ms=max(0, _int(data, "progress_ms")),
            item=item,
            playing_type=playing_type,  # type: ignore[arg-type]
            device=Device.from_json(data.get("device")),
            shuffle=_bool(data, "shuffle_state"),
            repeat=repeat if repeat in REPEAT_MODES else "off",
            timestamp=_opt_int(data, "timestamp"),
            context_uri=_opt_str(_obj(data.get("context")), "uri"),
            disallows=frozenset(key for key, value in disallows.items() if value is True),
        )

    @property
    def is_ad(self) -> bool:
        return self.playing_type == "ad"

    @property
    def duration_ms(self) -> int:
        return self.item.duration_ms if self.item else 0


# --- lists ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Paging(Generic[T]):
    """An offset-paged list (``/me/top/*``, ``/me/tracks``)."""

    items: tuple[T, ...]
    total: int
    limit: int
    offset: int
    next: str | None = None
    previous: str | None = None
    etag: str | None = None

    @classmethod
    def from_json(
        cls, data: Any, parse: Callable[[Any], T | None], etag: str | None = None
    ) -> Paging[T]:
        data = _obj(data)
        items = _list(data, "items", parse)
        return cls(
            items=items,
            total=max(_int(data, "total", len(items)), 0),
            limit=_int(data, "limit", len(items)),
            offset=max(_int(data, "offset"), 0),
            next=_opt_str(data, "next"),
            previous=_opt_str(data, "previous"),
            etag=etag,
        )


@dataclass(frozen=True, slots=True)
class SavedTrack:
    track: Track
    added_at: datetime | None = None

    @classmethod
    def from_json(cls, data: Any) -> SavedTrack | None:
        data = _obj(data)
        track = Track.from_json(data.get("track"))
        if track is None:
            return None
        return cls(track=track, added_at=_time(data.get("added_at")))


@dataclass(frozen=True, slots=True)
class PlayHistory:
    track: Track
    played_at: datetime | None = None
    context_uri: str | None = None

    @classmethod
    def from_json(cls, data: Any) -> PlayHistory | None:
        data = _obj(data)
        track = Track.from_json(data.get("track"))
        if track is None:
            return None
        return cls(
            track=track,
            played_at=_time(data.get("played_at")),
            context_uri=_opt_str(_obj(data.get("context")), "uri"),
        )


@dataclass(frozen=True, slots=True)
class CursorPage(Generic[T]):
    """A cursor-paged list (``/me/player/recently-played``)."""

    items: tuple[T, ...]
    limit: int
    next: str | None = None
    before: str | None = None
    after: str | None = None

    @classmethod
    def from_json(cls, data: Any, parse: Callable[[Any], T | None]) -> CursorPage[T]:
        data = _obj(data)
        items = _list(data, "items", parse)
        cursors = _obj(data.get("cursors"))
        return cls(
            items=items,
            limit=_int(data, "limit", len(items)),
            next=_opt_str(data, "next"),
            before=_opt_str(cursors, "before"),
            after=_opt_str(cursors, "after"),
        )


@dataclass(frozen=True, slots=True)
class User:
    id: str
    display_name: str | None = None
    product: str | None = None
    country: str | None = None
    url: str | None = None

    @classmethod
    def from_json(cls, data: Any) -> User:
        data = _obj(data)
        return cls(
            id=_str(data, "id"),
            display_name=_opt_str(data, "display_name"),
            product=_opt_str(data, "product"),
            country=_opt_str(data, "country"),
            url=_url(data),
        )

    @property
    def is_premium(self) -> bool | None:
        return None if self.product is None else self.product == "premium"


@dataclass(frozen=True, slots=True)
class Playlist:
    """A playlist as ``/me/playlists`` and search list it.

    ``total`` is None when Spotify did not say (2026 moved the count from
    ``tracks`` to ``items``; both are read).
    """

    name: str
    id: str | None = None
    uri: str | None = None
    url: str | None = None
    owner_id: str | None = None
    owner_name: str | None = None
    collaborative: bool = False
    total: int | None = None
    description: str | None = None
    images: tuple[Image, ...] = ()

    @classmethod
    def from_json(cls, data: Any) -> Playlist | None:
        data = _obj(data)
        if not data:
            return None
        owner = _obj(data.get("owner"))
        count = _obj(data.get("items")) or _obj(data.get("tracks"))
        return cls(
            name=_str(data, "name", "Untitled playlist"),
            id=_opt_str(data, "id"),
            uri=_opt_str(data, "uri"),
            url=_url(data),
            owner_id=_opt_str(owner, "id"),
            owner_name=_opt_str(owner, "display_name"),
            collaborative=_bool(data, "collaborative"),
            total=_opt_int(count, "total"),
            description=_opt_str(data, "description"),
            images=_list(data, "images", Image.from_json),
        )

    @property
    def owner(self) -> str | None:
        """Who owns it, as shown: the display name, or the id when Spotify sent no name."""
        return self.owner_name or self.owner_id

    def editable_by(self, user_id: str | None) -> bool:
        """Can this user read its items and add to it? Owned or collaborative only."""
        return self.collaborative or (user_id is not None and self.owner_id == user_id)


def parse_playlist_entry(data: Any) -> Item | None:
    """One playlist item: under ``item`` since 2026 (``track`` before)."""
    data = _obj(data)
    return parse_item(data.get("item") if "item" in data else data.get("track"))


@dataclass(frozen=True, slots=True)
class Queue:
    """What plays now and next. Spotify does not say which items the user queued."""

    playing: Item | None = None
    next: tuple[Item, ...] = ()

    @classmethod
    def from_json(cls, data: Any) -> Queue:
        data = _obj(data)
        return cls(
            playing=parse_item(data.get("currently_playing")),
            next=_list(data, "queue", parse_item),
        )


SearchType = Literal["track", "artist", "album", "playlist"]
SEARCH_TYPES: tuple[SearchType, ...] = ("track", "artist", "album", "playlist")
SEARCH_LIMIT = 10  # results a type per search request, at most (2026)


@dataclass(frozen=True, slots=True)
class SearchResults:
    """One page of each type asked for; a type not asked for is None."""

    tracks: Paging[Track] | None = None
    artists: Paging[Artist] | None = None
    albums: Paging[Album] | None = None
    playlists: Paging[Playlist] | None = None

    @classmethod
    def from_json(cls, data: Any) -> SearchResults:
        data = _obj(data)

        def page(key: str, parse: Callable[[Any], T | None]) -> Paging[T] | None:
            return Paging.from_json(data[key], parse) if isinstance(data.get(key), dict) else None

        return cls(
            tracks=page("tracks", Track.from_json),
            artists=page("artists", Artist.from_json),
            albums=page("albums", Album.from_json),
            playlists=page("playlists", Playlist.from_json),
        )
