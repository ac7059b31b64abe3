"""Bounds on what comes from outside (issue 26): pages that never end, long 429s,
answers that make no sense, and the folders spotui leaves on disk."""

from __future__ import annotations

import os
import pty
import re
import select
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from spotui import paths
from spotui.fake import DEMO_CLIENT_ID
from spotui.fake.catalog import TRACKS
from spotui.fake.knobs import BAD_PAGES
from spotui.tui.screens.pages import ArtistScreen
from spotui.tui.widgets.table import RowsTable

from .helpers import EXIT_ERROR, ROOT, demo, spotui, started, until
from .test_app import fake_of, title


def run_app(env: dict[str, str], lists: Path) -> None:
    """The app on a pty: once it shows the playing track, press 2 (top tracks); once
    that list is kept on disk, SIGTERM (as q)."""
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(ROOT)
        os.execvpe(sys.executable, [sys.executable, "-m", "spotui"], env)
    seen, deadline = b"", time.monotonic() + 30
    try:
        while b"Cherish" not in seen and time.monotonic() < deadline:
            if select.select([fd], [], [], 0.1)[0]:
                seen += os.read(fd, 65536)
        os.write(fd, b"2")
        while not lists.exists() and time.monotonic() < deadline:
            if select.select([fd], [], [], 0.1)[0]:
                os.read(fd, 65536)
        os.kill(pid, signal.SIGTERM)
        while select.select([fd], [], [], 0.1)[0] and time.monotonic() < deadline:
            if not os.read(fd, 65536):
                break
    except OSError:
        pass
    finally:
        os.close(fd)
        os.waitpid(pid, 0)


# --- folders ----------------------------------------------------------------------------


def test_every_folder_spotui_makes_is_0700_under_umask_022(env, tmp_path):
    env = {**env, "SPOTIFY_CLIENT_ID": DEMO_CLIENT_ID, "TERM": "xterm-256color"}
    # The Client ID comes from the environment and the tokens from the keyring file, so
    # spotui makes every folder it needs itself.
    shutil.rmtree(tmp_path / "state")
    before = {path for path in tmp_path.rglob("*") if path.is_dir()}
    commands = [
        ["now"],
        ["top", "tracks"],
        ["recent"],
        ["playlists"],
        ["library", "--json", "-o", str(tmp_path / "library.json")],
        ["history", "sync"],
        ["--log", "now"],
        ["doctor"],
    ]
    previous = os.umask(0o022)
    try:
        for args in commands:
            subprocess.run(
                [sys.executable, "-m", "spotui", *args],
                capture_output=True,
                env=env,
                cwd=ROOT,
                timeout=60,
            )
        # The app: the top tracks tab (kept in the list cache), then ended as q does.
        run_app(env, lists=tmp_path / "cache" / "spotui" / "lists")
    finally:
        os.umask(previous)
    made = {path for path in tmp_path.rglob("*") if path.is_dir()} - before
    names = {path.relative_to(tmp_path).as_posix() for path in made}
    for expected in ("cache/spotui", "cache/spotui/lists", "state/spotui", "data/spotui"):
        assert expected in names, sorted(names)
    assert any(name.startswith("state/spotui/log") for name in names), sorted(names)
    modes = {
        path.relative_to(tmp_path).as_posix(): oct(path.stat().st_mode & 0o777) for path in made
    }
    assert all(mode == "0o700" for mode in modes.values()), modes
    assert all(
        path.stat().st_mode & 0o077 == 0
        for path in Path(tmp_path).rglob("*")
        if path.is_file() and path.parent in made
    )


# --- pages ------------------------------------------------------------------------------

PAGED = {  # every command that follows pages, and the path whose pages it follows
    "playlists": (["playlists"], "/v1/me/playlists"),
    "playlist add": (["playlist", "add", "Road", "spotify:track:x"], "/v1/me/playlists"),
    "playlist": (["playlist", "{id}"], "/v1/playlists/"),
    "library": (["library"], "/v1/me/tracks"),
    "library -o": (["library", "--csv", "-o", "{out}"], "/v1/me/tracks"),
}


@pytest.mark.parametrize("kind", BAD_PAGES)
@pytest.mark.parametrize("name", PAGED)
def test_every_paged_command_ends_with_a_line_on_pages_that_make_no_sense(
    env, served, tmp_path, name, kind
):
    fake, _ = served
    owned = next(iter(fake.account.playlist_items))
    out = tmp_path / "library.csv"
    out.write_text("kept\n")
    args, path = PAGED[name]
    args = [a.format(id=owned, out=out) for a in args]
    fake.set(bad_pages=kind, bad_pages_path=path)
    before = sum(n for p, n in fake.requests.items() if p.startswith(path))
    started = time.monotonic()
    result = spotui(env, *args)
    asked = sum(n for p, n in fake.requests.items() if p.startswith(path)) - before
    assert result.returncode == EXIT_ERROR, (result.stdout, result.stderr)
    assert "spotui stopped there" in result.stderr and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert asked <= 12 and time.monotonic() - started < 10
    assert out.read_text() == "kept\n"  # a read that stopped writes no export


# --- exports ----------------------------------------------------------------------------


@pytest.mark.parametrize("linked", [False, True])
def test_an_export_that_fails_halfway_leaves_the_old_file_whole(tmp_path, linked):
    old = tmp_path / "library.csv"
    old.write_text("the export of last week\n")
    path = old
    if linked:  # `-o ~/exports/latest.csv`, a link to the real file
        path = tmp_path / "latest.csv"
        path.symlink_to(old)
    with pytest.raises(UnicodeEncodeError):  # a lone surrogate cannot be written as UTF-8
        paths.write_export(path, "title\n" * 10_000 + "\ud800\n")
    assert old.read_text() == "the export of last week\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted({old.name, path.name})
    paths.write_export(path, "new\n")
    assert old.read_text() == "new\n" and path.is_symlink() == linked
    assert old.stat().st_mode & 0o777 == 0o600


# --- 429s -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "wait"), [("5", "5 s"), ("0", "2 s"), ("abc", "5 s"), ("3600", "1 h")]
)
@pytest.mark.parametrize("args", [["now"], ["pause"]])
def test_a_quick_command_under_429s_ends_within_ten_seconds_and_says_when_to_try_again(
    env, served, args, header, wait
):
    fake, _ = served
    fake.set(rate_limit=1000, retry_after_header=header)
    started = time.monotonic()
    result = spotui(env, *args)
    took = time.monotonic() - started
    assert took < 10, f"{args} took {took:.1f} s"
    assert result.returncode == EXIT_ERROR and result.stdout == ""
    line = re.fullmatch(
        r"Spotify asks to wait (.+); try again after (\d\d):(\d\d):(\d\d)\n", result.stderr
    )
    assert line is not None, result.stderr
    assert line[1] == wait
    at = datetime.now().replace(hour=int(line[2]), minute=int(line[3]), second=int(line[4]))
    seconds = {"5 s": 5, "2 s": 2, "1 h": 3600}[wait]
    assert abs((at - datetime.now()).total_seconds() % 86_400 - seconds) < 5
    if header == "3600":  # the long wait is kept: the next command sends nothing at all
        asked = sum(fake.requests.values())
        again = spotui(env, *args)
        assert again.returncode == EXIT_ERROR and "try again after" in again.stderr
        assert sum(fake.requests.values()) == asked


def test_doctor_under_429s_ends_within_ten_seconds_and_says_when_to_try_again(env, served):
    served[0].set(rate_limit=1000, retry_after_header="5")
    started = time.monotonic()
    result = spotui(env, "doctor")
    assert time.monotonic() - started < 10 and result.returncode == EXIT_ERROR
    assert "✗ Rate limit: Spotify asks to wait 5 s; try again after" in result.stdout
    assert "retrying" not in result.stdout + result.stderr


@pytest.mark.parametrize("kind", ["endless", "self", "negative"])
async def test_the_library_and_playlists_tabs_end_bad_pages_with_a_line(kind):
    app = demo(bad_pages=kind)
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        fake = fake_of(app)

        def asked() -> int:
            return fake.requests["/v1/me/tracks"] + fake.requests["/v1/me/playlists"]

        # The day's library snapshot reads the same pages (and stops on them) by itself:
        # let it end first, so that what is counted is the tabs' reads alone.
        await until(pilot, lambda: fake.requests["/v1/me/tracks"] > 0, 20)  # it has begun
        before, quiet = asked(), 0
        for _ in range(200):
            await pilot.pause(0.1)
            quiet, before = (quiet + 1, before) if asked() == before else (0, asked())
            if quiet >= 15:
                break
        for key, view in (("5", "LibraryView"), ("7", "#playlists-view")):
            await pilot.press(key)
            await until(pilot, lambda v=view: bool(app.screen.query(v)))
            caption = app.screen.query_one(view).query_one(".caption")
            await until(pilot, lambda c=caption: "spotui stopped there" in str(c.content))
        assert asked() - before <= 12


async def test_an_empty_page_ends_an_artists_albums_however_often_the_end_is_reached():
    app = demo()
    async with app.run_test(size=(120, 40)) as pilot:
        await started(pilot)
        fake = fake_of(app)
        fake.account.play({"uris": [TRACKS[10].uri]})  # an artist with 14 albums
        await pilot.press("ctrl+r")
        await until(pilot, lambda: title(app) == TRACKS[10].name)
        await pilot.press("O")
        await until(pilot, lambda: isinstance(app.screen, ArtistScreen))
        albums = app.screen.query_one("#artist-albums RowsTable", RowsTable)
        await until(pilot, lambda: albums.row_count == 10)
        fake.set(bad_pages="empty", bad_pages_path="/v1/artists/")

        def asked() -> int:
            return sum(n for path, n in fake.requests.items() if path.endswith("/albums"))

        before = asked()
        albums.focus()
        await pilot.press("end")
        await until(pilot, lambda: asked() == before + 1)
        for _ in range(5):
            await pilot.press("up", "end")
            await pilot.pause(0.05)
        assert asked() == before + 1 and albums.row_count == 10
