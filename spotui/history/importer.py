"""Importing Spotify's export into the archive: one transaction per file.

A file imported whole before (same SHA-256) is counted as duplicates without
being read again; a file cut short by an interrupt left nothing behind, so the
next run imports it whole. A gap that a sync recorded is closed when an
imported file covers it.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from spotui.history import yourlibrary
from spotui.history.checks import refusals
from spotui.history.db import Archive
from spotui.history.export import HISTORY_NAMES, BadFile, ExportFile, collect, parse
from spotui.history.records import Batch, Gap

Progress = Callable[[int, int], None]  # (files done, files in all)
AHEAD = 2  # files parsed ahead, each in its own process
# Started so that a worker's parent is the importer itself (forkserver's would not be);
# fork is unsafe on macOS.
PROCESSES = (
    multiprocessing.get_context("fork")
    if sys.platform == "linux"
    else multiprocessing.get_context("spawn")
)


def _count(number: int, thing: str) -> str:
    return f"{number:,} {thing}{'' if number == 1 else 's'}"


@dataclass
class ImportResult:
    found: int = 0  # history files found (imported or not)
    files: int = 0
    added: int = 0
    duplicates: int = 0
    problems: list[str] = field(default_factory=list)  # one line for each file not imported
    refused: Counter[str] = field(default_factory=Counter)  # records refused, by reason
    notes: list[str] = field(default_factory=list)  # records refused, or nothing found
    gaps: list[Gap] = field(default_factory=list)  # those still open afterwards

    def summary(self) -> str:
        parts = [
            _count(self.files, "file"),
            f"{_count(self.added, 'play')} added",
            f"{_count(self.duplicates, 'duplicate')} skipped",
            _count(len(self.gaps), "gap"),
        ]
        if self.refused:
            parts.append(refusals(self.refused))
        if self.problems:
            parts.append(f"{_count(len(self.problems), 'file')} not imported")
        return " · ".join(parts)


def import_paths(
    archive: Archive,
    paths: Iterable[Path],
    progress: Progress | None = None,
    clock: Callable[[], float] = time.time,
) -> ImportResult:
    """Import every history file found in ``paths``; problems are kept, one line each.

    On a machine with more than one core, the next files are read and parsed in
    other processes while the archive takes the one before. Ctrl-C stops the other
    processes at once and leaves them silent; the file being written is rolled back.
    """
    result = ImportResult()
    now_ms = int(clock() * 1000)
    paths = list(paths)
    files: list[Callable[[], ExportFile | BadFile]] = []
    for path in paths:
        files.extend(collect(path))
    libraries = yourlibrary.find(paths, now_ms)
    result.found = len(files) + len(libraries)
    if not result.found:
        looked = ", ".join(map(str, paths))
        result.notes.append(
            f"No Spotify history files in {looked}: spotui looks for "
            f"{' and '.join(HISTORY_NAMES)} and {yourlibrary.NAME} (the zip Spotify sends, "
            "its folder, or the files)."
        )
    workers = min(AHEAD, (os.cpu_count() or 1), len(files) - 1)
    upcoming = iter(files)
    queued: deque[tuple[ExportFile | BadFile, _Reader | None]] = deque()
    readers: list[_Reader] = []
    sent = 0

    def queue_next() -> None:
        nonlocal sent
        load = next(upcoming, None)
        if load is None:
            return
        item = load()
        if not readers or isinstance(item, BadFile) or archive.imported(item.digest):
            queued.append((item, None))
        else:
            reader = readers[sent % len(readers)]  # each answers in the order it was asked
            sent += 1
            reader.ask(item, now_ms)
            queued.append((item, reader))

    try:
        with _sigint_held():  # a worker must not see Ctrl-C before it can ignore it
            readers.extend(_Reader() for _ in range(workers))
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
            parsed = ahead.answer() if ahead is not None else None
            import_file(archive, item, result, parsed, now_ms)
    finally:
        for reader in readers:
            reader.end()
    archive.settle()  # the sums, once for every file
    for library in libraries:  # the saved tracks as of the export's date
        try:
            result.notes.append(yourlibrary.keep(archive, library, now_ms))
        except BadFile as exc:
            result.problems.append(f"{library.name}: {exc}")
    if progress is not None:
        progress(len(files), len(files))
    result.gaps = archive.gaps()
    return result


@contextlib.contextmanager
def _sigint_held() -> Iterator[None]:
    """SIGINT waits (for this thread) until the workers are started."""
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


Packed = tuple[Batch, int, int, Counter[str]]


class _Reader:
    """A worker process parsing the files it is asked for, in turn, over two pipes of
    its own. Nothing is shared with another process (unlike a multiprocessing.Pool's
    queues, whose locks a worker killed half-way through sending would hold for
    ever), so ending it at any moment is safe."""

    def __init__(self) -> None:
        tasks, self._tasks = PROCESSES.Pipe(duplex=False)
        self._answers, answers = PROCESSES.Pipe(duplex=False)
        self._process: BaseProcess = PROCESSES.Process(
            target=_read_files, args=(tasks, answers, os.getpid()), daemon=True
        )
        self._process.start()
        tasks.close()  # the worker's ends: a worker that dies is then an end of file here
        answers.close()

    def ask(self, file: ExportFile, now_ms: int) -> None:
        with contextlib.suppress(OSError):  # the worker is gone: its answer will say so
            self._tasks.send((file, now_ms))

    def answer(self) -> Packed | BadFile | None:
        """The next file asked for, parsed (None: the worker is gone, parse it here)."""
        try:
            parsed: Packed | BadFile = self._answers.recv()
        except (EOFError, OSError):
            return None
        return parsed

    def end(self) -> None:
        """At once: on Ctrl-C it may be half-way through a file."""
        self._process.kill()
        self._process.join()
        self._tasks.close()
        self._answers.close()


def _read_files(tasks: Connection, answers: Connection, parent: int) -> None:
    """In a worker: parse each file asked for until the main process goes. Ctrl-C
    reaches the whole process group, and the main process alone answers it (it ends
    the workers)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    threading.Thread(target=_end_with, args=(parent,), daemon=True).start()
    while True:
        file, now_ms = tasks.recv()
        answers.send(_parse_packed(file, now_ms))


def _end_with(parent: int) -> None:
    """In a worker: end it when the main process is gone (killed, it could not say
    so), rather than wait for ever for a file."""
    while os.getppid() == parent:
        time.sleep(0.2)
    os._exit(1)


def _parse_packed(file: ExportFile, now_ms: int) -> Packed | BadFile:
    """Parse (in another process, perhaps): a :class:`Batch`, its source, the records
    skipped and those refused."""
    try:
        parsed = parse(file, now_ms)
    except BadFile as exc:
        return exc
    return parsed.plays, parsed.source, parsed.skipped, parsed.refused


def import_file(
    archive: Archive,
    file: ExportFile,
    result: ImportResult,
    parsed: Packed | BadFile | None = None,
    now_ms: int | None = None,
) -> None:
    """Import one file in one transaction (``parsed``: its columns, when read already)."""
    before = archive.imported(file.digest)
    if before is not None:
        result.files += 1
        result.duplicates += before[0]
        return
    if parsed is None:
        parsed = _parse_packed(file, now_ms if now_ms is not None else int(time.time() * 1000))
    if isinstance(parsed, BadFile):
        result.problems.append(f"{file.name}: {parsed}")
        return
    plays, source, _, refused = parsed
    with archive.write() as writer:
        added = writer.add(plays, source, later=True)
        if plays.played_at:  # the file covers this span: a gap inside it is closed
            covered = (min(plays.played_at), max(plays.played_at))
            writer.db.execute("DELETE FROM gaps WHERE start_ms >= ? AND end_ms <= ?", covered)
        writer.note_import(file.digest, file.name, len(plays.played_at), added.added)
    result.files += 1
    result.added += added.added
    result.duplicates += added.duplicates
    if refused:
        result.refused += refused
        result.notes.append(f"{file.name}: {refusals(refused)}")
