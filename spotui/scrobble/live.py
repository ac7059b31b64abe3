"""The live scrobbler: a subscriber of the hub, attached once by the wiring.

It follows the hub's states (no request of its own to Spotify), sends now-playing at
each new track, and writes each play that counts to the outbox before sending it. One
process at a time scrobbles live (a lock in the data folder), so the TUI and another
face running together send each play once; beside a running ``spotui serve``, serve
does (another face gives the lock up, serve waits for it). Light to import: the
services, the archive and the senders load when its chore starts, after the first poll.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from spotui.core.controller import Listener
from spotui.scrobble.rule import Event, NowPlaying, Scrobble, Tracker

if TYPE_CHECKING:
    from spotui.core.player import PlayerState
    from spotui.history.db import Archive
    from spotui.scrobble.sender import Sender, Service

log = logging.getLogger("spotui.scrobble")

LOCK_RETRY_S = 5.0  # how often a patient scrobbler tries the lock again


@contextlib.contextmanager
def live_lock(path: Path) -> Iterator[bool]:
    """Hold the live scrobbling lock while the block runs; True when it is ours."""
    import fcntl

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        yield True  # no lock file to be had: scrobble (the outbox keeps each play once)
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


class LiveScrobbler:
    """The hub's subscriber: :meth:`listener` is what the wiring attaches."""

    def __init__(
        self,
        services: Callable[[], Mapping[str, Service]],
        archive: Callable[[], Archive],
        *,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        lock: Path | None = None,
        patient: bool = False,
        yields_to: Callable[[], str | None] = lambda: None,
        on_problem: Callable[[str], None] = lambda _: None,
    ):
        """``patient``: wait for a lock another process holds (serve), rather than leave
        the scrobbling to it. ``yields_to``: what else scrobbles instead of this one
        (a running serve), or None; asked at start and at each event."""
        self._services = services
        self._archive = archive
        self.clock = clock
        self.monotonic = monotonic
        self.lock = lock
        self.patient = patient
        self.yields_to = yields_to
        self.on_problem = on_problem
        self.tracker = Tracker()
        self.events: asyncio.Queue[Event] = asyncio.Queue(maxsize=1000)
        self.sender: Sender | None = None
        self.gave_up = False  # another process scrobbles: the states are not followed

    def listener(self) -> Listener:
        return Listener(state=self.state, chore=self.run)

    def state(self, state: PlayerState) -> None:
        """A new state from the hub: apply the rule (quick; the sending is the chore's)."""
        if self.gave_up:
            return
        for event in self.tracker.update(state, self.monotonic(), self.clock()):
            if self.events.full():
                log.warning("scrobble events dropped: the sender is not keeping up")
                return
            self.events.put_nowait(event)

    async def run(self) -> None:
        """Send what waits (after a crash or offline), then each event as it comes."""
        services = await asyncio.to_thread(self._services)
        if not services or await asyncio.to_thread(self._yielded):
            self.gave_up = True
            return
        waiting_said = False
        while True:
            with live_lock(self.lock) if self.lock else contextlib.nullcontext(True) as ours:
                if ours:
                    await self._scrobble(services)
                    return
            if not self.patient:
                log.info("another spotui scrobbles live; this one does not")
                self.gave_up = True
                return
            if not waiting_said:
                log.info("another spotui scrobbles live; this one waits for its turn")
                waiting_said = True
            self._skip_stale()
            await asyncio.sleep(LOCK_RETRY_S)

    def _yielded(self) -> bool:
        """Whether another process scrobbles instead of this one (said once, in the log)."""
        other = self.yields_to()
        if other:
            log.info("this spotui does not scrobble live: %s", other)
        return bool(other)

    async def _scrobble(self, services: Mapping[str, Service]) -> None:
        from spotui.scrobble.sender import Sender

        self._skip_stale()
        archive = await asyncio.to_thread(self._archive)
        self.sender = Sender(archive, services, clock=self.clock, on_problem=self.on_problem)
        try:
            await self._loop(self.sender)
        finally:
            await self.sender.aclose()
            self.gave_up = True

    def _skip_stale(self) -> None:
        """Keep, of what came while waiting for the lock, the plays (the outbox takes
        each once) and the last now-playing, not the now-playings of tracks gone."""
        kept: list[Event] = []
        while not self.events.empty():
            kept.append(self.events.get_nowait())
        last = max((i for i, e in enumerate(kept) if isinstance(e, NowPlaying)), default=-1)
        for i, event in enumerate(kept):
            if isinstance(event, Scrobble) or i == last:
                self.events.put_nowait(event)

    async def _loop(self, sender: Sender) -> None:
        await self._flush(sender)
        while True:
            timeout = sender.retry_in or None
            try:
                event = await asyncio.wait_for(self.events.get(), timeout)
            except TimeoutError:
                await self._flush(sender)
                continue
            if isinstance(event, Scrobble):
                for key in sender.services:  # a stopped service's plays wait for setup
                    await asyncio.to_thread(sender.outbox.add, key, event.listen)
            if await asyncio.to_thread(self._yielded):
                return  # the outbox is shared: the other one sends what was just written
            if isinstance(event, NowPlaying):
                await sender.now_playing(event.listen)
            else:
                await self._flush(sender)

    @staticmethod
    async def _flush(sender: Sender) -> None:
        from spotui.history.db import ArchiveError
        from spotui.scrobble.sender import RETRY_S

        try:
            await sender.flush()
        except ArchiveError as exc:
            log.warning("the outbox could not be read: %s", exc)
            sender.retry_in = RETRY_S
