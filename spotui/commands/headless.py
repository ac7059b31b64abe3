"""The headless commands: ``spotui now``, the controls, and the lists. No Textual here."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import io
import os
import re
import select
import signal
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TextIO

from spotui import paths
from spotui.commands import EXIT_ERROR, EXIT_NOTHING_PLAYING, EXIT_OK, EXIT_SIGNED_OUT, EXIT_USAGE
from spotui.commands.output import (
    FormatError,
    check_template,
    format_fields,
    human_line,
    now_json,
    render,
    state_of,
    to_json,
    watch_key,
)
from spotui.controller import PlayerController, Trouble
from spotui.format import mmss
from spotui.player import PlayerState
from spotui.services import Services
from spotui.spotify.client import NotModified, SpotifyClient
from spotui.spotify.errors import (
    AuthError,
    AuthExpired,
    NoActiveDevice,
    SpotifyError,
)
from spotui.spotify.models import (
    REPEAT_MODES,
    Artist,
    Device,
    Paging,
    Playback,
    SavedTrack,
    TimeRange,
    Track,
)

SIGN_IN_HINT = "Run `spotui auth` to sign in."
OFFLINE = ("offline",)  # what --watch last printed, when it was the offline line
# One-shot commands give up within about ten seconds when Spotify does not answer
# (a status bar must not hang); the library export, many requests long, is patient.
QUICK = {"timeout": 4.0, "retries": 1}
RANGES: dict[str, TimeRange] = {
    "short": "short_term",
    "medium": "medium_term",
    "long": "long_term",
}


class Failure(Exception):
    """A command cannot go on: one line for stderr and an exit code."""

    def __init__(self, message: str, code: int = EXIT_ERROR):
        super().__init__(message)
        self.code = code


Command = Callable[[SpotifyClient, argparse.Namespace], Awaitable[int]]


def _out(line: str = "") -> None:
    print(line, flush=True)


# --- now ----------------------------------------------------------------------------


def _render_now(
    playback: Playback | None, args: argparse.Namespace, *, offline: bool = False
) -> str:
    if args.json:
        return to_json(now_json(playback, offline=offline))
    if args.format is not None:
        return render(args.format, format_fields(playback, offline=offline))
    return "Offline" if offline else human_line(playback)


def _nothing(playback: Playback | None) -> bool:
    return state_of(playback) in ("no_active_device", "nothing_playing")


async def now(spotify: SpotifyClient, args: argparse.Namespace) -> int:
    """What plays now: one line, JSON, or a template; --watch for every change."""
    if args.format is not None:
        try:
            check_template(args.format)
        except FormatError as exc:
            raise Failure(str(exc), EXIT_USAGE) from None
    if args.watch:
        return await _watch(spotify, args)
    playback = await spotify.playback()
    _out(_render_now(playback, args))
    return EXIT_NOTHING_PLAYING if _nothing(playback) else EXIT_OK


def _stdout_closed() -> bool:
    """True when whoever reads our stdout has gone (a status bar restarted, say)."""
    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLERR | select.POLLHUP)
        return bool(poller.poll(0))
    except (OSError, ValueError, AttributeError):
        return False


async def _watch(spotify: SpotifyClient, args: argparse.Namespace) -> int:
    """Print a line at each change, on the app's own poll loop; stop on SIGINT/SIGTERM or a
    closed pipe. Going offline prints one offline line, so a status bar is never stale."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    code = {"value": EXIT_OK}
    printed: list[tuple[object, ...]] = []  # the last line's key
    signed_out: list[str] = []

    def interrupted(value: int) -> None:
        code["value"] = value
        stop.set()

    def say(key: tuple[object, ...], line: str) -> None:
        if printed[-1:] == [key]:
            return
        printed[:] = [key]
        try:
            _out(line)
        except BrokenPipeError:
            stop.set()

    def changed(state: PlayerState) -> None:
        say(watch_key(state.playback), _render_now(state.playback, args))

    def trouble(problem: Trouble | None) -> None:
        if problem is not None and problem.offline:
            say(OFFLINE, _render_now(None, args, offline=True))

    def ended(reason: str) -> None:
        signed_out.append(reason)
        stop.set()

    for sig, value in ((signal.SIGINT, 130), (signal.SIGTERM, EXIT_OK)):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, interrupted, value)
    controller = PlayerController(
        spotify, interval=5.0, on_state=changed, on_trouble=trouble, on_signed_out=ended
    )
    polling = asyncio.ensure_future(controller.run())
    try:
        while not stop.is_set():
            if _stdout_closed():
                return EXIT_OK
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 1.0)
    finally:
        polling.cancel()
        await asyncio.gather(polling, return_exceptions=True)
    if signed_out:
        raise AuthExpired(signed_out[0])
    return code["value"]


# --- controls -----------------------------------------------------------------------


async def _playback(spotify: SpotifyClient) -> Playback:
    playback = await spotify.playback()
    if playback is None:
        raise Failure(
            "No active device: open Spotify on a device, or use `spotui transfer`.",
            EXIT_NOTHING_PLAYING,
        )
    return playback


async def play(spotify: SpotifyClient, _: argparse.Namespace) -> int:
    await spotify.play()
    _out("▶ Playing")
    return EXIT_OK


async def pause(spotify: SpotifyClient, _: argparse.Namespace) -> int:
    await spotify.pause()
    _out("⏸ Paused")
    return EXIT_OK


async def toggle(spotify: SpotifyClient, args: argparse.Namespace) -> int:
    playback = await _playback(spotify)
    return await (pause if playback.is_playing else play)(spotify, args)


async def next_(spotify: SpotifyClient, _: argparse.Namespace) -> int:
    await spotify.next()
    _out("⏭ Next")
    return EXIT_OK


async def previous(spotify: SpotifyClient, _: argparse.Namespace) -> int:
    await spotify.previous()
    _out("⏮ Previous")
    return EXIT_OK


_TIME = re.compile(r"^(?P<sign>[+-])?(?:(?P<min>\d+):(?P<sec>[0-5]\d)|(?P<secs>\d+)s?)$")


def parse_seek(text: str) -> tuple[int | None, int]:
    """``+10s`` → (+1, 10000); ``-10s`` → (-1, 10000); ``1:23`` → (None, 83000)."""
    match = _TIME.match(text.strip())
    if match is None:
        raise Failure(f"Seek takes +10s, -10s, 1:23 or 83 (got {text!r}).", EXIT_USAGE)
    if match["secs"] is not None:
        ms = int(match["secs"]) * 1000
    else:
        ms = (int(match["min"]) * 60 + int(match["sec"])) * 1000
    sign = {"+": 1, "-": -1}.get(match["sign"] or "")
    return sign, ms


async def seek(spotify: SpotifyClient, args: argparse.Namespace) -> int:
    """Seek within the track: a position past its end is a usage error, and a relative
    seek stops a second before the end (seeking to the end would skip the track)."""
    sign, ms = parse_seek(args.position)
    playback = await _playback(spotify)
    length = playback.duration_ms
    if sign is None:
        if length and ms >= length:
            raise Failure(f"{mmss(ms)} is past the end of this track ({mmss(length)}).", EXIT_USAGE)
        target, note = ms, ""
    else:
        target = max(0, playback.progress_ms + sign * ms)
        last = max(0, length - 1000)
        note = " (the end of the track)" if length and target > last else ""
        target = min(target, last) if length else target
    await spotify.seek(target)
    _out(f"⏩ {mmss(target)}{note}")
    return EXIT_OK


async def volume(spotify: SpotifyClient, args: argparse.Namespace) -> int:
    text = args.level.strip().rstrip("%")
    if not re.fullmatch(r"[+-]?\d{1,3}", text):
        raise Failure(f"Volume takes 50, +5 or -5 (got {args.level!r}).", EXIT_USAGE)
    level = int(text)
    note = ""
    if text[0] in "+-":
        playback = await _playback(spotify)
        current = playback.device.volume_percent if playback.device else None
        if current is None:
            raise Failure("This device does not report its volume.")
        wanted = current + level
        level = max(0, min(100, wanted))
        note = " (the most)" if wanted > 100 else " (muted)" if wanted < 0 else ""
    elif level > 100:
        raise Failure(f"Volume is 0 to 100 (got {level}).", EXIT_USAGE)
    await spotify.set_volume(level)
    _out(f"🔊 {level}%{note}")
    return EXIT_OK


async def shuffle(spotify: SpotifyClient, args: argparse.Namespace) -> int:
    await spotify.set_shuffle(args.state == "on")
    _out(f"Shuffle {args.state}")
    return EXIT_OK


async def repeat(spotify: SpotifyClient, args: argparse.Namespace) -> int:
    await spotify.set_repeat(args.state)
    _out(f"Repeat {args.state}")
    return EXIT_OK


async def _current_track(spotify: SpotifyClient) -> Track:
    playback = await _playback(spotify)
    item = playback.item
    if item is None:
        raise Failure("Nothing is playing.", EXIT_NOTHING_PLAYING)
    if not isinstance(item, Track) or item.is_local or not item.uri:
        raise Failure("Only Spotify tracks can be saved (not episodes, ads or local files).")
    return item


async def like(spotify: SpotifyClient, _: argparse.Namespace) -> int:
    track = await _current_track(spotify)
    await spotify.save_to_library([track.uri or ""])
    _out(f"♥ Saved: {track.name}")
    return EXIT_OK


async def unlike(spotify: SpotifyClient, _: argparse.Namespace) -> int:
    track = await _current_track(spotify)
    await spotify.remove_from_library([track.uri or ""])
    _out(f"♡ Removed: {track.name}")
    return EXIT_OK


def _device_json(device: Device) -> dict[str, Any]:
    return {
        "id": device.id,
        "name": device.name,
        "type": device.type,
        "is_active": device.is_active,
        "is_restricted": device.is_restricted,
        "volume_percent": device.volume_percent,
    }


async def devices(spotify: SpotifyClient, args: argparse.Namespace) -> int:
    found = await spotify.devices()
    if args.json:
        _out(to_json([_device_json(d) for d in found]))
    elif not found:
        _out("No devices. Open Spotify on a phone, computer or speaker.")
    for device in found if not args.json else ():
        mark = "●" if device.is_active else " "
        volume = "" if device.volume_percent is None else f"  {device.volume_percent}%"
        note = "  (cannot be controlled)" if device.is_restricted or not device.id else ""
        _out(f"{mark} {device.name} ({device.type}){volume}{note}")
    return EXIT_OK


def pick_device(found: tuple[Device, ...], wanted: str) -> Device:
    """By id, then by name (any case), then by a unique start of a name."""
    if not wanted.strip():
        raise Failure("Name a device (see `spotui devices`).", EXIT_USAGE)
    usable = [d for d in found if d.id]
    for match in (
        [d for d in usable if d.id == wanted],
        [d for d in usable if d.name.casefold() == wanted.casefold()],
        [d for d in usable if d.name.casefold().startswith(wanted.casefold())],
    ):
        if len(match) == 1:
            return match[0]
        if len(match) > 1:
            names = ", ".join(d.name for d in match)
            raise Failure(f"{wanted!r} matches several devices: {names}.", EXIT_USAGE)
    names = ", ".join(d.name for d in usable) or "none"
    raise Failure(f"No device called {wanted!r}. Devices: {names}.")


async def transfer(spotify: SpotifyClient, args: argparse.Namespace) -> int:
    device = pick_device(await spotify.devices(), args.device)
    await spotify.transfer(device.id or "")
    _out(f"Playing on {device.name}")
    return EXIT_OK


# --- lists --------------------------------------------------------------------------


async def top(spotify: SpotifyClient, args: argparse.Namespace) -> int:
    time_range = RANGES[args.range]
    page: Paging[Track] | Paging[Artist] | NotModified
    if args.kind == "tracks":
        page = await spotify.top_tracks(time_range, limit=args.limit)
    else:
        page = await spotify.top_artists(time_range, limit=args.limit)
    assert not isinstance(page, NotModified)  # no ETag was sent
    items: tuple[Track | Artist, ...] = page.items
    if args.json:
        _out(to_json([_item_json(item) for item in items]))
        return EXIT_OK
    for rank, item in enumerate(items, 1):
        if isinstance(item, Artist):
            genres = f"  ({', '.join(item.genres[:3])})" if item.genres else ""
            _out(f"{rank:>3}. {item.name}{genres}")
        else:
            _out(f"{rank:>3}. {item.name} — {item.artist_names}")
    return EXIT_OK


def _item_json(item: Track | Artist) -> dict[str, Any]:
    if isinstance(item, Artist):
        return {
            "name": item.name,
            "id": item.id,
            "uri": item.uri,
            "genres": None if item.genres is None else list(item.genres),
            "popularity": item.popularity,
            "followers": item.followers,
            "url": item.url,
        }
    return {
        "title": item.name,
        "artists": [a.name for a in item.artists],
        "album": item.album.name if item.album else None,
        "duration_ms": item.duration_ms,
        "id": item.id,
        "uri": item.uri,
        "url": item.url,
    }


async def recent(spotify: SpotifyClient, args: argparse.Namespace) -> int:
    page = await spotify.recently_played(limit=args.limit)
    if args.json:
        _out(
            to_json(
                [
                    {
                        **_item_json(entry.track),
                        "played_at": entry.played_at.isoformat() if entry.played_at else None,
                    }
                    for entry in page.items
                ]
            )
        )
        return EXIT_OK
    for entry in page.items:
        when = entry.played_at.astimezone().strftime("%Y-%m-%d %H:%M") if entry.played_at else ""
        _out(f"{when}  {entry.track.name} — {entry.track.artist_names}")
    return EXIT_OK


LIBRARY_FIELDS = ("added_at", "title", "artists", "album", "duration_ms", "id", "uri", "url")


def _saved_row(entry: SavedTrack) -> dict[str, Any]:
    added = entry.added_at.isoformat() if entry.added_at else None
    return {"added_at": added, **_item_json(entry.track)}


class _Progress:
    """A bar on stderr, only when stderr is a terminal."""

    def __init__(self, stream: TextIO):
        self.stream = stream
        self.enabled = stream.isatty()

    def show(self, done: int, total: int) -> None:
        if not self.enabled or not total:
            return
        width = 30
        filled = int(width * done / total)
        bar = "█" * filled + "░" * (width - filled)
        self.stream.write(f"\rSaved tracks {bar} {done:,}/{total:,}")
        self.stream.flush()

    def end(self) -> None:
        if self.enabled:
            self.stream.write("\n")


def _checked_output(path: Path) -> Path | None:
    """Where the export goes: None for stdout (``-``). A path that cannot be written is
    refused before anything is downloaded; no folder is created."""
    if str(path) == "-":
        return None
    if path.is_dir():
        raise Failure(f"{path} is a folder; name a file.", EXIT_USAGE)
    if path.exists() or path.is_symlink():
        if not os.access(path, os.W_OK):
            raise Failure(f"Cannot write {path}: permission denied.", EXIT_USAGE)
        return path
    folder = path.parent
    if not folder.is_dir():
        raise Failure(f"Cannot write {path}: the folder {folder} does not exist.", EXIT_USAGE)
    if not os.access(folder, os.W_OK):
        raise Failure(f"Cannot write in {folder}: permission denied.", EXIT_USAGE)
    return path


def _write_export(path: Path, text: str) -> None:
    """A regular file is replaced whole (mode 0600); a device, pipe or link is written to
    as it is, never replaced."""
    if path.exists() and (path.is_symlink() or not path.is_file()):
        with open(path, "w", encoding="utf-8") as out:
            out.write(text)
    else:
        paths.write_private(path, text)


async def library(spotify: SpotifyClient, args: argparse.Namespace) -> int:
    """Export every saved track, in library order (newest first)."""
    target = _checked_output(args.output) if args.output else None
    progress = _Progress(sys.stderr)
    pages: dict[int, Paging[SavedTrack]] = {}
    total = loaded = 0
    async for page in spotify.iter_saved_tracks(page_size=50, concurrency=4):
        pages[page.offset] = page
        total = page.total
        loaded += len(page.items)
        progress.show(loaded, total)
    progress.end()
    rows = [_saved_row(entry) for offset in sorted(pages) for entry in pages[offset].items]
    buffer = io.StringIO()
    if args.csv:
        writer = csv.DictWriter(buffer, fieldnames=LIBRARY_FIELDS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "artists": "; ".join(row["artists"])})
    elif args.json:
        buffer.write(to_json(rows, indent=1, ascii_only=target is None) + "\n")
    else:
        for row in rows:
            buffer.write(f"{row['title']} — {', '.join(row['artists'])}\n")
    if target is not None:
        try:
            _write_export(target, buffer.getvalue())
        except OSError as exc:
            raise Failure(f"Cannot write {target}: {exc.strerror or type(exc).__name__}.") from None
        print(f"Wrote {len(rows):,} saved tracks to {target}", file=sys.stderr)
    else:
        sys.stdout.write(buffer.getvalue())
        sys.stdout.flush()
    return EXIT_OK


COMMANDS: dict[str, Command] = {
    "now": now,
    "play": play,
    "pause": pause,
    "toggle": toggle,
    "next": next_,
    "prev": previous,
    "seek": seek,
    "volume": volume,
    "shuffle": shuffle,
    "repeat": repeat,
    "like": like,
    "unlike": unlike,
    "devices": devices,
    "transfer": transfer,
    "top": top,
    "recent": recent,
    "library": library,
}


def add_commands(commands: argparse._SubParsersAction) -> None:
    """The headless subcommands and their options."""
    now_ = commands.add_parser(
        "now",
        help="what plays now (one line, --json, or --format)",
        description="Print what plays now. Exit 0 when something plays; 3 when nothing "
        "plays or no device is active.",
    )
    style = now_.add_mutually_exclusive_group()
    style.add_argument("--json", action="store_true", help="the documented JSON object")
    style.add_argument(
        "--format",
        metavar="TEMPLATE",
        help="e.g. '{artist} - {title}'; fields are listed in the README",
    )
    now_.add_argument("--watch", action="store_true", help="print a new line at each change")
    for name, text in (
        ("play", "resume playback"),
        ("pause", "pause playback"),
        ("toggle", "play or pause"),
        ("next", "skip to the next track"),
        ("prev", "go back to the previous track"),
        ("like", "save the current track to your library"),
        ("unlike", "remove the current track from your library"),
    ):
        commands.add_parser(name, help=text)
    seek_ = commands.add_parser("seek", help="seek: +10s, -10s, 1:23")
    seek_.add_argument("position", help="+10s, -10s, 1:23 or 83")
    volume_ = commands.add_parser("volume", help="volume: 50, +5, -5")
    volume_.add_argument("level", help="0-100, or +N / -N")
    shuffle_ = commands.add_parser("shuffle", help="shuffle on or off")
    shuffle_.add_argument("state", choices=("on", "off"))
    repeat_ = commands.add_parser("repeat", help="repeat off, track or context")
    repeat_.add_argument("state", choices=REPEAT_MODES)
    devices_ = commands.add_parser("devices", help="list your devices")
    devices_.add_argument("--json", action="store_true")
    transfer_ = commands.add_parser("transfer", help="play on another device")
    transfer_.add_argument("device", metavar="NAME|ID")
    top_ = commands.add_parser("top", help="your top tracks or artists")
    top_.add_argument("kind", choices=("tracks", "artists"))
    top_.add_argument(
        "--range",
        choices=tuple(RANGES),
        default="medium",
        help="short (4 weeks), medium (6 months), long (all time)",
    )
    top_.add_argument("--limit", type=int, default=20, choices=range(1, 51), metavar="1-50")
    top_.add_argument("--json", action="store_true")
    recent_ = commands.add_parser("recent", help="recently played tracks")
    recent_.add_argument("--limit", type=int, default=20, choices=range(1, 51), metavar="1-50")
    recent_.add_argument("--json", action="store_true")
    library_ = commands.add_parser("library", help="export your saved tracks")
    kind = library_.add_mutually_exclusive_group()
    kind.add_argument("--json", action="store_true")
    kind.add_argument("--csv", action="store_true")
    library_.add_argument(
        "-o", "--output", type=lambda text: Path(text).expanduser(), metavar="FILE"
    )


async def run(command: str, args: argparse.Namespace, *, demo: bool) -> int:
    """Run one headless command; every failure is one line on stderr and an exit code."""
    services = Services.demo_mode() if demo else Services.real()
    spotify = services.connect(**({} if command == "library" else QUICK))
    if spotify is None:
        print(services.problem or f"spotui is not signed in. {SIGN_IN_HINT}", file=sys.stderr)
        return EXIT_ERROR if services.unreadable else EXIT_SIGNED_OUT
    try:
        return await COMMANDS[command](spotify, args)
    except Failure as exc:
        print(str(exc), file=sys.stderr)
        return exc.code
    except AuthError as exc:
        hint = "" if "spotui auth" in exc.message else f" {SIGN_IN_HINT}"
        print(exc.message + hint, file=sys.stderr)
        return EXIT_SIGNED_OUT
    except NoActiveDevice as exc:
        print(exc.message, file=sys.stderr)
        return EXIT_NOTHING_PLAYING
    except SpotifyError as exc:
        print(exc.message, file=sys.stderr)
        return EXIT_ERROR
    finally:
        await spotify.aclose()
