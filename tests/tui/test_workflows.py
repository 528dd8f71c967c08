"""Daily jobs in the fewest keys: the visit page's status keys, the "record the outcome" list
on the Dashboard and in the Schedule (issue 13). The clock is the app's, fixed at
Wednesday 17 February 2027, 09:00 in London (the calendar of ``test_schedule``)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from textual.pilot import Pilot
from textual.widgets import Footer

from shadow.core import backlog
from shadow.tui.app import create_app
from shadow.tui.modals.help import HelpScreen
from shadow.tui.modals.pickers import TextPrompt
from shadow.tui.screens.dashboard import DashboardScreen
from shadow.tui.screens.visit import VisitScreen

from . import test_schedule
from .helpers import SIZE, notifications, open_visit, opened, type_into
from .test_schedule import NOW, agenda_rows, open_schedule
from .test_visit import plain


@pytest.fixture(autouse=True)
def london(monkeypatch):
    monkeypatch.setenv("TZ", "Europe/London")


@pytest.fixture
def calendar(sample_store):
    """The fixed week of visits of ``test_schedule``, ids by nickname."""
    return test_schedule.calendar.__wrapped__(sample_store)


def fixed_app(store, actor):
    return create_app(store, actor, clock=lambda: NOW)


async def dashboard_loaded(pilot: Pilot) -> DashboardScreen:
    """The app's first screen, the dashboard, once its loader has finished."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    screen = pilot.app.screen
    assert isinstance(screen, DashboardScreen)
    return screen


async def press(pilot: Pilot, *keys: str) -> None:
    """Press, and let what the keys started finish (or open its dialog)."""
    await pilot.press(*keys)
    for _ in range(3):
        await pilot.pause()


def status(store, visit_id: int) -> str:
    return store.get("visits", visit_id)["status"]


async def test_the_visit_page_changes_status_in_one_key(sample_store, calendar, liaison):
    app = fixed_app(sample_store, liaison)
    async with app.run_test(size=SIZE) as pilot:
        later = calendar["circ2"]  # today 14:00, requested: not begun at 09:00
        screen = await open_visit(pilot, later)
        # The keys are in the footer and in ? help.
        shown = {b.binding.description for b in screen.active_bindings.values() if b.binding.show}
        assert {"Confirm", "Done", "Cancel", "No-show"} <= shown
        assert screen.query_one(Footer)
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        titles = {c.title for c in app.screen.screen_commands}
        assert {"Confirm", "Complete", "Cancel visit", "No-show"} <= titles
        await press(pilot, "escape")
        # Not begun: complete is refused with the core's words, as a notice.
        await press(pilot, "d")
        assert status(sample_store, later) == "requested"
        assert "it can become confirmed, cancelled" in notifications(pilot)[-1]
        await press(pilot, "f")
        assert status(sample_store, later) == "confirmed"
        for key in ("d", "o"):
            await press(pilot, key)
            assert status(sample_store, later) == "confirmed"
            assert "has not come yet" in notifications(pilot)[-1]
        # The page shows the new status.
        assert "confirmed" in plain(screen.query_one("#visit-details"))
        # Cancelling asks why; escape keeps it, an answer cancels with that reason.
        await press(pilot, "x")
        assert isinstance(app.screen, TextPrompt)
        await press(pilot, "escape")
        assert status(sample_store, later) == "confirmed"
        await press(pilot, "x")
        await type_into(pilot, "#answer", "host [off] sick")
        await press(pilot, "enter")
        saved = sample_store.get("visits", later)
        assert saved["status"] == "cancelled" and saved["status_reason"] == "host [off] sick"
        assert isinstance(app.screen, VisitScreen)
        # A visit that has begun can be completed.
        begun = calendar["circ"]  # today 10:00-12:00, confirmed
        pilot.app.pop_screen()
        await open_visit(pilot, begun)
        await press(pilot, "d")
        assert "has not come yet" in notifications(pilot)[-1]  # 10:00 is after 09:00
        past = calendar["past"]  # last week, requested
        pilot.app.pop_screen()
        await open_visit(pilot, past)
        await press(pilot, "f")
        await press(pilot, "d")
        assert status(sample_store, past) == "completed"


async def test_an_occurrence_page_changes_only_that_occurrence(sample_store, calendar, liaison):
    app = fixed_app(sample_store, liaison)
    async with app.run_test(size=SIZE) as pilot:
        tig = calendar["tig"]  # fortnightly from Mon 15 Feb 09:00, confirmed
        screen = await open_visit(pilot, tig, on=date(2027, 2, 15))
        assert screen.key == f"{tig}@2027-02-15"
        await press(pilot, "o")
        [override] = sample_store.find("visits", series_id=tig)
        assert override["status"] == "no-show"
        assert override["occurrence"].startswith("2027-02-15")
        assert status(sample_store, tig) == "confirmed"
        assert "no-show" in plain(screen.query_one("#visit-details"))
        # The next occurrence has not come yet.
        pilot.app.pop_screen()
        await open_visit(pilot, tig, on=date(2027, 3, 1))
        await press(pilot, "d")
        assert "has not come yet" in notifications(pilot)[-1]
        assert len(sample_store.find("visits", series_id=tig)) == 1


async def test_the_dashboard_lists_past_visits_to_close_in_one_key(sample_store, calendar, liaison):
    app = fixed_app(sample_store, liaison)
    async with app.run_test(size=SIZE) as pilot:
        screen = await dashboard_loaded(pilot)
        tig, past = calendar["tig"], calendar["past"]
        panel = screen.panel("outcomes")
        # Ended and still requested or confirmed: last week's visit and Monday's occurrence
        # (not today's, which has not ended; not the cancelled one).
        assert panel.item_ids == [f"visit:{past}:{past}", f"visit:{tig}:{tig}@2027-02-15"]
        # Keys elsewhere do nothing but say where to go.
        await press(pilot, "d")
        assert "Record the outcome" in notifications(pilot)[-1]
        await press(pilot, "6")
        assert app.focused is panel
        # A visit never confirmed is recorded as it happened, in one key.
        await press(pilot, "d")
        assert status(sample_store, past) == "completed"
        assert "never confirmed" in notifications(pilot)[-1]
        assert panel.item_ids == [f"visit:{tig}:{tig}@2027-02-15"]
        # Cancelling asks why (required) and closes just that occurrence.
        await press(pilot, "x")
        assert isinstance(app.screen, TextPrompt)
        await type_into(pilot, "#answer", "snow day")
        await press(pilot, "enter")
        [override] = sample_store.find("visits", series_id=tig)
        assert override["status"] == "cancelled" and override["status_reason"] == "snow day"
        assert status(sample_store, tig) == "confirmed"
        assert panel.item_ids == []


async def test_the_schedule_has_the_same_list(sample_store, calendar, liaison):
    app = fixed_app(sample_store, liaison)
    async with opened(app, open_schedule) as (pilot, screen):
        tig, past = calendar["tig"], calendar["past"]
        await press(pilot, "o")
        assert list(agenda_rows(screen)) == [str(past), f"{tig}@2027-02-15"]
        assert "Record the outcome" in str(screen.query_one("#schedule-title").render())
        assert screen.agenda.select_id(f"{tig}@2027-02-15")
        await press(pilot, "n")
        [override] = sample_store.find("visits", series_id=tig)
        assert override["status"] == "no-show"
        assert list(agenda_rows(screen)) == [str(past)]
        await press(pilot, "d")  # never confirmed: recorded as it happened
        assert status(sample_store, past) == "completed"
        assert list(agenda_rows(screen)) == []
        # o again: back to the agenda, where d keeps the ordinary lifecycle.
        await press(pilot, "o")
        assert str(calendar["circ"]) in agenda_rows(screen)


async def test_booking_from_a_week_cell_keeps_its_day_for_a_time_alone(
    sample_store, calendar, liaison
):
    from shadow.core import directory
    from shadow.tui.modals.booking import BookingForm

    app = fixed_app(sample_store, liaison)
    async with opened(app, open_schedule) as (pilot, screen):
        await press(pilot, "v")
        reference = directory.find_department(sample_store, "Reference").id
        screen.grid.select(key=reference, day=4)  # Friday 19 February
        await press(pilot, "b")
        form = app.screen
        assert isinstance(form, BookingForm)
        assert form.query_one("#when").value == "2027-02-19 "
        await type_into(pilot, "#when", "14:00")  # the person types only a time
        await type_into(pilot, "#visitors", "Mei Tanaka")
        await pilot.pause(test_schedule.SETTLE)
        assert "= Fri 19 Feb 2027 14:00" in test_schedule.hint(form, "when")
        before = {d["id"] for d in sample_store.all("visits")}
        await press(pilot, "ctrl+s")
        [saved] = [d for d in sample_store.all("visits") if d["id"] not in before]
        assert saved["start"].startswith("2027-02-19T14:00")


async def test_notes_and_kudos_wait_for_the_visit_and_go_to_the_occurrence(
    sample_store, calendar, liaison
):
    from textual.widgets import TextArea

    from shadow.tui.modals.note_form import NoteForm
    from shadow.tui.modals.pick_visit import PickVisit

    app = fixed_app(sample_store, liaison)
    async with app.run_test(size=SIZE) as pilot:
        # Not begun (today 14:00; it is 09:00): refused with the core's words, no dialog.
        screen = await open_visit(pilot, calendar["circ2"])
        for key in ("n", "k"):
            await press(pilot, key)
            assert app.screen is screen
            assert "has not come yet" in notifications(pilot)[-1]
        # Cancelled: refused too.
        app.pop_screen()
        screen = await open_visit(pilot, calendar["maker"])
        await press(pilot, "n")
        assert app.screen is screen and "was cancelled" in notifications(pilot)[-1]
        # A whole series' page asks which occurrence (only those that have taken place).
        tig = calendar["tig"]
        app.pop_screen()
        screen = await open_visit(pilot, tig)
        await press(pilot, "n")
        picker = app.screen
        assert isinstance(picker, PickVisit)
        assert [key for key, _ in picker.choices] == [f"{tig}@2027-02-15"]
        await press(pilot, "enter")
        form = app.screen
        assert isinstance(form, NoteForm)
        form.query_one("#text", TextArea).insert("The TIG [ran] long")
        await press(pilot, "ctrl+s")
        [override] = sample_store.find("visits", series_id=tig)
        assert override["occurrence"].startswith("2027-02-15")
        [note] = sample_store.all("observations")
        assert note["visit_id"] == override["id"] and note["text"] == "The TIG [ran] long"
        assert f"of visit #{tig}@2027-02-15" in notifications(pilot)[-1]
        # ... and that occurrence's page shows it (the series' own page does not).
        assert screen.notes == []
        app.pop_screen()
        screen = await open_visit(pilot, tig, on=date(2027, 2, 15))
        assert [o.text for o in screen.notes] == ["The TIG [ran] long"]
        # From an occurrence's page, no question: it is that occurrence.
        await press(pilot, "n")
        assert isinstance(app.screen, NoteForm)


async def test_one_clock_from_the_app_factory(sample_store, calendar, liaison):
    """No screen is patched: the fixed clock given to create_app is every screen's now."""
    app = fixed_app(sample_store, liaison)
    async with app.run_test(size=SIZE) as pilot:
        dash = await dashboard_loaded(pilot)
        assert not hasattr(dash, "now")
        assert str(dash.query_one("#dash-summary").render()).startswith("Wed 17 Feb 2027")
        await press(pilot, "f3")
        schedule_screen = app.screen
        assert not hasattr(schedule_screen, "clock") and schedule_screen.today == NOW.date()
        await press(pilot, "v")
        assert "Week of Mon 15 Feb 2027" in str(
            schedule_screen.query_one("#schedule-title").render()
        )
        for key, area in (("f4", "backlog"), ("f5", "actions"), ("f6", "meeting")):
            await press(pilot, key)
            assert app.current_mode == area
            assert not hasattr(app.screen, "now") and not hasattr(app.screen, "moment"), area
        await press(pilot, "f4")
        row = next(iter(app.screen.rows_by_id.values()))
        assert app.screen.cells(row)[8].plain == f"{backlog.age_days(row.created, NOW)}d"
        await press(pilot, "f5")
        assert app.screen.today == NOW.date()
        await press(pilot, "f6")
        assert app.screen.since_moment == datetime(2027, 2, 3, tzinfo=NOW.tzinfo)
