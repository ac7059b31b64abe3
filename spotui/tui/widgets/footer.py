"""The footer every screen shows: Textual's, in its compact style."""

from __future__ import annotations

from typing import Any

from textual._styles_cache import StylesCache
from textual.widgets import Footer


class CompactFooter(Footer):
    """Textual's footer with less space around each key, so that the most used keys
    and `?` fit at 80 columns (``Footer(compact=True)`` only from Textual 7 on)."""

    def __init__(self) -> None:
        super().__init__()
        self.compact = True

    async def recompose(self) -> None:
        """Draw the keys again, and let the keys it removed go.

        Each key binds ``compact`` (``data_bind``), which leaves a watcher on this
        footer that Textual drops only when ``compact`` changes, and here it never does:
        without this, every redraw (a focus, a tab, a row of another kind) kept its keys
        for good (Textual issue 6666). And each key's style cache stays in a cache
        of Textual's, keyed by the style cache itself, up to 1,024 of them with their
        lines (Textual issue 6665): emptied here, where the churn is, it fills again
        with the keys on screen.
        """
        await super().recompose()
        watchers: dict[str, list[tuple[Any, Any]]] = getattr(self, "__watchers", {})
        bound = watchers.get("compact")
        if bound:
            bound[:] = [(node, callback) for node, callback in bound if node.is_attached]
        clear = getattr(StylesCache.get_inner_outer, "cache_clear", None)
        if clear is not None:
            clear()
