"""``python -m spotui.fake``: serve the fake Spotify on 127.0.0.1 and print its URL."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from dataclasses import fields

from spotui.fake import DEMO_CLIENT_ID, FakeSpotify, Knobs
from spotui.fake.server import FakeServer


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m spotui.fake",
        description="Serve a fake Spotify (accounts + Web API) on 127.0.0.1. Knobs can be "
        "changed while it runs: POST JSON to /_fake/knobs.",
    )
    parser.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    parser.add_argument("--library-size", type=int, default=500, help="saved tracks (0-50000)")
    parser.add_argument("--seed", type=int, default=7)
    for knob in fields(Knobs):
        flag = "--" + knob.name.replace("_", "-")
        if knob.type in ("bool", bool):
            parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=None)
        elif knob.type in ("str", str):
            parser.add_argument(flag, default=None, metavar="TEXT")
        else:
            kind = float if knob.type in ("float", float) else int
            parser.add_argument(flag, type=kind, default=None, metavar=kind.__name__.upper())
    return parser


async def _serve(args: argparse.Namespace) -> None:
    knobs = {
        knob.name: getattr(args, knob.name)
        for knob in fields(Knobs)
        if getattr(args, knob.name) is not None
    }
    fake = FakeSpotify(library_size=args.library_size, seed=args.seed, **knobs)
    async with FakeServer(fake, port=args.port) as server:
        print(server.url, flush=True)
        print(
            f"# demo client id: {DEMO_CLIENT_ID}\n"
            f"# SPOTUI_API_URL={server.api_url} SPOTUI_ACCOUNTS_URL={server.url}",
            file=sys.stderr,
            flush=True,
        )
        await asyncio.Event().wait()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
