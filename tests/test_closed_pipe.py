"""Every command in a pipe that closes early (`| head -c 1`, `less` quit, `grep -m1`):
it ends quietly, with no crash report and no traceback, as a Unix tool does."""

from __future__ import annotations

import argparse
import os
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from spotui.cli.main import build_parser
from spotui.fake import export as fake_export

from .helpers import ROOT, start_spotui

# What a command needs besides its name; a new command with a required argument fails
# the test below until it is given one here.
SAMPLES = {
    "seek": ["30s"],
    "volume": ["40"],
    "shuffle": ["on"],
    "repeat": ["off"],
    "transfer": ["Kitchen"],
    "top": ["tracks"],
    "queue": ["Cherish"],
    "search": ["love"],
    "playlist": ["Road"],
    "history import": ["{export}"],
    "history top": ["artists"],
    "history export": ["--json"],
    "auth": ["--no-browser"],
    "scrobble setup": ["listenbrainz", "--token", "-"],
    "scrobble import": ["--to", "listenbrainz", "--dry-run"],
}


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def every_command() -> Iterator[str]:
    """Each command of the command line, as the user types it (`history stats`)."""
    for name, parser in _subcommands(build_parser()).items():
        actions = _subcommands(parser)
        if actions:
            yield from (f"{name} {action}" for action in actions)
        else:
            yield name


def _needs_words(command: str) -> bool:
    parser = build_parser()
    for word in command.split():
        parser = _subcommands(parser)[word]
    return any(
        action.required or (not action.option_strings and action.nargs not in ("?", "*"))
        for action in parser._actions
        if not isinstance(action, argparse._HelpAction)
    ) or any(group.required for group in parser._mutually_exclusive_groups)


# serve writes nothing on stdout and runs until stopped (tests/test_serve.py): a closed
# pipe is nothing to it.
COMMANDS = sorted(c for c in every_command() if c != "serve")


def test_the_command_table_is_read_whole():
    assert {"now", "pause", "history stats", "history export", "auth", "doctor"} <= set(COMMANDS)
    missing = [c for c in COMMANDS if _needs_words(c) and c not in SAMPLES]
    assert not missing, f"give these commands sample arguments in SAMPLES: {missing}"


@pytest.fixture
def exported(tmp_path) -> Path:
    files = fake_export.export(300, datetime(2026, 5, 28, tzinfo=UTC), tracks=40)
    return fake_export.write(files, tmp_path / "my_spotify_data.zip")


def _quiet(result_code: int, stderr: str, home: Path) -> None:
    assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr
    assert "unexpected error" not in stderr, stderr
    assert not list(home.rglob("crash-*.txt")), stderr


@pytest.mark.parametrize("command", COMMANDS)
def test_a_closed_pipe_ends_every_command_quietly(command, env, exported, tmp_path):
    """The reader has gone before the first byte: every write meets the closed pipe."""
    ours = [word.replace("{export}", str(exported)) for word in SAMPLES.get(command, [])]
    read, write = os.pipe()
    os.close(read)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "spotui", *command.split(), *ours],
            stdin=subprocess.DEVNULL,
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=30,
        )
    finally:
        os.close(write)
    _quiet(result.returncode, result.stderr, tmp_path)
    # Cut short, a command ends 0; one that had nothing to print ends as it would anyway,
    # saying why when that is not 0.
    assert result.returncode == 0 or result.stderr.strip(), command


def _one_byte_then_close(command: list[str], env: dict[str, str]) -> tuple[int, str, float]:
    """Run with stdout into a pipe whose reader takes one byte and goes (`| head -c 1`)."""
    read, write = os.pipe()
    process = start_spotui(*command, env=env, stdin=subprocess.DEVNULL, stdout=write)
    os.close(write)
    assert select.select([read], [], [], 30)[0], "no output"
    assert os.read(read, 1)
    os.close(read)
    closed = time.monotonic()
    _, stderr = process.communicate(timeout=30)
    return process.returncode, stderr, time.monotonic() - closed


def test_a_long_output_cut_after_one_byte_ends_at_once_with_status_0(env, exported, tmp_path):
    subprocess.run(
        [sys.executable, "-m", "spotui", "history", "import", str(exported)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        check=True,
    )
    for command in (
        ["history", "export", "--json"],
        ["history", "stats", "--window", "all", "--json"],
        ["library", "--json"],
    ):
        code, stderr, _ = _one_byte_then_close(command, env)
        _quiet(code, stderr, tmp_path)
        assert code == 0, (command, stderr)


def test_now_watch_into_head_ends_after_three_lines(env, served, tmp_path):
    """`spotui now --watch | head -3`: once head has its lines, spotui ends by itself."""
    fake, _ = served
    fake.set(ad=False)
    process = subprocess.Popen(
        f"set -o pipefail; {sys.executable} -m spotui now --watch --format '{{title}}' | head -3",
        shell=True,
        executable="/bin/bash",
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 40
    try:
        while process.poll() is None and time.monotonic() < deadline:
            time.sleep(2)  # a line at each change: someone skips on another device
            fake.remote_skip()
        out, err = process.communicate(timeout=5)  # spotui saw head go, and ended
    finally:
        if process.poll() is None:
            os.killpg(process.pid, 9)
    assert len(out.splitlines()) == 3
    assert process.returncode == 0  # spotui's own status too (pipefail)
    _quiet(process.returncode, err, tmp_path)
