"""Recording what happened to past visits: the list of visits nobody closed, and closing them."""

from datetime import datetime, timedelta

import pytest

from shadow.core import dashboard, directory, schedule
from shadow.core.schedule import ScheduleError

from .people import SYD, schedule_directory

pytestmark = pytest.mark.usefixtures("sydney")
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=SYD)  # a Thursday


@pytest.fixture
def store(tmp_path):
    s = schedule_directory(tmp_path / "db.json")
    yield s
    s.close()


def book(store, when, *, repeat="", status=None, visitor="Ada", dept="Circulation"):
    booking = schedule.visit_from_input(
        store,
        {"department": dept, "visitors": visitor, "when": when, "repeat": repeat},
        now_=NOW,
    )
    vid = schedule.book(store, "tester", booking, force=True, reason="test setup")
    if status:
        schedule.set_status(store, "tester", vid, status, reason="setup", now=NOW)
    return vid


def keys(found):
    return [o.key for o in found]


def test_the_list_holds_past_visits_still_requested_or_confirmed(store):
    requested = book(store, "23/11/2026 10:00")
    confirmed = book(store, "24/11/2026 10:00", status="confirmed", visitor="Raj")
    book(store, "24/11/2026 14:00", status="cancelled", visitor="Lin")
    running = book(store, "26/11/2026 11:00", status="confirmed", visitor="Lin")
    book(store, "27/11/2026 10:00", status="confirmed")  # still to come
    series = book(store, "16/11/2026 09:00", repeat="weekly", status="confirmed", visitor="Lin",
                  dept="Reference")  # fmt: skip
    found = schedule.awaiting_outcome(store, NOW)
    assert keys(found) == [
        f"{series}@2026-11-16",
        f"{series}@2026-11-23",  # (09:00, before the 10:00 visit)
        str(requested),
        str(confirmed),
    ]
    assert str(running) not in keys(found)  # ends at 13:00: not over yet
    # Closing an occurrence takes it off the list; the series stays as it was.
    schedule.record_outcome(store, "tester", f"{series}@2026-11-16", "no-show", now=NOW)
    assert f"{series}@2026-11-16" not in keys(schedule.awaiting_outcome(store, NOW))
    assert store.get("visits", series)["status"] == "confirmed"
    # The dashboard reads the same list.
    assert keys(dashboard.read_dashboard(store, NOW, None).outcomes) == keys(
        schedule.awaiting_outcome(store, NOW)
    )
    # Older than the window: not asked about any more (the weekly series still is).
    later = keys(schedule.awaiting_outcome(store, NOW + timedelta(days=400)))
    assert later and all(k.startswith(f"{series}@2027") for k in later)


def test_a_visit_never_confirmed_is_recorded_as_it_happened(store):
    vid = book(store, "24/11/2026 10:00")
    # The ordinary lifecycle refuses requested -> completed ...
    with pytest.raises(ScheduleError, match="can become confirmed, cancelled, not completed"):
        schedule.set_status(store, "tester", vid, "completed", now=NOW)
    # ... recording the outcome of a visit that has taken place does not, and says so.
    said = schedule.record_outcome(store, "tester", vid, "completed", now=NOW)
    assert "is now completed" in said and "never confirmed" in said
    assert [(e["old"], e["new"]) for e in store.audit("visits", vid) if e["field"] == "status"] == [
        ("requested", "completed")
    ]


def test_outcomes_respect_time_and_state(store):
    future = book(store, "27/11/2026 10:00")
    with pytest.raises(ScheduleError, match="can become confirmed, cancelled, not completed"):
        schedule.record_outcome(store, "tester", future, "completed", now=NOW)
    confirmed = book(store, "27/11/2026 14:00", status="confirmed", visitor="Raj")
    with pytest.raises(ScheduleError, match="has not come yet"):
        schedule.record_outcome(store, "tester", confirmed, "no-show", now=NOW)
    past = book(store, "24/11/2026 10:00", status="confirmed", visitor="Lin")
    with pytest.raises(ScheduleError, match="needs a reason"):
        schedule.record_outcome(store, "tester", past, "cancelled", now=NOW)
    with pytest.raises(ScheduleError, match="an outcome is one of"):
        schedule.record_outcome(store, "tester", past, "confirmed", now=NOW)
    schedule.record_outcome(store, "tester", past, "cancelled", reason="host ill", now=NOW)
    saved = store.get("visits", past)
    assert saved["status"] == "cancelled" and saved["status_reason"] == "host ill"
    with pytest.raises(ScheduleError, match="final"):
        schedule.record_outcome(store, "tester", past, "completed", now=NOW)
    assert directory.find_person(store, "Ada")  # (the directory is untouched)


def test_notes_and_kudos_wait_until_a_visit_has_begun_and_not_after_a_cancellation(store):
    from shadow.core import notes
    from shadow.core.backlog import BacklogError

    ada, mai = directory.find_person(store, "Ada"), directory.find_person(store, "Mai")
    later = book(store, "27/11/2026 10:00")
    with pytest.raises(BacklogError, match="has not come yet: notes and kudos are written once"):
        notes.observe(store, ada, later, "too early", now=NOW)
    with pytest.raises(BacklogError, match="has not come yet"):
        notes.give_kudos(store, mai, ada, "thanks in advance", visit_id=later, now=NOW)
    gone = book(store, "24/11/2026 10:00", status="cancelled", visitor="Raj")
    with pytest.raises(BacklogError, match=r"was cancelled \(setup\): there is nothing to note"):
        notes.observe(store, ada, gone, "nobody came", now=NOW)
    assert store.count("observations") == 0 and store.count("kudos") == 0
    # One occurrence of a series: the rule looks at that occurrence, and the note is its own.
    series = book(store, "16/11/2026 09:00", repeat="weekly", status="confirmed", visitor="Lin",
                  dept="Reference")  # fmt: skip
    note = notes.observe(store, ada, f"{series}@2026-11-23", "seen", now=NOW)
    [override] = store.find("visits", series_id=series)
    assert store.get("observations", note)["visit_id"] == override["id"]
    kid = notes.give_kudos(store, mai, ada, "thanks", visit_id=f"{series}@2026-11-23", now=NOW)
    assert store.get("kudos", kid)["visit_id"] == override["id"]
    with pytest.raises(BacklogError, match="has not come yet"):
        notes.observe(store, ada, f"{series}@2026-11-30", "next week", now=NOW)
