"""A desktop notification when the track changes (desktop-notifier).

Fed by the controller's listener API: not at start, not for the same track again, and
the latest change wins when tracks change faster than notifications go out. Each one
replaces the previous: desktop-notifier always sends ``replaces_id`` 0, so the previous
one is closed first. The cover, fetched once, is kept in the cache folder as its icon.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from spotui.core.controller import Listener, PlayerController
from spotui.core.fields import format_fields
from spotui.core.player import PlayerState
from spotui.format import render
from spotui.spotify.errors import SpotifyError
from spotui.spotify.models import Playback, pick_image
from spotui.text import printable

if TYPE_CHECKING:
    from desktop_notifier import DesktopNotifier, Icon

ICON = Path(__file__).with_name("spotui.svg")  # the app's, when a notification has no cover
COVERS_KEPT = 50  # cover files kept in the cache folder, the newest
COVER_PX = 300
OWN_CHANGE_S = 5.0  # a track change this soon after a command was that command's

log = logging.getLogger("spotui.desktop")


def _key(playback: Playback | None) -> str | None:
    """What makes a track change: the item's URI (or its name, for a local file)."""
    item = playback.item if playback else None
    return (item.uri or item.name) if item else None


class Notifier:
    """Sends one notification per change of track while the controller's loop runs."""

    def __init__(
        self,
        controller: PlayerController,
        *,
        title: str = "{title}",
        body: str = "{artist} — {album}",
        covers: Path,
        focused: Callable[[], bool] = lambda: False,
        yields_to: Callable[[], bool] = lambda: False,
    ):
        """``title`` and ``body``: templates with ``now --format``'s fields (checked
        by the config); ``covers``: the folder the cover files are kept in; ``focused``:
        does the face's window have focus (a change made there shows on it)?
        ``yields_to``: does another process (a serve) have the desktop? Asked at each
        state: while it does, this one sends nothing."""
        self.focused = focused
        self.yields_to = yields_to
        self._yielded = False
        self.controller = controller
        self.title = title
        self.body = body
        self.covers = covers
        self._seen: str | None = None  # the track last told of (or found at start)
        self._started = False
        self._pending: Playback | str | None = None  # what to say next: a track, or words
        self._wake = asyncio.Event()
        self._shown: str | None = None  # the identifier of the notification on screen
        self._failed = False

    def listener(self) -> Listener:
        return Listener(state=self._changed, chore=self.run)

    def _changed(self, state: PlayerState) -> None:
        key = _key(state.playback)
        if self.yields_to():
            if not self._yielded:
                log.info("notifications: off here, spotui serve sends them")
                self._yielded = True
                self._wake.set()  # ours is closed
            if key is not None:  # serve tells of this track: not told again after
                self._started, self._seen = True, key
            return
        if self._yielded:
            log.info("notifications: spotui serve has stopped: sent from here again")
            self._yielded = False
        if key is None:
            return
        if not self._started:  # the track playing at start is no change
            self._started, self._seen = True, key
            return
        if key != self._seen:
            self._seen = key
            if self._made_here():
                return
            self._pending = state.playback
            self._wake.set()

    def _made_here(self) -> bool:
        """A change that follows a command while the window has focus: it shows there."""
        sent = self.controller.commanded_at
        recent = sent is not None and self.controller.monotonic() - sent < OWN_CHANGE_S
        return recent and self.focused()

    def say(self, words: str) -> None:
        """A refusal (say, no device) to show, as the next notification."""
        self._pending = words
        self._wake.set()

    async def run(self) -> None:
        """Send what changes, until cancelled; the last one is closed at the end."""
        from desktop_notifier import DesktopNotifier, Icon

        # desktop-notifier logs its failures (with a traceback) instead of raising: they
        # come here, said once, never on the terminal.
        theirs = logging.getLogger("desktop_notifier")
        theirs.propagate = False
        failures = _Failures(self)
        theirs.addHandler(failures)
        notifier = DesktopNotifier(app_name="spotui", app_icon=Icon(path=ICON))
        try:
            while True:
                await self._wake.wait()
                self._wake.clear()
                pending, self._pending = self._pending, None
                if self._yielded:
                    await self._close(notifier)
                elif pending is not None:
                    await self._send(notifier, pending)
        finally:
            if self._shown is not None:
                await asyncio.shield(self._close(notifier))
            theirs.removeHandler(failures)

    async def _close(self, notifier: DesktopNotifier) -> None:
        shown, self._shown = self._shown, None
        if shown is None:
            return
        try:
            await notifier.clear(shown)
        except Exception as exc:  # closed by the user already, or the server went away
            log.debug("notification %s not closed: %r", shown, exc)

    async def _send(self, notifier: DesktopNotifier, what: Playback | str) -> None:
        if isinstance(what, str):
            title, body, icon = "Spotify said no", html.escape(printable(what), quote=False), None
        else:
            fields = {name: printable(value) for name, value in format_fields(what).items()}
            # The body may hold markup (<b>, &amp;): a name from Spotify is only text.
            escaped = {name: html.escape(value, quote=False) for name, value in fields.items()}
            title, body = render(self.title, fields), render(self.body, escaped)
            icon = await self._cover(what)
        await self._close(notifier)
        try:
            self._shown = await notifier.send(title=title, message=body, icon=icon)
        except Exception as exc:  # no bus, no server, an unsigned app on macOS: go on
            self.failed(exc or type(exc).__name__)

    def failed(self, why: object) -> None:
        """A notification could not be sent: said once, then only in the debug log."""
        level = logging.DEBUG if self._failed else logging.WARNING
        self._failed = True
        log.log(level, "notifications: could not send one (%s)", why)

    async def _cover(self, playback: Playback) -> Icon | None:
        """The cover as a file in the cache folder (fetched once), or None."""
        from desktop_notifier import Icon

        item = playback.item
        image = pick_image(item.images, COVER_PX) if item else None
        if image is None:
            return None
        path = self.covers / hashlib.sha256(image.url.encode()).hexdigest()[:32]
        if not path.exists():
            try:
                data = await self.controller.spotify.image(image.url)
                await asyncio.to_thread(self._keep, path, data)
            except (SpotifyError, OSError) as exc:
                log.info("notifications: no cover (%s)", exc)
                return None
        return Icon(path=path)

    def _keep(self, path: Path, data: bytes) -> None:
        """Write a cover, and keep only the newest ``COVERS_KEPT``."""
        self.covers.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part")
        partial.write_bytes(data)
        partial.replace(path)
        kept = sorted(self.covers.iterdir(), key=lambda file: file.stat().st_mtime, reverse=True)
        for old in kept[COVERS_KEPT:]:
            old.unlink(missing_ok=True)


class _Failures(logging.Handler):
    """desktop-notifier's warnings and errors, told to the notifier (no traceback)."""

    def __init__(self, notifier: Notifier):
        super().__init__(logging.WARNING)
        self.notifier = notifier

    def emit(self, record: logging.LogRecord) -> None:
        error = record.exc_info[1] if record.exc_info else None
        self.notifier.failed(f"{record.getMessage()}: {error}" if error else record.getMessage())
