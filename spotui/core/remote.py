"""The core for a face that asks once and ends (the command line): the hub, the lists
and browsing for one client, built by the wiring (:meth:`spotui.services.Services.remote`).
Such a face reaches Spotify only through these."""

from __future__ import annotations

from dataclasses import dataclass

from spotui.core.browse import Browse
from spotui.core.controller import Command, PlayerController
from spotui.core.lists import ListsService
from spotui.core.player import PlayerState


@dataclass(frozen=True, slots=True)
class Remote:
    """The hub (with every subscriber attached), the lists with their cache, browsing."""

    player: PlayerController
    lists: ListsService
    browse: Browse

    async def send(self, command: Command, after: PlayerState | None = None) -> None:
        """Send ``command`` through the hub, after any earlier one; a refusal is raised."""
        refusal = await self.player.send(command, after)
        if refusal is not None:
            raise refusal
