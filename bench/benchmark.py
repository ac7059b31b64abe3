"""spotui's performance, measured as a user feels it. Prints each figure beside its target.

    pip install -e '.[bench]' && python bench/benchmark.py [--quick] [--soak MINUTES]

The real app runs in a pseudo-terminal (120x40) against the fake Spotify served
over 127.0.0.1 by ``python -m spotui.fake`` in another process; a VT emulator
(pyte) reads the screen. Machine-dependent figures are ratios against a floor
measured in the same run. ``--quick`` shortens the 60 s windows to 15 s (for a
smoke run; the figures it prints are not the ones the targets speak of).
``--soak MINUTES`` runs the memory soak instead (``bench/soak.py``): the RSS slope
after a 10-minute warm-up, over 60 minutes, against a target of under 0.5 MB an hour.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import pty
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pyte

ROOT = Path(__file__).resolve().parent.parent
COLUMNS, LINES = 120, 40
LYRICS_CPU_POINTS = 0.1  # the lyrics view may cost this much more than the Now tab
PLAYING_CPU_POINTS = 0.2  # a playing track may cost this much more than the ticking bare app
PAUSED_CPU_POINTS = 0.1  # and paused, this much more than the idle bare app (issue 34)
CHORES_CPU_S = 0.5  # the start's chores (history sync, the day's snapshot) at most
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
NO_BYTECODE = bool(os.environ.get("PYTHONDONTWRITEBYTECODE"))
BARE_APP = """
from textual.app import App
from textual.widgets import Label

class Bare(App):
    def compose(self):
        yield Label("bare-app-ready")

Bare().run()
"""

# The floor for the CPU figures: a bare app idle, then (after "t") repainting one line
# each second, as spotui's time bar does while a track plays.
BARE_TICKING_APP = """
from textual.app import App
from textual.widget import Widget

class Line(Widget):
    DEFAULT_CSS = "Line { height: 1; }"
    seconds = 0

    def render(self):
        return f"bare-app-ready {self.seconds}"

class Bare(App):
    BINDINGS = [("t", "tick", "")]

    def compose(self):
        yield Line()

    def action_tick(self):
        line = self.query_one(Line)

        def tick():
            line.seconds += 1
            line.refresh()

        self.set_interval(1, tick)

Bare().run()
"""


# --- the fake, in its own process ---------------------------------------------------


class Fake:
    """``python -m spotui.fake`` on a free port, with its control endpoints."""

    def __init__(self, *args: str):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "spotui.fake", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            cwd=ROOT,
        )
        self.url = self.process.stdout.readline().strip()
        self.http = httpx.Client(base_url=self.url, timeout=10)
        self.tokens = self.http.post("/_fake/sign-in").json()

    def knobs(self, **knobs: object) -> None:
        self.http.post("/_fake/knobs", json=knobs).raise_for_status()

    def state(self) -> dict:
        return self.http.get("/_fake/state").json()

    def player_requests(self) -> int:
        return self.http.get("/_fake/stats").json()["player_requests"]

    def api(self, method: str, path: str, **params: object) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.tokens['access_token']}"}
        return self.http.request(method, f"/v1{path}", params=params, headers=headers)

    def env(self, home: Path) -> dict[str, str]:
        """Signed in through the environment, with fresh platform folders."""
        clean = {k: v for k, v in os.environ.items() if not k.startswith(("SPOTIFY_", "XDG_"))}
        return {
            **clean,
            "TERM": "xterm-256color",
            "SPOTUI_API_URL": f"{self.url}/v1",
            "SPOTUI_ACCOUNTS_URL": self.url,
            "SPOTIFY_CLIENT_ID": "5f2c0e8a9b7d4c1e8f3a6b9d0c2e4f61",
            "SPOTIFY_REFRESH_TOKEN": self.tokens["refresh_token"],
            "SPOTIFY_ACCESS_TOKEN": self.tokens["access_token"],
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_CACHE_HOME": str(home / "cache"),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_STATE_HOME": str(home / "state"),
        }

    def close(self) -> None:
        self.http.close()
        self.process.terminate()
        self.process.wait(5)


# --- a program in a pseudo-terminal, read through a VT emulator -------------------------


def _controlling_tty() -> None:
    """In the child: a session of its own with the pty as its terminal, as a shell gives.
    Closing the pty then sends SIGHUP, so a stray app cannot outlive the benchmark."""
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def _display(screen: pyte.Screen) -> str:
    """The screen's text. pyte's own ``display`` fails on a cell that holds a zero-width
    character, so read the buffer directly."""
    return "\n".join(
        "".join(screen.buffer[y][x].data for x in range(screen.columns))
        for y in range(screen.lines)
    )


@dataclass
class _Waiter:
    predicate: Callable[[str], bool]
    done: threading.Event = field(default_factory=threading.Event)
    at: float = 0.0


class Terminal:
    """Runs a command in a 120x40 pty; knows when text first appeared on its screen."""

    opened: list[Terminal] = []  # closed at exit, whatever happened

    def __init__(self, command: list[str], env: dict[str, str]):
        self.screen = pyte.Screen(COLUMNS, LINES)
        self.stream = pyte.ByteStream(self.screen)
        self.lock = threading.Lock()
        self.waiters: list[_Waiter] = []
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
        self.master = master
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            command,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=ROOT,
            preexec_fn=_controlling_tty,
        )
        os.close(slave)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        Terminal.opened.append(self)

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            now = time.monotonic()
            with self.lock:
                self.stream.feed(chunk)
                text = _display(self.screen)
                for waiter in self.waiters:
                    if not waiter.done.is_set() and waiter.predicate(text):
                        waiter.at = now
                        waiter.done.set()

    def text(self) -> str:
        with self.lock:
            return _display(self.screen)

    def watch(self, predicate: Callable[[str], bool]) -> _Waiter:
        """Start watching for ``predicate`` now (before the action that should cause it)."""
        waiter = _Waiter(predicate)
        with self.lock:
            if predicate(_display(self.screen)):
                waiter.at = time.monotonic()
                waiter.done.set()
            self.waiters.append(waiter)
        return waiter

    def wait(self, waiter: _Waiter, timeout: float = 20.0) -> float:
        if not waiter.done.wait(timeout):
            raise TimeoutError(f"not on screen in {timeout} s:\n{self.text()}")
        return waiter.at

    def wait_text(self, text: str, timeout: float = 20.0) -> float:
        return self.wait(self.watch(lambda screen: text in screen), timeout)

    def press(self, keys: bytes) -> float:
        at = time.monotonic()
        os.write(self.master, keys)
        return at

    def rss_mb(self) -> float:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return float("nan")

    def cpu_s(self) -> float:
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    def close(self) -> None:
        if self.master < 0:
            return
        if self.process.poll() is None:
            os.write(self.master, b"q")
            try:
                self.process.wait(3)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        os.close(self.master)
        self.master = -1


# --- the figures --------------------------------------------------------------------


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    target: str
    ok: bool
    note: str = ""


def spotui_command() -> list[str]:
    return [sys.executable, "-m", "spotui"]


def startup(fake: Fake, home: Path, runs: int, env_changes: dict[str, str | None]) -> list[Figure]:
    """Launch to the first frame (from the last run's snapshot), to the confirmed playing
    title, and to the wizard, each against a bare Textual app painting one label, the
    runs interleaved so that a slower moment of the machine touches all alike."""
    env = {**fake.env(home), **env_changes}
    env = {key: value for key, value in env.items() if value is not None}
    signed_out = {k: v for k, v in env.items() if not k.startswith("SPOTIFY_")}
    signed_out["XDG_DATA_HOME"] = str(home / "wizard-data")
    signed_out["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    cache = home / "cache"
    warm = Terminal(spotui_command(), env)  # leaves a snapshot (and any bytecode) behind
    warm.wait_text("Cherish")
    time.sleep(1)
    warm.press(b"q")
    warm.process.wait(10)
    warm.close()
    assert (cache / "spotui" / "now-playing.json").exists(), "no snapshot was written"
    bare_times, first_times, confirmed_times, wizard_times = [], [], [], []
    for _ in range(runs):
        bare = Terminal([sys.executable, "-c", BARE_APP], env)
        bare_times.append(bare.wait_text("bare-app-ready") - bare.started)
        bare.close()
        kept = json.loads((cache / "spotui" / "now-playing.json").read_text())["snapshot"]
        # The fake plays on: the track may have changed, or change during the launch.
        state = fake.state()
        playing = (state["name"], state["next_name"])
        app = Terminal(spotui_command(), env)
        first = app.watch(lambda screen, title=kept["title"]: title in screen)
        confirmed = app.watch(
            lambda screen, titles=playing: (
                any(t in screen for t in titles) and "checking" not in screen
            )
        )
        first_times.append(app.wait(first) - app.started)
        confirmed_times.append(app.wait(confirmed) - app.started)
        app.close()
        wizard = Terminal(spotui_command(), signed_out)
        wizard_times.append(wizard.wait_text("Sign in to Spotify") - wizard.started)
        wizard.close()
    floor = statistics.median(bare_times)

    def ratio(name: str, times: list[float], target: float) -> Figure:
        value = statistics.median(times) / floor
        return Figure(
            name,
            value,
            "× bare",
            f"≤ {target}× a bare Textual app",
            value <= target,
            f"median {statistics.median(times) * 1000:.0f} ms, min {min(times) * 1000:.0f}, "
            f"max {max(times) * 1000:.0f}; bare app median {floor * 1000:.0f} ms, "
            f"min {min(bare_times) * 1000:.0f}, max {max(bare_times) * 1000:.0f}",
        )

    cached = "PYTHONDONTWRITEBYTECODE" not in env
    how = f"median of {runs}, bytecode {'cached' if cached else 'not written'}"
    return [
        ratio(f"start-up: first frame, last track from the snapshot ({how})", first_times, 1.3),
        ratio(f"start-up: the confirmed playing title ({how})", confirmed_times, 1.6),
        ratio(f"start-up: the wizard, no sign-in ({how})", wizard_times, 1.3),
    ]


def cpu_floor(window: float) -> tuple[float, float]:
    """CPU of a bare Textual app over ``window`` seconds: idle, then repainting a line
    each second. Textual's own input thread wakes ten times a second, so neither is 0."""
    bare = Terminal([sys.executable, "-c", BARE_TICKING_APP], dict(os.environ))
    try:
        bare.wait_text("bare-app-ready")
        time.sleep(2)
        before = bare.cpu_s()
        time.sleep(window)
        idle = (bare.cpu_s() - before) / window * 100
        bare.press(b"t")
        bare.wait_text("bare-app-ready 1")
        before = bare.cpu_s()
        time.sleep(window)
        ticking = (bare.cpu_s() - before) / window * 100
    finally:
        bare.close()
    return idle, ticking


SIDE_PROCESSES: list[subprocess.Popen[str]] = []  # ended at exit, whatever happened


def side_process(*argv: str) -> str:
    """Start a helper (a bus, a fake) beside the app; the first line it prints."""
    process = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT
    )
    SIDE_PROCESSES.append(process)
    assert process.stdout is not None
    return process.stdout.readline().strip()


def desktop_env(fake: Fake, home: Path) -> dict[str, str]:
    """The app's environment with MPRIS and notifications on (its config file), on a
    session bus of the benchmark's own (the user's is left alone), with a fake LRCLIB."""
    config = home / "config" / "spotui"
    config.mkdir(parents=True)
    (config / "config.toml").write_text("mpris = true\nnotify = true\n")
    bus = side_process("dbus-daemon", "--session", "--nofork", "--print-address")
    lrclib = side_process(sys.executable, "-m", "spotui.fake.lrclib", "--port", "0")
    return {**fake.env(home), "DBUS_SESSION_BUS_ADDRESS": bus, "SPOTUI_LRCLIB_URL": lrclib}


def mpris_listed(bus: str) -> bool:
    """Is ``org.mpris.MediaPlayer2.spotui`` (the app's player) on the session bus ``bus``?"""
    found = subprocess.run(
        ["busctl", "--address", bus, "list", "--acquired"], capture_output=True, text=True
    )
    return "org.mpris.MediaPlayer2.spotui" in found.stdout


def settle(app: Terminal, quiet: float = 0.03, seconds: int = 3, most: int = 30) -> float:
    """Wait, from the title, until the start's chores are done (the cover, the liked
    check, the history sync and the day's first snapshot): ``seconds`` seconds in a row
    each using under ``quiet`` s of CPU, at most ``most`` seconds. The CPU used from the
    title until then, in seconds."""
    began = before = app.cpu_s()
    calm = 0
    for _ in range(most):
        time.sleep(1)
        now = app.cpu_s()
        calm = calm + 1 if now - before < quiet else 0
        before = now
        if calm >= seconds:
            break
    return before - began


def steady(
    fake: Fake, home: Path, window: float, floor: tuple[float, float]
) -> tuple[list[Figure], Terminal]:
    """Memory, CPU and requests while a track plays; ``floor`` is :func:`cpu_floor`'s.
    The app runs with the desktop on (MPRIS and notifications, on a bus of its own), so
    the request figure shows that they add none. The windows start once the start's
    chores are done (a day's first start reads the whole library once); what they cost
    is a figure of its own."""
    bare_idle, bare_ticking = floor
    env = desktop_env(fake, home)
    bus = env["DBUS_SESSION_BUS_ADDRESS"]
    app = Terminal(spotui_command(), env)
    app.wait_text("Cherish")
    chores = settle(app)
    mpris = mpris_listed(bus)
    requests_before, cpu_before = fake.player_requests(), app.cpu_s()
    time.sleep(window)
    requests = (fake.player_requests() - requests_before) * 60 / window
    cpu = (app.cpu_s() - cpu_before) / window * 100
    rss = app.rss_mb()
    lyrics, sung = lyrics_cpu(fake, app, window)
    paused = app.watch(lambda screen: "Paused" in screen)
    app.press(b" ")
    app.wait(paused)
    time.sleep(2)
    cpu_before = app.cpu_s()
    time.sleep(window)
    idle = (app.cpu_s() - cpu_before) / window * 100
    resumed = app.watch(lambda screen: "Playing" in screen)
    app.press(b" ")
    app.wait(resumed)
    return [
        Figure(f"memory (RSS) after {window:.0f} s of playback", rss, "MB", "≤ 60 MB", rss <= 60),
        Figure(
            "CPU of the start's chores, a day's first start (library of 500)",
            chores,
            "s",
            f"≤ {CHORES_CPU_S} s",
            chores <= CHORES_CPU_S,
            "from the title until 3 quiet seconds: the cover, the history sync, the day's snapshot",
        ),
        Figure(
            f"CPU while a track plays ({window:.0f} s)",
            cpu,
            "% of a core",
            f"≤ bare + {PLAYING_CPU_POINTS}",
            cpu <= bare_ticking + PLAYING_CPU_POINTS,
            f"a bare Textual app repainting one line each second: {bare_ticking:.2f}%",
        ),
        Figure(
            f"CPU while a track plays, the lyrics showing ({window:.0f} s)",
            lyrics,
            "% of a core",
            f"≤ the Now tab's + {LYRICS_CPU_POINTS}",
            lyrics - cpu <= LYRICS_CPU_POINTS and sung,
            f"the Now tab without lyrics: {cpu:.2f}%"
            + ("" if sung else "; MISSING: no lyric line on screen"),
        ),
        Figure(
            f"CPU while paused ({window:.0f} s)",
            idle,
            "% of a core",
            f"≤ bare + {PAUSED_CPU_POINTS}",
            idle <= bare_idle + PAUSED_CPU_POINTS,
            f"a bare Textual app, idle: {bare_idle:.2f}%",
        ),
        Figure(
            "player requests a minute in steady playback, MPRIS and notifications on",
            requests,
            "/min",
            "≤ 12",
            requests <= 12 and mpris,
            "the MPRIS player was on the bus" if mpris else "MISSING: no MPRIS player on the bus",
        ),
    ], app


def lyrics_cpu(fake: Fake, app: Terminal, window: float) -> tuple[float, bool]:
    """CPU on the Now tab with the lyrics showing ("L"), hidden again after; and whether a
    line of the fake LRCLIB's made-up lyrics was on screen. Cherish (2:31) is sought back
    to its start first, as from another device, so that one track plays all the window."""
    from spotui.fake.lrclib import FakeLrclib

    (record,) = [r for r in FakeLrclib().records if r["trackName"] == "Cherish"]
    words = record["plainLyrics"].splitlines()
    fake.api("PUT", "/me/player/seek", position_ms=5_000)
    time.sleep(6)  # the app learns of the seek at its next poll
    shown = app.watch(lambda screen: any(line in screen for line in words))
    app.press(b"L")
    try:
        app.wait(shown)
        sung = True
    except TimeoutError:
        sung = False
    time.sleep(2)
    cpu_before = app.cpu_s()
    time.sleep(window)
    cpu = (app.cpu_s() - cpu_before) / window * 100
    app.press(b"L")
    return cpu, sung


def track_end(fake: Fake, app: Terminal) -> Figure:
    """Seek near the end (as another device would), then time the next title's arrival."""
    state = fake.state()
    fake.api("PUT", "/me/player/seek", position_ms=state["duration_ms"] - 8000)
    time.sleep(6)  # the app learns of the seek at its next poll, and plans the end
    state = fake.state()
    ends_at = time.monotonic() + (state["duration_ms"] - state["position_ms"]) / 1000
    shown = app.wait_text(state["next_name"], timeout=15)
    late = shown - ends_at
    return Figure(
        "natural track end to the next title on screen", late, "s", "≤ 1.0 s", late <= 1.0
    )


def remote_skip(fake: Fake, app: Terminal) -> Figure:
    time.sleep(1)
    coming = fake.state()["next_name"]
    waiter = app.watch(lambda screen: coming in screen)
    started = time.monotonic()
    fake.http.post("/_fake/remote-skip")
    delay = app.wait(waiter, timeout=20) - started
    return Figure("a skip made on another device, to the screen", delay, "s", "≤ 5 s", delay <= 5)


def optimistic_pause(fake: Fake, app: Terminal) -> Figure:
    fake.knobs(latency_ms=300)
    time.sleep(1)
    waiter = app.watch(lambda screen: "Paused" in screen)
    pressed = app.press(b" ")
    delay = (app.wait(waiter) - pressed) * 1000
    time.sleep(1)
    fake.knobs(latency_ms=0)
    return Figure(
        "space to 'Paused' on screen, 300 ms API latency", delay, "ms", "≤ 50 ms", delay <= 50
    )


def library(home: Path) -> list[Figure]:
    """10,000 saved tracks at 40 ms a request."""
    fake = Fake("--library-size", "10000", "--latency-ms", "40")
    try:
        first_title = fake.api("GET", "/me/tracks", limit=1).json()["items"][0]["track"]["name"]
        total = fake.api("GET", "/me/tracks", limit=1).json()["total"]
        app = Terminal(spotui_command(), fake.env(home / "lib1"))
        app.wait_text("Cherish")
        time.sleep(1)
        first = app.watch(lambda screen: first_title in screen and "saved tracks" in screen)
        everything = app.watch(
            lambda screen: f"{total:,} saved tracks" in screen and "Loading" not in screen
        )
        pressed = app.press(b"5")
        first_at = app.wait(first, 10) - pressed
        all_at = app.wait(everything, 30) - pressed
        time.sleep(1)
        rss = app.rss_mb()
        app.close()

        app = Terminal(spotui_command(), fake.env(home / "lib2"))
        app.wait_text("Cherish")
        time.sleep(1)
        first = app.watch(lambda screen: first_title in screen)
        app.press(b"5")
        app.wait(first, 10)
        time.sleep(0.2)  # mid-load
        loading = "Loading" in app.text()
        latencies = []
        for key, sign in (
            (b"1", "Playing · Track"),
            (b"5", "saved tracks"),
            (b"1", "Playing · Track"),
            (b"5", "saved tracks"),
            (b"1", "Playing · Track"),
        ):
            shown = app.watch(lambda screen, sign=sign: sign in screen)
            pressed = app.press(key)
            latencies.append((app.wait(shown, 10) - pressed) * 1000)
            time.sleep(0.05)
        still_loading = "Loading" in app.text() or loading
        key_at = statistics.median(latencies)
        app.close()
    finally:
        fake.close()
    return [
        Figure(
            f"library of {total:,} at 40 ms/request: first page on screen",
            first_at,
            "s",
            "≤ 0.5 s",
            first_at <= 0.5,
        ),
        Figure(f"the same library: all {total:,} loaded", all_at, "s", "≤ 3 s", all_at <= 3),
        Figure(
            "the same library: a key pressed during the load, to the screen",
            key_at,
            "ms",
            "≤ 100 ms",
            key_at <= 100,
            f"median of 5 presses, slowest {max(latencies):.0f} ms"
            + ("" if still_loading else "; the load had ended before the last"),
        ),
        Figure(f"memory with the {total:,}-track library loaded", rss, "MB", "≤ 75 MB", rss <= 75),
    ]


def history(home: Path, plays: int = 300_000) -> list[Figure]:
    """Ten years of a heavy listener: a generated export of ``plays`` in Spotify's layout
    (both kinds of file), imported, then read for every stats window and on screen."""
    from spotui.fake import export as fake_export

    folder = home / "history"
    folder.mkdir()
    zipped = folder / "my_spotify_data.zip"
    files = fake_export.export(plays, tracks=5_000, malformed=5, per_day=100, account_data=True)
    fake_export.write(files, zipped)
    fake = Fake("--library-size", "500")
    try:
        env = fake.env(folder / "home")
        command = [*spotui_command(), "history", "import", str(zipped)]
        started = time.perf_counter()
        first = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
        import_s = time.perf_counter() - started
        assert first.returncode == 0, first.stderr
        started = time.perf_counter()
        again = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
        again_s = time.perf_counter() - started
        database = folder / "home" / "data" / "spotui" / "history.sqlite3"
        size = sum(
            p.stat().st_size for p in database.parent.iterdir() if p.name.startswith(database.name)
        )
        windows = _stats_windows(database)
        cli = _stats_commands(env)
        sync = [*spotui_command(), "history", "sync"]
        subprocess.run(sync, env=env, cwd=ROOT, capture_output=True, check=True)
        before = sum(fake.http.get("/_fake/stats").json()["requests"].values())
        subprocess.run(sync, env=env, cwd=ROOT, capture_output=True, check=True)
        sync_requests = sum(fake.http.get("/_fake/stats").json()["requests"].values()) - before
        app = Terminal(spotui_command(), env)
        app.wait_text("Cherish")
        time.sleep(5)  # the first sync (3 s after start) has read the tab ahead
        shown = app.watch(lambda screen: "Top tracks by plays" in screen and "1 " in screen)
        pressed = app.press(b"8")
        tab_ms = (app.wait(shown, 10) - pressed) * 1000
        app.close()
    finally:
        fake.close()
    slowest = max(windows, key=windows.__getitem__)
    slowest_cli = max(cli, key=cli.__getitem__)
    added = first.stdout.strip()
    return [
        Figure(
            f"history: import {plays:,} plays (zip, both kinds of file)",
            import_s,
            "s",
            "≤ 10 s",
            import_s <= 10,
            added,
        ),
        Figure(
            "history: the same import again",
            again_s,
            "s",
            "adds 0",
            "0 plays added" in again.stdout,
            again.stdout.strip().split(" · ")[1],
        ),
        Figure("history: database size", size / 1e6, "MB", "≤ 120 MB", size <= 120e6),
        Figure(
            "history: slowest stats window (median of 3)",
            windows[slowest],
            "ms",
            "≤ 150 ms",
            windows[slowest] <= 150,
            ", ".join(f"{name} {ms:.0f}" for name, ms in windows.items()),
        ),
        Figure(
            "history: `history stats`/`top`, slowest window, over `--version` (median of 5)",
            cli[slowest_cli],
            "ms",
            "≤ 150 ms",
            cli[slowest_cli] <= 150,
            ", ".join(f"{name} {ms:.0f}" for name, ms in cli.items()),
        ),
        Figure(
            "history: key 8 to the Stats tab on screen", tab_ms, "ms", "≤ 400 ms", tab_ms <= 400
        ),
        Figure(
            "history: a sync with nothing new",
            sync_requests,
            "requests",
            "exactly 1",
            sync_requests == 1,
        ),
    ]


def _stats_windows(database: Path) -> dict[str, float]:
    from spotui.history.db import Archive
    from spotui.history.stats import WINDOWS, Window, compute, today

    archive = Archive(database)
    now = today(int(time.time() * 1000))
    windows = {name: Window.named(name, now) for name in WINDOWS}
    windows["custom 3 y"] = Window("custom", now - 3 * 365 - 17, now - 40)
    found = {}
    for name, window in windows.items():
        times = []
        for _ in range(3):
            started = time.perf_counter()
            compute(archive, window)
            times.append((time.perf_counter() - started) * 1000)
        found[name] = statistics.median(times)
    archive.close()
    return found


def _stats_commands(env: dict[str, str], runs: int = 5) -> dict[str, float]:
    """What `history stats --json` and `history top` cost for each window beyond what
    `spotui --version` costs (ms, medians of ``runs``, taken in turns)."""
    from spotui.history.stats import WINDOWS

    commands = {"--version": ["--version"]}
    for name in WINDOWS:
        commands[f"stats {name}"] = ["history", "stats", "--window", name, "--json"]
        commands[f"top {name}"] = ["history", "top", "tracks", "--window", name]
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, args in commands.items():
            started = time.perf_counter()
            subprocess.run(
                [*spotui_command(), *args], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, check=True
            )
            times[name].append((time.perf_counter() - started) * 1000)
    floor = statistics.median(times.pop("--version"))
    return {name: statistics.median(found) - floor for name, found in times.items()}


def _median_run(command: list[str], env: dict[str, str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def now_json(fake: Fake, home: Path, runs: int) -> list[Figure]:
    """`spotui now --json` with a cached access token, against python + httpx + one request."""
    env = fake.env(home / "now")
    headers = {"Authorization": f"Bearer {fake.tokens['access_token']}"}
    floor = _median_run(
        [
            sys.executable,
            "-c",
            f"import httpx; httpx.get({fake.url + '/v1/me/player'!r}, headers={headers!r})",
        ],
        env,
        runs,
    )
    from_env = _median_run([*spotui_command(), "now", "--json"], env, runs)
    keyring_file = home / "keyring.json"
    keyring_file.write_text(
        json.dumps(
            {
                "spotui/refresh_token": fake.tokens["refresh_token"],
                "spotui/access_token": json.dumps(
                    {
                        "access_token": fake.tokens["access_token"],
                        "expires_at": time.time() + 3000,
                        "lifetime_s": 3600,
                        "scope": "",
                    }
                ),
            }
        )
    )
    (home / "now" / "state" / "spotui").mkdir(parents=True, exist_ok=True)
    (home / "now" / "state" / "spotui" / "account.json").write_text(
        json.dumps({"client_id": "5f2c0e8a9b7d4c1e8f3a6b9d0c2e4f61", "callback_port": 8888})
    )
    keyring_env = {k: v for k, v in env.items() if not k.startswith("SPOTIFY_")}
    keyring_env.update(
        PYTHON_KEYRING_BACKEND="tests.keyrings.FileKeyring",
        SPOTUI_TEST_KEYRING=str(keyring_file),
        PYTHONPATH=str(ROOT),
    )
    from_keyring = _median_run([*spotui_command(), "now", "--json"], keyring_env, runs)
    return [
        Figure(
            "`spotui now --json`, token cached in a keyring",
            from_keyring / floor,
            "× floor",
            "≤ 1.5× (python -c 'import httpx' + one request)",
            from_keyring / floor <= 1.5,
            f"{from_keyring * 1000:.0f} ms vs floor {floor * 1000:.0f} ms (median of {runs})",
        ),
        Figure(
            "`spotui now --json`, token from SPOTIFY_ACCESS_TOKEN",
            from_env / floor,
            "× floor",
            "≤ 1.5×",
            from_env / floor <= 1.5,
            f"{from_env * 1000:.0f} ms vs floor {floor * 1000:.0f} ms",
        ),
    ]


def report(figures: list[Figure]) -> None:
    width = max(len(f.name) for f in figures)
    print()
    print(f"{'figure'.ljust(width)}  {'measured':>16}  target")
    print(f"{'-' * width}  {'-' * 16}  {'-' * 40}")
    for f in figures:
        value = f"{f.value:.2f} {f.unit}" if f.value < 100 else f"{f.value:.0f} {f.unit}"
        mark = "ok  " if f.ok else "MISS"
        print(
            f"{f.name.ljust(width)}  {value:>16}  {mark} {f.target}"
            + (f"  ({f.note})" if f.note else "")
        )
    print(f"\n{sum(f.ok for f in figures)} of {len(figures)} figures meet their targets.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="15 s windows, 3 runs")
    parser.add_argument("--soak", type=float, metavar="MINUTES", help="the memory soak instead")
    parser.add_argument("--no-history", action="store_true", help="leave out the history")
    parser.add_argument("--history", action="store_true", help="the history figures alone")
    args = parser.parse_args()
    if args.history:
        with tempfile.TemporaryDirectory() as folder:
            report(history(Path(folder), 30_000 if args.quick else 300_000))
        return 0
    if args.soak is not None:
        sys.path.insert(0, str(ROOT / "bench"))
        import soak

        return soak.main(["--minutes", str(args.soak)])
    window = 15.0 if args.quick else 60.0
    runs = 3 if args.quick else 9
    print(
        f"Python {sys.version.split()[0]} ({sys.implementation.name}); "
        f"PYTHONDONTWRITEBYTECODE {'set' if NO_BYTECODE else 'unset'}",
        flush=True,
    )
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        fake = Fake("--library-size", "500")
        try:
            print(f"start-up ({runs} runs each)…", flush=True)
            figures += startup(fake, home / "start", runs, {})
            if NO_BYTECODE:  # a user's installed copy has its bytecode: measure that too
                print("start-up with PYTHONDONTWRITEBYTECODE unset…", flush=True)
                unset: dict[str, str | None] = {"PYTHONDONTWRITEBYTECODE": None}
                figures += startup(fake, home / "start-pyc", runs, unset)
        finally:
            fake.close()
        print(
            f"CPU floor: a bare Textual app, idle then ticking ({window:.0f} s each)…", flush=True
        )
        floor = cpu_floor(window)  # alone: nothing else runs beside it
        # A fresh fake after the floor (Cherish, 2:31 long, must still be playing).
        fake = Fake("--library-size", "500")
        try:
            print(f"steady playback ({window:.0f} s)…", flush=True)
            found, app = steady(fake, home / "steady", window, floor)
            figures += found
            try:
                print("track end, remote skip, optimistic pause…", flush=True)
                figures.append(track_end(fake, app))
                figures.append(remote_skip(fake, app))
                figures.append(optimistic_pause(fake, app))
            finally:
                app.close()
            print("spotui now --json…", flush=True)
            figures += now_json(fake, home, 15 if not args.quick else 7)
        finally:
            fake.close()
        print("library of 10,000…", flush=True)
        figures += library(home)
        if not args.no_history:
            print("history of 300,000 plays…", flush=True)
            figures += history(home, 30_000 if args.quick else 300_000)
    report(figures)
    return 0


def _close_all() -> None:
    for terminal in Terminal.opened:
        terminal.close()
    for process in SIDE_PROCESSES:
        if process.poll() is None:
            process.terminate()
            process.wait(5)


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    finally:
        _close_all()
