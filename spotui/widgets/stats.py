"""The Stats tab: a window's totals, listening over time, the hour-by-day heatmap, and
top artists, tracks and albums (Enter plays them).

The charts are drawn by plotext through Textualize's own ``textual-plotext``; it is
imported only when the tab is first opened.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.widgets import Label
from textual_plotext import PlotextPlot

from spotui.core.playing import Entry
from spotui.format import listening_time
from spotui.history.stats import Ranked, Stats, date_of
from spotui.spotify.models import Album, Artist
from spotui.widgets.table import RowsTable, column

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _top_columns(what: str) -> tuple:
    return (
        column("#", 3, "right"),
        column(what, 1.0),
        column("Plays", 6, "right"),
        column("Time", 9, "right"),
    )


def _label(day: int, bucket: str) -> str:
    moment = date_of(day)
    if bucket == "month":
        return moment.strftime("%b %Y")
    return f"{moment.strftime('%b')} {moment.day}"


def item_of(kind: str, row: Ranked) -> object:
    """What Enter plays: a track (with the ones after it), an artist or an album."""
    if kind == "tracks":
        return Entry(
            uri=row.uri, name=row.name, artists=row.artist, artist=row.artist, artist_id=None
        )
    if kind == "albums":
        return Album(name=row.name, uri=row.uri, artists=(Artist(name=row.artist),))
    return Artist(name=row.name, uri=row.uri)


class Chart(PlotextPlot):
    """A plotext chart that is drawn again only when its data, size or theme change
    (``PlotextPlot`` builds the whole plot at every render, and a layout pass renders
    often)."""

    def __init__(self, *, id: str | None = None):
        super().__init__(id=id)
        self._drawn: tuple[object, Text] | None = None
        self._version = 0

    def replot(self) -> None:
        self._version += 1
        self.refresh()

    def render(self) -> Text:
        if not self._version:
            return Text()  # nothing plotted yet
        key = (self._version, self.size, self.app.theme)
        if self._drawn is None or self._drawn[0] != key:
            drawn = super().render()
            assert isinstance(drawn, Text)
            self._drawn = (key, drawn)
        return self._drawn[1]


class StatsView(VerticalScroll):
    """Everything the archive says about one window of days."""

    order: reactive[str] = reactive("plays", init=False)

    def __init__(self, stats: Stats | None = None, **kwargs: object):
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.stats = stats

    def on_mount(self) -> None:
        if self.stats is not None:
            self.show(self.stats)

    def compose(self) -> ComposeResult:
        yield Label("Reading your listening history…", classes="caption", id="stats-caption")
        yield Label("", classes="caption", id="stats-totals")
        with Horizontal(id="stats-charts"):
            yield Chart(id="stats-listening")
            yield Chart(id="stats-heatmap")
        with Horizontal(id="stats-tops"):
            for kind, what in (("artists", "Artist"), ("tracks", "Track"), ("albums", "Album")):
                with Vertical(classes="stats-top"):
                    yield Label(f"Top {kind}", classes="stats-heading", id=f"stats-{kind}-title")
                    yield RowsTable(_top_columns(what), id=f"stats-{kind}")
        yield Label("", classes="caption", id="stats-new")
        yield Label("", classes="caption", id="stats-gaps")

    def on_resize(self) -> None:
        self.set_class(self.size.width < 110, "-narrow")

    def caption(self, text: str) -> None:
        self.query_one("#stats-caption", Label).update(text)

    def show(self, stats: Stats) -> None:
        """The numbers and the top lists at once; the charts just after they are on
        screen (drawing them is the slow part)."""
        self.stats = stats
        self._heading(stats)
        self.query_one("#stats-totals", Label).update(self._totals(stats))
        self._tops()
        self.call_after_refresh(self._charts, stats)
        new = stats.new_artists
        self.query_one("#stats-new", Label).update(
            f"First heard in this window: {len(new)} artists — "
            + ", ".join(row.name for row in new[:8])
            + ("…" if len(new) > 8 else "")
            if new
            else "No artist heard for the first time in this window."
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
        self.caption(
            f"{window.label} · {since} to {date_of(window.last).isoformat()} · "
            f"w: another window · W: dates · b: by {'time' if self.order == 'plays' else 'plays'}"
        )

    def _charts(self, stats: Stats) -> None:
        if stats is self.stats:  # not replaced meanwhile
            self._listening(stats)
            self._heatmap(stats)

    @staticmethod
    def _totals(stats: Stats) -> str:
        if not stats.streams:
            return (
                "No plays kept for this window yet. spotui keeps what you play from now "
                "on; `spotui history import` adds your Spotify data export."
            )
        parts = [f"{listening_time(stats.ms)} · {stats.plays:,} plays"]
        if stats.skip_rate is not None:
            parts.append(f"skipped {stats.skip_rate:.0%}")
        days, first, last = stats.streak
        if days:
            parts.append(
                f"longest streak {days} day{'s' if days > 1 else ''} "
                f"({_label(first, 'day')} – {_label(last, 'day')})"
            )
        return " · ".join(parts)

    def _listening(self, stats: Stats) -> None:
        chart = self.query_one("#stats-listening", Chart)
        plt = chart.plt
        plt.clear_data()
        plt.clear_figure()
        starts = [day for day, _ in stats.periods]
        hours = [ms / 3_600_000 for _, ms in stats.periods]
        positions = list(range(len(starts)))
        plt.bar(positions, hours, width=0.8, color="cyan", label="hours")
        gap_days = _gap_buckets(stats)
        if gap_days:
            top = max(hours, default=0) or 1
            marks = [top if start in gap_days else 0 for start in starts]
            plt.bar(positions, marks, width=0.8, color="gray", label="gap (not recorded)")
        ticks = _ticks(len(starts))
        plt.xticks([float(i) for i in ticks], [_label(starts[i], stats.bucket) for i in ticks])
        plt.title(f"Hours listened per {stats.bucket}")
        chart.replot()

    def _heatmap(self, stats: Stats) -> None:
        chart = self.query_one("#stats-heatmap", Chart)
        plt = chart.plt
        plt.clear_data()
        plt.clear_figure()
        top = max((ms for row in stats.heatmap for ms in row), default=0) or 1
        plt.matrix_plot([[_shade(ms / top) for ms in row] for row in stats.heatmap])
        plt.xlabel("")
        plt.ylabel("")
        plt.yticks([6.0 - day for day in range(7)], list(DAYS))  # plotext puts row 0 on top
        plt.xticks([0.0, 6.0, 12.0, 18.0, 23.0], ["0h", "6h", "12h", "18h", "23h"])
        plt.title("When you listen (brighter: more)")
        chart.replot()

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


def _row(rank: int, row: Ranked) -> tuple[str, ...]:
    name = f"{row.name} — {row.artist}" if row.artist else row.name
    return (str(rank), name, f"{row.plays:,}", _hm(row.ms))


def _hm(ms: int) -> str:
    hours, minutes = divmod(round(ms / 60_000), 60)
    return f"{hours:,}h {minutes:02}m" if hours else f"{minutes}m"


def _shade(share: float) -> tuple[int, int, int]:
    """From the chart's dark ground (no listening) to bright cyan (the busiest hour)."""
    low, high = (30, 30, 30), (80, 220, 255)
    weight = share**0.7
    red, green, blue = (round(a + (b - a) * weight) for a, b in zip(low, high, strict=True))
    return red, green, blue


def _ticks(count: int) -> list[int]:
    if count <= 1:
        return [0]
    step = max(1, (count - 1) // 5)
    ticks = list(range(0, count, step))
    if count - 1 - ticks[-1] < step / 2:
        ticks[-1] = count - 1
    else:
        ticks.append(count - 1)
    return ticks


def _gap_buckets(stats: Stats) -> set[int]:
    """Buckets that a gap overlaps: drawn as gaps, not as silence."""
    from spotui.history.db import local_day_hour
    from spotui.history.stats import bucket_start

    found: set[int] = set()
    for gap in stats.gaps:
        first = local_day_hour(gap.start_ms)[0]
        last = local_day_hour(gap.end_ms)[0]
        for day in range(first, last + 1):
            found.add(bucket_start(day, stats.bucket))
    return found
