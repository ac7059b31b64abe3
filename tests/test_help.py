"""spotui's own help screen (``?``): grouped, the keys in effect with remaps, closed by
Escape and ``?``, and it fits at 80x24 (issue 29, item 5)."""

from __future__ import annotations

import io

from rich.console import Console
from textual.containers import VerticalScroll
from textual.widgets import Static

from spotui.tui.screens.help import HelpScreen, keys_in_effect
from spotui.tui.screens.main import MainScreen
from spotui.tui.screens.pages import AlbumScreen

from .helpers import demo, screen_text, started, until
from .test_keys import app_with
from .test_keys_everywhere import album_page

GROUPS = ("Playback", "Lists", "Pages and tabs", "Stats")


def help_lines(app) -> list[str]:
    """The help's groups as plain lines, one group after the other."""
    console = Console(width=200, file=io.StringIO(), record=True)
    for group in app.screen.query(".group").results(Static):
        console.print(group.content)
    return console.export_text().splitlines()


async def test_question_mark_opens_the_groups_and_escape_or_question_mark_closes_it():
    app = demo()
    async with app.run_test(size=(80, 24)) as pilot:
        main = await started(pilot)
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        shown = screen_text(app)
        for group in GROUPS:
            assert group in shown, group
        assert "Focus Next" not in shown and "Copy selected text" not in shown
        lines = help_lines(app)
        narrow = [line.split() for line in lines if "Narrow the list by title" in line]
        assert narrow and narrow[0][0] == "f", lines  # the filter key, in the Lists group
        assert lines.index(next(li for li in lines if "Narrow the list" in li)) > next(
            n for n, li in enumerate(lines) if li.strip() == "Lists"
        )
        box = app.screen.query_one(VerticalScroll)
        assert box.region.bottom <= 24 and box.region.right <= 80  # it fits; it scrolls
        box.scroll_end(animate=False)
        await pilot.pause()
        assert "Quit spotui" in screen_text(app)  # the last lines can be reached
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is main)
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.press("question_mark")
        await until(pilot, lambda: app.screen is main)


async def test_a_remapped_key_shows_its_new_key_and_opens_and_closes_the_help(tmp_path):
    app = app_with(tmp_path, '[keys]\nnext = "x"\nhelp = "h"\n')
    async with app.run_test(size=(120, 40)) as pilot:
        main = await started(pilot)
        await pilot.press("h")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        keys, does = keys_in_effect(main)["next"]
        assert keys == ["x"] and does == "Skip to the next track"
        lines = help_lines(app)
        assert any(line.split() == ["x", "Skip", "to", "the", "next", "track"] for line in lines)
        assert not any(line.split()[:2] == ["n", "Skip"] for line in lines)
        await pilot.press("h")
        await until(pilot, lambda: app.screen is main)


async def test_on_a_page_the_help_lists_the_pages_keys():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        page = await album_page(pilot)
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        found = keys_in_effect(page)
        assert found["back"][0] == ["esc", "⌫"]
        assert "stats_window" not in found  # no Stats keys on a page
        shown = screen_text(app)
        assert "Back to where you were" in shown and "Stats" not in shown
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, AlbumScreen))
        assert not isinstance(app.screen, MainScreen)


async def test_at_80_by_24_each_key_takes_one_line_and_quit_is_listed_once():
    app = demo()
    async with app.run_test(size=(80, 24)) as pilot:
        await started(pilot)
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(app.screen, HelpScreen))
        await pilot.pause()
        box = app.screen.query_one(VerticalScroll)
        lines = [line.rstrip() for line in help_lines(app)]
        keyed = [line for line in lines if len(line.split()) >= 2]
        assert len(keyed) >= 25
        width = box.scrollable_content_region.width
        assert all(len(line) <= width for line in keyed), width  # none wraps
        assert box.scrollable_content_region.height >= 12  # a dozen keys in sight, not five
        assert any(line.split()[:4] == ["space", "Play", "or", "pause"] for line in lines)
        assert sum("Quit" in line for line in lines) == 1  # not ^q "Quit the app" and q too
