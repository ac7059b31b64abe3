"""The terminal face's shape: small modules, a main screen that only routes, no circle,
and no screen that talks to Spotify or to the archive's SQL itself.

Read from the source with ``ast`` (imports inside functions count), so a page that
imports the screen below it, or a tab that grows past its share, fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

from .helpers import ROOT

MODULE_MAX = 400
MAIN_MAX = 300
# Who may import the main screen: the app opens it, and the keymap reads every screen's
# bindings. A page or a tab never does (it gets the controls, or posts a message).
MAY_IMPORT_MAIN = {"spotui.tui.app", "spotui.tui.screens.keys"}


def _name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[str, bool]]:
    """Every ``spotui`` (or ``sqlite3``) module the file imports, and whether the import
    is for type checking only."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            typing_only.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        found += [(name, id(node) in typing_only) for name in names]
    return found


def layout(root: Path = ROOT) -> list[str]:
    """What is wrong with the shape of ``spotui/tui`` in the tree at ``root``, one line
    each."""
    files = sorted((root / "spotui" / "tui").rglob("*.py"))
    modules = {_name(path, root): path for path in files}
    wrong = []
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        limit = MAIN_MAX if name == "spotui.tui.screens.main" else MODULE_MAX
        if lines > limit:
            wrong.append(f"{name} has {lines} lines (at most {limit})")
        imports = _imports(path)
        for imported, typing_only in imports:
            if imported == "sqlite3" or imported.startswith("sqlite3."):
                wrong.append(f"{name} imports sqlite3")
            if imported == "spotui.spotify.client" and not typing_only:
                wrong.append(f"{name} imports the Spotify client")
            if imported == "spotui.tui.screens.main" and name not in MAY_IMPORT_MAIN:
                wrong.append(f"{name} imports the main screen")
        graph[name] = {imported for imported, _ in imports if imported in modules} - {name}
    wrong += [f"import circle: {' → '.join(cycle)}" for cycle in _cycles(graph)]
    return wrong


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    cycles, done = [], set()

    def visit(node: str, path: list[str]) -> None:
        for nxt in sorted(graph[node]):
            if nxt in path:
                cycles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in done:
                visit(nxt, [*path, nxt])
        done.add(node)

    for start in sorted(graph):
        if start not in done:
            visit(start, [start])
    return cycles


def test_the_tui_is_small_modules_without_circles_or_bypasses():
    assert layout() == []


def test_the_check_sees_a_planted_circle_and_a_bypass(tmp_path):
    """The check can fail: a page that imports the main screen, and SQL in a tab."""
    tui = tmp_path / "spotui" / "tui"
    (tui / "screens").mkdir(parents=True)
    (tui / "tabs").mkdir()
    (tui / "screens" / "main.py").write_text("from spotui.tui.screens import pages\n")
    (tui / "screens" / "pages.py").write_text("def f():\n    from spotui.tui.screens import main\n")
    (tui / "tabs" / "stats.py").write_text("import sqlite3\n" + "x = 1\n" * 400)
    wrong = layout(tmp_path)
    assert "spotui.tui.screens.pages imports the main screen" in wrong
    assert "spotui.tui.tabs.stats imports sqlite3" in wrong
    assert "spotui.tui.tabs.stats has 401 lines (at most 400)" in wrong
    assert any(line.startswith("import circle: ") for line in wrong)
