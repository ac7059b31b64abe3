"""The footer every screen shows: Textual's, in its compact style."""

from __future__ import annotations

from textual.widgets import Footer


class CompactFooter(Footer):
    """Textual's footer with less space around each key, so that the most used keys
    and `?` fit at 80 columns (``Footer(compact=True)`` only from Textual 7 on)."""

    def __init__(self) -> None:
        super().__init__()
        self.compact = True
