"""Playing music from the command line: play a URI or a search hit, the queue, search,
and your playlists; through the hub and the core's browsing."""

from __future__ import annotations

import argparse
import re
from typing import Any

from spotui.cli import EXIT_OK, EXIT_USAGE, Failure, out
from spotui.cli.output import item_json, playlist_json, to_json
from spotui.cli.table import arg, command
from spotui.core.remote import Remote
from spotui.spotify.models import (
    SEARCH_LIMIT,
    SEARCH_TYPES,
    Album,
    Artist,
    Item,
    Playlist,
    SearchResults,
    SearchType,
    Track,
)

KINDS = ("track", "album", "artist", "playlist", "show", "episode")
CONTEXT_KINDS = ("album", "artist", "playlist", "show")
# An old link or URI names the playlist's owner first: …/user/NAME/playlist/ID.
_URL = re.compile(
    r"^https?://open\.spotify\.com/(?:intl-[a-z-]+/)?(?:user/[^/?#]+/)?([a-z]+)/([0-9A-Za-z]+)"
)
_URI = re.compile(r"^spotify:(?:user:[^:]+:)?([a-z]+):([0-9A-Za-z]{22})$")


def parse_uri(text: str) -> tuple[str, str]:
    """(kind, URI) from a Spotify URI or an open.spotify.com link; a usage error otherwise."""
    text = text.strip()
    link = _URL.match(text)
    if link is not None:
        text = f"spotify:{link[1]}:{link[2]}"
    found = _URI.match(text)
    if found is None or found[1] not in KINDS:
        raise Failure(
            f"{text!r} is not a Spotify URI or link (spotify:track:… or "
            "https://open.spotify.com/track/…).",
            EXIT_USAGE,
        )
    return found[1], f"spotify:{found[1]}:{found[2]}"


def searchable(query: str) -> None:
    """A usage error for a query with no words: Spotify would only refuse it."""
    if not query.strip():
        raise Failure("Give some words to search for.", EXIT_USAGE)


def _name(item: Track | Album | Artist | Playlist) -> str:
    return item.name


async def first_hit(remote: Remote, query: str, kind: SearchType) -> Any:
    """The first search result of ``kind``, or a one-line failure."""
    searchable(query)
    results = await remote.browse.search(query, (kind,), limit=1)
    page = {
        "track": results.tracks,
        "album": results.albums,
        "artist": results.artists,
        "playlist": results.playlists,
    }[kind]
    if page is None or not page.items or not page.items[0].uri:
        raise Failure(f"Spotify found no {kind} for {query!r}.")
    return page.items[0]


_SEARCH = arg("--search", metavar="QUERY", help="the first match of a search instead")
_TYPE = arg("--type", choices=SEARCH_TYPES, default="track", help="what --search looks for (track)")


@command(
    "play",
    "resume, or play a URI or the first search match",
    arg("uri", nargs="?", help="a Spotify URI or open.spotify.com link"),
    _SEARCH,
    _TYPE,
    arg("--device", metavar="ID", help="play on this device (an id from `spotui devices`)"),
)
async def play(remote: Remote, args: argparse.Namespace) -> int:
    uri, query = getattr(args, "uri", None), getattr(args, "search", None)
    device = getattr(args, "device", None)
    if query is not None:
        searchable(query)  # an empty --search would resume what was playing
    if uri and query:
        raise Failure("Give a URI or --search, not both.", EXIT_USAGE)
    if not uri and not query:
        await remote.send(lambda c: c.play(device_id=device))
        out("▶ Playing")
        return EXIT_OK
    name = ""
    if query:
        hit = await first_hit(remote, query, args.type)
        kind, uri, name = args.type, hit.uri, _name(hit)
    else:
        kind, uri = parse_uri(str(uri))
    if kind in CONTEXT_KINDS:
        await remote.send(lambda c: c.play(device_id=device, context_uri=uri))
    else:
        await remote.send(lambda c: c.play(device_id=device, uris=[uri]))
    out(f"▶ Playing {f'“{name}”' if name else uri}")
    return EXIT_OK


@command(
    "queue",
    "what plays next; `queue add URI` or `queue add --search QUERY` adds",
    arg("words", nargs="*", metavar="add URI", help="add, then a URI (or use --search)"),
    _SEARCH,
    arg("--json", action="store_true"),
)
async def queue(remote: Remote, args: argparse.Namespace) -> int:
    words = list(args.words)
    if args.search is not None:
        searchable(args.search)
    if words and words[0] == "add":
        if len(words) > 2 or (len(words) == 2) == bool(args.search):
            raise Failure("Use `spotui queue add URI` or `spotui queue add --search QUERY`.", 2)
        if args.search:
            hit = await first_hit(remote, args.search, "track")
            uri, said = hit.uri, f"“{hit.name}”"
        else:
            kind, uri = parse_uri(words[1])
            if kind not in ("track", "episode"):
                raise Failure("Only a track or an episode can be queued.", EXIT_USAGE)
            said = uri
        await remote.send(lambda c: c.add_to_queue(uri))
        out(f"Queued {said}")
        return EXIT_OK
    if words or args.search:
        raise Failure("Use `spotui queue`, or `spotui queue add URI`.", EXIT_USAGE)
    found = await remote.player.queue()
    if args.json:
        out(
            to_json(
                {
                    "playing": _item(found.playing) if found.playing else None,
                    "next": [_item(item) for item in found.next],
                }
            )
        )
        return EXIT_OK
    if found.playing is not None:
        out(f"Now: {_line(found.playing)}")
    for number, item in enumerate(found.next, 1):
        out(f"{number:>3}. {_line(item)}")
    if not found.next:
        out("Nothing queued.")
    return EXIT_OK


def _item(item: Item) -> dict[str, Any]:
    if isinstance(item, Track):
        return item_json(item)
    return {"title": item.name, "show": item.show.name if item.show else None, "uri": item.uri}


def _line(item: Item) -> str:
    if isinstance(item, Track):
        return f"{item.name} — {item.artist_names}"
    return f"{item.name} — {item.show.name if item.show else 'Podcast'}"


@command(
    "search",
    "search Spotify (at most 10 results a type)",
    arg("query", help='words, and filters such as artist:"Name" album: year:1990-1999'),
    arg("--type", action="append", choices=SEARCH_TYPES, help="repeat for more (default: all)"),
    arg("--limit", type=int, default=5, choices=range(1, SEARCH_LIMIT + 1), metavar="1-10"),
    arg("--json", action="store_true"),
)
async def search(remote: Remote, args: argparse.Namespace) -> int:
    kinds = tuple(dict.fromkeys(args.type or SEARCH_TYPES))
    searchable(args.query)
    results = await remote.browse.search(args.query, kinds, limit=args.limit)
    if args.json:
        out(to_json(search_json(results)))
        return EXIT_OK
    sections = (
        ("Tracks", results.tracks, lambda t: f"{t.name} — {t.artist_names}"),
        ("Artists", results.artists, lambda a: a.name),
        ("Albums", results.albums, lambda a: f"{a.name} — {a.artist_names} {a.year}".rstrip()),
        ("Playlists", results.playlists, lambda p: f"{p.name} (by {p.owner or '?'})"),
    )
    for title, page, line in sections:
        if page is None:
            continue
        out(f"{title} ({page.total:,})")
        for item in page.items:
            out(f"  {line(item)}  {item.uri or ''}".rstrip())
    return EXIT_OK


def search_json(results: SearchResults) -> dict[str, Any]:
    return {
        "tracks": None if results.tracks is None else [item_json(t) for t in results.tracks.items],
        "artists": None
        if results.artists is None
        else [item_json(a) for a in results.artists.items],
        "albums": None
        if results.albums is None
        else [
            {
                "name": a.name,
                "artists": [x.name for x in a.artists],
                "year": a.year or None,
                "uri": a.uri,
            }
            for a in results.albums.items
        ],
        "playlists": None
        if results.playlists is None
        else [playlist_json(p) for p in results.playlists.items],
    }


@command(
    "playlists",
    "your playlists (owned, collaborative and followed)",
    arg("--json", action="store_true"),
)
async def playlists(remote: Remote, args: argparse.Namespace) -> int:
    found = await remote.browse.playlists()
    if args.json:
        out(to_json([playlist_json(p) for p in found]))
        return EXIT_OK
    me = await remote.browse.me()
    for playlist in found:
        count = "" if playlist.total is None else f"  {playlist.total} items"
        mark = "" if playlist.editable_by(me) else "  (followed: items hidden by Spotify)"
        out(f"{playlist.name}{count}{mark}")
    return EXIT_OK


async def find_playlist(remote: Remote, name: str) -> Playlist:
    """Your playlist by id, URI, link or name (exact, then a unique start)."""
    found = await remote.browse.playlists()
    key = name.strip()
    if key.startswith(("spotify:", "https://")):
        key = parse_uri(key)[1].rsplit(":", 1)[-1]
    exact = [p for p in found if key in (p.id, p.name) or p.name.casefold() == key.casefold()]
    if len(exact) == 1:
        return exact[0]
    starts = [p for p in found if p.name.casefold().startswith(key.casefold())]
    if len(starts) == 1 and not exact:
        return starts[0]
    if exact or starts:
        names = "; ".join(f"“{p.name}” ({p.id or 'no id'})" for p in (exact or starts))
        raise Failure(
            f"{name!r} matches several playlists: {names}. Give the id instead.", EXIT_USAGE
        )
    raise Failure(f"No playlist of yours is called {name!r}. See `spotui playlists`.", EXIT_USAGE)


@command(
    "playlist",
    "a playlist's items; `playlist add NAME [URI]` adds (the playing track by default)",
    arg("words", nargs="+", metavar="[add] NAME", help="a name, id or URI; `add NAME [URI]`"),
    arg("--json", action="store_true"),
)
async def playlist(remote: Remote, args: argparse.Namespace) -> int:
    words = list(args.words)
    if words[0] == "add" and len(words) in (2, 3):
        target = await find_playlist(remote, words[1])
        if len(words) == 3:
            uri = parse_uri(words[2])[1]
            said = uri
        else:
            playback = (await remote.player.refresh()).playback
            item = playback.item if playback else None
            if item is None or not item.uri or (isinstance(item, Track) and item.is_local):
                raise Failure("Nothing that can be added is playing; give a URI.", 3)
            uri, said = item.uri, f"“{item.name}”"
        playlist_id = target.id
        if playlist_id is None:
            raise Failure(f"Spotify gave no id for {target.name!r}.")
        await remote.send(lambda c: c.add_to_playlist(playlist_id, [uri]))
        out(f"Added {said} to “{target.name}”")
        return EXIT_OK
    if len(words) != 1:
        raise Failure("Use `spotui playlist NAME` or `spotui playlist add NAME [URI]`.", 2)
    target = await find_playlist(remote, words[0])
    if target.id is None:
        raise Failure(f"Spotify gave no id for {target.name!r}.")
    page = await remote.browse.playlist(target)
    if page.hidden:
        raise Failure(HIDDEN_ITEMS.format(name=target.name))
    items = page.items
    if args.json:
        out(to_json({"playlist": playlist_json(target), "items": [_item(i) for i in items]}))
        return EXIT_OK
    out(f"{target.name} · {len(items)} items")
    for number, item in enumerate(items, 1):
        out(f"{number:>4}. {_line(item)}")
    return EXIT_OK


HIDDEN_ITEMS = (
    "Spotify shows the items only of playlists you own or collaborate on, not of "
    "“{name}”; `spotui play` can still play it."
)
