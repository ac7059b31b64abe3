"""The Textual app: the wizard when there is no sign-in, else the main screen.

Started from the command line, it paints a first frame (the last-known playback)
before it imports the HTTP client, the keyring and the main screen, then builds
its services and sends the first poll. A quick answer is shown on that first frame
at once; then the main screen (or the wizard) opens.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import RenderableType
from rich.text import Text
from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.dom import DOMNode
from textual.driver import Driver
from textual.notifications import SeverityLevel
from textual.screen import Screen

from spotui import keymap, paths
from spotui.account import known_client_id
from spotui.config import Config, load_config, one_of, problem
from spotui.crash import crash_line, write_report
from spotui.spotify import tls
from spotui.text import printable
from spotui.tui.widgets.art import enable_graphics

if TYPE_CHECKING:
    from spotui.core.player import PlayerState
    from spotui.core.remote import Remote
    from spotui.services import Services
    from spotui.tui.controls import OpenPage, OpenSearch
    from spotui.tui.screens.main import MainScreen


# How long the start screen waits for Spotify's first answer before the main screen is
# built anyway (building it holds the screen for a few hundred milliseconds).
FIRST_ANSWER_WAIT_S = 0.25
EXIT_WAIT_S = 2.0  # the longest exit() waits for a screen's mount
HISTORY_AFTER_START_S = 3.0  # the first sync waits for the start-up to settle


class SpotuiApp(App):
    """spotui."""

    CSS_PATH = "spotui.tcss"
    TITLE = "spotui"
    ENABLE_COMMAND_PALETTE = True
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    def __init__(
        self,
        services: Services | Callable[[], Services],
        config: Config | None = None,
        problems: list[str] | None = None,
        *,
        first_frame: Path | None = None,
        demo: bool = False,
        first_run: bool = False,
    ):
        """``services``, or how to build them after a first frame: the snapshot at
        ``first_frame``, or the wizard on a ``first_run`` (no Client ID anywhere)."""
        # Textual reads a screen's CSS_PATH when the screen is pushed. The first screen
        # (get_default_screen) is not pushed, so the first-run wizard's styles come here.
        super().__init__(css_path=[self.CSS_PATH, "screens/wizard.tcss"] if first_run else None)
        self._build = services if callable(services) else None
        self._services = None if callable(services) else services
        self.first_frame = first_frame
        self.demo = demo
        self.first_run = first_run  # no Client ID anywhere: the wizard is the first frame
        self.config = config or Config()
        self.problems = problems or []
        self._clashes: set[tuple[str, str]] = set()  # told once each
        if self.config.keymap:
            self.set_keymap(self.config.keymap)
        self._ending = False  # exit() was called: open no more screens
        self._exit_asked: float | None = None  # when exit() first waited for a mount

    @property
    def services(self) -> Services:
        assert self._services is not None, "the services are built after the first frame"
        return self._services

    def get_driver_class(self) -> type[Driver]:
        """On Linux and macOS, a driver that ends the app when the terminal goes away."""
        driver = super().get_driver_class()
        from textual.drivers.linux_driver import LinuxDriver

        if driver is LinuxDriver:
            from spotui.tui.terminal import TerminalDriver

            return TerminalDriver
        return driver

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every notice is plain text: a name in it is shown as typed, never as markup,
        and no control character in it reaches the terminal (``markup`` is ignored)."""
        super().notify(
            printable(message, one_line=False),
            title=printable(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def action_help_quit(self) -> None:
        """Ctrl-C: say which key quits (Textual's own words carry markup, and every
        notice here is plain text)."""
        for key, active in self.active_bindings.items():
            if active.binding.action in ("quit", "app.quit"):
                self.notify(f"Press {keymap.shown(key)} to quit spotui.", title="Quit?")
                return

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every player action on the screen (spotui's help among them), plus Textual's
        commands but its keys panel (which spotui's help replaces) and maximize (no
        pane here gains by it)."""
        palette = getattr(screen, "palette_commands", None)
        if palette is not None:
            yield from palette()
        for command in super().get_system_commands(screen):
            if command.title not in ("Keys", "Maximize", "Minimize"):
                yield command

    def on_mount(self) -> None:
        if not self.is_headless:  # SIGTERM and SIGHUP end the app as q does
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGHUP):
                with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                    loop.add_signal_handler(sig, self.exit)
        if self.config.theme in self.available_themes:
            self.theme = self.config.theme
        else:  # said as config.py says a bad value: the theme is data, never markup
            themes = one_of(sorted(self.available_themes))
            self.problems.append(problem(self.config.source, "theme", themes, self.config.theme))
        if self.config.keymap:
            from spotui.tui.screens.keys import clashes

            for clash in clashes(self.config.keymap, dict(self.config.keys)):
                self.problems.append(clash.line(self.config.source))
                self._clashes |= clash.names()
        for line in self.problems:  # plain text: "[keys]" is no markup
            self.notify(line, title="Config", severity="warning", timeout=12, markup=False)
        if self._build is None:
            self._open(self._connect())
        else:
            self.call_after_refresh(self._start)

    def handle_bindings_clash(self, clashed_bindings: set[Binding], node: DOMNode) -> None:
        """A key the keymap took that the check at the start did not foresee: told
        once (Textual calls this at every key press)."""
        from spotui.tui.screens.keys import name

        for binding in clashed_bindings:
            told = (name(binding), binding.key)
            if told not in self._clashes:
                self._clashes.add(told)
                self.notify(
                    f"{self.config.source}: [keys] took {keymap.shown(binding.key)} from {told[0]}",
                    title="Config",
                    severity="warning",
                    timeout=12,
                    markup=False,
                )

    def get_default_screen(self) -> Screen:
        """Started from the command line, the start screen (or, on a first run, the
        wizard) is the first screen, so the first frame is its own, not a blank default
        screen's followed by it."""
        if self._build is None:
            return super().get_default_screen()
        if self.first_run:
            from spotui.tui.screens.wizard import WizardScreen

            return WizardScreen(None, port=self.config.callback_port)
        from spotui.tui.screens.start import StartScreen

        subtitle = "demo · fake Spotify, no account" if self.demo else ""
        return StartScreen(self.first_frame, subtitle, art=self.config.album_art != "off")

    def _start(self) -> None:
        """After the first frame: build the services and send the first poll (the frame
        is on screen; a thread would only slow the imports down), then open the main
        screen or the wizard."""
        build = self._build
        assert build is not None
        if not self.demo:
            tls.prepare()  # the CA bundle is read beside the imports below
        self._services = build()
        if self.services.notice:
            self.notify(self.services.notice, title="Demo", severity="warning", timeout=12)
        remote = self._connect(start=True)
        if self.first_run:
            from spotui.tui.screens.wizard import WizardScreen

            wizard = self.screen_stack[0]
            if remote is None and isinstance(wizard, WizardScreen):
                wizard.attach(self.services)
                return
        if remote is None or remote.first is None:
            self._open(remote)
            return
        self._confirm(remote, remote.first)

    def _connect(self, start: bool = False) -> Remote | None:
        """The core for the stored sign-in (None without one); ``start``: its first
        poll is sent now, before any screen listens."""
        return self.services.connect_remote(
            interval=self.config.poll_interval,
            start=start,
            history_after=HISTORY_AFTER_START_S,
            desktop=self.config,
            focused=lambda: self.app_focus,
        )

    @work(group="start")
    async def _confirm(self, remote: Remote, first: asyncio.Future[PlayerState]) -> None:
        """Wait a moment for the first poll: an answer in time is shown on the start
        screen at once, and the main screen (a few hundred milliseconds to build) comes
        after. A slower answer lands on the main screen, which the wait held back by no
        more than FIRST_ANSWER_WAIT_S."""
        from spotui.core.controller import answered
        from spotui.tui.screens.start import StartScreen

        try:
            await asyncio.wait({first}, timeout=FIRST_ANSWER_WAIT_S)
        except asyncio.CancelledError:  # the app ended first
            first.cancel()
            await remote.aclose()
            raise
        known = answered(first)
        if known is not None and isinstance(self.screen, StartScreen):
            self.screen.confirm(known)
            self.call_after_refresh(self._open, remote)
        else:
            self._open(remote)

    def _open(self, remote: Remote | None) -> None:
        """The main screen for a sign-in, else the wizard."""
        if remote is None:
            self._show(self._wizard())
            return
        from spotui.core import snapshot
        from spotui.tui.screens.main import MainScreen
        from spotui.tui.screens.start import StartScreen

        start = self.screen if self.screen_stack else None
        if isinstance(start, StartScreen):  # on show: it read the snapshot for the first frame
            last = start.last
        else:
            last = snapshot.load(self.services.snapshot_path)
        self._show(MainScreen(self.services, self.config, remote, last=last))

    def _show(self, screen: Screen) -> None:
        """``screen`` in place of the current one. The first screen stays beneath (Textual
        switches only a screen that was pushed); it is never shown again. Once the app
        is ending (q, SIGTERM) nothing opens."""
        if self._ending:
            return
        if len(self.screen_stack) <= 1:
            self.push_screen(screen)
        else:
            self.switch_screen(screen)

    def _wizard(self, reason: str = "") -> Screen:
        from spotui.tui.screens.wizard import WizardScreen  # only without a sign-in

        return WizardScreen(self.services, port=self.config.callback_port, reason=reason)

    def on_wizard_screen_signed_in(self) -> None:
        """The wizard stored a sign-in: on to the main screen."""
        remote = self._connect()
        if remote is None:  # the store lost what the wizard just saved
            self._show(self._wizard("The sign-in could not be kept; try again."))
            return
        self._open(remote)
        self.notify("Signed in. Your tokens are in the OS keyring.")

    def on_main_screen_signed_out(self, event: MainScreen.SignedOut) -> None:
        self._show(self._wizard(f"{event.reason}"))

    def on_open_page(self, event: OpenPage) -> None:
        """A key opened an album, an artist or a playlist (on the main screen or a page)."""
        from spotui.spotify.models import Album, Artist
        from spotui.tui.screens.pages import AlbumScreen, ArtistScreen, PlaylistScreen

        page = event.page
        if isinstance(page, Album):
            self.push_screen(AlbumScreen(event.controls, page))
        elif isinstance(page, Artist):
            self.push_screen(ArtistScreen(event.controls, page))
        else:
            self.push_screen(PlaylistScreen(event.controls, page))

    def on_open_search(self, event: OpenSearch) -> None:
        from spotui.tui.screens.search import SearchScreen

        self.push_screen(SearchScreen(event.controls))

    def exit(
        self, result: object = None, return_code: int = 0, message: RenderableType | None = None
    ) -> None:
        """As Textual's, once every screen has mounted: Textual cannot take down a screen
        halfway through its mount (a SIGTERM or ctrl+q as the main screen opens), and
        a screen's mount is short. After EXIT_WAIT_S it ends regardless."""
        self._ending = True
        mounting = any(not screen.is_mounted for screen in self.screen_stack)
        if mounting and self._exit_asked is None:
            self._exit_asked = time.monotonic()
        waited = time.monotonic() - (self._exit_asked or 0.0)
        if mounting and waited < EXIT_WAIT_S:
            self.set_timer(0.02, lambda: self.exit(result, return_code, message))
            return
        super().exit(result, return_code, message)

    def _handle_exception(self, error: Exception) -> None:
        """A bug: keep a redacted report, then exit 1 with one plain line."""
        self._crash_line = crash_line(error, write_report(error))
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        """Instead of Textual's traceback, whose local variables can hold tokens."""
        self.bell()
        line = getattr(self, "_crash_line", "spotui stopped on an unexpected error.")
        self._exit_renderables.append(Text(printable(line, one_line=False)))
        self._close_messages_no_wait()


def run(*, demo: bool = False, config_path: Path | None = None) -> int:
    """Run the app until the user quits."""
    config, problems = load_config(config_path)
    if config.album_art == "auto":
        enable_graphics()

    def services() -> Services:
        from spotui.services import Services

        return Services.demo_kept() if demo else Services.real()

    first_frame = paths.snapshot_file(demo=demo)
    first_run = not demo and not known_client_id()
    app = SpotuiApp(
        services, config, problems, first_frame=first_frame, demo=demo, first_run=first_run
    )
    app.run()
    return app.return_code or 0
