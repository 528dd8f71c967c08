"""A DataTable of records that remembers which record the cursor is on and fits its width."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.text import Text
from textual import events

from .cell_renders import SharedCellRenders, text_width
from .rows_at_once import RowsAtOnce

Record = tuple[int, Sequence[Text]]


def fit_widths(natural: list[int], mins: list[int | None], available: int) -> list[int]:
    """Shrink the widest flexible columns (min not None) until the row fits ``available``."""
    widths = list(natural)
    excess = sum(widths) - available
    while excess > 0:
        candidates = [
            i for i, low in enumerate(mins) if low is not None and widths[i] > max(low, 1)
        ]
        if not candidates:
            break
        widest = max(candidates, key=lambda i: widths[i])
        widths[widest] -= 1
        excess -= 1
    return widths


class RecordTable(RowsAtOnce, SharedCellRenders):
    """Rows are records (by id); a refill keeps the cursor on the same record. A cell
    shown again after a refill (a filter's keystroke) is not rendered again
    (``cell_renders``).

    ``columns`` pairs each label with the narrowest width the column may be cut
    to when the table is too wide for the terminal (None: never cut). Cut text
    ends in an ellipsis; the full text stays searchable by the screen.

    ``drop`` names the columns that may leave the table when it is narrow, the
    least important first: one leaves while the columns kept, each at its least
    width (or its cells' width, if less), would not fit. Better a table without
    its Repeats column than every column cut to a letter (the Schedule at 80).
    ``shown`` maps each column on screen to its place in ``columns``.
    """

    def __init__(
        self,
        columns: Sequence[tuple[str, int | None]],
        *,
        drop: Sequence[str] = (),
        **kwargs,
    ) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self._declared = tuple(label for label, _ in columns)
        self._declared_mins = [low for _, low in columns]
        self._drop = [self._declared.index(label) for label in drop]
        self.shown = list(range(len(self._declared)))
        self._columns = self._declared
        self._rows: list[Record] = []
        self._fitted_width = 0
        self._laid_out: tuple[list[int], list[int]] = ([], [])  # (shown, widths) of the fill
        self._measured: dict[int, tuple[Text, int]] = {}
        self._cuts: dict[int, tuple[Text, int, Text, int]] = {}  # id -> (cell, width, cut, len)
        self.ids: list[int] = []

    def on_mount(self) -> None:
        if not self.columns:  # (a fill before the mount has put them on already)
            self.add_columns(*self._columns)

    @property
    def selected_id(self) -> int | None:
        if not self.ids or not 0 <= self.cursor_row < len(self.ids):
            return None
        return self.ids[self.cursor_row]

    def selected_or_say(self, noun: str) -> int | None:
        """The selected row's id; None, after telling the user "No <noun> selected", when
        there is none (an empty table, or one being refilled)."""
        record_id = self.selected_id
        if record_id is None:
            self.app.say(f"No {noun} selected", severity="warning")  # type: ignore[attr-defined]
        return record_id

    def fill(self, rows: Sequence[Record]) -> None:
        """Replace the rows (not the columns), keeping the cursor on the same record."""
        self._rows = list(rows)
        self._render_rows()

    def _available(self, columns: int | None = None) -> int:
        width = self.size.width or (self.app.size.width - 2)
        padding = 2 * self.cell_padding * (len(self._columns) if columns is None else columns)
        scrollbar = 2 if len(self._rows) > max(self.size.height - 1, 0) else 0
        return max(width - padding - scrollbar, 0)

    def _choose_shown(self, natural: list[int]) -> list[int]:
        """The declared columns to show: ``drop``'s leave, in order, until the rest fit."""
        shown = list(range(len(self._declared)))
        least = [
            n if low is None else min(n, low)
            for n, low in zip(natural, self._declared_mins, strict=True)
        ]
        for index in self._drop:
            if sum(least[i] for i in shown) <= self._available(len(shown)):
                break
            shown.remove(index)
        return shown

    def _show_columns(self, shown: list[int]) -> None:
        """Put the chosen columns on screen (rebuilt only when the choice changes)."""
        if shown == self.shown and len(self.columns) == len(shown):
            return
        self.shown = shown
        self._columns = tuple(self._declared[i] for i in shown)
        self.clear(columns=True)
        self.add_columns(*self._columns)

    # A table whose title column should keep its width longest names it here: the
    # other flexible columns shrink to OTHERS_FIRST, then the title to TITLE_LEAST
    # (the others to OTHERS_THEN), then every column to its least.
    KEEP_COLUMN: int | None = None
    OTHERS_FIRST, TITLE_LEAST, OTHERS_THEN = 14, 30, 14

    def fit(self, natural: list[int], available: int, shown: list[int]) -> list[int]:
        """Column widths for the rows' natural widths (of the declared columns ``shown``);
        subclasses choose who shrinks first."""
        widths = natural
        mins = [self._declared_mins[i] for i in shown]
        keep = self.KEEP_COLUMN
        keep = shown.index(keep) if keep in shown else None
        if keep is not None:
            for title_least, other_least in (
                (None, self.OTHERS_FIRST),
                (self.TITLE_LEAST, self.OTHERS_THEN),
            ):
                stage = [
                    None if low is None or (i == keep and title_least is None)
                    else max(low, title_least if i == keep else other_least)
                    for i, low in enumerate(mins)
                ]  # fmt: skip
                widths = fit_widths(widths, stage, available)
        return fit_widths(widths, mins, available)

    def _plan(self) -> tuple[list[list[int]], list[int], list[int]]:
        """How the rows would be laid out at the table's width now: each cell's width (of
        the columns shown), the declared columns shown and the width of each."""
        lengths = self._lengths()
        natural = [cell_len(label) for label in self._declared]
        for row_lengths in lengths:
            for i, n in enumerate(row_lengths):
                if n > natural[i]:
                    natural[i] = n
        shown = self._choose_shown(natural)
        if len(shown) < len(self._declared):
            natural = [natural[i] for i in shown]
            lengths = [[row[i] for i in shown] for row in lengths]
        available = self._available(len(shown))
        return lengths, shown, self.fit(natural, available, shown)

    def _render_rows(self) -> None:
        keep, row_before = self.selected_id, self.cursor_row
        self._fitted_width = self.size.width
        lengths, shown, widths = self._plan()
        self._laid_out = (shown, widths)
        self._show_columns(shown)
        self.clear(columns=False)
        # Columns only ever grow to fit their cells; start again from the labels so
        # they can narrow when a search leaves only short values.
        # A label gives way too when its column is cut to fit (at 80 columns).
        # The widths are set here, not left to DataTable's measuring when idle: a table
        # filled while its screen was hidden kept its heading widths (Actions at 80x24).
        cut, cells_width = self._cut_rows(lengths, widths)
        for i, (column, width) in enumerate(zip(self.columns.values(), widths, strict=False)):
            column.content_width = max(min(column.label.cell_len, width), cells_width[i])
        self.ids = [record_id for record_id, _ in self._rows]
        added = self.add_rows(cut)
        # The columns' widths are set above from the cut cells, which is all DataTable
        # would measure them for when idle (each cell rendered again: 0.5 s for 1,500
        # rows); rows here are one line high and unlabelled, so nothing else is measured.
        new_rows = getattr(self, "_new_rows", None)
        if isinstance(new_rows, set):
            new_rows.difference_update(added)
        if keep is not None and keep in self.ids:
            self.move_cursor(row=self.ids.index(keep), animate=False)
        elif self.ids:
            self.move_cursor(row=min(row_before, len(self.ids) - 1), animate=False)

    def _lengths(self) -> list[list[int]]:
        """Each cell's width, measured once per cell: a screen that hands the same cells
        again (the Schedule does, per typed letter) is not measured again. (Cells are
        never changed once in a table: DataTable caches their rendering too.)"""
        before: dict[int, tuple[Text, int]] = self._measured
        now: dict[int, tuple[Text, int]] = {}
        out = []
        for _, cells in self._rows:
            row = []
            for cell in cells:
                hit = before.get(id(cell))
                n = hit[1] if hit is not None and hit[0] is cell else text_width(cell)
                now[id(cell)] = (cell, n)  # (held, so the id is not reused meanwhile)
                row.append(n)
            out.append(row)
        self._measured = now
        return out

    def _cut_rows(
        self, lengths: list[list[int]], widths: list[int]
    ) -> tuple[list[list[Text]], list[int]]:
        """The rows cut to ``widths`` (an ellipsis where cut), and each column's widest.
        A cell cut to the same width in the last fill is not cut again (like _lengths)."""
        widest = [0] * len(widths)
        cut = []
        before: dict[int, tuple[Text, int, Text, int]] = self._cuts
        now: dict[int, tuple[Text, int, Text, int]] = {}
        every = len(self.shown) == len(self._declared)
        for (_, all_cells), row_lengths in zip(self._rows, lengths, strict=True):
            cells = all_cells if every else [all_cells[i] for i in self.shown]
            row = []
            for i, (cell, n, width) in enumerate(zip(cells, row_lengths, widths, strict=False)):
                if n > width:
                    hit = before.get(id(cell))
                    if hit is not None and hit[0] is cell and hit[1] == width:
                        short, n = hit[2], hit[3]
                    else:
                        short = cell.copy()
                        short.truncate(width, overflow="ellipsis")
                        n = text_width(short)
                    now[id(cell)] = (cell, width, short, n)  # (held: the id is not reused)
                    cell = short
                if n > widest[i]:
                    widest[i] = n
                row.append(cell)
            cut.append(row)
        self._cuts = now
        return cut, widest

    def on_resize(self, event: events.Resize) -> None:
        """Rows filled before the table had its width (at its mount, or while hidden) are
        laid out for the app's width; filled again only if their columns differ at the
        table's own (a refill and a second paint of every visible row, a tenth of an
        area's opening, for the same cells)."""
        if self._rows and event.size.width != self._fitted_width:
            self._fitted_width = event.size.width
            if self._plan()[1:] != self._laid_out:
                self._render_rows()

    def select_id(self, record_id: int) -> bool:
        """Put the cursor on a record, if it is shown."""
        if record_id in self.ids:
            self.move_cursor(row=self.ids.index(record_id), animate=False)
            return True
        return False

    def full_row(self, record_id: int) -> list[str]:
        """The full text of a record's cells (before any cut to fit the width)."""
        for rid, cells in self._rows:
            if rid == record_id:
                return [cell.plain for cell in cells]
        raise KeyError(record_id)

    def plain_row(self, record_id: int) -> list[str]:
        """The text of a record's cells as shown on screen (for tests)."""
        row = self.get_row_at(self.ids.index(record_id))
        return [cell.plain if isinstance(cell, Text) else str(cell) for cell in row]
