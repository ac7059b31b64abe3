"""What the archive holds, on its way in: plays, tracks, where a play came from, and
the batches an import hands over; no SQL here."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, NamedTuple

from spotui.history.days import local_hour
from spotui.text import clean

# Where a play came from. Only plays of different sources are matched by time.
API, EXTENDED, ACCOUNT = 1, 2, 3
SOURCE_NAMES = {API: "api", EXTENDED: "export", ACCOUNT: "account data"}
MUSIC, PODCAST = 0, 1
# Spotify counts a stream as a play from 30 seconds on; shorter ones still add time.
PLAY_MS = 30_000


class PlayRecord(NamedTuple):
    """One play on its way in, from the API or a test; only what the stats use."""

    played_at: int  # UTC ms, when the play ended
    name: str
    artist: str
    album: str | None = None
    uri: str | None = None
    artist_uri: str | None = None
    album_uri: str | None = None
    duration_ms: int | None = None
    ms_played: int | None = None
    skipped: bool | None = None
    reason_start: str | None = None
    reason_end: str | None = None
    shuffle: bool | None = None
    kind: int = MUSIC


class Track(NamedTuple):
    """A track or episode as plays name it (equal to the plain tuple of its values)."""

    name: str
    artist: str
    album: str | None = None
    uri: str | None = None
    artist_uri: str | None = None
    album_uri: str | None = None
    duration_ms: int | None = None
    kind: int = MUSIC


class Batch(NamedTuple):
    """Plays as columns in time order, each track named once: how an import hands a
    file from process to process (lists of numbers and a few thousand tracks move far
    faster than as many records)."""

    tracks: Sequence[Track]
    track: Sequence[int]  # the play's index in tracks
    played_at: Sequence[int]
    ms: Sequence[int]  # ms played (the track's length when not known)
    day: Sequence[int]  # local day and hour of the week: see local_day_hour
    hour: Sequence[int]
    skipped: Sequence[bool | None]
    reason_start: Sequence[str | None]
    reason_end: Sequence[str | None]
    shuffle: Sequence[bool | None]


class Builder:
    """Gathers plays into a :class:`Batch`."""

    def __init__(self) -> None:
        self.index: dict[tuple[object, ...], int] = {}
        self.tracks: list[Track] = []
        self.rows: list[tuple[Any, ...]] = []
        self.words: dict[str, str] = {}  # reasons, one object each (pickled once)

    def track(self, key: tuple[object, ...]) -> int:
        """The index of a track, given as the values of :class:`Track`."""
        found = self.index.get(key)
        if found is None:
            found = self.index[key] = len(self.tracks)
            # No database can hold a lone surrogate: cleaned once a track, as parsed.
            self.tracks.append(Track._make(clean(v) if type(v) is str else v for v in key))
        return found

    def add(
        self,
        track: int,
        played_at: int,
        ms: int,
        skipped: object = None,
        reason_start: object = None,
        reason_end: object = None,
        shuffle: object = None,
    ) -> None:
        """One play (of ``track``, an index from :meth:`track`); values of the wrong type
        are dropped."""
        seconds = played_at // 1000
        offset, hour = local_hour(seconds // 3600)
        word = self.words.setdefault
        self.rows.append(
            (
                played_at,
                track,
                max(0, min(ms, 86_400_000)),
                (seconds + offset) // 86_400,
                hour,
                skipped if type(skipped) is bool else None,
                word(reason_start, reason_start) if type(reason_start) is str else None,
                word(reason_end, reason_end) if type(reason_end) is str else None,
                shuffle if type(shuffle) is bool else None,
            )
        )

    def batch(self) -> Batch:
        """The plays in time order; a lone surrogate in a name becomes U+FFFD (no UTF-8
        file or database can hold one), once for each track and word."""
        tracks = [
            Track._make(clean(v) if type(v) is str and not v.isascii() else v for v in track)
            for track in self.tracks
        ]
        if not self.rows:
            return Batch(tracks, *([] for _ in range(9)))
        self.rows.sort(key=itemgetter(0))
        played_at, track, *rest = zip(*self.rows, strict=True)
        odd = {word: clean(word) for word in self.words if clean(word) != word}
        if odd:  # reason_start and reason_end
            for at in (4, 5):
                rest[at] = tuple(odd.get(word, word) for word in rest[at])
        return Batch(tracks, track, played_at, *rest)


def gather(plays: Iterable[PlayRecord]) -> Batch:
    """Plays as a :class:`Batch`."""
    builder = Builder()
    for play in plays:
        index = builder.track(
            (
                play.name,
                play.artist,
                play.album,
                play.uri,
                play.artist_uri,
                play.album_uri,
                play.duration_ms,
                play.kind,
            )
        )
        ms = play.ms_played if play.ms_played is not None else play.duration_ms or 0
        builder.add(
            index,
            play.played_at,
            ms,
            play.skipped,
            play.reason_start,
            play.reason_end,
            play.shuffle,
        )
    return builder.batch()


@dataclass(frozen=True, slots=True)
class Added:
    """What one write did: plays added, and plays that were there already."""

    added: int = 0
    duplicates: int = 0


@dataclass(frozen=True, slots=True)
class Gap:
    """A span in which plays may be missing (a sync found more than Spotify keeps)."""

    start_ms: int
    end_ms: int


def normal(text: str) -> str:
    """The key two spellings of one name share: case and spacing ignored."""
    return " ".join(text.casefold().split())


def track_key(track: Track) -> str:
    """What plays of one song share, whatever its URI: artist, title and kind."""
    return f"{normal(track.artist)}\x1f{normal(track.name)}\x1f{track.kind}"
