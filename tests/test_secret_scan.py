"""After a sign-in and a stretch of use, no secret is anywhere but the keyring."""

from __future__ import annotations

import gc
from pathlib import Path

from textual.widgets import Input

from spotui.config import Config
from spotui.credentials import SERVICE
from spotui.fake import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, FakeSpotify
from spotui.tui.app import SpotuiApp
from spotui.tui.screens.main import MainScreen

from .helpers import free_port
from .test_wizard import approve, fill_in, real_services, until, wizard


def _files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


async def test_no_secret_outside_the_keyring_after_sign_in_and_use(tmp_path, isolated, capsys):
    fake = FakeSpotify(library_size=120, token_lifetime_s=2)  # refresh again and again
    app = SpotuiApp(real_services(fake), Config(poll_interval=2))
    screens: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await fill_in(pilot, DEMO_CLIENT_ID, port=free_port(), secret=DEMO_CLIENT_SECRET)
        await until(pilot, lambda: wizard(app).flow is not None)
        screens.append(app.export_screenshot())
        app.screen.query_one("#paste", Input).value = await approve(fake, wizard(app).flow.url)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        for keys in (
            ["space"],
            ["space"],
            ["n"],
            ["l"],
            ["2"],
            ["t"],
            ["3"],
            ["4"],
            ["5"],
            ["1"],
            ["s"],
            ["r"],
            ["plus"],
            ["right"],
        ):
            await pilot.press(*keys)
            await pilot.pause(0.4)
            screens.append(app.export_screenshot())
        await until(pilot, lambda: len(fake.oauth.access_tokens) >= 5, timeout=45)
        screens.append(app.export_screenshot())

    secrets = {
        DEMO_CLIENT_SECRET,
        *fake.oauth.access_tokens,
        *fake.oauth.refresh_tokens,
        *fake.oauth.codes,
    }

    # Every live object of spotui's own (the fake is the server: it may know tokens).
    def spotui_object(obj: object) -> bool:
        module = getattr(type(obj), "__module__", None)
        return (
            isinstance(module, str)
            and module.startswith("spotui.")
            and not (module.startswith("spotui.fake"))
        )

    live = [obj for obj in gc.get_objects() if spotui_object(obj)]
    assert len(live) > 20
    reprs = "\n".join(repr(obj) for obj in live)
    assert len(secrets) >= 8
    kept = set(isolated.secrets.values())
    assert any(isolated.secrets[(SERVICE, "refresh_token")] == t for t in fake.oauth.refresh_tokens)

    files = [
        path
        for folder in ("config", "cache", "data", "state")
        for path in _files(tmp_path / folder)
    ]
    assert any(path.name == "account.json" for path in files)  # spotui did write files
    assert any("lists" in path.parts for path in files)  # and its cache
    printed = capsys.readouterr()
    places = {str(path): path.read_bytes().decode(errors="replace") for path in files}
    places.update({f"screen {n}": text for n, text in enumerate(screens)})
    places["stdout"], places["stderr"] = printed.out, printed.err
    places["repr() of live objects"] = reprs
    found = [
        (place, secret[:6])
        for place, text in places.items()
        for secret in secrets
        if secret in text
    ]
    assert found == []
    assert kept  # the secrets are in the keyring, and only there
