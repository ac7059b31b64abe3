"""The Stats tab's charts, in the app theme's colours: listening over time and the
artists' ranks drawn by plotext (through Textualize's ``textual-plotext``), and the
hour-by-day heatmap drawn cell by cell.

Kept apart from the tab so that plotext is imported (in a thread) only after the
tab's numbers and top lists are on screen.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.color import Color as RichColor
from rich.style import Style
from rich.text import Text
from textual.app import App
from textual.color import Color
from textual.widget import Widget
from textual_plotext import PlotextPlot
from textual_plotext.plot import Plot

from spotui.format import WEEKDAYS, day_label
from spotui.history.days import local_day_hour
from spotui.history.snapshots import ArtistTrends
from spotui.history.stats import Stats, bucket_start, date_of
from spotui.text import printable

RGB = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class Palette:
    """The app theme's colours, as the charts use them."""

    ground: RGB  # the chart's background
    text: RGB
    main: RGB  # bars, and the heatmap's busiest hour
    lines: tuple[RGB, ...]  # one per line of the trends chart

    @classmethod
    def of(cls, app: App) -> Palette:
        def rgb(name: str) -> RGB:
            return Color.parse(app.theme_variables[name]).rgb

        names = ("primary", "accent", "success", "warning", "error", "secondary")
        return cls(rgb("surface"), rgb("foreground"), rgb("primary"), tuple(map(rgb, names)))

    def mix(self, share: float, towards: RGB | None = None) -> RGB:
        """The ground with ``share`` of ``towards`` (the text colour if None) in it."""
        high = self.text if towards is None else towards
        red, green, blue = (
            round(a + (b - a) * share) for a, b in zip(self.ground, high, strict=True)
        )
        return red, green, blue

    def shade(self, share: float) -> RGB:
        """A heatmap cell: near the ground for no listening, the main colour for the
        busiest hour, and never too faint to see for a little."""
        if share <= 0:
            return self.mix(0.1)
        return self.mix(0.35 + 0.65 * share**0.7, self.main)


class Chart(PlotextPlot):
    """A plotext chart, drawn by a painter given the theme's palette; drawn again only
    when its data, size or theme change (``PlotextPlot`` builds the whole plot at every
    render, and a layout pass renders often)."""

    def __init__(self, *, id: str | None = None):
        super().__init__(id=id)
        self._paint: Callable[[Plot, Palette], None] | None = None
        self._drawn: tuple[object, Text] | None = None
        self._version = 0

    def draw(self, paint: Callable[[Plot, Palette], None]) -> None:
        self._paint = paint
        self._version += 1
        self.refresh()

    def render(self) -> Text:
        if self._paint is None:
            return Text()  # nothing plotted yet
        key = (self._version, self.size, self.app.theme)
        if self._drawn is None or self._drawn[0] != key:
            self.plt.clear_data()
            self.plt.clear_figure()
            self._paint(self.plt, Palette.of(self.app))
            drawn = super().render()
            assert isinstance(drawn, Text)
            self._drawn = (key, drawn)
        return self._drawn[1]


def listening(chart: Chart, stats: Stats) -> None:
    """Hours (or minutes) per day, week or month, with gaps in grey."""
    starts = [day for day, _ in stats.periods]
    top_ms = max((ms for _, ms in stats.periods), default=0)
    unit, unit_ms = ("m", 60_000) if top_ms < 2 * 3_600_000 else ("h", 3_600_000)
    amounts = [ms / unit_ms for _, ms in stats.periods]
    step = _step(top_ms / unit_ms)
    steps = max(1, math.ceil(top_ms / unit_ms / step))
    gap_days = _gap_buckets(stats)
    ticks = _ticks(len(starts))

    def paint(plt: Plot, palette: Palette) -> None:
        positions = list(range(len(starts)))
        plt.bar(positions, amounts, width=0.8, color=palette.main)
        if gap_days:
            marks = [steps * step if start in gap_days else 0 for start in starts]
            plt.bar(positions, marks, width=0.8, color=palette.mix(0.45))
        plt.xticks(
            [float(i) for i in ticks], [day_label(date_of(starts[i]), stats.bucket) for i in ticks]
        )
        # Whole hours or minutes, and no "0" beside the bottom row (a bar fills it).
        plt.yticks(
            [float(step * n) for n in range(1, steps + 1)],
            [f"{step * n}{unit}" for n in range(1, steps + 1)],
        )
        plt.ylim(0, steps * step)
        words = "Hours" if unit == "h" else "Minutes"
        plt.title(
            f"{words} listened per {stats.bucket}" + (" · grey: not recorded" if gap_days else "")
        )

    chart.draw(paint)


def _step(top: float) -> int:
    """A round step that puts at most five ticks up to ``top``."""
    for step in (1, 2, 3, 5, 10, 15, 20, 30, 50, 100, 200, 500, 1000):
        if top <= step * 5:
            return step
    return math.ceil(top / 5)


class Heatmap(Widget):
    """Hour of the day by day of the week, in the theme's colours: each day's row the
    same height, each hour's cell the same width."""

    DEFAULT_CSS = """
    Heatmap {
        background: $surface;
        padding: 0 1;
    }
    """

    def __init__(self, *, id: str | None = None):
        super().__init__(id=id)
        self.grid: tuple[tuple[int, ...], ...] = ()

    def show(self, grid: Sequence[Sequence[int]]) -> None:
        self.grid = tuple(tuple(row) for row in grid)
        self.refresh()

    def render(self) -> Text:
        palette = Palette.of(self.app)
        width, height = self.content_size
        top = max((ms for row in self.grid for ms in row), default=0)
        out = Text(no_wrap=True, overflow="crop")
        if not top:
            out.append("When you listen: nothing played in this window")
            return out
        out.append("When you listen   less ")
        for share in (0, 0.25, 0.5, 0.75, 1):
            out.append("  ", Style(bgcolor=RichColor.from_rgb(*palette.shade(share))))
        out.append(" more\n")
        cell = max(1, (width - 4) // 24)
        rows = max(1, (height - 2) // 7)
        for day, row in enumerate(self.grid):
            for line in range(rows):
                out.append(f"{WEEKDAYS[day]:<4}" if line == 0 else "    ")
                if rows > 1 and line == rows - 1:
                    out.append("\n")  # a gap between days
                    continue
                for ms in row:
                    colour = RichColor.from_rgb(*palette.shade(ms / top))
                    out.append(" " * cell, Style(bgcolor=colour))
                out.append("\n")
        axis = " " * (4 + 24 * cell)
        for hour in (0, 6, 12, 18):
            at = 4 + hour * cell
            axis = axis[:at] + f"{hour}h" + axis[at + len(f"{hour}h") :]
        out.append(axis.rstrip())
        return out


def trends(chart: Chart, trends: ArtistTrends) -> None:
    """Each of today's top artists' rank by snapshot day, 1 at the top; a day it was
    not in the list leaves a hole in its line."""
    lowest = max((rank for line in trends.ranks for rank in line if rank), default=1)
    ticks = _ticks(len(trends.days))
    steps = sorted({1, (lowest + 1) // 2, lowest})

    def paint(plt: Plot, palette: Palette) -> None:
        lines = zip(trends.artists, trends.ranks, strict=True)
        for at, (name, line) in enumerate(lines):
            kept = [(day, rank) for day, rank in enumerate(line) if rank is not None]
            plt.plot(
                [float(day) for day, _ in kept],
                [float(lowest + 1 - rank) for _, rank in kept],  # plotext puts big numbers on top
                marker="braille",
                color=palette.lines[at % len(palette.lines)],
                label=printable(name),
            )
        plt.xticks(
            [float(i) for i in ticks], [day_label(date_of(trends.days[i]), "day") for i in ticks]
        )
        plt.yticks([float(lowest + 1 - rank) for rank in steps], [f"#{rank}" for rank in steps])
        plt.title("Today's top artists: rank by day")

    chart.draw(paint)


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
