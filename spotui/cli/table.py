"""The one command table: each headless command declares its name, help, arguments and
function once, with :func:`command`; ``cli.main`` builds its parsers from the table.
A command is given the core (:class:`~spotui.core.remote.Remote`), never the client.

Every failure is one line on stderr and an exit code (see the README).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from spotui.cli import EXIT_ERROR, EXIT_NOTHING_PLAYING, EXIT_SIGNED_OUT, Failure
from spotui.core.controller import Listener
from spotui.services import Services
from spotui.spotify.errors import AuthError, NoActiveDevice, RateLimited, SpotifyError

if TYPE_CHECKING:
    from spotui.core.remote import Remote
    from spotui.history.sync import SyncResult

SIGN_IN_HINT = "Run `spotui auth` to sign in."
# One-shot commands give up within about ten seconds when Spotify does not answer
# (a status bar must not hang): one retry, and under a 429 one short wait at most, then
# they say when to try again. A patient command (the library export) retries as usual.
QUICK = {"timeout": 4.0, "retries": 1, "max_wait": 3.0, "rate_limit_retries": 1}

Run = Callable[["Remote", argparse.Namespace], Awaitable[int]]
# The part of a command that reads only what is kept here (no sign-in, no request): its
# exit code, or None when these arguments need Spotify.
Local = Callable[[Services, argparse.Namespace], "int | None"]
# The options a command's hub is built with (Services.connect_remote's), from its args.
Hub = Callable[[argparse.Namespace], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Arg:
    """One argument, as ``argparse`` takes it; args sharing a ``group`` exclude each other."""

    names: tuple[str, ...]
    options: dict[str, Any] = field(default_factory=dict)
    group: str | None = None


def arg(*names: str, group: str | None = None, **options: Any) -> Arg:
    return Arg(names, options, group)


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    help: str
    run: Run
    args: tuple[Arg, ...] = ()
    description: str | None = None
    patient: bool = False
    hub: Hub | None = None
    local: Local | None = None


COMMANDS: dict[str, Command] = {}


def command(
    name: str,
    help: str,
    *args: Arg,
    description: str | None = None,
    patient: bool = False,
    hub: Hub | None = None,
    local: Local | None = None,
) -> Callable[[Run], Run]:
    """Declare a headless command: the decorated function runs it, unless ``local``
    answers these arguments from what is kept here, before any sign-in is read;
    ``hub``: the options its hub is built with, when not the usual ones."""

    def register(run: Run) -> Run:
        COMMANDS[name] = Command(name, help, run, args, description, patient, hub, local)
        return run

    return register


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """A subparser for each command in the table, with its arguments."""
    for spec in COMMANDS.values():
        parser = commands.add_parser(spec.name, help=spec.help, description=spec.description)
        groups: dict[str, argparse._MutuallyExclusiveGroup] = {}
        for argument in spec.args:
            target: argparse._ActionsContainer = parser
            if argument.group is not None:
                if argument.group not in groups:
                    groups[argument.group] = parser.add_mutually_exclusive_group()
                target = groups[argument.group]
            target.add_argument(*argument.names, **argument.options)


async def run(name: str, args: argparse.Namespace, *, demo: bool) -> int:
    """Run one headless command; every failure is one line on stderr and an exit code."""
    services = Services.demo_kept() if demo else Services.real()
    if services.notice:
        print(services.notice, file=sys.stderr)
    return await run_with(services, COMMANDS[name], args)


async def run_with(services: Services, spec: Command, args: argparse.Namespace) -> int:
    """Run ``spec``: its local part when that answers (no sign-in read), else connected."""
    if spec.local is not None:
        status = _locally(spec.local, services, args)
        if status is not None:
            return status
    hub = spec.hub(args) if spec.hub else {}
    return await with_remote(services, spec.run, args, patient=spec.patient, **hub)


def _locally(local: Local, services: Services, args: argparse.Namespace) -> int | None:
    """Run the part of a command that needs no sign-in; failures as :func:`with_remote`."""
    from spotui.history.db import ArchiveError

    try:
        return local(services, args)
    except Failure as exc:
        print(str(exc), file=sys.stderr)
        return exc.code
    except ArchiveError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_ERROR


def _said_once() -> Callable[[SyncResult | str], None]:
    """How the history keeper's trouble, and a scrobbler's, is told (``now --watch``
    runs them): once each, on stderr, for stdout belongs to whoever reads the lines."""
    said: list[str] = []

    def tell(result: SyncResult | str) -> None:
        if isinstance(result, str) and result not in said:
            said.append(result)
            print(result, file=sys.stderr)

    return tell


async def with_remote(
    services: Services,
    run: Run,
    args: argparse.Namespace,
    *,
    patient: bool = False,
    **hub: Any,
) -> int:
    """Connect, run, and turn any failure into one line on stderr and an exit code;
    ``hub``: options for :meth:`Services.connect_remote` beyond the usual."""
    tell = _said_once()
    remote = services.connect_remote(None if patient else QUICK, **{"on_history": tell, **hub})
    if remote is None:
        print(services.problem or f"spotui is not signed in. {SIGN_IN_HINT}", file=sys.stderr)
        return EXIT_ERROR if services.unreadable else EXIT_SIGNED_OUT
    remote.player.subscribe(Listener(notice=lambda _title, line: tell(line)))
    args.services = services  # for a command that needs more than the core (lyrics)
    try:
        return await run(remote, args)
    except Failure as exc:
        print(str(exc), file=sys.stderr)
        return exc.code
    except AuthError as exc:
        hint = "" if "spotui auth" in exc.message else f" {SIGN_IN_HINT}"
        print(exc.message + hint, file=sys.stderr)
        return EXIT_SIGNED_OUT
    except NoActiveDevice as exc:
        print(exc.message, file=sys.stderr)
        return EXIT_NOTHING_PLAYING
    except RateLimited as exc:
        print(exc.try_again, file=sys.stderr)
        return EXIT_ERROR
    except SpotifyError as exc:
        print(exc.message, file=sys.stderr)
        return EXIT_ERROR
    finally:
        await remote.aclose()
