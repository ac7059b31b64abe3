"""The fault-injection run: the real app against the fake over 127.0.0.1, with every knob.

    python bench/fault_run.py [--seconds 180] [--seed 7]

Each fault is tried alone, then faults are mixed at random (fixed seed) for a
while. After each, the run checks that the app is still up, said what was wrong
in plain words, showed no token, came back within one poll once the fault
cleared, sent nothing before a Retry-After had passed (never under a second,
whatever the header said), and kept the stored refresh token (only an
invalid_grant may end the sign-in). Hostile values come last: a Retry-After of
inf (a 3-hour wait, said in hours), a keyring that raises, and an access token
that no header can carry. It prints the faults tried and survived.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from spotui.config import Config  # noqa: E402
from spotui.fake import DEMO_CLIENT_ID, FakeSpotify  # noqa: E402
from spotui.fake.server import FakeServer  # noqa: E402
from spotui.services import Services  # noqa: E402
from spotui.spotify import ClientCredentials, Endpoints, MemoryTokenStore, TokenSet  # noqa: E402
from spotui.tui.app import SpotuiApp  # noqa: E402
from spotui.tui.screens.main import MainScreen  # noqa: E402
from spotui.tui.widgets.now_playing import NowPlaying  # noqa: E402

POLL = 2.0  # the app's poll interval in this run
RETRY_AFTER = 3

# name -> (knobs that make the fault, words the screen must show while it lasts). Counts
# leave room for a side request (the library check) failing first, so the poll fails too.
FAULTS: dict[str, tuple[dict[str, object], tuple[str, ...]]] = {
    "429 with Retry-After": ({"rate_limit": 1, "retry_after": RETRY_AFTER}, ()),
    "429 with Retry-After 0": ({"rate_limit": 2, "retry_after": 0}, ()),
    "429 with Retry-After -5": ({"rate_limit": 2, "retry_after": -5}, ()),
    "429 with Retry-After nan": ({"rate_limit": 1, "retry_after": float("nan")}, ()),
    "500": ({"server_errors": 12, "server_error_status": 500}, ("retrying",)),
    "502 (HTML body)": ({"server_errors": 12, "server_error_status": 502}, ("retrying",)),
    "503": ({"server_errors": 12, "server_error_status": 503}, ("retrying",)),
    # Enough hung requests that the poll's four tries all hang, whatever side requests
    # (the queue, the history sync) take first: 4 × 2 s and their backoff.
    "timeouts": ({"timeouts": 12, "hang_s": 2.0}, ("retrying",)),
    "dropped connections": ({"disconnects": 6}, ("Offline",)),
    "truncated JSON": ({"truncate_json": 1}, ("could not read",)),
    "tokens that expire every few seconds": ({"token_lifetime_s": 3}, ()),
    "no active device": ({"no_active_device": True}, ("No active device",)),
    "not Premium": ({"premium": False}, ()),
    "nothing playing": ({"nothing_playing": True}, ("Nothing playing",)),
    "episode": ({"episode": True}, ("Podcast",)),
    "ad": ({"ad": True}, ("Advertisement",)),
}
CLEAR: dict[str, object] = {
    "rate_limit": 0,
    "retry_after": RETRY_AFTER,
    "server_errors": 0,
    "timeouts": 0,
    "disconnects": 0,
    "truncate_json": 0,
    "token_lifetime_s": 3600,
    "no_active_device": False,
    "premium": True,
    "nothing_playing": False,
    "episode": False,
    "ad": False,
}


@dataclass
class Report:
    tried: int = 0
    survived: int = 0
    problems: list[str] = field(default_factory=list)

    def fail(self, fault: str, why: str) -> None:
        self.problems.append(f"{fault}: {why}")


def _screen(app: SpotuiApp) -> str:
    view = app.screen.query_one(NowPlaying)
    parts = [str(w.render()) for w in view.query("Static, Label")]
    notes = [n.message for n in app._notifications]
    return "\n".join(parts + notes)


async def _until(pilot, condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        await pilot.pause(0.05)
    return condition()


def _least_wait(header: float) -> float:
    """What the client must wait at the least after a 429 with this Retry-After: the
    header, but never under a second; an unreadable one counts as 5 s."""
    return 5.0 if math.isnan(header) else max(1.0, header)


def _retry_after_kept(fake: FakeSpotify, sent_429s: list[tuple[float, float]]) -> bool:
    """No API request arrived between a 429 and the end of its wait (a request already
    on the wire within 0.1 s of the 429 is not one the client could hold back)."""
    api = [at for at, _, path, _ in fake.log if path.startswith("/v1")]
    for at, header in sent_429s:
        wait = _least_wait(header)
        if any(at + 0.1 < t < at + wait - 0.05 for t in api):
            return False
    return True


class BreakableStore(MemoryTokenStore):
    """A token store that can fail as a broken keyring does: with any exception."""

    broken = False

    def save_tokens(self, tokens: TokenSet) -> None:
        if self.broken:
            raise IsADirectoryError(21, "Is a directory")
        super().save_tokens(tokens)


async def run(seconds: float = 180.0, seed: int = 7) -> Report:
    report = Report()
    fake = FakeSpotify(library_size=200)
    server = await FakeServer(fake).start()
    endpoints = Endpoints(api_url=server.api_url, accounts_url=server.url)
    store = BreakableStore(TokenSet.from_response(fake.sign_in()))
    sent_429s: list[tuple[float, float]] = []  # (when, Retry-After) of each 429 sent
    answer_fault = fake.fault

    def noting_429s():
        answer = answer_fault()
        if answer is not None and answer.status_code == 429:
            sent_429s.append((fake.clock(), fake.knobs.retry_after))
        return answer

    fake.fault = noting_429s  # type: ignore[method-assign]
    client = ClientCredentials(DEMO_CLIENT_ID)
    services = Services(
        store=store,
        endpoints=endpoints,
        client_credentials=lambda: client,
        remember_sign_in=lambda _c, tokens, _p: store.save_tokens(tokens),
    )
    app = SpotuiApp(services, Config(poll_interval=POLL, album_art="off"))

    def token_kept() -> bool:
        tokens = store.tokens
        return tokens is not None and tokens.refresh_token in fake.oauth.refresh_tokens

    def secret_shown() -> bool:
        """Any token spotui has ever held, on the screen or in a notice."""
        shown = _screen(app)
        return any(
            token in shown for token in (*fake.oauth.access_tokens, *fake.oauth.refresh_tokens)
        )

    async def recovered(pilot) -> bool:
        screen = app.screen
        return isinstance(screen, MainScreen) and await _until(
            pilot,
            lambda: (
                screen.now_playing.status == ""
                and screen.state.playback is not None
                and screen.state.playback.item is not None
            ),
            POLL + 4 + RETRY_AFTER,  # one poll, plus the client's own retry backoff
        )

    async def one(pilot, name: str, knobs: dict[str, object], words: tuple[str, ...]) -> None:
        report.tried += 1
        fake.set(**knobs)
        app.screen.action_refresh()
        # The client's own retries come first (6 hung requests of 2 s): on a busy machine
        # (CI's two jobs at once) the screen can take over 12 s to say so.
        shown = await _until(pilot, lambda: all(w in _screen(app) for w in words), 30)
        fake.set(**CLEAR)
        app.screen.action_refresh()
        ok = True
        if not shown:
            report.fail(name, f"the screen never said {words}")
            ok = False
        if not await recovered(pilot):
            report.fail(name, "not back within one poll after the fault cleared")
            ok = False
        if not token_kept():
            report.fail(name, "the stored refresh token was lost")
            ok = False
        if secret_shown():
            report.fail(name, "a token was on the screen")
            ok = False
        report.survived += ok

    async with app.run_test(size=(120, 40)) as pilot:
        await _until(
            pilot,
            lambda: isinstance(app.screen, MainScreen) and app.screen.state.playback is not None,
            10,
        )
        for name, (knobs, words) in FAULTS.items():
            await one(pilot, name, knobs, words)

        # Connection refused: the server goes away, then comes back on the same port.
        report.tried += 1
        port = server.port
        await server.stop()
        app.screen.action_refresh()
        offline = await _until(pilot, lambda: "Offline" in _screen(app), 15)
        server = await FakeServer(fake, port=port).start()
        back = await recovered(pilot)
        if not offline:
            report.fail("connection refused", "never said Offline")
        if not back:
            report.fail("connection refused", "did not come back by itself")
        report.survived += offline and back

        # Mixed at random from a fixed seed.
        rng = random.Random(seed)
        names = list(FAULTS)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            report.tried += 1
            chosen = rng.sample(names, rng.randint(1, 3))
            for name in chosen:
                fake.set(**FAULTS[name][0])
            app.screen.action_refresh()
            await pilot.pause(rng.uniform(0.5, 3.0))
            fake.set(**CLEAR)
            app.screen.action_refresh()
            ok = await recovered(pilot) and token_kept()
            if not ok:
                report.fail("+".join(chosen), "did not recover, or lost the refresh token")
            report.survived += ok

        # A keyring that raises while short tokens keep being refreshed.
        report.tried += 1
        store.broken = True
        fake.set(token_lifetime_s=3)
        await pilot.pause(8)
        playing = await recovered(pilot)
        store.broken = False
        fake.set(**CLEAR)
        if not playing or secret_shown():
            report.fail("a keyring that raises", "the app stopped, or showed a token")
        report.survived += playing and not secret_shown()

        # Retry-After: inf. The wait is capped at 3 h and said in hours; nothing is sent.
        report.tried += 1
        fake.set(rate_limit=1, retry_after=float("inf"))
        app.screen.action_refresh()
        said = await _until(pilot, lambda: "retrying in 3 h" in _screen(app), 15)
        sent = len(fake.log)
        await pilot.pause(3)
        quiet = len(fake.log) == sent
        if not (said and quiet):
            report.fail("Retry-After inf", "not said in hours, or requests went out")
        report.survived += said and quiet
        fake.set(**CLEAR)
        app.screen.controller.spotify._blocked_until = 0.0  # the harness lifts the wait it caused
        sent_429s[-1] = (sent_429s[-1][0], 0.0)  # and checks no more of it
        app.screen.action_refresh()
        await recovered(pilot)

        # Last, the one fault that may end the sign-in: a revoked refresh token.
        report.tried += 1
        before = store.tokens.refresh_token if store.tokens else None
        fake.set(refresh_revoked=True)
        fake.oauth.access_tokens.clear()
        app.screen.action_refresh()
        wizard = await _until(pilot, lambda: type(app.screen).__name__ == "WizardScreen", 15)
        kept = store.tokens is not None and store.tokens.refresh_token == before
        if not wizard:
            report.fail("revoked refresh token", "no sign-in wizard")
        if not kept:
            report.fail("revoked refresh token", "the stored token was changed or lost")
        report.survived += wizard and kept
    if not _retry_after_kept(fake, sent_429s):
        report.fail("429", "a request went out before Retry-After had passed")
        report.survived -= 1
    await _bad_token(report, server, endpoints, client)
    await server.stop()
    return report


async def _bad_token(
    report: Report, server: FakeServer, endpoints: Endpoints, client: ClientCredentials
) -> None:
    """An access token no header can carry (non-ASCII): plain words, the wizard, no token
    shown and no crash."""
    report.tried += 1
    bad = "BQ" + "é" * 40
    store = MemoryTokenStore(TokenSet(access_token=bad, expires_at=time.time() + 3600))
    services = Services(
        store=store,
        endpoints=endpoints,
        client_credentials=lambda: client,
        remember_sign_in=lambda _c, tokens, _p: store.save_tokens(tokens),
    )
    app = SpotuiApp(services, Config(album_art="off"))
    async with app.run_test(size=(120, 40)) as pilot:
        wizard = await _until(pilot, lambda: type(app.screen).__name__ == "WizardScreen", 10)
        words = wizard and "not valid" in str(app.screen.query_one("#wizard-reason").render())
        shown = bad in app.export_screenshot()
    if not words or shown:
        report.fail("a non-ASCII access token", "no plain words, or the token was shown")
    report.survived += bool(words) and not shown


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=180, help="the mixed phase (s)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    report = asyncio.run(run(args.seconds, args.seed))
    for problem in report.problems:
        print("problem:", problem)
    print(f"faults tried: {report.tried}, survived: {report.survived}")
    return 0 if report.tried == report.survived and not report.problems else 1


if __name__ == "__main__":
    raise SystemExit(main())
