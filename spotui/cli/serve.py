"""``spotui serve``: spotui without a window. The controller, the history sync, the
MPRIS player and the notifications, and nothing else; quiet on stdout, logged to the
state folder, ended cleanly by SIGTERM or SIGINT."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spotui import paths
from spotui.cli import EXIT_ERROR
from spotui.cli.running import Running
from spotui.cli.table import command
from spotui.config import load_config
from spotui.core.controller import Listener, PlayerController, Trouble
from spotui.desktop.lock import Held, ServeLock, lock_path
from spotui.logs import RedactingFormatter

if TYPE_CHECKING:
    from spotui.core.remote import Remote
    from spotui.history.sync import SyncResult

LOG_BYTES = 1_000_000  # the log file's cap; one older file is kept beside it

log = logging.getLogger("spotui.serve")


def serve_log(*, demo: bool = False) -> Path:
    """Where serve logs (the demo's fake account: a file of its own, never the user's)."""
    return paths.state_dir() / ("serve-demo.log" if demo else "serve.log")


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


def _kept(result: SyncResult | str) -> None:
    log.info("history: %s", result if isinstance(result, str) else result.summary())


def _hub(args: argparse.Namespace) -> dict[str, Any]:
    """The hub serve asks the wiring for: the config's poll interval, the MPRIS player
    and the notifications, the history sync logged. The config's problems are logged
    once the log is open."""
    config, args.config_problems = load_config(args.config)
    return {
        "interval": config.poll_interval,
        "desktop": config,
        "serving": True,
        "on_history": _kept,
    }


@command(
    "serve",
    "run without a window: MPRIS, notifications and the history sync (for a systemd unit)",
    description="Runs until SIGTERM or SIGINT, quiet on stdout; logs to the state folder.",
    patient=True,
    hub=_hub,
)
async def serve(remote: Remote, args: argparse.Namespace) -> int:
    lock = ServeLock(lock_path(demo=args.demo))
    try:
        lock.take()
    except Held as exc:
        print(f"{exc}; this one stops.", file=sys.stderr)
        return EXIT_ERROR
    handler = _start_log(serve_log(demo=args.demo))
    try:
        return await _serve(remote.player, args)
    finally:
        logging.getLogger("spotui").removeHandler(handler)
        handler.close()
        lock.release()


async def _serve(controller: PlayerController, args: argparse.Namespace) -> int:
    for problem in args.config_problems:
        log.warning("%s", problem)
    running = Running()

    def trouble(problem: Trouble | None) -> None:
        if problem is not None:
            log.warning("polling: %s", problem.message)

    def notice(title: str, line: str) -> None:
        log.warning("%s: %s", title, line)

    controller.subscribe(Listener(trouble=trouble, signed_out=running.ended, notice=notice))
    log.info("serve: started, pid %d", os.getpid())
    try:
        async with running.polling(controller):
            await running.stop.wait()
    finally:
        running.release()
    if running.signed_out:
        log.warning("serve: signed out: %s", running.signed_out[0])
    else:
        log.info("serve: stopped")
    return running.result()
