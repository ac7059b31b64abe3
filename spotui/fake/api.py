"""The Web API (``/v1``): one route table, each route with the scope it needs.

To add an endpoint, write a handler on :class:`WebApi` that takes a :class:`Call`
and add its :class:`Route` to ``ROUTES``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx

from spotui.fake.account import FakeAccount, FakeApiError, iso
from spotui.fake.catalog import ALL_ARTISTS, EPISODE_URI, episode_as_track
from spotui.fake.discography import ALBUMS_PAGE_MAX, DISCOGRAPHY, FakeAlbum, FakePlaylist
from spotui.fake.knobs import Knobs
from spotui.fake.posture import without_deprecated
from spotui.fake.responses import empty, int_param, json_response, paging, request_body
from spotui.fake.search import SEARCH_LIMIT_MAX, SEARCH_TYPES, search_catalogue

LIBRARY_KINDS = frozenset({"track", "album", "episode", "show", "playlist"})
READ_PLAYBACK = "user-read-playback-state"
MODIFY_PLAYBACK = "user-modify-playback-state"
READ_LIBRARY = "user-library-read"
MODIFY_LIBRARY = "user-library-modify"


@dataclass(frozen=True)
class Call:
    """One request, as a handler sees it: the query, and ``{id}`` from the path."""

    request: httpx.Request
    params: dict[str, str]
    id: str = ""


@dataclass(frozen=True)
class Route:
    """``method path`` answered by ``handler``, for a token holding ``scope``."""

    method: str
    path: str
    scope: str | None
    handler: Callable[[WebApi, Call], httpx.Response]


RECENT_KEPT = 50


class WebApi:
    """The account seen through the Web API, shaped for an app in the 2026 posture."""

    def __init__(self, account: FakeAccount, knobs: Knobs, clock: Callable[[], float]):
        self.account = account
        self.knobs = knobs
        self.clock = clock
        self.saved_other: set[str] = set()  # albums, episodes, shows, playlists
        self.ad_started = 0.0

    def answer(self, request: httpx.Request, scopes: str) -> httpx.Response:
        """Route the request; 403 without the route's scope, 405/404 without a route."""
        path = request.url.path.removeprefix("/v1")
        # "/albums/ID/tracks" is routed as "/albums/{id}/tracks".
        parts = path.split("/")
        id_ = parts[2] if len(parts) > 2 and parts[1] in _WITH_ID else ""
        if id_:
            parts[2] = "{id}"
        pattern = "/".join(parts)
        route = _TABLE.get((request.method, pattern))
        if route is None:
            known = any(p == pattern for _, p in _TABLE)
            raise FakeApiError(405 if known else 404, "Service not found")
        if route.scope is not None and route.scope not in scopes.split():
            raise FakeApiError(403, "Insufficient client scope")
        return route.handler(self, Call(request, dict(request.url.params), id_))

    def shape(self, body: Any) -> Any:
        """The body as this app gets it: without the deprecated fields, unless legacy."""
        return body if self.knobs.legacy_app else without_deprecated(body)

    # --- the user -------------------------------------------------------------------

    def me(self, call: Call) -> httpx.Response:
        account = self.account
        return json_response(
            200,
            self.shape(
                {
                    "country": "GB",
                    "display_name": account.display_name,
                    "email": "demo@example.invalid",
                    "external_urls": {
                        "spotify": f"https://open.spotify.com/user/{account.user_id}"
                    },
                    "followers": {"href": None, "total": 12},
                    "href": f"https://api.spotify.com/v1/users/{account.user_id}",
                    "id": account.user_id,
                    "images": [],
                    "product": "premium" if self.knobs.premium else "free",
                    "type": "user",
                    "uri": f"spotify:user:{account.user_id}",
                }
            ),
        )

    # --- the player: reading ----------------------------------------------------------

    def playback(self, call: Call) -> httpx.Response:
        return self._state(call.params, full=True)

    def currently_playing(self, call: Call) -> httpx.Response:
        return self._state(call.params, full=False)

    def _state(self, params: dict[str, str], *, full: bool) -> httpx.Response:
        account, knobs = self.account, self.knobs
        if account.active_device is None:
            return empty(204)
        if knobs.nothing_playing and not full:
            return empty(204)
        position = account.position()
        player = account.player
        episodes = "episode" in params.get("additional_types", "").split(",")
        body: dict[str, Any] = {
            "timestamp": int(player.changed_at * 1000),
            "context": None,
            "progress_ms": position,
            "is_playing": player.is_playing,
            "currently_playing_type": "track",
            "item": None,
            "actions": {"disallows": {"resuming" if player.is_playing else "pausing": True}},
        }
        if knobs.nothing_playing:
            body.update(is_playing=False, progress_ms=0, currently_playing_type="unknown")
        elif knobs.ad:
            elapsed = int((self.clock() - self.ad_started) * 1000) % 30_000
            body.update(
                progress_ms=elapsed,
                currently_playing_type="ad",
                is_playing=True,
                actions={"disallows": {"skipping_next": True, "seeking": True}},
            )
        else:
            item = account.item_json(player.uri)
            kind = item.get("type", "track")
            body["currently_playing_type"] = kind
            body["item"] = item if kind == "track" or episodes else None
            if player.context_uri:
                body["context"] = {
                    "type": player.context_uri.split(":")[1],
                    "uri": player.context_uri,
                    "href": None,
                    "external_urls": {},
                }
        if full:
            body = {
                "device": dict(account.active_device),
                "shuffle_state": player.shuffle,
                "smart_shuffle": False,
                "repeat_state": player.repeat,
                **body,
            }
        return json_response(200, self.shape(body))

    def devices(self, call: Call) -> httpx.Response:
        return json_response(200, {"devices": [dict(d) for d in self.account.devices]})

    # --- the player: commands ---------------------------------------------------------

    def _premium(self) -> None:
        if not self.knobs.premium:
            raise FakeApiError(403, "Player command failed: Premium required", "PREMIUM_REQUIRED")

    def _command(self, call: Call, *, starts_playback: bool = False) -> tuple[FakeAccount, Any]:
        """(account, body) once the command has Premium, a device and something to act on."""
        self._premium()
        body = request_body(call.request)
        account = self.account
        device_id = call.params.get("device_id")
        if device_id:
            if not any(d["id"] == device_id for d in account.devices):
                raise FakeApiError(404, "Device not found")
            if account.active_device is None or account.active_device["id"] != device_id:
                account.transfer(device_id, None)
        if account.active_device is None:
            raise FakeApiError(
                404, "Player command failed: No active device found", "NO_ACTIVE_DEVICE"
            )
        if self.knobs.nothing_playing and not starts_playback:
            raise FakeApiError(403, "Player command failed: Restriction violated", "UNKNOWN")
        return account, body

    def transfer(self, call: Call) -> httpx.Response:
        self._premium()
        body = request_body(call.request)
        ids = body.get("device_ids") if isinstance(body, dict) else None
        if not isinstance(ids, list) or len(ids) != 1 or not isinstance(ids[0], str):
            raise FakeApiError(400, "Exactly one device_id must be given")
        self.account.transfer(ids[0], body.get("play"))
        self.knobs.no_active_device = False
        return empty(204)

    def play(self, call: Call) -> httpx.Response:
        account, body = self._command(call, starts_playback=True)
        self.knobs.nothing_playing = False
        account.play(body if isinstance(body, dict) else None)
        return empty(204)

    def pause(self, call: Call) -> httpx.Response:
        self._command(call)[0].pause()
        return empty(200)  # Spotify answers some commands 200 with no body

    def next(self, call: Call) -> httpx.Response:
        self._command(call)[0].next()
        return empty(204)

    def previous(self, call: Call) -> httpx.Response:
        self._command(call)[0].previous()
        return empty(204)

    def seek(self, call: Call) -> httpx.Response:
        self._command(call)[0].seek(int_param(call.params, "position_ms", -1, 0, 10**9))
        return empty(204)

    def volume(self, call: Call) -> httpx.Response:
        self._command(call)[0].set_volume(int_param(call.params, "volume_percent", -1, 0, 100))
        return empty(204)

    def shuffle(self, call: Call) -> httpx.Response:
        account, _ = self._command(call)
        if call.params.get("state") not in ("true", "false"):
            raise FakeApiError(400, "Invalid state")
        account.set_shuffle(call.params["state"] == "true")
        return empty(204)

    def repeat(self, call: Call) -> httpx.Response:
        account, _ = self._command(call)
        if call.params.get("state") not in ("off", "track", "context"):
            raise FakeApiError(400, "Invalid repeat state")
        account.set_repeat(call.params["state"])
        return empty(204)

    # --- lists ----------------------------------------------------------------------

    def top_tracks(self, call: Call) -> httpx.Response:
        return self._top("tracks", call)

    def top_artists(self, call: Call) -> httpx.Response:
        return self._top("artists", call)

    def _top(self, kind: str, call: Call) -> httpx.Response:
        params = call.params
        time_range = params.get("time_range", "medium_term")
        if time_range not in ("short_term", "medium_term", "long_term"):
            raise FakeApiError(400, "Invalid time range")
        limit = int_param(params, "limit", 20, 1, 50)
        offset = int_param(params, "offset", 0, 0, 10**6)
        account = self.account
        items: list[dict[str, Any]]
        if kind == "tracks":
            uris = self._moved(account.top_tracks[time_range], time_range)
            total = len(uris)
            items = [account.item_json(uri) for uri in uris[offset : offset + limit]]
        else:
            indexes = self._moved(account.top_artists[time_range], time_range)
            total = len(indexes)
            items = [ALL_ARTISTS[i].full() for i in indexes[offset : offset + limit]]
        return self._tagged(call, paging(call.request, items, total, limit, offset))

    def _moved(self, ranked: list[Any], time_range: str) -> list[Any]:
        """With the ``daily_top`` knob, the list as of the clock's day: the 4-week list
        moves by one place a day, the 6-month one a week, the year's every 30 days."""
        if not self.knobs.daily_top or not ranked:
            return ranked
        period = {"short_term": 1, "medium_term": 7, "long_term": 30}[time_range]
        shift = int(self.clock() // 86_400 // period) % len(ranked)
        return ranked[shift:] + ranked[:shift]

    def _tagged(self, call: Call, body: dict[str, Any]) -> httpx.Response:
        """The answer with an ETag of its content; 304 with no body when it matches."""
        content = json.dumps(self.shape(body), ensure_ascii=False).encode()
        etag = '"' + hashlib.sha1(content).hexdigest()[:20] + '"'
        headers = {"ETag": etag, "Cache-Control": "private, max-age=0"}
        if call.request.headers.get("If-None-Match") == etag:
            return httpx.Response(304, headers=headers)
        return httpx.Response(
            200,
            content=content,
            headers={"Content-Type": "application/json; charset=utf-8", **headers},
        )

    def recently_played(self, call: Call) -> httpx.Response:
        params = call.params
        limit = int_param(params, "limit", 20, 1, 50)
        if "before" in params and "after" in params:
            raise FakeApiError(400, "Only one of before and after may be given")
        self.account.sync()
        history = self.account.history[:RECENT_KEPT]  # Spotify keeps the last 50
        if "before" in params:
            before = int_param(params, "before", 0, 0, 10**15) / 1000
            history = [entry for entry in history if entry[1] < before]
        elif "after" in params:
            after = int_param(params, "after", 0, 0, 10**15) / 1000
            history = [entry for entry in history if entry[1] > after]
        chosen = history[:limit]
        items: list[dict[str, Any]] = [
            {
                "track": self.account.item_json(uri),
                "played_at": iso(at),
                "context": {"type": "playlist", "uri": ctx, "href": None, "external_urls": {}}
                if ctx
                else None,
            }
            for uri, at, ctx in chosen
        ]
        cursors = None
        next_url = None
        if chosen:
            cursors = {
                "after": str(int(chosen[0][1] * 1000)),
                "before": str(int(chosen[-1][1] * 1000)),
            }
            if len(history) > limit:
                base = str(call.request.url.copy_with(query=None))
                next_url = f"{base}?{urlencode({'before': cursors['before'], 'limit': limit})}"
        body = {
            "items": items,
            "next": next_url,
            "cursors": cursors,
            "limit": limit,
            "href": str(call.request.url),
        }
        return json_response(200, self.shape(body))

    # --- the library ------------------------------------------------------------------

    def saved_tracks(self, call: Call) -> httpx.Response:
        limit = int_param(call.params, "limit", 20, 1, 50)
        offset = int_param(call.params, "offset", 0, 0, 10**6)
        saved = self.account.saved
        items = [
            {"added_at": iso(at).split(".")[0] + "Z", "track": self.account.item_json(uri)}
            for uri, at in saved[offset : offset + limit]
        ]
        return self._tagged(call, paging(call.request, items, len(saved), limit, offset))

    def save(self, call: Call) -> httpx.Response:
        return self._change(self._uris(call.params), save=True)

    def remove(self, call: Call) -> httpx.Response:
        return self._change(self._uris(call.params), save=False)

    def contains(self, call: Call) -> httpx.Response:
        return self._change(self._uris(call.params), save=None)

    def old_save(self, call: Call) -> httpx.Response:
        return self._old(call, save=True)

    def old_remove(self, call: Call) -> httpx.Response:
        return self._old(call, save=False)

    def old_contains(self, call: Call) -> httpx.Response:
        return self._old(call, save=None)

    def _old(self, call: Call, *, save: bool | None) -> httpx.Response:
        """``/me/tracks?ids=``: deprecated; a bare 403 for apps made since February 2026."""
        if not self.knobs.legacy_app:
            return empty(403)
        ids = [part for part in call.params.get("ids", "").split(",") if part]
        if not ids:
            raise FakeApiError(400, "Missing required parameter: ids")
        if len(ids) > 50:
            raise FakeApiError(400, "Too many ids requested")
        return self._change([f"spotify:track:{track_id}" for track_id in ids], save)

    @staticmethod
    def _uris(params: dict[str, str]) -> list[str]:
        """``/me/library?uris=``: up to 40 URIs of the kinds a library holds."""
        uris = [part for part in params.get("uris", "").split(",") if part]
        if not uris:
            raise FakeApiError(400, "Missing required parameter: uris")
        if len(uris) > 40:
            raise FakeApiError(400, "Too many uris requested")
        for uri in uris:
            kind = uri.split(":")[1] if uri.count(":") == 2 else ""
            if not uri.startswith("spotify:") or kind not in LIBRARY_KINDS:
                raise FakeApiError(400, f"Invalid uri: {uri}")
        return uris

    def _change(self, uris: list[str], save: bool | None) -> httpx.Response:
        """Save, remove (``save=False``) or check (``None``) the URIs."""
        account = self.account
        if save is None:
            saved = account.saved_set
            return json_response(200, [uri in saved or uri in self.saved_other for uri in uris])
        for uri in uris:
            if not uri.startswith("spotify:track:"):
                (self.saved_other.add if save else self.saved_other.discard)(uri)
            elif account.knows(uri):
                (account.save if save else account.remove)(uri)
            elif save:
                raise FakeApiError(400, "Invalid base62 id")
        return empty(200)

    # --- the queue ------------------------------------------------------------------

    def queue(self, call: Call) -> httpx.Response:
        account = self.account
        if account.active_device is None:
            return json_response(200, {"currently_playing": None, "queue": []})
        body = {
            "currently_playing": account.item_json(account.player.uri),
            "queue": [account.item_json(uri) for uri in account.up_next()],
        }
        return json_response(200, self.shape(body))

    def add_to_queue(self, call: Call) -> httpx.Response:
        account, _ = self._command(call)
        uri = call.params.get("uri")
        if not uri:
            raise FakeApiError(400, "Missing required parameter: uri")
        account.add_to_queue(uri)
        return empty(200)

    # --- search ---------------------------------------------------------------------

    def search(self, call: Call) -> httpx.Response:
        params = call.params
        query = params.get("q", "").strip()
        if not query:
            raise FakeApiError(400, "No search query")
        kinds = [kind for kind in params.get("type", "").split(",") if kind]
        if not kinds or any(kind not in SEARCH_TYPES for kind in kinds):
            raise FakeApiError(400, "Bad search type field")
        limit = int_param(params, "limit", 5, 1, SEARCH_LIMIT_MAX)
        offset = int_param(params, "offset", 0, 0, 1000)
        found = search_catalogue(query, self.account)
        body = {}
        for kind in kinds:
            hits = found.get(kind, [])
            items: list[Any] = hits[offset : offset + limit]
            if kind == "playlist" and items:
                items = [*items, None]  # Spotify's playlist results hold nulls
            body[kind + "s"] = paging(call.request, items, len(hits), limit, offset)
        return json_response(200, self.shape(body))

    # --- playlists ------------------------------------------------------------------

    def my_playlists(self, call: Call) -> httpx.Response:
        limit = int_param(call.params, "limit", 20, 1, 50)
        offset = int_param(call.params, "offset", 0, 0, 100_000)
        account = self.account
        everything = [
            playlist.simple([uri for uri, _, _ in account.playlist_items[playlist.id]])
            for playlist in account.playlists
        ]
        page = everything[offset : offset + limit]
        return json_response(
            200, self.shape(paging(call.request, page, len(everything), limit, offset))
        )

    def _playlist(self, call: Call) -> FakePlaylist:
        found = next((p for p in self.account.playlists if p.id == call.id), None)
        if found is None:
            raise FakeApiError(404, "Resource not found")
        return found

    def playlist(self, call: Call) -> httpx.Response:
        playlist = self._playlist(call)
        uris = [uri for uri, _, _ in self.account.playlist_items[playlist.id]]
        return json_response(200, self.shape(playlist.simple(uris)))

    def _editable(self, playlist: FakePlaylist) -> bool:
        return playlist.owner == self.account.user_id or playlist.collaborative

    def playlist_items(self, call: Call) -> httpx.Response:
        """Items of a playlist you own or collaborate on; a bare 403 for the others.
        Without ``additional_types=episode`` an episode comes shaped as a track."""
        playlist = self._playlist(call)
        if not self._editable(playlist):
            raise FakeApiError(403, "Forbidden")
        limit = int_param(call.params, "limit", 20, 1, 50)
        offset = int_param(call.params, "offset", 0, 0, 100_000)
        entries = self.account.playlist_items[playlist.id]
        episodes = "episode" in call.params.get("additional_types", "").split(",")

        def item(uri: str) -> dict[str, Any]:
            found = self.account.item_json(uri)
            return found if episodes or uri != EPISODE_URI else episode_as_track(found)

        items = [
            {
                "added_at": iso(at).split(".")[0] + "Z",
                "added_by": {"id": by, "type": "user", "uri": f"spotify:user:{by}"},
                "is_local": uri.startswith("spotify:local:"),
                "item": item(uri),
            }
            for uri, at, by in entries[offset : offset + limit]
        ]
        return json_response(
            200, self.shape(paging(call.request, items, len(entries), limit, offset))
        )

    def add_to_playlist(self, call: Call) -> httpx.Response:
        playlist = self._playlist(call)
        if not self._editable(playlist):
            raise FakeApiError(403, "Forbidden")
        body = request_body(call.request)
        uris = body.get("uris") if isinstance(body, dict) else None
        if not isinstance(uris, list) or not uris or len(uris) > 100:
            raise FakeApiError(400, "Invalid uris")
        if not all(isinstance(uri, str) and self.account.knows(uri) for uri in uris):
            raise FakeApiError(400, "Invalid track uri")
        entries = self.account.playlist_items[playlist.id]
        now = self.clock()
        entries.extend((uri, now, self.account.user_id) for uri in uris)
        snapshot = playlist.simple([uri for uri, _, _ in entries])["snapshot_id"]
        return json_response(201, {"snapshot_id": snapshot})

    # --- albums and artists -----------------------------------------------------------

    def _album(self, call: Call) -> FakeAlbum:
        album = self.account.album(call.id)
        if album is None:
            raise FakeApiError(404, "Non existing id")
        return album

    def _album_tracks(self, call: Call, album: FakeAlbum, limit: int) -> dict[str, Any]:
        offset = int_param(call.params, "offset", 0, 0, 10_000)
        tracks = [self.account.item_json(track.uri) for track in album.tracks]
        for track in tracks:
            track.pop("album", None)  # an album's tracks are simplified: no album inside
        return paging(call.request, tracks[offset : offset + limit], len(tracks), limit, offset)

    def album(self, call: Call) -> httpx.Response:
        album = self._album(call)
        body = {
            **album.simple(),
            "label": "spotui Records",
            "popularity": 50,
            "copyrights": [{"text": f"℗ {album.release_date[:4]} spotui Records", "type": "P"}],
            "tracks": self._album_tracks(call, album, 50),
        }
        return json_response(200, self.shape(body))

    def album_tracks(self, call: Call) -> httpx.Response:
        album = self._album(call)
        limit = int_param(call.params, "limit", 20, 1, 50)
        return json_response(200, self.shape(self._album_tracks(call, album, limit)))

    def artist(self, call: Call) -> httpx.Response:
        found = next((a for a in ALL_ARTISTS if a.id == call.id), None)
        if found is None:
            raise FakeApiError(404, "Non existing id")
        return json_response(200, self.shape(found.full()))

    def artist_albums(self, call: Call) -> httpx.Response:
        if not any(a.id == call.id for a in ALL_ARTISTS):
            raise FakeApiError(404, "Non existing id")
        groups = call.params.get("include_groups", "album,single,appears_on,compilation")
        wanted = {group for group in groups.split(",") if group}
        limit = int_param(call.params, "limit", 10, 1, ALBUMS_PAGE_MAX)
        offset = int_param(call.params, "offset", 0, 0, 10_000)
        albums = [
            {**album.simple(), "album_group": album.album_type}
            for album in DISCOGRAPHY.get(call.id, ())
            if album.album_type in wanted
        ]
        page = albums[offset : offset + limit]
        return json_response(
            200, self.shape(paging(call.request, page, len(albums), limit, offset))
        )


ROUTES: tuple[Route, ...] = (
    Route("GET", "/me", None, WebApi.me),
    Route("GET", "/me/player", READ_PLAYBACK, WebApi.playback),
    Route("GET", "/me/player/currently-playing", READ_PLAYBACK, WebApi.currently_playing),
    Route("GET", "/me/player/devices", READ_PLAYBACK, WebApi.devices),
    Route("PUT", "/me/player", MODIFY_PLAYBACK, WebApi.transfer),
    Route("PUT", "/me/player/play", MODIFY_PLAYBACK, WebApi.play),
    Route("PUT", "/me/player/pause", MODIFY_PLAYBACK, WebApi.pause),
    Route("POST", "/me/player/next", MODIFY_PLAYBACK, WebApi.next),
    Route("POST", "/me/player/previous", MODIFY_PLAYBACK, WebApi.previous),
    Route("PUT", "/me/player/seek", MODIFY_PLAYBACK, WebApi.seek),
    Route("PUT", "/me/player/volume", MODIFY_PLAYBACK, WebApi.volume),
    Route("PUT", "/me/player/shuffle", MODIFY_PLAYBACK, WebApi.shuffle),
    Route("PUT", "/me/player/repeat", MODIFY_PLAYBACK, WebApi.repeat),
    Route("GET", "/me/player/recently-played", "user-read-recently-played", WebApi.recently_played),
    Route("GET", "/me/top/tracks", "user-top-read", WebApi.top_tracks),
    Route("GET", "/me/top/artists", "user-top-read", WebApi.top_artists),
    Route("GET", "/me/tracks", READ_LIBRARY, WebApi.saved_tracks),
    Route("PUT", "/me/tracks", MODIFY_LIBRARY, WebApi.old_save),
    Route("DELETE", "/me/tracks", MODIFY_LIBRARY, WebApi.old_remove),
    Route("GET", "/me/tracks/contains", READ_LIBRARY, WebApi.old_contains),
    Route("PUT", "/me/library", MODIFY_LIBRARY, WebApi.save),
    Route("DELETE", "/me/library", MODIFY_LIBRARY, WebApi.remove),
    Route("GET", "/me/library/contains", READ_LIBRARY, WebApi.contains),
    Route("GET", "/me/player/queue", READ_PLAYBACK, WebApi.queue),
    Route("POST", "/me/player/queue", MODIFY_PLAYBACK, WebApi.add_to_queue),
    Route("GET", "/search", None, WebApi.search),
    Route("GET", "/me/playlists", "playlist-read-private", WebApi.my_playlists),
    Route("GET", "/playlists/{id}", None, WebApi.playlist),
    Route("GET", "/playlists/{id}/items", "playlist-read-private", WebApi.playlist_items),
    Route("POST", "/playlists/{id}/items", "playlist-modify-private", WebApi.add_to_playlist),
    Route("GET", "/albums/{id}", None, WebApi.album),
    Route("GET", "/albums/{id}/tracks", None, WebApi.album_tracks),
    Route("GET", "/artists/{id}", None, WebApi.artist),
    Route("GET", "/artists/{id}/albums", None, WebApi.artist_albums),
)
_TABLE = {(route.method, route.path): route for route in ROUTES}
_WITH_ID = frozenset({"playlists", "albums", "artists"})
