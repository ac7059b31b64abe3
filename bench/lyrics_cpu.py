"""The CPU the lyrics view adds while a track plays, beside the same app without it.

    python bench/lyrics_cpu.py [SECONDS]

Three headless Textual apps in turn, each with the demo's hub polling every 5 s: the
lyrics view following it (the fake LRCLIB's synced lines, a line every 2.5 s); an
empty screen; and the floor for any redraw at that pace, one line of text rewritten
every 2.5 s. Each is measured for SECONDS (default 20) of process CPU; the view is
printed beside the floor, and may cost at most 0.1 points more. (The Now tab itself
is measured by bench/benchmark.py.)
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

FLOOR_POINTS = 0.1


async def cpu_percent(seconds: float, *, what: str) -> float:
    """CPU while ``what`` ("view", "empty" or "line") shows, in percent of one core."""
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    from spotui.core.controller import Listener
    from spotui.services import Services
    from spotui.tui.widgets.lyrics import LyricsView

    class Measured(App[None]):
        def compose(self) -> ComposeResult:
            yield LyricsView() if what == "view" else Static("")

        def on_mount(self) -> None:
            services = Services.demo_mode()
            self.spotify = services.connect()
            assert self.spotify is not None
            controller = services.player(self.spotify, interval=5.0, history_after=3600)
            if what == "line":
                line = self.query_one(Static)
                self.set_interval(2.5, lambda: line.update(f"line {time.monotonic():.1f}"))
            if what == "view":
                view = self.query_one(LyricsView)
                controller.subscribe(Listener(state=lambda _state: view.tick()))
                assert services.lyrics is not None
                view.follow(services.lyrics)
            self.run_worker(controller.run())

    app = Measured()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(3.0)  # the first poll, the lyrics, the first lines drawn
        started = time.process_time()
        await asyncio.sleep(seconds)
        return (time.process_time() - started) / seconds * 100


def main() -> int:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 20.0
    with tempfile.TemporaryDirectory() as home:
        os.environ["XDG_CACHE_HOME"] = home  # the demo's lyrics cache, thrown away after
        empty = asyncio.run(cpu_percent(seconds, what="empty"))
        line = asyncio.run(cpu_percent(seconds, what="line"))
        lyrics = asyncio.run(cpu_percent(seconds, what="view"))
    print(f"CPU, the hub and an empty screen ({seconds:.0f} s):     {empty:.2f} %")
    print(f"CPU, floor: one line rewritten every 2.5 s:  {line:.2f} %")
    print(f"CPU, the lyrics view (a line every 2.5 s):   {lyrics:.2f} %")
    over = lyrics - line
    verdict = "ok" if over <= FLOOR_POINTS else "OVER"
    print(f"the view beside the floor: {over:+.2f} points (at most +{FLOOR_POINTS}) {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
