"""Does spotui's memory grow while it runs for a long time? Prints the RSS slope.

    python bench/soak.py [--minutes 70] [--warmup 10] [--speed 20] [--trace]
    python bench/benchmark.py --soak 60      (the same, from the benchmark)

The real app runs headless (Textual's test driver) against the in-package fake,
whose clock runs ``--speed`` times faster than the wall: tracks end every few
seconds, so an hour holds hundreds of track changes, covers, library checks and
tab refreshes. RSS is sampled every ``--sample`` seconds; after the warm-up the
slope (least squares) is printed in MB an hour.

``--trace`` also starts ``tracemalloc`` at the end of the warm-up and prints the
biggest growths. Use it to find a leak, not to measure one: tracemalloc keeps a
traceback for every block allocated after it starts, so its own bookkeeping
grows RSS for many minutes (its size is printed, and subtracted from the slope).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from spotui.config import Config
from spotui.services import Services
from spotui.tui.app import SpotuiApp

TARGET_MB_PER_HOUR = 0.5  # issue 34: after a 10-minute warm-up, over 60 minutes
TABS = 7  # now, top tracks, top artists, recent, library, queue, playlists


def rss_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def slope_per_hour(samples: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, MB), in MB an hour."""
    if len(samples) < 2:
        return 0.0
    xs, ys = [x for x, _ in samples], [y for _, y in samples]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    spread = sum((x - mx) ** 2 for x in xs)
    return 3600 * sum((x - mx) * (y - my) for x, y in samples) / spread if spread else 0.0


def by_our_line(diffs: list[tracemalloc.StatisticDiff]) -> list[tuple[str, int, int]]:
    """The growths summed by the nearest of spotui's own lines on their way to the
    allocation (or the allocating line, when no line of spotui's is among the frames),
    biggest first: (where, bytes, blocks)."""
    sums: dict[str, list[int]] = {}
    for diff in diffs:
        frames = list(diff.traceback)  # oldest first
        ours = [f for f in frames if "/spotui/" in f.filename]
        where = str(ours[-1] if ours else frames[-1])
        total = sums.setdefault(where, [0, 0])
        total[0] += diff.size_diff
        total[1] += diff.count_diff
    return sorted(((w, s, c) for w, (s, c) in sums.items()), key=lambda row: -row[1])


def untraced_rss_mb() -> float:
    """RSS less tracemalloc's own bookkeeping (nothing when it is off)."""
    return rss_mb() - tracemalloc.get_tracemalloc_memory() / 1e6


async def soak(minutes: float, warmup: float, speed: float, sample: float, trace: bool) -> int:
    start = time.time()
    services = Services.demo_mode(clock=lambda: start + (time.time() - start) * speed)
    app = SpotuiApp(services, Config(poll_interval=5.0))
    samples: list[tuple[float, float]] = []
    before: tracemalloc.Snapshot | None = None
    traced_at_start = 0
    began = time.monotonic()
    async with app.run_test(size=(120, 40)) as pilot:
        tab = 0
        while (elapsed := time.monotonic() - began) < minutes * 60:
            await pilot.pause(sample)
            # Look around as a person would: a tab now and then, and back.
            tab = (tab + 1) % TABS
            await pilot.press(str(tab + 1))
            await pilot.pause(0.5)
            await pilot.press("1")
            if elapsed >= warmup * 60:
                samples.append((elapsed, untraced_rss_mb()))
                if trace and before is None:
                    tracemalloc.start(25)
                    before = tracemalloc.take_snapshot()
                    traced_at_start = tracemalloc.get_traced_memory()[0]
            overhead = tracemalloc.get_tracemalloc_memory() / 1e6 if before else 0.0
            print(
                f"{elapsed / 60:6.1f} min  RSS {rss_mb():6.1f} MB"
                + (f"  (tracemalloc's own {overhead:.1f} MB)" if overhead else ""),
                flush=True,
            )
        after = tracemalloc.take_snapshot() if before is not None else None
        traced_growth = tracemalloc.get_traced_memory()[0] - traced_at_start if after else 0
    fake = services.fake
    requests = sum(fake.requests.values()) if fake is not None else 0  # type: ignore[attr-defined]
    slope = slope_per_hour(samples)
    print(f"\nrequests to the fake: {requests}; fake clock ×{speed:g}")
    print(
        f"RSS after warm-up: {samples[0][1]:.1f} → {samples[-1][1]:.1f} MB"
        if samples
        else "no samples after the warm-up"
    )
    met = len(samples) >= 2 and slope < TARGET_MB_PER_HOUR
    verdict = "met" if met else "MISSED"
    print(
        f"RSS slope after {warmup:g} min: {slope:+.2f} MB/hour"
        f"  (target < {TARGET_MB_PER_HOUR:g}) {verdict}"
    )
    if before is not None and after is not None:
        print(f"Python heap (tracemalloc) since the warm-up: {traced_growth / 1e6:+.2f} MB")
        print("\ntracemalloc, growth since the warm-up by the nearest line of spotui's:")
        for where, size, count in by_our_line(after.compare_to(before, "traceback"))[:12]:
            print(f"  {size / 1024:+8.1f} KiB  {count:+6d}  {where}")
    return 0 if met else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=70.0)
    parser.add_argument("--warmup", type=float, default=10.0)
    parser.add_argument("--speed", type=float, default=20.0, help="the fake clock's speed")
    parser.add_argument("--sample", type=float, default=30.0, help="seconds between samples")
    parser.add_argument("--trace", action="store_true", help="show what grows (tracemalloc)")
    args = parser.parse_args(argv)
    return asyncio.run(soak(args.minutes, args.warmup, args.speed, args.sample, args.trace))


if __name__ == "__main__":
    raise SystemExit(main())
