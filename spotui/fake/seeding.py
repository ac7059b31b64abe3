"""The demo's listening history: a few years of made-up plays, seeded into an archive."""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import Any

from spotui.fake.export import streams
from spotui.history.db import Archive
from spotui.history.records import EXTENDED, MUSIC, PODCAST, PlayRecord

DEMO_YEARS_OF_PLAYS = 22_000  # about three years, at 25 plays a listening day


def recently_played(archive: Archive, fake: Any) -> None:
    """Keep what the fake's recently played holds, as a sync would: so that every face
    of the demo (the Stats tab after its first sync, ``history stats``) counts the same."""
    from spotui.fake.account import iso
    from spotui.history.records import API
    from spotui.history.sync import record
    from spotui.spotify.models import PlayHistory

    account = fake.account
    entries = (
        PlayHistory.from_json({"track": account.item_json(uri), "played_at": iso(at)})
        for uri, at, _ in account.history
    )
    now_ms = int(fake.clock() * 1000)
    plays = [
        play
        for play in (record(entry, now_ms) for entry in entries if entry is not None)
        if isinstance(play, PlayRecord)
    ]
    with archive.write() as writer:
        writer.add(plays, API)


def demo_archive(now: float) -> Archive:
    """A fresh in-memory archive holding the demo's listening, up to the day before
    ``now`` (the demo's services add the fake's recently played)."""
    archive = Archive(None)
    _demo_template(int(now // 86_400)).db.backup(archive.db)
    return archive


@functools.lru_cache(maxsize=1)
def _demo_template(day: int) -> Archive:
    """Built once a process for a given day (tests start many demo apps)."""
    end = datetime.fromtimestamp(day * 86_400, UTC)
    plays = []
    for stream in streams(DEMO_YEARS_OF_PLAYS, end, per_day=25, tracks=400):
        track, episode = stream.track, stream.episode
        at = int(stream.ended.timestamp() * 1000)
        common: dict[str, Any] = {
            "played_at": at,
            "ms_played": stream.ms_played,
            "skipped": stream.skipped,
            "reason_start": stream.reason_start,
            "reason_end": stream.reason_end,
            "shuffle": stream.shuffle,
        }
        if track is not None:
            plays.append(
                PlayRecord(
                    name=track.name,
                    artist=track.artists[0].name,
                    album=track.album,
                    uri=track.uri,
                    duration_ms=track.duration_ms,
                    kind=MUSIC,
                    **common,
                )
            )
        elif episode is not None:
            plays.append(PlayRecord(name=episode[1], artist=episode[0], kind=PODCAST, **common))
    template = Archive(None)
    with template.write() as writer:
        writer.add(plays, EXTENDED)
    return template
