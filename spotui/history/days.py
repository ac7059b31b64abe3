"""Day arithmetic: the local day and hour of a moment, the UTC span that holds some
days, the blocks of days the sums are kept in, and ISO dates. Used by the writer, the
stats, the charts and the screenshots."""

from __future__ import annotations

import functools
import time
from datetime import UTC, datetime, timedelta

BLOCK = 28  # days summed together in block_tracks and block_hours


def local_day_hour(ms: int) -> tuple[int, int]:
    """The local calendar day (days since 1970-01-01) and hour of the week (Monday 0h = 0)."""
    seconds = ms // 1000
    offset, hour = local_hour(seconds // 3600)
    return (seconds + offset) // 86_400, hour


@functools.lru_cache(maxsize=4096)
def local_hour(hours: int) -> tuple[int, int]:
    """The UTC offset and local hour of the week of one UTC hour (offsets change on the
    hour, or the half hour in a few places: the hour's middle decides)."""
    moment = time.localtime(hours * 3600 + 1800)
    return moment.tm_gmtoff, moment.tm_wday * 24 + moment.tm_hour


def zone_changed() -> None:
    """The local time zone changed (``TZ`` and :func:`time.tzset`): forget the offsets kept."""
    local_hour.cache_clear()


IN_DAYS = "played_at BETWEEN ? AND ? AND day BETWEEN ? AND ?"  # with day_span's bounds


def day_span(first: int, last: int) -> tuple[int, int]:
    """UTC ms that surely hold the local days ``first``..``last`` (any UTC offset)."""
    return (first - 1) * 86_400_000, (last + 2) * 86_400_000


_Y2K = datetime(2000, 1, 1, tzinfo=UTC)
_Y2K_MS = 946_684_800_000
_400_YEARS_MS = 146_097 * 86_400_000  # the Gregorian calendar repeats after this


def iso(ms: int) -> str:
    """``2024-01-31T22:04:05Z`` for any stored moment, the year always in four digits
    (ISO 8601's signed, longer year past 9999 or before year 0)."""
    eras, within = divmod(ms - _Y2K_MS, _400_YEARS_MS)
    moment = _Y2K + timedelta(milliseconds=within)
    year = moment.year + 400 * eras
    written = f"{year:04d}" if 0 <= year <= 9999 else f"{year:+05d}"
    return f"{written}-{moment:%m-%dT%H:%M:%S}Z"
