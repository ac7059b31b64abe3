"""What the headless commands print: the human line, the JSON schema, --format fields."""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

from spotui.cli.data import to_json as to_json  # where every command finds them
from spotui.cli.data import write_csv as write_csv
from spotui.cli.data import write_data as write_data
from spotui.format import mmss
from spotui.spotify.errors import NO_ACTIVE_DEVICE
from spotui.spotify.models import (
    Artist,
    Device,
    Episode,
    Playback,
    Playlist,
    SavedTrack,
    Track,
    pick_image,
)

NOW_SCHEMA_VERSION = 1

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
    "repeat": "off, track or context",
    "url": "the track's open.spotify.com link",
    "image_url": "the cover's URL",
}


class FormatError(ValueError):
    """A --format template names a field that does not exist, or does not parse."""


def state_of(playback: Playback | None) -> str:
    if playback is None:
        return "no_active_device"
    if playback.is_ad:
        return "ad"
    if playback.item is None:
        return "nothing_playing"
    return "playing" if playback.is_playing else "paused"


def now_json(playback: Playback | None, *, offline: bool = False) -> dict[str, Any]:
    """The stable ``spotui now --json`` object: every key always present."""
    state = "offline" if offline else state_of(playback)
    item = playback.item if playback else None
    device = playback.device if playback else None
    image = pick_image(item.images, 300) if item else None
    return {
        "schema": NOW_SCHEMA_VERSION,
        "state": state,
        "is_playing": bool(playback and playback.is_playing and state in ("playing", "ad")),
        "type": (playback.playing_type if playback else None),
        "title": item.name if item else None,
        "artists": [a.name for a in item.artists] if isinstance(item, Track) else [],
        "album": item.album.name if isinstance(item, Track) and item.album else None,
        "show": item.show.name if isinstance(item, Episode) and item.show else None,
        "publisher": item.show.publisher if isinstance(item, Episode) and item.show else None,
        "progress_ms": playback.progress_ms if playback else None,  # an ad's too
        "duration_ms": item.duration_ms if item else None,
        "is_local": bool(isinstance(item, Track) and item.is_local),
        "device": (
            {"name": device.name, "type": device.type, "volume_percent": device.volume_percent}
            if device
            else None
        ),
        "shuffle": playback.shuffle if playback else False,
        "repeat": playback.repeat if playback else "off",
        "url": item.url if item else None,
        "image_url": image.url if image else None,
    }


def format_fields(playback: Playback | None, *, offline: bool = False) -> dict[str, str]:
    """The values a --format template can use, all strings."""
    data = now_json(playback, offline=offline)
    state = data["state"]
    progress = data["progress_ms"] or 0
    duration = data["duration_ms"] or 0
    device = data["device"] or {}
    artist = ", ".join(data["artists"]) or (data["show"] or "")
    return {
        "status": {"playing": "▶", "paused": "⏸", "ad": "▶"}.get(state, ""),
        "state": state,
        "type": data["type"] or "",
        "title": data["title"] or ("Advertisement" if state == "ad" else ""),
        "artist": artist,
        "album": data["album"] or "",
        "show": data["show"] or "",
        "publisher": data["publisher"] or "",
        "progress": mmss(progress),
        "duration": mmss(duration) if duration else "",
        "progress_ms": str(progress),
        "duration_ms": str(duration) if duration else "",
        "percent": str(min(100, round(100 * progress / duration))) if duration else "",
        "device": device.get("name") or "",
        "volume": "" if device.get("volume_percent") is None else str(device["volume_percent"]),
        "shuffle": "on" if data["shuffle"] else "off",
        "repeat": data["repeat"],
        "url": data["url"] or "",
        "image_url": data["image_url"] or "",
    }


def check_template(template: str) -> None:
    """Raise FormatError naming the first unknown field."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise FormatError(
            f"--format does not parse: {exc}. Write {{{{ for a literal brace."
        ) from None
    for _, field, spec, conversion in parsed:
        if field is None:
            continue
        if field not in FORMAT_FIELDS:
            known = ", ".join(FORMAT_FIELDS)
            raise FormatError(f"--format: unknown field {{{field}}}. Fields: {known}.")
        if spec or conversion:
            raise FormatError(
                f"--format: write {{{field}}} plainly; conversions (!r) and format specs "
                "(:>10) are not supported."
            )


def render(template: str, fields: Mapping[str, str]) -> str:
    return template.format_map(fields)


def human_line(playback: Playback | None) -> str:
    """One line a person reads: ``▶ Cherish — 星野 夜 (0:46 / 2:31)``."""
    state = state_of(playback)
    if state == "no_active_device":
        return NO_ACTIVE_DEVICE
    if state == "nothing_playing":
        return "Nothing playing"
    if state == "ad":
        return "▶ Advertisement"
    fields = format_fields(playback)
    who = f" — {fields['artist']}" if fields["artist"] else ""
    return (
        f"{fields['status']} {fields['title']}{who} ({fields['progress']} / {fields['duration']})"
    )


def watch_key(playback: Playback | None) -> tuple[object, ...]:
    """What --watch reports a change of: not the moving position."""
    item = playback.item if playback else None
    device = playback.device if playback else None
    return (
        state_of(playback),
        item.uri or item.name if item else None,
        playback.shuffle if playback else None,
        playback.repeat if playback else None,
        (device.name, device.volume_percent) if device else None,
    )


def device_json(device: Device) -> dict[str, Any]:
    return {
        "id": device.id,
        "name": device.name,
        "type": device.type,
        "is_active": device.is_active,
        "is_restricted": device.is_restricted,
        "volume_percent": device.volume_percent,
    }


def item_json(item: Track | Artist) -> dict[str, Any]:
    if isinstance(item, Artist):
        return {
            "name": item.name,
            "id": item.id,
            "uri": item.uri,
            "genres": None if item.genres is None else list(item.genres),
            "popularity": item.popularity,
            "followers": item.followers,
            "url": item.url,
        }
    return {
        "title": item.name,
        "artists": [a.name for a in item.artists],
        "album": item.album.name if item.album else None,
        "duration_ms": item.duration_ms,
        "id": item.id,
        "uri": item.uri,
        "url": item.url,
    }


def playlist_json(playlist: Playlist) -> dict[str, Any]:
    return {
        "name": playlist.name,
        "id": playlist.id,
        "uri": playlist.uri,
        "owner": playlist.owner,
        "collaborative": playlist.collaborative,
        "items": playlist.total,
        "url": playlist.url,
    }


LIBRARY_FIELDS = ("added_at", "title", "artists", "album", "duration_ms", "id", "uri", "url")


def saved_row(entry: SavedTrack) -> dict[str, Any]:
    added = entry.added_at.isoformat() if entry.added_at else None
    return {"added_at": added, **item_json(entry.track)}
