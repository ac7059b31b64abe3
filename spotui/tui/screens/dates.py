"""Two dates for the Stats tab's custom window."""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.validation import Function
from textual.widgets import Button, Input, Label


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def _empty_or_day(text: str) -> bool:
    return not text.strip() or _day(text) is not None


class DatesPicker(ModalScreen[tuple[date | None, date | None] | None]):
    """From and to (YYYY-MM-DD, either may be empty); Escape keeps the window."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="close")]

    def __init__(self, since: date | None = None, until: date | None = None):
        super().__init__()
        self.since, self.until = since, until

    def compose(self) -> ComposeResult:
        valid = [Function(_empty_or_day, "a date like 2024-03-31, or nothing")]
        with Vertical(id="dates"):
            yield Label("Stats for the days from … to … (YYYY-MM-DD; empty: no limit)")
            with Horizontal(id="dates-inputs"):
                yield Input(
                    self.since.isoformat() if self.since else "",
                    placeholder="from",
                    validators=valid,
                    id="dates-since",
                )
                yield Input(
                    self.until.isoformat() if self.until else "",
                    placeholder="to (today)",
                    validators=valid,
                    id="dates-until",
                )
            yield Label("", id="dates-problem")
            with Horizontal(id="confirm-buttons"):
                yield Button("Show", variant="primary", id="show")
                yield Button("Cancel", id="cancel")

    @on(Input.Changed)
    def changed(self, event: Input.Changed) -> None:
        problem = event.validation_result and not event.validation_result.is_valid
        self.query_one("#dates-problem", Label).update(
            "Not a date: write it as 2024-03-31." if problem else ""
        )

    @on(Input.Submitted)
    @on(Button.Pressed, "#show")
    def show(self) -> None:
        since = _day(self.query_one("#dates-since", Input).value)
        until = _day(self.query_one("#dates-until", Input).value)
        inputs = self.query(Input)
        if not all(_empty_or_day(field.value) for field in inputs):
            self.query_one("#dates-problem", Label).update("Not a date: write it as 2024-03-31.")
            return
        if since and until and since > until:
            self.query_one("#dates-problem", Label).update("The first date is after the second.")
            return
        self.dismiss((since, until))

    @on(Button.Pressed, "#cancel")
    def cancel(self) -> None:
        self.dismiss(None)
