"""Search: a box, and results in four sections (tracks, artists, albums, playlists).

Typing sends nothing until the user pauses (``SEARCH_PAUSE_S``); a newer query
cancels the one before, so an older answer never lands. Each section shows 10
and asks for 10 more when the cursor reaches its end (Spotify's 2026 cap).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any
from weakref import WeakKeyDictionary

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label

from spotui.core.browse import SEARCH_PAUSE_S
from spotui.core.playing import Entry
from spotui.spotify.errors import SpotifyError
from spotui.spotify.models import Paging, SearchResults, SearchType
from spotui.tui.controls import Controls
from spotui.tui.screens.pages import PageScreen
from spotui.tui.widgets import lists
from spotui.tui.widgets.footer import CompactFooter
from spotui.tui.widgets.lists import ListView, Row
from spotui.tui.widgets.plain import plain
from spotui.tui.widgets.table import RowsTable

KINDS: tuple[SearchType, ...] = ("track", "artist", "album", "playlist")
TITLES = {"track": "Tracks", "artist": "Artists", "album": "Albums", "playlist": "Playlists"}

LAST_QUERY: WeakKeyDictionary[Controls, str] = WeakKeyDictionary()
"""What was last typed in the box, for each main screen's controls: search opens on it."""


class SearchScreen(PageScreen):
    """Enter plays the highlighted result; o opens an album, artist or playlist.

    A section shows only when it found something, and takes the rows it needs (up
    to a few); the tracks take the rows they need up to the room left (main.tcss,
    :meth:`fit_tracks`), so the sections sit together.
    """

    BINDINGS = [
        Binding("escape", "back", "Back", tooltip="Back to where you were", id="back"),
        Binding("down", "results", "Results", show=False, tooltip="To the results", id="results"),
        Binding("slash", "box", "Search", show=False, tooltip="To the search box", id="search"),
    ]

    def __init__(self, controls: Controls):
        super().__init__(controls, "Search")
        self.query_text = ""

    def compose(self) -> ComposeResult:
        yield Label(plain(self.page_title), id="page-title")
        yield Input(placeholder='Search: words, artist:"Name", album:, year:1990-1999', id="q")
        with Vertical(id="results"):  # what the sections leave stays blank at its end
            yield ListView(lists.TRACK_COLUMNS, "tracks", id="found-track")
            yield ListView(lists.ARTIST_COLUMNS, "artists", id="found-artist")
            yield ListView(lists.ALBUM_COLUMNS, "albums", id="found-album")
            yield ListView(lists.PLAYLIST_COLUMNS, "playlists", id="found-playlist")
        yield CompactFooter()

    def on_mount(self) -> None:
        for kind in KINDS:
            section = self.query_one(f"#found-{kind}", ListView)
            section.caption("")
            section.display = False
        box = self.query_one(Input)
        box.value = LAST_QUERY.get(self.controls, "")  # searched again, as it was left
        box.focus()

    def on_resize(self) -> None:
        self.call_after_refresh(self.fit_tracks)

    def fit_tracks(self) -> None:
        """Let the tracks' table grow no taller than what the other sections leave
        (they are laid out first: each takes the rows it needs)."""
        results = self.query_one("#results")
        tracks = self.query_one("#found-track", ListView)
        others = sum(c.outer_size.height for c in results.children if c is not tracks and c.display)
        table = tracks.table
        own = sum(c.outer_size.height for c in tracks.children if c is not table and c.display)
        table.styles.max_height = max(results.size.height - others - own, 3)

    def action_box(self) -> None:
        self.query_one(Input).focus()

    def action_results(self) -> None:
        for kind in KINDS:
            table = self.query_one(f"#found-{kind}", ListView).table
            if table.row_count:
                table.focus()
                return

    @on(Input.Changed)
    def typed(self, event: Input.Changed) -> None:
        LAST_QUERY[self.controls] = event.value
        self.find(event.value.strip())

    @on(Input.Submitted)
    def submitted(self) -> None:
        self.action_results()

    @work(exclusive=True, group="search")
    async def find(self, query: str) -> None:
        """Wait for a pause in the typing, then ask once; a newer query cancels this."""
        await asyncio.sleep(SEARCH_PAUSE_S)
        self.query_text = query
        if not query:
            for kind in KINDS:
                section = self.query_one(f"#found-{kind}", ListView)
                section.table.clear()
                section.caption("")
                section.display = False
            return
        try:
            results = await self.browse.search(query, KINDS)
        except SpotifyError as exc:
            tracks = self.query_one("#found-track", ListView)
            tracks.caption(exc.message)
            tracks.display = True
            return
        self._show(results, fresh=True)

    def _show(self, results: SearchResults, *, fresh: bool) -> None:
        """Fill (or extend) each section the answer holds."""
        me = self.browse.user_id
        if results.tracks is not None:
            tracks = results.tracks
            entries = [Entry.of(track) for track in tracks.items]
            self._fill("track", tracks, lambda n: lists.track_rows(tracks.items, n), entries, fresh)
        if results.artists is not None:
            artists = results.artists
            rows = lambda n: lists.artist_rows(artists.items, n)  # noqa: E731
            self._fill("artist", artists, rows, artists.items, fresh)
        if results.albums is not None:
            albums = results.albums
            rows = lambda n: lists.album_rows(albums.items, n)  # noqa: E731
            self._fill("album", albums, rows, albums.items, fresh)
        if results.playlists is not None:
            found = results.playlists
            rows = lambda n: lists.playlist_rows(found.items, me, n)  # noqa: E731
            self._fill("playlist", found, rows, found.items, fresh)

    def _fill(
        self,
        kind: SearchType,
        page: Paging[Any],
        rows: Callable[[int], list[Row]],
        items: Sequence[object],
        fresh: bool,
    ) -> None:
        section = self.query_one(f"#found-{kind}", ListView)
        table = section.table
        start = 1 if fresh else table.row_count + 1
        (table.replace_rows if fresh else table.add_rows)(rows(start), items)
        table.more = bool(items) and table.row_count < page.total  # an empty page ends it
        section.caption(f"{TITLES[kind]} · {table.row_count} of {page.total:,}")
        section.display = table.row_count > 0
        self.call_after_refresh(self.fit_tracks)

    @on(RowsTable.WantsMore)
    @work(group="more")
    async def more(self, event: RowsTable.WantsMore) -> None:
        kind = next(k for k in KINDS if event.table.parent is self.query_one(f"#found-{k}"))
        query = self.query_text
        try:
            results = await self.browse.search(query, (kind,), offset=event.table.row_count)
        except SpotifyError as exc:
            self.notify(exc.message, severity="warning")
            event.table.more = True
            return
        if query == self.query_text:  # the box has not changed meanwhile
            self._show(results, fresh=False)
