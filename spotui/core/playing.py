"""Playing what the user sees, with no UI: which request starts it, and what shows at once.

A list of tracks (top tracks, recently played, the library, search results) has no
context on Spotify, so it plays as ``uris``: the chosen track and up to 49 after
it. An album or a playlist plays as itself (``context_uri``) from the chosen
track (``offset``), so "next" goes on within it. An artist plays as a context.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from spotui.core.controller import Command
from spotui.core.player import PlayerState
from spotui.spotify.client import SpotifyClient
from spotui.spotify.models import Album, Artist, Image, Item, Playback, Playlist, Track

WINDOW = 50  # tracks sent as uris when a list has no context
KINDS = ("track", "album", "artist", "playlist", "show", "episode")
CONTEXT_KINDS = ("album", "artist", "playlist", "show")  # played as a context_uri
# An old link or URI names the playlist's owner first: …/user/NAME/playlist/ID.
_LINK = re.compile(
    r"^https?://open\.spotify\.com/(?:intl-[a-z-]+/)?(?:user/[^/?#]+/)?([a-z]+)/([0-9A-Za-z]{22})"
)
_URI = re.compile(r"^spotify:(?:user:[^:]+:)?([a-z]+):([0-9A-Za-z]{22})$")


def spotify_uri(text: str) -> tuple[str, str] | None:
    """(kind, URI) from a Spotify URI or an open.spotify.com link (the command line's
    and MPRIS's OpenUri); None for anything else."""
    text = text.strip()
    link = _LINK.match(text)
    if link is not None:
        text = f"spotify:{link[1]}:{link[2]}"
    found = _URI.match(text)
    if found is None or found[1] not in KINDS:
        return None
    return found[1], f"spotify:{found[1]}:{found[2]}"


def _shared(text: str | None) -> str | None:
    """One copy of a string many rows hold (see :meth:`Entry.of`)."""
    return sys.intern(text) if text else text


@dataclass(frozen=True, slots=True)
class Entry:
    """One row that can be played: enough to start it and to show it at once.

    Small on purpose (a library can hold tens of thousands of rows); the
    strings are the ones the row shows, not copies.
    """

    uri: str | None
    name: str
    artists: str = ""
    album: str = ""
    duration_ms: int = 0
    artist: str = ""  # the first artist, whose page O opens
    artist_id: str | None = None
    album_id: str | None = None
    image_url: str | None = None
    is_local: bool = False

    @classmethod
    def of(cls, item: Item) -> Entry:
        """The row's entry; the strings that tracks of one album or artist repeat are
        shared between them (each page parses its own copies: 10,000 saved tracks
        held them all)."""
        if isinstance(item, Track):
            album = item.album
            image = album.images[-1].url if album and album.images else None
            artist = item.artists[0] if item.artists else None
            return cls(
                uri=item.uri,
                name=item.name,
                artists=sys.intern(item.artist_names),
                album=sys.intern(album.name) if album else "",
                duration_ms=item.duration_ms,
                artist=sys.intern(artist.name) if artist else "",
                artist_id=_shared(artist.id if artist else None),
                album_id=_shared(album.id if album else None),
                image_url=_shared(image),
                is_local=item.is_local,
            )
        return cls(
            uri=item.uri,
            name=item.name,
            artists=item.show.name if item.show else "",
            duration_ms=item.duration_ms,
            image_url=item.images[-1].url if item.images else None,
        )

    @property
    def playable(self) -> bool:
        """Spotify can start it from here: it has a URI and is not a local file."""
        return bool(self.uri) and not self.is_local

    def track(self) -> Track:
        """A track to show in the now-playing view until Spotify confirms."""
        images = (Image(self.image_url),) if self.image_url else ()
        return Track(
            name=self.name,
            duration_ms=self.duration_ms,
            uri=self.uri,
            artists=(Artist(name=self.artists, id=self.artist_id),) if self.artists else (),
            album=Album(name=self.album, id=self.album_id, images=images),
            is_local=self.is_local,
        )


@dataclass(frozen=True, slots=True)
class PlayRequest:
    """One ``PUT /me/player/play``: a context (maybe from a track), or a list of tracks."""

    context_uri: str | None = None
    uris: tuple[str, ...] = ()
    offset_uri: str | None = None
    first: Entry | None = None  # what will play first, when known

    def command(self, device_id: str | None = None) -> Command:
        async def play(spotify: SpotifyClient) -> None:
            await spotify.play(
                device_id=device_id,
                context_uri=self.context_uri,
                uris=self.uris or None,
                offset=self.offset_uri,
            )

        return play

    def shown(self, state: PlayerState, now: float) -> PlayerState | None:
        """What the now-playing view shows at once; None when the first item is unknown."""
        if self.first is None:
            return None
        before = state.playback
        playback = Playback(is_playing=True, progress_ms=0, item=self.first.track())
        if before is not None:
            playback = replace(before, is_playing=True, progress_ms=0, item=playback.item)
        return PlayerState(replace(playback, context_uri=self.context_uri), now)

    @property
    def what(self) -> str:
        """The thing being played, for a message."""
        return self.first.name if self.first else "it"


def from_list(entries: Sequence[Entry], index: int) -> PlayRequest | None:
    """The chosen track and the playable ones after it, up to ``WINDOW``; None if it
    cannot be played from here (a local file)."""
    chosen = entries[index]
    if not chosen.playable:
        return None
    window = [entry.uri for entry in entries[index:] if entry.playable and entry.uri]
    return PlayRequest(uris=tuple(window[:WINDOW]), first=chosen)


def in_context(context_uri: str, entry: Entry | None = None) -> PlayRequest:
    """An album or playlist, from ``entry`` when given (an artist: from its start)."""
    if entry is None or not entry.playable:
        return PlayRequest(context_uri=context_uri)
    return PlayRequest(context_uri=context_uri, offset_uri=entry.uri, first=entry)


def request_for(
    items: Sequence[object], index: int, context_uri: str | None = None
) -> PlayRequest | None:
    """What Enter on row ``index`` plays: a track in a context (an album or playlist
    page) from itself, a track in a list with the ones after it, an album, artist or
    playlist as a whole. None when the row cannot be played from here."""
    item = items[index]
    if isinstance(item, PlayRequest):
        return item
    if isinstance(item, (Album, Artist, Playlist)) and item.uri:
        return in_context(item.uri)
    if isinstance(item, Entry):
        if context_uri:
            return in_context(context_uri, item)
        entries = [entry for entry in items if isinstance(entry, Entry)]
        return from_list(entries, entries.index(item))
    return None


class QueueMarks:
    """Which queued items spotui put there: Spotify's queue does not say.

    Each add is remembered until a fetched queue no longer holds that URI.
    """

    def __init__(self) -> None:
        self._added: Counter[str] = Counter()

    def added(self, uri: str) -> None:
        self._added[uri] += 1

    def mark(self, uris: Sequence[str | None]) -> list[bool]:
        """For each item of a fetched queue, whether spotui queued it."""
        left = Counter(self._added)
        marks = []
        for uri in uris:
            mine = bool(uri) and left[uri or ""] > 0
            if mine:
                left[uri or ""] -= 1
            marks.append(mine)
        present = Counter(uri for uri in uris if uri)
        self._added = Counter({uri: min(n, present[uri]) for uri, n in self._added.items()})
        self._added += Counter()  # drop zeros
        return marks


SKIPS_WITHOUT_ASKING = 3


def skips_to(index: int) -> int:
    """How many "next" reach the queue's item at ``index`` (Spotify has no "jump")."""
    return index + 1
