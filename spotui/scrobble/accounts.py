"""The services the user set up, from the keyring (see ``spotui scrobble setup``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from spotui.credentials import (
    LASTFM_API_KEY,
    LASTFM_API_SECRET,
    LASTFM_SESSION,
    LISTENBRAINZ_TOKEN,
    CredentialProblem,
    CredentialStore,
)
from spotui.scrobble.lastfm import LastFm
from spotui.scrobble.listenbrainz import ListenBrainz

if TYPE_CHECKING:
    from spotui.scrobble.sender import Service

LISTENBRAINZ, LASTFM = "listenbrainz", "lastfm"
NAMES = {LISTENBRAINZ: "ListenBrainz", LASTFM: "Last.fm"}


def well_formed(secret: str) -> bool:
    """A token, key or secret as these services make them: printable, no spaces, short."""
    return 0 < len(secret) <= 200 and secret.isprintable() and not any(c.isspace() for c in secret)


def set_up(store: CredentialStore) -> dict[str, bool]:
    """Which services have what they need in the keyring (never their values)."""
    return {
        LISTENBRAINZ: bool(store.secret(LISTENBRAINZ_TOKEN)),
        LASTFM: all(store.secret(n) for n in (LASTFM_API_KEY, LASTFM_API_SECRET, LASTFM_SESSION)),
    }


def load(
    store: CredentialStore | None = None, transport: httpx.AsyncBaseTransport | None = None
) -> dict[str, Service]:
    """A client for each service set up; none when the keyring cannot be read (blocking:
    run it in a thread from the event loop)."""
    store = store or CredentialStore()
    services: dict[str, Service] = {}
    try:
        token = store.secret(LISTENBRAINZ_TOKEN)
        if token and well_formed(token):
            services[LISTENBRAINZ] = ListenBrainz(token, transport=transport)
        key, secret, session = (
            store.secret(n) for n in (LASTFM_API_KEY, LASTFM_API_SECRET, LASTFM_SESSION)
        )
        if key and secret and session and all(map(well_formed, (key, secret, session))):
            services[LASTFM] = LastFm(key, secret, session, transport=transport)
    except CredentialProblem:
        return services
    return services
