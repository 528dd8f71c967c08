"""Small terminal charts (textual-plotext) drawn in the app's theme colours.

A :class:`Chart` keeps the data it was last given and draws it again when the
theme changes, so bars and lines follow the theme like everything else. The
legend is the chart's border title (coloured squares and the series names),
which keeps the plot area free. Colours are theme variable names (``success``,
``error``, ``accent`` …), and :func:`theme_style` gives DataTable cells the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rich.style import Style
from textual.app import App
from textual.color import Color
from textual.content import Content
from textual_plotext import PlotextPlot

# When the theme lacks a variable (it never should), this stands in.
_FALLBACK = "#888888"


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


class Chart(PlotextPlot):
    """A bar or line chart of a few short series over labelled points (months)."""

    DEFAULT_CSS = """
    Chart {
        width: 1fr;
        height: 1fr;
        border: round $panel-lighten-2;
        background: $surface;
        border-title-color: $text;
        border-subtitle-color: $text;
        border-subtitle-align: left;
        padding: 0 1 0 0;
    }
    """

    def __init__(self, title: str, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.title_text = title
        self.drawing = _Drawing()
        self.empty_text = "nothing yet"

    def on_mount(self) -> None:
        # (PlotextPlot.on_mount runs too and registers the theme's background.)
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._draw())
        self._draw()

    # -- the data
    def bars(self, labels: Sequence[str], series: Sequence[Series]) -> None:
        """Side-by-side bars per label, one per series (counts)."""
        self.drawing = _Drawing("bars", list(labels), list(series))
        self._draw()

    def lines(self, labels: Sequence[str], series: Sequence[Series], *, zero_line=False) -> None:
        """A line per series; ``None`` values leave a gap."""
        self.drawing = _Drawing("lines", list(labels), list(series), zero_line)
        self._draw()

    # -- drawing
    def legend(self) -> Content:
        parts: list[tuple[str, str] | str] = []
        for s in self.drawing.series:
            parts += [" ", ("■", f"${s.colour}"), " ", s.label, " "]
        return Content.assemble(*parts)

    def _draw(self) -> None:
        if not self.is_mounted:
            return
        self.border_title = Content.styled(self.title_text, "bold")
        self.border_subtitle = self.legend()
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        d = self.drawing
        if not d.labels:
            self.refresh()
            return
        xs = list(range(1, len(d.labels) + 1))
        if d.kind == "bars":
            peak = max((v or 0 for s in d.series for v in s.values), default=0)
            plt.multiple_bar(
                d.labels,
                [[v or 0 for v in s.values] for s in d.series],
                color=[theme_rgb(self.app, s.colour) for s in d.series],
                width=0.8 if len(d.series) > 1 else 0.5,
            )
            ticks = int_ticks(peak)
            plt.ylim(0, ticks[-1])
            plt.yticks(ticks)
        else:
            values = [v for s in d.series for v in s.values if v is not None]
            low, high = min(values, default=0.0), max(values, default=1.0)
            if d.zero_line:
                low, high = min(low, 0.0), max(high, 0.0)
            if high - low < 1:
                low, high = low - 0.5, high + 0.5
            ticks = float_ticks(low, high)
            if d.zero_line:
                plt.horizontal_line(0, color=theme_rgb(self.app, "foreground-darken-3"))
            for s in d.series:
                points = [(x, v) for x, v in zip(xs, s.values, strict=False) if v is not None]
                if not points:
                    continue
                px, py = zip(*points, strict=True)
                colour = theme_rgb(self.app, s.colour)
                if len(points) > 1:
                    plt.plot(list(px), list(py), color=colour, marker="braille")
                plt.scatter(list(px), list(py), color=colour, marker="●")
            plt.ylim(ticks[0], ticks[-1])
            plt.yticks(ticks, [tick_label(t) for t in ticks])
            plt.xlim(0.5, len(xs) + 0.5)
            plt.ylim(low - 0.25, high + 0.25)
            plt.xticks(xs, d.labels)
        plt.frame(False)
        plt.xaxes(True, False)
        plt.yaxes(True, False)
        self.refresh()
