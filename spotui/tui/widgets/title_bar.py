"""The one-line bar at the top: ``spotui — subtitle``.

Textual's Header watches titles from a task that can outlive its children
when a screen is replaced as it mounts, and then crashes on exit; this bar
is a plain line.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from spotui.text import printable


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
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, subtitle: str = "", **kwargs):
        super().__init__(self._text(subtitle), **kwargs)
        self.subtitle = subtitle

    @staticmethod
    def _text(subtitle: str) -> Text:
        return Text("spotui" + (f" — {printable(subtitle)}" if subtitle else ""))

    def playing_from(self, where: str) -> None:
        """Say what plays from where, before the subtitle (a name from Spotify is data,
        never markup)."""
        where = f"Playing from: {where}" if where else ""
        self.update(self._text(" · ".join(part for part in (where, self.subtitle) if part)))
