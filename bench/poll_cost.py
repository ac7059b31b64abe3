"""The CPU one poll costs the app, before anything is drawn.

    python bench/poll_cost.py [POLLS]

Against ``python -m spotui.fake`` in another process (as the benchmark runs it), the
real client asks for the player state and parses it as the poll loop does, POLLS
times in a row, and prints the main thread's CPU per poll. In steady playback the
app polls 12 times a minute, so this times 12 is a floor under the app's CPU on top
of Textual's own.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmark import Fake

POLLS_A_MINUTE = 12


async def measure(polls: int) -> float:
    """Seconds of main-thread CPU per poll (after five to warm the connection)."""
    from spotui.core.player import PlayerState
    from spotui.services import Services

    spotify = Services.real().connect()
    assert spotify is not None, "the fake's sign-in was not found"
    state = PlayerState()
    try:
        for _ in range(5):
            state = PlayerState(await spotify.playback(), time.monotonic()).steadied(state)
        started = time.thread_time()
        for _ in range(polls):
            state = PlayerState(await spotify.playback(), time.monotonic()).steadied(state)
        return (time.thread_time() - started) / polls
    finally:
        await spotify.aclose()


def main() -> int:
    polls = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    fake = Fake()
    try:
        os.environ.update(fake.env(Path(tempfile.mkdtemp())))
        per_poll = asyncio.run(measure(polls))
    finally:
        fake.close()
    share = per_poll * POLLS_A_MINUTE / 60 * 100
    print(f"one poll: {per_poll * 1000:.2f} ms of CPU (the mean of {polls})")
    print(f"at {POLLS_A_MINUTE} polls a minute: {share:.3f}% of a core")
    return 0


if __name__ == "__main__":
    sys.exit(main())
