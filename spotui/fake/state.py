"""The demo's player, kept between runs: ``spotui --demo next``, then ``spotui --demo now``
(or the app) shows the next track.

A small JSON file in the demo's own cache folder (never the account's): what plays and
from where, where it was at what wall-clock time, shuffle, repeat, the queue and the
devices. Each demo (the app, each command) reads it as it starts, again when another
demo wrote it since, and writes it after each player command and when a track ends.
It is outside data: a file that is damaged, too large or strange in any field is not
used, with one line saying so, and the next command writes a good one. A file that
cannot be written (a read-only folder, a folder in its place) is one line too, once
until a write works again; the demo goes on without it.
"""

from __future__ import annotations

import json
import math
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeGuard

from spotui.fake.account import Player
from spotui.paths import write_private
from spotui.text import printable

if TYPE_CHECKING:
    from spotui.fake.account import FakeAccount

VERSION = 1
MAX_BYTES = 64 * 1024
MAX_ITEMS = 200  # a list played without a context, the queue, the tracks played before
MAX_AWAY_S = 3600.0  # while no demo runs, its player plays on for an hour at most
MAX_AT = 2.0**32  # wall-clock seconds, the year 2106: a later one is a damaged file
MAX_MS = 2**31 - 1
REPEATS = ("off", "context", "track")


class Damaged(ValueError):
    """Why the kept state cannot be used (a fixed phrase: never the file's content)."""


class Kept:
    """The file, as one demo shares it with the others running beside or after it."""

    def __init__(self, path: Path):
        self.path = path
        self._seen: tuple[int, int, int] | None = None  # the file as last read or written
        self._kept: dict[str, Any] | None = None  # the player then, but where it was
        self._failing = False  # the last write failed (and was said)

    def load(self, account: FakeAccount, now: float) -> str | None:
        """As :func:`load`, noting the file as it was read."""
        seen = self._signature()
        problem = load(self.path, account, now)
        self._seen, self._kept = seen, _still(dump(account, now))
        return problem

    def follow(self, account: FakeAccount, now: float) -> None:
        """Another demo wrote the file since: go on from its player (a damaged file
        changes nothing, and was said at the start if at all)."""
        if self._signature() != self._seen:
            self.load(account, now)

    def keep(self, account: FakeAccount, now: float, *, changed_only: bool = False) -> str | None:
        """Write the player (``changed_only``: unless only its position moved). A write
        that fails is let go: one line saying so the first time, None otherwise."""
        data = dump(account, now)
        if changed_only and _still(data) == self._kept:
            return None
        try:
            write_private(self.path, json.dumps(data))
        except OSError as exc:
            if self._failing:
                return None
            self._failing = True
            where, reason = printable(str(self.path)), exc.strerror or type(exc).__name__
            return (
                f"The demo's player cannot be kept in {where} ({reason}); the next demo "
                "will not go on from here."
            )
        self._failing = False
        self._seen, self._kept = self._signature(), _still(data)
        return None

    def _signature(self) -> tuple[int, int, int] | None:
        try:
            found = os.stat(self.path)
        except OSError:
            return None
        return found.st_ino, found.st_size, found.st_mtime_ns


def _still(data: dict[str, Any]) -> dict[str, Any]:
    """The player without the moving parts: what a track's end or a command changes."""
    return {key: value for key, value in data.items() if key not in ("at", "position_ms")}


def dump(account: FakeAccount, now: float) -> dict[str, Any]:
    """The player as the file keeps it (a list longer than MAX_ITEMS from where it plays)."""
    player = account.player
    context, index, played = player.context, player.index, player.played[-MAX_ITEMS:]
    if player.context_uri is None and len(context) > MAX_ITEMS:
        context, index, played = context[index : index + MAX_ITEMS], 0, []
    device = account.active_device
    return {
        "version": VERSION,
        "at": now,
        "context_uri": player.context_uri,
        "uris": None if player.context_uri else context,
        "index": index,
        "queued": player.queued,
        "is_playing": player.is_playing,
        "position_ms": account.position(),
        "shuffle": player.shuffle,
        "repeat": player.repeat,
        "played": played,
        "queue": account.queue[:MAX_ITEMS],
        "device": device["id"] if device else None,
        "volumes": {
            d["id"]: d["volume_percent"]
            for d in account.devices
            if d["id"] and d["supports_volume"]
        },
    }


def load(path: Path, account: FakeAccount, now: float) -> str | None:
    """Put the kept player into ``account``. None when it was (or there is no file);
    else one line saying why the demo starts afresh."""
    try:
        restore(account, _read(path), now)
    except FileNotFoundError:
        return None
    except OSError as exc:
        reason = f"it cannot be read: {exc.strerror or type(exc).__name__}"
    except (ValueError, TypeError, RecursionError) as exc:  # Damaged, JSON, UTF-8, nesting
        reason = str(exc) if isinstance(exc, Damaged) else "it is not spotui's JSON"
    else:
        return None
    where = printable(str(path))
    return f"The demo's kept player ({where}) is not used ({reason}); the demo starts afresh."


def _read(path: Path) -> Any:
    """The file's JSON: a regular file (a FIFO would wait forever) of MAX_BYTES at most."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise Damaged("it is not a regular file")
        raw = handle.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise Damaged(f"it is larger than {MAX_BYTES // 1024} KB")
    return json.loads(raw.decode("utf-8"), parse_constant=_no_constant)


def _no_constant(name: str) -> NoReturn:
    raise Damaged(f"it holds {name}")


def restore(account: FakeAccount, data: Any, now: float) -> None:
    """Check every field, then change ``account`` (all of it, or nothing)."""
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise Damaged("not version 1 of the demo's state")
    at = _number(data, "at", 0.0, MAX_AT)
    context_uri = data.get("context_uri")
    if context_uri is None:
        context = _uris(account, data, "uris")
        if not context:
            raise Damaged("nothing to play")
    elif isinstance(context_uri, str) and len(context_uri) <= 200:
        context = account.context_items(context_uri)
        if not context:
            raise Damaged("no such list in the demo")
    else:
        raise Damaged("context_uri is not a list's URI")
    index = _int(data, "index", 0, len(context) - 1)
    queued = data.get("queued")
    if queued is not None and not (isinstance(queued, str) and account.knows(queued)):
        raise Damaged("queued is not a track of the demo")
    playing = queued or context[index]
    position = _int(data, "position_ms", 0, min(MAX_MS, account.duration(playing)))
    played = data.get("played")
    if not (isinstance(played, list) and len(played) <= MAX_ITEMS):
        raise Damaged("played is not a short list")
    if not all(_is_int(n) and 0 <= n < len(context) for n in played):
        raise Damaged("played holds a number out of range")
    repeat = data.get("repeat")
    if repeat not in REPEATS:
        raise Damaged("repeat is not off, context or track")
    devices = {d["id"]: d for d in account.devices if d["id"]}
    device = data.get("device")
    if device is not None and (
        not isinstance(device, str) or device not in devices or devices[device]["is_restricted"]
    ):
        raise Damaged("device is not one the demo can play on")
    volumes = data.get("volumes")
    if not isinstance(volumes, dict) or not all(
        key in devices and devices[key]["supports_volume"] and _is_int(v) and 0 <= v <= 100
        for key, v in volumes.items()
    ):
        raise Damaged("volumes are not 0 to 100 for the demo's devices")
    is_playing = _bool(data, "is_playing") and device is not None  # nowhere to play
    shuffle = _bool(data, "shuffle")
    away = min(max(0.0, now - at), MAX_AWAY_S) if is_playing else 0.0
    player = Player(
        context=context,
        context_uri=context_uri,
        index=index,
        is_playing=is_playing,
        anchor_pos=position,
        anchor_at=now - away,
        changed_at=now,
        shuffle=shuffle,
        repeat=repeat,
        played=played,
        queued=queued,
    )
    account.resume(player, _uris(account, data, "queue"), device, volumes)


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _int(data: dict[str, Any], key: str, low: int, high: int) -> int:
    value = data.get(key)
    if not (_is_int(value) and low <= value <= high):
        raise Damaged(f"{key} is not a whole number from {low} to {high}")
    return value


def _number(data: dict[str, Any], key: str, low: float, high: float) -> float:
    value = data.get(key)
    if not (isinstance(value, int | float) and not isinstance(value, bool)):
        raise Damaged(f"{key} is not a number")
    if not (math.isfinite(value) and low <= value < high):
        raise Damaged(f"{key} is out of range")
    return float(value)


def _bool(data: dict[str, Any], key: str) -> bool:
    value = data.get(key)
    if not isinstance(value, bool):
        raise Damaged(f"{key} is not true or false")
    return value


def _uris(account: FakeAccount, data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key)
    if not (isinstance(value, list) and len(value) <= MAX_ITEMS):
        raise Damaged(f"{key} is not a short list")
    if not all(isinstance(uri, str) and account.knows(uri) for uri in value):
        raise Damaged(f"{key} holds what is not a track of the demo")
    return list(value)
