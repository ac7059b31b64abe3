"""The Stats tab: a window's totals, listening over time, the hour-by-day heatmap, and
top artists, tracks and albums (Enter plays them).

The numbers and lists come first; the charts (:mod:`spotui.tui.widgets.charts`, which
imports plotext) are added once their module has been imported in a thread.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import var
from textual.widgets import Label

from spotui.core.playing import Entry
from spotui.format import day_label, listening_time
from spotui.history.stats import WINDOWS, Ranked, Stats, date_of
from spotui.spotify.models import Album, Artist
from spotui.tui.widgets.plain import plain
from spotui.tui.widgets.snapshots import SnapshotPanels
from spotui.tui.widgets.table import RowsTable, column


def _top_columns(what: str) -> tuple:
    return (
        column("#", 3, "right"),
        column(what, 1.0),
        column("Plays", 6, "right"),
        column("Time", 9, "right"),
    )


def item_of(kind: str, row: Ranked) -> object:
    """What Enter plays: a track (with the ones after it), an artist or an album."""
    if kind == "tracks":
        return Entry(
            uri=row.uri, name=row.name, artists=row.artist, artist=row.artist, artist_id=None
        )
    if kind == "albums":
        return Album(name=row.name, uri=row.uri, artists=(Artist(name=row.artist),))
    return Artist(name=row.name, uri=row.uri)


class StatsView(VerticalScroll):
    """Everything the archive says about one window of days."""

    DEFAULT_CSS = """
    StatsView {
        height: 1fr;
    }
    StatsView .caption {
        color: $text-muted;
        height: 1;
        padding: 0 1;
    }
    #stats-caption, #stats-totals {
        width: 100%;
        height: auto;
    }
    #stats-totals {
        color: $text;
        text-style: bold;
    }
    #stats-charts {
        height: 16;
        margin-top: 1;
    }
    #stats-listening {
        width: 1fr;
    }
    #stats-heatmap {
        width: 58;
        margin-left: 1;
    }
    StatsView.-narrow #stats-charts {
        layout: vertical;
        height: 32;
    }
    StatsView.-narrow #stats-heatmap {
        width: 1fr;
        height: 16;
        margin-left: 0;
    }
    #stats-tops {
        height: 14;
        margin-top: 1;
    }
    StatsView.-stacked #stats-tops {
        layout: vertical;
        height: auto;
    }
    StatsView.-stacked .stats-top {
        height: 13;
        margin-right: 0;
        padding-bottom: 1;
    }
    .stats-top {
        width: 1fr;
        height: 1fr;
        margin-right: 1;
    }
    .stats-heading {
        text-style: bold;
        padding: 0 1;
        height: 1;
    }
    #stats-gaps {
        color: $warning;
    }
    """

    order: var[str] = var("plays", init=False)

    def __init__(self, stats: Stats | None = None, **kwargs: object):
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.stats = stats

    def on_mount(self) -> None:
        if self.stats is not None:
            self.show(self.stats)

    def compose(self) -> ComposeResult:
        yield Label("Reading your listening history…", classes="caption", id="stats-caption")
        yield Label("", classes="caption", id="stats-totals")
        yield Horizontal(id="stats-charts")  # see add_charts
        with Horizontal(id="stats-tops"):
            for kind, what in (("artists", "Artist"), ("tracks", "Track"), ("albums", "Album")):
                with Vertical(classes="stats-top"):
                    yield Label(f"Top {kind}", classes="stats-heading", id=f"stats-{kind}-title")
                    yield RowsTable(_top_columns(what), id=f"stats-{kind}")
        yield Label("", classes="caption", id="stats-new")
        yield Label("", classes="caption", id="stats-gaps")
        yield SnapshotPanels(id="stats-snapshots")

    def on_resize(self) -> None:
        self.set_class(self.size.width < 110, "-narrow")
        self._stack_lists()

    def _stack_lists(self) -> None:
        """The top lists side by side where each shows its names whole, else one under
        the other (cut only where a list is wider than the screen)."""
        room = (self.query_one("#stats-tops").size.width - 3) // 3
        tables = self.query(".stats-top RowsTable").results(RowsTable)
        self.set_class(any(table.wanted_width > room for table in tables), "-stacked")

    def caption(self, text: str) -> None:
        self.query_one("#stats-caption", Label).update(plain(text, one_line=False))

    def show(self, stats: Stats) -> None:
        """The numbers and the top lists at once; the charts just after they are on
        screen (drawing them is the slow part)."""
        self.stats = stats
        self._heading(stats)
        self.query_one("#stats-totals", Label).update(self._totals(stats))
        self._tops()
        if self.query("#stats-listening"):
            self.call_after_refresh(self._charts, stats)
        new = stats.new_artists
        self.query_one("#stats-new", Label).update(
            plain(
                f"First heard in this window: {len(new)} artists — "
                + ", ".join(row.name for row in new[:8])
                + ("…" if len(new) > 8 else "")
                if new
                else "No artist heard for the first time in this window."
            )
        )
        gaps = stats.gaps
        self.query_one("#stats-gaps", Label).update(
            f"⚠ {len(gaps)} gap{'s' if len(gaps) > 1 else ''} (grey in the chart): more "
            "than 50 plays between two syncs, so some may be missing. Import your Spotify "
            "data export to fill them."
            if gaps
            else ""
        )

    def _heading(self, stats: Stats) -> None:
        window = stats.window
        first = window.first if window.first is not None else stats.first_day
        since = date_of(first).isoformat() if first is not None else "—"
        days = f"{since} to {date_of(window.last).isoformat()}"
        named = window.label in {label for label, _ in WINDOWS.values()}
        self.caption(
            f"{f'{window.label} · ' if named else ''}{days} · "  # two dates: said once
            f"w: another window · W: dates · b: by {'time' if self.order == 'plays' else 'plays'}"
        )

    async def add_charts(self) -> None:
        """Add the charts, once :mod:`spotui.tui.widgets.charts` has been imported."""
        from spotui.tui.widgets.charts import Chart, Heatmap

        box = self.query_one("#stats-charts", Horizontal)
        if box.children:
            return
        await box.mount_all([Chart(id="stats-listening"), Heatmap(id="stats-heatmap")])
        if self.stats is not None:
            self._charts(self.stats)
        await self.query_one(SnapshotPanels).add_chart()

    def _charts(self, stats: Stats) -> None:
        from spotui.tui.widgets import charts

        if stats is self.stats:  # not replaced meanwhile
            charts.listening(self.query_one("#stats-listening", charts.Chart), stats)
            self.query_one("#stats-heatmap", charts.Heatmap).show(stats.heatmap)

    @staticmethod
    def _totals(stats: Stats) -> str:
        if not stats.streams:
            return (
                "No plays kept for this window yet. spotui keeps what you play from now "
                "on; `spotui history import` adds your Spotify data export."
            )
        parts = [f"{listening_time(stats.ms)} · {stats.plays:,} plays ({stats.streams:,} streams)"]
        if stats.skip_rate is not None:
            parts.append(f"skipped {stats.skip_rate:.0%}")
        days, first, last = stats.streak
        if days:
            parts.append(
                f"longest streak {days} day{'s' if days > 1 else ''} "
                f"({day_label(date_of(first), 'day')} – {day_label(date_of(last), 'day')})"
            )
        return " · ".join(parts)

    def watch_order(self) -> None:
        if self.stats is not None:
            self._heading(self.stats)
            self._tops()

    def _tops(self) -> None:
        assert self.stats is not None
        for kind in ("artists", "tracks", "albums"):
            rows = self.stats.top[f"{kind}-{self.order}"]
            self.query_one(f"#stats-{kind}-title", Label).update(f"Top {kind} by {self.order}")
            self.query_one(f"#stats-{kind}", RowsTable).replace_rows(
                [_row(rank, row) for rank, row in enumerate(rows, 1)],
                [item_of(kind, row) for row in rows],
            )
        self._stack_lists()


def _row(rank: int, row: Ranked) -> tuple[str, ...]:
    name = f"{row.name} — {row.artist}" if row.artist else row.name
    return (str(rank), name, f"{row.plays:,}", _hm(row.ms))


def _hm(ms: int) -> str:
    hours, minutes = divmod(round(ms / 60_000), 60)
    return f"{hours:,}h {minutes:02}m" if hours else f"{minutes}m"
