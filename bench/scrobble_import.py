"""A backfill of a large archive to ListenBrainz, against the fake over HTTP.

    python bench/scrobble_import.py [PLAYS]

Writes an archive of PLAYS plays (300,000 by default; one in ten skipped at 20 s, so
it does not count), serves the fake ListenBrainz on 127.0.0.1, and runs
``spotui scrobble import --to listenbrainz`` twice as a user would. It checks that the
fake received every play that counts, once, with its start, in ``import`` requests of
at most 1,000, and that the second run sent none; it prints both times beside their
floors.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIRST_FLOOR_S = 60.0
AGAIN_FLOOR_S = 10.0


def archive(path: Path, plays: int) -> list[int]:
    """The archive; gives the start (Unix s) of each play that counts."""
    from spotui.history.db import Archive
    from spotui.history.records import Builder

    builder = Builder()
    tracks = [
        builder.track((f"Song {n}", f"Artist {n % 300}", "Album", None, None, None, 210_000, 0))
        for n in range(5_000)
    ]
    starts = []
    begin = 1_400_000_000_000
    for n in range(plays):
        end = begin + n * 600_000
        ms = 20_000 if n % 10 == 0 else 200_000
        builder.add(tracks[n % len(tracks)], end, ms)
        if ms >= 105_000:
            starts.append((end - ms) // 1000)
    with Archive(path).write() as writer:
        writer.add(builder.batch(), 2)
    return starts


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    from spotui.fake.listenbrainz import DEMO_TOKEN, FakeListenBrainz

    plays = int(sys.argv[1]) if len(sys.argv) > 1 else 300_000
    home = Path(tempfile.mkdtemp())
    started = time.perf_counter()
    starts = archive(home / "data" / "spotui" / "history.sqlite3", plays)
    print(f"(an archive of {plays:,} plays written in {time.perf_counter() - started:.1f} s)")
    keyring = home / "keyring.json"
    keyring.write_text(json.dumps({"spotui/listenbrainz_token": DEMO_TOKEN}))
    fake = FakeListenBrainz()
    with fake.serve() as server:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("SPOTIFY_", "XDG_"))},
            "SPOTUI_LISTENBRAINZ_URL": server.url,
            "PYTHON_KEYRING_BACKEND": "tests.keyrings.FileKeyring",
            "SPOTUI_TEST_KEYRING": str(keyring),
            "PYTHONPATH": str(ROOT),
            **{
                f"XDG_{d.upper()}_HOME": str(home / d) for d in ("config", "cache", "data", "state")
            },
        }
        command = [sys.executable, "-m", "spotui", "scrobble", "import", "--to", "listenbrainz"]
        times, cpus = [], []
        for _ in range(2):
            began, cpu = time.perf_counter(), _children_cpu()
            run = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
            times.append(time.perf_counter() - began)
            cpus.append(_children_cpu() - cpu)
            assert run.returncode == 0, run.stderr
            print(run.stdout.strip())
    sizes = [len(payload) for kind, payload in fake.received]
    kinds = {kind for kind, _ in fake.received}
    sent = sorted(listen["listened_at"] for listen in fake.listens)
    assert kinds == {"import"} and max(sizes) <= 1000, (kinds, max(sizes))
    assert sent == sorted(starts), "the fake did not receive every play that counts, once"
    print(f"plays that count: {len(starts):,}; received: {len(sent):,} in {len(sizes)} requests")
    for name, took, floor in (
        ("first import", times[0], FIRST_FLOOR_S),
        ("second import (sends none)", times[1], AGAIN_FLOOR_S),
    ):
        print(f"{name}: {took:.1f} s (floor ≤ {floor:.0f} s) {'ok' if took <= floor else 'OVER'}")
    print(
        f"(spotui's own CPU: {cpus[0]:.1f} s, then {cpus[1]:.1f} s; the rest is the fake and load)"
    )
    return 0 if times[0] <= FIRST_FLOOR_S and times[1] <= AGAIN_FLOOR_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
