"""A read-only table that draws only the lines on screen, for lists of any length.

Textual's DataTable re-measures a whole column whenever a narrower cell
arrives, which grows with the square of the rows: a 10,000-track library
starves the event loop. This table keeps rows as tuples of strings, fits its
columns to its width, and renders the visible lines on demand.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from spotui.text import printable

Justify = Literal["left", "right"]
Column = tuple[str, int | float, Justify]  # (label, cells or share of the rest, justify)
PLAYING = "▶ "  # before the name of the row that plays


def column(label: str, width: int | float, justify: Justify = "left") -> Column:
    return (label, width, justify)


class TableMessage(Message):
    """A message from a :class:`RowsTable`: ``table`` is it, and ``control`` too (so
    ``@on(..., "#id")`` selects by the table, as with DataTable's messages)."""

    def __init__(self, table: RowsTable):
        super().__init__()
        self.table = table

    @property
    def control(self) -> RowsTable:
        return self.table


class RowsTable(ScrollView, can_focus=True):
    """Rows of text under a fixed header, with a cursor row.

    Each row may carry the item it shows (``items``, in step with ``rows``);
    Enter posts :class:`RowsTable.Chosen` with it. :meth:`narrow` shows only the rows
    holding some text; ``rows``, ``items`` and the indexes in messages stay the whole
    list's, the cursor moves over the rows on show.
    """

    class Chosen(TableMessage):
        """Enter on a row: its index and the item behind it (None if it has none)."""

        def __init__(self, table: RowsTable, index: int, item: object | None):
            super().__init__(table)
            self.index = index
            self.item = item

    class FilterAsked(TableMessage):
        """The filter key: the view around the table opens its filter box."""

    class WantsMore(TableMessage):
        """The cursor reached the last row and ``more`` says there is another page."""

    COMPONENT_CLASSES = {
        "rows-table--header",
        "rows-table--cursor",
        "rows-table--odd",
        "rows-table--playing",
    }
    DEFAULT_CSS = """
    RowsTable {
        height: 1fr;
        background: $surface;
        overflow-x: hidden;  /* the columns fit the width: no scrollbar row */
    }
    RowsTable > .rows-table--header {
        text-style: bold;
        background: $panel;
        color: $text;
    }
    RowsTable > .rows-table--cursor {
        background: $primary 50%;
    }
    RowsTable:focus > .rows-table--cursor {
        background: $primary 75%;
    }
    RowsTable > .rows-table--odd {
        background: $surface-lighten-1;
    }
    RowsTable > .rows-table--playing {
        color: $text-accent;
        text-style: bold;
    }
    RowsTable:light > .rows-table--playing {
        color: $foreground;  /* no accent reads on light rows: bold and the mark say it */
    }
    """
    BINDINGS = [
        Binding("up", "move(-1)", "Up", show=False, id="cursor_up"),
        Binding("down", "move(1)", "Down", show=False, id="cursor_down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="page_up"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="page_down"),
        Binding("home", "jump(0)", "First", show=False, id="first"),
        Binding("end", "jump(-1)", "Last", show=False, id="last"),
        Binding("enter", "choose", "Play", tooltip="Play the highlighted row", id="choose"),
        Binding(
            "f",
            "filter",
            "Filter",
            show=False,
            tooltip="Narrow the list by title, artist or album",
            id="filter",
        ),
    ]

    cursor_row: reactive[int] = reactive(0)

    def __init__(self, columns: Sequence[Column], **kwargs):
        super().__init__(**kwargs)
        self.spec = tuple(columns)
        self.rows: list[tuple[str, ...]] = []
        self.items: list[object] = []
        self.more = False  # set by the owner while another page can be asked for
        self._playing: frozenset[str] = frozenset()
        self.wanted = ""  # the filter, folded; empty: every row shows
        self._shown: list[int] | None = None  # the rows the filter keeps (None: all)
        self._widths: list[int] = [len(label) for label, _, _ in self.spec]
        self._needs: list[int] = self._widths[:]  # each column's widest cell so far
        self._kind: type = type(None)  # the highlighted item's, when the footer last heard

    # --- data ---------------------------------------------------------------------------

    @property
    def playing(self) -> frozenset[str]:
        """The URIs that play now: a row whose item has one is marked ``PLAYING``."""
        return self._playing

    @playing.setter
    def playing(self, uris: frozenset[str]) -> None:
        if uris != self._playing:
            self._playing = uris
            self.refresh()

    def on_mount(self) -> None:
        """Take the marks from the screen's playback bar (a table mounts after it)."""
        for bar in self.screen.query("PlaybackBar"):
            self.playing = getattr(bar, "marks", frozenset())

    def _plays(self, index: int) -> bool:
        if not self._playing or index >= len(self.items):
            return False
        item = self.items[index]
        uri = getattr(item, "uri", None) or getattr(item, "context_uri", None)
        return uri in self._playing

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def get_row_at(self, index: int) -> tuple[str, ...]:
        return self.rows[index]

    def add_rows(self, rows: Iterable[Sequence[object]], items: Iterable[object] = ()) -> None:
        start = len(self.rows)
        added = [tuple(str(cell) for cell in row) for row in rows]
        self.rows.extend(added)
        self.items.extend(items)
        if self._shown is not None:
            self._shown.extend(i for i in range(start, len(self.rows)) if self._keeps(i))
        self._measure(added)
        self._fit()
        self._resize_virtual()

    def replace_rows(self, rows: Iterable[Sequence[object]], items: Iterable[object] = ()) -> None:
        self.rows = []
        self.items = []
        self._needs = [len(label) for label, _, _ in self.spec]
        self._shown = None if self._shown is None else []
        self.cursor_row = 0
        self.scroll_to(y=0, animate=False)
        self.add_rows(rows, items)

    @property
    def highlighted(self) -> object | None:
        """The item behind the cursor's row, if rows carry items."""
        if not self.showing:
            return None
        row = self._index(self.cursor_row)
        return self.items[row] if 0 <= row < len(self.items) else None

    # --- the filter ---------------------------------------------------------------------

    @property
    def showing(self) -> int:
        """How many rows show (all, or those the filter keeps)."""
        return len(self.rows) if self._shown is None else len(self._shown)

    def _index(self, line: int) -> int:
        """The index in ``rows`` of the ``line``-th row on show."""
        return line if self._shown is None else self._shown[line]

    def _keeps(self, index: int) -> bool:
        return any(self.wanted in cell.casefold() for cell in self.rows[index])

    def narrow(self, text: str) -> None:
        """Show only the rows with ``text`` in a cell (title, artist, album …), any case;
        empty: every row."""
        self.wanted = text.strip().casefold()
        if self.wanted:
            self._shown = [i for i in range(len(self.rows)) if self._keeps(i)]
        else:
            self._shown = None
        self.cursor_row = 0
        self.scroll_to(y=0, animate=False)
        self._resize_virtual()

    def action_filter(self) -> None:
        self.post_message(self.FilterAsked(self))

    def clear(self) -> None:
        self.replace_rows(())

    def set_columns(self, columns: Sequence[Column]) -> None:
        """Show other columns (the data decides which exist)."""
        if tuple(columns) != self.spec:
            self.spec = tuple(columns)
            self._needs = [len(label) for label, _, _ in self.spec]
            self._measure(self.rows)
            self._fit()
            self.refresh()

    def _measure(self, rows: Iterable[tuple[str, ...]]) -> None:
        """Widen each column's need to the rows' widest cells."""
        for row in rows:
            self._needs = [
                max(need, cell_len(cell)) for need, cell in zip(self._needs, row, strict=False)
            ]

    def _resize_virtual(self) -> None:
        self.virtual_size = Size(self.size.width, self.showing + 1)
        self.refresh()
        self._kind_shown()

    def _kind_shown(self) -> None:
        """The keys a screen offers depend on the kind of row highlighted (l is for a
        track, not an artist): when it changes, the footer asks the screen again."""
        kind = type(self.highlighted)
        if kind is not self._kind:
            self._kind = kind
            if self.is_mounted:
                self.screen.refresh_bindings()

    # --- layout -------------------------------------------------------------------------

    def on_resize(self) -> None:
        self._fit()
        self._resize_virtual()

    @property
    def wanted_width(self) -> int:
        """The cells that show every row whole (with the scrollbar's edge)."""
        return 1 + sum(
            (w if isinstance(w, int) else need) + 1
            for (_, w, _), need in zip(self.spec, self._needs, strict=True)
        )

    def _fit(self) -> None:
        """Fixed columns keep their cells; the others take the room their widest cell
        needs, and share it by their weights when there is not room for all."""
        width = self.size.width - 1  # room for the scrollbar's edge
        fixed = sum(w for _, w, _ in self.spec if isinstance(w, int))
        room = max(width - fixed - len(self.spec), 0)
        flexible = {i: w for i, (_, w, _) in enumerate(self.spec) if isinstance(w, float)}
        needs = self._needs[:]
        if len(needs) > 1:  # the second column has room for the playing row's mark
            needs[1] += cell_len(PLAYING)
        given: dict[int, int] = {}
        while flexible:  # a column that needs less than its share gives the rest away
            shares = sum(flexible.values()) or 1.0
            left = room - sum(given.values())
            content = {i for i, w in flexible.items() if needs[i] <= left * w / shares}
            if not content:
                for i, w in flexible.items():
                    given[i] = max(len(self.spec[i][0]), int(left * w / shares))
                break
            for i in content:
                given[i] = needs[i]
                del flexible[i]
        self._widths = [
            w if isinstance(w, int) else given[i] for i, (_, w, _) in enumerate(self.spec)
        ]

    def _line(self, cells: Sequence[str], style: Style) -> Strip:
        text = Text(style=style, no_wrap=True, end="")
        for cell, width, (_, _, justify) in zip(cells, self._widths, self.spec, strict=False):
            piece = Text(printable(cell), no_wrap=True, overflow="ellipsis", end="")
            piece.truncate(width, overflow="ellipsis")
            pad = " " * max(width - cell_len(piece.plain), 0)
            text.append(pad if justify == "right" else "")
            text.append_text(piece)
            text.append((pad if justify == "left" else "") + " ")
        # Rich leaves the base style off an unstyled text's segments: apply it, or the
        # cursor and the stripes would show only in the padding at the right.
        segments = list(Segment.apply_style(text.render(self.app.console), style))
        return Strip(segments).crop_extend(0, self.size.width, style)

    def render_line(self, y: int) -> Strip:
        if y == 0:
            header = self.get_component_rich_style("rows-table--header")
            return self._line([label for label, _, _ in self.spec], header)
        line = int(self.scroll_offset.y) + y - 1
        base = self.rich_style
        if line >= self.showing:
            return Strip([Segment(" " * self.size.width, base)], self.size.width)
        if line == self.cursor_row:
            style = base + self.get_component_rich_style("rows-table--cursor")
        elif line % 2:
            style = base + self.get_component_rich_style("rows-table--odd")
        else:
            style = base
        index = self._index(line)
        cells = self.rows[index]
        if self._plays(index):
            style += self.get_component_rich_style("rows-table--playing")
            cells = (cells[0], PLAYING + cells[1], *cells[2:]) if len(cells) > 1 else cells
        return self._line(cells, style)

    # --- the cursor ---------------------------------------------------------------------

    def watch_cursor_row(self, row: int) -> None:
        if self.more and self._shown is None and row >= len(self.rows) - 1:
            self.more = False  # until the owner has added the next page
            self.post_message(self.WantsMore(self))
        visible = max(self.size.height - 1, 1)
        top = int(self.scroll_offset.y)
        if row < top:
            self.scroll_to(y=row, animate=False)
        elif row >= top + visible:
            self.scroll_to(y=row - visible + 1, animate=False)
        self.refresh()
        self._kind_shown()

    def _go(self, row: int) -> None:
        if self.showing:
            self.cursor_row = max(0, min(row, self.showing - 1))

    def action_move(self, step: int) -> None:
        self._go(self.cursor_row + step)

    def action_page(self, direction: int) -> None:
        self._go(self.cursor_row + direction * max(self.size.height - 2, 1))

    def action_jump(self, row: int) -> None:
        self._go(row if row >= 0 else self.showing - 1)

    def action_choose(self) -> None:
        if self.showing:
            index = self._index(self.cursor_row)
            self.post_message(self.Chosen(self, index, self.highlighted))

    def on_click(self, event: events.Click) -> None:
        if event.y >= 1:
            self._go(int(self.scroll_offset.y) + event.y - 1)
            if event.chain == 2:  # a double click plays, as Enter does
                self.action_choose()
