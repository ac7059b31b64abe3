"""The playback controls: play, pause, toggle, next, prev, seek, volume, shuffle, repeat,
like, unlike, devices and transfer; each sent through the hub (``Remote.send``), as the
TUI's keys are."""

from __future__ import annotations

import argparse
import re

from spotui.cli import EXIT_NOTHING_PLAYING, EXIT_OK, EXIT_USAGE, Failure, out
from spotui.cli.output import device_json, to_json
from spotui.cli.table import arg, command
from spotui.core.controller import Command
from spotui.core.fields import REPEAT_SAID
from spotui.core.player import PlayerState
from spotui.core.remote import Remote
from spotui.format import mmss
from spotui.spotify.errors import no_device_hint
from spotui.spotify.models import (
    NOT_SAVABLE,
    REPEAT_MODES,
    Device,
    Playback,
    RepeatMode,
    Track,
)


async def _playing(remote: Remote) -> PlayerState:
    """The player now, with its playback; a one-line failure when there is none."""
    state = await remote.player.refresh()
    if state.playback is None:
        raise Failure(
            no_device_hint("use `spotui transfer`") + ".",
            EXIT_NOTHING_PLAYING,
        )
    return state


def _playback(state: PlayerState) -> Playback:
    assert state.playback is not None  # see _playing
    return state.playback


def _simple(name: str, help: str, send: Command, said: str) -> None:
    """pause, next and prev: one command, one line said (play: music.py)."""

    async def run(remote: Remote, _: argparse.Namespace) -> int:
        await remote.send(send)
        out(said)
        return EXIT_OK

    command(name, help)(run)


_simple("pause", "pause playback", lambda c: c.pause(), "⏸ Paused")
_simple("next", "skip to the next track", lambda c: c.next(), "⏭ Next")
_simple("prev", "go back to the previous track", lambda c: c.previous(), "⏮ Previous")


@command("toggle", "play or pause")
async def toggle(remote: Remote, _: argparse.Namespace) -> int:
    state = await _playing(remote)
    toggled = state.toggled(remote.player.monotonic())
    if _playback(state).is_playing:
        await remote.send(lambda c: c.pause(), toggled)
        out("⏸ Paused")
    else:
        await remote.send(lambda c: c.play(), toggled)
        out("▶ Playing")
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


@command("seek", "seek: +10s, -10s, 1:23", arg("position", help="+10s, -10s, 1:23 or 83"))
async def seek(remote: Remote, args: argparse.Namespace) -> int:
    """Seek within the track: a position past its end is a usage error, and a relative
    seek stops a second before the end (seeking to the end would skip the track)."""
    sign, ms = parse_seek(args.position)
    state = await _playing(remote)
    playback = _playback(state)
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
    await remote.send(lambda c: c.seek(target))
    out(f"⏩ {mmss(target)}{note}")
    return EXIT_OK


@command("volume", "volume: 50, +5, -5", arg("level", help="0-100, or +N / -N"))
async def volume(remote: Remote, args: argparse.Namespace) -> int:
    text = args.level.strip().rstrip("%")
    if not re.fullmatch(r"[+-]?\d{1,3}", text):
        raise Failure(f"Volume takes 50, +5 or -5 (got {args.level!r}).", EXIT_USAGE)
    level = int(text)
    note = ""
    if text[0] in "+-":
        playback = _playback(await _playing(remote))
        current = playback.device.volume_percent if playback.device else None
        if current is None:
            raise Failure("This device does not report its volume.")
        wanted = current + level
        level = max(0, min(100, wanted))
        note = " (the most)" if wanted > 100 else " (muted)" if wanted < 0 else ""
    elif level > 100:
        raise Failure(f"Volume is 0 to 100 (got {level}).", EXIT_USAGE)
    await remote.send(lambda c: c.set_volume(level))
    out(f"🔊 {level}%{note}")
    return EXIT_OK


@command("shuffle", "shuffle on or off", arg("state", choices=("on", "off")))
async def shuffle(remote: Remote, args: argparse.Namespace) -> int:
    await remote.send(lambda c: c.set_shuffle(args.state == "on"))
    out(f"Shuffle {args.state}")
    return EXIT_OK


# The app's words (all, one), and Spotify's (context, track), which still work.
REPEAT_WORDS: dict[str, RepeatMode] = {
    **{word: mode for mode, word in REPEAT_SAID.items()},
    **{mode: mode for mode in REPEAT_MODES},
}


@command(
    "repeat",
    "repeat off, all or one (context and track say the same)",
    arg(
        "state",
        choices=tuple(REPEAT_WORDS),
        metavar="off|all|one",
        help="off, all (the list) or one (the track); context and track say the same",
    ),
)
async def repeat(remote: Remote, args: argparse.Namespace) -> int:
    mode = REPEAT_WORDS[args.state]
    await remote.send(lambda c: c.set_repeat(mode))
    out(f"Repeat {REPEAT_SAID[mode]}")
    return EXIT_OK


async def _current_track(remote: Remote) -> Track:
    item = _playback(await _playing(remote)).item
    if item is None:
        raise Failure("Nothing is playing.", EXIT_NOTHING_PLAYING)
    if not isinstance(item, Track) or not item.savable:
        raise Failure(NOT_SAVABLE)
    return item


def _library_change(name: str, help: str, save: bool) -> None:
    """like and unlike: the playing track into or out of the library."""

    async def run(remote: Remote, _: argparse.Namespace) -> int:
        track = await _current_track(remote)
        uris = [track.uri or ""]
        if save:
            await remote.send(lambda c: c.save_to_library(uris))
            out(f"♥ Saved: {track.name}")
        else:
            await remote.send(lambda c: c.remove_from_library(uris))
            out(f"♡ Removed: {track.name}")
        return EXIT_OK

    command(name, help)(run)


_library_change("like", "save the current track to your library", save=True)
_library_change("unlike", "remove the current track from your library", save=False)


@command("devices", "list your devices", arg("--json", action="store_true"))
async def devices(remote: Remote, args: argparse.Namespace) -> int:
    found = await remote.player.devices()
    if args.json:
        out(to_json([device_json(d) for d in found]))
    elif not found:
        out("No devices. Open Spotify on a phone, computer or speaker.")
    for device in found if not args.json else ():
        mark = "●" if device.is_active else " "
        volume = "" if device.volume_percent is None else f"  {device.volume_percent}%"
        note = "  (cannot be controlled)" if device.is_restricted or not device.id else ""
        out(f"{mark} {device.name} ({device.type}){volume}{note}")
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


@command("transfer", "play on another device", arg("device", metavar="NAME|ID"))
async def transfer(remote: Remote, args: argparse.Namespace) -> int:
    device = pick_device(await remote.player.devices(), args.device)
    await remote.send(lambda c: c.transfer(device.id or ""))
    out(f"Playing on {device.name}")
    return EXIT_OK
