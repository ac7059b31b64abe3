"""Track-change notifications, sent to a notification server of the test's own on a
session bus of its own, with the fake Spotify over HTTP."""

import asyncio
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import unquote, urlparse

from dbus_fast import Variant
from dbus_fast.aio import MessageBus
from dbus_fast.annotations import DBusSignature
from dbus_fast.service import ServiceInterface, dbus_method, dbus_signal

from spotui.config import Config, parse_config

from .desktop import POLL_S, run, running, services_for, session_bus, until

__all__ = ["session_bus"]  # the fixture, used by name


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


async def notification_server() -> tuple[MessageBus, Notifications]:
    bus = await MessageBus().connect()
    server = Notifications()
    bus.export("/org/freedesktop/Notifications", server)
    await bus.request_name("org.freedesktop.Notifications")
    return bus, server


def names(fake, uri: str) -> tuple[str, str, str]:
    item = fake.account.item_json(uri)
    artists = ", ".join(artist["name"] for artist in item["artists"])
    return item["name"], artists, item["album"]["name"]


async def test_two_skips_give_two_notifications_the_first_closed_before_the_second(
    served, tmp_path, session_bus
):
    fake, server = served
    bus, notifications = await notification_server()
    config, problems = parse_config(
        'notify = true\nnotify_format = { body = "{artist} · {album}" }'
    )
    assert problems == []
    try:
        async with running(services_for(fake, server, tmp_path), config) as controller:
            await until(lambda: controller.state.playback is not None)
            await asyncio.sleep(POLL_S + 0.5)
            assert notifications.calls == []  # not at start, nor for the same track again

            fake.remote_skip()
            first = names(fake, fake.account.player.uri)
            await until(lambda: len(notifications.calls) == 1, timeout=POLL_S + 2)
            fake.remote_skip()
            second = names(fake, fake.account.player.uri)
            await until(lambda: len(notifications.calls) == 3, timeout=POLL_S + 2)
    finally:
        bus.disconnect()

    (one, sent), (close, closed), (two, again), end = notifications.calls
    assert (one, close, two) == ("Notify", "CloseNotification", "Notify")
    assert closed == sent["id"]
    assert end == ("CloseNotification", again["id"])  # spotui ended: its last one goes
    for told, (title, artists, album) in ((sent, first), (again, second)):
        assert told["app"] == "spotui"
        assert told["summary"] == title
        assert told["body"] == f"{artists} · {album}".replace("&", "&amp;")
        icon = Path(unquote(urlparse(told["icon"]).path))
        assert icon.is_file() and icon.read_bytes().startswith(b"\x89PNG")  # the fake's cover
    assert sent["icon"] != again["icon"]


async def test_notifications_are_off_in_the_tui_unless_the_config_says(
    served, tmp_path, session_bus
):
    fake, server = served
    bus, notifications = await notification_server()
    try:
        async with running(services_for(fake, server, tmp_path), Config()) as controller:
            await until(lambda: controller.state.playback is not None)
            fake.remote_skip()
            uri = fake.account.player.uri
            await until(
                lambda: (
                    controller.state.playback is not None
                    and controller.state.playback.item is not None
                    and controller.state.playback.item.uri == uri
                ),
                timeout=POLL_S + 2,
            )
            await asyncio.sleep(0.5)
    finally:
        bus.disconnect()
    assert notifications.calls == []


def test_a_bad_notify_format_is_named_once_and_the_default_stands():
    config, problems = parse_config('notify_format = { title = "{track}" }', "c.toml")
    assert config.notify_format == Config().notify_format
    assert len(problems) == 1
    assert "'notify_format'" in problems[0] and "unknown field {track}" in problems[0]


async def test_a_media_key_spotify_refuses_shows_as_a_notification(served, tmp_path, session_bus):
    fake, server = served
    bus, notifications = await notification_server()
    try:
        async with running(services_for(fake, server, tmp_path), Config(notify=True)):

            async def listed() -> bool:
                return "spotui" in (await run("playerctl", "-l", "--no-messages")).split()

            await until(listed)
            fake.set(no_active_device=True)
            await run("playerctl", "-p", "spotui", "next")
            await until(lambda: len(notifications.calls) == 1, timeout=5)
    finally:
        bus.disconnect()
    kind, told = notifications.calls[0]
    assert kind == "Notify" and told["summary"] == "Spotify said no"
    assert "device" in told["body"].lower()
    # No cover: spotui's own icon (desktop-notifier's default is Python's logo).
    icon = Path(unquote(urlparse(told["icon"]).path))
    assert icon.name == "spotui.svg" and icon.read_text().startswith("<svg")


async def test_no_notification_for_a_change_made_from_the_focused_window(
    served, tmp_path, session_bus
):
    from spotui.desktop.notify import OWN_CHANGE_S

    fake, server = served
    account = fake.account
    bus, notifications = await notification_server()
    window = {"focused": True}
    services = services_for(fake, server, tmp_path)
    try:
        async with running(
            services, Config(notify=True), focused=lambda: window["focused"]
        ) as controller:

            def shows(uri: str) -> bool:
                playback = controller.state.playback
                return (
                    playback is not None and playback.item is not None and playback.item.uri == uri
                )

            async def listed() -> bool:
                return "spotui" in (await run("playerctl", "-l", "--no-messages")).split()

            async def next_track() -> str:
                before = account.player.uri
                await run("playerctl", "-p", "spotui", "next")
                await until(lambda: account.player.uri != before)
                await until(lambda: shows(account.player.uri), timeout=POLL_S + 2)
                return names(fake, account.player.uri)[0]

            await until(listed)
            await next_track()  # a command, the window focused
            await asyncio.sleep(0.5)
            assert notifications.calls == []

            await asyncio.sleep(OWN_CHANGE_S)
            fake.remote_skip()  # another device, the window still focused: told
            remote = names(fake, account.player.uri)[0]
            await until(lambda: shows(account.player.uri), timeout=POLL_S + 2)

            window["focused"] = False
            away = await next_track()  # a command, the window away
            await asyncio.sleep(1.5)  # what is sent is in
    finally:
        bus.disconnect()
    told = [call["summary"] for kind, call in notifications.calls if kind == "Notify"]
    assert told == [remote, away]


async def test_a_serve_started_later_stops_the_tuis_notifications_until_it_stops(
    served, tmp_path, session_bus, monkeypatch
):
    """Once serve holds its lock, a skip gives no notification from the TUI (serve's own
    would be the only one); once serve has stopped, the next skip gives one again."""
    from spotui.desktop.lock import ServeLock, lock_path

    folder = tmp_path / "run"
    folder.mkdir(mode=0o700)  # a runtime folder as the system makes one
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    monkeypatch.setattr("spotui.services.YIELD_CHECK_S", 0.0)
    fake, server = served
    bus, notifications = await notification_server()
    config, _ = parse_config("notify = true")
    serve = ServeLock(lock_path())
    try:
        async with running(services_for(fake, server, tmp_path), config) as controller:

            async def skipped() -> None:
                fake.remote_skip()
                uri = fake.account.player.uri
                await until(
                    lambda: (
                        controller.state.playback is not None
                        and controller.state.playback.item is not None
                        and controller.state.playback.item.uri == uri
                    ),
                    timeout=POLL_S + 2,
                )
                await asyncio.sleep(0.5)

            await until(lambda: controller.state.playback is not None)
            serve.take()
            await skipped()
            assert notifications.calls == []
            serve.release()
            await asyncio.sleep(POLL_S + 0.5)  # a poll finds serve gone: the track it told of
            assert notifications.calls == []
            await skipped()
            title = names(fake, fake.account.player.uri)[0]
    finally:
        serve.release()
        bus.disconnect()
    told = [call["summary"] for kind, call in notifications.calls if kind == "Notify"]
    assert told == [title]
