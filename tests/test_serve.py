"""``spotui serve`` as a process, against the fake Spotify over HTTP, on a session bus
of the test's own."""

from __future__ import annotations

import asyncio
import logging
import signal
import subprocess
import time
from pathlib import Path

from spotui.config import Config
from spotui.desktop.lock import ServeLock, lock_path

from .desktop import POLL_S, need, run, running, services_for, session_bus, until
from .helpers import EXIT_ERROR, EXIT_OK, runtime, spotui, start_spotui

__all__ = ["session_bus"]  # the fixture, used by name


def wait_for(condition, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def players(env: dict[str, str]) -> list[str]:
    need("playerctl")
    listed = subprocess.run(
        ["playerctl", "-l", "--no-messages"], capture_output=True, text=True, env=env, timeout=10
    )
    return listed.stdout.split()


def log_of(tmp_path: Path) -> str:
    path = tmp_path / "state" / "spotui" / "serve.log"
    return path.read_text() if path.exists() else ""


def test_serve_is_the_player_quietly_refuses_a_second_and_ends_on_sigterm(
    env, tmp_path, session_bus, served
):
    fake, _ = served
    env = {**env, "DBUS_SESSION_BUS_ADDRESS": session_bus, "XDG_RUNTIME_DIR": runtime(tmp_path)}
    process = start_spotui("serve", env=env)
    try:
        wait_for(lambda: "spotui" in players(env))
        title = subprocess.run(
            ["playerctl", "-p", "spotui", "metadata", "title"],
            capture_output=True,
            text=True,
            env=env,
            timeout=10,
        ).stdout.strip()
        assert title == fake.account.item_json(fake.account.player.uri)["name"]

        for _ in range(2):  # two new tracks; no notification server on this bus
            subprocess.run(["playerctl", "-p", "spotui", "next"], env=env, timeout=10)
            time.sleep(1.5)
        wait_for(lambda: "notifications: could not send one" in log_of(tmp_path))

        second = spotui(env, "serve")
        assert second.returncode == EXIT_ERROR
        assert f"spotui serve already runs (process {process.pid}" in second.stderr
        assert second.stdout == ""
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=15)
    assert process.returncode == EXIT_OK, err
    assert out == ""  # quiet on stdout
    assert "Traceback" not in err
    said = log_of(tmp_path)
    assert "MPRIS: on the session bus as org.mpris.MediaPlayer2.spotui" in said
    assert "serve: stopped" in said
    assert said.count("notifications: could not send one") == 1  # said once, no traceback
    assert "spotui" not in players(env)  # gone from the bus


def test_the_demos_serve_logs_to_its_own_file_not_the_real_serve_log(env, tmp_path):
    env = {**env, "XDG_RUNTIME_DIR": runtime(tmp_path)}
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    demo_log = tmp_path / "state" / "spotui" / "serve-demo.log"
    process = start_spotui("--demo", "serve", env=env)
    try:
        wait_for(lambda: demo_log.exists() and "serve: started" in demo_log.read_text())
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=15)
    assert "serve: stopped" in demo_log.read_text()
    assert log_of(tmp_path) == ""  # the user's serve.log: not written, not made


def test_serve_with_no_bus_starts_says_why_and_ends_on_sigint(env, tmp_path):
    env = {**env, "XDG_RUNTIME_DIR": runtime(tmp_path)}
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    process = start_spotui("serve", env=env)
    try:
        wait_for(lambda: "MPRIS is off" in log_of(tmp_path))
        assert process.poll() is None  # it goes on
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=15)
    assert process.returncode == 130, err
    assert out == "" and "Traceback" not in err
    said = log_of(tmp_path)
    assert "MPRIS is off: no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS not set" in said
    assert said.count("MPRIS is off") == 1


async def test_beside_a_running_serve_the_tui_leaves_the_desktop_to_it(
    served, tmp_path, session_bus, monkeypatch, caplog
):
    fake, server = served
    monkeypatch.setenv("XDG_RUNTIME_DIR", runtime(tmp_path))
    monkeypatch.setattr("spotui.services.YIELD_CHECK_S", 0.0)
    lock = ServeLock(lock_path())
    lock.take()
    caplog.set_level(logging.INFO, logger="spotui.desktop")
    try:
        services = services_for(fake, server, tmp_path)
        async with running(services, Config(notify=True)) as controller:
            await until(lambda: controller.state.playback is not None)
            await asyncio.sleep(0.5)
            assert await run("playerctl", "-l", "--no-messages") == ""
            lock.release()  # serve stops: the TUI takes the player at its next poll

            async def listed() -> bool:
                return await run("playerctl", "-l", "--no-messages") == "spotui"

            await until(listed, timeout=POLL_S * 3)
    finally:
        lock.release()
    assert "MPRIS and notifications are off here while it runs: spotui serve already runs" in (
        caplog.text
    )
