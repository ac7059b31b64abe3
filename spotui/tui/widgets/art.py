"""Album art: coloured half-blocks, two pixels to a cell, from a decoded cover."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.color import Color
from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.reactive import reactive
from textual.widget import Widget

from spotui.core.snapshot import COVER_SIZE, Cover

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


def cover_of(image: PILImage) -> Cover:
    """The small cover that the snapshot keeps (see :mod:`spotui.core.snapshot`)."""
    small = image.resize((COVER_SIZE, COVER_SIZE))
    return Cover(COVER_SIZE, COVER_SIZE, small.tobytes())


def decode_cover(data: bytes) -> tuple[PILImage, Cover]:
    """The picture to show and the snapshot's cover, in one go (one thread hop)."""
    picture = decode(data)
    return picture, cover_of(picture)


Pixel = Callable[[int, int], tuple[int, int, int]]


class HalfBlocks:
    """A Rich renderable: ``▀`` cells whose foreground is the upper pixel, background the lower."""

    def __init__(self, pixel: Pixel, width: int, height: int):
        self.pixel = pixel
        self.width = width
        self.height = height

    @classmethod
    def of(cls, picture: PILImage | Cover, width: int, height: int) -> HalfBlocks:
        width, height = max(width, 1), max(height, 1)
        if isinstance(picture, Cover):  # the snapshot's: sampled, no Pillow needed

            def sample(x: int, y: int) -> tuple[int, int, int]:
                return picture.pixel(x * picture.width // width, y * picture.height // (height * 2))

            return cls(sample, width, height)
        pixels = picture.resize((width, height * 2)).load()
        assert pixels is not None  # an RGB image in memory always loads

        def read(x: int, y: int) -> tuple[int, int, int]:
            red, green, blue = pixels[x, y][:3]  # type: ignore[index]
            return red, green, blue

        return cls(read, width, height)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        pixel = self.pixel
        styles: dict[tuple[Any, Any], Style] = {}
        for row in range(self.height):
            for column in range(self.width):
                key = (pixel(column, row * 2), pixel(column, row * 2 + 1))
                style = styles.get(key)
                if style is None:
                    style = styles[key] = Style(
                        color=Color.from_rgb(*key[0]), bgcolor=Color.from_rgb(*key[1])
                    )
                yield Segment("▀", style)
            yield Segment.line()


_GRAPHICS_TERMINALS = ("WezTerm", "iTerm.app", "ghostty", "konsole", "mlterm", "foot")

# textual-image's widget class when the terminal shows real images; set once by
# enable_graphics() before the app starts. None: coloured half-blocks.
PROTOCOL_WIDGET: type[Widget] | None = None


def _graphics_hinted() -> bool:
    env = os.environ
    return bool(
        env.get("KITTY_WINDOW_ID")
        or env.get("TERM") in ("xterm-kitty", "xterm-ghostty", "foot")
        or env.get("TERM_PROGRAM") in _GRAPHICS_TERMINALS
        or env.get("SPOTUI_IMAGES") == "1"
    )


def enable_graphics() -> type[Widget] | None:
    """Use a real image protocol (Kitty's TGP or Sixel) where the terminal has one.

    Call before the app starts: textual-image asks the terminal, which it cannot
    do once Textual reads the keyboard. Needs the optional ``textual-image``
    package (``pip install 'spotui[images]'``); without it, half-blocks.
    """
    global PROTOCOL_WIDGET
    if not _graphics_hinted():
        return None
    try:
        import textual_image.renderable as renderables
        import textual_image.widget as widgets
    except ImportError:
        return None
    if renderables.Image is renderables.TGPImage:
        PROTOCOL_WIDGET = widgets.TGPImage
    elif renderables.Image is renderables.SixelImage:
        PROTOCOL_WIDGET = widgets.SixelImage
    return PROTOCOL_WIDGET


class AlbumArt(Widget):
    """The cover of what plays, or a quiet placeholder when there is none."""

    picture: reactive[PILImage | Cover | None] = reactive(None)

    def compose(self) -> ComposeResult:
        if PROTOCOL_WIDGET is not None:
            yield PROTOCOL_WIDGET(id="image")

    def watch_picture(self, picture: PILImage | Cover | None) -> None:
        if PROTOCOL_WIDGET is not None and self.is_mounted:
            shown = None if isinstance(picture, Cover) else picture  # the snapshot's: none
            self.query_one("#image").image = shown  # type: ignore[attr-defined]

    def render(self) -> HalfBlocks | Text:
        if self.picture is None:
            return Text("♪", style="dim", justify="center")
        if PROTOCOL_WIDGET is not None:
            return Text("")
        return HalfBlocks.of(self.picture, self.content_size.width, self.content_size.height)
