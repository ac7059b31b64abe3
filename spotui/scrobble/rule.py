"""When a play counts as a scrobble, and the live tracker that applies it to the hub's states.

The rule both services share: a track longer than 30 s counts once it has played for
half its length or 4 minutes, whichever comes first. Podcasts and ads never count.
Played time is time really playing: a pause adds nothing, and a seek adds no more
than the time that passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from spotui.text import clean

if TYPE_CHECKING:
    from spotui.core.player import PlayerState
    from spotui.spotify.models import Track

SHORTEST_MS = 30_000  # a track this long or shorter never counts
ENOUGH_MS = 240_000  # four minutes always counts
END_MS = 5_000  # a position this near the end: the track finished


def needed_ms(duration_ms: int) -> int | None:
    """How long a track must play to count; None when it never counts."""
    if duration_ms <= SHORTEST_MS:
        return None
    return min(duration_ms // 2, ENOUGH_MS)


def counts(duration_ms: int | None, played_ms: int) -> bool:
    """Does a play of ``played_ms`` of a track of ``duration_ms`` count? With no known
    length (an old export), 30 s played counts, as Spotify counts a stream."""
    if duration_ms is None or duration_ms <= 0:
        return played_ms >= SHORTEST_MS
    needed = needed_ms(duration_ms)
    return needed is not None and played_ms >= needed


@dataclass(frozen=True, slots=True)
class Listen:
    """One play as both services take it: ``started_at`` in Unix seconds."""

    artist: str
    track: str
    started_at: int
    album: str | None = None
    duration_ms: int | None = None
    uri: str | None = None


@dataclass(frozen=True, slots=True)
class NowPlaying:
    listen: Listen


@dataclass(frozen=True, slots=True)
class Scrobble:
    listen: Listen


Event = NowPlaying | Scrobble


class Tracker:
    """Follows the hub's states and says when a track starts and when its play counts.

    Each state comes with the monotonic ``now`` it arrived at (the hub may keep an older
    state's clock when a poll agrees with it) and the Unix time ``wall`` that goes with
    it: a listen's start is a wall-clock moment.
    """

    def __init__(self) -> None:
        self._state: PlayerState | None = None  # the last state of the current play
        self._listen: Listen | None = None
        self._position = 0  # where the play was at ``_at`` (monotonic), credited up to there
        self._at = 0.0
        self._played_ms = 0
        self._sent = False

    @property
    def played_ms(self) -> int:
        return self._played_ms

    def update(self, state: PlayerState, now: float, wall: float) -> list[Event]:
        """The events ``state`` (arriving at monotonic ``now``) brings."""
        events: list[Event] = []
        playback = state.playback
        track = _track(state)
        before = self._state
        if before is not None and self._listen is not None:
            if track is not None and _same_item(before, state) and not self._restarted(state, now):
                was_playing = bool(before.playback and before.playback.is_playing)
                if was_playing or (playback is not None and playback.is_playing):
                    self._credit(state.position(now), now)
                else:  # paused all along: nothing played, wherever it was moved to
                    self._position, self._at = state.position(now), now
            else:  # the play ended: credit it up to its end at most, and look once more
                if before.playback is not None and before.playback.is_playing:
                    self._credit(self._listen.duration_ms or 0, now)
                events += self._check()
                self._listen = None
        if track is None or playback is None:
            self._state = None
            self._listen = None
            return events
        if self._listen is None:
            position = state.position(now)
            self._listen = Listen(
                artist=clean(track.artists[0].name) if track.artists else "",
                track=clean(track.name),
                started_at=int(wall - position / 1000),
                album=clean(track.album.name) if track.album and track.album.name else None,
                duration_ms=track.duration_ms,
                uri=track.uri,
            )
            self._position, self._at = position, now
            self._played_ms = 0
            self._sent = False
            if self._listen.artist and self._listen.track:
                events.append(NowPlaying(self._listen))
        self._state = state
        events += self._check()
        return events

    def _restarted(self, state: PlayerState, now: float) -> bool:
        """The same track again from the top (repeat one): the play had reached its end."""
        assert state.playback is not None and self._state is not None
        duration = state.playback.duration_ms
        reached = self._state.position(now)
        return bool(duration) and reached >= duration - END_MS and state.position(now) < 30_000

    def _credit(self, position: int, now: float) -> None:
        """Add the time played from the last look to ``now``, where the play reached
        ``position``: never more than the time that passed, nothing while paused."""
        elapsed = max(0, int((now - self._at) * 1000))
        moved = position - self._position
        if moved >= 0:
            self._played_ms += min(moved, elapsed)
        else:  # sought back: it played from the new place at most
            self._played_ms += min(elapsed, max(0, position))
        self._position, self._at = position, now

    def _check(self) -> list[Event]:
        listen = self._listen
        if listen is None or self._sent or not listen.artist or not listen.track:
            return []
        if counts(listen.duration_ms, self._played_ms):
            self._sent = True
            return [Scrobble(listen)]
        return []


def _track(state: PlayerState) -> Track | None:
    playback = state.playback
    if playback is None or playback.is_ad or playback.item is None:
        return None
    item = playback.item
    return item if item.kind == "track" else None


def _same_item(a: PlayerState, b: PlayerState) -> bool:
    assert a.playback is not None and b.playback is not None
    x, y = a.playback.item, b.playback.item
    if x is None or y is None:
        return False
    if x.uri or y.uri:
        return x.uri == y.uri
    return (x.name, x.duration_ms) == (y.name, y.duration_ms)
