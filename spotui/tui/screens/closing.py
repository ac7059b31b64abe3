"""A screen whose workers end as soon as it starts to close."""

from __future__ import annotations

from textual import on
from textual.messages import Prune
from textual.screen import Screen, ScreenResultType


class WorkerScreen(Screen[ScreenResultType]):
    """Cancels its workers, and its widgets' (the tabs'), when it starts to close,
    before its widgets go.

    Textual takes a closing screen's widgets down first and cancels the screen's
    workers only at the end. An answer landing in between would be put into widgets
    that are gone, and the worker would fail with a crash report instead of ending.
    """

    @on(Prune)
    def _end_workers(self) -> None:
        for node in (self, *self.walk_children()):
            self.workers.cancel_node(node)
