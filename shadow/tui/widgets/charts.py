"""Small terminal charts drawn in the app's theme colours.

:class:`BarChart` draws side-by-side bars itself, a cell at a time, with eighth-height
block tops: the Dashboard's three charts. Drawing them through plotext cost the
Dashboard's start ~25 ms of import and ~25 ms of rendering (its ANSI output parsed back
into styled text) at every paint. Line charts (the Coverage gap chart) are
:class:`~shadow.tui.widgets.line_chart.LineChart`, which still uses plotext and is
imported only with the screen that shows one.

A chart keeps the data it was last given and draws it again when the theme changes, so
bars follow the theme like everything else. The legend is the chart's border subtitle
(coloured squares and the series names), which keeps the plot area free. Colours are
theme variable names (``success``, ``error``, ``accent`` …), and :func:`theme_style`
gives DataTable cells the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from math import ceil

from rich.segment import Segment
from rich.style import Style
from textual.app import App
from textual.color import Color
from textual.content import Content
from textual.strip import Strip
from textual.widget import Widget

# When the theme lacks a variable (it never should), this stands in.
_FALLBACK = "#888888"
# A bar's top: its height in eighths of a cell past the last whole one.
EIGHTHS = " ▁▂▃▄▅▆▇"
FULL = "█"


def chart_css(name: str) -> str:
    """The frame every chart has (a round border with the title and legend on it)."""
    return f"""
    {name} {{
        width: 1fr;
        height: 1fr;
        border: round $panel-lighten-2;
        background: $surface;
        color: $foreground;  /* (its own: the app may not be styled at the first paint) */
        border-title-color: $text;
        border-subtitle-color: $text;
        border-subtitle-align: left;
        padding: 0 1 0 0;
    }}
    """


def theme_rgb(app: App, name: str) -> tuple[int, int, int]:
    """A theme colour (``success``, ``error`` …) as an RGB triple."""
    value = app.theme_variables.get(name, _FALLBACK)
    try:
        return Color.parse(value).rgb
    except Exception:  # pragma: no cover - a theme with an unreadable colour
        return Color.parse(_FALLBACK).rgb


def theme_style(app: App, name: str, *, bold: bool = False, dim: bool = False) -> Style:
    """A Rich style in a theme colour, for ``rich.text.Text`` cells."""
    r, g, b = theme_rgb(app, name)
    return Style(color=f"rgb({r},{g},{b})", bold=bold, dim=dim)


def int_ticks(peak: float, most: int = 4) -> list[int]:
    """Whole-number y ticks from 0 up to at least ``peak``: 0, step, 2 step … (step 1, 2, 5, 10 …)."""
    top = max(1, -int(-peak // 1))
    step, scale = 1, 1
    while -(-top // step) > most:
        for factor in (2, 5, 10):
            if -(-top // (factor * scale)) <= most or factor == 10:
                step = factor * scale
                break
        scale = step
    return list(range(0, -(-top // step) * step + 1, step))


def float_ticks(low: float, high: float, most: int = 5) -> list[float]:
    """Round y ticks (steps of 0.25, 0.5, 1, 2 or 5) from at or below ``low`` to at or above ``high``."""
    import math

    for step in (0.25, 0.5, 1, 2, 5):
        first, last = math.floor(low / step), math.ceil(high / step)
        if last - first <= most:
            break
    return [round(i * step, 2) for i in range(first, last + 1)]


def tick_label(value: float) -> str:
    return f"{value:g}"


@dataclass
class Series:
    label: str
    values: list[float | None]
    colour: str  # a theme variable name


@dataclass
class _Drawing:
    kind: str = "bars"  # bars | lines
    labels: list[str] = field(default_factory=list)
    series: list[Series] = field(default_factory=list)
    zero_line: bool = False


class Titled:
    """A chart's title (border title) and legend (border subtitle) from its drawing."""

    title_text: str
    drawing: _Drawing

    def legend(self) -> Content:
        parts: list[tuple[str, str] | str] = []
        for s in self.drawing.series:
            parts += [" ", ("■", f"${s.colour}"), " ", s.label, " "]
        return Content.assemble(*parts)

    def show_titles(self) -> None:
        self.border_title = Content.styled(self.title_text, "bold")  # type: ignore[attr-defined]
        self.border_subtitle = self.legend()  # type: ignore[attr-defined]


class BarChart(Titled, Widget):
    """Side-by-side bars (one per series) over labelled points (months), counts only.

    The y axis is labelled with whole-number ticks (:func:`int_ticks`) and bars are as
    tall as their count against the top tick, to an eighth of a cell; a count above
    zero always shows at least an eighth. Under the axis each point's label is centred
    on its bars (a label that would touch the one before is left out)."""

    DEFAULT_CSS = chart_css("BarChart")

    def __init__(self, title: str, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.title_text = title
        self.drawing = _Drawing()
        self._strips: list[Strip] = []
        self._drawn_for: tuple | None = None  # (width, height, styles) the strips are for

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._redraw())
        self.show_titles()

    def bars(self, labels: Sequence[str], series: Sequence[Series]) -> None:
        """Side-by-side bars per label, one per series (counts; ``None`` is no bar)."""
        self.drawing = _Drawing("bars", list(labels), list(series))
        self._redraw()

    def _redraw(self) -> None:
        self._drawn_for = None
        if self.is_mounted:
            self.show_titles()
            self.refresh()

    def render_line(self, y: int) -> Strip:
        width, height = self.size
        base = self.rich_style
        key = (width, height, base, self.app.theme)
        if key != self._drawn_for:
            self._strips = [Strip(segments, width) for segments in self.lines(width, height, base)]
            self._drawn_for = key
        if y < len(self._strips):
            return self._strips[y]
        return Strip.blank(width, base)

    def lines(self, width: int, height: int, base: Style) -> list[list[Segment]]:
        """The chart as rows of segments, ``width`` by ``height`` cells (fewer rows, or
        none, when there is no room for an axis and one row of bars)."""
        d = self.drawing
        plot = height - 2  # the rows of bars, above the axis and the labels
        if not d.labels or plot < 1:
            return []
        peak = max((v or 0 for s in d.series for v in s.values), default=0)
        ticks = int_ticks(peak)
        top = ticks[-1]
        gutter = max(len(tick_label(t)) for t in ticks)  # the tick labels' column
        span = width - gutter - 1  # the columns right of the axis
        n, k = len(d.labels), max(1, len(d.series))
        slot = span / n
        bar = max(1, min(4, int((slot - 1) // k)))  # each bar's width, a gap between points
        if span < n * k:
            return []  # (not even a column a bar)
        colours = [base + Style(color=_rgb(self.app, s.colour)) for s in d.series]
        # Each point's bars: their first column, centred in its slot; the tick under them.
        starts = [int(i * slot + (slot - k * bar) / 2) for i in range(n)]
        centres = [s + k * bar // 2 for s in starts]
        eighths = [
            [_eighths(s.values[i] if i < len(s.values) else None, top, plot) for s in d.series]
            for i in range(n)
        ]
        tick_rows = {}
        for t in ticks:
            tick_rows[0 if t == 0 else max(0, ceil(t / top * plot) - 1)] = t
        rows: list[list[Segment]] = []
        for r in range(plot - 1, -1, -1):  # from the top row down
            t = tick_rows.get(r) if r else None
            label = tick_label(t) if t is not None else ""
            cells = [" "] * span
            styles: list[Style | None] = [None] * span
            for i in range(n):
                for j in range(len(d.series)):
                    h = eighths[i][j] - r * 8
                    if h <= 0:
                        continue
                    ch = FULL if h >= 8 else EIGHTHS[h]
                    for x in range(starts[i] + j * bar, starts[i] + (j + 1) * bar):
                        if 0 <= x < span:
                            cells[x], styles[x] = ch, colours[j]
            axis = "┤" if t is not None else "│"
            rows.append([Segment(label.rjust(gutter) + axis, base), *_runs(cells, styles, base)])
        # The axis: 0 at the corner, a tick under each point's bars; then the labels.
        axis = ["─"] * span
        for c in centres:
            axis[c] = "┬"
        rows.append([Segment(tick_label(0).rjust(gutter) + "└" + "".join(axis), base)])
        labels = [" "] * span
        for c, text in _every_nth_label(centres, d.labels, span):
            labels[c - len(text) // 2 : c - len(text) // 2 + len(text)] = text
        rows.append([Segment(" " * (gutter + 1) + "".join(labels), base)])
        return rows


def _every_nth_label(centres: list[int], labels: list[str], span: int) -> list[tuple[int, str]]:
    """(centre, label) of every label, else of every second, third … from the first: the
    fewest left out so that each lies within the chart with a space between neighbours."""
    for step in range(1, len(labels) + 1):
        chosen = list(zip(centres, labels, strict=True))[::step]
        edge = -1  # the last column taken by a label
        for c, text in chosen:
            first = c - len(text) // 2
            if first <= edge or first < 0 or first + len(text) > span:
                break
            edge = first + len(text)
        else:
            return chosen
    return []


def _rgb(app: App, name: str) -> str:
    r, g, b = theme_rgb(app, name)
    return f"rgb({r},{g},{b})"


def _eighths(value: float | None, top: float, rows: int) -> int:
    """A count's bar height in eighths of a cell (at least one for a count above zero)."""
    if not value or value <= 0:
        return 0
    return max(1, round(value / top * rows * 8))


def _runs(cells: list[str], styles: list[Style | None], base: Style) -> list[Segment]:
    """Cells joined into one segment per run of the same style."""
    out: list[Segment] = []
    start = 0
    for x in range(1, len(cells) + 1):
        if x == len(cells) or styles[x] is not styles[start]:
            out.append(Segment("".join(cells[start:x]), styles[start] or base))
            start = x
    return out
