"""Typed errors for everything Spotify and the network can answer.

Messages are plain words meant for the user's screen. They never carry a
token, a code or a client secret: only what Spotify said and what to do.
"""

from __future__ import annotations

import math
import time
from typing import Any

ALLOWLIST_TEXT = "User not registered in the Developer Dashboard"
ALLOWLIST_HINT = "add your account under User Management in your app's dashboard"
NO_ACTIVE_DEVICE = "No active device"


def no_device_hint(pick: str = "pick one") -> str:
    """What to do with no active device; ``pick`` says how this front end picks one."""
    return f"{NO_ACTIVE_DEVICE}: open Spotify on a device, or {pick}"


class SpotifyError(Exception):
    """Base of every error spotui's Spotify layer raises."""

    def __init__(self, message: str, *, status: int | None = None, reason: str | None = None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.reason = reason

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.message!r}, status={self.status}, reason={self.reason})"
        )


# --- signing in -----------------------------------------------------------------


class AuthError(SpotifyError):
    """The sign-in is missing, expired or refused."""


class NotSignedIn(AuthError):
    """There is no refresh token: the user has to sign in."""


class AuthExpired(AuthError):
    """Spotify refused the access token even after a fresh refresh."""


class AuthRevoked(AuthError):
    """The token endpoint answered ``invalid_grant`` to a refresh: sign in again."""


class InvalidGrant(AuthError):
    """The token endpoint refused a code (expired, reused, wrong verifier or redirect URI)."""


class InvalidClient(AuthError):
    """The Client ID or the client secret is wrong."""


# --- the Web API ----------------------------------------------------------------


class ApiError(SpotifyError):
    """Spotify answered with an error body ``{"error": {status, message, reason}}``."""


class BadRequest(ApiError):
    """400: spotui sent something Spotify would not take."""


class NotFound(ApiError):
    """404 that is not about the device."""


class Forbidden(ApiError):
    """403 that is neither Premium nor a player restriction (Development Mode, scopes)."""


class NotAllowlisted(Forbidden):
    """403 in plain text: the account is not on the app's allowlist (User Management)."""


class Unavailable(Forbidden):
    """403 on an endpoint Spotify closed to this app: the feature is off, not worth retrying."""


class PlayerError(ApiError):
    """A player command failed."""


class NoActiveDevice(PlayerError):
    """404 ``NO_ACTIVE_DEVICE``: nothing is open to play on."""


class PremiumRequired(PlayerError):
    """403 ``PREMIUM_REQUIRED``: playback control needs Premium."""


class Restricted(PlayerError):
    """403: the current state forbids the command (pausing while paused, say)."""


def wait_text(seconds: float) -> str:
    """A wait in words a person reads at a glance: ``45 s``, ``12 min``, ``3 h 5 min``."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def rate_limited_text(seconds: float) -> str:
    """What a 429 says while spotui waits ``seconds`` to try again."""
    return f"Spotify is rate limiting spotui; retrying in {wait_text(seconds)}"


class RateLimited(SpotifyError):
    """429: Spotify asked spotui to wait ``retry_after`` seconds.

    ``quota`` marks a ``QUOTA_EXCEEDED`` answer: the app's whole request quota is
    used up, and the message names the clock time of the next try.
    """

    def __init__(self, retry_after: float, *, quota: bool = False, now: float | None = None):
        until = (time.time() if now is None else now) + retry_after
        if quota:
            at = time.strftime("%H:%M", time.localtime(until))
            message = (
                f"Spotify's request quota for your app is used up; spotui will try again at {at}"
            )
        else:
            message = rate_limited_text(retry_after)
        super().__init__(message, status=429, reason="QUOTA_EXCEEDED" if quota else None)
        self.retry_after = retry_after
        self.quota = quota
        self.until = until  # wall-clock time the wait ends

    @property
    def try_again(self) -> str:
        """The sentence for a command that ends rather than waits: when to try again."""
        at = time.strftime("%H:%M:%S", time.localtime(self.until))
        if self.quota:
            return f"Spotify's request quota for your app is used up; try again after {at}"
        return (
            f"Spotify asks to wait {wait_text(math.ceil(self.retry_after))}; try again after {at}"
        )


class ServerError(SpotifyError):
    """5xx answers that did not clear after the retries."""


class NetworkError(SpotifyError):
    """Spotify could not be reached (offline, DNS, refused, timed out) after the retries."""


class ProtocolError(SpotifyError):
    """Spotify answered with something spotui could not read (broken JSON, say)."""


PLAYER_REASON_TEXT: dict[str, str] = {
    "NO_PREV_TRACK": "There is no previous track",
    "NO_NEXT_TRACK": "There is no next track",
    "NO_SPECIFIC_TRACK": "That track is not available",
    "ALREADY_PAUSED": "Playback is already paused",
    "NOT_PAUSED": "Playback is not paused",
    "NOT_PLAYING_LOCALLY": "That only works on the local device",
    "NOT_PLAYING_TRACK": "Nothing is playing",
    "NOT_PLAYING_CONTEXT": "Not playing from an album or playlist",
    "ENDLESS_CONTEXT": "This context has no end to shuffle",
    "CONTEXT_DISALLOW": "This album or playlist does not allow that",
    "ALREADY_PLAYING": "That is already playing",
    "RATE_LIMITED": "Too many commands; slow down",
    "REMOTE_CONTROL_DISALLOW": "This device cannot be controlled remotely",
    "DEVICE_NOT_CONTROLLABLE": "This device cannot be controlled",
    "VOLUME_CONTROL_DISALLOW": "This device does not allow volume changes",
    "NO_ACTIVE_DEVICE": no_device_hint(),
    "PREMIUM_REQUIRED": "Spotify Premium is required to control playback",
}


def api_error(
    status: int, message: str, reason: str | None, *, feature: str | None = None
) -> SpotifyError:
    """Map an API error onto the matching typed exception.

    ``message`` is what Spotify said (a JSON body's message, or a plain-text
    body); ``feature`` names what the endpoint is for, so that a 403 from an
    endpoint closed to this app can say what is unavailable.
    """
    text = PLAYER_REASON_TEXT.get(reason or "") or message or f"Spotify answered {status}"
    kwargs: dict[str, Any] = {"status": status, "reason": reason}
    if reason == "NO_ACTIVE_DEVICE":
        return NoActiveDevice(text, **kwargs)
    if reason == "PREMIUM_REQUIRED":
        return PremiumRequired(text, **kwargs)
    if status == 401:
        return AuthExpired(message or "Spotify refused the sign-in", **kwargs)
    if status == 403:
        if ALLOWLIST_TEXT.casefold() in message.casefold():
            return NotAllowlisted(f"Spotify said: {message.strip()} — {ALLOWLIST_HINT}.", **kwargs)
        if reason or message.startswith("Player command failed"):
            return Restricted(text, **kwargs)
        if "scope" in message.casefold():
            return Forbidden(
                f"Spotify said: {message} — run `spotui auth` to grant spotui's permissions.",
                **kwargs,
            )
        said = f"Spotify said: {message}" if message else "Spotify answered 403 Forbidden"
        if feature:
            return Unavailable(
                f"{feature}: unavailable to Development Mode apps ({said}).", **kwargs
            )
        return Forbidden(said, **kwargs)
    if status == 404:
        if reason:
            return PlayerError(text, **kwargs)
        return NotFound(text, **kwargs)
    if status == 400:
        return BadRequest(text, **kwargs)
    if status >= 500:
        return ServerError(text, **kwargs)
    return ApiError(text, **kwargs)
