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
out too (``read_ahead``).

Other work that no one waits for at the start (the acting person's reminders) is asked
for with ``after_first_read``: it starts at the same moment, not alongside the first
screen's read in a thread (0.3 s of CPU at 150,000 records, which the Dashboard would
share).
"""

from __future__ import annotations

import contextlib
import pkgutil
import weakref
from collections.abc import Callable
from importlib import import_module

from textual.app import App

from shadow.core.store import Store

from .loading import READ_ERRORS, collector_paused, when_not_reading

_started: weakref.WeakSet[App] = weakref.WeakSet()  # the apps that have started it
_waiting: weakref.WeakKeyDictionary[App, list[Callable[[], None]]] = weakref.WeakKeyDictionary()


def preload_when_idle(app: App) -> None:
    """Import every module of ``tui/screens`` in a worker thread, once per app, when no
    screen is reading (``when_not_reading``); then what ``after_first_read`` kept."""

    def start() -> None:
        if app not in _started:
            _started.add(app)
            app.run_worker(lambda: _preload(app), thread=True, group="preload", exit_on_error=False)
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


def _preload(app: App) -> None:
    import_screens()
    store = getattr(app, "store", None)
    if isinstance(store, Store):
        read_ahead(store)


def read_ahead(store: Store) -> None:
    """Work out now the figures an area reads that change only with the database (kept
    per change by ``Store.derived``), so that its first opening finds them: the survey
    gaps of the Coverage area. One that cannot be read is left to the area, which says
    why when it reads."""
    from shadow.core import coverage

    with contextlib.suppress(*READ_ERRORS), collector_paused():
        coverage.survey_figures(store)


def import_screens() -> None:
    """Every module of ``tui/screens`` imported (those already imported cost nothing)."""
    from . import screens

    for module in pkgutil.iter_modules(screens.__path__):
        import_module(f"{screens.__name__}.{module.name}")
