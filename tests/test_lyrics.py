"""Lyrics below the faces: the LRC parser, LRCLIB over real HTTP (the fake on
127.0.0.1, through SPOTUI_LRCLIB_URL), the cache and local .lrc files."""

from __future__ import annotations

import asyncio
import json
import time
import tomllib

import httpx
import pytest

from spotui import __version__
from spotui.fake.lrclib import FakeLrclib
from spotui.lyrics import cache as cache_module
from spotui.lyrics import finder as finder_module
from spotui.lyrics import local, lrc
from spotui.lyrics.cache import MISS_RETRY_S, LyricsCache
from spotui.lyrics.finder import Lyrics, LyricsFinder
from spotui.lyrics.follower import LyricsState
from spotui.lyrics.lrc import Line, parse_lrc
from spotui.lyrics.lrclib import (
    USER_AGENT,
    LrclibClient,
    LyricsUnavailable,
    Record,
    TrackQuery,
)
from spotui.text import printable

from .conftest import ManualClock
from .helpers import ROOT

CHERISH = TrackQuery("Cherish", "星野 夜", "Yume no Naka e", 151.0)
LAGOS = TrackQuery("Lagos Sunrise", "Kwame & the Lagos Lights", "Eko Gold", 231.0)
MISSING = TrackQuery("Libertango en la Madrugada", "Orquesta Brisa del Sur", "Brisa", 264.0)

# --- the LRC parser ---------------------------------------------------------------


def test_two_and_three_digit_fractions_and_minutes_past_59():
    synced = parse_lrc("[00:01.50] a\n[00:02.345] b\n[01:03] c\n[61:02.5] d\n[100:00.00] e")
    assert [line.at_ms for line in synced.lines] == [1_500, 2_345, 63_000, 3_662_500, 6_000_000]


def test_several_stamps_on_one_line_and_stamps_out_of_order():
    synced = parse_lrc("[00:20.00]chorus\n[00:05.00][00:30.00] verse\n[00:10.00] bridge")
    assert synced.lines == (
        Line(5_000, "verse"),
        Line(10_000, "bridge"),
        Line(20_000, "chorus"),
        Line(30_000, "verse"),
    )


def test_tags_offset_empty_lines_and_bad_lines():
    text = (
        "[ar:Someone]\n[ti:Something]\n[al:Album]\n[by:me]\n[length:03:10]\n"
        "[offset:+250]\n"
        "no stamp at all\n"
        "[00:01.00] first\n"
        "[00:03.00]\n"  # a pause
        "[00:75.00] no such second\n"
        "[xx:yy] garbage\n"
        "[00:05.00] last\n"
    )
    synced = parse_lrc(text)
    assert [(line.at_ms, line.text) for line in synced.lines] == [
        (1_000, "first"),
        (3_000, ""),
        (5_000, "last"),
    ]
    assert synced.offset_ms == 250
    assert ("ar", "Someone") in synced.tags and ("length", "03:10") in synced.tags
    # A positive offset makes the lines come sooner: at 0.75 s the first is sung.
    assert synced.index_at(750) == 0 and synced.index_at(749) == -1
    assert parse_lrc("[offset:-500]\n[00:01.00] a").index_at(1_400) == -1
    assert parse_lrc("[offset:lots]\n[00:01.00] a").offset_ms == 0


def test_the_line_at_a_position_is_the_last_stamp_at_or_before_it():
    synced = parse_lrc("[00:01.00] a\n[00:02.00] b\n[00:02.00] c\n[00:04.00] d")
    assert [synced.index_at(ms) for ms in (0, 999, 1_000, 1_999, 2_000, 3_999, 9_000)] == [
        -1,
        -1,
        0,
        0,
        2,
        2,
        3,
    ]
    assert synced.index_at(900, shift_ms=100) == 0  # a shift moves it as an offset does
    assert synced.next_at_ms(0) == 2_000 and synced.next_at_ms(3) is None


def test_everything_read_is_bounded(monkeypatch):
    long = parse_lrc("[00:01.00]" + "x" * 10_000)
    assert len(long.lines[0].text) == lrc.MAX_LINE_CHARS
    many = "\n".join(f"[00:{n % 60:02d}.00] {n}" for n in range(lrc.MAX_LINES + 50))
    assert len(parse_lrc(many).lines) == lrc.MAX_LINES
    monkeypatch.setattr(lrc, "MAX_LRC_CHARS", 40)
    assert len(parse_lrc("[00:01.00] a\n" * 10).lines) == 3  # 13 characters a line


def test_lone_surrogates_become_replacement_characters():
    assert parse_lrc("[00:01.00] a\ud800b").lines[0].text == "a\ufffdb"


# --- LRCLIB over HTTP ---------------------------------------------------------------


def _paths(fake: FakeLrclib) -> list[str]:
    return [path for path, _params, _agent in fake.log]


async def test_get_finds_synced_lyrics_with_the_user_agent_lrclib_asks_for(lrclib):
    client = LrclibClient()
    try:
        record = await client.find(CHERISH)
    finally:
        await client.aclose()
    assert record is not None and record.synced is not None
    assert parse_lrc(record.synced).lines[0] == Line(1_000, record.plain.splitlines()[0])
    path, params, agent = lrclib.log[0]
    assert (path, agent) == ("/api/get", USER_AGENT)
    urls = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]
    assert agent == f"spotui/{__version__} ({urls['Homepage']})"  # app, version, URL
    assert params == {
        "track_name": "Cherish",
        "artist_name": "星野 夜",
        "album_name": "Yume no Naka e",
        "duration": "151",
    }


async def test_a_404_then_search_finds_them_within_a_few_seconds(lrclib):
    client = LrclibClient()
    try:
        found = await client.find(LAGOS)
        too_long = await client.find(TrackQuery(LAGOS.title, LAGOS.artist, LAGOS.album, 300))
        missing = await client.find(MISSING)
    finally:
        await client.aclose()
    assert found is not None and found.album_name == "Eko Gold (Bonus Edition)"
    assert too_long is None  # the search's record is not this length: not the track
    assert missing is None
    assert _paths(lrclib) == ["/api/get", "/api/search"] * 3


async def test_a_duration_past_an_hour_is_left_out(lrclib):
    client = LrclibClient()
    try:
        await client.get(TrackQuery("Long", "Someone", "", 3_700))
    finally:
        await client.aclose()
    assert "duration" not in lrclib.log[0][1]


@pytest.mark.parametrize(
    ("knobs", "message"),
    [
        ({"fault": "500"}, "LRCLIB answered 500."),
        ({"fault": "html"}, "LRCLIB sent something that is not JSON."),
        ({"huge": True}, "LRCLIB's answer was too large to read."),
        ({"fault": "disconnect"}, "LRCLIB could not be reached. Are you offline?"),
        ({"fault": "timeout", "hang_s": 2.0}, "LRCLIB did not answer in time."),
    ],
)
async def test_bad_answers_are_one_plain_sentence(lrclib, knobs, message):
    lrclib.set(**knobs)
    # A short wait only where the hang is the fault: a busy machine may take longer than
    # that to drop a connection or serve 2 MB.
    client = LrclibClient(timeout=httpx.Timeout(0.5 if knobs.get("fault") == "timeout" else 10))
    try:
        with pytest.raises(LyricsUnavailable) as raised:
            await client.find(CHERISH)
    finally:
        await client.aclose()
    assert raised.value.message == message


async def test_hostile_text_stays_data_and_never_reaches_a_terminal_raw(lrclib):
    lrclib.set(hostile=True)
    finder = LyricsFinder(LrclibClient())
    try:
        lyrics = await finder.find(CHERISH)
    finally:
        await finder.aclose()
    assert lyrics is not None and lyrics.kind == "synced"
    assert "\ud800" not in lyrics.record.track_name and "\ufffd" in lyrics.record.track_name
    shown = [printable(line.text) for line in lyrics.synced.lines]
    assert shown[0].startswith("^[[2J^[]0;pwned^G")
    assert not any("\x1b" in line or "\x9b" in line or "\x07" in line for line in shown)


async def test_kinds_plain_instrumental_and_lrc_that_does_not_parse(lrclib):
    finder = LyricsFinder(LrclibClient())
    try:
        plain = await finder.find(TrackQuery("Ærø", "Mø Sørensen", "Østersøen", 197))
        instrumental = await finder.find(
            TrackQuery("3 AM Study Session", "Nightshift Collective", "", 143)
        )
        lrclib.set(bad_lrc=True)
        unparsed = await finder.find(CHERISH)
    finally:
        await finder.aclose()
    assert plain is not None and plain.kind == "plain" and plain.plain[0]
    assert instrumental is not None and instrumental.kind == "instrumental"
    assert unparsed is not None and unparsed.kind == "plain"  # falls back to the plain text


# --- the cache and local files --------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "miss"),
    [
        (b'{"statusCode":404,"name":"TrackNotFound","message":"Failed"}', True),  # live
        (b'{"error":"no route"}', False),
        (b"<html>Not Found</html>", False),
    ],
)
async def test_only_lrclibs_own_404_is_a_miss(body, miss, tmp_path):
    cache = LyricsCache(tmp_path / "lyrics")
    transport = httpx.MockTransport(lambda request: httpx.Response(404, content=body))
    finder = LyricsFinder(LrclibClient("http://127.0.0.1:9", transport=transport), cache)
    try:
        if miss:
            assert await finder.find(CHERISH) is None
        else:
            with pytest.raises(LyricsUnavailable):
                await finder.find(CHERISH)
    finally:
        await finder.aclose()
    assert (cache.load(CHERISH) is not None) is miss  # only a real miss is kept


async def test_a_cached_track_sends_no_request_and_a_miss_is_asked_again_after_a_day(
    lrclib, tmp_path
):
    clock = ManualClock()
    cache = LyricsCache(tmp_path / "lyrics", clock=clock)
    finder = LyricsFinder(LrclibClient(), cache)
    try:
        first = await finder.find(CHERISH)
        again = await finder.find(CHERISH)
        assert first is not None and again is not None
        assert (first.source, again.source) == ("lrclib", "cache")
        assert again.synced == first.synced
        assert _paths(lrclib) == ["/api/get"]
        assert await finder.find(MISSING) is None
        assert await finder.find(MISSING) is None
        assert len(lrclib.log) == 3  # the miss: one get and one search, then the cache
        clock.advance(MISS_RETRY_S + 1)
        assert await finder.find(MISSING) is None
        assert len(lrclib.log) == 5
        assert (await finder.find(CHERISH)).source == "cache"  # a hit does not go stale
    finally:
        await finder.aclose()
    assert {oct(f.stat().st_mode & 0o777) for f in (tmp_path / "lyrics").iterdir()} == {"0o600"}


async def test_a_damaged_cache_file_is_dropped_and_asked_again(lrclib, tmp_path):
    cache = LyricsCache(tmp_path / "lyrics")
    finder = LyricsFinder(LrclibClient(), cache)
    try:
        await finder.find(CHERISH)
        (file,) = (tmp_path / "lyrics").iterdir()
        file.write_text(json.dumps({"saved_at": 1.0, "record": {"trackName": 5}}))
        assert (await finder.find(CHERISH)).source == "lrclib"
    finally:
        await finder.aclose()
    assert len(lrclib.log) == 2


def test_the_cache_folder_is_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(cache_module, "MAX_ENTRIES", 10)
    cache = LyricsCache(tmp_path / "lyrics")
    for n in range(25):
        cache.save(TrackQuery(f"Song {n}", "A"), None)
    assert len(list((tmp_path / "lyrics").iterdir())) <= 10
    assert cache.load(TrackQuery("Song 24", "A")) is not None  # the newest stay


async def test_a_local_lrc_file_comes_first_and_sends_no_request(lrclib, tmp_path):
    folder = tmp_path / "lrc" / "j-pop"
    folder.mkdir(parents=True)
    (folder / "星野 夜 - CHERISH.lrc").write_text("[offset:+100]\n[00:02.00] my own words\n")
    (folder / "Other - Thing.lrc").write_text("[00:01.00] not this\n")
    finder = LyricsFinder(LrclibClient(), lyrics_dir=tmp_path / "lrc")
    try:
        lyrics = await finder.find(CHERISH)
        other = await finder.find(LAGOS)
    finally:
        await finder.aclose()
    assert lyrics is not None and lyrics.source == "file"
    assert lyrics.synced.lines == (Line(2_000, "my own words"),) and lyrics.synced.offset_ms == 100
    assert other is not None and other.source == "lrclib"
    assert _paths(lrclib) == ["/api/get", "/api/search"]  # only for the track with no file


async def test_an_answer_with_no_length_is_cut_off_at_the_bound(monkeypatch):
    """A chunked answer of 64 MB (no Content-Length to refuse it by) is read no further
    than the bound."""
    sent = [0]

    async def endless(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk = b"[" + b" " * 65_534 + b"\n"
        try:
            for _ in range(1024):
                writer.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                await writer.drain()
                sent[0] += len(chunk)
            writer.write(b"0\r\n\r\n")
            await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(endless, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    monkeypatch.setenv("SPOTUI_LRCLIB_URL", f"http://127.0.0.1:{port}")
    client = LrclibClient()
    try:
        with pytest.raises(LyricsUnavailable, match="too large"):
            await client.get(CHERISH)
    finally:
        await client.aclose()
        server.close()
    assert sent[0] < 1024 * 65_536 // 4  # it stopped reading long before the end


def test_shifts_are_kept_bounded_and_a_damaged_file_is_no_shift(tmp_path, monkeypatch):
    monkeypatch.setattr(cache_module, "MAX_SHIFTS", 3)
    file = tmp_path / "shifts.json"
    shifts = cache_module.Shifts(file)
    for n in range(5):
        shifts.set(TrackQuery(f"Song {n}", "A"), 500 * (n + 1))
    assert shifts.set(CHERISH, 10**9) == cache_module.MAX_SHIFT_MS
    again = cache_module.Shifts(file)
    assert [again.get(TrackQuery(f"Song {n}", "A")) for n in range(5)] == [0, 0, 0, 2_000, 2_500]
    assert again.get(CHERISH) == cache_module.MAX_SHIFT_MS
    file.write_text('{"x": "not a number", "y": true')
    assert cache_module.Shifts(file).get(CHERISH) == 0


def test_lrc_that_does_not_parse_and_no_plain_text_reads_plainly():
    record = Record(1, "Song", "Someone", "", 200.0, False, None, "<html>oops</html>")
    lyrics = Lyrics(record, "lrclib")
    assert lyrics.kind == "unreadable" and lyrics.synced.lines == ()
    state = LyricsState("found", TrackQuery("Song", "Someone"), lyrics)
    assert state.message == "The lyrics could not be read"
    instrumental = Lyrics(Record(2, "Song", "Someone", "", 200.0, True, None, None), "cache")
    assert LyricsState("found", None, instrumental).message == "Instrumental"


async def test_the_event_loop_keeps_running_while_a_local_lookup_is_slow(
    lrclib, tmp_path, monkeypatch
):
    """A slow disk (here a lookup of half a second) holds up the lyrics, not the app."""
    (tmp_path / "星野 夜 - Cherish.lrc").write_text("[00:01.00] mine\n", "utf-8")
    slow = local.find_lrc

    def find_slowly(folder, query):
        time.sleep(0.5)
        return slow(folder, query)

    monkeypatch.setattr(finder_module, "find_lrc", find_slowly)
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.02)
            ticks += 1

    ticking = asyncio.create_task(tick())
    finder = LyricsFinder(LrclibClient(), lyrics_dir=tmp_path)
    try:
        lyrics = await finder.find(CHERISH)
    finally:
        ticking.cancel()
        await finder.aclose()
    assert lyrics is not None and lyrics.source == "file"
    assert ticks >= 5
