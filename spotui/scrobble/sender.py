"""Sending the outbox to each service, in the largest batches it takes."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from spotui.history.db import Archive
from spotui.scrobble.lastfm import MOST_SCROBBLES, LastFm
from spotui.scrobble.listenbrainz import MOST_LISTENS, ListenBrainz, batches
from spotui.scrobble.outbox import IGNORED, SENT, Outbox, Waiting
from spotui.scrobble.remote import Refused, Rejected, ScrobbleError
from spotui.scrobble.rule import Listen

log = logging.getLogger("spotui.scrobble")

Service = ListenBrainz | LastFm
RETRY_S = 60.0  # a send that failed for now is tried again after this, at most


@dataclass
class Report:
    """What one send did, per service."""

    sent: dict[str, int] = field(default_factory=dict)
    ignored: dict[str, int] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)


class Sender:
    """Sends what waits in the outbox to each service, in the largest batches it takes."""

    def __init__(
        self,
        archive: Archive,
        services: Mapping[str, Service],
        *,
        clock: Callable[[], float] = time.time,
        on_problem: Callable[[str], None] = lambda _: None,
    ):
        self.outbox = Outbox(archive)
        self.services = dict(services)
        self.clock = clock
        self.on_problem = on_problem
        self.stopped: dict[str, str] = {}  # service: why it was refused
        self.retry_in = 0.0

    async def flush(
        self,
        progress: Callable[[str, int], None] = lambda _s, _n: None,
        report: Report | None = None,
    ) -> Report:
        """Send all that waits; a service that fails keeps its plays for later. The
        counts are added to ``report`` when one is given."""
        report = report or Report()
        self.retry_in = 0.0
        for key, service in self.services.items():
            if key in self.stopped:
                continue
            try:
                await self._flush_one(key, service, report, progress)
            except Refused as exc:
                self.stopped[key] = exc.message
                report.problems[key] = exc.message
                self.on_problem(exc.message)
            except ScrobbleError as exc:
                report.problems[key] = exc.message
                self.retry_in = max(self.retry_in, min(exc.retry_in, RETRY_S))
                log.info("scrobbling to %s waits: %s", service.name, exc.message)
        return report

    async def _flush_one(
        self, key: str, service: Service, report: Report, progress: Callable[[str, int], None]
    ) -> None:
        limit = MOST_LISTENS if isinstance(service, ListenBrainz) else MOST_SCROBBLES
        while True:
            waiting = await asyncio.to_thread(self.outbox.waiting, key, limit)
            if not waiting:
                return
            now = int(self.clock())
            if isinstance(service, ListenBrainz):
                sent, ignored = await self._to_listenbrainz(service, waiting)
            else:
                sent, ignored = await self._to_lastfm(service, waiting)
            await asyncio.to_thread(self.outbox.mark, key, sent, SENT, now)
            await asyncio.to_thread(self.outbox.mark, key, ignored, IGNORED, now)
            report.sent[key] = report.sent.get(key, 0) + len(sent)
            report.ignored[key] = report.ignored.get(key, 0) + len(ignored)
            progress(key, len(sent) + len(ignored))

    @staticmethod
    async def _to_listenbrainz(
        service: ListenBrainz, waiting: list[Waiting]
    ) -> tuple[list[Waiting], list[Waiting]]:
        by_listen = {id(w.listen): w for w in waiting}
        parts, too_large = batches([w.listen for w in waiting])
        ignored = [by_listen[id(listen)] for listen in too_large]
        sent: list[Waiting] = []
        for batch in parts:
            try:
                await service.submit(batch)
            except Rejected as exc:
                log.warning("ListenBrainz refused a batch: %s", exc.message)
                ignored += [by_listen[id(listen)] for listen in batch]
                continue
            sent += [by_listen[id(listen)] for listen in batch]
        return sent, ignored

    @staticmethod
    async def _to_lastfm(
        service: LastFm, waiting: list[Waiting]
    ) -> tuple[list[Waiting], list[Waiting]]:
        try:
            answer = await service.scrobble([w.listen for w in waiting])
        except Rejected as exc:
            log.warning("Last.fm refused a batch: %s", exc.message)
            return [], waiting
        sent = [w for i, w in enumerate(waiting) if i not in answer.ignored]
        ignored = [w for i, w in enumerate(waiting) if i in answer.ignored]
        return sent, ignored

    async def now_playing(self, listen: Listen) -> None:
        """Tell each service what plays now: once, never retried."""
        for key, service in self.services.items():
            if key in self.stopped:
                continue
            try:
                if isinstance(service, ListenBrainz):
                    await service.playing_now(listen)
                else:
                    await service.now_playing(listen)
            except Refused as exc:
                self.stopped[key] = exc.message
                self.on_problem(exc.message)
            except ScrobbleError as exc:
                log.info("now playing not sent to %s: %s", service.name, exc.message)

    async def aclose(self) -> None:
        for service in self.services.values():
            await service.aclose()
