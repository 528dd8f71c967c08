"""The department page: reached from the Directory and the palette, readable wide and
narrow, user text literal, and a snapshot at a fixed clock."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList

from shadow.core import dates, directory
from shadow.core.sample import DEMO_ACTOR, load_sample
from shadow.tui.app import create_app
from shadow.tui.modals.department_form import DepartmentForm
from shadow.tui.modals.help import HelpScreen
from shadow.tui.modals.pickers import RecordPicker
from shadow.tui.screens.department import CardPage, DepartmentScreen

from .helpers import directory_screen, open_by_key, opened
from .programme import HOSTILE, NOW

pytestmark = pytest.mark.usefixtures("opens_on_directory")


@pytest.fixture
def fixed(store, monkeypatch):
    """The sample programme loaded as of a fixed moment (the sample dates from 'now')."""
    monkeypatch.setenv("TZ", "Europe/London")
    monkeypatch.setattr(dates, "now", lambda: NOW)
    load_sample(store, directory.SETUP_ACTOR)
    return store


def acting(store):
    return directory.find_person(store, DEMO_ACTOR)


async def open_from_directory(pilot: Pilot, name: str) -> DepartmentScreen:
    await pilot.pause()
    screen = directory_screen(pilot)
    await pilot.press("2")
    screen.departments_table.select_id(directory.find_department(pilot.app.store, name).id)
    page = await open_by_key(pilot, "enter", DepartmentScreen)
    return page


@pytest.mark.parametrize("size", [(140, 42), (80, 24)])
async def test_enter_on_a_department_opens_its_card(fixed, size):
    app = create_app(fixed, acting(fixed), clock=lambda: NOW)
    async with opened(app, open_from_directory, "Circulation", size=size) as (pilot, page):
        assert page.has_class("-narrow") == (size[0] < 100)
        assert "ROTATION DUE" in page.section_text("Circulation")
        assert "Marcus Webb" in page.section_text("Circulation")
        assert "IT staff who visited Circulation" in page.section_text("Coverage both ways")
        assert "Circulation's people visiting IT teams" in page.section_text("Coverage both ways")
        assert "Ben Kowalczyk with Marcus Webb" in page.section_text("Secondments")
        assert "would do it again" in page.section_text("Ratings")
        assert "mean gap" in page.section_text("Pulse")
        # every section fits the width it has (nothing cut off to the right)
        for static in page.query(".card-section"):
            assert static.region.right <= size[0]
        await pilot.press("pagedown")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is directory_screen(pilot)


async def test_an_it_team_reads_the_other_way_and_help_explains(fixed):
    app = create_app(fixed, acting(fixed), clock=lambda: NOW)
    async with opened(app, open_from_directory, "Service Desk", size=(120, 36)) as (pilot, page):
        assert "IT team; visits here are library → IT" in page.section_text("Service Desk")
        assert "library staff who visited Service Desk" in page.section_text("Coverage both ways")
        assert "Priya Raman with Jonah Fairweather" in page.section_text("Secondments")
        assert isinstance(page.query_one(CardPage), CardPage)
        await open_by_key(pilot, "question_mark", HelpScreen)
        await pilot.press("escape")
        await open_by_key(pilot, "e", DepartmentForm)


async def test_the_palette_command_asks_which_department(fixed):
    app = create_app(fixed, acting(fixed), clock=lambda: NOW)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await app.run_action("department_page")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, RecordPicker)
        options = picker.query_one(OptionList)

        def labels() -> list[str]:
            return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]

        assert "Service Desk  IT team" in labels() and "Circulation  library" in labels()
        await pilot.press(*"APPLIC")  # typed: case does not matter, the list narrows
        await pilot.pause()
        assert labels() == ["Applications  IT team"]
        await open_by_key(pilot, "enter", DepartmentScreen)
        assert app.screen.card.department.name == "Applications"


async def test_user_text_on_the_card_is_literal(fixed):
    circ = directory.find_department(fixed, "Circulation")
    circ.notes = HOSTILE
    directory.save_department(fixed, "setup", circ)
    amara = directory.find_person(fixed, "Amara Okafor")
    with fixed.transaction("setup") as tx:
        tx.insert("kudos", {"to_id": amara.id, "from_id": acting(fixed).id, "text": HOSTILE})
    app = create_app(fixed, acting(fixed), clock=lambda: NOW)
    async with opened(app, open_from_directory, "Circulation", size=(140, 42)) as (pilot, page):
        assert HOSTILE in page.section_text("Kudos both ways")


def test_snapshot_department_page(snap_compare, fixed):
    async def open_page(pilot: Pilot) -> None:
        await pilot.pause()
        pilot.app.push_screen(
            DepartmentScreen(directory.find_department(pilot.app.store, "Circulation").id)
        )
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        pilot.app.clear_notifications()
        await pilot.pause()

    app = create_app(fixed, acting(fixed), clock=lambda: NOW)
    assert snap_compare(app, terminal_size=(140, 42), run_before=open_page)


async def test_dashboard_and_schedule_show_both_directions(fixed, monkeypatch):
    from textual.widgets import Label, Select

    from shadow.tui.screens.dashboard import DashboardScreen
    from shadow.tui.screens.schedule import ScheduleScreen

    app = create_app(fixed, acting(fixed), clock=lambda: NOW)
    async with app.run_test(size=(140, 42)) as pilot:
        await pilot.pause()
        await pilot.press("f7")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        dash = app.screen
        assert isinstance(dash, DashboardScreen)
        line = str(dash.query_one("#dash-liaison", Label).render())
        assert line.startswith("Liaison rotation due: ") and "Circulation (Marcus Webb" in line
        assert "Infrastructure (Mei Tanaka, overdue by 24 days)" in line  # fits 140 columns
        schedule = await open_by_key(pilot, "f3", ScheduleScreen)
        schedule.show_past = True
        schedule.refilter()
        await pilot.pause()
        ways = {schedule.agenda.full_row(key)[-1] for key in schedule.agenda.ids}
        assert ways == {"IT→lib", "lib→IT"}
        schedule.query_one("#filter-direction", Select).value = "library-to-it"
        await pilot.pause()
        rows = [schedule.agenda.full_row(key) for key in schedule.agenda.ids]
        assert rows and all(r[-1] == "lib→IT" for r in rows)
        assert {r[2] for r in rows} <= {"Service Desk", "Infrastructure", "Applications"}
        assert "library → IT" in str(schedule.query_one("#schedule-filter", Label).render())


async def test_coverage_switches_direction(fixed):
    from shadow.tui.screens.coverage import CoverageScreen

    app = create_app(fixed, acting(fixed), clock=lambda: NOW)
    async with app.run_test(size=(140, 42)) as pilot:
        screen = await open_by_key(pilot, "f8", CoverageScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Circulation" in [d.name for d in screen.cov.departments]
        await pilot.press("d")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.cov.direction == "library-to-it"
        assert [d.name for d in screen.cov.departments] == [
            "Applications",
            "Infrastructure",
            "Service Desk",
        ]
        assert all(p.side == "library" for p in screen.cov.people)
        assert any(g.goal.get("direction") == "library-to-it" for g in screen.cov.goals)


def _make_due(store, names: list[str]) -> None:
    """Name a liaison long ago for each of these departments, so each rotation is due."""
    from shadow.core.models import Department

    liaison = directory.find_person(store, "Ravi Shankar")
    with store.transaction("test setup") as tx:
        for i, name in enumerate(names):
            dept = directory.find_department(store, name)
            since = f"2023-0{i + 1}-15"
            tx.update(Department.TABLE, dept.id, {"liaison_id": liaison.id, "liaison_since": since})


@pytest.mark.parametrize("size", [(80, 24), (140, 42)])
async def test_the_liaison_line_fits_when_several_departments_are_due(fixed, size):
    from rich.cells import cell_len
    from textual.widgets import Label

    from shadow.core import liaison

    _make_due(fixed, ["Reference", "Systems", "Local History & Archives", "Northgate Branch"])
    due = liaison.rotations(fixed, NOW.date(), due_only=True)
    assert len(due) >= 5
    app = create_app(fixed, acting(fixed), clock=lambda: NOW)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("f7")
        await app.workers.wait_for_complete()
        await pilot.pause()
        label = app.screen.query_one("#dash-liaison", Label)
        line = str(label.render())
        assert line.startswith("Liaison rotation due: ")
        assert cell_len(line) <= size[0] - 2, line  # nothing cut off at the edge
        assert due[0].department in line  # the most overdue first, always named
        shown = [r.department for r in due if r.department in line]
        if len(shown) < len(due):  # the rest counted, never silently dropped
            assert line.endswith(f" +{len(due) - len(shown)} more"), line
        tooltip = str(label.tooltip or "")
        assert all(r.department in line or r.department in tooltip for r in due)
        await pilot.resize_terminal(320, 42)
        await pilot.pause()
        wide = str(label.render())
        assert cell_len(wide) <= 318 and "overdue by" in wide  # re-fitted to the new width


async def test_a_card_fills_the_sections_it_composed_in_one_layout_pass(fixed, monkeypatch):
    """Every card has the same sections (``SECTIONS``, in ``card_lines``' order): they are
    composed empty and filled when the card is read (in a thread, as at 10,000 records),
    not mounted then (two more layout passes of the page), and each title and section
    shows what ``card_lines`` says."""
    from textual.widgets import Label, Static

    from shadow.core.department_card import card_lines
    from shadow.tui.screens import department

    real_init = DepartmentScreen.__init__

    def read_in_a_thread(screen, *args, **kwargs):
        real_init(screen, *args, **kwargs)
        screen.loader.limit = 0

    passes: list[list[str]] = []  # what each layout pass after the card was shown laid out
    real_show = DepartmentScreen.show

    def counted_show(screen, card):
        real_show(screen, card)
        passes.append([])

    real_pass = DepartmentScreen._refresh_layout

    def counted_pass(screen, *args, **kwargs):
        if passes:
            passes[-1].append(sorted(str(w.id) for w in screen._layout_widgets))
        return real_pass(screen, *args, **kwargs)

    monkeypatch.setattr(DepartmentScreen, "__init__", read_in_a_thread)
    monkeypatch.setattr(DepartmentScreen, "show", counted_show)
    monkeypatch.setattr(DepartmentScreen, "_refresh_layout", counted_pass)
    for name in ("Circulation", "Service Desk"):  # (a library department, an IT team)
        passes.clear()
        app = create_app(fixed, acting(fixed), clock=lambda: NOW)
        async with opened(app, open_from_directory, name, size=(140, 42)) as (pilot, page):
            await app.workers.wait_for_complete()
            for _ in range(6):
                await pilot.pause(0.02)
            lines = card_lines(page.card)
            assert len(lines) == department.SECTIONS
            for n, (title, body) in enumerate(lines):
                assert str(page.query_one(f"#card-title-{n}", Label).render()) == title
                shown = str(page.query_one(f"#card-{n}", Static).render())
                assert shown.splitlines()[0] == str(body[0])
            assert len(passes) == 1
            sections = [laid for laid in passes[0] if "card-columns" in laid]
            assert len(sections) == 1, passes  # (one layout pass of the sections)


async def test_a_card_is_read_on_the_spot_once_what_it_reads_is_parsed(fixed, monkeypatch):
    """Up to PARSED_ON_THE_SPOT records (~15 ms of reading) a card is read on the spot,
    but only once every table it reads is parsed: else the read would parse them on the
    event loop, and it goes to a thread as before."""
    from shadow.tui.screens import department

    monkeypatch.setattr(department, "SYNC_LIMIT", 0)  # (the sample is small: 0 records)
    app = create_app(fixed, acting(fixed), clock=lambda: NOW)
    async with app.run_test(size=(140, 42)):
        dept = directory.find_department(fixed, "Circulation")
        page = DepartmentScreen(dept.id)
        asked = []
        real = fixed.indexed
        parsed = [False]

        def indexed(*fields, **kwargs):
            asked.append(set(kwargs.get("parsed", ())))
            return parsed[0] and real(*fields, **kwargs)

        monkeypatch.setattr(fixed, "indexed", indexed)
        assert page.loader.small() is False  # (not parsed: a thread)
        assert asked[-1] == set(DepartmentScreen.WATCHES)
        parsed[0] = True
        assert page.loader.small() is True
        monkeypatch.setattr(department, "PARSED_ON_THE_SPOT", 0)
        assert page.loader.small() is False  # (too many records: a thread)
