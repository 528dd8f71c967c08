"""The screens imported when first opened (the areas ``app.later`` opens, the visit and
department pages), imported in a worker thread once the first screen has read what it
shows.

Their imports are kept out of the start (the Dashboard is painted sooner), but then the
first opening of each area paid them on the event loop: 50-80 ms of CPU per area at any
size (the first one opened most), inside the one step that switches to it, so also its
longest freeze. Imported in the background, opening an area finds them done; one opened
before they are has its import finished on the event loop as before (Python's import
locks make the two wait for each other, never import a module twice).
"""

from __future__ import annotations

import pkgutil
import weakref
from importlib import import_module

from textual.app import App
from textual.worker import WorkerState

BUSY = (WorkerState.PENDING, WorkerState.RUNNING)
RETRY_SECONDS = 0.1
_started: weakref.WeakSet[App] = weakref.WeakSet()  # the apps that have started it


def preload_when_idle(app: App) -> None:
    """Import every module of ``tui/screens`` in a worker thread, once per app, when no
    screen is reading (a read in a thread would share the interpreter with the imports
    and paint later); until then, look again every ``RETRY_SECONDS``."""
    if app in _started:
        return
    if any(w.state in BUSY and w.group.startswith("loader-") for w in app.workers):
        app.set_timer(RETRY_SECONDS, lambda: preload_when_idle(app))
        return
    _started.add(app)
    app.run_worker(import_screens, thread=True, group="preload", exit_on_error=False)


def import_screens() -> None:
    """Every module of ``tui/screens`` imported (those already imported cost nothing)."""
    from . import screens

    for module in pkgutil.iter_modules(screens.__path__):
        import_module(f"{screens.__name__}.{module.name}")
