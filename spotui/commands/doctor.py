"""``spotui doctor``: checks the sign-in and the account, one line per check.

It costs a handful of requests (a refresh, ``/me``, devices, the player state and
at most one player command that sets repeat to what it already is) and never
changes playback. While Spotify's quota or a long rate limit holds, it sends
nothing at all.
"""

from __future__ import annotations

import socket
from dataclasses import asdict, dataclass

from spotui.commands import EXIT_ERROR, EXIT_OK
from spotui.commands.output import to_json
from spotui.commands.table import QUICK
from spotui.services import Services
from spotui.spotify.auth import SCOPES
from spotui.spotify.client import SpotifyClient
from spotui.spotify.errors import (
    AuthError,
    NotAllowlisted,
    PlayerError,
    PremiumRequired,
    RateLimited,
    SpotifyError,
)
from spotui.spotify.ports import DEFAULT_PORT, PORT_RULE, PORTS, redirect_uri

NOT_CHECKED = "not checked (see above)"


@dataclass(frozen=True, slots=True)
class Check:
    """One line of the report. ``ok`` is None when it cannot be known yet."""

    name: str
    ok: bool | None
    detail: str
    hint: str = ""

    def line(self) -> str:
        mark = {True: "✓", False: "✗", None: "·"}[self.ok]
        hint = f" — {self.hint}" if self.hint and self.ok is False else ""
        return f"{mark} {self.name}: {self.detail}{hint}"


def _port_check(port: int) -> Check:
    uri = redirect_uri(port)
    if port not in PORTS:
        return Check("Redirect URI", False, uri, f"the port must be {PORT_RULE}")
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return Check(
                "Redirect URI",
                False,
                f"{uri} (another program listens on port {port})",
                "close it, or sign in with `spotui auth --port N` and add that Redirect URI",
            )
    return Check("Redirect URI", True, f"{uri} (add exactly this on the dashboard)")


async def _premium(spotify: SpotifyClient) -> Check:
    """Premium shows only as a player command's answer: set repeat to what it is."""
    playback = await spotify.playback()
    if (
        playback is None
        or playback.item is None
        or "toggling_repeat_context" in (playback.disallows)
    ):
        return Check("Premium", None, "not known until a player command (nothing is playing)")
    try:
        await spotify.set_repeat(playback.repeat)
    except PremiumRequired as exc:
        return Check(
            "Premium", False, exc.message, "without Premium spotui shows, but cannot control"
        )
    except PlayerError as exc:
        return Check("Premium", None, f"not known: {exc.message}")
    return Check("Premium", True, "a player command was accepted")


async def _account_checks(spotify: SpotifyClient) -> list[Check]:
    """Refresh, scopes, allowlist, devices, Premium: each needs the one before it."""
    checks: list[Check] = []
    tokens = await spotify.session.refresh_now(spotify.http)
    checks.append(Check("Refresh", True, "Spotify gave a fresh access token"))
    granted = set(tokens.scope.split())
    missing = [scope for scope in SCOPES if scope not in granted]
    if not tokens.scope:
        checks.append(Check("Scopes", None, "Spotify did not say which scopes it granted"))
    elif missing:
        checks.append(
            Check(
                "Scopes",
                False,
                f"missing {', '.join(missing)}",
                "run `spotui auth` to grant them",
            )
        )
    else:
        checks.append(Check("Scopes", True, f"all {len(SCOPES)} that spotui needs"))
    try:
        me = await spotify.me()
    except NotAllowlisted as exc:
        checks.append(Check("Account", False, exc.message))
        return checks
    checks.append(Check("Account", True, f"{me.display_name or me.id} may use this app"))
    devices = await spotify.devices()
    active = next((d for d in devices if d.is_active), None)
    if not devices:
        checks.append(
            Check("Devices", False, "none", "open Spotify on a phone, computer or speaker")
        )
    elif active is None:
        checks.append(
            Check(
                "Devices",
                False,
                f"{len(devices)} visible, none active",
                "play something, or `spotui transfer NAME`",
            )
        )
    else:
        checks.append(Check("Devices", True, f"{len(devices)} visible; {active.name} is active"))
    checks.append(await _premium(spotify))
    return checks


async def diagnose(services: Services, port: int | None) -> list[Check]:
    """Every check, in order; a failure stops only the checks that depend on it."""
    checks: list[Check] = []
    spotify = services.connect(**QUICK)
    if spotify is None:
        checks.append(
            Check(
                "Sign-in",
                False,
                services.problem or "none stored",
                "run `spotui auth` (or `spotui` for the wizard)",
            )
        )
    else:
        checks.append(Check("Sign-in", True, f"stored in {services.sign_in_source()}"))
    checks.append(_port_check(port or services.remembered_port() or DEFAULT_PORT))
    if spotify is None:
        return checks
    try:
        try:
            if spotify.rate_limited_for:
                raise RateLimited(spotify.rate_limited_for, quota=spotify.quota_used_up)
            checks.extend(await _account_checks(spotify))
        except RateLimited as exc:
            checks.append(Check("Rate limit", False, exc.try_again))
            return checks
        except AuthError as exc:
            checks.append(Check("Refresh", False, exc.message, "run `spotui auth` again"))
            return checks
        except SpotifyError as exc:
            checks.append(Check("Spotify", False, exc.message))
            return checks
        checks.append(Check("Rate limit", True, "not limited; the quota is not used up"))
    finally:
        await spotify.aclose()
    return checks


async def doctor(services: Services, *, as_json: bool, port: int | None) -> int:
    checks = await diagnose(services, port)
    from spotui.commands.scrobble import doctor_checks

    checks += await doctor_checks(services)
    healthy = all(check.ok is not False for check in checks)
    if as_json:
        print(to_json({"ok": healthy, "checks": [asdict(c) for c in checks]}))
    else:
        for check in checks:
            print(check.line())
    return EXIT_OK if healthy else EXIT_ERROR
