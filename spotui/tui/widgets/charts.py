"""The Stats tab's two charts, drawn by plotext through Textualize's ``textual-plotext``.

Kept apart from the tab so that plotext is imported (in a thread) only after the
tab's numbers and top lists are on screen.
"""

from __future__ import annotations

from rich.text import Text
from textual_plotext import PlotextPlot

from spotui.format import WEEKDAYS, day_label
from spotui.history.days import local_day_hour
from spotui.history.snapshots import ArtistTrends
from spotui.history.stats import Stats, bucket_start, date_of
from spotui.text import printable


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


def listening(chart: Chart, stats: Stats) -> None:
    """Hours per day, week or month, with gaps in grey."""
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
    plt.xticks(
        [float(i) for i in ticks], [day_label(date_of(starts[i]), stats.bucket) for i in ticks]
    )
    plt.ylim(0, max(hours, default=0) or 1)  # no hour below zero, even with nothing played
    plt.title(f"Hours listened per {stats.bucket}")
    chart.replot()


def heatmap(chart: Chart, stats: Stats) -> None:
    """Hour of the day by day of the week."""
    plt = chart.plt
    plt.clear_data()
    plt.clear_figure()
    top = max((ms for row in stats.heatmap for ms in row), default=0)
    if not top:  # nothing played: no cell drawn, rather than a grid of equal ones
        plt.title("When you listen: nothing played in this window")
        chart.replot()
        return
    plt.matrix_plot([[_shade(ms / top) for ms in row] for row in stats.heatmap])
    plt.xlabel("")
    plt.ylabel("")
    plt.yticks([6.0 - day for day in range(7)], list(WEEKDAYS))  # plotext puts row 0 on top
    plt.xticks([0.0, 6.0, 12.0, 18.0, 23.0], ["0h", "6h", "12h", "18h", "23h"])
    plt.title("When you listen (brighter: more)")
    chart.replot()


def trends(chart: Chart, trends: ArtistTrends) -> None:
    """Each of today's top artists' rank by snapshot day, 1 at the top; a day it was
    not in the list leaves a hole in its line."""
    plt = chart.plt
    plt.clear_data()
    plt.clear_figure()
    lowest = max((rank for line in trends.ranks for rank in line if rank), default=1)
    for name, line in zip(trends.artists, trends.ranks, strict=True):
        kept = [(at, rank) for at, rank in enumerate(line) if rank is not None]
        plt.plot(
            [float(at) for at, _ in kept],
            [float(lowest + 1 - rank) for _, rank in kept],  # plotext puts big numbers on top
            marker="braille",
            label=printable(name),
        )
    ticks = _ticks(len(trends.days))
    plt.xticks(
        [float(i) for i in ticks], [day_label(date_of(trends.days[i]), "day") for i in ticks]
    )
    steps = sorted({1, (lowest + 1) // 2, lowest})
    plt.yticks([float(lowest + 1 - rank) for rank in steps], [f"#{rank}" for rank in steps])
    plt.title("Today's top artists: rank by day")
    chart.replot()


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
    found: set[int] = set()
    for gap in stats.gaps:
        first = local_day_hour(gap.start_ms)[0]
        last = local_day_hour(gap.end_ms)[0]
        for day in range(first, last + 1):
            found.add(bucket_start(day, stats.bucket))
    return found
