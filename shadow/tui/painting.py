"""Fewer frames for one change: what a change asks to paint, painted in one pass.

Scrollbars painted with the layout pass that changed them, not again a frame later
(``ScrollbarsPaintedWithTheirLayout``).

When a layout pass changes a scrolled widget's size or virtual size (a filter's keystroke
changes a table's row count), Textual updates the widget's scrollbars during the pass
(``Widget._size_updated`` -> ``_scroll_update`` -> ``ScrollBar.refresh``) and then paints
what is dirty: the table's region, the scrollbar inside it with its new thumb. Yet the
scrollbar's refresh is still pending, and it asks the screen for one more frame that
paints the same cells again, a frame (17-25 ms) later: a filter keystroke's last paint
came a frame after its rows (0.065 s, then 0.090 s at 10,000 records).

Here, once a layout pass has painted (the screen on top, no batch holding the paint), a
scrollbar still asking to be painted whose region that paint covered is taken as
painted: it was rendered from its state as it is now. Any other refresh (one the pass
did not paint over, a screen not on top) asks for its frame as before.

What a change asked of each widget told to the screen at once (``refreshes_now``), not
when each widget next goes idle: a filter's keystroke changes the rows of a table, its
labels and its scrollbar, each told to the screen when that widget went idle (DataTable
even works out its new height then), which came after the screen's next frame had
begun: one keystroke took two or three layout passes.
"""

from __future__ import annotations

from textual.geometry import Region, Size
from textual.screen import Screen
from textual.scrollbar import ScrollBar
from textual.widget import Widget
from textual.widgets import DataTable


class ScrollbarsPaintedWithTheirLayout:
    """Mixed into a Screen (before ``Screen`` in its bases)."""

    _painted_regions: set[Region] | None = None  # what the last paint of this pass covered

    def _refresh_layout(self, size: Size | None = None, scroll: bool = False) -> None:
        self._painted_regions = None
        try:
            super()._refresh_layout(size, scroll)  # type: ignore[misc]
            painted = self._painted_regions
        finally:
            self._painted_regions = None
        if not painted:
            return
        full = self._compositor.size.region in painted  # type: ignore[attr-defined]
        for widget, geometry in self._compositor.visible_widgets.items():  # type: ignore[attr-defined]
            if not isinstance(widget, ScrollBar) or not widget._repaint_required:
                continue
            region, clip = geometry
            shown = clip.intersection(region)
            if full or any(area.contains_region(shown) for area in painted):
                widget._repaint_required = False

    def _compositor_refresh(self) -> None:
        app = self.app  # type: ignore[attr-defined]
        painting = self is app.screen and not app.is_inline and not app._batch_count
        regions = set(self._compositor._dirty_regions) if painting else None  # type: ignore[attr-defined]
        super()._compositor_refresh()  # type: ignore[misc]
        if regions:
            self._painted_regions = regions


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
