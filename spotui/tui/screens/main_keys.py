"""The main screen's keys, as data: every binding with its id (see ``spotui/keymap.py``)."""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding, BindingType

from spotui.tui.widgets.table import RowsTable

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


MAIN_BINDINGS: list[BindingType] = [
    *_forwarded(RowsTable.BINDINGS),
    Binding(
        "space", "player('play_pause')", "Play/Pause", tooltip="Play or pause", id="play_pause"
    ),
    Binding("slash", "player('search')", "Search", tooltip="Search Spotify", id="search"),
    Binding("n", "player('next')", "Next", tooltip="Skip to the next track", id="next"),
    Binding("p", "player('previous')", "Prev", tooltip="Back to the previous track", id="previous"),
    # Priority: the tab bar would otherwise take the arrows to switch tabs.
    Binding(
        "left",
        "player('seek', -1)",
        "Back",
        show=False,
        tooltip="Seek back",
        priority=True,
        id="seek_back",
    ),
    Binding(
        "right",
        "player('seek', 1)",
        "Forward",
        show=False,
        tooltip="Seek forward",
        priority=True,
        id="seek_forward",
    ),
    Binding(
        "equals_sign",
        "player('volume', 1)",
        "Vol +",
        show=False,
        tooltip="Volume up (=)",
        id="volume_up",
    ),
    Binding(
        "minus",
        "player('volume', -1)",
        "Vol -",
        show=False,
        tooltip="Volume down",
        id="volume_down",
    ),
    Binding("s", "player('shuffle')", "Shuffle", tooltip="Turn shuffle on or off", id="shuffle"),
    Binding("r", "player('repeat')", "Repeat", tooltip="Repeat: off, all, one", id="repeat"),
    Binding("l", "like", "Like", tooltip="Save or remove the track from your library", id="like"),
    Binding(
        "d", "player('devices')", "Devices", tooltip="Pick the device to play on", id="devices"
    ),
    Binding(
        "a",
        "item('queue')",
        "Queue",
        tooltip="Queue the highlighted (or playing) track",
        id="queue",
    ),
    Binding(
        "plus",
        "item('add_to_playlist')",
        "Add to…",
        show=False,
        tooltip="Add the track to a playlist",
        id="add_to_playlist",
    ),
    Binding(
        "o",
        "item('open')",
        "Open",
        show=False,
        tooltip="Open the album, artist or playlist",
        id="open",
    ),
    Binding(
        "O",
        "item('open_artist')",
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
    # Near the end: the key panel lists the keys in this order, the common ones first.
    Binding("L", "lyrics", "Lyrics", tooltip="Show or hide the lyrics", id="lyrics"),
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
    Binding("question_mark", "keys", "Keys", tooltip="Show or hide every key", id="help"),
    Binding("q", "quit", "Quit", tooltip="Quit spotui", id="quit"),
]
