"""The playback bar: what plays, in two lines at the foot of every tab and page.

Each bar is a subscriber of the hub (a :class:`Listener`, attached while it is
mounted), never a poll loop of its own: the first line is play/pause, the title and
artists (or "skipping…" while a skip is on its way), where it plays from, and
shuffle and repeat; the second a time bar moved locally between polls. It also tells
its screen's tables which row plays.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import TabbedContent

from spotui.core.actions import Actions
from spotui.core.controller import Listener
from spotui.core.player import PlayerState
from spotui.core.snapshot import item_lines
from spotui.text import printable
from spotui.tui.widgets.now_playing import TimeBar, describe
from spotui.tui.widgets.table import RowsTable
from spotui.tui.widgets.title_bar import TitleBar

REPEAT_WORDS = {"off": "off", "context": "all", "track": "one"}  # as the r key says them


def playing_uris(state: PlayerState) -> frozenset[str]:
    """The URIs a list marks as playing: the item, and the album, playlist or artist
    it plays from."""
    playback = state.playback
    if playback is None:
        return frozenset()
    item_uri = playback.item.uri if playback.item is not None else None
    return frozenset(uri for uri in (item_uri, playback.context_uri) if uri)


class PlaybackLine(Widget):
    """The bar's first line, fitted to its width: where it plays from gives way first,
    then the title and artists."""

    COMPONENT_CLASSES = {"playback-line--title", "playback-line--muted"}
    DEFAULT_CSS = "PlaybackLine { height: 1; }"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.parts: tuple[str, str, str, str] = ("", "", "", "")  # icon, what, from, modes

    def show(self, icon: str, what: str, where: str, modes: str) -> None:
        """Names are outside text: shown as typed, never as control sequences."""
        parts = (icon, printable(what), printable(where), modes)
        if parts != self.parts:
            self.parts = parts
            self.refresh()

    def render(self) -> Text:
        icon, what, where, modes = self.parts
        title = self.get_component_rich_style("playback-line--title")
        muted = self.get_component_rich_style("playback-line--muted")
        width = self.size.width
        right = Text(no_wrap=True, end="")
        if modes:
            right.append("  " + modes, muted)
        left_room = width - cell_len(icon) - 1 - right.cell_len
        if where and left_room - cell_len(what) >= 12:  # the context only where it fits
            source = Text("  from " + where, muted, no_wrap=True, end="")
            source.truncate(max(left_room - cell_len(what), 0), overflow="ellipsis")
            right = source + right
        line = Text(no_wrap=True, end="")
        line.append(icon + " ", title)
        body = Text(what, title, no_wrap=True, end="")
        body.truncate(max(width - line.cell_len - right.cell_len, 0), overflow="ellipsis")
        line.append_text(body)
        line.append(" " * max(width - line.cell_len - right.cell_len, 0))
        line.append_text(right)
        line.truncate(width)
        return line


class PlaybackBar(Vertical):
    """Play/pause, title and artists, where from, shuffle and repeat, and the time."""

    DEFAULT_CSS = """
    PlaybackBar {
        height: 2;
        padding: 0 1;
        background: $panel;
    }
    PlaybackBar.-hidden {
        display: none;
    }
    PlaybackLine > .playback-line--title {
        color: $text;
        text-style: bold;
    }
    PlaybackLine > .playback-line--muted {
        color: $text-muted;
    }
    PlaybackBar.-skipping PlaybackLine > .playback-line--title {
        color: $warning;
    }
    """

    def __init__(
        self, actions: Actions, *, where: bool = True, hidden_on: str | None = None, **kwargs
    ):
        """``where``: say where it plays from (else the screen's header says it);
        ``hidden_on``: the tab on which it hides (the now tab shows all it would)."""
        super().__init__(**kwargs)
        self.actions = actions
        self.hidden_on = hidden_on
        self.controller = actions.controller
        self.where = where
        self.marks: frozenset[str] = frozenset()  # what the tables mark as playing
        self.playing_from = ""
        self._line = PlaybackLine()
        self._time = TimeBar()
        self._ticker: Timer | None = None
        self._listener: Listener | None = None

    def compose(self) -> ComposeResult:
        self._time.styles.margin = 0  # the now-playing view's bar keeps its own margin
        yield self._line
        yield self._time

    def on_mount(self) -> None:
        if self.hidden_on is not None:
            tabs = self.screen.query_one(TabbedContent)
            self.watch(tabs, "active", self._tab_shown)
        else:
            self._toasts_above(True)
        self._listener = self.controller.subscribe(Listener(state=self.show_state))
        self.show_state(self.controller.state)

    def _tab_shown(self, tab: str) -> None:
        self.set_class(tab == self.hidden_on, "-hidden")
        self._toasts_above(tab != self.hidden_on)
        self._tick()

    def _toasts_above(self, shown: bool) -> None:
        """Toasts rise above the bar while it shows (spotui.tcss), not over what plays:
        a class on the screen's toast rack alone, so no other widget is restyled."""
        self.screen.query("#textual-toastrack").set_class(shown, "-above-playback-bar")

    def on_unmount(self) -> None:
        if self._listener is not None:
            self.controller.unsubscribe(self._listener)
            self._listener = None

    def show_state(self, state: PlayerState) -> None:
        """Show one state the hub sent."""
        playback = state.playback
        word, _ = describe(playback)
        if state.skipping:
            icon, what = "⏭", "Skipping…"
        elif playback is None or playback.item is None:
            icon, what = "■", word
        else:
            title, artists, _ = item_lines(playback)
            icon = "▶" if playback.is_playing else "⏸"
            what = f"{title} · {artists}" if artists else title
        modes = ""
        if playback is not None:
            shuffle = "⇄ on" if playback.shuffle else "⇄ off"
            modes = f"{shuffle}  ↻ {REPEAT_WORDS.get(playback.repeat, 'off')}"
        where = self.actions.contexts.name(playback) or ""
        if where != self.playing_from:
            self.playing_from = where
            for header in self.screen.query(TitleBar):
                header.playing_from(where)
        self._line.show(icon, what, where if self.where else "", modes)
        self.set_class(state.skipping, "-skipping")
        self._tick()
        self._mark(playing_uris(state))
        unknown = self.actions.contexts.unknown(playback)
        if unknown is not None:
            self._ask(unknown)

    @work(group="context")
    async def _ask(self, uri: str) -> None:
        """Name a context spotui does not hold (one request, shared by every bar)."""
        if await self.actions.contexts.ask(uri):
            self.show_state(self.controller.state)

    def _mark(self, marks: frozenset[str]) -> None:
        if marks != self.marks:
            self.marks = marks
            for table in self.screen.query(RowsTable):
                table.playing = marks

    def _tick(self) -> None:
        """Move the time bar, locally; each second while playing and on show."""
        state = self.controller.state
        playback = state.playback
        position = state.position(self.controller.monotonic())
        self._time.show(position, playback.duration_ms if playback else 0)
        playing = playback is not None and playback.is_playing and not self.has_class("-hidden")
        if playing and self._ticker is None:
            self._ticker = self.set_interval(1.0, self._tick)
        elif not playing and self._ticker is not None:
            self._ticker.stop()
            self._ticker = None
