"""Keys as data: the id of every key binding and what it does, the presets, and how a
key is written. No Textual here: ``config.py`` checks ``[keys]`` with it, and the
screens' bindings carry these ids (``screens/keys.py`` puts the two together)."""

from __future__ import annotations

import itertools
import unicodedata

# Every binding's id and what it does, in the README's order. A global action (play,
# quit, back …) has one id on every screen that has it.
ACTIONS: dict[str, str] = {
    "play_pause": "Play or pause",
    "next": "Skip to the next track",
    "previous": "Back to the previous track",
    "seek_back": "Seek back",
    "seek_forward": "Seek forward",
    "volume_up": "Volume up",
    "volume_down": "Volume down",
    "shuffle": "Turn shuffle on or off",
    "repeat": "Repeat: off, all, one",
    "like": "Save or remove the highlighted (or playing) track",
    "devices": "Pick the device to play on",
    "search": "Search Spotify",
    "queue": "Queue the highlighted (or playing) track",
    "add_to_playlist": "Add the highlighted (or playing) track to a playlist",
    "open": "Open the album, artist or playlist",
    "open_artist": "Open the track's artist",
    "cursor_up": "Move up a row",
    "cursor_down": "Move down a row",
    "page_up": "Move up a page",
    "page_down": "Move down a page",
    "first": "Go to the first row",
    "last": "Go to the last row",
    "choose": "Play (or pick) the highlighted row",
    "filter": "Narrow the list by title, artist or album",
    "results": "From the search box to the results",
    "time_range": "Top lists' window: 4 weeks, 6 months, a year",
    "stats_window": "Stats window: today, 7 days … all time",
    "stats_dates": "Stats between two dates",
    "stats_order": "Stats: top lists by plays or by time",
    "lyrics": "Show or hide the lyrics of what plays",
    "lyrics_sooner": "Lyrics: the lines 0.5 s sooner, for this track",
    "lyrics_later": "Lyrics: the lines 0.5 s later, for this track",
    "refresh": "Ask Spotify again now",
    "tab_now": "Show the now tab",
    "tab_top_tracks": "Show the top tracks tab",
    "tab_top_artists": "Show the top artists tab",
    "tab_recent": "Show the recent tab",
    "tab_library": "Show the library tab",
    "tab_queue": "Show the queue tab",
    "tab_playlists": "Show the playlists tab",
    "tab_stats": "Show the stats tab",
    "help": "Show or hide the keys",
    "back": "Back to where you were",
    "close": "Close the dialog",
    "yes": "Answer yes",
    "no": "Answer no",
    "copy_link": "Copy the sign-in link",
    "open_browser": "Open the sign-in link in a browser",
    "quit": "Quit spotui",
}

# The help screen's groups, in its order: each id of the main screen and the pages.
GROUPS: dict[str, tuple[str, ...]] = {
    "Playback": (
        *("play_pause", "next", "previous", "seek_back", "seek_forward", "volume_up"),
        *("volume_down", "shuffle", "repeat", "devices", "lyrics", "lyrics_sooner"),
        "lyrics_later",
    ),
    "Lists": (
        *("cursor_up", "cursor_down", "page_up", "page_down", "first", "last", "choose"),
        *("filter", "like", "queue", "add_to_playlist", "search", "results", "refresh"),
    ),
    "Pages and tabs": (
        *("open", "open_artist", "back", "tab_now", "tab_top_tracks", "tab_top_artists"),
        *("tab_recent", "tab_library", "tab_queue", "tab_playlists", "tab_stats", "help"),
        "quit",
    ),
    "Stats": ("time_range", "stats_window", "stats_dates", "stats_order"),
}

# A preset gives every key it keeps: "down,j" keeps the arrow and adds j.
PRESETS: dict[str, dict[str, str]] = {
    "vim": {
        "cursor_down": "down,j",
        "cursor_up": "up,k",
        "first": "home,g",
        "last": "end,G",
        "page_down": "pagedown,ctrl+d",
        "page_up": "pageup,ctrl+u",
        "search": "slash",
    },
}

MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
NAMED = {
    *("up", "down", "left", "right", "home", "end", "pageup", "pagedown"),
    *("insert", "delete", "escape", "enter", "tab", "backspace", "space"),
    *(f"f{n}" for n in range(1, 25)),
}
# Where Textual's name for a character is not its Unicode name (textual.keys).
_SHORT_NAMES = {
    "solidus": "slash",
    "reverse_solidus": "backslash",
    "commercial_at": "at",
    "hyphen_minus": "minus",
    "plus_sign": "plus",
    "low_line": "underscore",
}
_LONG_NAMES = {short: long for long, short in _SHORT_NAMES.items()}


def key_name(key: str) -> str:
    """Textual's name for a key: ``?`` is ``question_mark``, ``j`` stays ``j``."""
    if len(key) != 1 or key.isalnum():
        return key
    try:
        name = unicodedata.name(key).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        return key
    return _SHORT_NAMES.get(name, name)


def shown(key: str) -> str:
    """A key as a person types it: ``question_mark`` is ``?``; ``space`` and ``comma``
    stay names (they could not be read back in a list of keys)."""
    *mods, base = key.split("+")
    typed = character(base)
    if typed is not None and typed not in ", " and typed.isprintable():
        base = typed
    return "+".join([*mods, base])


def character(name: str) -> str | None:
    """The character a key name types, if it is one: ``question_mark`` is ``?``."""
    if len(name) == 1:
        return name
    words = _LONG_NAMES.get(name, name).split("_")
    if len(words) > 6:
        return None
    for gaps in itertools.product(" -", repeat=len(words) - 1):  # LESS-THAN SIGN
        spelled = words[0] + "".join(gap + word for gap, word in zip(gaps, words[1:], strict=True))
        try:
            found = unicodedata.lookup(spelled)
        except KeyError:
            continue
        return found if len(found) == 1 else None
    return None


def parse_keys(value: str) -> tuple[str, ...]:
    """The keys in ``"down, j"``, in Textual's names; ValueError names the one that is
    not a key."""
    keys: list[str] = []
    for part in value.split(","):
        key = part.strip()
        *mods, base = key.split("+") if key != "+" else ["plus"]
        base = key_name(base)
        if not base or any(m not in MODIFIERS for m in mods):
            raise ValueError(f"'{key}' is not a key")
        if base not in NAMED and character(base) is None:
            raise ValueError(f"'{key}' is not a key")
        typed = character(base)
        if mods == ["shift"] and typed is not None and typed.isalpha():
            big = typed.upper()  # the terminal sends the capital, never shift+letter
            raise ValueError(f"'{key}' never comes from a terminal, which sends {big}: write {big}")
        name = "+".join([*mods, base])
        if name == "ctrl+left_square_bracket":
            raise ValueError(f"'{key}' is the Escape key to a terminal")
        if name not in keys:
            keys.append(name)
    return tuple(keys)
