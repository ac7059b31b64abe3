"""The lyrics widget in a Pilot app: the line at the position highlighted, kept in view,
the sung ones dimmed; plain lyrics as a page; messages; text never markup."""

from __future__ import annotations

import asyncio
import html
import re
import time

from rich.style import Style
from textual.app import App, ComposeResult
from textual.strip import Strip
from textual.widgets import Static

from spotui.core.controller import Listener
from spotui.fake.lrclib import FIRST_LINE_MS, LINE_EVERY_MS, FakeLrclib
from spotui.lyrics.finder import Lyrics
from spotui.lyrics.follower import LyricsState
from spotui.lyrics.lrclib import Record, TrackQuery
from spotui.services import Services
from spotui.tui.widgets.lyrics import LyricsView

from .helpers import until

QUERY = TrackQuery("Song", "Someone", "", 200.0)
SYNCED = "\n".join(f"[00:{n * 2:02d}.00] line {n}" for n in range(30))


def _found(synced: str | None = SYNCED, plain: str | None = None) -> LyricsState:
    record = Record(None, "Song", "Someone", "", 200.0, False, plain, synced)
    return LyricsState("found", QUERY, Lyrics(record, "lrclib"))


class Shown(App[None]):
    def compose(self) -> ComposeResult:
        yield LyricsView()


def _lines(view: LyricsView, role: str) -> list[str]:
    """The lines drawn as ``role``: "current", "sung" or "line" (neither)."""
    lines = view.lines
    return [lines.texts[n].strip() for n in range(len(lines.texts)) if lines.role(n) == role]


def _shift(view: LyricsView) -> str:
    label = view.query_one(".lyrics--shift", Static)
    return str(label.render()) if label.display else ""


def _style(strip: Strip) -> Style:
    style = next(iter(strip)).style
    assert style is not None
    return style


def _drawn(app: App[None]) -> dict[str, str]:
    """Each text on the screen as drawn (a screenshot), and its style's class there."""
    svg = app.export_screenshot()
    texts = re.finditer(r'<text class="([^"]+)"[^>]*>([^<]*)</text>', svg)
    return {html.unescape(m.group(2)).replace("\xa0", " ").strip(): m.group(1) for m in texts}


def _row(view: LyricsView, text: str) -> Strip:
    """The drawn row that shows ``text``."""
    for y in range(view.lines.size.height):
        strip = view.lines.render_line(y)
        if strip.text.strip() == text:
            return strip
    raise AssertionError(f"{text!r} is not drawn")


async def test_the_line_at_the_position_is_highlighted_centred_and_sung_lines_dimmed():
    app = Shown()
    async with app.run_test(size=(60, 12)) as pilot:
        view = app.query_one(LyricsView)
        view.show(_found())
        await pilot.pause()
        view.at(0)
        assert _lines(view, "current") == ["line 0"] and _lines(view, "sung") == []
        view.at(41_000)  # line 20 starts at 40 s
        await pilot.pause()
        assert _lines(view, "current") == ["line 20"]
        assert _lines(view, "sung") == [f"line {n}" for n in range(20)]
        height = view.lines.size.height
        row = view.current - view.lines.scroll_offset.y
        assert 0 <= row < height and abs(row - height // 2) <= 2  # in view, near the middle
        current, sung = _row(view, "line 20"), _row(view, "line 19")
        assert _style(current).bold and not _style(sung).bold
        assert _style(current) != _style(_row(view, "line 21"))
        assert _style(sung) != _style(_row(view, "line 21"))  # dimmed
        view.at(43_000)  # the next line: its row and the one before are drawn again
        await pilot.pause()
        drawn = _drawn(app)
        assert drawn["line 20"] == drawn["line 19"] != drawn["line 21"] != drawn["line 22"]
        view.at(5_000)  # a seek back
        await pilot.pause()
        assert _lines(view, "current") == ["line 2"]
        assert _lines(view, "sung") == ["line 0", "line 1"]
        view.set_shift(2_000)  # two seconds sooner: the next line
        view.at(5_000)
        assert _lines(view, "current") == ["line 3"]
        assert _shift(view) == "lines +2.0 s"


async def test_messages_plain_pages_and_text_that_is_never_markup():
    app = Shown()
    async with app.run_test(size=(60, 8)) as pilot:
        view = app.query_one(LyricsView)
        view.show(LyricsState("looking", QUERY))
        await pilot.pause()
        assert view.lines.message == "Looking…" and "Looking…" in _row(view, "Looking…").text
        view.show(LyricsState("offline", QUERY, problem="LRCLIB answered 503."))
        await pilot.pause()
        assert _row(view, "LRCLIB answered 503.")
        plain = "\n".join(f"[bold]words[/bold] \x1b[31m{n}" for n in range(40))
        view.show(_found(synced=None, plain=plain))
        await pilot.pause()
        assert _row(view, "[bold]words[/bold] ^[[31m0")  # drawn as typed, never markup
        view.at(100_000, 200_000)  # half way: the page half way down
        await pilot.pause()
        lines = view.lines
        assert abs(lines.scroll_offset.y - lines.max_scroll_y / 2) <= 1 and lines.max_scroll_y > 0
        assert _lines(view, "current") == []  # plain lyrics have no current line


# --- with the hub and its follower (the demo's Spotify, the fake LRCLIB over HTTP) -------


class Following(App[None]):
    """The view following the hub, as a tab would: it ticks at each player state."""

    def __init__(self) -> None:
        super().__init__()
        self.services = Services.demo_mode()
        self.services.lrclib_transport = None  # the fake LRCLIB over HTTP

    def compose(self) -> ComposeResult:
        yield LyricsView()

    def on_mount(self) -> None:
        self.spotify = self.services.connect()
        assert self.spotify is not None
        self.controller = self.services.player(self.spotify, interval=10, history_after=3600)
        view = self.query_one(LyricsView)
        self.controller.subscribe(Listener(state=lambda _state: view.tick()))
        assert self.services.lyrics is not None
        view.follow(self.services.lyrics)
        self.run_worker(self.controller.run())


def _words(fake: FakeLrclib, title: str) -> list[str]:
    (record,) = [r for r in fake.records if r["trackName"] == title]
    return [line or "♪" for line in record["plainLyrics"].splitlines()]


def _due(position_ms: int) -> int:
    return (position_ms - FIRST_LINE_MS) // LINE_EVERY_MS


async def test_the_view_follows_the_clock_a_seek_a_skip_and_the_shift(lrclib):
    app = Following()
    async with app.run_test(size=(60, 14)) as pilot:
        view = app.query_one(LyricsView)
        fake = app.services.fake
        words = _words(lrclib, "Cherish")
        await until(pilot, lambda: bool(_lines(view, "current")))
        seen = set()
        for _ in range(4):  # no poll in these 3 s (every 10 s): the local clock moves it
            due = _due(fake.account.position())  # type: ignore[attr-defined]
            assert view.current in (due - 1, due, due + 1)
            assert _lines(view, "current") == [words[view.current]]
            seen.add(view.current)
            await pilot.pause(1.0)
        assert len(seen) >= 2
        now, state = time.monotonic(), app.controller.state
        after = state.sought(now, 120_000 - state.position(now))  # shown before Spotify says
        seeking = asyncio.ensure_future(
            app.controller.send(lambda spotify: spotify.seek(120_000), after)
        )
        await pilot.pause()
        assert view.current in (_due(120_000), _due(120_000) + 1)  # at once, not at a poll
        view.nudge(2_500)  # `]` five times: a line sooner
        await pilot.pause()
        assert view.current in (_due(122_500), _due(122_500) + 1)
        assert _shift(view) == "lines +2.5 s"
        fake.remote_skip()  # type: ignore[attr-defined]
        app.controller.poll_soon(0)
        northern = _words(lrclib, "Northern Lights Over Tromsø")
        await until(pilot, lambda: [t.strip() for t in view.lines.texts[:3]] == northern[:3])
        await until(pilot, lambda: bool(_lines(view, "current")))
        assert _shift(view) == ""  # the next track has no shift
        await seeking
