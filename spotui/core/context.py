"""What plays from where, with no UI: a name for Spotify's playback context.

Spotify's playback gives its context (an album, a playlist, an artist) as a URI
with no name, and no context at all for tracks played as a list (your top tracks,
library, a search). The name comes first from what spotui holds: the page or list
the user played from. Else one request per new context, cached (a failure too),
asked beside the poll loop and never once a poll. The cache holds the
``KEPT`` contexts used last: a session that plays from many places stays small.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict

from spotui.core.playing import PlayRequest
from spotui.spotify.client import SpotifyClient
from spotui.spotify.errors import SpotifyError
from spotui.spotify.models import Album, Artist, Playback, Playlist

KIND_WORDS = {"album": "Album", "artist": "Artist", "playlist": "Playlist", "show": "Podcast"}
ASKED_KINDS = ("album", "artist", "playlist")  # the kinds one request can name
LIKED_SONGS = "Liked Songs"
KEPT = 64  # the contexts whose names are kept, the least recently used let go first

log = logging.getLogger("spotui.context")


def titled(kind: str, name: str) -> str:
    """``Album · Name``, as the pages title themselves."""
    return f"{KIND_WORDS.get(kind, kind.capitalize())} · {name}"


def _kind(uri: str) -> str:
    parts = uri.split(":")
    if len(parts) >= 4 and parts[1] == "user" and parts[-1] == "collection":
        return "collection"
    return parts[1] if len(parts) == 3 and parts[0] == "spotify" else ""


class Contexts:
    """The names of the places playback comes from, the ``KEPT`` used last."""

    def __init__(self, spotify: SpotifyClient):
        self.spotify = spotify
        # Oldest use first; None: asked, and Spotify did not say.
        self._names: OrderedDict[str, str | None] = OrderedDict()
        self._asking: dict[str, asyncio.Task[str | None]] = {}
        self._list: tuple[frozenset[str], str] | None = None  # tracks played as a list

    def __repr__(self) -> str:
        return f"Contexts({len(self._names)} named)"

    def played(self, request: PlayRequest, where: str, row: object = None) -> None:
        """The user played ``request`` from ``where`` (a page's or tab's title); ``row``:
        the album, artist or playlist row it came from, which names the context."""
        if request.context_uri:
            if isinstance(row, (Album, Artist, Playlist)) and row.uri == request.context_uri:
                where = titled(_kind(row.uri), row.name)
            if where:
                self._remember(request.context_uri, where)
        elif request.uris and where:
            self._list = (frozenset(request.uris), where)

    def name(self, playback: Playback | None) -> str | None:
        """Where ``playback`` plays from, when spotui knows it."""
        if playback is None or playback.item is None:
            return None
        uri = playback.context_uri
        if uri:
            return LIKED_SONGS if _kind(uri) == "collection" else self._recall(uri)
        if self._list is not None and playback.item.uri in self._list[0]:
            return self._list[1]
        return None

    def unknown(self, playback: Playback | None) -> str | None:
        """The context URI of ``playback`` that one request could name and that has not
        been asked for yet; None otherwise."""
        uri = playback.context_uri if playback is not None else None
        if not uri or uri in self._names or _kind(uri) not in ASKED_KINDS:
            return None
        return uri

    async def ask(self, uri: str) -> str | None:
        """The name of a context, asked of Spotify once however many ask at once."""
        if uri in self._names:
            return self._recall(uri)
        task = self._asking.get(uri)
        if task is None:
            task = self._asking[uri] = asyncio.ensure_future(self._ask(uri))
        return await asyncio.shield(task)

    async def _ask(self, uri: str) -> str | None:
        kind = _kind(uri)
        try:
            name = await self.spotify.context_name(uri)
        except SpotifyError as exc:
            log.info("no name for %s: %s", uri, exc.message)
            name = None
        named = titled(kind, name) if name else None
        self._remember(uri, named)
        self._asking.pop(uri, None)
        return named

    def _recall(self, uri: str) -> str | None:
        """The kept name of ``uri`` (None: not kept, or Spotify did not say), now the
        newest used."""
        if uri in self._names:
            self._names.move_to_end(uri)
        return self._names.get(uri)

    def _remember(self, uri: str, name: str | None) -> None:
        self._names[uri] = name
        self._names.move_to_end(uri)
        while len(self._names) > KEPT:
            self._names.popitem(last=False)
