"""One Spotify account in memory: a player with a clock, devices, history, top lists, library.

The player is lazy: position is derived from an anchor (a position at a
clock time), and :meth:`FakeAccount.sync` plays forward through every track
that ended since the last look, writing history as it goes.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from spotui.fake.catalog import (
    ALL_ARTISTS,
    EPISODE,
    EPISODE_URI,
    LOCAL_FILE,
    LOCAL_FILE_URI,
    TRACKS,
    FakeTrack,
    library_track,
    spotify_id,
)
from spotui.fake.discography import (
    ALBUM_TRACKS,
    ALBUMS,
    DISCOGRAPHY,
    FakeAlbum,
    demo_playlists,
)

PLAYLIST_URI = "spotify:playlist:" + spotify_id("playlist:spotui demo mix")
QUEUE_SHOWN = 20  # GET /me/player/queue shows about 20 items
SHOW_URI: str = EPISODE["show"]["uri"]
MAX_LIBRARY = 50_000
HISTORY_LIMIT = 200


class FakeApiError(Exception):
    """An error the fake answers with Spotify's ``{"error": {...}}`` body."""

    def __init__(self, status: int, message: str, reason: str | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.reason = reason

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"status": self.status, "message": self.message}
        if self.reason:
            error["reason"] = self.reason
        return {"error": error}


def _device(name: str, kind: str, volume: int | None, *, id_: str | None = "", **extra: Any):
    return {
        "id": spotify_id("device:" + name) if id_ == "" else id_,
        "is_active": False,
        "is_private_session": False,
        "is_restricted": False,
        "name": name,
        "type": kind,
        "volume_percent": volume,
        "supports_volume": volume is not None,
        **extra,
    }


def iso(seconds: float) -> str:
    """ISO 8601 UTC with milliseconds, as ``played_at`` and ``added_at`` use."""
    moment = datetime.fromtimestamp(seconds, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass
class Player:
    """The player's mutable state. ``anchor_pos`` ms was the position at ``anchor_at``."""

    context: list[str]
    context_uri: str | None
    index: int = 0
    is_playing: bool = True
    anchor_pos: int = 0
    anchor_at: float = 0.0
    changed_at: float = 0.0
    shuffle: bool = False
    repeat: str = "off"
    played: list[int] = field(default_factory=list)  # indexes in play order, for previous
    queued: str | None = None  # an item from the user's queue, playing before context[index + 1]

    @property
    def uri(self) -> str:
        return self.queued or self.context[self.index]


class FakeAccount:
    """A listener's account. ``clock`` gives wall-clock seconds (tests pass a manual one)."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.time,
        library_size: int = 500,
        seed: int = 7,
    ):
        if not 0 <= library_size <= MAX_LIBRARY:
            raise ValueError(f"library_size is 0 to {MAX_LIBRARY}")
        self.clock = clock
        self.rng = random.Random(seed)
        now = clock()
        self.display_name = "Demo Listener"
        self.user_id = "spotui-demo"
        # Album versions win: they know their track number and the album's size.
        self.tracks: dict[str, FakeTrack] = {track.uri: track for track in TRACKS} | ALBUM_TRACKS
        self.devices: list[dict[str, Any]] = [
            _device("Living Room", "Speaker", 62),
            _device("spotui-laptop", "Computer", 80),
            _device("Pixel 9", "Smartphone", 45),
            _device("Car", "Automobile", None, id_=None, is_restricted=True),
        ]
        self.active_device: dict[str, Any] | None = self.devices[1]
        self.devices[1]["is_active"] = True
        # The default context: the catalogue, with a local file in the middle.
        default = [track.uri for track in TRACKS]
        default.insert(5, LOCAL_FILE_URI)
        self.default_context = default
        self._player = Player(
            context=list(default),
            context_uri=PLAYLIST_URI,
            anchor_pos=46_000,
            anchor_at=now,
            changed_at=now,
        )
        # Library: newest first. Generated tracks are made on demand from their index.
        self.library_index: dict[str, int] = {}
        self.saved: list[tuple[str, float]] = []
        for index in range(library_size):
            track = library_track(index)
            self.library_index[track.uri] = index
            self.saved.append((track.uri, now - 3_600 * (index + 1) * 5))
        self.saved_set = {uri for uri, _ in self.saved}
        for track in TRACKS[:4]:
            self.save(track.uri)
        # History, newest first: (uri, played_at seconds, context uri).
        self.history: list[tuple[str, float, str | None]] = []
        moment = now - 600
        for step in range(30):
            track = TRACKS[(step * 5) % len(TRACKS)]
            self.history.append((track.uri, moment, PLAYLIST_URI))
            moment -= track.duration_ms / 1000 + self.rng.randint(0, 900)
        self.top_tracks = self._top_track_lists()
        self.top_artists = self._top_artist_lists()
        self.queue: list[str] = []  # what the user queued, in order
        self._library_albums: dict[str, list[FakeTrack]] | None = None
        self.playlists = demo_playlists(self.user_id, self.display_name, default)
        # A playlist's items, mutable: (uri, added at, added by).
        self.playlist_items: dict[str, list[tuple[str, float, str]]] = {
            playlist.id: [
                (uri, now - 86_400 * (n + 1), playlist.owner) for n, uri in enumerate(playlist.uris)
            ]
            for playlist in self.playlists
        }

    @property
    def player(self) -> Player:
        """The player as of now (tracks that ended meanwhile are played forward)."""
        self.sync()
        return self._player

    # --- lookups ------------------------------------------------------------------

    def item_json(self, uri: str) -> dict[str, Any]:
        if uri == LOCAL_FILE_URI:
            return LOCAL_FILE
        if uri == EPISODE_URI:
            return EPISODE
        return self.track(uri).json()

    def track(self, uri: str) -> FakeTrack:
        if uri in self.tracks:
            return self.tracks[uri]
        return library_track(self.library_index[uri])

    def knows(self, uri: str) -> bool:
        return (
            uri in self.tracks or uri in self.library_index or uri in (LOCAL_FILE_URI, EPISODE_URI)
        )

    def duration(self, uri: str) -> int:
        return int(self.item_json(uri)["duration_ms"])

    # --- the clock ----------------------------------------------------------------

    def position(self) -> int:
        """The position now, after playing forward through any ended tracks."""
        self.sync()
        player = self._player
        if not player.is_playing:
            return player.anchor_pos
        return player.anchor_pos + int((self.clock() - player.anchor_at) * 1000)

    def sync(self) -> None:
        """Play forward: every track that ended since the last look goes to history."""
        player, now = self._player, self.clock()
        while player.is_playing:
            duration = self.duration(player.uri)
            ends_at = player.anchor_at + (duration - player.anchor_pos) / 1000
            if now < ends_at:
                return
            self._record(player.uri, ends_at)
            if player.repeat == "track":
                self._anchor(0, ends_at)
                continue
            if not self._advance(ends_at, natural=True):
                return

    def listened(self, count: int, until: float | None = None) -> list[tuple[str, float]]:
        """``count`` plays on another device, as if the user listened while spotui was
        away: spread between the newest play in the history and ``until`` (default:
        now). Returns them, oldest first."""
        end = self.clock() if until is None else until
        start = self.history[0][1] if self.history else end - count * 200
        step = (end - start) / (count + 1)
        added = [
            (TRACKS[(n * 3 + len(self.history)) % len(TRACKS)].uri, start + step * (n + 1))
            for n in range(count)
        ]
        self.history[:0] = [(uri, at, None) for uri, at in reversed(added)]
        del self.history[HISTORY_LIMIT:]
        return added

    def _record(self, uri: str, at: float) -> None:
        if uri.startswith("spotify:track:") or uri == LOCAL_FILE_URI:
            self.history.insert(0, (uri, at, self._player.context_uri))
            del self.history[HISTORY_LIMIT:]

    def _anchor(self, position: int, at: float) -> None:
        self._player.anchor_pos = position
        self._player.anchor_at = at
        self._player.changed_at = at

    def _advance(self, at: float, *, natural: bool) -> bool:
        """Go to the next item. False when the context ran out (playback stops)."""
        player = self._player
        if self.queue:  # queued items play first, then the context goes on where it was
            player.queued = self.queue.pop(0)
            self._anchor(0, at)
            return True
        player.queued = None
        count = len(player.context)
        if player.shuffle and count > 1:
            following = self.rng.choice([i for i in range(count) if i != player.index])
        elif player.index + 1 < count:
            following = player.index + 1
        elif player.repeat == "context" or not natural:
            following = 0
        else:
            player.index, player.is_playing = 0, False
            self._anchor(0, at)
            return False
        player.played.append(player.index)
        player.index = following
        self._anchor(0, at)
        return True

    # --- player commands (the service checks device and Premium first) -----------

    def pause(self) -> None:
        self.sync()
        if not self._player.is_playing:
            raise FakeApiError(403, "Player command failed: Restriction violated", "UNKNOWN")
        self._anchor(self.position(), self.clock())
        self._player.is_playing = False

    def play(self, body: dict[str, Any] | None) -> None:
        self.sync()
        body = body or {}
        uris, context_uri = body.get("uris"), body.get("context_uri")
        position = body.get("position_ms")
        if position is not None and (not isinstance(position, int) or position < 0):
            raise FakeApiError(400, "Invalid position_ms")
        loaded = uris is not None or context_uri is not None
        if loaded:
            self._load(uris, context_uri, body.get("offset"))
        elif self._player.is_playing and position is None:
            raise FakeApiError(403, "Player command failed: Restriction violated", "UNKNOWN")
        start = position if position is not None else (0 if loaded else self.position())
        self._anchor(min(start, self.duration(self._player.uri)), self.clock())
        self._player.is_playing = True

    def _load(self, uris: Any, context_uri: Any, offset: Any) -> None:
        if uris is not None:
            if (
                not isinstance(uris, list)
                or not uris
                or not all(isinstance(uri, str) and self.knows(uri) for uri in uris)
            ):
                raise FakeApiError(400, "Invalid track uri")
            context, context_uri = list(uris), None
        elif isinstance(context_uri, str) and (found := self.context_items(context_uri)):
            context = found
        else:
            raise FakeApiError(404, "Not found.")
        start = 0
        if isinstance(offset, dict):
            if isinstance(offset.get("position"), int):
                start = offset["position"]
            elif offset.get("uri") in context:
                start = context.index(offset["uri"])
            if not 0 <= start < len(context):
                raise FakeApiError(400, "Invalid offset")
        self._player = Player(
            context=context,
            context_uri=context_uri,
            index=start,
            shuffle=self._player.shuffle,
            repeat=self._player.repeat,
        )

    def context_items(self, context_uri: str) -> list[str]:
        """What a context plays, in order; empty when there is no such context."""
        kind, _, id_ = context_uri.removeprefix("spotify:").partition(":")
        if context_uri == SHOW_URI:
            return [EPISODE_URI]
        if kind == "album" and (album := self.album(id_)) is not None:
            return [track.uri for track in album.tracks]
        if kind == "artist" and id_ in DISCOGRAPHY:
            return [track.uri for album in DISCOGRAPHY[id_] for track in album.tracks]
        if kind == "playlist" and id_ in self.playlist_items:
            return [uri for uri, _, _ in self.playlist_items[id_]]
        return []

    def album(self, album_id: str) -> FakeAlbum | None:
        """A discography album, or one the saved library's made-up tracks are on."""
        if album_id in ALBUMS:
            return ALBUMS[album_id]
        if self._library_albums is None:  # built once, on the first look
            self._library_albums = {}
            for index in self.library_index.values():
                track = library_track(index)
                self._library_albums.setdefault(spotify_id("album:" + track.album), []).append(
                    track
                )
        tracks = self._library_albums.get(album_id)
        if not tracks:
            return None
        return FakeAlbum(tracks[0].album, tracks[0].artists[0], tuple(tracks))

    def add_to_queue(self, uri: str) -> None:
        if not self.knows(uri):
            raise FakeApiError(400, "Invalid track uri")
        self.sync()
        self.queue.append(uri)

    def up_next(self) -> list[str]:
        """The queue as Spotify shows it: queued items, then the context's next ones."""
        player = self.player
        following = player.context[player.index + 1 :]
        if player.repeat == "context":
            following += player.context[: player.index + 1]
        return (self.queue + following)[:QUEUE_SHOWN]

    def next(self) -> None:
        self.sync()
        self._advance(self.clock(), natural=False)

    def previous(self) -> None:
        """Back to the start when more than 3 s in, else the previous item."""
        self.sync()
        player, now = self._player, self.clock()
        if player.queued is not None:
            player.queued = None  # back to the item played before the queued one
        elif self.position() <= 3_000:
            player.index = player.played.pop() if player.played else max(0, player.index - 1)
        self._anchor(0, now)

    def seek(self, position_ms: int) -> None:
        self.sync()
        if position_ms >= self.duration(self._player.uri):
            self.next()
            return
        self._anchor(position_ms, self.clock())

    def set_volume(self, percent: int) -> None:
        device = self.active_device
        if device is None or not device["supports_volume"]:
            raise FakeApiError(
                403,
                "Player command failed: Cannot control device volume",
                "VOLUME_CONTROL_DISALLOW",
            )
        device["volume_percent"] = percent
        self._player.changed_at = self.clock()

    def set_shuffle(self, state: bool) -> None:
        self.sync()
        self._player.shuffle = state
        self._player.changed_at = self.clock()

    def set_repeat(self, state: str) -> None:
        self.sync()
        self._player.repeat = state
        self._player.changed_at = self.clock()

    def transfer(self, device_id: str, play: bool | None) -> None:
        self.sync()
        target = next((d for d in self.devices if d["id"] == device_id and d["id"]), None)
        if target is None:
            raise FakeApiError(404, "Device not found")
        if target["is_restricted"]:
            raise FakeApiError(
                403, "Player command failed: Restriction violated", "DEVICE_NOT_CONTROLLABLE"
            )
        position = self.position()
        for device in self.devices:
            device["is_active"] = device is target
        self.active_device = target
        self._anchor(position, self.clock())
        if play is not None:
            self._player.is_playing = bool(play)

    def deactivate(self) -> None:
        """The active device went away: playback stops."""
        self.sync()
        if self._player.is_playing:
            self.pause()
        for device in self.devices:
            device["is_active"] = False
        self.active_device = None

    def resume(
        self, player: Player, queue: list[str], device_id: str | None, volumes: dict[str, int]
    ) -> None:
        """Go on from a kept state (see :mod:`spotui.fake.state`, which checked it)."""
        self._player = player
        self.queue = queue
        self.active_device = None
        for device in self.devices:
            device["is_active"] = device["id"] == device_id and device_id is not None
            if device["is_active"]:
                self.active_device = device
            if device["id"] in volumes:
                device["volume_percent"] = volumes[device["id"]]

    def load_default(self) -> None:
        self._load(None, PLAYLIST_URI, None)
        self._player.is_playing = True
        self._anchor(0, self.clock())

    def load_episode(self) -> None:
        self._load(None, SHOW_URI, None)
        self._player.is_playing = True
        self._anchor(754_000, self.clock())

    # --- library ------------------------------------------------------------------

    def save(self, uri: str) -> None:
        if uri not in self.saved_set:
            self.saved.insert(0, (uri, self.clock()))
            self.saved_set.add(uri)

    def remove(self, uri: str) -> None:
        if uri in self.saved_set:
            self.saved_set.discard(uri)
            self.saved = [entry for entry in self.saved if entry[0] != uri]

    # --- top lists ------------------------------------------------------------------

    def _top_track_lists(self) -> dict[str, list[str]]:
        pool = [track.uri for track in TRACKS] + sorted(self.library_index)[:60]
        lists = {}
        for seed, time_range in enumerate(("short_term", "medium_term", "long_term")):
            ranked = list(pool)
            random.Random(seed).shuffle(ranked)
            lists[time_range] = ranked[:50]
        return lists

    def _top_artist_lists(self) -> dict[str, list[int]]:
        lists = {}
        for seed, time_range in enumerate(("short_term", "medium_term", "long_term")):
            ranked = list(range(len(ALL_ARTISTS)))
            random.Random(100 + seed).shuffle(ranked)
            lists[time_range] = ranked
        return lists
