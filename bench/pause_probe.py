"""How soon space shows 'Paused', a second after a track change and well after one.

    python bench/pause_probe.py [--rounds 5] [--desktop] [--lyrics] [--latency 300]

The app runs as the benchmark runs it (a pseudo-terminal, the fake Spotify over HTTP;
``--desktop``: MPRIS and notifications on, on a bus of the script's own, with a fake
LRCLIB; ``--lyrics``: the lyrics shown once and hidden again first, as the benchmark
does before its figure). Each round skips from another device, waits for the new title, then times
space to 'Paused' after 1 s (as the benchmark's figure does, while the new track's
cover, lyrics and notices may still be on their way) and after 6 s (when they are done),
resuming in between. A gap between the two columns is work a track change does that a
key press waits behind.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchmark import Fake, Terminal, desktop_env, spotui_command


def pause_ms(fake: Fake, app: Terminal, after_s: float, latency_ms: int) -> float:
    """Skip remotely, wait ``after_s`` after the new title, then time space to 'Paused'."""
    coming = fake.state()["next_name"]
    shown = app.watch(lambda screen: coming in screen)
    fake.http.post("/_fake/remote-skip")
    app.wait(shown, timeout=20)
    fake.knobs(latency_ms=latency_ms)
    time.sleep(after_s)
    paused = app.watch(lambda screen: "Paused" in screen)
    pressed = app.press(b" ")
    delay = (app.wait(paused) - pressed) * 1000
    fake.knobs(latency_ms=0)
    time.sleep(1)
    playing = app.watch(lambda screen: "Playing" in screen)
    app.press(b" ")
    app.wait(playing)
    time.sleep(1)
    return delay


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--latency", type=int, default=300, help="API latency, ms")
    parser.add_argument("--desktop", action="store_true", help="MPRIS and notifications on")
    parser.add_argument("--lyrics", action="store_true", help="show and hide the lyrics first")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        fake = Fake("--library-size", "500")
        env = desktop_env(fake, home) if args.desktop else fake.env(home)
        app = Terminal(spotui_command(), env)
        try:
            app.wait_text("Cherish")
            time.sleep(8)  # the start's chores
            if args.lyrics:
                app.press(b"L")
                time.sleep(3)
                app.press(b"L")
                time.sleep(1)
            soon, later = [], []
            for n in range(args.rounds):
                soon.append(pause_ms(fake, app, 1.0, args.latency))
                later.append(pause_ms(fake, app, 6.0, args.latency))
                print(
                    f"round {n + 1}: 1 s after a track change {soon[-1]:6.1f} ms;"
                    f" 6 s after {later[-1]:6.1f} ms",
                    flush=True,
                )
            print(
                f"\nmedian: 1 s after {statistics.median(soon):.1f} ms; "
                f"6 s after {statistics.median(later):.1f} ms (target ≤ 50 ms)"
            )
        finally:
            app.close()
            fake.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
