"""The TOML config: defaults, a clear message per bad key, --config, themes."""

from __future__ import annotations

import pytest

from spotui import paths
from spotui.config import Config, load_config, parse_config
from spotui.services import Services
from spotui.tui.app import SpotuiApp
from spotui.tui.screens.main import MainScreen

from .test_app import notices, until


def test_a_missing_default_file_gives_the_defaults_quietly():
    assert load_config() == (Config(), [])


def test_values_are_read_from_the_platform_config_folder():
    paths.config_file().parent.mkdir(parents=True)
    paths.config_file().write_text(
        'poll_interval = 3\nseek_step = 15\ntheme = "nord"\nalbum_art = "off"\n'
        "callback_port = 9000\nvolume_step = 10\n"
    )
    config, problems = load_config()
    assert problems == []
    assert config == Config(
        poll_interval=3.0,
        seek_step=15,
        theme="nord",
        album_art="off",
        callback_port=9000,
        volume_step=10,
    )


@pytest.mark.parametrize(
    ("toml", "key", "words"),
    [
        ("seek_step = 'fast'", "seek_step", "whole number from 1 to 300"),
        ("poll_interval = 0.5", "poll_interval", "number from 2 to 60"),
        ("album_art = 'sixel'", "album_art", '"auto", "blocks", "off"'),
        ("callback_port = 80", "callback_port", "1024 to 65535"),
        ("theme = ''", "theme", "non-empty string"),
        ("seek_step = true", "seek_step", "whole number"),
    ],
)
def test_a_bad_value_names_the_key_and_falls_back(toml, key, words):
    config, problems = parse_config(f"{toml}\nvolume_step = 7\n", "my.toml")
    assert len(problems) == 1
    assert f"'{key}'" in problems[0] and words in problems[0] and "my.toml" in problems[0]
    assert getattr(config, key) == getattr(Config(), key)
    assert config.volume_step == 7  # the good keys still count


@pytest.mark.parametrize(
    ("toml", "said"),
    [
        ("mpris = 'yes'", "(got 'yes'); using true"),
        ("seek_step = true", "(got true); using 10"),
        ("notify = 1", "(got 1); using unset (on in spotui serve only)"),
        ("notify_format = 5", "using { title = '{title}', body = '{artist} — {album}' }"),
        ("theme = ['a', false]", "(got ['a', false]); using 'textual-dark'"),
        ("lyrics_dir = '/no/such/folder'", "is not a folder (got '/no/such/folder'); using none"),
    ],
)
def test_a_bad_value_and_its_default_are_shown_as_toml_writes_them(toml, said):
    """As the user would write them in config.toml: true, not Python's True."""
    _, problems = parse_config(toml)
    assert len(problems) == 1 and problems[0].endswith(said), problems[0]


def test_unknown_keys_are_named_and_ignored():
    config, problems = parse_config("colour = 'red'\n", "c.toml")
    assert config == Config()
    assert problems == [
        "c.toml: unknown key 'colour' ignored (known keys: poll_interval, seek_step, "
        "volume_step, theme, album_art, callback_port, mpris, notify, notify_format, "
        "lyrics_dir, keys)"
    ]


def test_broken_toml_gives_the_defaults_and_one_message():
    config, problems = parse_config("seek_step = = 3\n[", "c.toml")
    assert config == Config()
    assert len(problems) == 1 and "not valid TOML" in problems[0]


def test_config_option_reads_another_file(tmp_path):
    other = tmp_path / "other.toml"
    other.write_text("seek_step = 30\n")
    assert load_config(other)[0].seek_step == 30
    config, problems = load_config(tmp_path / "missing.toml")
    assert config == Config() and "no such config file" in problems[0]


async def test_the_app_shows_config_problems_and_keeps_working():
    config, problems = parse_config("seek_step = 'fast'\n", "config.toml")
    app = SpotuiApp(Services.demo_mode(), config, problems)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        assert "'seek_step' must be a whole number" in notices(app)


async def test_a_theme_is_applied():
    app = SpotuiApp(Services.demo_mode(), Config(theme="nord"))
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        assert app.theme == "nord"


async def test_an_unknown_theme_is_said_as_every_bad_value_is_and_shown_as_data():
    """The file, the key, what is wrong, the value as typed (its markup and escape
    shown, not applied), and what is used instead: as :func:`parse_config` says them."""
    config, problems = parse_config('theme = "[b]nope[/b]\\u001b[31m"\n', "my.toml")
    assert problems == []  # a string: whether Textual has it is known in the app only
    app = SpotuiApp(Services.demo_mode(), config)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, MainScreen))
        (line,) = [n.message for n in app._notifications if n.title == "Config"]
        assert line.startswith("my.toml: 'theme' must be one of \"")
        assert '"nord"' in line and '"textual-light"' in line
        assert line.endswith(" (got '[b]nope[/b]\\x1b[31m'); using 'textual-dark'")
        assert app.theme == "textual-dark"
