"""Which fields Spotify still sends: the 2026 Development Mode posture, or an older app's.

Since February 2026 Spotify leaves these fields out for apps in Development Mode
(absent, not null). ``FakeSpotify`` strips them unless its ``legacy_app`` knob
says the app was created before then.
"""

from __future__ import annotations

from typing import Any, Final

DEPRECATED: Final[dict[str, frozenset[str]]] = {
    "artist": frozenset({"followers", "genres", "popularity"}),
    "track": frozenset({"popularity", "available_markets", "linked_from", "preview_url"}),
    "album": frozenset({"genres", "label", "popularity"}),
    "show": frozenset({"publisher"}),
    "user": frozenset({"product", "country", "email", "followers"}),
}


def without_deprecated(value: Any) -> Any:
    """A copy of a JSON value with every deprecated field of every object left out."""
    if isinstance(value, list):
        return [without_deprecated(item) for item in value]
    if not isinstance(value, dict):
        return value
    gone = DEPRECATED.get(value.get("type", ""), frozenset())
    return {key: without_deprecated(item) for key, item in value.items() if key not in gone}
