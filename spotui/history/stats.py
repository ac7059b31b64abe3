"""What the archive says about a window of days: totals, charts' data and top lists.

Days are local calendar days. Every query reads one covering index over the
window's days (see :mod:`spotui.history.schema`), so any window of a ten-year
archive answers in well under the 150 ms the Stats tab allows.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from spotui.history.days import BLOCK, IN_DAYS, day_span, local_day_hour
from spotui.history.db import Archive
from spotui.history.records import MUSIC, PLAY_MS, Gap

EPOCH = date(1970, 1, 1)
WINDOWS: dict[str, tuple[str, int | None]] = {  # name: (label, days; None = all time)
    "today": ("Today", 1),
    "7d": ("7 days", 7),
    "4w": ("4 weeks", 28),
    "6m": ("6 months", 182),
    "1y": ("A year", 365),
    "all": ("All time", None),
}
Kind = Literal["artists", "tracks", "albums"]
Bucket = Literal["day", "week", "month"]


def day_of(moment: date) -> int:
    return (moment - EPOCH).days


def date_of(day: int) -> date:
    return EPOCH + timedelta(days=day)


@dataclass(frozen=True, slots=True)
class Window:
    """Local days ``first``..``last``, both included (``first`` None: from the start)."""

    label: str
    first: int | None
    last: int

    @classmethod
    def named(cls, name: str, today: int) -> Window:
        label, days = WINDOWS[name]
        return cls(label, None if days is None else today - days + 1, today)

    @classmethod
    def between(cls, since: date | None, until: date | None, today: int) -> Window:
        first = day_of(since) if since else None
        last = day_of(until) if until else today
        if first is not None and first > last:
            raise ValueError("the start date is after the end date")
        label = f"{since.isoformat() if since else 'the start'} to {date_of(last).isoformat()}"
        return cls(label, first, last)


@dataclass(frozen=True, slots=True)
class Ranked:
    """One row of a top list: a name (with its artist, for tracks and albums), plays
    and time; the URIs, where known, to play it."""

    name: str
    artist: str
    plays: int
    ms: int
    uri: str | None = None
    artist_uri: str | None = None


@dataclass(frozen=True, slots=True)
class Stats:
    window: Window
    first_day: int | None  # the first day with a play in the window
    plays: int  # streams of 30 s or more
    streams: int  # every stream, the shortest skips included
    ms: int
    skips: int
    with_skip_data: int
    bucket: Bucket
    periods: tuple[tuple[int, int], ...]  # (first day of the bucket, ms), every bucket
    heatmap: tuple[tuple[int, ...], ...]  # 7 days (Monday first) × 24 hours, ms
    top: dict[str, tuple[Ranked, ...]]  # "artists-plays", "tracks-time", …
    new_artists: tuple[Ranked, ...]
    streak: tuple[int, int, int]  # (days, first day, last day)
    gaps: tuple[Gap, ...]

    @property
    def skip_rate(self) -> float | None:
        return self.skips / self.with_skip_data if self.with_skip_data else None


def bucket_for(days: int) -> Bucket:
    return "day" if days <= 62 else "week" if days <= 400 else "month"


def bucket_start(day: int, bucket: Bucket) -> int:
    if bucket == "day":
        return day
    if bucket == "week":  # weeks start on Monday; 1970-01-01 was a Thursday
        return day - (day + 3) % 7
    moment = date_of(day)
    return day_of(moment.replace(day=1))


def _buckets(first: int, last: int, bucket: Bucket) -> list[int]:
    starts = []
    day = bucket_start(first, bucket)
    while day <= last:
        starts.append(day)
        if bucket == "day":
            day += 1
        elif bucket == "week":
            day += 7
        else:
            moment = date_of(day)
            day = day_of(date(moment.year + moment.month // 12, moment.month % 12 + 1, 1))
    return starts


def longest_streak(days: Sequence[int]) -> tuple[int, int, int]:
    """The longest run of consecutive days in ``days`` (sorted): (length, first, last)."""
    best = (0, 0, 0)
    run_start = previous = None
    for day in days:
        if previous is None or day != previous + 1:
            run_start = day
        previous = day
        assert run_start is not None
        if day - run_start + 1 > best[0]:
            best = (day - run_start + 1, run_start, day)
    return best


def today(now_ms: int) -> int:
    return local_day_hour(now_ms)[0]


def compute(archive: Archive, window: Window, limit: int = 10) -> Stats:
    """Everything the Stats tab and ``spotui history stats`` show for ``window``."""
    archive.settle()  # an import stopped part-way left its sums behind
    first = window.first
    if first is None:
        found = archive.read("SELECT min(day) FROM days")[0][0]
        first = found if found is not None else window.last
    span = (first, window.last)
    per_day = archive.read(
        "SELECT day, plays, streams, ms, skips, skip_known FROM days WHERE day BETWEEN ? AND ?",
        span,
    )
    bucket = bucket_for(window.last - first + 1)
    sums = dict.fromkeys(_buckets(first, window.last, bucket), 0)
    for day, _, _, ms, _, _ in per_day:
        sums[bucket_start(day, bucket)] += ms
    tracks, hours = _grouped(archive, span)
    heat = [[0] * 24 for _ in range(7)]
    for hour, ms in hours.items():
        heat[hour // 24][hour % 24] += ms
    info = _track_info(archive, list(tracks))
    top: dict[str, tuple[Ranked, ...]] = {}
    by: dict[str, dict[int, list[int]]] = {"artists": {}, "tracks": {}, "albums": {}}
    for track_id, (plays, ms) in tracks.items():
        what, artist_id, album_id = info.get(track_id, (MUSIC, None, None))
        if what != MUSIC:
            continue
        for name, key in (("tracks", track_id), ("artists", artist_id), ("albums", album_id)):
            if key is not None:
                total = by[name].setdefault(key, [0, 0])
                total[0] += plays
                total[1] += ms
    kinds: tuple[Kind, ...] = ("artists", "tracks", "albums")
    for kind in kinds:
        top.update(_top(archive, kind, by[kind], limit))
    new = archive.read(
        "SELECT id, name, uri FROM artists WHERE first_day BETWEEN ? AND ? "
        "ORDER BY first_day, name, uri",
        span,
    )
    heard = by["artists"]
    new_artists = tuple(
        Ranked(
            name,
            "",
            (heard.get(artist_id) or [0, 0])[0],
            (heard.get(artist_id) or [0, 0])[1],
            uri,
            uri,
        )
        for artist_id, name, uri in new
    )
    start_ms = (first - 1) * 86_400_000
    end_ms = (window.last + 2) * 86_400_000
    return Stats(
        window=window,
        first_day=per_day[0][0] if per_day else None,
        plays=sum(row[1] for row in per_day),
        streams=sum(row[2] for row in per_day),
        ms=sum(row[3] for row in per_day),
        skips=sum(row[4] for row in per_day),
        with_skip_data=sum(row[5] for row in per_day),
        bucket=bucket,
        periods=tuple(sums.items()),
        heatmap=tuple(tuple(row) for row in heat),
        top=top,
        new_artists=new_artists,
        streak=longest_streak([row[0] for row in per_day if row[1]]),
        gaps=tuple(archive.gaps(start_ms, end_ms)),
    )


def _grouped(
    archive: Archive, span: tuple[int, int]
) -> tuple[dict[int, tuple[int, int]], dict[int, int]]:
    """Plays and time per track, and time per hour of the week, in the window: whole
    blocks of days from their sums, the ends from the plays."""
    first, last = span
    whole = (-(-first // BLOCK), (last + 1) // BLOCK - 1)  # blocks wholly inside
    ends = (
        [span]
        if whole[0] > whole[1]
        else [
            (first, whole[0] * BLOCK - 1),
            ((whole[1] + 1) * BLOCK, last),
        ]
    )
    tracks: dict[int, tuple[int, int]] = {}
    hours: dict[int, int] = {}

    def add(rows: list[tuple[Any, ...]]) -> None:
        for track_id, plays, ms in rows:
            before = tracks.get(track_id)
            tracks[track_id] = (
                (plays, ms) if before is None else (before[0] + plays, before[1] + ms)
            )

    def add_hours(rows: list[tuple[Any, ...]]) -> None:
        for hour, ms in rows:
            hours[hour] = hours.get(hour, 0) + ms

    if whole[0] <= whole[1]:
        add(
            archive.read(
                "SELECT track_id, sum(plays), sum(ms) FROM block_tracks "
                "WHERE block BETWEEN ? AND ? GROUP BY track_id",
                whole,
            )
        )
        add_hours(
            archive.read(
                "SELECT hour, sum(ms) FROM block_hours WHERE block BETWEEN ? AND ? GROUP BY hour",
                whole,
            )
        )
    for low, high in ends:
        if low > high:
            continue
        add(
            archive.read(
                f"SELECT track_id, sum(ms_played >= {PLAY_MS}), sum(ms_played) FROM plays "
                f"WHERE {IN_DAYS} GROUP BY track_id",
                (*day_span(low, high), low, high),
            )
        )
        add_hours(
            archive.read(
                f"SELECT hour, sum(ms_played) FROM plays WHERE {IN_DAYS} GROUP BY hour",
                (*day_span(low, high), low, high),
            )
        )
    return tracks, hours


def _track_info(archive: Archive, ids: list[int]) -> dict[int, tuple[int, int | None, int | None]]:
    """(kind, artist, album) of each track."""
    if len(ids) > 500:  # most of the archive: one pass over the table
        rows = archive.read("SELECT id, kind, artist_id, album_id FROM tracks")
    else:
        marks = ",".join("?" * len(ids))
        rows = archive.read(
            f"SELECT id, kind, artist_id, album_id FROM tracks WHERE id IN ({marks})", ids
        )
    return {row[0]: row[1:] for row in rows}


def _top(
    archive: Archive, kind: Kind, totals: dict[int, list[int]], limit: int
) -> dict[str, tuple[Ranked, ...]]:
    """The top ``limit`` by plays and by time; ties by name, so that the list never
    depends on the order the archive was filled in."""
    orders: dict[str, Any] = {
        "plays": lambda item: (item[1][0], item[1][1]),
        "time": lambda item: (item[1][1], item[1][0]),
    }
    # (first, second, id) tuples compare without a Python call per item: at 300,000
    # plays this pass is over thousands of tracks, for each kind and order.
    keyed = {
        "plays": [(sums[0], sums[1], key) for key, sums in totals.items()],
        "time": [(sums[1], sums[0], key) for key, sums in totals.items()],
    }
    found: dict[str, list[tuple[int, list[int]]]] = {}
    for by, candidates in keyed.items():
        best = heapq.nlargest(limit, candidates)
        if len(best) == limit:  # the last place's ties, every one of them
            first, second, _ = best[-1]
            best = [row for row in best if (row[0], row[1]) > (first, second)]
            best += [row for row in candidates if row[0] == first and row[1] == second]
        found[by] = [(key, totals[key]) for _, _, key in best]
    names = _names(archive, kind, sorted({key for rows in found.values() for key, _ in rows}))

    def ranked(key: int, plays: int, ms: int) -> Ranked:
        name, artist, uri, artist_uri = names[key]
        return Ranked(name, artist, plays, ms, uri, artist_uri)

    top = {}
    for by, order in orders.items():
        rows = [ranked(key, *sums) for key, sums in found[by]]
        rows.sort(
            key=lambda row: (
                *(-value for value in order((0, (row.plays, row.ms)))),
                row.name,
                row.artist,
                row.uri or "",
            )
        )
        top[f"{kind}-{by}"] = tuple(
            row for row in rows[:limit] if (row.plays if by == "plays" else row.ms)
        )
    return top


def _names(
    archive: Archive, kind: Kind, ids: Sequence[int]
) -> dict[int, tuple[str, str, str | None, str | None]]:
    """(name, artist, uri, artist uri) for each id."""
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    if kind == "artists":
        sql = f"SELECT id, name, '', uri, uri FROM artists WHERE id IN ({marks})"
    else:
        table = "tracks" if kind == "tracks" else "albums"
        sql = (
            f"SELECT t.id, t.name, coalesce(a.name, ''), t.uri, a.uri FROM {table} t "
            f"LEFT JOIN artists a ON a.id = t.artist_id WHERE t.id IN ({marks})"
        )
    return {row[0]: row[1:] for row in archive.read(sql, ids)}
