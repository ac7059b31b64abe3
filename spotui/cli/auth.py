"""``spotui auth`` and ``spotui logout``: signing in on plain stdin and stdout."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import threading
from collections.abc import Callable

from spotui.account import known_client_id, load_account
from spotui.browser import open_browser
from spotui.cli import EXIT_ERROR, EXIT_OK, EXIT_USAGE
from spotui.credentials import (
    ENV_CLIENT_SECRET,
    CredentialProblem,
    CredentialStore,
    KeyringUnavailable,
)
from spotui.spotify.auth import (
    AccessDenied,
    ClientCredentials,
    Endpoints,
    RedirectError,
)
from spotui.spotify.errors import NotAllowlisted, SpotifyError
from spotui.spotify.ports import is_client_id
from spotui.spotify.signin import SignIn

Say = Callable[[str], None]


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _stdin_lines() -> asyncio.Queue[str | None]:
    """Lines typed or piped on stdin, then None at the end (a daemon thread reads)."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    def pump() -> None:
        try:
            for line in sys.stdin or ():  # stdin may be closed altogether
                loop.call_soon_threadsafe(queue.put_nowait, line)
        except (OSError, ValueError):
            pass
        finally:
            with contextlib.suppress(RuntimeError):  # the loop may be gone already
                loop.call_soon_threadsafe(queue.put_nowait, None)

    threading.Thread(target=pump, name="stdin", daemon=True).start()
    return queue


async def _pasted_code(flow: SignIn, lines: asyncio.Queue[str | None], say: Say) -> str | None:
    """The first usable code pasted; None when stdin ends first."""
    while (line := await lines.get()) is not None:
        if not line.strip():
            continue
        try:
            return flow.code_from_text(line)
        except AccessDenied:
            raise
        except RedirectError as exc:
            say(f"{exc} Try again:")
    return None


async def _first_code(flow: SignIn, say: Say) -> str:
    """Whichever comes first: the browser's redirect or a pasted address or code."""
    waiting = {asyncio.ensure_future(_pasted_code(flow, _stdin_lines(), say))}
    if flow.callback is not None:
        waiting.add(asyncio.ensure_future(flow.callback.wait()))
    try:
        while waiting:
            done, waiting = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                code = task.result()  # a RedirectError (access denied) ends the attempt
                if code is not None:
                    return code
                if waiting:  # stdin ended (closed, or /dev/null)
                    say("Nothing can be pasted (stdin is closed): waiting for the browser only.")
        raise RedirectError("Nothing was pasted and no redirect came back.")
    finally:
        for task in waiting:
            task.cancel()


def _client_id(given: str | None, say: Say) -> str | None:
    client_id = given or known_client_id()
    if not client_id and sys.stdin.isatty():
        say("Paste the Client ID of your app from https://developer.spotify.com/dashboard:")
        client_id = sys.stdin.readline()
    return client_id.strip() if client_id else None


async def sign_in(
    client_id: str | None,
    client_secret: str | None,
    port: int | None,
    *,
    no_browser: bool,
    default_port: int,
    say: Say = _say,
) -> int:
    """Run the sign-in on stdin/stdout; store the result in the keyring."""
    store = CredentialStore()
    problem = store.write_problem()  # a locked keyring shows now, not after the browser
    if problem:
        say(problem)
        return EXIT_ERROR
    client_id = _client_id(client_id, say)
    if not client_id:
        say("No Client ID: pass --client-id or set SPOTIFY_CLIENT_ID.")
        return EXIT_USAGE
    if not is_client_id(client_id):
        say("That Client ID is not 32 hexadecimal characters; copy it again from the dashboard.")
        return EXIT_USAGE
    secret = client_secret or os.environ.get(ENV_CLIENT_SECRET) or None
    port = port or load_account().callback_port or default_port
    client = ClientCredentials(client_id, secret)
    flow = SignIn(client, port=port, endpoints=Endpoints.from_env())
    try:
        unavailable = await flow.listen()
        say(f"Open this address and approve spotui (redirect URI {flow.request.redirect_uri}):")
        print(flow.url, flush=True)
        if unavailable:
            say(unavailable)
        else:
            say("Waiting for the browser… or paste the address it lands on (or the code) here:")
        if not no_browser:
            open_browser(flow.url)
        code = await _first_code(flow, say)
        tokens = await flow.exchange(code)
        store.save_sign_in(client, tokens, port)
    except (SpotifyError, CredentialProblem) as exc:
        say(str(exc))
        return EXIT_ERROR
    finally:
        await flow.close()
    refusal = await _account_refusal()
    if refusal:
        say(f"Signed in (the tokens are in {store.source()}), but {refusal}")
        return EXIT_ERROR
    say(f"Signed in. The tokens are in {store.source()}.")
    return EXIT_OK


async def _account_refusal() -> str | None:
    """Spotify's words when it refuses this account the app (not on the allowlist)."""
    from spotui.services import Services

    spotify = Services.real().connect()
    if spotify is None:
        return None
    try:
        await spotify.me()
    except NotAllowlisted as exc:
        return exc.message
    except SpotifyError:
        return None  # anything else shows on the next command, in its own words
    finally:
        await spotify.aclose()
    return None


def logout(*, everything: bool, say: Say = _say) -> int:
    """Delete spotui's secrets from the keyring."""
    try:
        removed = CredentialStore().forget(everything=everything)
    except KeyringUnavailable as exc:
        say(str(exc))
        return EXIT_ERROR
    if not removed:
        say("spotui had nothing stored; you were already signed out.")
    else:
        kept = "" if everything else " Your Client ID is kept (use --all to forget it too)."
        say("Signed out: removed " + ", ".join(n.replace("_", " ") for n in removed) + "." + kept)
    return EXIT_OK
