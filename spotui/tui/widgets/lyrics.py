"""The lyrics of what plays: the line sung now highlighted and kept near the middle,
the sung lines dimmed; plain lyrics scroll as a page; a plain line when there are none.

Given the hub's lyrics follower (:meth:`LyricsView.follow`) it shows each new answer
and, while playing, wakes at each line's time (plain lyrics: every two seconds); call
:meth:`LyricsView.tick` at each new player state, so that a seek, a pause or a skip
shows at once. The lines are drawn with Textual's line API: a new line repaints the
two rows that changed, and the view scrolls only when the line leaves its middle
third. Every word is outside text: made printable, never read as markup.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from textual.containers import Vertical
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer
from textual.widgets import Static

from spotui.lyrics.finder import Lyrics
from spotui.lyrics.follower import LyricsFollower, LyricsState
from spotui.text import printable

PAGE_TICK_S = 2.0  # plain lyrics: the page moves this often
MARGIN = "  "  # before each line


class LyricsLines(ScrollView):
    """The lines, one row each; ``current`` is highlighted, those before it dimmed."""

    COMPONENT_CLASSES = {"lyrics--line", "lyrics--sung", "lyrics--current", "lyrics--message"}
    DEFAULT_CSS = """
    LyricsLines {
        height: 1fr;
        scrollbar-size-vertical: 1;
    }
    LyricsLines > .lyrics--line {
        color: $text-muted;
    }
    LyricsLines > .lyrics--sung {
        color: $text-disabled;
    }
    LyricsLines > .lyrics--current {
        color: $text;
        text-style: bold;
        background: $boost;
    }
    LyricsLines > .lyrics--message {
        color: $text-muted;
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []  # as shown: printable, with the margin
        self.message = ""
        self.current = -1
        self.marks = False  # synced: the current line is marked and the sung ones dimmed

    def set_lines(self, texts: list[str], *, marks: bool, message: str = "") -> None:
        self.texts = [MARGIN + printable(text) for text in texts]
        self.message = printable(message)
        self.marks = marks
        self.current = -1
        width = max((cell_len(text) for text in self.texts), default=0)
        self.virtual_size = Size(width, len(self.texts) or 2)
        self.scroll_to(y=0, animate=False)
        self.refresh()

    def role(self, n: int) -> str:
        """How line ``n`` is drawn: "current", "sung" or "line"."""
        if not self.marks or n > self.current:
            return "line"
        return "current" if n == self.current else "sung"

    def set_current(self, index: int) -> None:
        """Highlight line ``index``: repaint the rows that change, and scroll when it has
        left the middle third."""
        old, self.current = self.current, index
        if old == index:
            return
        if old >= 0 and abs(index - old) == 1:
            self.refresh_lines(min(old, index), 2)
        else:
            self.refresh()  # a seek: every row may change
        height = self.scrollable_content_region.height
        row = index - round(self.scroll_offset.y)
        if index >= 0 and not height // 3 <= row < height - height // 3:
            # forced: the view shown just now has no scrollbar yet, which stops a scroll
            self.scroll_to(y=max(0, index - height // 2), animate=False, force=True)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if not self.texts:
            style = self.get_component_rich_style("lyrics--message")
            text = self.message.center(width) if y == 1 else ""
            return Strip([Segment(text, style)]).crop_extend(0, width, style)
        n = round(self.scroll_offset.y) + y
        if not 0 <= n < len(self.texts):
            return Strip.blank(width, self.rich_style)
        style = self.get_component_rich_style(f"lyrics--{self.role(n)}")
        line = Strip([Segment(self.texts[n], style)])
        return line.crop_extend(
            round(self.scroll_offset.x), round(self.scroll_offset.x) + width, style
        )


class LyricsView(Vertical):
    """The shift (when not 0) above the lines, or one message."""

    DEFAULT_CSS = """
    LyricsView {
        height: 1fr;
    }
    LyricsView > .lyrics--shift {
        color: $text-muted;
        text-align: right;
        width: 100%;
        padding: 0 2;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.lyrics: Lyrics | None = None
        self.shift_ms = 0  # the user's shift for this track (positive: sooner)
        self.lines = LyricsLines()
        self._shift = Static("", classes="lyrics--shift")
        self._shift.display = False
        self._page_row = -1  # plain lyrics: the row scrolled to
        self.follower: LyricsFollower | None = None  # see follow()
        self._timer: Timer | None = None

    def compose(self):
        yield self._shift
        yield self.lines

    @property
    def current(self) -> int:
        return self.lines.current

    # --- with the hub's follower ------------------------------------------------------

    def follow(self, follower: LyricsFollower) -> None:
        """Show what ``follower`` finds, in time; it starts finding lyrics now."""
        self.follower = follower
        follower.watch(self._found)
        follower.enable()
        self._found(follower.state)

    def on_unmount(self) -> None:
        if self.follower is not None:
            self.follower.unwatch(self._found)
        if self._timer is not None:
            self._timer.stop()

    def nudge(self, delta_ms: int) -> None:
        """Shift this track's lines (``]``: sooner, ``[``: later), kept for the track."""
        if self.lyrics is not None and self.lyrics.kind != "synced":
            self._shift.update("These lyrics have no timing to shift")  # the shift is kept
            self._shift.display = True
        elif self.follower is not None:
            self.set_shift(self.follower.nudge(delta_ms))
            self.tick()

    def _found(self, state: LyricsState) -> None:
        follower = self.follower
        assert follower is not None
        self.show(state, shift_ms=follower.shift_ms)
        self.tick()

    def tick(self) -> None:
        """Move to the line at the follower's position now, and wake at the next one's
        time."""
        follower = self.follower
        if follower is None:
            return
        playback = follower.player.playback
        position = follower.position_ms()
        self.at(position, playback.duration_ms if playback else 0)
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        lyrics = self.lyrics
        if lyrics is None or playback is None or not playback.is_playing:
            return  # the next player state (a resume, a skip) ticks it
        wait = PAGE_TICK_S
        if lyrics.kind == "synced":
            due = lyrics.synced.next_at_ms(self.current, self.shift_ms)
            if due is None:
                return  # the last line: nothing more to move to
            wait = max(0.01, (due - position) / 1000)
        self._timer = self.set_timer(wait, self.tick)

    # --- what it shows ------------------------------------------------------------------

    def show(self, state: LyricsState, *, shift_ms: int = 0) -> None:
        """Show ``state``: its lines, or its message ("Looking…", "Instrumental"…)."""
        lyrics = state.lyrics if state.status == "found" else None
        self.lyrics = lyrics
        self._page_row = -1
        if lyrics is None or state.message:
            self.lyrics = None
            self.lines.set_lines([], marks=False, message=state.message)
        elif lyrics.kind == "synced":
            texts = [line.text or "♪" for line in lyrics.synced.lines]
            self.lines.set_lines(texts, marks=True)
        else:
            self.lines.set_lines(list(lyrics.plain), marks=False)
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
            self.lines.set_current(lyrics.synced.index_at(position_ms, self.shift_ms))
        elif duration_ms > 0 and self.lines.max_scroll_y > 0:
            row = round(min(1.0, position_ms / duration_ms) * self.lines.max_scroll_y)
            if row != self._page_row:
                self._page_row = row
                self.lines.scroll_to(y=row, animate=False, force=True)
