"""The first-run wizard, driven with Pilot against the fake Spotify."""

from __future__ import annotations

import socket
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from textual.widgets import Input, Static

from spotui.account import Account, known_client_id, load_account, save_account
from spotui.credentials import SERVICE
from spotui.fake import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, FakeSpotify
from spotui.services import Services
from spotui.tui.app import SpotuiApp
from spotui.tui.screens.main import MainScreen
from spotui.tui.screens.wizard import WizardScreen

from .helpers import free_port, until


class Offline(httpx.AsyncBaseTransport):
    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("no network", request=request)


@pytest.fixture
def fake() -> FakeSpotify:
    return FakeSpotify(library_size=20)


def real_services(fake: FakeSpotify) -> Services:
    """The real credential path (keyring, state file), with HTTP going to the fake."""
    services = Services.real()
    services.transport = fake.transport()
    return services


def message(app: SpotuiApp) -> str:
    return str(app.screen.query_one("#message", Static).content)


async def approve(fake: FakeSpotify, url: str) -> str:
    """What the browser does: Spotify approves and redirects. Returns the redirect URL."""
    async with httpx.AsyncClient(transport=fake.transport()) as http:
        answer = await http.get(url)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


async def fill_in(
    pilot, client_id: str, *, port: int, secret: str = "", typed: bool = False
) -> None:
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, WizardScreen))
    app.screen.query_one("#port", Input).value = str(port)
    await pilot.click("#client-id")
    if typed:  # key by key, as a person would (slow in Pilot, so once)
        await pilot.press(*client_id)
    else:
        app.screen.query_one("#client-id", Input).value = client_id
    if secret:
        app.screen.query_one("#client-secret", Input).value = secret
    await pilot.press("enter")


async def sign_in_by_paste(pilot, fake: FakeSpotify) -> None:
    """A Client ID, Spotify's approval, and the redirect pasted back."""
    app = pilot.app
    await fill_in(pilot, DEMO_CLIENT_ID, port=free_port())
    await until(pilot, lambda: wizard(app).flow is not None)
    app.screen.query_one("#paste", Input).value = await approve(fake, wizard(app).flow.url)
    await pilot.press("enter")


def wizard(app: SpotuiApp) -> WizardScreen:
    assert isinstance(app.screen, WizardScreen)
    return app.screen


async def test_no_credentials_opens_the_wizard_with_the_redirect_uri(fake):
    app = SpotuiApp(real_services(fake))
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, WizardScreen))
        text = str(app.screen.query_one("#instructions", Static).content)
        assert "http://127.0.0.1:8888/callback" in text
        assert "localhost" in text  # the warning about it, not as the address
        assert "developer.spotify.com/dashboard" in text
        assert "five people" in text  # Development Mode, in one line


async def test_callback_path_signs_in_and_opens_the_main_screen(fake, isolated):
    app = SpotuiApp(real_services(fake))
    port = free_port()
    async with app.run_test(size=(120, 40)) as pilot:
        await fill_in(pilot, DEMO_CLIENT_ID, port=port, typed=True)
        await until(pilot, lambda: wizard(app).flow is not None and wizard(app).flow.callback)
        url = wizard(app).flow.url
        query = parse_qs(urlsplit(url).query)
        assert query["redirect_uri"] == [f"http://127.0.0.1:{port}/callback"]
        assert query["code_challenge_method"] == ["S256"]
        shown = str(app.screen.query_one("#authorize-url", Static).content)
        assert shown == url  # in full
        location = await approve(fake, url)
        async with httpx.AsyncClient() as browser:  # the browser follows to the callback
            page = await browser.get(location)
        assert page.status_code == 200 and "signed in" in page.text
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        await until(pilot, lambda: app.screen.state.playback is not None)
    stored = isolated.secrets[(SERVICE, "refresh_token")]
    assert stored in fake.oauth.refresh_tokens
    assert load_account().client_id == DEMO_CLIENT_ID and load_account().callback_port == port


async def test_paste_path_with_a_client_secret(fake, isolated):
    app = SpotuiApp(real_services(fake))
    async with app.run_test(size=(120, 40)) as pilot:
        await fill_in(pilot, DEMO_CLIENT_ID, port=free_port(), secret=DEMO_CLIENT_SECRET)
        await until(pilot, lambda: wizard(app).flow is not None)
        assert "code_challenge" not in wizard(app).flow.url  # the classic flow
        location = await approve(fake, wizard(app).flow.url)
        app.screen.query_one("#paste", Input).value = location
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
    assert isolated.secrets[(SERVICE, "client_secret")] == DEMO_CLIENT_SECRET


async def test_bare_code_can_be_pasted(fake):
    app = SpotuiApp(real_services(fake))
    async with app.run_test(size=(120, 40)) as pilot:
        await fill_in(pilot, DEMO_CLIENT_ID, port=free_port())
        await until(pilot, lambda: wizard(app).flow is not None)
        location = await approve(fake, wizard(app).flow.url)
        code = parse_qs(urlsplit(location).query)["code"][0]
        app.screen.query_one("#paste", Input).value = code
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))


async def test_a_bad_client_id_gets_a_message_and_can_be_fixed(fake):
    app = SpotuiApp(real_services(fake))
    async with app.run_test(size=(120, 40)) as pilot:
        await fill_in(pilot, "not-a-client-id", port=free_port())
        assert "32 characters" in message(app)
        assert wizard(app).flow is None
        app.screen.query_one("#client-id", Input).value = DEMO_CLIENT_ID
        await pilot.press("enter")
        await until(pilot, lambda: wizard(app).flow is not None)


async def test_state_mismatch_and_nonsense_are_refused_and_the_user_goes_on(fake):
    app = SpotuiApp(real_services(fake))
    async with app.run_test(size=(120, 40)) as pilot:
        await fill_in(pilot, DEMO_CLIENT_ID, port=free_port())
        await until(pilot, lambda: wizard(app).flow is not None)
        location = await approve(fake, wizard(app).flow.url)
        paste = app.screen.query_one("#paste", Input)
        for text, words in [
            (location.replace("state=", "state=x"), "state does not match"),
            ("what is this", "does not look like"),
            ("http://127.0.0.1:8888/callback?state=abc", ""),
        ]:
            paste.value = text
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, WizardScreen)
            assert words in message(app) and message(app)
        paste.value = location
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))


async def test_access_denied_gives_a_message_and_a_new_link(fake):
    app = SpotuiApp(real_services(fake))
    async with app.run_test(size=(120, 40)) as pilot:
        await fill_in(pilot, DEMO_CLIENT_ID, port=free_port())
        await until(pilot, lambda: wizard(app).flow is not None)
        fake.set(deny_authorize=True)
        first = wizard(app).flow
        location = await approve(fake, first.url)
        async with httpx.AsyncClient() as browser:
            page = await browser.get(location)
        assert page.status_code == 400 and "denied" in page.text
        await until(pilot, lambda: wizard(app).flow is not first and wizard(app).flow)
        assert "denied" in message(app)
        fake.set(deny_authorize=False)
        app.screen.query_one("#paste", Input).value = await approve(fake, wizard(app).flow.url)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))


async def test_a_reused_code_is_invalid_grant_with_a_plain_message(fake):
    app = SpotuiApp(real_services(fake))
    async with app.run_test(size=(120, 40)) as pilot:
        await fill_in(pilot, DEMO_CLIENT_ID, port=free_port())
        await until(pilot, lambda: wizard(app).flow is not None)
        flow = wizard(app).flow
        location = await approve(fake, flow.url)
        await flow.exchange(flow.code_from_text(location))  # the code is used up
        app.screen.query_one("#paste", Input).value = location
        await pilot.press("enter")
        await until(pilot, lambda: "works once" in message(app))
        assert "Invalid authorization code" in message(app)
        assert wizard(app).flow is not flow  # a new link to approve
        assert isinstance(app.screen, WizardScreen)


async def test_wrong_client_goes_back_to_the_client_id_step(fake):
    app = SpotuiApp(real_services(fake))
    async with app.run_test(size=(120, 40)) as pilot:
        await fill_in(pilot, DEMO_CLIENT_ID, port=free_port(), secret="wrong-secret")
        await until(pilot, lambda: wizard(app).flow is not None)
        app.screen.query_one("#paste", Input).value = await approve(fake, wizard(app).flow.url)
        await pilot.press("enter")
        await until(pilot, lambda: "Invalid client secret" in message(app))
        assert app.screen.query_one("#step-app").display
        assert app.screen.query_one("#client-id", Input).value == DEMO_CLIENT_ID  # kept


async def test_port_in_use_falls_back_to_paste_and_says_so(fake):
    app = SpotuiApp(real_services(fake))
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        async with app.run_test(size=(120, 40)) as pilot:
            await fill_in(pilot, DEMO_CLIENT_ID, port=port)
            await until(pilot, lambda: wizard(app).flow is not None)
            status = str(app.screen.query_one("#callback-status", Static).content)
            assert f"Port {port} is already in use" in status and "Paste" in status
            app.screen.query_one("#paste", Input).value = await approve(fake, wizard(app).flow.url)
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, MainScreen))


async def test_no_network_gets_a_message_and_a_retry_works(fake):
    services = real_services(fake)
    services.transport = Offline()
    app = SpotuiApp(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await fill_in(pilot, DEMO_CLIENT_ID, port=free_port())
        await until(pilot, lambda: wizard(app).flow is not None)
        location = await approve(fake, wizard(app).flow.url)
        app.screen.query_one("#paste", Input).value = location
        await pilot.press("enter")
        await until(pilot, lambda: "online" in message(app))
        wizard(app).flow.transport = services.transport = fake.transport()  # network is back
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))


async def test_a_revoked_sign_in_returns_to_the_wizard_keeping_the_client_id(fake, isolated):
    app = SpotuiApp(real_services(fake))
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in_by_paste(pilot, fake)
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        fake.set(refresh_revoked=True)
        fake.oauth.access_tokens.clear()  # the access token dies too: the next poll must refresh
        app.screen.action_refresh()
        await until(pilot, lambda: isinstance(app.screen, WizardScreen))
        reason = str(app.screen.query_one("#wizard-reason", Static).content)
        assert "Spotify ended this sign-in" in reason
        assert app.screen.query_one("#client-id", Input).value == DEMO_CLIENT_ID
        assert app.screen.query_one("#client-secret", Input).value == ""  # never prefilled
    assert (SERVICE, "refresh_token") in isolated.secrets  # nothing stored was lost


async def test_an_account_not_on_the_allowlist_sees_spotifys_words_then_goes_on(fake, monkeypatch):
    import spotui.tui.screens.wizard as wizard_module

    monkeypatch.setattr(wizard_module, "ALLOWLIST_RECHECK_S", 0.2)
    fake.set(allowlisted=False)
    app = SpotuiApp(real_services(fake))
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in_by_paste(pilot, fake)
        await until(pilot, lambda: "User not registered" in message(app))
        assert "add your account under User Management" in message(app)
        assert isinstance(app.screen, WizardScreen)  # the sign-in is kept meanwhile
        fake.set(allowlisted=True)  # the owner adds the account on the dashboard
        await until(pilot, lambda: isinstance(app.screen, MainScreen))


async def test_a_first_run_paints_the_wizard_before_the_services_then_signs_in(fake, isolated):
    """From the command line with no Client ID anywhere, the wizard is the first frame
    (nothing of the sign-in is built yet); the services arrive after it, with the
    keyring's problem, and the sign-in then works as usual."""
    built: list[Services] = []

    def services() -> Services:
        built.append(real_services(fake))
        built[-1].problem = "The keyring is locked: unlock it."
        return built[-1]

    app = SpotuiApp(services, first_run=True)
    async with app.run_test(size=(120, 40)) as pilot:
        first = app.screen_stack[0]
        assert isinstance(first, WizardScreen)
        assert "Sign in to Spotify" in str(first.query_one("#wizard-title", Static).content)
        assert not first.query_one("#step-link").display  # styled: the link step waits
        await until(pilot, lambda: len(built) == 1)
        await pilot.pause()
        assert app.screen is first  # still the wizard: there is no sign-in to open
        problem = first.query_one("#keyring-problem", Static)
        assert problem.display and "locked" in str(problem.content)
        await sign_in_by_paste(pilot, fake)
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        await until(pilot, lambda: app.screen.state.playback is not None)
    assert load_account().client_id == DEMO_CLIENT_ID


def test_a_first_run_is_no_client_id_in_the_environment_or_the_state_file(isolated):
    assert known_client_id({}) is None
    assert known_client_id({"SPOTIFY_CLIENT_ID": DEMO_CLIENT_ID}) == DEMO_CLIENT_ID
    save_account(Account(DEMO_CLIENT_ID))
    assert known_client_id({}) == DEMO_CLIENT_ID
