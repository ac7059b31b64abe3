"""Losing the terminal ends spotui, at any moment of its run (issue 26)."""

from __future__ import annotations

import asyncio
import os
import pty
import select
import signal
import sys
import threading
import time

import pytest

from spotui.tui.terminal import TerminalDriver

from .helpers import ROOT

# 20 moments from 0.05 s to 3 s after the start: the imports, the first frame, the
# start screen, the first poll, the main screen's mount and the app at rest.
MOMENTS = [round(0.05 * (3 / 0.05) ** (n / 19), 2) for n in range(20)]


def close_terminal_after(delay: float, env: dict[str, str]) -> float | None:
    """Start the app on a pty, close the pty's master after ``delay`` s (reading what
    it shows meanwhile), and return how long the app took to end, or None if it was
    still there 3 s later (then it is killed)."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: spotui on the terminal
        os.chdir(ROOT)
        os.execvpe(sys.executable, [sys.executable, "-m", "spotui"], env)
    started = time.monotonic()
    while (left := started + delay - time.monotonic()) > 0:
        if select.select([fd], [], [], left)[0]:
            try:
                os.read(fd, 65536)
            except OSError:
                break
    os.close(fd)
    closed = time.monotonic()
    while time.monotonic() - closed < 3:
        if os.waitpid(pid, os.WNOHANG)[0]:
            return time.monotonic() - closed
        time.sleep(0.02)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return None


def test_closing_the_terminal_at_any_moment_ends_the_app_within_two_seconds(env):
    env = {**env, "TERM": "xterm-256color"}
    ended = {delay: close_terminal_after(delay, env) for delay in MOMENTS}
    left = [delay for delay, took in ended.items() if took is None]
    assert not left, f"still running 3 s after the terminal closed at {left} s: {ended}"
    slow = {delay: took for delay, took in ended.items() if took is not None and took > 2}
    assert not slow, f"took more than 2 s to end: {slow}"


@pytest.mark.parametrize("delay", [0.3, 1.0, 2.0])
def test_closing_the_terminal_ends_the_first_run_wizard(env, tmp_path, delay):
    (tmp_path / "state" / "spotui" / "account.json").unlink()  # no Client ID: the wizard
    took = close_terminal_after(delay, {**env, "TERM": "xterm-256color"})
    assert took is not None and took < 2


async def test_a_hang_up_on_the_input_alone_ends_the_app():
    """No SIGHUP, nothing written: the input's hang-up (where a read gives EOF) is
    enough."""
    ended = asyncio.Event()

    class App:
        exit = ended.set

    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGTSTP, signal.SIGCONT)}
    master, slave = pty.openpty()
    try:
        driver = TerminalDriver(App(), debug=False, mouse=False, size=(80, 24))
        driver.fileno = slave
        threading.Thread(target=driver._watch_hang_up, daemon=True).start()
        await asyncio.sleep(0.2)
        assert not ended.is_set()  # a terminal that is there is left alone
        os.close(master)
        await asyncio.wait_for(ended.wait(), 2)
    finally:
        os.close(slave)
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
