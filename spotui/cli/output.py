"""What the headless commands print: the human line, the JSON schema, --format fields."""

from __future__ import annotations

from typing import Any

from spotui.cli.data import to_json as to_json  # where every command finds them
from spotui.cli.data import write_csv as write_csv
from spotui.cli.data import write_data as write_data
from spotui.core.fields import REPEAT_SAID
from spotui.core.fields import format_fields as format_fields  # now --format's values
from spotui.core.fields import state_of as state_of
from spotui.format import FORMAT_FIELDS as FORMAT_FIELDS  # shared with the notifications
from spotui.format import FormatError as FormatError
from spotui.format import check_template as check_template
from spotui.format import render as render
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

NOW_SCHEMA_VERSION = 2  # 2: repeat says off, all or one (1 said Spotify's context, track)


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
        "repeat": REPEAT_SAID[playback.repeat] if playback else "off",
        "url": item.url if item else None,
        "image_url": image.url if image else None,
    }


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
