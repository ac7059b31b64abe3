"""Answers as Spotify shapes them: JSON, HTML, plain text, empty; paging; parameters."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import httpx

from spotui.fake.account import FakeApiError


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(
        status,
        content=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
    )


def html(status: int, text: str, headers: dict[str, str] | None = None) -> httpx.Response:
    page = f"<!doctype html><title>Spotify (fake)</title><p>{text}</p>"
    return httpx.Response(
        status, content=page.encode(), headers={"Content-Type": "text/html", **(headers or {})}
    )


def empty(status: int = 204) -> httpx.Response:
    return httpx.Response(status)


def text(status: int, body: str, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(
        status,
        content=body.encode(),
        headers={"Content-Type": "text/plain; charset=utf-8", **(headers or {})},
    )


def retry_after(seconds: float) -> dict[str, str]:
    """The ``Retry-After`` header, written as Spotify writes it (whole seconds bare)."""
    return {"Retry-After": str(int(seconds) if seconds.is_integer() else seconds)}


def int_param(params: dict[str, str], key: str, default: int, low: int, high: int) -> int:
    """An integer query parameter in ``[low, high]``; Spotify's 400 otherwise."""
    raw = params.get(key)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise FakeApiError(400, f"Invalid {key}") from None
    if not low <= value <= high:
        raise FakeApiError(400, f"Invalid {key}")
    return value


def request_body(request: httpx.Request) -> Any:
    """The request's JSON body, or ``None`` when it has none."""
    if not request.content:
        return None
    try:
        return json.loads(request.content)
    except ValueError:
        raise FakeApiError(400, "Malformed json") from None


def paging(
    request: httpx.Request, items: list[Any], total: int, limit: int, offset: int
) -> dict[str, Any]:
    """Spotify's paging object around ``items``, with ``next``/``previous`` links."""
    base = str(request.url.copy_with(query=None))

    def page_url(at: int) -> str:
        return f"{base}?{urlencode({**dict(request.url.params), 'offset': at})}"

    return {
        "href": str(request.url),
        "items": items,
        "limit": limit,
        "next": page_url(offset + limit) if offset + limit < total else None,
        "offset": offset,
        "previous": page_url(max(0, offset - limit)) if offset > 0 else None,
        "total": total,
    }
