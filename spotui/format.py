"""Small text helpers for the screen and the headless commands."""

from __future__ import annotations

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
    "long_term": "all time",
}
TIME_RANGE_SHORT = {"short_term": "4 wk", "medium_term": "6 mo", "long_term": "all"}
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
