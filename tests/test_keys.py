"""Keys as data: binding ids, ``[keys]`` in config.toml, the vim preset, ``spotui keys``."""

from __future__ import annotations

import importlib
import json
import pkgutil
import string
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.keys import _character_to_key
from textual.widgets import TabbedContent

import spotui.tui.screens
import spotui.tui.widgets
from spotui import keymap
from spotui.cli import main as cli
from spotui.config import load_config, parse_config
from spotui.fake.catalog import TRACKS
from spotui.services import Services
from spotui.tui.app import SpotuiApp
from spotui.tui.screens.devices import DevicePicker
from spotui.tui.screens.keys import clashes, rows
from spotui.tui.screens.pages import AlbumScreen, PlaylistScreen
from spotui.tui.screens.search import SearchScreen
from spotui.tui.widgets.table import RowsTable

from .helpers import open_tab, screen_text, started, until
from .test_app import fake_of, notices, title

README = Path(__file__).parent.parent / "README.md"


def app_with(tmp_path: Path, toml: str, **fake_options) -> SpotuiApp:
    """The demo app with a config file, read as ``spotui`` reads it."""
    path = tmp_path / "config.toml"
    path.write_text(toml, encoding="utf-8")
    config, problems = load_config(path)
    return SpotuiApp(Services.demo_mode(**fake_options), config, problems)


def config_notices(app: SpotuiApp) -> list[str]:
    return [n.message for n in app._notifications if n.title == "Config"]


# --- in the app ---------------------------------------------------------------------


async def test_three_keys_remapped_in_the_config_work_on_the_main_screen_and_pages(tmp_path):
    app = app_with(
        tmp_path, '[keys]\nplay_pause = "x"\nsearch = "e"\nnext = "ctrl+n, greater_than_sign"\n'
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        account = fake_of(app).account
        await pilot.press("space")  # space no longer plays or pauses
        await pilot.pause(0.2)
        assert account.player.is_playing
        assert "Playing" in str(app.screen.query_one("#state-line").content)
        await pilot.press("x")
        await until(pilot, lambda: not account.player.is_playing)
        await pilot.press("greater_than_sign")  # the second key given to next
        await until(pilot, lambda: title(app) == TRACKS[1].name)
        await pilot.press("slash")  # nor does / search
        await pilot.pause(0.1)
        assert not isinstance(app.screen, SearchScreen)
        await pilot.press("e", *"Polar Hours")
        assert isinstance(app.screen, SearchScreen)
        albums = app.screen.query_one("#found-album RowsTable", RowsTable)
        await until(pilot, lambda: albums.row_count == 1)
        albums.focus()
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, AlbumScreen))
        album = app.screen.query_one(RowsTable)
        await until(pilot, lambda: album.row_count == 8)
        await pilot.press("down", "enter")  # plays the album from its second track
        second, third = album.items[1].uri, album.items[2].uri
        await until(pilot, lambda: account.player.uri == second)
        await pilot.press("n")  # n no longer skips, on a page either
        await pilot.pause(0.2)
        assert account.player.uri == second
        await pilot.press("ctrl+n")
        await until(pilot, lambda: account.player.uri == third)
        assert config_notices(app) == []


async def test_the_vim_preset_moves_in_a_list_with_j_k_g_and_G(tmp_path):
    app = app_with(tmp_path, '[keys]\npreset = "vim"\n')
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        table = await open_tab(pilot, "2", "top-tracks")
        await until(pilot, lambda: table.row_count == 50)
        await pilot.press("j", "j", "j")
        assert table.cursor_row == 3
        await pilot.press("k")
        assert table.cursor_row == 2
        await pilot.press("G")
        assert table.cursor_row == 49
        await pilot.press("g")
        assert table.cursor_row == 0
        await pilot.press("ctrl+d")
        paged = table.cursor_row
        assert paged > 5
        await pilot.press("ctrl+u")
        assert table.cursor_row == 0
        await pilot.press("down")  # the preset keeps the arrows
        assert table.cursor_row == 1
        playlists = await open_tab(pilot, "7", "playlists")  # and on a page
        await until(pilot, lambda: playlists.row_count > 2)
        await pilot.press("j", "j", "o")
        await until(pilot, lambda: isinstance(app.screen, PlaylistScreen))
        page = app.screen.query_one(RowsTable)
        await until(pilot, lambda: page.row_count > 2 and app.focused is page)
        await pilot.press("G")
        assert page.cursor_row == page.row_count - 1
        await pilot.press("k")
        assert page.cursor_row == page.row_count - 2
        await pilot.press("slash")
        await until(pilot, lambda: isinstance(app.screen, SearchScreen))
        assert config_notices(app) == []


async def test_your_own_key_applies_over_the_presets_without_a_clash(tmp_path):
    app = app_with(tmp_path, '[keys]\npreset = "vim"\ncursor_down = "k"\n')
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        table = await open_tab(pilot, "7", "playlists")
        await until(pilot, lambda: table.row_count > 2)
        await pilot.press("end")
        last = table.row_count - 1
        assert table.cursor_row == last
        await pilot.press("k")  # yours: down, so at the bottom it stays there
        await pilot.pause(0.1)
        assert table.cursor_row == last
        await pilot.press("up", "up", "k")  # up keeps its arrow; k goes down
        assert table.cursor_row == last - 1
        assert config_notices(app) == []


async def test_a_clash_and_a_bad_entry_are_each_told_once(tmp_path):
    app = app_with(tmp_path, '[keys]\nnext = "space"\nshufle = "z"\nlike = "ctrl+"\nrepeat = "R"\n')
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        account = fake_of(app).account
        await pilot.press("space")  # space is next's now: it skips, and does not pause
        await until(pilot, lambda: title(app) == TRACKS[1].name)
        assert account.player.is_playing
        await pilot.press("space", "R")
        await until(pilot, lambda: title(app) == TRACKS[2].name)
        await until(pilot, lambda: account.player.repeat != "off")  # the good entry stands
        told = config_notices(app)
        assert len(told) == 3, told
        clash = f"{tmp_path / 'config.toml'}: [keys] space for next clashes with play_pause"
        assert sum(n.startswith(f"{clash}, which loses it") for n in told) == 1
        assert sum("unknown id 'shufle' ignored" in n for n in told) == 1
        assert sum("'like': 'ctrl+' is not a key" in n for n in told) == 1
        assert "Config" in notices(app)
        tabs = app.screen.query_one(TabbedContent)
        await pilot.press("2")
        assert tabs.active == "top-tracks"


async def test_hints_name_the_remapped_keys(tmp_path):
    app = app_with(tmp_path, '[keys]\ndevices = "v"\n', no_active_device=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        assert "press v to pick a device" in screen_text(app)
        await pilot.press("space")
        assert "press v to pick one" in notices(app)
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, DevicePicker))


# --- the data -----------------------------------------------------------------------


def _bindings() -> list[tuple[str, Binding]]:
    """Every binding spotui declares, in screens/, widgets/ and app.py."""
    found = []
    modules = ["spotui.tui.app"] + [
        f"{package.__name__}.{info.name}"
        for package in (spotui.tui.screens, spotui.tui.widgets)
        for info in pkgutil.iter_modules(package.__path__)
    ]
    for name in modules:
        module = importlib.import_module(name)
        for owner in vars(module).values():
            if isinstance(owner, type) and owner.__module__ == name:
                for binding in owner.__dict__.get("BINDINGS", []):
                    assert isinstance(binding, Binding)
                    found.append((f"{name}.{owner.__name__}", binding))
    return found


def test_every_binding_has_a_documented_id_and_every_id_is_bound():
    found = _bindings()
    assert len(found) > 50
    missing = [(owner, b.key) for owner, b in found if b.id not in keymap.ACTIONS]
    assert missing == []
    assert {b.id for _, b in found} == set(keymap.ACTIONS)
    assert [r.id for r in rows({})] == sorted(
        (r.id for r in rows({})), key=list(keymap.ACTIONS).index
    )


def test_a_global_action_has_one_id_on_every_screen():
    places: dict[str, set[str]] = {}
    for row in rows({}):
        places.setdefault(row.id, set()).update(row.places)
    for id_ in ("play_pause", "next", "previous", "search", "queue", "add_to_playlist", "open"):
        assert {"main screen", "pages", "search"} <= places[id_], id_
    assert {"main screen", "sign-in"} <= places["quit"]
    assert {"pages", "search", "sign-in"} <= places["back"]
    assert {"device picker", "playlist picker", "dates"} <= places["close"]


def test_the_readme_lists_every_id_and_the_preset():
    text = README.read_text(encoding="utf-8")
    for id_ in keymap.ACTIONS:
        assert f"| `{id_}` |" in text, id_
    assert 'preset = "vim"' in text and "[keys]" in text
    for id_, keys in keymap.PRESETS["vim"].items():
        assert f"| `{id_}` |" in text and keys in text


def test_the_readme_gives_volume_step_to_the_volume_keys_not_to_plus():
    text = README.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if "volume_step" in line]
    assert lines and all("+" not in line for line in lines), lines
    assert "| `=` / `-` | volume up / down (`volume_step`) |" in text


def test_the_presets_clash_with_nothing_and_keep_the_default_keys():
    for name, preset in keymap.PRESETS.items():
        assert clashes(preset) == [], name
        defaults = {r.id: r.keys for r in rows({})}
        for id_, keys in preset.items():
            assert set(defaults[id_]) <= {keymap.shown(k) for k in keys.split(",")}, id_


def test_key_names_are_textuals():
    for character in string.punctuation + string.ascii_letters + string.digits:
        assert keymap.key_name(character) == _character_to_key(character)
        assert keymap.character(keymap.key_name(character)) == character


@pytest.mark.parametrize(
    ("toml", "keys", "problem"),
    [
        ('next = "x"', {"next": "x"}, None),
        ('next = "ctrl+n, ]"', {"next": "ctrl+n,right_square_bracket"}, None),
        ('next = ["x", "?"]', {"next": "x,question_mark"}, None),
        ('preset = "vim"', keymap.PRESETS["vim"], None),
        ('preset = "vim"\ncursor_down = "j"', {**keymap.PRESETS["vim"], "cursor_down": "j"}, None),
        (
            'preset = "vim"\ncursor_down = "k"',  # yours over the preset's: up loses k
            {**keymap.PRESETS["vim"], "cursor_up": "up", "cursor_down": "k"},
            None,
        ),
        ('preset = "emacs"', {}, "'preset' must be one of \"vim\" (got 'emacs'); ignored"),
        ('nxt = "x"', {}, "unknown id 'nxt' ignored"),
        ('next = ""', {}, "'next' must be a key or keys"),
        ("next = 3", {}, "'next' must be a key or keys"),
        ('next = "x,"', {}, "'next': '' is not a key"),
        ('next = "hyper+ctrl+pagedown2"', {}, "'hyper+ctrl+pagedown2' is not a key"),
        ('next = "x y"', {}, "'x y' is not a key"),
        ('next = "shift+n"', {}, "'shift+n' never comes from a terminal, which sends N: write N"),
        ('next = "ctrl+["', {}, "'ctrl+[' is the Escape key to a terminal"),
    ],
)
def test_keys_entries_are_checked_one_by_one(toml, keys, problem):
    config, problems = parse_config(f'[keys]\n{toml}\nlike = "L"\n', "c.toml")
    assert config.keymap == {**keys, "like": "L"}  # a good entry beside a bad one stands
    if problem is None:
        assert problems == []
    else:
        assert len(problems) == 1 and problem in problems[0] and "c.toml: [keys]" in problems[0]


def test_keys_must_be_a_table():
    config, problems = parse_config('keys = "vim"\n', "c.toml")
    assert config.keymap == {}
    assert problems == [
        "c.toml: 'keys' must be a table of id = \"key,key\" (got 'vim'); using the default keys"
    ]


# --- spotui keys --------------------------------------------------------------------


def _keys_command(capsys, tmp_path: Path, toml: str, *args: str) -> tuple[str, str]:
    path = tmp_path / "config.toml"
    path.write_text(toml, encoding="utf-8")
    assert cli.main(["--config", str(path), "keys", *args]) == 0
    out = capsys.readouterr()
    return out.out, out.err


def _row(out: str, id_: str) -> list[str]:
    return [line for line in out.splitlines() if line.split("  ")[0].strip() == id_]


def _cells(line: str) -> list[str]:
    """A row of ``spotui keys``: id, keys, where, what it does."""
    return [cell.strip() for cell in line.split("  ") if cell.strip()]


def test_spotui_keys_prints_the_keymap_in_effect(capsys, tmp_path):
    out, err = _keys_command(capsys, tmp_path, "")
    assert out.splitlines()[0].split() == ["ID", "KEYS", "WHERE", "WHAT", "IT", "DOES"]
    assert _row(out, "next")[0].split("  ")[0:1] == ["next"]
    assert " n " in _row(out, "next")[0] and "Skip to the next track" in _row(out, "next")[0]
    assert err == ""
    out, err = _keys_command(capsys, tmp_path, '[keys]\npreset = "vim"\nnext = "x"\nnope = "y"\n')
    (line,) = _row(out, "next")
    assert " x " in line and " n " not in line and "main screen, pages, search" in line
    (line,) = _row(out, "cursor_down")
    assert "↓, j" in line
    assert "unknown id 'nope' ignored" in err and len(err.splitlines()) == 1


def test_spotui_keys_writes_keys_as_the_footer_does_and_the_readme_agrees(capsys, tmp_path):
    out, _ = _keys_command(capsys, tmp_path, "")
    assert _cells(_row(out, "refresh")[0])[1] == "^r"
    assert _cells(_row(out, "choose")[0])[1] == "⏎"
    assert _cells(_row(out, "page_up")[0])[1] == "pgup"
    assert [_cells(line)[1] for line in _row(out, "back")] == ["esc, ⌫", "esc"]
    assert "escape" not in out and "ctrl+" not in out and "equals_sign" not in out
    text = README.read_text(encoding="utf-8")
    for line in out.splitlines()[1:]:
        _, keys, where, _ = _cells(line)
        written = " ".join(f"`{key}`" for key in keys.split(", "))
        assert f"{written} ({where})" in text, line
    assert "| `esc` | back from a page" in text and "| `^r` | ask Spotify" in text


def test_spotui_keys_gives_your_key_over_the_presets(capsys, tmp_path):
    out, err = _keys_command(capsys, tmp_path, '[keys]\npreset = "vim"\ncursor_down = "k"\n')
    (line,) = _row(out, "cursor_down")
    assert _cells(line)[1] == "k"
    (line,) = _row(out, "cursor_up")
    assert _cells(line)[1] == "↑"
    assert err == ""
    out, err = _keys_command(capsys, tmp_path, '[keys]\npreset = "vim"\ncursor_down = "up"\n')
    (line,) = _row(out, "cursor_up")
    assert _cells(line)[1] == "k"  # the preset's own key stays; up, a default key, is told
    assert err.startswith(f"{tmp_path / 'config.toml'}: [keys] up for cursor_down clashes with ")
    assert "cursor_up, which loses it" in err and len(err.splitlines()) == 1


def test_spotui_keys_json_and_its_clashes(capsys, tmp_path):
    out, err = _keys_command(capsys, tmp_path, '[keys]\nnext = "space"\n', "--json")
    found = json.loads(out)
    assert found["preset"] is None
    by_id = {(k["id"], tuple(k["where"])): k for k in found["keys"]}
    assert by_id[("next", ("main screen", "pages", "search"))]["keys"] == ["space"]
    assert by_id[("play_pause", ("main screen", "pages", "search"))]["keys"] == []
    assert found["problems"] == [
        f"{tmp_path / 'config.toml'}: [keys] space for next clashes with play_pause, "
        "which loses it (main screen, pages, search)"
    ]
    assert err == ""
    out, err = _keys_command(capsys, tmp_path, '[keys]\nnext = "space"\n')
    (line,) = _row(out, "play_pause")
    assert _cells(line)[:3] == ["play_pause", "—", "main screen, pages, search"]
    assert err.startswith(f"{tmp_path / 'config.toml'}: [keys] space for next clashes")


@pytest.mark.parametrize(
    ("entry", "other"),
    [
        ('search = "ctrl+p"', "the command palette, which keeps it (everywhere)"),
        ('like = "ctrl+q"', "Textual's quit, which keeps it (everywhere)"),
    ],
)
def test_spotui_keys_tells_a_key_the_app_holds(capsys, tmp_path, entry, other):
    _, err = _keys_command(capsys, tmp_path, f"[keys]\n{entry}\n")
    key, name = entry.split(" = ")[1].strip('"'), entry.split(" ")[0]
    assert f"{tmp_path / 'config.toml'}: [keys] {key} for {name} clashes with {other}" in err
