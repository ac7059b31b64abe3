"""The lyrics of what plays: the line sung now highlighted and kept near the middle,
the sung lines dimmed; plain lyrics scroll as a page; a plain line when there are none.

The widget is told what the follower knows (:meth:`LyricsView.show`) and where the
track is (:meth:`LyricsView.at`, at each tick of the local clock); it repaints only
when the line changes. Every word is outside text: shown with :func:`plain`, never as
markup.
"""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widgets import Static

from spotui.lyrics.finder import Lyrics
from spotui.lyrics.follower import LyricsState
from spotui.widgets.plain import plain


class LyricsView(VerticalScroll):
    """One line of lyrics per child, or one message."""

    DEFAULT_CSS = """
    LyricsView {
        height: 1fr;
        padding: 0 2;
        scrollbar-size-vertical: 1;
    }
    LyricsView > .lyrics--shift {
        color: $text-muted;
        text-align: right;
        width: 100%;
        dock: top;
    }
    LyricsView > .lyrics--line {
        width: 100%;
        color: $text-muted;
    }
    LyricsView > .lyrics--line.-sung {
        color: $text-disabled;
    }
    LyricsView > .lyrics--line.-current {
        color: $text;
        text-style: bold;
        background: $boost;
    }
    LyricsView > .lyrics--message {
        width: 100%;
        color: $text-muted;
        text-align: center;
        margin-top: 1;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.lyrics: Lyrics | None = None
        self.current = -1  # the highlighted line
        self.shift_ms = 0  # the user's shift for this track (positive: sooner)
        self._page_row = -1  # plain lyrics: the row scrolled to
        self._lines: list[Static] = []
        self._shift = Static("", classes="lyrics--shift")

    def compose(self):
        yield self._shift

    def show(self, state: LyricsState, *, shift_ms: int = 0) -> None:
        """Show ``state``: its lines, or its message ("Looking…", "Instrumental"…)."""
        lyrics = state.lyrics if state.status == "found" else None
        self.lyrics = lyrics
        self.current = -1
        self._page_row = -1
        for line in self._lines:
            line.remove()
        if lyrics is None or state.message:
            self._lines = [Static(plain(state.message), classes="lyrics--message")]
        elif lyrics.kind == "synced":
            self._lines = [
                Static(plain(line.text or "♪"), classes="lyrics--line")
                for line in lyrics.synced.lines
            ]
        else:
            self._lines = [Static(plain(line), classes="lyrics--line") for line in lyrics.plain]
        self.mount_all(self._lines)
        self.scroll_home(animate=False)
        self.set_shift(shift_ms)

    def set_shift(self, shift_ms: int) -> None:
        """Shift the lines (``]`` sooner, ``[`` later); the shift is shown while not 0."""
        self.shift_ms = shift_ms
        self._shift.update(f"lines {shift_ms / 1000:+.1f} s" if shift_ms else "")
        self._shift.display = bool(shift_ms)

    def at(self, position_ms: int, duration_ms: int = 0) -> None:
        """Where the track is: highlight the line sung (synced), or scroll the page to
        the same share of the text (plain). Nothing repaints unless that changed."""
        lyrics = self.lyrics
        if lyrics is None:
            return
        if lyrics.kind == "synced":
            self._highlight(lyrics.synced.index_at(position_ms, self.shift_ms))
        elif duration_ms > 0 and self.max_scroll_y > 0:
            row = round(min(1.0, position_ms / duration_ms) * self.max_scroll_y)
            if row != self._page_row:
                self._page_row = row
                self.scroll_to(y=row, animate=False)

    def _highlight(self, index: int) -> None:
        old = self.current
        if index == old:
            return
        self.current = index
        low, high = (old, index) if old < index else (index, old)
        for n in range(max(0, low), min(high + 1, len(self._lines))):
            line = self._lines[n]
            line.set_class(n == index, "-current")
            line.set_class(n < index, "-sung")
        if 0 <= index < len(self._lines):
            self.scroll_to_center(self._lines[index], animate=False)
