"""Snapshot tests: the main screens must not change by accident.

The scenes are the screenshot scenes (spotui/tui/screenshots.py), with the clocks
frozen and animations off. After an intended change, update the snapshots with
`pytest tests/test_snapshots.py --snapshot-update` and refresh screenshots/.
"""

from __future__ import annotations

import pytest

from spotui.tui.screenshots import SCENES, frozen_app

SIZES = {"120x40": (120, 40), "80x24": (80, 24)}
THEMES = {"dark": "textual-dark", "light": "textual-light"}


@pytest.mark.parametrize("theme", list(THEMES))
@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("name", list(SCENES))
def test_screen_looks_as_it_did(snap_compare, name, size, theme):
    """Every tab and page (and the wizard), at both sizes, in a dark and a light theme."""
    signed_in, prepare = SCENES[name]
    app = frozen_app(signed_in=signed_in, theme=THEMES[theme])
    assert snap_compare(app, terminal_size=SIZES[size], run_before=prepare)
