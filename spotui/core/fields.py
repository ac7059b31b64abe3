"""What plays, as the text fields a template names (``now --format``, notifications)."""

from __future__ import annotations

from spotui.format import mmss
from spotui.spotify.models import Episode, Playback, RepeatMode, Track, pick_image

# Spotify's repeat modes as spotui says them everywhere: ``spotui repeat``, the r key,
# ``now --format`` and ``--json``, the notifications.
REPEAT_SAID: dict[RepeatMode, str] = {"off": "off", "context": "all", "track": "one"}


def state_of(playback: Playback | None) -> str:
    if playback is None:
        return "no_active_device"
    if playback.is_ad:
        return "ad"
    if playback.item is None:
        return "nothing_playing"
    return "playing" if playback.is_playing else "paused"


def format_fields(playback: Playback | None, *, offline: bool = False) -> dict[str, str]:
    """The values a template can use (``spotui.format.FORMAT_FIELDS``), all strings."""
    state = "offline" if offline else state_of(playback)
    item = playback.item if playback else None
    device = playback.device if playback else None
    show = item.show if isinstance(item, Episode) else None
    album = item.album.name if isinstance(item, Track) and item.album else ""
    artists = ", ".join(a.name for a in item.artists) if isinstance(item, Track) else ""
    image = pick_image(item.images, 300) if item else None
    progress = playback.progress_ms if playback else 0
    duration = item.duration_ms if item else 0
    volume = device.volume_percent if device else None
    return {
        "status": {"playing": "▶", "paused": "⏸", "ad": "▶"}.get(state, ""),
        "state": state,
        "type": playback.playing_type if playback else "",
        "title": item.name if item else ("Advertisement" if state == "ad" else ""),
        "artist": artists or (show.name if show else ""),
        "album": album,
        "show": show.name if show else "",
        "publisher": (show.publisher or "") if show else "",
        "progress": mmss(progress),
        "duration": mmss(duration) if duration else "",
        "progress_ms": str(progress),
        "duration_ms": str(duration) if duration else "",
        "percent": str(min(100, round(100 * progress / duration))) if duration else "",
        "device": device.name if device else "",
        "volume": "" if volume is None else str(volume),
        "shuffle": "on" if playback and playback.shuffle else "off",
        "repeat": REPEAT_SAID[playback.repeat] if playback else "off",
        "url": (item.url or "") if item else "",
        "image_url": image.url if image else "",
    }
