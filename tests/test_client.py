"""The client against the in-process fake: every method, every fault knob."""

from __future__ import annotations

import asyncio

import pytest

from spotui.fake.catalog import EPISODE, LOCAL_FILE_URI, TRACKS
from spotui.spotify import NOT_MODIFIED
from spotui.spotify.errors import (
    AuthRevoked,
    BadRequest,
    Forbidden,
    NetworkError,
    NoActiveDevice,
    NotSignedIn,
    PremiumRequired,
    ProtocolError,
    RateLimited,
    Restricted,
    ServerError,
    SpotifyError,
)
from spotui.spotify.models import Episode, Track
from spotui.spotify.session import MemoryTokenStore

from .conftest import make_client, signed_in_store

# --- the player ---------------------------------------------------------------------


async def test_playback_state_shows_the_playing_track_and_device(client, fake):
    playback = await client.playback()
    assert playback is not None and playback.is_playing
    assert isinstance(playback.item, Track) and playback.item.name == "Cherish"
    assert playback.progress_ms == 46_000
    assert playback.device is not None and playback.device.name == "spotui-laptop"
    assert playback.repeat == "off" and playback.shuffle is False
    assert fake.requests["/v1/me/player"] == 1


async def test_playback_moves_with_the_clock_and_tracks_end_by_themselves(client, clock):
    clock.advance(10)
    assert (await client.playback()).progress_ms == 56_000
    clock.advance(151 - 56 + 2)  # past the end of "Cherish" (2:31)
    playback = await client.playback()
    assert playback.item.name == TRACKS[1].name and playback.progress_ms == 2_000
    recent = await client.recently_played(limit=1)
    assert recent.items[0].track.name == "Cherish"


async def test_currently_playing_has_no_device(client):
    playback = await client.currently_playing()
    assert playback is not None and playback.device is None
    assert playback.item.name == "Cherish"


async def test_pause_and_play(client, fake):
    await client.pause()
    assert fake.account.player.is_playing is False
    assert (await client.playback()).is_playing is False
    await client.play()
    assert fake.account.player.is_playing is True


async def test_pausing_while_paused_is_a_restriction(client):
    await client.pause()
    with pytest.raises(Restricted, match="Restriction violated"):
        await client.pause()


async def test_play_a_list_of_uris_at_an_offset(client, fake):
    uris = [TRACKS[3].uri, TRACKS[4].uri]
    await client.play(uris=uris, offset=1, position_ms=5_000)
    playback = await client.playback()
    assert playback.item.name == TRACKS[4].name and playback.progress_ms == 5_000


async def test_next_and_previous(client):
    await client.next()
    assert (await client.playback()).item.name == TRACKS[1].name
    await client.previous()
    assert (await client.playback()).item.name == "Cherish"


async def test_seek(client):
    await client.seek(90_000)
    assert (await client.playback()).progress_ms == 90_000


async def test_volume_and_a_device_without_volume_control(client, fake):
    await client.set_volume(35)
    assert (await client.playback()).device.volume_percent == 35
    await client.set_volume(250)  # clamped, not refused
    assert fake.account.active_device["volume_percent"] == 100
    fake.account.active_device["supports_volume"] = False
    with pytest.raises(Restricted, match="does not allow volume") as caught:
        await client.set_volume(10)
    assert caught.value.reason == "VOLUME_CONTROL_DISALLOW"


async def test_shuffle_and_repeat(client):
    await client.set_shuffle(True)
    await client.set_repeat("track")
    playback = await client.playback()
    assert playback.shuffle is True and playback.repeat == "track"


async def test_devices_include_one_with_a_null_id(client):
    devices = await client.devices()
    assert [d.name for d in devices] == ["Living Room", "spotui-laptop", "Pixel 9", "Car"]
    car = devices[-1]
    assert car.id is None and car.volume_percent is None and car.is_restricted


async def test_transfer_moves_playback_to_another_device(client):
    speaker = (await client.devices())[0]
    assert speaker.id is not None
    await client.transfer(speaker.id)
    playback = await client.playback()
    assert playback.device.name == "Living Room" and playback.is_playing


async def test_local_file_and_episode_items(client, fake):
    await client.play(uris=[LOCAL_FILE_URI])
    playback = await client.playback()
    assert playback.item.is_local and playback.item.id is None
    fake.set(episode=True)
    playback = await client.playback()
    assert isinstance(playback.item, Episode) and playback.playing_type == "episode"
    assert playback.item.show.name == EPISODE["show"]["name"]
    assert playback.item.show.publisher is None  # no longer sent (2026)
    fake.set(legacy_app=True)
    playback = await client.playback()
    assert playback.item.show.publisher == EPISODE["show"]["publisher"]


# --- lists --------------------------------------------------------------------------


async def test_top_tracks_and_artists_per_time_range_with_paging(client, fake):
    short = await client.top_tracks("short_term", limit=10)
    long = await client.top_tracks("long_term", limit=10)
    assert len(short.items) == 10 and short.total == 50 and short.next
    assert [t.name for t in short.items] != [t.name for t in long.items]
    second = await client.top_tracks("short_term", limit=10, offset=10)
    assert second.offset == 10 and {t.id for t in second.items}.isdisjoint(
        {t.id for t in short.items}
    )
    artists = await client.top_artists("medium_term", limit=5)
    assert len(artists.items) == 5 and all(a.images for a in artists.items)
    # 2026: no genres, followers or popularity; an app made before then still gets them
    assert all(a.genres is None and a.followers is None for a in artists.items)
    assert all(a.popularity is None for a in artists.items)
    assert all(t.popularity is None for t in short.items)
    # The same account, as an app created before February 2026:
    fake.set(legacy_app=True)
    legacy = await client.top_artists("medium_term", limit=5)
    assert all(a.genres and a.followers and a.popularity is not None for a in legacy.items)


async def test_top_lists_revalidate_with_etags(client, fake):
    first = await client.top_artists("short_term")
    assert first.etag
    assert await client.top_artists("short_term", etag=first.etag) is NOT_MODIFIED
    changed = await client.top_artists("long_term", etag=first.etag)
    assert changed is not NOT_MODIFIED and changed.items


async def test_bad_parameters_are_bad_requests(client):
    with pytest.raises(BadRequest, match="Invalid limit"):
        await client.top_tracks(limit=51)
    with pytest.raises(BadRequest, match="Invalid time range"):
        await client.top_tracks("forever")  # type: ignore[arg-type]


async def test_recently_played_with_cursors(client):
    page = await client.recently_played(limit=10)
    assert len(page.items) == 10 and page.before and page.next
    older = await client.recently_played(limit=10, before=int(page.before))
    assert older.items[0].played_at < page.items[-1].played_at
    with pytest.raises(ValueError):
        await client.recently_played(before=1, after=2)


async def test_saved_tracks_paging_and_total(client, fake):
    page = await client.saved_tracks(limit=50)
    assert page.total == 124  # 120 generated + 4 saved at start
    assert len(page.items) == 50 and page.items[0].added_at is not None


async def test_all_saved_tracks_concurrently_with_a_bound(fake, clock):
    fake.set(latency_ms=5)
    in_flight = peak = 0
    original = fake.handle

    async def counting(request):
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        try:
            return await original(request)
        finally:
            in_flight -= 1

    fake.handle = counting  # type: ignore[method-assign]
    async with make_client(fake, clock) as client:
        pages = [page async for page in client.iter_saved_tracks(page_size=10, concurrency=3)]
    assert pages[0].offset == 0
    assert sorted(p.offset for p in pages) == list(range(0, 124, 10))
    ids = [item.track.id for page in pages for item in page.items]
    assert len(ids) == 124 and len(set(ids)) == 124
    assert peak == 3


async def test_save_remove_and_contains_go_through_me_library(client, fake):
    uris = [TRACKS[8].uri, TRACKS[9].uri]
    assert await client.in_library(uris) == [False, False]
    await client.save_to_library(uris)
    assert await client.in_library(uris) == [True, True]
    assert (await client.saved_tracks(limit=1)).items[0].track.uri in uris
    await client.remove_from_library(uris[:1])
    assert await client.in_library(uris) == [False, True]
    assert not any(
        path.startswith("/v1/me/tracks") and method != "GET" for _, method, path, _ in fake.log
    )
    assert fake.requests["/v1/me/tracks/contains"] == 0


async def test_library_calls_split_long_uri_lists_into_forty(client, fake):
    uris = [TRACKS[0].uri] * 120
    assert len(await client.in_library(uris)) == 120
    assert fake.requests["/v1/me/library/contains"] == 3
    await client.save_to_library(uris[:41])
    assert fake.requests["/v1/me/library"] == 2


async def test_profile(client, fake):
    me = await client.me()
    assert me.display_name == "Demo Listener" and me.id == "spotui-demo"
    assert me.is_premium is None and me.country is None  # /me no longer says (2026)
    fake.set(legacy_app=True, premium=False)
    assert (await client.me()).is_premium is False


# --- tokens -------------------------------------------------------------------------


async def test_access_token_is_kept_until_a_minute_before_expiry(fake, clock):
    store = signed_in_store(fake, clock)
    async with make_client(fake, clock, store) as client:
        for _ in range(5):
            await client.playback()
            clock.advance(500)  # 2500 s: still more than 60 s left of 3600
        assert client.session.refreshes == 0
        clock.advance(3600 - 2500 - 59)  # within the last minute
        await client.playback()
        assert client.session.refreshes == 1
        await client.playback()
        assert client.session.refreshes == 1
    assert fake.requests["/api/token"] == 1


async def test_rotated_refresh_token_is_stored(fake, clock):
    store = signed_in_store(fake, clock)
    first = store.tokens.refresh_token
    async with make_client(fake, clock, store) as client:
        clock.advance(3600)
        await client.playback()
    assert store.saves == 1 and store.tokens.refresh_token not in (None, first)


async def test_short_token_lifetimes_refresh_once_each(fake, clock):
    fake.set(token_lifetime_s=90)
    async with make_client(fake, clock) as client:
        for _ in range(6):  # 225 s of use: the first token, then one refresh each 90 s
            await client.playback()
            clock.advance(45)
        assert client.session.refreshes == 2


async def test_a_401_refreshes_and_retries_once(fake, clock):
    store = signed_in_store(fake, clock)
    async with make_client(fake, clock, store) as client:
        fake.oauth.access_tokens.clear()  # Spotify forgot the token early
        assert (await client.playback()) is not None
        assert client.session.refreshes == 1


async def test_concurrent_callers_share_one_refresh(fake, clock):
    async with make_client(fake, clock) as client:
        clock.advance(3600)
        await asyncio.gather(*(client.playback() for _ in range(8)))
        assert client.session.refreshes == 1


async def test_revoked_refresh_token_raises_auth_revoked_and_stops_asking(fake, clock):
    store = signed_in_store(fake, clock)
    refresh = store.tokens.refresh_token
    async with make_client(fake, clock, store) as client:
        fake.set(refresh_revoked=True)
        clock.advance(3600)
        with pytest.raises(AuthRevoked):
            await client.playback()
        with pytest.raises(AuthRevoked):
            await client.playback()
    assert fake.requests["/api/token"] == 1  # no retry loop against the token endpoint
    assert store.tokens.refresh_token == refresh  # nothing stored was lost


async def test_not_signed_in(fake, clock):
    async with make_client(fake, clock, MemoryTokenStore()) as client:
        with pytest.raises(NotSignedIn, match="spotui auth"):
            await client.playback()


# --- fault knobs --------------------------------------------------------------------


async def test_429_waits_retry_after_with_no_request_meanwhile(fake, clock):
    fake.set(rate_limit=2, retry_after=3)
    async with make_client(fake, clock) as client:
        results = await asyncio.gather(client.playback(), client.devices(), client.me())
    assert results[0] is not None and results[1]
    api = [entry for entry in fake.log if entry[2].startswith("/v1")]
    limited = [at for at, _, _, status in api if status == 429]
    assert len(limited) == 2
    for at, _, _, status in api:
        if status != 429:
            assert at >= limited[-1] + 3  # nothing went out before Retry-After passed


async def test_a_long_retry_after_raises_at_once_without_sending(fake, clock):
    fake.set(rate_limit=1, retry_after=120)
    async with make_client(fake, clock, max_wait=30) as client:
        with pytest.raises(RateLimited) as caught:
            await client.playback()
        assert caught.value.retry_after == 120
        sent = len(fake.log)
        with pytest.raises(RateLimited):
            await client.devices()
        assert len(fake.log) == sent
        assert client.rate_limited_for == 120
        clock.advance(120)
        assert await client.devices()


async def test_endless_429s_end_in_rate_limited(fake, clock):
    fake.set(rate_limit=100, retry_after=1)
    async with make_client(fake, clock, rate_limit_retries=3) as client:
        with pytest.raises(RateLimited, match="rate limiting"):
            await client.playback()
    assert fake.requests["/v1/me/player"] == 4


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_server_errors_are_retried_with_backoff(fake, clock, status):
    fake.set(server_errors=2, server_error_status=status)
    async with make_client(fake, clock) as client:
        assert await client.playback() is not None
    assert fake.requests["/v1/me/player"] == 3
    assert len(clock.sleeps) == 2
    assert 0.25 <= clock.sleeps[0] <= 0.5 and 0.5 <= clock.sleeps[1] <= 1.0  # doubling, jitter


async def test_server_errors_that_persist_become_server_error(fake, clock):
    fake.set(server_errors=10, server_error_status=502)
    async with make_client(fake, clock, retries=3) as client:
        with pytest.raises(ServerError, match="502"):
            await client.playback()
    assert fake.requests["/v1/me/player"] == 4
    assert all(delay <= 8.0 for delay in clock.sleeps)


async def test_timeouts_are_retried_then_typed(fake, clock):
    fake.set(timeouts=1)
    async with make_client(fake, clock) as client:
        assert await client.playback() is not None
        fake.set(timeouts=10)
        with pytest.raises(NetworkError, match="in time"):
            await client.devices()


async def test_a_timed_out_skip_is_not_sent_twice(fake, clock):
    fake.set(timeouts=1)
    async with make_client(fake, clock) as client:
        with pytest.raises(NetworkError):
            await client.next()
    assert fake.requests["/v1/me/player/next"] == 1


async def test_dropped_connections_are_retried_then_offline(fake, clock):
    fake.set(disconnects=2)
    async with make_client(fake, clock) as client:
        assert await client.playback() is not None
        fake.set(disconnects=10)
        with pytest.raises(NetworkError, match="offline"):
            await client.playback()


async def test_truncated_json_is_a_protocol_error_not_a_crash(fake, clock):
    fake.set(truncate_json=1)
    async with make_client(fake, clock) as client:
        with pytest.raises(ProtocolError, match="could not read"):
            await client.playback()
        assert await client.playback() is not None  # the next answer is fine


async def test_latency_knob_delays_answers(fake, clock):
    fake.set(latency_ms=50)
    async with make_client(fake, clock) as client:
        loop = asyncio.get_running_loop()
        started = loop.time()
        await client.devices()
        assert loop.time() - started >= 0.045


async def test_no_active_device(fake, clock):
    fake.set(no_active_device=True)
    async with make_client(fake, clock) as client:
        assert await client.playback() is None
        assert not any(d.is_active for d in await client.devices())
        with pytest.raises(NoActiveDevice, match="No active device") as caught:
            await client.pause()
        assert caught.value.status == 404 and caught.value.reason == "NO_ACTIVE_DEVICE"
        speaker = (await client.devices())[0]
        await client.transfer(speaker.id)
        assert (await client.playback()).device.name == "Living Room"


async def test_not_premium(fake, clock):
    fake.set(premium=False)
    async with make_client(fake, clock) as client:
        assert await client.playback() is not None  # reading still works
        for command in (client.pause(), client.next(), client.set_volume(5)):
            with pytest.raises(PremiumRequired, match="Premium"):
                await command


async def test_nothing_playing(fake, clock):
    fake.set(nothing_playing=True)
    async with make_client(fake, clock) as client:
        playback = await client.playback()
        assert playback is not None and playback.item is None and not playback.is_playing
        assert playback.playing_type == "unknown"
        assert await client.currently_playing() is None
        with pytest.raises(Restricted):
            await client.next()


async def test_ad(fake, clock):
    fake.set(ad=True)
    async with make_client(fake, clock) as client:
        playback = await client.playback()
        assert playback.is_ad and playback.item is None and playback.is_playing


async def test_someone_skipped_on_another_device(fake, clock):
    async with make_client(fake, clock) as client:
        before = (await client.playback()).item.name
        fake.remote_skip()
        after = (await client.playback()).item.name
    assert before == "Cherish" and after == TRACKS[1].name


async def test_insufficient_scope_is_forbidden_with_spotifys_message(fake, clock):
    async with make_client(fake, clock) as client:
        for grant in fake.oauth.access_tokens.values():
            grant.scope = "user-read-playback-state"
        with pytest.raises(Forbidden, match="Insufficient client scope"):
            await client.top_tracks()


async def test_errors_never_carry_tokens(fake, clock):
    store = signed_in_store(fake, clock)
    secrets = {store.tokens.access_token, store.tokens.refresh_token}
    failures: list[SpotifyError] = []
    async with make_client(fake, clock, store) as client:
        for knobs in (
            {"premium": False},
            {"no_active_device": True},
            {"truncate_json": 1},
            {"server_errors": 9},
            {"refresh_revoked": True},
        ):
            fake.set(**knobs)
            clock.advance(4000)
            try:
                await client.pause()
            except SpotifyError as exc:
                failures.append(exc)
    assert failures
    for exc in failures:
        assert not any(secret in f"{exc} {exc!r}" for secret in secrets)
