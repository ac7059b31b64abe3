"""The lists: top tracks or artists, recently played, and the library export; read
through the core's lists (the top lists cached and revalidated as the TUI's are)."""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path
from typing import TextIO

from spotui import paths
from spotui.cli import EXIT_OK, Failure, out, snapshots
from spotui.cli.data import checked_output
from spotui.cli.output import (
    LIBRARY_FIELDS,
    item_json,
    saved_row,
    to_json,
    write_csv,
    write_data,
)
from spotui.cli.table import arg, command
from spotui.core.remote import Remote
from spotui.spotify.models import Artist, Paging, SavedTrack, TimeRange, Track
from spotui.text import printable, unfiltered

RANGES: dict[str, TimeRange] = {
    "4w": "short_term",
    "6m": "medium_term",
    "1y": "long_term",
    "short": "short_term",  # the older spelling, --range
    "medium": "medium_term",
    "long": "long_term",
}


@command(
    "top",
    "your top tracks or artists (as Spotify ranks them now, or on a day kept)",
    arg("kind", choices=("tracks", "artists")),
    arg(
        "--window",
        "--range",
        choices=tuple(RANGES),
        default="6m",
        metavar="4w|6m|1y",
        help="about 4 weeks, 6 months (the default) or a year (--range short|medium|long "
        "says the same)",
    ),
    arg(
        "--as-of",
        type=snapshots.day_arg,
        metavar="DATE",
        help="the ranking as the daily snapshot kept it that day (YYYY-MM-DD)",
    ),
    arg("--limit", type=int, default=20, choices=range(1, 51), metavar="1-50"),
    arg("--json", action="store_true"),
    local=snapshots.top_as_of,
)
async def top(remote: Remote, args: argparse.Namespace) -> int:
    found: tuple[Track | Artist, ...] = await remote.lists.top(args.kind, RANGES[args.window])
    items = found[: args.limit]
    if args.json:
        out(to_json([item_json(item) for item in items]))
        return EXIT_OK
    for rank, item in enumerate(items, 1):
        if isinstance(item, Artist):
            genres = f"  ({', '.join(item.genres[:3])})" if item.genres else ""
            out(f"{rank:>3}. {item.name}{genres}")
        else:
            out(f"{rank:>3}. {item.name} — {item.artist_names}")
    return EXIT_OK


@command(
    "recent",
    "recently played tracks",
    arg("--limit", type=int, default=20, choices=range(1, 51), metavar="1-50"),
    arg("--json", action="store_true"),
)
async def recent(remote: Remote, args: argparse.Namespace) -> int:
    played = await remote.lists.recent(limit=args.limit)
    if args.json:
        out(
            to_json(
                [
                    {
                        **item_json(entry.track),
                        "played_at": entry.played_at.isoformat() if entry.played_at else None,
                    }
                    for entry in played
                ]
            )
        )
        return EXIT_OK
    for entry in played:
        when = entry.played_at.astimezone().strftime("%Y-%m-%d %H:%M") if entry.played_at else ""
        out(f"{when}  {entry.track.name} — {entry.track.artist_names}")
    return EXIT_OK


class _Progress:
    """A bar on stderr, only when stderr is a terminal."""

    def __init__(self, stream: TextIO):
        self.stream = unfiltered(stream)  # its own \r, and numbers only
        self.enabled = stream.isatty()

    def show(self, done: int, total: int) -> None:
        if not self.enabled or not total:
            return
        width = 30
        filled = int(width * done / total)
        bar = "█" * filled + "░" * (width - filled)
        self.stream.write(f"\rSaved tracks {bar} {done:,}/{total:,}")
        self.stream.flush()

    def end(self) -> None:
        if self.enabled:
            self.stream.write("\n")


@command(
    "library",
    "export your saved tracks, or list what came and went (--changes)",
    arg("--json", group="kind", action="store_true"),
    arg("--csv", group="kind", action="store_true"),
    arg("-o", "--output", type=lambda text: Path(text).expanduser(), metavar="FILE"),
    arg("--changes", action="store_true", help="adds and removes the daily snapshots saw"),
    arg(
        "--since",
        type=snapshots.day_arg,
        metavar="DATE",
        help="changes from this day (implies --changes)",
    ),
    patient=True,
    local=snapshots.library_changes,
)
async def library(remote: Remote, args: argparse.Namespace) -> int:
    """Export every saved track, in library order (newest first)."""
    target = checked_output(args.output) if args.output else None
    progress = _Progress(sys.stderr)
    pages: dict[int, Paging[SavedTrack]] = {}
    total = loaded = 0
    async for page in remote.lists.library():
        pages[page.offset] = page
        total = page.total
        loaded += len(page.items)
        progress.show(loaded, total)
    progress.end()
    rows = [saved_row(entry) for offset in sorted(pages) for entry in pages[offset].items]
    buffer = io.StringIO()
    if args.csv:
        write_csv(buffer, LIBRARY_FIELDS, ({**r, "artists": "; ".join(r["artists"])} for r in rows))
    elif args.json:
        buffer.write(to_json(rows, indent=1, ascii_only=target is None) + "\n")
    else:
        for row in rows:
            buffer.write(printable(f"{row['title']} — {', '.join(row['artists'])}") + "\n")
    if target is not None:
        try:
            paths.write_export(target, buffer.getvalue())
        except OSError as exc:
            raise Failure(f"Cannot write {target}: {exc.strerror or type(exc).__name__}.") from None
        print(f"Wrote {len(rows):,} saved tracks to {target}", file=sys.stderr)
    elif args.csv:
        write_data(buffer.getvalue())
    else:  # a title per line is text, for the terminal
        sys.stdout.write(buffer.getvalue())
        sys.stdout.flush()
    return EXIT_OK
