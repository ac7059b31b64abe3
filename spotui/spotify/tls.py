"""The TLS context for Spotify, made once and, at start-up, on a thread.

Reading the CA bundle takes tens of milliseconds, and OpenSSL lets go of the GIL
while it reads, so the app starts that beside its own work once the first frame is
up (:func:`prepare`); the first client waits only for what is left of it.
"""

from __future__ import annotations

import contextlib
import importlib.util
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
    return ssl.create_default_context(cafile=_certifi_bundle())


def _certifi_bundle() -> str:
    """certifi's CA bundle, found without importing certifi when it is a file on disk.
    The import brings in importlib.resources, zipfile and tempfile: 15-25 ms of the GIL
    taken from the app's own imports, which run beside the thread."""
    spec = importlib.util.find_spec("certifi")
    if spec is not None and spec.origin:
        bundle = os.path.join(os.path.dirname(spec.origin), "cacert.pem")
        if os.path.isfile(bundle):
            return bundle
    import certifi  # installed in a zip: certifi extracts the file

    return certifi.where()


def prepare() -> None:
    """Make the context on a thread, so that :func:`context` finds it ready.

    hashlib is imported first, here: its import tries each of OpenSSL's digests, and
    OpenSSL makes those wait while the thread reads the bundle (tens of milliseconds
    of the main thread, in the import of httpx, when it came second)."""
    import hashlib  # noqa: F401

    threading.Thread(target=_quietly, name="spotui-tls", daemon=True).start()


def _quietly() -> None:
    """On the thread, a failure is left for :func:`context` to raise to its caller
    (a thread's traceback would land on the terminal, under the app)."""
    with contextlib.suppress(Exception):  # raised again where the client is made
        context()
