"""spotui's help (``?``): the keys in effect on the screen below, remaps included, in
groups (playback, lists, pages and tabs, Stats). ``?`` or Escape closes it."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from spotui import keymap

# Ids shown on one line, with what they do together.
PAIRS = {
    ("cursor_up", "cursor_down"): "Move a row",
    ("page_up", "page_down"): "Move a page",
    ("first", "last"): "The first, the last row",
    ("seek_back", "seek_forward"): "Seek back, forward",
    ("volume_down", "volume_up"): "Volume down, up",
    ("lyrics_later", "lyrics_sooner"): "Lyrics: lines later, sooner",
}
TABS = tuple(i for i in keymap.GROUPS["Pages and tabs"] if i.startswith("tab_"))
ONLY_ON = {"stats_window": "Stats tab", "stats_dates": "Stats tab", "stats_order": "Stats tab"}


def keys_in_effect(screen: Screen[Any]) -> dict[str, tuple[list[str], str]]:
    """Each id bound on ``screen`` (with the focus where it is, the keymap applied):
    its keys as shown, and what it does."""
    found: dict[str, tuple[list[str], str]] = {}
    for _node, bindings in screen._binding_chain:
        for listed in bindings.key_to_bindings.values():
            for binding in listed:
                if binding.id not in keymap.ACTIONS:
                    continue
                keys, _ = found.setdefault(
                    binding.id, ([], binding.tooltip or keymap.ACTIONS[binding.id])
                )
                shown = screen.app.get_key_display(binding)
                if shown not in keys:
                    keys.append(shown)
    return found


ON_AN_ITEM = ("like", "queue", "add_to_playlist", "open", "open_artist")


def _rows(ids: tuple[str, ...], found: dict[str, tuple[list[str], str]]) -> list[tuple[str, str]]:
    """One group's lines: its keys, and what they do."""
    rows: list[tuple[str, str]] = []
    done: set[str] = set()
    for id_ in ids:
        if id_ in done or id_ not in found:
            continue
        pair = next((p for p in PAIRS if id_ in p and all(i in found for i in p)), None)
        if pair is not None:
            rows.append((" ".join(k for i in pair for k in found[i][0]), PAIRS[pair]))
            done.update(pair)
        elif id_ in TABS and all(t in found for t in TABS):
            keys = [" ".join(found[t][0]) for t in TABS]
            shown = "1…8" if keys == [str(n) for n in range(1, 9)] else " ".join(keys)
            rows.append((shown, "Tabs (from a page, back to the main screen)"))
            done.update(TABS)
        else:
            keys, does = found[id_]
            where = f" ({ONLY_ON[id_]})" if id_ in ONLY_ON else ""
            rows.append((" ".join(keys) or "—", does + where))
            done.add(id_)
    return rows


class HelpScreen(ModalScreen[None]):
    """The keys of the screen it opened over."""

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen > VerticalScroll {
        width: 100%;
        max-width: 110;
        height: auto;
        max-height: 100%;
        border: round $primary;
        border-title-align: center;
        border-subtitle-align: center;
        background: $surface;
        padding: 0 1;
    }
    HelpScreen Static {
        height: auto;
    }
    HelpScreen Grid {
        grid-size: 2;
        grid-gutter: 1 2;
        height: auto;
    }
    """
    BINDINGS = [
        Binding("escape", "close", "Close", tooltip="Close the keys", id="close"),
        Binding("question_mark", "close", "Close", tooltip="Close the keys", id="help"),
    ]

    def __init__(self, below: Screen[Any]):
        super().__init__()
        self.below = below

    def compose(self) -> ComposeResult:
        found = keys_in_effect(self.below)
        palette = self.app.get_key_display(Binding(self.app.COMMAND_PALETTE_BINDING, ""))
        with VerticalScroll() as box:
            box.border_title = "Keys"
            box.border_subtitle = f"{self._close_keys()} closes · {palette}: every action by name"
            keys = ", ".join(found[i][0][0] for i in ON_AN_ITEM if i in found and found[i][0])
            if keys:
                yield Static(Text(f"{keys}: on the highlighted row, else on the track playing."))
            with Grid():
                for title, ids in keymap.GROUPS.items():
                    rows = _rows(ids, found)
                    if rows:
                        yield Static(self._group(title, rows), classes="group")

    def _close_keys(self) -> str:
        keys = [
            self.app.get_key_display(binding)
            for _node, bindings in self._binding_chain
            for listed in bindings.key_to_bindings.values()
            for binding in listed
            if binding.action == "close"
        ]
        return " or ".join(dict.fromkeys(keys))

    @staticmethod
    def _group(title: str, rows: list[tuple[str, str]]) -> Table:
        table = Table.grid(padding=(0, 1))
        table.add_column(no_wrap=True, style="bold")
        table.add_column()
        table.title = Text(title, style="bold underline")
        table.title_justify = "left"
        for keys, does in rows:
            table.add_row(Text(keys), Text(does))
        return table

    def action_close(self) -> None:
        self.dismiss(None)
