"""A DataTable for a matrix of short, one-line cells in fixed-width columns (Coverage's).

When idle after rows are added, Textual's DataTable measures every cell (a Rich measure
each) for the width of columns whose width is fixed anyway: here only the row labels are
measured. Its cells share their renderings (``cell_renders``): a matrix has a handful of
distinct cells. The label column and the table's size are the same as DataTable's
(tests/tui/test_coverage.py compares them).
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.render import measure
from textual.widgets._data_table import RowKey, default_cell_formatter

from .cell_renders import SharedCellRenders
from .rows_at_once import RowsAtOnce


class MatrixTable(RowsAtOnce, SharedCellRenders):
    """A DataTable whose columns have a width and whose rows are one line high (added
    at once, ``RowsAtOnce.add_rows``)."""

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
