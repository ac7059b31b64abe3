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

from spotui.cache import ListCache
from spotui.cli.headless import COMMANDS
from spotui.cli.main import build_parser
from spotui.cli.output import human_line, now_json
from spotui.core.browse import Browse
from spotui.core.controller import PlayerController
from spotui.core.lists import ListsService
from spotui.core.remote import Remote
from spotui.fake import DEMO_CLIENT_ID
from spotui.fake.posture import without_deprecated
from spotui.spotify import ClientCredentials, Endpoints, Session, SpotifyClient
from spotui.spotify.client import ALBUM_TRACKS_MAX
from spotui.spotify.errors import (
    AuthExpired,
    Forbidden,
    NoActiveDevice,
    NotAllowlisted,
)
from spotui.spotify.http import _error_from
from spotui.spotify.models import (
    Artist,
    CursorPage,
    Episode,
    Paging,
    Playback,
    PlayHistory,
    SavedTrack,
    SearchResults,
    Track,
    User,
    parse_devices,
    parse_playlist_entry,
)
from spotui.tui.widgets.lists import top_artist_table, top_track_table

from .conftest import signed_in_store

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


# --- issue 27: episodes in playlists, albums past one page, owners without names -------


def _replay(answers: dict[str, Any], asked: list[httpx.URL]) -> httpx.MockTransport:
    """Answers each path from ``answers`` (a body, or a function of the request)."""

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(request.url)
        found = answers.get(request.url.path.removeprefix("/v1"))
        if found is None:
            return httpx.Response(404, json={"error": {"status": 404, "message": "Not found"}})
        return httpx.Response(200, json=found(request) if callable(found) else found)

    return httpx.MockTransport(answer)


@pytest.fixture
def replay(fake, clock):
    """A client whose every request is answered from recorded bodies, and what it asked."""
    asked: list[httpx.URL] = []

    def make(answers: dict[str, Any]) -> SpotifyClient:
        session = Session(
            ClientCredentials(DEMO_CLIENT_ID),
            signed_in_store(fake, clock),
            endpoints=Endpoints(),
            clock=clock,
        )
        return SpotifyClient(
            session, transport=_replay(answers, asked), sleep=clock.sleep, clock=clock
        )

    return make, asked


async def _cli(client: SpotifyClient, capsys, *words: str) -> str:
    """A headless command run on ``client``, as `spotui WORDS` parses it; its stdout."""
    args = build_parser().parse_args(list(words))
    remote = Remote(PlayerController(client), ListsService(client, ListCache()), Browse(client))
    assert await COMMANDS[args.command].run(remote, args) == 0
    return capsys.readouterr().out


EPISODE_PLAYLIST = "4MAcblnU4nwtIZ267YI24a"  # the playlist of rspotify #525


def _episode_answers() -> dict[str, Any]:
    # /me/playlists is not part of the recording: one entry naming its playlist, so
    # that `spotui playlist ID` finds it; the items are the recorded body itself.
    mine = {"items": [{"id": EPISODE_PLAYLIST, "name": "recorded", "type": "playlist"}]}
    return {
        "/me/playlists": {**mine, "limit": 50, "offset": 0, "next": None, "total": 1},
        f"/playlists/{EPISODE_PLAYLIST}/items": body("playlist_items_episode_as_track.json"),
    }


def test_an_episode_shaped_as_a_track_keeps_its_show():
    page = Paging.from_json(body("playlist_items_episode_as_track.json"), parse_playlist_entry)
    (episode,) = page.items
    assert isinstance(episode, Episode) and episode.uri == "spotify:episode:4IBGQd8aV4j6WGqGOjdJmE"
    assert episode.name == "ITS BEGINNING TO LOOK A LOT LIKE CHRISTMAS (Mac Demarco)"
    assert episode.show is not None and episode.show.name == "REALPODCASTNOTMUSIC123"
    assert episode.show.uri == "spotify:show:4C53FwIBO9tEhJ0dkMN3GN"
    assert episode.duration_ms == 119257 and episode.images[0].width == 64


async def test_a_playlist_with_an_episode_through_the_client_and_the_cli(replay, capsys):
    make, asked = replay
    async with make(_episode_answers()) as client:
        items = await client.playlist_items(EPISODE_PLAYLIST)
        assert asked[-1].params["additional_types"] == "episode"
        assert isinstance(items.items[0], Episode) and items.items[0].show
        data = json.loads(await _cli(client, capsys, "playlist", EPISODE_PLAYLIST, "--json"))
        assert data["items"] == [
            {
                "title": "ITS BEGINNING TO LOOK A LOT LIKE CHRISTMAS (Mac Demarco)",
                "show": "REALPODCASTNOTMUSIC123",
                "uri": "spotify:episode:4IBGQd8aV4j6WGqGOjdJmE",
            }
        ]
        text = await _cli(client, capsys, "playlist", EPISODE_PLAYLIST)
        assert text.splitlines()[1] == (
            "   1. ITS BEGINNING TO LOOK A LOT LIKE CHRISTMAS (Mac Demarco) — "
            "REALPODCASTNOTMUSIC123"
        )
        assert "Podcast" not in text


ALBUM = "0sNOF9WDwhWunNAHPD3Baj"  # zmb3/spotify's recorded album (13 tracks)


async def test_an_album_in_one_page_costs_one_request(replay):
    make, asked = replay
    async with make({f"/albums/{ALBUM}": body("album.json")}) as client:
        album, tracks = await client.album(ALBUM)
    assert album.name == "She's So Unusual" and len(tracks) == 13
    assert [url.path for url in asked] == [f"/v1/albums/{ALBUM}"]


async def test_an_album_past_its_first_page_is_paged_to_its_end(replay):
    """The album as published, its embedded page the one published for ``limit=1``
    (whose ``next`` points on): the client asks for the rest, and gets the album's
    other 12 published tracks."""
    published = body("album.json")
    rest = published["tracks"]["items"][1:]

    def tracks(request: httpx.Request) -> dict[str, Any]:
        offset = int(request.url.params["offset"])
        return {"items": rest[offset - 1 :], "offset": offset, "next": None, "total": 13}

    make, asked = replay
    answers = {
        f"/albums/{ALBUM}": {**published, "tracks": body("album_tracks_page.json")},
        f"/albums/{ALBUM}/tracks": tracks,
    }
    async with make(answers) as client:
        album, found = await client.album(ALBUM)
    assert [t.name for t in found] == [t["name"] for t in published["tracks"]["items"]]
    assert all(track.album == album for track in found)
    assert [url.params.get("offset") for url in asked] == [None, "1"]


@pytest.mark.parametrize("data", both("search_owner_without_name.json"))
def test_an_owner_without_a_display_name_is_named_by_id(data):
    results = SearchResults.from_json(data)
    assert results.playlists is not None
    owners = [(p.owner_name, p.owner) for p in results.playlists.items]
    assert owners == [(None, "myplay.com"), (None, "128899670")]


async def test_search_text_names_an_owner_by_id(replay, capsys):
    make, _ = replay
    async with make({"/search": body("search_owner_without_name.json")}) as client:
        text = await _cli(client, capsys, "search", "holiday", "--type", "playlist")
        assert "(by ?)" not in text
        frozen = next(line for line in text.splitlines() if "Frozen Soundtrack" in line)
        assert frozen.startswith("  Frozen Soundtrack + Disney Holiday Favorites (by 128899670)")
        data = json.loads(await _cli(client, capsys, "search", "holiday", "--json"))
        assert [p["owner"] for p in data["playlists"]] == ["myplay.com", "128899670"]


def _paged_album(tracks: Any) -> dict[str, Any]:
    """The published album with the published ``limit=1`` page embedded (``next`` on),
    and ``tracks`` answering the rest."""
    return {
        f"/albums/{ALBUM}": {**body("album.json"), "tracks": body("album_tracks_page.json")},
        f"/albums/{ALBUM}/tracks": tracks,
    }


async def test_album_paging_stops_at_a_next_that_does_not_move(replay):
    make, asked = replay
    stuck = body("album_tracks_page.json")  # answers offset 0 and the same next, always
    async with make(_paged_album(stuck)) as client:
        _, tracks = await client.album(ALBUM)
    assert len(tracks) == 1 and len(asked) == 2


async def test_album_paging_stops_at_an_empty_page(replay):
    def empty(request: httpx.Request) -> dict[str, Any]:
        offset = int(request.url.params["offset"])
        return {"items": [], "offset": offset, "next": f"{request.url}&more", "total": 13}

    make, asked = replay
    async with make(_paged_album(empty)) as client:
        _, tracks = await client.album(ALBUM)
    assert len(tracks) == 1 and len(asked) == 2


async def test_album_paging_stops_at_its_cap(replay):
    track = body("album_tracks_page.json")["items"][0]

    def endless(request: httpx.Request) -> dict[str, Any]:
        offset = int(request.url.params["offset"])
        more = f"https://api.spotify.com/v1/albums/{ALBUM}/tracks?offset={offset + 50}"
        return {"items": [track] * 50, "limit": 50, "offset": offset, "next": more}

    make, asked = replay
    async with make(_paged_album(endless)) as client:
        _, tracks = await client.album(ALBUM)
    assert len(tracks) == ALBUM_TRACKS_MAX and len(asked) == 21  # the album, 20 pages
