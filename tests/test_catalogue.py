"""The client and the fake for playing music (issue 13): search, albums, artists,
playlists and the queue, in the 2026 posture."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from spotui.fake.catalog import ARTISTS, TRACKS
from spotui.fake.discography import ALBUMS, BOX_SET, DISCOGRAPHY
from spotui.spotify.errors import Forbidden, PremiumRequired, SpotifyError
from spotui.spotify.models import Episode, parse_playlist_entry

DATA = Path(__file__).parent / "data"


async def test_search_sections_filters_and_the_ten_cap(client):
    found = await client.search('artist:"Aurora Lindqvist"', limit=10)
    assert found.tracks and found.artists and found.albums and found.playlists is not None
    assert all("Aurora Lindqvist" in t.artist_names for t in found.tracks.items)
    assert [a.name for a in found.artists.items] == ["Aurora Lindqvist"]
    assert found.tracks.total > 10 and len(found.tracks.items) == 10
    year = await client.search("year:2025", ("album",))
    assert year.albums and {a.year for a in year.albums.items} == {"2025"}
    with pytest.raises(SpotifyError, match="Invalid limit"):
        await client._get("/search", q="x", type="track", limit=11)  # what Spotify answers


async def test_playlist_search_results_drop_the_nulls_spotify_sends(client):
    found = await client.search("road trip", ("playlist",))
    assert found.playlists is not None
    assert [p.name for p in found.playlists.items] == ["Road Trip 2026"]


async def test_an_artists_albums_come_ten_a_page(client):
    nightshift = ARTISTS[9]
    first = await client.artist_albums(nightshift.id or "", limit=50)
    assert len(first.items) == 10 and first.total == 14 and first.next
    second = await client.artist_albums(nightshift.id or "", offset=10)
    assert len(second.items) == 4
    assert {a.album_type for a in first.items + second.items} == {"album", "single"}


async def test_an_album_and_its_tracks_know_each_other(client):
    album = DISCOGRAPHY[ARTISTS[0].id][1]
    found, tracks = await client.album(album.id)
    assert found.name == "Polar Hours" and found.total_tracks == len(tracks) == 8
    assert all(track.album == found for track in tracks)


async def test_playlists_you_own_show_items_followed_ones_answer_403(client):
    playlists = await client.my_playlists()
    me = (await client.me()).id
    kinds = {p.name: p.editable_by(me) for p in playlists}
    assert kinds == {
        "spotui demo mix": True,
        "Road Trip 2026": True,
        "Friday Night (with Sam)": True,  # collaborative
        "Deep Focus": False,
        "Today's Top Hits": False,
        "Sunday Papers": True,  # collaborative, by a listener with no display name
    }
    road = next(p for p in playlists if p.name == "Road Trip 2026")
    items = await client.playlist_items(road.id or "")
    assert [i.name for i in items.items][:2] == [TRACKS[4].name, TRACKS[5].name]
    deep = next(p for p in playlists if p.name == "Deep Focus")
    with pytest.raises(Forbidden):
        await client.playlist_items(deep.id or "")
    await client.play(context_uri=deep.uri)  # still playable as a context


async def test_the_queue_plays_before_the_context_resumes(client, fake):
    await client.add_to_queue(TRACKS[9].uri)
    queue = await client.queue()
    assert queue.playing and queue.playing.name == "Cherish"
    assert queue.next[0].uri == TRACKS[9].uri and queue.next[1].uri == TRACKS[1].uri
    await client.next()
    assert fake.account.player.uri == TRACKS[9].uri
    await client.next()
    assert fake.account.player.uri == TRACKS[1].uri  # the context goes on where it was


async def test_playing_an_album_from_a_track_then_next_stays_in_the_album(client, fake):
    album = DISCOGRAPHY[ARTISTS[0].id][1]
    await client.play(context_uri=album.uri, offset=album.tracks[3].uri)
    assert fake.account.player.uri == album.tracks[3].uri
    await client.next()
    assert fake.account.player.uri == album.tracks[4].uri
    assert fake.account.player.context_uri == album.uri


async def test_queueing_needs_premium(client, fake):
    fake.set(premium=False)
    with pytest.raises(PremiumRequired):
        await client.add_to_queue(TRACKS[9].uri)


async def test_the_album_of_a_made_up_library_track_opens_and_plays(client, fake):
    saved = (await client.saved_tracks(limit=1, offset=20)).items[0].track
    assert saved.uri in fake.account.library_index  # made up, not from the catalogue
    assert saved.album is not None and saved.album.id
    album, tracks = await client.album(saved.album.id)
    assert album.name == saved.album.name and saved.uri in [t.uri for t in tracks]
    await client.play(context_uri=album.uri, offset=saved.uri)
    assert fake.account.player.uri == saved.uri


async def test_the_fakes_box_set_is_paged_past_its_first_50_tracks(client, fake):
    box = next(a for a in ALBUMS.values() if a.name == BOX_SET)
    before = dict(fake.requests)
    album, tracks = await client.album(box.id)
    assert album.total_tracks == len(tracks) == 60
    assert [t.uri for t in tracks] == [t.uri for t in box.tracks]
    asked = {path: n - before.get(path, 0) for path, n in fake.requests.items()}
    assert asked[f"/v1/albums/{box.id}"] == 1 and asked[f"/v1/albums/{box.id}/tracks"] == 1


def _keys(value: Any) -> Any:
    """The shape of a JSON value: its keys, all the way down (a list: its first item)."""
    if isinstance(value, dict):
        return {key: _keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_keys(value[0])] if value else []
    return None


async def test_the_fake_sends_an_episode_in_a_playlist_in_both_shapes(client, fake):
    papers = next(p for p in fake.account.playlists if p.name == "Sunday Papers")
    items = await client.playlist_items(papers.id)  # asks with additional_types=episode
    episode = items.items[1]
    assert isinstance(episode, Episode) and episode.show and episode.show.name == "The Command Line"
    bare = await client._get(f"/playlists/{papers.id}/items")  # as an older client asks
    shaped = bare["items"][1]["item"]
    recorded = json.loads((DATA / "playlist_items_episode_as_track.json").read_text())
    assert _keys(shaped) == _keys(recorded["items"][0]["track"])
    again = parse_playlist_entry(bare["items"][1])
    assert isinstance(again, Episode) and again.show and again.show.name == "The Command Line"


async def test_the_fake_has_an_owner_without_a_display_name(client, fake):
    playlists = {p.name: p for p in await client.my_playlists()}
    papers = playlists["Sunday Papers"]
    assert papers.owner_name is None and papers.owner == "w7r2kq1xnameless"
    bare = await client._get("/me/playlists", limit=50)
    owner = next(p["owner"] for p in bare["items"] if p["name"] == "Sunday Papers")
    recorded = json.loads((DATA / "search_owner_without_name.json").read_text())
    assert owner.keys() == recorded["playlists"]["items"][0]["owner"].keys()
