"""Fewer frames for one change: what a change asks to paint, painted in one pass.

What a layout pass asks for, painted by that pass (``PaintedWithTheirLayout``).

A layout pass updates the widgets it sizes, and each asks for more: a scrolled widget's
scrollbars (``Widget._size_updated`` -> ``_scroll_update`` -> ``ScrollBar.refresh``),
and every widget whose virtual size changed asks for a layout (``virtual_size`` is a
reactive that lays out), though the pass has just laid it out. The pass then paints what
changed, those widgets with their new state included. Yet each request is still
pending, and asks the screen for one more pass and paint a frame (17-25 ms) later, of the
same cells: a filter keystroke's last paint came a frame after its rows (0.065 s, then
0.090 s at 10,000 records); a page's footer keys, sized again when the footer changed,
asked for one more pass after it (0.03 s of a visit page's 0.14 s).

Here, once a layout pass has painted (the screen on top, no batch holding the paint),
what a widget asked for *during* the pass is taken as done if that paint covered the
widget, or the widget is scrolled out of sight (laid out by the pass, nothing of it on
screen): a repaint (it was rendered from its state as it is now), and a layout (its
virtual size changed, which the pass itself worked out from its content as it is), but
not where the pass showed or hid a scrollbar (what it scrolls moves over; a container
laid out for the first time had the scrollbars its styles always show). Anything
asked before the pass or after its paint, a widget the paint did not cover, a screen
not on top: each asks for its frame as before. And a Resize to the size a screen was
laid out at (each pushed screen gets one, and so does every screen under it) lays out
nothing again.

What a change asked of each widget told to the screen at once (``refreshes_now``), not
when each widget next goes idle: a filter's keystroke changes the rows of a table, its
labels and its scrollbar, each told to the screen when that widget went idle (DataTable
even works out its new height then), which came after the screen's next frame had
begun: one keystroke took two or three layout passes.
"""

from __future__ import annotations

from textual.geometry import Size
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable


class PaintedWithTheirLayout:
    """Mixed into a Screen (before ``Screen`` in its bases)."""

    _asked_before: set[Widget] | None = None  # pending when the pass began (while in one)
    _bars_before: dict[Widget, tuple[bool, bool]] = {}  # scrollbars shown then

    def _refresh_layout(self, size: Size | None = None, scroll: bool = False) -> None:
        # (every widget laid out, on screen or scrolled out of sight, and scrollbars)
        widgets = self._compositor._full_map  # type: ignore[attr-defined]
        self._asked_before = {
            widget for widget in widgets if widget._repaint_required or widget._layout_required
        }
        self._bars_before = {
            widget: (widget.show_vertical_scrollbar, widget.show_horizontal_scrollbar)
            for widget in widgets
            if widget.is_scrollable
        }
        try:
            super()._refresh_layout(size, scroll)  # type: ignore[misc]
        finally:
            self._asked_before, self._bars_before = None, {}

    def _screen_resized(self, size: Size) -> None:
        # A Resize to the size the screen was last laid out at changes nothing: a pushed
        # screen gets one after its first pass, and so does each screen under it (one
        # more pass of the page, and one of the area under it, a frame later).
        if size != self._compositor.size:  # type: ignore[attr-defined]
            super()._screen_resized(size)  # type: ignore[misc]

    def _compositor_refresh(self) -> None:
        app = self.app  # type: ignore[attr-defined]
        painting = self is app.screen and not app.is_inline and not app._batch_count
        compositor = self._compositor  # type: ignore[attr-defined]
        regions = set(compositor._dirty_regions) if painting else None
        super()._compositor_refresh()  # type: ignore[misc]
        if regions and self._asked_before is not None:
            self._done_by_paint(regions, self._asked_before)

    def _done_by_paint(self, painted: set, before: set[Widget]) -> None:
        """What the widgets asked for during this pass, done by its paint (``painted``)."""
        compositor = self._compositor  # type: ignore[attr-defined]
        full = compositor.size.region in painted
        visible = compositor.visible_widgets
        for widget in compositor._full_map:
            if not (widget._repaint_required or widget._layout_required) or widget in before:
                continue
            if widget._layout_required and widget.is_scrollable:
                bars = (widget.show_vertical_scrollbar, widget.show_horizontal_scrollbar)
                if self._bars_before.get(widget, _forced_bars(widget)) != bars:
                    continue  # (a scrollbar shown or hidden: its content moves over)
            if widget in visible:
                region, clip = visible[widget]
                shown = clip.intersection(region)
                if not (full or any(area.contains_region(shown) for area in painted)):
                    continue
            # (else scrolled out of sight: laid out by the pass, and nothing of it is on
            # screen to paint; it renders afresh when scrolled to, as refresh cleared its
            # lines)
            widget._repaint_required = False
            widget._layout_required = False


def _forced_bars(widget: Widget) -> tuple[bool, bool]:
    """The scrollbars a widget laid out for the first time had before that pass: those
    its styles always show (a new screen's containers, laid out by its first pass, asked
    for a second one though none showed a scrollbar)."""
    styles = widget.styles
    return (styles.overflow_y == "scroll", styles.overflow_x == "scroll")


def refreshes_now(screen: Screen) -> None:
    """What each widget of ``screen`` would tell it when next idle, told now: a table's
    new size (DataTable works it out when idle), then every repaint and layout asked
    for, so that the screen's next pass has them all."""
    for widget in screen.walk_children(Widget):
        if isinstance(widget, DataTable):
            _table_sized_now(widget)
        if (
            widget._repaint_required
            or widget._layout_required
            or widget._scroll_required
            or widget._refresh_styles_required
        ):
            widget._check_refresh()


def _table_sized_now(table: DataTable) -> None:
    """DataTable's ``_on_idle``: the widths of cells changed, then its size in rows; and
    whether its scrollbar shows at that size (else the layout pass finds out, and asks
    for a second pass: a filter that leaves a screenful of rows or fewer hides it)."""
    if table._updated_cells:
        cells = table._updated_cells.copy()
        table._updated_cells.clear()
        table._update_column_widths(cells)
    if table._require_update_dimensions:
        table._require_update_dimensions = False
        rows = table._new_rows.copy()
        table._new_rows.clear()
        table._update_dimensions(rows)
        table._refresh_scrollbars()
