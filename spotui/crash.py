"""When spotui meets a bug: a redacted report on disk and one plain line for the user.

Tracebacks are written without local variables (where tokens live) and passed
through :func:`spotui.logs.redact`, so a report can be shared as it is.
"""

from __future__ import annotations

import sys
import time
import traceback
from pathlib import Path

from spotui import __version__, paths
from spotui.logs import redact


def write_report(error: BaseException) -> Path | None:
    """Write the redacted report (mode 0600); its path, or None when it cannot be written."""
    lines = traceback.format_exception(type(error), error, error.__traceback__)
    header = f"spotui {__version__}, Python {sys.version.split()[0]}, {time.ctime()}\n\n"
    path = paths.log_dir() / f"crash-{time.strftime('%Y%m%d-%H%M%S')}.txt"
    try:
        paths.write_private(path, header + redact("".join(lines)))
    except OSError:
        return None
    return path


def crash_line(error: BaseException, report: Path | None) -> str:
    where = f" A report without secrets is in {report}." if report else ""
    return (
        f"spotui stopped on an unexpected error ({type(error).__name__}).{where} Please report it."
    )
