"""The top tracks and top artists tabs: kept rows at once, then Spotify's, for a range."""

from __future__ import annotations

from typing import TYPE_CHECKING

from spotui.core.lists import TopKind
from spotui.core.playing import Entry
from spotui.format import TIME_RANGE_LABELS
from spotui.spotify.errors import SpotifyError
from spotui.spotify.models import Artist, TimeRange, Track
from spotui.tui.tabs.base import MainTab, Reads

if TYPE_CHECKING:
    from spotui.tui.widgets.lists import ListView


class TopTab(MainTab):
    """Your top tracks or top artists over ``time_range`` (``t`` cycles it)."""

    def __init__(self, title: str, reads: Reads, kind: TopKind, time_range: TimeRange):
        super().__init__(title, reads, id=f"top-{kind}")
        self.kind: TopKind = kind
        self.time_range = time_range

    def load(self) -> None:
        """Load in its own worker; a newer load of the same list wins."""
        self.run_worker(self._load(self.time_range), group=f"top-{self.kind}", exclusive=True)

    async def _load(self, time_range: TimeRange) -> None:
        """Kept rows at once, then what Spotify says now (revalidated in the background)."""
        from spotui.tui.widgets import lists

        columns = lists.TOP_TRACK_COLUMNS if self.kind == "tracks" else lists.TOP_ARTIST_COLUMNS
        view = await self.view(lambda: lists.ListView(columns, self.kind, id=f"{self.id}-view"))
        label = TIME_RANGE_LABELS[time_range]
        kept = self.reads.lists.cached_top(self.kind, time_range)
        if kept is not None:
            self._show(view, time_range, kept, f"{label} · refreshing…")
        try:
            items = await self.reads.lists.top(self.kind, time_range)
        except SpotifyError as exc:
            self.failed(view, exc, f"{label} · ")
            return
        self._show(view, time_range, items, label)

    def _show(
        self,
        view: ListView,
        time_range: TimeRange,
        items: tuple[Track, ...] | tuple[Artist, ...],
        caption: str,
    ) -> None:
        from spotui.tui.widgets.lists import top_artist_table, top_track_table

        kind = self.kind
        if kind == "tracks":
            columns, rows = top_track_table(items)  # type: ignore[arg-type]
            found: list[object] = [Entry.of(t) for t in items if isinstance(t, Track)]
        else:
            mine = self.reads.lists.cached_top("tracks", time_range)
            columns, rows = top_artist_table(items, mine)  # type: ignore[arg-type]
            found = list(items)
        view.table.set_columns(columns)
        view.table.replace_rows(rows, found)
        count = f"{len(items)} {kind}"
        key = self.reads.key_for("time_range")
        view.caption(f"Your top {kind} · {caption} · {count} · press {key} for another window")
