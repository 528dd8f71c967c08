"""A DataTable that renders a cell equal to one it rendered before only once.

Textual's DataTable renders each cell of a visible line through Rich (padding, styles,
cropping; the cells off screen to the right too), and forgets every rendering when its
rows are replaced (a filter's keystroke) or a cell changes. Yet most cells are equal to
one already rendered: a matrix has a handful of distinct cells ("12 Nov", "never" in a
state's colour), and a list filtered again shows the same cells in other rows. Here a body
cell whose text, style and state (row style, cursor, hover, focus, width, padding) were
rendered before reuses those lines (with its own row and column in the mouse metadata each
segment carries, where the table's cells carry it: see below). What is painted is the
same, segment for segment (tests/tui compare every cell with DataTable's own rendering). The styles of its components (header, rows, cursor)
are worked out once per change of the table's styles, not once per row painted.

A body cell carries no row and column in its segments' metadata where the table has no
row labels and no fixed columns (``cell_meta``): the mouse handlers work the cell out
from where the pointer is, as DataTable's own rendering would have told them. Each
segment's metadata made a new style for every cell painted (a pickled dictionary, and
a copy of each of the cell's styles), and kept a row's segments from being joined where
their styles are equal: the Schedule's first filter keystroke at 10,000 records took
24-40 ms instead of 44-56 ms (``/tmp/b9/firsta.py``, fourteenth session).
"""

from __future__ import annotations

from pickle import loads
from typing import Any

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.coordinate import Coordinate
from textual.css.styles import RenderStyles
from textual.geometry import Offset, Region
from textual.strip import Strip
from textual.widgets import DataTable

Lines = list[list[Segment]]
EMPTY = Text(no_wrap=True, end="")  # DataTable's _EMPTY_TEXT


def text_width(cell: Text) -> int:
    """``cell.cell_len``: at once for printable ASCII, one cell a character (most cells;
    rich looks each text up in a cache, ~1.3 us a cell: 17 ms for the 13,000 cells of
    the Schedule's 2,200 rows at 150,000 records, on the event loop)."""
    plain = cell.plain
    return len(plain) if plain.isascii() and plain.isprintable() else cell.cell_len


SHARED_LIMIT = 20_000  # renderings kept; more and they are all forgotten (memory)


class SharedCellRenders(DataTable):
    """A DataTable whose one-line Text cells share their renderings."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._shared_renders: dict[tuple, Lines] = {}
        self._component_rich: dict[tuple[str, ...], Style] = {}  # (_KeptComponentStyles)
        self._painting = False
        self._painted_style: Style | None = None
        self._painted_state: tuple | None = None  # (_paint_state, once a paint)
        self.shared_hits = 0  # cells whose rendering was another's

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._shared_renders.clear()  # (the theme or the CSS changed the component styles)
        self._component_rich.clear()

    def get_component_styles(self, *names: str) -> RenderStyles:
        return _KeptComponentStyles(self, names)  # type: ignore[return-value]

    def render_lines(self, crop: Region) -> list[Strip]:
        # The table's own style is worked out once a paint (DataTable asks for it at every
        # line it paints: a walk up the DOM each time).
        self._painting = True
        try:
            return super().render_lines(crop)
        finally:
            self._painting, self._painted_style, self._painted_state = False, None, None

    def _paint_state(self) -> tuple:
        """What a body cell's rendering depends on besides its text and row: the table's
        fixed rows and columns, whether its cells carry their row and column
        (``cell_meta``), then (in ``shared_key``'s order) the hover cursor shown,
        the pseudo classes (focus), the cursor shown, the cursor's priorities and the
        padding. Read once a paint: they are reactives, and reading seven of them for
        each of the 400 cells of a screenful was a seventh of painting it."""
        state = self._painted_state
        if state is None:
            state = (
                self.fixed_rows,
                self.fixed_columns,
                self.cell_meta,
                self._show_hover_cursor,
                self._pseudo_class_state,
                self.show_cursor,
                self.cursor_foreground_priority,
                self.cursor_background_priority,
                self.cell_padding,
            )
            if self._painting:
                self._painted_state = state
        return state

    @property
    def rich_style(self) -> Style:
        if not getattr(self, "_painting", False):
            return super().rich_style
        if self._painted_style is None:
            self._painted_style = super().rich_style
        return self._painted_style

    @property
    def cell_meta(self) -> bool:
        """Whether body cells carry their row and column in their segments' metadata:
        only where the table has row labels or fixed columns (the mouse handlers work
        out the cell from the pointer's place otherwise, see ``cell_at``)."""
        return bool(self.fixed_columns) or (self._labelled_row_exists and self.show_row_labels)

    def cell_at(self, offset: Offset) -> dict[str, int] | None:
        """The row and column of the body cell at ``offset`` (in the table's content
        region, as on screen), as the metadata of DataTable's rendering would give them;
        None off the cells (the header, the row's fill past the last column, the space
        under the last row: those segments carry their own), or where the cells carry
        theirs."""
        if self.cell_meta:
            return None
        x, y = offset
        scroll_x, scroll_y = self.scroll_offset
        fixed = sum(
            self.get_row_height(self._row_locations.get_key(i)) for i in range(self.fixed_rows)
        )
        if self.show_header:
            fixed += self.header_height
        if y >= fixed:
            y += scroll_y
        try:
            row_key, _ = self._get_offsets(y)
        except LookupError:
            return None
        row_index = self._row_locations.get(row_key)
        if row_key is self._header_row_key or row_index is None:
            return None
        x += scroll_x
        for column_index, column in enumerate(self.ordered_columns):
            x -= column.get_render_width(self)
            if x < 0:
                return {"row": row_index, "column": column_index}
        return None

    def _with_cell_meta(self, event: events.MouseEvent) -> None:
        if "row" not in event.style.meta:
            offset = event.get_content_offset(self)
            meta = None if offset is None else self.cell_at(offset)
            if meta is not None:
                event.style = event.style + Style.from_meta(meta)

    def watch_hover_coordinate(self, old: Coordinate, value: Coordinate) -> None:
        """DataTable repaints the cell the hover left and the one it reached, also where the
        hover is a whole row (or column); the rest of the row was repainted only because
        every mouse move repainted the whole table (each segment's metadata gave its style
        a link id, which Textual highlights). Here the hover's rows (columns) are."""
        super().watch_hover_coordinate(old, value)
        if self.cursor_type == "row":
            self.refresh_row(old.row)
            self.refresh_row(value.row)
        elif self.cursor_type == "column":
            self.refresh_column(old.column)
            self.refresh_column(value.column)

    # Textual calls these before DataTable's own handlers (each class's in turn), which
    # then read the cell from the event's style as from DataTable's rendering.
    def _on_mouse_move(self, event: events.MouseMove) -> None:
        self._with_cell_meta(event)

    def _on_click(self, event: events.Click) -> None:
        self._with_cell_meta(event)

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> Lines:
        state = self._paint_state()
        fixed_rows, fixed_columns, cell_meta, show_hover, pseudo = state[:5]
        if row_index < fixed_rows or column_index < fixed_columns:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        row = self.rows.get(row_key) if row_key is not None else None
        cell = self._data.get(row_key, {}).get(column_key)
        if row is None or row.height != 1 or type(cell) is not Text or "\n" in cell.plain:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        own_key = (
            row_key,
            column_key,
            base_style,
            cursor,
            hover,
            show_hover,
            self._update_count,
            pseudo,
        )
        done = self._cell_render_cache.get(own_key)
        if done is not None:
            return done
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
            *state[3:],
            width,
        )
        shared = self._shared_renders.get(shared_key)
        if shared is not None:
            self.shared_hits += 1
        else:
            shared = self._render_text_cell(cell, base_style, width, cursor, hover)
            if shared is None:  # DataTable's own rendering, its row and column included:
                shared = super()._render_cell(
                    row_index, column_index, base_style, width, cursor, hover
                )
                if not cell_meta:
                    return shared  # (shared, it would give another cell this one's place)
            if len(self._shared_renders) >= SHARED_LIMIT:
                self._shared_renders.clear()
            self._shared_renders[shared_key] = shared
        lines = shared
        if cell_meta:
            lines = _with_meta(shared, Style.from_meta({"row": row_index, "column": column_index}))
        self._cell_render_cache[own_key] = lines
        return lines

    def _render_text_cell(
        self,
        cell: Text,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> Lines | None:
        """A one-line Text cell that fits its column, rendered as DataTable's Rich pipeline
        renders it (``Styled(Padding(cell))`` through ``Console.render_lines``), without
        the pipeline: the text's own segments (Rich's), each styled with the row's and
        the cursor's styles, between the padding, filled to the width; without its row
        and column (``_render_cell`` adds them where the table carries them). None for any
        other cell (tabs, justified, wrapped, too wide): DataTable renders it.
        Rich's pipeline was most of a table's first paint (~0.1 ms a cell, 260 cells
        for a screenful); tests/tui compare every cell with DataTable's rendering."""
        plain = cell.plain
        if not plain:
            cell = EMPTY  # (DataTable shows an empty Text as its own empty Text)
        pad = self.cell_padding
        inner = width - 2 * pad
        if (
            inner < 1
            or "\t" in plain
            or "\n" in plain
            or (cell.justify or self.app.console_options.justify) not in (None, "default")
            or cell.no_wrap is False
            or text_width(cell) > inner
        ):
            return None
        component, post = self._get_styles_to_render_cell(
            False,
            False,
            False,
            hover,
            cursor,
            self.show_cursor,
            self._show_hover_cursor,
            self.cursor_foreground_priority == "css",
            self.cursor_background_priority == "css",
        )
        pre = base_style + component
        console = self.app.console
        space = console.get_style("none")  # Padding's style, and its fill's

        def styled(style: Style | None) -> Style | None:  # Segment.apply_style(pre, post)
            if pre:
                style = pre + style
            if post:
                style = style + post if style else post
            return style

        line = [Segment(text, styled(style)) for text, style, _ in _text_segments(cell, console)]
        fill = inner - text_width(cell)
        if fill:
            line.append(Segment(" " * fill, styled(space)))
        if pad:
            edge = Segment(" " * pad, styled(space))
            line = [edge, *line, edge]
        return [line]


def _text_segments(cell: Text, console: Console) -> list[Segment]:
    """The segments of a one-line ``cell`` that fits as ``Text.__rich_console__`` yields
    them: the line joined as it joins lines (the cell's style becomes a span), rendered
    without its end (which only ends the line)."""
    return list(Text("\n").join([cell]).render(console))


def _with_meta(lines: Lines, meta: Style) -> Lines:
    """``lines`` with every segment's row and column metadata replaced by ``meta``'s: what
    ``style + meta`` gives when the style's metadata is a row and a column (every cell's
    here), made as ``Style.copy`` makes a style, with ``meta``'s metadata and no hash
    yet. ``style + meta`` merged the two metadata (unpickled, merged, pickled again)
    for every segment of a screenful: a sixth of painting it. Any other style (a link,
    other metadata) is added as before."""
    data = meta._meta
    new = Style.__new__
    out = []
    for line in lines:
        done = []
        for text, style, control in line:
            if style is not None:
                if style._link or style._null or not _row_and_column_only(style._meta):
                    style = style + meta
                else:
                    copy = new(Style)
                    copy._ansi = style._ansi
                    copy._style_definition = style._style_definition
                    copy._color = style._color
                    copy._bgcolor = style._bgcolor
                    copy._attributes = style._attributes
                    copy._set_attributes = style._set_attributes
                    copy._link = style._link
                    copy._link_id = style._link_id
                    copy._null = False
                    copy._meta = data
                    copy._hash = None
                    style = copy
            done.append(Segment(text, style, control))
        out.append(done)
    return out


_ROW_AND_COLUMN: dict[bytes | None, bool] = {None: True}


def _row_and_column_only(meta: bytes | None) -> bool:
    """Whether a style's pickled metadata holds a row and a column and nothing else
    (kept per distinct metadata: one per cell position)."""
    known = _ROW_AND_COLUMN.get(meta)
    if known is None:
        if len(_ROW_AND_COLUMN) > 50_000:
            _ROW_AND_COLUMN.clear()
            _ROW_AND_COLUMN[None] = True
        known = _ROW_AND_COLUMN[meta] = set(loads(meta)) <= {"row", "column"}
    return known


class _KeptComponentStyles:
    """What ``get_component_styles`` gives, with its Rich style kept per component until
    the table's styles change (``notify_style_update``: focus, theme, CSS). DataTable asks
    for the header's and the row's style at every row it paints, each time merging a new
    styles object and walking up the DOM: with the table's own style, ~8 ms of the 66 ms
    of CPU a filter keystroke took at 10,000 records. Anything else is the real one's."""

    __slots__ = ("_names", "_table", "_styles")

    def __init__(self, table: SharedCellRenders, names: tuple[str, ...]) -> None:
        self._table, self._names = table, names
        self._styles: RenderStyles | None = None

    @property
    def rich_style(self) -> Style:
        kept = self._table._component_rich
        style = kept.get(self._names)
        if style is None:
            style = kept[self._names] = self._real().rich_style
        return style

    def _real(self) -> RenderStyles:
        if self._styles is None:
            self._styles = DataTable.get_component_styles(self._table, *self._names)
        return self._styles

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real(), name)
