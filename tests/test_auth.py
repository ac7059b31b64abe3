"""PKCE, the authorize URL, redirects, and the token endpoint against the fake."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from spotui.fake import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, FakeSpotify
from spotui.spotify.auth import (
    SCOPES,
    AuthRequest,
    ClientCredentials,
    Endpoints,
    RedirectError,
    TokenSet,
    code_challenge,
    exchange_code,
    make_verifier,
    parse_redirect,
    refresh_tokens,
)
from spotui.spotify.errors import AuthRevoked, InvalidClient, InvalidGrant, NetworkError
from spotui.spotify.ports import redirect_uri

ENDPOINTS = Endpoints()


def test_pkce_challenge_matches_rfc_7636_example():
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert code_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_verifiers_are_random_and_in_the_allowed_alphabet():
    verifiers = {make_verifier() for _ in range(20)}
    assert len(verifiers) == 20
    allowed = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    for verifier in verifiers:
        assert 43 <= len(verifier) <= 128 and set(verifier) <= allowed
    with pytest.raises(ValueError):
        make_verifier(42)


def test_default_redirect_is_an_ip_literal_not_localhost():
    assert redirect_uri() == "http://127.0.0.1:8888/callback"
    assert redirect_uri(9000) == "http://127.0.0.1:9000/callback"


def test_authorize_url_carries_every_parameter():
    request = AuthRequest.start(ClientCredentials(DEMO_CLIENT_ID), redirect_uri())
    parts = urlsplit(request.url(ENDPOINTS))
    assert (
        f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://accounts.spotify.com/authorize"
    )
    query = {key: value[0] for key, value in parse_qs(parts.query).items()}
    assert query["client_id"] == DEMO_CLIENT_ID
    assert query["response_type"] == "code"
    assert query["redirect_uri"] == "http://127.0.0.1:8888/callback"
    assert query["scope"].split() == list(SCOPES)
    assert query["state"] == request.state and len(request.state) >= 16
    assert query["code_challenge_method"] == "S256"
    assert query["code_challenge"] == code_challenge(request.verifier or "")


def test_classic_flow_with_a_secret_uses_no_pkce():
    request = AuthRequest.start(ClientCredentials(DEMO_CLIENT_ID, "s3cret"), redirect_uri())
    assert request.verifier is None
    assert "code_challenge" not in request.url(ENDPOINTS)


def test_secrets_stay_out_of_repr():
    request = AuthRequest.start(ClientCredentials(DEMO_CLIENT_ID, "s3cret"), redirect_uri())
    tokens = TokenSet("access-xyz", 1.0, "refresh-xyz")
    for text in (repr(request), repr(tokens), repr(ClientCredentials(DEMO_CLIENT_ID, "s3cret"))):
        for secret in ("s3cret", "access-xyz", "refresh-xyz", request.state):
            assert secret not in text


class TestParseRedirect:
    STATE = "expected-state"

    def test_full_redirect_url(self):
        url = f"http://127.0.0.1:8888/callback?code=AQBcodecodecode123456&state={self.STATE}"
        assert parse_redirect(url, self.STATE) == "AQBcodecodecode123456"

    def test_query_string_and_bare_code(self):
        assert parse_redirect(f"code=AQBcodecodecode123456&state={self.STATE}", self.STATE)
        assert parse_redirect("  AQBcodecodecode123456\n", self.STATE) == "AQBcodecodecode123456"

    @pytest.mark.parametrize(
        ("text", "words"),
        [
            ("http://127.0.0.1:8888/callback?code=AQBcodecodecode123456&state=other", "state"),
            ("http://127.0.0.1:8888/callback?error=access_denied&state=expected-state", "denied"),
            ("http://127.0.0.1:8888/callback?state=expected-state", "no authorization code"),
            ("hello world", "does not look like"),
            ("", "Paste"),
            ("x" * 10_000, "does not look like"),
            ("AQB\x1b[31mcode\x00", "does not look like"),
            ("日本語のテキスト", "does not look like"),
        ],
    )
    def test_bad_input_gets_a_plain_message(self, text, words):
        with pytest.raises(RedirectError, match=words):
            parse_redirect(text, self.STATE)


async def _authorize(fake: FakeSpotify, request: AuthRequest) -> str:
    async with httpx.AsyncClient(transport=fake.transport()) as http:
        answer = await http.get(request.url(ENDPOINTS))
    assert answer.status_code == 302
    return parse_redirect(answer.headers["Location"], request.state)


async def test_pkce_sign_in_then_refresh_rotates_the_refresh_token(fake):
    client = ClientCredentials(DEMO_CLIENT_ID)
    request = AuthRequest.start(client, redirect_uri())
    code = await _authorize(fake, request)
    async with httpx.AsyncClient(transport=fake.transport()) as http:
        tokens = await exchange_code(http, ENDPOINTS, client, request, code)
        assert tokens.access_token and tokens.refresh_token
        assert tokens.scope.split() == list(SCOPES)
        refreshed = await refresh_tokens(http, ENDPOINTS, client, tokens.refresh_token)
    assert refreshed.refresh_token and refreshed.refresh_token != tokens.refresh_token
    assert refreshed.access_token != tokens.access_token


async def test_refresh_without_a_new_refresh_token_keeps_the_old_one(fake):
    fake.set(rotate_refresh_token=False)
    old = fake.sign_in()["refresh_token"]
    async with httpx.AsyncClient(transport=fake.transport()) as http:
        refreshed = await refresh_tokens(http, ENDPOINTS, ClientCredentials(DEMO_CLIENT_ID), old)
    assert refreshed.refresh_token == old


async def test_classic_flow_sends_the_secret_in_a_basic_header(fake):
    client = ClientCredentials(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
    request = AuthRequest.start(client, redirect_uri())
    code = await _authorize(fake, request)
    seen: list[httpx.Request] = []

    async def spy(req: httpx.Request) -> httpx.Response:
        seen.append(req)
        return await fake.handle(req)

    async with httpx.AsyncClient(transport=httpx.MockTransport(spy)) as http:
        tokens = await exchange_code(http, ENDPOINTS, client, request, code)
    assert tokens.refresh_token
    expected = base64.b64encode(f"{DEMO_CLIENT_ID}:{DEMO_CLIENT_SECRET}".encode()).decode()
    assert seen[0].headers["Authorization"] == f"Basic {expected}"
    assert b"code_verifier" not in seen[0].content


@pytest.mark.parametrize(
    ("spoil", "error", "words"),
    [
        ("reuse", InvalidGrant, "Invalid authorization code"),
        ("expire", InvalidGrant, "expired"),
        ("verifier", InvalidGrant, "code_verifier was incorrect"),
        ("redirect", InvalidGrant, "Invalid redirect URI"),
        ("client", InvalidClient, "Invalid client"),
        ("secret", InvalidClient, "Invalid client secret"),
    ],
)
async def test_token_endpoint_refusals_are_typed(fake, clock, spoil, error, words):
    client = ClientCredentials(DEMO_CLIENT_ID)
    request = AuthRequest.start(client, redirect_uri())
    code = await _authorize(fake, request)
    async with httpx.AsyncClient(transport=fake.transport()) as http:
        if spoil == "reuse":
            await exchange_code(http, ENDPOINTS, client, request, code)
        elif spoil == "expire":
            clock.advance(601)
        elif spoil == "verifier":
            request = AuthRequest(DEMO_CLIENT_ID, request.redirect_uri, request.state)
        elif spoil == "redirect":
            request = AuthRequest(
                DEMO_CLIENT_ID, redirect_uri(9999), request.state, request.verifier
            )
        elif spoil == "client":
            client = ClientCredentials("0" * 32)
        elif spoil == "secret":
            client = ClientCredentials(DEMO_CLIENT_ID, "wrong")
        with pytest.raises(error, match=words) as caught:
            await exchange_code(http, ENDPOINTS, client, request, code)
    assert code not in str(caught.value)


async def test_revoked_refresh_token_is_auth_revoked(fake):
    refresh = fake.sign_in()["refresh_token"]
    fake.set(refresh_revoked=True)
    async with httpx.AsyncClient(transport=fake.transport()) as http:
        with pytest.raises(AuthRevoked, match="Sign in again") as caught:
            await refresh_tokens(http, ENDPOINTS, ClientCredentials(DEMO_CLIENT_ID), refresh)
    assert refresh not in str(caught.value)


async def test_unreachable_token_endpoint_is_a_network_error():
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(refuse)) as http:
        with pytest.raises(NetworkError, match="online"):
            await refresh_tokens(http, ENDPOINTS, ClientCredentials(DEMO_CLIENT_ID), "r")


async def test_authorize_refuses_localhost_and_unknown_clients(fake):
    async with httpx.AsyncClient(transport=fake.transport()) as http:
        local = AuthRequest(DEMO_CLIENT_ID, "http://localhost:8888/callback")
        answer = await http.get(local.url(ENDPOINTS))
        assert answer.status_code == 400 and b"Invalid redirect URI" in answer.content
        unknown = AuthRequest("f" * 32, redirect_uri())
        answer = await http.get(unknown.url(ENDPOINTS))
        assert answer.status_code == 400 and b"Invalid client" in answer.content
        fake.set(deny_authorize=True)
        request = AuthRequest(DEMO_CLIENT_ID, redirect_uri())
        answer = await http.get(request.url(ENDPOINTS))
        with pytest.raises(RedirectError, match="denied"):
            parse_redirect(answer.headers["Location"], request.state)


def test_challenge_is_sha256_base64url_without_padding():
    verifier = make_verifier(128)
    expected = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    assert code_challenge(verifier) == expected.decode().rstrip("=")
    assert "=" not in code_challenge(verifier)
