"""The layers, checked: nothing below the screens imports Textual, Rich or a screen.

Each module is imported alone in a fresh interpreter, so an import that sneaks in
anywhere below the UI fails here (try adding ``import textual`` to
``spotui/spotify/client.py``).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from .helpers import ROOT

UI_FREE = (
    "spotui.spotify.auth",
    "spotui.spotify.client",
    "spotui.spotify.errors",
    "spotui.spotify.models",
    "spotui.spotify.session",
    "spotui.spotify.signin",
    "spotui.spotify.tls",
    "spotui.spotify.ports",
    "spotui.core.player",
    "spotui.core.controller",
    "spotui.core.lists",
    "spotui.core.playing",
    "spotui.core.browse",
    "spotui.history.db",
    "spotui.history.checks",
    "spotui.history.export",
    "spotui.history.importer",
    "spotui.history.sync",
    "spotui.history.stats",
    "spotui.lyrics.lrc",
    "spotui.lyrics.lrclib",
    "spotui.lyrics.local",
    "spotui.lyrics.cache",
    "spotui.lyrics.finder",
    "spotui.lyrics.follower",
    "spotui.commands.lyrics",
    "spotui.fake.lrclib",
    "spotui.commands.auth",
    "spotui.commands.doctor",
    "spotui.commands.headless",
    "spotui.commands.table",
    "spotui.commands.now",
    "spotui.commands.controls",
    "spotui.commands.lists",
    "spotui.commands.music",
    "spotui.commands.output",
    "spotui.commands.history",
    "spotui.cache",
    "spotui.config",
    "spotui.credentials",
    "spotui.crash",
    "spotui.logs",
    "spotui.paths",
    "spotui.text",
    "spotui.cli",
    "spotui.services",
    "spotui.fake.service",
    "spotui.fake.api",
    "spotui.fake.oauth",
    "spotui.fake.server",
    "spotui.fake.export",
    "spotui.fake.seeding",
)
FORBIDDEN = ("textual", "rich", "spotui.app", "spotui.screens", "spotui.widgets")

CHECK = """
import importlib, sys
importlib.import_module(sys.argv[1])
bad = sorted({name.split(".")[0] if not name.startswith("spotui.") else name
              for name in sys.modules
              if any(name == f or name.startswith(f + ".") for f in sys.argv[2:])})
print(" ".join(bad))
"""


@pytest.mark.parametrize("module", UI_FREE)
def test_module_imports_no_ui(module):
    result = subprocess.run(
        [sys.executable, "-c", CHECK, module, *FORBIDDEN],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"{module} imports {result.stdout.strip()}"
