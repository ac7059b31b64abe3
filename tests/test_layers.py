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
    "spotui.spotify.http",
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
    "spotui.core.remote",
    "spotui.core.doctor",
    "spotui.history.db",
    "spotui.history.schema",
    "spotui.history.records",
    "spotui.history.days",
    "spotui.history.writer",
    "spotui.history.queries",
    "spotui.history.checks",
    "spotui.history.export",
    "spotui.history.importer",
    "spotui.history.sync",
    "spotui.history.stats",
    "spotui.cli.auth",
    "spotui.cli.doctor",
    "spotui.cli.headless",
    "spotui.cli.table",
    "spotui.cli.now",
    "spotui.cli.controls",
    "spotui.cli.lists",
    "spotui.cli.music",
    "spotui.cli.output",
    "spotui.cli.history",
    "spotui.cache",
    "spotui.config",
    "spotui.credentials",
    "spotui.crash",
    "spotui.logs",
    "spotui.paths",
    "spotui.text",
    "spotui.cli.main",
    "spotui.services",
    "spotui.fake.service",
    "spotui.fake.api",
    "spotui.fake.oauth",
    "spotui.fake.server",
    "spotui.fake.export",
    "spotui.fake.seeding",
)
FORBIDDEN = ("textual", "rich", "spotui.tui")

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
