"""Album art: coloured half-blocks, two pixels to a cell, from a decoded cover."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.color import Color
from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

if TYPE_CHECKING:
    from PIL.Image import Image as PILImage


def decode(data: bytes, size: int = 96) -> PILImage:
    """Decode a cover (JPEG or PNG) into a small RGB image. Pillow is imported here,
    after the first paint, so start-up does not pay for it."""
    import io

    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        image.draft("RGB", (size, size))  # JPEG: decode at a fraction of full size
        small = image.convert("RGB")
        small.thumbnail((size, size))
        return small


class HalfBlocks:
    """A Rich renderable: ``▀`` cells whose foreground is the upper pixel, background the lower."""

    def __init__(self, image: PILImage, width: int, height: int):
        self.image = image.resize((max(width, 1), max(height * 2, 2)))
        self.width = width
        self.height = height

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        pixels = self.image.load()
        styles: dict[tuple, Style] = {}
        for row in range(self.height):
            for column in range(self.width):
                key = (pixels[column, row * 2], pixels[column, row * 2 + 1])
                style = styles.get(key)
                if style is None:
                    style = styles[key] = Style(
                        color=Color.from_rgb(*key[0][:3]), bgcolor=Color.from_rgb(*key[1][:3])
                    )
                yield Segment("▀", style)
            yield Segment.line()


class AlbumArt(Widget):
    """The cover of what plays, or a quiet placeholder when there is none."""

    picture: reactive[PILImage | None] = reactive(None)

    def render(self) -> HalfBlocks | Text:
        if self.picture is None:
            return Text("♪", style="dim", justify="center")
        return HalfBlocks(self.picture, self.content_size.width, self.content_size.height)
