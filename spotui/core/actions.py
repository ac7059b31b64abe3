"""What a face can do to the player and to an item, with no UI: one place for both faces.

Each action asks Spotify through the hub (:class:`~spotui.core.controller.PlayerController`),
so commands keep their order, show their result at once and go back on a refusal. An
action returns Spotify's refusal (or raises it, for a read) and says nothing itself:
the face decides how to tell the user.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from spotui.core.browse import Browse
from spotui.core.context import Contexts
from spotui.core.controller import PlayerController
from spotui.core.player import RESTART_MS, PlayerState, next_repeat
from spotui.core.playing import Entry, PlayRequest, QueueMarks
from spotui.spotify.client import SpotifyClient
from spotui.spotify.errors import Forbidden, NotAllowlisted, SpotifyError
from spotui.spotify.models import (
    Album,
    Artist,
    Device,
    Item,
    Playlist,
    Queue,
    SearchType,
)


@dataclass(frozen=True, slots=True)
class NotFound(Exception):
    """A search for a row the history knows by name only found nothing."""

    kind: SearchType
    name: str

    @property
    def message(self) -> str:
        return f"Spotify has no {self.kind} called “{self.name}” now."


def page_of(item: object) -> Album | Artist | Playlist | None:
    """The page an item opens: an album, an artist or a playlist; a track opens its album."""
    if isinstance(item, Entry) and item.album_id:
        item = Album(name=item.album, id=item.album_id)
    if isinstance(item, Album) and item.id:
        return item
    if isinstance(item, Artist) and (item.id or item.name):
        return item
    if isinstance(item, Playlist):
        return item
    return None


def artist_page_of(item: object) -> Album | Artist | Playlist | None:
    """A track's (first) artist; anything else opens as itself."""
    if isinstance(item, Entry) and item.artist:
        return Artist(name=item.artist, id=item.artist_id)
    return page_of(item)


async def allowed(spotify: SpotifyClient) -> NotAllowlisted | None:
    """Whether Spotify lets this account use the app: its refusal when the app's owner
    has not added the account (anything else is for the main screen to show)."""
    try:
        await spotify.me()
    except NotAllowlisted as exc:
        return exc
    except SpotifyError:
        return None
    return None


class Actions:
    """The player's keys and the actions on an item, through the hub."""

    def __init__(self, controller: PlayerController, browse: Browse):
        self.controller = controller
        self.spotify = controller.spotify
        self.browse = browse
        self.queue_marks = QueueMarks()
        self.contexts = Contexts(self.spotify)  # what plays from where
        self._held: Queue | None = None  # the last queue fetched: what a skip shows at once

    def __repr__(self) -> str:
        return "Actions()"

    @property
    def state(self) -> PlayerState:
        return self.controller.state

    def _now(self) -> float:
        return self.controller.monotonic()

    # --- the player ---------------------------------------------------------------------

    async def play_pause(self) -> SpotifyError | None:
        before = self.state
        playing = before.playback.is_playing if before.playback else False

        async def toggle(spotify: SpotifyClient) -> None:
            await (spotify.pause() if playing else spotify.play())

        what = "the pause" if playing else "play"
        return await self.controller.send(toggle, before.toggled(self._now()), what=what)

    async def next(self) -> SpotifyError | None:
        return await self.skip(1)

    async def previous(self) -> SpotifyError | None:
        """Back to the track's start when past ``RESTART_MS`` (shown at once), else to
        the track before ("skipping…" until Spotify has moved)."""
        state, now = self.state, self._now()

        async def previous(spotify: SpotifyClient) -> None:
            await spotify.previous()

        if state.position(now) > RESTART_MS:
            after = state.sought(now, -state.position(now))
            return await self.controller.send(previous, after, what="the restart")
        after = state.skipped(now, None)
        return await self.controller.send(previous, after, skip=True, what="the skip back")

    async def skip(self, times: int) -> SpotifyError | None:
        """``times`` × next, in one command (the queue's Enter: Spotify has no "jump"),
        the track it reaches shown at once when the held queue knows it."""
        after = self.state.skipped(self._now(), self._following(times))

        async def skip(spotify: SpotifyClient) -> None:
            for _ in range(times):
                await spotify.next()

        return await self.controller.send(skip, after, skip=True, what="the skip")

    def _following(self, times: int) -> Item | None:
        """The item ``times`` skips reach, from the queue last fetched if it still starts
        at the track playing; the held queue moves on with it."""
        held, playback = self._held, self.state.playback
        item = playback.item if playback else None
        if held is None or held.playing is None or item is None or len(held.next) < times:
            return None
        if held.playing.uri != item.uri or playback is None or playback.shuffle:
            return None
        following = held.next[times - 1]
        self._held = Queue(following, held.next[times:])
        return following

    async def seek(self, by_ms: int) -> SpotifyError | None:
        after = self.state.sought(self._now(), by_ms)
        target = after.playback.progress_ms if after.playback else 0

        async def seek(spotify: SpotifyClient) -> None:
            await spotify.seek(target)

        return await self.controller.send(seek, after, what="the seek")

    # Volume, shuffle and repeat step from the state on screen when each press is run,
    # which shows the press before it: a burst of presses adds up.

    async def volume_by(self, step: int) -> SpotifyError | None:
        """The volume ``step`` points up or down from what shows, within 0–100."""
        device = self.state.playback.device if self.state.playback else None
        current = device.volume_percent if device and device.volume_percent is not None else 0
        percent = min(100, max(0, current + step))

        async def volume(spotify: SpotifyClient) -> None:
            await spotify.set_volume(percent)

        after = self.state.with_volume(self._now(), percent)
        return await self.controller.send(volume, after, what="the volume change")

    async def toggle_shuffle(self) -> SpotifyError | None:
        on = not (self.state.playback.shuffle if self.state.playback else False)

        async def shuffle(spotify: SpotifyClient) -> None:
            await spotify.set_shuffle(on)

        after = self.state.with_shuffle(self._now(), on)
        return await self.controller.send(shuffle, after, what="shuffle")

    async def cycle_repeat(self) -> SpotifyError | None:
        """Off, all, one, off…"""
        mode = next_repeat(self.state.playback.repeat if self.state.playback else "off")

        async def repeat(spotify: SpotifyClient) -> None:
            await spotify.set_repeat(mode)

        after = self.state.with_repeat(self._now(), mode)
        return await self.controller.send(repeat, after, what="repeat")

    async def transfer(self, device_id: str) -> SpotifyError | None:
        """Play on another device (the device picker's choice)."""

        async def transfer(spotify: SpotifyClient) -> None:
            await spotify.transfer(device_id)

        return await self.controller.send(transfer, what="the move to that device")

    async def devices(self) -> tuple[Device, ...]:
        return await self.spotify.devices()

    # --- items --------------------------------------------------------------------------

    async def play(self, request: PlayRequest, device_id: str | None = None) -> SpotifyError | None:
        """Start ``request``, its first track shown at once."""
        shown = request.shown(self.state, self._now())
        return await self.controller.send(request.command(device_id), shown, what="play")

    async def find(self, item: object) -> PlayRequest | None:
        """What plays a row the history knows by name only, found on Spotify; None for a
        row that is no track, album or artist. Raises :class:`NotFound`, or Spotify's
        error."""
        kind: SearchType
        if isinstance(item, Entry):
            kind, name, artist = "track", item.name, item.artists
        elif isinstance(item, Album):
            kind, name = "album", item.name
            artist = item.artists[0].name if item.artists else ""
        elif isinstance(item, Artist):
            kind, name, artist = "artist", item.name, ""
        else:
            return None
        uri = await self.browse.find(kind, name, artist)
        if uri is None:
            raise NotFound(kind, name)
        if isinstance(item, Entry):
            return PlayRequest(uris=(uri,), first=replace(item, uri=uri))
        return PlayRequest(context_uri=uri)

    async def queue(self, uri: str) -> None:
        """Add to the queue, marked as queued by you."""
        await self.spotify.add_to_queue(uri)
        self.queue_marks.added(uri)

    async def up_next(self) -> tuple[Queue, list[bool]]:
        """The queue, and for each item whether you queued it."""
        self._held = queue = await self.spotify.queue()
        return queue, self.queue_marks.mark([item.uri for item in queue.next])

    async def like(self, uri: str, save: bool) -> None:
        """Save the track to your library, or remove it."""
        if save:
            await self.spotify.save_to_library([uri])
        else:
            await self.spotify.remove_from_library([uri])

    async def liked(self, uri: str) -> bool:
        return (await self.spotify.in_library([uri]))[0]

    async def add_to_playlist(self, playlist: Playlist, uri: str) -> None:
        """Add ``uri``; a playlist of someone else's that is not collaborative is said
        in words, not sent (Spotify answers it with a bare 403 "Forbidden")."""
        if not playlist.collaborative and playlist.owner_id is not None:
            owner = playlist.owner_name or "someone else"
            if playlist.owner_id != await self.browse.me():
                raise Forbidden(
                    f"“{playlist.name}” is {owner}’s playlist: tracks can be added only "
                    "to your own playlists and collaborative ones.",
                    status=403,
                )
        await self.spotify.add_to_playlist(playlist.id or "", [uri])

    async def cover(self, url: str) -> bytes:
        """An album cover's bytes."""
        return await self.spotify.image(url)
