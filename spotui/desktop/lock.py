"""The lock ``spotui serve`` holds (a ``flock`` in the runtime folder), so that a second
serve refuses to start and the TUI leaves the desktop to it."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import platformdirs

from spotui import paths


def lock_path(*, demo: bool = False) -> Path:
    """The lock file for this user's account (the demo's fake one has its own)."""
    with warnings.catch_warnings():  # no XDG_RUNTIME_DIR (ssh): its /tmp fallback, quietly
        warnings.simplefilter("ignore")
        folder = platformdirs.user_runtime_path("spotui")
    return folder / ("serve-demo.lock" if demo else "serve.lock")


class Held(Exception):
    """Another serve holds the lock; the message says where it runs."""


class ServeLock:
    """Held from :meth:`take` until :meth:`release` (or the process ends)."""

    def __init__(self, path: Path):
        self.path = path
        self._fd: int | None = None

    def take(self) -> None:
        """Hold the lock and write our pid in it; :class:`Held` when another serve has it."""
        import fcntl

        paths.private_folder(self.path.parent)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise Held(_held_message(self.path)) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing drops the flock
            self._fd = None


def serve_running(path: Path) -> str | None:
    """Where a serve that holds ``path`` runs, or None when none does."""
    try:
        import fcntl

        fd = os.open(path, os.O_RDONLY)
    except (ImportError, OSError):
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        return _held_message(path)
    finally:
        os.close(fd)
    return None


def _held_message(path: Path) -> str:
    try:
        pid = path.read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        pid = ""
    who = f"process {pid}" if pid.isdigit() else "another process"
    return f"spotui serve already runs ({who}; lock {path})"
