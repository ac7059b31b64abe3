"""The sign-in's plain facts: the callback ports a user may pick (not a privileged one),
the redirect URI and the shape of a Client ID. Apart from the sign-in, so that reading
the config and painting the wizard do not import the HTTP stack."""

import re

DEFAULT_PORT = 8888
PORTS = range(1024, 65536)
PORT_RULE = "from 1024 to 65535"

CLIENT_ID_RE = re.compile(r"^[0-9a-fA-F]{32}$")


def redirect_uri(port: int = DEFAULT_PORT) -> str:
    """The loopback redirect URI. An IP literal: Spotify refuses ``localhost``."""
    return f"http://127.0.0.1:{port}/callback"


def is_client_id(value: str) -> bool:
    return bool(CLIENT_ID_RE.fullmatch(value.strip()))
