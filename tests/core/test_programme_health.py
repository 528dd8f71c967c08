"""Coverage against goals, the gap planner, and the expectation/perception survey gap."""

from datetime import date, datetime

import pytest
from dateutil import tz

from shadow.core import coverage, directory, planner, schedule, surveys
from shadow.core.dates import from_iso
from shadow.core.models import Person, Programme, Visit
from shadow.core.store import Store

UTC = tz.UTC
NOW = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)  # a Monday


@pytest.fixture(autouse=True)
def _zone(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")


def build(
    tmp_path, it=3, depts=3, hosts_per=1, capacity=2, hours="Mon-Fri 09:00-17:00", goals=None
):
    store = Store(tmp_path / "db.json")
    with store.transaction("setup") as tx:
        host_ids = []
        for n in range(depts * hosts_per):
            host_ids.append(tx.insert("people", Person(name=f"Host {n}", side="library").to_doc()))
        for n in range(it):
            tx.insert("people", Person(name=f"IT {n}", side="it", role="Help desk level 1").to_doc(),
                      created="2026-12-01T09:00:00+00:00")  # fmt: skip
        for n in range(depts):
            dept = directory.department_from_input(
                store, {"name": f"Dept {n}", "hours": hours, "capacity": str(capacity)}
            )
            dept.hosts = host_ids[n * hosts_per : (n + 1) * hosts_per]
            tx.insert("departments", dept.to_doc())
        tx.insert(
            "programmes",
            Programme(name="P", goals=goals or [{"type": "cadence", "days": 365}]).to_doc(),
        )
    return store


def it_ids(store):
    return [p.id for p in directory.people(store) if p.side == "it"]


def visit(store, person, dept, day, status="completed"):
    with store.transaction("setup") as tx:
        return tx.insert("visits", Visit(
            department_id=dept, visitors=[person], hosts=[1], start=f"{day}T10:00:00+00:00",
            end=f"{day}T12:00:00+00:00", status=status).to_doc())  # fmt: skip


# ---------------------------------------------------------------- coverage
def test_coverage_matrix_and_staleness(tmp_path):
    store = build(tmp_path, it=2, depts=2)
    a, b = it_ids(store)
    visit(store, a, 1, "2026-12-01")  # fresh (34 days)
    visit(store, a, 2, "2026-03-01")  # ageing (309 days)
    visit(store, b, 1, "2025-11-01")  # stale (430 days)
    visit(store, b, 2, "2026-12-20", status="cancelled")  # does not count
    cov = coverage.compute(store, now=NOW)
    states = {k: c.state for k, c in cov.cells.items()}
    assert states == {(a, 1): "fresh", (a, 2): "ageing", (b, 1): "stale", (b, 2): "never"}
    (goal,) = cov.goals
    assert (goal.required, goal.met) == (4, 2)
    assert sorted(goal.missing) == [(b, 1), (b, 2)]


def test_cells_name_the_next_booked_visit(tmp_path):
    store = build(tmp_path, it=2, depts=2)
    a, b = it_ids(store)
    visit(store, a, 1, "2027-01-20", status="requested")
    visit(store, a, 1, "2027-01-12", status="confirmed")  # the earlier one is next
    visit(store, b, 2, "2027-01-08", status="cancelled")  # not a booking
    visit(store, b, 1, "2026-12-20", status="requested")  # in the past: not next
    cov = coverage.compute(store, now=NOW)
    booked = {k: c.booked for k, c in cov.cells.items() if c.booked}
    assert booked == {(a, 1): date(2027, 1, 12)}
    assert cov.cells[(a, 1)].state == "never"  # booked is not visited
    cell = next(c for c in coverage.as_json(cov)["cells"] if c["person_id"] == a and
                c["department_id"] == 1)  # fmt: skip
    assert cell["next_visit"] == "2027-01-12"


def test_onboarding_goal_counts_distinct_departments_in_the_window(tmp_path):
    store = build(tmp_path, it=2, depts=3, goals=[{"type": "onboarding", "count": 2, "days": 90,
                                                    "roles": ["Help desk level 1"]}])  # fmt: skip
    a, b = it_ids(store)
    visit(store, a, 1, "2026-12-10")
    visit(store, a, 1, "2026-12-17")  # same department twice counts once
    visit(store, a, 2, "2026-12-20")
    visit(store, b, 3, "2026-11-01")  # before they joined: does not count
    (goal,) = coverage.compute(store, now=NOW).goals
    assert (goal.required, goal.met) == (4, 2)
    assert goal.short == {b: (2, date(2027, 3, 1))}


def test_goals_are_data_and_validated(tmp_path):
    store = build(tmp_path)
    coverage.set_goals(store, "boss", 1, [{"type": "cadence", "days": 180, "departments": [1]}])
    (goal,) = coverage.compute(store, now=NOW).goals
    assert goal.required == 3 and "at least once every 180 days" in goal.description
    for bad in ([{"type": "weekly"}], [{"type": "cadence", "days": 0}], "x",
                [{"type": "onboarding", "days": 90, "count": 0}]):  # fmt: skip
        with pytest.raises(coverage.GoalError):
            coverage.set_goals(store, "boss", 1, bad)


# ---------------------------------------------------------------- planner
def no_rule_broken(store, result):
    """Book the plan and re-check every produced visit with the booking rules."""
    ids = planner.apply(store, "planner", result, 1)
    for vid in ids:
        v = Visit.from_doc(store.get("visits", vid))
        assert v.status == "requested"
        problems = schedule.check(store, v, ignore={vid})
        assert problems == [], (vid, [c.message for c in problems])
    return ids


def test_planner_covers_a_feasible_case_without_breaking_rules(tmp_path):
    store = build(tmp_path, it=8, depts=5, hosts_per=2, capacity=3)
    # an existing booking the plan must work around
    schedule.book(store, "setup", schedule.visit_from_input(
        store, {"department": "Dept 0", "visitors": "IT 0", "when": "2027-01-04 09:00"}, now_=NOW))  # fmt: skip
    result = planner.plan(store, 1, date(2027, 1, 4), date(2027, 3, 31), now=NOW)
    assert result.unplaced == []
    assert result.placed == result.pairs == 8 * 5 - 1  # IT 0's Dept 0 is already booked
    covered = {(p, prop.department_id) for prop in result.proposals for p in prop.visitors}
    assert len(covered) == result.pairs
    no_rule_broken(store, result)
    # planning again finds nothing left to do
    assert planner.plan(store, 1, date(2027, 1, 4), date(2027, 3, 31), now=NOW).pairs == 0


def test_planner_respects_weekly_maximum_and_closures(tmp_path):
    store = build(tmp_path, it=1, depts=3, capacity=1)
    with store.transaction("setup") as tx:
        tx.update("departments", 1, {"closed_dates": ["2027-01-04", "2027-01-05"]})
    result = planner.plan(store, 1, date(2027, 1, 4), date(2027, 1, 17), max_per_week=1, now=NOW)
    weeks = [p.start.isocalendar()[1] for p in result.proposals]
    assert len(weeks) == len(set(weeks)) == 2  # one a week
    assert all(p.start.date().isoformat() not in ("2027-01-04", "2027-01-05") or p.department_id != 1
               for p in result.proposals)  # fmt: skip
    (left,) = result.unplaced
    assert left.reason == "already at 1 visit a week in every week of the range"
    no_rule_broken(store, result)


def test_planner_says_why_pairs_cannot_be_placed(tmp_path):
    store = build(tmp_path, it=2, depts=3, hours="Sat 10:00-11:00")
    with store.transaction("setup") as tx:
        tx.update("departments", 2, {"hours": {}})
        tx.update("departments", 3, {"hosts": []})
    result = planner.plan(store, 1, date(2027, 1, 4), date(2027, 1, 8), now=NOW)  # Mon-Fri only
    reasons = {(u.department_id, u.reason) for u in result.unplaced}
    # and one that is open but full: a second person wanting the only slot of the week
    store2 = build(tmp_path / "two", it=2, depts=1, capacity=1, hours="Mon 09:00-11:00")
    crowded = planner.plan(store2, 1, date(2027, 1, 4), date(2027, 1, 8), now=NOW)
    assert len(crowded.proposals) == 1
    assert [u.reason for u in crowded.unplaced] == [
        "no time when they, a host and room at Dept 0 coincide within opening hours"
    ]
    assert reasons == {
        (1, "Dept 0 is not open on any day of the range"),
        (2, "the department has no opening hours set"),
        (3, "the department has no active host"),
    }
    assert result.proposals == []


def test_applying_a_stale_plan_is_refused(tmp_path):
    store = build(tmp_path, it=1, depts=1)
    result = planner.plan(store, 1, date(2027, 1, 4), date(2027, 1, 8), now=NOW)
    first = result.proposals[0]
    with store.transaction("other") as tx:  # someone books the same person meanwhile
        tx.insert("visits", first.as_visit(1, "UTC").to_doc())
    with pytest.raises(planner.PlanError, match="out of date"):
        planner.apply(store, "planner", result, 1)


# ---------------------------------------------------------------- surveys
def test_survey_gap_arithmetic(tmp_path):
    store = build(tmp_path, it=1, depts=2)
    host = directory.find_person(store, "Host 0")
    before = surveys.parse_scores("5,5,4,4", "expectation")
    assert before == {
        "plain language": 5,
        "listening": 5,
        "understanding of our work": 4,
        "follow-through": 4,
    }
    surveys.record(store, host, "Dept 0", "before", before, surveys.parse_scores("2,3,2,3", "perception"),
                   answered="2026-11-02T10:00:00+00:00")  # fmt: skip
    surveys.record(store, host, "Dept 0", "after", surveys.parse_scores("4,4,4,4", "e"),
                   surveys.parse_scores("4,3,4,5", "p"), answered="2026-12-02T10:00:00+00:00")  # fmt: skip
    (row,) = surveys.report(store)
    assert row.before == 2.0  # (3 + 2 + 2 + 1) / 4
    assert row.after == 0.0  # (0 + 1 + 0 - 1) / 4
    assert row.change == 2.0
    assert row.by_month == {"2026-11": 2.0, "2026-12": 0.0}
    assert row.by_dimension["listening"] == 1.5
    for bad in ("5,5,5", "0,1,2,3", "a,b,c,d", ""):
        with pytest.raises(surveys.SurveyError, match="give 4 scores"):
            surveys.parse_scores(bad, "expectation")
    with pytest.raises(surveys.SurveyError, match="no department"):
        surveys.record(store, host, "Nowhere", "before", before, before)


def test_planner_refuses_the_past_and_impossible_weekly_maximums(tmp_path):
    store = Store(tmp_path / "db.json")
    with pytest.raises(planner.PlanError, match="in the past: plan from today on"):
        planner.plan(store, 1, date(2027, 1, 1), date(2027, 1, 17), now=NOW)
    for bad in (0, -1, 21):
        with pytest.raises(planner.PlanError, match=f"must be 1 to 20, not {bad}"):
            planner.plan(store, 1, date(2027, 1, 4), date(2027, 1, 17), max_per_week=bad, now=NOW)


def test_last_visits_reads_the_day_a_start_is_written_with_whatever_its_offset():
    """Each pair's last completed visit up to ``until``: the day as written in the start's
    own offset; starts near ``until`` compared as instants; starts in another form parsed."""
    until = datetime(2026, 11, 20, 9, 0, tzinfo=tz.gettz("Europe/London"))

    def doc(start: str, visitors=(1,), dept=5, status="completed", **more):
        return {"start": start, "visitors": list(visitors), "department_id": dept,
                "status": status, **more}  # fmt: skip

    docs = [
        doc("2026-11-01T10:00+00:00"),
        doc("2026-11-20T19:30+11:00"),  # 08:30 in London: before until, the 20th as written
        doc("2026-11-20T10:00+00:00", visitors=(2,)),  # after until
        doc("2026-11-19T23:30-12:00", visitors=(2,)),  # 11:30 on the 20th in London: after
        doc("2026-11-10T09:00+00:00", visitors=(2,)),
        doc("2026-11-18T09:00+00:00", visitors=(3,), status="cancelled"),
        doc("2026-11-18T09:00+00:00", visitors=(3,), rrule="FREQ=WEEKLY"),
        doc("2026-11-17 09:00:00+00:00", visitors=(4,)),  # not as the store writes it
        doc("2026-11-16T09:00", visitors=(4,)),  # no offset: local time
    ]
    want = {(1, 5): date(2026, 11, 20), (2, 5): date(2026, 11, 10), (4, 5): date(2026, 11, 17)}
    assert coverage.last_visits(docs, until) == want
    # as the parsed instants say (what it answered before it compared the text)
    parsed: dict = {}
    for d in docs:
        start = from_iso(d["start"])
        if d["status"] != "completed" or d.get("rrule") or start > until:
            continue
        for pid in d["visitors"]:
            key = (pid, d["department_id"])
            parsed[key] = max(parsed.get(key, date.min), start.date())
    assert parsed == want
