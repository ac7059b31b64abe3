"""What Enter sends and what the queue marks, with no UI (spotui/playing.py)."""

from __future__ import annotations

from spotui.core.playing import (
    WINDOW,
    Entry,
    QueueMarks,
    from_list,
    in_context,
    request_for,
    skips_to,
)
from spotui.spotify.models import Artist


def _entries(count: int, local_at: int | None = None) -> list[Entry]:
    return [
        Entry(uri=f"spotify:track:{n:022d}", name=f"Song {n}", is_local=(n == local_at))
        for n in range(count)
    ]


def test_a_list_plays_from_the_chosen_track_fifty_at_most_without_local_files():
    entries = _entries(80, local_at=12)
    request = from_list(entries, 10)
    assert request is not None and request.context_uri is None
    assert request.uris[0] == entries[10].uri and len(request.uris) == WINDOW
    assert entries[12].uri not in request.uris  # Spotify cannot start a local file here
    assert from_list(entries, 12) is None


def test_an_album_plays_as_a_context_from_the_track_and_an_artist_as_a_whole():
    track = _entries(1)[0]
    album = in_context("spotify:album:a", track)
    assert (album.context_uri, album.offset_uri, album.uris) == ("spotify:album:a", track.uri, ())
    artist = in_context("spotify:artist:b")
    assert artist.offset_uri is None and artist.first is None


def test_queue_marks_follow_what_spotui_added_until_it_leaves_the_queue():
    marks = QueueMarks()
    marks.added("spotify:track:x")
    marks.added("spotify:track:x")
    assert marks.mark(["spotify:track:y", "spotify:track:x", "spotify:track:x"]) == [
        False,
        True,
        True,
    ]
    assert marks.mark(["spotify:track:x"]) == [True]  # one played: one is still queued
    assert marks.mark(["spotify:track:y"]) == [False]
    assert marks.mark(["spotify:track:x"]) == [False]  # gone once it left the queue


def test_reaching_the_fifth_queued_item_takes_five_skips():
    assert skips_to(4) == 5


def test_enter_on_a_row_plays_in_the_pages_context_or_the_list_or_the_whole():
    entries = _entries(3)
    in_album = request_for(entries, 1, "spotify:album:a")
    assert in_album is not None and (in_album.context_uri, in_album.offset_uri) == (
        "spotify:album:a",
        entries[1].uri,
    )
    in_list = request_for(entries, 1)
    assert in_list is not None and in_list.uris == (entries[1].uri, entries[2].uri)
    artist = Artist(name="A", uri="spotify:artist:b")
    whole = request_for([artist], 0)
    assert whole is not None and whole.context_uri == artist.uri and whole.first is None
    assert request_for([object()], 0) is None
