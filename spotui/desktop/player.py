"""The MPRIS interfaces of ``org.mpris.MediaPlayer2.spotui`` (dbus-fast), which
:mod:`spotui.desktop.mpris` puts on the bus.

Each new state becomes ``PropertiesChanged`` (never for ``Position``, which clients
extrapolate), and a jump in position that the clock cannot explain (a seek here, or on
another device) becomes one ``Seeked``. The methods are the keys' optimistic commands.
"""

import asyncio
import logging
import math
import os
from collections.abc import Callable
from typing import Annotated, Any

from dbus_fast import DBusError, ErrorType, NameFlag, RequestNameReply, Variant
from dbus_fast.aio import MessageBus
from dbus_fast.annotations import (
    DBusBool,
    DBusDict,
    DBusDouble,
    DBusInt64,
    DBusObjectPath,
    DBusSignature,
    DBusStr,
)
from dbus_fast.service import (
    PropertyAccess,
    ServiceInterface,
    dbus_method,
    dbus_property,
    dbus_signal,
)

from spotui.core.controller import Command, PlayerController
from spotui.core.player import PlayerState
from spotui.core.playing import CONTEXT_KINDS, PlayRequest, spotify_uri
from spotui.spotify.errors import AuthError
from spotui.spotify.models import Episode, Playback, RepeatMode, pick_image
from spotui.text import printable

BUS_NAME = "org.mpris.MediaPlayer2.spotui"
PATH = "/org/mpris/MediaPlayer2"
NO_TRACK = "/org/mpris/MediaPlayer2/TrackList/NoTrack"
TRACK_PATH = "/org/spotui/track/"  # + the URI in hex (a local file's URI has '%', '+'…)
AD_PATH = "/org/spotui/ad"
DESKTOP_ENTRY = "spotui"  # spotui.desktop, shipped beside this module
SEEKED_AFTER_MS = 2_000  # a poll this far from the extrapolated position: a seek elsewhere

LOOP = {"off": "None", "context": "Playlist", "track": "Track"}
REPEAT: dict[str, RepeatMode] = {"None": "off", "Playlist": "context", "Track": "track"}
DBusStrList = Annotated[list[str], DBusSignature("as")]

log = logging.getLogger("spotui.desktop")


def track_id(playback: Playback | None) -> str:
    """The ``mpris:trackid`` of what plays: spotui's own object path."""
    if playback is None:
        return NO_TRACK
    if playback.item is None:
        return AD_PATH if playback.is_ad else NO_TRACK
    if not playback.item.uri:
        return NO_TRACK
    return TRACK_PATH + playback.item.uri.encode("utf-8").hex()


def metadata(playback: Playback | None) -> dict[str, Variant]:
    """``Metadata``: as much as Spotify said of the track, the episode or the ad. Names
    are made printable: a status bar shows them, and D-Bus refuses a NUL."""
    found: dict[str, Variant] = {"mpris:trackid": Variant("o", track_id(playback))}
    item = playback.item if playback else None
    if playback is not None and item is None and playback.is_ad:
        found["xesam:title"] = Variant("s", "Advertisement")
    if item is None:
        return found
    found["mpris:length"] = Variant("x", item.duration_ms * 1000)
    found["xesam:title"] = Variant("s", printable(item.name))
    if isinstance(item, Episode):
        artists = [item.show.publisher or item.show.name] if item.show else []
        album = item.show.name if item.show else ""
        images = item.images
    else:
        artists = [artist.name for artist in item.artists]
        album = item.album.name if item.album else ""
        images = item.images
        if item.album and item.album.artists:
            found["xesam:albumArtist"] = Variant(
                "as", [printable(artist.name) for artist in item.album.artists]
            )
    if artists:
        found["xesam:artist"] = Variant("as", [printable(name) for name in artists])
    if album:
        found["xesam:album"] = Variant("s", printable(album))
    cover = pick_image(images, 640)
    if cover is not None:
        found["mpris:artUrl"] = Variant("s", printable(cover.url))
    if item.url:
        found["xesam:url"] = Variant("s", printable(item.url))
    return found


def _can(playback: Playback | None, action: str) -> bool:
    """What Spotify allows (``actions.disallows``), else true."""
    return playback is None or action not in playback.disallows


def properties(playback: Playback | None) -> dict[str, Any]:
    """The Player properties that ``PropertiesChanged`` tells of (all but ``Position``)."""
    if playback is None or (playback.item is None and not playback.is_ad):
        status = "Stopped"
    else:
        status = "Playing" if playback.is_playing else "Paused"
    device = playback.device if playback else None
    volume = device.volume_percent if device and device.volume_percent is not None else 0
    return {
        "PlaybackStatus": status,
        "LoopStatus": LOOP[playback.repeat] if playback else "None",
        "Shuffle": playback.shuffle if playback else False,
        "Volume": volume / 100,
        "Metadata": metadata(playback),
        "CanGoNext": _can(playback, "skipping_next"),
        "CanGoPrevious": _can(playback, "skipping_prev"),
        # Spotify's "resuming" and "pausing" disallows only say what plays already (and
        # an optimistic toggle keeps the old ones until the next poll): no refusal. And
        # playerctl skips a player whose CanPlay is false.
        "CanPlay": True,
        "CanPause": status != "Stopped",
        "CanSeek": playback is not None and playback.item is not None and _can(playback, "seeking"),
    }


class Root(ServiceInterface):
    """``org.mpris.MediaPlayer2``: who we are. spotui has no window to raise or quit.

    (Members are named as D-Bus names them.)"""

    def __init__(self) -> None:
        super().__init__("org.mpris.MediaPlayer2")

    @dbus_method()
    def Raise(self) -> None:
        """Nothing to raise: a Connect device has no window of ours."""

    @dbus_method()
    def Quit(self) -> None:
        """Not allowed (``CanQuit`` is false)."""

    @dbus_property(access=PropertyAccess.READ)
    def CanQuit(self) -> DBusBool:
        return False

    @dbus_property(access=PropertyAccess.READ)
    def CanRaise(self) -> DBusBool:
        return False

    @dbus_property(access=PropertyAccess.READ)
    def HasTrackList(self) -> DBusBool:
        return False

    @dbus_property(access=PropertyAccess.READ)
    def Identity(self) -> DBusStr:
        return "spotui"

    @dbus_property(access=PropertyAccess.READ)
    def DesktopEntry(self) -> DBusStr:
        return DESKTOP_ENTRY

    @dbus_property(access=PropertyAccess.READ)
    def SupportedUriSchemes(self) -> DBusStrList:
        return ["spotify", "https"]

    @dbus_property(access=PropertyAccess.READ)
    def SupportedMimeTypes(self) -> DBusStrList:
        return []


class Player(ServiceInterface):
    """``org.mpris.MediaPlayer2.Player``: the controller's state, and the keys' commands."""

    def __init__(self, controller: PlayerController, said: Callable[[str], None]):
        super().__init__("org.mpris.MediaPlayer2.Player")
        self.controller = controller
        self._said = said
        self._shown: dict[str, Any] = properties(controller.state.playback)
        self._state = controller.state
        self._sought: PlayerState | None = None  # a seek of ours, shown at once
        self._tasks: set[asyncio.Task[None]] = set()

    # --- from the controller ------------------------------------------------------------

    def changed(self, state: PlayerState) -> None:
        """A new state: tell the clients what changed, and of a jump they cannot predict."""
        before, self._state = self._state, state
        now = self.controller.monotonic()
        fresh = properties(state.playback)
        changes = {name: value for name, value in fresh.items() if self._shown.get(name) != value}
        self._shown = fresh
        if changes:
            self.emit_properties_changed(changes)
        ours = state is self._sought
        if ours:
            self._sought = None
        if state.playback is None or track_id(state.playback) != track_id(before.playback):
            return  # a new track starts: clients reset the position themselves
        jump = abs(state.position(now) - before.position(now))
        if ours or jump > SEEKED_AFTER_MS:
            self.Seeked(state.position(now) * 1000)

    @dbus_signal()
    def Seeked(self, position: DBusInt64) -> DBusInt64:
        return position

    # --- commands -----------------------------------------------------------------------

    def _now(self) -> float:
        return self.controller.monotonic()

    def _send(self, what: str, command: Command, after: PlayerState | None = None) -> None:
        """Send ``command`` as the keys do (``after`` shown at once), answering the caller
        without waiting for Spotify; a refusal goes to the log (and the notifier)."""

        async def send() -> None:
            refusal = await self.controller.send(command, after)
            if refusal is not None and not isinstance(refusal, AuthError):
                log.warning("MPRIS %s: Spotify said no: %s", what, refusal.message)
                self._said(refusal.message)

        task = asyncio.ensure_future(send())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _play(self, playing: bool) -> None:
        state = self.controller.state
        now_playing = state.playback.is_playing if state.playback else False
        if now_playing == playing:
            return
        if playing:
            self._send("play", lambda c: c.play(), state.toggled(self._now()))
        else:
            self._send("pause", lambda c: c.pause(), state.toggled(self._now()))

    @dbus_method()
    def PlayPause(self) -> None:
        playback = self.controller.state.playback
        self._play(not (playback and playback.is_playing))

    @dbus_method()
    def Play(self) -> None:
        self._play(True)

    @dbus_method()
    def Pause(self) -> None:
        self._play(False)

    @dbus_method()
    def Stop(self) -> None:
        """A pause: a Connect device cannot be stopped from here."""
        self._play(False)

    @dbus_method()
    def Next(self) -> None:
        self._send("next", lambda c: c.next())

    @dbus_method()
    def Previous(self) -> None:
        self._send("previous", lambda c: c.previous())

    def _seek_to(self, target_ms: int) -> None:
        state = self.controller.state
        now = self._now()
        after = state.sought(now, target_ms - state.position(now))
        self._sought = after
        self._send("seek", lambda c: c.seek(target_ms), after)

    @dbus_method()
    def Seek(self, offset: DBusInt64) -> None:
        """Relative, in µs: before the start goes to 0, past the end is Next."""
        playback = self.controller.state.playback
        if playback is None or playback.item is None:
            return
        target = max(0, self.controller.state.position(self._now()) + offset // 1000)
        if playback.duration_ms and target >= playback.duration_ms:
            self.Next()
        else:
            self._seek_to(target)

    @dbus_method()
    def SetPosition(self, track: DBusObjectPath, position: DBusInt64) -> None:
        """Ignored for a track that no longer plays, or a position out of range."""
        playback = self.controller.state.playback
        if playback is None or playback.item is None or track != track_id(playback):
            return
        if not 0 <= position // 1000 <= playback.duration_ms:
            return
        self._seek_to(position // 1000)

    @dbus_method()
    def OpenUri(self, uri: DBusStr) -> None:
        """Play a ``spotify:`` URI or an open.spotify.com link."""
        found = spotify_uri(uri)
        if found is None:
            raise DBusError(
                ErrorType.INVALID_ARGS, "not a Spotify URI or link (spotify:track:… or https://…)"
            )
        kind, target = found
        if kind in CONTEXT_KINDS:
            request = PlayRequest(context_uri=target)
        else:
            request = PlayRequest(uris=(target,))
        self._send("open", request.command())

    # --- properties ---------------------------------------------------------------------

    @dbus_property(access=PropertyAccess.READ)
    def PlaybackStatus(self) -> DBusStr:
        return self._shown["PlaybackStatus"]

    @dbus_property()
    def LoopStatus(self) -> DBusStr:
        return self._shown["LoopStatus"]

    @LoopStatus.setter  # type: ignore[no-redef]
    def LoopStatus(self, value: DBusStr) -> None:
        mode = REPEAT.get(value)
        if mode is None:
            raise DBusError(ErrorType.INVALID_ARGS, "LoopStatus is None, Track or Playlist")
        state = self.controller.state
        if state.playback is not None:
            self._send("loop", lambda c: c.set_repeat(mode), state.with_repeat(self._now(), mode))

    @dbus_property(access=PropertyAccess.READ)
    def Rate(self) -> DBusDouble:
        return 1.0

    @dbus_property(access=PropertyAccess.READ)
    def MinimumRate(self) -> DBusDouble:
        return 1.0

    @dbus_property(access=PropertyAccess.READ)
    def MaximumRate(self) -> DBusDouble:
        return 1.0

    @dbus_property()
    def Shuffle(self) -> DBusBool:
        return self._shown["Shuffle"]

    @Shuffle.setter  # type: ignore[no-redef]
    def Shuffle(self, value: DBusBool) -> None:
        state = self.controller.state
        on = bool(value)
        if state.playback is not None:
            self._send("shuffle", lambda c: c.set_shuffle(on), state.with_shuffle(self._now(), on))

    @dbus_property()
    def Volume(self) -> DBusDouble:
        return self._shown["Volume"]

    @Volume.setter  # type: ignore[no-redef]
    def Volume(self, value: DBusDouble) -> None:
        if not math.isfinite(value):
            raise DBusError(ErrorType.INVALID_ARGS, "Volume is a number from 0 to 1")
        state = self.controller.state
        device = state.playback.device if state.playback else None
        if device is None or device.volume_percent is None or not device.supports_volume:
            message = "This device does not allow volume changes."
            log.warning("MPRIS volume: %s", message)
            self._said(message)
            return
        percent = round(min(1.0, max(0.0, value)) * 100)
        self._send(
            "volume", lambda c: c.set_volume(percent), state.with_volume(self._now(), percent)
        )

    @dbus_property(access=PropertyAccess.READ)
    def Position(self) -> DBusInt64:
        return self.controller.state.position(self._now()) * 1000

    @dbus_property(access=PropertyAccess.READ)
    def Metadata(self) -> DBusDict:
        return self._shown["Metadata"]

    @dbus_property(access=PropertyAccess.READ)
    def CanGoNext(self) -> DBusBool:
        return self._shown["CanGoNext"]

    @dbus_property(access=PropertyAccess.READ)
    def CanGoPrevious(self) -> DBusBool:
        return self._shown["CanGoPrevious"]

    @dbus_property(access=PropertyAccess.READ)
    def CanPlay(self) -> DBusBool:
        return self._shown["CanPlay"]

    @dbus_property(access=PropertyAccess.READ)
    def CanPause(self) -> DBusBool:
        return self._shown["CanPause"]

    @dbus_property(access=PropertyAccess.READ)
    def CanSeek(self) -> DBusBool:
        return self._shown["CanSeek"]

    @dbus_property(access=PropertyAccess.READ)
    def CanControl(self) -> DBusBool:
        return True


async def claim(bus: MessageBus) -> str:
    """Our name, or ``….instance<pid>`` when another spotui has it."""
    reply = await bus.request_name(BUS_NAME, NameFlag.DO_NOT_QUEUE)
    if reply in (RequestNameReply.PRIMARY_OWNER, RequestNameReply.ALREADY_OWNER):
        return BUS_NAME
    name = f"{BUS_NAME}.instance{os.getpid()}"
    await bus.request_name(name, NameFlag.DO_NOT_QUEUE)
    return name
