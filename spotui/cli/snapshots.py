"""What the daily snapshots kept, on the command line: ``top --as-of DATE`` and
``library --changes``. They read the archive only (see spotui.history.snapshots)."""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING, Any

from spotui.cli import EXIT_ERROR, EXIT_OK, EXIT_USAGE, Failure, out
from spotui.cli.output import to_json
from spotui.history import snapshots
from spotui.history.stats import date_of, day_of
from spotui.text import printable

if TYPE_CHECKING:
    from spotui.services import Services

# ``--window`` and its older spelling ``--range``, as the snapshots name them.
WINDOW_OF = {"4w": "4w", "6m": "6m", "1y": "1y", "short": "4w", "medium": "6m", "long": "1y"}
NO_SNAPSHOT = "spotui takes one a day while it runs, or on `spotui history sync`."


def day_arg(text: str) -> int:
    """A ``YYYY-MM-DD`` argument as a local day number."""
    try:
        return day_of(date.fromisoformat(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD)") from None


def _iso(day: int) -> str:
    return date_of(day).isoformat()


def top_as_of(services: Services, args: argparse.Namespace) -> int | None:
    """Spotify's ranking as the nearest snapshot on or before ``--as-of`` kept it; None
    without ``--as-of`` (the ranking now, which needs Spotify)."""
    if args.as_of is None:
        return None
    window = WINDOW_OF[args.window]
    archive = services.history()
    kept = snapshots.top_as_of(archive, args.kind, window, args.as_of)
    if kept is None:
        days = snapshots.snapshot_days(archive)
        first = f"the first is of {_iso(days[0])}" if days else f"none is kept yet; {NO_SNAPSHOT}"
        raise Failure(f"No daily snapshot on or before {_iso(args.as_of)}: {first}", EXIT_ERROR)
    items = kept.items[: args.limit]
    if args.json:
        out(
            to_json(
                {
                    "kind": args.kind,
                    "window": window,
                    "as_of": _iso(args.as_of),
                    "snapshot": _iso(kept.day),
                    "unchanged_since": _iso(kept.since),
                    "items": [
                        {
                            "rank": item.rank,
                            "name": item.name,
                            "artist": item.artist,
                            "uri": item.uri,
                        }
                        for item in items
                    ],
                }
            )
        )
        return EXIT_OK
    since = "" if kept.since == kept.day else f", unchanged since {_iso(kept.since)}"
    out(
        f"Top {args.kind}, {snapshots.WINDOW_WORDS[window]}, as the snapshot of "
        f"{_iso(kept.day)} kept them{since}:"
    )
    for item in items:
        who = f" — {item.artist}" if item.artist else ""
        out(printable(f"{item.rank:>3}. {item.name}{who}"))
    if not items:
        out("(Spotify had no list that day)")
    return EXIT_OK


def library_changes(services: Services, args: argparse.Namespace) -> int | None:
    """Adds and removes the snapshots saw, each with its day, oldest first; None without
    ``--changes`` or ``--since`` (the export, which needs Spotify)."""
    if not args.changes and args.since is None:
        return None
    if args.csv or args.output:
        raise Failure("--changes prints text, or JSON with --json.", EXIT_USAGE)
    archive = services.history()
    if not snapshots.library_kept(archive):
        raise Failure(f"No daily snapshot of the library is kept yet; {NO_SNAPSHOT}", EXIT_ERROR)
    changes = snapshots.library_changes(archive, args.since)
    if args.json:
        rows: list[dict[str, Any]] = [
            {
                "day": _iso(change.day),
                "change": "added" if change.added else "removed",
                "name": change.name,
                "artist": change.artist,
                "uri": change.uri,
            }
            for change in changes
        ]
        out(to_json(rows))
        return EXIT_OK
    for change in changes:
        sign = "+" if change.added else "-"
        out(printable(f"{_iso(change.day)}  {sign} {change.name} — {change.artist}"))
    if not changes:
        out("No change kept" + (f" since {_iso(args.since)}." if args.since is not None else "."))
    return EXIT_OK
