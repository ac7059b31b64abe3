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

    ``wall``: the Unix time that goes with the monotonic ``now`` given to :meth:`update`
    (a listen's start is a wall-clock moment; the states are timed on the monotonic clock).
    """

    def __init__(self) -> None:
        self._state: PlayerState | None = None  # the last state seen, of the current play
        self._listen: Listen | None = None
        self._played_ms = 0
        self._sent = False

    @property
    def played_ms(self) -> int:
        return self._played_ms

    def update(self, state: PlayerState, now: float, wall: float) -> list[Event]:
        """The events ``state`` (arriving at monotonic ``now``) brings."""
        events: list[Event] = []
        before = self._state
        playback = state.playback
        track = _track(state)
        if before is not None and before.playback is not None:
            same = playback is not None and track is not None and _same_item(before, state)
            if playback is not None and same and not self._restarted(before, state):
                self._credit(before, playback.progress_ms, state.received_at)
            else:
                # The last state's play ends: credit it up to its end, then look once more.
                end = before.playback.duration_ms or before.position(state.received_at)
                self._credit(before, end, state.received_at)
                events += self._check()
                self._listen = None
        if track is None or playback is None:
            self._state = None
            self._listen = None
            return events
        if self._listen is None:
            position = playback.progress_ms
            start = wall - (now - state.received_at) - position / 1000
            self._listen = Listen(
                artist=clean(track.artists[0].name) if track.artists else "",
                track=clean(track.name),
                started_at=int(start),
                album=clean(track.album.name) if track.album and track.album.name else None,
                duration_ms=track.duration_ms,
                uri=track.uri,
            )
            self._played_ms = 0
            self._sent = False
            if self._listen.artist and self._listen.track:
                events.append(NowPlaying(self._listen))
        self._state = state
        events += self._check()
        return events

    def _restarted(self, before: PlayerState, state: PlayerState) -> bool:
        """The same track again from the top (repeat one): the last play had reached its end."""
        assert before.playback is not None and state.playback is not None
        duration = state.playback.duration_ms
        reached = before.position(state.received_at)
        return (
            bool(duration) and reached >= duration - END_MS and state.playback.progress_ms < 30_000
        )

    def _credit(self, before: PlayerState, position: int, at: float) -> None:
        """Add the time ``before``'s play really played until ``at``, where it reached
        ``position``: never more than the time that passed, nothing while paused."""
        playback = before.playback
        if playback is None or not playback.is_playing:
            return
        elapsed = max(0, int((at - before.received_at) * 1000))
        moved = position - playback.progress_ms
        if moved >= 0:
            self._played_ms += min(moved, elapsed)
        else:  # sought back: it played from the new place at most
            self._played_ms += min(elapsed, max(0, position))

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
