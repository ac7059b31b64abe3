"""Models parsed from real-shaped JSON, including the shapes that bite."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

from spotui.fake.catalog import EPISODE, LOCAL_FILE, TRACKS
from spotui.spotify.models import (
    Artist,
    CursorPage,
    Device,
    Episode,
    Paging,
    Playback,
    PlayHistory,
    SavedTrack,
    Track,
    parse_devices,
    pick_image,
)

TRACK = TRACKS[5].json()  # two artists, a "feat." title


def test_track_has_title_artists_album_and_images():
    track = Track.from_json(TRACK)
    assert track is not None
    assert track.name == "Fuego Lento (feat. Kwame & the Lagos Lights)"
    assert track.artist_names == "DJ Mañana, Kwame & the Lagos Lights"
    assert track.album is not None and track.album.name == "Madrugada"
    assert [image.width for image in track.images] == [640, 300, 64]
    assert track.url and track.url.startswith("https://open.spotify.com/track/")
    assert not track.is_local


def test_local_file_has_no_ids_and_no_images():
    track = Track.from_json(LOCAL_FILE)
    assert track is not None
    assert track.is_local
    assert track.id is None and track.url is None
    assert track.uri and track.uri.startswith("spotify:local:")
    assert track.images == ()
    assert pick_image(track.images) is None
    assert track.artist_names == "Me"


def test_episode_has_a_show_not_artists():
    playback = Playback.from_json(
        {
            "is_playing": True,
            "progress_ms": 754_000,
            "item": EPISODE,
            "currently_playing_type": "episode",
        }
    )
    assert isinstance(playback.item, Episode)
    assert playback.item.show is not None
    assert playback.item.show.name == "The Command Line"
    assert playback.item.show.publisher == "Shell Company Media"
    assert playback.item.images  # the episode's own images
    assert playback.duration_ms == 3_121_000


def test_ad_is_a_playback_with_no_item():
    playback = Playback.from_json(
        {
            "is_playing": True,
            "progress_ms": 5_000,
            "item": None,
            "currently_playing_type": "ad",
            "device": {"id": "x", "name": "Phone", "type": "Smartphone", "is_active": True},
        }
    )
    assert playback.is_ad
    assert playback.item is None
    assert playback.duration_ms == 0
    assert playback.device is not None and playback.device.name == "Phone"


def test_devices_list_with_a_null_id_and_null_volume():
    devices = parse_devices(
        {
            "devices": [
                {
                    "id": "abc",
                    "is_active": True,
                    "is_private_session": False,
                    "is_restricted": False,
                    "name": "Living Room",
                    "type": "Speaker",
                    "volume_percent": 62,
                    "supports_volume": True,
                },
                {
                    "id": None,
                    "is_active": False,
                    "is_private_session": False,
                    "is_restricted": True,
                    "name": "Car",
                    "type": "Automobile",
                    "volume_percent": None,
                    "supports_volume": False,
                },
            ]
        }
    )
    assert [d.name for d in devices] == ["Living Room", "Car"]
    assert devices[0].volume_percent == 62 and devices[0].is_active
    assert devices[1].id is None and devices[1].volume_percent is None
    assert devices[1].is_restricted


def test_paging_of_saved_tracks():
    page = Paging.from_json(
        {
            "href": "h",
            "items": [{"added_at": "2026-11-01T10:00:00Z", "track": TRACK}],
            "limit": 1,
            "next": "https://api.spotify.com/v1/me/tracks?offset=1&limit=1",
            "offset": 0,
            "previous": None,
            "total": 321,
        },
        SavedTrack.from_json,
    )
    assert page.total == 321 and page.limit == 1 and page.offset == 0
    assert page.next and page.previous is None
    assert page.items[0].added_at == datetime(2026, 11, 1, 10, tzinfo=UTC)
    assert page.items[0].track.name == TRACK["name"]


def test_recently_played_cursor_page():
    page = CursorPage.from_json(
        {
            "items": [
                {
                    "track": TRACK,
                    "played_at": "2026-11-25T21:14:03.512Z",
                    "context": {"type": "playlist", "uri": "spotify:playlist:x"},
                },
                {"track": LOCAL_FILE, "played_at": "2026-11-25T21:10:00.000Z", "context": None},
            ],
            "next": None,
            "cursors": {"after": "1764105243512", "before": "1764105000000"},
            "limit": 2,
            "href": "h",
        },
        PlayHistory.from_json,
    )
    assert [item.track.name for item in page.items] == [TRACK["name"], LOCAL_FILE["name"]]
    assert page.items[0].played_at == datetime(2026, 11, 25, 21, 14, 3, 512_000, tzinfo=UTC)
    assert page.items[0].context_uri == "spotify:playlist:x"
    assert page.items[1].context_uri is None
    assert page.after == "1764105243512" and page.before == "1764105000000"


def test_missing_null_and_mistyped_fields_never_raise():
    broken = copy.deepcopy(TRACK)
    broken["artists"] = None
    broken["album"] = "not an object"
    broken["duration_ms"] = "long"
    del broken["name"]
    track = Track.from_json(broken)
    assert track is not None
    assert track.name == "Unknown track" and track.duration_ms == 0
    assert track.artists == () and track.album is None

    playback = Playback.from_json(
        {
            "item": 7,
            "progress_ms": None,
            "repeat_state": "sometimes",
            "device": [],
            "actions": {"disallows": "x"},
        }
    )
    assert playback.item is None and playback.progress_ms == 0
    assert playback.repeat == "off" and playback.device is None
    assert Playback.from_json(None).is_playing is False
    assert Paging.from_json({"items": "nope", "total": True}, Artist.from_json).items == ()
    assert Device.from_json({"name": None}) == Device(name="Unknown device")
    assert SavedTrack.from_json({"added_at": "yesterday", "track": None}) is None


def test_disallows_become_a_set_of_forbidden_actions():
    playback = Playback.from_json(
        {
            "is_playing": False,
            "progress_ms": 0,
            "item": TRACK,
            "actions": {"disallows": {"pausing": True, "resuming": False}},
        }
    )
    assert playback.disallows == frozenset({"pausing"})
