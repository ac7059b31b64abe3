"""The optional debug log (``spotui --log [FILE]``), for bug reports.

Everything written passes through :func:`redact`, which blanks bearer and
basic credentials and any token, code, verifier, state or secret value.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

from spotui import paths

_SECRET_KEYS = (
    "access_token|refresh_token|client_secret|code_verifier|code_challenge|code|state|"
    "SPOTIFY_ACCESS_TOKEN|SPOTIFY_REFRESH_TOKEN|SPOTIFY_CLIENT_SECRET|"
    # ListenBrainz and Last.fm (spotui.scrobble): a token, the app's key and secret, a session
    "token|sk|api_key|api_secret|api_sig|listenbrainz_token|lastfm_[a-z_]+"
)
_PATTERNS = (
    # Spotify's access tokens start "BQ", refresh tokens and codes "AQ": wherever they are.
    (re.compile(r"(?<![A-Za-z0-9_-])[AB]Q[A-Za-z0-9_-]{30,}"), "[redacted]"),
    (re.compile(r"(Bearer\s+)[^\s\"',]+", re.IGNORECASE), r"\1[redacted]"),
    (re.compile(r"(Basic\s+)[A-Za-z0-9+/=]+", re.IGNORECASE), r"\1[redacted]"),
    # ListenBrainz's header: Authorization: Token <a UUID>
    (re.compile(r"(Token\s+)[0-9A-Fa-f-]{20,}"), r"\1[redacted]"),
    (
        re.compile(rf"((?<![A-Za-z_])(?:{_SECRET_KEYS})[\"']?\s*[=:]\s*[\"']?)[^\s&\"',}}]+"),
        r"\1[redacted]",
    ),
)


def redact(text: str) -> str:
    """``text`` with every credential-shaped value replaced by ``[redacted]``."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def default_log_file() -> Path:
    return paths.log_dir() / "spotui.log"


def start_logging(path: Path | None) -> Path:
    """Log spotui's debug messages to ``path`` (mode 0600), or to the platform log folder."""
    path = path or default_log_file()
    paths.private_folder(path.parent)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.close(descriptor)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("spotui")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    return path
