"""The one poll loop and the optimistic commands, shared by the app and `spotui now --watch`.

No UI here. The controller asks Spotify for the player state on the plan in
:mod:`spotui.core.player`, backs off on failures, honours rate-limit waits, and runs
commands in the order they were given, showing their result at once and going
back if Spotify refuses. It tells its listeners what changed through three plain
callbacks: the state, trouble (with the seconds to the next try), and the end of
the sign-in.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from spotui.core.player import AFTER_COMMAND_S, PlayerState, backoff_delay, poll_delay
from spotui.spotify.client import SpotifyClient
from spotui.spotify.errors import AuthError, NetworkError, RateLimited, SpotifyError

Command = Callable[[SpotifyClient], Awaitable[object]]
Chore = Callable[[], Awaitable[None]]  # runs beside the loop, on its own schedule


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


def _ignore(_: object) -> None:
    return None


class PlayerController:
    """Polls while :meth:`run` runs; :meth:`send` runs a command optimistically."""

    def __init__(
        self,
        spotify: SpotifyClient,
        *,
        interval: float = 5.0,
        monotonic: Callable[[], float] = time.monotonic,
        on_state: Callable[[PlayerState], None] = _ignore,
        on_trouble: Callable[[Trouble | None], None] = _ignore,
        on_signed_out: Callable[[str], None] = _ignore,
        chores: Sequence[Chore] = (),
        first: Awaitable[PlayerState] | None = None,
    ):
        """``first``: the first poll, asked for already at start-up (see
        :func:`first_poll`)."""
        self.spotify = spotify
        self.interval = interval
        self.monotonic = monotonic
        self.on_state = on_state
        self.on_trouble = on_trouble
        self.on_signed_out = on_signed_out
        self.state = PlayerState()
        self._wake = asyncio.Event()
        self._soon = AFTER_COMMAND_S  # how soon to poll after a wake-up
        self._commands = asyncio.Lock()
        self._generation = 0  # bumped by each command: older poll answers are stale
        self.chores = tuple(chores)
        self._first = first

    def __repr__(self) -> str:
        return f"PlayerController(interval={self.interval})"

    def _show(self, state: PlayerState) -> None:
        self.state = state
        self.on_state(state)

    # --- the poll loop --------------------------------------------------------------

    async def run(self) -> None:
        """Ask for the player state until cancelled, or until the sign-in ends; the
        chores (the history sync) start after the first answer and end with the loop."""
        chores: list[asyncio.Task[None]] = []
        try:
            await self._poll(chores)
        finally:
            for task in chores:
                task.cancel()
            await asyncio.gather(*chores, return_exceptions=True)

    async def _poll(self, chores: list[asyncio.Task[None]]) -> None:
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
                self.on_trouble(Trouble(words, 0 if exc.quota else delay))
            except AuthError as exc:
                self.on_signed_out(exc.message)
                return
            except SpotifyError as exc:
                failures += 1
                delay = backoff_delay(failures, self.interval)
                offline = isinstance(exc, NetworkError)
                words = "Offline" if offline else exc.message
                self.on_trouble(Trouble(words, delay, offline=offline))
            else:
                failures = 0
                self.on_trouble(None)
                if generation == self._generation:  # no command raced this answer
                    self._show(state.steadied(self.state))
                delay = poll_delay(self.state, self.monotonic(), self.interval)
            if not chores and self.chores:
                chores.extend(asyncio.ensure_future(chore()) for chore in self.chores)
            await self._sleep(delay)

    def poll_soon(self, delay: float = AFTER_COMMAND_S) -> None:
        """Ask Spotify again after ``delay`` seconds instead of the planned time."""
        self._soon = delay
        self._wake.set()

    async def _sleep(self, delay: float) -> None:
        self._wake.clear()
        try:
            await asyncio.wait_for(self._wake.wait(), delay)
        except TimeoutError:
            return
        await asyncio.sleep(self._soon)

    # --- commands -------------------------------------------------------------------

    async def send(self, command: Command, after: PlayerState | None = None) -> SpotifyError | None:
        """Show ``after`` at once (when given) and send ``command``, after any earlier one.

        On a refusal the state from before comes back; the refusal is returned for
        the caller to say. The loop asks again soon either way.
        """
        before = self.state if after is not None else None
        self._generation += 1
        if after is not None:
            self._show(after)
        async with self._commands:  # in the order the keys were pressed
            try:
                await command(self.spotify)
            except AuthError as exc:
                self.on_signed_out(exc.message)
                return exc
            except SpotifyError as exc:
                if before is not None:
                    self._generation += 1
                    self._show(before)
                self.poll_soon()
                return exc
        self.poll_soon()
        return None
