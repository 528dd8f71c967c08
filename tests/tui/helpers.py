"""Small helpers shared by the TUI tests."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import date, datetime
from typing import Any, TypeVar

from rich.cells import cell_len
from rich.segment import ControlType, Segment
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Input

from shadow.tui.screens.directory import DirectoryScreen
from shadow.tui.screens.visit import VisitScreen

S = TypeVar("S", bound=Screen)

SIZE = (120, 36)  # the terminal size of the Pilot tests


@asynccontextmanager
async def opened(
    app: Any,
    opener: Callable[..., Awaitable[Any]],
    *args: Any,
    size: tuple[int, int] = SIZE,
) -> AsyncIterator[tuple[Pilot, Any]]:
    """Run ``app`` at ``size`` and open a screen with ``opener(pilot, *args)`` (open_backlog,
    open_schedule ...): ``async with opened(app, open_backlog) as (pilot, screen):``."""
    async with app.run_test(size=size) as pilot:
        yield pilot, await opener(pilot, *args)


class Clock:
    """A fixed "now" to give ``create_app(clock=...)``; a test moves it by setting ``at``."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


async def open_by_key(pilot: Pilot, key: str, kind: type[S]) -> S:
    """Press ``key`` and return the screen or dialog it opens, of ``kind`` (``f3`` the
    Schedule ... ``f9`` the Outbox, or a command's key)."""
    await pilot.pause()
    await press_each(pilot, key)
    screen = pilot.app.screen
    assert isinstance(screen, kind)
    return screen


async def open_visit(pilot: Pilot, visit_id: int | str, on: date | None = None) -> VisitScreen:
    """Open the page of one visit (``on``: one occurrence of a series)."""
    await pilot.pause()
    screen = VisitScreen(visit_id, on=on)
    pilot.app.push_screen(screen)
    await pilot.pause()
    return screen


async def press_on_visit(pilot: Pilot, visit_id: int | str, key: str) -> Screen:
    """Open the page of one visit, press ``key`` there and return the screen it leads to
    (a form, or the page itself when the key is refused)."""
    await open_visit(pilot, visit_id)
    await press_each(pilot, key)
    return pilot.app.screen


def directory_screen(pilot: Pilot) -> DirectoryScreen:
    """The directory screen (the base of its mode's stack, even under a dialog)."""
    screen = pilot.app.screen_stack[0]
    assert isinstance(screen, DirectoryScreen)
    return screen


async def type_into(pilot: Pilot, selector: str, text: str) -> None:
    """Focus an Input, clear it and type ``text`` at the cursor (as a paste would).

    Key-by-key typing is covered where it matters (search, identity); pressing
    every character of long values only makes the tests slow.
    """
    widget = pilot.app.screen.query_one(selector, Input)
    widget.focus()
    widget.value = ""
    widget.insert_text_at_cursor(text)
    await pilot.pause()


def notifications(pilot: Pilot) -> list[str]:
    return [n.message for n in pilot.app._notifications]


def select_shows(select) -> tuple[str, list[str]]:
    """What a Select shows: its current label, and every option's label, as on screen."""
    from textual.widgets._select import SelectCurrent, SelectOverlay

    current = str(select.query_one(SelectCurrent).query_one("#label").render())
    overlay = select.query_one(SelectOverlay)
    options = [str(overlay._get_visual_from_index(i)).strip() for i in range(overlay.option_count)]
    return current, options


async def fill_and_save(pilot: Pilot, fields: dict[str, str]) -> None:
    """Type each value into its field (selector -> text), in order, then save (ctrl+s)."""
    for selector, text in fields.items():
        await type_into(pilot, selector, text)
    await press_each(pilot, "ctrl+s")


async def press_each(pilot: Pilot, *keys: str) -> None:
    """Press each key in turn and let the app settle after each one (a key that opens a
    dialog has it mounted before the next key), unlike ``pilot.press(*keys)``."""
    for key in keys:
        await pilot.press(key)
        await pilot.pause()


def _segments(lines) -> list:
    return [
        [(s.text, s.style, s.style and s.style.meta, s.control) for s in line] for line in lines
    ]


def cells_render_as_datatable_does(table: DataTable) -> int:
    """Every body cell of ``table`` (a ``SharedCellRenders``), plain, under the cursor and
    hovered, in both of its rows' styles, rendered by the table and then by DataTable's
    own code with its caches emptied: the same segments, metadata included (where the
    table's cells carry none, DataTable's is exactly the cell's row and column, and the
    rest is the same). Returns how many renderings the table took from another cell's
    (so that a test sees it shared)."""
    widths = [c.get_render_width(table) for c in table.ordered_columns]
    styles = {table._get_row_style(row, table.rich_style) for row in (0, 1)}
    shared = 0
    for base in styles:
        for state in ((False, False), (True, False), (False, True)):
            table._cell_render_cache.clear()  # (what is shared is kept)
            before = table.shared_hits
            ours = {}
            for row in range(table.row_count):
                for column, width in enumerate(widths):
                    ours[row, column] = _segments(
                        table._render_cell(row, column, base, width, *state)
                    )
            shared += table.shared_hits - before
            table._cell_render_cache.clear()
            for (row, column), painted in ours.items():
                theirs = _segments(
                    DataTable._render_cell(table, row, column, base, widths[column], *state)
                )
                if not table.cell_meta:
                    painted = _without_cell_meta(painted, row, column)
                    theirs = _without_cell_meta(theirs, row, column)
                assert painted == theirs, (row, column, state)
            table._cell_render_cache.clear()
    return shared


def _without_cell_meta(lines: list, row: int, column: int) -> list:
    """Segments (as ``_segments`` gives them) with a cell's row and column taken out of
    their metadata, which must be exactly those where there is any, and no link."""
    out = []
    for line in lines:
        done = []
        for text, style, meta, control in line:
            if meta:
                assert meta == {"row": row, "column": column} and not style.link, meta
                style, meta = style.clear_meta_and_links(), {}
            done.append((text, style, meta, control))
        out.append(done)
    return out


def record_threads(monkeypatch, owner: object, *names: str) -> dict[str, list[int]]:
    """Wrap ``owner``'s functions ``names`` to note the thread each call runs on (work that
    must not run on the UI thread)."""
    import threading

    seen: dict[str, list[int]] = {name: [] for name in names}
    for name in names:
        real = getattr(owner, name)

        def noted(*args, _real=real, _calls=seen[name], **kwargs):
            _calls.append(threading.get_ident())
            return _real(*args, **kwargs)

        monkeypatch.setattr(owner, name, noted)
    return seen


class Terminal:
    """The cells a terminal shows, from the updates the app writes to it (headless, the
    updates are made as for a terminal and not written)."""

    def __init__(self, app) -> None:
        self.app = app
        self.cells: dict[tuple[int, int], tuple[str, object]] = {}
        self.paints: list[int] = []  # how many cells each paint changed

    def watch(self) -> None:
        display = self.app._display

        def painted(screen, renderable) -> None:
            display(screen, renderable)
            if renderable is not None:
                self.paints.append(self.apply(renderable))

        self.app._display = painted

    def apply(self, update) -> int:
        console = self.app.console
        changed = x = y = 0
        for segment in update.__rich_console__(console, console.options):
            if not isinstance(segment, Segment):
                continue
            for code in segment.control or ():
                if code[0] is ControlType.CURSOR_MOVE_TO:
                    x, y = code[1], code[2]
            if segment.control:
                continue
            for char in segment.text:
                if char == "\n":
                    continue
                cell = (char, _plain(segment.style))
                if self.cells.get((x, y)) != cell:
                    self.cells[(x, y)] = cell
                    changed += 1
                x += cell_len(char)
        return changed

    def differs_from_the_screen(self) -> list[tuple[int, int]]:
        """The cells where the terminal does not show what the screen is now."""
        wrong = []
        for y, strip in enumerate(self.app.screen._compositor.render_strips()):
            x = 0
            for segment in strip:
                for char in segment.text:
                    if self.cells.get((x, y)) != (char, _plain(segment.style)):
                        wrong.append((x, y))
                    x += cell_len(char)
        return wrong


def _plain(style):
    """A cell's style as seen (its mouse metadata is not)."""
    return None if style is None else style.clear_meta_and_links()


async def settled(pilot) -> None:
    for _ in range(4):
        await pilot.pause()
