"""Small helpers shared by the UI tests."""

from __future__ import annotations

import html
import re


def plain(svg: str) -> str:
    """The text of a Textual SVG screenshot, with its non-breaking spaces as spaces."""
    lines = re.findall(r"<text[^>]*>(.*?)</text>", svg)
    return html.unescape("".join(lines)).replace("\xa0", " ")
