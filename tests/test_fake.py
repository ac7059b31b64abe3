"""The fake account's own behaviour: the clock, repeat, shuffle, history, knobs."""

from __future__ import annotations

import httpx
import pytest

from spotui.fake import DEMO_CLIENT_ID, FakeSpotify
from spotui.fake.account import FakeApiError
from spotui.fake.api import ROUTES
from spotui.fake.catalog import LOCAL_FILE_URI, TRACKS
from spotui.spotify.auth import SCOPES


def test_tracks_end_and_the_next_starts_by_itself(fake, clock):
    account = fake.account
    assert account.player.uri == TRACKS[0].uri and account.position() == 46_000
    clock.advance(105 + TRACKS[1].duration_ms / 1000 + 3)  # past "Cherish" and the next one
    assert account.player.uri == TRACKS[2].uri
    assert account.position() == 3_000
    assert [uri for uri, *_ in account.history[:2]] == [TRACKS[1].uri, TRACKS[0].uri]


def test_the_default_context_holds_a_local_file(fake):
    assert LOCAL_FILE_URI in fake.account.player.context


def test_repeat_track_plays_the_same_track_again(fake, clock):
    fake.account.set_repeat("track")
    clock.advance(200)
    assert fake.account.player.uri == TRACKS[0].uri
    assert fake.account.position() == 46_000 + 200_000 - 151_000


def test_end_of_context_stops_unless_repeat_context(fake, clock):
    account = fake.account
    account.play({"uris": [TRACKS[0].uri, TRACKS[1].uri]})
    clock.advance(1000)
    assert account.player.is_playing is False and account.position() == 0
    account.set_repeat("context")
    account.play({"uris": [TRACKS[0].uri, TRACKS[1].uri]})
    clock.advance((TRACKS[0].duration_ms + TRACKS[1].duration_ms) / 1000 + 1)
    assert account.player.is_playing and account.player.uri == TRACKS[0].uri


def test_shuffle_picks_another_track(fake):
    fake.account.set_shuffle(True)
    seen = set()
    for _ in range(10):
        before = fake.account.player.index
        fake.account.next()
        assert fake.account.player.index != before
        seen.add(fake.account.player.index)
    assert len(seen) > 2


def test_paused_position_stands_still(fake, clock):
    fake.account.pause()
    clock.advance(500)
    assert fake.account.position() == 46_000


def test_previous_restarts_a_track_more_than_three_seconds_in(fake):
    fake.account.previous()
    assert fake.account.player.uri == TRACKS[0].uri and fake.account.position() == 0


def test_library_size_knob_up_to_fifty_thousand(clock):
    big = FakeSpotify(clock=clock, library_size=50_000)
    assert len(big.account.saved) == 50_004
    with pytest.raises(ValueError):
        FakeSpotify(clock=clock, library_size=50_001)


def test_generated_library_has_unique_ids(fake):
    uris = [uri for uri, _ in fake.account.saved]
    assert len(uris) == len(set(uris))


def test_unknown_knobs_are_refused(fake):
    with pytest.raises(ValueError, match="unknown knob"):
        fake.set(volume_party=True)


def test_episode_knob_loads_the_episode_and_back(fake):
    fake.set(episode=True)
    assert fake.account.player.uri.startswith("spotify:episode:")
    fake.set(episode=False)
    assert fake.account.player.uri == TRACKS[0].uri


def test_transfer_to_the_null_id_device_is_refused(fake):
    with pytest.raises(FakeApiError) as caught:
        fake.account.transfer(None, True)  # type: ignore[arg-type]
    assert caught.value.status == 404


def test_player_requests_are_counted(fake):
    fake.requests["/v1/me/player"] += 3
    fake.requests["/v1/me/top/tracks"] += 1
    assert fake.player_requests() == 3


@pytest.mark.parametrize("route", [r for r in ROUTES if r.scope], ids=lambda r: r.method + r.path)
async def test_each_route_refuses_a_token_without_its_scope(fake, route):
    """The route table names each scope, and a token missing it gets Spotify's 403."""
    others = " ".join(scope for scope in SCOPES if scope != route.scope)
    token = fake.oauth.issue(DEMO_CLIENT_ID, others, rotates=True)["access_token"]
    request = httpx.Request(
        route.method,
        "https://api.spotify.com/v1" + route.path,
        headers={"Authorization": f"Bearer {token}"},
    )
    answer = await fake.handle(request)
    assert answer.status_code == 403
    assert answer.json()["error"]["message"] == "Insufficient client scope"


async def test_a_known_path_with_the_wrong_method_is_405_and_an_unknown_one_404(fake):
    token = fake.sign_in()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    wrong = await fake.handle(
        httpx.Request("GET", "https://api.spotify.com/v1/me/player/next", headers=headers)
    )
    unknown = await fake.handle(
        httpx.Request("GET", "https://api.spotify.com/v1/me/nothing", headers=headers)
    )
    assert (wrong.status_code, unknown.status_code) == (405, 404)
