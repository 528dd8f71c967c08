"""A week laid out as a grid: one row per department, one column per day."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rich.text import Text
from textual import events
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable

LABEL_MAX = 22  # the widest the row-label (department) column gets
DAY_MIN = 8  # the narrowest a day column gets (then the grid scrolls sideways)
ENTRIES_MAX = 3  # most entries (visits) a cell shows; the rest become "+N more"


@dataclass
class GridRow:
    """One row of the grid: its key, its label and, per day, its entries (each a few lines)."""

    key: int
    label: Text
    days: Sequence[Sequence[Sequence[Text]]] = field(default_factory=lambda: [[] for _ in range(7)])


def cut(line: Text, width: int) -> Text:
    """``line`` cut to ``width`` cells, ending in an ellipsis when cut."""
    if line.cell_len <= width:
        return line
    line = line.copy()
    line.truncate(width, overflow="ellipsis")
    return line


def fit_header(header: Text, width: int) -> Text:
    """A day's heading in ``width`` cells: whole words from its start when it is too wide
    (``Mon 30 Nov`` becomes ``Mon 30`` at 80 columns), cut only if even one word is."""
    if header.cell_len <= width:
        return header
    plain = header.plain
    end = plain.rfind(" ", 0, width + 1)
    return cut(header[:end] if end > 0 else header, width)


class WeekGrid(DataTable):
    """Days across, rows down; each cell lists short lines (one per visit).

    Moving left from Monday or right from Sunday asks for the previous or next
    week (:class:`WeekGrid.EdgeReached`), so arrows alone walk the calendar.
    """

    DEFAULT_CSS = """
    WeekGrid {
        height: 1fr;
    }
    """

    class EdgeReached(Message):
        """The cursor tried to leave the week: ``step`` is -1 (back) or +1 (ahead)."""

        def __init__(self, grid: WeekGrid, step: int) -> None:
            super().__init__()
            self.grid = grid
            self.step = step

        @property
        def control(self) -> WeekGrid:
            return self.grid

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="cell", zebra_stripes=True, fixed_columns=1, **kwargs)
        self._headers: list[Text] = []
        self._rows: list[GridRow] = []
        self._fitted_width = 0
        self.row_keys: list[int] = []

    # ------------------------------------------------------------ filling
    def fill(self, headers: Sequence[Text], rows: Sequence[GridRow]) -> None:
        """Show ``rows`` under the row-label header and the seven day headers."""
        self._headers = list(headers)
        self._rows = list(rows)
        self._render_grid()

    def _widths(self) -> tuple[int, int]:
        label = max(
            [h.cell_len for h in self._headers[:1]] + [r.label.cell_len for r in self._rows]
        )
        label = min(max(label, 8), LABEL_MAX)
        width = self.size.width or (self.app.size.width - 2)
        padding = 2 * self.cell_padding * 8
        scrollbar = 2
        day = (width - label - padding - scrollbar) // 7
        return label, max(day, DAY_MIN)

    def _render_grid(self) -> None:
        label_width, day_width = self._widths()
        self._fitted_width = self.size.width
        at = self.cursor_coordinate
        self.clear(columns=True)
        for index, header in enumerate(self._headers):
            self.add_column(
                cut(header, label_width) if index == 0 else fit_header(header, day_width),
                width=label_width if index == 0 else day_width,
                key=str(index),
            )
        self.row_keys = [row.key for row in self._rows]
        for row in self._rows:
            cells = [cut(row.label, label_width)]
            height = 1
            for entries in row.days:
                shown = [line for entry in entries[:ENTRIES_MAX] for line in entry]
                if len(entries) > ENTRIES_MAX:
                    shown.append(Text(f"+{len(entries) - ENTRIES_MAX} more", style="italic"))
                height = max(height, len(shown))
                cells.append(Text("\n").join(cut(line, day_width) for line in shown))
            self.add_row(*cells, height=height, key=str(row.key))
        if self._rows:
            self.move_cursor(
                row=min(at.row, len(self._rows) - 1),
                column=max(1, min(at.column, 7)),
                animate=False,
            )

    def on_resize(self, event: events.Resize) -> None:
        if self._headers and event.size.width != self._fitted_width:
            self._render_grid()

    # ------------------------------------------------------------ the cursor
    @property
    def selected(self) -> tuple[int, int] | None:
        """(row key, day index 0-6) under the cursor, or None (nothing, or the label column)."""
        if not self.row_keys:
            return None
        row, column = self.cursor_coordinate
        if not 0 <= row < len(self.row_keys) or not 1 <= column <= 7:
            return None
        return self.row_keys[row], column - 1

    def select(self, key: int | None = None, day: int | None = None) -> None:
        """Put the cursor on a row (by key) and/or a day, keeping the other."""
        row, column = self.cursor_coordinate
        if key is not None and key in self.row_keys:
            row = self.row_keys.index(key)
        if day is not None:
            column = day + 1
        self.cursor_coordinate = Coordinate(row, column)

    def action_cursor_left(self) -> None:
        if self.cursor_coordinate.column <= 1:
            self.post_message(self.EdgeReached(self, -1))
            return
        super().action_cursor_left()

    def action_cursor_right(self) -> None:
        if self.cursor_coordinate.column >= 7:
            self.post_message(self.EdgeReached(self, +1))
            return
        super().action_cursor_right()

    def plain_cell(self, key: int, day: int) -> str:
        """The text of one cell as shown (for tests)."""
        cell = self.get_cell_at(Coordinate(self.row_keys.index(key), day + 1))
        return cell.plain if isinstance(cell, Text) else str(cell)

    def plain_headers(self) -> list[str]:
        return [column.label.plain for column in self.ordered_columns]
