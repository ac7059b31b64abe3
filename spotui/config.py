"""The TOML config file: read leniently, with one clear message per bad key."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from spotui import keymap, paths
from spotui.format import FormatError, check_template
from spotui.spotify.ports import PORTS
from spotui.text import clean

AlbumArt = Literal["auto", "blocks", "off"]


@dataclass(frozen=True, slots=True)
class Config:
    """Settings a user may change. Every one has a default."""

    poll_interval: float = 5.0
    seek_step: int = 10
    volume_step: int = 5
    theme: str = "textual-dark"
    album_art: AlbumArt = "auto"
    callback_port: int = 8888
    lyrics_dir: str = ""  # a folder of .lrc files, looked in before LRCLIB
    keys_preset: str = ""  # a name in keymap.PRESETS, from [keys] preset
    keys: tuple[tuple[str, str], ...] = ()  # (id, "key,key") from [keys]
    source: str = field(default="config.toml", compare=False)  # the file, for its notices
    mpris: bool = True  # the MPRIS player on the session bus (TUI and serve)
    notify: bool | None = None  # notifications on a change of track (None: in serve only)
    notify_format: tuple[str, str] = ("{title}", "{artist} — {album}")  # title, body

    @property
    def keymap(self) -> dict[str, str]:
        """Binding id to its keys: the preset's, then the user's own entries over it. A
        key of your own leaves the preset's id that had it (not a clash: you chose)."""
        own = dict(self.keys)
        taken = {key for keys in own.values() for key in keys.split(",")}
        preset: dict[str, str] = {}
        for id_, keys in keymap.PRESETS.get(self.keys_preset, {}).items():
            kept = [key for key in keys.split(",") if key not in taken]
            if id_ not in own and kept:
                preset[id_] = ",".join(kept)
        return {**preset, **own}


def _number(low: float, high: float, whole: bool) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        kinds = (int,) if whole else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds) or not low <= value <= high:
            kind = "a whole number" if whole else "a number"
            raise ValueError(f"must be {kind} from {low:g} to {high:g}")
        return value if whole else float(value)

    return check


def one_of(options: Iterable[str]) -> str:
    """What a value that must be one of ``options`` is told."""
    return "must be one of " + ", ".join(f'"{option}"' for option in options)


def _choice(*options: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if value not in options:
            raise ValueError(one_of(options))
        return value

    return check


def _flag(value: Any) -> Any:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def _notify_format(value: Any) -> Any:
    """``{ title = "…", body = "…" }``, with ``now --format``'s fields; either may be left
    out (its default stands)."""
    if not isinstance(value, dict) or not set(value) <= {"title", "body"}:
        raise ValueError('must be a table like { title = "{title}", body = "{artist}" }')
    templates = dict(zip(("title", "body"), Config().notify_format, strict=True))
    for name, template in value.items():
        if not isinstance(template, str):
            raise ValueError(f"{name} must be a string")
        try:
            check_template(template, what=name)
        except FormatError as exc:
            raise ValueError(f"is wrong: {exc}") from None
        templates[name] = clean(template)
    return (templates["title"], templates["body"])


def _text(value: Any) -> Any:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be a non-empty string")
    return clean(value.strip())


def _folder(value: Any) -> Any:
    """A folder that is there (``~`` is the home folder)."""
    text = _text(value)
    try:
        there = Path(text).expanduser().is_dir()
    except (OSError, RuntimeError, ValueError):  # no home folder to expand, a NUL
        there = False
    if not there:
        raise ValueError("is not a folder")
    return text


_CHECKS: dict[str, Callable[[Any], Any]] = {
    "poll_interval": _number(2, 60, whole=False),
    "seek_step": _number(1, 300, whole=True),
    "volume_step": _number(1, 50, whole=True),
    "theme": _text,
    "album_art": _choice("auto", "blocks", "off"),
    "callback_port": _number(PORTS.start, PORTS.stop - 1, whole=True),
    "mpris": _flag,
    "notify": _flag,
    "notify_format": _notify_format,
    "lyrics_dir": _folder,
}


def parse_config(text: str, source: str = "config.toml") -> tuple[Config, list[str]]:
    """A Config from TOML text, and a plain message for each problem found.

    A bad value falls back to its default; broken TOML gives all the defaults.
    tomllib is imported here: most starts have no config file, and every start paints
    its first frame after this module is imported (4 ms, ``python -X importtime``).
    """
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return Config(), [f"{source}: not valid TOML ({exc}); using the defaults"]
    except RecursionError:
        return Config(), [f"{source}: nested too deeply to read; using the defaults"]
    problems: list[str] = []
    values: dict[str, Any] = {"source": source}
    for key, raw in data.items():
        if key == "keys":
            values["keys_preset"], values["keys"] = _keys(raw, source, problems)
            continue
        check = _CHECKS.get(key)
        if check is None:
            known = ", ".join([*_CHECKS, "keys"])
            problems.append(f"{source}: unknown key '{clean(key)}' ignored (known keys: {known})")
            continue
        try:
            values[key] = check(raw)
        except ValueError as exc:
            problems.append(problem(source, key, str(exc), raw))
    return replace(Config(), **values), problems


def problem(source: str, key: str, wrong: str, raw: Any) -> str:
    """The line for a bad value: the file, the key, what is wrong, the value (as TOML
    writes it: data, never markup), and the default used instead."""
    return f"{source}: '{key}' {wrong} (got {_shown(raw)}); using {_default(key)}"


def _toml(value: Any) -> str:
    """A value as config.toml writes it (true, not Python's True; a table, a list)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{key} = {_toml(item)}" for key, item in value.items()) + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    return repr(value)  # a number; a string in quotes, escaped


def _default(key: str) -> str:
    value = getattr(Config(), key)
    if key == "notify_format":
        return _toml(dict(zip(("title", "body"), value, strict=True)))
    if key == "notify":
        return "unset (on in spotui serve only)"
    return "none" if value == "" else _toml(value)


def _shown(raw: Any) -> str:
    shown = _toml(raw)
    return shown if len(shown) <= 40 else shown[:37] + "..."


def _keys(raw: Any, source: str, problems: list[str]) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The ``[keys]`` table: an optional ``preset``, then ``id = "key,key"`` entries. A
    bad entry is named and left out; the others stand."""
    if not isinstance(raw, dict):
        problems.append(
            f"{source}: 'keys' must be a table of id = \"key,key\" (got {_shown(raw)}); "
            "using the default keys"
        )
        return "", ()
    preset = ""
    entries: list[tuple[str, str]] = []
    for name, value in raw.items():
        where = f"{source}: [keys] {name!r}"
        if name == "preset":
            if value in keymap.PRESETS:
                preset = value
            else:
                problems.append(f"{where} {one_of(keymap.PRESETS)} (got {_shown(value)}); ignored")
            continue
        if name not in keymap.ACTIONS:
            problems.append(
                f"{source}: [keys] unknown id {name!r} ignored (`spotui keys` lists them)"
            )
            continue
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            value = ",".join(value)
        if not isinstance(value, str) or not value.strip():
            problems.append(
                f'{where} must be a key or keys, like "n" or "down,j" (got {_shown(value)}); '
                "ignored"
            )
            continue
        try:
            keys = keymap.parse_keys(value)
        except ValueError as exc:
            problems.append(f"{where}: {exc} (got {_shown(value)}); ignored")
            continue
        entries.append((name, ",".join(keys)))
    return preset, tuple(entries)


def load_config(path: Path | None = None) -> tuple[Config, list[str]]:
    """Read the config file (the platform default when ``path`` is None).

    A missing default file is fine; a missing file the user named is a problem.
    """
    explicit = path is not None
    path = path or paths.config_file()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config(), ([f"{path}: no such config file; using the defaults"] if explicit else [])
    except (OSError, UnicodeDecodeError) as exc:
        return Config(), [f"{path}: cannot be read ({exc.__class__.__name__}); using the defaults"]
    return parse_config(text, source=str(path))
