"""RecordTable: cells cut to fit the width, cut once and again only when the width changes."""

from rich.text import Text
from textual.app import App, ComposeResult

from shadow.tui.widgets.record_table import RecordTable

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
