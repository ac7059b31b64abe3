"""``spotui lyrics``: the lyrics of what plays now, once, as LRC or JSON, or line by
line as they are sung (``--follow``, and on with the next track with ``--watch``).

Exit codes are ``now``'s (0; 3 when nothing plays) and 5 when the track has no lyrics
(none found, instrumental, unreadable, or an episode); 1 when LRCLIB cannot answer.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from pathlib import Path
from typing import Any

from spotui.cli import EXIT_ERROR, EXIT_NOTHING_PLAYING, EXIT_OK, Failure, out
from spotui.cli.data import to_json
from spotui.cli.running import Running
from spotui.cli.table import arg, command
from spotui.core.controller import Listener
from spotui.core.remote import Remote
from spotui.lyrics.finder import Lyrics, query_for
from spotui.lyrics.follower import LyricsFollower, LyricsState
from spotui.lyrics.lrclib import LyricsUnavailable, TrackQuery
from spotui.services import Services
from spotui.spotify.models import Playback

EXIT_NO_LYRICS = 5
CURRENT, OTHER = "> ", "  "  # the mark before the line sung now, and before the others
TICK_S = 0.5  # --follow looks again at least this often (a seek, a pause)


def _nothing(playback: Playback | None) -> bool:
    return playback is None or (playback.item is None and not playback.is_ad)


def _named(query: TrackQuery) -> str:
    return f"{query.artist} – {query.title}" if query.artist else query.title


def _no_lyrics(lyrics: Lyrics | None, query: TrackQuery) -> str | None:
    """Why ``query`` has nothing to print, or None when it has lines."""
    if lyrics is None:
        return f"No lyrics found for {_named(query)}."
    if lyrics.kind == "instrumental":
        return f"{_named(query)} is instrumental: it has no lyrics."
    if lyrics.kind == "unreadable":
        return f"The lyrics of {_named(query)} could not be read."
    return None


def _use_config(args: argparse.Namespace) -> Services:
    """The services, looking in the config's ``lyrics_dir`` first."""
    from spotui.config import load_config

    services: Services = args.services
    config, problems = load_config(getattr(args, "config", None))
    for problem in problems:
        print(problem, file=sys.stderr)
    if config.lyrics_dir:
        services.lyrics_dir = Path(config.lyrics_dir).expanduser()
    return services


@command(
    "lyrics",
    "the lyrics of what plays now (--follow: line by line as they are sung)",
    arg("--json", group="style", action="store_true", help="the record and where it came from"),
    arg("--lrc", group="style", action="store_true", help="the synced lyrics as LRC"),
    arg("--follow", group="style", action="store_true", help="print each line as it is sung"),
    arg("--watch", action="store_true", help="as --follow, and go on with the next track"),
    description="Print the lyrics of what plays now, from the config's lyrics_dir (.lrc "
    "files), the cache or LRCLIB (lrclib.net), the line sung now marked with '>'. Exit 0; "
    "3 when nothing plays; 5 when the track has no lyrics; 1 when LRCLIB cannot answer.",
)
async def lyrics(remote: Remote, args: argparse.Namespace) -> int:
    """The lyrics of what plays now, once or as they are sung."""
    services = _use_config(args)
    if args.follow or args.watch:
        return await _follow(remote, services, watch=args.watch)
    playback = (await remote.player.refresh()).playback
    if _nothing(playback):
        return _none(args, "Nothing is playing.", EXIT_NOTHING_PLAYING)
    query = query_for(playback)
    if query is None:
        return _none(args, "Episodes and ads have no lyrics.", EXIT_NO_LYRICS)
    finder = services.lyrics_finder()
    try:
        found = await finder.find(query)
    except LyricsUnavailable as exc:
        raise Failure(exc.message, EXIT_ERROR) from None
    finally:
        await finder.aclose()
    assert playback is not None
    position = playback.progress_ms
    why = _no_lyrics(found, query)
    if args.json:
        out(to_json(_as_json(query, found, position, why), indent=2))
        return EXIT_OK if why is None else EXIT_NO_LYRICS
    if why is not None:
        raise Failure(why, EXIT_NO_LYRICS)
    assert found is not None
    if args.lrc:
        if found.record.synced is None or found.kind != "synced":
            raise Failure(f"{_named(query)} has no synced lyrics (no LRC).", EXIT_NO_LYRICS)
        out(found.record.synced.rstrip("\n"))
        return EXIT_OK
    for line in _page(found, position):
        out(line)
    return EXIT_OK


def _none(args: argparse.Namespace, why: str, code: int) -> int:
    """No track to look up: ``why`` on stderr, or with --json an object saying it (as
    ``now --json`` prints one when nothing plays)."""
    if not args.json:
        raise Failure(why, code)
    out(to_json(_as_json(None, None, None, why), indent=2))
    return code


def _page(found: Lyrics, position_ms: int) -> list[str]:
    """Every line, the one sung at ``position_ms`` marked; plain lyrics as they are."""
    if found.kind != "synced":
        return list(found.plain)
    now = found.synced.index_at(position_ms)
    return [
        ((CURRENT if n == now else OTHER) + line.text).rstrip()
        for n, line in enumerate(found.synced.lines)
    ]


def _as_json(
    query: TrackQuery | None, found: Lyrics | None, position_ms: int | None, message: str | None
) -> dict[str, Any]:
    """The --json object, every key always present; ``message``: why there are no lines."""
    return {
        "track": (
            {
                "title": query.title,
                "artist": query.artist,
                "album": query.album,
                "duration_s": query.duration_s,
            }
            if query
            else None
        ),
        "found": found is not None,
        "kind": found.kind if found else None,
        "source": found.source if found else None,
        "path": found.path if found else None,
        "position_ms": position_ms,
        "line": found.synced.index_at(position_ms) if found and position_ms is not None else -1,
        "record": found.record.json() if found else None,
        "message": message,
    }


async def _follow(remote: Remote, services: Services, *, watch: bool) -> int:
    """Print each line as it is sung, on the app's own poll loop and lyrics follower;
    stop when the track changes (``watch``: go on), on SIGINT/SIGTERM, or when the
    track has no lyrics (``watch``: say so and wait for the next)."""
    running = Running()
    changed = asyncio.Event()
    controller = remote.player  # the history keeper rides along (see Services.player)
    follower = services.lyrics
    assert follower is not None
    controller.subscribe(Listener(signed_out=running.ended))
    follower.watch(lambda _state: changed.set())
    follower.enable()
    printer = _Printer(follower, watch)
    async with running.polling(controller):
        while not running.stop.is_set():
            done = printer.step()
            if done is not None:
                running.code = done
                break
            changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), printer.wait_s())
    return running.result()


class _Printer:
    """What ``--follow`` has printed, and what to print next."""

    def __init__(self, follower: LyricsFollower, watch: bool):
        self.follower = follower
        self.watch = watch
        self.first: TrackQuery | None = None  # the track --follow follows
        self.track: LyricsState | None = None  # the answer being printed
        self.printed = -1  # the last line printed

    def step(self) -> int | None:
        """Print what is due; an exit code when --follow is done."""
        state = self.follower.state
        if not self.follower.polled:
            return None  # the first poll is not in yet
        if state.status in ("idle", "not a track") and not self.watch:
            if state.status == "idle":
                raise Failure("Nothing is playing.", EXIT_NOTHING_PLAYING)
            raise Failure("Episodes and ads have no lyrics.", EXIT_NO_LYRICS)
        if state.status not in ("found", "none", "offline") or state.query is None:
            return None
        if self.first is None:
            self.first = state.query
        elif state.query != self.first and not self.watch:
            return EXIT_OK  # the track changed
        if state is not self.track:
            return self._new_track(state)
        self._sung()
        return None

    def _new_track(self, state: LyricsState) -> int | None:
        assert state.query is not None
        self.track, self.printed = state, -1
        if self.watch:
            out(f"# {_named(state.query)}")
        if state.status == "offline":
            return self._lacking(state.message + ".", EXIT_ERROR)
        why = _no_lyrics(state.lyrics, state.query)
        if why is not None:
            return self._lacking(why, EXIT_NO_LYRICS)
        assert state.lyrics is not None
        if state.lyrics.kind != "synced":
            for line in state.lyrics.plain:
                out(line)
            return None if self.watch else EXIT_OK
        self._sung()
        return None

    def _lacking(self, why: str, code: int) -> int | None:
        if not self.watch:
            raise Failure(why, code)
        print(why, file=sys.stderr, flush=True)
        return None

    def _sung(self) -> None:
        index = self.follower.index()
        lyrics = self.track.lyrics if self.track else None
        if lyrics is None or index < 0 or index == self.printed:
            return
        self.printed = index
        out(lyrics.synced.lines[index].text)

    def wait_s(self) -> float:
        """Until the next line is due (a tick at most)."""
        lyrics = self.track.lyrics if self.track else None
        if lyrics is None or not lyrics.synced.lines:
            return TICK_S
        index = self.follower.index()
        due = lyrics.synced.next_at_ms(index)
        if due is None:
            return TICK_S
        return min(TICK_S, max(0.005, (due - self.follower.position_ms()) / 1000))
