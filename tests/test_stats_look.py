"""How the Stats tab and the top lists look, with Pilot (issue 29, items 6, 8 and 15):
the dates dialog, the charts in the theme's colours, names shown whole."""

from __future__ import annotations

import itertools
import re

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.color import Color
from textual.widgets import Button, Input, Label
from textual_plotext import PlotextPlot

from spotui.format import WEEKDAYS
from spotui.tui.screens.dates import DatesPicker
from spotui.tui.widgets.table import PLAYING, RowsTable

from .helpers import demo, open_tab, started, until
from .test_stats_tab import _stats, caption


async def test_the_dates_dialog_fits_80x24_and_tab_goes_from_to_show():
    app = demo()
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        view = await _stats(pilot)
        await pilot.press("W")
        await until(pilot, lambda: isinstance(app.screen, DatesPicker))
        await pilot.pause()
        screen = app.screen
        since = screen.query_one("#dates-since", Input)
        until_ = screen.query_one("#dates-until", Input)
        show = screen.query_one("#show", Button)
        for widget in (since, until_, show):  # each whole on the 80x24 screen
            region = widget.region
            assert region.height >= 3 and region.width >= 12, widget
            assert screen.region.contains_region(region), widget
        assert since.region.bottom <= until_.region.y or since.region.right <= until_.region.x
        assert app.focused is since
        await pilot.press(*"2026-11-01", "tab")
        assert app.focused is until_
        await pilot.press(*"2026-12-03", "tab")
        assert app.focused is show
        await pilot.press("enter")
        await until(pilot, lambda: "2026-11-01" in caption(view))
        assert caption(view).count("2026-11-01 to 2026-12-03") == 1
        assert caption(view).startswith("2026-11-01 to 2026-12-03 · w: another window")


async def test_a_bad_date_says_which_and_keeps_the_dialog():
    app = demo()
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        await _stats(pilot)
        await pilot.press("W")
        await until(pilot, lambda: isinstance(app.screen, DatesPicker))
        await pilot.pause()
        await pilot.press(*"2026-11-01", "tab", *"2026-02-30", "enter")
        assert isinstance(app.screen, DatesPicker)
        problem = app.screen.query_one("#dates-problem", Label)
        assert str(problem.content) == "Not a date in To: “2026-02-30”. Write it as 2024-03-31."
        assert problem.region.height == 1 and app.screen.region.contains_region(problem.region)
        until_ = app.screen.query_one("#dates-until", Input)
        until_.value = "2026-10-01"
        await pilot.press("enter")
        assert isinstance(app.screen, DatesPicker)
        assert "From is after To" in str(problem.content)


def shown(table: RowsTable, row: int) -> str:
    """The row's line as the table draws it (the header is line 0)."""
    return "".join(segment.text for segment in table.render_line(row + 1))


async def test_the_stats_top_lists_show_names_whole_at_120_columns():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        view = await _stats(pilot)
        await pilot.pause()
        longest = 0
        for kind in ("artists", "tracks", "albums"):
            table = view.query_one(f"#stats-{kind}", RowsTable)
            for row in range(table.row_count):
                name = table.get_row_at(row)[1]
                assert name in shown(table, row), (kind, name)
                longest = max(longest, cell_len(name))
        assert longest >= 30  # such a name is whole, not "Kwame & the La…"


async def test_on_tab_3_the_count_sits_beside_the_name():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        table = await open_tab(pilot, "3", "top-artists")
        await until(pilot, lambda: table.row_count == 20)
        await pilot.pause()
        widest = max(cell_len(table.get_row_at(row)[1]) for row in range(table.row_count))
        for row in range(10):
            _, name, count = table.get_row_at(row)
            line = shown(table, row)
            after_name = cell_len(line[: line.index(name) + len(name)])
            at_count = cell_len(line[: line.rindex(count)])
            # the count column ("Your top tracks", right-aligned) starts after the widest
            # name and the room kept for the playing row's mark
            room = widest + cell_len(PLAYING) - cell_len(name) + len("Your top tracks")
            assert at_count - after_name <= room


def colours(strip, start: int, count: int) -> list[tuple[int, int, int]]:
    """The background colour of each of ``count`` cells from ``start``."""
    found: list[tuple[int, int, int]] = []
    at = 0
    for segment in strip:
        for _ in segment.text:
            if start <= at < start + count:
                assert segment.style is not None and segment.style.bgcolor is not None
                found.append(tuple(segment.style.bgcolor.get_truecolor()))
            at += 1
    return found


def rgb(app, name: str) -> tuple[int, int, int]:
    return Color.parse(app.theme_variables[name]).rgb


async def test_the_heatmap_uses_the_theme_even_rows_and_a_visible_low_value():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        view = await _stats(pilot)
        await until(pilot, lambda: bool(view.query("#stats-heatmap")), timeout=15)
        heatmap = view.query_one("#stats-heatmap")
        await until(pilot, lambda: "When you listen" in str(heatmap.render()))
        assert view.stats is not None
        grid = view.stats.heatmap
        seen: dict[str, tuple[int, int, int]] = {}
        for theme in ("textual-dark", "textual-light", "nord"):
            app.theme = theme
            await pilot.pause()
            lines = [heatmap.render_line(y) for y in range(heatmap.size.height)]
            texts = ["".join(segment.text for segment in line) for line in lines]
            rows = [y for y, text in enumerate(texts) if text.lstrip()[:3] in WEEKDAYS]
            assert len(rows) == 7 and len({b - a for a, b in itertools.pairwise(rows)}) == 1, texts
            start = texts[rows[0]].index("Mon") + 4
            cell = (heatmap.content_size.width - 4) // 24  # 24 hours after "Mon "
            cells = {
                (day, hour): colour
                for day, y in enumerate(rows)
                for hour, colour in enumerate(colours(lines[y], start, 24 * cell)[::cell])
            }
            ground, main = rgb(app, "surface"), rgb(app, "primary")
            empty = [cells[d, h] for d in range(7) for h in range(24) if not grid[d][h]]
            busiest = max((ms, d, h) for d in range(7) for h in range(24) if (ms := grid[d][h]))
            least = min((ms, d, h) for d in range(7) for h in range(24) if (ms := grid[d][h]))
            assert empty and len(set(empty)) == 1
            # No listening: the panel's own colour, nearly; the busiest hour: the theme's.
            assert max(abs(a - b) for a, b in zip(empty[0], ground, strict=True)) <= 30, (
                theme,
                empty[0],
            )
            assert cells[busiest[1:]] == main
            # A little listening stands out from none.
            low = cells[least[1:]]
            assert sum(abs(a - b) for a, b in zip(low, empty[0], strict=True)) >= 60, (
                theme,
                low,
                empty[0],
            )
            seen[theme] = empty[0]
        assert sum(seen["textual-light"]) > 450 > 150 > sum(seen["textual-dark"])


async def test_the_listening_chart_ticks_whole_hours_in_the_theme_colour():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        view = await _stats(pilot)
        chart = view.query_one("#stats-listening", PlotextPlot)
        await until(pilot, lambda: "listened per" in str(chart.render()), timeout=15)
        for theme in ("textual-dark", "textual-light"):
            app.theme = theme
            await pilot.pause()
            drawn = chart.render()
            assert isinstance(drawn, Text)
            ticks = re.findall(r"^\s*(\S+)┤", drawn.plain, flags=re.MULTILINE)
            assert ticks and all(re.fullmatch(r"[1-9]\d*h", tick) for tick in ticks), ticks
            assert "hours" not in drawn.plain  # no legend over the bars
            bars = {
                span.style.color.get_truecolor()
                for span in drawn.spans
                if isinstance(span.style, Style)
                and span.style.color is not None
                and "█" in drawn.plain[span.start : span.end]
            }
            assert bars == {rgb(app, "primary")}, (theme, bars)
