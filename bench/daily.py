"""The daily snapshot's cost, for a library of 10,000 tracks. Prints each figure beside
its target.

    python bench/daily.py [TRACKS]

The in-package fake Spotify answers in process, its clock moved a day at a time.
Requests are those to the Web API (``/v1``; a day's token refresh aside). The times
are spotui's own work (parsing, the list cache's files, the SQLite writes): no
network, and the time the fake takes to make its answers left out.

Each day is one snapshot (``spotui.history.daily.take``): the first reads the library
whole; then an unchanged day, a day with one track saved, and a day with one removed
(the whole library read again, each page revalidated with its ETag).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DAY = 86_400
TOP_REQUESTS = 6  # tracks and artists, three ranges each


class Clock:
    def __init__(self) -> None:
        self.now = 1_780_000_000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, _seconds: float) -> None:
        return None


async def main(tracks: int) -> int:
    from spotui.cache import ListCache
    from spotui.fake import DEMO_CLIENT_ID, FakeSpotify
    from spotui.fake.catalog import TRACKS
    from spotui.history.daily import DailyResult, take
    from spotui.history.db import Archive
    from spotui.spotify.auth import ClientCredentials, Endpoints, TokenSet
    from spotui.spotify.client import SpotifyClient
    from spotui.spotify.session import MemoryTokenStore, Session

    clock = Clock()
    fake = FakeSpotify(clock=clock, library_size=tracks)
    answering = [0.0]  # seconds the fake spent making its answers (not spotui's)
    handle = fake.handle

    async def timed(request):
        started = time.perf_counter()
        try:
            return await handle(request)
        finally:
            answering[0] += time.perf_counter() - started

    fake.handle = timed  # type: ignore[method-assign]
    store = MemoryTokenStore(TokenSet.from_response(fake.sign_in(), now=clock()))
    session = Session(ClientCredentials(DEMO_CLIENT_ID), store, endpoints=Endpoints(), clock=clock)
    folder = Path(tempfile.mkdtemp(prefix="spotui-daily-"))
    archive = Archive(folder / "history.sqlite3")
    cache = ListCache(folder / "lists")
    size = len(fake.account.saved)
    pages = -(-size // 50)
    rows: list[tuple[str, str, str, bool]] = []
    async with SpotifyClient(
        session, transport=fake.transport(), sleep=clock.sleep, monotonic=clock, clock=clock
    ) as spotify:

        async def day(name: str, requests_target: int, seconds_target: float) -> None:
            logged = len(fake.log)
            fake_before = answering[0]
            started = time.perf_counter()
            result = await take(spotify, archive, cache, clock)
            seconds = time.perf_counter() - started - (answering[0] - fake_before)
            answers = [entry for entry in fake.log[logged:] if entry[2].startswith("/v1/")]
            asked = len(answers)
            unchanged = sum(1 for entry in answers if entry[3] == 304)
            assert isinstance(result, DailyResult), result
            rows.append(
                (
                    f"{name}: requests",
                    f"{asked} ({unchanged} answered 304)",
                    f"≤ {requests_target}",
                    asked <= requests_target,
                )
            )
            rows.append(
                (
                    f"{name}: spotui's time",
                    f"{seconds:.2f} s",
                    f"≤ {seconds_target} s",
                    seconds <= seconds_target,
                )
            )
            rows.append((f"{name}: kept", result.summary(), "", True))
            clock.now += DAY

        await day(f"first snapshot, {size:,} tracks read whole", TOP_REQUESTS + pages, 10.0)
        await day("unchanged library", TOP_REQUESTS + 1, 0.5)
        new = next(t.uri for t in TRACKS if t.uri not in fake.account.saved_set)
        fake.account.save(new)
        await day("one track added", TOP_REQUESTS + 1, 0.5)
        fake.account.remove(fake.account.saved[size // 2][0])
        await day("one track removed", TOP_REQUESTS + pages + 1, 10.0)
    width = max(len(name) for name, *_ in rows)
    failed = 0
    for name, value, target, met in rows:
        mark = "" if not target else ("ok" if met else "MISSED")
        failed += not met
        print(f"{name:<{width}}  {value:<40} {target:<10} {mark}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)))
