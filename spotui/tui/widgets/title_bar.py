"""The one-line bar at the top: ``spotui — subtitle``.

Textual's Header watches titles from a task that can outlive its children
when a screen is replaced as it mounts, and then crashes on exit; this bar
is a plain line.
"""

from __future__ import annotations

from textual.widgets import Static


class TitleBar(Static):
    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        height: 1;
        width: 100%;
        background: $panel;
        color: $text;
        text-align: center;
        text-style: bold;
    }
    """

    def __init__(self, subtitle: str = "", **kwargs):
        text = "spotui" + (f" — {subtitle}" if subtitle else "")
        super().__init__(text, **kwargs)
