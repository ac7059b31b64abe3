"""The device picker: choose where Spotify plays."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from spotui.format import device_icon
from spotui.spotify.errors import SpotifyError
from spotui.spotify.models import Device
from spotui.tui.screens.closing import WorkerScreen
from spotui.tui.widgets.plain import plain


class DevicePicker(WorkerScreen[Device | None], ModalScreen[Device | None]):
    """Lists the user's devices; dismisses with the chosen one (or None)."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Close", id="close")]

    def __init__(self, devices: Callable[[], Awaitable[tuple[Device, ...]]]):
        """``devices``: asks for the user's devices (``Actions.devices``)."""
        super().__init__()
        self._ask = devices
        self.devices: tuple[Device, ...] = ()

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Label("Play on which device?", id="picker-title")
            yield OptionList(id="device-list")
            yield Label("Loading devices…", id="picker-note")

    def on_mount(self) -> None:
        self.load()

    @work(exclusive=True)
    async def load(self) -> None:
        note = self.query_one("#picker-note", Label)
        try:
            self.devices = await self._ask()
        except SpotifyError as exc:
            note.update(plain(exc.message, one_line=False))
            return
        options = self.query_one(OptionList)
        for index, device in enumerate(self.devices):
            marks = " · active" if device.is_active else ""
            if device.is_restricted or device.id is None:
                marks += " · cannot be controlled"
            text = f"{device_icon(device.type)}  {device.name} ({device.type}){marks}"
            options.add_option(
                Option(
                    plain(text), id=str(index), disabled=device.id is None or device.is_restricted
                )
            )
        note.update(
            "Enter to play there, Esc to close."
            if self.devices
            else "No devices found. Open Spotify on a phone, computer or speaker first."
        )
        active = next((i for i, d in enumerate(self.devices) if d.is_active), None)
        if active is not None:  # opens on the device that plays now
            options.highlighted = active
        options.focus()

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.devices[int(event.option.id or 0)])
