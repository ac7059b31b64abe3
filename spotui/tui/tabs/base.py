"""What every tab shares: its pane, what it reads from, and loading when first shown."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.timer import Timer
from textual.widgets import TabbedContent, TabPane

from spotui.core.browse import Browse
from spotui.core.lists import ListsService
from spotui.format import TIME_RANGE_SHORT
from spotui.services import Services
from spotui.spotify.errors import RateLimited, SpotifyError, rate_limited_text
from spotui.tui.controls import Controls

if TYPE_CHECKING:
    from spotui.tui.widgets.lists import ListView

PLAYED_FROM = {
    "top-tracks": "Your top tracks",
    "top-artists": "Your top artists",
    "recent": "Recently played",
    "library": "Your library",
    "stats": "Your stats",
}


@dataclass(frozen=True, slots=True)
class Reads:
    """What the tabs read from and act through, handed down by the main screen."""

    services: Services
    lists: ListsService
    browse: Browse
    controls: Controls

    def key_for(self, binding_id: str) -> str:
        return self.controls.key_for(binding_id)


class MainTab(TabPane):
    """A tab whose contents are built and loaded when it is first shown, and loaded
    again when they go stale (a new track, a refresh, a new range)."""

    def __init__(self, title: str, reads: Reads, *, id: str):
        super().__init__(title, id=id)
        self.reads = reads
        self.loaded = False
        self._retry: Timer | None = None

    @property
    def shown(self) -> bool:
        """The tab is the one on show."""
        tabs = next((n for n in self.ancestors if isinstance(n, TabbedContent)), None)
        return tabs is not None and tabs.active == self.id

    @property
    def where(self) -> str:
        """What the header calls a list played from this tab: "Playing from: …"."""
        name = PLAYED_FROM.get(self.id or "", str(self._title))
        time_range = getattr(self, "time_range", None)  # the top lists'
        return f"{name} · {TIME_RANGE_SHORT[time_range]}" if time_range else name

    def show(self) -> None:
        """Load, unless loaded already."""
        if not self.loaded:
            self.loaded = True
            self._stop_retry()
            self.load()

    def stale(self) -> None:
        """Forget what is loaded: load again now if on show, else when next shown."""
        self.loaded = False
        if self.shown:
            self.show()

    def failed(self, view: ListView, exc: SpotifyError, before: str = "") -> None:
        """Say in the caption why loading stopped. Under a rate limit, count down to
        the end of the wait each second, then load again (or when next shown)."""
        self.loaded = False
        self._stop_retry()
        if not isinstance(exc, RateLimited) or exc.quota:
            view.caption(before + exc.message)
            return
        monotonic = self.reads.services.monotonic
        deadline = monotonic() + exc.retry_after

        def tick() -> None:
            left = deadline - monotonic()
            if left >= 0.5:
                view.caption(before + rate_limited_text(left))
                return
            self._stop_retry()
            self.stale()

        tick()
        self._retry = self.set_interval(1.0, tick)

    def _stop_retry(self) -> None:
        if self._retry is not None:
            self._retry.stop()
            self._retry = None

    def load(self) -> object:
        """Start loading (a worker in each tab)."""
        return None

    async def view(self, make: Callable[[], ListView]) -> ListView:
        """The tab's table view, mounted the first time it is needed (so start-up styles
        and imports only what the now-playing tab shows)."""
        found = self.query(f"#{self.id}-view")
        if found:
            return found.first()  # type: ignore[return-value]
        view = make()
        await self.mount(view)
        return view
