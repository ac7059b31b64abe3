"""The core a face is given: the hub, the lists and browsing for one client, built by
the wiring (:meth:`spotui.services.Services.remote`). A face reaches Spotify only
through these."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from spotui.core.browse import Browse
from spotui.core.controller import Command, PlayerController
from spotui.core.lists import ListsService
from spotui.core.player import PlayerState

if TYPE_CHECKING:
    from spotui.history.daily import DailyResult
    from spotui.history.db import Archive
    from spotui.history.sync import SyncResult


@dataclass(frozen=True, slots=True)
class Remote:
    """The hub (with every subscriber attached), the lists with their cache, browsing;
    ``first``: the start-up's poll, sent before any screen listens (the TUI's)."""

    player: PlayerController
    lists: ListsService
    browse: Browse
    first: asyncio.Future[PlayerState] | None = None

    async def send(self, command: Command, after: PlayerState | None = None) -> None:
        """Send ``command`` through the hub, after any earlier one; a refusal is raised."""
        refusal = await self.player.send(command, after)
        if refusal is not None:
            raise refusal

    async def sync_history(self, archive: Archive, clock: Callable[[], float]) -> SyncResult:
        """Keep in ``archive`` the plays Spotify has seen since the newest one kept."""
        from spotui.history.sync import sync

        return await sync(self.player.spotify, archive, clock)

    async def daily_snapshot(
        self, archive: Archive, clock: Callable[[], float]
    ) -> DailyResult | str:
        """Keep today's top lists and library changes in ``archive``, if none were: the
        result, or why none was taken (revalidated with the lists' cache)."""
        from spotui.history.daily import take

        return await take(self.player.spotify, archive, self.lists.cache, clock)

    async def aclose(self) -> None:
        """Close the connections to Spotify."""
        await self.player.spotify.aclose()
