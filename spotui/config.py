"""The TOML config file: read leniently, with one clear message per bad key."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Literal

from spotui import paths
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


def _number(low: float, high: float, whole: bool) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        kinds = (int,) if whole else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds) or not low <= value <= high:
            kind = "a whole number" if whole else "a number"
            raise ValueError(f"must be {kind} from {low:g} to {high:g}")
        return value if whole else float(value)

    return check


def _choice(*options: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if value not in options:
            raise ValueError("must be one of " + ", ".join(f'"{o}"' for o in options))
        return value

    return check


def _text(value: Any) -> Any:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be a non-empty string")
    return clean(value.strip())


_CHECKS: dict[str, Callable[[Any], Any]] = {
    "poll_interval": _number(2, 60, whole=False),
    "seek_step": _number(1, 300, whole=True),
    "volume_step": _number(1, 50, whole=True),
    "theme": _text,
    "album_art": _choice("auto", "blocks", "off"),
    "callback_port": _number(PORTS.start, PORTS.stop - 1, whole=True),
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
    values: dict[str, Any] = {}
    defaults = Config()
    for key, raw in data.items():
        check = _CHECKS.get(key)
        if check is None:
            known = ", ".join(f.name for f in fields(Config))
            problems.append(f"{source}: unknown key '{clean(key)}' ignored (known keys: {known})")
            continue
        try:
            values[key] = check(raw)
        except ValueError as exc:
            shown = repr(raw) if len(repr(raw)) <= 40 else repr(raw)[:37] + "..."
            problems.append(
                f"{source}: '{key}' {exc} (got {shown}); using {getattr(defaults, key)!r}"
            )
    return replace(defaults, **values), problems


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
