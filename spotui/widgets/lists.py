"""Tables for the list tabs: top tracks, top artists, recently played, library."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, ProgressBar

from spotui.format import ago, followers, mmss
from spotui.spotify.models import Artist, PlayHistory, SavedTrack, Track
from spotui.widgets.table import Column, RowsTable, column

Row = tuple[str, ...]


def _album(track: Track) -> str:
    return track.album.name if track.album else ""


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


def track_rows(tracks: Iterable[Track], start: int = 1) -> list[Row]:
    return [
        (
            str(rank),
            track.name,
            track.artist_names,
            _album(track),
            mmss(track.duration_ms),
            _number(track.popularity),
        )
        for rank, track in enumerate(tracks, start)
    ]


def artist_rows(artists: Iterable[Artist], start: int = 1) -> list[Row]:
    return [
        (
            str(rank),
            artist.name,
            ", ".join(artist.genres[:3]),
            followers(artist.followers),
            _number(artist.popularity),
        )
        for rank, artist in enumerate(artists, start)
    ]


def recent_rows(history: Iterable[PlayHistory], now: datetime) -> list[Row]:
    return [
        (ago(entry.played_at, now), entry.track.name, entry.track.artist_names, _album(entry.track))
        for entry in history
    ]


def saved_rows(saved: Iterable[SavedTrack], start: int) -> list[Row]:
    return [
        (
            str(number),
            entry.track.name,
            entry.track.artist_names,
            _album(entry.track),
            mmss(entry.track.duration_ms),
            entry.added_at.strftime("%Y-%m-%d") if entry.added_at else "",
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
    column("Popularity", 10, "right"),
)
TOP_ARTIST_COLUMNS: Columns = (
    column("#", 3, "right"),
    column("Artist", 0.4),
    column("Genres", 0.6),
    column("Followers", 9, "right"),
    column("Popularity", 10, "right"),
)
RECENT_COLUMNS: Columns = (
    column("Played", 12),
    column("Title", 0.4),
    column("Artists", 0.3),
    column("Album", 0.3),
)
LIBRARY_COLUMNS: Columns = (
    column("#", 6, "right"),
    column("Title", 0.4),
    column("Artists", 0.3),
    column("Album", 0.3),
    column("Length", 6, "right"),
    column("Added", 10),
)


class ListView(Vertical):
    """A caption line over a table."""

    def __init__(self, columns: Columns, **kwargs):
        super().__init__(**kwargs)
        self._columns = columns

    def compose(self) -> ComposeResult:
        yield Label("Loading…", classes="caption")
        yield RowsTable(self._columns)

    @property
    def table(self) -> RowsTable:
        return self.query_one(RowsTable)

    def caption(self, text: str) -> None:
        self.query_one(".caption", Label).update(text)


class LibraryView(ListView):
    """The saved library: a progress bar while pages arrive, then the table."""

    def __init__(self, **kwargs):
        super().__init__(LIBRARY_COLUMNS, **kwargs)

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
