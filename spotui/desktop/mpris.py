"""The MPRIS player ``org.mpris.MediaPlayer2.spotui`` on the session bus.

Media keys, ``playerctl``, status bars and lock screens see and steer the Spotify
Connect device through it. It is a subscriber of the controller: it joins the bus as a
chore after the first poll (dbus-fast is imported then, not at start-up), turns each
state into ``PropertiesChanged`` and ``Seeked`` (:mod:`spotui.desktop.player`), and
sends no request of its own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from spotui.core.controller import Listener, PlayerController
from spotui.core.player import PlayerState

if TYPE_CHECKING:
    from spotui.desktop.player import Player

log = logging.getLogger("spotui.desktop")


class Mpris:
    """The player on the session bus for as long as the controller's loop runs."""

    def __init__(self, controller: PlayerController, said: Callable[[str], None] = lambda _: None):
        """``said``: told each refusal's words (the notifier, when it is on)."""
        self.controller = controller
        self.player: Player | None = None
        self._said = said
        self.name: str | None = None  # the bus name, once taken

    def listener(self) -> Listener:
        return Listener(state=self._changed, chore=self.run)

    def _changed(self, state: PlayerState) -> None:
        if self.player is not None:
            self.player.changed(state)

    async def run(self) -> None:
        """Join the session bus and stay there; with no bus, say why once and end."""
        from dbus_fast.aio import MessageBus

        from spotui.desktop.player import PATH, Player, Root, claim

        try:
            bus = await MessageBus().connect()
        except Exception as exc:  # no address, no socket, refused: the app goes on
            log.warning("MPRIS is off: no D-Bus session bus (%s)", exc or type(exc).__name__)
            return
        try:
            self.player = Player(self.controller, self._said)  # told of each state from now
            bus.export(PATH, Root())
            bus.export(PATH, self.player)
            self.name = await claim(bus)
            log.info("MPRIS: on the session bus as %s", self.name)
            await bus.wait_for_disconnect()
            log.warning("MPRIS is off: the session bus went away")
        except Exception as exc:
            log.warning("MPRIS is off: %s", exc or type(exc).__name__)
        finally:
            self.player = None
            bus.disconnect()
