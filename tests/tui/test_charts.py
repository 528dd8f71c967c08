"""The Dashboard's bar charts (drawn by shadow, without plotext): bar heights to an
eighth of a cell, the axis and its labels, the theme's colours from the first paint."""

from __future__ import annotations

from rich.style import Style
from textual.app import App
from textual.color import Color

from shadow.tui.widgets.charts import BarChart, Series, theme_rgb

from .helpers import Terminal, settled


class OneChart(App):
    """A chart given its data before it is mounted, so its first paint shows the bars."""

    CSS = "BarChart { width: 34; height: 8; }"  # (inside its border: 32 x 6, then padding)

    def __init__(self, labels, series) -> None:
        super().__init__()
        self.labels, self.series = labels, series

    def compose(self):
        chart = BarChart("Visits per month", id="chart")
        chart.bars(self.labels, self.series)
        yield chart


def text(chart: BarChart, width: int, height: int) -> list[str]:
    return ["".join(s.text for s in row) for row in chart.lines(width, height, Style())]


async def test_bars_are_as_tall_as_their_counts_to_an_eighth():
    app = OneChart(["Jan", "Feb", "Mar", "Apr"], [Series("visits", [0, 1, 4, 8], "success")])
    async with app.run_test() as pilot:
        await settled(pilot)
        chart = app.query_one(BarChart)
        # 4 rows of bars for 0 to 8: a count of 1 is half a row, 4 two rows, 8 all four.
        assert text(chart, 30, 6) == [
            "8┤                      ████  ",
            "6┤                      ████  ",
            "4┤               ████   ████  ",
            " │        ▄▄▄▄   ████   ████  ",
            "0└───┬──────┬──────┬──────┬───",
            "    Jan    Feb    Mar    Apr  ",
        ]
        assert chart.size == (31, 6)  # (what the app lays out: the padding takes one)


async def test_a_count_above_zero_always_shows_and_series_stand_side_by_side():
    app = OneChart(
        ["Jan", "Feb"],
        [Series("raised", [1, 100], "warning"), Series("closed", [0, 50], "primary")],
    )
    async with app.run_test() as pilot:
        await settled(pilot)
        # 1 of 100 is an eighth of a row; in February 100 (four rows) beside 50 (two).
        assert text(app.query_one(BarChart), 20, 6) == [
            "100┤         ███    ",
            "   │         ███    ",
            " 50┤         ██████ ",
            "   │ ▁▁▁     ██████ ",
            "  0└────┬───────┬───",
            "       Jan     Feb  ",
        ]


async def test_labels_are_left_out_evenly_when_they_do_not_fit():
    months = ["Jun", "Jul", "Aug", "Sep", "Oct", "Nov"]
    app = OneChart(months, [Series("visits", [1, 2, 3, 4, 5, 6], "success")])
    async with app.run_test() as pilot:
        await settled(pilot)
        chart = app.query_one(BarChart)
        assert text(chart, 40, 6)[-1].split() == months
        assert text(chart, 22, 6)[-1].split() == ["Jun", "Aug", "Oct"]  # every second
        assert text(chart, 2, 6) == [] and text(chart, 40, 2) == []  # no room: nothing drawn


async def test_bars_are_in_their_theme_colour_and_the_axis_in_the_text_colour():
    """From the first paint, and again after a change of theme (the Dashboard's first
    paint, before the app's own colour is styled: test_dashboard)."""
    app = OneChart(["Jan", "Feb"], [Series("visits", [3, 6], "success")])
    async with app.run_test() as pilot:
        terminal = Terminal(app)
        terminal.apply(app.screen._compositor.render_update(full=True))
        chart = app.query_one(BarChart)
        x0, y0 = chart.content_region.offset

        def cells(char: str) -> set:
            return {
                style
                for (x, y), (c, style) in terminal.cells.items()
                if c == char and chart.content_region.contains(x, y)
            }

        def rgb(style) -> tuple[int, int, int]:
            return Color.from_rich_color(style.color).rgb

        assert {rgb(s) for s in cells("█")} == {theme_rgb(app, "success")}
        (axis,) = cells("└")
        assert axis.color != axis.bgcolor
        assert rgb(axis) == Color.parse(app.theme_variables["foreground"]).rgb
        # A new theme draws the bars again in its colours.
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await settled(pilot)
        terminal.apply(app.screen._compositor.render_update(full=True))
        assert {rgb(s) for s in cells("█")} == {theme_rgb(app, "success")}
        assert (x0, y0) == chart.content_region.offset


async def test_no_series_no_counts_or_too_few_values_still_draw_the_axis():
    cases = [
        (["Jan", "Feb"], []),
        (["Jan"], [Series("visits", [None], "success")]),
        (["Jan", "Feb"], [Series("visits", [0, 0], "success")]),
        (["Jan", "Feb", "Mar"], [Series("visits", [1], "success")]),  # (Feb, Mar: none)
    ]
    for labels, series in cases:
        app = OneChart(labels, series)
        async with app.run_test() as pilot:
            await settled(pilot)
            rows = text(app.query_one(BarChart), 30, 6)
            assert rows[0].startswith("1┤") and rows[4].startswith("0└"), (labels, series)
            assert rows[5].split() == labels
            bars = "".join(rows[:4]).count("█")
            assert bars == (16 if series and series[0].values == [1] else 0)
    app = OneChart([], [Series("visits", [], "success")])
    async with app.run_test() as pilot:
        await settled(pilot)
        assert text(app.query_one(BarChart), 30, 6) == []  # nothing to draw: blank
