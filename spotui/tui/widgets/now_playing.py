"""The now-playing view: what plays, where, and a bar that moves between polls."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.geometry import Region
from textual.reactive import var
from textual.strip import Strip
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Label, Static

from spotui.core.player import PlayerState
from spotui.core.snapshot import Snapshot, item_lines
from spotui.format import device_icon, mmss
from spotui.spotify.errors import NO_ACTIVE_DEVICE
from spotui.tui.widgets.art import AlbumArt
from spotui.tui.widgets.plain import plain

if TYPE_CHECKING:  # the models are imported after the first frame (the start screen)
    from spotui.spotify.models import Playback

TICK_LATE_S = 0.005
"""How long after a second of the track ticks: just after, so it shows the new second."""
TICK_SLACK_S = 0.05
"""How far the ticks may drift from the track's seconds before they are set again."""

REPEAT_TEXT = {"off": "Repeat off", "context": "Repeat all", "track": "Repeat one"}


DEFAULT_KEYS = {"devices": "d", "play_pause": "space"}


def describe(
    playback: Playback | None, key: Callable[[str], str] = DEFAULT_KEYS.__getitem__
) -> tuple[str, str]:
    """(state word, hint) for the banner line, in plain words; ``key`` gives the key a
    binding id has (the config may have changed it)."""
    if playback is None:
        return (
            NO_ACTIVE_DEVICE,
            f"Open Spotify on a phone, computer or speaker, or press {key('devices')} to pick "
            "a device.",
        )
    if playback.is_ad:
        return ("Advertisement", "Spotify is playing an ad; it will be back shortly.")
    if playback.item is None:
        return (
            "Nothing playing",
            f"Start something in Spotify, or press {key('play_pause')} to resume.",
        )
    from spotui.spotify.models import Episode

    if isinstance(playback.item, Episode):
        word = "Podcast"
    elif playback.item.is_local:
        word = "Local file"
    else:
        word = "Track"
    return (("▶ Playing " if playback.is_playing else "⏸ Paused ") + "· " + word, "")


def out_of_phase(a: float, b: float) -> float:
    """How far apart two phases of a second are (0.95 and 0.05 are 0.1 apart)."""
    gap = abs(a - b) % 1.0
    return min(gap, 1.0 - gap)


def changed_runs(before: str, after: str) -> list[Region]:
    """The runs of cells that differ between two lines of the same length."""
    runs: list[Region] = []
    start = None
    for x, (old, new) in enumerate(zip(before, after, strict=True)):
        if old != new and start is None:
            start = x
        elif old == new and start is not None:
            runs.append(Region(start, 0, x - start, 1))
            start = None
    if start is not None:
        runs.append(Region(start, 0, len(after) - start, 1))
    return runs


class TimeBar(Widget):
    """``0:46 ━━━━━━━━━━╸────────── 2:31``: one line drawn with the line API (no
    Text-to-strips pass on each tick), with no timers of its own."""

    COMPONENT_CLASSES = {"timebar--done", "timebar--left", "timebar--time"}
    DEFAULT_CSS = "TimeBar { height: 1; }"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.position = 0
        self.duration = 0
        self._styles: tuple[Style, Style, Style, Style] | None = None

    def _layout(self, position: int, duration: int) -> tuple[str, str, int, int]:
        """(elapsed, total, bar width, filled half-cells) for a position."""
        elapsed = mmss(position)
        total = mmss(duration) if duration else "--:--"
        width = max(self.size.width - len(elapsed) - len(total) - 2, 1)
        halves = int(width * 2 * position / duration) if duration else 0
        return elapsed, total, width, min(halves, width * 2)

    def _cells(self, position: int, duration: int) -> str:
        """What each cell shows, as one character per cell ("=" filled, "-" not yet)."""
        elapsed, total, width, halves = self._layout(position, duration)
        done, half = divmod(halves, 2)
        return f"{elapsed} {'=' * done}{'>' * half}{'-' * (width - done - half)} {total}"

    def show(self, position_ms: int, duration_ms: int) -> None:
        """Move the bar, repainting only the cells whose look changed (usually two)."""
        before = self._cells(self.position, self.duration)
        self.position, self.duration = position_ms, duration_ms
        after = self._cells(position_ms, duration_ms)
        if after == before:
            return
        if len(after) != len(before):
            self.refresh()
        else:
            self.refresh(*changed_runs(before, after))

    def on_resize(self) -> None:
        self.refresh()

    def notify_style_update(self) -> None:
        """The CSS or the theme changed: look the styles up again (as Textual's Log does)."""
        super().notify_style_update()
        self._styles = None

    def _styled(self) -> tuple[Style, Style, Style, Style]:
        """(base, time, done, left), kept between ticks: each refresh clears Textual's
        own cache of component styles, and looking them up was most of a tick."""
        if self._styles is None:
            base = self.rich_style
            time, done, left = (
                base + self.get_component_rich_style(f"timebar--{name}")
                for name in ("time", "done", "left")
            )
            self._styles = (base, time, done, left)
        return self._styles

    def render_line(self, y: int) -> Strip:
        base, time_style, done_style, left_style = self._styled()
        if y:
            return Strip.blank(self.size.width, base)
        elapsed, total, width, halves = self._layout(self.position, self.duration)
        done, half = divmod(halves, 2)
        return Strip(
            [
                Segment(elapsed + " ", time_style),
                Segment("━" * done + ("╸" if half else ""), done_style),
                Segment("━" * (width - done - half), left_style),
                Segment(" " + total, time_style),
            ]
        ).adjust_cell_length(self.size.width, base)


class NowPlaying(Vertical):
    """Title, artists, album, device, shuffle and repeat, liked, and the time bar."""

    state: var[PlayerState] = var(PlayerState, always_update=True, init=False)
    liked: var[bool | None] = var(None)
    status: var[str] = var("")

    def __init__(
        self,
        monotonic: Callable[[], float],
        key: Callable[[str], str] = DEFAULT_KEYS.__getitem__,
        **kwargs,
    ):
        """``key``: the key a binding id has, for the hints."""
        super().__init__(**kwargs)
        self._monotonic = monotonic
        self._key = key
        self._ticker: Timer | None = None
        self._phase = 0.0
        self._shown: dict[str, str] = {}
        self._bar = TimeBar(id="time")

    def compose(self) -> ComposeResult:
        # Flat on purpose: a repaint of the bar re-renders every widget whose parent
        # overlaps it, so the bar's siblings are few (the notes sit in one box).
        self.add_class("-empty")  # until Spotify answers (or the last run's snapshot shows)
        with Horizontal(id="hero"):
            yield AlbumArt(id="art")
            with Vertical(id="info"):
                yield Label("", id="state-line")
                yield Static("Connecting to Spotify…", id="title")
                yield Static("", id="artists")
                yield Static("", id="album")
                yield Label("", id="liked")
        yield self._bar
        with Vertical(id="notes"):
            yield Static("", id="details")
            yield Static("", id="hint")
            yield Static("", id="status")

    def _tick(self) -> None:
        """Move the bar, and keep one 1 s interval firing just after each of the track's
        seconds. A new timer each second cost a task and a signature lookup per tick."""
        playback = self.state.playback
        now = self._monotonic()
        position = self.state.position(now)
        self._bar.show(position, playback.duration_ms if playback else 0)
        if playback is None or not playback.is_playing:
            self._stop_ticking()
            return
        wait = (1000 - position % 1000) / 1000 + TICK_LATE_S
        phase = (now + wait) % 1.0
        if self._ticker is not None and out_of_phase(phase, self._phase) < TICK_SLACK_S:
            return
        self._stop_ticking()
        self._phase = phase
        self._ticker = self.set_timer(wait, self._start_ticking)

    def _start_ticking(self) -> None:
        self._ticker = self.set_interval(1.0, self._tick)
        self._tick()

    def _stop_ticking(self) -> None:
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None

    def show_snapshot(self, snapshot: Snapshot, now: float, *, cover: bool = True) -> None:
        """The last-known playback from the previous run, dimmed and marked, until the
        first answer from Spotify replaces it (see :meth:`watch_state`)."""
        art = self.query_one(AlbumArt)
        art.set_class(not cover, "-off")
        if cover and snapshot.cover is not None:
            art.picture = snapshot.cover
        stale = snapshot.stale(now)
        self._mark({"-unconfirmed": True, "-last-played": stale, "-empty": False})
        if stale:
            word = "Last played · checking Spotify…"
        else:
            word = ("▶ Playing" if snapshot.is_playing else "⏸ Paused") + " · checking Spotify…"
        for widget_id, text in (
            ("state-line", word),
            ("title", snapshot.title),
            ("artists", snapshot.artists),
            ("album", snapshot.album),
            ("details", f"On {snapshot.device}" if snapshot.device else ""),
        ):
            self._put(widget_id, text)
        position = snapshot.progress_ms if stale else snapshot.position(now)
        self._bar.show(position, snapshot.duration_ms)

    def watch_state(self, state: PlayerState) -> None:
        playback = state.playback
        word, hint = describe(playback, self._key)
        if state.skipping:
            word = "⏭ Skipping…"
        self._mark(
            {
                "-unconfirmed": False,
                "-last-played": False,
                "-playing": playback is not None and playback.is_playing,
                "-empty": playback is None or playback.item is None,
            }
        )
        title, artists, album = item_lines(playback)
        for widget_id, text in (
            ("state-line", word),
            ("hint", hint),
            ("title", title),
            ("artists", artists),
            ("album", album),
            ("details", self._details(playback)),
        ):
            self._put(widget_id, text)
        self._tick()

    def _mark(self, classes: dict[str, bool]) -> None:
        """Set or clear the view's classes with one restyle of its children, not one
        per class (the first answer clears two and may set two)."""
        before = set(self.classes)
        after = {name for name in before if name not in classes}
        after.update(name for name, on in classes.items() if on)
        if after != before:
            self.set_classes(after)

    def _put(self, widget_id: str, text: str) -> None:
        """Update a line only when its text changed: a poll that changes nothing
        costs no repaint."""
        if self._shown.get(widget_id) != text:
            self._shown[widget_id] = text
            self.query_one(f"#{widget_id}", Static).update(plain(text))

    def watch_liked(self, liked: bool | None) -> None:
        text = {True: "♥ In your library", False: "♡ Not in your library", None: ""}[liked]
        label = self.query_one("#liked", Label)
        label.update(text)
        label.set_class(bool(liked), "-liked")

    def watch_status(self, status: str) -> None:
        self._put("status", status)
        self.set_class(bool(status), "-trouble")

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
