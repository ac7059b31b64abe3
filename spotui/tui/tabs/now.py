"""The now-playing tab: the track, its cover, whether you saved it, any trouble, and
the lyrics when asked for."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.timer import Timer

from spotui.config import Config
from spotui.core import snapshot
from spotui.core.controller import Trouble
from spotui.core.player import PlayerState
from spotui.core.playing import Entry
from spotui.spotify.errors import SpotifyError, wait_text
from spotui.spotify.models import Track
from spotui.tui.tabs.base import MainTab, Reads
from spotui.tui.widgets.art import AlbumArt, decode_cover
from spotui.tui.widgets.lyrics import LyricsView
from spotui.tui.widgets.now_playing import NowPlaying


class NowTab(MainTab):
    """Shows each state the hub sends, and keeps the snapshot for the next start."""

    def __init__(self, title: str, reads: Reads, config: Config):
        super().__init__(title, reads, id="now")
        self.config = config
        self.snapshots = snapshot.Keeper(reads.services.snapshot_path)
        self._liked_for: str | None = None
        self._art_url: str | None = None
        self._countdown_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield NowPlaying(self.reads.services.monotonic, self.reads.key_for, id="now-playing")
        lyrics = LyricsView(id="lyrics")
        lyrics.display = False
        yield lyrics

    @property
    def now_playing(self) -> NowPlaying:
        return self.query_one(NowPlaying)

    @property
    def track(self) -> Entry | None:
        """The track playing, as a row (what q, + and o act on here)."""
        playback = self.reads.controls.actions.state.playback
        item = playback.item if playback else None
        return Entry.of(item) if item is not None else None

    def lyrics(self, shift_ms: int = 0) -> None:
        """Show or hide the lyrics (found from the first show on, from the config's
        ``lyrics_dir`` first); ``shift_ms``: shift their lines, when shown."""
        view = self.query_one(LyricsView)
        if shift_ms:
            if view.display:
                view.nudge(shift_ms)
            return
        view.display = not view.display
        self.set_class(view.display, "-lyrics")
        follower = self.reads.services.lyrics
        if view.display and view.follower is None and follower is not None:
            if self.config.lyrics_dir:
                self.reads.services.lyrics_dir = Path(self.config.lyrics_dir).expanduser()
            view.follow(follower)

    def restore(self, last: snapshot.Snapshot | None, known: PlayerState | None) -> None:
        """At start: the previous run's snapshot, painted until the first poll answers
        (unless it is in already), and its cover kept if it is the same."""
        art = self.query_one(AlbumArt)
        art.set_class(self.config.album_art == "off", "-off")
        cover = self.config.album_art != "off"
        if last is not None:
            self.snapshots.current = last
        # The snapshot's cover stands in for its URL's only when it is there to show.
        kept = last if cover and last is not None and last.cover is not None else None
        if known is not None:  # in already (the start screen showed it): no "checking"
            if kept is not None and kept.cover_url == snapshot.cover_url(known.playback):
                art.picture = kept.cover  # the same cover: not fetched again
                self._art_url = kept.cover_url
        elif last is not None:  # painted at once, until the first poll answers
            self.now_playing.show_snapshot(last, self.reads.services.clock(), cover=cover)
            if kept is not None:
                self._art_url = kept.cover_url

    def _snapshot(self, state: PlayerState) -> snapshot.Snapshot | None:
        services = self.reads.services
        return snapshot.of(state, services.monotonic(), services.clock())

    def close(self, state: PlayerState) -> None:
        """The app ends: keep what played for the next start."""
        if state.playback is not None:
            self.snapshots.close(self._snapshot(state))

    def show_state(self, state: PlayerState) -> bool:
        """Show ``state``; True when the track changed (the lists that follow it reload)."""
        self.now_playing.state = state
        self.query_one(LyricsView).tick()
        item = state.playback.item if state.playback else None
        url = snapshot.cover_url(state.playback)
        self.snapshots.note(self._snapshot(state), url)
        if url != self._art_url:
            self._art_url = url
            self.load_art(url)
        item_uri = item.uri if isinstance(item, Track) and item.savable else None
        if item_uri == self._liked_for:
            return False
        self._liked_for = item_uri
        self.now_playing.liked = None
        if item_uri:
            self.check_liked(item_uri)
        return True

    @work(exclusive=True, group="art")
    async def load_art(self, url: str | None) -> None:
        """Fetch and decode the cover off the UI's path; no cover shows a placeholder."""
        art = self.query_one(AlbumArt)
        if url is None or self.config.album_art == "off":
            art.picture = None
            return
        try:
            data = await self.reads.controls.actions.cover(url)
            picture, cover = await asyncio.to_thread(decode_cover, data)
        except (SpotifyError, OSError, ValueError):
            art.picture = None
            return
        art.picture = picture
        self.snapshots.note_cover(url, cover)

    @work(exclusive=True, group="liked")
    async def check_liked(self, uri: str) -> None:
        try:
            saved = await self.reads.controls.actions.liked(uri)
        except SpotifyError:
            return
        if self._liked_for == uri:
            self.now_playing.liked = saved

    def like(self) -> None:
        """Save the playing track to your library, or remove it; shown at once."""
        item = self.reads.controls.playing_track()
        if item is None or item.uri is None:
            return
        view, uri = self.now_playing, item.uri
        was = view.liked
        view.liked = not was
        self._like(uri, not was, was, item.name)

    @work(group="commands")
    async def _like(self, uri: str, save: bool, was: bool | None, name: str) -> None:
        try:
            await self.reads.controls.actions.like(uri, save)
        except SpotifyError as exc:
            self.now_playing.liked = was
            self.notify(exc.message, title="Could not change your library", severity="warning")
            return
        self.notify(
            f"Saved “{name}” to your library." if save else f"Removed “{name}” from your library."
        )

    def trouble(self, trouble: Trouble | None) -> None:
        """A poll failed (a countdown to the next try), or worked again."""
        if trouble is None:
            if self._countdown_timer is not None:
                self._countdown_timer.stop()
                self._countdown_timer = None
            self.now_playing.status = ""
        else:
            self._countdown(trouble.message, trouble.retry_in)

    def _countdown(self, what: str, seconds: float) -> None:
        """Show ``what`` with a countdown to the next try."""
        monotonic = self.reads.services.monotonic
        deadline = monotonic() + seconds
        view = self.now_playing

        def tick() -> None:
            left = deadline - monotonic()
            if not seconds:
                view.status = what
            elif left >= 0.5:
                view.status = f"{what} — retrying in {wait_text(left)}"
            else:
                view.status = f"{what} — retrying…"

        tick()
        if self._countdown_timer is not None:
            self._countdown_timer.stop()
            self._countdown_timer = None
        if seconds:
            self._countdown_timer = self.set_interval(1.0, tick, repeat=max(1, round(seconds)))
