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

Columns = Sequence[tuple[str, int | float]]


class ListTable(DataTable):
    """A read-only table with a row cursor, whose columns follow its width.

    A column is ``(label, width)``: an int is a fixed width in cells, a float a
    share of what is left, so long titles never push the other columns away.
    """

    def __init__(self, columns: Columns, **kwargs):
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self._spec = columns

    def on_mount(self) -> None:
        for label, width in self._spec:
            self.add_column(label, width=width if isinstance(width, int) else len(label))

    def on_resize(self) -> None:
        padding = 2 * self.cell_padding
        fixed = sum(w for _, w in self._spec if isinstance(w, int))
        room = self.size.width - fixed - padding * len(self._spec) - 2  # 2: the scrollbar
        for column, (_, share) in zip(self.columns.values(), self._spec, strict=True):
            if isinstance(share, float):
                column.width = max(len(str(column.label)), int(room * share))
                column.auto_width = False
        # DataTable caches rendered lines by column width; ask it to measure again.
        self._clear_caches()
        self._require_update_dimensions = True
        self.refresh()

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


TOP_TRACK_COLUMNS: Columns = (
    ("#", 3),
    ("Title", 0.4),
    ("Artists", 0.3),
    ("Album", 0.3),
    ("Length", 7),
    ("Popularity", 10),
)
TOP_ARTIST_COLUMNS: Columns = (
    ("#", 3),
    ("Artist", 0.4),
    ("Genres", 0.6),
    ("Followers", 9),
    ("Popularity", 10),
)
RECENT_COLUMNS: Columns = (("Played", 12), ("Title", 0.4), ("Artists", 0.3), ("Album", 0.3))
LIBRARY_COLUMNS: Columns = (
    ("#", 6),
    ("Title", 0.4),
    ("Artists", 0.3),
    ("Album", 0.3),
    ("Length", 7),
    ("Added", 10),
)


class ListView(Vertical):
    """A caption line over a table."""

    def __init__(self, columns: Columns, **kwargs):
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
            yield ProgressBar(total=1, show_eta=False, id="library-progress")
        yield ListTable(self._columns)

    def progress(self, loaded: int, total: int) -> None:
        self.query_one(ProgressBar).update(total=max(total, 1), progress=loaded)
        done = loaded >= total
        self.set_class(done, "-loaded")
        if done:
            self.caption(f"{total:,} saved tracks")
        else:
            self.caption(f"Loading {loaded:,} of {total:,} saved tracks…")
