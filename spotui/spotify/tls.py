"""The TLS context for Spotify, made once and, at start-up, on a thread.

Reading the CA bundle takes tens of milliseconds, and OpenSSL lets go of the GIL
while it reads, so the app starts that beside its own work once the first frame is
up (:func:`prepare`); the first client waits only for what is left of it.
"""

from __future__ import annotations

import contextlib
import os
import ssl
import threading

_lock = threading.Lock()
_context: ssl.SSLContext | None = None


def context() -> ssl.SSLContext:
    """The context httpx would make, made on first use and shared by every client."""
    global _context
    with _lock:
        if _context is None:
            _context = _make()
        return _context


def _make() -> ssl.SSLContext:
    """As httpx makes it by default: SSL_CERT_FILE or SSL_CERT_DIR when set, else
    certifi's bundle. Not through httpx, whose import the thread would wait for."""
    if cafile := os.environ.get("SSL_CERT_FILE"):
        return ssl.create_default_context(cafile=cafile)
    if capath := os.environ.get("SSL_CERT_DIR"):
        return ssl.create_default_context(capath=capath)
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


def prepare() -> None:
    """Make the context on a thread, so that :func:`context` finds it ready."""
    threading.Thread(target=_quietly, name="spotui-tls", daemon=True).start()


def _quietly() -> None:
    """On the thread, a failure is left for :func:`context` to raise to its caller
    (a thread's traceback would land on the terminal, under the app)."""
    with contextlib.suppress(Exception):  # raised again where the client is made
        context()
