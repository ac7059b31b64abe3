"""The keys that act on the player and on an item, shared by the main screen and the pages.

What each does is :mod:`spotui.core.actions`; here is only what a person sees: the
notices, the pickers and questions, and the pages to open. A page gets this object,
not the screen below it, and opens other pages by message (the app pushes them).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any

from textual.message import Message
from textual.screen import Screen

from spotui.config import Config
from spotui.core.actions import Actions, NotFound, artist_page_of, page_of
from spotui.core.playing import SKIPS_WITHOUT_ASKING, Entry, PlayRequest, request_for, skips_to
from spotui.spotify.errors import AuthError, NoActiveDevice, SpotifyError, no_device_hint
from spotui.spotify.models import NOT_SAVABLE, Album, Artist, Device, Playlist, Track


class OpenPage(Message):
    """Open the page of an album, an artist or a playlist (the app pushes it)."""

    def __init__(self, controls: Controls, page: Album | Artist | Playlist):
        super().__init__()
        self.controls = controls
        self.page = page


class OpenSearch(Message):
    """Open the search page (the app pushes it)."""

    def __init__(self, controls: Controls):
        super().__init__()
        self.controls = controls


class LibraryChanged(Message):
    """A key saved a track to the library (``saved``) or removed it (now playing shows
    it; the library tab is not read again for one row: a large one is many pages)."""

    def __init__(self, uri: str, saved: bool):
        super().__init__()
        self.uri = uri
        self.saved = saved


class Controls:
    """Runs each action in a worker of ``host`` (the main screen) and says how it went."""

    def __init__(
        self,
        host: Screen[Any],
        actions: Actions,
        config: Config,
        key_for: Callable[[str], str],
        queued: Callable[[], None],
    ):
        """``key_for``: the key of a binding id, for the notices; ``queued``: called
        after a track is queued (the queue tab reloads)."""
        self.host = host
        self.actions = actions
        self.browse = actions.browse
        self.config = config
        self.key_for = key_for
        self._queued = queued

    def __repr__(self) -> str:
        return "Controls()"

    def notify(self, message: str, **kwargs: Any) -> None:
        self.host.notify(message, **kwargs)

    def _run(self, work: Coroutine[Any, Any, None]) -> None:
        self.host.run_worker(work, group="commands")

    def _send(self, action: Awaitable[SpotifyError | None]) -> None:
        """Run a player command; on a refusal, say why."""

        async def send() -> None:
            self._refused(await action)

        self._run(send())

    def _refused(self, refusal: SpotifyError | None) -> None:
        if refusal is not None and not isinstance(refusal, AuthError):
            self.notify(refusal.message, title="Spotify said no", severity="warning")

    # --- the player ---------------------------------------------------------------------

    def _playing(self) -> bool:
        if self.actions.state.playback is None:
            self.notify(
                no_device_hint(f"press {self.key_for('devices')} to pick one") + ".",
                severity="warning",
            )
            return False
        return True

    def play_pause(self) -> None:
        """Play or pause, on screen at once."""
        if self._playing():
            self._send(self.actions.play_pause())

    def next(self) -> None:
        if self._playing():
            self._send(self.actions.next())

    def previous(self) -> None:
        if self._playing():
            self._send(self.actions.previous())

    def seek(self, direction: int) -> None:
        if self._playing():
            self._send(self.actions.seek(direction * self.config.seek_step * 1000))

    def volume(self, direction: int) -> None:
        if not self._playing():
            return
        playback = self.actions.state.playback
        device = playback.device if playback else None
        if device is None or device.volume_percent is None or not device.supports_volume:
            self.notify("This device does not allow volume changes.", severity="warning")
            return
        self._send(self.actions.volume_by(direction * self.config.volume_step))

    def shuffle(self) -> None:
        if self._playing():
            self._send(self.actions.toggle_shuffle())

    def repeat(self) -> None:
        if self._playing():
            self._send(self.actions.cycle_repeat())

    def refresh(self) -> None:
        """Ask Spotify for the playback now."""
        self.actions.controller.poll_soon(0)

    def playing_track(self) -> Track | None:
        """The track playing, if it can be saved to the library (else a notice)."""
        playback = self.actions.state.playback
        item = playback.item if playback else None
        if not isinstance(item, Track) or not item.savable or item.uri is None:
            self.notify(NOT_SAVABLE)
            return None
        return item

    def devices(self) -> None:
        """Pick a device and play there."""

        def chosen(device: Device | None) -> None:
            if device is not None and device.id:
                self._send(self.actions.transfer(device.id))
                self.notify(f"Playing on {device.name}.")

        self._devices(chosen)

    def _devices(self, chosen: Callable[[Device | None], None]) -> None:
        from spotui.tui.screens.devices import DevicePicker  # only when asked for

        self.host.app.push_screen(DevicePicker(self.actions.devices), chosen)

    # --- items --------------------------------------------------------------------------

    def _target(self, item: object | None) -> object | None:
        """What a key on an item acts on: the highlighted row (``item``) where there is
        one, else the track playing."""
        if item is not None:
            return item
        playback = self.actions.state.playback
        return Entry.of(playback.item) if playback and playback.item else None

    @staticmethod
    def takes(action: str, item: object | None) -> bool:
        """Whether a key on an item acts on the highlighted ``item`` (None: the track
        playing): l, a and + act on a track (+ also on a playlist, adding the track
        playing to it); on any other row (an artist) the screen leaves them out of the
        footer, and pressed they say what they act on."""
        if item is None or action not in ("like", "queue", "add_to_playlist"):
            return True
        return isinstance(item, Entry) or (
            action == "add_to_playlist" and isinstance(item, Playlist)
        )

    def _no_track(self, item: object | None, needs: str, key_id: str, does: str) -> None:
        """Say that a key acts on a track: ``needs`` one, and on a row of another kind
        (an artist) also that on the Now tab the key ``does`` the track playing."""
        if item is not None and not isinstance(item, Entry):
            needs += f". On the Now tab, {self.key_for(key_id)} {does} the track playing"
        self.notify(needs + ".", severity="warning")

    def like(self, item: object | None) -> None:
        """Save a track to your library, or remove it; the notice names it."""
        entry = self._target(item)
        if not isinstance(entry, Entry):  # an artist, a "▶ Play …" row, nothing playing
            self._no_track(item, "Highlight a track to save it", "like", "saves")
            return
        uri = entry.uri if not entry.is_local else None
        if uri is None or not uri.startswith("spotify:track:"):
            self.notify(NOT_SAVABLE)
            return
        name = entry.name

        async def toggle() -> None:
            try:
                saved = not await self.actions.liked(uri)
                await self.actions.like(uri, saved)
            except SpotifyError as exc:
                self.notify(exc.message, title="Could not change your library", severity="warning")
                return
            self.notify(
                f"Saved “{name}” to your library."
                if saved
                else f"Removed “{name}” from your library."
            )
            self.host.post_message(LibraryChanged(uri, saved))

        self._run(toggle())

    def play(self, request: PlayRequest, device_id: str | None = None, what: str = "") -> None:
        """Start ``request``; with no active device, pick one and start it there. Once
        Spotify accepts, a toast names ``what`` plays (else the request's first track)."""

        async def play() -> None:
            refusal = await self.actions.play(request, device_id)
            if isinstance(refusal, NoActiveDevice) and device_id is None:
                self._pick_device(lambda device: self.play(request, device, what))
            elif refusal is None:
                self.notify(f"Playing “{what or request.what}”.")
            else:
                self._refused(refusal)

        self._run(play())

    def _pick_device(self, then: Callable[[str], object]) -> None:
        def chosen(device: Device | None) -> None:
            if device is not None and device.id:
                self.notify(f"Playing on {device.name}.")
                then(device.id)

        self.notify(no_device_hint("pick one below") + ".", severity="warning")
        self._devices(chosen)

    def play_row(
        self, items: Sequence[object], index: int, context_uri: str | None = None, where: str = ""
    ) -> None:
        """Play row ``index`` of a table as Enter does (see ``playing.request_for``);
        ``where``: the title of the page or tab, which the header names it by."""
        request = request_for(items, index, context_uri)
        if request is not None:
            row = items[index]
            self.actions.contexts.played(request, where, row)
            name = getattr(row, "name", "") if request.first is None else ""
            self.play(request, what=name if isinstance(name, str) else "")
        elif isinstance(items[index], Entry):
            self.notify("Spotify cannot start a local file from here.", severity="warning")

    def play_found(self, item: object) -> None:
        """A row the history knows by name only: find it on Spotify, then play it."""

        async def find() -> None:
            try:
                request = await self.actions.find(item)
            except NotFound as missing:
                self.notify(missing.message, severity="warning")
                return
            except SpotifyError as exc:
                self.notify(exc.message, title="Could not find it", severity="warning")
                return
            if request is not None:
                self.play(request)

        self._run(find())

    def skip_to(self, index: int, item: object) -> None:
        """Reach the queue's item at ``index`` by skipping (Spotify has no "jump")."""
        skips = skips_to(index)
        name = item.name if isinstance(item, Entry) else "it"

        def go(confirmed: bool | None = True) -> None:
            if confirmed:
                self._send(self.actions.skip(skips))
                self.notify(f"Skipping to “{name}”.")

        if skips <= SKIPS_WITHOUT_ASKING:
            go()
            return
        from spotui.tui.screens.confirm import Confirm

        question = f"Skip {skips} tracks to reach “{name}”?"
        self.host.app.push_screen(Confirm(question, yes=f"Skip {skips}"), go)

    def queue(self, item: object | None) -> None:
        """Queue a track (a highlighted row, or the one playing)."""
        entry = self._target(item)
        if not isinstance(entry, Entry) or not entry.playable or entry.uri is None:
            self._no_track(item, "Highlight a track to queue it", "queue", "queues")
            return
        uri, name = entry.uri, entry.name

        async def queue() -> None:
            try:
                await self.actions.queue(uri)
            except SpotifyError as exc:
                self.notify(exc.message, title="Could not queue it", severity="warning")
                return
            self.notify(f"Queued “{name}”.")
            self._queued()

        self._run(queue())

    def add_to_playlist(self, item: object | None) -> None:
        """Pick one of your playlists (type to filter) and add the track to it; on a
        highlighted playlist, add the track playing to that one."""
        into = item if isinstance(item, Playlist) else None
        entry = self._target(None if into is not None else item)
        if not isinstance(entry, Entry) or not entry.playable or entry.uri is None:
            needs = "Highlight a track to add it to a playlist, or a playlist to add to it"
            self._no_track(item, needs, "add_to_playlist", "adds")
            return
        from spotui.tui.screens.playlist_picker import PlaylistPicker

        uri, name = entry.uri, entry.name

        async def add(playlist: Playlist) -> None:
            try:
                await self.actions.add_to_playlist(playlist, uri)
            except SpotifyError as exc:
                self.notify(exc.message, title="Could not add it", severity="warning")
                return
            self.notify(f"Added “{name}” to “{playlist.name}”.")

        def picked(playlist: Playlist | None) -> None:
            if playlist is not None and playlist.id:
                self._run(add(playlist))

        if into is not None:
            picked(into)
            return
        self.host.app.push_screen(PlaylistPicker(self.browse, name), picked)

    def open(self, item: object | None) -> None:
        """A page for an album, an artist or a playlist; a track opens its album."""
        self._open(page_of(self._target(item)))

    def open_artist(self, item: object | None) -> None:
        """A track's (first) artist; anything else opens as itself."""
        self._open(artist_page_of(self._target(item)))

    def _open(self, page: Album | Artist | Playlist | None) -> None:
        if page is None:
            self.notify("Highlight an album, an artist or a playlist to open it.")
        else:
            self.host.post_message(OpenPage(self, page))

    def search(self) -> None:
        self.host.post_message(OpenSearch(self))

    def to_main(self, action: str) -> None:
        """From a page: close the pages over the main screen, then run ``action`` there."""
        app = self.host.app
        while app.screen is not self.host and len(app.screen_stack) > 1:
            app.pop_screen()
        self.host.call_later(self.host.run_action, action)
