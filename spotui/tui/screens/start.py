"""The first frame: the last-known playback (or "Connecting…"), painted before the
HTTP client, the keyring and the main screen are imported; the app replaces it."""

from __future__ import annotations

import time
from pathlib import Path

from textual.app import ComposeResult
from textual.screen import Screen

from spotui.core import snapshot
from spotui.core.player import PlayerState
from spotui.tui.widgets.art import AlbumArt
from spotui.tui.widgets.now_playing import NowPlaying
from spotui.tui.widgets.title_bar import TitleBar


class StartScreen(Screen):
    """Now playing as the previous run left it, until the main screen takes over."""

    def __init__(self, snapshot_path: Path | None, subtitle: str = "", *, art: bool = True):
        super().__init__()
        self.snapshot_path = snapshot_path
        self.subtitle = subtitle
        self.art = art
        self.last: snapshot.Snapshot | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar(self.subtitle)
        yield NowPlaying(time.monotonic, id="now-playing")

    def on_mount(self) -> None:
        now_playing = self.query_one(NowPlaying)
        last = self.last = snapshot.load(self.snapshot_path)
        if last is not None:
            now_playing.show_snapshot(last, time.time(), cover=self.art)

    def on_screen_suspend(self) -> None:
        """Covered by the main screen (or the wizard) for good. Its widgets go: a
        background screen's ticking bar would repaint the whole screen above it each
        second."""
        self.remove_children()

    def confirm(self, state: PlayerState) -> None:
        """Spotify's first answer, when it comes before the main screen is built: shown
        here at once, in place of the snapshot (and its cover, if it was another
        item's: the main screen loads the new one)."""
        if self.last is not None and self.last.cover_url != snapshot.cover_url(state.playback):
            self.query_one(AlbumArt).picture = None
        self.query_one(NowPlaying).state = state
