"""The UI-free player controller: the one poll loop the app and `now --watch` share."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace

from spotui.core.controller import Listener, PlayerController, Trouble, first_poll
from spotui.core.player import PlayerState
from spotui.services import Services


async def _until(condition, timeout: float = 10.0) -> None:
    """Wait for ``condition``; fail (not hang) when it does not come."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.01)


async def test_it_polls_tells_listeners_and_reverts_a_refused_command():
    services = Services.demo_mode()
    spotify = services.connect()
    assert spotify is not None
    states: list[PlayerState] = []
    troubles: list[Trouble | None] = []
    controller = PlayerController(spotify, interval=0.2)
    controller.subscribe(Listener(state=states.append, trouble=troubles.append))
    polling = asyncio.ensure_future(controller.run())
    try:
        while not states:
            await asyncio.sleep(0.01)
        first = states[-1]
        assert first.playback is not None and first.playback.is_playing
        assert troubles == []  # no trouble to tell of
        services.fake.set(premium=False)  # type: ignore[attr-defined]
        refusal = await controller.send(lambda c: c.pause(), first.toggled(first.received_at))
        assert refusal is not None and "Premium" in refusal.message
        assert states[-2].playback.is_playing is False  # shown at once …
        assert states[-1].playback.is_playing is True  # … and back when Spotify said no
        services.fake.set(server_errors=100)  # type: ignore[attr-defined]
        controller.poll_soon(0)
        while not troubles:
            await asyncio.sleep(0.05)
        assert troubles[-1] is not None
        assert troubles[-1].retry_in >= 2 and "trouble" in troubles[-1].message
        services.fake.set(server_errors=0)  # type: ignore[attr-defined]
        controller.poll_soon(0)
        while troubles[-1] is not None:
            await asyncio.sleep(0.05)
        assert troubles.count(None) == 1  # the end of the trouble, told once
    finally:
        polling.cancel()
        await asyncio.gather(polling, return_exceptions=True)
        await spotify.aclose()


async def test_it_ends_when_the_sign_in_ends():
    services = Services.demo_mode(refresh_revoked=True, token_lifetime_s=0)
    spotify = services.connect()
    assert spotify is not None
    ended: list[str] = []
    controller = PlayerController(spotify)
    controller.subscribe(Listener(signed_out=ended.append))
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
    controller = PlayerController(spotify, interval=30, first=sent)
    controller.subscribe(Listener(state=states.append))
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


async def test_every_listener_hears_every_state_and_a_failing_one_stops_nothing(caplog):
    """A subscriber that raises (a bug in one of them) is logged; the others still hear
    each state, and the loop goes on polling."""
    services = Services.demo_mode()
    spotify = services.connect()
    assert spotify is not None
    fake = services.fake

    def broken(_: object) -> None:
        raise RuntimeError("a subscriber's bug")

    async def broken_chore() -> None:
        raise RuntimeError("a chore's bug")

    controller = PlayerController(spotify, interval=0.05)
    heard: list[PlayerState] = []
    later: list[PlayerState] = []
    controller.subscribe(Listener(state=broken, chore=broken_chore))
    controller.subscribe(Listener(state=heard.append))
    gone = controller.subscribe(Listener(state=later.append))
    controller.unsubscribe(gone)
    polling = asyncio.ensure_future(controller.run())
    try:
        with caplog.at_level(logging.ERROR, logger="spotui.player"):
            await _until(lambda: len(heard) >= 3)  # a poll each, the broken one told first
            polls = fake.player_requests()  # type: ignore[attr-defined]
            await _until(lambda: fake.player_requests() >= polls + 2)  # type: ignore[attr-defined]
            first = heard[-1]
            shown = first.toggled(first.received_at)
            assert await controller.send(lambda c: c.pause(), shown) is None
            assert heard[-1] is shown  # the command, shown at once, is a state too
            await _until(lambda: heard[-1] is not shown)  # and the poll after it
        assert not polling.done()
        assert heard[-1].playback is not None and heard[-1].playback.is_playing is False
        assert later == []  # unsubscribed: told nothing
        failures = [record.getMessage() for record in caplog.records]
        assert any("a listener failed on state" in line for line in failures)
        assert any("chore failed" in line for line in failures)
    finally:
        polling.cancel()
        await asyncio.gather(polling, return_exceptions=True)
        await spotify.aclose()


async def test_the_wiring_attaches_one_history_keeper_that_keeps_the_plays():
    """Every face gets its hub from the wiring, the history keeper already attached:
    one sync, and the plays made meanwhile on another device land in the archive."""
    services = Services.demo_mode()
    spotify = services.connect()
    assert spotify is not None
    fake = services.fake
    services.history()  # the demo's archive, already holding the fake's recently played
    fake.account.listened(3)  # type: ignore[attr-defined]  # then plays on another device
    synced: list[object] = []
    controller = services.player(spotify, interval=30, on_history=synced.append)
    states: list[PlayerState] = []
    controller.subscribe(Listener(state=states.append))  # as a face does
    polling = asyncio.ensure_future(controller.run())
    try:
        await _until(lambda: bool(synced))
        await asyncio.sleep(0.3)  # a second keeper would have asked by now
        assert fake.requests["/v1/me/player/recently-played"] == 1  # type: ignore[attr-defined]
        assert len(synced) == 1 and getattr(synced[0], "added", 0) == 3
        newest = max(at for _, at, _ in fake.account.history)  # type: ignore[attr-defined]
        assert (services.history().newest_ms() or 0) // 1000 == int(newest)
        assert states  # the face heard the player too
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


async def test_after_a_skip_answers_still_on_the_old_track_are_held_back_until_it_moves():
    """Spotify accepts a skip before its player has moved: the poll right after it must
    not put the old title back (the screen keeps "skipping…" until the new one)."""
    services = Services.demo_mode()
    spotify = services.connect()
    assert spotify is not None
    fake = services.fake
    states: list[PlayerState] = []
    controller = PlayerController(spotify, interval=30)
    controller.subscribe(Listener(state=states.append))
    polling = asyncio.ensure_future(controller.run())
    try:
        await _until(lambda: bool(states))
        old = states[-1].playback.item.uri
        shown = len(states)
        after = controller.state.skipped(controller.monotonic(), None)

        async def accepted_but_not_moved(_) -> None:
            asyncio.get_running_loop().call_later(0.8, fake.account.next)  # type: ignore[attr-defined]

        assert await controller.send(accepted_but_not_moved, after, skip=True) is None
        await _until(lambda: states[-1].playback.item.uri != old, 3)
        between = states[shown:-1]
        assert between and all(s.skipping for s in between)  # never the old title again
        assert not states[-1].skipping
    finally:
        polling.cancel()
        await asyncio.gather(polling, return_exceptions=True)
        await spotify.aclose()


async def test_a_cancel_that_meets_a_wake_up_still_ends_the_loop():
    """Quitting just as a command asks for a poll (``poll_soon``) ends the loop: on
    Python 3.11, ``asyncio.wait_for`` returned the wake-up and dropped the cancel."""
    services = Services.demo_mode()
    spotify = services.connect()
    assert spotify is not None
    states: list[PlayerState] = []
    controller = PlayerController(spotify, interval=5)
    controller.subscribe(Listener(state=states.append))
    polling = asyncio.ensure_future(controller.run())
    try:
        await _until(lambda: bool(states))
        await asyncio.sleep(0.05)  # asleep until the next poll
        controller.poll_soon(0)
        polling.cancel()
        done, _ = await asyncio.wait({polling}, timeout=3)
        assert done, "the poll loop went on after it was cancelled"
    finally:
        polling.cancel()
        await asyncio.gather(polling, return_exceptions=True)
        await spotify.aclose()


async def test_while_a_command_waits_no_poll_puts_the_old_state_back():
    """A pause held before it reaches Spotify (as at the rate-limit gate): the polls
    that answer meanwhile still say playing, and are not shown over "paused"; once
    Spotify has the pause, the next answer says paused."""
    services = Services.demo_mode()
    spotify = services.connect()
    assert spotify is not None
    states: list[PlayerState] = []
    controller = PlayerController(spotify, interval=0.2)
    controller.subscribe(Listener(state=states.append))
    polling = asyncio.ensure_future(controller.run())
    try:
        await _until(lambda: bool(states))
        first = states[-1]
        asked = services.fake.player_requests()  # type: ignore[attr-defined]
        release = asyncio.Event()

        async def held_pause(client) -> None:
            await release.wait()
            await client.pause()

        sent = asyncio.ensure_future(controller.send(held_pause, first.toggled(first.received_at)))
        await _until(lambda: services.fake.player_requests() > asked)  # type: ignore[attr-defined]
        await asyncio.sleep(0.1)  # a poll answered while the pause was held
        assert not controller.state.playback.is_playing  # still "paused" on screen
        release.set()
        assert await sent is None
        shown = len(states)
        await _until(lambda: len(states) > shown, 5)  # the poll after the pause
        assert all(not s.playback.is_playing for s in states[states.index(first) + 1 :])
    finally:
        polling.cancel()
        await asyncio.gather(polling, return_exceptions=True)
        await spotify.aclose()


async def test_a_command_held_by_the_rate_limit_says_when_it_goes():
    """A 429 with a short Retry-After holds the pause at the gate: the listeners hear
    how long, the screen keeps "paused", and then the pause is sent."""
    services = Services.demo_mode()
    spotify = services.connect()
    assert spotify is not None
    fake = services.fake
    notices: list[tuple[str, str]] = []
    controller = PlayerController(spotify, interval=30)
    controller.subscribe(Listener(notice=lambda title, line: notices.append((title, line))))
    polling = asyncio.ensure_future(controller.run())
    try:
        await _until(lambda: controller.state.playback is not None)
        first = controller.state
        fake.set(rate_limit=1, retry_after=2)  # type: ignore[attr-defined]
        sent = asyncio.ensure_future(
            controller.send(lambda c: c.pause(), first.toggled(first.received_at), what="the pause")
        )
        await _until(lambda: bool(notices), 3)
        assert notices == [
            ("Waiting for Spotify", "Spotify is rate limiting spotui: sending the pause in 2 s.")
        ]
        assert fake.account.player.is_playing  # type: ignore[attr-defined]
        assert await sent is None
        assert not fake.account.player.is_playing  # type: ignore[attr-defined]
    finally:
        polling.cancel()
        await asyncio.gather(polling, return_exceptions=True)
        await spotify.aclose()
