"""The now-playing view: what plays, where, and a bar that moves between polls."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Label, ProgressBar, Static

from spotui.format import device_icon, mmss
from spotui.player import PlayerState
from spotui.spotify.models import Episode, Playback, Track
from spotui.widgets.art import AlbumArt

REPEAT_TEXT = {"off": "Repeat off", "context": "Repeat all", "track": "Repeat one"}


def describe(playback: Playback | None) -> tuple[str, str]:
    """(state word, hint) for the banner line, in plain words."""
    if playback is None:
        return (
            "No active device",
            "Open Spotify on a phone, computer or speaker, or press d to pick a device.",
        )
    if playback.is_ad:
        return ("Advertisement", "Spotify is playing an ad; it will be back shortly.")
    if playback.item is None:
        return ("Nothing playing", "Start something in Spotify, or press space to resume.")
    if isinstance(playback.item, Episode):
        word = "Podcast"
    elif playback.item.is_local:
        word = "Local file"
    else:
        word = "Track"
    return (("▶ Playing " if playback.is_playing else "⏸ Paused ") + "· " + word, "")


class TimeBar(Horizontal):
    """elapsed ━━━━━━━━━━──────── total, moved locally every half second."""

    def compose(self) -> ComposeResult:
        yield Label("0:00", id="elapsed")
        yield ProgressBar(total=1, show_eta=False, show_percentage=False, id="bar")
        yield Label("0:00", id="total")

    def show(self, position_ms: int, duration_ms: int) -> None:
        self.query_one("#elapsed", Label).update(mmss(position_ms))
        self.query_one("#total", Label).update(mmss(duration_ms) if duration_ms else "--:--")
        self.query_one(ProgressBar).update(total=max(duration_ms, 1), progress=position_ms)


class NowPlaying(Vertical):
    """Title, artists, album, device, shuffle and repeat, liked, and the time bar."""

    state: reactive[PlayerState] = reactive(PlayerState, always_update=True, init=False)
    liked: reactive[bool | None] = reactive(None)
    status: reactive[str] = reactive("")

    def __init__(self, monotonic: Callable[[], float], **kwargs):
        super().__init__(**kwargs)
        self._monotonic = monotonic
        self._ticker: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="card"):
            with Horizontal(id="hero"):
                yield AlbumArt(id="art")
                with Vertical(id="info"):
                    yield Label("", id="state-line")
                    yield Static("Connecting to Spotify…", id="title")
                    yield Static("", id="artists")
                    yield Static("", id="album")
                    yield Label("", id="liked")
            yield TimeBar(id="time")
            yield Static("", id="details")
            yield Static("", id="hint")
            yield Static("", id="status")

    def on_mount(self) -> None:
        self._ticker = self.set_interval(0.5, self._tick, pause=True)

    def _tick(self) -> None:
        playback = self.state.playback
        now = self._monotonic()
        self.query_one(TimeBar).show(
            self.state.position(now), playback.duration_ms if playback else 0
        )

    def watch_state(self, state: PlayerState) -> None:
        playback = state.playback
        word, hint = describe(playback)
        self.set_class(playback is not None and playback.is_playing, "-playing")
        self.set_class(playback is None or playback.item is None, "-empty")
        self.query_one("#state-line", Label).update(word)
        self.query_one("#hint", Static).update(hint)
        title, artists, album = self._lines(playback)
        self.query_one("#title", Static).update(title)
        self.query_one("#artists", Static).update(artists)
        self.query_one("#album", Static).update(album)
        self.query_one("#details", Static).update(self._details(playback))
        self._tick()
        if self._ticker is not None:
            if playback is not None and playback.is_playing:
                self._ticker.resume()
            else:
                self._ticker.pause()

    def watch_liked(self, liked: bool | None) -> None:
        text = {True: "♥ In your library", False: "♡ Not in your library", None: ""}[liked]
        label = self.query_one("#liked", Label)
        label.update(text)
        label.set_class(bool(liked), "-liked")

    def watch_status(self, status: str) -> None:
        self.query_one("#status", Static).update(status)
        self.set_class(bool(status), "-trouble")

    @staticmethod
    def _lines(playback: Playback | None) -> tuple[str, str, str]:
        item = playback.item if playback else None
        if isinstance(item, Track):
            album = item.album.name if item.album and item.album.name else ""
            return item.name, item.artist_names or "Unknown artist", album
        if isinstance(item, Episode):
            show = item.show
            return (
                item.name,
                show.name if show else "Podcast",
                f"by {show.publisher}" if show and show.publisher else "",
            )
        if playback is not None and playback.is_ad:
            return "Advertisement", "", ""
        if playback is not None:
            return "Nothing playing", "", ""
        return "No active device", "", ""

    @staticmethod
    def _details(playback: Playback | None) -> str:
        if playback is None:
            return ""
        parts = [
            "Shuffle on" if playback.shuffle else "Shuffle off",
            REPEAT_TEXT.get(playback.repeat, "Repeat off"),
        ]
        device = playback.device
        if device is not None:
            volume = (
                f" · volume {device.volume_percent}%" if device.volume_percent is not None else ""
            )
            parts.append(f"{device_icon(device.type)} {device.name} ({device.type}){volume}")
        return "   ".join(parts)
