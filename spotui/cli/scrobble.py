"""``spotui scrobble``: set up ListenBrainz and Last.fm, see the outbox, send the archive.

Live scrobbling needs nothing here: it runs in the app (see ``spotui.scrobble.live``)
once a service is set up. Every failure is one line on stderr and an exit code.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys
import time
from datetime import UTC, date, datetime
from typing import Any

from spotui import paths
from spotui.cli import EXIT_ERROR, EXIT_OK, EXIT_USAGE, Failure, out
from spotui.text import unfiltered

SERVICES = ("listenbrainz", "lastfm")
APPROVAL_WAIT_S = 600.0  # how long setup lastfm waits for the approval in the browser
APPROVAL_POLL_S = 3.0
IMPORT_PART = 10_000  # plays queued at a time by an import, then sent


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD)") from None


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    scrobble = commands.add_parser(
        "scrobble",
        help="send your plays to ListenBrainz or Last.fm: setup, status, import",
        description="While spotui runs it scrobbles what plays to the services set up here "
        "(a track counts once it played half its length or 4 minutes). Plays wait in an "
        "outbox beside the archive until the service has them.",
    )
    actions = scrobble.add_subparsers(dest="action", metavar="ACTION", required=True)
    setup = actions.add_parser(
        "setup",
        help="sign in to a service; the secrets go to the OS keyring",
        description="ListenBrainz: your user token (from listenbrainz.org/settings). "
        "Last.fm: your own API key and secret (last.fm/api/account/create), then approve "
        "spotui in the browser.",
    )
    setup.add_argument("service", choices=SERVICES)
    setup.add_argument("--token", metavar="-", help="ListenBrainz: `-` reads the token from stdin")
    setup.add_argument("--api-key", metavar="KEY", help="Last.fm: your API key")
    setup.add_argument("--api-secret", metavar="-", help="Last.fm: `-` reads the secret from stdin")
    setup.add_argument("--no-browser", action="store_true", help="do not open a browser")
    actions.add_parser("status", help="each service, the last play sent, the outbox's size")
    send = actions.add_parser(
        "import",
        help="send the plays the archive holds (once each; stop and start again at will)",
        description="Sends the archive's plays that count under the rule, in the largest "
        "batches the service takes. A play sent before, or scrobbled live, is not sent again.",
    )
    send.add_argument("--to", choices=SERVICES, required=True, help="the service")
    send.add_argument("--since", type=_date, metavar="DATE", help="plays from this day on")
    send.add_argument("--dry-run", action="store_true", help="count, send nothing")


DEMO_NOTE = (
    "spotui scrobble does not run in the demo: the demo app scrobbles to fakes inside "
    "its own process, which no other command can ask."
)


def run(args: argparse.Namespace, *, demo: bool) -> int:
    if demo:
        print(DEMO_NOTE, file=sys.stderr)
        return EXIT_USAGE
    from spotui.scrobble.remote import ScrobbleError

    try:
        if args.action == "setup":
            if args.service == "listenbrainz":
                return asyncio.run(_setup_listenbrainz(args))
            return asyncio.run(_setup_lastfm(args))
        if args.action == "status":
            return _status()
        return asyncio.run(_import(args))
    except Failure as exc:
        print(str(exc), file=sys.stderr)
        return exc.code
    except ScrobbleError as exc:
        print(exc.message, file=sys.stderr)
        return EXIT_ERROR


# --- setup ---------------------------------------------------------------------------


def _secret(flag: str | None, prompt: str, name: str, option: str) -> str:
    """A secret from stdin (``-``) or typed unseen; never from the command line (``ps``)."""
    if flag not in (None, "-"):
        raise Failure(
            f"{option} takes only `-` (read the {name} from stdin): ps shows arguments.",
            EXIT_USAGE,
        )
    if flag == "-" or not sys.stdin.isatty():
        if flag is None:
            raise Failure(
                f"No terminal to ask on: use {option} - and give the {name} on stdin.", EXIT_USAGE
            )
        value = sys.stdin.readline(4096).strip()
    else:
        value = getpass.getpass(prompt).strip()
    from spotui.scrobble.accounts import well_formed

    if not well_formed(value):
        raise Failure(
            f"That is not a valid {name}: it is empty, too long, or holds spaces or line breaks. "
            "Copy it again.",
            EXIT_USAGE,
        )
    return value


def _keep(values: dict[str, str]) -> None:
    from spotui.credentials import CredentialStore, KeyringUnavailable

    store = CredentialStore()
    try:
        for name, value in values.items():
            store.keep_secret(name, value)
    except KeyringUnavailable as exc:
        raise Failure(f"Nothing was stored: {exc}") from None


async def _setup_listenbrainz(args: argparse.Namespace) -> int:
    from spotui.credentials import LISTENBRAINZ_TOKEN
    from spotui.scrobble.listenbrainz import ListenBrainz

    token = _secret(args.token, "ListenBrainz user token (not shown): ", "token", "--token")
    service = ListenBrainz(token)
    try:
        user = await service.validate()
    finally:
        await service.aclose()
    _keep({LISTENBRAINZ_TOKEN: token})
    out(f"ListenBrainz: signed in as {user}. spotui scrobbles there while it runs.")
    out("To send the plays the archive holds: spotui scrobble import --to listenbrainz")
    return EXIT_OK


async def _setup_lastfm(args: argparse.Namespace) -> int:
    from spotui.browser import open_browser
    from spotui.credentials import LASTFM_API_KEY, LASTFM_API_SECRET, LASTFM_SESSION
    from spotui.scrobble.accounts import well_formed
    from spotui.scrobble.lastfm import LastFm, NotApproved

    key = args.api_key
    if key is None:
        if not sys.stdin.isatty():
            raise Failure("No terminal to ask on: give --api-key KEY.", EXIT_USAGE)
        key = input("Last.fm API key: ").strip()
    if not well_formed(key) or not key.isalnum():
        raise Failure("That is not a Last.fm API key (32 letters and digits).", EXIT_USAGE)
    secret = _secret(
        args.api_secret, "Last.fm shared secret (not shown): ", "shared secret", "--api-secret"
    )
    service = LastFm(key, secret)
    try:
        token = await service.get_token()
        url = service.approve_url(token)
        print("Approve spotui on Last.fm, at:", file=sys.stderr)
        out(url)
        if not args.no_browser:
            open_browser(url)
        print("Waiting for the approval (Ctrl-C to stop)…", file=sys.stderr, flush=True)
        deadline = time.monotonic() + APPROVAL_WAIT_S
        while True:
            try:
                session, user = await service.get_session(token)
                break
            except NotApproved:
                if time.monotonic() > deadline:
                    raise Failure("Last.fm was not approved in time; run setup again.") from None
                await asyncio.sleep(APPROVAL_POLL_S)
    finally:
        await service.aclose()
    _keep({LASTFM_API_KEY: key, LASTFM_API_SECRET: secret, LASTFM_SESSION: session})
    out(f"Last.fm: signed in as {user}. spotui scrobbles there while it runs.")
    return EXIT_OK


# --- status and import -----------------------------------------------------------------


def _archive() -> Any:
    from spotui.history.db import Archive, ArchiveError

    archive = Archive(paths.history_file())
    try:
        archive.db  # noqa: B018  (opened now: a damaged file says so here)
    except ArchiveError as exc:
        raise Failure(str(exc)) from None
    return archive


def _status() -> int:
    from spotui.credentials import CredentialStore, KeyringUnavailable
    from spotui.history.db import ArchiveError
    from spotui.scrobble.accounts import NAMES, set_up
    from spotui.scrobble.outbox import Outbox

    try:
        ready = set_up(CredentialStore())
    except KeyringUnavailable as exc:
        raise Failure(str(exc)) from None
    outbox = Outbox(_archive())
    for service in SERVICES:
        try:
            status = outbox.status(service)
        except ArchiveError as exc:
            raise Failure(str(exc)) from None
        state = "set up" if ready[service] else f"not set up (spotui scrobble setup {service})"
        out(f"{NAMES[service]}: {state}")
        last = "none yet"
        if status.last_sent is not None:
            when = datetime.fromtimestamp(status.last_sent.started_at, UTC).strftime(
                "%Y-%m-%d %H:%M"
            )
            last = f"{status.last_sent.artist} – {status.last_sent.track} ({when} UTC)"
        out(f"  last play sent: {last}")
        counts = f"{status.waiting:,} waiting, {status.sent:,} sent, {status.ignored:,} ignored"
        out(f"  outbox: {counts}")
    return EXIT_OK


async def _import(args: argparse.Namespace) -> int:
    from spotui.history.db import ArchiveError
    from spotui.scrobble import accounts
    from spotui.scrobble.outbox import Outbox
    from spotui.scrobble.sender import Report, Sender

    name = accounts.NAMES[args.to]
    archive = _archive()
    since_ms = 0
    if args.since:
        since_ms = int(
            datetime(args.since.year, args.since.month, args.since.day, tzinfo=UTC).timestamp()
            * 1000
        )
    outbox = Outbox(archive)
    try:
        found = await asyncio.to_thread(outbox.from_archive, args.to, since_ms)
        waiting = outbox.status(args.to).waiting
    except ArchiveError as exc:
        raise Failure(str(exc)) from None
    total = len(found) + waiting
    if args.dry_run:
        out(f"{total:,} play{'' if total == 1 else 's'} would be sent to {name}.")
        return EXIT_OK
    services = await asyncio.to_thread(accounts.load)
    if args.to not in services:
        raise Failure(f"{name} is not set up: run `spotui scrobble setup {args.to}`.")
    bar = _Progress(sys.stderr, total)
    sender = Sender(archive, {args.to: services[args.to]}, on_problem=lambda _: None)
    report = Report()
    try:  # what waits first, then the archive a part at a time (the outbox stays small)
        await sender.flush(lambda _s, n: bar.add(n), report)
        for at in range(0, len(found), IMPORT_PART):
            if report.problems:
                break
            await asyncio.to_thread(outbox.add_many, args.to, found[at : at + IMPORT_PART])
            await sender.flush(lambda _s, n: bar.add(n), report)
    except ArchiveError as exc:
        raise Failure(str(exc)) from None
    finally:
        bar.end()
        await sender.aclose()
    sent, ignored = report.sent.get(args.to, 0), report.ignored.get(args.to, 0)
    out(f"{sent:,} play{'' if sent == 1 else 's'} sent to {name}.")
    if ignored:
        out(
            f"{ignored:,} {'was' if ignored == 1 else 'were'} ignored by {name} (too old, or "
            "refused); they are recorded as ignored and will not be sent again."
        )
    problem = report.problems.get(args.to)
    if problem:
        print(f"{problem} Run this again to send the rest.", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_OK


class _Progress:
    """Plays sent so far, on stderr: a bar on a terminal, a line each 10% elsewhere."""

    def __init__(self, stream: Any, total: int):
        self.stream = unfiltered(stream)
        self.tty = stream.isatty()
        self.total, self.done, self.said = total, 0, 0

    def add(self, count: int) -> None:
        self.done += count
        if not self.total:
            return
        if self.tty:
            filled = int(30 * self.done / self.total)
            self.stream.write(
                f"\rSending {'█' * filled}{'░' * (30 - filled)} {self.done}/{self.total}"
            )
        elif self.done * 10 // self.total > self.said:
            self.said = self.done * 10 // self.total
            self.stream.write(f"Sent {self.done:,} of {self.total:,}\n")
        self.stream.flush()

    def end(self) -> None:
        if self.tty and self.done:
            self.stream.write("\n")
