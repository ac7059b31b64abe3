"""The first-run wizard: from a new Spotify app to the main screen, inside the TUI.

On a first run it is the app's first frame, so this module imports no HTTP stack:
the sign-in's modules are imported when the user continues, and the services (the
keyring among them) are attached once the frame is on screen."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Footer, Input, Label, Static

from spotui.browser import can_open_browser, open_browser
from spotui.spotify.errors import InvalidClient, InvalidGrant, SpotifyError
from spotui.spotify.ports import DEFAULT_PORT, PORT_RULE, PORTS, is_client_id, redirect_uri
from spotui.tui.screens.closing import WorkerScreen
from spotui.tui.widgets.plain import plain
from spotui.tui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from spotui.services import Services
    from spotui.spotify.auth import ClientCredentials
    from spotui.spotify.signin import SignIn

DASHBOARD = "https://developer.spotify.com/dashboard"
ALLOWLIST_RECHECK_S = 10


class WizardScreen(WorkerScreen[None]):
    """Three steps: set up the app on Spotify's dashboard, give its Client ID, approve."""

    CSS_PATH = "wizard.tcss"

    AUTO_FOCUS = "#client-id"

    BINDINGS = [
        Binding("ctrl+y", "copy", "Copy link", id="copy_link"),
        Binding("ctrl+o", "open", "Open browser", id="open_browser"),
        Binding("escape", "back", "Back", id="back"),
        Binding("ctrl+q", "app.quit", "Quit", id="quit"),
    ]

    class SignedIn(Message):
        """Tokens are stored: the app opens the main screen."""

    def __init__(self, services: Services | None, *, port: int = DEFAULT_PORT, reason: str = ""):
        """``services`` may come later (:meth:`attach`), when the wizard is the first frame."""
        super().__init__()
        self.services = services
        self.port = (services.remembered_port() if services else None) or port
        self.reason = reason
        self.flow: SignIn | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar("sign in")
        with VerticalScroll(id="wizard"):
            yield Static("Sign in to Spotify", id="wizard-title")
            if self.reason:
                yield Static(
                    plain(self.reason, one_line=False), id="wizard-reason", classes="problem"
                )
            problem = Static(self._problem(), id="keyring-problem", classes="problem")
            problem.display = bool(self._problem())
            yield problem
            with Vertical(id="step-app"):
                yield Static(self._instructions(), id="instructions")
                with Horizontal(classes="row"):
                    yield Label("Callback port", classes="field-label")
                    yield Input(str(self.port), id="port", type="integer", max_length=5)
                with Horizontal(classes="row"):
                    yield Label("Client ID", classes="field-label")
                    yield Input(
                        (self.services.remembered_client_id() if self.services else None) or "",
                        placeholder="32 hexadecimal characters from the dashboard",
                        id="client-id",
                        max_length=64,
                    )
                with Horizontal(classes="row"):
                    yield Label("Client secret", classes="field-label")
                    yield Input(
                        placeholder="optional: leave empty to sign in with PKCE",
                        id="client-secret",
                        password=True,
                        max_length=128,
                    )
                yield Button("Continue", id="continue", variant="primary")
            yield Vertical(id="step-link")  # filled when there is a link (the first frame
            # styles and lays out fewer widgets: a quarter of them are this step's)
            yield Static("", id="message")
        yield Footer()

    @staticmethod
    def _link_step() -> list[Widget]:
        return [
            Static("Open this address and approve spotui:", classes="step-title"),
            Static("", id="authorize-url"),
            Horizontal(
                Button("Copy link (ctrl+y)", id="copy"),
                Button("Open browser (ctrl+o)", id="open"),
                classes="row",
            ),
            Static("", id="callback-status"),
            Input(
                placeholder="…or paste the address the browser lands on (or the code), then Enter",
                id="paste",
            ),
        ]

    def _problem(self) -> str:
        return (self.services.problem if self.services else None) or ""

    def attach(self, services: Services) -> None:
        """The services, built after the first frame: the keyring's problem, if any, and
        the remembered Client ID and port."""
        self.services = services
        problem = self.query_one("#keyring-problem", Static)
        problem.update(self._problem())
        problem.display = bool(self._problem())
        client_id = self.query_one("#client-id", Input)
        if not client_id.value:
            client_id.value = services.remembered_client_id() or ""
        port = services.remembered_port()
        if port is not None and port != self.port:
            self.query_one("#port", Input).value = str(port)

    def _instructions(self) -> Content:
        return Content.from_markup(
            "[b]1.[/b] Open [$accent]$dashboard[/] and create an app (any name).\n"
            "[b]2.[/b] Add this Redirect URI exactly: [b $accent]$uri[/]\n"
            "    Spotify refuses “localhost”, so use the 127.0.0.1 address.\n"
            "[b]3.[/b] Tick “Web API”, save, and copy the app’s [b]Client ID[/b] below.\n"
            "[dim]New apps start in Development Mode: they serve you and up to five people "
            "you add by email — right for a personal client.[/dim]",
            dashboard=DASHBOARD,
            uri=redirect_uri(self.port),
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The link keys, and Back (to the Client ID), only show once there is a link."""
        if action in ("copy", "open", "back"):
            return self.flow is not None
        return True

    # --- messages shown to the user ---------------------------------------------------------

    def say(self, text: str, *, problem: bool = True) -> None:
        message = self.query_one("#message", Static)
        message.update(plain(text, one_line=False))
        message.set_class(problem, "problem")

    # --- step 2: the Client ID ------------------------------------------------------------

    @on(Input.Changed, "#port")
    def port_changed(self, event: Input.Changed) -> None:
        if event.value.isdigit() and int(event.value) in PORTS:
            self.port = int(event.value)
            self.query_one("#instructions", Static).update(self._instructions())

    @on(Input.Submitted, "#client-id")
    @on(Input.Submitted, "#client-secret")
    @on(Input.Submitted, "#port")
    @on(Button.Pressed, "#continue")
    def continue_(self) -> None:
        client_id = self.query_one("#client-id", Input).value.strip()
        secret = self.query_one("#client-secret", Input).value.strip() or None
        port_text = self.query_one("#port", Input).value.strip()
        if not (port_text.isdigit() and int(port_text) in PORTS):
            self.say(f"The callback port must be a number {PORT_RULE}.")
            self.query_one("#port", Input).focus()
            return
        if not is_client_id(client_id):
            self.say(
                "A Client ID is 32 characters of 0-9 and a-f. Copy it again from the app’s "
                "page on the dashboard (not the client secret)."
            )
            self.query_one("#client-id", Input).focus()
            return
        if self.services is None:  # a key pressed within the first frame
            self.say("spotui is still starting; press Enter again.")
            return
        problem = self.services.store_problem()  # before the browser, not after
        if problem:
            self.say(problem)
            return
        self.say("")
        from spotui.spotify.auth import ClientCredentials

        self.start(ClientCredentials(client_id, secret), int(port_text))

    # --- step 3: the authorize URL and the two paths to the code --------------------------

    @work(exclusive=True, group="sign-in")
    async def start(self, client: ClientCredentials, port: int) -> None:
        assert self.services is not None
        if self.flow is not None:
            await self.flow.close()
        flow = self.flow = self.services.start_sign_in(client, port)
        self.refresh_bindings()
        unavailable = await flow.listen()
        link = self.query_one("#step-link")
        if not link.children:
            await link.mount_all(self._link_step())
        self.query_one("#step-app").display = False
        link.display = True
        self.query_one("#authorize-url", Static).update(flow.url)
        status = self.query_one("#callback-status", Static)
        if unavailable:
            status.update(unavailable)
            status.add_class("problem")
        else:
            status.update(f"Waiting for the browser on 127.0.0.1:{port}…")
            status.remove_class("problem")
            self.await_callback(flow)
        self.query_one("#open", Button).display = can_open_browser()
        self.query_one("#paste", Input).focus()

    @work(exclusive=True, group="callback")
    async def await_callback(self, flow: SignIn) -> None:
        from spotui.spotify.auth import RedirectError

        assert flow.callback is not None
        try:
            code = await flow.callback.wait()
        except RedirectError as exc:
            self.say(f"{exc} A new link is below.")
            self.start(flow.client, flow.port)
            return
        if flow is self.flow:
            self.exchange(flow, code)

    @on(Input.Submitted, "#paste")
    def pasted(self, event: Input.Submitted) -> None:
        if self.flow is None:
            return
        from spotui.spotify.auth import AccessDenied, RedirectError

        try:
            code = self.flow.code_from_text(event.value)
        except AccessDenied as exc:
            self.say(f"{exc} A new link is below.")
            self.start(self.flow.client, self.flow.port)
            return
        except RedirectError as exc:
            self.say(str(exc))
            return
        self.exchange(self.flow, code)

    @work(exclusive=True, group="exchange")
    async def exchange(self, flow: SignIn, code: str) -> None:
        self.say("Signing in…", problem=False)
        assert self.services is not None
        try:
            tokens = await flow.exchange(code)
            self.services.remember_sign_in(flow.client, tokens, flow.port)
        except InvalidClient as exc:
            await flow.close()
            self.flow = None
            self.refresh_bindings()
            self.query_one("#step-link").display = False
            self.query_one("#step-app").display = True
            self.query_one("#client-id", Input).focus()
            self.say(exc.message)
            return
        except InvalidGrant as exc:
            self.say(
                f"{exc.message} A code works once and for about ten minutes; "
                "approve again with the new link below."
            )
            self.start(flow.client, flow.port)
            return
        except SpotifyError as exc:
            self.say(f"{exc.message} Paste the address again to retry.")
            return
        except Exception as exc:  # the keyring, most likely
            self.say(str(exc) or type(exc).__name__)
            return
        await flow.close()
        await self._wait_until_allowed()
        self.post_message(self.SignedIn())

    async def _wait_until_allowed(self) -> None:
        """An account the app's owner has not added gets Spotify's plain-text 403: show it,
        keep the sign-in, and check again until the owner adds the account."""
        from spotui.core.actions import allowed

        assert self.services is not None
        spotify = self.services.connect()
        if spotify is None:
            return
        try:
            while (refusal := await allowed(spotify)) is not None:
                self.say(
                    f"{refusal.message} Your sign-in is kept; spotui checks again every "
                    f"{ALLOWLIST_RECHECK_S} s."
                )
                await asyncio.sleep(ALLOWLIST_RECHECK_S)
        finally:
            await spotify.aclose()

    # --- keys --------------------------------------------------------------------------

    def action_copy(self) -> None:
        if self.flow is not None:
            self.app.copy_to_clipboard(self.flow.url)
            self.notify("Link copied (your terminal must allow OSC 52 clipboard access).")

    def action_open(self) -> None:
        if self.flow is not None and not open_browser(self.flow.url):
            self.notify("No browser can open here; copy the link instead.", severity="warning")

    @on(Button.Pressed, "#copy")
    def copy_pressed(self) -> None:
        self.action_copy()

    @on(Button.Pressed, "#open")
    def open_pressed(self) -> None:
        self.action_open()

    async def action_back(self) -> None:
        if self.flow is not None:
            await self.flow.close()
            self.flow = None
            self.refresh_bindings()
        self.query_one("#step-link").display = False
        self.query_one("#step-app").display = True
        self.query_one("#client-id", Input).focus()

    async def on_unmount(self) -> None:
        if self.flow is not None:
            await self.flow.close()
