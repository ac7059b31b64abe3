"""Tables for the list tabs: top tracks, top artists, recently played, library."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Label, ProgressBar

from spotui.format import ago, followers, mmss
from spotui.spotify.models import Artist, PlayHistory, SavedTrack, Track


class ListTable(DataTable):
    """A read-only table with row cursor and zebra stripes."""

    def __init__(self, columns: Sequence[str], **kwargs):
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self._columns = columns

    def on_mount(self) -> None:
        self.add_columns(*self._columns)

    def replace_rows(self, rows: Iterable[Sequence[object]]) -> None:
        self.clear()
        self.add_rows(rows)


def _album(track: Track) -> str:
    return track.album.name if track.album else ""


def track_rows(tracks: Iterable[Track], start: int = 1) -> list[tuple[object, ...]]:
    return [
        (
            Text(str(rank), justify="right"),
            track.name,
            track.artist_names,
            _album(track),
            Text(mmss(track.duration_ms), justify="right"),
            Text(str(track.popularity) if track.popularity is not None else "", justify="right"),
        )
        for rank, track in enumerate(tracks, start)
    ]


def artist_rows(artists: Iterable[Artist], start: int = 1) -> list[tuple[object, ...]]:
    return [
        (
            Text(str(rank), justify="right"),
            artist.name,
            ", ".join(artist.genres[:3]),
            Text(followers(artist.followers), justify="right"),
            Text(str(artist.popularity) if artist.popularity is not None else "", justify="right"),
        )
        for rank, artist in enumerate(artists, start)
    ]


def recent_rows(history: Iterable[PlayHistory], now: datetime) -> list[tuple[object, ...]]:
    return [
        (ago(entry.played_at, now), entry.track.name, entry.track.artist_names, _album(entry.track))
        for entry in history
    ]


def saved_rows(saved: Iterable[SavedTrack], start: int) -> list[tuple[object, ...]]:
    return [
        (
            Text(str(number), justify="right"),
            entry.track.name,
            entry.track.artist_names,
            _album(entry.track),
            Text(mmss(entry.track.duration_ms), justify="right"),
            entry.added_at.strftime("%Y-%m-%d") if entry.added_at else "",
        )
        for number, entry in enumerate(saved, start)
    ]


TOP_TRACK_COLUMNS = ("#", "Title", "Artists", "Album", "Length", "Popularity")
TOP_ARTIST_COLUMNS = ("#", "Artist", "Genres", "Followers", "Popularity")
RECENT_COLUMNS = ("Played", "Title", "Artists", "Album")
LIBRARY_COLUMNS = ("#", "Title", "Artists", "Album", "Length", "Added")


class ListView(Vertical):
    """A caption line over a table."""

    def __init__(self, columns: Sequence[str], **kwargs):
        super().__init__(**kwargs)
        self._columns = columns

    def compose(self) -> ComposeResult:
        yield Label("Loading…", classes="caption")
        yield ListTable(self._columns)

    @property
    def table(self) -> ListTable:
        return self.query_one(ListTable)

    def caption(self, text: str) -> None:
        self.query_one(".caption", Label).update(text)


class LibraryView(ListView):
    """The saved library: a progress bar while pages arrive, then the table."""

    def __init__(self, **kwargs):
        super().__init__(LIBRARY_COLUMNS, **kwargs)

    def compose(self) -> ComposeResult:
        with Horizontal(classes="loading"):
            yield Label("Loading your library…", classes="caption")
            yield ProgressBar(show_eta=False, id="library-progress")
        yield ListTable(self._columns)

    def progress(self, loaded: int, total: int) -> None:
        self.query_one(ProgressBar).update(total=max(total, 1), progress=loaded)
        done = loaded >= total
        self.set_class(done, "-loaded")
        if done:
            self.caption(f"{total:,} saved tracks")
        else:
            self.caption(f"Loading {loaded:,} of {total:,} saved tracks…")
