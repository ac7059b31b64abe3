"""The Stats tab: your listening history over a window, read through ``history/``."""

from __future__ import annotations

import asyncio
import importlib
from datetime import date
from typing import TYPE_CHECKING

from textual import work

from spotui.tui.tabs.base import MainTab, Reads

if TYPE_CHECKING:
    from spotui.history.stats import Stats, Window
    from spotui.history.sync import SyncResult


class StatsTab(MainTab):
    """Totals, charts and top lists for a window (``w``) or two dates (``W``)."""

    def __init__(self, title: str, reads: Reads):
        super().__init__(title, reads, id="stats")
        self.window_name = "4w"
        self.dates: tuple[date | None, date | None] | None = None
        self._synced = ""
        self._prepared: tuple[Window, Stats] | None = None  # read ahead

    def synced(self, result: SyncResult | str) -> None:
        """A sync ended: say what went wrong (once), and show new plays here."""
        if isinstance(result, str):
            if result != self._synced:
                self.notify(result, title="Listening history", severity="warning")
            self._synced = result
            return
        self._synced = ""
        archive = self.reads.services.history()
        if archive.notice:
            self.notify(archive.notice, title="Listening history", severity="warning")
            archive.notice = None
        if result.gap is not None:
            self.notify(
                "More than 50 plays since the last sync: some may be missing (a gap in "
                "the stats). `spotui history sync` from cron keeps up.",
                title="Listening history",
            )
        if result.added and self.loaded:
            self.stale()
        elif not self.loaded:
            self.prepare()

    @work(group="stats", exclusive=True)
    async def prepare(self) -> None:
        """After the first sync: read the numbers ahead (a small object; the charts'
        widgets, which cost memory, are built only when the tab opens)."""
        from spotui.history.stats import compute

        window = self._window()
        try:
            stats = await asyncio.to_thread(compute, self.reads.services.history(), window)
        except Exception:  # said when the tab is opened
            return
        self._prepared = (window, stats)

    def _window(self) -> Window:
        from spotui.history.stats import Window, today

        now = today(int(self.reads.services.clock() * 1000))
        if self.dates is not None:
            return Window.between(*self.dates, now)
        return Window.named(self.window_name, now)

    @work(group="stats", exclusive=True)
    async def load(self) -> None:
        """The window's stats, read off the UI's path; the first time, the tab is built
        with them, and its charts are added once plotext is imported (in a thread)."""
        from spotui.history.db import ArchiveError
        from spotui.history.stats import compute
        from spotui.tui.widgets import snapshots
        from spotui.tui.widgets.stats import StatsView

        window = self._window()
        views = self.query(StatsView)
        if views:
            views.first().caption(f"{window.label} · reading your listening history…")
        prepared, self._prepared = self._prepared, None
        try:
            if prepared is not None and prepared[0] == window:
                stats: Stats | None = prepared[1]
            else:
                stats = await asyncio.to_thread(compute, self.reads.services.history(), window)
            kept = await asyncio.to_thread(snapshots.read, self.reads.services.history(), window)
        except ArchiveError as exc:
            stats = kept = None
            self.loaded = False
            self.notify(str(exc), title="Listening history", severity="error")
        if not self.is_attached:
            return  # the app closed meanwhile
        if views:
            view = views.first()
            if stats is not None:
                view.show(stats)
        else:
            view = StatsView(stats, id="stats-view")
            await self.mount(view)
            self.call_after_refresh(self.screen.refresh_bindings)  # its keys, in the footer
            if stats is None:
                view.caption("The listening history cannot be read (see the message).")
        if kept is not None:
            view.query_one(snapshots.SnapshotPanels).show(kept)
        await asyncio.to_thread(importlib.import_module, "spotui.tui.widgets.charts")  # plotext
        if view.is_attached:
            await view.add_charts()

    def next_window(self) -> None:
        """Today, 7 days … all time, and round again."""
        from spotui.history.stats import WINDOWS

        names = list(WINDOWS)
        at = names.index(self.window_name) if self.dates is None else -1
        self.dates = None
        self.window_name = names[(at + 1) % len(names)]
        self.loaded = False
        self.show()

    def pick_dates(self) -> None:
        from spotui.tui.screens.dates import DatesPicker

        def chosen(dates: tuple[date | None, date | None] | None) -> None:
            if dates is not None:
                self.dates = dates
                self.loaded = False
                self.show()

        since, until = self.dates or (None, None)
        self.app.push_screen(DatesPicker(since, until), chosen)

    def next_order(self) -> None:
        from spotui.tui.widgets.stats import StatsView

        for view in self.query(StatsView):
            view.order = "time" if view.order == "plays" else "plays"
