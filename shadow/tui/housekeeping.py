"""The store's housekeeping in the background: today's backup and a due fold of the
journal (Store.housekeep), which a save would otherwise do inside itself on the UI
thread (1-3 s each at 150,000 records). The app's poll starts it when no screen is
reading: the backup at once (taken aside, it holds nothing a screen reads), a fold once
the person has been idle a while (it holds the store: what they did next would wait for
it). The app sets ``Store.defer_folds`` so that a save leaves a due fold to it."""

from __future__ import annotations

import time

from textual import events
from textual.app import App

from shadow.core.store import StoreError

from .loading import BUSY, collector_paused, screens_reading

IDLE_SECONDS = 5.0  # no key, click or scroll for this long (since the app started)


class WatchesInput:
    """Mixed into the app: when the person last pressed, clicked or scrolled."""

    last_input = time.monotonic()  # (each app sets its own at its first event)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Mount):  # (the app's own: Mount does not bubble)
            self.last_input = time.monotonic()
        elif isinstance(event, events.InputEvent) and not event.is_forwarded:
            self.last_input = time.monotonic()
        await super().on_event(event)  # type: ignore[misc]


def housekeep_when_idle(app: App) -> None:
    """Start the housekeeping worker when there is work and no screen is reading: today's
    backup at once (it is taken aside, holding nothing a screen reads, but it parses the
    audit trail as it copies it: 0.5 s of CPU at 150,000 records, which a screen's read
    in a thread would share), a due fold only once the person has also been idle
    IDLE_SECONDS (a fold holds the store). A throwaway demo copy needs none."""
    store = app.store  # type: ignore[attr-defined]
    if getattr(app, "demo", False):
        return
    if screens_reading(app) or any(
        w.state in BUSY and w.group == "housekeeping" for w in app.workers
    ):
        return  # (the backup's parse of the audit trail would slow a screen's read)
    idle = time.monotonic() - getattr(app, "last_input", 0.0) >= IDLE_SECONDS
    if not store.housekeeping_due(fold=idle):
        return
    app.run_worker(
        lambda: _housekeep(app, idle),
        thread=True,
        exclusive=True,
        group="housekeeping",
        exit_on_error=False,
    )


def _housekeep(app: App, fold: bool) -> None:
    try:
        with collector_paused():
            app.store.housekeep(fold=fold)  # type: ignore[attr-defined]
    except StoreError as exc:
        app.store.notice(f"warning: no fold of the journal just now: {exc}")  # type: ignore[attr-defined]
