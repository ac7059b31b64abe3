"""``spotui keys``: the keymap in effect, from the app's bindings, the preset and the
``[keys]`` table of the config. It reads the screens' bindings (Textual's), so it
imports them when it runs, not when the command line is parsed."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from spotui.config import load_config


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    keys = commands.add_parser(
        "keys",
        help="the keys in effect: each id, its keys, where and what it does",
        description="Every key binding's id, its keys (after the config's [keys] table and "
        "preset, written as the footer writes them; --json gives the names [keys] takes), "
        "where it works and what it does. Problems in [keys] go to stderr.",
    )
    keys.add_argument("--json", action="store_true", help="one JSON object")


def run(args: argparse.Namespace, config_path: Path | None) -> int:
    """Print the keymap; each problem with the config is one line on stderr."""
    from textual.app import App
    from textual.binding import Binding

    from spotui.cli.output import to_json
    from spotui.tui.screens.keys import clashes, rows

    config, problems = load_config(config_path)
    keymap = config.keymap
    found = rows(keymap)
    told = clashes(keymap, dict(config.keys))
    problems += [clash.line(config.source) for clash in told]
    if args.json:
        print(
            to_json(
                {
                    "preset": config.keys_preset or None,
                    "keys": [
                        {"id": r.id, "keys": list(r.keys), "where": list(r.places), "does": r.does}
                        for r in found
                    ],
                    "problems": problems,
                }
            )
        )
    else:
        # each key as the footer, the palette and ? write it: esc, ^r, ⏎
        written = App().get_key_display
        table = [("ID", "KEYS", "WHERE", "WHAT IT DOES")]
        table += [
            (
                r.id,
                ", ".join(written(Binding(k, "")) for k in r.keys) or "—",
                ", ".join(r.places),
                r.does,
            )
            for r in found
        ]
        widths = [max(len(row[i]) for row in table) for i in range(3)]
        for *cells, does in table:
            print("  ".join([*(c.ljust(w) for c, w in zip(cells, widths, strict=True)), does]))
        for problem in problems:
            print(problem, file=sys.stderr)
    return 0
