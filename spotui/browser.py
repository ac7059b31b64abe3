"""Opening a browser, only where one can appear on a screen."""

from __future__ import annotations

import os
import sys
import threading


def can_open_browser() -> bool:
    """False over SSH and on Linux without a display, where a console browser
    would take over the terminal."""
    if os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_TTY"):
        return False
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def open_browser(url: str) -> bool:
    """Open ``url`` in the background; True when an attempt was made."""
    if not can_open_browser():
        return False
    import webbrowser  # not before: the wizard's first frame does not need it

    threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
    return True
