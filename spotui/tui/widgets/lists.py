"""Tables for the list tabs: top tracks, top artists, recently played, library."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, ProgressBar

from spotui.format import ago, followers, mmss
from spotui.spotify.models import Album, Artist, Item, PlayHistory, Playlist, SavedTrack, Track
from spotui.tui.widgets.plain import plain
from spotui.tui.widgets.table import Column, RowsTable, column

Row = tuple[str, ...]


def _album(track: Track) -> str:
    return track.album.name if track.album else ""


def _names(artists: Iterable[Artist], besides: Artist | None) -> str:
    """The artists' names, but for ``besides`` (the artist whose page it is)."""
    if besides is None:
        return ", ".join(artist.name for artist in artists)
    return ", ".join(
        artist.name
        for artist in artists
        if not (
            artist.id == besides.id if artist.id and besides.id else artist.name == besides.name
        )
    )


def _number(value: int | None) -> str | None:
    return None if value is None else str(value)


# Columns built on fields that Spotify may not send (2026 Development Mode apps get
# none of them): each is shown only when at least one row has a value for it.
TRACK_EXTRAS: tuple[tuple[Column, Callable[[Track], str | None]], ...] = (
    (column("Popularity", 10, "right"), lambda t: _number(t.popularity)),
)
ARTIST_EXTRAS: tuple[tuple[Column, Callable[[Artist], str | None]], ...] = (
    (column("Genres", 0.5), lambda a: None if a.genres is None else ", ".join(a.genres[:3])),
    (column("Followers", 9, "right"), lambda a: followers(a.followers) or None),
    (column("Popularity", 10, "right"), lambda a: _number(a.popularity)),
)


def _present(extras, items: Sequence) -> list:
    return [(col, get) for col, get in extras if any(get(item) is not None for item in items)]


def top_track_table(tracks: Sequence[Track]) -> tuple[Columns, list[Row]]:
    """Rank, title, artists, album and length, and any extra that arrived."""
    extras = _present(TRACK_EXTRAS, tracks)
    columns = (*TOP_TRACK_COLUMNS, *(col for col, _ in extras))
    rows = [
        (
            str(rank),
            track.name,
            track.artist_names,
            _album(track),
            mmss(track.duration_ms),
            *(get(track) or "" for _, get in extras),
        )
        for rank, track in enumerate(tracks, 1)
    ]
    return columns, rows


def top_artist_table(
    artists: Sequence[Artist], top_tracks: Sequence[Track] | None
) -> tuple[Columns, list[Row]]:
    """Rank, name, how many of your top tracks are theirs, and any extra that arrived."""
    counts: Counter[str] = Counter(
        artist.id or artist.name for track in top_tracks or () for artist in track.artists
    )
    extras = _present(ARTIST_EXTRAS, artists)
    mine = (column("Your top tracks", 15, "right"),) if top_tracks is not None else ()
    columns = (*TOP_ARTIST_COLUMNS, *mine, *(col for col, _ in extras))
    rows = [
        (
            str(rank),
            artist.name,
            *((str(counts[artist.id or artist.name]),) if mine else ()),
            *(get(artist) or "" for _, get in extras),
        )
        for rank, artist in enumerate(artists, 1)
    ]
    return columns, rows


def recent_rows(history: Iterable[PlayHistory], now: datetime) -> list[Row]:
    return [
        (ago(entry.played_at, now), entry.track.name, entry.track.artist_names, _album(entry.track))
        for entry in history
    ]


def queue_rows(items: Sequence[Item], marks: Sequence[bool]) -> list[Row]:
    """What plays next, numbered, with a mark on the items you queued."""
    return [(*row, "✓" if mine else "") for row, mine in zip(track_rows(items), marks, strict=True)]


def track_rows(items: Iterable[Item], start: int = 1, besides: Artist | None = None) -> list[Row]:
    """Numbered tracks (or episodes): title, artists (or show), album and length; on an
    artist's page (``besides``), only the other artists."""
    rows: list[Row] = []
    for number, item in enumerate(items, start):
        if isinstance(item, Track):
            by, where = _names(item.artists, besides), _album(item)
        else:
            by, where = (item.show.name if item.show else ""), "Podcast"
        rows.append((str(number), item.name, by, where, mmss(item.duration_ms)))
    return rows


def album_rows(albums: Iterable[Album], start: int = 1, besides: Artist | None = None) -> list[Row]:
    """Numbered albums; on an artist's page (``besides``), only the other artists."""
    return [
        (
            str(number),
            album.name,
            _names(album.artists, besides),
            (album.album_type or "").capitalize(),
            album.year,
            "" if album.total_tracks is None else str(album.total_tracks),
        )
        for number, album in enumerate(albums, start)
    ]


def artist_rows(artists: Iterable[Artist], start: int = 1) -> list[Row]:
    return [(str(number), artist.name) for number, artist in enumerate(artists, start)]


def playlist_rows(playlists: Iterable[Playlist], me: str | None, start: int = 1) -> list[Row]:
    """Numbered playlists with their owner, size and what you may do with them."""
    rows: list[Row] = []
    for number, playlist in enumerate(playlists, start):
        if playlist.collaborative:
            kind = "Collaborative"
        elif playlist.editable_by(me):
            kind = "Yours"
        else:
            kind = "Followed"
        count = "" if playlist.total is None else str(playlist.total)
        owner = playlist.owner or ""
        rows.append((str(number), playlist.name, owner, count, kind))
    return rows


def saved_rows(saved: Iterable[SavedTrack], start: int) -> list[Row]:
    return [
        (
            str(number),
            entry.track.name,
            sys.intern(entry.track.artist_names),  # the one its Entry holds (Entry.of)
            sys.intern(_album(entry.track)),
            sys.intern(mmss(entry.track.duration_ms)),  # times and days repeat too
            sys.intern(entry.added_at.strftime("%Y-%m-%d")) if entry.added_at else "",
        )
        for number, entry in enumerate(saved, start)
    ]


Columns = Sequence[Column]
TOP_TRACK_COLUMNS: Columns = (
    column("#", 3, "right"),
    column("Title", 0.4),
    column("Artists", 0.3),
    column("Album", 0.3),
    column("Length", 6, "right"),
)
TOP_ARTIST_COLUMNS: Columns = (
    column("#", 3, "right"),
    column("Artist", 0.5),
)
RECENT_COLUMNS: Columns = (
    column("Played", 12),
    column("Title", 0.4),
    column("Artists", 0.3),
    column("Album", 0.3),
)
TRACK_COLUMNS: Columns = TOP_TRACK_COLUMNS
ALBUM_COLUMNS: Columns = (
    column("#", 3, "right"),
    column("Album", 0.5),
    column("Artists", 0.5),
    column("Type", 6),
    column("Year", 4),
    column("Tracks", 6, "right"),
)
ARTIST_COLUMNS: Columns = TOP_ARTIST_COLUMNS
# An artist's page: its own name in every row would say nothing, the others do.
BY_ARTIST_TRACK_COLUMNS: Columns = tuple(
    column("With", 0.3) if label == "Artists" else (label, width, justify)
    for label, width, justify in TRACK_COLUMNS
)
BY_ARTIST_ALBUM_COLUMNS: Columns = tuple(
    column("With", 0.5) if label == "Artists" else (label, width, justify)
    for label, width, justify in ALBUM_COLUMNS
)
PLAYLIST_COLUMNS: Columns = (
    column("#", 3, "right"),
    column("Playlist", 0.6),
    column("Owner", 0.4),
    column("Items", 6, "right"),
    column("Kind", 13),
)
QUEUE_COLUMNS: Columns = (*TRACK_COLUMNS, column("You", 3))
LIBRARY_COLUMNS: Columns = (
    column("#", 6, "right"),
    column("Title", 0.4),
    column("Artists", 0.3),
    column("Album", 0.3),
    column("Length", 6, "right"),
    column("Added", 10),
)


class FilterBox(Input):
    """The box that narrows a list; Escape empties it and shows the whole list."""

    DEFAULT_CSS = """
    FilterBox, FilterBox:focus {
        border: none;
        height: 1;
        padding: 0 1;
    }
    """

    BINDINGS = [
        Binding("escape", "close", "Close", tooltip="The whole list again", id="close"),
    ]

    def action_close(self) -> None:
        view = self.parent
        if isinstance(view, ListView):
            view.close_filter()


class ListView(Vertical):
    """A caption line over a table, and a filter box when asked for (the filter key)."""

    DEFAULT_CSS = """
    ListView {
        height: 1fr;
    }
    ListView .caption {
        color: $text-muted;
        height: 1;
        padding: 0 1;
    }
    """

    BINDINGS = [  # a filter applied: Escape empties it before it goes back (on a page)
        Binding("escape", "clear_filter", "All rows", show=False, id="close"),
    ]

    def __init__(self, columns: Columns, noun: str = "rows", **kwargs):
        """``noun``: what a row is, for the filter's count ("12 of 504 saved tracks")."""
        super().__init__(**kwargs)
        self._columns = columns
        self._noun = noun
        self._said = "Loading…"

    def compose(self) -> ComposeResult:
        yield Label(self._said, classes="caption")
        yield RowsTable(self._columns)

    @property
    def table(self) -> RowsTable:
        return self.query_one(RowsTable)

    def caption(self, text: str) -> None:
        """Say ``text`` over the list (while a filter narrows it, how many rows it keeps
        instead; ``text`` again when it is closed)."""
        self._said = text
        self._show_caption()

    def _show_caption(self) -> None:
        table = self.table
        text = self._said
        if table.wanted:
            text = f"{table.showing:,} of {table.row_count:,} {self._noun}"
        self.query_one(".caption", Label).update(plain(text, one_line=False))

    @on(RowsTable.FilterAsked)
    async def open_filter(self, event: RowsTable.FilterAsked) -> None:
        event.stop()
        found = self.query(FilterBox)
        if found:
            box = found.first()
        else:
            box = FilterBox(placeholder="Filter: title, artist or album (Esc: all)")
            await self.mount(box, before=self.table)
        box.display = True
        box.focus()

    def action_clear_filter(self) -> None:
        if not self.table.wanted:
            raise SkipAction()  # no filter: Escape does what it does around the list
        self.close_filter()

    def close_filter(self) -> None:
        for box in self.query(FilterBox):
            box.value = ""
            box.display = False
        self.table.narrow("")
        self._show_caption()
        self.table.focus()

    @on(Input.Changed, "FilterBox")
    def _narrow(self, event: Input.Changed) -> None:
        event.stop()  # not the search box's
        self.table.narrow(event.value)
        self._show_caption()

    @on(Input.Submitted, "FilterBox")
    def _filtered(self, event: Input.Submitted) -> None:
        event.stop()
        self.table.focus()


class LibraryView(ListView):
    """The saved library: a progress bar while pages arrive, then the table."""

    DEFAULT_CSS = """
    LibraryView .loading {
        height: 1;
    }
    LibraryView .loading .caption {
        width: auto;
    }
    LibraryView.-loaded #library-progress {
        display: none;
    }
    """

    def __init__(self, **kwargs):
        super().__init__(LIBRARY_COLUMNS, "saved tracks", **kwargs)

    def compose(self) -> ComposeResult:
        with Horizontal(classes="loading"):
            yield Label("Loading your library…", classes="caption")
            yield ProgressBar(total=1, show_eta=False, id="library-progress")
        yield RowsTable(self._columns)

    def progress(self, loaded: int, total: int) -> None:
        self.query_one(ProgressBar).update(total=max(total, 1), progress=loaded)
        done = loaded >= total
        self.set_class(done, "-loaded")
        if done:
            self.caption(f"{total:,} saved tracks")
        else:
            self.caption(f"Loading {loaded:,} of {total:,} saved tracks…")
