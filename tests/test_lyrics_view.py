"""The lyrics widget in a Pilot app: the line at the position highlighted, kept in view,
the sung ones dimmed; plain lyrics as a page; messages; text never markup."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Static

from spotui.lyrics.finder import Lyrics
from spotui.lyrics.follower import LyricsState
from spotui.lyrics.lrclib import Record, TrackQuery
from spotui.widgets.lyrics import LyricsView

QUERY = TrackQuery("Song", "Someone", "", 200.0)
SYNCED = "\n".join(f"[00:{n * 2:02d}.00] line {n}" for n in range(30))


def _found(synced: str | None = SYNCED, plain: str | None = None) -> LyricsState:
    record = Record(None, "Song", "Someone", "", 200.0, False, plain, synced)
    return LyricsState("found", QUERY, Lyrics(record, "lrclib"))


class Shown(App[None]):
    def compose(self) -> ComposeResult:
        yield LyricsView()


def _lines(view: LyricsView, cls: str) -> list[str]:
    return [str(w.render()) for w in view.query(Static) if w.has_class(cls)]


async def test_the_line_at_the_position_is_highlighted_centred_and_sung_lines_dimmed():
    app = Shown()
    async with app.run_test(size=(60, 12)) as pilot:
        view = app.query_one(LyricsView)
        view.show(_found())
        await pilot.pause()
        view.at(0)
        assert _lines(view, "-current") == ["line 0"] and _lines(view, "-sung") == []
        view.at(41_000)  # line 20 starts at 40 s
        await pilot.pause()
        assert _lines(view, "-current") == ["line 20"]
        assert _lines(view, "-sung") == [f"line {n}" for n in range(20)]
        current = view.query(Static).filter(".-current").first()
        top = view.scroll_offset.y
        assert top < current.virtual_region.y < top + view.size.height  # in view …
        assert abs(current.virtual_region.y - top - view.size.height // 2) <= 2  # … mid
        view.at(5_000)  # a seek back
        await pilot.pause()
        assert _lines(view, "-current") == ["line 2"]
        assert _lines(view, "-sung") == ["line 0", "line 1"]
        view.set_shift(2_000)  # two seconds sooner: the next line
        view.at(5_000)
        assert _lines(view, "-current") == ["line 3"]
        assert "+2.0 s" in _lines(view, "lyrics--shift")[0]


async def test_messages_plain_pages_and_text_that_is_never_markup():
    app = Shown()
    async with app.run_test(size=(60, 8)) as pilot:
        view = app.query_one(LyricsView)
        view.show(LyricsState("looking", QUERY))
        await pilot.pause()
        assert _lines(view, "lyrics--message") == ["Looking…"]
        view.show(LyricsState("offline", QUERY, problem="LRCLIB answered 503."))
        await pilot.pause()
        assert _lines(view, "lyrics--message") == ["Offline: LRCLIB answered 503."]
        plain = "\n".join(f"[bold]words[/bold] \x1b[31m{n}" for n in range(40))
        view.show(_found(synced=None, plain=plain))
        await pilot.pause()
        assert _lines(view, "lyrics--line")[0] == "[bold]words[/bold] ^[[31m0"
        view.at(100_000, 200_000)  # half way: the page half way down
        await pilot.pause()
        assert abs(view.scroll_offset.y - view.max_scroll_y / 2) <= 1 and view.max_scroll_y > 0
        assert _lines(view, "-current") == []  # plain lyrics have no current line
