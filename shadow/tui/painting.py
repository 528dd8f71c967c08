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
nothing again. A widget's layout told to the screen (a Layout message) before a pass
that laid the whole screen out is done by that pass too: the widget cleared its parents'
arrangements when it told, and the pass arranged them afresh (a page filled as it
opened had its whole layout done a second time, once the first pass had run).

What a change asked of each widget told to the screen at once (``refreshes_now``), not
when each widget next goes idle: a filter's keystroke changes the rows of a table, its
labels and its scrollbar, each told to the screen when that widget went idle (DataTable
even works out its new height then), which came after the screen's next frame had
begun: one keystroke took two or three layout passes.

A paint of many rows is painted in bands, a turn of the event loop each
(``BANDED_OVER``, ``BAND_ROWS``, ``BAND_PAUSE``). A page's first paint at 160x50 was
~35 ms of its ~50 ms layout pass on a quiet host, all in one turn: a keystroke, a
timer or the next frame waited for both. Now a layout pass whose changes span more than
30 rows paints nothing itself (what its widgets asked for is taken as done by the
bands to come, as above), and the rows are painted from the next turn, at most 25 at a
time, top first, 2 ms apart; a paint outside a layout pass paints its first band at
once. Each band renders only its rows of each widget (``RowsCroppedCompositor``:
Textual's compositor rendered all of each widget a partial paint touched). What
changes between bands is painted with the next band; a screen left before its bands
are all painted is painted whole when shown again, as Textual does.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from math import ceil

from textual._compositor import Compositor
from textual._context import NoActiveAppError
from textual._time import get_time
from textual.events import ScreenResume
from textual.geometry import Region, Size
from textual.messages import Layout
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import DataTable

# A paint of more rows than this is painted in bands of at most BAND_ROWS, one band a
# turn of the event loop (see ``PaintedWithTheirLayout._paint_band``).
BANDED_OVER = 30
BAND_ROWS = 25
BAND_PAUSE = 0.002  # seconds between bands: what waits for the loop runs in between


class RowsCroppedCompositor(Compositor):
    """Textual's compositor, rendering of each widget only the rows it paints.

    A partial paint (the rows of a band, of a table's changed rows) rendered every
    line of each widget it touched, and kept those of its rows: a band of a page's top
    half rendered the whole of each column of notes. Here each widget renders the rows
    of the paint only (its columns as before: the paint divides its lines where widgets
    start and end, and cropping a widget's columns would move those places).
    """

    def _get_renders(
        self, crop: Region | None = None
    ) -> Iterable[tuple[Region, Region, list[Strip]]]:
        if crop is None:
            yield from super()._get_renders(crop)
            return
        rows = Region(0, crop.y, self.size.width, crop.height)
        for widget, (region, clip) in self.visible_widgets.items():
            if not crop.overlaps(clip):
                continue
            x, y, width, height = region.intersection(clip).intersection(rows)
            if width and height:
                lines = Region(x - region.x, y - region.y, width, height)
                yield region, clip.intersection(rows), widget.render_lines(lines)


class PaintedWithTheirLayout:
    """Mixed into a Screen (before ``Screen`` in its bases)."""

    _asked_before: set[Widget] | None = None  # pending when the pass began (while in one)
    _bars_before: dict[Widget, tuple[bool, bool]] = {}  # scrollbars shown then

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        self._compositor = RowsCroppedCompositor()
        self._bands_due = False  # the next band is to be painted next turn

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
        whole = not (scroll and not self._layout_widgets)  # type: ignore[attr-defined]
        whole = whole and bool(self.outer_size if size is None else size)  # type: ignore[attr-defined]
        began = get_time()
        try:
            super()._refresh_layout(size, scroll)  # type: ignore[misc]
        finally:
            self._asked_before, self._bars_before = None, {}
        if whole:  # (as Screen._refresh_layout: no size, no layout)
            self._laid_out_at = began

    _next_turn = False  # the next pass waits for a turn of the event loop (once)

    # After a read on the spot (``lay_out_next_turn``), the pass that follows it (a new
    # screen's first, when Textual resumes it; else the screen's next update) waits for
    # what is due on the event loop (``call_later(0)``: after the timers and input already
    # due, not before them as a callback would). The read and the pass were one freeze of
    # the event loop, a page's longest (a visit page at 10,000 records: 7-9 ms of read,
    # then 25-35 ms of layout).
    def _on_screen_resume(self, event: ScreenResume) -> None:
        if self._next_turn:
            self._next_turn = False
            event.prevent_default()  # (Screen's handler: called next turn)
            asyncio.get_running_loop().call_later(0, self._resume_now, event)

    def _resume_now(self, event: ScreenResume) -> None:
        if self.is_attached:  # type: ignore[attr-defined]
            Screen._on_screen_resume(self, event)  # type: ignore[arg-type]

    def _on_timer_update(self) -> None:
        if self._next_turn:
            self._next_turn = False
            self._update_timer.pause()  # type: ignore[attr-defined]
            asyncio.get_running_loop().call_later(0, self._update_now)
            return
        super()._on_timer_update()  # type: ignore[misc]

    def _update_now(self) -> None:
        if self.is_running:  # type: ignore[attr-defined]
            super()._on_timer_update()  # type: ignore[misc]

    _laid_out_at = float("-inf")  # when the last pass that laid out the whole screen began
    _mounted_at = float("inf")  # when the screen (and what it composed) finished mounting

    def _post_mount(self) -> None:
        self._mounted_at = get_time()
        super()._post_mount()  # type: ignore[misc]

    def _on_layout(self, message: Layout) -> None:
        # A layout asked for before a pass that laid out the whole screen (Textual's
        # reflow arranges every widget; the widget cleared its parents' arrangements
        # when it asked) was done by that pass: a page filled as it opened asked for
        # a second pass of the whole page once its first had run.
        if message.time < self._laid_out_at and message.widget in self._compositor._full_map:  # type: ignore[attr-defined]
            message.stop()
            message.prevent_default()  # (not Screen's own handler)

    def _screen_resized(self, size: Size) -> None:
        # A Resize to the size the screen was last laid out at changes nothing: a pushed
        # screen gets one after its first pass, and so does each screen under it (one
        # more pass of the page, and one of the area under it, a frame later).
        if size != self._compositor.size:  # type: ignore[attr-defined]
            super()._screen_resized(size)  # type: ignore[misc]

    def _compositor_refresh(self) -> None:
        app = self.app  # type: ignore[attr-defined]
        painting = self is app.screen and not app.is_inline and not app._batch_count
        if not painting:
            super()._compositor_refresh()  # type: ignore[misc]
            return
        compositor = self._compositor  # type: ignore[attr-defined]
        # (widgets that asked to be painted and are not yet rows to paint: theirs too, as
        # the screen's refresh forgets them once it has painted, and a band paints later)
        compositor.update_widgets(self._dirty_widgets)  # type: ignore[attr-defined]
        regions = set(compositor._dirty_regions)
        band = _first_band(regions, compositor.size.height)
        in_pass = self._asked_before is not None
        if band is None:  # (one paint)
            super()._compositor_refresh()  # type: ignore[misc]
            if regions and in_pass:
                self._done_by_paint(regions, self._asked_before)
            return
        if in_pass or self._bands_due:
            # The bands paint all of it, from the next turn: the layout's turn (a
            # page's reflow, a table's new rows) is not also the paint's, and what asks
            # to be painted while bands are due is painted with them.
            if in_pass:
                self._done_by_paint(regions, self._asked_before)
            self._dirty_widgets.clear()  # type: ignore[attr-defined]
            self._paint_next_turn()
            return
        self._paint_band(band, regions)

    def _paint_band(self, band: tuple[int, int], regions: set[Region]) -> None:
        """Paint the rows ``band`` (from, to) of ``regions`` now, and the rest later."""
        compositor = self._compositor  # type: ignore[attr-defined]
        top, bottom = band
        width = compositor.size.width
        now = Region(0, top, width, bottom - top)
        below = Region(0, bottom, width, compositor.size.height - bottom)
        dirty = compositor._dirty_regions
        dirty.clear()
        dirty.update(part for part in (region.intersection(now) for region in regions) if part)
        rest = {part for part in (region.intersection(below) for region in regions) if part}
        super()._compositor_refresh()  # type: ignore[misc]
        if rest:
            dirty.update(rest)
            self._paint_next_turn()

    def _paint_next_turn(self) -> None:
        if not self._bands_due:
            self._bands_due = True
            asyncio.get_running_loop().call_later(BAND_PAUSE, self._paint_rest)

    def _paint_rest(self) -> None:
        self._bands_due = False
        try:
            app = self.app  # type: ignore[attr-defined]
        except NoActiveAppError:
            return
        if self is not app.screen or not self.is_running:  # type: ignore[attr-defined]
            return  # (what is left is painted with the screen when it is shown again)
        if app._batch_count:
            self._paint_next_turn()
            return
        self._compositor_refresh()  # (what is left, and what asked to be painted since)

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


class PushedScreensLaidOutOnce:
    """Mixed into the app: a screen pushed (or shown for the first time) is laid out once
    for its mount, not twice.

    Textual awaits each new screen's mount and then asks the screen for a layout pass
    (``App._get_screen``). The mount ends after the screen's own ``on_mount`` (a page
    reads and shows its record there), so the screen's first pass, begun as soon as it
    was mounted, had already laid out all of it; the second laid it out and painted it
    all again (a visit page at 10,000 records: 30-40 ms more, a freeze of 20-30 ms).
    Here that pass is asked for only if no pass that laid out the whole screen began
    after the mount (``PaintedWithTheirLayout._laid_out_at``)."""

    def _get_screen(self, screen):  # type: ignore[no-untyped-def]
        found, mounted = super()._get_screen(screen)  # type: ignore[misc]
        if isinstance(found, PaintedWithTheirLayout) and getattr(mounted, "_parent", None) is found:
            mounted._parent = _MountedScreen(found)
        return found, mounted


class _MountedScreen:
    """What the await of a new screen's mount refreshes (see ``PushedScreensLaidOutOnce``):
    the screen, less a layout pass already done."""

    def __init__(self, screen: PaintedWithTheirLayout) -> None:
        self._screen = screen

    @property
    def app(self):  # type: ignore[no-untyped-def]
        return self._screen.app  # type: ignore[attr-defined]

    @property
    def screen(self) -> PaintedWithTheirLayout:
        return self._screen

    def refresh(self, *, layout: bool = False) -> None:
        screen = self._screen
        if layout and screen._laid_out_at > screen._mounted_at:
            return  # (laid out and painted whole since it mounted)
        screen.refresh(layout=layout)  # type: ignore[attr-defined]


def _first_band(regions: set[Region], height: int) -> tuple[int, int] | None:
    """The rows (from, to) of ``regions`` to paint first, if they are too many for one
    paint (over ``BANDED_OVER``); else None."""
    if not regions:
        return None
    top = max(0, min(region.y for region in regions))
    bottom = min(height, max(region.bottom for region in regions))
    rows = bottom - top
    if rows <= BANDED_OVER:
        return None
    return top, top + ceil(rows / ceil(rows / BAND_ROWS))


def _forced_bars(widget: Widget) -> tuple[bool, bool]:
    """The scrollbars a widget laid out for the first time had before that pass: those
    its styles always show (a new screen's containers, laid out by its first pass, asked
    for a second one though none showed a scrollbar)."""
    styles = widget.styles
    return (styles.overflow_y == "scroll", styles.overflow_x == "scroll")


def lay_out_next_turn(screen: Screen) -> None:
    """The screen's next layout pass waits for a turn of the event loop: what ran just now
    (a read on the spot) was this turn's work (see ``PaintedWithTheirLayout``)."""
    if isinstance(screen, PaintedWithTheirLayout):
        screen._next_turn = True


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
