"""The ``spotui`` command line: parse arguments, hand over, turn errors into one line.

Heavy imports (Textual) happen only for the commands that open the UI.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import select
import sys
from contextlib import ExitStack
from pathlib import Path

from spotui import __version__
from spotui.cli import EXIT_ERROR, EXIT_OK, EXIT_USAGE, interrupted
from spotui.text import printable_output

DEMO_HELP = "run against a built-in fake Spotify (no account)"


def build_parser(*, commands: bool = True, only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; without ``commands``, the app's options alone (the app
    starts without importing the headless commands). With ``only="history"``, the one
    command whose word came first: its parse, help and errors are the same, and
    ``history stats`` starts without the Spotify client's imports."""
    parser = argparse.ArgumentParser(
        prog="spotui",
        description="What you are playing on Spotify, in your terminal. "
        "Run without a command to open the app.",
        add_help=commands,
    )
    parser.add_argument("--version", action="version", version=f"spotui {__version__}")
    parser.add_argument("--demo", action="store_true", help=DEMO_HELP)
    parser.add_argument("--config", type=Path, metavar="PATH", help="read this config file")
    parser.add_argument(
        "--log",
        metavar="FILE",
        help="--log=FILE writes a debug log (tokens redacted) to FILE; a bare --log, to the "
        "platform's log folder",
    )
    if not commands:
        return parser
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    if only == "history":
        from spotui.cli import history

        history.add_parser(subparsers)
        _demo_anywhere(parser)
        return parser
    from spotui.cli.headless import add_commands

    auth = subparsers.add_parser(
        "auth",
        help="sign in to Spotify without the UI (SSH, scripts)",
        description="Sign in: prints the authorize URL on stdout, then waits for the "
        "browser's redirect or for the redirect URL (or code) pasted on stdin.",
    )
    auth.add_argument("--client-id", help="your app's Client ID (or SPOTIFY_CLIENT_ID)")
    auth.add_argument(
        "--client-secret",
        help="your app's client secret, for the classic flow (optional). Other users can see "
        "it in `ps` while spotui waits: prefer SPOTIFY_CLIENT_SECRET, or `-` to type it",
    )
    auth.add_argument("--port", type=int, help="callback port (default 8888)")
    auth.add_argument("--no-browser", action="store_true", help="do not open a browser")

    logout = subparsers.add_parser("logout", help="remove every secret spotui stored")
    logout.add_argument("--all", action="store_true", help="forget the Client ID too")
    doctor = subparsers.add_parser(
        "doctor",
        help="check the sign-in, the account and the app's limits",
        description="Check and explain, one line per check. Costs a handful of requests "
        "and never changes playback. Exit 0 when all is well, 1 otherwise.",
    )
    doctor.add_argument("--json", action="store_true", help="the checks as one JSON object")
    add_commands(subparsers)
    from spotui.cli import history, keys, scrobble

    history.add_parser(subparsers)
    keys.add_parser(subparsers)
    scrobble.add_parser(subparsers)
    _demo_anywhere(parser)
    return parser


def _demo_anywhere(parser: argparse.ArgumentParser) -> None:
    """``spotui now --demo`` as ``spotui --demo now``: each command (and action) takes
    ``--demo`` too, leaving the value alone when it does not say it."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for command in set(action.choices.values()):
                command.add_argument(
                    "--demo", action="store_true", default=argparse.SUPPRESS, help=DEMO_HELP
                )
                _demo_anywhere(command)


def _run_app(args: argparse.Namespace) -> int:
    from spotui.tui.app import run

    return run(demo=args.demo, config_path=args.config)


def _terminal_problem() -> str | None:
    """Why the app cannot draw here, or None: it needs a real terminal on stdin and stdout."""
    advice = "for scripts use `spotui now`"
    try:
        interactive = sys.stdin is not None and sys.stdin.isatty() and sys.stdout.isatty()
    except (ValueError, OSError):
        interactive = False
    if not interactive:
        return f"spotui needs a terminal; {advice}."
    if os.environ.get("TERM", "") in ("dumb", "unknown"):
        return f"spotui needs a terminal that can draw (TERM={os.environ['TERM']}); {advice}."
    return None


def _bare_log(argv: list[str]) -> list[str]:
    """A bare ``--log`` takes no value, so ``spotui --log now`` logs and runs ``now``."""
    return ["--log=" if word == "--log" else word for word in argv]


def _plain_streams() -> None:
    """A terminal or pipe that cannot show some character gets a replacement, not an error."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")


def _relative_values(argv: list[str]) -> list[str]:
    """Let ``seek -10s`` and ``volume -5`` through: argparse would read them as options."""
    for at, word in enumerate(argv[:-1]):
        if word in ("seek", "volume") and argv[at + 1][:1] == "-" and argv[at + 1][1:2].isdigit():
            return [*argv[: at + 1], "--", *argv[at + 1 :]]
    return argv


def main(argv: list[str] | None = None) -> int:
    """Run spotui. Ctrl-C at any moment is one line and status 130; output cut short by
    a closed pipe (``| head``) ends quietly with status 0, as a Unix tool does."""
    try:
        code = _main(argv)
        sys.stdout.flush()  # short output meets the closed pipe only here
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        _quiet_closed_pipes()
        return EXIT_OK
    except Exception as exc:
        if not interrupted(exc):
            raise
        print("Interrupted.", file=sys.stderr)
        return 130
    return code


def _quiet_closed_pipes() -> None:
    """Send what is left for a closed stdout (or stderr) to /dev/null, so that nothing is
    said when Python flushes it on the way out."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        try:
            poller = select.poll()
            poller.register(stream.fileno(), select.POLLERR)
            if poller.poll(0):
                os.dup2(devnull, stream.fileno())
        except (OSError, ValueError, AttributeError):
            continue
    os.close(devnull)


def _main(argv: list[str] | None) -> int:
    _plain_streams()
    words = _relative_values(_bare_log(sys.argv[1:] if argv is None else argv))
    args, rest = build_parser(commands=False).parse_known_args(words)
    args.command = None
    if rest:  # a command, --help, or a mistake: the whole command line reads them
        parser = build_parser(only="history" if rest[0] == "history" else None)
        args = parser.parse_args(words)
    if args.log is not None:
        from spotui.logs import start_logging

        try:
            start_logging(Path(args.log).expanduser() if args.log else None)
        except OSError as exc:
            where = args.log or "the log folder"
            print(f"spotui: cannot write the log to {where}: {exc.strerror}.", file=sys.stderr)
            return EXIT_USAGE
    streams = ExitStack()
    if args.command is not None:  # names from outside never reach the terminal raw
        streams.enter_context(printable_output())
    try:
        if args.command is None:
            problem = _terminal_problem()
            if problem:
                print(problem, file=sys.stderr)
                return EXIT_USAGE
            return _run_app(args)
        if args.command == "auth":
            from spotui.cli.auth import sign_in
            from spotui.config import load_config
            from spotui.spotify.ports import PORT_RULE, PORTS

            if args.port is not None and args.port not in PORTS:
                print(f"--port must be {PORT_RULE}.", file=sys.stderr)
                return EXIT_USAGE
            if args.client_secret == "-":
                import getpass

                args.client_secret = getpass.getpass("Client secret (not shown): ") or None
            config, _ = load_config(args.config)
            return asyncio.run(
                sign_in(
                    args.client_id,
                    args.client_secret,
                    args.port,
                    no_browser=args.no_browser,
                    default_port=config.callback_port,
                )
            )
        if args.command == "doctor":
            from spotui.cli.doctor import doctor
            from spotui.config import load_config
            from spotui.services import Services

            config, _ = load_config(args.config)
            services = Services.demo_mode() if args.demo else Services.real()
            return asyncio.run(doctor(services, as_json=args.json, port=config.callback_port))
        if args.command == "history":
            from spotui.cli import history

            return history.run(args, demo=args.demo)
        if args.command == "scrobble":
            from spotui.cli import scrobble

            return scrobble.run(args, demo=args.demo)
        if args.command == "keys":
            from spotui.cli import keys

            return keys.run(args, args.config)
        if args.command == "logout":
            from spotui.cli.auth import logout

            return logout(everything=args.all)
        from spotui.cli.headless import COMMANDS, run

        if args.command in COMMANDS:
            return asyncio.run(run(args.command, args, demo=args.demo))
    except BrokenPipeError:
        raise  # not a bug: whoever read the output has gone (see main)
    except Exception as exc:  # the last guard: one line and a redacted report
        if interrupted(exc):
            raise KeyboardInterrupt from None
        from spotui.crash import crash_line, write_report

        print(crash_line(exc, write_report(exc)), file=sys.stderr)
        return EXIT_ERROR
    finally:
        streams.close()
    build_parser().print_help()
    return EXIT_USAGE
