"""The main screen: now playing, playback keys, and the list tabs."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from functools import partial
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.reactive import var
from textual.timer import Timer
from textual.widgets import Footer, TabbedContent, TabPane

from spotui import keymap
from spotui.config import Config
from spotui.core import snapshot
from spotui.core.browse import Browse
from spotui.core.controller import Command, Listener, Trouble, answered
from spotui.core.lists import ListsService, TopKind
from spotui.core.player import AFTER_COMMAND_S, PlayerState, next_repeat
from spotui.core.playing import (
    SKIPS_WITHOUT_ASKING,
    Entry,
    PlayRequest,
    QueueMarks,
    request_for,
    skips_to,
)
from spotui.format import TIME_RANGE_LABELS, TIME_RANGE_SHORT
from spotui.screens.closing import WorkerScreen
from spotui.services import Services
from spotui.spotify.client import SearchType, SpotifyClient
from spotui.spotify.errors import (
    AuthError,
    NoActiveDevice,
    SpotifyError,
    no_device_hint,
    wait_text,
)
from spotui.spotify.models import (
    NOT_SAVABLE,
    TIME_RANGES,
    Album,
    Artist,
    Device,
    Paging,
    Playlist,
    TimeRange,
    Track,
)
from spotui.widgets.art import AlbumArt, cover_of, decode
from spotui.widgets.table import RowsTable
from spotui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from spotui.history.stats import Stats, Window
    from spotui.history.sync import SyncResult
    from spotui.widgets.lists import ListView
from spotui.widgets.now_playing import NowPlaying

TABS = ("now", "top-tracks", "top-artists", "recent", "library", "queue", "playlists", "stats")
# Short, so that every tab fits on an 80-column terminal.
TAB_TITLES = {
    "now": "Now",
    "top-tracks": "Top tracks",
    "top-artists": "Top artists",
    "recent": "Recent",
    "library": "Library",
    "queue": "Queue",
    "playlists": "Playlists",
    "stats": "Stats",
}
STATS_ACTIONS = ("stats_window", "stats_dates", "stats_order")
HISTORY_AFTER_START_S = 3.0  # the first sync waits for the start-up to settle


def _forwarded(bindings: Iterable[object]) -> list[Binding]:
    """The table's keys, bound on the screen too: ``move(1)`` becomes ``rows('move', 1)``
    (see :meth:`MainScreen.action_rows`). Enter leads, as it leads the footer; moving
    is left out of the key panel (``system``), which lists the actions."""
    found = []
    for binding in bindings:
        assert isinstance(binding, Binding)
        name, _, rest = binding.action.partition("(")
        args = rest.rstrip(")")
        action = f"rows('{name}', {args})" if args else f"rows('{name}')"
        found.append(
            Binding(
                binding.key,
                action,
                binding.description,
                show=binding.show,
                tooltip=binding.tooltip,
                system=not binding.show,
                id=binding.id,
            )
        )
    return sorted(found, key=lambda b: b.key != "enter")


class MainScreen(WorkerScreen[None]):
    """Everything a signed-in user sees."""

    CSS_PATH = "main.tcss"

    BINDINGS = [
        *_forwarded(RowsTable.BINDINGS),
        Binding("space", "play_pause", "Play/Pause", tooltip="Play or pause", id="play_pause"),
        Binding("slash", "search", "Search", tooltip="Search Spotify", id="search"),
        Binding("n", "next", "Next", tooltip="Skip to the next track", id="next"),
        Binding("p", "previous", "Prev", tooltip="Back to the previous track", id="previous"),
        # Priority: the tab bar would otherwise take the arrows to switch tabs.
        Binding(
            "left",
            "seek(-1)",
            "Back",
            show=False,
            tooltip="Seek back",
            priority=True,
            id="seek_back",
        ),
        Binding(
            "right",
            "seek(1)",
            "Forward",
            show=False,
            tooltip="Seek forward",
            priority=True,
            id="seek_forward",
        ),
        Binding(
            "equals_sign", "volume(1)", "Vol +", show=False, tooltip="Volume up (=)", id="volume_up"
        ),
        Binding(
            "minus", "volume(-1)", "Vol -", show=False, tooltip="Volume down", id="volume_down"
        ),
        Binding("s", "shuffle", "Shuffle", tooltip="Turn shuffle on or off", id="shuffle"),
        Binding("r", "repeat", "Repeat", tooltip="Repeat: off, all, one", id="repeat"),
        Binding(
            "l", "like", "Like", tooltip="Save or remove the track from your library", id="like"
        ),
        Binding("d", "devices", "Devices", tooltip="Pick the device to play on", id="devices"),
        Binding(
            "a",
            "queue_add",
            "Queue",
            tooltip="Queue the highlighted (or playing) track",
            id="queue",
        ),
        Binding(
            "plus",
            "add_to_playlist",
            "Add to…",
            show=False,
            tooltip="Add the track to a playlist",
            id="add_to_playlist",
        ),
        Binding(
            "o", "open", "Open", show=False, tooltip="Open the album, artist or playlist", id="open"
        ),
        Binding(
            "O",
            "open_artist",
            "Artist",
            show=False,
            tooltip="Open the track's artist",
            id="open_artist",
        ),
        Binding(
            "t",
            "time_range",
            "Range",
            tooltip="Top lists: 4 weeks, 6 months, all time",
            id="time_range",
        ),
        Binding(
            "w",
            "stats_window",
            "Window",
            tooltip="Stats: today, 7 days … all time",
            id="stats_window",
        ),
        Binding("W", "stats_dates", "Dates", tooltip="Stats between two dates", id="stats_dates"),
        Binding(
            "b",
            "stats_order",
            "By",
            tooltip="Stats: top lists by plays or by time",
            id="stats_order",
        ),
        Binding(
            "ctrl+r",
            "refresh",
            "Refresh",
            show=False,
            tooltip="Ask Spotify again now",
            id="refresh",
        ),
        *(
            Binding(
                str(number),
                f"tab('{tab}')",
                TAB_TITLES[tab],
                show=False,
                tooltip=f"Show the {TAB_TITLES[tab].lower()} tab",
                id=f"tab_{tab.replace('-', '_')}",
            )
            for number, tab in enumerate(TABS, 1)
        ),
        Binding("question_mark", "keys", "Keys", tooltip="Show or hide every key", id="help"),
        Binding("q", "quit", "Quit", tooltip="Quit spotui", id="quit"),
    ]

    state: var[PlayerState] = var(PlayerState, always_update=True, init=False)
    time_range: var[TimeRange] = var("medium_term", init=False)
    stats_window: var[str] = var("4w", init=False)

    class SignedOut(Message):
        """The sign-in ended (revoked, expired): the app shows the wizard."""

        def __init__(self, reason: str):
            super().__init__()
            self.reason = reason

    def __init__(
        self,
        services: Services,
        config: Config,
        spotify: SpotifyClient,
        first: asyncio.Future[PlayerState] | None = None,
        last: snapshot.Snapshot | None = None,
    ):
        """``first``: the first poll, already sent (see :func:`first_poll`); ``last``:
        the previous run's snapshot, as the start screen read it."""
        super().__init__()
        self._last = last
        self.services = services
        self.config = config
        self.spotify = spotify
        self.lists = ListsService(spotify, services.list_cache)
        self.controller = services.player(
            spotify,
            interval=config.poll_interval,
            first=first,
            history_after=HISTORY_AFTER_START_S,
            on_history=self._synced_history,
            on_scrobble=lambda line: self.notify(line, title="Scrobbling", severity="warning"),
        )
        self.controller.subscribe(
            Listener(state=self._received, trouble=self._trouble, signed_out=self._signed_out)
        )
        self._first = first
        self._loaded: set[str] = set()
        self.queue_marks = QueueMarks()
        self.browse = Browse(spotify)
        self._liked_for: str | None = None
        self._art_url: str | None = None
        self._countdown_timer: Timer | None = None
        self.sub_title = "demo · fake Spotify, no account" if services.demo else ""
        self.stats_dates: tuple[date | None, date | None] | None = None
        self._synced: str = ""
        self._prepared: tuple[Window, Stats] | None = None  # the Stats tab's, read ahead
        self.snapshots = snapshot.Keeper(services.snapshot_path)

    def palette_commands(self) -> Iterable[SystemCommand]:
        """The screen's actions for the command palette, from its key bindings (moving
        in a table is left out: it is no action to look for)."""
        for binding in self.BINDINGS:
            assert isinstance(binding, Binding)
            if not binding.tooltip:
                continue
            yield SystemCommand(
                binding.tooltip or binding.description,
                f"Key: {self.key_for(binding)}",
                partial(self.run_action, binding.action),
            )

    def key_for(self, binding: Binding | str) -> str:
        """The key (the first, if several) that does a binding here, or the binding with
        this id: the config's, else the binding's own."""
        if isinstance(binding, str):
            binding = next(b for b in self.BINDINGS if isinstance(b, Binding) and b.id == binding)
        keys = self.config.keymap.get(binding.id or "", binding.key)
        return keymap.shown(keys.split(",")[0])

    # --- layout -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TitleBar(self.sub_title or "")
        with TabbedContent(initial="now"):
            with TabPane(TAB_TITLES["now"], id="now"):
                yield NowPlaying(self.services.monotonic, self.key_for, id="now-playing")
            # The other tabs get their tables when first opened (see _view).
            yield TabPane(self._top_title("top-tracks"), id="top-tracks")
            yield TabPane(self._top_title("top-artists"), id="top-artists")
            yield TabPane(TAB_TITLES["recent"], id="recent")
            yield TabPane(TAB_TITLES["library"], id="library")
            yield TabPane(TAB_TITLES["queue"], id="queue")
            yield TabPane(TAB_TITLES["playlists"], id="playlists")
            yield TabPane(TAB_TITLES["stats"], id="stats")
        yield Footer()

    def on_mount(self) -> None:
        art = self.query_one(AlbumArt)
        art.set_class(self.config.album_art == "off", "-off")
        last, known = self._last, answered(self._first)
        cover = self.config.album_art != "off"
        if last is not None:
            self.snapshots.current = last
        # The snapshot's cover stands in for its URL's only when it is there to show.
        kept = last if cover and last is not None and last.cover is not None else None
        if known is not None:  # in already (the start screen showed it): no "checking"
            if kept is not None and kept.cover_url == snapshot.cover_url(known.playback):
                art.picture = kept.cover  # the same cover: not fetched again
                self._art_url = kept.cover_url
            self.state = known
        elif last is not None:  # painted at once, until the first poll answers
            self.now_playing.show_snapshot(last, self.services.clock(), cover=cover)
            if kept is not None:
                self._art_url = kept.cover_url
        self.poll_loop()

    async def on_unmount(self) -> None:
        if self.state.playback is not None:
            self.snapshots.close(self._snapshot(self.state))
        await self.spotify.aclose()

    def _snapshot(self, state: PlayerState) -> snapshot.Snapshot | None:
        return snapshot.of(state, self.services.monotonic(), self.services.clock())

    def _top_title(self, tab: str) -> str:
        return f"{TAB_TITLES[tab]} · {TIME_RANGE_SHORT[self.time_range]}"

    @property
    def now_playing(self) -> NowPlaying:
        return self.query_one(NowPlaying)

    def _now(self) -> float:
        return self.services.monotonic()

    # --- polling ------------------------------------------------------------------------

    def _received(self, state: PlayerState) -> None:
        self.state = state

    def watch_state(self, state: PlayerState) -> None:
        self.now_playing.state = state
        item = state.playback.item if state.playback else None
        url = snapshot.cover_url(state.playback)
        self.snapshots.note(self._snapshot(state), url)
        if url != self._art_url:
            self._art_url = url
            self.load_art(url)
        item_uri = item.uri if isinstance(item, Track) and item.savable else None
        if item_uri != self._liked_for:
            self._liked_for = item_uri
            self.now_playing.liked = None
            if item_uri:
                self.check_liked(item_uri)
            self._refresh_on_track_change()

    def _refresh_on_track_change(self) -> None:
        """Recently played and the queue change with the track: reload the one on show."""
        active = self.query_one(TabbedContent).active
        for tab in ("recent", "queue"):
            if tab in self._loaded:
                if tab == active:
                    self._loaded.discard(tab)
                    self._load_tab(tab)
                else:
                    self._loaded.discard(tab)  # loaded again when next shown

    @work(exclusive=True, group="art")
    async def load_art(self, url: str | None) -> None:
        """Fetch and decode the cover off the UI's path; no cover shows a placeholder."""
        art = self.query_one(AlbumArt)
        if url is None or self.config.album_art == "off":
            art.picture = None
            return
        try:
            data = await self.spotify.image(url)
            picture = await asyncio.to_thread(decode, data)
            cover = await asyncio.to_thread(cover_of, picture)
        except (SpotifyError, OSError, ValueError):
            art.picture = None
            return
        art.picture = picture
        self.snapshots.note_cover(url, cover)

    def poll_soon(self, delay: float = AFTER_COMMAND_S) -> None:
        """Ask Spotify again after ``delay`` seconds instead of the planned time."""
        self.controller.poll_soon(delay)

    @work(exclusive=True, group="poll")
    async def poll_loop(self) -> None:
        """The controller's poll loop, for as long as the screen lives."""
        await self.controller.run()

    def _trouble(self, trouble: Trouble | None) -> None:
        if trouble is None:
            if self._countdown_timer is not None:
                self._countdown_timer.stop()
                self._countdown_timer = None
            self.now_playing.status = ""
        else:
            self._countdown(trouble.message, trouble.retry_in)

    def _signed_out(self, reason: str) -> None:
        self.post_message(self.SignedOut(reason))

    def _countdown(self, what: str, seconds: float) -> None:
        """Show ``what`` with a countdown to the next try."""
        deadline = self._now() + seconds
        view = self.now_playing

        def tick() -> None:
            left = deadline - self._now()
            if not seconds:
                view.status = what
            elif left >= 0.5:
                view.status = f"{what} — retrying in {wait_text(left)}"
            else:
                view.status = f"{what} — retrying…"

        tick()
        if self._countdown_timer is not None:
            self._countdown_timer.stop()
            self._countdown_timer = None
        if seconds:
            self._countdown_timer = self.set_interval(1.0, tick, repeat=max(1, round(seconds)))

    # --- commands -----------------------------------------------------------------------

    @work(group="commands")
    async def _send(self, command: Command, after: PlayerState | None) -> None:
        """Show ``after`` at once and send ``command``; on refusal, say why."""
        refusal = await self.controller.send(command, after)
        if refusal is not None and not isinstance(refusal, AuthError):
            self.notify(refusal.message, title="Spotify said no", severity="warning")

    @work(group="commands")
    async def play(self, request: PlayRequest, device_id: str | None = None) -> None:
        """Start ``request``, showing its first track at once; with no active device,
        pick one and start it there."""
        shown = request.shown(self.state, self._now())
        refusal = await self.controller.send(request.command(device_id), shown)
        if isinstance(refusal, NoActiveDevice) and device_id is None:
            self._pick_device(lambda device: self.play(request, device))
        elif refusal is not None and not isinstance(refusal, AuthError):
            self.notify(refusal.message, title="Spotify said no", severity="warning")

    def _pick_device(self, then: Callable[[str], object]) -> None:
        from spotui.screens.devices import DevicePicker  # only when asked for

        def chosen(device: Device | None) -> None:
            if device is not None and device.id:
                self.notify(f"Playing on {device.name}.")
                then(device.id)

        self.notify(no_device_hint("pick one below") + ".", severity="warning")
        self.app.push_screen(DevicePicker(self.spotify), chosen)

    @on(RowsTable.Chosen)
    def chosen(self, event: RowsTable.Chosen) -> None:
        """Enter on a row: play it (a track from there on, an artist as a whole), or
        on the queue, skip forward to it."""
        event.stop()
        active = self.query_one(TabbedContent).active
        if active == "queue":
            self.skip_to(event.index, event.item)
        elif active == "stats" and getattr(event.item, "uri", True) is None:
            self.play_found(event.item)
        else:
            self.play_row(event.table.items, event.index)

    @work(group="commands")
    async def play_found(self, item: object) -> None:
        """A row the history knows by name only: find it on Spotify, then play it."""
        kind: SearchType
        if isinstance(item, Entry):
            kind, name, artist = "track", item.name, item.artists
        elif isinstance(item, Album):
            kind, name = "album", item.name
            artist = item.artists[0].name if item.artists else ""
        elif isinstance(item, Artist):
            kind, name, artist = "artist", item.name, ""
        else:
            return
        try:
            uri = await self.browse.find(kind, name, artist)
        except SpotifyError as exc:
            self.notify(exc.message, title="Could not find it", severity="warning")
            return
        if uri is None:
            self.notify(f"Spotify has no {kind} called “{name}” now.", severity="warning")
            return
        if isinstance(item, Entry):
            self.play(PlayRequest(uris=(uri,), first=replace(item, uri=uri)))
        else:
            self.play(PlayRequest(context_uri=uri))

    def play_row(self, items: Sequence[object], index: int, context_uri: str | None = None) -> None:
        """Play row ``index`` of a table as Enter does (see ``playing.request_for``)."""
        request = request_for(items, index, context_uri)
        if request is not None:
            self.play(request)
        elif isinstance(items[index], Entry):
            self.notify("Spotify cannot start a local file from here.", severity="warning")

    def skip_to(self, index: int, item: object) -> None:
        """Reach the queue's item at ``index`` by skipping (Spotify has no "jump")."""
        skips = skips_to(index)
        name = item.name if isinstance(item, Entry) else "it"

        def go(confirmed: bool | None = True) -> None:
            if confirmed:
                self._send(partial(_skip, skips), None)
                self.notify(f"Skipping to “{name}”.")

        if skips <= SKIPS_WITHOUT_ASKING:
            go()
            return
        from spotui.screens.confirm import Confirm

        question = f"Skip {skips} tracks to reach “{name}”?"
        self.app.push_screen(Confirm(question, yes=f"Skip {skips}"), go)

    def _highlighted(self) -> object | None:
        """The item under the cursor of the tab on show; on now playing, the track."""
        tabs = self.query_one(TabbedContent)
        if tabs.active == "now":
            item = self.state.playback.item if self.state.playback else None
            return Entry.of(item) if item is not None else None
        tables = tabs.active_pane.query(RowsTable) if tabs.active_pane else None
        return tables.first().highlighted if tables else None

    def action_queue_add(self) -> None:
        """Queue the highlighted track, or the playing one on the now-playing tab."""
        entry = self._highlighted()
        if not isinstance(entry, Entry) or not entry.playable or entry.uri is None:
            self.notify("Highlight a track to queue it.", severity="warning")
            return
        self.queue_add(entry.uri, entry.name)

    @work(group="commands")
    async def queue_add(self, uri: str, name: str) -> None:
        try:
            await self.spotify.add_to_queue(uri)
        except SpotifyError as exc:
            self.notify(exc.message, title="Could not queue it", severity="warning")
            return
        self.queue_marks.added(uri)
        self.notify(f"Queued “{name}”.")
        self._loaded.discard("queue")
        if self.query_one(TabbedContent).active == "queue":
            self._load_tab("queue")

    def action_add_to_playlist(self) -> None:
        entry = self._highlighted()
        self.add_to_playlist(entry if isinstance(entry, Entry) else None)

    def add_to_playlist(self, entry: Entry | None) -> None:
        """Pick one of your playlists (type to filter) and add the track to it."""
        if entry is None or not entry.playable or entry.uri is None:
            self.notify("Highlight a track to add it to a playlist.", severity="warning")
            return
        from spotui.screens.playlist_picker import PlaylistPicker

        uri, name = entry.uri, entry.name

        def picked(playlist: Playlist | None) -> None:
            if playlist is not None and playlist.id:
                self.add_to(playlist, uri, name)

        self.app.push_screen(PlaylistPicker(self.browse, name), picked)

    @work(group="commands")
    async def add_to(self, playlist: Playlist, uri: str, name: str) -> None:
        try:
            await self.spotify.add_to_playlist(playlist.id or "", [uri])
        except SpotifyError as exc:
            self.notify(exc.message, title="Could not add it", severity="warning")
            return
        self.notify(f"Added “{name}” to “{playlist.name}”.")

    def action_open(self) -> None:
        self.open_item(self._highlighted())

    def action_open_artist(self) -> None:
        self.open_artist_of(self._highlighted())

    def open_artist_of(self, item: object) -> None:
        """A track's (first) artist; anything else opens as itself."""
        if isinstance(item, Entry) and item.artist:
            self.open_artist(Artist(name=item.artist, id=item.artist_id))
        else:
            self.open_item(item)

    def open_artist(self, artist: Artist) -> None:
        from spotui.screens.pages import ArtistScreen

        self.app.push_screen(ArtistScreen(self, artist))

    def open_item(self, item: object) -> None:
        """A page for an album, an artist or a playlist; a track opens its album."""
        from spotui.screens.pages import AlbumScreen, PlaylistScreen

        if isinstance(item, Entry) and item.album_id:
            item = Album(name=item.album, id=item.album_id)
        if isinstance(item, Album) and item.id:
            self.app.push_screen(AlbumScreen(self, item))
        elif isinstance(item, Artist) and (item.id or item.name):
            self.open_artist(item)
        elif isinstance(item, Playlist):
            self.app.push_screen(PlaylistScreen(self, item))
        else:
            self.notify("Highlight an album, an artist or a playlist to open it.")

    def action_search(self) -> None:
        from spotui.screens.search import SearchScreen

        self.app.push_screen(SearchScreen(self))

    def _playing(self) -> bool:
        if self.state.playback is None:
            self.notify(
                no_device_hint(f"press {self.key_for('devices')} to pick one") + ".",
                severity="warning",
            )
            return False
        return True

    def action_play_pause(self) -> None:
        """Play or pause, on screen at once."""
        if not self._playing():
            return
        before = self.state
        now = self._now()
        playing = before.playback.is_playing if before.playback else False
        self._send((lambda c: c.pause()) if playing else (lambda c: c.play()), before.toggled(now))

    def action_next(self) -> None:
        if self._playing():
            self._send(lambda c: c.next(), None)

    def action_previous(self) -> None:
        if self._playing():
            self._send(lambda c: c.previous(), None)

    def action_seek(self, direction: int) -> None:
        if not self._playing():
            return
        before = self.state
        after = before.sought(self._now(), direction * self.config.seek_step * 1000)
        target = after.playback.progress_ms if after.playback else 0
        self._send(lambda c: c.seek(target), after)

    def action_volume(self, direction: int) -> None:
        if not self._playing():
            return
        before = self.state
        device = before.playback.device if before.playback else None
        if device is None or device.volume_percent is None or not device.supports_volume:
            self.notify("This device does not allow volume changes.", severity="warning")
            return
        volume = min(100, max(0, device.volume_percent + direction * self.config.volume_step))
        self._send(lambda c: c.set_volume(volume), before.with_volume(self._now(), volume))

    def action_shuffle(self) -> None:
        if not self._playing():
            return
        before = self.state
        shuffle = not (before.playback.shuffle if before.playback else False)
        self._send(lambda c: c.set_shuffle(shuffle), before.with_shuffle(self._now(), shuffle))

    def action_repeat(self) -> None:
        if not self._playing():
            return
        before = self.state
        mode = next_repeat(before.playback.repeat if before.playback else "off")
        self._send(lambda c: c.set_repeat(mode), before.with_repeat(self._now(), mode))

    def action_like(self) -> None:
        item = self.state.playback.item if self.state.playback else None
        if not isinstance(item, Track) or not item.savable or item.uri is None:
            self.notify(NOT_SAVABLE)
            return
        view, uri = self.now_playing, item.uri
        was = view.liked
        view.liked = not was
        self.like(uri, not was, was)

    @work(group="commands")
    async def like(self, uri: str, save: bool, was: bool | None) -> None:
        try:
            if save:
                await self.spotify.save_to_library([uri])
            else:
                await self.spotify.remove_from_library([uri])
        except SpotifyError as exc:
            self.now_playing.liked = was
            self.notify(exc.message, title="Could not change your library", severity="warning")
            return
        self.notify("Saved to your library." if save else "Removed from your library.")

    @work(exclusive=True, group="liked")
    async def check_liked(self, uri: str) -> None:
        try:
            saved = await self.spotify.in_library([uri])
        except SpotifyError:
            return
        if self._liked_for == uri:
            self.now_playing.liked = saved[0]

    def action_devices(self) -> None:
        from spotui.screens.devices import DevicePicker  # only when asked for

        def chosen(device: Device | None) -> None:
            if device is not None and device.id:
                device_id = device.id
                self._send(lambda c: c.transfer(device_id), None)
                self.notify(f"Playing on {device.name}.")

        self.app.push_screen(DevicePicker(self.spotify), chosen)

    def action_refresh(self) -> None:
        self.poll_soon(0)
        active = self.query_one(TabbedContent).active
        self._loaded.discard(active)
        self._load_tab(active)

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The Stats keys show (and work) on the Stats tab only."""
        if action in STATS_ACTIONS:
            tabs = self.query(TabbedContent)
            return bool(tabs) and tabs.first().active == "stats"
        return True

    def action_keys(self) -> None:
        if self.app.screen.query("HelpPanel"):
            self.app.action_hide_help_panel()
        else:
            self.app.action_show_help_panel()

    async def action_quit(self) -> None:
        self.app.exit()

    # --- tabs ---------------------------------------------------------------------------

    @on(TabbedContent.TabActivated)
    def tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id != "stats" or self.query("#stats-view"):
            self.refresh_bindings()  # the footer (rebuilt: slow) after a new Stats tab
        if event.pane.id:
            self._load_tab(event.pane.id)

    def action_rows(self, action: str, *args: int) -> None:
        """Arrows and Enter reach the tab's table while the tab bar keeps the focus:
        moving the focus at each tab switch restyles the screen, which is slow while a
        large library loads."""
        tabs = self.query_one(TabbedContent)
        tables = tabs.active_pane.query(RowsTable) if tabs.active_pane else None
        if tables:
            focused = self.focused if isinstance(self.focused, RowsTable) else None
            table = focused if focused is not None and focused in tables else tables.first()
            getattr(table, f"action_{action}")(*args)
            if tabs.active == "stats":  # on a small terminal, the tables are below the charts
                table.scroll_visible(animate=False)

    async def _view(self, tab: str) -> ListView:
        """The tab's table view, mounted the first time it is needed.

        Tables are built on demand, so start-up styles and imports only what
        the now-playing tab shows.
        """
        from spotui.widgets import lists

        pane = self.query_one(f"#{tab}", TabPane)
        found = pane.query(f"#{tab}-view")
        if found:
            return found.first()  # type: ignore[return-value]
        view = {
            "top-tracks": lambda: lists.ListView(lists.TOP_TRACK_COLUMNS, id="top-tracks-view"),
            "top-artists": lambda: lists.ListView(lists.TOP_ARTIST_COLUMNS, id="top-artists-view"),
            "recent": lambda: lists.ListView(lists.RECENT_COLUMNS, id="recent-view"),
            "library": lambda: lists.LibraryView(id="library-view"),
            "queue": lambda: lists.ListView(lists.QUEUE_COLUMNS, id="queue-view"),
            "playlists": lambda: lists.ListView(lists.PLAYLIST_COLUMNS, id="playlists-view"),
        }[tab]()
        await pane.mount(view)
        return view

    def _load_tab(self, tab: str) -> None:
        if tab in self._loaded:
            return
        self._loaded.add(tab)
        if tab == "top-tracks":
            self.load_top("tracks")
        elif tab == "top-artists":
            self.load_top("artists")
        elif tab == "recent":
            self.load_recent()
        elif tab == "library":
            self.load_library()
        elif tab == "queue":
            self.load_queue()
        elif tab == "playlists":
            self.load_playlists()
        elif tab == "stats":
            self.load_stats()

    def action_time_range(self) -> None:
        index = TIME_RANGES.index(self.time_range)
        self.time_range = TIME_RANGES[(index + 1) % len(TIME_RANGES)]

    def watch_time_range(self, _: TimeRange) -> None:
        tabs = self.query_one(TabbedContent)
        for tab in ("top-tracks", "top-artists"):
            tabs.get_tab(tab).label = self._top_title(tab)
            self._loaded.discard(tab)
        if tabs.active in ("top-tracks", "top-artists"):
            self._load_tab(tabs.active)
        self.notify(f"Top lists: {TIME_RANGE_LABELS[self.time_range]}.")

    def load_top(self, kind: TopKind) -> None:
        """Load a top list in its own worker; a newer load of the same list wins."""
        self.run_worker(self._load_top(kind, self.time_range), group=f"top-{kind}", exclusive=True)

    async def _load_top(self, kind: TopKind, time_range: TimeRange) -> None:
        """Kept rows at once, then what Spotify says now (revalidated in the background)."""
        view = await self._view(f"top-{kind}")
        label = TIME_RANGE_LABELS[time_range]
        kept = self.lists.cached_top(kind, time_range)
        if kept is not None:
            self._show_top(view, kind, time_range, kept, f"{label} · refreshing…")
        try:
            items = await self.lists.top(kind, time_range)
        except SpotifyError as exc:
            view.caption(f"{label} · {exc.message}")
            self._loaded.discard(f"top-{kind}")
            return
        self._show_top(view, kind, time_range, items, label)

    def _show_top(
        self,
        view: ListView,
        kind: TopKind,
        time_range: TimeRange,
        items: tuple[Track, ...] | tuple[Artist, ...],
        caption: str,
    ) -> None:
        from spotui.widgets.lists import top_artist_table, top_track_table

        if kind == "tracks":
            columns, rows = top_track_table(items)  # type: ignore[arg-type]
        else:
            mine = self.lists.cached_top("tracks", time_range)
            columns, rows = top_artist_table(items, mine)  # type: ignore[arg-type]
        view.table.set_columns(columns)
        view.table.replace_rows(rows, _entries(items) if kind == "tracks" else items)
        count = f"{len(items)} {kind}"
        key = self.key_for("time_range")
        view.caption(f"Your top {kind} · {caption} · {count} · press {key} for another range")

    @work(group="recent", exclusive=True)
    async def load_recent(self) -> None:
        from spotui.widgets.lists import recent_rows

        view = await self._view("recent")
        try:
            items = await self.lists.recent()
        except SpotifyError as exc:
            view.caption(exc.message)
            self._loaded.discard("recent")
            return
        now = datetime.fromtimestamp(self.services.clock(), UTC)
        view.table.replace_rows(recent_rows(items, now), [Entry.of(e.track) for e in items])
        view.caption(f"The last {len(items)} tracks you played")

    @work(group="library", exclusive=True)
    async def load_library(self) -> None:
        """Page by page: the first page at once, the rest in the background, in order.

        Rows reach the table in batches, at most ten times a second, so a large
        library never keeps the keys waiting.
        """
        from spotui.widgets.lists import LibraryView, saved_rows

        view = await self._view("library")
        assert isinstance(view, LibraryView)
        table = view.table
        table.clear()
        pending: dict[int, Paging] = {}
        batch: list[tuple[str, ...]] = []
        entries: list[Entry] = []
        shown = total = 0
        flushed_at = 0.0

        def flush() -> None:
            nonlocal flushed_at
            table.add_rows(batch, entries)
            batch.clear()
            entries.clear()
            view.progress(min(shown, total), total)
            flushed_at = self._now()

        try:
            async for page in self.lists.library():
                total = page.total
                pending[page.offset] = page
                while shown in pending:
                    ready = pending.pop(shown)
                    batch.extend(saved_rows(ready.items, shown + 1))
                    entries.extend(Entry.of(saved.track) for saved in ready.items)
                    shown += len(ready.items) or ready.limit
                if batch and (table.row_count == 0 or self._now() - flushed_at >= 0.1):
                    flush()
        except SpotifyError as exc:
            flush()
            view.caption(f"Loaded {shown:,} of {total:,} saved tracks · {exc.message}")
            self._loaded.discard("library")
            return
        flush()
        view.progress(total, total)

    @work(group="queue", exclusive=True)
    async def load_queue(self) -> None:
        from spotui.widgets.lists import queue_rows

        view = await self._view("queue")
        try:
            queue = await self.spotify.queue()
        except SpotifyError as exc:
            view.caption(exc.message)
            self._loaded.discard("queue")
            return
        marks = self.queue_marks.mark([item.uri for item in queue.next])
        view.table.replace_rows(queue_rows(queue.next, marks), [Entry.of(i) for i in queue.next])
        playing = f"Playing “{queue.playing.name}”. " if queue.playing else ""
        view.caption(
            f"{playing}Next: {len(queue.next)} · ✓ queued by you · Enter skips to a track"
            if queue.next
            else f"{playing}Nothing queued. Press {self.key_for('queue')} on a track to add it."
        )

    @work(group="playlists", exclusive=True)
    async def load_playlists(self) -> None:
        from spotui.widgets.lists import playlist_rows

        view = await self._view("playlists")
        try:
            found = await self.browse.playlists()
            me = await self.browse.me()
        except SpotifyError as exc:
            view.caption(exc.message)
            self._loaded.discard("playlists")
            return
        view.table.replace_rows(playlist_rows(found, me), found)
        view.caption(f"Your {len(found)} playlists · Enter plays · o opens · + adds a track")

    # --- stats ----------------------------------------------------------------------------

    def _synced_history(self, result: SyncResult | str) -> None:
        """A sync ended: say what went wrong (once), and show new plays in the Stats tab."""
        if isinstance(result, str):
            if result != self._synced:
                self.notify(result, title="Listening history", severity="warning")
            self._synced = result
            return
        self._synced = ""
        archive = self.services.history()
        if archive.notice:
            self.notify(archive.notice, title="Listening history", severity="warning")
            archive.notice = None
        if result.gap is not None:
            self.notify(
                "More than 50 plays since the last sync: some may be missing (a gap in "
                "the stats). `spotui history sync` from cron keeps up.",
                title="Listening history",
            )
        if result.added and "stats" in self._loaded:
            self._loaded.discard("stats")
            if self.query_one(TabbedContent).active == "stats":
                self._load_tab("stats")
        elif "stats" not in self._loaded:
            self.prepare_stats()

    @work(group="stats", exclusive=True)
    async def prepare_stats(self) -> None:
        """After the first sync: read the Stats tab's numbers ahead (a small object;
        the charts' widgets, which cost memory, are built only when the tab opens)."""
        from spotui.history.stats import compute

        window = self._window()
        try:
            stats = await asyncio.to_thread(compute, self.services.history(), window)
        except Exception:  # said when the tab is opened
            return
        self._prepared = (window, stats)

    def _window(self) -> Window:
        from spotui.history.stats import Window, today

        now = today(int(self.services.clock() * 1000))
        if self.stats_dates is not None:
            return Window.between(*self.stats_dates, now)
        return Window.named(self.stats_window, now)

    @work(group="stats", exclusive=True)
    async def load_stats(self) -> None:
        """The window's stats, read off the UI's path; the first time, the tab is built
        with them, and its charts are added once plotext is imported (in a thread)."""
        from spotui.history.db import ArchiveError
        from spotui.history.stats import compute
        from spotui.widgets.stats import StatsView

        pane = self.query_one("#stats", TabPane)
        window = self._window()
        views = pane.query(StatsView)
        if views:
            views.first().caption(f"{window.label} · reading your listening history…")
        prepared, self._prepared = self._prepared, None
        try:
            if prepared is not None and prepared[0] == window:
                stats: Stats | None = prepared[1]
            else:
                stats = await asyncio.to_thread(compute, self.services.history(), window)
        except ArchiveError as exc:
            stats = None
            self._loaded.discard("stats")
            self.notify(str(exc), title="Listening history", severity="error")
        if not pane.is_attached:
            return  # the app closed meanwhile
        if views:
            view = views.first()
            if stats is not None:
                view.show(stats)
        else:
            view = StatsView(stats, id="stats-view")
            await pane.mount(view)
            self.call_after_refresh(self.refresh_bindings)  # its keys, in the footer
            if stats is None:
                view.caption("The listening history cannot be read (see the message).")
        await asyncio.to_thread(importlib.import_module, "spotui.widgets.charts")  # plotext
        if view.is_attached:
            await view.add_charts()

    def action_stats_window(self) -> None:
        from spotui.history.stats import WINDOWS

        names = list(WINDOWS)
        at = names.index(self.stats_window) if self.stats_dates is None else -1
        self.stats_dates = None
        self.stats_window = names[(at + 1) % len(names)]

    def watch_stats_window(self) -> None:
        self._loaded.discard("stats")
        self._load_tab("stats")

    def action_stats_dates(self) -> None:
        from spotui.screens.dates import DatesPicker

        def chosen(dates: tuple[date | None, date | None] | None) -> None:
            if dates is not None:
                self.stats_dates = dates
                self._loaded.discard("stats")
                self._load_tab("stats")

        since, until = self.stats_dates or (None, None)
        self.app.push_screen(DatesPicker(since, until), chosen)

    def action_stats_order(self) -> None:
        from spotui.widgets.stats import StatsView

        for view in self.query(StatsView):
            view.order = "time" if view.order == "plays" else "plays"


def _entries(tracks: Iterable[object]) -> list[Entry]:
    return [Entry.of(track) for track in tracks if isinstance(track, Track)]


async def _skip(times: int, spotify: SpotifyClient) -> None:
    for _ in range(times):
        await spotify.next()
