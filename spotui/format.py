"""Small text helpers for the screen and the headless commands."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

DEVICE_ICONS = {
    "Computer": "💻",
    "Smartphone": "📱",
    "Speaker": "🔊",
    "TV": "📺",
    "Automobile": "🚗",
    "Tablet": "📱",
    "GameConsole": "🎮",
    "CastAudio": "📡",
    "CastVideo": "📡",
    "AVR": "📻",
    "STB": "📺",
    "AudioDongle": "📡",
}

TIME_RANGE_LABELS = {
    "short_term": "4 weeks",
    "medium_term": "6 months",
    "long_term": "past year",
}
TIME_RANGE_SHORT = {"short_term": "4 wk", "medium_term": "6 mo", "long_term": "1 yr"}
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def mmss(ms: int) -> str:
    """2:31, or 1:02:03 past an hour."""
    seconds = max(0, int(ms)) // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def ago(moment: datetime | None, now: datetime) -> str:
    """A relative time: just now, 5 min ago, 3 h ago, yesterday, 4 days ago, or the date."""
    if moment is None:
        return ""
    seconds = (now - moment).total_seconds()
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)} min ago"
    if seconds < 86_400:
        return f"{int(seconds // 3600)} h ago"
    days = int(seconds // 86_400)
    if days == 1:
        return "yesterday"
    if days < 7:
        return f"{days} days ago"
    return moment.strftime("%-d %b %Y")


def device_icon(kind: str) -> str:
    return DEVICE_ICONS.get(kind, "🎧")


def followers(count: int | None) -> str:
    if count is None:
        return ""
    if count >= 1_000_000:
        return f"{count / 1_000_000:.1f}M"
    if count >= 1_000:
        return f"{count / 1_000:.0f}K"
    return str(count)


def listening_time(ms: int) -> str:
    """A span of listening: ``3 min``, ``36 h 12 min``, ``1,204 h``."""
    minutes = round(ms / 60_000)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours >= 100:
        return f"{hours:,} h"
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def day_label(moment: date, bucket: str) -> str:
    """A chart's label for a day: ``Mar 3``, or ``Mar 2026`` for a month."""
    if bucket == "month":
        return moment.strftime("%b %Y")
    return f"{moment.strftime('%b')} {moment.day}"


# --- templates: `now --format` and the notifications' `notify_format` ---------------------

FORMAT_FIELDS: dict[str, str] = {
    "status": "▶ or ⏸ (empty when nothing plays)",
    "state": "playing, paused, ad, nothing_playing, no_active_device (or offline, in --watch)",
    "type": "track, episode, ad or unknown",
    "title": "the track or episode title",
    "artist": "the artists, comma-separated (for an episode: the show)",
    "album": "the album (empty for an episode)",
    "show": "the podcast show (empty for a track)",
    "publisher": "the show's publisher",
    "progress": "elapsed time, m:ss",
    "duration": "total time, m:ss",
    "progress_ms": "elapsed milliseconds",
    "duration_ms": "total milliseconds",
    "percent": "elapsed percent, 0-100",
    "device": "the device's name",
    "volume": "the device's volume percent",
    "shuffle": "on or off",
    "repeat": "off, all (the list) or one (the track)",
    "url": "the track's open.spotify.com link",
    "image_url": "the cover's URL",
}


class FormatError(ValueError):
    """A template names a field that does not exist, or does not parse."""


def check_template(template: str, what: str = "--format") -> None:
    """Raise FormatError naming the first unknown field (``what``: where it was written)."""
    import string

    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise FormatError(
            f"{what} does not parse: {exc}. Write {{{{ for a literal brace."
        ) from None
    for _, field, spec, conversion in parsed:
        if field is None:
            continue
        if field not in FORMAT_FIELDS:
            known = ", ".join(FORMAT_FIELDS)
            raise FormatError(f"{what}: unknown field {{{field}}}. Fields: {known}.")
        if spec or conversion:
            raise FormatError(
                f"{what}: write {{{field}}} plainly; conversions (!r) and format specs "
                "(:>10) are not supported."
            )


def render(template: str, fields: Mapping[str, str]) -> str:
    return template.format_map(fields)
