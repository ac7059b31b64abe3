"""Bad input, fuzzed: safe defaults or one clear message, never an unhandled exception.

A fixed budget (examples per test) and derandomized runs keep CI steady.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spotui.cli.output import FormatError, check_template, format_fields, now_json
from spotui.config import Config, parse_config
from spotui.fake.catalog import EPISODE, LOCAL_FILE, TRACKS
from spotui.spotify.auth import RedirectError, parse_redirect
from spotui.spotify.models import (
    Artist,
    CursorPage,
    Paging,
    Playback,
    PlayHistory,
    SavedTrack,
    parse_devices,
)
from spotui.spotify.ports import is_client_id

BUDGET = settings(
    max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
STATE = "fuzz-state"

text = st.text(alphabet=st.characters(codec="utf-8"), max_size=300)
huge = st.text(min_size=5000, max_size=20000, alphabet="abcdefgh=&?:/")
control = st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=31), min_size=1)


# --- client IDs and pasted redirects -------------------------------------------------


@BUDGET
@given(st.one_of(text, huge, control))
def test_client_ids_are_judged_without_raising(value):
    assert isinstance(is_client_id(value), bool)


redirects = st.builds(
    lambda base, pairs: base + "?" + "&".join(f"{k}={v}" for k, v in pairs),
    st.sampled_from(["http://127.0.0.1:8888/callback", "https://example.com/x", "", "callback"]),
    st.lists(
        st.tuples(
            st.sampled_from(["code", "state", "error", "x", "", "code[]"]),
            st.one_of(st.just(STATE), st.just("access_denied"), text, control),
        ),
        max_size=5,
    ),
)


@BUDGET
@given(st.one_of(redirects, text, huge, control))
def test_pasted_text_gives_a_code_or_one_plain_message(pasted):
    try:
        code = parse_redirect(pasted, STATE)
    except RedirectError as exc:
        message = str(exc)
        assert message and "\n" not in message and len(message) < 300
    else:
        assert code and code.isascii() and not any(ch in code for ch in "&?= \n")


# --- config files -------------------------------------------------------------------

toml_values = st.one_of(
    st.integers(-(10**6), 10**6).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.booleans().map(lambda b: str(b).lower()),
    text.map(json.dumps),
    st.lists(st.integers(0, 9), max_size=3).map(str),
    st.just("{ a = 1 }"),
)
keys = st.sampled_from(
    [
        "poll_interval",
        "seek_step",
        "volume_step",
        "theme",
        "album_art",
        "callback_port",
        "colour",
        "seek step",
        "[table]",
    ]
)


@BUDGET
@given(st.lists(st.tuples(keys, toml_values), max_size=8))
def test_config_with_wrong_types_and_unknown_keys_gives_defaults_and_messages(pairs):
    config, problems = parse_config("\n".join(f"{k} = {v}" for k, v in pairs), "c.toml")
    assert isinstance(config, Config)
    assert all(p.startswith("c.toml") and "\n" not in p for p in problems)


@BUDGET
@given(st.one_of(text, huge))
def test_config_that_is_not_toml_gives_defaults(raw):
    config, problems = parse_config(raw, "c.toml")
    assert isinstance(config, Config) and isinstance(problems, list)


# --- API JSON: real shapes, broken ----------------------------------------------------

SHAPES: dict[str, Any] = {
    "playback": {
        "device": {
            "id": "d",
            "is_active": True,
            "name": "Phone",
            "type": "Smartphone",
            "volume_percent": 40,
            "supports_volume": True,
        },
        "shuffle_state": False,
        "repeat_state": "off",
        "timestamp": 1,
        "progress_ms": 5,
        "is_playing": True,
        "item": TRACKS[5].json(),
        "currently_playing_type": "track",
        "actions": {"disallows": {"resuming": True}},
        "context": {"uri": "spotify:x"},
    },
    "episode": {
        "is_playing": True,
        "progress_ms": 1,
        "item": EPISODE,
        "currently_playing_type": "episode",
    },
    "saved": {
        "items": [
            {"added_at": "2026-01-01T00:00:00Z", "track": TRACKS[0].json()},
            {"added_at": "x", "track": LOCAL_FILE},
        ],
        "total": 2,
        "limit": 2,
        "offset": 0,
        "next": None,
        "previous": None,
        "href": "h",
    },
    "recent": {
        "items": [
            {"track": TRACKS[1].json(), "played_at": "2026-01-01T00:00:00.5Z", "context": None}
        ],
        "cursors": {"after": "1", "before": "0"},
        "limit": 1,
        "next": None,
    },
    "artists": {
        "items": [
            {"name": "A", "genres": ["x"], "followers": {"total": 3}, "popularity": 3, "images": []}
        ],
        "total": 1,
    },
    "devices": {
        "devices": [{"id": None, "name": "Car", "type": "Automobile", "volume_percent": None}]
    },
}
PARSERS = {
    "playback": Playback.from_json,
    "episode": Playback.from_json,
    "saved": lambda d: Paging.from_json(d, SavedTrack.from_json),
    "recent": lambda d: CursorPage.from_json(d, PlayHistory.from_json),
    "artists": lambda d: Paging.from_json(d, Artist.from_json),
    "devices": parse_devices,
}
wrong = st.one_of(
    st.none(),
    st.integers(),
    st.booleans(),
    st.floats(allow_nan=True),
    text,
    st.lists(st.integers(), max_size=2),
    st.dictionaries(text, st.integers(), max_size=2),
)


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += _paths(inner, (*prefix, index))
    return found


@BUDGET
@given(st.sampled_from(sorted(SHAPES)), st.data())
def test_real_shapes_with_fields_removed_nulled_or_mistyped_parse_safely(name, data):
    shape = copy.deepcopy(SHAPES[name])
    places = _paths(shape)
    for path in data.draw(st.lists(st.sampled_from(places), max_size=6)):
        parent = shape
        try:
            for step in path[:-1]:
                parent = parent[step]
            if data.draw(st.booleans()) and isinstance(parent, dict):
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = data.draw(wrong)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed this place
    parsed = PARSERS[name](shape)
    if name in ("playback", "episode"):
        # What the headless commands print from it must not fail either.
        json.dumps(now_json(parsed))
        format_fields(parsed)


@BUDGET
@given(text)
def test_format_templates_are_checked_not_crashed(template):
    try:
        check_template(template)
    except FormatError as exc:
        assert str(exc).startswith("--format")
