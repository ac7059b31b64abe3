"""Two revisions side by side: bench/benchmark.py for each, in turns, in one run.

    python bench/compare.py BEFORE AFTER [--rounds N] [--tolerance PCT] [benchmark args]

e.g. ``python bench/compare.py main HEAD --quick``. Each revision is checked out with
``git worktree`` in a temporary folder and measured by its own bench/benchmark.py, with
PYTHONPATH set to that folder alone, so that neither an editable install nor this checkout
stands in for it. The runs alternate (A, B, A, B, …), so that a slower stretch of the
machine (its figures move 30% between days) touches both alike. The table gives each
figure's median over the rounds for A and for B (with the spread when there are several),
the change and the target (ok or MISS: most of B's runs meet it, or not). A figure is
"worse" when it moved the wrong way by more than the tolerance and no round of B did as
well as any round of A; for a target with no way to move ("exactly 1", "adds 0"), when B
misses it and A does not. The exit status is 1 when a figure is worse.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Figure:
    """One row of benchmark.py's table."""

    value: float
    unit: str
    target: str
    ok: bool


@dataclass
class Revision:
    label: str  # "A" or "B"
    name: str  # as given
    commit: str
    tree: Path
    runs: list[dict[str, Figure]]


def read_table(output: str) -> dict[str, Figure]:
    """The figures of benchmark.py's table, by name (its columns are as wide as the dashes)."""
    lines = output.splitlines()
    dashes = next(
        (i for i, line in enumerate(lines) if line.startswith("-") and "  " in line), None
    )
    if dashes is None:
        return {}
    name_width, value_width = (len(part) for part in lines[dashes].split("  ")[:2])
    found = {}
    for line in lines[dashes + 1 :]:
        if not line.strip():
            break
        name = line[:name_width].rstrip()
        measured = line[name_width + 2 : name_width + 2 + value_width].split(maxsplit=1)
        mark, _, rest = line[name_width + 2 + value_width + 2 :].partition(" ")
        try:
            value = float(measured[0])
        except (IndexError, ValueError):
            continue
        target = rest.split("  (", 1)[0].strip()
        found[name] = Figure(value, measured[1] if len(measured) > 1 else "", target, mark == "ok")
    return found


def git(*args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def checkout(label: str, name: str, folder: Path) -> Revision:
    """A worktree of ``name`` (any revision git knows) in ``folder``, its spotui checked."""
    commit = git("rev-parse", "--verify", f"{name}^{{commit}}")
    tree = folder / label
    git("worktree", "add", "--detach", "--quiet", str(tree), commit)
    found = subprocess.run(
        [sys.executable, "-c", "import spotui; print(spotui.__file__)"],
        env=environment(tree),
        cwd=folder,
        capture_output=True,
        text=True,
    ).stdout.strip()
    if not found.startswith(str(tree)):
        raise SystemExit(f"{name}: Python finds spotui at {found or 'nowhere'}, not in {tree}")
    if not os.environ.get("PYTHONDONTWRITEBYTECODE"):  # alike for both, before the first run
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "spotui")])
    return Revision(label, name, commit[:7], tree, [])


def environment(tree: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(tree)}


def measure(revision: Revision, args: list[str]) -> float:
    """One run of the revision's own benchmark; its figures join the revision's runs."""
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, str(revision.tree / "bench" / "benchmark.py"), *args],
        env=environment(revision.tree),
        cwd=revision.tree,
        capture_output=True,
        text=True,
    )
    seconds = time.monotonic() - started
    figures = read_table(result.stdout)
    if result.returncode != 0 or not figures:
        tail = "\n    ".join((result.stderr or result.stdout).strip().splitlines()[-8:])
        print(f"  {revision.label} failed (exit {result.returncode}):\n    {tail}", flush=True)
    revision.runs.append(figures)
    return seconds


def cell(values: list[float]) -> str:
    if not values:
        return "—"
    text = number(statistics.median(values))
    return text if len(values) == 1 else f"{text} [{number(min(values))}–{number(max(values))}]"


def number(value: float) -> str:
    return f"{value:.2f}" if abs(value) < 100 else f"{value:.0f}"


def verdict(a: list[Figure], b: list[Figure], tolerance: float) -> tuple[str, str]:
    """The change from A to B, and whether it is worse, better or the same."""
    if not a or not b:
        return "—", f"only in {'A' if a else 'B'}"
    before = statistics.median(f.value for f in a)
    after = statistics.median(f.value for f in b)
    if before:
        change = f"{(after - before) / abs(before) * 100:+.0f}%"
        moved = (after - before) / abs(before) * 100
    else:
        change = f"{after - before:+.2f}"
        moved = 0.0 if after == before else float("inf") * (1 if after > before else -1)
    way = {"≤": "lower", "≥": "higher"}.get(b[-1].target[:1])  # the better way
    if way is None:  # a target such as "exactly 1": met or not
        if meets(a) and not meets(b):
            return change, "WORSE: misses its target"
        return change, "better: meets its target" if meets(b) and not meets(a) else "same"
    if abs(moved) <= tolerance:
        return change, "same"
    worse_way = (moved > 0) == (way == "lower")
    apart = (
        min(f.value for f in b) > max(f.value for f in a)
        if moved > 0
        else max(f.value for f in b) < min(f.value for f in a)
    )
    if not apart and len(a) > 1 and len(b) > 1:
        return change, "same (the rounds overlap)"
    return change, "WORSE" if worse_way else "better"


def meets(runs: list[Figure]) -> bool:
    """Most runs meet the target."""
    return sum(f.ok for f in runs) * 2 > len(runs)


def table(a: Revision, b: Revision, tolerance: float) -> int:
    """Print A and B side by side; the number of figures worse in B."""
    names = list(dict.fromkeys(name for run in [*a.runs, *b.runs] for name in run))
    rows = []
    worse = 0
    for name in names:
        in_a = [run[name] for run in a.runs if name in run]
        in_b = [run[name] for run in b.runs if name in run]
        change, judged = verdict(in_a, in_b, tolerance)
        worse += judged.startswith("WORSE")
        last = (in_b or in_a)[-1]
        values = cell([f.value for f in in_a]), cell([f.value for f in in_b])
        target = f"{'ok  ' if meets(in_b or in_a) else 'MISS'} {last.target}"
        rows.append((name, last.unit, *values, change, target, judged))
    header = ("figure", "unit", f"A {a.commit}", f"B {b.commit}", "change", "target", "")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    print()
    print(f"A = {a.name} ({a.commit}), B = {b.name} ({b.commit})")
    for row in [header, tuple("-" * width for width in widths), *rows]:
        print(
            "  ".join(text.ljust(width) for text, width in zip(row, widths, strict=True)).rstrip()
        )
    rounds = min(len(a.runs), len(b.runs))
    print(
        f"\n{worse} of {len(rows)} figures worse in B (tolerance {tolerance:.0f}%"
        + (", one round each: no spread to judge the noise by)." if rounds == 1 else ").")
    )
    return worse


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        epilog="Any other argument goes to bench/benchmark.py (--quick, --history, …).",
    )
    parser.add_argument("before", help="revision A, e.g. main")
    parser.add_argument("after", help="revision B, e.g. HEAD")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each (default 3)")
    parser.add_argument(
        "--tolerance", type=float, default=10.0, help="percent a figure may move (default 10)"
    )
    args, bench_args = parser.parse_known_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="spotui-compare-") as folder:
        revisions: list[Revision] = []
        try:
            for label, name in (("A", args.before), ("B", args.after)):
                revisions.append(checkout(label, name, Path(folder)))
            a, b = revisions
            print(
                f"A = {a.name} ({a.commit}), B = {b.name} ({b.commit}): "
                f"benchmark.py {' '.join(bench_args)} × {args.rounds} each, in turns",
                flush=True,
            )
            try:
                for round_ in range(1, args.rounds + 1):
                    for revision in (a, b):
                        print(
                            f"round {round_}/{args.rounds}: {revision.label}…", end="", flush=True
                        )
                        print(f" {measure(revision, bench_args):.0f} s", flush=True)
            except KeyboardInterrupt:
                print("\ninterrupted: the rounds so far", flush=True)
            worse = table(a, b, args.tolerance)
        finally:
            for revision in revisions:
                git("worktree", "remove", "--force", str(revision.tree))
    print(f"{time.monotonic() - started:.0f} s in all.")
    return 1 if worse else 0


if __name__ == "__main__":
    raise SystemExit(main())
