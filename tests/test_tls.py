"""The TLS context spotui makes for Spotify trusts what httpx's default would."""

from __future__ import annotations

import ssl
from pathlib import Path

import certifi
import pytest

from spotui.spotify import tls


def authorities(context: ssl.SSLContext) -> int:
    return context.cert_store_stats()["x509_ca"]


def test_with_no_setting_it_trusts_certifis_bundle(monkeypatch):
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    expected = ssl.create_default_context(cafile=certifi.where())
    made = tls._make()
    assert authorities(made) == authorities(expected) > 100
    assert made.verify_mode == ssl.CERT_REQUIRED and made.check_hostname


def test_ssl_cert_file_replaces_the_bundle(monkeypatch, tmp_path):
    """A company proxy's own authority, as SSL_CERT_FILE names it for httpx."""
    bundle = Path(certifi.where()).read_text(encoding="ascii")
    end = "-----END CERTIFICATE-----"
    one = tmp_path / "one.pem"
    one.write_text(bundle[bundle.index("-----BEGIN CERTIFICATE-----") : bundle.index(end)] + end)
    monkeypatch.setenv("SSL_CERT_FILE", str(one))
    assert authorities(tls._make()) == 1


def test_a_missing_ssl_cert_file_is_an_error_for_the_caller(monkeypatch, tmp_path):
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "absent.pem"))
    with pytest.raises(OSError):
        tls._make()
