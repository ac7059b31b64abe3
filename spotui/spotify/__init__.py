"""Spotify's Web API and accounts service, with no knowledge of the UI.

The names below are imported from their modules on first use, so that importing
one small module of this package (the models, the errors) does not import httpx.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spotui.spotify.auth import AuthRequest, ClientCredentials, Endpoints, TokenSet
    from spotui.spotify.client import SpotifyClient
    from spotui.spotify.http import NOT_MODIFIED, NotModified
    from spotui.spotify.session import MemoryTokenStore, Session, TokenStore

_HOMES = {
    "AuthRequest": "auth",
    "ClientCredentials": "auth",
    "Endpoints": "auth",
    "TokenSet": "auth",
    "NOT_MODIFIED": "http",
    "NotModified": "http",
    "SpotifyClient": "client",
    "MemoryTokenStore": "session",
    "Session": "session",
    "TokenStore": "session",
}

__all__ = [
    "NOT_MODIFIED",
    "AuthRequest",
    "ClientCredentials",
    "Endpoints",
    "MemoryTokenStore",
    "NotModified",
    "Session",
    "SpotifyClient",
    "TokenSet",
    "TokenStore",
]


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
