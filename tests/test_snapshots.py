"""Snapshot tests: the main screens must not change by accident.

The scenes are the screenshot scenes (spotui/tui/screenshots.py), with the clocks
frozen and animations off. After an intended change, update the snapshots with
`pytest tests/test_snapshots.py --snapshot-update` and refresh screenshots/.
"""

from __future__ import annotations

import pytest

from spotui.tui.screenshots import SCENES, SIZE, frozen_app


@pytest.mark.parametrize("name", list(SCENES))
def test_screen_looks_as_it_did(snap_compare, name):
    signed_in, prepare = SCENES[name]
    assert snap_compare(frozen_app(signed_in=signed_in), terminal_size=SIZE, run_before=prepare)
