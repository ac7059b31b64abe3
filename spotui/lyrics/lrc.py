"""The LRC parser, and the line at a position.

Real LRC holds more than ``[mm:ss.xx] text``: 3-digit milliseconds, minutes past 59,
several stamps before one text, ``[offset:+250]`` (a positive offset makes the lines
come sooner), metadata tags, empty lines that mark a pause, and stamps out of order.
Whatever does not parse is skipped, and everything read is bounded.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from spotui.text import clean

MAX_LRC_CHARS = 512 * 1024  # more than any song's LRC: the rest is not read
MAX_LINES = 5_000  # lines of LRC read, stamps kept
MAX_LINE_CHARS = 500  # a line's text is cut here
MAX_OFFSET_MS = 600_000  # an offset beyond ten minutes is a mistake: ignored

_STAMP = re.compile(r"\[(\d{1,4}):(\d{1,2})(?:[.:](\d{1,3}))?\]")
_TAG = re.compile(r"\[([A-Za-z#]{1,16}):([^\]]*)\]\s*$")
_OFFSET = re.compile(r"[+-]?\d{1,7}")


@dataclass(frozen=True, slots=True)
class Line:
    """One sung line: when (ms from the start, before any offset) and its words ("" is a
    pause)."""

    at_ms: int
    text: str


@dataclass(frozen=True, slots=True)
class Synced:
    """Parsed LRC: its lines in time order, its ``[offset:]`` and its tags."""

    lines: tuple[Line, ...] = ()
    offset_ms: int = 0
    tags: tuple[tuple[str, str], ...] = ()
    _times: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_times", tuple(line.at_ms for line in self.lines))

    def index_at(self, position_ms: int, shift_ms: int = 0) -> int:
        """The line being sung at ``position_ms`` (-1 before the first): the last one whose
        stamp is at or before it. The offset and ``shift_ms`` (positive: sooner) move the
        lines as ``[offset:]`` does."""
        return bisect_right(self._times, position_ms + self.offset_ms + shift_ms) - 1

    def next_at_ms(self, index: int, shift_ms: int = 0) -> int | None:
        """The track position at which the line after ``index`` starts (None after the last)."""
        if index + 1 >= len(self.lines):
            return None
        return self.lines[index + 1].at_ms - self.offset_ms - shift_ms


def _stamp_ms(match: re.Match[str]) -> int | None:
    minutes, seconds, fraction = match.groups()
    if int(seconds) >= 60:
        return None
    ms = (int(minutes) * 60 + int(seconds)) * 1000
    if fraction:
        ms += int(fraction.ljust(3, "0"))  # .5 is 500 ms, .05 is 50, .005 is 5
    return ms


def parse_lrc(text: str) -> Synced:
    """The synced lines of ``text``; lines that are neither stamped nor a tag are
    skipped, as are stamps that cannot be a time (``[01:75.00]``)."""
    lines: list[Line] = []
    tags: list[tuple[str, str]] = []
    offset = 0
    for raw in clean(text[:MAX_LRC_CHARS]).splitlines()[:MAX_LINES]:
        raw = raw.strip()
        stamps: list[int] = []
        at = 0
        while match := _STAMP.match(raw, at):
            ms = _stamp_ms(match)
            if ms is not None:
                stamps.append(ms)
            at = match.end()
            while at < len(raw) and raw[at] in " \t":
                at += 1
        if at:
            words = raw[at:].strip()[:MAX_LINE_CHARS]
            lines.extend(Line(ms, words) for ms in stamps)
            continue
        tag = _TAG.match(raw)
        if tag is None:
            continue
        name, value = tag.group(1).lower(), tag.group(2).strip()[:MAX_LINE_CHARS]
        if name == "offset":
            if _OFFSET.fullmatch(value) and abs(int(value)) <= MAX_OFFSET_MS:
                offset = int(value)
        elif len(tags) < 32:
            tags.append((name, value))
    lines.sort(key=lambda line: line.at_ms)  # stable: a line's order among equal stamps
    return Synced(tuple(lines[:MAX_LINES]), offset, tuple(tags))


def plain_lines(text: str) -> tuple[str, ...]:
    """Unsynced lyrics as lines, bounded as LRC is."""
    return tuple(
        line.strip()[:MAX_LINE_CHARS]
        for line in clean(text[:MAX_LRC_CHARS]).splitlines()[:MAX_LINES]
    )
