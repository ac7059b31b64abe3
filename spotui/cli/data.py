"""Data on stdout or in a file: JSON and CSV that any terminal or pipe can carry.

Light on purpose (no models, no HTTP): ``history stats --json`` starts from it."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from spotui import paths
from spotui.cli import EXIT_USAGE, Failure
from spotui.text import unfiltered


def to_json(value: Any, *, indent: int | None = None, ascii_only: bool | None = None) -> str:
    """JSON that any terminal or pipe can carry: non-ASCII is escaped unless stdout is UTF-8
    (``ascii_only`` decides for output that goes elsewhere)."""
    if ascii_only is None:
        encoding = (getattr(sys.stdout, "encoding", None) or "ascii").lower()
        ascii_only = encoding.replace("-", "").replace("_", "") != "utf8"
    return _C1.sub(_escaped, json.dumps(value, ensure_ascii=ascii_only, indent=indent))


# json.dumps leaves DEL and the C1 controls raw when it may write non-ASCII.
_C1 = re.compile("[\x7f-\x9f]")


def _escaped(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def write_csv(
    buffer: io.StringIO, fields: Sequence[str], rows: Iterable[Mapping[str, Any]]
) -> None:
    """``rows`` as CSV, one line each, ending in a newline alone. A row with a CR in a field
    is quoted whole: with that line end ``csv`` would leave the CR unquoted, and the file
    could not be read back."""
    plain = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    quoted = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n", quoting=csv.QUOTE_ALL)
    plain.writeheader()
    for row in rows:
        carriage = any(isinstance(value, str) and "\r" in value for value in row.values())
        (quoted if carriage else plain).writerow(row)


def write_data(text: str) -> None:
    """CSV on stdout: the true string for a pipe or a file, the printable one
    for a terminal (see :class:`spotui.text.PrintableStream`)."""
    stream = sys.stdout if sys.stdout.isatty() else unfiltered(sys.stdout)
    stream.write(text)
    stream.flush()


def checked_output(path: Path) -> Path | None:
    """Where the export goes: None for stdout (``-``). A path that cannot be written, or
    one in spotui's own folders, is refused before anything is downloaded; no folder is
    created."""
    if str(path) == "-":
        return None
    if paths.kept_by_spotui(path):
        raise Failure(
            f"{path} is in a folder spotui keeps (its archive, config, cache and logs); "
            "write the export somewhere else.",
            EXIT_USAGE,
        )
    if path.is_dir():
        raise Failure(f"{path} is a folder; name a file.", EXIT_USAGE)
    if path.exists() or path.is_symlink():
        if not os.access(path, os.W_OK):
            raise Failure(f"Cannot write {path}: permission denied.", EXIT_USAGE)
        return path
    folder = path.parent
    if not folder.is_dir():
        raise Failure(f"Cannot write {path}: the folder {folder} does not exist.", EXIT_USAGE)
    if not os.access(folder, os.W_OK):
        raise Failure(f"Cannot write in {folder}: permission denied.", EXIT_USAGE)
    return path
