""" "Playing from": the names of the places playback comes from, asked of Spotify once
each and kept for the contexts used last only."""

from __future__ import annotations

from spotui.core.context import KEPT, Contexts
from spotui.core.playing import PlayRequest
from spotui.fake import FakeSpotify
from spotui.fake.catalog import TRACKS
from spotui.spotify import SpotifyClient


def _played_from_one(contexts: Contexts, n: int) -> None:
    """The user plays from playlist ``n``, named by its page."""
    contexts.played(PlayRequest(context_uri=f"spotify:playlist:p{n}"), f"Playlist · {n}")


def _played_from(contexts: Contexts, count: int) -> None:
    for n in range(count):
        _played_from_one(contexts, n)


async def test_a_recent_context_is_named_from_the_cache_and_the_cache_stays_bounded(
    fake: FakeSpotify, client: SpotifyClient
):
    album = fake.account.item_json(TRACKS[0].uri)["album"]
    path = f"/v1/albums/{album['id']}"
    contexts = Contexts(client)
    assert await contexts.ask(album["uri"]) == f"Album · {album['name']}"
    assert fake.requests[path] == 1
    _played_from(contexts, KEPT - 1)  # the album is still among the KEPT used last
    assert await contexts.ask(album["uri"]) == f"Album · {album['name']}"
    assert fake.requests[path] == 1  # from the cache
    _played_from(contexts, 10 * KEPT)
    assert repr(contexts) == f"Contexts({KEPT} named)"
    assert await contexts.ask(album["uri"]) == f"Album · {album['name']}"
    assert fake.requests[path] == 2  # let go long ago: asked again


async def test_using_a_name_keeps_it_while_older_ones_go(fake: FakeSpotify, client: SpotifyClient):
    album = fake.account.item_json(TRACKS[0].uri)["album"]
    path = f"/v1/albums/{album['id']}"
    contexts = Contexts(client)
    await contexts.ask(album["uri"])
    for n in range(3 * KEPT):  # asked for between plays from other contexts
        _played_from_one(contexts, n)
        assert await contexts.ask(album["uri"]) == f"Album · {album['name']}"
    assert fake.requests[path] == 1
    assert repr(contexts) == f"Contexts({KEPT} named)"
