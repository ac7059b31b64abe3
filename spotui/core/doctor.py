"""What ``spotui doctor`` asks Spotify, with no UI: the sign-in's refresh and scopes,
the allowlist, the devices and Premium, as checks a face shows.

It costs a handful of requests (a refresh, ``/me``, devices, the player state and
at most one player command that sets repeat to what it already is) and never
changes playback. While Spotify's quota or a long rate limit holds, it sends
nothing at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from spotui.core.remote import Remote


@dataclass(frozen=True, slots=True)
class Check:
    """One line of the report. ``ok`` is None when it cannot be known yet."""

    name: str
    ok: bool | None
    detail: str
    hint: str = ""


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


async def account_checks(remote: Remote) -> list[Check]:
    """The checks that ask Spotify, in order; a failure stops those that depend on it."""
    spotify = remote.player.spotify
    try:
        if spotify.rate_limited_for:
            raise RateLimited(spotify.rate_limited_for, quota=spotify.quota_used_up)
        checks = await _account_checks(spotify)
    except RateLimited as exc:
        return [Check("Rate limit", False, exc.try_again)]
    except AuthError as exc:
        return [Check("Refresh", False, exc.message, "run `spotui auth` again")]
    except SpotifyError as exc:
        return [Check("Spotify", False, exc.message)]
    return [*checks, Check("Rate limit", True, "not limited; the quota is not used up")]
