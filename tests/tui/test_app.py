"""The app shell: first run, identity, help, palette, theme, staying current."""

from __future__ import annotations

import pytest
from textual.color import Color
from textual.widgets import Input, OptionList

from shadow.core import config, directory
from shadow.core.models import Person
from shadow.core.store import Store
from shadow.tui.app import create_app
from shadow.tui.modals.first_run import FirstRunModal
from shadow.tui.modals.help import HelpScreen
from shadow.tui.modals.identity import IdentityModal
from shadow.tui.modals.person_form import PersonForm

from .helpers import (
    SIZE,
    directory_screen,
    notifications,
    open_by_key,
    press_each,
    record_threads,
    type_into,
)

# These were written when the app opened on the Directory; the Dashboard opens it now.
pytestmark = pytest.mark.usefixtures("opens_on_directory")


async def test_first_run_loads_the_sample(store):
    app = create_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, FirstRunModal)
        await pilot.click("#sample")
        await pilot.pause()
        assert store.count("people") == 32
        assert store.count("departments") == 14
        assert store.find("people", name="Priya Raman")[0]["created_by"] == directory.SETUP_ACTOR
        # Nobody is acting yet, so the identity prompt follows.
        assert isinstance(app.screen, IdentityModal)
        await pilot.press("escape")
        await pilot.pause()
        screen = directory_screen(pilot)
        assert app.screen is screen
        assert screen.people_table.row_count == 32
        assert screen.departments_table.row_count == 14
        names = [screen.people_table.full_row(i)[0] for i in screen.people_table.ids]
        assert "Priya Raman" in names
        assert app.sub_title == "no identity chosen"


async def test_start_empty_then_add_myself(store, private_config):
    app = create_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.click("#empty")
        await pilot.pause()
        assert isinstance(app.screen, IdentityModal)
        assert app.screen.query_one(OptionList).option_count == 0
        await open_by_key(pilot, "ctrl+n", PersonForm)
        await type_into(pilot, "#name", "Ada Coordinator")
        await pilot.press("ctrl+s")
        await pilot.pause()
        [doc] = store.find("people", name="Ada Coordinator")
        assert doc["created_by"] == directory.SETUP_ACTOR
        assert app.actor is not None and app.actor.id == doc["id"]
        assert app.sub_title == "Ada Coordinator"
        assert config.remembered_identity(store.path) == doc["id"]
        assert app.screen is directory_screen(pilot)
        assert directory_screen(pilot).people_table.ids == [doc["id"]]


async def test_identity_prompt_chooses_and_remembers(sample_store):
    app = create_app(sample_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, IdentityModal)
        await pilot.press(*"priya")
        await pilot.pause()
        assert app.screen.query_one(OptionList).option_count == 1
        await pilot.press("enter")
        await pilot.pause()
        priya = directory.find_person(sample_store, "Priya Raman")
        assert app.actor is not None and app.actor.id == priya.id
        assert app.sub_title == "Priya Raman"
        assert config.remembered_identity(sample_store.path) == priya.id
        # The app's header shows it too.
        header_title = app.screen.query_one("HeaderTitle")
        assert "Priya Raman" in str(header_title.render())


async def test_without_identity_changes_are_refused(sample_store):
    app = create_app(sample_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.actor is None
        await pilot.press("a")
        await pilot.pause()
        assert app.screen is directory_screen(pilot)  # no form opened
        assert any("Choose who you are" in n for n in notifications(pilot))
        # ... and 'w' asks again.
        await open_by_key(pilot, "w", IdentityModal)


async def test_demo_shows_demo_and_never_remembers(sample_store, liaison):
    app = create_app(sample_store, liaison, demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.screen is directory_screen(pilot)  # no prompts
        assert app.sub_title == f"DEMO · {liaison.name}"
    assert config.remembered_identity(sample_store.path) is None


async def test_help_lists_the_screen_keys(sample_store, liaison):
    app = create_app(sample_store, liaison)
    async with app.run_test(size=SIZE) as pilot:
        await open_by_key(pilot, "question_mark", HelpScreen)
        titles = [c.title for c in app.screen.screen_commands]
        assert {"Add", "Edit", "Import CSV", "Search"} <= set(titles)
        assert "directory" in app.screen.purpose.lower()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is directory_screen(pilot)
        # Dialogs have help too (f1; ? may be typed into a field).
        await pilot.press("a")
        await open_by_key(pilot, "f1", HelpScreen)
        assert "Save" in [c.title for c in app.screen.screen_commands]


async def test_palette_offers_every_command(sample_store, liaison):
    app = create_app(sample_store, liaison)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = {c.title for c in app.get_system_commands(app.screen)}
        for wanted in (
            "Switch area: Directory",
            "Add person",
            "Add department",
            "Import people CSV",
            "Import departments CSV",
            "Who am I",
            "Toggle dark/light",
            "Change theme",
            "Help",
            "Quit",
        ):
            assert wanted in titles
        # Run one through the palette itself.
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"add department")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "DepartmentForm"


async def test_theme_choice_is_saved_and_applied_next_time(sample_store, liaison):
    app = create_app(sample_store, liaison)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.theme = "nord"
        await pilot.pause()
        assert config.get("theme") == "nord"
        await pilot.press("ctrl+t")  # toggle dark/light
        await pilot.pause()
        assert config.get("theme") == app.theme != "nord"
    config.put("theme", "gruvbox")
    again = create_app(sample_store, liaison)
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert again.theme == "gruvbox"
    config.put("theme", "no-such-theme")
    third = create_app(sample_store, liaison)
    async with third.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert third.theme == "textual-dark"


def _styles(screen) -> dict:
    """Every widget's worked-out colours and text style, to compare two stylings."""
    return {
        widget: (widget.styles.background, widget.styles.color, widget.styles.text_style)
        for widget in screen.walk_children(with_self=True)
    }


async def test_an_area_shown_again_is_styled_as_a_restyle_would_style_it(sample_store, liaison):
    """An area shown again is not restyled whole when nothing it is styled by changed
    (tui/screens/base.py ``on_screen_resume``); a theme chosen while it was hidden
    restyles it. Either way its styles are what a full restyle gives."""
    app = create_app(sample_store, liaison)
    async with app.run_test(size=SIZE) as pilot:
        await press_each(pilot, "f3")
        schedule = app.screen
        await press_each(pilot, "f7", "f3")  # hidden, then shown again: not restyled
        assert app.screen is schedule
        shown = _styles(schedule)
        schedule.update_node_styles(animate=False)
        assert _styles(schedule) == shown
        await press_each(pilot, "f7")
        app.theme = "nord" if app.theme != "nord" else "gruvbox"  # while hidden
        await pilot.pause()
        await press_each(pilot, "f3")
        assert app.screen is schedule
        restyled = _styles(schedule)
        assert restyled != shown  # (the theme's colours)
        schedule.update_node_styles(animate=False)
        assert _styles(schedule) == restyled
        # A class the app takes while the area is hidden, that a rule styles it by.
        app.stylesheet.add_source("App.marked RecordTable { background: red; }", ("test", ""))
        app.refresh_css()
        await press_each(pilot, "f7")
        app.add_class("marked")
        await pilot.pause()
        await press_each(pilot, "f3")
        assert schedule.query_one("#agenda").styles.background == Color.parse("red")


async def test_changes_from_another_process_show_up(sample_store, liaison):
    app = create_app(sample_store, liaison)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = directory_screen(pilot)
        assert screen.people_table.row_count == 32
        other = Store(sample_store.path)  # another process, in effect
        person = directory.person_from_input(other, {"name": "Zed Elsewhere", "side": "it"})
        directory.save_person(other, "Someone Else", person)
        other.close()
        app._poll()  # what the 2-second timer does
        await pilot.pause()
        await pilot.pause()
        assert screen.people_table.row_count == 33
        assert store_names(screen) >= {"Zed Elsewhere"}


async def test_renaming_the_actor_updates_the_header(sample_store, liaison):
    app = create_app(sample_store, liaison)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        renamed = Person.from_doc(sample_store.get("people", liaison.id))
        renamed.name = "Siobhán O'Connell-Byrne"
        directory.save_person(sample_store, liaison.name, renamed)
        await pilot.pause()
        assert app.sub_title == "Siobhán O'Connell-Byrne"


def store_names(screen) -> set[str]:
    return {screen.people_table.full_row(i)[0] for i in screen.people_table.ids}


async def test_search_box_is_an_input(sample_store, liaison):
    app = create_app(sample_store, liaison)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash")
        assert isinstance(app.focused, Input) and app.focused.id == "search"


async def test_a_write_from_another_thread_refreshes_the_tables(sample_store, liaison):
    import threading

    app = create_app(sample_store, liaison)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = directory_screen(pilot)

        def write() -> None:  # the store calls its listeners on this thread
            person = directory.person_from_input(sample_store, {"name": "Threaded", "side": "it"})
            directory.save_person(sample_store, liaison.name, person)

        thread = threading.Thread(target=write)
        thread.start()
        thread.join()
        await pilot.pause()
        await pilot.pause()
        assert "Threaded" in store_names(screen)


async def test_reminders_and_todays_backup_wait_for_the_first_screens_read(
    sample_store, liaison, monkeypatch
):
    """Neither the acting person's reminders nor today's backup (which parses the audit
    trail as it copies it) share the interpreter with the first screen's read in a
    thread: both start once it is done, and neither is lost."""
    import shutil
    import threading

    from shadow.tui.app import ShadowApp
    from shadow.tui.loading import screens_reading

    shutil.rmtree(sample_store.backup_dir, ignore_errors=True)
    store = Store(sample_store.path)
    monkeypatch.setattr(store, "size_hint", lambda table: 10**6)  # (read in a thread)
    gate = threading.Event()
    ui = threading.get_ident()
    for name in ("all", "stored"):  # a screen's read in a thread waits for the gate
        real = getattr(store, name)

        def held(*args, _real=real, **kwargs):
            if threading.get_ident() != ui:
                assert gate.wait(10)
            return _real(*args, **kwargs)

        monkeypatch.setattr(store, name, held)
    reminded: list[str] = []
    monkeypatch.setattr(
        ShadowApp,
        "_read_reminders",
        lambda app, person: reminded.append(person.name) or (person, ""),
    )
    app = create_app(store, liaison)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.3)
        assert screens_reading(app)
        app._poll()  # (what the 2-second timer does)
        await pilot.pause(0.3)
        assert reminded == [] and store.backups() == []
        gate.set()
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        assert reminded == [liaison.name]
        app._poll()
        await app.workers.wait_for_complete()
        assert len(store.backups()) == 1


async def test_the_survey_figures_are_read_ahead_once_the_first_screen_has_read(
    sample_store, liaison
):
    """The figures an area reads that change only with the database are worked out in the
    background once the first screen has read (preload.read_ahead): the Coverage area's
    survey gaps are there before it is first opened, and the same as it would read."""
    from shadow.core import coverage, surveys
    from shadow.tui import preload

    app = create_app(sample_store, liaison)
    async with app.run_test(size=SIZE) as pilot:
        while app not in preload._started:
            await pilot.pause(0.05)
        await app.workers.wait_for_complete()
        gaps = sample_store.derived(("surveys.report",))
        assert gaps is not None and gaps == surveys.report(sample_store)
        assert coverage.survey_figures(sample_store)[0] is gaps  # (not worked out again)


async def test_a_dashboard_read_ahead_still_leaves_the_visits_index_built(sample_store, liaison):
    """A Dashboard read here builds the index of every visit's occurrences that the
    record-the-outcome lists and the department card read; one read ahead in child
    processes does not, so the app builds it in the background (preload.read_ahead), and
    the service calendar's years the department card's first states would build."""
    from shadow.core import ahead, dates
    from shadow.core.calendar import _CALENDARS, calendar_for
    from shadow.core.dashboard import read_dashboard
    from shadow.core.occurrence_index import OccurrenceIndex
    from shadow.tui import preload

    _CALENDARS.clear()  # (no year built by an earlier test)
    found = ahead.start(lambda: read_dashboard(sample_store, dates.now(), liaison))
    assert found is not None
    app = create_app(sample_store, liaison, ahead=found)
    async with app.run_test(size=SIZE) as pilot:
        while app not in preload._started:
            await pilot.pause(0.05)
        await app.workers.wait_for_complete()
        index = OccurrenceIndex.kept(sample_store)
        assert index is not None and len(index) == sample_store.count("visits")
        # and the service calendar's years its suggestions' clocks cross (the Dashboard
        # worked its clocks out in the child, not here)
        oldest = min(d["created"] for _, d in sample_store.stored("suggestions"))
        built = calendar_for(sample_store)._years
        assert set(range(int(oldest[:4]), dates.now().year + 1)) <= set(built)


async def test_todays_backup_and_a_due_fold_are_taken_off_the_ui_thread(
    sample_store, liaison, monkeypatch
):
    """The first save of a day copies the whole database first, and every 2,000th folds
    the journal into it (1-3 s each at 150,000 records): the app does both in a worker
    thread, so that a form's save never waits for them."""
    import shutil
    import threading

    from shadow.core import store as store_mod
    from shadow.tui import housekeeping

    shutil.rmtree(sample_store.backup_dir, ignore_errors=True)
    store = Store(sample_store.path)  # a new day's first session: no backup taken yet today
    monkeypatch.setattr(store_mod, "COMPACT_EVERY", 3)
    threads = record_threads(monkeypatch, store, "backup", "_compact")
    app = create_app(store, liaison)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        ui = threading.get_ident()
        assert store.backups() == [] and store.housekeeping_due()
        await pilot.press("f1", "escape")  # someone at work
        app._poll()  # what the 2-second timer does: today's backup is taken aside at once
        await app.workers.wait_for_complete()
        assert len(store.backups()) == 1 and threads["backup"] == []  # (not by this store)
        for n in range(4):  # saved on the UI thread, as a form saves
            person = directory.person_from_input(store, {"name": f"New {n}", "side": "it"})
            directory.save_person(store, liaison.name, person)
        assert threads["_compact"] == [] and store.journal_path.stat().st_size > 0
        assert len(store.backups()) == 1 and threads["backup"] == []  # (taken already)
        app._poll()  # a fold holds the store: not while someone is at work
        await app.workers.wait_for_complete()
        assert threads["_compact"] == [] and store.housekeeping_due()
        monkeypatch.setattr(housekeeping, "IDLE_SECONDS", 0.0)  # (as if idle since)
        app._poll()
        await app.workers.wait_for_complete()
        assert threads["_compact"] and ui not in threads["_compact"]
        assert store.journal_path.stat().st_size == 0
        assert not store.housekeeping_due()
    assert {"New 0", "New 3"} <= {d["name"] for d in Store(sample_store.path).all("people")}
