"""Two dates for the Stats tab's custom window."""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from spotui.tui.widgets.plain import plain

EXAMPLE = "2024-03-31"


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


class DatesPicker(ModalScreen[tuple[date | None, date | None] | None]):
    """From and to (YYYY-MM-DD, either may be empty); Escape keeps the window."""

    DEFAULT_CSS = """
    DatesPicker {
        align: center middle;
    }
    #dates {
        width: 64;
        max-width: 100%;
        height: auto;
        max-height: 100%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    #dates-intro, #dates-problem {
        width: 100%;
        height: auto;
    }
    #dates-problem {
        color: $text-error;
    }
    #dates-inputs {
        height: auto;
        margin: 1 0 0 0;
    }
    .dates-field {
        width: 1fr;
        height: auto;
    }
    .dates-field Label {
        padding: 0 1;
    }
    .dates-field Input {
        width: 100%;
    }
    #dates-buttons {
        height: auto;
        align-horizontal: right;
    }
    #dates-buttons Button {
        margin-left: 2;
    }
    """
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="close")]

    def __init__(self, since: date | None = None, until: date | None = None):
        super().__init__()
        self.since, self.until = since, until

    def compose(self) -> ComposeResult:
        with Vertical(id="dates"):
            yield Label(
                f"Stats for the days from … to …, as {EXAMPLE}. Leave one empty for no limit.",
                id="dates-intro",
            )
            with Horizontal(id="dates-inputs"):
                for name, value, hint in (
                    ("since", self.since, "the start"),
                    ("until", self.until, "today"),
                ):
                    with Vertical(classes="dates-field"):
                        yield Label("From" if name == "since" else "To")
                        yield Input(
                            value.isoformat() if value else "",
                            placeholder=hint,
                            max_length=10,
                            id=f"dates-{name}",
                        )
            yield Label("", id="dates-problem")
            with Horizontal(id="dates-buttons"):
                yield Button("Show", variant="primary", id="show")
                yield Button("Cancel", id="cancel")

    def _problem(self) -> str:
        """What is wrong with the two dates, or "" when they can be shown."""
        for name, word in (("since", "From"), ("until", "To")):
            text = self.query_one(f"#dates-{name}", Input).value.strip()
            if text and _day(text) is None:
                return f"Not a date in {word}: “{text}”. Write it as {EXAMPLE}."
        since, until = self._dates()
        if since and until and since > until:
            return "From is after To: the first date must come first."
        return ""

    def _dates(self) -> tuple[date | None, date | None]:
        since = _day(self.query_one("#dates-since", Input).value)
        return since, _day(self.query_one("#dates-until", Input).value)

    @on(Input.Changed)
    def changed(self) -> None:
        self.query_one("#dates-problem", Label).update(plain(self._problem()))

    @on(Input.Submitted)
    @on(Button.Pressed, "#show")
    def show(self) -> None:
        problem = self._problem()
        self.query_one("#dates-problem", Label).update(plain(problem))
        if not problem:
            self.dismiss(self._dates())

    @on(Button.Pressed, "#cancel")
    def cancel(self) -> None:
        self.dismiss(None)
