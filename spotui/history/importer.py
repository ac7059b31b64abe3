"""Importing Spotify's export into the archive: one transaction per file.

A file imported whole before (same SHA-256) is counted as duplicates without
being read again; a file cut short by an interrupt left nothing behind, so the
next run imports it whole. A gap that a sync recorded is closed when an
imported file covers it.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from spotui.history.db import Archive, Batch, Gap
from spotui.history.export import BadFile, ExportFile, Parsed, collect, parse

Progress = Callable[[int, int], None]  # (files done, files in all)
AHEAD = 2  # files parsed ahead, each in its own process


@dataclass
class ImportResult:
    files: int = 0
    added: int = 0
    duplicates: int = 0
    problems: list[str] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)  # those still open afterwards

    def summary(self) -> str:
        files = f"{self.files:,} file{'' if self.files == 1 else 's'}"
        gaps = len(self.gaps)
        parts = [
            files,
            f"{self.added:,} plays added",
            f"{self.duplicates:,} duplicates skipped",
            f"{gaps} gap{'' if gaps == 1 else 's'}",
        ]
        if self.problems:
            parts.append(
                f"{len(self.problems)} file{'' if len(self.problems) == 1 else 's'} not imported"
            )
        return " · ".join(parts)


def import_paths(
    archive: Archive, paths: Iterable[Path], progress: Progress | None = None
) -> ImportResult:
    """Import every history file found in ``paths``; problems are kept, one line each.

    On a machine with more than one core, the next files are read and parsed in
    other processes while the archive takes the one before.
    """
    result = ImportResult()
    files: list[Callable[[], ExportFile | BadFile]] = []
    for path in paths:
        files.extend(collect(path))
    workers = min(AHEAD, (os.cpu_count() or 1), len(files) - 1)
    pool = ProcessPoolExecutor(workers) if workers > 0 else None
    upcoming = iter(files)
    queued: deque[tuple[ExportFile | BadFile, Future[Packed | BadFile] | None]] = deque()

    def queue_next() -> None:
        load = next(upcoming, None)
        if load is None:
            return
        item = load()
        if pool is None or isinstance(item, BadFile) or archive.imported(item.digest):
            queued.append((item, None))
        else:
            queued.append((item, pool.submit(_parse_packed, item)))

    try:
        for _ in range(workers + 1):
            queue_next()
        for done in range(len(files)):
            if progress is not None:
                progress(done, len(files))
            item, ahead = queued.popleft()
            queue_next()
            if isinstance(item, BadFile):
                result.problems.append(str(item))
                continue
            parsed = ahead.result() if ahead is not None else None
            import_file(archive, item, result, parsed)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    archive.settle()  # the sums, once for every file
    if progress is not None:
        progress(len(files), len(files))
    result.gaps = archive.gaps()
    return result


def parse_or_bad(file: ExportFile) -> Parsed | BadFile:
    try:
        return parse(file)
    except BadFile as exc:
        return exc


Packed = tuple[Batch, int, int]


def _parse_packed(file: ExportFile) -> Packed | BadFile:
    """Parse in another process, and hand back a :class:`Batch` and its source."""
    parsed = parse_or_bad(file)
    if isinstance(parsed, BadFile):
        return parsed
    return parsed.plays, parsed.source, parsed.skipped


def import_file(
    archive: Archive,
    file: ExportFile,
    result: ImportResult,
    parsed: Packed | BadFile | None = None,
) -> None:
    """Import one file in one transaction (``parsed``: its columns, when read already)."""
    before = archive.imported(file.digest)
    if before is not None:
        result.files += 1
        result.duplicates += before[0]
        return
    if parsed is None:
        parsed = _parse_packed(file)
    if isinstance(parsed, BadFile):
        result.problems.append(f"{file.name}: {parsed}")
        return
    plays, source, _ = parsed
    with archive.write() as writer:
        added = writer.add(plays, source, later=True)
        if plays.played_at:  # the file covers this span: a gap inside it is closed
            covered = (min(plays.played_at), max(plays.played_at))
            writer.db.execute("DELETE FROM gaps WHERE start_ms >= ? AND end_ms <= ?", covered)
        writer.note_import(file.digest, file.name, len(plays.played_at), added.added)
    result.files += 1
    result.added += added.added
    result.duplicates += added.duplicates
