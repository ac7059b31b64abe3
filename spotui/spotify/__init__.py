"""Spotify's Web API and accounts service, with no knowledge of the UI."""

from spotui.spotify.auth import AuthRequest, ClientCredentials, Endpoints, TokenSet
from spotui.spotify.client import NOT_MODIFIED, NotModified, SpotifyClient
from spotui.spotify.session import MemoryTokenStore, Session, TokenStore

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
