"""A small on-disk cache for lists that change slowly (top tracks and artists).

It holds what Spotify answered and the ETag to revalidate it. Never a token.
"""

from __future__ import annotations

import contextlib
import json
import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from spotui import paths
from spotui.text import clean


def _looks_like_a_list(data: Any) -> bool:
    """A paging object whose every item is an object with a name (a track or an artist)."""
    items = data.get("items") if isinstance(data, dict) else None
    return isinstance(items, list) and all(
        isinstance(item, dict) and isinstance(item.get("name"), str) for item in items
    )


def top_name(kind: str, time_range: str) -> str:
    """The cache's name for a top list (shared by the Top tab and the daily snapshot)."""
    return f"top-{kind}-{time_range}"


@dataclass(frozen=True, slots=True)
class Cached:
    data: Any
    etag: str | None
    saved_at: float


class ListCache:
    """JSON files under the platform cache folder, mode 0600."""

    def __init__(self, folder: Path | None = None):
        self.folder = folder or paths.cache_dir() / "lists"

    def _file(self, name: str) -> Path:
        return self.folder / f"{name}.json"

    def load(self, name: str) -> Cached | None:
        try:
            raw = json.loads(self._file(name).read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):
            return None
        if not isinstance(raw, dict) or not _looks_like_a_list(raw.get("data")):
            # Broken or of another shape: drop it, so the next request goes without
            # If-None-Match and Spotify sends the list whole.
            with contextlib.suppress(OSError):
                self._file(name).unlink()
            return None
        etag = raw.get("etag")
        saved_at = raw.get("saved_at")
        return Cached(
            data=raw["data"],
            etag=etag if isinstance(etag, str) else None,
            saved_at=float(saved_at) if isinstance(saved_at, int | float) else 0.0,
        )

    def save(self, name: str, data: Any, etag: str | None) -> None:
        payload = {"etag": etag, "saved_at": time.time(), "data": data}
        # A cache that cannot be written only costs a slower next start. No UTF-8 file
        # can hold a lone surrogate from an answer: it is kept as U+FFFD, as parsed.
        with contextlib.suppress(OSError):
            text = clean(json.dumps(payload, ensure_ascii=False))
            paths.write_private(self._file(name), text)


class GateFile:
    """When a long rate-limit wait (or the used-up quota) ends, for every spotui process.

    A command run after a ``QUOTA_EXCEEDED`` answer then sends nothing until then.
    """

    def __init__(self, path: Path | None = None):
        self.path = path or paths.cache_dir() / "rate-limit.json"

    def load(self) -> tuple[float, bool] | None:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            until = float(raw["until"])
        except (OSError, ValueError, TypeError, KeyError, RecursionError):
            return None
        return (until, raw.get("quota") is True) if math.isfinite(until) else None

    def save(self, until: float, quota: bool) -> None:
        with contextlib.suppress(OSError):
            paths.write_private(self.path, json.dumps({"until": until, "quota": quota}))
