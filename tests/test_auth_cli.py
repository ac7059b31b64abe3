"""``spotui auth`` and ``spotui logout`` as real subprocesses against the fake over HTTP."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from spotui.fake import DEMO_CLIENT_ID

from .helpers import free_port, start_spotui, subprocess_env

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def env(tmp_path, served) -> dict[str, str]:
    """A clean environment: the fake's URLs, a file keyring, empty platform folders."""
    _, server = served
    return subprocess_env(tmp_path, server.api_url, server.url)


def keyring_file(env: dict[str, str]) -> dict[str, str]:
    return json.loads(Path(env["SPOTUI_TEST_KEYRING"]).read_text())


def redirect_for(url: str) -> str:
    """Follow the fake's authorize page to where it sends the browser."""
    answer = httpx.get(url)
    assert answer.status_code == 302
    return answer.headers["location"]


def test_auth_prints_the_url_and_takes_a_pasted_redirect(env, served):
    fake, _ = served
    process = start_spotui(
        "auth", "--client-id", DEMO_CLIENT_ID, "--no-browser", "--port", str(free_port()), env=env
    )
    url = process.stdout.readline().strip()
    assert url.startswith(env["SPOTUI_ACCOUNTS_URL"] + "/authorize?")
    out, err = process.communicate(redirect_for(url) + "\n", timeout=20)
    assert process.returncode == 0, err
    assert out == ""  # stdout holds only the URL, on its own line
    assert "Signed in" in err and "Traceback" not in err
    stored = keyring_file(env)
    assert stored["spotui/refresh_token"] in fake.oauth.refresh_tokens
    for secret in (
        stored["spotui/refresh_token"],
        json.loads(stored["spotui/access_token"])["access_token"],
    ):
        assert secret not in out + err + url


def test_auth_catches_the_browser_redirect_on_the_callback_port(env, served):
    port = free_port()
    process = start_spotui(
        "auth",
        "--no-browser",
        "--port",
        str(port),
        env={**env, "SPOTIFY_CLIENT_ID": DEMO_CLIENT_ID},
    )
    url = process.stdout.readline().strip()
    location = redirect_for(url)
    assert location.startswith(f"http://127.0.0.1:{port}/callback?")
    for _ in range(50):  # the callback server starts before the URL is printed
        try:
            page = httpx.get(location, timeout=5)
            break
        except httpx.ConnectError:
            continue
    assert page.status_code == 200
    _, err = process.communicate(timeout=20)
    assert process.returncode == 0, err


def test_auth_retries_bad_pastes_and_refuses_a_wrong_state(env, served):
    process = start_spotui(
        "auth", "--client-id", DEMO_CLIENT_ID, "--no-browser", "--port", str(free_port()), env=env
    )
    url = process.stdout.readline().strip()
    good = redirect_for(url)
    bad_state = good.replace("state=", "state=stale")
    out, err = process.communicate(f"nonsense\n{bad_state}\n{good}\n", timeout=20)
    assert process.returncode == 0, err
    assert out == ""
    assert "does not look like" in err and "state does not match" in err


@pytest.mark.parametrize(
    ("args", "words", "code"),
    [
        (["--client-id", "1234"], "32 hexadecimal", 2),
        (["--client-id", "f" * 32], "does not recognise this app", 1),
        (["--port", "80"], "--port must be", 2),
        ([], "No Client ID", 2),
    ],
)
def test_auth_failures_are_one_clear_line(env, served, args, words, code):
    process = start_spotui("auth", "--no-browser", *args, env=env)
    if "f" * 32 in args:
        url = process.stdout.readline().strip()
        answer = httpx.get(url)  # the fake refuses an unknown client on its page...
        assert answer.status_code == 400
        # ...and a code for another app is refused at the token endpoint.
        good = redirect_for(url.replace("f" * 32, DEMO_CLIENT_ID))
        out, err = process.communicate(good + "\n", timeout=20)
    else:
        out, err = process.communicate("", timeout=20)
    assert process.returncode == code
    assert out == ""  # nothing but the URL ever goes to stdout
    assert words in err and "Traceback" not in err
    assert len([line for line in err.splitlines() if words in line]) == 1


def test_auth_with_access_denied_exits_non_zero(env, served):
    fake, _ = served
    fake.set(deny_authorize=True)
    process = start_spotui(
        "auth", "--client-id", DEMO_CLIENT_ID, "--no-browser", "--port", str(free_port()), env=env
    )
    url = process.stdout.readline().strip()
    _, err = process.communicate(redirect_for(url) + "\n", timeout=20)
    assert process.returncode == 1 and "denied" in err and "Traceback" not in err


def test_auth_with_nothing_pasted_and_no_callback_exits_cleanly(env, served):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        process = start_spotui(
            "auth", "--client-id", DEMO_CLIENT_ID, "--no-browser", "--port", str(port), env=env
        )
        out, err = process.communicate("", timeout=20)
    assert out.startswith(env["SPOTUI_ACCOUNTS_URL"] + "/authorize?")
    assert f"Port {port} is already in use" in err
    assert process.returncode == 1 and "Nothing was pasted" in err


def test_auth_without_a_keyring_names_the_ways_out(env):
    process = start_spotui(
        "auth",
        "--client-id",
        DEMO_CLIENT_ID,
        env={**env, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"},
    )
    out, err = process.communicate("", timeout=20)
    assert process.returncode == 1
    assert "gnome-keyring" in err and "SPOTIFY_REFRESH_TOKEN" in err and "keyrings.alt" in err
    assert out == ""


def test_logout_removes_every_secret(env, served):
    process = start_spotui(
        "auth",
        "--client-id",
        DEMO_CLIENT_ID,
        "--client-secret",
        "fake-client-secret-0123456789abcdef",
        "--no-browser",
        "--port",
        str(free_port()),
        env=env,
    )
    url = process.stdout.readline().strip()
    process.communicate(redirect_for(url) + "\n", timeout=20)
    assert set(keyring_file(env)) == {
        "spotui/refresh_token",
        "spotui/access_token",
        "spotui/client_secret",
    }
    logout = start_spotui("logout", env=env)
    _, err = logout.communicate(timeout=20)
    assert logout.returncode == 0 and "Signed out" in err and "Client ID is kept" in err
    assert keyring_file(env) == {}
    again = start_spotui("logout", env=env)
    _, err = again.communicate(timeout=20)
    assert again.returncode == 0 and "already signed out" in err


def test_version_and_help():
    version = subprocess.run(
        [sys.executable, "-m", "spotui", "--version"], capture_output=True, text=True, cwd=ROOT
    )
    assert version.returncode == 0 and version.stdout.startswith("spotui ")
    help_ = subprocess.run(
        [sys.executable, "-m", "spotui", "--help"], capture_output=True, text=True, cwd=ROOT
    )
    assert help_.returncode == 0
    for word in ("auth", "logout", "--demo", "--config"):
        assert word in help_.stdout
