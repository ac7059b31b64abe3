"""What one second of playback costs the app: spotui under cProfile while a track plays.

    python bench/tick_profile.py [--tab KEY] [--lyrics] [--seconds N] [--top N] [--tree DIR]
    python bench/tick_profile.py --bare --settle 2   # the floor, measured the same way

The demo runs headless at 120x40 (as the screenshots do, but with the clocks running),
settles until the cover shows, optionally switches tab (``--tab 2``: the playback bar's
tick on another tab) or shows the lyrics, and is then profiled for ``--seconds``. The
headless driver skips only the last step (writing the frame to the terminal); the
compositor's work for each tick is all there.

Wall time moves with the machine's load; the count of function calls does not. So the
table leads with calls a second: a tick that makes half the calls has half the work.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import sys
import tempfile
from collections import Counter
from pathlib import Path

from textual.app import App

sys.path.insert(0, str(Path(__file__).resolve().parent))


def bare_app() -> App:
    """The benchmark's floor (``BARE_TICKING_APP``): one line repainted each second."""
    from benchmark import BARE_TICKING_APP

    scope: dict[str, object] = {}
    exec(BARE_TICKING_APP.replace("Bare().run()", ""), scope)
    return scope["Bare"]()  # type: ignore[operator]


async def run(
    bare: bool, seconds: float, settle: float, tab: str | None, lyrics: bool
) -> tuple[cProfile.Profile, Counter[str]]:
    """The profile of ``seconds`` of playback, and how often each widget was drawn."""
    from textual.widget import Widget

    from spotui.config import Config
    from spotui.services import Services
    from spotui.tui.app import SpotuiApp
    from spotui.tui.widgets.art import AlbumArt

    app = bare_app() if bare else SpotuiApp(Services.demo_mode(), Config())
    profile = cProfile.Profile()
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(0 if bare else 200):
            arts = app.screen.query(AlbumArt)
            if arts and arts.first(AlbumArt).picture is not None:
                break
            await pilot.pause(0.05)
        for key in ["t"] if bare else [tab] if tab else []:
            await pilot.press(key)
        if lyrics:
            await pilot.press("L")
        await pilot.pause(settle)  # the start's chores (history, lists) and the switch
        rendered: Counter[str] = Counter()
        render_lines = Widget.render_lines

        def counted(widget: Widget, crop):  # type: ignore[no-untyped-def]
            rendered[type(widget).__name__ + (f"#{widget.id}" if widget.id else "")] += 1
            return render_lines(widget, crop)

        Widget.render_lines = counted  # type: ignore[method-assign]
        profile.enable()
        await asyncio.sleep(seconds)
        profile.disable()
        Widget.render_lines = render_lines  # type: ignore[method-assign]
    return profile, rendered


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--settle", type=float, default=15.0, help="seconds before")
    parser.add_argument("--tab", help="a key to press first (2: the second tab)")
    parser.add_argument("--lyrics", action="store_true", help="show the lyrics (L)")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--tree", type=Path, help="profile this checkout instead")
    parser.add_argument("--bare", action="store_true", help="the floor: a bare ticking app")
    args = parser.parse_args()
    tree = (args.tree or Path(__file__).resolve().parent.parent).resolve()
    sys.path.insert(0, str(tree))
    os.environ.setdefault("XDG_CACHE_HOME", tempfile.mkdtemp())  # the demo's list cache
    os.environ.setdefault("XDG_STATE_HOME", tempfile.mkdtemp())
    profile, rendered = asyncio.run(
        run(args.bare, args.seconds, args.settle, args.tab, args.lyrics)
    )
    stats = pstats.Stats(profile)
    calls = stats.total_calls  # type: ignore[attr-defined]
    what = "the bare ticking app" if args.bare else str(tree)
    print(f"{what}: {calls / args.seconds:.0f} function calls a second of playback")
    print(f"widgets drawn a second: {sum(rendered.values()) / args.seconds:.1f}")
    for name, count in rendered.most_common():
        print(f"  {count / args.seconds:5.1f}  {name}")
    stats.sort_stats("tottime").print_stats(args.top)
    stats.sort_stats("cumulative").print_stats(r"spotui|textual", args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
