"""The headless commands, each registered once in :mod:`spotui.cli.table` by its
family module: now and watch, the controls, the lists, and music (play, queue,
search, playlists). No Textual here."""

from __future__ import annotations

from spotui.cli import controls, lists, lyrics, music, now, serve
from spotui.cli.table import COMMANDS, add_commands, run

__all__ = [
    "COMMANDS",
    "add_commands",
    "controls",
    "lists",
    "lyrics",
    "music",
    "now",
    "run",
    "serve",
]
