"""``spotui doctor``'s lines for the scrobbling services, as the core's checks."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from spotui.core.doctor import Check
from spotui.credentials import CredentialStore, KeyringUnavailable
from spotui.scrobble.accounts import LASTFM, LISTENBRAINZ, NAMES, set_up
from spotui.scrobble.listenbrainz import ListenBrainz
from spotui.scrobble.remote import Refused, ScrobbleError
from spotui.scrobble.sender import Service


async def checks(load: Callable[[], Mapping[str, Service]]) -> list[Check]:
    """A token is checked with ListenBrainz; Last.fm has no call that checks a session
    without scrobbling, so its session is only said to be stored. A service not set up
    has no line. ``load``: the clients of the services set up (``Services.scrobblers``)."""
    try:
        ready = set_up(CredentialStore())
    except KeyringUnavailable as exc:
        return [Check("Scrobbling", None, f"not known: {exc}")]
    clients = load()
    found = []
    try:
        for key in (LISTENBRAINZ, LASTFM):
            name, client = NAMES[key], clients.get(key)
            hint = f"run `spotui scrobble setup {key}` again"
            if client is None:
                if ready[key]:
                    found.append(Check(name, False, "stored, but not usable", hint))
            elif isinstance(client, ListenBrainz):
                try:
                    user = await client.validate()
                    found.append(Check(name, True, f"the token of {user} works"))
                except Refused as exc:
                    found.append(Check(name, False, exc.message, hint))
                except ScrobbleError as exc:
                    found.append(Check(name, None, f"not known: {exc.message}"))
            else:
                found.append(Check(name, True, "a session is stored (checked when it scrobbles)"))
    finally:
        for client in clients.values():
            await client.aclose()
    return found
