"""The lyrics of what plays: the line sung now highlighted and kept near the middle,
the sung lines dimmed; plain lyrics scroll as a page; a plain line when there are none.

Given the hub's lyrics follower (:meth:`LyricsView.follow`) it shows each new
answer and, while playing, wakes at each line's time (plain lyrics: every two
seconds); call :meth:`LyricsView.tick` at each new player state, so that a seek, a
pause or a skip shows at once.
It repaints only when the line changes. Without a follower, :meth:`LyricsView.show` and
:meth:`LyricsView.at` drive it. Every word is outside text: shown with :func:`plain`,
never as markup.
"""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.timer import Timer
from textual.widgets import Static

from spotui.lyrics.finder import Lyrics
from spotui.lyrics.follower import LyricsFollower, LyricsState
from spotui.widgets.plain import plain

PAGE_TICK_S = 2.0  # plain lyrics: the page moves this often


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
        self._follower: LyricsFollower | None = None
        self._timer: Timer | None = None

    def compose(self):
        yield self._shift

    # --- with the hub's follower ------------------------------------------------------

    def follow(self, follower: LyricsFollower) -> None:
        """Show what ``follower`` finds, in time; it starts finding lyrics now."""
        self._follower = follower
        follower.watch(self._found)
        follower.enable()
        self._found(follower.state)

    def on_unmount(self) -> None:
        if self._follower is not None:
            self._follower.unwatch(self._found)
        if self._timer is not None:
            self._timer.stop()

    def nudge(self, delta_ms: int) -> None:
        """Shift this track's lines (``]``: sooner, ``[``: later), kept for the track."""
        if self._follower is not None:
            self.set_shift(self._follower.nudge(delta_ms))
            self.tick()

    def _found(self, state: LyricsState) -> None:
        follower = self._follower
        assert follower is not None
        self.show(state, shift_ms=follower.shift_ms)
        self.tick()

    def tick(self) -> None:
        """Move to the line at the follower's position now, and wake at the next one's
        time."""
        follower = self._follower
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
            self._keep_near_the_middle(self._lines[index])

    def _keep_near_the_middle(self, line: Static) -> None:
        """Centre ``line`` when it has left the middle third of the view: most lines
        then repaint themselves alone, not the whole view scrolled by one row."""
        height = self.scrollable_content_region.height
        row = line.virtual_region.y - self.scroll_offset.y
        if not height // 3 <= row < height - height // 3:
            self.scroll_to_center(line, animate=False)
