"""The areas built ahead (tui/preload.py ``build_areas``): once the first screen has read,
every area not yet opened is composed, read, laid out and painted hidden, so that its
opening only shows it; a change while it is hidden is read when it is shown."""

from __future__ import annotations

import contextlib

import pytest
from textual.app import App
from textual.worker import WorkerCancelled

from shadow.core import directory
from shadow.tui import preload
from shadow.tui.app import AREAS, create_app
from shadow.tui.loading import Loader
from shadow.tui.screens.dashboard import DashboardScreen
from shadow.tui.screens.directory import DirectoryScreen

from .helpers import SIZE

pytestmark = pytest.mark.builds_ahead


async def areas_built(pilot) -> None:
    """Until the app has built every area ahead (its preload worker is done)."""
    app = pilot.app
    while app not in preload._started:
        await pilot.pause(0.05)
    await app.workers.wait_for_complete()
    await pilot.pause()


def holds(monkeypatch) -> list[float]:
    """The paint holds Textual's ``switch_mode`` asked for (``App.delay_update``)."""
    asked: list[float] = []
    original = App.delay_update

    def delay_update(self, delay: float = 0.05) -> None:
        asked.append(delay)
        original(self, delay)

    monkeypatch.setattr(App, "delay_update", delay_update)
    return asked


def loads(monkeypatch) -> list[str]:
    """The class of each screen or dialog that asks its loader to read."""
    asked: list[str] = []
    original = Loader.load

    def load(self, request=None) -> None:
        asked.append(type(self.owner).__name__)
        original(self, request)

    monkeypatch.setattr(Loader, "load", load)
    return asked


async def test_every_area_is_built_hidden_and_read_once_the_first_screen_has_read(
    sample_store, liaison, monkeypatch
):
    hold = holds(monkeypatch)
    read = loads(monkeypatch)
    app = create_app(sample_store, liaison)
    async with app.run_test(size=SIZE) as pilot:
        await areas_built(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert set(app._screen_stacks) == {a.mode for a in AREAS}
        for area in AREAS:
            [screen] = app._screen_stacks[area.mode]
            assert screen.is_mounted
            if area.mode != "dashboard":
                assert not screen.is_current
                assert screen._compositor.size == app.size  # (laid out and painted ahead)
        people = app._screen_stacks["directory"][0]
        assert isinstance(people, DirectoryScreen)
        assert people.people_table.row_count == 32  # read while hidden
        assert read.count("DirectoryScreen") == 1
        # Opened, it is the screen built ahead, shown at once and not read again.
        await pilot.press("f2")
        await pilot.pause()
        assert app.screen is people
        assert read.count("DirectoryScreen") == 1
        assert hold == []  # (no 50 ms hold of the paint: there is nothing to hide)
        assert app.screen.query_one("#people-table").has_focus


async def test_a_change_while_an_area_is_hidden_is_read_when_it_is_shown(
    sample_store, liaison, monkeypatch
):
    read = loads(monkeypatch)
    app = create_app(sample_store, liaison)
    async with app.run_test(size=SIZE) as pilot:
        await areas_built(pilot)
        person = directory.person_from_input(sample_store, {"name": "Built Ahead", "side": "it"})
        directory.save_person(sample_store, liaison.name, person)
        await pilot.pause()
        people = app._screen_stacks["directory"][0]
        assert people.people_table.row_count == 32  # hidden: not read again yet
        assert read.count("DirectoryScreen") == 1
        await pilot.press("f2")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is people
        assert read.count("DirectoryScreen") == 2
        assert people.people_table.row_count == 33


async def test_an_area_opened_before_it_is_built_is_built_once(sample_store, liaison, monkeypatch):
    """Opened at once (before the first screen's read ends), an area is built as it is
    opened, with Textual's hold of the paint; building ahead then leaves it alone."""
    hold = holds(monkeypatch)
    app = create_app(sample_store, liaison)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        opened = app.screen
        assert isinstance(opened, DirectoryScreen)
        assert hold == [0.05]
        await areas_built(pilot)
        assert app._screen_stacks["directory"] == [opened]
        assert app.screen is opened
        # Back to the Dashboard (built already): shown without the hold.
        await pilot.press("f7")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert hold == [0.05]


async def test_building_ahead_stops_when_the_app_closes(sample_store, liaison, monkeypatch):
    """An app closed while it builds its areas closes cleanly (nothing is built after)."""
    built: list[str] = []
    original = preload.build_area

    def build_area(app, mode):
        built.append(mode)
        screen = original(app, mode)
        if len(built) == 2:
            app.exit()  # (while that screen mounts)
        return screen

    monkeypatch.setattr(preload, "build_area", build_area)
    app = create_app(sample_store, liaison)
    async with app.run_test(size=SIZE) as pilot:
        while app not in preload._started:
            await pilot.pause(0.05)
        # (the app closing cancels the building, unless it got to its end first)
        with contextlib.suppress(WorkerCancelled):
            await app.workers.wait_for_complete()
    assert 2 <= len(built) < len(AREAS)


async def test_a_served_app_builds_no_area_ahead(sample_store, liaison, monkeypatch):
    """Served, every browser tab is a process of its own: areas are built when opened,
    as before, so that a tab holds only what its person opened."""
    monkeypatch.setenv("SHADOW_SERVED", "signed-in")
    app = create_app(sample_store, liaison)
    async with app.run_test(size=SIZE) as pilot:
        await areas_built(pilot)
        assert set(app._screen_stacks) == {"dashboard"}
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, DirectoryScreen)
