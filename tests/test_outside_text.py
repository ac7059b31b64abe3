"""Text from outside is data (issue 26): a name holding control sequences, Rich markup or a
lone surrogate reaches no output as anything but text, and a damaged snapshot is not used."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from textual.widgets import Input, OptionList
from textual_plotext import PlotextPlot

from spotui import paths
from spotui.cli.headless import COMMANDS
from spotui.config import Config, parse_config
from spotui.core import snapshot
from spotui.fake.catalog import TRACKS
from spotui.fake.discography import FakePlaylist
from spotui.fake.knobs import HOSTILE
from spotui.fake.lrclib import FakeLrclib
from spotui.fake.server import serve_in_thread
from spotui.services import Services
from spotui.text import clean, printable
from spotui.tui.app import SpotuiApp
from spotui.tui.screens.dates import DatesPicker
from spotui.tui.screens.playlist_picker import PlaylistPicker
from spotui.tui.screens.start import StartScreen
from spotui.tui.widgets.stats import StatsView
from spotui.tui.widgets.table import RowsTable

from .helpers import EXIT_OK, EXIT_USAGE, ROOT, demo, ok, screen_text, started, until
from .test_app import notices, title
from .test_hostile import run_in_pty, terminal_env

# Anything a terminal could act on: C0 but tab and newline, DEL, C1; and lone surrogates.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
SHOWN = printable(HOSTILE)  # how a terminal shows the hostile part of every name
STORED = clean(HOSTILE)  # what JSON and CSV keep: the true string, surrogates replaced


def safe(output: str) -> None:
    """No control character in ``output``; the names in it are shown as typed."""
    found = CONTROL.search(output)
    assert found is None, f"{found.group()!r} reached the terminal in {output[:300]!r}"
    assert "Traceback" not in output


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """spotui as a subprocess, its output decoded as is: a CR stays a CR."""
    done = subprocess.run(
        [sys.executable, "-m", "spotui", *args], capture_output=True, env=env, cwd=ROOT, timeout=60
    )
    return subprocess.CompletedProcess(
        done.args, done.returncode, done.stdout.decode(), done.stderr.decode()
    )


def strings(value: object) -> list[str]:
    """Every string in a JSON value."""
    if isinstance(value, dict):
        return [text for item in value.values() for text in strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in strings(item)]
    return [value] if isinstance(value, str) else []


# Every command in the table, so that a new one fails here until it is covered.
ARGS: dict[str, list[list[str]]] = {
    "lyrics": [["lyrics"]],  # first: Cherish plays, which the fake LRCLIB holds
    "pause": [["pause"]],
    "next": [["next"]],
    "prev": [["prev"]],
    "toggle": [["toggle"]],
    "seek": [["seek", "30"]],
    "volume": [["volume", "50"]],
    "shuffle": [["shuffle", "on"]],
    "repeat": [["repeat", "off"]],
    "like": [["like"]],
    "unlike": [["unlike"]],
    "devices": [["devices"]],
    "transfer": [["transfer", "Living"]],
    "top": [["top", "tracks"], ["top", "artists"]],
    "recent": [["recent"]],
    "library": [["library"]],
    "play": [["play", "--search", "a"]],
    "queue": [["queue"]],
    "search": [["search", "a"]],
    "playlists": [["playlists"]],
    "playlist": [["playlist", "PLAYLIST_ID"]],
    "now": [["now"], ["now", "--format", "{title} | {artist} | {album} | {device}"]],
}
# Those whose answer lists names: each shows the hostile part as typed.
LISTS = {"devices", "top", "recent", "library", "queue", "search", "playlists", "playlist", "now"}


def _hostile_lrclib() -> FakeLrclib:
    """A fake LRCLIB whose tracks are named as the fake Spotify names them with
    ``hostile_names``, so that ``spotui lyrics`` finds them (and shows their names)."""
    return FakeLrclib(
        tuple(
            replace(
                track,
                name=STORED + track.name,
                artists=tuple(replace(a, name=STORED + a.name) for a in track.artists),
            )
            for track in TRACKS
        )
    )


@pytest.fixture
def hostile_lrclib() -> Iterator[str]:
    with serve_in_thread(_hostile_lrclib()) as server:
        yield server.url


def test_every_command_shows_hostile_names_as_text_and_json_keeps_them(env, served, hostile_lrclib):
    # serve runs until stopped and prints nothing: its names reach the bus, and
    # test_mpris.py's hostile-names test covers them.
    assert set(ARGS) == set(COMMANDS) - {"serve"}
    env = {**env, "SPOTUI_LRCLIB_URL": hostile_lrclib}
    fake, _ = served
    fake.set(hostile_names=True)
    now = json.loads(ok(run(env, "now", "--json")))
    assert now["title"] == STORED + "Cherish"  # the true string, round-tripped
    assert now["artists"] == [STORED + "星野 夜"]
    playlists = json.loads(ok(run(env, "playlists", "--json")))
    assert playlists and all(p["name"].startswith(STORED) for p in playlists)
    for name, runs in ARGS.items():
        for args in runs:
            args = [playlists[0]["id"] if a == "PLAYLIST_ID" else a for a in args]
            result = run(env, *args)
            safe(result.stdout + result.stderr)
            if name in LISTS:
                assert result.returncode == EXIT_OK, (args, result.stderr)
                assert SHOWN in result.stdout, (args, result.stdout[:300])
                assert "[/bold]" in result.stdout and "x [bold]M[/bold]" in result.stdout
            if "--json" in {a.names[0] for a in COMMANDS[name].args} and "--format" not in args:
                answer = run(env, *args, "--json")
                safe(answer.stdout + answer.stderr)
                assert answer.returncode == EXIT_OK, (args, answer.stderr)
                assert any(STORED in text for text in strings(json.loads(answer.stdout)))
    # The history: kept as received, shown safely, exported as data.
    for args in (["history", "sync"], ["history", "top", "tracks"], ["history", "stats"]):
        result = run(env, *args)
        assert result.returncode == EXIT_OK, result.stderr
        safe(result.stdout + result.stderr)
    assert SHOWN in run(env, "history", "top", "tracks").stdout
    doctor = run(env, "doctor")  # not in the table: the account's name, the checks
    safe(doctor.stdout + doctor.stderr)
    plays = json.loads(ok(run(env, "history", "export", "--json")))
    assert plays and all(p["track"].startswith(STORED) for p in plays)
    safe(run(env, "history", "export", "--json").stdout)
    rows = list(csv.DictReader(io.StringIO(ok(run(env, "history", "export", "--csv")), newline="")))
    assert [r["track"] for r in rows] == [p["track"] for p in plays]  # a pipe gets the data
    library = ok(run(env, "library", "--csv"))
    assert STORED in library and "\x1b]0;PWNED\x07" in library


@pytest.mark.parametrize(
    "args", [["now"], ["history", "export", "--csv"]], ids=["now", "export-csv"]
)
def test_on_a_terminal_even_csv_shows_no_control_sequence(env, served, tmp_path, args):
    fake, _ = served
    fake.set(hostile_names=True)
    ok(run(env, "history", "sync"))
    seen, code = run_in_pty(args, {**terminal_env(tmp_path), **env}, until=b"")
    assert code == EXIT_OK
    text = seen.decode()
    assert "\x1b]0;PWNED" not in text and "\x1b[2J" not in text and "\x9b" not in text
    assert "^[]0;PWNED^G" in text and "[/bold]" in text


def test_an_imports_problem_lines_show_a_hostile_file_name_as_text(env, tmp_path):
    export = tmp_path / "my_spotify_data.zip"
    with zipfile.ZipFile(export, "w") as archive:
        member = "Streaming_History_Audio_\x1b]0;PWNED\x07\x1b[2J\x9b31m\r[bold]x.json"
        archive.writestr(member, "{")
    result = run(env, "history", "import", str(export))
    safe(result.stdout + result.stderr)
    assert "Streaming_History_Audio_^[]0;PWNED^G" in result.stderr


async def test_the_app_shows_hostile_names_as_typed_in_every_place_and_keeps_running():
    _, problems = parse_config('"\\u001b]0;PWNED\\u0007[/bold]" = 1')
    app = SpotuiApp(Services.demo_mode(hostile_names=True), Config(), problems)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await started(pilot)
        assert title(app) == printable(STORED + "Cherish")
        shown = screen_text(app)
        assert "[/] [/bold] x [bold]M[/bold]" in shown and "^[]0;PWNED^G" in shown
        safe(shown)
        assert "unknown key '^[]0;PWNED^G[/bold]'" in notices(app)  # a config key
        await pilot.press("d")  # the devices picker
        await until(pilot, lambda: "Living Room" in screen_text(app))
        safe(screen_text(app))
        await pilot.press("escape")
        await pilot.press("2")  # a table of names
        await until(pilot, lambda: any(t.row_count for t in app.screen.query(RowsTable)), 10)
        assert screen_text(app).count("^[]0;PWNED^G") > 5  # the names, cut to their columns
        safe(screen_text(app))
        await pilot.press("down", "plus")  # add to a playlist: the picker, its title, its names
        await until(pilot, lambda: isinstance(app.screen, PlaylistPicker))
        options = app.screen.query_one(OptionList)
        await until(
            pilot, lambda: options.option_count == 4
        )  # the fake's four playlists you can add to
        assert "Add “^[]0;PWNED^G" in screen_text(app)
        safe(screen_text(app))
        await pilot.press(*"road", "enter")
        await until(pilot, lambda: "Added" in notices(app))
        await pilot.press("a")  # queue it: a notice with the name
        await until(pilot, lambda: "Queued" in notices(app))
        safe(notices(app) + screen_text(app))
        assert "Queued “^[]0;PWNED^G" in notices(app) and "x [bold]M[/bold]" in notices(app)
        assert screen.is_attached  # nothing stopped the app
    kept = snapshot.load(app.services.snapshot_path)
    assert kept is not None and kept.title == STORED + "Cherish"  # stored as received


async def test_the_next_start_paints_a_hostile_snapshot_as_text():
    path = paths.snapshot_file(demo=True)
    last = snapshot.Snapshot(
        title=HOSTILE + "Song",
        artists=HOSTILE,
        album="[/]",
        device="\x1b[31mphone",
        is_playing=True,
        progress_ms=1000,
        duration_ms=200_000,
        at=time.time() - 5,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps({"version": 1, "snapshot": {**_fields(last), "cover": None}}), encoding="utf-8"
    )
    app = SpotuiApp(
        lambda: Services.demo_mode(latency_ms=1500), Config(), first_frame=path, demo=True
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, StartScreen))
        await until(pilot, lambda: "Song" in screen_text(app))
        shown = screen_text(app)
        safe(shown)
        assert title(app) == printable(STORED + "Song")
        assert "^[]0;PWNED^G^[[2J" in shown and "^[[31mphone" in shown
        await started(pilot)
        assert title(app) == "Cherish"


def _fields(shot: snapshot.Snapshot) -> dict[str, object]:
    return {
        name: getattr(shot, name)
        for name in (
            "title",
            "artists",
            "album",
            "device",
            "is_playing",
            "progress_ms",
            "duration_ms",
            "at",
        )
    }


GOOD = (
    '{"version": 1, "snapshot": {"title": "Old Song", "artists": "Someone", "album": "", '
    '"device": "", "is_playing": true, "progress_ms": 1000, "duration_ms": 200000, '
    '"at": AT, "cover": null}}'
)
DAMAGED = {
    "nan": GOOD.replace("AT", "NaN"),
    "infinity": GOOD.replace("AT", "Infinity"),
    "huge": GOOD.replace("AT", "1e308"),
    "negative": GOOD.replace("AT", "-1e308"),
    "huge-progress": GOOD.replace("AT", "1").replace("1000,", "1" + "0" * 40 + ","),
    "deep": '{"version": 1, "snapshot": ' + "[" * 100_000 + "]" * 100_000 + "}",
    "wrong-type": GOOD.replace("AT", "1").replace('"Old Song"', '["Old Song"]'),
    "not-an-object": GOOD.replace("AT", "1").replace('"snapshot": {', '"snapshot": [{', 1)[:-1]
    + "]}",
    "cover-past-a-float": GOOD.replace("AT", "1").replace(
        '"cover": null', '"cover": {"width": 1e400, "height": 1, "rgb": "AAAA"}'
    ),
}


@pytest.mark.parametrize("content", DAMAGED.values(), ids=DAMAGED.keys())
async def test_the_app_starts_normally_on_a_damaged_snapshot(content):
    path = paths.snapshot_file(demo=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    app = SpotuiApp(
        lambda: Services.demo_mode(latency_ms=300), Config(), first_frame=path, demo=True
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, StartScreen))
        assert "Connecting to Spotify" in screen_text(app)  # the snapshot is not used
        await started(pilot)
        assert title(app) == "Cherish"


def test_a_good_snapshot_is_still_used(tmp_path):
    """The damaged ones above differ from this one in one field only."""
    path = tmp_path / "now-playing.json"
    path.write_text(GOOD.replace("AT", "1780000000"), encoding="utf-8")
    assert snapshot.load(path) is not None


# --- the small ones -------------------------------------------------------------------


def test_a_name_several_playlists_share_lists_them_with_their_ids(env, served):
    fake, _ = served
    account = fake.account
    for name in ("Mix", "mix", "MIX"):
        playlist = FakePlaylist(name, account.user_id, account.display_name, ())
        account.playlists.append(playlist)
        account.playlist_items[playlist.id] = []
    result = run(env, "playlist", "add", "Mix")
    assert result.returncode == EXIT_USAGE
    ids = [p.id for p in account.playlists[-3:]]
    assert all(f"({id_})" in result.stderr for id_ in ids), result.stderr
    assert "Give the id instead" in result.stderr
    ok(run(env, "playlist", "add", ids[1], TRACKS[3].uri))  # and the id then works
    assert account.playlist_items[ids[1]][-1][0] == TRACKS[3].uri


def test_an_old_user_playlist_link_is_taken(env, served):
    fake, _ = served
    road = next(p for p in fake.account.playlists if p.name == "Road Trip 2026")
    for old in (
        f"https://open.spotify.com/user/spotui-demo/playlist/{road.id}?si=x",
        f"spotify:user:spotui-demo:playlist:{road.id}",
    ):
        ok(run(env, "play", old))
        assert fake.account.player.context_uri == road.uri


@pytest.mark.parametrize(
    "args",
    [
        ["search", ""],
        ["search", "   "],
        ["play", "--search", ""],
        ["queue", "add", "--search", " "],
    ],
)
def test_an_empty_search_is_a_usage_error_and_nothing_is_sent(env, served, args):
    fake, _ = served
    result = run(env, *args)
    assert result.returncode == EXIT_USAGE
    assert result.stderr == "Give some words to search for.\n"
    assert fake.requests["/v1/search"] == 0


async def test_an_empty_stats_window_draws_no_negative_hours_and_no_heatmap_cells():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        await pilot.press("8")
        await until(pilot, lambda: bool(app.screen.query(StatsView)), timeout=10)
        view = app.screen.query_one(StatsView)
        await pilot.press("W")
        await until(pilot, lambda: isinstance(app.screen, DatesPicker))
        app.screen.query_one("#dates-since", Input).value = "2001-01-01"
        app.screen.query_one("#dates-until", Input).value = "2001-01-31"
        await pilot.press("enter")
        await until(pilot, lambda: view.stats is not None and view.stats.plays == 0, 10)
        await until(pilot, lambda: len(view.query("#stats-charts > *")) == 2)
        listening = view.query_one("#stats-listening", PlotextPlot)
        heatmap = view.query_one("#stats-heatmap")
        await until(pilot, lambda: "Jan 1" in str(listening.render()))
        await until(pilot, lambda: "When you listen" in str(heatmap.render()))
        hours = str(listening.render())
        assert "1m┤" in hours and "-0" not in hours and "-1" not in hours
        assert "█" not in str(heatmap.render())
        assert "nothing played" in str(heatmap.render())


def test_an_export_holding_a_lone_surrogate_and_controls_imports_and_shows_safely(env, tmp_path):
    stream = {
        "ts": "2024-01-31T22:04:05Z",
        "ms_played": 200_000,
        "master_metadata_track_name": "Bad \ud800 Song",
        "master_metadata_album_artist_name": "\x1b]0;PWNED\x07[/bold]",
        "master_metadata_album_album_name": "Album",
        "spotify_track_uri": "spotify:track:" + "1" * 22,
    }
    export = tmp_path / "Streaming_History_Audio_2024.json"
    export.write_text(json.dumps([stream]), encoding="utf-8")  # the surrogate as \\ud800
    result = run(env, "history", "import", str(export))
    assert result.returncode == EXIT_OK, result.stderr
    top = ok(run(env, "history", "top", "tracks", "--window", "all"))
    safe(top)
    assert "Bad \ufffd Song — ^[]0;PWNED^G[/bold]" in top
    plays = json.loads(ok(run(env, "history", "export", "--json")))
    assert plays[0]["track"] == "Bad \ufffd Song"
    assert plays[0]["artist"] == "\x1b]0;PWNED\x07[/bold]"  # kept as received


def test_a_library_written_to_a_file_as_text_holds_no_control_sequence(env, served, tmp_path):
    """Text is for a terminal wherever it goes: ``cat`` of the file must not set the title."""
    fake, _ = served
    fake.set(hostile_names=True)
    target = tmp_path / "library.txt"
    ok(run(env, "library", "-o", str(target)))
    written = target.read_text(encoding="utf-8")
    safe(written)
    assert SHOWN in written


def test_no_export_writes_over_a_file_spotui_keeps(env, served):
    archive = Path(env["XDG_DATA_HOME"]) / "spotui" / "history.sqlite3"
    archive.parent.mkdir(parents=True, exist_ok=True)
    archive.write_bytes(b"the archive")
    for args in (["library"], ["history", "export", "--csv"]):
        result = run(env, *args, "-o", str(archive))
        assert result.returncode == EXIT_USAGE, result.stderr
        assert "is in a folder spotui keeps" in result.stderr
    assert archive.read_bytes() == b"the archive"
