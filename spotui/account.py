"""What is not secret about the sign-in: the Client ID and the callback port, kept in
the state folder. Light on purpose: the app reads it before its first frame, to know
whether a first run starts at the wizard."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from spotui import paths
from spotui.spotify.ports import DEFAULT_PORT, PORTS, is_client_id

ENV_CLIENT_ID = "SPOTIFY_CLIENT_ID"


@dataclass(frozen=True, slots=True)
class Account:
    """What is not secret about the sign-in: kept in the state folder."""

    client_id: str | None = None
    callback_port: int = DEFAULT_PORT


def account_file() -> Path:
    return paths.state_dir() / "account.json"


def load_account() -> Account:
    try:
        data = json.loads(account_file().read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return Account()
    if not isinstance(data, dict):
        return Account()
    client_id = data.get("client_id")
    port = data.get("callback_port")
    return Account(
        client_id=client_id if isinstance(client_id, str) and is_client_id(client_id) else None,
        callback_port=port if isinstance(port, int) and port in PORTS else DEFAULT_PORT,
    )


def save_account(account: Account) -> None:
    payload = {"client_id": account.client_id, "callback_port": account.callback_port}
    paths.write_private(account_file(), json.dumps(payload, indent=2) + "\n")


def known_client_id(env: Mapping[str, str] | None = None) -> str | None:
    """The Client ID from the environment, else from the state file. Without one there
    is no sign-in to try: a first run, which opens at the wizard."""
    env = os.environ if env is None else env
    return env.get(ENV_CLIENT_ID) or load_account().client_id
