"""The MPRIS player ``org.mpris.MediaPlayer2.spotui`` on the session bus.

Media keys, ``playerctl``, status bars and lock screens see and steer the Spotify
Connect device through it. It is a subscriber of the controller: it joins the bus as a
chore after the first poll (dbus-fast is imported then, not at start-up), turns each
state into ``PropertiesChanged`` and ``Seeked`` (:mod:`spotui.desktop.player`), and
sends no request of its own.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from spotui.core.controller import Listener, PlayerController
from spotui.core.player import PlayerState

if TYPE_CHECKING:
    from dbus_fast.aio import MessageBus

    from spotui.desktop.player import Player

log = logging.getLogger("spotui.desktop")

NO_ADDRESS = "DBUS_SESSION_BUS_ADDRESS not set, and no DISPLAY to find one from"


class Mpris:
    """The player on the session bus for as long as the controller's loop runs."""

    def __init__(
        self,
        controller: PlayerController,
        said: Callable[[str], None] = lambda _: None,
        *,
        yields_to: Callable[[], bool] = lambda: False,
    ):
        """``said``: told each refusal's words (the notifier, when it is on);
        ``yields_to``: does another process (a serve) have the desktop? Asked at each
        state: while it does, this player is off the bus, and back on when it stops."""
        self.controller = controller
        self.player: Player | None = None
        self._said = said
        self.yields_to = yields_to
        self.name: str | None = None  # the bus name, once taken
        self._bus: MessageBus | None = None
        self._yielded = False
        self._back = asyncio.Event()  # set when the serve yielded to has stopped

    def listener(self) -> Listener:
        return Listener(state=self._changed, chore=self.run)

    def _changed(self, state: PlayerState) -> None:
        if self._yielded:
            if not self.yields_to():
                self._yielded = False
                self._back.set()
            return
        if self.player is None or self._bus is None:
            return
        if self.yields_to():
            log.info("MPRIS: %s leaves the session bus to spotui serve", self.name)
            self._yielded = True
            self._bus.disconnect()
            return
        self.player.changed(state)

    async def run(self) -> None:
        """Be on the session bus, but for the time a serve has it; with no bus, say why
        once and end."""
        while True:
            if self._yielded or self.yields_to():
                self._yielded = True
                await self._back.wait()
                self._back.clear()
                log.info("MPRIS: spotui serve has stopped: the player is back here")
            if not await self._on_bus():
                return

    async def _on_bus(self) -> bool:
        """Join the bus and stay there: True when leaving it to a serve, False when
        there is no bus (or it went away)."""
        if not os.environ.get("DBUS_SESSION_BUS_ADDRESS") and "DISPLAY" not in os.environ:
            # dbus-fast would find no address either: over SSH and on a console, it is
            # not imported at all (about 2.5 MB with its XML parser).
            log.warning("MPRIS is off: no D-Bus session bus (%s)", NO_ADDRESS)
            return False
        from dbus_fast.aio import MessageBus

        from spotui.desktop.player import PATH, Player, Root, claim

        try:
            bus = await MessageBus().connect()
        except Exception as exc:  # no address, no socket, refused: the app goes on
            log.warning("MPRIS is off: no D-Bus session bus (%s)", exc or type(exc).__name__)
            return False
        try:
            self.player = Player(self.controller, self._said)  # told of each state from now
            bus.export(PATH, Root())
            bus.export(PATH, self.player)
            self.name = await claim(bus)
            log.info("MPRIS: on the session bus as %s", self.name)
            self._bus = bus
            await bus.wait_for_disconnect()
            if self._yielded:
                return True
            log.warning("MPRIS is off: the session bus went away")
        except Exception as exc:
            log.warning("MPRIS is off: %s", exc or type(exc).__name__)
        finally:
            self.player, self._bus = None, None
            bus.disconnect()
        return False
