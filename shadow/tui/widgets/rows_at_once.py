"""A DataTable that adds many rows at once (RecordTable's fills, Coverage's matrix)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import zip_longest

from rich.text import Text, TextType
from textual.widgets import DataTable
from textual.widgets._data_table import CellType, DuplicateKey, Row, RowKey


class RowsAtOnce(DataTable):
    """``add_rows`` with what ``add_row`` does for the whole table done once."""

    def add_rows(
        self,
        rows: Iterable[Iterable[CellType]],
        *,
        keys: Sequence[str] | None = None,
        labels: Sequence[TextType | None] | None = None,
    ) -> list[RowKey]:
        """DataTable's ``add_rows`` (rows one line high; ``keys``: theirs, else generated;
        ``labels``: their labels, else none), with what ``add_row`` does for the whole
        table done once, not once per row: the ordered columns, the cursor checked
        against the new size (the rows only grow, so checking it once ends where
        checking it per row did) and its highlight when the table gets its first row.
        Per row it cost a quarter of a filter's keystroke on the Schedule (1,100 rows
        at 150,000 records), every area's first fill and a third of Coverage's matrix."""
        columns = self.ordered_columns
        was_empty = self.row_count == 0
        index = self.row_count
        added: list[RowKey] = []
        for i, cells in enumerate(rows):
            key = RowKey(None if keys is None else keys[i])
            if key in self._row_locations:
                raise DuplicateKey(f"The row key {key!r} already exists.")
            cells = tuple(cells)
            if len(cells) > len(columns):
                raise ValueError("More values provided than there are columns.")
            label = None if labels is None else labels[i]
            if isinstance(label, str):
                label = Text.from_markup(label, end="")
            self._row_locations[key] = index
            self._data[key] = {column.key: cell for column, cell in zip_longest(columns, cells)}
            self.rows[key] = Row(key, 1, label, False)
            self._new_rows.add(key)
            added.append(key)
            index += 1
        if not added:
            return added
        self._require_update_dimensions = True
        self.cursor_coordinate = self.cursor_coordinate
        if was_empty and self.columns and self.show_cursor and self.cursor_type != "none":
            self._highlight_cursor()
        self._update_count += len(added)
        self.check_idle()
        return added
