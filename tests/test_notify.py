"""Track-change notifications, sent to a notification server of the test's own on a
session bus of its own, with the fake Spotify over HTTP."""

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import unquote, urlparse

import pytest
from dbus_fast import Variant
from dbus_fast.aio import MessageBus
from dbus_fast.annotations import DBusSignature
from dbus_fast.service import ServiceInterface, dbus_method, dbus_signal

from spotui.config import Config, parse_config
from spotui.core.controller import PlayerController
from spotui.fake import FakeSpotify

from .desktop import POLL_S, hub, on_bus, run, running, session_bus, until
from .helpers import runtime

__all__ = ["hub", "session_bus"]  # the fixtures, used by name


class Notifications(ServiceInterface):
    """``org.freedesktop.Notifications``, whole, recording Notify and CloseNotification."""

    def __init__(self) -> None:
        super().__init__("org.freedesktop.Notifications")
        self.calls: list[tuple[str, Any]] = []
        self._last = 0

    @dbus_method()
    def GetCapabilities(self) -> Annotated[list[str], DBusSignature("as")]:
        return ["body", "body-markup", "icon-static"]

    @dbus_method()
    def GetServerInformation(self) -> Annotated[list[str], DBusSignature("ssss")]:
        return ["test-notifications", "spotui tests", "1.0", "1.2"]

    @dbus_method()
    def Notify(
        self,
        app_name: Annotated[str, DBusSignature("s")],
        replaces_id: Annotated[int, DBusSignature("u")],
        app_icon: Annotated[str, DBusSignature("s")],
        summary: Annotated[str, DBusSignature("s")],
        body: Annotated[str, DBusSignature("s")],
        actions: Annotated[list[str], DBusSignature("as")],
        hints: Annotated[dict[str, Variant], DBusSignature("a{sv}")],
        expire_timeout: Annotated[int, DBusSignature("i")],
    ) -> Annotated[int, DBusSignature("u")]:
        self._last += 1
        self.calls.append(
            (
                "Notify",
                {
                    "id": self._last,
                    "app": app_name,
                    "replaces": replaces_id,
                    "icon": app_icon,
                    "summary": summary,
                    "body": body,
                },
            )
        )
        return self._last

    @dbus_method()
    def CloseNotification(self, id_: Annotated[int, DBusSignature("u")]) -> None:
        self.calls.append(("CloseNotification", id_))
        self.NotificationClosed(id_, 3)

    @dbus_signal()
    def NotificationClosed(
        self, id_: Annotated[int, DBusSignature("u")], reason: Annotated[int, DBusSignature("u")]
    ) -> Annotated[list[int], DBusSignature("uu")]:
        return [id_, reason]

    @dbus_signal()
    def ActionInvoked(
        self, id_: Annotated[int, DBusSignature("u")], key: Annotated[str, DBusSignature("s")]
    ) -> Annotated[list[Any], DBusSignature("us")]:
        return [id_, key]


@pytest.fixture
async def notifications(session_bus) -> AsyncIterator[Notifications]:
    """The notification server on the test's bus, recording what it is asked."""
    bus = await MessageBus().connect()
    server = Notifications()
    bus.export("/org/freedesktop/Notifications", server)
    await bus.request_name("org.freedesktop.Notifications")
    try:
        yield server
    finally:
        bus.disconnect()


def names(fake, uri: str) -> tuple[str, str, str]:
    item = fake.account.item_json(uri)
    artists = ", ".join(artist["name"] for artist in item["artists"])
    return item["name"], artists, item["album"]["name"]


def told(notifications: Notifications) -> list[str]:
    """The summaries sent, in order."""
    return [call["summary"] for kind, call in notifications.calls if kind == "Notify"]


async def shown(controller: PlayerController, uri: str) -> None:
    """Wait for the hub to have polled ``uri`` (the next poll at most)."""

    def shows() -> bool:
        playback = controller.state.playback
        return playback is not None and playback.item is not None and playback.item.uri == uri

    await until(shows, timeout=POLL_S + 2)


async def skipped(fake: FakeSpotify, controller: PlayerController) -> str:
    """Skip on another device; the title, once the hub has it (and any notification)."""
    fake.remote_skip()
    uri = fake.account.player.uri
    await shown(controller, uri)
    await asyncio.sleep(0.5)
    return names(fake, uri)[0]


async def test_two_skips_give_two_notifications_the_first_closed_before_the_second(
    hub, notifications
):
    fake, services = hub
    config, problems = parse_config(
        'notify = true\nnotify_format = { body = "{artist} · {album}" }'
    )
    assert problems == []
    async with running(services, config) as controller:
        await until(lambda: controller.state.playback is not None)
        await asyncio.sleep(POLL_S + 0.5)
        assert notifications.calls == []  # not at start, nor for the same track again

        fake.remote_skip()
        first = names(fake, fake.account.player.uri)
        await until(lambda: len(notifications.calls) == 1, timeout=POLL_S + 2)
        fake.remote_skip()
        second = names(fake, fake.account.player.uri)
        await until(lambda: len(notifications.calls) == 3, timeout=POLL_S + 2)

    (one, sent), (close, closed), (two, again), end = notifications.calls
    assert (one, close, two) == ("Notify", "CloseNotification", "Notify")
    assert closed == sent["id"]
    assert end == ("CloseNotification", again["id"])  # spotui ended: its last one goes
    for call, (title, artists, album) in ((sent, first), (again, second)):
        assert call["app"] == "spotui"
        assert call["summary"] == title
        assert call["body"] == f"{artists} · {album}".replace("&", "&amp;")
        icon = Path(unquote(urlparse(call["icon"]).path))
        assert icon.is_file() and icon.read_bytes().startswith(b"\x89PNG")  # the fake's cover
    assert sent["icon"] != again["icon"]


async def test_notifications_are_off_in_the_tui_unless_the_config_says(hub, notifications):
    fake, services = hub
    async with running(services, Config()) as controller:
        await until(lambda: controller.state.playback is not None)
        await skipped(fake, controller)
    assert notifications.calls == []


def test_a_bad_notify_format_is_named_once_and_the_default_stands():
    config, problems = parse_config('notify_format = { title = "{track}" }', "c.toml")
    assert config.notify_format == Config().notify_format
    assert len(problems) == 1
    assert "'notify_format'" in problems[0] and "unknown field {track}" in problems[0]


async def test_a_media_key_spotify_refuses_shows_as_a_notification(hub, notifications):
    fake, services = hub
    async with running(services, Config(notify=True)):
        await on_bus()
        fake.set(no_active_device=True)
        await run("playerctl", "-p", "spotui", "next")
        await until(lambda: len(notifications.calls) == 1, timeout=5)
    kind, call = notifications.calls[0]
    assert kind == "Notify" and call["summary"] == "Spotify said no"
    assert "device" in call["body"].lower()
    # No cover: spotui's own icon (desktop-notifier's default is Python's logo).
    icon = Path(unquote(urlparse(call["icon"]).path))
    assert icon.name == "spotui.svg" and icon.read_text().startswith("<svg")


async def test_no_notification_for_a_change_made_from_the_focused_window(hub, notifications):
    from spotui.desktop.notify import OWN_CHANGE_S

    fake, services = hub
    account = fake.account
    window = {"focused": True}
    async with running(
        services, Config(notify=True), focused=lambda: window["focused"]
    ) as controller:

        async def next_track() -> str:
            before = account.player.uri
            await run("playerctl", "-p", "spotui", "next")
            await until(lambda: account.player.uri != before)
            await shown(controller, account.player.uri)
            return names(fake, account.player.uri)[0]

        await on_bus()
        await next_track()  # a command, the window focused
        await asyncio.sleep(0.5)
        assert notifications.calls == []

        await asyncio.sleep(OWN_CHANGE_S)
        remote = await skipped(fake, controller)  # another device, the window still focused

        window["focused"] = False
        away = await next_track()  # a command, the window away
        await asyncio.sleep(1.5)  # what is sent is in
    assert told(notifications) == [remote, away]


async def test_a_serve_started_later_stops_the_tuis_notifications_until_it_stops(
    hub, notifications, tmp_path, monkeypatch
):
    """Once serve holds its lock, a skip gives no notification from the TUI (serve's own
    would be the only one); once serve has stopped, the next skip gives one again."""
    from spotui.desktop.lock import ServeLock, lock_path

    monkeypatch.setenv("XDG_RUNTIME_DIR", runtime(tmp_path))
    monkeypatch.setattr("spotui.services.YIELD_CHECK_S", 0.0)
    fake, services = hub
    serve = ServeLock(lock_path())
    try:
        async with running(services, Config(notify=True)) as controller:
            await until(lambda: controller.state.playback is not None)
            serve.take()
            await skipped(fake, controller)
            assert notifications.calls == []
            serve.release()
            await asyncio.sleep(POLL_S + 0.5)  # a poll finds serve gone: the track it told of
            assert notifications.calls == []
            title = await skipped(fake, controller)
    finally:
        serve.release()
    assert told(notifications) == [title]
