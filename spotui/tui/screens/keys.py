"""Where each key works, read from the screens' bindings (their ids are in
:mod:`spotui.keymap`), and which keys a keymap takes from another binding.

Textual applies a keymap to each screen and widget on its own: a remapped key that
another binding there had takes that key from it (Textual drops it), and a key the
focused widget binds is never seen by its screen. Both are told, never silent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual.binding import Binding
from textual.dom import DOMNode

from spotui import keymap

Chain = tuple[type[DOMNode], ...]  # the focused widget first, then its screen


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    chains: tuple[Chain, ...]  # one for each widget that may have the focus there


@dataclass(frozen=True, slots=True)
class Clash:
    """A key the keymap gives to ``entry`` where other bindings had it or keep it."""

    entry: str
    key: str
    others: dict[tuple[str, bool], list[str]]  # (other binding, keeps the key): where

    def line(self, source: str) -> str:
        """The notice, beginning like every problem with the config: its file."""
        others = ", ".join(
            f"{other}, which {'keeps' if keeps else 'loses'} it ({', '.join(where)})"
            for (other, keeps), where in self.others.items()
        )
        return f"{source}: [keys] {keymap.shown(self.key)} for {self.entry} clashes with {others}"

    def names(self) -> set[tuple[str, str]]:
        """Each binding in the clash, with the key: what is already told."""
        return {(name, self.key) for name in (self.entry, *(o for o, _ in self.others))}


@dataclass(frozen=True, slots=True)
class Row:
    """One id's keys in some places, for ``spotui keys``."""

    id: str
    keys: tuple[str, ...]
    places: tuple[str, ...]
    does: str


def places() -> tuple[Place, ...]:
    """Every screen a key works on, with the widgets that take the keyboard there."""
    from textual.widgets import Button, Input, OptionList, Tabs

    from spotui.tui.screens.confirm import Confirm
    from spotui.tui.screens.dates import DatesPicker
    from spotui.tui.screens.devices import DevicePicker
    from spotui.tui.screens.help import HelpScreen
    from spotui.tui.screens.main import MainScreen
    from spotui.tui.screens.pages import PageScreen
    from spotui.tui.screens.playlist_picker import PlaylistPicker
    from spotui.tui.screens.search import SearchScreen
    from spotui.tui.screens.wizard import WizardScreen
    from spotui.tui.widgets.table import RowsTable

    return (
        Place("main screen", ((Tabs, MainScreen), (RowsTable, MainScreen))),
        Place("pages", ((RowsTable, PageScreen),)),
        Place("search", ((Input, SearchScreen), (RowsTable, SearchScreen))),
        Place("device picker", ((OptionList, DevicePicker),)),
        Place("playlist picker", ((Input, PlaylistPicker),)),
        Place("dates", ((Input, DatesPicker), (Button, DatesPicker))),
        Place("questions", ((Button, Confirm),)),
        Place("help", ((HelpScreen,),)),
        Place("sign-in", ((Input, WizardScreen), (Button, WizardScreen))),
    )


def _typed(key: str) -> bool:
    """A key an Input takes as text (Textual gives it to the box, not to a binding)."""
    character = keymap.character(key)
    return character is not None and character.isprintable()


def _runs(chain: Chain, keys: Mapping[str, str]) -> dict[str, Binding]:
    """For each key, the binding it runs with the focus on ``chain[0]``: priority
    bindings from the screen down, then the others from the focused widget up."""
    from textual.widgets import Input

    maps: list[dict[str, list[Binding]]] = []
    for at, node in enumerate(chain):
        merged = node._merge_bindings()
        merged.apply_keymap(keys)
        typed = any(issubclass(n, Input) for n in chain[:at])
        maps.append({k: b for k, b in merged.key_to_bindings.items() if not (typed and _typed(k))})
    runs: dict[str, Binding] = {}
    for priority, order in ((True, maps[::-1]), (False, maps)):
        for found in order:
            for key, listed in found.items():
                for binding in listed:
                    if binding.priority == priority:
                        runs.setdefault(key, binding)
    return runs


def name(binding: Binding) -> str:
    """How a notice names a binding: its id, or what a built-in one does."""
    return binding.id or f"the built-in {binding.description or binding.action}"


def clashes(keys: Mapping[str, str], own: Mapping[str, str] | None = None) -> list[Clash]:
    """Each key that ``keys`` gives to a binding where another binding had it or keeps
    it: the key, the bindings, and where. ``own`` are the user's entries (all of ``keys``
    when None): only they move a default key away; a preset keeps every default key, so
    one its id lost was taken."""
    own = keys if own is None else own
    found: dict[tuple[str, str], dict[tuple[str, bool], list[str]]] = {}

    def note(entry: str, key: str, other: str, keeps: bool, place: str) -> None:
        where = found.setdefault((entry, key), {}).setdefault((other, keeps), [])
        if place not in where:
            where.append(place)

    for place in places():
        for chain in place.chains:
            before, after = _runs(chain, {}), _runs(chain, keys)
            ids = {
                b.id
                for n in chain
                for bs in n._merge_bindings().key_to_bindings.values()
                for b in bs
            }
            for key, old in before.items():  # a key the keymap took from its binding
                new = after.get(key)
                moved = key not in own.get(old.id or "", key).split(",")
                if new is not None and new.id != old.id and not moved:
                    note(name(new), key, name(old), False, place.name)
            for entry, listed in keys.items():  # a key the keymap gave, that another keeps
                for key in listed.split(",") if entry in ids else ():
                    new = after.get(key)
                    if new is not None and new.id != entry:
                        note(entry, key, name(new), True, place.name)
    held = _app_keys()
    for entry, listed in keys.items():  # a key the app holds above every screen
        for key in listed.split(","):
            if key in held:
                other, keeps = held[key]
                note(entry, key, other, keeps, "everywhere")
    return [Clash(entry, key, others) for (entry, key), others in found.items()]


_APP_ACTIONS = {
    "command_palette": "the command palette",
    "quit": "Textual's quit",
    "help_quit": "Textual's ctrl+c (which says the key that quits)",
}


def _app_keys() -> dict[str, tuple[str, bool]]:
    """The keys the app binds itself (Textual's quit and ctrl+c, the palette's key; the
    app adds none): what each does, and whether it keeps the key over a screen's."""
    from textual.app import App

    bindings = [b for listed in App._merge_bindings().key_to_bindings.values() for b in listed]
    bindings.append(Binding(App.COMMAND_PALETTE_BINDING, "command_palette", priority=True))
    return {b.key: (_APP_ACTIONS.get(b.action, name(b)), b.priority) for b in bindings}


def rows(keys: Mapping[str, str]) -> list[Row]:
    """Every id with the keys it has (after ``keys``) and where, in the README's order."""
    found: dict[tuple[str, tuple[str, ...]], list[str]] = {}
    for place in places():
        for node in dict.fromkeys(n for chain in place.chains for n in chain):
            bindings = node._merge_bindings()
            # an id whose every key went to another binding stays, with no keys
            by_id: dict[str, list[str]] = {
                b.id: [] for listed in bindings.key_to_bindings.values() for b in listed if b.id
            }
            bindings.apply_keymap(keys)
            for key, listed in bindings.key_to_bindings.items():
                for binding in listed:
                    if binding.id:
                        by_id.setdefault(binding.id, []).append(key)
            for id_, bound in by_id.items():
                shown = tuple(keymap.shown(k) for k in dict.fromkeys(bound))
                where = found.setdefault((id_, shown), [])
                if place.name not in where:
                    where.append(place.name)
    order = list(keymap.ACTIONS)
    return [
        Row(id_, shown, tuple(where), keymap.ACTIONS[id_])
        for (id_, shown), where in sorted(found.items(), key=lambda kv: order.index(kv[0][0]))
    ]
