"""A synthetic Spotify data export, in Spotify's own file names and field layout.

Tests, the benchmark and ``--demo`` use it; nothing real is committed. It writes
the extended streaming history (``Streaming_History_Audio_*.json``; the older
field set, with ``username``, ``ip_addr_decrypted`` and ``user_agent_decrypted``,
for the first years, the newer one with ``ip_addr`` and the audiobook fields
after), and optionally the account data (``StreamingHistory_music_N.json`` and
``StreamingHistory_podcast_N.json``, the last year, to the minute). Listening is
deterministic for a seed: daily sessions at likely hours, tastes that drift
from season to season, skips, podcasts, and a few malformed records.
"""

from __future__ import annotations

import io
import itertools
import json
import random
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from spotui.fake.catalog import TRACKS, FakeTrack, library_track

PER_FILE = 15_000  # Spotify splits at about 12 MB
NEWER_FIELDS_FROM = 2023  # the year the newer field set starts, in this fake
SHOWS = (
    ("The Long Listen", "spotify:episode:"),
    ("Night Owls Radio", "spotify:episode:"),
)
# Hours people listen at: a morning commute, the working day, the evening.
HOUR_WEIGHTS = (1, 0, 0, 0, 0, 1, 3, 8, 9, 6, 5, 5, 6, 5, 5, 6, 7, 8, 9, 9, 8, 6, 4, 2)


_ZIPF = tuple(itertools.accumulate(1 / rank for rank in range(1, 61)))


@dataclass(frozen=True, slots=True)
class Stream:
    """One generated stream, before it is written in either layout."""

    ended: datetime
    ms_played: int
    track: FakeTrack | None  # None: a podcast episode
    episode: tuple[str, str, str] | None  # (show, episode title, uri)
    reason_start: str
    reason_end: str
    shuffle: bool
    skipped: bool


def catalogue(size: int) -> tuple[FakeTrack, ...]:
    """The fake's own tracks first, then its generated library (URIs the fake knows)."""
    return TRACKS + tuple(library_track(index) for index in range(max(0, size - len(TRACKS))))


def streams(
    count: int,
    end: datetime,
    *,
    seed: int = 7,
    tracks: int = 400,
    podcasts: float = 0.03,
    per_day: float = 40,
) -> list[Stream]:
    """The newest ``count`` streams ending before ``end``, oldest first."""
    rng = random.Random(seed)
    pool = catalogue(tracks)
    found: list[Stream] = []
    day = end.replace(hour=0, minute=0, second=0, microsecond=0)
    while len(found) < count:  # back from the last day, one day at a time
        season = (end - day).days // 91
        favourites = random.Random(seed * 1000 + season).sample(
            range(len(pool)), k=min(60, len(pool))
        )
        if rng.random() < 0.8:  # about four days in five have listening
            for _ in range(max(1, round(rng.gauss(per_day / 14.5, 0.8)))):
                hour = rng.choices(range(24), HOUR_WEIGHTS)[0]
                moment = day + timedelta(hours=hour, minutes=rng.randint(0, 59))
                for _ in range(rng.randint(4, 25)):
                    stream = _stream(rng, moment, pool, favourites, podcasts)
                    if stream.ended >= end:
                        break
                    found.append(stream)
                    moment = stream.ended + timedelta(seconds=rng.randint(0, 20))
        day -= timedelta(days=1)
    found.sort(key=lambda s: s.ended)
    return found[-count:] if count else []


def _stream(
    rng: random.Random,
    moment: datetime,
    pool: Sequence[FakeTrack],
    favourites: list[int],
    podcasts: float,
) -> Stream:
    shuffle = rng.random() < 0.4
    if rng.random() < podcasts:
        show, prefix = rng.choice(SHOWS)
        number = rng.randint(1, 300)
        played = rng.randint(60_000, 3_000_000)
        episode = (show, f"{show} #{number}", f"{prefix}{show[:4].lower()}{number:018d}")
        return Stream(
            moment + timedelta(milliseconds=played),
            played,
            None,
            episode,
            "clickrow",
            "endplay",
            False,
            False,
        )
    if rng.random() < 0.7:  # a season's favourites, the first few most of all (Zipf)
        track = pool[rng.choices(favourites, cum_weights=_ZIPF[: len(favourites)])[0]]
    else:
        track = rng.choice(pool)
    skipped = rng.random() < 0.15
    if skipped:
        played = rng.choice((rng.randint(200, 5_000), rng.randint(5_000, 60_000)))
        played = min(played, track.duration_ms)
        end_reason = "fwdbtn"
    else:
        played = track.duration_ms
        end_reason = "trackdone"
    start_reason = rng.choice(("trackdone", "trackdone", "fwdbtn", "clickrow", "playbtn"))
    return Stream(
        moment + timedelta(milliseconds=played),
        played,
        track,
        None,
        start_reason,
        end_reason,
        shuffle,
        skipped,
    )


def _extended(stream: Stream, rng: random.Random) -> dict[str, Any]:
    newer = stream.ended.year >= NEWER_FIELDS_FROM
    track, episode = stream.track, stream.episode
    record: dict[str, Any] = {"ts": stream.ended.strftime("%Y-%m-%dT%H:%M:%SZ")}
    if not newer:
        record["username"] = "fakeuser123"
    record["platform"] = rng.choice(("Android OS 14 API 34 (Google, Pixel 8)", "linux", "ios"))
    record["ms_played"] = stream.ms_played
    record["conn_country"] = "GB"
    if newer:
        record["ip_addr"] = f"203.0.113.{rng.randint(1, 254)}"
    else:
        record["ip_addr_decrypted"] = f"198.51.100.{rng.randint(1, 254)}"
        record["user_agent_decrypted"] = "unknown"
    record["master_metadata_track_name"] = track.name if track else None
    record["master_metadata_album_artist_name"] = track.artists[0].name if track else None
    record["master_metadata_album_album_name"] = track.album if track else None
    record["spotify_track_uri"] = track.uri if track else None
    record["episode_name"] = episode[1] if episode else None
    record["episode_show_name"] = episode[0] if episode else None
    record["spotify_episode_uri"] = episode[2] if episode else None
    if newer:
        record.update(
            audiobook_title=None,
            audiobook_uri=None,
            audiobook_chapter_uri=None,
            audiobook_chapter_title=None,
        )
    record.update(
        reason_start=stream.reason_start,
        reason_end=stream.reason_end,
        shuffle=stream.shuffle,
        skipped=stream.skipped if newer or rng.random() < 0.5 else None,
        offline=False,
        offline_timestamp=int(stream.ended.timestamp()),
        incognito_mode=False,
    )
    return record


MALFORMED: tuple[Any, ...] = (
    None,  # not an object
    {"ms_played": 1000, "master_metadata_track_name": "No time"},  # no ts
    {"ts": "yesterday", "ms_played": 1000},  # a time that is no time
    {"ts": "2020-01-01T00:00:00Z", "ms_played": "lots"},  # ms as text
    {"ts": "2020-01-01T00:00:00Z", "ms_played": 3000, "master_metadata_track_name": None},
)


def extended_files(
    found: Sequence[Stream], *, seed: int = 7, malformed: int = 0, per_file: int = PER_FILE
) -> dict[str, bytes]:
    """The extended history as Spotify names and fills its files."""
    rng = random.Random(seed)
    records = [_extended(stream, rng) for stream in found]
    for n in range(malformed):
        records.insert(rng.randint(0, len(records)), MALFORMED[n % len(MALFORMED)])
    files: dict[str, bytes] = {}
    for index, at in enumerate(range(0, len(records), per_file)):
        chunk = records[at : at + per_file]
        years = sorted(
            {
                r["ts"][:4]
                for r in chunk
                if isinstance(r, dict) and "ts" in r and r["ts"][:4].isdigit()
            }
        )
        span = f"{years[0]}-{years[-1]}" if len(years) > 1 else years[0] if years else "0000"
        name = f"Spotify Extended Streaming History/Streaming_History_Audio_{span}_{index}.json"
        files[name] = json.dumps(chunk, ensure_ascii=False, indent=1).encode()
    return files


def account_files(found: Sequence[Stream], end: datetime) -> dict[str, bytes]:
    """The account data's last year: music and podcasts, names only, to the minute."""
    year_ago = end - timedelta(days=365)
    music, podcasts = [], []
    for stream in found:
        if stream.ended < year_ago:
            continue
        when = stream.ended.strftime("%Y-%m-%d %H:%M")
        if stream.track is not None:
            music.append(
                {
                    "endTime": when,
                    "artistName": stream.track.artists[0].name,
                    "trackName": stream.track.name,
                    "msPlayed": stream.ms_played,
                }
            )
        elif stream.episode is not None:
            podcasts.append(
                {
                    "endTime": when,
                    "podcastName": stream.episode[0],
                    "episodeName": stream.episode[1],
                    "msPlayed": stream.ms_played,
                }
            )
    files = {}
    for index, at in enumerate(range(0, len(music), 10_000)):
        files[f"Spotify Account Data/StreamingHistory_music_{index}.json"] = json.dumps(
            music[at : at + 10_000], ensure_ascii=False, indent=2
        ).encode()
    files["Spotify Account Data/StreamingHistory_podcast_0.json"] = json.dumps(
        podcasts, ensure_ascii=False, indent=2
    ).encode()
    return files


def export(
    count: int,
    end: datetime | None = None,
    *,
    seed: int = 7,
    tracks: int = 400,
    podcasts: float = 0.03,
    malformed: int = 0,
    account_data: bool = False,
    per_day: float = 40,
    per_file: int = PER_FILE,
) -> dict[str, bytes]:
    """A whole export: file name (inside the zip) to its bytes. ``per_day``: plays on
    a day with listening (about four days in five)."""
    end = end or datetime.now(UTC)
    found = streams(count, end, seed=seed, tracks=tracks, podcasts=podcasts, per_day=per_day)
    files = extended_files(found, seed=seed, malformed=malformed, per_file=per_file)
    if account_data:
        files.update(account_files(found, end))
    return files


def your_library(tracks: Sequence[tuple[str, str, str, str]]) -> bytes:
    """The account data's ``YourLibrary.json`` for (title, artist, album, uri) tracks, with
    the other keys Spotify writes beside them."""
    body = {
        "tracks": [
            {"artist": artist, "album": album, "track": title, "uri": uri}
            for title, artist, album, uri in tracks
        ],
        "albums": [],
        "shows": [],
        "episodes": [],
        "bannedTracks": [],
        "artists": [],
        "bannedArtists": [],
        "other": [],
    }
    return json.dumps(body, ensure_ascii=False, indent=2).encode()


def write(files: dict[str, bytes], target: Path, when: datetime | None = None) -> Path:
    """Write an export as a zip (``target`` ends in .zip) or into a folder; ``when``: the
    zip's date for its files (local time), as Spotify's export carries."""
    if target.suffix == ".zip":
        buffer = io.BytesIO()
        stamp = (when or datetime.now()).timetuple()[:6]
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in files.items():
                info = zipfile.ZipInfo(f"my_spotify_data/{name}", date_time=stamp)
                archive.writestr(info, data, zipfile.ZIP_DEFLATED)
        target.write_bytes(buffer.getvalue())
        return target
    for name, data in files.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return target


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m spotui.fake.export 300000 out.zip``: write a synthetic export."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m spotui.fake.export", description=main.__doc__)
    parser.add_argument("plays", type=int)
    parser.add_argument("target", type=Path, help="a .zip, or a folder")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--tracks", type=int, default=5_000, help="distinct tracks")
    parser.add_argument("--malformed", type=int, default=5)
    parser.add_argument("--account-data", action="store_true")
    parser.add_argument("--per-day", type=float, default=100, help="plays a listening day")
    args = parser.parse_args(argv)
    files = export(
        args.plays,
        seed=args.seed,
        tracks=args.tracks,
        malformed=args.malformed,
        account_data=args.account_data,
        per_day=args.per_day,
    )
    write(files, args.target)
    print(f"Wrote {args.plays:,} plays in {len(files)} files to {args.target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
