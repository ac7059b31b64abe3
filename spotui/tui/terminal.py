"""The terminal driver: Textual's, made to end the app when the terminal goes away.

When a terminal closes (its window, a tmux session, an SSH link), its pty hangs up:
every write and read on it fails with EIO, and the kernel sends SIGHUP and SIGCONT.
Textual's driver does not expect that. Its writer thread dies on the first failed
write, and the next 30 writes then block the app for ever; its SIGCONT handler
starts application mode again on the dead terminal, with a second writer thread.
This driver writes through a file that swallows the failure and ends the app as
``q`` does, does not resume on a terminal that is gone, and ends the app when its
input hangs up (where Textual's input thread would read EOF over and over).
"""

from __future__ import annotations

import select
import termios
import threading
from collections.abc import Callable
from typing import Any, TextIO

from textual.drivers.linux_driver import LinuxDriver


class _Guarded:
    """The terminal's output file: after a failed write or flush, nothing more is
    written (the writer thread goes on draining its queue) and ``lost`` is called once."""

    def __init__(self, file: TextIO, lost: Callable[[], None]):
        self._file = file
        self._lost = lost
        self.gone = False

    def write(self, text: str) -> None:
        if not self.gone:
            try:
                self._file.write(text)
            except (OSError, ValueError):  # EIO on a hung-up pty; ValueError once closed
                self._fail()

    def flush(self) -> None:
        if not self.gone:
            try:
                self._file.flush()
            except (OSError, ValueError):
                self._fail()

    def fileno(self) -> int:
        return self._file.fileno()

    def _fail(self) -> None:
        self.gone = True
        self._lost()


class TerminalDriver(LinuxDriver):
    """LinuxDriver that ends the app once its terminal is gone, whatever it is doing."""

    def __init__(self, app: Any, **options: Any) -> None:
        super().__init__(app, **options)
        self._ended = threading.Event()
        self._watching = False
        assert self._file is not None
        self._file = _Guarded(self._file, self.terminal_lost)  # type: ignore[assignment]

    def start_application_mode(self) -> None:
        super().start_application_mode()
        if not self._watching:
            self._watching = True
            threading.Thread(target=self._watch_hang_up, name="spotui-hang-up", daemon=True).start()

    def _watch_hang_up(self) -> None:
        """Wait, without waking, for the terminal's input to hang up (POLLHUP, which
        poll reports unasked), then end the app. Where poll cannot watch a terminal
        (macOS answers POLLNVAL), the other ways of noticing are left to do it."""
        poller = select.poll()
        poller.register(self.fileno, 0)
        try:
            while not (events := poller.poll()):
                pass
        except (OSError, ValueError):
            return
        if any(revents & select.POLLHUP for _, revents in events):
            self.terminal_lost()

    def terminal_lost(self) -> None:
        """From any thread or a signal handler: end the app as ``q`` does, once."""
        if self._ended.is_set():
            return
        self._ended.set()
        if not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._app.exit)

    def _terminal_there(self) -> bool:
        try:
            termios.tcgetattr(self.fileno)
        except termios.error:
            return False
        return not (isinstance(self._file, _Guarded) and self._file.gone)

    def _sigcont_application(self, *_: object) -> None:
        """SIGCONT comes after a Ctrl+Z, and with the SIGHUP of a hang-up: resume only
        on a terminal that is still there."""
        if self._terminal_there():
            super()._sigcont_application()
        else:
            self.terminal_lost()

    def run_input_thread(self) -> None:
        """A read that fails on a hung-up terminal ends the app (Textual would panic)."""
        try:
            super().run_input_thread()
        except OSError:
            self.terminal_lost()
