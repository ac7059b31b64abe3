"""One listen, one row, whatever the order: the extended history, the account data and
recently played, split into parts and taken in any order, give the same archive.

Songs here share titles, and each exists under several URIs (an album, a single, a
remaster): the account data names only the artist and the title, so its plays must
find their twins whichever URI those were filed under.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spotui.cli.history import stats_json
from spotui.history.db import Archive
from spotui.history.importer import import_paths
from spotui.history.records import ACCOUNT, API, EXTENDED, PLAY_MS
from spotui.history.stats import WINDOWS, Window, compute, today
from spotui.history.sync import sync
from spotui.spotify.models import CursorPage, PlayHistory

START_MS = 1_767_225_600_000  # 2026-01-01
# (artist, title, length): titles shared between artists, and one artist's two songs
# that differ only in case and spacing of the title are one song.
SONGS = (
    ("Kino", "Лето", 200_000),
    ("Ayo Bloom", "Лето", 180_000),
    ("Kino", "Home", 240_000),
    ("Ayo Bloom", "Home Again", 150_000),
)
URIS = 3  # each song exists under this many URIs, on as many albums


def uri(song: int, version: int) -> str:
    return f"spotify:track:s{song}v{version}"


@dataclass(frozen=True)
class Listen:
    song: int
    version: int  # which URI the extended history and the API name
    ended: int  # ms
    ms: int
    skipped: bool
    shuffle: bool

    @property
    def artist(self) -> str:
        return SONGS[self.song][0]

    @property
    def title(self) -> str:
        return SONGS[self.song][1]


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[Listen], int, int, int, int]:
    """Listens, and which of them each source holds: the extended history the first
    ``e``, the account data ``d0``..``d1`` (to the minute), recently played from ``a0``
    on (fewer than 50, the newest)."""
    count = draw(st.integers(3, 30))
    listens, at = [], START_MS
    for _ in range(count):
        song = draw(st.integers(0, len(SONGS) - 1))
        length = SONGS[song][2]
        ms = draw(st.sampled_from((length, length // 2, 40_000, 4_000)))
        # More than a minute between plays: the account data stamps to the minute, so two
        # plays of one song closer than that cannot be told apart (nor are they, in the
        # archive: see the report on issue 25).
        at += ms + draw(st.integers(100, 7_200)) * 1000
        listens.append(
            Listen(song, draw(st.integers(0, URIS - 1)), at, ms, ms < length, draw(st.booleans()))
        )
    e = draw(st.integers(0, count))
    d0 = draw(st.integers(0, e))
    d1 = draw(st.integers(e, count))
    a0 = draw(st.integers(0, max(e, d1)))
    return listens, e, d0, d1, a0


def extended(listens: list[Listen]) -> list[dict[str, Any]]:
    return [
        {
            "ts": datetime.fromtimestamp(x.ended / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "ms_played": x.ms,
            "master_metadata_track_name": x.title,
            "master_metadata_album_artist_name": x.artist,
            "master_metadata_album_album_name": f"Album {x.version}",
            "spotify_track_uri": uri(x.song, x.version),
            "reason_start": "clickrow",
            "reason_end": "fwdbtn" if x.skipped else "trackdone",
            "shuffle": x.shuffle,
            "skipped": x.skipped,
        }
        for x in listens
    ]


def account(listens: list[Listen]) -> list[dict[str, Any]]:
    return [
        {
            "endTime": datetime.fromtimestamp(x.ended / 1000, UTC).strftime("%Y-%m-%d %H:%M"),
            "artistName": x.artist,
            "trackName": f" {x.title.upper()} ",  # another spelling of the same title
            "msPlayed": x.ms,
        }
        for x in listens
    ]


class RecentlyPlayed:
    """Spotify's recently played as it answers at one moment: the listens it has seen,
    newest first, after the cursor (a stand-in for the client: only this is asked)."""

    def __init__(self, seen: list[Listen]):
        self.seen = seen

    async def recently_played(self, *, limit: int = 50, after: int | None = None) -> Any:
        items = [
            {
                "played_at": datetime.fromtimestamp(x.ended / 1000, UTC).isoformat(),
                "track": {
                    "name": x.title,
                    "uri": uri(x.song, x.version),
                    "duration_ms": SONGS[x.song][2],
                    "artists": [{"name": x.artist, "uri": f"spotify:artist:{x.artist[:3]}"}],
                    "album": {"name": f"Album {x.version}", "uri": f"spotify:album:{x.version}"},
                },
            }
            for x in reversed(self.seen)
            if after is None or x.ended > after
        ][:limit]
        return CursorPage.from_json({"items": items, "limit": limit}, PlayHistory.from_json)


pytestmark = pytest.mark.usefixtures("utc")


Step = tuple[str, Any]  # ("file", path) or ("sync", listens Spotify has seen)


def run(steps: list[Step]) -> Archive:
    archive = Archive(None)
    for kind, what in steps:
        if kind == "file":
            result = import_paths(archive, [what])
            assert result.problems == []
        else:
            asyncio.run(sync(RecentlyPlayed(what), archive))  # type: ignore[arg-type]
    return archive


def rows(archive: Archive) -> list[tuple[Any, ...]]:
    """Every play with every field, by what it names (ids depend on the order)."""
    return archive.read(
        "SELECT p.played_at, t.uri, t.key, p.ms_played, p.skipped, p.reason_start, "
        "p.reason_end, p.shuffle, p.source, p.day, p.hour FROM plays p "
        "JOIN tracks t ON t.id = p.track_id ORDER BY p.played_at, t.uri"
    )


def every_window(archive: Archive) -> dict[str, Any]:
    """``history stats --json`` for each window, but the URIs of artists and albums:
    those come from recently played alone, and a sync after the export was imported
    asks only for newer plays, so it may never see them (see the report on issue 25)."""
    day = today(START_MS + 40 * 86_400_000)
    found = {name: stats_json(compute(archive, Window.named(name, day))) for name in WINDOWS}
    for stats in found.values():
        for key, rows in [*stats["top"].items(), ("new_artists", stats["new_artists"])]:
            if not key.startswith("tracks"):
                for row in rows:
                    row["uri"] = None
    return found


def cut(items: list[Any], at: list[int]) -> list[list[Any]]:
    edges = [0, *sorted(at), len(items)]
    return [items[a:b] for a, b in itertools.pairwise(edges) if b > a]


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=histories(), data=st.data())
def test_every_order_of_import_and_sync_gives_the_same_archive(history, data):
    listens, e, d0, d1, a0 = history
    with tempfile.TemporaryDirectory() as folder:
        steps: list[Step] = []
        parts = st.lists(st.integers(0, len(listens)), max_size=3)
        for n, part in enumerate(cut(listens[:e], data.draw(parts))):
            path = Path(folder, f"Streaming_History_Audio_2026_{n}.json")
            path.write_text(json.dumps(extended(part), ensure_ascii=False))
            steps.append(("file", path))
        for n, part in enumerate(cut(listens[d0:d1], data.draw(parts))):
            path = Path(folder, f"StreamingHistory_music_{n}.json")
            path.write_text(json.dumps(account(part), ensure_ascii=False))
            steps.append(("file", path))
        # Syncs at moments when Spotify had seen more or less; the last has seen all.
        seen = data.draw(st.lists(st.integers(a0, len(listens)), max_size=2))
        steps += [("sync", listens[a0:upto]) for upto in [*seen, len(listens)]]

        reference = run(steps)
        order = data.draw(st.permutations(range(len(steps))), label="order")
        shuffled = run([steps[n] for n in order])

        assert rows(shuffled) == rows(reference)
        assert every_window(shuffled) == every_window(reference)

    # Each listen once, from its richest source, with that source's fields.
    expected = []
    for n, x in enumerate(listens):
        if n < e:
            expected.append((x.ended, uri(x.song, x.version), x.ms, x.skipped, x.shuffle, EXTENDED))
        elif d0 <= n < d1:
            expected.append((x.ended // 60_000 * 60_000, None, x.ms, None, None, ACCOUNT))
        else:
            expected.append((x.ended, uri(x.song, x.version), SONGS[x.song][2], None, None, API))
    stored = [
        (at, u, ms, skip, shuffle, source)
        for at, u, _, ms, skip, _, _, shuffle, source, *_ in rows(reference)
    ]
    assert sorted(stored, key=repr) == sorted(expected, key=repr)
    totals = every_window(reference)["all"]
    assert totals["streams"] == len(listens)
    assert totals["plays"] == sum(1 for play in expected if play[2] >= PLAY_MS)
