"""A DataTable for a matrix of short, one-line cells in fixed-width columns (Coverage's).

When idle after rows are added, Textual's DataTable measures every cell (a Rich measure
each) for the width of columns whose width is fixed anyway: here only the row labels are
measured. Its cells share their renderings (``cell_renders``): a matrix has a handful of
distinct cells. The label column and the table's size are the same as DataTable's
(tests/tui/test_coverage.py compares them).

DataTable renders every cell of a line it paints, then crops the line to the columns
in view: at 150,000 records the matrix has 61 columns of which about 15 fit at 160
columns, so three quarters of a paint's cells were rendered to be cut away. Here a cell
wholly outside the columns in view is painted as blanks (which the crop removes); the
rows so painted are forgotten when the table scrolls sideways (resizing clears them
already). The lines painted are DataTable's (tests/tui/test_coverage.py compares them).
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.segment import Segment
from rich.style import Style
from textual.render import measure
from textual.strip import Strip
from textual.widgets._data_table import RowKey, default_cell_formatter

from .cell_renders import Lines, SharedCellRenders
from .rows_at_once import RowsAtOnce


class MatrixTable(RowsAtOnce, SharedCellRenders):
    """A DataTable whose columns have a width and whose rows are one line high (added
    at once, ``RowsAtOnce.add_rows``)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # While a line is painted: the columns' start offsets and the part in view.
        self._in_view: tuple[list[int], int, int] | None = None

    def _render_line(self, y: int, x1: int, x2: int, base_style: Style) -> Strip:
        starts, offset = [], 0
        for column in self.ordered_columns:
            starts.append(offset)
            offset += column.get_render_width(self)
        fixed = starts[self.fixed_columns] if self.fixed_columns < len(starts) else offset
        self._in_view = (starts, x1 + fixed, x2)  # (DataTable crops to x1 + fixed .. x2)
        try:
            return super()._render_line(y, x1, x2, base_style)
        finally:
            self._in_view = None

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> Lines:
        view = self._in_view
        if view is not None and column_index >= 0:
            starts, left, right = view
            start = starts[column_index]
            if start >= right or start + width <= left:  # (cut away by the crop)
                if row_index < 0:
                    height = self.header_height
                else:
                    height = self.rows[self._row_locations.get_key(row_index)].height
                return [[Segment(" " * width, base_style)] for _ in range(height)]
        return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)

    def watch_scroll_x(self, old_value: float, new_value: float) -> None:
        if round(old_value) != round(new_value):
            self._row_render_cache.clear()  # (rows painted with other columns in view)
        super().watch_scroll_x(old_value, new_value)

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        new_rows = list(new_rows)
        rows = [self.rows.get(key) for key in new_rows]
        if any(c.auto_width for c in self.columns.values()) or any(
            row is not None and row.auto_height for row in rows
        ):
            super()._update_dimensions(new_rows)
            return
        console = self.app.console
        for key, row in zip(new_rows, rows, strict=True):
            if row is None or self._row_locations.get(key) is None:
                continue  # (removed before the table was idle)
            if row.label is not None:
                self._labelled_row_exists = True
            if self._should_render_row_labels and row.label:
                label = default_cell_formatter(row.label, wrap=row.height != 1, height=row.height)
                width = measure(console, label, 1) if label else 0
                self._label_column.content_width = max(self._label_column.content_width, width)
        super()._update_dimensions(())  # (the table's size, from the widths now known)
