"""``spotui history``: sync, import, stats, top lists and export of the listening archive.

Only ``sync`` talks to Spotify (one request when nothing is new); the others read
or fill the local archive. Every failure is one line on stderr and an exit code.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spotui import paths
from spotui.cli import EXIT_ERROR, EXIT_OK, EXIT_USAGE, Failure, out
from spotui.cli.data import checked_output, to_json, write_csv, write_data
from spotui.format import listening_time
from spotui.history.days import iso
from spotui.history.db import Archive, ArchiveError
from spotui.history.queries import EXPORT_FIELDS, every_play
from spotui.history.stats import WINDOWS, Ranked, Stats, Window, compute, date_of, today
from spotui.text import unfiltered

if TYPE_CHECKING:
    from spotui.core.remote import Remote
    from spotui.services import Services

KINDS = ("artists", "tracks", "albums")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD)") from None


def _limit(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 100:
        raise argparse.ArgumentTypeError("must be a whole number from 1 to 100")
    return int(text)


def _window_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--window",
        choices=tuple(WINDOWS),
        default="4w",
        help="today, 7 days, 4 weeks (the default), 6 months, a year, or all time",
    )
    parser.add_argument("--since", type=_date, metavar="DATE", help="from this day (YYYY-MM-DD)")
    parser.add_argument("--until", type=_date, metavar="DATE", help="to this day, included")
    parser.add_argument("--json", action="store_true", help="one JSON object")


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    history = commands.add_parser(
        "history",
        help="your listening history, kept locally: sync, import, stats, top, export",
        description="spotui keeps every play in a local archive "
        f"({paths.history_file()}): from recently played (Spotify keeps only the "
        "last 50), and from Spotify's data export.",
    )
    actions = history.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser(
        "sync",
        help="keep the plays Spotify has seen since the last sync (one request), and "
        "the day's top lists and library changes once a day",
        description="Fetch recently played, newer than the newest kept play. Run it "
        "every couple of hours (cron or a systemd timer): Spotify keeps only 50 plays.",
    )
    importing = actions.add_parser(
        "import",
        help="import Spotify's data export: the zip, a folder, or single files",
        description="Reads the extended streaming history (Streaming_History_Audio_*.json) "
        "and the account data (StreamingHistory*.json). Importing again adds nothing.",
    )
    importing.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    stats = actions.add_parser("stats", help="listening time, plays, skips, streaks, top lists")
    _window_args(stats)
    top = actions.add_parser("top", help="your top artists, tracks or albums in a window")
    top.add_argument("kind", choices=KINDS)
    _window_args(top)
    top.add_argument("--limit", type=_limit, default=10, metavar="N", help="1 to 100 (10)")
    top.add_argument("--by", choices=("plays", "time"), default="plays", help="the order")
    exporting = actions.add_parser("export", help="every kept play, as CSV or JSON")
    kind = exporting.add_mutually_exclusive_group(required=True)
    kind.add_argument("--csv", action="store_true")
    kind.add_argument("--json", action="store_true")
    exporting.add_argument(
        "-o", "--output", type=lambda text: Path(text).expanduser(), metavar="FILE"
    )


def run(args: argparse.Namespace, *, demo: bool) -> int:
    """Run ``spotui history ACTION``. Only ``sync`` needs the sign-in (keyring, HTTP);
    the others open the archive alone, so that ``stats`` and ``top`` start quickly."""
    try:
        clock: Callable[[], float] = time.time
        if demo or args.action == "sync":
            from spotui.services import Services

            services = Services.demo_mode() if demo else Services.real()
            archive, clock = services.history(), services.clock
            if args.action == "sync":
                import asyncio

                from spotui.cli.table import with_remote

                return asyncio.run(with_remote(services, _syncer(services, archive), args))
        else:
            archive = Archive(paths.history_file())
        status = {"import": _import, "stats": _stats, "top": _top, "export": _export}[args.action](
            archive, args, clock
        )
        if archive.notice:
            print(archive.notice, file=sys.stderr)
        return status
    except ArchiveError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_ERROR
    except Failure as exc:
        print(str(exc), file=sys.stderr)
        return exc.code


def _syncer(services: Services, archive: Archive) -> Any:
    async def sync(remote: Remote, _args: argparse.Namespace) -> int:
        result = await remote.sync_history(archive, services.clock)
        if archive.notice:
            print(archive.notice, file=sys.stderr)
        out(f"History: {result.summary()}.")
        daily = await remote.daily_snapshot(archive, services.clock)
        out(f"Daily snapshot: {daily if isinstance(daily, str) else daily.summary()}.")
        return EXIT_OK

    return sync


def _import(archive: Archive, args: argparse.Namespace, _clock: Callable[[], float]) -> int:
    from spotui.history.importer import import_paths

    bar = _Bar(sys.stderr)
    try:
        result = import_paths(archive, args.paths, progress=bar.show)
    finally:
        bar.end()  # on Ctrl-C too: "Interrupted." gets a line of its own
    for line in (*result.problems, *result.notes):
        print(line, file=sys.stderr)
    out(result.summary())
    return EXIT_ERROR if not result.files and (result.problems or not result.found) else EXIT_OK


class _Bar:
    """A progress bar on stderr, only when it is a terminal."""

    def __init__(self, stream: Any):
        self.stream = unfiltered(stream)  # its own \r, and numbers only
        self.enabled = stream.isatty()

    def show(self, done: int, total: int) -> None:
        if self.enabled and total:
            filled = int(30 * done / total)
            self.stream.write(f"\rImporting {'█' * filled}{'░' * (30 - filled)} {done}/{total}")
            self.stream.flush()

    def end(self) -> None:
        if self.enabled:
            self.stream.write("\n")


def _window(args: argparse.Namespace, clock: Callable[[], float]) -> Window:
    now = today(int(clock() * 1000))
    if args.since or args.until:
        try:
            return Window.between(args.since, args.until, now)
        except ValueError as exc:
            raise Failure(f"--since and --until: {exc}.", EXIT_USAGE) from None
    return Window.named(args.window, now)


def _stats(archive: Archive, args: argparse.Namespace, clock: Callable[[], float]) -> int:
    stats = compute(archive, _window(args, clock), limit=5)
    if args.json:
        out(to_json(stats_json(stats), indent=1))
        return EXIT_OK
    for line in stats_lines(stats):
        out(line)
    return EXIT_OK


def _top(archive: Archive, args: argparse.Namespace, clock: Callable[[], float]) -> int:
    stats = compute(archive, _window(args, clock), limit=args.limit)
    rows = stats.top[f"{args.kind}-{args.by}"]
    if args.json:
        out(to_json({"window": _window_json(stats), args.kind: [_ranked(r) for r in rows]}))
        return EXIT_OK
    if not rows:
        out(f"No plays kept for {stats.window.label.lower()}.")
    for rank, row in enumerate(rows, 1):
        by = f"{row.plays:,} plays" if args.by == "plays" else listening_time(row.ms)
        artist = f" — {row.artist}" if row.artist else ""
        out(f"{rank:>3}. {row.name}{artist}  ({by})")
    return EXIT_OK


def _window_json(stats: Stats) -> dict[str, Any]:
    first = stats.window.first if stats.window.first is not None else stats.first_day
    return {
        "label": stats.window.label,
        "since": date_of(first).isoformat() if first is not None else None,
        "until": date_of(stats.window.last).isoformat(),
    }


def _ranked(row: Ranked) -> dict[str, Any]:
    return {
        "name": row.name,
        "artist": row.artist or None,
        "plays": row.plays,
        "ms": row.ms,
        "uri": row.uri,
    }


def stats_json(stats: Stats) -> dict[str, Any]:
    days, first, last = stats.streak
    return {
        "window": _window_json(stats),
        "plays": stats.plays,
        "streams": stats.streams,
        "ms": stats.ms,
        "skip_rate": None if stats.skip_rate is None else round(stats.skip_rate, 4),
        "streams_with_skip_data": stats.with_skip_data,
        "per": stats.bucket,
        "listening": [{"from": date_of(day).isoformat(), "ms": ms} for day, ms in stats.periods],
        "heatmap_ms": [list(row) for row in stats.heatmap],
        "top": {key: [_ranked(row) for row in rows] for key, rows in stats.top.items()},
        "new_artists": [_ranked(row) for row in stats.new_artists],
        "longest_streak": {
            "days": days,
            "from": date_of(first).isoformat() if days else None,
            "until": date_of(last).isoformat() if days else None,
        },
        "gaps": [{"from": iso(gap.start_ms), "until": iso(gap.end_ms)} for gap in stats.gaps],
    }


def stats_lines(stats: Stats) -> list[str]:
    window = _window_json(stats)
    lines = [f"{stats.window.label} ({window['since'] or '—'} to {window['until']})"]
    if not stats.streams:
        return [
            *lines,
            "No plays kept for this window. Run `spotui history sync`, or import "
            "your Spotify data export with `spotui history import`.",
        ]
    lines.append(
        f"Listening  {listening_time(stats.ms)} · {stats.plays:,} plays ({stats.streams:,} streams)"
    )
    if stats.skip_rate is not None:
        lines.append(
            f"Skipped    {stats.skip_rate:.0%} of {stats.with_skip_data:,} streams with skip data"
        )
    days, first, last = stats.streak
    if days:
        lines.append(
            f"Streak     {days} day{'s' if days > 1 else ''} "
            f"({date_of(first).isoformat()} to {date_of(last).isoformat()})"
        )
    for kind in KINDS:
        rows = stats.top[f"{kind}-plays"]
        if rows:
            names = "; ".join(
                f"{row.name}{' — ' + row.artist if row.artist else ''} ({row.plays:,})"
                for row in rows
            )
            lines.append(f"Top {kind:<8}{names}")
    if stats.new_artists:
        lines.append(f"New        {len(stats.new_artists)} artists heard for the first time")
    for gap in stats.gaps:
        lines.append(f"Gap        {iso(gap.start_ms)} to {iso(gap.end_ms)}: plays may be missing")
    return lines


def _export(archive: Archive, args: argparse.Namespace, _clock: Callable[[], float]) -> int:
    target = checked_output(args.output) if args.output else None
    records = every_play(archive)
    buffer = io.StringIO()
    if args.csv:
        write_csv(buffer, EXPORT_FIELDS, records)
    else:
        buffer.write(to_json(records, indent=1, ascii_only=target is None) + "\n")
    if target is None:
        write_data(buffer.getvalue())
        return EXIT_OK
    try:
        paths.write_export(target, buffer.getvalue())
    except OSError as exc:
        raise Failure(f"Cannot write {target}: {exc.strerror or type(exc).__name__}.") from None
    print(f"Wrote {len(records):,} plays to {target}", file=sys.stderr)
    return EXIT_OK
