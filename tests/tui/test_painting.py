"""tui/painting.py and the filter boxes: what one change asks to paint is painted once, and
what the terminal shows is the screen as it is (the updates the app writes, applied to a
grid of cells as a terminal would)."""

from __future__ import annotations

import asyncio
import contextlib
import time

import pytest
from textual.app import App
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.geometry import Region
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Input, Label

from shadow.tui.app import create_app
from shadow.tui.loading import Loader, LoadsData
from shadow.tui.modals.base import ShadowModal
from shadow.tui.painting import PaintedWithTheirLayout, PushedScreensLaidOutOnce
from shadow.tui.screens.base import AreaScreen
from shadow.tui.screens.schedule import ScheduleScreen

from .helpers import Terminal, open_by_key, open_visit, press_each, settled
from .programme import NOW


class Rows(Screen):
    """A table that fills the screen (its size never changes, only its rows)."""

    CSS = "DataTable { height: 1fr; }"

    def compose(self):
        table = DataTable()
        table.add_column("name")
        table.add_rows([(f"row {n}",) for n in range(200)])
        yield table


class RowsPaintedOnce(PaintedWithTheirLayout, Rows):
    pass


async def paints_after(screen: Screen, size: tuple[int, int], change, check=None):
    """The cells each paint changed after ``change(screen)``, and the cells the terminal
    then shows wrongly; ``check(screen)`` is asked before the app closes."""
    app = App()
    async with app.run_test(size=size) as pilot:
        await app.push_screen(screen)
        await settled(pilot)
        terminal = Terminal(app)
        terminal.apply(screen._compositor.render_full_update())
        terminal.watch()
        change(screen)
        await settled(pilot)
        if check is not None:
            check(screen)
        return terminal.paints, terminal.differs_from_the_screen()


def fewer_rows(screen: Screen) -> None:
    """The table's rows cut from 200 to 120: its scrollbar's thumb grows."""
    table = screen.query_one(DataTable)
    table.clear()
    table.add_rows([(f"row {n}",) for n in range(120)])


def thumb_shown(screen: Screen) -> None:
    bar = screen.query_one(DataTable).vertical_scrollbar
    assert bar.window_virtual_size == 121  # (and the header)


def thumb_painted(screen: Screen) -> None:
    thumb_shown(screen)
    assert not screen.query_one(DataTable).vertical_scrollbar._repaint_required


async def test_textual_paints_a_scrollbar_again_after_the_layout_that_painted_it():
    paints, wrong = await paints_after(Rows(), (40, 12), fewer_rows, thumb_shown)
    assert wrong == []
    assert paints[0] > 0 and paints[1:] == [0]  # (what the mixin saves: this test's premise)


async def test_the_screens_paint_a_scrollbar_once_with_its_layout():
    paints, wrong = await paints_after(RowsPaintedOnce(), (40, 12), fewer_rows, thumb_painted)
    assert wrong == []  # the thumb painted by the layout is the one it has now
    assert len(paints) == 1 and paints[0] > 0


def test_every_screen_and_dialog_paints_its_scrollbars_once():
    assert issubclass(AreaScreen, PaintedWithTheirLayout)
    assert issubclass(ShadowModal, PaintedWithTheirLayout)


async def test_the_schedule_shows_what_it_is_after_each_filter_keystroke(sample_store, liaison):
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with app.run_test(size=(100, 16)) as pilot:
        screen = await open_by_key(pilot, "f3", ScheduleScreen)
        await press_each(pilot, "slash")
        screen.query_one("#filter-person", Input).cursor_blink = False
        await settled(pilot)
        terminal = Terminal(app)
        terminal.apply(app.screen._compositor.render_full_update())
        terminal.watch()
        counts = [len(screen.agenda.ids)]
        for letter in "anq":  # fewer rows, then none
            await pilot.press(letter)
            await settled(pilot)
            counts.append(len(screen.agenda.ids))
            assert terminal.differs_from_the_screen() == []
        assert counts[2] < counts[1] and counts[3] == 0, counts


FILTERS = [  # (the area's key, its filter box, its table)
    ("f3", "#filter-person", lambda screen: screen.agenda),
    ("f2", "#search", lambda screen: screen.current_table),
]


async def typing(app, key: str, box: str, table, letters: str, then=settled):
    """Each letter typed into the area's filter box: the cells each keystroke's paints
    changed, the rows shown after it, and the cells shown wrongly after it."""
    async with app.run_test(size=(100, 16)) as pilot:
        await press_each(pilot, key)
        screen = app.screen
        field = screen.query_one(box, Input)
        field.focus()
        field.cursor_blink = False
        await settled(pilot)
        terminal = Terminal(app)
        terminal.apply(screen._compositor.render_full_update())
        terminal.watch()
        seen = []
        for letter in letters:
            terminal.paints.clear()
            await pilot.press(letter)
            await then(pilot)
            changed = [n for n in terminal.paints if n]
            seen.append((changed, table(screen).row_count, terminal.differs_from_the_screen()))
        return seen


@pytest.mark.parametrize(("key", "box", "table"), FILTERS, ids=["schedule", "directory"])
async def test_a_filter_keystroke_paints_its_letter_and_rows_in_one_paint(
    sample_store, liaison, key, box, table, monkeypatch
):
    from shadow.tui.widgets import filter_field

    # (the sample filters in a few ms; a busy test machine must not make it "slow")
    monkeypatch.setattr(filter_field, "ONE_PASS_SECONDS", 10.0)
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    seen = await typing(app, key, box, table, "anq")
    assert [wrong for _, _, wrong in seen] == [[], [], []]  # shown as it is
    assert [len(changed) for changed, _, _ in seen] == [1, 1, 1], seen
    assert len({rows for _, rows, _ in seen}) > 1 and seen[-1][1] == 0  # (rows went)


async def test_a_slow_filtering_is_not_painted_with_its_letter_in_one_go(
    sample_store, liaison, monkeypatch
):
    """A filtering that takes more than a frame (ten years of visits) does not tell the
    screen at once what it changed: each widget does as it goes idle, and the event loop
    gets a turn between the filtering and the layout. What is shown is still right."""
    import time

    from shadow.tui.widgets import filter_field

    told: list[bool] = []
    real_now = filter_field.refreshes_now
    monkeypatch.setattr(filter_field, "refreshes_now", lambda s: told.append(True) or real_now(s))
    monkeypatch.setattr(filter_field, "ONE_PASS_SECONDS", 10.0)  # (any filtering is quick)
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    seen = await typing(app, "f3", "#filter-person", lambda screen: screen.agenda, "a")
    assert told == [True] and seen[0][2] == []  # (at once)

    real = ScheduleScreen.refilter

    def slow(screen):
        time.sleep(0.02)
        real(screen)

    monkeypatch.setattr(filter_field, "ONE_PASS_SECONDS", 0.01)
    monkeypatch.setattr(ScheduleScreen, "refilter", slow)
    told.clear()
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    seen = await typing(app, "f3", "#filter-person", lambda screen: screen.agenda, "anq")
    assert told == []
    assert [wrong for _, _, wrong in seen] == [[], [], []]
    assert [rows for _, rows, _ in seen][-1] == 0


async def test_the_backlog_search_paints_its_rows_in_one_paint_after_the_pause(
    sample_store, liaison
):
    """The Backlog searches once typing pauses (``DEBOUNCE``): the letter is painted at
    once, then the rows, labels and scrollbar together."""
    from shadow.tui.screens.backlog import DEBOUNCE

    async def paused(pilot):
        await settled(pilot)
        await pilot.pause(DEBOUNCE * 2)
        await settled(pilot)

    app = create_app(sample_store, liaison, clock=lambda: NOW)
    seen = await typing(
        app, "f4", "#backlog-search", lambda screen: screen.table, "pq", then=paused
    )
    assert [wrong for _, _, wrong in seen] == [[], []]
    assert [len(changed) for changed, _, _ in seen] == [2, 2], seen
    assert seen[-1][1] == 0 < seen[0][1]


class Words(Screen):
    """A line of words as wide as they are, beside the rest of the line."""

    CSS = "Horizontal { height: 1; } #words { width: auto; } #rest { width: 1fr; }"

    def compose(self):
        with Horizontal():
            yield Label("one", id="words")
            yield Label("and the rest", id="rest")


class WordsPaintedOnce(PaintedWithTheirLayout, Words):
    pass


def longer_words(screen: Screen) -> None:
    screen.query_one("#words", Label).update("one, two and three")


async def test_textual_lays_out_again_a_label_whose_size_the_layout_changed():
    paints, wrong = await paints_after(Words(), (40, 6), longer_words)
    assert wrong == [] and paints[0] > 0 and paints[1:] == [0]  # (the premise)


async def test_the_screens_take_a_label_sized_by_their_layout_as_laid_out():
    paints, wrong = await paints_after(WordsPaintedOnce(), (40, 6), longer_words)
    assert wrong == [] and len(paints) == 1 and paints[0] > 0


class Growing(Screen):
    """Lines in a box as tall as they are, in a page that scrolls (its scrollbar always
    shown, so only the box's and the page's sizes change)."""

    CSS = "VerticalScroll { height: 1fr; overflow-y: scroll; } #box { height: auto; }"

    def compose(self):
        with VerticalScroll(), Vertical(id="box"):
            yield Label("one line", id="lines")


class GrowingPaintedOnce(PaintedWithTheirLayout, Growing):
    pass


def more_lines(screen: Screen) -> None:
    screen.query_one("#lines", Label).update("\n".join(f"line {n}" for n in range(12)))


async def test_textual_lays_out_again_containers_whose_size_the_layout_changed():
    paints, wrong = await paints_after(Growing(), (30, 6), more_lines)
    assert wrong == [] and paints[0] > 0 and paints[1:] and not any(paints[1:])


async def test_the_screens_take_containers_sized_by_their_layout_as_laid_out():
    paints, wrong = await paints_after(GrowingPaintedOnce(), (30, 6), more_lines)
    assert wrong == [] and len(paints) == 1 and paints[0] > 0


class Slow(LoadsData, PaintedWithTheirLayout, Screen):
    """A screen whose read runs in a thread, then fills a label and a table."""

    def compose(self):
        yield Label("Reading …", id="said")
        yield DataTable()

    def on_mount(self) -> None:
        self.query_one(DataTable).add_column("row")
        self.loader = Loader(self, self.read, self.show, size=lambda: 10, limit=1, name="slow")
        self.loader.load(None)

    def read(self, _request) -> list[str]:
        return [f"row {n}" for n in range(30)]

    def show(self, rows: list[str]) -> None:
        self.query_one("#said", Label).update(f"{len(rows)} rows, read in a thread")
        self.query_one(DataTable).add_rows([(row,) for row in rows])


@contextlib.asynccontextmanager
async def watched(size: tuple[int, int]):
    """An app of ``size``, a terminal watching what it paints: the pilot and the
    terminal."""
    app = App()
    async with app.run_test(size=size) as pilot:
        terminal = Terminal(app)
        terminal.watch()
        yield pilot, terminal


@contextlib.asynccontextmanager
async def pushed(screen: Screen, size: tuple[int, int]):
    """``screen`` pushed on an app of ``size``, a terminal watching from before: the
    pilot and the terminal."""
    async with watched(size) as (pilot, terminal):
        await pilot.app.push_screen(screen)
        yield pilot, terminal


async def test_what_a_threaded_read_shows_is_painted_in_one_pass():
    screen = Slow()
    async with pushed(screen, (40, 12)) as (pilot, terminal):
        await pilot.app.workers.wait_for_complete()
        await settled(pilot)
        assert screen.query_one(DataTable).row_count == 30
        assert terminal.differs_from_the_screen() == []
        shown = [n for n in terminal.paints if n]
        # The screen as it opens, then all its data in one paint (the table's rows were
        # painted apart from the label's words when each widget went idle on its own).
        assert len(shown) == 2, terminal.paints


class ReadOnTheSpot(LoadsData, PaintedWithTheirLayout, Screen):
    """A page whose read runs on the spot as it mounts (a slow one), then fills a label."""

    times: dict[str, float]

    def compose(self):
        yield Label("", id="said")

    def on_mount(self) -> None:
        self.times = {}
        self.loader = Loader(self, self.read, self.show, size=lambda: 1, limit=10, name="spot")
        self.loader.load(None)

    def read(self, _request) -> str:
        time.sleep(0.03)
        return "read on the spot"

    def show(self, text: str) -> None:
        self.query_one("#said", Label).update(text)
        self.times["read"] = time.perf_counter()

    def _refresh_layout(self, *args, **kwargs):
        self.times.setdefault("laid out", time.perf_counter())
        return super()._refresh_layout(*args, **kwargs)


async def test_a_read_on_the_spot_and_the_first_layout_are_apart_on_the_event_loop():
    """What is due on the event loop (a timer, a key) runs between a page's read on the
    spot and its first layout pass: the two are not one freeze. The page is then laid out
    and painted as it is."""
    ticks: list[float] = []

    async def beat() -> None:
        while True:
            ticks.append(time.perf_counter())
            await asyncio.sleep(0.002)

    page = ReadOnTheSpot()
    async with watched((40, 10)) as (pilot, terminal):
        task = asyncio.get_running_loop().create_task(beat())
        await pilot.app.push_screen(page)
        await settled(pilot)
        task.cancel()
        read, laid_out = page.times["read"], page.times["laid out"]
        assert read < laid_out
        assert any(read < tick < laid_out for tick in ticks)
        assert str(page.query_one("#said", Label).content) == "read on the spot"
        assert terminal.differs_from_the_screen() == []


class Counted:
    """Counts the screen's layout passes."""

    passes = 0

    def _refresh_layout(self, *args, **kwargs):
        self.passes += 1
        return super()._refresh_layout(*args, **kwargs)


class Below(Counted, Screen):
    def compose(self):
        yield Label("the area under the page")


class Page(Counted, Screen):
    """A page filled just before its first layout pass, as an area's read on the spot
    fills it when first shown (the screen's own handler runs after this one)."""

    def compose(self):
        yield Label("", id="title")
        with VerticalScroll():
            yield Label("", id="body")

    def on_screen_resume(self) -> None:
        self.query_one("#title", Label).update("Visit 12")
        self.query_one("#body", Label).update("\n".join(f"note {n}" for n in range(5)))


class BelowPaintedOnce(PaintedWithTheirLayout, Below):
    pass


class PagePaintedOnce(PaintedWithTheirLayout, Page):
    pass


async def opening(below: Screen, page: Screen, app: App | None = None):
    """The layout passes of a page pushed over an area, and of the area, until idle; the
    cells the terminal then shows wrongly."""
    app = app or App()
    async with app.run_test(size=(40, 12)) as pilot:
        await app.push_screen(below)
        await settled(pilot)
        terminal = Terminal(app)
        terminal.apply(below._compositor.render_full_update())
        terminal.watch()
        below.passes = 0
        await app.push_screen(page)
        await settled(pilot)
        assert str(page.query_one("#body", Label).content).endswith("note 4")
        return page.passes, below.passes, terminal.differs_from_the_screen()


async def test_textual_lays_a_new_page_out_again_and_the_screen_under_it():
    """The premise: the Resize every pushed screen gets, at the size it was just laid out
    at, lays the page out once more, and the screen under it too."""
    page, below, wrong = await opening(Below(), Page())
    assert wrong == []
    assert page == 3 and below == 1


async def test_a_resize_to_the_same_size_lays_nothing_out_again():
    """(The page's second pass is the layout Textual asks for once its widgets are all
    mounted, after its first pass.)"""
    page, below, wrong = await opening(BelowPaintedOnce(), PagePaintedOnce())
    assert wrong == []  # what the page's passes painted is the page as it is
    assert page == 2 and below == 0


class LaysOutPushedScreensOnce(PushedScreensLaidOutOnce, App):
    pass


async def test_a_pushed_page_is_laid_out_once_for_its_mount():
    """The layout Textual asks for once a new screen is mounted is not asked for again
    when a pass that laid out the whole page began after the mount: one pass, and the
    terminal shows the page as it is."""
    page, below, wrong = await opening(
        BelowPaintedOnce(), PagePaintedOnce(), LaysOutPushedScreensOnce()
    )
    assert wrong == []
    assert page == 1 and below == 0


class Containers(Screen):
    """A new page's containers: one that fits, one always scrolled, and one whose content
    overflows, which its first layout pass gives a scrollbar."""

    CSS = """
    #fits { height: auto; }
    #always { height: 4; overflow-y: scroll; }
    #overflows { height: 4; }
    """

    def compose(self):
        with Vertical(id="fits"):
            yield Label("one line")
        with VerticalScroll(id="always"):
            yield Label("\n".join(f"line {n}" for n in range(10)))
        with VerticalScroll(id="overflows"):
            yield Label("\n".join(f"line {n}" for n in range(10)))


class ContainersPaintedOnce(PaintedWithTheirLayout, Containers):
    still_asking: list[str] | None = None

    def _refresh_layout(self, *args, **kwargs):
        super()._refresh_layout(*args, **kwargs)
        if self.still_asking is None:  # (after the first pass)
            self.still_asking = sorted(
                str(w.id) for w in self.query("#fits, #always, #overflows") if w._layout_required
            )


async def test_a_new_pages_first_pass_lays_out_its_containers_for_good():
    """A container laid out for the first time had no scrollbar before, or the one its
    styles always show: its layout is done by the pass unless the pass gave it one."""
    page = ContainersPaintedOnce()
    async with pushed(page, (40, 16)) as (pilot, terminal):
        await settled(pilot)
        assert page.still_asking == ["overflows"]
        assert terminal.differs_from_the_screen() == []


# ---------------------------------------------------------------- paints in bands


class Tall(Screen):
    """A page of 50 rows: a line at the top, a body, a line at the bottom."""

    CSS = "#top, #bottom { height: 1; } #body { height: 1fr; }"

    def compose(self):
        yield Shown("top", id="top")
        with VerticalScroll(id="body"):
            yield Label("\n".join(f"line {n}" for n in range(80)))
        yield Shown("bottom", id="bottom")


class Shown(Widget):
    """One line of text, painted as it is (no layout when it changes)."""

    def __init__(self, text: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.text = text

    def render(self) -> str:
        return self.text


class TallInBands(PaintedWithTheirLayout, Tall):
    pass


async def bands_painted(pilot) -> None:
    """Settled, and no band left to paint."""
    await settled(pilot)
    for _ in range(50):
        if not getattr(pilot.app.screen, "_bands_due", False):
            break
        await pilot.pause(0.01)
    await settled(pilot)


@contextlib.asynccontextmanager
async def tall_page_painted():
    """A ``TallInBands`` page pushed at 60x50 and painted, a terminal watching: the
    pilot, the terminal and the page."""
    page = TallInBands()
    async with pushed(page, (60, 50)) as (pilot, terminal):
        await bands_painted(pilot)
        yield pilot, terminal, page


@pytest.fixture
def bands(monkeypatch):
    """Each band painted (its rows from, to), and what ``after(screen, n)`` does after
    the n-th band."""
    seen: list[tuple[int, int]] = []
    after = []
    real = PaintedWithTheirLayout._paint_band

    def spied(screen, band, regions):
        real(screen, band, regions)
        seen.append(band)
        for then in after:
            then(screen, len(seen))

    monkeypatch.setattr(PaintedWithTheirLayout, "_paint_band", spied)
    return seen, after


async def test_a_tall_page_is_painted_in_bands_a_turn_each_after_its_layout(bands):
    seen, after = bands
    async with watched((60, 50)) as (pilot, terminal):
        app = pilot.app
        turns: list[int] = []  # the paints done when something else on the loop ran
        first: list[int] = []  # the paints done after the first band

        async def beside():
            while True:
                turns.append(len(terminal.paints))
                await asyncio.sleep(0)

        after.append(lambda screen, n: n == 1 and first.append(len(terminal.paints)))
        page = TallInBands()
        paints_in_pass: list[int] = []
        real_pass = page._refresh_layout

        def counted(*args, **kwargs):
            before = len(terminal.paints)
            real_pass(*args, **kwargs)
            paints_in_pass.append(len(terminal.paints) - before)

        page._refresh_layout = counted
        task = asyncio.get_running_loop().create_task(beside())
        await app.push_screen(page)
        await bands_painted(pilot)
        task.cancel()
        assert seen[0] == (0, 25)  # (the top half of 50 rows)
        assert paints_in_pass[0] == 0  # (the layout's turn painted nothing)
        assert first and first[0] in turns and len(terminal.paints) > first[0]  # (a turn
        # between the first band and the rest)
        assert terminal.differs_from_the_screen() == []


async def test_what_changes_between_bands_is_painted_too(bands):
    """A widget painted by the first band changes before the next (its screen told at
    once, as Textual's Update message does): the terminal shows it as it is."""
    seen, after = bands

    def change_the_top(screen, n):
        if n == 1:
            top = screen.query_one("#top", Shown)
            top.text = "changed"
            top.refresh()
            top._repaint_required = False  # (told the screen itself, below)
            screen._dirty_widgets.add(top)

    async with tall_page_painted() as (pilot, terminal, page):
        seen.clear()
        after.append(change_the_top)
        page.query_one("#body").styles.background = "red"  # (48 rows to paint again)
        await bands_painted(pilot)
        assert seen[0] == (1, 25)
        assert terminal.differs_from_the_screen() == []
        assert "".join(terminal.cells[(x, 0)][0] for x in range(7)) == "changed"


async def test_a_page_left_before_its_bands_are_painted_is_painted_when_back(bands):
    seen, after = bands
    async with pushed(Below(), (60, 50)) as (pilot, terminal):
        app = pilot.app
        await settled(pilot)
        page = TallInBands()
        await app.push_screen(page)
        await pilot.pause()
        await app.pop_screen()  # (at once: its bands not all painted)
        await bands_painted(pilot)
        assert terminal.differs_from_the_screen() == []
        await app.push_screen(page)
        await bands_painted(pilot)
        assert terminal.differs_from_the_screen() == []


async def test_a_paint_of_some_rows_renders_those_rows_of_each_widget():
    """A band (or a table's changed rows) renders only its rows of each widget it
    covers, and paints what Textual's compositor paints."""
    from textual._compositor import Compositor

    from shadow.tui.painting import RowsCroppedCompositor

    async with tall_page_painted() as (pilot, terminal, page):
        app = pilot.app
        compositor = page._compositor
        assert isinstance(compositor, RowsCroppedCompositor)
        body = page.query_one("#body")
        asked = []
        real = body.render_lines
        body.render_lines = lambda crop: asked.append(crop) or real(crop)
        rows = Region(0, 10, 60, 5)
        compositor._dirty_regions.add(rows)
        cropped = compositor.render_partial_update()
        assert [(crop.y, crop.height) for crop in asked] == [(9, 5)]  # (its own rows)
        plain = Compositor()
        plain.reflow(page, compositor.size)
        plain._dirty_regions.clear()
        plain._dirty_regions.add(rows)
        whole = plain.render_partial_update()
        console = app.console
        assert list(cropped.__rich_console__(console, console.options)) == list(
            whole.__rich_console__(console, console.options)
        )


async def test_every_area_at_160x50_shows_what_it_is(sample_store, liaison, bands):
    seen, after = bands
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with app.run_test(size=(160, 50)) as pilot:
        terminal = Terminal(app)
        terminal.watch()
        for key in ("f2", "f3", "f4", "f5", "f6", "f8", "f9", "f7"):
            await press_each(pilot, key)
            await bands_painted(pilot)
            assert terminal.differs_from_the_screen() == [], key
        for key in ("f3", "f4", "f5"):  # (one area after another, no time to paint)
            await pilot.press(key)
        await bands_painted(pilot)
        assert terminal.differs_from_the_screen() == []
        visit = max(v["id"] for v in sample_store.all("visits") if v["status"] == "completed")
        await open_visit(pilot, visit)
        await bands_painted(pilot)
        assert terminal.differs_from_the_screen() == []
        await press_each(pilot, "pagedown", "pagedown")
        await bands_painted(pilot)
        assert terminal.differs_from_the_screen() == []
        assert len(seen) > 8  # (each area's first paint, at least, in bands)


async def test_what_asks_to_be_painted_while_bands_are_due_waits_for_them(bands):
    """A repaint asked in the layout's own turn (the screen's, after the pass deferred its
    paint) is painted with the bands, not at once in that turn."""
    async with tall_page_painted() as (pilot, terminal, page):
        page.query_one("#body").styles.background = "red"
        page.refresh(layout=True)
        real_pass = page._refresh_layout
        at_once: list[int] = []

        def then_a_repaint(*args, **kwargs):
            real_pass(*args, **kwargs)
            before = len(terminal.paints)
            page._compositor._dirty_regions.add(Region(0, 0, 60, 50))
            page._compositor_refresh()  # (as the screen's timer does, for itself)
            at_once.append(len(terminal.paints) - before)

        page._refresh_layout = then_a_repaint
        await bands_painted(pilot)
        assert at_once and at_once[0] == 0
        assert terminal.differs_from_the_screen() == []


class Filled(Counted, Screen):
    def compose(self):
        yield Label("", id="body")


class FilledPaintedOnce(PaintedWithTheirLayout, Filled):
    pass


async def layout_told_then_a_whole_pass(page: Screen) -> tuple[int, int]:
    """A label asks for a layout and tells the screen (a Layout message queued), then
    the screen lays itself out before handling the message: the passes after, and the
    label's height."""
    app = App()
    async with app.run_test(size=(40, 12)) as pilot:
        await app.push_screen(page)
        await settled(pilot)
        label = page.query_one("#body", Label)
        label.update("one\ntwo\nthree")
        label._check_refresh()  # (as when it goes idle)
        page.passes = 0
        page._refresh_layout()
        await settled(pilot)
        return page.passes, label.size.height


async def test_textual_lays_out_again_what_a_whole_pass_laid_out_before_it_was_told():
    assert await layout_told_then_a_whole_pass(Filled()) == (2, 3)  # (the premise)


async def test_a_layout_asked_for_before_a_whole_pass_is_done_by_it():
    assert await layout_told_then_a_whole_pass(FilledPaintedOnce()) == (1, 3)


async def test_a_new_title_is_painted_not_laid_out(sample_store, liaison):
    from textual.widgets._header import HeaderTitle

    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with app.run_test(size=(100, 16)) as pilot:
        await settled(pilot)
        screen = app.screen
        terminal = Terminal(app)
        terminal.apply(screen._compositor.render_full_update())
        terminal.watch()
        passes = []
        real = screen._refresh_layout
        screen._refresh_layout = lambda *a, **k: passes.append(1) or real(*a, **k)
        screen.sub_title = "a new sub-title"
        await settled(pilot)
        assert passes == []
        assert "a new sub-title" in str(screen.query_one(HeaderTitle).render())
        assert terminal.differs_from_the_screen() == []
