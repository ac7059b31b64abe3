"""The Textual app: the wizard when there is no sign-in, else the main screen."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Iterable
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import App, SystemCommand
from textual.screen import Screen

from spotui.config import Config, load_config
from spotui.core.services import Services
from spotui.crash import crash_line, write_report
from spotui.screens.main import MainScreen
from spotui.widgets.art import enable_graphics


class SpotuiApp(App):
    """spotui."""

    CSS_PATH = "spotui.tcss"
    TITLE = "spotui"
    ENABLE_COMMAND_PALETTE = True
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    def __init__(
        self, services: Services, config: Config | None = None, problems: list[str] | None = None
    ):
        super().__init__()
        self.services = services
        self.config = config or Config()
        self.problems = problems or []

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's commands, plus every player action on the main screen."""
        if isinstance(screen, MainScreen):
            yield from screen.palette_commands()
        yield from super().get_system_commands(screen)

    def on_mount(self) -> None:
        if not self.is_headless:  # SIGTERM and SIGHUP end the app as q does
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGHUP):
                with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                    loop.add_signal_handler(sig, self.exit)
        if self.config.theme in self.available_themes:
            self.theme = self.config.theme
        else:
            themes = ", ".join(sorted(self.available_themes))
            self.problems.append(
                f"config: unknown theme '{self.config.theme}' (choose from "
                f"{themes}); using {self.theme}"
            )
        for problem in self.problems:
            self.notify(problem, title="Config", severity="warning", timeout=12)
        spotify = self.services.connect()
        if spotify is not None:
            self.push_screen(MainScreen(self.services, self.config, spotify))
        else:
            self.push_screen(self._wizard())

    def _wizard(self, reason: str = "") -> Screen:
        from spotui.screens.wizard import WizardScreen  # only without a sign-in

        return WizardScreen(self.services, port=self.config.callback_port, reason=reason)

    def on_wizard_screen_signed_in(self) -> None:
        """The wizard stored a sign-in: on to the main screen."""
        spotify = self.services.connect()
        if spotify is None:  # the store lost what the wizard just saved
            self.switch_screen(self._wizard("The sign-in could not be kept; try again."))
            return
        self.switch_screen(MainScreen(self.services, self.config, spotify))
        self.notify("Signed in. Your tokens are in the OS keyring.")

    @on(MainScreen.SignedOut)
    def signed_out(self, event: MainScreen.SignedOut) -> None:
        self.switch_screen(self._wizard(f"{event.reason}"))

    def _handle_exception(self, error: Exception) -> None:
        """A bug: keep a redacted report, then exit 1 with one plain line."""
        self._crash_line = crash_line(error, write_report(error))
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        """Instead of Textual's traceback, whose local variables can hold tokens."""
        self.bell()
        line = getattr(self, "_crash_line", "spotui stopped on an unexpected error.")
        self._exit_renderables.append(Text(line))
        self._close_messages_no_wait()


def run(*, demo: bool = False, config_path: Path | None = None) -> int:
    """Run the app until the user quits."""
    config, problems = load_config(config_path)
    if config.album_art == "auto":
        enable_graphics()
    services = Services.demo_mode() if demo else Services.real()
    app = SpotuiApp(services, config, problems)
    app.run()
    return app.return_code or 0
