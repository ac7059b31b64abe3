"""``spotui doctor``: checks the sign-in and the account, one line per check. The
checks that ask Spotify are the core's (:mod:`spotui.core.doctor`); the sign-in and the
callback port are checked here."""

from __future__ import annotations

import socket
from dataclasses import asdict

from spotui.cli import EXIT_ERROR, EXIT_OK
from spotui.cli.output import to_json
from spotui.cli.table import QUICK
from spotui.core.doctor import Check, account_checks
from spotui.services import Services
from spotui.spotify.ports import DEFAULT_PORT, PORT_RULE, PORTS, redirect_uri


def line(check: Check) -> str:
    """``✓ Name: detail``, with the hint when it failed."""
    mark = {True: "✓", False: "✗", None: "·"}[check.ok]
    hint = f" — {check.hint}" if check.hint and check.ok is False else ""
    return f"{mark} {check.name}: {check.detail}{hint}"


def _port_check(port: int) -> Check:
    uri = redirect_uri(port)
    if port not in PORTS:
        return Check("Redirect URI", False, uri, f"the port must be {PORT_RULE}")
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return Check(
                "Redirect URI",
                False,
                f"{uri} (another program listens on port {port})",
                "close it, or sign in with `spotui auth --port N` and add that Redirect URI",
            )
    return Check("Redirect URI", True, f"{uri} (add exactly this on the dashboard)")


async def diagnose(services: Services, port: int | None) -> list[Check]:
    """Every check, in order; a failure stops only the checks that depend on it."""
    checks: list[Check] = []
    remote = services.connect_remote(QUICK)
    if remote is None:
        checks.append(
            Check(
                "Sign-in",
                False,
                services.problem or "none stored",
                "run `spotui auth` (or `spotui` for the wizard)",
            )
        )
    else:
        checks.append(Check("Sign-in", True, f"stored in {services.sign_in_source()}"))
    checks.append(_port_check(port or services.remembered_port() or DEFAULT_PORT))
    if remote is None:
        return checks
    try:
        checks.extend(await account_checks(remote))
    finally:
        await remote.aclose()
    return checks


async def doctor(services: Services, *, as_json: bool, port: int | None) -> int:
    checks = await diagnose(services, port)
    healthy = all(check.ok is not False for check in checks)
    if as_json:
        print(to_json({"ok": healthy, "checks": [asdict(c) for c in checks]}))
    else:
        for check in checks:
            print(line(check))
    return EXIT_OK if healthy else EXIT_ERROR
