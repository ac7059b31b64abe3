"""Pick one of your playlists to add a track to; typing filters the list."""

from __future__ import annotations

from weakref import WeakKeyDictionary

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from spotui.core.browse import Browse
from spotui.spotify.errors import SpotifyError
from spotui.spotify.models import Playlist
from spotui.tui.screens.closing import WorkerScreen
from spotui.tui.widgets.plain import plain

LAST_USED: WeakKeyDictionary[Browse, str] = WeakKeyDictionary()
"""The id of the playlist last added to, for each sign-in's Browse: the picker opens on it."""


class PlaylistPicker(WorkerScreen[Playlist | None], ModalScreen[Playlist | None]):
    """Lists the playlists you can add to (yours and collaborative ones)."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Close", id="close")]

    def __init__(self, browse: Browse, track: str):
        super().__init__()
        self.browse = browse
        self.track = track
        self.playlists: tuple[Playlist, ...] = ()

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Label(plain(f"Add “{self.track}” to which playlist?"), id="picker-title")
            yield Input(placeholder="Type to filter", id="playlist-filter")
            yield OptionList(id="playlist-list")
            yield Label("Loading your playlists…", id="picker-note")

    def on_mount(self) -> None:
        self.load()

    @work(exclusive=True)
    async def load(self) -> None:
        note = self.query_one("#picker-note", Label)
        try:
            found = await self.browse.playlists()
            me = await self.browse.me()
        except SpotifyError as exc:
            note.update(plain(exc.message, one_line=False))
            return
        self.playlists = tuple(p for p in found if p.editable_by(me) and p.id)
        self.show("")
        note.update(
            "Enter adds, Esc closes."
            if self.playlists
            else "You have no playlist of your own to add to."
        )

    @on(Input.Changed)
    def filtered(self, event: Input.Changed) -> None:
        self.show(event.value)

    def show(self, text: str) -> None:
        """The playlists whose name holds ``text``, on the one last used (else the first)."""
        options = self.query_one(OptionList)
        options.clear_options()
        wanted = text.casefold().strip()
        last = LAST_USED.get(self.browse)
        for index, playlist in enumerate(self.playlists):
            if wanted in playlist.name.casefold():
                count = "" if playlist.total is None else f" · {playlist.total} items"
                options.add_option(Option(plain(f"{playlist.name}{count}"), id=str(index)))
                if playlist.id == last:
                    options.highlighted = options.option_count - 1
        if options.option_count and options.highlighted is None:
            options.highlighted = 0

    @on(Input.Submitted)
    def submitted(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            options.action_select()

    def on_key(self, event: object) -> None:
        """Up and down move in the list while the filter keeps the keyboard."""
        key = getattr(event, "key", "")
        if key in ("up", "down"):
            options = self.query_one(OptionList)
            (options.action_cursor_up if key == "up" else options.action_cursor_down)()

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        playlist = self.playlists[int(event.option.id or 0)]
        if playlist.id:
            LAST_USED[self.browse] = playlist.id
        self.dismiss(playlist)
