"""The hub: the one poll loop and the optimistic commands, shared by every face.

No UI here. The controller asks Spotify for the player state on the plan in
:mod:`spotui.core.player`, backs off on failures, honours rate-limit waits, and runs
commands in the order they were given, showing their result at once and going
back if Spotify refuses.

How to attach: build a :class:`Listener` with the callbacks you need and pass it to
:meth:`PlayerController.subscribe` (:meth:`~PlayerController.unsubscribe` detaches it).
A face subscribes itself; every other subscriber (the history keeper, and the desktop,
lyrics and scrobbling to come) is attached once, for every face, by the wiring in
:mod:`spotui.services`. Callbacks run on the event loop, so keep them short; one that
raises is logged, and the other listeners and the loop go on.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from spotui.core.player import (
    AFTER_COMMAND_S,
    SKIP_RETRY_S,
    SKIP_SETTLE_S,
    PlayerState,
    backoff_delay,
    poll_delay,
)
from spotui.spotify.client import SpotifyClient
from spotui.spotify.errors import AuthError, NetworkError, RateLimited, SpotifyError, wait_text
from spotui.spotify.http import ON_HOLD
from spotui.spotify.models import Device, Queue

if TYPE_CHECKING:
    from spotui.history.sync import SyncResult

Command = Callable[[SpotifyClient], Awaitable[object]]
Chore = Callable[[], Awaitable[None]]  # runs beside the loop, on its own schedule

log = logging.getLogger("spotui.player")
# Chores (the history sync, the MPRIS connection, the scrobbler) start this long after
# the first poll, so that their imports and connections come after the first answer is
# on screen, not before it.
CHORES_AFTER_S = 0.3


@dataclass(frozen=True, slots=True)
class Trouble:
    """A poll failed: what to say, and the seconds to the next try (0: say no countdown)."""

    message: str
    retry_in: float
    offline: bool = False


async def first_poll(
    spotify: SpotifyClient, monotonic: Callable[[], float] = time.monotonic
) -> PlayerState:
    """The start-up's poll, sent before any screen listens: the state, timed when it
    came (the bar must not lag by however long the screen took to be built)."""
    return PlayerState(await spotify.playback(), monotonic())


def answered(first: asyncio.Future[PlayerState] | None) -> PlayerState | None:
    """The start-up poll's state, if it is in and was not an error (an error is the
    controller's to report, when it awaits the same future)."""
    if first is None or not first.done() or first.cancelled() or first.exception():
        return None
    return first.result()


def _ignore(*_: object) -> None:
    return None


@dataclass(frozen=True, slots=True, eq=False)
class Listener:
    """What one subscriber wants to be told; leave out what it does not need.

    ``state``: each new state (a poll's answer, a command shown at once, or its undoing).
    ``trouble``: a poll failed (each failure, with its own countdown), or worked again
    (None, once). ``signed_out``: the sign-in ended, with why; the loop then stops.
    ``chore``: work of its own beside the loop (the history sync), started after the
    first poll and cancelled when the loop ends. ``history``: how each history sync went
    (its result, or what went wrong), as the history keeper tells it. ``notice``: a
    subscriber's word for the user, with its title (a scrobbling service refused spotui).
    """

    state: Callable[[PlayerState], None] = _ignore
    trouble: Callable[[Trouble | None], None] = _ignore
    signed_out: Callable[[str], None] = _ignore
    chore: Chore | None = None
    history: Callable[[SyncResult | str], None] = _ignore
    notice: Callable[[str, str], None] = _ignore


class PlayerController:
    """Polls while :meth:`run` runs; :meth:`send` runs a command optimistically."""

    def __init__(
        self,
        spotify: SpotifyClient,
        *,
        interval: float = 5.0,
        monotonic: Callable[[], float] = time.monotonic,
        first: Awaitable[PlayerState] | None = None,
    ):
        """``first``: the first poll, asked for already at start-up (see
        :func:`first_poll`)."""
        self.spotify = spotify
        self.interval = interval
        self.monotonic = monotonic
        self.state = PlayerState()
        self.trouble: Trouble | None = None
        self._listeners: list[Listener] = []
        self._chores: dict[Listener, asyncio.Task[None]] = {}  # while the loop runs
        self._polled = False  # the loop has polled once: chores may start
        self._wake = asyncio.Event()
        self._soon = AFTER_COMMAND_S  # how soon to poll after a wake-up
        self._commands = asyncio.Lock()
        self._generation = 0  # bumped as each command starts and ends: older answers are stale
        self._pending = 0  # commands given and not yet answered: no poll answer shows
        self._first = first
        self.commanded_at: float | None = None  # (monotonic) when the last command was sent
        self._leaving: tuple[str, float] | None = None  # a skip's track left, and until when

    def __repr__(self) -> str:
        return f"PlayerController(interval={self.interval})"

    # --- listeners ------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Listener:
        """Tell ``listener`` of every change from now on (and start its chore, if the
        loop has polled already); returns it, for :meth:`unsubscribe`."""
        self._listeners.append(listener)
        if self._polled:
            self._start_chores()
        return listener

    def unsubscribe(self, listener: Listener) -> None:
        """Tell ``listener`` nothing more, and cancel its chore."""
        if listener in self._listeners:
            self._listeners.remove(listener)
        task = self._chores.pop(listener, None)
        if task is not None:
            task.cancel()

    def _tell(self, what: str, call: Callable[[Listener], None]) -> None:
        for listener in tuple(self._listeners):
            try:
                call(listener)
            except Exception:
                log.exception("a listener failed on %s: %r", what, listener)

    def _show(self, state: PlayerState) -> None:
        self.state = state
        self._tell("state", lambda listener: listener.state(state))

    def _troubled(self, trouble: Trouble | None) -> None:
        if trouble is None and self.trouble is None:
            return  # said once, when the polls worked again
        self.trouble = trouble
        self._tell("trouble", lambda listener: listener.trouble(trouble))

    def synced(self, result: SyncResult | str) -> None:
        """Tell every listener how a history sync went."""
        self._tell("history", lambda listener: listener.history(result))

    def notice(self, title: str, line: str) -> None:
        """Tell every listener a subscriber's word for the user."""
        self._tell("notice", lambda listener: listener.notice(title, line))

    def _signed_out(self, reason: str) -> None:
        self._tell("signed out", lambda listener: listener.signed_out(reason))

    def _start_chores(self) -> None:
        for listener in self._listeners:
            if listener.chore is not None and listener not in self._chores:
                self._chores[listener] = asyncio.ensure_future(self._chore(listener))

    @staticmethod
    async def _chore(listener: Listener) -> None:
        assert listener.chore is not None
        try:
            await asyncio.sleep(CHORES_AFTER_S)
            await listener.chore()
        except Exception:
            log.exception("a listener's chore failed: %r", listener)

    # --- the poll loop --------------------------------------------------------------

    async def run(self) -> None:
        """Ask for the player state until cancelled, or until the sign-in ends; the
        listeners' chores start after the first poll and end with the loop."""
        try:
            await self._poll()
        finally:
            self._polled = False
            chores = list(self._chores.values())
            self._chores.clear()
            for task in chores:
                task.cancel()
            await asyncio.gather(*chores, return_exceptions=True)

    async def _poll(self) -> None:
        failures = 0
        while True:
            generation = self._generation
            try:
                first, self._first = self._first, None
                if first is not None:
                    state = await first
                else:
                    state = PlayerState(await self.spotify.playback(), self.monotonic())
            except RateLimited as exc:
                delay = exc.retry_after
                # The quota's sentence has the clock time of the next try: no countdown.
                words = exc.message if exc.quota else "Spotify is rate limiting spotui"
                self._troubled(Trouble(words, 0 if exc.quota else delay))
            except AuthError as exc:
                self._signed_out(exc.message)
                return
            except SpotifyError as exc:
                failures += 1
                delay = backoff_delay(failures, self.interval)
                offline = isinstance(exc, NetworkError)
                words = "Offline" if offline else exc.message
                self._troubled(Trouble(words, delay, offline=offline))
            else:
                failures = 0
                self._troubled(None)
                if self._early(state):  # Spotify has not moved on from a skip yet
                    delay = SKIP_RETRY_S
                else:
                    if generation == self._generation and not self._pending:  # no command raced it
                        self._show(state.steadied(self.state))
                    delay = poll_delay(self.state, self.monotonic(), self.interval)
            if not self._polled:
                self._polled = True
                self._start_chores()
            await self._sleep(delay)

    def _early(self, state: PlayerState) -> bool:
        """An answer still on the track a skip left, soon after the skip: not shown (it
        would put the old title back), and asked again shortly."""
        if self._leaving is None:
            return False
        uri, until = self._leaving
        item = state.playback.item if state.playback else None
        if item is not None and item.uri == uri and self.monotonic() < until:
            return True
        self._leaving = None
        return False

    async def refresh(self) -> PlayerState:
        """Ask once, now, outside the loop (for a face that asks once and ends): the
        state, told to the listeners; a failure is raised for the caller to say."""
        self._show(PlayerState(await self.spotify.playback(), self.monotonic()))
        return self.state

    async def devices(self) -> tuple[Device, ...]:
        """The devices playback can be moved to (a command moves it)."""
        return await self.spotify.devices()

    async def queue(self) -> Queue:
        """What plays now and next."""
        return await self.spotify.queue()

    def poll_soon(self, delay: float = AFTER_COMMAND_S) -> None:
        """Ask Spotify again after ``delay`` seconds instead of the planned time."""
        self._soon = delay
        self._wake.set()

    async def _sleep(self, delay: float) -> None:
        self._wake.clear()
        try:  # not wait_for: on 3.11 it drops a cancel that meets the wake-up
            async with asyncio.timeout(delay):
                await self._wake.wait()
        except TimeoutError:
            return
        await asyncio.sleep(self._soon)

    # --- commands -------------------------------------------------------------------

    async def send(
        self,
        command: Command,
        after: PlayerState | None = None,
        *,
        skip: bool = False,
        what: str | None = None,
    ) -> SpotifyError | None:
        """Show ``after`` at once (when given) and send ``command``, after any earlier one.

        Until Spotify answers it, no poll answer replaces ``after`` (one asked before
        Spotify had the command would put the old state back). On a refusal the state
        from before comes back; the refusal is returned for the caller to say. The loop
        asks again soon either way. ``skip``: the command leaves the track playing; the
        loop asks as soon as Spotify accepts it, and until Spotify has moved on its
        answers leave ``after`` on screen. ``what``: the command in words, for a
        notice that Spotify's rate limit holds it ("the pause"); without it, none (a
        command that ends at once says the wait itself).
        """
        before = self.state if after is not None else None
        self.commanded_at = self.monotonic()
        self._generation += 1
        item = self.state.playback.item if self.state.playback else None
        if skip and item is not None and item.uri:
            self._leaving = (item.uri, self.commanded_at + SKIP_SETTLE_S)
        if after is not None:
            self._show(after)

        def held(seconds: float) -> None:
            line = f"Spotify is rate limiting spotui: sending {what} in {wait_text(seconds)}."
            self.notice("Waiting for Spotify", line)

        self._pending += 1
        try:
            async with self._commands:  # in the order the keys were pressed
                hold = ON_HOLD.set(held if what is not None else None)
                try:
                    await command(self.spotify)
                except AuthError as exc:
                    self._signed_out(exc.message)
                    return exc
                except SpotifyError as exc:
                    self._leaving = None
                    if before is not None:
                        self._show(before)
                    self.poll_soon()
                    return exc
                finally:
                    ON_HOLD.reset(hold)
        finally:
            self._pending -= 1
            self._generation += 1  # a poll sent while it was on its way may predate it
        self.poll_soon(0 if skip else AFTER_COMMAND_S)
        return None
