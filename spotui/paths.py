"""Where spotui keeps files: the platform's config, cache, state and log folders.

Secrets never go here: they live in the OS keyring (see :mod:`spotui.credentials`).
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "spotui"


def config_dir() -> Path:
    return platformdirs.user_config_path(APP)


def cache_dir() -> Path:
    return platformdirs.user_cache_path(APP)


def state_dir() -> Path:
    return platformdirs.user_state_path(APP)


def log_dir() -> Path:
    return platformdirs.user_log_path(APP)


def data_dir() -> Path:
    return platformdirs.user_data_path(APP)


def history_file() -> Path:
    """The listening archive (see :mod:`spotui.history.db`)."""
    return data_dir() / "history.sqlite3"


def snapshot_file(*, demo: bool = False) -> Path:
    """The last-known playback (see :mod:`spotui.core.snapshot`); the demo keeps its own."""
    return cache_dir() / ("demo-now-playing.json" if demo else "now-playing.json")


def demo_state_file() -> Path:
    """The demo's player, kept between its runs (see :mod:`spotui.fake.state`)."""
    return cache_dir() / "demo" / "player.json"


def config_file() -> Path:
    return config_dir() / "config.toml"


def kept_by_spotui(path: Path) -> bool:
    """Is ``path`` in one of spotui's own folders (the archive, the config, a cache, a log)?"""
    target = path.expanduser().resolve()
    folders = (config_dir(), cache_dir(), state_dir(), log_dir(), data_dir())
    return any(target.is_relative_to(folder.expanduser().resolve()) for folder in folders)


def private_folder(folder: Path) -> None:
    """Make ``folder`` and each missing folder above it, open to the user alone (0700)
    whatever the umask. A folder that already exists is left as it is."""
    missing: list[Path] = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        try:
            path.mkdir(mode=0o700)
        except FileExistsError:  # another spotui made it meanwhile
            continue
        os.chmod(path, 0o700)  # mkdir's mode is cut by the umask


def write_private(path: Path, text: str) -> None:
    """Write ``text`` atomically, readable by the user alone (mode 0600)."""
    private_folder(path.parent)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_export(path: Path, text: str) -> None:
    """An export, written whole or not at all: a regular file (or the one a link points
    to) is replaced by a temporary file beside it, renamed over it once written (mode
    0600), so a failure leaves the old file as it was. A device or a pipe is written to
    as it is."""
    if path.exists() and not path.is_file():  # through any link: /dev/stdout, a fifo
        with open(path, "w", encoding="utf-8") as out:
            out.write(text)
    else:
        write_private(path.resolve() if path.is_symlink() else path, text)
