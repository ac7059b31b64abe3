"""The library tab: your saved tracks, page by page."""

from __future__ import annotations

from textual import work

from spotui.core.playing import Entry
from spotui.spotify.errors import SpotifyError
from spotui.spotify.models import Paging
from spotui.tui.tabs.base import MainTab


class LibraryTab(MainTab):
    @work(group="library", exclusive=True)
    async def load(self) -> None:
        """Page by page: the first page at once, the rest in the background, in order.

        Rows reach the table in batches, at most ten times a second, so a large
        library never keeps the keys waiting.
        """
        from spotui.tui.widgets.lists import LibraryView, saved_rows

        view = await self.view(lambda: LibraryView(id="library-view"))
        assert isinstance(view, LibraryView)
        monotonic = self.reads.services.monotonic
        table = view.table
        table.clear()
        pending: dict[int, Paging] = {}
        batch: list[tuple[str, ...]] = []
        entries: list[Entry] = []
        shown = total = 0
        flushed_at = 0.0

        def flush() -> None:
            nonlocal flushed_at
            table.add_rows(batch, entries)
            batch.clear()
            entries.clear()
            view.progress(min(shown, total), total)
            flushed_at = monotonic()

        try:
            async for page in self.reads.lists.library():
                total = page.total
                pending[page.offset] = page
                while shown in pending:
                    ready = pending.pop(shown)
                    batch.extend(saved_rows(ready.items, shown + 1))
                    entries.extend(Entry.of(saved.track) for saved in ready.items)
                    shown += len(ready.items) or ready.limit
                if batch and (table.row_count == 0 or monotonic() - flushed_at >= 0.1):
                    flush()
        except SpotifyError as exc:
            flush()
            self.failed(view, exc, f"Loaded {shown:,} of {total:,} saved tracks · ")
            return
        flush()
        view.progress(total, total)
