"""The ``spotui`` command line: parse arguments, hand over, turn errors into one line."""

from __future__ import annotations

import argparse

from spotui import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="spotui",
        description="What you are playing on Spotify, in your terminal.",
    )
    parser.add_argument("--version", action="version", version=f"spotui {__version__}")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    parser.parse_args(argv)
    parser.print_help()
    return 0
