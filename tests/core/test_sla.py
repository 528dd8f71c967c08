"""Service levels in working time: pausing on each side, re-timing, migration, the report."""

from datetime import UTC, datetime, timedelta

import pytest

from shadow.core import actions, backlog, directory, reports, sla
from shadow.core.models import Action, ClockStart, Programme, Suggestion, Wait

from .people import small_directory

H = 3600
MON = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # Mon 2 Nov 2026, 09:00 (hours 08:30-17:00)


@pytest.fixture(autouse=True)
def _utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")


@pytest.fixture
def store(tmp_path):
    people = [("Ada", "it"), ("Raj", "it"), ("Mai", "library"), ("Coco", "library")]
    return small_directory(tmp_path / "db.json", people, ("Circulation", "Reference"))[0]


def raise_suggestion(store, direction="library-to-it", created=MON, dept=1, impact="medium",
                     urgency="medium", status="accepted", **extra):  # fmt: skip
    s = Suggestion(title=f"s {direction}", impact=impact, urgency=urgency, author_id=3,
                   direction=direction, status=status, department_id=dept, **extra)  # fmt: skip
    with store.transaction("setup") as tx:
        return tx.insert("suggestions", s.to_doc(), created=created.isoformat())


def resolve_clock(store, sid, now):
    doc = store.get("suggestions", sid)
    return sla.service(store).clocks(Suggestion.from_doc(doc), doc["created"], now)[1]


# ---------------------------------------------------------------- whose turn it is
@pytest.mark.parametrize(
    "direction, side, pauses",
    [
        ("library-to-it", "library", True),  # the library asked: waiting on it stops IT's clock
        ("library-to-it", "vendor", True),
        ("library-to-it", "it", False),  # IT's own turn: the clock runs
        ("it-to-library", "it", True),
        ("it-to-library", "vendor", True),
        ("it-to-library", "library", False),
    ],
)
def test_pause_and_resume_on_each_side(store, direction, side, pauses):
    sid = raise_suggestion(store, direction)  # P3: resolve 20 working days = 170 h
    tue = MON + timedelta(days=1)  # Tue 09:00: 8.5 working hours used (Mon 8, Tue 0.5)
    sla.wait(store, "Ada", "suggestions", sid, side, "need the vendor's answer", now=tue)
    during = resolve_clock(store, sid, MON + timedelta(days=3))  # Thu 09:00
    assert during.waiting_on == side
    assert during.paused is pauses
    if pauses:
        assert during.remaining == 170 * H - 8.5 * H
        assert during.due is None and "paused, waiting on" in during.describe()
    else:
        assert during.remaining == 170 * H - (8 + 8.5 + 8.5 + 0.5) * H
        assert during.due == datetime(2026, 11, 30, 9, tzinfo=UTC)
    ended = sla.resume(store, "Ada", "suggestions", sid, now=MON + timedelta(days=3))
    assert ended.on == side and ended.end is not None
    after = resolve_clock(store, sid, MON + timedelta(days=4))  # Fri 09:00
    assert not after.paused and after.waiting_on == ""
    held = 17 * H if pauses else 0  # Tue 09:00 -> Thu 09:00: 8 + 8.5 + 0.5 working hours
    assert after.paused_seconds == held
    assert after.remaining == 170 * H - (8 + 3 * 8.5 + 0.5) * H + held
    # the due moment moves on by exactly the paused working time
    assert after.due == (
        datetime(2026, 12, 2, 9, tzinfo=UTC) if pauses else datetime(2026, 11, 30, 9, tzinfo=UTC)
    )
    # the triage clock never pauses
    doc = store.get("suggestions", sid)
    triage = sla.service(store).clocks(Suggestion.from_doc(doc), doc["created"], MON)[0]
    assert triage.paused is False


def test_waits_are_audited_switch_sides_and_refuse_nonsense(store):
    sid = raise_suggestion(store)
    sla.wait(store, "Ada", "suggestions", sid, "library", now=MON + timedelta(hours=1))
    with pytest.raises(sla.SlaError, match="already waiting on the library"):
        sla.wait(store, "Ada", "suggestions", sid, "library", now=MON + timedelta(hours=2))
    # waiting on another side ends the first wait at the same moment
    sla.wait(store, "Raj", "suggestions", sid, "vendor", "quote", now=MON + timedelta(hours=3))
    found = sla.waits(store, "suggestions", sid)
    assert [(w.on, w.end is None) for w in found] == [("library", False), ("vendor", True)]
    assert found[0].end == found[1].start
    audited = store.audit(Wait.TABLE)
    assert {e["actor"] for e in audited} == {"Ada", "Raj"}
    assert any(e["field"] == "end" for e in audited)
    sla.resume(store, "Raj", "suggestions", sid, now=MON + timedelta(hours=4))
    with pytest.raises(sla.SlaError, match="not waiting"):
        sla.resume(store, "Raj", "suggestions", sid)
    with pytest.raises(sla.SlaError, match="wait on one of"):
        sla.wait(store, "Raj", "suggestions", sid, "printer")
    closed = raise_suggestion(store, status="done", closed=MON.isoformat())
    with pytest.raises(sla.SlaError, match="only open ones wait"):
        sla.wait(store, "Raj", "suggestions", closed, "vendor")
    with pytest.raises(backlog.BacklogError):
        sla.wait(store, "Raj", "suggestions", 99, "vendor")


def test_actions_wait_too(store):
    sid = raise_suggestion(store)
    aid = actions.add(store, "Ada", Action(title="ask the vendor", owner_id=1, suggestion_id=sid))
    sla.wait(store, "Ada", "actions", aid, "vendor", now=MON)
    sla.resume(store, "Ada", "actions", aid, now=MON + timedelta(hours=5))
    (w,) = sla.waits(store, "actions", aid)
    assert w.on == "vendor" and w.record == "actions"


# ---------------------------------------------------------------- priority changes
def test_priority_change_retimes_the_clock_and_keeps_the_history(store):
    sid = raise_suggestion(store, status="new", created=MON - timedelta(days=30))
    s = backlog.get(store, sid)
    assert backlog.priority(s) == 3
    s.urgency = "high"  # medium x high = P2
    backlog.update(store, "Raj", s)
    (change,) = [ClockStart.from_doc(d) for d in store.all(ClockStart.TABLE)]
    assert (change.suggestion_id, change.previous, change.priority) == (sid, 3, 2)
    at = datetime.fromisoformat(change.at)
    svc = sla.service(store)
    doc = store.get("suggestions", sid)
    triage, resolve = svc.clocks(Suggestion.from_doc(doc), doc["created"], at)
    # counted from the change, against P2's targets (2 and 10 working days), not from creation
    assert (triage.start, triage.priority, triage.target) == (at, 2, sla.Target(2, "d"))
    assert resolve.start == at and resolve.target == sla.Target(10, "d")
    assert triage.state == "running"
    # the history: the change is audited and still there; a change that keeps P2 adds nothing
    assert store.audit(ClockStart.TABLE)[0]["actor"] == "Raj"
    s = backlog.get(store, sid)
    s.tags = ["printing"]
    backlog.update(store, "Raj", s)
    assert store.count(ClockStart.TABLE) == 1
    # a clock that stopped before the change is judged with the priority it had then
    old = raise_suggestion(store, status="accepted", created=MON, triaged=(MON + timedelta(days=6)).isoformat())  # fmt: skip
    o = backlog.get(store, old)
    o.impact = "high"
    backlog.update(store, "Raj", o)
    doc = store.get("suggestions", old)
    triage = sla.service(store).clocks(Suggestion.from_doc(doc), doc["created"], at)[0]
    assert (triage.priority, triage.start, triage.state) == (3, MON, "met")  # P3: 5 days


# ---------------------------------------------------------------- policy migration
def test_day_based_policy_keeps_its_meaning(store):
    with store.transaction("old version") as tx:  # what older versions stored
        tx.set_setting("sla.policy", {"2": [3, 15], "5": [30, None]})
    p = sla.policy(store)
    assert p[2] == (sla.Target(3, "d"), sla.Target(15, "d"))
    assert p[5] == (sla.Target(30, "d"), None)
    assert p[1] == sla.DEFAULT_POLICY[1]
    sid = raise_suggestion(store, impact="high", status="new")  # P2
    doc = store.get("suggestions", sid)
    triage = sla.service(store).clocks(Suggestion.from_doc(doc), doc["created"], MON)[0]
    assert triage.due == datetime(2026, 11, 5, 9, tzinfo=UTC)  # 3 business = working days
    assert sla.migrate_stored_policy(store, "admin") is True
    assert store.setting("sla.policy")["2"] == ["3d", "15d"]
    assert store.setting("sla.policy")["5"] == ["30d", None]
    assert sla.policy(store) == p
    assert sla.migrate_stored_policy(store, "admin") is False
    triage = sla.service(store).clocks(Suggestion.from_doc(doc), doc["created"], MON)[0]
    assert triage.due == datetime(2026, 11, 5, 9, tzinfo=UTC)


def test_hour_targets_and_at_risk_share(store):
    sla.set_target(store, "boss", 3, "4h/2d")
    sid = raise_suggestion(store, status="new")
    doc = store.get("suggestions", sid)
    s = Suggestion.from_doc(doc)
    at = sla.service(store).clocks(s, doc["created"], MON + timedelta(hours=2, minutes=59))[0]
    assert at.state == "running" and at.describe() == "triage: 1.0 working hours left"
    at = sla.service(store).clocks(s, doc["created"], MON + timedelta(hours=3))[0]
    assert at.state == "at risk"  # 3 of 4 hours = 75%
    sla.set_at_risk(store, "boss", "90")
    assert (
        sla.service(store).clocks(s, doc["created"], MON + timedelta(hours=3))[0].state == "running"
    )
    for bad in ("0", "100", "lots"):
        with pytest.raises(sla.SlaError):
            sla.set_at_risk(store, "boss", bad)
    late = sla.service(store).clocks(s, doc["created"], MON + timedelta(hours=8))[0]
    # Mon 09:00 + 4 working hours = 13:00; at 17:00 it is 4 hours over (8 used)
    assert late.due == MON + timedelta(hours=4)
    assert late.describe() == "triage: breached by 4.0 working hours"


def test_holidays_are_named_when_they_move_a_due_date(store, monkeypatch):
    monkeypatch.setenv("TZ", "Australia/Perth")
    from shadow.core import calendar

    calendar.set_place(store, "boss", "AU-WA")
    sid = raise_suggestion(store, status="new", created=datetime(2026, 12, 24, 2, tzinfo=UTC))
    doc = store.get("suggestions", sid)
    triage = sla.service(store).clocks(Suggestion.from_doc(doc), doc["created"], datetime(2026, 12, 24, 3, tzinfo=UTC))[0]  # fmt: skip
    # P3 triage 5 days from Thu 24 Dec 10:00 Perth: Fri 25 and Mon 28 are holidays
    assert triage.due.astimezone(calendar.ServiceCalendar().zone).date().isoformat() == "2027-01-05"
    assert "after Christmas Day, Boxing Day (observed), New Year's Day" in triage.describe()


# ---------------------------------------------------------------- the report
def test_waiting_hours_report_against_a_fixture(store):
    a = raise_suggestion(store, "library-to-it", dept=1)
    b = raise_suggestion(store, "it-to-library", dept=2)
    aid = actions.add(store, "Ada", Action(title="check", owner_id=1, suggestion_id=b))
    # Circulation: 9 h on the library (Tue 08:30 - Wed 09:00), then 2 h on a vendor (to 11:00)
    sla.wait(store, "Ada", "suggestions", a, "library", now=MON + timedelta(days=1, hours=-0.5))
    sla.wait(store, "Ada", "suggestions", a, "vendor", now=MON + timedelta(days=2))
    sla.resume(store, "Ada", "suggestions", a, now=MON + timedelta(days=2, hours=2))
    # Reference: its action waited on IT from Fri 27 Nov 16:00 to Tue 1 Dec 09:30 (1+8.5+1 h)
    sla.wait(store, "Raj", "actions", aid, "it", now=datetime(2026, 11, 27, 16, tzinfo=UTC))
    sla.resume(store, "Raj", "actions", aid, now=datetime(2026, 12, 1, 9, 30, tzinfo=UTC))
    # and a wait still open: counted up to now
    sla.wait(store, "Raj", "suggestions", b, "library", now=datetime(2026, 12, 2, 16, tzinfo=UTC))
    now = datetime(2026, 12, 3, 10, tzinfo=UTC)
    report = reports.sla_report(store, now=now)
    assert report["waiting_hours"] == {"library": 9 + 2.5, "it": 10.5, "vendor": 2.0}
    depts = {r["department"]: r for r in report["department"]}
    assert depts["Circulation"]["waiting_hours"] == {"library": 9.0, "it": 0.0, "vendor": 2.0}
    assert depts["Reference"]["waiting_hours"] == {"library": 2.5, "it": 10.5, "vendor": 0.0}
    assert depts["Circulation"]["breaches"] == 2  # triage never recorded, resolve late by 3 Dec
    # every field the report had before is still there
    for row in report["department"]:
        assert {"suggestions", "triaged_within", "triage_breached", "triage_open",
                "resolved_within", "resolve_breached", "resolve_open", "breach_rate",
                "median_days_over"} <= set(row)  # fmt: skip
    months = {m["month"]: m["waiting_hours"] for m in report["months"]}
    assert months["2026-11"] == {"library": 9.0, "it": 9.5, "vendor": 2.0}  # Fri 1 h, Mon 8.5 h
    assert months["2026-12"] == {"library": 2.5, "it": 1.0, "vendor": 0.0}
    # a window counts only the waiting inside it
    windowed = reports.sla_report(store, start=datetime(2026, 12, 1, tzinfo=UTC), now=now)
    assert windowed["waiting_hours"] == {"library": 2.5, "it": 1.0, "vendor": 0.0}


def test_breaches_by_month(store):
    raise_suggestion(store, status="new", created=datetime(2026, 10, 1, 9, tzinfo=UTC))  # P3
    report = reports.sla_report(store, now=datetime(2026, 12, 3, 10, tzinfo=UTC))
    # triage (5 days) breached on 8 Oct, resolve (20 days) on 29 Oct
    assert {m["month"]: m["breaches"] for m in report["months"]} == {"2026-10": 2}


# ---------------------------------------------------------------- escalation
def test_escalations_go_to_owners_and_coordinators(store):
    late = raise_suggestion(store, status="new", created=MON - timedelta(days=30))
    raise_suggestion(store, status="new", created=MON)  # on time
    actions.add(store, "Ada", Action(title="look", owner_id=1, suggestion_id=late))
    with store.transaction("setup") as tx:
        tx.insert(Programme.TABLE, Programme(name="2026", coordinator_id=4).to_doc())
    people = {p.name: p for p in directory.people(store)}
    now = MON + timedelta(hours=1)
    mine = sla.escalations(store, now, people["Ada"])
    assert [(e.suggestion_id, e.state, e.owners) for e in mine] == [(late, "breached", ("Ada",))]
    assert sla.escalations(store, now, people["Raj"]) == []
    assert [e.suggestion_id for e in sla.escalations(store, now, people["Coco"])] == [late]
    # Suggestions the caller has built already (the meeting pack) give the same answer.
    built = [(d, Suggestion.from_doc(d)) for d in store.all(Suggestion.TABLE)]
    for who in ("Ada", "Raj", "Coco"):
        assert sla.escalations(store, now, people[who], suggestions=built) == sla.escalations(
            store, now, people[who]
        )


def test_the_first_escalations_from_states_are_the_first_of_all(store):
    """The Dashboard asks for its first ten escalations with each suggestion's state
    worked out already (``states``, ``limit``): clocks only for those kept. They are the
    first ten of the whole list, in its order, for an owner and for everyone, including
    suggestions whose priority was changed (their clocks count in the priority in force
    at their start)."""
    levels = ("high", "medium", "low")
    made = []
    for n in range(36):
        sid = raise_suggestion(
            store, status=("new", "accepted", "in progress", "done")[n % 4],
            created=MON - timedelta(days=(n * 7) % 40, hours=n),
            impact=levels[n % 3], urgency=levels[(n // 3) % 3],
            closed=(MON - timedelta(days=1)).isoformat() if n % 4 == 3 else None,
        )  # fmt: skip
        made.append(sid)
    with store.transaction("setup") as tx:
        for sid in made[1::5]:  # raised to P1, or lowered to P5, a few days in
            start = ClockStart(suggestion_id=sid, at=(MON - timedelta(days=3)).isoformat(),
                               previous=3, priority=1 if sid % 2 else 5)  # fmt: skip
            tx.insert(ClockStart.TABLE, start.to_doc())
        tx.insert(Programme.TABLE, Programme(name="2026", coordinator_id=4).to_doc())
    for sid in made[::4]:
        actions.add(store, "Ada", Action(title="look", owner_id=1, suggestion_id=sid))
    people = {p.name: p for p in directory.people(store)}
    svc = sla.service(store)
    built = [(d, Suggestion.from_doc(d)) for d in store.all(Suggestion.TABLE)]
    for now in (MON - timedelta(days=2), MON + timedelta(hours=3), MON + timedelta(days=30)):
        states = {d["id"]: svc.state(s, d["created"], now) for d, s in built}
        for who in (people["Ada"], people["Coco"], None):
            whole = sla.escalations(store, now, who, svc, suggestions=built)
            assert whole or who is None and now < MON  # (something to compare)
            for limit in (1, 3, 10, None):
                first = sla.escalations(
                    store, now, who, svc, None, built, states=states, limit=limit
                )
                assert first == whole[:limit], (now, who, limit)


# ---------------------------------------------------------------- the sample programme
def test_sample_programme_shows_whose_turn_it_is(store, monkeypatch):
    monkeypatch.setenv("TZ", "Australia/Perth")
    from shadow.core.sample import load_sample

    with store.transaction("setup") as tx:  # the fixture's people and departments go
        for table in ("people", "departments"):
            for d in store.all(table):
                tx.delete(table, d["id"])
    load_sample(store, "demo", force=True)
    assert directory.check(store) == []
    waits = [Wait.from_doc(d) for d in store.all(Wait.TABLE)]
    assert {w.on for w in waits} == {"library", "it", "vendor"}
    assert {w.record for w in waits} == {"suggestions", "actions"}
    assert any(w.end is None for w in waits) and any(w.end for w in waits)
    assert store.setting("sla.holidays") == "AU-WA"
    report = reports.sla_report(store)
    assert set(report["waiting_hours"]) == {"library", "it", "vendor"}
    assert all(v > 0 for v in report["waiting_hours"].values())
    pack = reports.meeting_pack(store, datetime.now(UTC) - timedelta(days=14))
    assert "## Whose turn it is" in pack and "Waiting on **a vendor**" in pack
    assert "holidays AU-WA" in pack
    # the returns sorter waits on a vendor: its resolution clock stands still
    sorter = next(d for d in store.all("suggestions") if d["title"].startswith("Replace"))
    clock = sla.service(store).clocks(Suggestion.from_doc(sorter), sorter["created"], datetime.now(UTC))[1]  # fmt: skip
    assert clock.paused and clock.waiting_on == "vendor"


def test_the_report_names_the_holidays_its_clocks_skipped(store):
    from shadow.core import calendar

    calendar.set_place(store, "boss", "AU-WA")
    now = datetime(2027, 1, 10, 10, tzinfo=UTC)
    report = reports.sla_report(store, start=datetime(2026, 12, 20, tzinfo=UTC), now=now)
    # working-day holidays in the window, by name; Sat/Sun holidays skip no working time
    assert report["calendar"]["holiday_days"] == [
        {"date": "2026-12-25", "name": "Christmas Day"},
        {"date": "2026-12-28", "name": "Boxing Day (observed)"},
        {"date": "2027-01-01", "name": "New Year's Day"},
    ]
    assert report["calendar"]["holidays"] == "AU-WA"  # the place, as before
    calendar.set_place(store, "boss", "none")
    assert reports.sla_report(store, now=now)["calendar"]["holiday_days"] == []


# ---------------------------------------------------------------- stopped clocks, kept
def test_stopped_clocks_are_kept_until_what_they_depend_on_changes(store, monkeypatch):
    monkeypatch.setattr(sla, "_STOPPED", {})
    closed = (MON + timedelta(days=9)).isoformat()
    sid = raise_suggestion(store, status="done", triaged=(MON + timedelta(days=1)).isoformat(), closed=closed)  # fmt: skip

    def clocks(now):
        doc = store.get("suggestions", sid)
        return sla.service(store).clocks(Suggestion.from_doc(doc), doc["created"], now)

    def fresh(now):
        sla._STOPPED.clear()
        return clocks(now)

    first = clocks(MON + timedelta(days=30))
    assert clocks(MON + timedelta(days=300)) is first  # worked out once, whatever "now" is
    assert first == fresh(MON + timedelta(days=30))
    assert [c.state for c in first] == ["met", "met"]  # P3: 5 and 20 working days
    sla.set_target(store, "boss", 3, "4h/2d")  # a policy change: worked out again
    tighter = clocks(MON + timedelta(days=30))
    assert [c.state for c in tighter] == ["breached", "breached"]
    assert tighter == fresh(MON + timedelta(days=30))
    with store.transaction("setup") as tx:  # a wait on the library (the requester) pauses
        w = Wait(record="suggestions", record_id=sid, on="library", start=MON.isoformat(),
                 end=(MON + timedelta(days=8)).isoformat())  # fmt: skip
        tx.insert(Wait.TABLE, w.to_doc())
    paused = clocks(MON + timedelta(days=30))[1]
    assert paused.paused_seconds > 0 and paused != tighter[1]
    assert paused == fresh(MON + timedelta(days=30))[1]
    s = backlog.get(store, sid)  # reopened: its clock runs with time again
    s.status, s.closed = "in progress", None
    backlog.update(store, "Raj", s)
    assert clocks(MON + timedelta(days=30))[1].state == "breached"
    assert clocks(MON + timedelta(days=10))[1].stopped is None


@pytest.mark.parametrize("policy", [None, "4h/2d", "1d/3d", "2d/none"])
def test_a_suggestions_state_is_the_worse_of_its_clocks(store, policy):
    """``Service.state`` is worked out without Clocks: it says what the Clocks say, for
    stopped clocks (done, declined) and running ones (met, breached, at risk, running),
    with waits that pause them, a priority change during their life, targets in hours or
    days, and no target."""
    if policy:
        sla.set_target(store, "boss", 3, policy)
        sla.set_target(store, "boss", 2, policy)
    cases = []
    spans = [(1, 9), (0.1, 2), (6, 40), (3, 3.2), (12, 90), (None, None), (0.2, None)]
    for n, (triaged, closed) in enumerate(spans):
        for status in ("done", "declined", "in progress", "new", "duplicate"):
            sid = raise_suggestion(
                store, status=status, created=MON + timedelta(hours=5 * n),
                triaged=(MON + timedelta(days=triaged)).isoformat() if triaged else None,
                closed=(MON + timedelta(days=closed)).isoformat() if closed else None,
            )  # fmt: skip
            cases.append(sid)
    with store.transaction("setup") as tx:  # a wait on the library (the requester) pauses
        for sid in cases[::3]:
            w = Wait(record="suggestions", record_id=sid, on="library", start=MON.isoformat(),
                     end=(MON + timedelta(days=4)).isoformat() if sid % 2 else None)  # fmt: skip
            tx.insert(Wait.TABLE, w.to_doc())
        for sid in cases[1::4]:  # raised to P2 two days in
            start = ClockStart(suggestion_id=sid, at=(MON + timedelta(days=2)).isoformat(),
                               previous=3, priority=2)  # fmt: skip
            tx.insert(ClockStart.TABLE, start.to_doc())
    svc = sla.service(store)
    states = set()
    for sid in cases:
        doc = store.get("suggestions", sid)
        s = Suggestion.from_doc(doc)
        for hours in (2, 7, 20, 30, 60, 100, 300, 2400, 24000):
            now = MON + timedelta(hours=hours)
            state = svc.state(s, doc["created"], now)
            assert state == sla.worst_state(svc.clocks(s, doc["created"], now)), (sid, hours)
            states.add(state)
    assert {"met", "breached", "running", "none"} <= states  # (every way out tried)
    assert policy == "4h/2d" or "at risk" in states


def test_running_clocks_targets_follow_the_calendar(store, monkeypatch):
    monkeypatch.setattr(sla, "_TARGETS", {})
    sid = raise_suggestion(store, status="new")
    doc = store.get("suggestions", sid)
    s = Suggestion.from_doc(doc)
    before = sla.service(store).clocks(s, doc["created"], MON + timedelta(hours=1))[0]
    assert before.due == datetime(2026, 11, 9, 9, tzinfo=UTC)  # P3 triage: 5 working days
    assert len(sla._TARGETS) == 2  # both clocks' targets, kept for the next read
    with store.transaction("setup") as tx:  # Wed 4 Nov closed: due a working day later
        tx.set_setting("closures", ["2026-11-04"])
    after = sla.service(store).clocks(s, doc["created"], MON + timedelta(hours=1))[0]
    assert after.due == datetime(2026, 11, 10, 9, tzinfo=UTC)
    sla._TARGETS.clear()
    assert sla.service(store).clocks(s, doc["created"], MON + timedelta(hours=1))[0] == after


def test_a_running_clocks_state_makes_no_due_moment(store, monkeypatch):
    """A state reads a running clock's target off the calendar's prefix sums (kept, by
    the calendar's settings) and makes no due moment; clocks made since are read from."""
    monkeypatch.setattr(sla, "_TARGETS", {})
    monkeypatch.setattr(sla, "_SECONDS", {})
    sid = raise_suggestion(store, status="new")
    doc = store.get("suggestions", sid)
    s = Suggestion.from_doc(doc)
    svc = sla.service(store)
    for hours in (1, 30, 60):
        now = MON + timedelta(hours=hours)
        assert svc.state(s, doc["created"], now) == sla.worst_state(
            sla.service(store).clocks(s, doc["created"], now)
        )
    assert len(sla._SECONDS) == 2 and len(sla._TARGETS) == 2  # (both clocks of one start)
    assert list(sla._SECONDS.values()) == [t for t, _due in sla._TARGETS.values()]
    sla._SECONDS.clear()
    svc.state(s, doc["created"], MON)
    assert not sla._SECONDS  # (the clocks' targets were there)
    with store.transaction("setup") as tx:  # another calendar: another key
        tx.set_setting("closures", ["2026-11-04"])
    sla.service(store).state(s, doc["created"], MON)
    assert len(sla._SECONDS) == 2


def test_the_years_the_clocks_cross_are_built_ahead(store, monkeypatch):
    """``build_calendar_years`` works out the calendar's years from the oldest stored
    suggestion's to now's, so that a screen's first states find them; a state read after
    is the one read with nothing built ahead."""
    from shadow.core import calendar

    monkeypatch.setattr(calendar, "_CALENDARS", {})
    sla.build_calendar_years(store, MON)  # (no suggestion: nothing to build)
    assert calendar.calendar_for(store)._years == {}
    sid = raise_suggestion(store, created=MON.replace(year=2019), status="new")
    raise_suggestion(store, created=MON.replace(year=2023), status="new")
    doc = store.get("suggestions", sid)
    s = Suggestion.from_doc(doc)
    cold = sla.service(store).state(s, doc["created"], MON)
    monkeypatch.setattr(calendar, "_CALENDARS", {})
    stored = store.stored
    odd = [(98, {"title": "no time made"}), (99, {"created": 2001}), (97, {"created": "?"})]
    monkeypatch.setattr(store, "stored", lambda table: [*odd, *stored(table)])  # (hand-edited)
    sla.build_calendar_years(store, MON)  # (records without a readable time: passed over)
    assert sorted(calendar.calendar_for(store)._years) == list(range(2019, 2027))
    monkeypatch.setattr(store, "stored", stored)
    assert sla.service(store).state(s, doc["created"], MON) == cold == "breached"
