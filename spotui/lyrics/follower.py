"""The lyrics follower: a subscriber of the hub that finds the lyrics of each new track
and knows the line at the hub's local position.

Attached once by the wiring (:meth:`spotui.services.Services.player`) and idle until a
face asks for lyrics (:meth:`LyricsFollower.enable`): then one request per track, none
on steady polls, none while nothing plays or for an episode or an ad.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from spotui.core.controller import Listener
from spotui.core.player import PlayerState
from spotui.lyrics.cache import Shifts
from spotui.lyrics.finder import Lyrics, LyricsFinder, query_for
from spotui.lyrics.lrclib import LyricsUnavailable, TrackQuery

Status = Literal["idle", "not a track", "looking", "found", "none", "offline"]
RETRY_S = 30.0  # after LRCLIB could not answer, the same track is asked again this late
SHIFT_STEP_MS = 500  # what one press of `[` or `]` moves the lines by
UNEXPECTED = "The lyrics could not be found (an unexpected error, written to the log)."

log = logging.getLogger("spotui.lyrics")


@dataclass(frozen=True, slots=True)
class LyricsState:
    """What the follower knows: its status, for which track, the lyrics once found, and
    LRCLIB's trouble when offline."""

    status: Status = "idle"
    query: TrackQuery | None = None
    lyrics: Lyrics | None = None
    problem: str = ""

    @property
    def message(self) -> str:
        """One plain line for a face when there are no lines to show ("" when there are)."""
        if self.status == "found" and self.lyrics is not None:
            kind = self.lyrics.kind
            if kind == "instrumental":
                return "Instrumental"
            if kind == "unreadable":
                return "The lyrics could not be read"
            return ""
        return {
            "idle": "Nothing is playing",
            "not a track": "Episodes and ads have no lyrics",
            "looking": "Looking…",
            "none": "No lyrics found",
            "offline": self.problem or "Offline",
        }.get(self.status, "")


class LyricsFollower:
    """Finds each new track's lyrics (in its chore, beside the poll loop) and tells the
    faces that :meth:`watch`; :meth:`index` is the current line at any moment."""

    def __init__(
        self,
        finder: Callable[[], LyricsFinder],
        *,
        shifts: Shifts | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ):
        self._finder = finder
        self.shifts = shifts
        self.monotonic = monotonic
        self.enabled = False
        self.player = PlayerState()
        self.polled = False  # the hub has told a state: "idle" means nothing plays
        self.state = LyricsState()
        self._wanted: TrackQuery | None = None
        self._failed_at = 0.0
        self._wake = asyncio.Event()
        self._watchers: list[Callable[[LyricsState], None]] = []
        self.listener = Listener(state=self._on_state, chore=self._run)

    def enable(self) -> None:
        """Start finding lyrics (a face shows them); until then no request is sent."""
        self.enabled = True
        self._wake.set()

    def watch(self, callback: Callable[[LyricsState], None]) -> None:
        """Tell ``callback`` each new :class:`LyricsState` (on the event loop)."""
        self._watchers.append(callback)

    def unwatch(self, callback: Callable[[LyricsState], None]) -> None:
        if callback in self._watchers:
            self._watchers.remove(callback)

    def position_ms(self, now: float | None = None) -> int:
        """The hub's local position: moved between polls, jumping on a seek or a skip."""
        return self.player.position(self.monotonic() if now is None else now)

    def index(self, now: float | None = None) -> int:
        """The synced line being sung now, with the track's shift (-1 before the first,
        or when not synced)."""
        lyrics = self.state.lyrics
        if self.state.status != "found" or lyrics is None or not lyrics.synced.lines:
            return -1
        return lyrics.synced.index_at(self.position_ms(now), self.shift_ms)

    @property
    def shift_ms(self) -> int:
        """The user's shift of this track's lines (positive: sooner), kept per track."""
        query = self.state.query
        return self.shifts.get(query) if self.shifts is not None and query else 0

    def nudge(self, delta_ms: int) -> int:
        """Shift this track's lines by ``delta_ms`` (``]``: +``SHIFT_STEP_MS``, ``[``:
        minus), and keep it for the track; returns the shift now."""
        query = self.state.query
        if self.shifts is None or query is None:
            return 0
        return self.shifts.set(query, self.shifts.get(query) + delta_ms)

    # --- the hub's side -------------------------------------------------------------

    def _on_state(self, state: PlayerState) -> None:
        self.player = state
        wanted = query_for(state.playback)
        if wanted != self._wanted or not self.polled:
            self.polled = True
            self._wanted = wanted
            self._wake.set()
        elif (
            self.state.status == "offline"
            and self.monotonic() - self._failed_at >= RETRY_S
            and wanted is not None
        ):
            self._wake.set()

    def _say(self, state: LyricsState) -> None:
        self.state = state
        for callback in tuple(self._watchers):
            callback(state)

    async def _run(self) -> None:
        finder: LyricsFinder | None = None  # made when first needed: no client until then
        try:
            while True:
                await self._wake.wait()
                self._wake.clear()
                if self.enabled:
                    finder = finder or self._finder()
                    await self._follow(finder)
        finally:
            if finder is not None:
                await finder.aclose()

    async def _follow(self, finder: LyricsFinder) -> None:
        query = self._wanted
        if not self.polled:
            return  # what plays is not known yet
        if query is None:
            playback = self.player.playback
            nothing = playback is None or (playback.item is None and not playback.is_ad)
            self._say(LyricsState("idle" if nothing else "not a track"))
            return
        if query == self.state.query and self.state.status in ("found", "none", "looking"):
            return  # this track's answer is in already
        self._say(LyricsState("looking", query))
        fetch = asyncio.ensure_future(finder.find(query))
        try:
            while not await self._settled(fetch):
                if self._wanted != query:  # skipped meanwhile: on with the next track
                    self._wake.set()
                    return
        finally:
            if not fetch.done():
                fetch.cancel()
                await asyncio.gather(fetch, return_exceptions=True)
        try:
            lyrics = fetch.result()
        except LyricsUnavailable as exc:
            self._failed_at = self.monotonic()
            self._say(LyricsState("offline", query, problem=exc.message))
        except Exception:  # a bug below must not leave the pane on "Looking…"
            log.exception("finding the lyrics of %r failed", query)
            self._failed_at = self.monotonic()
            self._say(LyricsState("offline", query, problem=UNEXPECTED))
        else:
            self._say(LyricsState("found" if lyrics else "none", query, lyrics))

    async def _settled(self, fetch: asyncio.Future[Lyrics | None]) -> bool:
        """Wait for ``fetch`` or a wake-up (a skip, say); True when ``fetch`` is done."""
        self._wake.clear()
        woken = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait((fetch, woken), return_when=asyncio.FIRST_COMPLETED)
        finally:
            woken.cancel()
        return fetch.done()
