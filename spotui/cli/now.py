"""``spotui now`` and ``spotui now --watch``: what plays, once or at each change."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import select
import sys

from spotui.cli import EXIT_NOTHING_PLAYING, EXIT_OK, EXIT_USAGE, Failure, out
from spotui.cli.output import (
    FormatError,
    check_template,
    format_fields,
    human_line,
    now_json,
    render,
    state_of,
    to_json,
    watch_key,
)
from spotui.cli.running import Running
from spotui.cli.table import arg, command
from spotui.core.controller import Listener, Trouble
from spotui.core.player import PlayerState
from spotui.core.remote import Remote
from spotui.spotify.models import Playback

OFFLINE = ("offline",)  # what --watch last printed, when it was the offline line


def _render_now(
    playback: Playback | None, args: argparse.Namespace, *, offline: bool = False
) -> str:
    if args.json:
        return to_json(now_json(playback, offline=offline))
    if args.format is not None:
        return render(args.format, format_fields(playback, offline=offline))
    return "Offline" if offline else human_line(playback)


def _nothing(playback: Playback | None) -> bool:
    return state_of(playback) in ("no_active_device", "nothing_playing")


@command(
    "now",
    "what plays now (one line, --json, or --format)",
    arg("--json", group="style", action="store_true", help="the documented JSON object"),
    arg(
        "--format",
        group="style",
        metavar="TEMPLATE",
        help="e.g. '{artist} - {title}'; fields are listed in the README",
    ),
    arg("--watch", action="store_true", help="print a new line at each change"),
    description="Print what plays now. Exit 0 when something plays; 3 when nothing "
    "plays or no device is active.",
)
async def now(remote: Remote, args: argparse.Namespace) -> int:
    """What plays now: one line, JSON, or a template; --watch for every change."""
    if args.format is not None:
        try:
            check_template(args.format)
        except FormatError as exc:
            raise Failure(str(exc), EXIT_USAGE) from None
    if args.watch:
        return await _watch(remote, args)
    playback = (await remote.player.refresh()).playback
    out(_render_now(playback, args))
    return EXIT_NOTHING_PLAYING if _nothing(playback) else EXIT_OK


def _stdout_closed() -> bool:
    """True when whoever reads our stdout has gone (a status bar restarted, say)."""
    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLERR | select.POLLHUP)
        return bool(poller.poll(0))
    except (OSError, ValueError, AttributeError):
        return False


async def _watch(remote: Remote, args: argparse.Namespace) -> int:
    """Print a line at each change, on the app's own poll loop; stop on SIGINT/SIGTERM or a
    closed pipe. Going offline prints one offline line, so a status bar is never stale."""
    running = Running()
    printed: list[tuple[object, ...]] = []  # the last line's key

    def say(key: tuple[object, ...], line: str) -> None:
        if printed[-1:] == [key]:
            return
        printed[:] = [key]
        try:
            out(line)
        except BrokenPipeError:
            running.stop.set()

    def changed(state: PlayerState) -> None:
        say(watch_key(state.playback), _render_now(state.playback, args))

    def trouble(problem: Trouble | None) -> None:
        if problem is not None and problem.offline:
            say(OFFLINE, _render_now(None, args, offline=True))

    controller = remote.player  # the history keeper rides along (see Services.player)
    controller.subscribe(Listener(state=changed, trouble=trouble, signed_out=running.ended))
    async with running.polling(controller):
        while not running.stop.is_set():
            if _stdout_closed():
                return EXIT_OK
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(running.stop.wait(), 1.0)
    return running.result()
