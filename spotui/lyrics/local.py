"""Local ``.lrc`` files (config ``lyrics_dir``), looked in first, by artist and title.

A file matches when its name, in any case and with punctuation as spaces, reads
"artist - title", "artist title" or "title" (as sptlrx matches them). The walk and
the read are bounded.
"""

from __future__ import annotations

import logging
import os
import re
import stat
from pathlib import Path

from spotui.lyrics.lrclib import TrackQuery

MAX_FILES = 20_000  # names looked at in the folder and below
MAX_DEPTH = 6
MAX_LRC_BYTES = 512 * 1024

_NOT_WORD = re.compile(r"[\W_]+")

log = logging.getLogger("spotui.lyrics")


def _words(text: str) -> str:
    return _NOT_WORD.sub(" ", text.casefold()).strip()


def find_lrc(folder: Path, query: TrackQuery) -> Path | None:
    """The ``.lrc`` file for ``query`` under ``folder``; an artist's file before a bare
    title's."""
    title = _words(query.title)
    if not title:
        return None
    wanted = [f"{_words(query.artist)} {title}".strip(), title]
    found: dict[str, Path] = {}
    seen = 0
    for root, dirs, files in os.walk(folder):
        if len(Path(root).relative_to(folder).parts) >= MAX_DEPTH:
            dirs.clear()
        dirs.sort()
        for name in sorted(files):
            seen += 1
            if seen > MAX_FILES:
                break
            stem, ext = os.path.splitext(name)
            path = Path(root) / name
            if ext.lower() == ".lrc" and _words(stem) in wanted and _regular(path):
                found.setdefault(_words(stem), path)
        if seen > MAX_FILES:
            break
    return next((found[key] for key in wanted if key in found), None)


def _regular(path: Path) -> bool:
    """Whether ``path`` is a regular file (a FIFO or a device would block a read)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    if not stat.S_ISREG(mode):
        log.debug("Skipped %s: not a regular file.", path)
        return False
    return True


def read_lrc(path: Path) -> str | None:
    """The text of an ``.lrc`` file (its first ``MAX_LRC_BYTES``); None when it cannot
    be read or is not a regular file. Opened without blocking and checked once open, so
    a file swapped for a FIFO cannot hang the read."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            log.debug("Skipped %s: not a regular file.", path)
            return None
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(MAX_LRC_BYTES)
    except OSError:
        return None
    finally:
        os.close(fd)
    return data.decode("utf-8", errors="replace").lstrip("\ufeff")
