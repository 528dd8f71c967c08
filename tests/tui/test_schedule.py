"""The schedule area: agenda, week grid, booking with live conflict checks, status changes.

Everything here happens at fixed dates: the sample's own visits (dated around
the real today) are removed, a handful are booked in February 2027, and the
screen is told that "now" is Wednesday 17 February 2027, 09:00 in London.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Input, Label

from shadow.core import directory, schedule
from shadow.core.dates import format_span
from shadow.core.models import Kudos, Observation, Visit
from shadow.tui.app import create_app
from shadow.tui.modals.base import Confirm
from shadow.tui.modals.booking import BookingForm, RescheduleForm
from shadow.tui.modals.pickers import TextPrompt
from shadow.tui.modals.series_choice import SeriesChoice
from shadow.tui.screens.schedule import ScheduleScreen
from shadow.tui.widgets.conflict_list import ConflictList
from shadow.tui.widgets.field import Field

from .helpers import (
    SIZE,
    cells_render_as_datatable_does,
    notifications,
    open_by_key,
    opened,
    press_each,
    record_threads,
    type_into,
)
from .programme import HOSTILE, LONDON

NOW = datetime(2027, 2, 17, 9, 0, tzinfo=LONDON)  # a Wednesday
SETTLE = 0.5  # longer than the form's debounce


@pytest.fixture(autouse=True)
def london(monkeypatch):
    monkeypatch.setenv("TZ", "Europe/London")


def book(store, dept, visitors, when, *, duration="2h", repeat="", status=None, purpose=""):
    booking = schedule.visit_from_input(
        store,
        {
            "department": dept,
            "visitors": visitors,
            "when": when,
            "duration": duration,
            "repeat": repeat,
            "purpose": purpose,
        },
        now_=NOW,
    )
    visit_id = schedule.book(store, directory.SETUP_ACTOR, booking)
    if status:
        reason = "the room flooded" if status == "cancelled" else ""
        schedule.set_status(store, directory.SETUP_ACTOR, visit_id, status, reason=reason)
    return visit_id


@pytest.fixture
def calendar(sample_store):
    """The sample directory with a fixed week of visits; returns their ids by nickname."""
    store = sample_store
    with store.transaction(directory.SETUP_ACTOR) as tx:
        for table in (Visit.TABLE, Observation.TABLE, Kudos.TABLE):
            for doc in store.all(table):
                tx.delete(table, doc["id"])
    ids = {
        "tig": book(
            store,
            "Systems",
            "Ravi Shankar",
            "2027-02-15 09:00",
            repeat="fortnightly until 15/3/2027",
            status="confirmed",
        ),
        "circ": book(store, "Circulation", "Samuel Osei", "2027-02-17 10:00", status="confirmed"),
        "circ2": book(store, "Circulation", "Ben Kowalczyk", "2027-02-17 14:00", duration="90m"),
        "ref": book(store, "Reference", "Chloe Martin", "2027-02-18 14:00"),
        "archives": book(store, "Local History & Archives", "Adebayo Adeyemi", "2027-02-23 10:00"),
        "maker": book(store, "Makerspace", "Mei Tanaka", "2027-02-20 10:00", status="cancelled"),
        "past": book(store, "Children's & Youth", "Ben Kowalczyk", "2027-02-10 10:00"),
    }
    return ids


async def open_schedule(pilot: Pilot) -> ScheduleScreen:
    """Switch to the Schedule area (F3); the app's clock says it is NOW."""
    return await open_by_key(pilot, "f3", ScheduleScreen)


async def open_booking(pilot: Pilot, department: str = "", visitors: str = "") -> BookingForm:
    """Open the booking form (b) and type the department and visitors given."""
    await press_each(pilot, "b")
    form = pilot.app.screen
    assert isinstance(form, BookingForm)
    if department:
        await type_into(pilot, "#department", department)
    if visitors:
        await type_into(pilot, "#visitors", visitors)
    return form


def agenda_rows(screen: ScheduleScreen) -> dict[str, list[str]]:
    return {key: screen.agenda.full_row(key) for key in screen.agenda.ids}


def field_error(form, name: str) -> str:
    return form.query_one(f"#field-{name}", Field).error


def hint(form, name: str) -> str:
    return str(form.query_one(f"#field-{name}", Field).query_one(".field-hint", Label).content)


async def test_agenda_groups_today_this_week_and_upcoming(sample_store, calendar, liaison):
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with opened(app, open_schedule) as (pilot, screen):
        rows = agenda_rows(screen)
        tig, circ, circ2 = calendar["tig"], calendar["circ"], calendar["circ2"]
        assert list(rows) == [
            str(circ),
            str(circ2),
            str(calendar["ref"]),
            str(calendar["maker"]),
            str(calendar["archives"]),
            f"{tig}@2027-03-01",
            f"{tig}@2027-03-15",
        ]
        assert rows[str(circ)][:3] == ["Today", "Wed 17 Feb 10:00–12:00", "Circulation"]
        assert rows[str(circ)][3:7] == [
            "Samuel Osei",
            "Marcus Webb, Amara Okafor",
            "tour",
            "confirmed",
        ]
        assert rows[str(circ2)][0] == ""  # the group label only on its first row
        assert rows[str(calendar["ref"])][:2] == ["This week", "Thu 18 Feb 14:00–16:00"]
        assert rows[str(calendar["maker"])][6] == "cancelled"
        assert rows[str(calendar["archives"])][0] == "Upcoming"
        assert rows[f"{tig}@2027-03-01"][7] == "every other week until Mon 15 Mar 2027"
        assert str(calendar["past"]) not in rows and f"{tig}@2027-02-15" not in rows
        assert screen.agenda.selected_id == str(circ)  # the cursor starts at today
        title = str(screen.query_one("#schedule-title", Label).content)
        assert title.endswith("2 today · 2 this week · 3 upcoming")
        # p adds the past 30 days, labelled as such, and the cursor stays at today.
        await press_each(pilot, "p")
        rows = agenda_rows(screen)
        assert rows[str(calendar["past"])][:2] == ["Past", "Wed 10 Feb 10:00–12:00"]
        assert rows[f"{tig}@2027-02-15"][6] == "confirmed"
        assert screen.agenda.selected_id == str(circ)


async def test_book_sees_conflict_then_saves_at_a_free_time(sample_store, calendar, liaison):
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with opened(app, open_schedule) as (pilot, screen):
        form = await open_by_key(pilot, "b", BookingForm)
        await type_into(pilot, "#department", "Reference")
        await type_into(pilot, "#visitors", "Samuel Osei")
        await type_into(pilot, "#when", "17/2/2027 10:30")
        await pilot.pause(SETTLE)
        # The date as read, the hosts it will use, and the double booking in red.
        assert hint(form, "when") == "= Wed 17 Feb 2027 10:30–12:30"
        assert "Hannah Lindqvist" in hint(form, "hosts")
        conflicts = form.query_one(ConflictList)
        assert conflicts.display
        assert [c.rule for c in conflicts.hard] == ["double-booked"]
        assert f"conflict  Samuel Osei is already on visit #{calendar['circ']}" in conflicts.plain
        assert not form.query_one("#field-reason", Field).display  # no soft conflicts
        await press_each(pilot, "ctrl+s")
        assert app.screen is form  # refused, nothing lost
        assert "must be fixed first" in str(form.query_one("#form-message", Label).content)
        assert form.query_one("#department", Input).value == "Reference"
        assert len(sample_store.all("visits")) == len(calendar)
        # A free time: the conflict goes away as you type.
        await type_into(pilot, "#when", "17/2/2027 14:00")
        await pilot.pause(SETTLE)
        assert conflicts.conflicts == []
        assert "No conflicts" in str(conflicts.content)
        assert hint(form, "when") == "= Wed 17 Feb 2027 14:00–16:00"
        await press_each(pilot, "ctrl+s")
        assert app.screen is screen
        [doc] = [d for d in sample_store.all("visits") if d["id"] not in calendar.values()]
        assert doc["status"] == "requested"
        assert doc["start"] == "2027-02-17T14:00+00:00"
        assert doc["created_by"] == liaison.name
        assert screen.agenda.selected_id == str(doc["id"])
        row = screen.agenda.full_row(str(doc["id"]))
        assert row[1:4] == ["Wed 17 Feb 14:00–16:00", "Reference", "Samuel Osei"]
        assert row[6] == "requested"
        assert any(f"Booked visit #{doc['id']}" in n for n in notifications(pilot))


async def test_on_a_large_calendar_the_booking_form_checks_finds_and_saves_in_a_thread(
    sample_store, calendar, liaison, monkeypatch
):
    """At 150,000 records a check reads the calendar around the time (0.1-0.2 s), a save
    checks again as it writes and finding slots probes a thousand times: on a calendar
    that large they run in a thread, and the form answers the same."""
    import threading

    ui = threading.get_ident()
    threads = record_threads(monkeypatch, schedule, "visit_from_input", "book", "find_slots")
    real_hint = sample_store.size_hint
    monkeypatch.setattr(
        sample_store, "size_hint", lambda t: 150_000 if t == "visits" else real_hint(t)
    )

    async def settle(pilot):
        for _ in range(3):
            await pilot.pause(SETTLE)
            await pilot.app.workers.wait_for_complete()

    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await open_schedule(pilot)
        await settle(pilot)
        form = await open_booking(pilot, "Reference", "Samuel Osei")
        await type_into(pilot, "#when", "17/2/2027 10:30")
        await settle(pilot)
        assert threads["visit_from_input"] and ui not in threads["visit_from_input"]
        assert [c.rule for c in form.query_one(ConflictList).hard] == ["double-booked"]
        await press_each(pilot, "ctrl+f")
        await settle(pilot)
        assert threads["find_slots"] and ui not in threads["find_slots"]
        assert len(form.slots) == 5 and form.query_one("#slots").option_count == 5
        assert "Next free slots at Reference" in str(form.query_one("#slots-title", Label).content)
        await type_into(pilot, "#when", "17/2/2027 14:00")
        await settle(pilot)
        assert form.query_one(ConflictList).conflicts == []
        # Two presses while the first save is under way: one visit booked.
        await pilot.press("ctrl+s", "ctrl+s")
        await settle(pilot)
        assert threads["book"] and ui not in threads["book"]
        assert isinstance(app.screen, ScheduleScreen)
        new = [d for d in sample_store.all("visits") if d["id"] not in calendar.values()]
        assert [d["start"] for d in new] == ["2027-02-17T14:00+00:00"]


async def test_errors_show_under_fields_only_once_touched(sample_store, calendar, liaison):
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await open_schedule(pilot)
        form = await open_booking(pilot)
        assert field_error(form, "when") == ""  # nothing typed yet: no scolding
        await type_into(pilot, "#when", "next blursday")
        await type_into(pilot, "#duration", "forever")
        await pilot.pause(SETTLE)
        assert "Cannot read 'next blursday'" in field_error(form, "when")
        assert "Cannot read 'forever' as a duration" in field_error(form, "duration")
        assert field_error(form, "department") == ""
        await press_each(pilot, "ctrl+s")
        # After a save attempt every problem shows, the first field gets the focus.
        assert "is required" in field_error(form, "department")
        assert "visitor" in field_error(form, "visitors")
        assert app.focused is form.query_one("#department")
        assert form.query_one("#when", Input).value == "next blursday"


async def test_soft_conflict_needs_a_reason_and_save_anyway(sample_store, calendar, liaison):
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await open_schedule(pilot)
        form = await open_booking(pilot, "Reference", "Sofia Rossi")
        await type_into(pilot, "#when", "2027-02-19 16:00")  # Fridays it closes at 17:00
        await pilot.pause(SETTLE)
        conflicts = form.query_one(ConflictList)
        assert [c.rule for c in conflicts.soft] == ["outside-hours"] and not conflicts.hard
        assert "warning   Fri 19 Feb 2027 16:00–18:00 is outside Reference's" in conflicts.plain
        reason = form.query_one("#field-reason", Field)
        assert reason.display
        await press_each(pilot, "ctrl+s")
        assert app.screen is form
        assert "reason" in reason.error.lower()
        assert app.focused is form.query_one("#reason")
        await type_into(pilot, "#reason", "Late shift agreed with Hannah")
        assert reason.error == ""
        await open_by_key(pilot, "ctrl+s", Confirm)
        assert "Save anyway" in str(app.screen.query_one("#yes").label)
        await pilot.press("n")  # back to the form: nothing saved, nothing lost
        await pilot.pause()
        assert app.screen is form
        assert len(sample_store.all("visits")) == len(calendar)
        await pilot.press("ctrl+s")
        await open_by_key(pilot, "y", ScheduleScreen)
        [doc] = [d for d in sample_store.all("visits") if d["id"] not in calendar.values()]
        assert doc["override_reason"] == "Late shift agreed with Hannah"
        assert doc["status"] == "requested"


async def test_find_a_slot_fills_the_when_field(sample_store, calendar, liaison):
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await open_schedule(pilot)
        form = await open_booking(pilot, "Circulation", "Ben Kowalczyk")
        await press_each(pilot, "ctrl+f")
        # From "now" (Wed 17 Feb 09:00): the hosts are busy 10-12 and 14-15:30 (with Ben).
        assert len(form.slots) == 5
        assert f"{form.slots[0][0]:%a %d %b %H:%M}" == "Wed 17 Feb 16:00"
        shown = form.query_one("#slots").get_option_at_index(0).prompt
        assert str(shown) == "Wed 17 Feb 2027 16:00–18:00"
        await pilot.press("down", "enter")
        await pilot.pause()
        assert form.query_one("#when", Input).value == f"{form.slots[1][0]:%Y-%m-%d %H:%M}"
        start, end = form.slots[1]
        assert hint(form, "when") == f"= {format_span(start, end)}"
        assert form.query_one(ConflictList).conflicts == []


async def test_confirm_and_cancel_from_the_agenda(sample_store, calendar, liaison):
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with opened(app, open_schedule) as (pilot, screen):
        ref, circ, tig = calendar["ref"], calendar["circ"], calendar["tig"]
        assert screen.agenda.select_id(str(ref))
        await press_each(pilot, "f")
        assert sample_store.get("visits", ref)["status"] == "confirmed"
        assert screen.agenda.full_row(str(ref))[6] == "confirmed"
        # Cancelling asks why first; escape keeps the visit.
        assert screen.agenda.select_id(str(circ))
        await open_by_key(pilot, "x", TextPrompt)
        await press_each(pilot, "escape")
        assert sample_store.get("visits", circ)["status"] != "cancelled"
        await press_each(pilot, "x")
        await type_into(pilot, "#answer", "Host [off] sick")
        await press_each(pilot, "enter")
        assert sample_store.get("visits", circ)["status"] == "cancelled"
        assert sample_store.get("visits", circ)["status_reason"] == "Host [off] sick"
        assert screen.agenda.full_row(str(circ))[6] == "cancelled"
        # A status that cannot follow: an error, nothing changed.
        assert screen.agenda.select_id(str(calendar["archives"]))
        await press_each(pilot, "d")
        assert sample_store.get("visits", calendar["archives"])["status"] == "requested"
        assert any(
            "is requested; it can become confirmed, cancelled" in n for n in notifications(pilot)
        )
        # One occurrence of a series: this one, or the whole series?
        assert screen.agenda.select_id(f"{tig}@2027-03-01")
        await open_by_key(pilot, "x", SeriesChoice)
        await press_each(pilot, "o")
        await type_into(pilot, "#answer", "bank holiday")
        await press_each(pilot, "enter")
        [override] = sample_store.find("visits", series_id=tig)
        assert override["status"] == "cancelled"
        assert override["occurrence"].startswith("2027-03-01T09:00")
        assert sample_store.get("visits", tig)["status"] == "confirmed"
        rows = agenda_rows(screen)
        assert rows[f"{tig}@2027-03-01"][6] == "cancelled"
        assert rows[f"{tig}@2027-03-15"][6] == "confirmed"
        # ... and the whole series.
        assert screen.agenda.select_id(f"{tig}@2027-03-15")
        await press_each(pilot, "x", "s")
        await type_into(pilot, "#answer", "the group is disbanded")
        await press_each(pilot, "enter")
        # The screen's "now" (17 Feb) is after the series began (15 Feb): cancelling it
        # ends it after its last past occurrence, which keeps its status (core's rule).
        series = sample_store.get("visits", tig)
        assert series["status"] == "confirmed" and "UNTIL=20270215T090000" in series["rrule"]
        assert series["status_reason"] == "the group is disbanded"
        assert f"{tig}@2027-03-15" not in agenda_rows(screen)
        assert any(f"Series #{tig} ended" in n for n in notifications(pilot))


async def test_reschedule_checks_live_and_moves(sample_store, calendar, liaison):
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with opened(app, open_schedule) as (pilot, screen):
        ref = calendar["ref"]
        assert screen.agenda.select_id(str(ref))
        form = await open_by_key(pilot, "r", RescheduleForm)
        assert form.query_one("#when", Input).value == "2027-02-18 14:00"
        assert hint(form, "when") == "= Thu 18 Feb 2027 14:00–16:00"
        await type_into(pilot, "#when", "2027-02-17 10:00")  # Chloe is free; Reference too
        await pilot.pause(SETTLE)
        assert hint(form, "when") == "= Wed 17 Feb 2027 10:00–12:00"
        assert form.query_one(ConflictList).conflicts == []
        await press_each(pilot, "ctrl+s")
        assert app.screen is screen
        assert sample_store.get("visits", ref)["start"] == "2027-02-17T10:00+00:00"
        assert screen.agenda.full_row(str(ref))[:2] == ["", "Wed 17 Feb 10:00–12:00"]


async def test_the_agenda_paints_what_a_datatable_paints_after_a_filter(
    sample_store, calendar, liaison
):
    """The agenda's cells share their renderings across refills (a filter's letter): each
    cell, before and after, is what DataTable's own rendering gives, row and column too."""
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with opened(app, open_schedule) as (pilot, screen):
        assert cells_render_as_datatable_does(screen.agenda) > 0
        await pilot.press("slash", "a")
        await pilot.pause()
        assert 1 < len(screen.agenda.ids)
        assert cells_render_as_datatable_does(screen.agenda) > 0


async def test_filters_and_my_visits(sample_store, calendar, liaison):
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with opened(app, open_schedule) as (pilot, screen):
        await press_each(pilot, "slash")
        assert app.focused is screen.query_one("#filter-person")
        await pilot.press(*"chloe")
        await pilot.pause()
        assert screen.agenda.ids == [str(calendar["ref"])]
        shown = str(screen.query_one("#schedule-filter", Label).content)
        assert 'person "chloe"' in shown and "c clears" in shown
        await press_each(pilot, "escape")
        assert len(screen.agenda.ids) > 1
        assert screen.query_one("#filter-person", Input).value == ""
        # m: the acting person's visits (the liaison hosts Administration: none booked).
        await press_each(pilot, "m")
        assert screen.agenda.ids == []
        assert "my visits (Siobhán O'Connell)" in str(
            screen.query_one("#schedule-filter", Label).content
        )
        await press_each(pilot, "c")
        assert len(screen.agenda.ids) > 1


async def test_week_grid_and_its_navigation(sample_store, calendar, liaison):
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with opened(app, open_schedule) as (pilot, screen):
        await press_each(pilot, "v")
        grid = screen.grid
        assert app.focused is grid
        assert grid.selected is not None and grid.selected[1] == 2  # today's column
        assert grid.plain_headers() == [
            "Department", "Mon 15 Feb", "Tue 16 Feb", "Wed 17 Feb", "Thu 18 Feb",
            "Fri 19 Feb", "Sat 20 Feb", "Sun 21 Feb",
        ]  # fmt: skip
        circulation = directory.find_department(sample_store, "Circulation").id
        archives = directory.find_department(sample_store, "Local History & Archives").id
        systems = directory.find_department(sample_store, "Systems").id
        lines = grid.plain_cell(circulation, 2).split("\n")
        assert lines[:3] == ["10:00–12:00", "Samuel Osei", "14:00–15:30"]
        assert lines[3].startswith("Ben Kowal")  # cut to the column, the detail line has it all
        assert grid.plain_cell(systems, 0).startswith("09:00–11:00")
        assert "Week of Mon 15 Feb 2027" in str(screen.query_one("#schedule-title", Label).content)
        await press_each(pilot, "right_square_bracket")
        assert grid.plain_headers()[1] == "Mon 22 Feb"
        assert grid.plain_cell(archives, 1).startswith("10:00–12:00\nAdebayo")
        assert grid.plain_cell(systems, 0) == ""  # fortnightly: not this week
        await pilot.press("left_square_bracket", "left_square_bracket")
        await pilot.pause()
        assert grid.plain_headers()[1] == "Mon 8 Feb"
        await press_each(pilot, "t")
        assert grid.plain_headers()[1] == "Mon 15 Feb"
        assert grid.selected is not None and grid.selected[1] == 2  # today, Wednesday
        # Arrows walk past the edge of the week.
        grid.select(key=systems, day=0)
        await press_each(pilot, "left")
        assert grid.plain_headers()[1] == "Mon 8 Feb"
        assert grid.selected == (systems, 6)
        await press_each(pilot, "right")
        assert grid.plain_headers()[1] == "Mon 15 Feb"
        assert grid.selected == (systems, 0)
        # The detail line spells out the highlighted cell.
        detail = str(screen.query_one("#week-detail", Label).content)
        assert "Systems, Mon 15 Feb 2027:" in detail
        assert "09:00–11:00 Ravi Shankar with Priya Raman" in detail
        # b books at the highlighted department and day.
        form = await open_by_key(pilot, "b", BookingForm)
        assert form.query_one("#department", Input).value == "Systems"
        assert form.query_one("#when", Input).value == "2027-02-15 "


async def test_hostile_text_is_shown_literally(sample_store, calendar, liaison):
    person = directory.person_from_input(
        sample_store, {"name": HOSTILE, "side": "it", "role": "Developer"}
    )
    directory.save_person(sample_store, directory.SETUP_ACTOR, person)
    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with opened(app, open_schedule) as (pilot, screen):
        form = await open_booking(pilot, "Reference", HOSTILE)
        await type_into(pilot, "#when", "2027-02-17 14:00")
        purpose = form.query_one("#purpose")
        purpose.focus()
        purpose.insert(HOSTILE)
        await pilot.pause(SETTLE)
        assert form.query_one(ConflictList).conflicts == []
        await press_each(pilot, "ctrl+s")
        [doc] = [d for d in sample_store.all("visits") if d["id"] not in calendar.values()]
        assert doc["purpose"] == HOSTILE
        key = str(doc["id"])
        assert screen.agenda.full_row(key)[3] == HOSTILE
        assert screen.agenda.plain_row(key)[3].startswith("[red]x [/] [")  # cut to fit, literal
        assert isinstance(screen.agenda.get_row_at(screen.agenda.ids.index(key))[3], Text)
        # A second booking at the same time: the conflict message quotes the name literally.
        form = await open_booking(pilot, "Circulation", HOSTILE)
        await type_into(pilot, "#when", "2027-02-17 15:00")
        await pilot.pause(SETTLE)
        assert (
            f"conflict  {HOSTILE} is already on visit #{key}" in form.query_one(ConflictList).plain
        )
        await press_each(pilot, "escape")
        if isinstance(app.screen, Confirm):
            await press_each(pilot, "y")
        # The week grid and its detail line.
        await press_each(pilot, "v")
        reference = directory.find_department(sample_store, "Reference").id
        screen.grid.select(key=reference, day=2)
        await pilot.pause()
        assert HOSTILE[:5] in screen.grid.plain_cell(reference, 2)
        assert f"14:00–16:00 {HOSTILE} with Hannah Lindqvist" in str(
            screen.query_one("#week-detail", Label).content
        )


def test_week_view_snapshot(snap_compare, sample_store, calendar, liaison):
    async def week_view(pilot: Pilot) -> None:
        screen = await open_schedule(pilot)
        await press_each(pilot, "v")
        screen.grid.select(key=directory.find_department(sample_store, "Circulation").id, day=2)
        await pilot.pause()

    app = create_app(sample_store, liaison, clock=lambda: NOW)
    assert snap_compare(app, terminal_size=(120, 36), run_before=week_view)


async def test_enter_opens_the_visit_page(sample_store, calendar, liaison):
    from shadow.tui.screens.visit import VisitScreen

    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with opened(app, open_schedule) as (pilot, screen):
        assert screen.agenda.select_id(str(calendar["ref"]))
        await open_by_key(pilot, "enter", VisitScreen)
        assert app.screen.visit_id == calendar["ref"]


async def test_booking_is_a_form_modal_that_asks_before_discarding(sample_store, calendar, liaison):
    """ConflictForm is a FormModal (issue 11): it starts on the first empty field, Enter
    saves through the live checks (never FormModal's plain build), and Escape after typing
    asks before dropping it, as every other form does."""
    from shadow.tui.modals.form import FormModal

    app = create_app(sample_store, liaison, clock=lambda: NOW)
    async with opened(app, open_schedule) as (pilot, screen):
        form = await open_booking(pilot)
        assert isinstance(form, BookingForm) and isinstance(form, FormModal)
        assert app.focused is form.query_one("#department")
        assert not form.dirty
        await type_into(pilot, "#department", "Reference")
        await pilot.press("enter")  # a save attempt: every problem shows, nothing saved
        await pilot.pause()
        assert app.screen is form
        assert "visitor" in field_error(form, "visitors")
        assert len(sample_store.all("visits")) == len(calendar)
        assert form.dirty
        await open_by_key(pilot, "escape", Confirm)
        await pilot.press("n")  # keep editing: what was typed stays
        await pilot.pause()
        assert app.screen is form
        assert form.query_one("#department", Input).value == "Reference"
        await press_each(pilot, "escape", "y")
        assert app.screen is screen
        assert len(sample_store.all("visits")) == len(calendar)


@pytest.mark.parametrize("size", [(80, 24), (140, 42)])
async def test_filters_and_the_bar_keep_their_text_at_80_columns(
    sample_store, calendar, liaison, size
):
    from textual.widgets import Input

    app = create_app(sample_store, liaison)
    async with opened(app, open_schedule, size=size) as (pilot, screen):
        for mode in ("agenda", "outcomes"):
            if mode == "outcomes":
                await press_each(pilot, "o")
            await pilot.pause()
            for widget in screen.query("#schedule-filters > *"):
                assert widget.region.right <= size[0], widget  # every filter on screen
            for box in screen.query("#schedule-filters Input").results(Input):
                assert box.region.width >= len(box.placeholder), box  # its prompt readable
            for label in screen.query("#schedule-bar Label").results(Label):
                text = str(label.render())
                assert label.region.right <= size[0], text
                lines = label.render_lines(label.region.reset_offset)
                shown = " ".join("".join(s.text for s in line).strip() for line in lines)
                assert " ".join(text.split()) == " ".join(shown.split()), (text, shown)


async def test_week_headings_drop_the_month_rather_than_cut_at_80_columns(
    sample_store, calendar, liaison
):
    app = create_app(sample_store, liaison)
    async with opened(app, open_schedule, size=(80, 24)) as (pilot, screen):
        await press_each(pilot, "v")
        labels = [c.label.plain for c in screen.grid.columns.values()][1:]
        assert len(labels) == 7 and not any("…" in label for label in labels), labels
        monday = screen.grid._headers[1].plain  # e.g. "Mon 16 Nov"
        assert labels[0] == " ".join(monday.split()[:2]), (labels, monday)
    app = create_app(sample_store, liaison)
    async with opened(app, open_schedule, size=(160, 42)) as (pilot, screen):
        await press_each(pilot, "v")
        labels = [c.label.plain for c in screen.grid.columns.values()][1:]
        assert labels == [h.plain for h in screen.grid._headers[1:]]  # room for the month


async def test_the_agenda_at_80_columns_drops_repeats_and_kind_rather_than_cut_names(
    sample_store, calendar, liaison
):
    app = create_app(sample_store, liaison)
    async with opened(app, open_schedule, size=(80, 24)) as (pilot, screen):
        table = screen.agenda
        labels = [c.label.plain for c in table.columns.values()]
        assert labels == ["", "When", "Department", "Visitors", "Hosts", "Status", "Way"]
        assert sum(c.get_render_width(table) for c in table.columns.values()) <= table.size.width
        for visit_id in table.ids:
            row, full = table.plain_row(visit_id), table.full_row(visit_id)
            when, status, way = full[1], full[6], full[8]
            assert (row[1], row[5], row[6]) == (when, status, way)  # whole
            for shown, name in zip(row[2:5], full[2:5], strict=True):
                assert shown == name or len(shown.rstrip("…")) >= 5, (shown, name)
    app = create_app(sample_store, liaison)
    async with opened(app, open_schedule, size=(140, 42)) as (pilot, screen):
        labels = [c.label.plain for c in screen.agenda.columns.values()]
        assert "Kind" in labels and "Repeats" in labels


async def test_the_week_legend_is_one_line_at_80_columns(sample_store, calendar, liaison):
    for size, keys in (((80, 24), False), ((140, 42), True)):
        app = create_app(sample_store, liaison)
        async with opened(app, open_schedule, size=size) as (pilot, screen):
            await press_each(pilot, "v")
            legend = screen.query_one("#week-legend", Label)
            text = str(legend.render())
            assert legend.size.height == 1, text
            assert "no-show" in text and ("t this week" in text) is keys, text


async def test_a_fill_asks_the_clock_as_often_for_many_rows_as_for_none(
    sample_store, calendar, liaison
):
    """The zone is read once per fill, not once per cell: asking the clock asks the
    system for its zone (most of the time the Schedule froze for at 150,000 records)."""
    asked = []

    def clock() -> datetime:
        asked.append(1)
        return NOW

    app = create_app(sample_store, liaison, clock=clock)
    async with opened(app, open_schedule) as (pilot, screen):
        assert len(agenda_rows(screen)) == 7
        asked.clear()
        screen.reload()  # (read on the spot: a small database)
        with_rows = len(asked)
        screen.query_one("#filter-person", Input).value = "nobody by this name"
        await pilot.pause()
        assert agenda_rows(screen) == {}
        asked.clear()
        screen.reload()
        assert agenda_rows(screen) == {}
        assert len(asked) == with_rows
        assert screen.zone == LONDON and screen.local(NOW).tzinfo == LONDON
