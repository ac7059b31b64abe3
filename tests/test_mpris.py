"""The MPRIS player with the real parts: a session bus of the test's own, playerctl,
busctl, a dbus-fast client, and the fake Spotify over HTTP."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace

from dbus_fast import Message, MessageType
from dbus_fast.aio import MessageBus

from spotui.config import Config, parse_config
from spotui.core.player import PlayerState
from spotui.fake import FakeSpotify

from .desktop import POLL_S, hub, on_bus, run, running, services_for, session_bus, until
from .helpers import runtime

__all__ = ["hub", "session_bus"]  # the fixtures, used by name

PLAYERCTL = ("playerctl", "-p", "spotui")


def artists(fake, uri: str) -> str:
    return ", ".join(artist["name"] for artist in fake.account.item_json(uri)["artists"])


async def test_playerctl_reads_the_fakes_track(hub):
    fake, services = hub
    async with running(services, Config()):
        await on_bus()
        uri = fake.account.player.uri
        track = fake.account.item_json(uri)
        shown = await run(
            *PLAYERCTL, "metadata", "--format", "{{title}}|{{artist}}|{{mpris:length}}"
        )
        assert shown == f"{track['name']}|{artists(fake, uri)}|{track['duration_ms'] * 1000}"
        assert await run(*PLAYERCTL, "status") == "Playing"
        position = float(await run(*PLAYERCTL, "position"))
        assert abs(position - fake.account.position() / 1000) < 1.5  # extrapolated, not stale


async def test_playerctl_commands_change_the_fakes_player(hub):
    fake, services = hub
    account = fake.account
    async with running(services, Config()):
        await on_bus()
        await run(*PLAYERCTL, "play-pause")
        await until(lambda: not account.player.is_playing)
        await until(lambda: _status_is("Paused"))
        await run(*PLAYERCTL, "play-pause")
        await until(lambda: account.player.is_playing)

        first = account.player.uri
        await run(*PLAYERCTL, "next")
        await until(lambda: account.player.uri != first)

        await run(*PLAYERCTL, "position", "30")
        await until(lambda: abs(account.position() - 30_000) < 2_000)

        await run(*PLAYERCTL, "volume", "0.4")
        await until(lambda: account.active_device["volume_percent"] == 40)

        await run(*PLAYERCTL, "shuffle", "On")
        await until(lambda: account.player.shuffle)

        await run(*PLAYERCTL, "loop", "Track")
        await until(lambda: account.player.repeat == "track")
        assert await run(*PLAYERCTL, "loop") == "Track"


async def _status_is(status: str) -> bool:
    return await run(*PLAYERCTL, "status") == status


async def seeked_watcher() -> tuple[MessageBus, list[int]]:
    """A dbus-fast client that records every ``Seeked`` signal's position (µs)."""
    bus = await MessageBus().connect()
    seen: list[int] = []

    def handler(message: Message) -> None:
        if message.message_type == MessageType.SIGNAL and message.member == "Seeked":
            seen.append(message.body[0])

    bus.add_message_handler(handler)
    await bus.call(
        Message(
            destination="org.freedesktop.DBus",
            path="/org/freedesktop/DBus",
            interface="org.freedesktop.DBus",
            member="AddMatch",
            signature="s",
            body=["type='signal',interface='org.mpris.MediaPlayer2.Player',member='Seeked'"],
        )
    )
    return bus, seen


async def test_a_skip_and_a_seek_elsewhere_show_within_one_poll_and_one_seeked(hub):
    fake, services = hub
    account = fake.account
    async with running(services, Config()):
        await on_bus()
        bus, seen = await seeked_watcher()
        try:
            await asyncio.sleep(3 * POLL_S)  # steady play: polls that agree say nothing
            assert seen == []

            account.seek(5_000)  # on another device
            await until(lambda: len(seen) == 1, timeout=POLL_S + 1.5)
            assert abs(seen[0] / 1000 - account.position()) < 1_000  # where the seek led
            position = float(await run(*PLAYERCTL, "position"))
            assert abs(position - account.position() / 1000) < 1.5

            fake.remote_skip()
            title = account.item_json(account.player.uri)["name"]

            async def shown() -> bool:
                return await run(*PLAYERCTL, "metadata", "title") == title

            await until(shown, timeout=POLL_S + 1.5)
            await asyncio.sleep(POLL_S)
            assert len(seen) == 1  # a new track is no seek
        finally:
            bus.disconnect()


async def test_twenty_seconds_of_steady_play_send_no_seeked(session_bus):
    """The hub's own poll loop over 20 s of the fake's play time, on a manual clock (no
    20 s wait): the answers arrive up to 0.4 s late, as over a network, and no poll
    that agrees with the clock gives a Seeked; a seek on another device then gives one."""
    from itertools import cycle

    from spotui.core.controller import Listener
    from spotui.services import Services

    from .conftest import ManualClock

    clock = ManualClock()
    late = cycle([0.0, 0.4, 0.1, 0.35, 0.05, 0.25])  # each answer's network delay
    delay = {"now": 0.0}
    services = Services.demo_mode(clock=clock, monotonic=lambda: clock() + delay["now"])
    fake = services.fake
    assert isinstance(fake, FakeSpotify)
    steps: asyncio.Queue[None] = asyncio.Queue()
    played: list[float] = []

    async def sleep(seconds: float) -> None:  # the poll loop's wait, on the manual clock
        await steps.get()
        clock.advance(seconds)
        delay["now"] = next(late)
        played.append(seconds)

    async with running(services, Config()) as controller:
        controller._sleep = sleep  # type: ignore[method-assign]
        polls: list[PlayerState] = []
        controller.subscribe(Listener(state=polls.append))
        await on_bus()
        bus, seen = await seeked_watcher()

        async def poll() -> None:
            told = len(polls)
            steps.put_nowait(None)
            await until(lambda: len(polls) > told)

        try:
            while sum(played) < 20:
                await poll()
            await asyncio.sleep(0.3)  # any signal sent is in
            assert len(played) >= 5 and sum(played) >= 20
            assert controller.state.playback is not None and controller.state.playback.is_playing
            assert seen == []

            fake.account.seek(fake.account.position() + 30_000)  # on another device
            await poll()
            await until(lambda: len(seen) == 1)
        finally:
            bus.disconnect()


async def test_a_seek_command_sends_one_seeked(hub):
    fake, services = hub
    async with running(services, Config()):
        await on_bus()
        bus, seen = await seeked_watcher()
        try:
            await run(*PLAYERCTL, "position", "1+")
            await until(lambda: len(seen) == 1)
            await until(lambda: abs(fake.account.position() - seen[0] / 1000) < 1_500)
            await asyncio.sleep(POLL_S + 1)  # the poll after it agrees
            assert len(seen) == 1
        finally:
            bus.disconnect()


async def test_busctl_lists_both_interfaces(hub):
    _, services = hub
    async with running(services, Config()):
        await on_bus()
        shown = await run(
            "busctl",
            "--user",
            "introspect",
            "org.mpris.MediaPlayer2.spotui",
            "/org/mpris/MediaPlayer2",
        )
        assert "org.mpris.MediaPlayer2 " in shown
        assert "org.mpris.MediaPlayer2.Player " in shown
        assert ".Seeked " in shown


async def test_the_desktop_entry_named_on_the_bus_is_shipped(hub):
    """``DesktopEntry`` names a .desktop file the package ships (media controls find the
    app's name and icon through it), and the wheel carries both files."""
    import configparser
    import tomllib
    from pathlib import Path

    import spotui.desktop

    _, services = hub
    async with running(services, Config()):
        await on_bus()
        named = await run(
            "busctl", "--user", "get-property", "org.mpris.MediaPlayer2.spotui",
            "/org/mpris/MediaPlayer2", "org.mpris.MediaPlayer2", "DesktopEntry",
        )  # fmt: skip
    assert named == 's "spotui"'
    folder = Path(spotui.desktop.__file__).parent
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(folder / "spotui.desktop", encoding="utf-8")
    desktop = entry["Desktop Entry"]
    assert desktop["Type"] == "Application" and desktop["Name"] == "spotui"
    assert desktop["Exec"] == "spotui" and desktop["Terminal"] == "true"
    assert (folder / f"{desktop['Icon']}.svg").is_file()
    root = Path(__file__).resolve().parent.parent
    shipped = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert {"desktop/spotui.desktop", "desktop/spotui.svg"} <= set(
        shipped["package-data"]["spotui"]
    )


async def test_a_second_copy_takes_an_instance_name(hub):
    _, services = hub
    async with running(services, Config()), running(services, Config()):
        names: list[str] = []

        async def two() -> bool:
            names[:] = (await run("playerctl", "-l", "--no-messages")).split()
            return len(names) == 2

        await until(two)
        assert names[0] == "spotui"
        assert names[1].startswith("spotui.instance")


async def test_mpris_false_keeps_it_off_the_bus(hub):
    _, services = hub
    config, problems = parse_config("mpris = false")
    assert problems == []
    async with running(services, config) as controller:
        await until(lambda: controller.state.playback is not None)
        await asyncio.sleep(0.5)
        assert await run("playerctl", "-l", "--no-messages") == ""


def test_a_bad_mpris_value_is_named_once():
    config, problems = parse_config('mpris = "yes"')
    assert config.mpris is True
    assert len(problems) == 1 and "'mpris' must be true or false" in problems[0]


async def test_with_no_bus_the_hub_goes_on_and_the_log_says_why(served, tmp_path, caplog):
    fake, server = served
    services = services_for(fake, server, tmp_path)
    caplog.set_level(logging.INFO, logger="spotui.desktop")
    async with running(services, replace(Config(), mpris=True)) as controller:
        await until(lambda: controller.state.playback is not None)
        await until(lambda: "MPRIS is off" in caplog.text)
    said = [r.getMessage() for r in caplog.records if r.name == "spotui.desktop"]
    assert len(said) == 1
    assert "no D-Bus session bus" in said[0] and "DBUS_SESSION_BUS_ADDRESS" in said[0]


def test_with_no_address_at_all_dbus_fast_is_not_even_loaded(tmp_path):
    """Over SSH or on a console (no bus address, no DISPLAY) the player says why once and
    spotui does not load dbus-fast, which only costs memory there."""
    import os
    import subprocess
    import sys

    script = (
        "import asyncio, logging, sys\n"
        "logging.basicConfig(level=logging.INFO, format='%(message)s')\n"
        "from spotui.desktop.mpris import Mpris\n"
        "asyncio.run(Mpris(None).run())\n"
        "print('dbus_fast' in sys.modules)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DBUS_SESSION_BUS_ADDRESS", "DISPLAY")}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
    assert done.stderr.count("MPRIS is off: no D-Bus session bus") == 1


async def test_the_tui_is_the_player_and_playerctl_next_shows_on_its_screen(session_bus):
    from spotui.services import Services
    from spotui.tui.app import SpotuiApp

    from .helpers import until as on_screen

    app = SpotuiApp(Services.demo_mode(), Config())
    async with app.run_test(size=(120, 40)) as pilot:
        fake = app.services.fake
        await on_screen(pilot, lambda: "Cherish" in str(app.screen.query_one("#title").content))
        await on_bus()  # playerctl runs as an asyncio subprocess: the app answers it
        await run(*PLAYERCTL, "next")
        coming = fake.account.item_json(fake.account.player.uri)["name"]
        assert coming != "Cherish"
        await on_screen(pilot, lambda: coming in str(app.screen.query_one("#title").content))
        assert await run(*PLAYERCTL, "metadata", "title") == coming


async def test_a_refused_command_is_logged_and_the_player_goes_on(hub, caplog):
    fake, services = hub
    caplog.set_level(logging.INFO, logger="spotui.desktop")
    async with running(services, Config()):
        await on_bus()
        fake.set(no_active_device=True)
        await run(*PLAYERCTL, "next")
        await until(lambda: "MPRIS next: Spotify said no:" in caplog.text)
        assert "spotui" in (await run("playerctl", "-l", "--no-messages")).split()


async def call_player(member: str, signature: str, *body) -> None:
    """Call a Player method as a media-key daemon would (a dbus-fast client)."""
    bus = await MessageBus().connect()
    try:
        reply = await bus.call(
            Message(
                destination="org.mpris.MediaPlayer2.spotui",
                path="/org/mpris/MediaPlayer2",
                interface="org.mpris.MediaPlayer2.Player",
                member=member,
                signature=signature,
                body=list(body),
            )
        )
        assert reply is not None and reply.message_type == MessageType.METHOD_RETURN, reply
    finally:
        bus.disconnect()


async def test_set_position_for_a_track_that_no_longer_plays_is_ignored(hub):
    fake, services = hub
    account = fake.account
    async with running(services, Config()) as controller:
        await on_bus()
        stale = (await run(*PLAYERCTL, "metadata", "mpris:trackid")).strip("'")
        fake.remote_skip()
        uri = account.player.uri
        await until(
            lambda: (
                controller.state.playback is not None
                and controller.state.playback.item is not None
                and controller.state.playback.item.uri == uri
            ),
            timeout=POLL_S + 2,
        )
        await call_player("SetPosition", "ox", stale, 60_000_000)
        await asyncio.sleep(0.5)
        assert account.position() < 10_000  # ignored: the new track plays from its start
        current = (await run(*PLAYERCTL, "metadata", "mpris:trackid")).strip("'")
        assert current != stale
        await call_player("SetPosition", "ox", current, 40_000_000)
        await until(lambda: abs(account.position() - 40_000) < 2_000)


async def test_open_uri_plays_a_link_or_a_uri(hub):
    fake, services = hub
    account = fake.account
    track = account.default_context[3]  # a track the fake knows, not the one playing
    track_id = track.rsplit(":", 1)[1]
    async with running(services, Config()):
        await on_bus()
        fake.remote_skip()
        await call_player("OpenUri", "s", f"https://open.spotify.com/track/{track_id}?si=x")
        await until(lambda: account.player.uri == track)


async def test_with_no_bus_the_tui_starts_and_the_log_says_why(caplog):
    from spotui.services import Services
    from spotui.tui.app import SpotuiApp

    from .helpers import until as on_screen

    caplog.set_level(logging.INFO, logger="spotui.desktop")
    app = SpotuiApp(Services.demo_mode(), Config())
    async with app.run_test(size=(120, 40)) as pilot:
        await on_screen(pilot, lambda: "Cherish" in str(app.screen.query_one("#title").content))
        await on_screen(pilot, lambda: "MPRIS is off" in caplog.text)
        await pilot.press("n")
        await on_screen(pilot, lambda: "Cherish" not in str(app.screen.query_one("#title").content))
    assert "no D-Bus session bus" in caplog.text


async def test_hostile_names_reach_the_bus_as_plain_text(hub):
    fake, services = hub
    async with running(services, Config()):
        await on_bus()
        fake.set(hostile_names=True)
        fake.remote_skip()

        async def hostile() -> bool:
            return "PWNED" in await run(*PLAYERCTL, "metadata", "title")

        await until(hostile, timeout=POLL_S + 2)
        shown = await run(*PLAYERCTL, "metadata", "--format", "{{title}}|{{artist}}|{{album}}")
        assert "^[]0;PWNED^G" in shown  # visible stand-ins, as on the terminal
        assert not any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in shown)
        assert "spotui" in (await run("playerctl", "-l", "--no-messages")).split()


async def test_a_serve_takes_the_player_off_the_tui_and_gives_it_back_when_it_stops(
    hub, tmp_path, monkeypatch
):
    """A face that exported the player before serve started leaves the bus to it at
    the next state (serve then tells the desktop alone), and takes it back once serve
    has stopped: playerctl sees it and steers the fake through it again."""
    from spotui.desktop.lock import ServeLock, lock_path

    monkeypatch.setenv("XDG_RUNTIME_DIR", runtime(tmp_path))
    monkeypatch.setattr("spotui.services.YIELD_CHECK_S", 0.0)
    fake, services = hub
    serve = ServeLock(lock_path())
    async with running(services, Config()):
        await on_bus()
        serve.take()
        try:

            async def gone() -> bool:
                return await run("playerctl", "-l", "--no-messages") == ""

            await until(gone, timeout=3 * POLL_S)
        finally:
            serve.release()
        await on_bus(timeout=3 * POLL_S)  # back after serve stops
        before = fake.account.player.uri
        await run(*PLAYERCTL, "next")
        await until(lambda: fake.account.player.uri != before)
        title = fake.account.item_json(fake.account.player.uri)["name"]

        async def shown() -> bool:
            return await run(*PLAYERCTL, "metadata", "title") == title

        await until(shown, timeout=POLL_S + 2)
