"""A fake LRCLIB for the demo and the tests: made-up words for the fake catalogue.

The words are made up here from word lists, line by line: never real lyrics. Most of
the catalogue has synced lyrics; some tracks have plain lyrics only, one is
instrumental, one is found only by ``/api/search`` (its album differs), and some are
missing (404). Knobs make it misbehave: a fault (a 5xx, HTML, a hang, a refused
connection), a huge answer, control characters, LRC that does not parse.

It answers as :class:`~spotui.fake.service.FakeSpotify` does, through
:meth:`FakeLrclib.handle`: in process with :meth:`FakeLrclib.transport`, or over HTTP
on 127.0.0.1 with :class:`~spotui.fake.server.FakeServer`.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal

import httpx

from spotui.fake.catalog import TRACKS, FakeTrack
from spotui.fake.knobs import FakeDisconnect, FakeTimeout
from spotui.fake.responses import html
from spotui.fake.transport import FakeTransport

Kind = Literal["synced", "plain", "instrumental", "search-only", "missing"]

# By title: what the fake has for each track of the catalogue (synced if not named).
KINDS: dict[str, Kind] = {
    "يا ليل": "plain",
    "Ærø": "plain",
    "3 AM Study Session": "instrumental",
    "Lagos Sunrise": "search-only",
    "Libertango en la Madrugada": "missing",
    TRACKS[6].name: "missing",  # the very long title
}
LINE_EVERY_MS = 2_500  # a synced line every this long, from FIRST_LINE_MS
FIRST_LINE_MS = 1_000

_WHO = ("the lantern", "a paper moon", "my shadow", "the harbour", "your echo", "the tram")
_DOES = ("hums along", "keeps the time", "leans on the wind", "forgets its name", "turns blue")
_WHERE = ("past the bridge", "under static", "in the morning", "by the window", "on repeat")


def made_up_lines(seed: str, count: int) -> list[str]:
    """``count`` lines of invented words, the same for the same ``seed``; every fourth
    is empty (a pause, as real LRC marks one)."""
    rng = random.Random(seed)
    return [
        ""
        if n % 4 == 3
        else f"{rng.choice(_WHO).capitalize()} {rng.choice(_DOES)} {rng.choice(_WHERE)}"
        for n in range(count)
    ]


def json_response(status: int, body: Any) -> httpx.Response:
    """JSON with every non-ASCII character escaped, so a lone surrogate can be sent."""
    return httpx.Response(
        status, content=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )


def _lrc(ms: int) -> str:
    minutes, rest = divmod(ms, 60_000)
    return f"[{minutes:02d}:{rest // 1000:02d}.{rest % 1000 // 10:02d}]"


@dataclass
class LrclibKnobs:
    """How the fake misbehaves. ``fault``: "" (none), "500", "503", "html" (a 200 with a
    page instead of JSON), "timeout" (hangs ``hang_s``), "disconnect"."""

    fault: str = ""
    huge: bool = False  # a 2 MB answer
    hostile: bool = False  # control characters in the words and names
    bad_lrc: bool = False  # syncedLyrics that is not LRC
    latency_s: float = 0.0  # every answer waits this long
    hang_s: float = 30.0


class FakeLrclib:
    """An in-memory LRCLIB holding one record per track of the fake catalogue."""

    def __init__(self, tracks: tuple[FakeTrack, ...] = TRACKS):
        self.knobs = LrclibKnobs()
        self.requests: Counter[str] = Counter()  # by path
        self.log: list[tuple[str, dict[str, str], str]] = []  # (path, params, User-Agent)
        self._tracks = tracks
        self._records: list[dict[str, Any]] | None = None

    @property
    def records(self) -> list[dict[str, Any]]:
        """One record per track but the missing ones, made at the first request (the
        demo starts without paying for them)."""
        if self._records is None:
            made = (
                self._record(n + 1, track, KINDS.get(track.name, "synced"))
                for n, track in enumerate(self._tracks)
            )
            self._records = [record for record in made if record is not None]
        return self._records

    def __repr__(self) -> str:
        return f"FakeLrclib(knobs={self.knobs})"

    @staticmethod
    def _record(id_: int, track: FakeTrack, kind: Kind) -> dict[str, Any] | None:
        if kind == "missing":
            return None
        count = (track.duration_ms - FIRST_LINE_MS) // LINE_EVERY_MS
        words = made_up_lines(track.name, count)
        synced = "\n".join(
            f"{_lrc(FIRST_LINE_MS + n * LINE_EVERY_MS)} {line}".rstrip()
            for n, line in enumerate(words)
        )
        return {
            "id": id_,
            "trackName": track.name,
            "artistName": track.artists[0].name,
            "albumName": track.album + (" (Bonus Edition)" if kind == "search-only" else ""),
            "duration": track.duration_ms / 1000,
            "instrumental": kind == "instrumental",
            "plainLyrics": None if kind == "instrumental" else "\n".join(words),
            "syncedLyrics": synced if kind in ("synced", "search-only") else None,
        }

    def transport(self) -> FakeTransport:
        return FakeTransport(self)

    def set(self, **changes: Any) -> LrclibKnobs:
        for name, value in changes.items():
            if not hasattr(self.knobs, name):
                raise ValueError(f"unknown knob: {name}")
            setattr(self.knobs, name, value)
        return self.knobs

    async def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer one request as LRCLIB would (or fail it as a knob says)."""
        path = request.url.path
        params = dict(request.url.params)
        self.requests[path] += 1
        self.log.append((path, params, request.headers.get("user-agent", "")))
        del self.log[:-500]
        if self.knobs.latency_s:
            await asyncio.sleep(self.knobs.latency_s)
        fault = self.knobs.fault
        if fault == "timeout":
            raise FakeTimeout
        if fault == "disconnect":
            raise FakeDisconnect
        if fault in ("500", "503"):
            return json_response(int(fault), {"code": int(fault), "name": "ServerError"})
        if fault == "html":
            return html(200, "LRCLIB is down for maintenance")
        if path == "/api/get":
            found = self._get(params)
            if found is None:
                return json_response(
                    404,
                    {
                        "code": 404,
                        "name": "TrackNotFound",
                        "message": "Failed to find specified track",
                    },
                )
            return json_response(200, self._served(found))
        if path == "/api/search":
            return json_response(200, [self._served(r) for r in self._search(params)][:20])
        return json_response(404, {"code": 404, "name": "NotFound", "message": "Not found"})

    def _get(self, params: dict[str, str]) -> dict[str, Any] | None:
        title = params.get("track_name", "").casefold()
        artist = params.get("artist_name", "").casefold()
        album = params.get("album_name")
        try:
            duration = float(params["duration"]) if "duration" in params else None
        except ValueError:
            return None
        for record in self.records:
            if record["trackName"].casefold() != title:
                continue
            if record["artistName"].casefold() != artist:
                continue
            if album is not None and record["albumName"].casefold() != album.casefold():
                continue
            if duration is not None and abs(record["duration"] - duration) > 2:
                continue
            return record
        return None

    def _search(self, params: dict[str, str]) -> list[dict[str, Any]]:
        words = params.get("q") or params.get("track_name", "")
        artist = params.get("artist_name", "").casefold()
        return [
            record
            for record in self.records
            if words.casefold() in record["trackName"].casefold()
            and artist in record["artistName"].casefold()
        ]

    def _served(self, record: dict[str, Any]) -> dict[str, Any]:
        knobs = self.knobs
        if knobs.hostile:
            evil = "\x1b[2J\x1b]0;pwned\x07\x9b31m\ud800"
            record = {
                **record,
                "trackName": evil + record["trackName"],
                "plainLyrics": f"{evil} line one\nline\x1b[31m two",
                "syncedLyrics": f"[00:01.00] {evil} one\n[00:03.00] two\x1b[5m\x07",
            }
        if knobs.bad_lrc:
            record = {**record, "syncedLyrics": "<html>not lrc</html>\n[xx:yy] nothing"}
        if knobs.huge:
            record = {**record, "plainLyrics": "la " * (700 * 1024)}  # over 2 MB
        return record


def main(argv: list[str] | None = None) -> int:
    """``python -m spotui.fake.lrclib``: serve the fake LRCLIB on 127.0.0.1, print its URL."""
    import argparse
    import contextlib
    import sys

    from spotui.fake.server import FakeServer

    parser = argparse.ArgumentParser(
        prog="python -m spotui.fake.lrclib",
        description="Serve a fake LRCLIB (made-up lyrics for the fake catalogue) on 127.0.0.1.",
    )
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    parser.add_argument("--fault", default="", help='"500", "503", "html", "timeout", ...')
    args = parser.parse_args(argv)

    async def serve() -> None:
        fake = FakeLrclib()
        fake.set(fault=args.fault)
        async with FakeServer(fake, port=args.port) as server:
            print(server.url, flush=True)
            print(f"# SPOTUI_LRCLIB_URL={server.url}", file=sys.stderr, flush=True)
            await asyncio.Event().wait()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
