"""Pages over the main screen: an album, an artist, a playlist. Escape goes back.

Pages stack: each is a screen pushed over the one before, so going back shows
that one as it was, cursor and all. The global keys work here as on the main
screen (one table, :mod:`.main_keys`); what they do is the main screen's
(:class:`~spotui.tui.controls.Controls`), and a page opens another by message,
so a page never imports the screen below it.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Label

from spotui.core.playing import Entry, in_context
from spotui.spotify.errors import SpotifyError
from spotui.spotify.models import Album, Artist, Playlist, Track
from spotui.tui.controls import Controls
from spotui.tui.screens.main_keys import PAGE_FOOTER, KeysScreen, global_bindings
from spotui.tui.widgets import lists
from spotui.tui.widgets.footer import CompactFooter
from spotui.tui.widgets.lists import ListView
from spotui.tui.widgets.plain import plain
from spotui.tui.widgets.playback_bar import PlaybackBar
from spotui.tui.widgets.table import RowsTable


class PageScreen(KeysScreen):
    """What every page shares: a title, the global keys, Enter plays, o opens."""

    BINDINGS = [
        Binding("escape,backspace", "back", "Back", tooltip="Back to where you were", id="back"),
        *global_bindings(PAGE_FOOTER),
    ]

    def __init__(self, controls: Controls, title: str):
        super().__init__()
        self.controls = controls
        self.browse = controls.browse
        self.page_title = title

    def compose(self) -> ComposeResult:
        yield Label(plain(self.page_title), id="page-title")
        yield from self.sections()
        yield CompactFooter()

    def sections(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        # Mounted here, not composed, so that every page has it (search composes its own).
        self.mount(PlaybackBar(self.controls.actions), before=self.query_one(Footer))
        self.load()

    def load(self) -> object:
        """Ask Spotify for the page (a worker in each page)."""
        return None

    def action_back(self) -> None:
        self.dismiss(None)

    def highlighted(self) -> object | None:
        focused = self.focused
        return focused.highlighted if isinstance(focused, RowsTable) else None

    def action_tab(self, tab: str) -> None:
        """Back to the main screen, on that tab."""
        self.controls.to_main(f"tab('{tab}')")

    def action_refresh(self) -> None:
        self.controls.refresh()
        self.load()

    @property
    def context_uri(self) -> str | None:
        """The album or playlist this page plays from, if it is one."""
        return None

    @on(RowsTable.Chosen)
    def chosen(self, event: RowsTable.Chosen) -> None:
        event.stop()
        self.controls.play_row(event.table.items, event.index, self.context_uri, self.page_title)


class AlbumScreen(PageScreen):
    """An album's tracks; Enter plays the album from the chosen one."""

    def __init__(self, controls: Controls, album: Album):
        super().__init__(controls, f"Album · {album.name}")
        self.album = album

    def sections(self) -> ComposeResult:
        yield ListView(lists.TRACK_COLUMNS, "tracks", id="album-tracks")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """o is not offered here: a track's album is this page."""
        if (action, parameters) == ("item", ("open",)):
            return False
        return super().check_action(action, parameters)

    @work(exclusive=True)
    async def load(self) -> None:
        section = self.query_one("#album-tracks", ListView)
        try:
            page = await self.browse.album(self.album.id or "")
        except SpotifyError as exc:
            section.caption(exc.message)
            return
        self.album = album = page.album
        year = f" · {album.year}" if album.year else ""
        count, total = len(page.tracks), album.total_tracks or 0
        tracks = f"{count} track" if count == 1 else f"{count} tracks"
        if total > count:  # past spotui's bound: say that more exist
            tracks = f"the first {count} of {total} tracks"
        section.caption(f"{album.artist_names}{year} · {tracks} · Enter plays")
        section.table.replace_rows(
            lists.track_rows(page.tracks), [Entry.of(t) for t in page.tracks]
        )
        section.table.focus()

    @property
    def context_uri(self) -> str | None:
        return self.album.uri


class ArtistScreen(PageScreen):
    """An artist's albums and singles (10 a page) and tracks found by search."""

    def __init__(self, controls: Controls, artist: Artist):
        super().__init__(controls, f"Artist · {artist.name}")
        self.artist = artist

    def sections(self) -> ComposeResult:
        yield ListView(lists.BY_ARTIST_ALBUM_COLUMNS, "albums", id="artist-albums")
        yield ListView(lists.BY_ARTIST_TRACK_COLUMNS, "tracks", id="artist-tracks")

    @work(exclusive=True)
    async def load(self) -> None:
        albums = self.query_one("#artist-albums", ListView)
        tracks = self.query_one("#artist-tracks", ListView)
        try:
            page = await self.browse.artist(self.artist)
        except SpotifyError as exc:
            albums.caption(exc.message)
            tracks.caption("")
            return
        self.artist = page.artist
        self._albums(page.albums.items, page.albums.total, fresh=True)
        self._tracks(page.tracks.items, page.tracks.total, fresh=True)
        (albums.table if page.albums.items else tracks.table).focus()

    def _albums(self, found: tuple[Album, ...], total: int, *, fresh: bool = False) -> None:
        section = self.query_one("#artist-albums", ListView)
        table = section.table
        rows = lists.album_rows(found, 1 if fresh else table.row_count + 1, self.artist)
        (table.replace_rows if fresh else table.add_rows)(rows, found)
        table.more = bool(found) and table.row_count < total  # an empty page ends it
        section.caption(f"Albums and singles · {table.row_count} of {total} · o opens one")

    def _tracks(self, found: tuple[Track, ...], total: int, *, fresh: bool = False) -> None:
        section = self.query_one("#artist-tracks", ListView)
        table = section.table
        rows = lists.track_rows(found, 1 if fresh else table.row_count + 1, self.artist)
        (table.replace_rows if fresh else table.add_rows)(rows, [Entry.of(t) for t in found])
        table.more = bool(found) and table.row_count < total
        section.caption(f"Tracks (a search for {self.artist.name}) · {table.row_count} of {total}")

    @on(RowsTable.WantsMore)
    @work(group="more")
    async def more(self, event: RowsTable.WantsMore) -> None:
        try:
            if event.table.parent is self.query_one("#artist-albums"):
                albums = await self.browse.more_albums(self.artist, event.table.row_count)
                self._albums(albums.items, albums.total)
            else:
                tracks = await self.browse.more_tracks(self.artist, event.table.row_count)
                self._tracks(tracks.items, tracks.total)
        except SpotifyError as exc:
            self.notify(exc.message, severity="warning")
            event.table.more = True  # try again on the next move


class PlaylistScreen(PageScreen):
    """A playlist's items; Enter plays the playlist from the chosen one. For one you
    only follow, Spotify hides the items: the caption says so (wrapped to the width,
    whole at 80 columns), and Enter plays it."""

    DEFAULT_CSS = """
    #playlist-items .caption {
        width: 100%;
        height: auto;
        max-height: 3;
    }
    """

    def __init__(self, controls: Controls, playlist: Playlist):
        super().__init__(controls, f"Playlist · {playlist.name}")
        self.playlist = playlist

    def sections(self) -> ComposeResult:
        yield ListView(lists.TRACK_COLUMNS, "items", id="playlist-items")

    @work(exclusive=True)
    async def load(self) -> None:
        section = self.query_one("#playlist-items", ListView)
        try:
            page = await self.browse.playlist(self.playlist)
        except SpotifyError as exc:
            section.caption(exc.message)
            return
        owner = self.playlist.owner or "someone"
        if page.hidden:
            section.caption(
                f"By {owner}. Spotify shows the items only of playlists you own or "
                "collaborate on; Enter plays it all the same."
            )
            play = in_context(self.playlist.uri or "")
            section.table.replace_rows([("▶", f"Play “{self.playlist.name}”", "", "", "")], [play])
        else:
            section.caption(f"By {owner} · {len(page.items)} items · Enter plays from a track")
            section.table.replace_rows(
                lists.track_rows(page.items), [Entry.of(i) for i in page.items]
            )
        section.table.focus()

    @property
    def context_uri(self) -> str | None:
        return self.playlist.uri
