"""Small helpers shared by the tests."""

from __future__ import annotations

import asyncio
import html
import json
import os
import random
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from textual.color import Color

from spotui.config import Config
from spotui.services import Services
from spotui.tui.app import SpotuiApp
from spotui.tui.screens.main import MainScreen
from spotui.tui.widgets.table import RowsTable

ROOT = Path(__file__).resolve().parent.parent
EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_NOTHING, EXIT_SIGNED_OUT = 0, 1, 2, 3, 4
NO_LRCLIB = "http://127.0.0.1:9"  # refused: where LRCLIB is when a test serves no fake


def free_port() -> int:
    """A free port for a callback server, outside the kernel's ephemeral range.

    A port from ``bind(0)`` is free only until something else binds: a server on port
    0 in this run, or in a test run beside it (CI runs two), may take it before the
    test does. Below the ephemeral range no ``bind(0)`` hands it out;
    ``SPOTUI_TEST_PORTS=LOW-HIGH`` gives each run beside another its own range, and
    each pytest-xdist worker of a run takes its own slice of it.
    """
    low, high = (int(n) for n in os.environ.get("SPOTUI_TEST_PORTS", "20000-25999").split("-"))
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if workers > 1:
        worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
        size = (high - low + 1) // workers
        low, high = low + worker * size, low + (worker + 1) * size - 1
    for port in random.sample(range(low, high + 1), 200):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {low}-{high}")


def plain(svg: str) -> str:
    """The text of a Textual SVG screenshot, with its non-breaking spaces as spaces."""
    lines = re.findall(r"<text[^>]*>(.*?)</text>", svg)
    return html.unescape("".join(lines)).replace("\xa0", " ")


async def until(pilot, condition: Callable[[], bool], timeout: float = 6.0) -> None:
    """Wait for ``condition`` while the app runs, then let the screen settle."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "timed out waiting for the screen"
        await pilot.pause(0.02)
    await pilot.pause()  # let a new screen finish mounting


def demo(config: Config | None = None, **fake_options) -> SpotuiApp:
    """The app on the demo's in-process fake (``fake_options``: its knobs)."""
    return SpotuiApp(Services.demo_mode(**fake_options), config or Config())


def screen_text(app: SpotuiApp) -> str:
    """What the terminal shows, as plain text."""
    return plain(app.export_screenshot())


async def started(pilot) -> MainScreen:
    """Wait for the main screen and Spotify's first answer on it."""
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, MainScreen))
    screen = app.screen
    await until(pilot, lambda: screen.state.received_at > 0)  # Spotify has answered
    return screen


async def open_tab(pilot, key: str, tab: str) -> RowsTable:
    """Press ``key`` and wait for the table of the tab's ``#{tab}-view`` to have rows."""
    app = pilot.app
    await pilot.press(key)
    await until(pilot, lambda: bool(app.screen.query(f"#{tab}-view RowsTable")))
    table = app.screen.query_one(f"#{tab}-view RowsTable", RowsTable)
    await until(pilot, lambda: table.row_count > 0)
    return table


def luminance(color: Color) -> float:
    """WCAG's relative luminance."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)


def contrast(a: Color, b: Color) -> float:
    """WCAG's contrast ratio of two colours (1 to 21)."""
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def runtime(tmp_path: Path) -> str:
    """A runtime folder as the system makes one (0700: platformdirs ignores any other)."""
    folder = tmp_path / "run"
    folder.mkdir(mode=0o700)
    return str(folder)


def subprocess_env(tmp_path: Path, api_url: str, accounts_url: str) -> dict[str, str]:
    """An environment for spotui as a subprocess: the fake's URLs, a file keyring,
    empty platform folders, and no SPOTIFY_* variables."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SPOTIFY_", "XDG_"))}
    return {
        **clean,
        "SPOTUI_API_URL": api_url,
        "SPOTUI_ACCOUNTS_URL": accounts_url,
        "SPOTUI_LRCLIB_URL": NO_LRCLIB,  # never the real one; a test serves the fake
        "PYTHON_KEYRING_BACKEND": "tests.keyrings.FileKeyring",
        "SPOTUI_TEST_KEYRING": str(tmp_path / "keyring.json"),
        "PYTHONPATH": str(ROOT),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
    }


def expire_access_token(env: dict[str, str]) -> dict[str, str]:
    """Make the access token in the file keyring stale, so the next call refreshes.
    Returns the keyring's contents as they were."""
    keyring_file = Path(env["SPOTUI_TEST_KEYRING"])
    stored = json.loads(keyring_file.read_text())
    access = json.loads(stored["spotui/access_token"])
    access["expires_at"] = time.time() - 1
    keyring_file.write_text(json.dumps({**stored, "spotui/access_token": json.dumps(access)}))
    return stored


def spotui(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "spotui", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=30,
    )


def ok(result: subprocess.CompletedProcess[str], code: int = EXIT_OK) -> str:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


def start_spotui(*args: str, env: dict[str, str], **options) -> subprocess.Popen[str]:
    """spotui as a running subprocess with pipes on stdin, stdout and stderr."""
    pipes = {"stdin": subprocess.PIPE, "stdout": subprocess.PIPE, "stderr": subprocess.PIPE}
    return subprocess.Popen(
        [sys.executable, "-m", "spotui", *args],
        text=True,
        env=env,
        cwd=ROOT,
        **{**pipes, **options},
    )
