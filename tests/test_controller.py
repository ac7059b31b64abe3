"""The UI-free player controller: the one poll loop the app and `now --watch` share."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from spotui.core.controller import PlayerController, Trouble, first_poll
from spotui.core.player import PlayerState
from spotui.services import Services


async def test_it_polls_tells_listeners_and_reverts_a_refused_command():
    services = Services.demo_mode()
    spotify = services.connect()
    assert spotify is not None
    states: list[PlayerState] = []
    troubles: list[Trouble | None] = []
    controller = PlayerController(
        spotify, interval=0.2, on_state=states.append, on_trouble=troubles.append
    )
    polling = asyncio.ensure_future(controller.run())
    try:
        while not states:
            await asyncio.sleep(0.01)
        first = states[-1]
        assert first.playback is not None and first.playback.is_playing
        assert troubles[-1] is None
        services.fake.set(premium=False)  # type: ignore[attr-defined]
        refusal = await controller.send(lambda c: c.pause(), first.toggled(first.received_at))
        assert refusal is not None and "Premium" in refusal.message
        assert states[-2].playback.is_playing is False  # shown at once …
        assert states[-1].playback.is_playing is True  # … and back when Spotify said no
        services.fake.set(server_errors=100)  # type: ignore[attr-defined]
        controller.poll_soon(0)
        while troubles[-1] is None:
            await asyncio.sleep(0.05)
        assert troubles[-1].retry_in >= 2 and "trouble" in troubles[-1].message
    finally:
        polling.cancel()
        await asyncio.gather(polling, return_exceptions=True)
        await spotify.aclose()


async def test_it_ends_when_the_sign_in_ends():
    services = Services.demo_mode(refresh_revoked=True, token_lifetime_s=0)
    spotify = services.connect()
    assert spotify is not None
    ended: list[str] = []
    controller = PlayerController(spotify, on_signed_out=ended.append)
    services.fake.oauth.access_tokens.clear()  # type: ignore[attr-defined]
    await asyncio.wait_for(controller.run(), 10)
    assert ended and "sign" in ended[0].lower()
    await spotify.aclose()


async def test_an_answer_asked_for_at_start_up_is_the_first_poll_and_is_not_asked_again():
    services = Services.demo_mode()
    spotify = services.connect()
    assert spotify is not None
    fake = services.fake
    sent = asyncio.ensure_future(first_poll(spotify))
    await asyncio.sleep(0.05)
    asked = fake.player_requests()  # type: ignore[attr-defined]
    states: list[PlayerState] = []
    controller = PlayerController(spotify, interval=30, on_state=states.append, first=sent)
    polling = asyncio.ensure_future(controller.run())
    try:
        while not states:
            await asyncio.sleep(0.01)
        assert states[0].playback is not None and states[0].playback.item is not None
        assert fake.player_requests() == asked  # type: ignore[attr-defined]
    finally:
        polling.cancel()
        await asyncio.gather(polling, return_exceptions=True)
        await spotify.aclose()


async def test_answers_late_by_the_network_do_not_step_the_elapsed_time_back():
    """Each answer is late by its trip over the network. Taken as it comes, the time
    shown would step back a little at every poll; a real change still shows."""
    services = Services.demo_mode()
    spotify = services.connect()
    assert spotify is not None
    playback = await spotify.playback()
    await spotify.aclose()
    assert playback is not None and playback.is_playing and playback.item is not None
    start = playback.progress_ms
    before = PlayerState(playback, 100.0)

    def answer(progress_ms: int, **changes) -> PlayerState:
        return PlayerState(replace(playback, progress_ms=progress_ms, **changes), 105.0)

    late = answer(start + 4_800)  # five seconds on, 200 ms behind the local clock
    assert late.steadied(before).position(105.0) == start + 5_000
    assert late.steadied(before).playback.device == late.playback.device
    sought = answer(start + 60_000)  # someone sought on their phone
    assert sought.steadied(before).position(105.0) == start + 60_000
    paused = answer(start + 4_800, is_playing=False)
    assert paused.steadied(before).position(105.0) == start + 4_800
    other = answer(1_000, item=replace(playback.item, name="Another"))
    assert other.steadied(before).position(105.0) == 1_000
