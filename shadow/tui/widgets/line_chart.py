"""A line chart (textual-plotext) in the app's theme colours: the Coverage gap chart.

Kept apart from :mod:`shadow.tui.widgets.charts` so that plotext is imported only with a
screen that draws lines, not at the start (the Dashboard's bars are drawn without it).
"""

from __future__ import annotations

from collections.abc import Sequence

from textual_plotext import PlotextPlot

from .charts import Series, Titled, _Drawing, chart_css, float_ticks, theme_rgb, tick_label


class LineChart(Titled, PlotextPlot):
    """A line per series over labelled points (months); ``None`` values leave a gap."""

    DEFAULT_CSS = chart_css("LineChart")

    def __init__(self, title: str, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.title_text = title
        self.drawing = _Drawing("lines")

    def on_mount(self) -> None:
        # (PlotextPlot.on_mount runs too and registers the theme's background.)
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self._draw())
        self._draw()

    def lines(self, labels: Sequence[str], series: Sequence[Series], *, zero_line=False) -> None:
        """A line per series; ``None`` values leave a gap."""
        self.drawing = _Drawing("lines", list(labels), list(series), zero_line)
        self._draw()

    def _draw(self) -> None:
        if not self.is_mounted:
            return
        self.show_titles()
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        d = self.drawing
        if not d.labels:
            self.refresh()
            return
        xs = list(range(1, len(d.labels) + 1))
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
