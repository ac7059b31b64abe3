"""Where a start-up's time goes: spotui under cProfile, from launch to the confirmed title.

    python bench/startup_profile.py [--tree DIR] [--top N] [--first] [--save FILE]

The app runs in a pseudo-terminal against the fake over HTTP, exactly as
``bench/benchmark.py`` starts it (a warm run first leaves the snapshot and the bytecode),
and quits once the playing title is confirmed. ``--first`` profiles to the first frame
only: from the first import to the first write to the terminal that holds the snapshot's
title, where the process leaves at once. ``--tree`` profiles another checkout (for instance an older
revision made with ``git worktree add``), so that two revisions can be compared.

Wall time moves with the machine's load; the count of function calls does not. So the
table leads with calls: a start-up that makes 30% more calls has more work to do, however
busy the machine is. Then the functions with the most time of their own, and the spotui
and Textual functions with the most time in all (cumulative).
"""

from __future__ import annotations

import argparse
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchmark
from benchmark import Fake, Terminal

# Run in the app's process: profile from the first import to the first write of the
# terminal output that holds MARK (the snapshot's title), then leave at once.
_UNTIL_MARK = """
import cProfile, os, runpy, sys
profile = cProfile.Profile()
profile.enable()
from textual.drivers.linux_driver import LinuxDriver
write = LinuxDriver.write
def marked(self, data):
    write(self, data)
    if os.environ["MARK"] in data:
        profile.disable()
        profile.dump_stats(os.environ["SAVE"])
        os._exit(0)
LinuxDriver.write = marked
sys.argv = ["spotui"]
runpy.run_module("spotui", run_name="__main__")
"""


def profile(tree: Path, first: bool, save: Path) -> None:
    """One profiled start, written to *save*."""
    os.environ["PYTHONPATH"] = str(tree)
    benchmark.ROOT = tree  # the fake and the app start there: ``-m`` puts the cwd first
    fake = Fake()
    try:
        with tempfile.TemporaryDirectory() as folder:
            env = fake.env(Path(folder))
            warm = Terminal([sys.executable, "-m", "spotui"], env)
            warm.wait_text("Cherish")
            time.sleep(1)
            warm.close()
            if first:  # the first frame: the snapshot's title is written
                marked = {**env, "MARK": "Cherish", "SAVE": str(save)}
                app = Terminal([sys.executable, "-c", _UNTIL_MARK], marked)
                app.process.wait(60)
                app.close()
                return
            app = Terminal([sys.executable, "-m", "cProfile", "-o", str(save), "-m", "spotui"], env)
            playing = fake.state()["name"]
            confirmed = app.watch(lambda screen: playing in screen and "checking" not in screen)
            app.wait(confirmed, timeout=60)
            while app.process.poll() is None:  # cProfile writes its file as the app exits
                app.press(b"q")  # (a key pressed before the main screen is up is dropped)
                time.sleep(0.5)
            app.close()
    finally:
        fake.close()


def report(save: Path, top: int) -> None:
    """The calls, then the heaviest functions."""
    stats = pstats.Stats(str(save))
    print(f"function calls: {stats.total_calls:,} ({stats.prim_calls:,} primitive)")  # type: ignore[attr-defined]
    print(f"profiled time: {stats.total_tt:.3f} s")  # type: ignore[attr-defined]
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(r"spotui|textual/(app|widget|screen|css)", top)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--first", action="store_true", help="stop at the snapshot's title")
    parser.add_argument("--save", type=Path, default=None, help="keep the profile here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        save = args.save or Path(folder) / "start.prof"
        profile(args.tree.resolve(), args.first, save)
        report(save, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
