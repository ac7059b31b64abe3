"""What the long-running commands (``now --watch``, ``lyrics --follow``, ``serve``) share:
the poll loop running beside them, and how they stop (SIGINT, SIGTERM, the sign-in
ending)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import AsyncIterator

from spotui.cli import EXIT_OK
from spotui.core.controller import PlayerController
from spotui.spotify.errors import AuthExpired

INTERRUPTED = 130  # the exit code after SIGINT, as after Ctrl-C anywhere
SIGNALS = ((signal.SIGINT, INTERRUPTED), (signal.SIGTERM, EXIT_OK))


class Running:
    """A command that runs until told to stop: SIGINT (exit 130) and SIGTERM (exit 0)
    set :attr:`stop`, as :meth:`ended` does (give it to the Listener's ``signed_out``).
    Made on the running loop, which takes the signals from then on."""

    def __init__(self) -> None:
        self.stop = asyncio.Event()
        self.code = EXIT_OK
        self.signed_out: list[str] = []  # why the sign-in ended, if it did
        self._loop = asyncio.get_running_loop()
        for sig, code in SIGNALS:
            with contextlib.suppress(NotImplementedError, RuntimeError):
                self._loop.add_signal_handler(sig, self._interrupted, code)

    def _interrupted(self, code: int) -> None:
        self.code = code
        self.stop.set()

    def ended(self, reason: str) -> None:
        """The sign-in ended: stop, and :meth:`result` raises AuthExpired."""
        self.signed_out.append(reason)
        self.stop.set()

    @contextlib.asynccontextmanager
    async def polling(self, controller: PlayerController) -> AsyncIterator[None]:
        """Run ``controller``'s poll loop while the block runs; cancel it after."""
        task = asyncio.ensure_future(controller.run())
        try:
            yield
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    def release(self) -> None:
        """Give SIGINT and SIGTERM back to Python's own handling."""
        for sig, _ in SIGNALS:
            with contextlib.suppress(NotImplementedError, RuntimeError):
                self._loop.remove_signal_handler(sig)

    def result(self) -> int:
        """The exit code; AuthExpired if the sign-in ended."""
        if self.signed_out:
            raise AuthExpired(self.signed_out[0])
        return self.code
