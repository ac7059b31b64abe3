"""`spotui scrobble` as a user runs it: a subprocess against the fake ListenBrainz and
Last.fm over HTTP on 127.0.0.1, with a file keyring and the archive in a temp folder."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from spotui import paths
from spotui.fake.lastfm import DEMO_API_KEY, DEMO_API_SECRET, FakeLastFm
from spotui.fake.listenbrainz import DEMO_TOKEN, FakeListenBrainz
from spotui.history.db import Archive
from spotui.history.records import API, EXTENDED, PODCAST, PlayRecord
from spotui.scrobble.outbox import LIVE, Outbox
from spotui.scrobble.rule import Listen

from .helpers import EXIT_ERROR, EXIT_USAGE, ok, spotui, start_spotui, subprocess_env

DAY_MS = 86_400_000
T0 = 1_700_000_000_000  # plays in November 2023


@pytest.fixture
def lb(tmp_path):
    fake = FakeListenBrainz()
    with fake.serve() as server:
        env = subprocess_env(tmp_path, "http://127.0.0.1:9/v1", "http://127.0.0.1:9")
        env["SPOTUI_LISTENBRAINZ_URL"] = server.url
        yield fake, env


def keyring(env: dict[str, str]) -> dict[str, str]:
    path = Path(env["SPOTUI_TEST_KEYRING"])
    return json.loads(path.read_text()) if path.exists() else {}


def test_setup_listenbrainz_checks_the_token_keeps_it_and_never_shows_it(lb):
    _, env = lb
    log = Path(env["XDG_STATE_HOME"]) / "debug.log"
    result = spotui_in(
        env, "-", f"--log={log}", "scrobble", "setup", "listenbrainz", "--token", "-"
    )
    assert "signed in as demo" in ok(result)
    assert "validate-token" in log.read_text() and DEMO_TOKEN not in log.read_text()
    assert keyring(env)["spotui/listenbrainz_token"] == DEMO_TOKEN
    assert DEMO_TOKEN not in result.stdout + result.stderr
    status = ok(spotui(env, "scrobble", "status"))
    assert "ListenBrainz: set up" in status and "Last.fm: not set up" in status
    wrong = spotui_in(env, "not-my-token", "scrobble", "setup", "listenbrainz", "--token", "-")
    assert wrong.returncode == EXIT_ERROR and "does not know this token" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    assert keyring(env)["spotui/listenbrainz_token"] == DEMO_TOKEN  # the good one stays
    logout = spotui(env, "logout")
    assert "listenbrainz token" in logout.stderr and logout.returncode == 0
    assert "spotui/listenbrainz_token" not in keyring(env)


def spotui_in(env, stdin: str, *args: str):
    """spotui with ``stdin`` (``-``: the demo token) on its standard input."""
    import subprocess
    import sys

    from .helpers import ROOT

    text = DEMO_TOKEN if stdin == "-" else stdin
    return subprocess.run(
        [sys.executable, "-m", "spotui", *args],
        input=text + "\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=30,
    )


def test_setup_lastfm_runs_the_web_approval_and_keeps_the_session(tmp_path):
    fake = FakeLastFm()
    with fake.serve() as server:
        env = subprocess_env(tmp_path, "http://127.0.0.1:9/v1", "http://127.0.0.1:9")
        env["SPOTUI_LASTFM_URL"] = server.url
        log = tmp_path / "debug.log"
        process = start_spotui(
            f"--log={log}",
            "scrobble",
            "setup",
            "lastfm",
            "--api-key",
            DEMO_API_KEY,
            "--api-secret",
            "-",
            "--no-browser",
            env=env,
        )
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(DEMO_API_SECRET + "\n")
        process.stdin.flush()
        url = process.stdout.readline().strip()
        assert url.startswith(f"{server.url}/api/auth/?api_key={DEMO_API_KEY}&token=")
        assert httpx.get(url).status_code == 200  # the user approves in the browser
        stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert "signed in as demo" in stdout and DEMO_API_SECRET not in stdout + stderr
    stored = keyring(env)
    assert stored["spotui/lastfm_session"] in fake.sessions
    logged = log.read_text()
    assert "/2.0/" in logged
    assert stored["spotui/lastfm_session"] not in logged and DEMO_API_SECRET not in logged
    assert stored["spotui/lastfm_api_secret"] == DEMO_API_SECRET


def archive_with_plays() -> list[int]:
    """An archive of music plays (some skipped, one podcast); gives the starts (Unix s)
    of those that count."""
    plays, counting = [], []
    for n in range(2500):
        end = T0 + n * 300_000
        ms = 20_000 if n % 10 == 0 else 200_000  # every tenth skipped at 20 s
        plays.append(
            PlayRecord(
                end, f"Song {n % 40}", f"Artist {n % 7}", "Album", duration_ms=210_000, ms_played=ms
            )
        )
        if ms >= 105_000:
            counting.append((end - ms) // 1000)
    plays.append(
        PlayRecord(
            T0 + DAY_MS * 30,
            "Episode",
            "Show",
            duration_ms=3_600_000,
            ms_played=3_000_000,
            kind=PODCAST,
        )
    )
    archive = Archive(paths.history_file())
    with archive.write() as writer:
        writer.add(plays, EXTENDED)
    archive.close()
    return counting


def test_import_sends_each_play_that_counts_once_in_batches_with_its_start(lb):
    fake, env = lb
    counting = archive_with_plays()
    # One of them was scrobbled live already: its start as the tracker saw it, 2 s off.
    live = counting[5]
    Outbox(Archive(paths.history_file())).add(
        "listenbrainz", Listen("Artist 6", "Song 6", live + 2, "Album", 210_000), LIVE
    )
    Path(env["SPOTUI_TEST_KEYRING"]).write_text(
        json.dumps({"spotui/listenbrainz_token": DEMO_TOKEN})
    )
    dry = ok(spotui(env, "scrobble", "import", "--to", "listenbrainz", "--dry-run"))
    assert f"{len(counting)} plays would be sent" in dry.replace(",", "") and fake.received == []
    since = int(datetime(2023, 11, 20, tzinfo=UTC).timestamp() * 1000)
    later = sum(start * 1000 + 200_000 >= since for start in counting)
    part = ok(
        spotui(
            env, "scrobble", "import", "--to", "listenbrainz", "--since", "2023-11-20", "--dry-run"
        )
    )
    # and the live play waiting in the outbox, which goes whatever the date
    assert 0 < later < len(counting) and f"{later + 1} plays would be" in part.replace(",", "")
    ok(spotui(env, "scrobble", "import", "--to", "listenbrainz"))
    sizes = [len(payload) for kind, payload in fake.received if kind == "import"]
    assert max(sizes) <= 1000 and len(sizes) == 3
    sent = sorted(listen["listened_at"] for listen in fake.listens)
    assert sent == sorted([*[s for s in counting if s != live], live + 2])  # the live one once
    again = ok(spotui(env, "scrobble", "import", "--to", "listenbrainz"))
    assert "0 plays sent" in again and len(fake.listens) == len(counting)
    assert "2,250 sent" in ok(spotui(env, "scrobble", "status"))


def test_import_to_lastfm_counts_what_it_ignored_and_never_sends_it_again(tmp_path):
    fake = FakeLastFm(cutoff_s=14 * 86_400)
    with fake.serve() as server:
        env = subprocess_env(tmp_path, "http://127.0.0.1:9/v1", "http://127.0.0.1:9")
        env["SPOTUI_LASTFM_URL"] = server.url
        Path(env["SPOTUI_TEST_KEYRING"]).write_text(
            json.dumps(
                {
                    "spotui/lastfm_api_key": DEMO_API_KEY,
                    "spotui/lastfm_api_secret": DEMO_API_SECRET,
                    "spotui/lastfm_session": fake.session(),
                }
            )
        )
        import time

        now_ms = int(time.time() * 1000)
        archive = Archive(paths.history_file())
        with archive.write() as writer:
            writer.add(
                [
                    PlayRecord(now_ms - 40 * DAY_MS, "Old", "Band", duration_ms=200_000),
                    PlayRecord(now_ms - 2 * DAY_MS, "New", "Band", duration_ms=200_000),
                ],
                API,
            )
        archive.close()
        first = ok(spotui(env, "scrobble", "import", "--to", "lastfm"))
        second = ok(spotui(env, "scrobble", "import", "--to", "lastfm"))
    assert "1 play sent" in first and "1 was ignored by Last.fm" in first
    assert "0 plays sent" in second
    assert [s["track"] for s in fake.scrobbles] == ["New"] and fake.scrobble_requests == 1


def test_doctor_checks_the_listenbrainz_token(env, tmp_path):
    fake = FakeListenBrainz()
    with fake.serve() as server:
        env = {**env, "SPOTUI_LISTENBRAINZ_URL": server.url}
        stored = keyring(env)
        Path(env["SPOTUI_TEST_KEYRING"]).write_text(
            json.dumps({**stored, "spotui/listenbrainz_token": DEMO_TOKEN})
        )
        good = spotui(env, "doctor")
        fake.revoke()
        bad = spotui(env, "doctor")
    assert "✓ ListenBrainz: the token of demo works" in good.stdout
    assert "Last.fm" not in good.stdout  # not set up: nothing to say
    assert bad.returncode == EXIT_ERROR and "✗ ListenBrainz" in bad.stdout
    assert "spotui scrobble setup listenbrainz" in bad.stdout
    assert DEMO_TOKEN not in good.stdout + bad.stdout + good.stderr + bad.stderr


def test_a_hostile_name_reaches_the_service_whole_and_the_terminal_harmless(lb):
    fake, env = lb
    name = "\x1b]0;PWNED\x07Evil\x9b31m [bold]Song"
    archive = Archive(paths.history_file())
    with archive.write() as writer:
        writer.add([PlayRecord(T0, name, "Band\x1b[2J", duration_ms=200_000)], API)
    archive.close()
    Path(env["SPOTUI_TEST_KEYRING"]).write_text(
        json.dumps({"spotui/listenbrainz_token": DEMO_TOKEN})
    )
    ok(spotui(env, "scrobble", "import", "--to", "listenbrainz"))
    assert fake.listens[0]["track_metadata"]["track_name"] == name  # data, kept whole
    status = ok(spotui(env, "scrobble", "status"))
    assert "\x1b" not in status and "\x07" not in status and "\x9b" not in status
    assert "Band^[[2J – ^[]0;PWNED^GEvil\ufffd31m [bold]Song" in status


def _one_line_refusal(result) -> str:
    """A refusal as the user sees it: exit 1, one line on stderr, no traceback."""
    assert result.returncode == EXIT_ERROR, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def test_a_refused_token_is_one_clear_line(lb):
    """A token ListenBrainz does not know (401 from the fake), at setup and at an import
    after it was reset on the site: one line each, saying what to do; no traceback."""
    fake, env = lb
    line = _one_line_refusal(
        spotui_in(env, "not-my-token", "scrobble", "setup", "listenbrainz", "--token", "-")
    )
    assert "does not know this token" in line and "not-my-token" not in line
    archive_with_plays()
    Path(env["SPOTUI_TEST_KEYRING"]).write_text(
        json.dumps({"spotui/listenbrainz_token": DEMO_TOKEN})
    )
    fake.revoke()  # the token reset on listenbrainz.org
    line = _one_line_refusal(spotui(env, "scrobble", "import", "--to", "listenbrainz"))
    assert "spotui scrobble setup listenbrainz" in line and DEMO_TOKEN not in line
    assert fake.received == []


def test_scrobble_in_the_demo_says_why_it_does_not_run(env):
    """The README says the demo scrobbles to its fakes: the command says where they are."""
    result = spotui(env, "--demo", "scrobble", "status")
    ok(result, EXIT_USAGE)
    assert result.stderr.count("\n") == 1
    assert "the demo app scrobbles to fakes inside its own process" in result.stderr
    readme = (Path(__file__).parent.parent / "README.md").read_text("utf-8")
    assert "`spotui --demo scrobble`\n  says so" in readme
