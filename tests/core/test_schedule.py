"""Booking, conflicts (each rule passing and failing), recurrence, occurrence edits, iCalendar."""

from datetime import date, datetime, timedelta

import pytest
from icalendar import Calendar

from shadow.core import directory, schedule
from shadow.core.models import Person, ValidationError, Visit
from shadow.core.occurrence_index import OccurrenceIndex
from shadow.core.reports import export_ics, visit_uid
from shadow.core.schedule import ConflictsFound, ScheduleError

from .people import SYD, schedule_directory

pytestmark = pytest.mark.usefixtures("sydney")
NOW = datetime(2026, 11, 22, 14, 30, tzinfo=SYD)  # a Sunday


@pytest.fixture
def store(tmp_path):
    return schedule_directory(tmp_path / "db.json")


def booking(store, **values):
    values = {"department": "Circulation", "visitors": "Ada", "when": "tue 10:00"} | values
    return schedule.visit_from_input(store, values, now_=NOW)


def book(store, **values):
    return schedule.book(store, "tester", booking(store, **values), force=True, reason="test setup")


def rules_of(b):
    return [c.rule for c in b.conflicts]


def test_booking_interprets_and_defaults(store):
    b = booking(store, duration="90m", purpose="[TODO] see the sorter")
    assert b.summary == "Tue 24 Nov 2026 10:00–11:30"
    assert b.conflicts == []
    assert b.visit.hosts == [directory.find_person(store, "Mai").id]  # the department's hosts
    vid = schedule.book(store, "tester", b)
    saved = store.get("visits", vid)
    assert saved["status"] == "requested" and saved["start"] == "2026-11-24T10:00+11:00"
    assert saved["purpose"] == "[TODO] see the sorter"


def test_booking_errors_are_keyed_by_field(store):
    with pytest.raises(ValidationError) as info:
        schedule.visit_from_input(
            store,
            {"department": "Nowhere", "visitors": "Zed", "when": "someday", "duration": "ages"},
            now_=NOW,
        )
    assert set(info.value.errors) == {"department", "visitors", "when", "duration"}
    with pytest.raises(ValidationError, match="add a start time"):
        booking(store, when="tue")


def test_end_instead_of_duration(store):
    assert booking(store, end="12:30").summary == "Tue 24 Nov 2026 10:00–12:30"
    with pytest.raises(ValidationError, match="after the start"):
        booking(store, end="09:00")


# ---- each rule: a passing and a failing case
def test_double_booking_is_hard(store):
    book(store)
    clash = booking(store, department="Reference", when="tue 11:00")
    assert rules_of(clash) == ["double-booked"] and clash.conflicts[0].hard
    assert "Ada is already on visit #1" in clash.conflicts[0].message
    with pytest.raises(ConflictsFound, match="fix it first"):
        schedule.book(store, "tester", clash, force=True, reason="please")
    assert booking(store, department="Reference", when="tue 13:00").conflicts == []


def test_cancelled_visits_do_not_block(store):
    vid = book(store)
    schedule.set_status(store, "tester", vid, "cancelled", reason="host away")
    assert booking(store, department="Reference", when="tue 11:00").conflicts == []


def test_both_sides_is_hard(store):
    b = booking(store, hosts="Mai", visitors="Mai")
    assert rules_of(b) == ["both-sides"]


def test_outside_opening_hours(store):
    assert rules_of(booking(store, when="tue 16:00", duration="2h")) == ["outside-hours"]
    assert rules_of(booking(store, when="sun 10:00")) == ["outside-hours"]
    assert "not open on Sundays" in booking(store, when="sun 10:00").conflicts[0].message
    assert booking(store, when="tue 15:00", duration="2h").conflicts == []
    assert booking(store, when="sat 10:00", duration="3h").conflicts == []


def test_closure_day(store):
    assert rules_of(booking(store, when="25/12/2026 10:00")) == ["closed"]
    assert booking(store, when="24/12/2026 10:00").conflicts == []


def test_capacity(store):
    book(store, visitors="Ada")
    assert booking(store, visitors="Raj", hosts="Tom").conflicts == []  # 2 of 2
    book(store, visitors="Raj", hosts="Tom")
    over = booking(store, visitors="Lin", hosts="Kim")
    assert rules_of(over) == ["capacity"]
    assert "takes 2 visitors at once" in over.conflicts[0].message


def test_host_weekly_and_monthly_caps(store):
    with store.transaction("tester") as tx:
        tx.set_setting("schedule.host_week_cap", 2)
        tx.set_setting("schedule.host_month_cap", 3)
    book(store, when="mon 10:00")
    assert booking(store, when="tue 10:00").conflicts == []
    book(store, when="tue 10:00")
    assert rules_of(booking(store, when="wed 10:00")) == ["host-load"]
    book(store, when="wed 10:00")  # forced: now 3 in the week and the month
    friday = booking(store, when="27/11/2026 10:00")
    assert [c.message.split(" visits in ")[1] for c in friday.conflicts] == [
        "the week of Mon 23 Nov 2026 (cap 2)",
        "November 2026 (cap 3)",
    ]
    assert booking(store, when="8/12/2026 10:00").conflicts == []  # a new week and month


def test_buffer_between_visits(store):
    book(store, when="tue 10:00", duration="1h")
    close = booking(store, department="Reference", hosts="Tom", when="tue 11:10")
    assert rules_of(close) == ["buffer"] and "only 10 min" in close.conflicts[0].message
    assert booking(store, department="Reference", hosts="Tom", when="tue 11:15").conflicts == []
    with store.transaction("tester") as tx:
        tx.set_setting("schedule.buffer_minutes", 0)
    assert booking(store, department="Reference", hosts="Tom", when="tue 11:10").conflicts == []


def test_soft_conflicts_need_force_and_reason(store):
    b = booking(store, when="sun 10:00")
    with pytest.raises(ConflictsFound, match="--force --reason"):
        schedule.book(store, "tester", b)
    with pytest.raises(ScheduleError, match="needs a reason"):
        schedule.book(store, "tester", b, force=True)
    vid = schedule.book(store, "tester", b, force=True, reason="weekend patching")
    assert store.get("visits", vid)["override_reason"] == "weekend patching"


# ---- recurrence
def test_repeat_phrases_and_rules():
    start = datetime(2026, 11, 23, 10, tzinfo=SYD)
    cases = {
        "weekly": "FREQ=WEEKLY",
        "fortnightly until 1/3/2027": "FREQ=WEEKLY;INTERVAL=2;UNTIL=20270301T235959",
        "every other week 6 times": "FREQ=WEEKLY;INTERVAL=2;COUNT=6",
        "every 3 weeks": "FREQ=WEEKLY;INTERVAL=3",
        "first monday monthly": "FREQ=MONTHLY;BYDAY=1MO",
        "last fri of every month": "FREQ=MONTHLY;BYDAY=-1FR",
        "every weekday": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
        "FREQ=WEEKLY;INTERVAL=2": "FREQ=WEEKLY;INTERVAL=2",
        "RRULE:freq=monthly;count=3": "FREQ=MONTHLY;COUNT=3",
    }
    for phrase, rule in cases.items():
        assert schedule.parse_repeat(phrase, start) == rule, phrase
    for bad in ("whenever", "FREQ=SOMETIMES", "weekly until someday"):
        with pytest.raises(ScheduleError):
            schedule.parse_repeat(bad, start)
    assert schedule.describe_repeat("FREQ=WEEKLY;INTERVAL=2;UNTIL=20270301T235959") == (
        "every other week until Mon 1 Mar 2027"
    )
    assert schedule.describe_repeat("FREQ=MONTHLY;BYDAY=1MO") == "monthly on the first Monday"


def test_series_expands_across_daylight_saving(store):
    vid = book(store, when="mon 10:00", repeat="fortnightly until 31/5/2027")
    occ = schedule.occurrences(store, NOW, NOW + timedelta(days=200))
    assert all(o.visit.id == vid for o in occ)
    starts = [o.start for o in occ]
    assert starts[0] == datetime(2026, 11, 23, 10, tzinfo=SYD)
    assert all(s.hour == 10 for s in starts)  # 10:00 local, before and after April's change
    assert {s.utcoffset() for s in starts} == {timedelta(hours=11), timedelta(hours=10)}
    assert starts[-1].date() <= date(2027, 5, 31) and len(starts) == 14
    first_monday = booking(
        store, visitors="Raj", when="7/12/2026 13:00", repeat="first monday monthly 3 times"
    )
    assert [o.start.date() for o in schedule.proposal_occurrences(first_monday.visit)] == [
        date(2026, 12, 7), date(2027, 1, 4), date(2027, 2, 1),
    ]  # fmt: skip


@pytest.mark.parametrize(
    "rule",
    ["FREQ=WEEKLY;INTERVAL=2;COUNT=40", "FREQ=DAILY;COUNT=5000", "FREQ=WEEKLY;UNTIL=20290101T000000",
     "FREQ=MONTHLY;BYDAY=1MO", "FREQ=WEEKLY;COUNT=30;BYDAY=MO,TH"],
)  # fmt: skip
def test_a_series_walks_the_same_from_its_kept_rule_window_after_window(rule, monkeypatch):
    """A rule is parsed once per (text, start); one ending after a bounded count keeps
    what it walked. Each window, in any order, is what a freshly parsed rule gives."""
    monkeypatch.setattr(schedule, "_RULES", {})
    series = Visit(id=7, department_id=1, visitors=[1], hosts=[2], rrule=rule,
                   start="2024-03-04T10:00+11:00", end="2024-03-04T11:00+11:00",
                   timezone="Australia/Sydney")  # fmt: skip
    windows = [(datetime(2026, 1, 1, tzinfo=SYD), datetime(2026, 2, 1, tzinfo=SYD)),
               (datetime(2024, 3, 1, tzinfo=SYD), datetime(2024, 4, 1, tzinfo=SYD)),
               (datetime(2025, 6, 1, tzinfo=SYD), datetime(2027, 6, 1, tzinfo=SYD)),
               (datetime(2026, 1, 10, tzinfo=SYD), datetime(2026, 1, 20, tzinfo=SYD))]  # fmt: skip

    def fresh(lo, hi):
        schedule._RULES.clear()
        return [(o.key, o.start, o.end) for o in schedule.expand(series, lo, hi)]

    expected = [fresh(lo, hi) for lo, hi in windows]
    schedule._RULES.clear()
    kept = [
        [(o.key, o.start, o.end) for o in schedule.expand(series, lo, hi)] for lo, hi in windows
    ]
    assert kept == expected and any(expected)
    (rule_kept,) = schedule._RULES.values()
    bounded = "COUNT" in rule and int(rule.split("COUNT=")[1].split(";")[0]) <= 1000
    assert (rule_kept._cache is not None) == bounded  # (no walk kept without a bound)


def test_series_conflicts_name_the_occurrence(store):
    book(store, visitors="Raj", hosts="Tom", when="8/12/2026 10:00")
    series = booking(store, visitors="Raj", when="tue 10:00", repeat="every 2 weeks 3 times")
    assert rules_of(series) == ["double-booked"]
    assert "Tue 8 Dec 2026" in series.conflicts[0].message


def test_edit_or_cancel_one_occurrence_or_the_series(store):
    vid = book(store, when="mon 10:00", repeat="weekly 4 times")
    msg = schedule.set_status(
        store, "tester", vid, "cancelled", reason="host away", on=date(2026, 11, 30)
    )
    assert msg.startswith(f"visit #{vid}@2026-11-30")
    moved = schedule.reschedule(
        store, "tester", vid, datetime(2026, 12, 8, 14, tzinfo=SYD), on=date(2026, 12, 7)
    )
    assert "Tue 8 Dec 2026 14:00" in moved
    occ = schedule.occurrences(store, NOW, NOW + timedelta(days=60))
    assert [(o.start.date(), o.status) for o in occ] == [
        (date(2026, 11, 23), "requested"),
        (date(2026, 11, 30), "cancelled"),
        (date(2026, 12, 8), "requested"),
        (date(2026, 12, 14), "requested"),
    ]
    # the moved occurrence can be found by its old or new day and confirmed alone
    schedule.set_status(store, "tester", vid, "confirmed", on=date(2026, 12, 8))
    assert [o.status for o in schedule.occurrences(store, NOW, NOW + timedelta(days=60))][
        2
    ] == "confirmed"
    # the series as a whole, before it has begun
    schedule.set_status(store, "tester", vid, "cancelled", reason="host away", now=NOW)
    statuses = [o.status for o in schedule.occurrences(store, NOW, NOW + timedelta(days=60))]
    assert statuses == ["cancelled", "cancelled", "confirmed", "cancelled"]
    with pytest.raises(ScheduleError, match="no occurrence on"):
        schedule.set_status(store, "tester", vid, "confirmed", on=date(2026, 11, 24))
    # Only the visits that can fall in a window (list visits, the meeting pack): the same.
    book(store, department="Reference", hosts="Tom", when="27/11/2026 10:00")
    for days in ((0, 1), (6, 9), (14, 16), (-30, 90), (20, 400)):
        lo, hi = NOW + timedelta(days=days[0]), NOW + timedelta(days=days[1])
        near = schedule.visits_near(store, lo, hi)
        assert schedule.occurrences(store, lo, hi, near) == schedule.occurrences(store, lo, hi)


def test_reschedule_keeps_the_record_and_history(store):
    vid = book(store)
    schedule.set_status(store, "tester", vid, "confirmed")
    schedule.reschedule(store, "tester", vid, datetime(2026, 11, 26, 13, tzinfo=SYD))
    saved = store.get("visits", vid)
    assert saved["start"] == "2026-11-26T13:00+11:00" and saved["end"] == "2026-11-26T15:00+11:00"
    assert saved["status"] == "confirmed"
    assert [e["field"] for e in store.audit("visits", vid)] == ["*", "status", "start", "end"]
    # moving onto someone else's time is refused
    book(store, department="Reference", hosts="Tom", when="27/11/2026 10:00")
    with pytest.raises(ConflictsFound):
        schedule.reschedule(store, "tester", vid, datetime(2026, 11, 27, 10, tzinfo=SYD))


def test_status_lifecycle(store):
    vid = book(store)
    with pytest.raises(ScheduleError, match="can become confirmed, cancelled, not completed"):
        schedule.set_status(store, "tester", vid, "completed")
    schedule.set_status(store, "tester", vid, "confirmed")
    schedule.set_status(store, "tester", vid, "no-show")
    with pytest.raises(ScheduleError, match="final"):
        schedule.set_status(store, "tester", vid, "confirmed")
    assert [e["new"] for e in store.audit("visits", vid) if e["field"] == "status"] == [
        "confirmed",
        "no-show",
    ]


def test_find_slots_pass_every_check(store):
    book(store, visitors="Ada", when="mon 09:00", duration="3h")
    ada = directory.find_person(store, "Ada").id
    mai = directory.find_person(store, "Mai").id
    slots = schedule.find_slots(
        store,
        1,
        [ada],
        [mai],
        timedelta(hours=2),
        after=datetime(2026, 11, 23, 8, tzinfo=SYD),
        count=3,
    )
    assert slots[0][0] == datetime(2026, 11, 23, 12, 30, tzinfo=SYD)  # after the 15 min buffer
    for start, end in slots:
        probe = Visit(
            department_id=1,
            visitors=[ada],
            hosts=[mai],
            start=start.isoformat(),
            end=end.isoformat(),
        )
        assert schedule.check(store, probe) == []


# ---- iCalendar
def test_ics_round_trip(store):
    directory.save_person(
        store,
        "setup",
        directory.person_from_input(
            store, {"name": 'Zoë "Z", O\'Neil; [red]', "side": "it", "email": "z@example.org"}
        ),
    )
    single = book(
        store,
        visitors=['Zoë "Z", O\'Neil; [red]'],
        purpose="Line one, with comma; semi\nline two [/]",
    )
    series = book(store, visitors="Raj", department="Reference", hosts="Tom", when="mon 10:00",
                  repeat="fortnightly until 1/3/2027")  # fmt: skip
    schedule.set_status(
        store, "tester", series, "cancelled", reason="host away", on=date(2026, 12, 7)
    )
    payload = export_ics(store)
    cal = Calendar.from_ical(payload)
    events = [c for c in cal.walk("VEVENT")]
    assert len(events) == 3
    by_uid = {}
    for e in events:
        by_uid.setdefault(str(e["uid"]), []).append(e)
    one = by_uid[visit_uid(store, single)][0]
    assert str(one["description"]).startswith(
        "Tour of Circulation (requested).\nWhat to see: Line one, with comma; semi\nline two [/]"
    )
    assert str(one["location"]) == "Circulation"
    assert one.decoded("dtstart") == datetime(2026, 11, 24, 10, tzinfo=SYD)
    attendees = one.get("attendee")
    assert any(a.params["cn"] == 'Zoë "Z", O\'Neil; [red]' for a in attendees)
    master, override = sorted(by_uid[visit_uid(store, series)], key=lambda e: "recurrence-id" in e)
    assert master["rrule"]["FREQ"] == ["WEEKLY"] and master["rrule"]["INTERVAL"] == [2]
    until = master["rrule"]["UNTIL"][0]
    assert until.utcoffset() == timedelta(0)  # RFC 5545: UTC when DTSTART has a zone
    assert override.decoded("recurrence-id") == datetime(2026, 12, 7, 10, tzinfo=SYD)
    assert str(override["status"]) == "CANCELLED"
    assert cal.walk("VTIMEZONE"), "zones referenced by TZID are included"
    # stable UIDs: a second export names the same events
    again = Calendar.from_ical(export_ics(store))
    assert {str(e["uid"]) for e in again.walk("VEVENT")} == set(by_uid)


def test_inactive_people_cannot_be_booked(store):
    directory.set_active(store, "tester", Person, directory.find_person(store, "Raj").id, False)
    with pytest.raises(ValidationError, match="inactive"):
        booking(store, visitors="Raj")


def test_reschedule_conflicts_previews_what_reschedule_would_refuse(store):
    vid = book(store)  # Tue 24 Nov 10:00-12:00, Ada at Circulation
    other = book(store, department="Reference", hosts="Tom", when="27/11/2026 10:00")
    # Its own time is no conflict with itself; someone else's is, exactly as reschedule says.
    assert schedule.reschedule_conflicts(store, vid, datetime(2026, 11, 24, 10, tzinfo=SYD)) == []
    clash = datetime(2026, 11, 27, 10, tzinfo=SYD)
    [conflict] = [c for c in schedule.reschedule_conflicts(store, vid, clash) if c.hard]
    assert conflict.rule == "double-booked" and f"visit #{other}" in conflict.message
    with pytest.raises(ConflictsFound):
        schedule.reschedule(store, "tester", vid, clash)
    assert store.get("visits", vid)["start"] == "2026-11-24T10:00+11:00"  # nothing saved
    # One occurrence of a series: the rest of the series is not in its way.
    series = book(store, visitors="Raj", when="mon 10:00", repeat="weekly 4 times")
    moved = datetime(2026, 11, 30, 11, tzinfo=SYD)
    assert schedule.reschedule_conflicts(store, series, moved, on=date(2026, 11, 30)) == []
    later = schedule.reschedule_conflicts(
        store, series, datetime(2026, 12, 7, 10, 30, tzinfo=SYD), on=date(2026, 11, 30)
    )
    assert {c.rule for c in later if c.hard} == {"double-booked"}  # onto next week's (Raj, Mai)


def test_cancelling_a_series_that_has_begun_keeps_the_past(store, monkeypatch):
    vid = book(store, when="mon 10:00", repeat="weekly 6 times")  # Mondays from 23 Nov
    schedule.set_status(store, "tester", vid, "confirmed")
    schedule.set_status(store, "tester", vid, "completed", on=date(2026, 11, 23))
    monkeypatch.setattr(schedule.dates, "now", lambda: datetime(2026, 12, 2, 9, tzinfo=SYD))
    msg = schedule.set_status(store, "tester", vid, "cancelled", reason="host away")
    assert msg == f"series #{vid} ended: nothing after Mon 30 Nov 2026; the past keeps its status"
    occ = schedule.occurrences(store, NOW, NOW + timedelta(days=60))
    assert [(o.start.date(), o.status) for o in occ] == [
        (date(2026, 11, 23), "completed"),
        (date(2026, 11, 30), "confirmed"),
    ]


# ---- time and state
def test_a_visit_still_to_come_cannot_be_completed_or_missed(store):
    vid = book(store)  # Tue 24 Nov 2026 10:00, two days after NOW
    schedule.set_status(store, "tester", vid, "confirmed", now=NOW)
    for status in ("completed", "no-show"):
        with pytest.raises(ScheduleError, match="has not come yet") as info:
            schedule.set_status(store, "tester", vid, status, now=NOW)
        assert "it can become cancelled, requested" in str(info.value)
    assert store.get("visits", vid)["status"] == "confirmed"
    after = datetime(2026, 11, 24, 10, 30, tzinfo=SYD)
    assert schedule.set_status(store, "tester", vid, "completed", now=after).endswith("completed")


def test_a_series_is_completed_one_occurrence_at_a_time(store):
    vid = book(store, repeat="weekly 4 times")
    schedule.set_status(store, "tester", vid, "confirmed", now=NOW)
    later = datetime(2026, 12, 2, 9, tzinfo=SYD)
    with pytest.raises(ScheduleError, match=f"repeats: mark one occurrence.*{vid}@2026-11-24"):
        schedule.set_status(store, "tester", vid, "completed", now=later)
    # the occurrence id printed by 'list visits' is accepted, and the clock still rules
    schedule.set_status(store, "tester", f"{vid}@2026-11-24", "completed", now=later)
    with pytest.raises(ScheduleError, match="has not come yet"):
        schedule.set_status(store, "tester", f"{vid}@2026-12-08", "completed", now=later)
    occ = schedule.get_occurrence(store, f"{vid}@2026-11-24")
    assert (occ.key, occ.status) == (f"{vid}@2026-11-24", "completed")
    # an occurrence's own record is shown with the same id
    assert schedule.get_occurrence(store, occ.visit.id).key == f"{vid}@2026-11-24"
    with pytest.raises(ScheduleError, match="has no occurrence on"):
        schedule.get_occurrence(store, f"{vid}@2026-11-25")
    with pytest.raises(ScheduleError, match="not a visit id"):
        schedule.get_visit(store, f"{vid}@2026-02-31")


def test_cancelling_needs_a_reason_kept_apart_from_the_override_reason(store):
    vid = book(store, when="sun 10:00")  # the department is closed on Sundays: forced
    with pytest.raises(ScheduleError, match="needs a reason"):
        schedule.set_status(store, "tester", vid, "cancelled", reason="  ", now=NOW)
    schedule.set_status(store, "tester", vid, "cancelled", reason="host off sick", now=NOW)
    doc = store.get("visits", vid)
    assert (doc["status"], doc["status_reason"]) == ("cancelled", "host off sick")
    assert doc["override_reason"] == "test setup"  # why its conflicts were accepted: kept


def test_reopen_takes_a_wrong_close_back_with_its_reason(store):
    vid = book(store)
    schedule.set_status(store, "tester", vid, "confirmed", now=NOW)
    after = datetime(2026, 11, 24, 13, tzinfo=SYD)
    schedule.set_status(store, "tester", vid, "completed", now=after)
    with pytest.raises(ScheduleError, match=r"final; it cannot become no-show .*visit reopen"):
        schedule.set_status(store, "tester", vid, "no-show", now=after)
    with pytest.raises(ScheduleError, match="needs a reason"):
        schedule.reopen(store, "tester", vid, "")
    assert schedule.reopen(store, "tester", vid, "marked by mistake").endswith("confirmed again")
    schedule.set_status(store, "tester", vid, "no-show", now=after)
    changes = [(e["field"], e["new"]) for e in store.audit("visits", vid) if e["field"] != "*"]
    assert changes[-3:] == [
        ("status", "confirmed"),
        ("status_reason", "marked by mistake"),
        ("status", "no-show"),
    ]
    with pytest.raises(ScheduleError, match="not closed: nothing to reopen"):
        schedule.reopen(store, "tester", book(store, when="wed 14:00"), "why not")
    # one occurrence of a series
    series = book(store, when="thu 10:00", repeat="weekly 3 times")
    schedule.set_status(store, "tester", f"{series}@2026-11-26", "cancelled", reason="x", now=NOW)
    schedule.reopen(store, "tester", f"{series}@2026-11-26", "it is on after all")
    assert schedule.get_occurrence(store, f"{series}@2026-11-26").status == "requested"


def test_booking_dates_out_of_reach_are_refused_and_the_past_is_said(store):
    with pytest.raises(ValidationError, match="more than two years ahead"):
        booking(store, when="24/11/2036 10:00")
    with pytest.raises(ValidationError, match="more than a year ago"):
        booking(store, when="24/11/2024 10:00")
    past = booking(store, when="20/11/2026 10:00")
    assert past.notices and "in the past" in past.notices[0]
    assert booking(store).notices == []


def test_slot_counts_out_of_range_are_refused(store):
    dept = directory.find_department(store, "Circulation")
    for bad in (0, -3, 51):
        with pytest.raises(ScheduleError, match=f"1 to 50 slots, not {bad}"):
            schedule.find_slots(store, dept.id, [1], [4], timedelta(hours=1), after=NOW, count=bad)


def test_rescheduling_out_of_reach_is_refused(store):
    vid = book(store)
    with pytest.raises(ScheduleError, match="more than two years ahead"):
        schedule.reschedule(store, "tester", vid, datetime(2099, 11, 24, 10, tzinfo=SYD))
    with pytest.raises(ScheduleError, match="more than a year ago"):
        schedule.reschedule(store, "tester", vid, datetime(2001, 11, 24, 10, tzinfo=SYD))


def test_ics_lines_are_folded_as_icalendar_folds_them(store):
    """Long lines fold at 74 octets without splitting a character or an escape, and
    everything parses back exactly (names with accents, backslashes, commas)."""
    from icalendar.parser import _foldline

    from shadow.core.reports import _fold

    name = "Zoë Ångström-Ðoe \\ Œuvre, " + "é" * 40
    directory.save_person(
        store, "setup",
        directory.person_from_input(store, {"name": name, "side": "it", "email": "z@example.org"}),
    )  # fmt: skip
    purpose = ("back\\slash; " * 12) + "Ünïcode " * 20
    vid = book(store, visitors=[name], purpose=purpose)
    payload = export_ics(store)
    for line in payload.split(b"\r\n"):
        assert len(line) <= 75
    (event,) = Calendar.from_ical(payload).walk("VEVENT")
    assert str(event["uid"]) == visit_uid(store, vid)
    assert f"What to see: {purpose.strip()}" in str(event["description"])
    assert any(a.params["cn"] == name for a in event.get("attendee"))
    for text in ("a" * 200, "é" * 100, "x" * 73 + "\\n" + "y" * 80, "ab^" * 60, name * 3, ""):
        assert _fold(text) == _foldline(text)


def test_an_occurrence_moved_across_weeks_is_found_in_a_window_of_its_new_day(store):
    # Mondays from 23 Nov; the 30 Nov one moved to Wed 9 Dec, the 14 Dec one back to Fri 4 Dec:
    # a window holding only the new day has no occurrence of the rule to walk from.
    vid = book(store, when="mon 10:00", repeat="weekly 4 times")
    schedule.reschedule(
        store, "tester", vid, datetime(2026, 12, 9, 14, tzinfo=SYD), on=date(2026, 11, 30)
    )
    schedule.reschedule(
        store, "tester", vid, datetime(2026, 12, 4, 9, tzinfo=SYD), on=date(2026, 12, 14)
    )
    for lo, hi in ((date(2026, 12, 9), date(2026, 12, 10)), (date(2026, 12, 4), date(2026, 12, 5))):
        lo_at = datetime.combine(lo, datetime.min.time(), SYD)
        hi_at = datetime.combine(hi, datetime.min.time(), SYD)
        [occ] = schedule.occurrences(store, lo_at, hi_at)
        assert occ.start.date() == lo and occ.series_id == vid
        near = schedule.visits_near(store, lo_at, hi_at)
        assert OccurrenceIndex(near).between(lo_at, hi_at) == [occ]
    # Nor is a moved occurrence shown twice, or where it no longer is.
    everything = schedule.occurrences(store, NOW, NOW + timedelta(days=60))
    assert [o.start.date() for o in everything] == [
        date(2026, 11, 23),
        date(2026, 12, 4),
        date(2026, 12, 7),
        date(2026, 12, 9),
    ]
    assert (
        schedule.occurrences(
            store,
            datetime(2026, 11, 30, tzinfo=SYD),
            datetime(2026, 12, 1, tzinfo=SYD),
        )
        == []
    )
