"""A yes-or-no question over the screen."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from spotui.tui.widgets.plain import plain


class Confirm(ModalScreen[bool]):
    """Asks ``question``; dismisses with True for yes, False for no or Escape."""

    BINDINGS = [
        Binding("escape,n", "dismiss(False)", "No", id="no"),
        Binding("y", "dismiss(True)", "Yes", id="yes"),
    ]

    def __init__(self, question: str, *, yes: str = "Yes", no: str = "Cancel"):
        super().__init__()
        self.question = question
        self.yes, self.no = yes, no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Label(plain(self.question, one_line=False), id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button(self.yes, variant="primary", id="yes")
                yield Button(self.no, id="no")

    @on(Button.Pressed)
    def answered(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")
