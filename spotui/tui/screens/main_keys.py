"""The keys of the main screen and of the pages, as data: every binding with its id
(see ``spotui/keymap.py``). The global keys are one table, so a key means the same on
every screen, and a keymap remaps it everywhere."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from textual import actions, events
from textual.actions import SkipAction
from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.widgets import Input

from spotui.tui.screens.closing import WorkerScreen
from spotui.tui.widgets.table import RowsTable

if TYPE_CHECKING:
    from spotui.tui.controls import Controls

TABS = ("now", "top-tracks", "top-artists", "recent", "library", "queue", "playlists", "stats")
# Short, so that all eight fit on an 80-column terminal, the top lists' period
# included ("Tracks · 6 mo"): the tab bar would scroll the first ones out of sight.
TAB_TITLES = {
    "now": "Now",
    "top-tracks": "Tracks",
    "top-artists": "Artists",
    "recent": "Recent",
    "library": "Library",
    "queue": "Queue",
    "playlists": "Playlists",
    "stats": "Stats",
}
STATS_ACTIONS = ("stats_window", "stats_dates", "stats_order")


def _forwarded(bindings: Iterable[object]) -> list[Binding]:
    """The table's keys, bound on the screen too: ``move(1)`` becomes ``rows('move', 1)``
    (see :meth:`MainScreen.action_rows`). Enter leads, as it leads the footer."""
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
                id=binding.id,
            )
        )
    return sorted(found, key=lambda b: b.key != "enter")


# The ids the footer lists on the main screen and on a page: the most used, and help,
# so that they fit at 80 columns (every key is on the help screen, ?).
MAIN_FOOTER = ("choose", "play_pause", "next", "search", "like", "devices", "help", "quit")
PAGE_FOOTER = ("choose", "back", "play_pause", "next", "like", "queue", "open", "help", "quit")


def global_bindings(shown: Collection[str]) -> list[Binding]:
    """The keys that work on the main screen and on every page alike; ``shown``: the
    ids this screen's footer lists. → seeks everywhere (o opens, Enter plays)."""
    table = [
        Binding(
            "space", "player('play_pause')", "Play/Pause", tooltip="Play or pause", id="play_pause"
        ),
        Binding("slash", "player('search')", "Search", tooltip="Search Spotify", id="search"),
        Binding("n", "player('next')", "Next", tooltip="Skip to the next track", id="next"),
        Binding(
            "p", "player('previous')", "Prev", tooltip="Back to the previous track", id="previous"
        ),
        # Priority: the tab bar would otherwise take the arrows to switch tabs.
        Binding(
            "left", "player('seek', -1)", "Back", tooltip="Seek back", priority=True, id="seek_back"
        ),
        Binding(
            "right",
            "player('seek', 1)",
            "Forward",
            tooltip="Seek forward",
            priority=True,
            id="seek_forward",
        ),
        Binding("equals_sign", "player('volume', 1)", "Vol +", tooltip="Volume up", id="volume_up"),
        Binding("minus", "player('volume', -1)", "Vol -", tooltip="Volume down", id="volume_down"),
        Binding(
            "s", "player('shuffle')", "Shuffle", tooltip="Turn shuffle on or off", id="shuffle"
        ),
        Binding("r", "player('repeat')", "Repeat", tooltip="Repeat: off, all, one", id="repeat"),
        Binding(
            "l",
            "item('like')",
            "Like",
            tooltip="Save to or remove from your library",
            id="like",
        ),
        Binding(
            "d", "player('devices')", "Devices", tooltip="Pick the device to play on", id="devices"
        ),
        Binding(
            "a",
            "item('queue')",
            "Queue",
            tooltip="Queue the track",
            id="queue",
        ),
        Binding(
            "plus",
            "item('add_to_playlist')",
            "Add to…",
            tooltip="Add the track to a playlist",
            id="add_to_playlist",
        ),
        Binding(
            "o", "item('open')", "Open", tooltip="Open the album, artist or playlist", id="open"
        ),
        Binding(
            "O",
            "item('open_artist')",
            "Artist",
            tooltip="Open the track's artist",
            id="open_artist",
        ),
        Binding("ctrl+r", "refresh", "Refresh", tooltip="Ask Spotify again now", id="refresh"),
        *(
            Binding(
                str(number),
                f"tab('{tab}')",
                TAB_TITLES[tab],
                tooltip=f"Show the {TAB_TITLES[tab].lower()} tab",
                id=f"tab_{tab.replace('-', '_')}",
            )
            for number, tab in enumerate(TABS, 1)
        ),
        Binding("question_mark", "help", "Help", tooltip="Show or hide the keys", id="help"),
        Binding("q", "quit", "Quit", tooltip="Quit spotui", id="quit"),
    ]
    return _shown(table, shown)


def _shown(bindings: Iterable[Binding], shown: Collection[str]) -> list[Binding]:
    """``bindings`` with the footer listing only ``shown``."""
    return [replace(b, show=b.id in shown) for b in bindings]


MAIN_BINDINGS: list[BindingType] = [
    *_shown(_forwarded(RowsTable.BINDINGS), MAIN_FOOTER),
    *global_bindings(MAIN_FOOTER),
    Binding(
        "t",
        "time_range",
        "Window",
        show=False,
        tooltip="Top lists' window: 4 weeks, 6 months, a year",
        id="time_range",
    ),
    Binding(
        "w",
        "stats_window",
        "Window",
        show=False,
        tooltip="Stats window: today, 7 days … all time",
        id="stats_window",
    ),
    Binding(
        "W", "stats_dates", "Dates", show=False, tooltip="Stats between two dates", id="stats_dates"
    ),
    Binding(
        "b",
        "stats_order",
        "By",
        show=False,
        tooltip="Stats: top lists by plays or by time",
        id="stats_order",
    ),
    Binding("L", "lyrics", "Lyrics", show=False, tooltip="Show or hide the lyrics", id="lyrics"),
    Binding(
        "right_square_bracket",
        "lyrics(500)",
        "Sooner",
        show=False,
        tooltip="Lyrics: the lines 0.5 s sooner",
        id="lyrics_sooner",
    ),
    Binding(
        "left_square_bracket",
        "lyrics(-500)",
        "Later",
        show=False,
        tooltip="Lyrics: the lines 0.5 s later",
        id="lyrics_later",
    ),
]


class KeysScreen(WorkerScreen[None]):
    """A screen with the global keys: the main screen and every page."""

    controls: Controls

    def palette_commands(self) -> Iterable[SystemCommand]:
        """The screen's actions for the command palette, from its key bindings: those
        that work here (moving in a table is no action to look for)."""
        seen: set[str] = set()
        for listed in self._merge_bindings().key_to_bindings.values():
            for binding in listed:
                _, name, parameters = actions.parse(binding.action)
                if not binding.tooltip or binding.action in seen:
                    continue
                seen.add(binding.action)
                if self.offered(name, parameters):
                    run = partial(self.from_palette, binding.action)
                    yield SystemCommand(binding.tooltip, f"Key: {self.key_for(binding)}", run)

    def offered(self, action: str, parameters: tuple[object, ...]) -> bool:
        """Whether the palette offers an action here."""
        return bool(self.check_action(action, parameters))

    def from_palette(self, action: str) -> None:
        """Run ``action``, chosen in the palette."""
        self.call_after_refresh(self.run_action, action)

    def key_for(self, binding: Binding | str) -> str:
        """The key (the first, if several) that does a binding here, or the binding with
        this id: the config's, else the binding's own; written as the footer writes it."""
        if isinstance(binding, str):
            bindings = self._merge_bindings().key_to_bindings.values()
            binding = next(b for listed in bindings for b in listed if b.id == binding)
        keys = self.controls.config.keymap.get(binding.id or "", binding.key)
        return self.app.get_key_display(replace(binding, key=keys.split(",")[0]))

    def highlighted(self) -> object | None:
        """The row under the cursor, which l, a, +, o and O act on (None: the track
        playing)."""
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """l, a and + are left out where the highlighted row is not a track (an artist):
        see :meth:`Controls.takes` and :meth:`on_key`."""
        if action == "item" and parameters:
            return self.controls.takes(str(parameters[0]), self.highlighted())
        return True

    def on_key(self, event: events.Key) -> None:
        """A key on an item that :meth:`check_action` leaves out for the highlighted row
        (l on an artist) still says, pressed, what it acts on."""
        mine = next((keys for node, keys in self._binding_chain if node is self), None)
        for binding in mine.key_to_bindings.get(event.key, ()) if mine is not None else ():
            _, name, parameters = actions.parse(binding.action)
            action = str(parameters[0]) if name == "item" and parameters else ""
            if action and not self.controls.takes(action, self.highlighted()):
                if event.key not in self.active_bindings:  # nothing else takes the key here
                    event.stop()
                    self.action_item(action)
                return

    def action_player(self, action: str, *args: int) -> None:
        """A key on the player (play, next, seek …): see :class:`Controls`. In a text
        box the arrows move in the text."""
        if action == "seek" and isinstance(self.focused, Input):
            raise SkipAction()
        getattr(self.controls, action)(*args)

    def action_item(self, action: str) -> None:
        """A key on an item (like, queue, add to a playlist, open): the highlighted
        row where there is one, else the track playing."""
        getattr(self.controls, action)(self.highlighted())

    def action_help(self) -> None:
        from spotui.tui.screens.help import HelpScreen

        self.app.push_screen(HelpScreen(self))

    async def action_quit(self) -> None:
        self.app.exit()
