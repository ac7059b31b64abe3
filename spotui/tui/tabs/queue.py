"""The queue tab: what plays next, with the tracks you queued marked; Enter skips to one."""

from __future__ import annotations

from textual import work

from spotui.core.playing import Entry
from spotui.spotify.errors import SpotifyError
from spotui.tui.tabs.base import MainTab


class QueueTab(MainTab):
    @work(group="queue", exclusive=True)
    async def load(self) -> None:
        from spotui.tui.widgets import lists

        view = await self.view(
            lambda: lists.ListView(lists.QUEUE_COLUMNS, "items", id="queue-view")
        )
        try:
            queue, marks = await self.reads.controls.actions.up_next()
        except SpotifyError as exc:
            self.failed(view, exc)
            return
        view.table.replace_rows(
            lists.queue_rows(queue.next, marks), [Entry.of(i) for i in queue.next]
        )
        playing = f"Playing “{queue.playing.name}”. " if queue.playing else ""
        view.caption(
            f"{playing}Next: {len(queue.next)} · ✓ queued by you · Enter skips to a track"
            if queue.next
            else f"{playing}Nothing queued. Press {self.reads.key_for('queue')} on a track "
            "to add it."
        )
