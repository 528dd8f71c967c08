"""The one loader: small reads on the spot, large ones in a thread, a reload asked while
one runs is run once afterwards (merged), and failures take the one error path."""

from __future__ import annotations

import threading

from textual.app import App
from textual.screen import Screen

from shadow.core.store import StoreError
from shadow.tui import loading
from shadow.tui.loading import Loader, LoadsData


class Probe(LoadsData, Screen):
    def __init__(self, size: int, gate: threading.Event | None = None) -> None:
        super().__init__()
        self.gate = gate
        self.reads: list[object] = []
        self.shown: list[object] = []
        self.failures: list[str] = []
        self.loader: Loader[object] = Loader(
            self,
            self.read,
            self.shown.append,
            size=lambda: size,
            limit=10,
            failed=self.failures.append,
            merge=lambda older, newer: f"{older}+{newer}",
            name="probe",
        )

    def read(self, request: object) -> object:
        if self.gate is not None:
            self.gate.wait(timeout=30)
        self.reads.append(request)
        if request == "bad":
            raise StoreError("the file is damaged")
        return f"data for {request}"


async def run(screen: Probe, steps) -> None:
    app = App()
    async with app.run_test() as pilot:
        await app.push_screen(screen)
        await steps(pilot)


async def test_a_small_read_is_shown_at_once():
    probe = Probe(size=3)

    async def steps(pilot):
        probe.loader.load("a")
        assert probe.shown == ["data for a"] and not probe.loader.reading
        probe.loader.load("bad")
        assert probe.failures == ["the file is damaged"] and probe.shown == ["data for a"]

    await run(probe, steps)


async def test_a_large_read_runs_in_a_thread_and_a_reload_meanwhile_runs_once_after():
    gate = threading.Event()
    probe = Probe(size=100, gate=gate)

    async def steps(pilot):
        probe.loader.load("a")
        assert probe.loader.reading and probe.shown == []
        probe.loader.load("b")
        probe.loader.load("c")  # merged with b: one more read, not two
        gate.set()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert probe.reads == ["a", "b+c"]
        assert probe.shown == ["data for a", "data for b+c"] and not probe.loader.reading

    await run(probe, steps)


async def test_a_failed_thread_read_takes_the_error_path():
    probe = Probe(size=100)

    async def steps(pilot):
        probe.loader.load("bad")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert probe.failures == ["the file is damaged"] and probe.shown == []
        assert not probe.loader.reading

    await run(probe, steps)


async def test_the_screens_are_imported_in_the_background_once_no_screen_reads(monkeypatch):
    """preload.py: the screens opened later are imported in a worker thread, once per
    app, and not while a screen's read runs in a thread (it waits for it)."""
    from shadow.tui import preload

    imports: list[str] = []
    monkeypatch.setattr(preload, "import_screens", lambda: imports.append("all"))
    gate = threading.Event()
    probe = Probe(size=100, gate=gate)

    async def steps(pilot):
        probe.loader.load("a")
        preload.preload_when_idle(pilot.app)
        preload.preload_when_idle(pilot.app)
        await pilot.pause(3 * loading.RETRY_SECONDS)
        assert imports == []  # the read still runs
        gate.set()
        await pilot.app.workers.wait_for_complete()
        # It starts once it sees no read (it looks every RETRY_SECONDS, then waits for a
        # refresh), then imports in a thread: on a loaded machine fixed pauses, and once
        # waiting for the workers, were seen to end before the import (bounded waits here).
        for _ in range(100):
            if imports:
                break
            await pilot.pause(loading.RETRY_SECONDS)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(3 * loading.RETRY_SECONDS)  # (the second ask had its chance)
        assert probe.shown == ["data for a"]
        started = pilot.app in preload._started  # (said if it fails)
        workers = [(w.group, w.state.name) for w in pilot.app.workers]
        assert imports == ["all"], (started, workers)  # once, though asked twice
        preload.preload_when_idle(pilot.app)
        await pilot.app.workers.wait_for_complete()
        assert imports == ["all"]

    await run(probe, steps)


def test_importing_the_screens_imports_every_screen_module(monkeypatch):
    from shadow.tui import preload

    imported: list[str] = []
    monkeypatch.setattr(preload, "import_module", imported.append)
    preload.import_screens()
    areas = ("schedule", "coverage", "backlog", "actions", "directory", "visit", "department")
    assert {f"shadow.tui.screens.{name}" for name in areas} <= set(imported)


async def test_a_read_a_closed_app_never_started_does_not_hold_up_another_app():
    """A loader whose thread was to start as its app closed stays in ``_starting`` while
    it lives (kept out of the collector, it may never be freed): another app in the same
    process (tests run hundreds) must not take it for one of its own reads. The app's
    reminders (a loader owned by the app) were: every later app's background work
    (the screens' imports) then waited for ever, a test failing now and then."""
    first = Probe(size=100)
    gone = App()
    async with gone.run_test():
        await gone.push_screen(first)
    left = [first.loader, Loader(gone, str, print, name="reminders")]
    loading._starting.update(left)  # (as if their starts never came)
    try:

        async def steps(pilot):
            assert not loading.screens_reading(pilot.app)
            later = Probe(size=100, gate=threading.Event())
            await pilot.app.push_screen(later)
            later.loader.load("a")
            assert loading.screens_reading(pilot.app)  # its own read counts
            later.gate.set()
            await pilot.app.workers.wait_for_complete()

        await run(Probe(size=3), steps)
    finally:
        for loader in left:
            loading._starting.discard(loader)
