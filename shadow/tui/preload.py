"""The screens imported when first opened (the areas ``app.later`` opens, the visit and
department pages), imported in a worker thread once the first screen has read what it
shows.

Their imports are kept out of the start (the Dashboard is painted sooner), but then the
first opening of each area paid them on the event loop: 50-80 ms of CPU per area at any
size (the first one opened most), inside the one step that switches to it, so also its
longest freeze. Imported in the background, opening an area finds them done; one opened
before they are has its import finished on the event loop as before (Python's import
locks make the two wait for each other, never import a module twice).

Once imported, the figures areas share that change only with the database are worked
out too (``read_ahead``); then each area not yet opened is built hidden, one at a time
(``build_areas``): composed, mounted, read, laid out and painted as if opened, but not
shown, so that opening it shows what is ready (at 150,000 records an area opened in
0.34-0.55 s with freezes of 0.07-0.13 s; built ahead, see docs/performance.md). A
built area is kept current as any hidden one is: a change to what it shows marks it
stale, and it reads again when shown.

Other work that no one waits for at the start (the acting person's reminders) is asked
for with ``after_first_read``: it starts at the same moment, not alongside the first
screen's read in a thread (0.3 s of CPU at 150,000 records, which the Dashboard would
share).
"""

from __future__ import annotations

import asyncio
import contextlib
import pkgutil
import weakref
from collections.abc import Callable
from importlib import import_module

from textual.app import App
from textual.screen import Screen
from textual.widget import AwaitMount

from shadow.core.store import Store

from .loading import READ_ERRORS, RETRY_SECONDS, collector_paused, screens_reading, when_not_reading

_started: weakref.WeakSet[App] = weakref.WeakSet()  # the apps that have started it
_waiting: weakref.WeakKeyDictionary[App, list[Callable[[], None]]] = weakref.WeakKeyDictionary()


def preload_when_idle(app: App) -> None:
    """Import every module of ``tui/screens`` in a worker thread, once per app, when no
    screen is reading (``when_not_reading``); then what ``after_first_read`` kept."""

    def start() -> None:
        if app not in _started:
            _started.add(app)
            app.run_worker(_ahead(app), group="preload", exit_on_error=False)
            for then in _waiting.pop(app, []):
                then()

    if app not in _started:
        when_not_reading(app, start)


def after_first_read(app: App, then: Callable[[], None]) -> None:
    """Call ``then`` once the first screen has read what it shows (when the screens'
    imports start), or once no screen is reading if that moment has passed."""
    if app in _started:
        when_not_reading(app, then)
    else:
        _waiting.setdefault(app, []).append(then)


async def _ahead(app: App) -> None:
    """The imports and figures in a thread, then the areas built on the event loop; not
    when served (``shadow serve``): there every browser tab is a process of its own, and
    each area built ahead is held by each (12 MiB a tab on the sample programme: 53.5 ->
    65.2 MiB PSS, benchmarks/serve_bench.py --sessions 5; hundreds at 150,000 records)."""
    await asyncio.to_thread(_preload, app)
    if not getattr(app, "served", ""):
        await build_areas(app)


def _preload(app: App) -> None:
    import_screens()
    store = getattr(app, "store", None)
    if isinstance(store, Store):
        read_ahead(store)


def read_ahead(store: Store) -> None:
    """Work out now the figures an area reads that change only with the database (kept
    per change by ``Store.derived``), so that its first opening finds them: the survey
    gaps of the Coverage area; the index of every visit's occurrences (the record-the-outcome
    lists, the department card: a Dashboard read here builds it, one read ahead in child
    processes does not, and those pages then built it as they opened, 0.1 s more at
    150,000 records); and the indexes a visit's page finds its notes, suggestions and
    kudos by, so that it reads them on the spot (``VisitScreen._read_size``); and the
    service calendar's years that the suggestions' clocks cross (the Dashboard works its
    clocks out in a child process, so the department card's first read built them). One
    that cannot be read is left to the screen, which says why when it reads."""
    from shadow.core import coverage, dates, sla
    from shadow.core.occurrence_index import OccurrenceIndex

    from .screens.visit import PAGE_INDEXES

    with contextlib.suppress(*READ_ERRORS), collector_paused():
        OccurrenceIndex.shared(store)
        coverage.survey_figures(store)
        for table, field in PAGE_INDEXES:
            store.index(table, field)
        sla.build_calendar_years(store, dates.now())


def import_screens() -> None:
    """Every module of ``tui/screens`` imported (those already imported cost nothing)."""
    from . import screens

    for module in pkgutil.iter_modules(screens.__path__):
        import_module(f"{screens.__name__}.{module.name}")


async def build_areas(app: App) -> None:
    """Build every area (app mode) not yet opened, hidden, one after another, each once
    no screen reads (two reads never share the interpreter, nor a read the first
    screen's paint); once it has read, lay it out and paint it into its compositor, so
    that showing it finds its lines painted."""
    for mode in list(getattr(app, "_modes", {})):
        await _until_no_screen_reads(app)
        if not app.is_running:
            return
        built = build_area(app, mode)
        if built is None:
            continue
        screen, mounted = built
        await mounted
        await asyncio.sleep(0)  # (its mount asks for its read: counted from now on)
        await _until_no_screen_reads(app)
        if app.is_running and screen.is_attached and not screen.is_current:
            screen._refresh_layout(app.size)
            await asyncio.sleep(LAID_OUT_SECONDS)  # (its widgets take their sizes)
            if screen.is_attached and not screen.is_current:
                screen._compositor.render_strips()
    await _until_no_screen_reads(app)  # (done once the last one has read)


# How long the widgets of a screen laid out ahead are given to handle their new sizes
# (their Resize and Show events) before it is painted ahead. Painted too soon, a widget's
# lines are painted again when shown: the opening is slower, never wrong.
LAID_OUT_SECONDS = 0.05


async def _until_no_screen_reads(app: App) -> None:
    while screens_reading(app):
        await asyncio.sleep(RETRY_SECONDS)


def build_area(app: App, mode: str) -> tuple[Screen, AwaitMount] | None:
    """Build ``mode``'s screen hidden, as ``App.switch_mode`` would at its first opening,
    but without showing it: Textual's ``App._init_mode`` less the ``ScreenResume`` it
    posts (a screen resumed takes itself to be shown). ``switch_mode`` then finds the
    mode built and only shows it. Returns the screen and what awaits its mount (None if
    already built, or if this Textual has no such internals: then it is built when first
    opened, as before)."""
    stacks, modes = getattr(app, "_screen_stacks", None), getattr(app, "_modes", None)
    if stacks is None or modes is None or stacks.get(mode) or mode not in modes:
        return None
    factory = modes[mode]
    if not callable(factory):
        return None
    screen, mounted = app._get_screen(factory())
    stacks[mode] = [screen]
    app._load_screen_css(screen)
    screen._screen_resized(app.size)
    return screen, mounted


class ShowsBuiltAreasAtOnce:
    """Mixed into the app: an area whose screen is built (ahead, or opened before) is
    shown at once. Textual's ``switch_mode`` holds every paint for 50 ms
    (``App.delay_update``) to hide a screen half composed; a built screen has nothing to
    hide, and the hold was most of an area's opening once built ahead (50-70 ms of
    75-80 ms at 10,000 records)."""

    _showing_built = False

    def switch_mode(self, mode: str):  # type: ignore[no-untyped-def]
        stack = self._screen_stacks.get(mode)  # type: ignore[attr-defined]
        self._showing_built = bool(stack) and stack[-1].is_mounted
        try:
            return super().switch_mode(mode)  # type: ignore[misc]
        finally:
            self._showing_built = False

    def delay_update(self, delay: float = 0.05) -> None:
        if not self._showing_built:
            super().delay_update(delay)  # type: ignore[misc]
