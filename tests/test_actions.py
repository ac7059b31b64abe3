"""The actions on the player and on an item, with no UI (``spotui/core/actions.py``):
what the TUI's keys do, callable the same way by any face."""

from __future__ import annotations

import pytest

from spotui.core.actions import Actions, NotFound, artist_page_of, page_of
from spotui.core.browse import Browse
from spotui.core.controller import PlayerController
from spotui.core.playing import Entry
from spotui.fake.catalog import TRACKS
from spotui.services import Services
from spotui.spotify.models import Album, Artist


@pytest.fixture
async def actions():
    services = Services.demo_mode()
    spotify = services.connect()
    assert spotify is not None
    controller = PlayerController(spotify)
    yield Actions(controller, Browse(spotify))
    await spotify.aclose()


async def test_a_track_you_queue_is_marked_as_yours_in_the_queue(actions):
    queue, _ = await actions.up_next()
    uri = next(item.uri for item in queue.next[3:] if item.uri)  # already queued, not by you
    await actions.queue(uri)
    queue, marks = await actions.up_next()
    mine = [item.uri for item, marked in zip(queue.next, marks, strict=True) if marked]
    assert mine == [uri]


async def test_a_row_known_by_name_only_is_found_and_played(actions):
    track = TRACKS[1]
    row = Entry(uri=None, name=track.name, artists=track.artists[0].name)
    request = await actions.find(row)
    assert request is not None and request.first is not None
    assert request.uris == (request.first.uri,) and request.first.name == track.name
    assert await actions.play(request) is None
    playback = actions.state.playback
    assert playback is not None and playback.item is not None
    assert playback.item.name == track.name  # shown at once, before Spotify confirms


async def test_a_name_spotify_does_not_know_says_so(actions):
    with pytest.raises(NotFound) as missing:
        await actions.find(Entry(uri=None, name="No Such Song Anywhere"))
    assert missing.value.message == "Spotify has no track called “No Such Song Anywhere” now."


def test_what_o_and_shift_o_open():
    row = Entry(uri="spotify:track:x", name="T", album="LP", album_id="a1", artist="Ann")
    assert page_of(row) == Album(name="LP", id="a1")
    assert artist_page_of(row) == Artist(name="Ann", id=None)
    assert page_of(Entry(uri="spotify:track:y", name="No album")) is None
    assert page_of(Album(name="No id")) is None
