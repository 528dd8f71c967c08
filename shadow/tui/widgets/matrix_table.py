"""A DataTable for a matrix of short, one-line cells in fixed-width columns (Coverage's).

Textual's DataTable pays per cell twice for what a matrix does not need:

- when idle after rows are added it measures every cell (a Rich measure each, for the
  width of columns whose width is fixed anyway): here only the row labels are measured;
- it renders every cell of a visible line through Rich (padding, styles, cropping; the
  cells off screen to the right too), though a matrix has a handful of distinct cells
  ("12 Nov", "never", a state's colour): here a body cell whose text, style and state
  (cursor, hover, row style, width) were rendered before reuses those lines, with its own
  row and column in the mouse metadata each segment carries.

What is painted is the same, segment for segment (tests/tui/test_coverage.py compares
every cell with DataTable's own rendering).
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.render import measure
from textual.widgets import DataTable
from textual.widgets._data_table import RowKey, default_cell_formatter

Lines = list[list[Segment]]


class MatrixTable(DataTable):
    """A DataTable whose columns have a width and whose rows are one line high."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._shared_renders: dict[tuple, Lines] = {}
        self._shared_for = -1  # the _update_count the shared renders belong to

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

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> Lines:
        if row_index < self.fixed_rows or column_index < self.fixed_columns:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        row = self.rows.get(row_key)
        cell = self._data.get(row_key, {}).get(column_key)
        if row is None or row.height != 1 or type(cell) is not Text or "\n" in cell.plain:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        own_key = (
            row_key,
            column_key,
            base_style,
            cursor,
            hover,
            self._show_hover_cursor,
            self._update_count,
            self._pseudo_class_state,
        )
        done = self._cell_render_cache.get(own_key)
        if done is not None:
            return done
        if self._shared_for != self._update_count:
            self._shared_renders.clear()
            self._shared_for = self._update_count
        shared_key = (
            cell.plain,
            cell.style,
            tuple(cell.spans),
            cell.justify,
            cell.overflow,
            cell.no_wrap,
            cell.end,
            base_style,
            cursor,
            hover,
            self._show_hover_cursor,
            self._pseudo_class_state,
            width,
        )
        shared = self._shared_renders.get(shared_key)
        if shared is None:
            lines = super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
            self._shared_renders[shared_key] = lines
            return lines
        lines = _with_meta(shared, Style.from_meta({"row": row_index, "column": column_index}))
        self._cell_render_cache[own_key] = lines
        return lines


def _with_meta(lines: Lines, meta: Style) -> Lines:
    """``lines`` with every segment's row and column metadata replaced by ``meta``'s."""
    return [
        [Segment(s.text, None if s.style is None else s.style + meta, s.control) for s in line]
        for line in lines
    ]
