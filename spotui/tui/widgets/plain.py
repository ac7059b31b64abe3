"""Outside text as a widget shows it: never markup, never a control sequence.

A name is written by someone else: ``[/]`` or ``[bold]`` in it is shown as typed, and
an escape sequence as ``^[`` (see :func:`spotui.text.printable`). Every widget that
shows a name, a message from Spotify or a problem builds its content here.
"""

from __future__ import annotations

from textual.content import Content

from spotui.text import printable


def plain(text: str, *, one_line: bool = True) -> Content:
    """``text`` as content: no markup is parsed, no control character reaches the terminal."""
    return Content(printable(text, one_line=one_line))
