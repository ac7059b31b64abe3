"""The Stats tab's two panels from the daily snapshots: where today's top 10 artists
stood over the days kept (a chart, added once plotext is imported), and the library's
adds and removes in the window. Each says so when there are too few snapshots yet (the
library: what it held at the first one)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Label

from spotui.history.db import Archive
from spotui.history.snapshots import (
    WINDOW_WORDS,
    ArtistTrends,
    Change,
    LibraryWindow,
    artist_trends,
    library_window,
)
from spotui.history.stats import Window, date_of
from spotui.text import printable
from spotui.tui.widgets.plain import plain

SHOWN = 8  # the newest changes listed under the counts


@dataclass(frozen=True, slots=True)
class Kept:
    """What the panels show for one window."""

    trends: ArtistTrends
    library: LibraryWindow


def ranking_for(window: Window) -> str:
    """Spotify's ranking nearest the window: about 4 weeks, 6 months or a year."""
    first = window.first
    if first is None or window.last - first >= 300:
        return "1y"
    return "6m" if window.last - first >= 60 else "4w"


def read(archive: Archive, window: Window) -> Kept:
    """The panels' data (two short reads; run it off the UI's path)."""
    first = window.first if window.first is not None else 0
    return Kept(
        artist_trends(archive, ranking_for(window)), library_window(archive, first, window.last)
    )


def _line(change: Change) -> str:
    sign = "+" if change.added else "−"
    return f"{date_of(change.day).isoformat()}  {sign} {change.name} — {change.artist}"


class SnapshotPanels(Vertical):
    """ "Top artists over time" and "Library: added and removed"."""

    DEFAULT_CSS = """
    SnapshotPanels {
        height: auto;
        margin-top: 1;
    }
    SnapshotPanels .stats-heading {
        margin-top: 1;
    }
    #trends-note, #library-counts, #library-changes {
        width: 100%;
        height: auto;
    }
    #trends-chart {
        height: 20;
    }
    #trends-chart.-empty {
        display: none;
    }
    """

    def __init__(self, **kwargs: object):
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.kept: Kept | None = None
        self.charts_ready = False  # plotext imported (see add_chart)

    def compose(self) -> ComposeResult:
        yield Label("Top artists over time", classes="stats-heading", id="trends-title")
        yield Label("Reading the daily snapshots…", classes="caption", id="trends-note")
        yield Vertical(id="trends-chart", classes="-empty")  # see add_chart
        yield Label("Library: added and removed", classes="stats-heading")
        yield Label("", classes="caption", id="library-counts")
        yield Label("", classes="caption", id="library-changes")

    def show(self, kept: Kept) -> None:
        self.kept = kept
        trends, library = kept.trends, kept.library
        self.query_one("#trends-title", Label).update(
            f"Top artists over time (Spotify's ranking, {WINDOW_WORDS[trends.window]})"
        )
        self.query_one("#trends-note", Label).update(
            plain(
                trends.too_few
                or f"Today's top {len(trends.artists)}, rank by day over "
                f"{len(trends.days)} snapshots (1 is the top): "
                + ", ".join(f"{rank}. {name}" for rank, name in enumerate(trends.artists, 1)),
                one_line=False,
            )
        )
        self.query_one("#trends-chart").set_class(trends.too_few is not None, "-empty")
        counts = (
            library.too_few
            or f"{len(library.added)} added, {len(library.removed)} removed in this window."
            + (f" {library.note}" if library.note else "")
        )
        self.query_one("#library-counts", Label).update(plain(counts, one_line=False))
        newest = sorted(library.added + library.removed, key=lambda change: -change.day)
        self.query_one("#library-changes", Label).update(
            Content("\n".join(printable(_line(change)) for change in newest[:SHOWN]))
        )
        self._draw()

    async def add_chart(self) -> None:
        """Charts may be drawn: :mod:`spotui.tui.widgets.charts` has been imported."""
        self.charts_ready = True
        self._draw()

    def _draw(self) -> None:
        """Draw the ranks, the chart mounted first if need be (none while too few)."""
        from spotui.tui.widgets import charts

        if not self.charts_ready or self.kept is None or self.kept.trends.too_few is not None:
            return
        box = self.query_one("#trends-chart", Vertical)
        if not box.children:
            box.mount(charts.Chart(id="trends-plot"))
            self.call_after_refresh(self._draw)
            return
        charts.trends(self.query_one("#trends-plot", charts.Chart), self.kept.trends)
