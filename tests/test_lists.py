"""The UI-free lists service: top lists kept on disk and revalidated, models out."""

from __future__ import annotations

from spotui.cache import ListCache
from spotui.core.lists import ListsService
from spotui.spotify.models import Artist, Track


async def test_top_lists_are_kept_revalidated_and_come_out_as_models(client, fake, tmp_path):
    lists = ListsService(client, ListCache(tmp_path))
    assert lists.cached_top("artists", "short_term") is None
    first = await lists.top("artists", "short_term")
    assert first and all(isinstance(artist, Artist) for artist in first)
    tracks = lists.cached_top("tracks", "short_term")  # fetched once, for the counts
    assert tracks and all(isinstance(track, Track) for track in tracks)
    assert await lists.top("artists", "short_term") == first
    answers = [status for _, _, path, status in fake.log if path == "/v1/me/top/artists"]
    assert answers == [200, 304]  # the second time, no body
    assert fake.requests["/v1/me/top/tracks"] == 1


async def test_an_unwritable_cache_still_shows_the_list(client, tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("")
    lists = ListsService(client, ListCache(blocked / "lists"))  # cannot be created
    assert len(await lists.top("tracks", "medium_term")) == 50
