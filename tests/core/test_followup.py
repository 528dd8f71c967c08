"""Actions, business days, service-level clocks, the SLA report, the meeting pack and exports."""

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from dateutil import tz

from shadow.core import actions, backlog, directory, notes, reports, sla
from shadow.core.dates import add_business_days, business_days_between
from shadow.core.models import Suggestion, ValidationError
from shadow.core.store import Store
from tests.meeting_pack import PACK_SECTIONS

from .people import small_directory

UTC = tz.UTC
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # a Wednesday


# ---------------------------------------------------------------- business days
def test_business_days_skip_weekends():
    fri = datetime(2026, 11, 20, 10, tzinfo=UTC)
    assert add_business_days(fri, 1) == datetime(2026, 11, 23, 10, tzinfo=UTC)  # Monday
    assert add_business_days(fri, 5) == datetime(2026, 11, 27, 10, tzinfo=UTC)
    sat = datetime(2026, 11, 21, 15, tzinfo=UTC)
    assert add_business_days(sat, 1) == datetime(
        2026, 11, 24, 0, tzinfo=UTC
    )  # counted from Monday 00:00
    assert business_days_between(fri, datetime(2026, 11, 23, 10, tzinfo=UTC)) == pytest.approx(1.0)
    assert business_days_between(datetime(2026, 11, 23, 10, tzinfo=UTC), fri) == pytest.approx(-1.0)


def test_business_days_skip_closures():
    closures = {date(2026, 12, 25), date(2026, 12, 28)}
    thu = datetime(2026, 12, 24, 9, tzinfo=UTC)
    # Fri 25 closed, weekend, Mon 28 closed: the next business day is Tue 29
    assert add_business_days(thu, 1, closures) == datetime(2026, 12, 29, 9, tzinfo=UTC)
    assert business_days_between(
        thu, datetime(2026, 12, 29, 9, tzinfo=UTC), closures
    ) == pytest.approx(1.0)


# ---------------------------------------------------------------- fixture
@pytest.fixture(autouse=True)
def _utc(monkeypatch):
    """Service-level clocks count working hours in the installation's zone: pin it."""
    monkeypatch.setenv("TZ", "UTC")


@pytest.fixture
def store(tmp_path):
    people = [("Ada", "it"), ("Raj", "it"), ("Mai", "library")]
    return small_directory(tmp_path / "db.json", people, ("Circulation", "Reference"))[0]


def raise_suggestion(
    store, title, impact, urgency, created, status="new", triaged=None, closed=None, dept=1
):
    s = Suggestion(title=title, impact=impact, urgency=urgency, author_id=3, direction="library-to-it",
                   status=status, department_id=dept, reason="why" if status == "declined" else "",
                   triaged=triaged.isoformat() if triaged else None, closed=closed.isoformat() if closed else None)  # fmt: skip
    with store.transaction("setup") as tx:
        return tx.insert("suggestions", s.to_doc(), created=created.isoformat())


def clock_states(store, sid, now=NOW):
    doc = store.get("suggestions", sid)
    s = Suggestion.from_doc(doc)
    return tuple(c.state for c in sla.service(store).clocks(s, doc["created"], now))


# ---------------------------------------------------------------- each SLA state
def test_each_sla_state(store):
    mon = datetime(2026, 11, 23, 9, tzinfo=UTC)
    # P2 (high x medium): triage 2 business days, resolve 10
    met = raise_suggestion(
        store, "met", "high", "medium", mon, "accepted", triaged=mon + timedelta(days=1)
    )
    assert clock_states(store, met) == ("met", "running")
    late = raise_suggestion(store, "late", "high", "medium", mon - timedelta(days=7), "accepted",
                            triaged=mon)  # fmt: skip
    assert clock_states(store, late)[0] == "breached"
    waiting = raise_suggestion(store, "waiting", "high", "medium", mon - timedelta(days=7))
    assert clock_states(store, waiting) == ("breached", "running")
    # P1 triage 1 working day (08:30-17:00): raised Tue 12:00, now Wed 11:00 -> 7.5 of 8.5
    # working hours used (88%, over the 75% default) -> at risk; at Wed 08:00 only 5 (59%)
    risky = raise_suggestion(store, "risky", "high", "high", datetime(2026, 11, 24, 12, tzinfo=UTC))
    assert clock_states(store, risky, datetime(2026, 11, 25, 11, tzinfo=UTC))[0] == "at risk"
    assert clock_states(store, risky, datetime(2026, 11, 25, 8, tzinfo=UTC))[0] == "running"
    # P5 has no resolve target
    planning = raise_suggestion(store, "someday", "low", "low", mon)
    assert clock_states(store, planning) == ("running", "none")
    done = raise_suggestion(store, "done", "low", "high", mon - timedelta(days=3), "done",
                            triaged=mon - timedelta(days=3), closed=mon)  # fmt: skip
    assert clock_states(store, done) == ("met", "met")
    doc = store.get("suggestions", waiting)
    clock = sla.service(store).clocks(Suggestion.from_doc(doc), doc["created"], NOW)[0]
    # due Wed 18 09:00 (17 working hours); by Wed 25 12:00 62.5 were used: 45.5 h = 5.4 days over
    assert clock.describe().startswith("triage: breached by 5.4 working days")


def test_policy_is_editable_and_stored(store):
    sla.set_target(store, "boss", 2, "3/15")
    assert sla.policy(Store(store.path))[2] == (sla.Target(3, "d"), sla.Target(15, "d"))
    sla.set_target(store, "boss", 5, "30/none")
    assert sla.policy(store)[5] == (sla.Target(30, "d"), None)
    sla.set_target(store, "boss", 1, "4h/2d")
    assert sla.policy(store)[1] == (sla.Target(4, "h"), sla.Target(2, "d"))
    for bad in ("3", "x/10", "10/5", "0/4", "2d/4h", "none/3"):
        with pytest.raises(sla.SlaError):
            sla.set_target(store, "boss", 2, bad)


def test_backlog_filters_breached_and_at_risk(store):
    mon = datetime(2026, 11, 23, 9, tzinfo=UTC)
    late = raise_suggestion(store, "late", "high", "medium", mon - timedelta(days=7))
    raise_suggestion(store, "fine", "low", "low", mon)
    rows = backlog.rows(store, NOW)
    assert [r.id for r in backlog.apply(rows, backlog.Filter(sla="breached"))] == [late]


# ---------------------------------------------------------------- SLA report
def test_sla_report_numbers(store):
    mon = datetime(2026, 11, 2, 9, tzinfo=UTC)
    # P2: triaged in time, resolved late (10 days allowed, took 15 business days)
    raise_suggestion(store, "a", "high", "medium", mon, "done", triaged=mon + timedelta(days=1),
                     closed=mon + timedelta(days=21))  # fmt: skip
    # P2: triaged late (4 business days), still open, resolve running
    raise_suggestion(store, "b", "high", "medium", mon + timedelta(days=14), "accepted",
                     triaged=mon + timedelta(days=18), dept=2)  # fmt: skip
    # P3: triaged and resolved in time
    raise_suggestion(store, "c", "medium", "medium", mon, "declined", triaged=mon + timedelta(days=1),
                     closed=mon + timedelta(days=2))  # fmt: skip
    report = reports.sla_report(store, now=NOW)
    p2 = next(r for r in report["priority"] if r["priority"] == "P2")
    assert (p2["suggestions"], p2["triaged_within"], p2["triage_breached"]) == (2, 1, 1)
    assert (p2["resolved_within"], p2["resolve_breached"], p2["resolve_open"]) == (0, 1, 1)
    assert p2["breach_rate"] == round(2 / 3, 3)
    assert p2["median_days_over"] == 3.5  # triage over by 2, resolve over by 5
    p3 = next(r for r in report["priority"] if r["priority"] == "P3")
    assert (p3["triaged_within"], p3["resolved_within"], p3["breach_rate"]) == (1, 1, 0.0)
    circ = next(r for r in report["department"] if r["department"] == "Circulation")
    assert circ["suggestions"] == 2
    windowed = reports.sla_report(store, start=mon + timedelta(days=10), now=NOW)
    assert [r["priority"] for r in windowed["priority"]] == ["P2"]


# ---------------------------------------------------------------- actions
def test_action_lifecycle_and_closing_the_suggestion(store):
    sid = raise_suggestion(
        store, "sorter", "high", "high", NOW - timedelta(days=2), "accepted", triaged=NOW
    )
    a1 = actions.add(store, "Ada", actions.action_from_input(
        store, {"title": "Log jams", "owner": "Mai", "due": "2026-11-20", "suggestion": str(sid)}))  # fmt: skip
    a2 = actions.add(store, "Ada", actions.action_from_input(
        store, {"title": "Get a quote", "owner": "Raj", "due": "2026-12-20", "suggestion": str(sid)}))  # fmt: skip
    views = actions.views(store, NOW.date())
    assert [(v.action.id, v.overdue) for v in views] == [(a1, True), (a2, False)]
    assert views[0].department == "Circulation"
    # ``only``: just the actions it accepts, each viewed as in the whole list (the
    # Dashboard's "my overdue actions": one owner's)
    mai = store.get("actions", a1)["owner_id"]
    assert actions.views(store, NOW.date(), lambda a: a.owner_id == mai) == [views[0]]
    assert actions.views(store, NOW.date(), lambda a: a.owner_id == -1) == []
    assert actions.views(store, NOW.date(), lambda a: a.owner_id == views[1].action.owner_id) == [
        views[1]
    ]
    # Worked out once per change: the same views again, and ``only`` picks from them
    # in the same order as it picks before them
    assert actions.views(store, NOW.date()) == views
    assert actions.views(store, NOW.date(), lambda a: a.id != a1) == [views[1]]
    assert actions.views(store, NOW.date() + timedelta(days=40))[1].overdue  # another day
    with pytest.raises(actions.ActionError, match="needs a reason"):
        actions.set_status(store, "Ada", a1, "dropped")
    assert actions.set_status(store, "Ada", a1, "done").suggestion_ready is None  # a2 still open
    # A change is seen at once by every caller, with or without ``only``
    after = actions.views(store, NOW.date())
    assert [(v.action.id, v.action.status) for v in after] == [(a2, "open"), (a1, "done")]
    assert [v.action.status for v in actions.views(store, NOW.date(), lambda a: a.id == a1)] == [
        "done"
    ]
    outcome = actions.set_status(store, "Ada", a2, "dropped", "vendor fixed it")
    assert outcome.suggestion_ready == sid
    assert store.get("actions", a1)["done_at"]
    with pytest.raises(actions.ActionError, match="can become open"):
        actions.set_status(store, "Ada", a1, "in progress")


def test_action_views_name_where_each_action_comes_from(store):
    """A note's department is its visit's; a visit's is its own; the records pointed into
    are read as stored and never changed."""
    with store.transaction("setup") as tx:
        vid = tx.insert("visits", {"department_id": 2, "start": "2026-11-20T10:00+00:00",
                                   "end": "2026-11-20T11:00+00:00", "status": "completed"})  # fmt: skip
        oid = tx.insert("observations", {"visit_id": vid, "text": "queue", "author_id": 1})
        from_note = tx.insert("actions", {"title": "Fix the queue", "owner_id": 1,
                                          "observation_id": oid, "status": "open"})  # fmt: skip
        from_visit = tx.insert("actions", {"title": "Thank them", "owner_id": 2,
                                           "visit_id": vid, "status": "open"})  # fmt: skip
    visit_before = store.get("visits", vid)
    views = {v.action.id: v for v in actions.views(store, NOW.date())}
    assert (views[from_note].origin, views[from_note].department) == (
        f"note #{oid} on visit #{vid}",
        "Reference",
    )
    assert (views[from_visit].origin, views[from_visit].department) == (
        f"visit #{vid}",
        "Reference",
    )
    assert store.get("visits", vid) == visit_before


def test_an_owners_overdue_actions_are_those_the_views_call_overdue(store):
    """overdue_of: one owner's live actions due before today, as views() shows them, in
    its order; done, dropped, due today or later, undated and others' are left out."""
    with store.transaction("setup") as tx:
        for n, (owner, status, due) in enumerate([
            (1, "open", "2026-11-02"), (1, "in progress", "2026-10-01"), (1, "done", "2026-10-01"),
            (1, "dropped", "2026-10-01"), (1, "open", NOW.date().isoformat()), (1, "open", None),
            (1, "open", "2027-01-05"), (2, "open", "2026-10-01"), (1, "open", "2026-09-30"),
        ]):  # fmt: skip
            tx.insert("actions", {"title": f"a{n}", "owner_id": owner, "status": status,
                                  "due": due})  # fmt: skip
    for today in (NOW.date(), NOW.date() + timedelta(days=60)):
        expected = [v for v in actions.views(store, today, lambda a: a.owner_id == 1) if v.overdue]
        assert actions.overdue_of(store, today, 1) == expected
    assert [v.action.title for v in actions.overdue_of(store, NOW.date(), 1)] == [
        "a8", "a1", "a0"
    ]  # fmt: skip
    assert actions.overdue_of(store, NOW.date(), 3) == []


def test_a_few_actions_name_their_origins_without_reading_whole_tables(store, monkeypatch):
    """A few actions' suggestions, notes and visits are read by id (from their pieces of
    a table written in pieces, not the table); many actions', the tables as stored."""
    from shadow.core import store as store_mod

    monkeypatch.setattr(store_mod, "PIECE_RECORDS", 2)
    with store.transaction("setup") as tx:
        vid = tx.insert("visits", {"department_id": 2, "start": "2026-11-20T10:00+00:00",
                                   "end": "2026-11-20T11:00+00:00", "status": "completed"})  # fmt: skip
        oid = tx.insert("observations", {"visit_id": vid, "text": "queue", "author_id": 1})
        for n in range(12):
            tx.insert("suggestions", {"title": f"S{n}", "department_id": 1 + n % 2})
        made = [
            tx.insert(
                "actions",
                {"title": f"A{n}", "owner_id": 1 + n % 2, "status": "open", "suggestion_id": 1 + n},
            )  # fmt: skip
            for n in range(12)
        ]
        from_note = tx.insert("actions", {"title": "Fix the queue", "owner_id": 3,
                                          "observation_id": oid, "status": "open"})  # fmt: skip
    store.compact()
    whole = {v.action.id: (v.origin, v.department) for v in actions.views(store, NOW.date())}
    assert whole[made[4]] == ("suggestion #5: S4", "Circulation")
    assert whole[from_note] == (f"note #{oid} on visit #{vid}", "Reference")
    again = Store(store.path)
    mine = actions.views(
        again, NOW.date(), lambda a: a.owner_id in (2, 3), stored=lambda d: d["owner_id"] in (2, 3)
    )
    assert {v.action.id: (v.origin, v.department) for v in mine} == {
        i: whole[i] for i in [*made[1::2], from_note]
    }
    assert "suggestions" in again._lazy  # six pieces read, not the table
    monkeypatch.setattr(actions, "FEW_BY_ID", 3)  # more than a few: the tables
    every = Store(store.path)
    assert [v.origin for v in actions.views(every, NOW.date(), lambda a: True)] == [
        v.origin for v in actions.views(store, NOW.date())
    ]
    assert "suggestions" not in every._lazy


def test_action_views_tested_as_stored_first_are_those_only_accepts(store):
    """``stored``: a test of the stored record that lets through every action ``only``
    accepts; the views are the same as with ``only`` alone, in the same order."""
    since = datetime(2026, 12, 10, tzinfo=tz.UTC)
    cutoff = (since - timedelta(days=2)).date().isoformat()
    with store.transaction("setup") as tx:
        for n, (status, done_at) in enumerate([
            ("open", None), ("in progress", None), ("done", "2026-12-10T09:00+10:00"),
            ("done", "2026-12-09T20:00-05:00"), ("done", "2026-12-07T23:00-12:00"),
            ("done", "2026-12-11T08:00+00:00"), ("done", None), ("dropped", "2026-12-11T08:00+00:00"),
        ]):  # fmt: skip
            tx.insert("actions", {"title": f"a{n}", "owner_id": 1 + n % 2, "status": status,
                                  "done_at": done_at, "due": "2026-12-01"})  # fmt: skip
    in_pack = lambda a: reports._in_pack(a, since, cutoff)  # noqa: E731
    apart = actions._views(store, NOW.date(), in_pack)
    tested = actions._views(
        store, NOW.date(), in_pack, lambda d: reports._may_be_in_pack(d, cutoff)
    )
    assert tested == apart
    assert [v.action.title for v in apart] == ["a0", "a1", "a3", "a5"]
    assert [reports._may_be_in_pack(d, cutoff) for d in store.all("actions")] == [
        True, True, True, True, False, True, False, False
    ]  # fmt: skip
    mine = actions.views(
        store, NOW.date(), lambda a: a.owner_id == 2, stored=lambda d: d["owner_id"] == 2
    )
    assert mine == actions.views(store, NOW.date(), lambda a: a.owner_id == 2)
    assert {v.action.owner_id for v in mine} == {2} and len(mine) == 4


def test_action_input_errors(store):
    with pytest.raises(ValidationError) as info:
        actions.action_from_input(
            store, {"title": "", "owner": "Nobody", "due": "someday", "suggestion": "99"}
        )
    assert set(info.value.errors) == {"title", "owner", "due", "suggestion"}


def test_reminders(store):
    a = actions.add(store, "Ada", actions.action_from_input(
        store, {"title": "Late", "owner": "Ada", "due": "2026-11-20", "suggestion": str(
            raise_suggestion(store, "x", "low", "low", NOW))}))  # fmt: skip
    assert a
    ada = directory.find_person(store, "Ada")
    assert actions.reminders(store, ada, NOW) == "1 overdue action"
    assert actions.reminders(store, directory.find_person(store, "Raj"), NOW) == ""


# ---------------------------------------------------------------- exports and the meeting pack
@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_csv_neutralises_formulas(store, cell):
    raise_suggestion(store, cell, "low", "low", NOW)
    rows = list(csv.reader(io.StringIO(reports.export_csv(store, "suggestions"))))
    assert rows[0][:3] == ["id", "title", "priority"]
    assert rows[1][1] == "'" + cell
    assert reports.neutralise("plain") == "plain" and reports.neutralise("a=b") == "a=b"


def test_csv_every_table_has_a_header(store):
    for what in ("suggestions", "actions", "visits", "observations"):
        assert reports.export_csv(store, what).splitlines()[0].startswith("id,")


def test_meeting_pack_sections(store):
    since = NOW - timedelta(days=14)
    with store.transaction("setup") as tx:
        tx.insert("visits", {"department_id": 1, "visitors": [1], "hosts": [3], "kind": "tour",
                             "status": "confirmed", "start": "2026-11-30T10:00:00+00:00",
                             "end": "2026-11-30T12:00:00+00:00", "purpose": ""})  # fmt: skip
        tx.insert("visits", {"department_id": 2, "visitors": [2], "hosts": [3], "kind": "tour",
                             "status": "confirmed", "start": "2026-12-20T10:00:00+00:00",
                             "end": "2026-12-20T12:00:00+00:00", "purpose": ""})  # fmt: skip
    new_p1 = raise_suggestion(
        store, "Sorter *jams* [daily]", "high", "high", NOW - timedelta(days=1)
    )
    raise_suggestion(
        store, "Old news", "low", "low", NOW - timedelta(days=1), "accepted", triaged=NOW
    )
    backlog.vote(store, directory.find_person(store, "Raj"), new_p1)
    late = actions.add(store, "Ada", actions.action_from_input(
        store, {"title": "Overdue one", "owner": "Mai", "due": "2026-11-20", "suggestion": str(new_p1)}))  # fmt: skip
    finished = actions.add(store, "Ada", actions.action_from_input(
        store, {"title": "Finished one", "owner": "Raj", "suggestion": str(new_p1)}))  # fmt: skip
    actions.set_status(store, "Ada", finished, "done")
    notes.give_kudos(
        store, directory.find_person(store, "Mai"), directory.find_person(store, "Ada"), "Quick fix"
    )
    from shadow.core import schedule

    later = store.find("visits", start="2026-12-20T10:00:00+00:00")[0]["id"]
    schedule.set_status(store, "Ada", later, "cancelled", reason="host *away* [sick]", now=NOW)
    text = reports.meeting_pack(store, since, now=NOW)
    sections = {}
    current = None
    for line in text.splitlines():
        if line.startswith("## "):
            current = line[3:]
            sections[current] = []
        elif current and line.strip():
            sections[current].append(line)
    assert list(sections) == PACK_SECTIONS
    assert len(sections["Upcoming visits (next fortnight)"]) == 1  # the 20 Dec visit is beyond
    assert "Mon 30 Nov 2026 10:00–12:00" in sections["Upcoming visits (next fortnight)"][0]
    assert sections["New suggestions awaiting triage"] == [
        f"- **P1** #{new_p1} Sorter \\*jams\\* \\[daily\\] — impact high x urgency high = P1; from Mai, Circulation"
    ]
    assert sections["Top-voted open suggestions"][0].startswith(f"- 1 vote: #{new_p1}")
    assert sections["Actions overdue or at risk"] == [
        f"- **Overdue**: #{late} Overdue one — Mai, due Fri 20 Nov 2026"
    ]
    assert sections["Actions completed since the last meeting"] == [
        f"- #{finished} Finished one — Raj"
    ]
    assert sections["Visits cancelled since the last meeting"] == [
        f"- #{later} Sun 20 Dec 2026 10:00–12:00 — **Reference**, cancelled by Ada: "
        "host \\*away\\* \\[sick\\]"
    ]
    assert sections["Service-level breaches"] == ["_No service levels breached._"]
    assert sections["Kudos to announce"] == ["- **Ada**, thanked by Mai: Quick fix"]


def test_meeting_pack_breaches_are_those_open_or_breached_within_the_window(store):
    """Ten years of long-closed breaches are not news: the pack lists clocks still running
    past their target, and clocks that stopped late within the window."""
    since = NOW - timedelta(days=14)
    years_ago = NOW - timedelta(days=3 * 365)
    # P5 (low x low): triage 20 business days, resolve none.
    # Closed long ago, both clocks late: not listed.
    old = raise_suggestion(store, "Closed long ago", "high", "high", years_ago, "done",
                           triaged=years_ago + timedelta(days=30),
                           closed=years_ago + timedelta(days=90))  # fmt: skip
    # Still open, triaged late long ago: its running resolve clock is listed, not the triage.
    stale = raise_suggestion(store, "Open for years", "high", "high", years_ago, "accepted",
                             triaged=years_ago + timedelta(days=30))  # fmt: skip
    # Never triaged: its triage clock is still running past the target.
    forgotten = raise_suggestion(store, "Forgotten", "high", "high", years_ago)
    # Closed late within the window: listed.
    recent = raise_suggestion(store, "Closed late last week", "high", "high",
                              NOW - timedelta(days=60), "done",
                              triaged=NOW - timedelta(days=59),
                              closed=NOW - timedelta(days=7))  # fmt: skip
    text = reports.meeting_pack(store, since, now=NOW)
    breaches = text.split("## Service-level breaches")[1].split("## ")[0]
    listed = [line for line in breaches.splitlines() if line.startswith("- ")]
    assert not any(f"#{old} " in line for line in listed)
    assert [line.split(": ")[1].split(":")[0] for line in listed if f"#{stale} " in line] == [
        "resolve"
    ]
    assert [line.split(": ")[1].split(":")[0] for line in listed if f"#{forgotten} " in line] == [
        "triage",
        "resolve",
    ]
    assert [line.split(": ")[1].split(":")[0] for line in listed if f"#{recent} " in line] == [
        "resolve"
    ]


def test_programme_report_shows_both_sides(store):
    with store.transaction("setup") as tx:
        vid = tx.insert("visits", {"department_id": 1, "visitors": [1], "hosts": [3], "kind": "tour",
                                   "status": "completed", "start": "2026-11-20T10:00:00+00:00",
                                   "end": "2026-11-20T12:00:00+00:00", "purpose": "see it"})  # fmt: skip
    notes.observe(store, directory.find_person(store, "Ada"), vid, "IT view")
    notes.observe(store, directory.find_person(store, "Mai"), vid, "Library view")
    text = reports.programme_report(store, now=NOW)
    assert "- *IT, Ada, workflow seen:* IT view" in text
    assert "- *Library, Mai, workflow seen:* Library view" in text


def test_business_day_arithmetic_matches_a_day_by_day_walk():
    """The counted (not walked) arithmetic agrees with the obvious slow version."""
    import random
    from datetime import time

    from shadow.core.dates import is_business_day

    def walk_add(start, days, closures):
        current = start
        while not is_business_day(current.date(), closures):
            current = datetime.combine(
                current.date() + timedelta(days=1), time(0, 0), current.tzinfo
            )
        while days > 0:
            current += timedelta(days=1)
            days -= is_business_day(current.date(), closures)
        return current

    def walk_between(a, b, closures):
        if b < a:
            return -walk_between(b, a, closures)
        total, day = 0.0, a.date()
        while day <= b.date():
            if is_business_day(day, closures):
                lo = a if day == a.date() else datetime.combine(day, time(0, 0), a.tzinfo)
                hi = (
                    b
                    if day == b.date()
                    else datetime.combine(day + timedelta(days=1), time(0, 0), a.tzinfo)
                )
                total += (hi - lo).total_seconds() / 86400
            day += timedelta(days=1)
        return total

    rng = random.Random(7)
    for _ in range(2000):
        start = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randrange(60 * 24 * 700))
        closures = {
            date(2026, 1, 1) + timedelta(days=rng.randrange(800)) for _ in range(rng.randrange(30))
        }
        days = rng.randrange(60)
        assert add_business_days(start, days, closures) == walk_add(start, days, closures)
        other = start + timedelta(minutes=rng.randrange(-60 * 24 * 200, 60 * 24 * 200))
        assert business_days_between(start, other, closures) == pytest.approx(
            walk_between(start, other, closures)
        )


def test_action_due_dates_out_of_reach_and_reopening_needs_a_reason(store):
    from shadow.core import actions
    from shadow.core.actions import ActionError

    now = datetime(2026, 11, 22, 12, tzinfo=tz.UTC)
    sid = raise_suggestion(store, "Sorter", "high", "high", now - timedelta(days=3))
    with pytest.raises(ValidationError, match="more than three years ahead"):
        actions.action_from_input(
            store, {"title": "x", "owner": "Ada", "suggestion": sid, "due": "1/1/2099"}, now_=now
        )
    with pytest.raises(ValidationError, match="more than a year ago"):
        actions.action_from_input(
            store, {"title": "x", "owner": "Ada", "suggestion": sid, "due": "1/1/2020"}, now_=now
        )
    a = actions.action_from_input(
        store, {"title": "x", "owner": "Ada", "suggestion": sid, "due": "1/12/2026"}, now_=now
    )
    aid = actions.add(store, "tester", a)
    actions.set_status(store, "tester", aid, "done")
    with pytest.raises(ActionError, match="needs a reason"):
        actions.set_status(store, "tester", aid, "open")
    actions.set_status(store, "tester", aid, "open", "done by mistake")
    last = [(e["field"], e["new"]) for e in store.audit("actions", aid)][-3:]
    assert sorted(last, key=str) == [
        ("done_at", None),
        ("reason", "done by mistake"),
        ("status", "open"),
    ]


def test_a_pack_passes_over_suggestions_closed_before_its_window_by_instant():
    """The text of a time stamp starts with its local day: one two days before the window
    is before it whatever the offsets; nearer ones are compared as instants."""
    since = datetime(2026, 12, 10, tzinfo=tz.UTC)
    cutoff = (since - timedelta(days=2)).date().isoformat()
    doc = {"status": "done", "triaged": "2026-11-01T00:00:00+00:00",
           "closed": "2026-12-10T09:00:00+10:00"}  # fmt: skip
    assert reports._stopped_before(doc, since, cutoff)  # 23:00 UTC on the 9th
    doc["closed"] = "2026-12-09T20:00:00-05:00"  # 01:00 UTC on the 10th
    assert not reports._stopped_before(doc, since, cutoff)
    doc["closed"] = "2026-12-07T23:00:00-12:00"  # its day is before the cutoff
    assert reports._stopped_before(doc, since, cutoff)
    assert not reports._stopped_before(doc | {"status": "accepted"}, since, cutoff)
    assert not reports._stopped_before(doc | {"triaged": None}, since, cutoff)


def test_meeting_pack_names_the_most_overdue_older_breaches_and_counts_the_rest(store, monkeypatch):
    """Thousands of breaches from before the window are not read out one by one: past
    OLDER_BREACHES_LISTED the most overdue are named and the rest counted by priority;
    those that went late within the window are always named."""
    monkeypatch.setattr(reports, "OLDER_BREACHES_LISTED", 2)
    since = NOW - timedelta(days=14)
    # Never triaged, raised 1-4 years ago: triage and resolve both late long before the window.
    old = [
        raise_suggestion(store, f"Old {n}", "high", "high", NOW - timedelta(days=365 * n))
        for n in (1, 2, 3, 4)
    ]
    # Raised 25 business days ago: its triage clock (20 business days) went late in the window.
    fresh = raise_suggestion(store, "Late this week", "low", "low", NOW - timedelta(days=35))
    text = reports.meeting_pack(store, since, now=NOW)
    breaches = text.split("## Service-level breaches")[1].split("## ")[0]
    listed = [line for line in breaches.splitlines() if line.startswith("- ")]
    named = [line for line in listed if line.startswith("- #")]
    # the two most overdue clocks are the oldest suggestion's (its resolve, then triage)
    assert [line.split(" ")[1] for line in named if f"#{fresh} " not in line] == [
        f"#{old[3]}",
        f"#{old[3]}",
    ]
    assert any(f"#{fresh} " in line and ": triage:" in line for line in named)
    [more] = [line for line in listed if line.startswith("- … and")]
    assert more.startswith(
        "- … and 6 more late since before Wed 11 Nov 2026 and still open (P1: 6)"
    )
    # At or under the limit, every one is named as before.
    monkeypatch.setattr(reports, "OLDER_BREACHES_LISTED", 8)
    text = reports.meeting_pack(store, since, now=NOW)
    breaches = text.split("## Service-level breaches")[1].split("## ")[0]
    assert "… and" not in breaches
    assert sum(line.startswith("- #") for line in breaches.splitlines()) == 9
