"""Where in time the app spends its CPU: each second's share of a core, from the title on.

    python bench/cpu_timeline.py [--seconds 40] [--desktop] [--profile FILE]

The app runs as the benchmark runs it (a pseudo-terminal, the fake Spotify over HTTP),
and ``--desktop`` turns MPRIS and notifications on, on a bus of the script's own, with a
fake LRCLIB, as the benchmark's steady-playback figures do. It prints, for each second
after the confirmed title, the CPU the process used, so that start-up chores can be told
from the steady cost of a playing track. ``--profile`` runs the app under cProfile and
writes the profile when it quits.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchmark import Fake, Terminal, desktop_env, spotui_command


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=40)
    parser.add_argument("--desktop", action="store_true", help="MPRIS and notifications on")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the run here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        fake = Fake("--library-size", "500")
        env = desktop_env(fake, home) if args.desktop else fake.env(home)
        command = spotui_command()
        if args.profile:
            command[1:1] = ["-m", "cProfile", "-o", str(args.profile.resolve())]
        app = Terminal(command, env)
        try:
            app.wait_text("Cherish")
            before = app.cpu_s()
            total = 0.0
            for second in range(1, args.seconds + 1):
                time.sleep(1)
                now = app.cpu_s()
                total += now - before
                print(
                    f"{second:3d} s  {(now - before) * 100:5.1f}%  (total {total:.2f} s)"
                    f"  RSS {app.rss_mb():.1f} MB"
                )
                before = now
            tail = max(1, args.seconds // 2)
            print(f"\n{tail} s more, in one window: {sum_last(app, tail):.2f}% of a core")
        finally:
            app.close()
            fake.close()
    return 0


def sum_last(app: Terminal, seconds: int) -> float:
    """The CPU over ``seconds`` more seconds, as a share of a core."""
    before = app.cpu_s()
    time.sleep(seconds)
    return (app.cpu_s() - before) / seconds * 100


if __name__ == "__main__":
    sys.exit(main())
