"""What the Library tab keeps per saved track: its row and its Entry, in bytes.

    python bench/library_memory.py [TRACKS]

The fake's library (10,004 tracks by default, as the benchmark loads) is parsed from
JSON page by page as the app parses it, and turned into the table's rows and entries as the Library
tab does (``saved_rows`` and ``Entry.of``); the pages are then dropped, as the tab drops
them. tracemalloc counts what stays: a deterministic figure, whatever the machine's
load, for the part of the benchmark's "memory with the library loaded" that grows with
the library.
"""

from __future__ import annotations

import gc
import json
import sys
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spotui.core.playing import Entry
from spotui.fake.account import FakeAccount
from spotui.spotify.models import SavedTrack
from spotui.tui.widgets.lists import saved_rows

PAGE = 50


def main() -> int:
    tracks = int(sys.argv[1]) if len(sys.argv) > 1 else 10_004
    account = FakeAccount(clock=lambda: 1_780_000_000.0, library_size=tracks)
    pages = [  # as the app receives them: bytes, parsed inside the measure
        json.dumps(
            [
                {"added_at": "2026-05-01T10:00:00Z", "track": account.item_json(uri)}
                for uri, _at in account.saved[offset : offset + PAGE]
            ]
        ).encode()
        for offset in range(0, len(account.saved), PAGE)
    ]
    gc.collect()
    tracemalloc.start()
    rows: list[tuple[str, ...]] = []
    entries: list[Entry] = []
    for page in pages:
        saved = [s for s in map(SavedTrack.from_json, json.loads(page)) if s is not None]
        rows.extend(saved_rows(saved, len(rows) + 1))
        entries.extend(Entry.of(s.track) for s in saved)
    del saved
    gc.collect()
    held, _peak = tracemalloc.get_traced_memory()
    snapshot = tracemalloc.take_snapshot()
    tracemalloc.stop()
    row_bytes = sum(
        stat.size
        for stat in snapshot.statistics("filename")
        if stat.traceback[0].filename.endswith("lists.py")
    )
    print(f"{len(entries):,} saved tracks held as rows and entries: {held / 2**20:.2f} MB")
    print(f"  made by lists.py (the rows' own strings): {row_bytes / 2**20:.2f} MB")
    print(f"  per track: {held / len(entries):.0f} bytes")
    for stat in snapshot.statistics("lineno")[:8]:
        print(f"  {stat.size / 2**20:6.2f} MB  {stat.traceback[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
