"""Rows of text cells in aligned columns, with a row cursor, drawn with Textual's line API:
the run's steps in its summary panel, and a workflow's runs.

In place of Textual's DataTable, for two reasons:
- DataTable's module, its CSS and its set-up were about 8 ms of the first frame of
  `wfbrowse open` (4 to 5 ms of them importing it), for a few rows with no sorting or editing.
- DataTable (8.2.8) works out its column widths when it is next idle, and a row drawn before
  that is kept drawn at the old widths: the runs list's first row, under the cursor, showed
  cut to its header's widths ("● Runn  710d65fb").
Here each row added widens its columns at once, and only the rows in view are drawn.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from wfbrowse.tui.cursor_keys import CURSOR_KEYS

CELL_PADDING = 1  # blank cells on each side of a cell


class CellTable(ScrollView, can_focus=True):
    """Rows of cells under an optional header. Each row has a key of its own (no two alike),
    which choosing the row (Enter, or a click) announces. The row cursor shows while the table
    has the focus. Left and right scroll rows wider than the table; the header stays on top."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *CURSOR_KEYS,
        Binding("enter", "choose", "Choose", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "cell-table--header",
        "cell-table--even-row",
        "cell-table--cursor",
    }

    DEFAULT_CSS = """
    CellTable {
        background: $surface;
        color: $foreground;
        & > .cell-table--header { text-style: bold; background: $panel; color: $foreground; }
        &:ansi > .cell-table--header { background: ansi_bright_blue; color: ansi_default; }
        & > .cell-table--even-row { background: $surface-lighten-1 50%; }
        &:dark > .cell-table--even-row { background: $surface-darken-1 40%; }
        &:focus {
            background-tint: $foreground 5%;
            & > .cell-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
        &:nocolor:focus > .cell-table--cursor { text-style: reverse bold; }
    }
    """

    cursor_row: reactive[int] = reactive(0, init=False, repaint=False)  # see watch_cursor_row

    class Chosen(Message):
        """A row was chosen (Enter or a click): its key."""

        def __init__(self, table: CellTable, key: Hashable) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> CellTable:
            return self.table

    def __init__(
        self,
        header: Sequence[str] = (),
        *,
        zebra_stripes: bool = False,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._header = [Text(label) for label in header]
        self._zebra = zebra_stripes
        self._rows: list[list[Text]] = []
        self._keys: list[Hashable] = []
        self._index: dict[Hashable, int] = {}
        self._widths = [label.cell_len for label in self._header]

    # -- content -------------------------------------------------------------------------------
    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def cursor_key(self) -> Hashable | None:
        """The key of the row under the cursor (None: no rows)."""
        return self._keys[self.cursor_row] if 0 <= self.cursor_row < len(self._keys) else None

    def row_index(self, key: Hashable) -> int | None:
        return self._index.get(key)

    def set_rows(
        self, rows: Sequence[Sequence[Text]], keys: Sequence[Hashable], *, keep_cursor: bool = False
    ) -> None:
        """Show these rows in place of the ones shown, the cursor on the first; with
        `keep_cursor`, on the row of the same key where there still is one, and scrolled as
        before (the same rows, newer)."""
        kept = self.cursor_key if keep_cursor else None
        self._rows, self._keys, self._index = [], [], {}
        self._widths = [label.cell_len for label in self._header]
        self.add_rows(rows, keys)
        row = self._index.get(kept) if kept is not None else None
        if row is None:
            self.scroll_to(0, 0, animate=False, immediate=True)
        self.set_reactive(CellTable.cursor_row, row or 0)

    def add_rows(self, rows: Sequence[Sequence[Text]], keys: Sequence[Hashable]) -> None:
        """Add rows below the ones shown (`keys[i]` is row i's); their columns widen to fit."""
        for cells, key in zip(rows, keys, strict=True):
            self._index[key] = len(self._rows)
            self._rows.append(list(cells))
            self._keys.append(key)
            self._widen(cells)
        self._sync_size()

    def update_cell(self, key: Hashable, column: int, cell: Text) -> None:
        """Show `cell` in place of the one in `column` of the row with `key`."""
        row = self._index.get(key)
        if row is None or column >= len(self._rows[row]):
            return
        self._rows[row][column] = cell
        self._widths[column] = max(self._widths[column], cell.cell_len)
        self._sync_size()

    def _widen(self, cells: Sequence[Text]) -> None:
        for column, cell in enumerate(cells):
            if column == len(self._widths):
                self._widths.append(0)
            self._widths[column] = max(self._widths[column], cell.cell_len)

    def _sync_size(self) -> None:
        width = sum(self._widths) + 2 * CELL_PADDING * len(self._widths)
        self.virtual_size = Size(width, len(self._rows) + self._header_rows)
        self.refresh()

    @property
    def _header_rows(self) -> int:
        return 1 if self._header else 0

    # -- cursor --------------------------------------------------------------------------------
    def validate_cursor_row(self, row: int) -> int:
        return max(0, min(row, len(self._rows) - 1))

    def watch_cursor_row(self, old: int, row: int) -> None:
        # Rows scroll under the header, so the cursor's row is kept in view by hand.
        room = max(1, self.scrollable_content_region.height - self._header_rows)
        top = self.scroll_offset.y
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + room:
            self.scroll_to(y=row - room + 1, animate=False, immediate=True)
        if self.scroll_offset.y != top:
            self.refresh()  # every row in view moved
        else:
            # Only the rows the cursor left and reached look different: drawing every row in
            # view again was 7 ms a key in a runs list of 34 rows in view.
            width = self.size.width
            line = self._header_rows - top
            self.refresh(Region(0, line + old, width, 1), Region(0, line + row, width, 1))

    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - self._header_rows - 1)

    def action_cursor_up(self) -> None:
        self.cursor_row -= 1

    def action_cursor_down(self) -> None:
        self.cursor_row += 1

    def action_first(self) -> None:
        self.cursor_row = 0

    def action_last(self) -> None:
        self.cursor_row = len(self._rows) - 1

    def action_page_up(self) -> None:
        self.cursor_row -= self._page()

    def action_page_down(self) -> None:
        self.cursor_row += self._page()

    def action_choose(self) -> None:
        key = self.cursor_key
        if key is not None:
            self.post_message(self.Chosen(self, key))

    def on_click(self, event: events.Click) -> None:
        # One click chooses: choosing only opens or points at something, nothing is lost.
        row = event.y - self._header_rows + self.scroll_offset.y
        if event.y >= self._header_rows and 0 <= row < len(self._rows):
            self.cursor_row = row
            self.action_choose()

    # -- drawing -------------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        base = self.rich_style
        if y < self._header_rows:
            return self._strip(self._header, base, "cell-table--header", scroll_x, width)
        row = scroll_y + y - self._header_rows
        if not 0 <= row < len(self._rows):
            return Strip.blank(width, base)
        kind = None
        if row == self.cursor_row:
            # Styled under :focus only (CSS): elsewhere the cursor's row looks like the rest.
            kind = "cell-table--cursor"
        elif self._zebra and row % 2 == 0:
            kind = "cell-table--even-row"
        return self._strip(self._rows[row], base, kind, scroll_x, width)

    def _strip(
        self, cells: Sequence[Text], base: Style, kind: str | None, scroll_x: int, width: int
    ) -> Strip:
        segments = list(Segment.apply_style(self._line(cells).render(self.app.console), base))
        if kind is not None:
            over = self.get_component_rich_style(kind, partial=True)
            segments = list(Segment.apply_style(segments, post_style=over))
            base += over
        return Strip(segments).crop_extend(scroll_x, scroll_x + width, base)

    def _line(self, cells: Sequence[Text]) -> Text:
        """A row's cells, each padded to its column's width in the cell's own style (so that
        a cell and its padding are one piece of text, as screenshots show them too)."""
        line = Text(no_wrap=True, end="")
        for cell, column_width in zip(cells, self._widths, strict=False):
            padded = cell.copy()
            padded.pad_left(CELL_PADDING)
            padded.pad_right(column_width - cell.cell_len + CELL_PADDING)
            line.append_text(padded)
        return line
