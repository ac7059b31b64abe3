"""``spotui serve``: spotui without a window. The controller, the history sync, the
MPRIS player and the notifications, and nothing else; quiet on stdout, logged to the
state folder, ended cleanly by SIGTERM or SIGINT."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TYPE_CHECKING

from spotui import paths
from spotui.commands import EXIT_ERROR, EXIT_OK
from spotui.commands.table import command
from spotui.config import load_config
from spotui.core.controller import Listener, Trouble
from spotui.desktop.lock import Held, ServeLock, lock_path
from spotui.logs import RedactingFormatter
from spotui.spotify.client import SpotifyClient
from spotui.spotify.errors import AuthExpired

if TYPE_CHECKING:
    from spotui.history.sync import SyncResult

LOG_BYTES = 1_000_000  # the log file's cap; one older file is kept beside it
INTERRUPTED = 130

log = logging.getLogger("spotui.serve")


def serve_log() -> Path:
    return paths.state_dir() / "serve.log"


def _start_log(path: Path) -> logging.Handler:
    """Log spotui's messages (not debug) to ``path``, capped at ``LOG_BYTES``."""
    paths.private_folder(path.parent)
    handler = RotatingFileHandler(path, maxBytes=LOG_BYTES, backupCount=1, encoding="utf-8")
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.INFO)
    logger = logging.getLogger("spotui")
    logger.addHandler(handler)
    if logger.level == logging.NOTSET or logger.level > logging.INFO:
        logger.setLevel(logging.INFO)
    return handler


@command(
    "serve",
    "run without a window: MPRIS, notifications and the history sync (for a systemd unit)",
    description="Runs until SIGTERM or SIGINT, quiet on stdout; logs to the state folder.",
    patient=True,
)
async def serve(spotify: SpotifyClient, args: argparse.Namespace) -> int:
    lock = ServeLock(lock_path(demo=args.services.demo))
    try:
        lock.take()
    except Held as exc:
        print(f"{exc}; this one stops.", file=sys.stderr)
        return EXIT_ERROR
    handler = _start_log(serve_log())
    try:
        return await _serve(spotify, args)
    finally:
        logging.getLogger("spotui").removeHandler(handler)
        handler.close()
        lock.release()


async def _serve(spotify: SpotifyClient, args: argparse.Namespace) -> int:
    config, problems = load_config(args.config)
    for problem in problems:
        log.warning("%s", problem)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    code = {"value": EXIT_OK}
    signed_out: list[str] = []

    def interrupted(value: int) -> None:
        code["value"] = value
        stop.set()

    for sig, value in ((signal.SIGINT, INTERRUPTED), (signal.SIGTERM, EXIT_OK)):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, interrupted, value)

    def trouble(problem: Trouble | None) -> None:
        if problem is not None:
            log.warning("polling: %s", problem.message)

    def ended(reason: str) -> None:
        signed_out.append(reason)
        stop.set()

    def kept(result: SyncResult | str) -> None:
        log.info("history: %s", result if isinstance(result, str) else result.summary())

    controller = args.services.player(
        spotify, interval=config.poll_interval, on_history=kept, desktop=config, serving=True
    )
    controller.subscribe(Listener(trouble=trouble, signed_out=ended))
    log.info("serve: started, pid %d", os.getpid())
    polling = asyncio.ensure_future(controller.run())
    try:
        await stop.wait()
    finally:
        polling.cancel()
        await asyncio.gather(polling, return_exceptions=True)
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(sig)
    if signed_out:
        log.warning("serve: signed out: %s", signed_out[0])
        raise AuthExpired(signed_out[0])
    log.info("serve: stopped")
    return code["value"]
