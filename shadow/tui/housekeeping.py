"""The store's housekeeping in the background: today's backup and a due fold of the
journal (Store.housekeep), which a save would otherwise do inside itself on the UI
thread (1-3 s each at 150,000 records). The app's poll starts it; the app sets
``Store.defer_folds`` so that a save leaves a due fold to it."""

from __future__ import annotations

from textual.app import App
from textual.worker import WorkerState

from shadow.core.store import StoreError

from .loading import collector_paused

BUSY = (WorkerState.PENDING, WorkerState.RUNNING)


def housekeep_when_idle(app: App) -> None:
    """Start the housekeeping worker if there is work and no screen is reading (an area's
    read would otherwise wait behind it). A throwaway demo copy needs none."""
    store = app.store  # type: ignore[attr-defined]
    if getattr(app, "demo", False) or not store.housekeeping_due():
        return
    for worker in app.workers:
        if worker.state in BUSY and worker.group.startswith(("loader-", "housekeeping")):
            return
    app.run_worker(
        lambda: _housekeep(app),
        thread=True,
        exclusive=True,
        group="housekeeping",
        exit_on_error=False,
    )


def _housekeep(app: App) -> None:
    try:
        with collector_paused():
            app.store.housekeep()  # type: ignore[attr-defined]
    except StoreError as exc:
        app.store.notice(f"warning: no backup or fold of the journal just now: {exc}")  # type: ignore[attr-defined]
