"""A fake Last.fm: ``/2.0/`` with its signed calls (key, ``api_sig``, session), the web
approval at ``/api/auth/``, and ``track.scrobble``'s 50-play limit and its answer with
``ignored`` plays (older than ``cutoff_s``). What it took is kept in ``scrobbles``."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any
from urllib.parse import parse_qsl

import httpx

from spotui.fake.scrobbling import Served

DEMO_API_KEY = "a1b2c3d4e5f60718293a4b5c6d7e8f90"
DEMO_API_SECRET = "0918273645abcdef0918273645abcdef"
MOST_SCROBBLES = 50
CUTOFF_S = 14 * 86_400  # what third parties report; Last.fm does not document it


def sign(params: dict[str, str], secret: str) -> str:
    text = "".join(f"{k}{params[k]}" for k in sorted(params) if k not in ("format", "callback"))
    return hashlib.md5((text + secret).encode(), usedforsecurity=False).hexdigest()


class FakeLastFm(Served):
    def __init__(
        self,
        api_key: str = DEMO_API_KEY,
        secret: str = DEMO_API_SECRET,
        user: str = "demo",
        cutoff_s: float = CUTOFF_S,
        **options: Any,
    ):
        super().__init__(**options)
        self.api_key, self.secret, self.user = api_key, secret, user
        self.cutoff_s = cutoff_s
        self.tokens: dict[str, bool] = {}  # token: approved
        self.sessions: set[str] = set()
        self.scrobbles: list[dict[str, str]] = []
        self.now_playing: list[dict[str, str]] = []
        self.scrobble_requests = 0

    def session(self) -> str:
        """A session as after sign-in (for tests that start signed in)."""
        key = secrets.token_hex(16)
        self.sessions.add(key)
        return key

    def revoke(self) -> None:
        self.sessions.clear()

    @staticmethod
    def _error(code: int, message: str, status: int = 200) -> httpx.Response:
        return httpx.Response(status, json={"error": code, "message": message})

    async def handle(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and request.url.path.rstrip("/") == "/api/auth":
            return self._approve(request)
        fault = self.fault()
        if fault == "down":
            return self._error(16, "There was a temporary error processing your request.", 503)
        if fault == "rate":
            return self._error(29, "Rate Limit Exceeded", 429)
        if request.method != "POST" or request.url.path.rstrip("/") != "/2.0":
            return httpx.Response(404, text="Not found")
        params = dict(parse_qsl(request.content.decode("utf-8", "replace"), keep_blank_values=True))
        if params.get("api_key") != self.api_key:
            return self._error(10, "Invalid API key - You must be granted a valid key by last.fm")
        given = params.pop("api_sig", "")
        params.pop("format", None)
        if given != sign(params, self.secret):
            return self._error(13, "Invalid method signature supplied")
        method = params.get("method", "")
        if method == "auth.getToken":
            token = secrets.token_hex(16)
            self.tokens[token] = False
            return httpx.Response(200, json={"token": token})
        if method == "auth.getSession":
            token = params.get("token", "")
            if not self.tokens.get(token):  # unknown, or not approved yet: it stays valid
                return self._error(14, "Unauthorized Token - This token has not been authorized")
            del self.tokens[token]  # a token gives one session
            return httpx.Response(
                200, json={"session": {"name": self.user, "key": self.session(), "subscriber": 0}}
            )
        if method in ("track.scrobble", "track.updateNowPlaying"):
            self.scrobble_requests += method == "track.scrobble"
            if params.get("sk") not in self.sessions:
                return self._error(9, "Invalid session key - Please re-authenticate")
            if method == "track.updateNowPlaying":
                return self._now_playing(params)
            return self._scrobble(params)
        return self._error(3, "Invalid Method - No method with that name in this package")

    def _approve(self, request: httpx.Request) -> httpx.Response:
        token = request.url.params.get("token", "")
        if request.url.params.get("api_key") != self.api_key or token not in self.tokens:
            return httpx.Response(400, text="Invalid API key or token")
        self.tokens[token] = True
        return httpx.Response(200, text="spotui is allowed to scrobble. You can close this page.")

    def _now_playing(self, params: dict[str, str]) -> httpx.Response:
        if not params.get("artist") or not params.get("track"):
            return self._error(6, "Invalid parameters - artist and track are required")
        self.now_playing.append(params)
        return httpx.Response(200, json={"nowplaying": {"track": {"#text": params["track"]}}})

    def _scrobble(self, params: dict[str, str]) -> httpx.Response:
        count = 0
        while f"artist[{count}]" in params:
            count += 1
        if not 1 <= count <= MOST_SCROBBLES:
            return self._error(6, "Invalid parameters - from 1 to 50 scrobbles a request")
        now = self.clock()
        answers: list[dict[str, Any]] = []
        for i in range(count):
            play = {
                n: params.get(f"{n}[{i}]", "") for n in ("artist", "track", "timestamp", "album")
            }
            if not play["artist"] or not play["track"] or not play["timestamp"].isdigit():
                return self._error(6, f"Invalid parameters - scrobble {i} lacks a field")
            code = "3" if int(play["timestamp"]) < now - self.cutoff_s else "0"
            if code == "0":
                self.scrobbles.append(play)
            answers.append(
                {
                    "artist": {"corrected": "0", "#text": play["artist"]},
                    "track": {"corrected": "0", "#text": play["track"]},
                    "timestamp": play["timestamp"],
                    "ignoredMessage": {
                        "code": code,
                        "#text": "Timestamp too old" if code == "3" else "",
                    },
                }
            )
        accepted = sum(a["ignoredMessage"]["code"] == "0" for a in answers)
        return httpx.Response(
            200,
            json={
                "scrobbles": {
                    "@attr": {"accepted": accepted, "ignored": count - accepted},
                    "scrobble": answers[0] if count == 1 else answers,
                }
            },
        )
