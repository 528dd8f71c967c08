"""RecordTable: cells cut to fit the width, cut once and again only when the width changes."""

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.geometry import Offset, Region
from textual.widgets import DataTable
from textual.widgets._data_table import DuplicateKey

from shadow.tui.widgets.cell_renders import SharedCellRenders, text_width
from shadow.tui.widgets.record_table import RecordTable
from shadow.tui.widgets.rows_at_once import RowsAtOnce

from .helpers import cells_render_as_datatable_does

LONG = "A title far too long for a table forty columns wide"


class TableApp(App):
    def compose(self) -> ComposeResult:
        yield RecordTable([("#", None), ("Title", 8)])


async def test_cut_cells_follow_the_width_and_the_cells():
    app = TableApp()
    async with app.run_test(size=(40, 10)) as pilot:
        table = app.query_one(RecordTable)
        title, other = Text(LONG), Text("short")
        rows = [(1, [Text("1"), title]), (2, [Text("2"), other])]
        for _ in range(2):  # (the first fill may come before the table has its width)
            table.fill(rows)
            await pilot.pause()
        first = table.plain_row(1)[1]
        assert first.endswith("…") and LONG.startswith(first[:-1]) and len(first) < len(LONG)
        shown = table.get_row_at(0)[1]
        table.fill(rows)  # the same cells again (a typed letter): the same cut cell
        await pilot.pause()
        assert table.get_row_at(0)[1] is shown and table.plain_row(1)[1] == first
        assert title.plain == LONG  # the screen's own cell is never cut
        table.fill([(1, [Text("1"), Text(LONG.upper())]), (2, [Text("2"), other])])
        await pilot.pause()
        assert table.plain_row(1)[1] == first.upper()  # a new cell: cut afresh
        await pilot.resize_terminal(60, 10)
        await pilot.pause()
        table.fill(rows)
        await pilot.pause()
        wider = table.plain_row(1)[1]
        assert len(wider) > len(first) and LONG.startswith(wider.rstrip("…"))


class TwinTablesApp(App):
    """Two equal tables: one filled by RecordTable's add_rows, one by DataTable's."""

    def __init__(self) -> None:
        super().__init__()
        self.highlighted: dict[str, list[tuple[int, object]]] = {"ours": [], "textual": []}

    def compose(self) -> ComposeResult:
        yield RecordTable([("#", None), ("Title", 8), ("Note", None)], id="ours")
        yield RecordTable([("#", None), ("Title", 8), ("Note", None)], id="textual")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.highlighted[event.data_table.id].append((event.cursor_row, event.row_key))


def table_state(table: DataTable) -> tuple:
    keys = [table.coordinate_to_cell_key((i, 0)).row_key for i in range(table.row_count)]
    return (
        table.row_count,
        [table.get_row_at(i) for i in range(table.row_count)],
        [(table.rows[k].height, table.rows[k].label, table.rows[k].auto_height) for k in keys],
        table.cursor_coordinate,
        table._update_count,
        table._require_update_dimensions,
        {table._row_locations.get(k) for k in table._new_rows},
    )


async def test_add_rows_at_once_is_datatables_add_rows():
    """RecordTable adds a fill's rows in one go (not row by row): the same rows, cells,
    cursor, highlight and bookkeeping as DataTable's own add_rows, into an empty table
    and appended to one whose cursor is further down; too many cells is refused."""
    app = TwinTablesApp()
    async with app.run_test(size=(60, 20)) as pilot:
        ours = app.query_one("#ours", RecordTable)
        theirs = app.query_one("#textual", RecordTable)
        first = [[Text(str(i)), Text(f"title {i}"), Text("n")] for i in range(30)]
        more = [[Text("x"), Text("short")], [Text("y"), Text("other"), Text("z")]]
        for table, add in ((ours, RecordTable.add_rows), (theirs, DataTable.add_rows)):
            keys = add(table, first)
            assert [table._row_locations.get(k) for k in keys] == list(range(30))
            await pilot.pause()
            table.move_cursor(row=12)
            await pilot.pause()
            add(table, more)
            assert add(table, []) == []
            with pytest.raises(ValueError):
                add(table, [[Text("1"), Text("2"), Text("3"), Text("4")]])
            await pilot.pause()
        assert table_state(ours)[:4] == table_state(theirs)[:4]
        assert table_state(ours)[4:] == table_state(theirs)[4:]
        assert ours.get_row_at(30) == [Text("x"), Text("short"), None]
        got = [
            (row, ours.coordinate_to_cell_key((row, 0)).row_key)
            for row, _ in app.highlighted["ours"]
        ]
        assert (
            [row for row, _ in app.highlighted["ours"]]
            == [row for row, _ in app.highlighted["textual"]]
            == [0, 12]
        )
        assert [key for _, key in app.highlighted["ours"]] == [key for _, key in got]


class CellsApp(App):
    def compose(self) -> ComposeResult:
        yield SharedCellRenders(id="cells", zebra_stripes=True)


CELLS = [
    Text("plain"),
    Text("dimmed", style="dim"),
    Text.assemble(("bold", "bold"), " then ", ("red", "red on white"), style="italic"),
    Text(""),
    Text("", style="reverse"),
    Text("日本語の名前"),  # two cells a character
    Text("a 😀 face", style="underline"),
    Text("  spaced  ", no_wrap=True),
    Text("tab\there"),  # (DataTable's: tabs expanded)
    Text("right", justify="right"),  # (DataTable's: justified)
    Text("wraps when it must", no_wrap=False),  # (DataTable's: may wrap)
    Text("far too long for its fixed column"),  # (DataTable's: cut)
    Text("[bold]not markup[/]"),
    Text("control\x1b[31mchars"),
]


async def test_text_cells_render_as_datatable_renders_them():
    """SharedCellRenders' own rendering of one-line Text cells (the padding, the fill to
    the width, the row's, cursor's and hover's styles over the text's) gives DataTable's
    segments for every cell, in every state; the others are DataTable's own."""
    app = CellsApp()
    async with app.run_test(size=(120, 20)) as pilot:
        table = app.query_one(SharedCellRenders)
        table.add_column("auto", key="auto")
        table.add_column("fixed", key="fixed", width=8)
        for cell in CELLS:
            table.add_row(cell, cell.copy())
        await pilot.pause()
        assert cells_render_as_datatable_does(table) >= 0
        ours = table._render_text_cell(CELLS[2], table.rich_style, 30)
        assert ours is not None  # (the fast path was taken for a fitting cell)
        assert table._render_text_cell(CELLS[8], table.rich_style, 30) is None


async def test_add_rows_with_keys_and_labels_is_add_row_for_each():
    """Coverage's matrix adds its rows at once with their keys and labels: the same rows,
    labels, cursor, highlight and bookkeeping as DataTable's add_row for each; a key
    already there is refused as add_row refuses it."""
    app = TwinTablesApp()
    async with app.run_test(size=(60, 20)) as pilot:
        ours = app.query_one("#ours", RecordTable)
        theirs = app.query_one("#textual", RecordTable)
        rows = [[Text(str(i)), Text(f"title {i}")] for i in range(12)]
        keys = [f"p{i}" for i in range(12)]
        labels = [Text(f"Person {i}") if i % 3 else f"[b]Person {i}[/b]" for i in range(12)]
        for table in (ours, theirs):
            table.add_columns("#", "Title", "Note")
        added = RowsAtOnce.add_rows(ours, rows, keys=keys, labels=labels)
        assert [k.value for k in added] == keys
        for cells, key, label in zip(rows, keys, labels, strict=True):
            DataTable.add_row(theirs, *cells, key=key, label=label)
        await pilot.pause()
        assert table_state(ours) == table_state(theirs)
        assert ours.rows[added[4]].label == theirs.rows[added[4]].label == Text("Person 4")
        marked = ours.rows[added[3]].label  # (a str label is markup, as add_row reads it)
        assert marked == theirs.rows[added[3]].label and marked.plain == "Person 3"
        for table, add in (
            (ours, lambda t: RowsAtOnce.add_rows(t, [[Text("x")]], keys=["p4"])),
            (theirs, lambda t: DataTable.add_row(t, Text("x"), key="p4")),
        ):
            with pytest.raises(DuplicateKey):
                add(table)
        assert app.highlighted["ours"] == app.highlighted["textual"]


@pytest.mark.parametrize(
    "plain",
    [
        "",
        "Circulation desk",
        "Café ☕ queue",
        "图书馆 visit",
        "tab\there",
        "bell\x07",
        "x" * 600,
        "é" * 3,
    ],
)
def test_a_cells_width_is_rich_s_cell_len(plain):
    """``text_width`` takes a shortcut for printable ASCII; every other text is measured
    as rich measures it (wide characters, accents, control characters)."""
    cell = Text(plain, style="bold")
    assert text_width(cell) == cell.cell_len


async def test_component_styles_kept_follow_the_focus_and_the_theme():
    """The table keeps each component's Rich style (DataTable asked the CSS again for every
    row painted): what it keeps is what the CSS says, focused or not, in any theme."""
    from textual.dom import DOMNode

    names = ("datatable--header", "datatable--even-row", "datatable--odd-row")
    names += ("datatable--cursor", "datatable--hover", "datatable--fixed")
    app = TableApp()
    async with app.run_test(size=(40, 10)) as pilot:
        table = app.query_one(RecordTable)
        table.fill([(n, [Text(str(n)), Text(f"row {n}")]) for n in range(1, 6)])
        await pilot.pause()

        def same() -> None:
            for name in names:
                theirs = DOMNode.get_component_styles(table, name).rich_style
                assert table.get_component_styles(name).rich_style == theirs, name
            assert table.rich_style == DOMNode.rich_style.fget(table)

        same()
        cursor = table.get_component_styles("datatable--cursor").rich_style
        table.focus()
        await pilot.pause()
        same()
        app.theme = "nord"
        await pilot.pause()
        same()
        assert table.get_component_styles("datatable--cursor").rich_style != cursor


class ScrollingTableApp(App):
    def compose(self) -> ComposeResult:
        yield RecordTable([("#", None), ("Title", 8), ("Note", None)])

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.selected = event.cursor_row


def _meta_on_screen(table: DataTable) -> dict[tuple[int, int], dict]:
    """The metadata of each place of the table's content region, as painted."""
    width, height = table.scrollable_content_region.size
    table._clear_caches()
    out = {}
    for y, strip in enumerate(table.render_lines(Region(0, 0, width, height))):
        x = 0
        for segment in strip:
            for _ in range(segment.cell_length):
                out[x, y] = segment.style.meta if segment.style else {}
                x += 1
    table._clear_caches()
    return out


async def test_the_mouse_finds_the_cell_its_segments_no_longer_name(monkeypatch):
    """A table without row labels or fixed columns paints its body cells without their
    row and column in the segments' metadata; the pointer's place gives the same cell as
    DataTable's own rendering names there, at every place of a table scrolled both ways,
    and a click and a hover act on that row."""
    app = ScrollingTableApp()
    async with app.run_test(size=(30, 8)) as pilot:
        table = app.query_one(RecordTable)
        table.fill(
            [(n, [Text(str(n)), Text(f"row {n}"), Text(f"note {n} " * 3)]) for n in range(40)]
        )
        await pilot.pause()
        table.scroll_to(x=3, y=10, animate=False)
        await pilot.pause()
        assert table.scroll_offset == (3, 10)
        assert not table.cell_meta
        ours = _meta_on_screen(table)
        assert all("row" not in meta or meta["row"] == -1 or meta.get("out_of_bounds")
                   for meta in ours.values())  # fmt: skip
        monkeypatch.setattr(SharedCellRenders, "cell_meta", property(lambda table: True))
        theirs = _meta_on_screen(table)
        monkeypatch.undo()
        cells = 0
        for place, meta in theirs.items():
            body = "row" in meta and meta["row"] >= 0 and not meta.get("out_of_bounds")
            expected = {"row": meta["row"], "column": meta["column"]} if body else None
            assert table.cell_at(Offset(*place)) == expected, place
            cells += body
        assert cells > 50
        # A click on the fourth line shown (the header, then rows 10, 11, 12): row 12.
        await pilot.click(RecordTable, offset=(6, 3))
        assert table.cursor_row == 12
        await pilot.click(RecordTable, offset=(6, 3))  # (on the cursor's row: selected)
        assert app.selected == 12
        await pilot.hover(RecordTable, offset=(2, 5))
        assert table.hover_coordinate.row == 14


async def test_a_hover_repaints_the_rows_it_leaves_and_reaches():
    """A row cursor's hover is the whole row: moving it repaints both rows whole (DataTable
    repaints only the two cells; the rest came with a repaint of the whole table that the
    cells' metadata caused at every mouse move)."""
    app = ScrollingTableApp()
    async with app.run_test(size=(30, 8)) as pilot:
        table = app.query_one(RecordTable)
        table.fill([(n, [Text(str(n)), Text(f"row {n}"), Text(f"note {n}")]) for n in range(5)])
        await pilot.pause()
        await pilot.hover(RecordTable, offset=(5, 2))
        await pilot.pause()
        painted: list[tuple[int, int, int]] = []
        display = app._display

        def noted(screen, update) -> None:
            painted.extend(getattr(update, "spans", []))
            display(screen, update)

        app._display = noted
        await pilot.hover(RecordTable, offset=(5, 3))
        await pilot.pause()
        width = table.size.width
        assert table.hover_coordinate.row == 2
        for y in (2, 3):  # (the header is line 0: rows 1 and 2)
            assert any(line == y and x1 == 0 and x2 >= width for line, x1, x2 in painted), y
