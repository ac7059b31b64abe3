"""Each defect an adversarial run found (issue 16), reproduced as it was reported."""

from __future__ import annotations

import asyncio
import json
import os
import pty
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from spotui.credentials import LOCKED, NO_KEYRING, CredentialStore, keyring_problem
from spotui.fake import DEMO_CLIENT_ID
from spotui.spotify.auth import StateMismatch, parse_redirect
from spotui.spotify.errors import ProtocolError, RateLimited
from spotui.spotify.signin import CallbackServer

from .conftest import make_client
from .helpers import (
    EXIT_ERROR,
    EXIT_OK,
    EXIT_USAGE,
    ROOT,
    demo,
    free_port,
    ok,
    open_tab,
    spotui,
    start_spotui,
    started,
    until,
)
from .test_app import fake_of

TOKEN = "BQ" + "k3y" * 20  # a token-shaped secret the tests plant and then look for
CODE = "AQ" + "c0de" * 20
AUTH = ("auth", "--client-id", DEMO_CLIENT_ID, "--no-browser")


def run_in_pty(args: list[str], env: dict[str, str], until: bytes, then=None, timeout=30.0):
    """Run spotui in a pseudo-terminal; after ``until`` shows, call ``then(pid)``.
    Returns (everything the terminal got, exit code)."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: spotui, on the terminal
        os.chdir(ROOT)
        os.execvpe(sys.executable, [sys.executable, "-m", "spotui", *args], env)
    seen = b""
    acted = False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        chunk = b""
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # the terminal closed: spotui has ended
                chunk = b""
            seen += chunk
        if not acted and until in seen and then is not None:
            acted = True
            then(pid)
        if ready and not chunk:
            _, status = os.waitpid(pid, 0)
            return seen, os.waitstatus_to_exitcode(status)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    raise AssertionError(f"spotui did not end in time; the screen had: {seen[-500:]!r}")


def terminal_env(tmp_path: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SPOTIFY_", "XDG_"))}
    return {
        **clean,
        "TERM": "xterm-256color",
        "PYTHONPATH": str(ROOT),
        **{f"XDG_{d}_HOME": str(tmp_path / d.lower()) for d in ("CONFIG", "CACHE", "STATE")},
    }


# --- 1. a crash shows no secret and exits non-zero -------------------------------------

CRASHER = """
import sys
from spotui.tui.app import run
from spotui.tui.screens.main import MainScreen

SECRET = sys.argv[1]

def crash(self):
    token = SECRET  # a local variable holding a token, as in the request code
    raise RuntimeError("something spotui did not expect")

MainScreen.on_mount = crash
sys.argv = sys.argv[:1]
sys.exit(run(demo=True))
"""


def test_a_crash_shows_no_token_and_exits_1_with_a_report(tmp_path):
    env = terminal_env(tmp_path)
    script = tmp_path / "crash.py"
    script.write_text(CRASHER)
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(ROOT)
        os.execvpe(sys.executable, [sys.executable, str(script), TOKEN], env)
    seen = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    _, status = os.waitpid(pid, 0)
    text = seen.decode("utf-8", "replace").replace("\r\n", "")
    assert os.waitstatus_to_exitcode(status) == 1
    assert TOKEN not in text and "k3yk3y" not in text
    assert "unexpected error (RuntimeError)" in text
    reports = list((tmp_path / "state").rglob("crash-*.txt"))
    assert len(reports) == 1 and reports[0].stat().st_mode & 0o777 == 0o600
    report = reports[0].read_text()
    assert "something spotui did not expect" in report and TOKEN not in report


async def test_a_keyring_that_fails_its_own_way_during_a_refresh_is_no_crash(
    fake, clock, monkeypatch, tmp_path
):
    import keyring

    from .keyrings import BrokenKeyring

    monkeypatch.setenv("SPOTUI_TEST_KEYRING", str(tmp_path / "k.json"))
    keyring.set_keyring(BrokenKeyring())
    store = CredentialStore(env={})
    tokens = fake.sign_in()
    (tmp_path / "k.json").write_text(json.dumps({"spotui/refresh_token": tokens["refresh_token"]}))
    fake.set(token_lifetime_s=1)
    async with make_client(fake, clock, store) as client:  # type: ignore[arg-type]
        assert await client.playback() is not None  # refreshed; the write failed
    assert "keyring failed (IsADirectoryError)" in (store.warning or "")


def test_a_non_ascii_access_token_in_the_environment_is_named(env):
    bad = {**env, "SPOTIFY_CLIENT_ID": DEMO_CLIENT_ID, "SPOTIFY_ACCESS_TOKEN": TOKEN + "é"}
    result = spotui(bad, "now")
    assert result.returncode == EXIT_ERROR and "Traceback" not in result.stderr
    assert "access token in SPOTIFY_ACCESS_TOKEN is not valid" in result.stderr
    assert TOKEN not in result.stderr


@pytest.mark.parametrize("header", ["0", "-5", "nan", "0.01", "inf", "soon", "99999995"])
async def test_every_429_wait_is_a_second_or_more_and_grows(fake, clock, header):
    fake.set(rate_limit=10**6)
    fake.knobs.retry_after = float("nan")  # the header is written below, as sent

    original = fake.fault

    def fault():
        answer = original()
        if answer is not None:
            answer.headers["Retry-After"] = header
        return answer

    fake.fault = fault  # type: ignore[method-assign]
    async with make_client(fake, clock, max_wait=10**6) as client:
        with pytest.raises(RateLimited) as caught:
            await client.playback()
    waits = clock.sleeps
    assert len(waits) == 3 and all(w >= 1 for w in waits)
    assert waits == sorted(waits) and caught.value.retry_after >= waits[-1]
    assert caught.value.retry_after <= 3 * 3600  # a huge one is capped
    assert "retrying in" in caught.value.message and "99999" not in caught.value.message


def test_now_watch_against_an_always_429_server_does_not_loop(env, served):
    fake = served[0]
    fake.set(rate_limit=10**6, retry_after=0)
    process = start_spotui("now", "--watch", env=env)
    time.sleep(6)
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=10)
    assert fake.requests["/v1/me/player"] <= 6  # was about 2,400 in 6 s


async def test_the_app_against_an_always_429_server_does_not_loop():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await started(pilot)
        fake = fake_of(app)
        fake.set(rate_limit=10**6, retry_after=0)
        before = fake.requests["/v1/me/player"]
        screen.poll_soon(0)
        await pilot.pause(8)  # waits of 1, 2 and 4 s, then the screen says so
        assert fake.requests["/v1/me/player"] - before <= 6  # was about 3,700 in 8 s
        assert "rate limiting" in screen.now_playing.status


# --- 3, 4. keyrings: locked, plaintext, none; the environment writes nothing -----------


def test_a_locked_keyring_says_so_everywhere(env):
    locked = {**env, "PYTHON_KEYRING_BACKEND": "tests.keyrings.LockedKeyring"}
    now = spotui(locked, "now")
    assert now.returncode == EXIT_ERROR and LOCKED in now.stderr
    auth = spotui(locked, "auth", "--client-id", DEMO_CLIENT_ID, "--no-browser")
    assert auth.returncode == EXIT_ERROR and LOCKED in auth.stderr
    assert auth.stdout == ""  # refused before any authorize URL: no code is wasted


async def test_the_wizard_checks_the_keyring_before_the_browser(isolated):
    from textual.widgets import Input, Static

    from spotui.services import Services
    from spotui.tui.app import SpotuiApp
    from spotui.tui.screens.wizard import WizardScreen

    isolated.locked = True
    app = SpotuiApp(Services.real())
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, WizardScreen))
        app.screen.query_one("#client-id", Input).value = DEMO_CLIENT_ID
        await pilot.click("#continue")
        await until(pilot, lambda: LOCKED in str(app.screen.query_one("#message", Static).content))
        assert app.screen.flow is None  # no authorize link was made


def test_plaintext_and_null_keyrings_are_not_used_unless_chosen(monkeypatch):
    import keyring
    import keyring.backends.null

    from .keyrings import PlaintextKeyring

    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    keyring.set_keyring(PlaintextKeyring())
    assert keyring_problem() == NO_KEYRING
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "tests.keyrings.PlaintextKeyring")
    assert keyring_problem() is None  # chosen on purpose: allowed, and said plainly
    assert "plain file" in CredentialStore(env={}).source()
    keyring.set_keyring(keyring.backends.null.Keyring())
    assert keyring_problem() == NO_KEYRING  # keeps nothing, chosen or not


def test_a_sign_in_from_the_environment_never_writes_to_a_keyring(isolated, fake, clock):
    store = CredentialStore(env={"SPOTIFY_REFRESH_TOKEN": "AQ" + "r" * 40})
    tokens = fake.sign_in()
    from spotui.spotify.auth import TokenSet

    store.save_tokens(TokenSet.from_response(tokens, now=clock()))
    assert isolated.secrets == {}


def test_a_keyring_backend_that_does_not_load_is_one_line(env):
    result = spotui({**env, "PYTHON_KEYRING_BACKEND": "no.such.Backend"}, "now")
    assert result.returncode in (EXIT_ERROR, 4) and "Traceback" not in result.stderr
    assert "PYTHON_KEYRING_BACKEND" in result.stderr and "unexpected" not in result.stderr


# --- 5, 6. the terminal ----------------------------------------------------------------


@pytest.mark.parametrize("stdin", ["devnull", "closed"])
def test_the_app_without_a_terminal_says_so_at_once(tmp_path, stdin):
    command = [sys.executable, "-m", "spotui", "--demo"]
    if stdin == "closed":
        command = ["sh", "-c", f"exec {sys.executable} -m spotui --demo <&-"]
    started_at = time.monotonic()
    result = subprocess.run(
        command,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=terminal_env(tmp_path),
        cwd=ROOT,
        timeout=20,
    )
    assert result.returncode == EXIT_USAGE and time.monotonic() - started_at < 10
    assert result.stderr == "spotui needs a terminal; for scripts use `spotui now`.\n"


def test_term_dumb_is_refused_before_textual_starts(tmp_path):
    env = {**terminal_env(tmp_path), "TERM": "dumb"}
    seen, code = run_in_pty(["--demo"], env, until=b"\n")
    assert code == EXIT_USAGE and b"TERM=dumb" in seen


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_restore_the_terminal(tmp_path, sig):
    seen, code = run_in_pty(
        ["--demo"],
        terminal_env(tmp_path),
        until=b"Cherish",
        then=lambda pid: os.kill(pid, sig),
    )
    assert code == EXIT_OK
    tail = seen[seen.rindex(b"Cherish") :]
    assert b"\x1b[?1049l" in tail  # back from the alternate screen
    assert b"\x1b[?1000l" in tail  # mouse reporting off


# --- 7. a forged redirect changes nothing -----------------------------------------------


def test_a_redirect_without_this_attempts_state_cannot_cancel_the_sign_in():
    for forged in ("/callback?error=access_denied&state=anything", "/callback?error=x"):
        with pytest.raises(StateMismatch):
            parse_redirect(forged, "the-real-state")

    async def scenario() -> str:
        server = CallbackServer(free_port(), "the-real-state")
        await server.start()
        base = f"http://127.0.0.1:{server.port}/callback"
        async with httpx.AsyncClient() as browser:
            forged = await browser.get(f"{base}?error=access_denied&state=anything")
            assert forged.status_code == 400
            real = await browser.get(f"{base}?code={CODE}&state=the-real-state")
            assert real.status_code == 200
        return await server.wait(timeout=5)

    assert asyncio.run(scenario()) == CODE


# --- 8–13. the command line --------------------------------------------------------------


def test_log_takes_no_next_word_and_a_bad_path_is_one_line(env, tmp_path):
    out = ok(spotui(env, "--log", "now"))
    assert out.startswith("▶") and not (ROOT / "now").exists()
    assert list((tmp_path / "state").rglob("spotui.log"))
    result = spotui(env, "--log=/proc/no/such/dir/log", "now")
    assert result.returncode == EXIT_USAGE and result.stderr.startswith("spotui: cannot write")
    assert "Traceback" not in result.stderr


def test_library_output_is_checked_first_and_never_replaces_special_files(env, served, tmp_path):
    fake = served[0]
    missing = tmp_path / "no" / "such" / "lib.csv"
    result = spotui(env, "library", "--csv", "-o", str(missing))
    assert result.returncode == EXIT_USAGE and "does not exist" in result.stderr
    assert not missing.parent.exists() and fake.requests["/v1/me/tracks"] == 0
    assert ok(spotui(env, "library", "--csv", "-o", "-")).startswith("added_at,title")
    assert ok(spotui(env, "library", "--csv", "-o", "/dev/stdout")).startswith("added_at,")
    real = tmp_path / "real.csv"
    real.write_text("")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    ok(spotui(env, "library", "--csv", "-o", str(link)))
    assert link.is_symlink() and real.read_text().startswith("added_at,")


def test_out_of_range_volume_and_seek_are_usage_errors(env, served):
    fake = served[0]
    for args in (("volume", "500"), ("volume", "1000"), ("seek", "59:59")):
        result = spotui(env, *args)
        assert result.returncode == EXIT_USAGE, args
        assert "Traceback" not in result.stderr
    assert fake.requests["/v1/me/player/volume"] == fake.requests["/v1/me/player/seek"] == 0
    assert "(the most)" in ok(spotui(env, "volume", "+50"))


def test_auth_with_stdin_at_its_end_waits_for_the_browser_only(env, served):
    port = free_port()
    process = start_spotui(*AUTH, "--port", str(port), env=env, stdin=subprocess.DEVNULL)
    url = process.stdout.readline().strip()
    idle = socket.create_connection(("127.0.0.1", port))  # a browser's idle pre-connect
    location = httpx.get(url).headers["location"]
    time.sleep(0.5)
    page = httpx.get(location, timeout=5)
    assert page.status_code == 200
    _, err = process.communicate(timeout=20)
    idle.close()
    assert process.returncode == EXIT_OK, err
    assert "waiting for the browser only" in err
    assert "Traceback" not in err and "CancelledError" not in err


def test_an_unwritable_state_folder_stops_auth_before_any_secret_is_kept(env, tmp_path):
    keyring_file = Path(env["SPOTUI_TEST_KEYRING"])
    kept = keyring_file.read_text()  # the sign-in there before
    blocked = {**env, "XDG_STATE_HOME": "/dev/null/state"}
    process = start_spotui(*AUTH, "--port", str(free_port()), env=blocked)
    url = process.stdout.readline().strip()
    _, err = process.communicate(httpx.get(url).headers["location"] + "\n", timeout=20)
    assert process.returncode == EXIT_ERROR and "cannot write its state folder" in err
    assert keyring_file.read_text() == kept  # no orphaned secrets from the new sign-in


def test_output_in_a_non_utf8_encoding_degrades_and_json_stays_valid(env):
    ascii_env = {**env, "PYTHONIOENCODING": "ascii"}
    data = json.loads(ok(spotui(ascii_env, "now", "--json")))
    assert data["title"] == "Cherish" and data["artists"] == ["星野 夜"]
    assert "Cherish" in ok(spotui(ascii_env, "now"))
    assert ok(spotui(ascii_env, "top", "artists")).count("\n") == 20


# --- 14. a server that never answers ------------------------------------------------------


def test_spotui_now_against_a_silent_server_gives_up_in_about_ten_seconds(env, tmp_path):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(silent.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    port = silent.getsockname()[1]
    quiet = {**env, "SPOTUI_API_URL": f"http://127.0.0.1:{port}/v1"}
    began = time.monotonic()
    result = spotui(quiet, "now")
    took = time.monotonic() - began
    assert result.returncode == EXIT_ERROR and took < 13, took
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    watch = start_spotui("now", "--watch", "--json", env=quiet)
    line = watch.stdout.readline()
    watch.send_signal(signal.SIGINT)
    watch.communicate(timeout=15)
    silent.close()
    assert json.loads(line)["state"] == "offline"


# --- 15, 16. the cache and the small ones ----------------------------------------------------


async def test_a_corrupted_cached_list_with_a_matching_etag_is_dropped():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await started(pilot)
        fake = fake_of(app)
        answer = await screen.controller.spotify.top_json("artists", "medium_term", limit=50)
        _, etag = answer
        screen.lists.cache.save("top-artists-medium_term", {"items": [{"broken": True}]}, etag)
        table = await open_tab(pilot, "3", "top-artists")
        await until(pilot, lambda: table.row_count == 20)
        assert table.rows[0][1] != "Unknown artist"
        sent = [entry for entry in fake.log if entry[2] == "/v1/me/top/artists"]
        assert sent[-1][3] == 200  # asked whole, not answered 304 to the broken copy
        kept = screen.lists.cache.load("top-artists-medium_term")
        assert kept is not None and kept.data["items"][0]["name"] == table.rows[0][1]


def test_small_ones_each_get_one_clear_line(env, tmp_path):
    result = spotui(env, "now", "--format", "{title!r}")
    assert result.returncode == EXIT_USAGE and "write {title} plainly" in result.stderr
    result = spotui(env, "transfer", "")
    assert result.returncode == EXIT_USAGE and "Name a device" in result.stderr
    crlf = {**env, "SPOTIFY_CLIENT_ID": DEMO_CLIENT_ID, "SPOTIFY_ACCESS_TOKEN": "BQabc\r\nX: y"}
    result = spotui(crlf, "now")
    assert "is not valid" in result.stderr and "offline" not in result.stderr
    config = tmp_path / "deep.toml"
    config.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n")
    result = spotui(env, "--config", str(config), "now")
    assert result.returncode == EXIT_OK and "Traceback" not in result.stderr
    assert "ps" in subprocess.run(
        [sys.executable, "-m", "spotui", "auth", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    ).stdout.replace("\n", " ")


async def test_deeply_nested_json_from_spotify_is_unreadable_not_a_crash(fake, clock):
    class Deep(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.path.startswith("/api/token"):
                return await fake.transport().handle_async_request(request)
            return httpx.Response(200, content=b"[" * 100_000 + b"]" * 100_000)

    async with make_client(fake, clock) as client:
        client.http._transport = Deep()
        with pytest.raises(ProtocolError):
            await client.playback()
