"""The one place that makes outside text safe.

Every string that comes from outside (a track's name, an export's file name, a config
key, the snapshot) goes through here on its way in (``clean``) and, when it is shown
on a terminal, on its way out (``printable``). JSON output keeps the true string.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO, cast

REPLACEMENT = "\ufffd"

# Lone surrogates: no UTF-8 file or database can hold them.
_SURROGATES = re.compile("[\ud800-\udfff]")
# C0 controls but tab and newline, DEL, and the C1 controls (\x9b is a CSI on its own).
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# The same with tab and newline too, for text that must stay on one line.
_CONTROLS_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD; otherwise as received."""
    return _SURROGATES.sub(REPLACEMENT, text)


def _stand_in(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return "^" + chr(code + 0x40)  # ESC -> ^[, BEL -> ^G, CR -> ^M
    if code == 0x7F:
        return "^?"
    return REPLACEMENT  # C1


def printable(text: str, *, one_line: bool = True) -> str:
    """``text`` as a terminal may show it: no control character reaches the terminal.

    Controls become a visible stand-in (``^[`` for ESC, U+FFFD for C1), so a name stays
    recognizable. With ``one_line`` (the default) tab and newline are replaced too.
    """
    pattern = _CONTROLS_ONE_LINE if one_line else _CONTROLS
    return pattern.sub(_stand_in, clean(text))


class PrintableStream:
    """A text stream whose every write goes through :func:`printable` (tab and newline
    kept): the headless commands print through it, so no name they show can reach the
    terminal as a control sequence, whichever command prints it."""

    def __init__(self, raw: TextIO):
        self.raw = raw

    def write(self, text: str) -> int:
        self.raw.write(printable(text, one_line=False))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


def unfiltered(stream: TextIO) -> TextIO:
    """The stream under a :class:`PrintableStream`: for spotui's own control characters
    (a progress bar's ``\\r``) and for data (CSV) written to a pipe or file."""
    return stream.raw if isinstance(stream, PrintableStream) else stream


@contextmanager
def printable_output() -> Iterator[None]:
    """Within the block, stdout and stderr are :class:`PrintableStream` s."""
    saved = sys.stdout, sys.stderr
    sys.stdout = cast(TextIO, PrintableStream(sys.stdout))
    sys.stderr = cast(TextIO, PrintableStream(sys.stderr))
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
