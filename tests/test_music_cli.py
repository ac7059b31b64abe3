"""Playing from the command line (issue 13): play, queue, search, playlists, as real
subprocesses against the fake over 127.0.0.1, counting the requests each costs."""

from __future__ import annotations

import json

from spotui.fake.catalog import ARTISTS, TRACKS
from spotui.fake.discography import DISCOGRAPHY

from .helpers import EXIT_ERROR, EXIT_USAGE, ok, spotui


def _requests(fake) -> int:
    return sum(n for path, n in fake.requests.items() if path.startswith("/v1/"))


def test_play_a_uri_a_link_and_a_search_hit(env, served):
    fake, _ = served
    album = DISCOGRAPHY[ARTISTS[0].id][1]
    ok(spotui(env, "play", album.uri))
    assert fake.account.player.context_uri == album.uri
    assert fake.account.player.uri == album.tracks[0].uri
    link = f"https://open.spotify.com/track/{TRACKS[7].id}?si=abc"
    ok(spotui(env, "play", link))
    assert fake.account.player.uri == TRACKS[7].uri
    before = _requests(fake)
    out = ok(spotui(env, "play", "--search", "Lagos Sunrise"))
    assert out == "▶ Playing “Lagos Sunrise”\n"
    assert fake.account.player.uri == TRACKS[11].uri
    assert _requests(fake) - before == 2  # one search, one play


def test_play_with_no_argument_resumes(env, served):
    fake, _ = served
    ok(spotui(env, "pause"))
    assert ok(spotui(env, "play")) == "▶ Playing\n"
    assert fake.account.player.is_playing


def test_play_refuses_what_is_not_a_uri_and_a_search_that_finds_nothing(env):
    bad = spotui(env, "play", "spotify:track:short")
    assert bad.returncode == EXIT_USAGE and "not a Spotify URI" in bad.stderr
    none = spotui(env, "play", "--search", "zzzz nothing matches this")
    assert none.returncode == EXIT_ERROR
    assert none.stderr == "Spotify found no track for 'zzzz nothing matches this'.\n"


def test_queue_add_then_show_marks_nothing_but_lists_it_first(env, served):
    fake, _ = served
    ok(spotui(env, "queue", "add", TRACKS[9].uri))
    assert fake.account.queue == [TRACKS[9].uri]
    data = json.loads(ok(spotui(env, "queue", "--json")))
    assert data["playing"]["title"] == "Cherish"
    assert data["next"][0]["uri"] == TRACKS[9].uri
    assert ok(spotui(env, "queue")).splitlines()[1] == f"  1. {TRACKS[9].name} — {ARTISTS[8].name}"


def test_search_with_a_field_filter_and_the_ten_cap(env):
    query = 'artist:"Nightshift Collective"'
    answer = spotui(env, "search", query, "--type", "album", "--limit", "10", "--json")
    data = json.loads(ok(answer))
    assert data["tracks"] is None and len(data["albums"]) == 10
    assert {a["artists"][0] for a in data["albums"]} == {"Nightshift Collective"}
    eleven = spotui(env, "search", "x", "--limit", "11")
    assert eleven.returncode == EXIT_USAGE


def test_playlists_and_a_playlist_you_own_and_one_you_follow(env):
    lines = ok(spotui(env, "playlists")).splitlines()
    assert lines[1] == "Road Trip 2026  5 items"
    assert lines[3] == "Deep Focus  15 items  (followed: items hidden by Spotify)"
    road = ok(spotui(env, "playlist", "road trip")).splitlines()
    assert road[0] == "Road Trip 2026 · 5 items"
    assert road[1] == f"   1. {TRACKS[4].name} — {ARTISTS[3].name}"
    hidden = spotui(env, "playlist", "Deep Focus")
    assert hidden.returncode == EXIT_ERROR
    assert "only of playlists you own or collaborate on" in hidden.stderr


def test_playlist_add_puts_the_playing_track_in_a_playlist(env, served):
    fake, _ = served
    assert ok(spotui(env, "playlist", "add", "Road Trip 2026")) == (
        "Added “Cherish” to “Road Trip 2026”\n"
    )
    road = next(p for p in fake.account.playlists if p.name == "Road Trip 2026")
    assert fake.account.playlist_items[road.id][-1][0] == TRACKS[0].uri
    followed = spotui(env, "playlist", "add", "Deep Focus", TRACKS[1].uri)
    assert followed.returncode == EXIT_ERROR and followed.stderr.startswith("Spotify said")
    assert spotui(env, "playlist", "add", "Nope").returncode == EXIT_USAGE
