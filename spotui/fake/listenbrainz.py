"""A fake ListenBrainz: ``/1/submit-listens`` and ``/1/validate-token``, checked as the
real one checks them (the token, the listen types, batch and byte limits), and what it
received, kept in ``received``."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx

from spotui.fake.scrobbling import Served

DEMO_TOKEN = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
LISTEN_TYPES = ("single", "playing_now", "import")
MOST_IMPORT = 1000
MOST_LISTEN_BYTES = 10_240
MOST_REQUEST_BYTES = 10_240_000


class FakeListenBrainz(Served):
    def __init__(self, token: str = DEMO_TOKEN, user: str = "demo", **options: Any):
        super().__init__(**options)
        self.tokens = {token: user}
        self.received: list[tuple[str, list[dict[str, Any]]]] = []  # (listen_type, payload)

    @property
    def listens(self) -> list[dict[str, Any]]:
        """Every listen received (not now-playing), in order."""
        return [
            listen for kind, payload in self.received if kind != "playing_now" for listen in payload
        ]

    def revoke(self) -> None:
        self.tokens.clear()

    def _answer(self, status: int, body: dict[str, Any], **headers: str) -> httpx.Response:
        limits = {
            "X-RateLimit-Limit": "30",
            "X-RateLimit-Remaining": str(self.knobs.remaining),
            "X-RateLimit-Reset-In": str(self.knobs.reset_in),
        }
        return httpx.Response(status, json=body, headers={**limits, **headers})

    def _error(self, status: int, error: str) -> httpx.Response:
        return self._answer(status, {"code": status, "error": error})

    async def handle(self, request: httpx.Request) -> httpx.Response:
        fault = self.fault()
        if fault == "down":
            return self._error(503, "The service is down for maintenance.")
        if fault == "rate":
            reset = str(self.knobs.reset_in)
            return self._answer(
                429,
                {"code": 429, "error": "Too many requests."},
                **{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset-In": reset},
            )
        route: dict[tuple[str, str], Callable[[httpx.Request], httpx.Response]] = {
            ("GET", "/1/validate-token"): self._validate,
            ("POST", "/1/submit-listens"): self._submit,
        }
        handler = route.get((request.method, request.url.path))
        if handler is None:
            return self._error(404, "Not found.")
        return handler(request)

    def _user(self, request: httpx.Request) -> str | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        return self.tokens.get(token.strip()) if scheme.lower() == "token" else None

    def _validate(self, request: httpx.Request) -> httpx.Response:
        user = self._user(request)
        if user is None:
            return self._answer(200, {"code": 200, "message": "Token invalid.", "valid": False})
        return self._answer(
            200, {"code": 200, "message": "Token valid.", "valid": True, "user_name": user}
        )

    def _submit(self, request: httpx.Request) -> httpx.Response:
        if self._user(request) is None:
            return self._error(401, "Invalid authorization token.")
        if len(request.content) > MOST_REQUEST_BYTES:
            return self._error(400, "Payload too large.")
        try:
            body = json.loads(request.content)
        except ValueError:
            return self._error(400, "Cannot parse JSON document.")
        kind = body.get("listen_type") if isinstance(body, dict) else None
        payload = body.get("payload") if isinstance(body, dict) else None
        if kind not in LISTEN_TYPES or not isinstance(payload, list) or not payload:
            return self._error(400, "Invalid listen_type or payload.")
        if kind != "import" and len(payload) != 1:
            return self._error(400, f"JSON document must contain exactly one listen for {kind}.")
        if len(payload) > MOST_IMPORT:
            return self._error(400, "Too many listens. Max listens per request: 1000.")
        for listen in payload:
            problem = _listen_problem(listen, kind)
            if problem:
                return self._error(400, problem)
        self.received.append((kind, payload))
        return self._answer(200, {"status": "ok"})


def _listen_problem(listen: Any, kind: str) -> str | None:
    if not isinstance(listen, dict):
        return "A listen must be a JSON object."
    if len(json.dumps(listen).encode()) > MOST_LISTEN_BYTES:
        return "A listen is larger than 10240 bytes."
    at = listen.get("listened_at")
    if kind == "playing_now":
        if at is not None:
            return "playing_now listens must not have listened_at."
    elif type(at) is not int or at < 1_033_430_400:  # ListenBrainz's earliest
        return "Value for key listened_at is invalid."
    metadata = listen.get("track_metadata")
    if not isinstance(metadata, dict):
        return "JSON document does not contain track_metadata."
    for name in ("artist_name", "track_name"):
        value = metadata.get(name)
        if not isinstance(value, str) or not value.strip():
            return f"JSON document does not contain {name}."
    return None
