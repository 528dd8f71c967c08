"""One side's notes on the visit page, drawn by one widget.

A widget per note was laid out and painted on its own: a visit with 51 notes (a
secondment's daily notes, as the benchmark's installations have) took two layout passes
of 75-130 ms each to open, freezing the event loop for 0.10-0.16 s at 10,000 records.
Here the notes are wrapped once per width (``Content.wrap``) and painted as one piece of
text, each with the bar at its left that marks a note, and a blank line after it.

The list takes focus when it has notes; ``selected`` is the note highlighted while it
has focus (the one e, s and k act on), moved by the screen's arrow keys or a click.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from typing import Self

from rich.segment import Segment
from textual.content import Content
from textual.events import Click
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.style import Style as VisualStyle
from textual.widget import Widget

from shadow.core.models import Observation

BAR = "▊ "  # (Textual's "tall" left border, then a space)
EMPTY = "No notes from this side yet."


class NoteList(Widget, can_focus=True):
    DEFAULT_CSS = """
    NoteList {
        width: 100%;
        height: auto;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.notes: list[Observation] = []
        self._texts: list[Content] = []
        self.selected: int | None = None
        self._wrapped: tuple[int, list[list[Content]]] = (-1, [])

    # ------------------------------------------------------------ what it holds
    def show(self, notes: Sequence[Observation], texts: Sequence[Content]) -> None:
        """Hold ``notes`` (``texts``: how each reads); the highlighted note stays
        highlighted if it is still there."""
        kept = self.selected_note()
        self.notes, self._texts = list(notes), list(texts)
        self._wrapped = (-1, [])
        ids = [note.id for note in self.notes]
        self.selected = None
        if kept is not None and kept.id in ids:
            self.selected = ids.index(kept.id)
        elif kept is not None and self.notes:
            self.selected = 0
        self.can_focus = bool(self.notes)
        self.refresh(layout=True)

    def selected_note(self) -> Observation | None:
        if self.selected is None or not 0 <= self.selected < len(self.notes):
            return None
        return self.notes[self.selected]

    def text_of(self, index: int) -> str:
        """The text of one note as shown (for tests and screen readers)."""
        return str(self._texts[index])

    def select(self, index: int) -> None:
        """Highlight note ``index`` and scroll the page to it."""
        self.selected = index
        self.refresh()
        self.call_after_refresh(self._scroll_to_selected)

    def _scroll_to_selected(self) -> None:
        if self.selected is None or not self.is_mounted:
            return
        starts = self._starts(self.content_region.width)
        if self.selected >= len(self.notes):
            return
        first = starts[self.selected]
        height = starts[self.selected + 1] - first - 1  # (not the blank line after it)
        # The note's lines on screen, then in the page's own (scrolled) space.
        for page in self.ancestors:
            if isinstance(page, Widget) and page.is_scrollable and page.allow_vertical_scroll:
                top = self.content_region.y + first - page.content_region.y
                region = Region(0, top + int(page.scroll_y), page.content_region.width, height)
                page.scroll_to_region(region, animate=False, immediate=True)
                return

    # ------------------------------------------------------------ layout and paint
    def _lines(self, width: int) -> list[list[Content]]:
        """Each note's lines at ``width`` (the bar's cells taken off), wrapped once."""
        if self._wrapped[0] != width:
            room = max(1, width - len(BAR))
            self._wrapped = (width, [text.wrap(room) or [Content("")] for text in self._texts])
        return self._wrapped[1]

    def _starts(self, width: int) -> list[int]:
        """The line each note starts on at ``width`` (each note's lines, then a blank
        one), and last the line after the list."""
        starts = [0]
        for lines in self._lines(width):
            starts.append(starts[-1] + len(lines) + 1)
        return starts

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self._starts(width)[-1] if self.notes else 1

    def _rows(self, width: int) -> list[Content]:
        """Every line as drawn at ``width``: the bar, the text, the highlight."""
        if not self.notes:
            return [Content.styled(EMPTY, "$text-muted")]
        rows: list[Content] = []
        for n, lines in enumerate(self._lines(width)):
            chosen = n == self.selected and self.has_focus
            bar = Content.styled(BAR, "$accent" if chosen else "$panel-lighten-2")
            for line in lines:
                row = bar + line
                if chosen:
                    row = row.pad_right(max(0, width - row.cell_length)).stylize("on $boost")
                rows.append(row)
            rows.append(Content(""))
        return rows

    def render(self) -> Content:
        return Content("\n").join(self._rows(self.content_region.width))

    # Each line drawn when first shown: the whole list drawn at each paint (to_strips)
    # was most of a 51-note visit's two 60 ms layout passes, for the 40 lines on screen.
    _drawn: tuple[tuple[int, int | None], list[Content], dict[int, Strip]] | None = None

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        key = (width, self.selected if self.has_focus else None)
        if self._drawn is None or self._drawn[0] != key:
            self._drawn = (key, self._rows(width), {})
        _, rows, strips = self._drawn
        strip = strips.get(y)
        if strip is None:
            base = self.visual_style
            if y < len(rows):
                # A line that fits, drawn as Visual.to_strips draws one without wrapping it
                # again: the text selected with the mouse highlighted, and each piece's
                # place in render()'s text (x, y) for the selection to find.
                row = rows[y]
                selection = self.text_selection
                span = selection.get_span(y) if selection is not None else None
                if span is not None:
                    start, end = span
                    end = len(row.plain) if end == -1 else end
                    chosen = self.screen.get_component_styles("screen--selection")
                    row = row.stylize(VisualStyle.from_styles(chosen), start, end)
                segments = [Segment(text, style.rich_style) for text, style in row.render(base, "")]
                strip = Strip(segments, row.cell_length).apply_offsets(0, y)
                strip = strip.extend_cell_length(width, base.rich_style)
            else:
                strip = Strip.blank(width, base.rich_style)
            strips[y] = strip
        return strip

    def refresh(self, *regions: Region, **options) -> Self:
        self._drawn = None  # (what it shows changed, or the theme)
        return super().refresh(*regions, **options)

    # ------------------------------------------------------------ focus and mouse
    def on_focus(self) -> None:
        if self.selected is None and self.notes:
            self.selected = 0
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_click(self, event: Click) -> None:
        if not self.notes:
            return
        line = event.y - self.styles.gutter.top
        n = bisect_right(self._starts(self.content_region.width), line) - 1
        if 0 <= n < len(self.notes):
            self.select(n)
            self.focus()
