"""Response bodies Spotify really sent, as others published them (tests/data/SOURCES.md).

Each is read as it was published (an app made before 2026) and with the fields that
Spotify no longer sends to Development Mode apps taken out, as it comes today.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from spotui.commands.output import human_line, now_json
from spotui.fake.posture import without_deprecated
from spotui.spotify.client import _error_from
from spotui.spotify.errors import (
    AuthExpired,
    Forbidden,
    NoActiveDevice,
    NotAllowlisted,
)
from spotui.spotify.models import (
    Artist,
    CursorPage,
    Episode,
    Paging,
    Playback,
    PlayHistory,
    SavedTrack,
    Track,
    User,
    parse_devices,
)
from spotui.widgets.lists import top_artist_table, top_track_table

DATA = Path(__file__).parent / "data"


def body(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def both(name: str) -> list[Any]:
    """The body as published, and as a Development Mode app gets it in 2026."""
    published = body(name)
    return [published, without_deprecated(published)]


def test_every_body_in_the_folder_is_named_in_sources():
    sources = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    for path in DATA.iterdir():
        if path.suffix in (".json", ".txt"):
            assert f"`{path.name}`" in sources


@pytest.mark.parametrize("data", both("player_state_track.json"))
def test_player_state_with_a_track(data):
    playback = Playback.from_json(data)
    assert isinstance(playback.item, Track) and playback.item.name == "Bubbly"
    assert playback.item.artist_names == "Colbie Caillat" and playback.item.album.name == "Coco"
    assert playback.is_playing is False and playback.progress_ms == 102509
    assert playback.shuffle is True and playback.repeat == "off"
    assert playback.device.name == "Pixel" and playback.device.volume_percent is None
    assert playback.context_uri == "spotify:user:george:playlist:6ng86CP3XZrCRfOYyBaJXQ"
    out = now_json(playback)
    assert out["state"] == "paused" and out["duration_ms"] == 196226
    assert out["image_url"].endswith("cd07bbff2490cbd66aa01a7eec6262a1ac5da02c")  # 300 px
    assert out["url"] == "https://open.spotify.com/track/1lkvpmrCaXK8QtliFDcHBO"
    assert human_line(playback) == "⏸ Bubbly — Colbie Caillat (1:42 / 3:16)"


def test_player_state_with_an_episode_and_its_publisher_where_sent():
    published, today = (Playback.from_json(data) for data in both("player_episode.json"))
    for playback in (published, today):
        assert isinstance(playback.item, Episode) and playback.item.name == "300 multiple choices"
        assert playback.item.show.name == "Go Time: Golang, Software Engineering"
        assert playback.disallows == {"resuming", "skipping_prev"}
    assert now_json(published)["publisher"] == "Changelog Media"
    out = now_json(today)
    assert out["publisher"] is None and out["artists"] == [] and out["type"] == "episode"


def test_an_ad_keeps_spotifys_progress_and_has_no_duration():
    playback = Playback.from_json(body("player_ad.json"))
    assert playback.is_ad and playback.item is None
    out = now_json(playback)
    assert out["state"] == "ad" and out["is_playing"] is True
    assert out["progress_ms"] == 14544 and out["duration_ms"] is None and out["title"] is None
    assert human_line(playback) == "▶ Advertisement"


def test_nothing_loaded():
    playback = Playback.from_json(body("player_unknown.json"))
    assert playback.item is None and playback.playing_type == "unknown"
    assert now_json(playback)["state"] == "nothing_playing"
    assert now_json(None)["state"] == "no_active_device"  # 204: no body at all


def test_devices():
    devices = parse_devices(body("devices.json"))
    assert [d.name for d in devices] == ["YOUR-LAPTOP", "Pixel"]
    assert devices[0].volume_percent == 100 and devices[1].volume_percent is None
    assert [d.is_active for d in devices] == [False, True]


def test_top_artists_show_only_what_arrived():
    published, today = (
        Paging.from_json(data, Artist.from_json).items for data in both("top_artists.json")
    )
    assert [a.name for a in published] == ["insaneintherainmusic", "Blackbear", "Braxton Burks"]
    assert published[1].followers == 659507 and published[1].genres == ("pop",)
    assert published[1].popularity == 86
    assert all(a.genres is None and a.followers is None and a.popularity is None for a in today)
    tracks = Paging.from_json(body("top_tracks.json"), Track.from_json).items
    columns, rows = top_artist_table(today, tracks)
    assert [label for label, _, _ in columns] == ["#", "Artist", "Your top tracks"]
    assert rows[0] == ("1", "insaneintherainmusic", "2") and rows[1][2] == "1"
    columns, rows = top_artist_table(published, tracks)
    assert [label for label, _, _ in columns][3:] == ["Genres", "Followers", "Popularity"]
    assert rows[1][3:] == ("pop", "660K", "86")


def test_top_tracks():
    published, today = (
        Paging.from_json(data, Track.from_json).items for data in both("top_tracks.json")
    )
    assert published[1].name == "do re mi" and published[1].popularity == 82
    assert published[1].explicit and published[1].duration_ms == 212027
    assert all(t.popularity is None for t in today)
    assert [label for label, _, _ in top_track_table(today)[0]] == [
        "#",
        "Title",
        "Artists",
        "Album",
        "Length",
    ]
    rows = top_track_table(published)[1]
    assert rows[2][2] == "insaneintherainmusic, Justin Peterkin" and rows[2][5] == "30"


@pytest.mark.parametrize("data", both("recently_played.json"))
def test_recently_played(data):
    page = CursorPage.from_json(data, PlayHistory.from_json)
    assert [p.track.name for p in page.items] == [
        "The Sound Of Silence",
        "The Air That I Breathe",
    ]
    assert page.items[0].played_at.isoformat() == "2017-05-27T20:07:54.720000+00:00"
    assert page.items[1].context_uri == "spotify:user:dsoprea:playlist:23uR7PylGNatdoUwf04sax"
    assert page.before == "1495842394544" and page.after == "1495915674720"


@pytest.mark.parametrize("data", both("saved_tracks.json"))
def test_saved_tracks(data):
    page = Paging.from_json(data, SavedTrack.from_json)
    assert (
        page.total == 3
        and page.next
        and [s.track.name for s in page.items]
        == [
            "You & I (Nobody In The World)",
            "Riptide",
        ]
    )
    assert page.items[0].added_at.year == 2015 and page.items[0].track.album is not None


def test_me_says_premium_only_where_it_is_still_sent():
    published, today = (User.from_json(data) for data in both("me.json"))
    assert published.id == today.id == "username"
    assert published.is_premium is True and published.country == "US"
    assert today.is_premium is None and today.country is None


def _answer(status: int, name: str) -> httpx.Response:
    content = (DATA / name).read_bytes()
    kind = "application/json" if name.endswith(".json") else "text/plain"
    return httpx.Response(status, content=content, headers={"Content-Type": kind})


def test_error_bodies_become_plain_words():
    assert isinstance(_error_from(_answer(401, "error_401.json"), "/me"), AuthExpired)
    scope = _error_from(_answer(403, "error_403_scope.json"), "/me/following")
    assert isinstance(scope, Forbidden) and "Insufficient client scope" in scope.message
    device = _error_from(_answer(404, "error_404_no_device.json"), "/me/player/play")
    assert isinstance(device, NoActiveDevice) and "No active device" in device.message
    allowlist = _error_from(_answer(403, "error_403_allowlist.txt"), "/me/player")
    assert isinstance(allowlist, NotAllowlisted)
    assert "User not registered in the Developer Dashboard" in allowlist.message
    assert "User Management" in allowlist.message
