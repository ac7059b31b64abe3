"""The recently played tab: the last tracks you played, loaded again at each new track."""

from __future__ import annotations

from datetime import UTC, datetime

from textual import work

from spotui.core.playing import Entry
from spotui.spotify.errors import SpotifyError
from spotui.tui.tabs.base import MainTab


class RecentTab(MainTab):
    @work(group="recent", exclusive=True)
    async def load(self) -> None:
        from spotui.tui.widgets import lists

        view = await self.view(
            lambda: lists.ListView(lists.RECENT_COLUMNS, "tracks", id="recent-view")
        )
        try:
            items = await self.reads.lists.recent()
        except SpotifyError as exc:
            self.failed(view, exc)
            return
        now = datetime.fromtimestamp(self.reads.services.clock(), UTC)
        view.table.replace_rows(lists.recent_rows(items, now), [Entry.of(e.track) for e in items])
        view.caption(f"The last {len(items)} tracks you played")
