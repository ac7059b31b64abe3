"""The layers, checked: every import in spotui points down the picture in architecture.md.

Every module is found with ``pkgutil.walk_packages`` and read with ``ast``, never run, so
an import inside a function, under ``TYPE_CHECKING`` or by ``importlib.import_module("…")``
counts as much as one at the top (try adding ``import textual`` inside a function in
``spotui/core/lists.py``). The rules are the data just below. One test also imports the
modules below the faces together, for a library that would load a toolkit behind them.
"""

from __future__ import annotations

import ast
import pkgutil
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import spotui

# Top to bottom: a module imports from its own row or a row below, never from a row above.
# A package that is not there yet (desktop/, lyrics/, scrobble/ as they come) is absent.
# The faces are three rows: `spotui` runs the command line, which runs the terminal UI
# when no command is given. The fakes sit under the wiring, which alone picks them, and
# above every layer whose outside world they play. The edges are split in two by what the
# code needs: config, account and credentials check a port or a Client ID by the sign-in's
# rules and keep its TokenSet, so they sit on spotify/; spotify/ itself cleans its text,
# so text and the other plain files sit under it.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("the entry point", ("spotui.__main__",)),
    ("the command line", ("spotui.cli",)),
    ("the terminal UI", ("spotui.tui",)),
    ("the wiring", ("spotui.services",)),
    ("the fakes", ("spotui.fake",)),
    ("the subscribers", ("spotui.desktop", "spotui.lyrics", "spotui.scrobble")),
    ("the hub", ("spotui.core",)),
    ("the history", ("spotui.history",)),
    # keymap: the key ids and presets, plain data that config checks [keys] against (the
    # Textual side of keys stays in tui/).
    ("the settings", ("spotui.config", "spotui.account", "spotui.credentials", "spotui.keymap")),
    ("spotify", ("spotui.spotify",)),
    (
        "the edges",
        (
            "spotui",  # the package itself: its version, the logging default (this name alone)
            "spotui.paths",
            "spotui.text",
            "spotui.logs",
            "spotui.cache",
            "spotui.format",
            "spotui.browser",
            "spotui.crash",
        ),
    ),
)
FACES = ("spotui.__main__", "spotui.cli", "spotui.tui")
# Each subscriber listens to the hub on its own: none imports another.
SIDE_BY_SIDE = ("spotui.desktop", "spotui.lyrics", "spotui.scrobble")
# Only the wiring builds the demo's parts.
FAKES = "spotui.fake"
MAY_IMPORT_FAKES = ("spotui.services", FAKES)
# Nothing below the faces imports a terminal toolkit.
UI_TOOLKITS = ("textual", "rich", "textual_plotext", "textual_image")
# A face goes through core/ and history/: it neither holds the client nor writes SQL.
# (A module, or a name imported from anywhere: the client's vocabulary, such as
# SearchType, stays open to the faces.)
NOT_IN_A_FACE = ("SpotifyClient", "spotui.spotify.http", "sqlite3")
# ... nor hands history/ a statement of its own.
SQL = re.compile(r"\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|PRAGMA|WITH)\s")
# spotify/ uses httpx (and certifi, its CA bundle) and the standard library.
SPOTIFY_USES = ("httpx", "certifi")


@dataclass(frozen=True)
class Import:
    """One name one module imports: ``target`` is the module, ``name`` what it takes from it."""

    module: str
    path: Path
    line: int
    target: str
    name: str | None = None

    def where(self) -> str:
        return f"{self.path.relative_to(Path(spotui.__file__).parent.parent)}:{self.line}"


def within(module: str, names: tuple[str, ...] | str) -> bool:
    """``module`` is one of ``names`` or inside one (the package ``spotui`` only by name)."""
    names = (names,) if isinstance(names, str) else names
    return any(
        module == name or (name != "spotui" and module.startswith(name + ".")) for name in names
    )


def ours(module: str) -> bool:
    return module == "spotui" or module.startswith("spotui.")


def home(module: str) -> tuple[int, str, str] | None:
    """The row (index, its title) and the name in it that ``module`` belongs to."""
    found = [
        (len(name), index, title, name)
        for index, (title, names) in enumerate(LAYERS)
        for name in names
        if within(module, name)
    ]
    return max(found)[1:] if found else None


@cache
def modules() -> dict[str, Path]:
    """Every module of spotui, by walking the package, with its source file."""
    found = {"spotui": Path(spotui.__file__)}
    for info in pkgutil.walk_packages(spotui.__path__, "spotui."):
        folder = Path(getattr(info.module_finder, "path", ""))
        last = info.name.rpartition(".")[2]
        found[info.name] = folder / last / "__init__.py" if info.ispkg else folder / f"{last}.py"
    return found


@cache
def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def read_imports(module: str, path: Path) -> Iterator[Import]:
    """Every import in one file, anywhere in it, relative ones resolved."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(parse(path)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(module, path, node.lineno, alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                target = submodule if submodule in modules() else base
                yield Import(module, path, node.lineno, target, alias.name)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield Import(module, path, node.lineno, node.args[0].value)


@cache
def all_imports() -> tuple[Import, ...]:
    return tuple(found for name, path in modules().items() for found in read_imports(name, path))


def check(rule: Callable[[Import], str | None]) -> None:
    """Fail with one line per import against ``rule``: where, who imports what, which rule."""
    lines = {
        (str(found.path), found.line, f"{found.where()}: {message}")
        for found in all_imports()
        if (message := rule(found))
    }
    assert not lines, f"{len(lines)} import(s) against the layers:\n  " + "\n  ".join(
        line for *_, line in sorted(lines)
    )


def test_every_file_is_a_module():
    """The walk misses no file (a folder without ``__init__.py`` would hide its modules)."""
    found, package = set(modules().values()), Path(spotui.__file__).parent
    hidden = sorted(
        str(path.relative_to(package.parent)) for path in package.rglob("*.py") if path not in found
    )
    assert not hidden, "not in a package, so not checked: " + ", ".join(hidden)


def test_every_module_has_a_row():
    """A new folder or top-level module says where it sits before it can import anything."""
    lost = sorted(name for name in modules() if home(name) is None)
    assert not lost, "in no row of LAYERS (tests/test_layers.py), add them: " + ", ".join(lost)


def test_imports_point_down():
    def rule(found: Import) -> str | None:
        importer, imported = home(found.module), home(found.target)
        if not ours(found.target) or not importer or not imported or imported[0] >= importer[0]:
            return None
        return (
            f"{found.module} ({importer[1]}) imports {found.target} ({imported[1]}),"
            " a row above it: arrows point down only"
        )

    check(rule)


def test_subscribers_do_not_import_each_other():
    def rule(found: Import) -> str | None:
        importer, imported = home(found.module), home(found.target)
        if not importer or not imported or importer[2] == imported[2]:
            return None
        if importer[2] not in SIDE_BY_SIDE or imported[2] not in SIDE_BY_SIDE:
            return None
        return (
            f"{found.module} imports {found.target}: each subscriber listens to the hub"
            " on its own, none imports another"
        )

    check(rule)


def test_only_the_wiring_imports_the_fakes():
    check(
        lambda found: (
            f"{found.module} imports {found.target}: only the wiring imports the fakes"
            if within(found.target, FAKES) and not within(found.module, MAY_IMPORT_FAKES)
            else None
        )
    )


def test_nothing_below_the_faces_imports_a_terminal_toolkit():
    check(
        lambda found: (
            f"{found.module} imports {found.target}: nothing below the faces imports"
            f" {', '.join(UI_TOOLKITS)}"
            if within(found.target, UI_TOOLKITS) and not within(found.module, FACES)
            else None
        )
    )


def test_faces_hold_no_sql():
    problems = [
        f"{path.relative_to(Path(spotui.__file__).parent.parent)}:{node.lineno}: {module} holds"
        f" the SQL {node.value[:30]!r}…: a face asks history/ (its queries), it writes no SQL"
        for module, path in modules().items()
        if within(module, FACES)
        for node in ast.walk(parse(path))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.match(node.value)
    ]
    assert not problems, "\n".join(problems)


LOADED = """
import importlib, sys
for name in sys.argv[2:]:
    importlib.import_module(name)
print(" ".join(sorted({n.split(".")[0] for n in sys.modules} & set(sys.argv[1].split(",")))))
"""


def test_nothing_below_the_faces_loads_a_terminal_toolkit():
    """Imported together, the modules below the faces load no toolkit, even through a
    library (httpx loads rich for its own command line unless spotui/__init__.py stops it)."""
    below = [name for name in modules() if home(name) and not within(name, FACES)]
    result = subprocess.run(
        [sys.executable, "-c", LOADED, ",".join(UI_TOOLKITS), *below],
        capture_output=True,
        text=True,
        cwd=Path(spotui.__file__).parent.parent,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert not result.stdout.strip(), (
        f"importing the {len(below)} modules below the faces loads {result.stdout.strip()}"
    )


def test_faces_neither_hold_the_client_nor_write_sql():
    check(
        lambda found: (
            f"{found.module} imports {found.name or found.target}: a face goes through"
            " core/ and history/, it never holds the Spotify client nor writes SQL"
            if within(found.module, FACES)
            and (within(found.target, NOT_IN_A_FACE) or found.name in NOT_IN_A_FACE)
            else None
        )
    )


def test_spotify_uses_httpx_and_the_standard_library():
    check(
        lambda found: (
            f"{found.module} imports {found.target}: spotify/ uses only"
            f" {', '.join(SPOTIFY_USES)}, the standard library and the edges"
            if within(found.module, "spotui.spotify")
            and not ours(found.target)
            and found.target.partition(".")[0] not in {*SPOTIFY_USES, *sys.stdlib_module_names}
            else None
        )
    )


def test_private_names_stay_in_their_package():
    def rule(found: Import) -> str | None:
        importer, imported = home(found.module), home(found.target)
        name = found.name or ""
        if not name.startswith("_") or name.endswith("__") or not importer or not imported:
            return None
        if importer[2] == imported[2]:
            return None
        return (
            f"{found.module} imports {name} from {found.target}: a private name is used"
            " only inside its own package"
        )

    check(rule)


def test_no_circle():
    """No two modules import each other, however far round (functions and TYPE_CHECKING too)."""
    graph: dict[str, set[str]] = {name: set() for name in modules()}
    for found in all_imports():
        if found.target in graph and found.target != found.module:
            graph[found.module].add(found.target)
    reach = {name: reachable(graph, name) for name in graph}
    circles = {
        " ↔ ".join(sorted({name, *(other for other in reach[name] if name in reach[other])}))
        for name in graph
        if name in reach[name]
    }
    assert not circles, f"{len(circles)} import circle(s):\n  " + "\n  ".join(sorted(circles))


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    """Every module ``start`` imports, directly or through others."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        for nxt in graph[todo.pop()] - seen:
            seen.add(nxt)
            todo.append(nxt)
    return seen
