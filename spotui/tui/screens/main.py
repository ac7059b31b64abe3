"""The main screen: the tabs, the router between them, and the hookup to the hub.

What each tab shows is its own module in :mod:`spotui.tui.tabs`; what a key does to
the player or to an item is :class:`~spotui.tui.controls.Controls` (and below it,
:mod:`spotui.core.actions`); the keys themselves are data in :mod:`.main_keys`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.reactive import var
from textual.widgets import Input, TabbedContent

from spotui.config import Config
from spotui.core import snapshot
from spotui.core.actions import Actions
from spotui.core.controller import Listener, Trouble, answered
from spotui.core.player import AFTER_COMMAND_S, PlayerState
from spotui.format import TIME_RANGE_LABELS, TIME_RANGE_SHORT
from spotui.services import Services
from spotui.spotify.models import TIME_RANGES, TimeRange
from spotui.tui.controls import Controls, LibraryChanged
from spotui.tui.screens.main_keys import MAIN_BINDINGS, STATS_ACTIONS, TAB_TITLES, KeysScreen
from spotui.tui.tabs.base import MainTab, Reads
from spotui.tui.tabs.library import LibraryTab
from spotui.tui.tabs.now import NowTab
from spotui.tui.tabs.playlists import PlaylistsTab
from spotui.tui.tabs.queue import QueueTab
from spotui.tui.tabs.recent import RecentTab
from spotui.tui.tabs.stats import StatsTab
from spotui.tui.tabs.top import TopTab
from spotui.tui.widgets.footer import CompactFooter
from spotui.tui.widgets.lyrics import LyricsView
from spotui.tui.widgets.now_playing import NowPlaying
from spotui.tui.widgets.playback_bar import PlaybackBar
from spotui.tui.widgets.table import RowsTable
from spotui.tui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from spotui.core.remote import Remote


class MainScreen(KeysScreen):
    """Everything a signed-in user sees."""

    CSS_PATH = "main.tcss"
    BINDINGS = MAIN_BINDINGS

    state: var[PlayerState] = var(PlayerState, always_update=True, init=False)
    time_range: var[TimeRange] = var("medium_term", init=False)

    class SignedOut(Message):
        """The sign-in ended (revoked, expired): the app shows the wizard."""

        def __init__(self, reason: str):
            super().__init__()
            self.reason = reason

    def __init__(
        self,
        services: Services,
        config: Config,
        remote: Remote,
        last: snapshot.Snapshot | None = None,
    ):
        """``remote``: the core for this sign-in, its first poll perhaps sent already
        (see :func:`first_poll`); ``last``: the previous run's snapshot, as the start
        screen read it."""
        super().__init__()
        self._last = last
        self._tabs: TabbedContent | None = None  # kept: check_action runs per binding
        self.services = services
        self.config = config
        self.remote = remote
        self.lists = remote.lists
        self.controller = remote.player
        self.controller.subscribe(
            Listener(
                state=self._received,
                trouble=self._trouble,
                signed_out=self._signed_out,
                history=lambda result: self.query_one(StatsTab).synced(result),
                notice=lambda title, line: self.notify(line, title=title, severity="warning"),
            )
        )
        self._first = remote.first
        self.browse = remote.browse
        self.controls = Controls(
            self, Actions(self.controller, self.browse), config, self.key_for, self._queued
        )
        self.sub_title = "demo · fake Spotify, no account" if services.demo else ""

    def offered(self, action: str, parameters: tuple[object, ...]) -> bool:
        """The Stats keys are offered everywhere: they show the Stats tab first."""
        return action in STATS_ACTIONS or super().offered(action, parameters)

    def from_palette(self, action: str) -> None:
        if action in STATS_ACTIONS and self._active != "stats":
            self.action_tab("stats")
        super().from_palette(action)

    # --- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        reads = Reads(self.services, self.lists, self.browse, self.controls)
        yield TitleBar(self.sub_title or "")
        self._tabs = TabbedContent(initial="now")
        with self._tabs:
            self._now_tab = NowTab(TAB_TITLES["now"], reads, self.config)
            yield self._now_tab
            # The other tabs get their tables when first shown.
            for kind in ("tracks", "artists"):
                yield TopTab(self._top_title(f"top-{kind}"), reads, kind, self.time_range)
            yield RecentTab(TAB_TITLES["recent"], reads, id="recent")
            yield LibraryTab(TAB_TITLES["library"], reads, id="library")
            yield QueueTab(TAB_TITLES["queue"], reads, id="queue")
            yield PlaylistsTab(TAB_TITLES["playlists"], reads, id="playlists")
            yield StatsTab(TAB_TITLES["stats"], reads)
        yield PlaybackBar(self.controls.actions, hidden_on="now", where=False)
        yield CompactFooter()

    def on_mount(self) -> None:
        known = answered(self._first)
        self._now_tab.restore(self._last, known)
        if known is not None:
            self.state = known
        self.poll_loop()

    async def on_unmount(self) -> None:
        self._now_tab.close(self.state)
        await self.remote.aclose()

    def _top_title(self, tab: str) -> str:
        return f"{TAB_TITLES[tab]} · {TIME_RANGE_SHORT[self.time_range]}"

    @property
    def now_playing(self) -> NowPlaying:
        return self.query_one(NowPlaying)

    def _tab(self, tab: str) -> MainTab:
        return self.query_one(f"#{tab}", MainTab)

    @property
    def _active(self) -> str:
        return self.query_one(TabbedContent).active

    # --- the hub ------------------------------------------------------------------------

    def _received(self, state: PlayerState) -> None:
        self.state = state

    def watch_state(self, state: PlayerState) -> None:
        if self._now_tab.show_state(state):
            # Recently played and the queue change with the track.
            for tab in ("recent", "queue"):
                if self._tab(tab).loaded:
                    self._tab(tab).stale()

    def poll_soon(self, delay: float = AFTER_COMMAND_S) -> None:
        """Ask Spotify again after ``delay`` seconds instead of the planned time."""
        self.controller.poll_soon(delay)

    @work(exclusive=True, group="poll")
    async def poll_loop(self) -> None:
        """The controller's poll loop, for as long as the screen lives."""
        await self.controller.run()

    def _trouble(self, trouble: Trouble | None) -> None:
        self._now_tab.trouble(trouble)

    def _signed_out(self, reason: str) -> None:
        self.post_message(self.SignedOut(reason))

    def _queued(self) -> None:
        if self._tab("queue").loaded:
            self._tab("queue").stale()

    # --- keys ---------------------------------------------------------------------------

    def _table(self) -> RowsTable | None:
        """The table of the tab on show that the arrows move: the focused one (a click
        on Stats), else its first; None on now playing."""
        tabs = self._tabs
        if tabs is None or tabs.active in ("", "now") or tabs.active_pane is None:
            return None
        tables = tabs.active_pane.query(RowsTable)
        if not tables:
            return None
        focused = self.focused
        return focused if isinstance(focused, RowsTable) and focused in tables else tables.first()

    def highlighted(self) -> object | None:
        """The item under the cursor of the tab on show (None on now playing)."""
        table = self._table()
        return table.highlighted if table is not None else None

    def action_item(self, action: str) -> None:
        """As on every screen; l on the track playing shows on now playing at once."""
        item, playing = self.highlighted(), self._now_tab.track
        same = playing is not None and getattr(item, "uri", None) == playing.uri
        if action == "like" and (item is None or same):
            self._now_tab.like()
        else:
            super().action_item(action)

    @on(LibraryChanged)
    def library_changed(self, event: LibraryChanged) -> None:
        playing = self._now_tab.track
        if playing is not None and playing.uri == event.uri:
            self.now_playing.liked = event.saved

    def action_lyrics(self, shift_ms: int = 0) -> None:
        """Show or hide the lyrics on the now tab; ``shift_ms``: shift their lines."""
        if not shift_ms:
            self.action_tab("now")
        self._now_tab.lyrics(shift_ms)

    def action_refresh(self) -> None:
        self.controls.refresh()
        tab = self._tab(self._active)
        tab.loaded = False
        tab.show()

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The Stats keys show (and work) on the Stats tab only, the list keys on a
        tab with a list, and the lyrics' shifts while the lyrics show; in a filter box
        the arrows move in the text, not in the track."""
        if action == "player" and parameters[:1] == ("seek",):
            return not isinstance(self.focused, Input)
        # No query of the whole screen here: the footer asks once per binding (180
        # times a start), and each query walked every widget.
        active = self._tabs.active if self._tabs is not None else ""
        if action in STATS_ACTIONS:
            return active == "stats"
        if action == "rows":
            return active != "now"
        if action == "lyrics" and parameters:
            views = self._now_tab.query(LyricsView) if self._tabs is not None else ()
            return any(view.display for view in views)
        return super().check_action(action, parameters)

    # --- the router -----------------------------------------------------------------------

    @on(TabbedContent.TabActivated)
    def tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id != "stats" or self.query("#stats-view"):
            self.refresh_bindings()  # the footer (rebuilt: slow) after a new Stats tab
        if isinstance(event.pane, MainTab):
            event.pane.show()

    @on(RowsTable.Chosen)
    def chosen(self, event: RowsTable.Chosen) -> None:
        """Enter on a row: play it (a track from there on), or skip to it (the queue)."""
        event.stop()
        active = self._active
        if active == "queue":
            self.controls.skip_to(event.index, event.item)
        elif active == "stats" and getattr(event.item, "uri", True) is None:
            self.controls.play_found(event.item)
        else:
            self.controls.play_row(event.table.items, event.index, where=self._tab(active).where)

    def action_rows(self, action: str, *args: int) -> None:
        """Arrows and Enter reach the tab's table while the tab bar keeps the focus:
        moving the focus at each tab switch restyles the screen, which is slow while a
        large library loads."""
        table = self._table()
        if table is not None:
            getattr(table, f"action_{action}")(*args)
            if self._active == "stats":  # on a small terminal, the tables are below the charts
                table.scroll_visible(animate=False)

    def action_time_range(self) -> None:
        index = TIME_RANGES.index(self.time_range)
        self.time_range = TIME_RANGES[(index + 1) % len(TIME_RANGES)]

    def watch_time_range(self, time_range: TimeRange) -> None:
        tabs = self.query_one(TabbedContent)
        for top in self.query(TopTab):
            tabs.get_tab(top.id or "").label = self._top_title(top.id or "")
            top.time_range = time_range
            top.stale()
        self.notify(f"Top lists: {TIME_RANGE_LABELS[time_range]}.")

    def action_stats_window(self) -> None:
        self.query_one(StatsTab).next_window()

    def action_stats_dates(self) -> None:
        self.query_one(StatsTab).pick_dates()

    def action_stats_order(self) -> None:
        self.query_one(StatsTab).next_order()
