"""Visits both ways: department sides, direction-aware booking, coverage and planning, the
liaison rotation (and its outbox reminder), secondments, the department card and the
"you said, we did" report."""

import dataclasses
from datetime import date, datetime, timedelta

import pytest
from dateutil import tz
from dateutil.relativedelta import relativedelta

from shadow.core import (
    backlog,
    coverage,
    department_card,
    directory,
    liaison,
    outbox,
    planner,
    said_did,
    sample,
    schedule,
    secondments,
    settings,
)
from shadow.core.access import AccessDenied
from shadow.core.models import Action, Department, Programme, Suggestion, ValidationError
from shadow.core.store import Store

UTC = tz.UTC
NOW = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)  # a Monday


@pytest.fixture(autouse=True)
def _zone(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")


def person(store, name, side, **more):
    return directory.save_person(
        store, "setup", directory.person_from_input(store, {"name": name, "side": side} | more)
    )


@pytest.fixture
def store(tmp_path):
    """Two library staff, two IT staff, a library department and an IT team."""
    s = Store(tmp_path / "db.json")
    person(s, "Lib Host", "library")
    person(s, "Lib Visitor", "library", role="Library technician")
    person(s, "IT Host", "it")
    person(s, "IT Visitor", "it", role="Help desk level 1")
    for values in (
        {"name": "Circulation", "hosts": "Lib Host", "hours": "Mon-Fri 09:00-17:00"},
        {"name": "Service Desk", "side": "it", "hosts": "IT Host", "hours": "Mon-Fri 08:00-17:00"},
    ):
        directory.save_department(s, "setup", directory.department_from_input(s, values))
    with s.transaction("setup") as tx:
        tx.insert("programmes", Programme(name="P", goals=[
            {"type": "cadence", "days": 365},
            {"type": "cadence", "days": 365, "direction": "library-to-it"},
        ]).to_doc())  # fmt: skip
    yield s
    s.close()


def ids(store, *names):
    return [directory.find_person(store, n).id for n in names]


# ---------------------------------------------------------------- sides and direction
def test_a_department_without_side_is_a_library_department():
    dept = Department.from_doc({"name": "Old", "hosts": []})
    assert dept.side == "library" and dept.direction == "it-to-library"
    assert Department(name="SD", side="it").direction == "library-to-it"
    with pytest.raises(ValidationError, match="side"):
        Department(name="X", side="vendor").validate()


def test_hosts_and_liaison_are_of_the_departments_side(store):
    with pytest.raises(ValidationError, match="Lib Host is library staff; hosts are IT staff"):
        directory.department_from_input(
            store, {"name": "Network", "side": "it", "hosts": "Lib Host"}
        )
    desk = directory.find_department(store, "Service Desk")
    with pytest.raises(ValidationError, match="the liaison is IT staff at Service Desk"):
        directory.department_from_input(store, {"liaison": "Lib Visitor"}, desk)
    # turning a library department into an IT team while it has library hosts is refused
    circ = directory.find_department(store, "Circulation")
    with pytest.raises(ValidationError, match="hosts"):
        directory.department_from_input(store, {"side": "it"}, circ)


def test_booking_checks_both_sides_in_each_direction(store):
    def book(dept, visitor):
        return schedule.visit_from_input(
            store, {"department": dept, "visitors": visitor, "when": "2027-01-05 10:00"}, now_=NOW
        )

    assert book("Circulation", "IT Visitor").visit.hosts == ids(store, "Lib Host")
    assert book("Service Desk", "Lib Visitor").visit.hosts == ids(store, "IT Host")
    with pytest.raises(
        ValidationError, match="Lib Visitor is library staff; visitors at Circulation"
    ):
        book("Circulation", "Lib Visitor")
    with pytest.raises(ValidationError, match="IT Visitor is IT staff; visitors at Service Desk"):
        book("Service Desk", "IT Visitor")
    with pytest.raises(ValidationError, match="hosts at Service Desk .an IT team. are IT staff"):
        schedule.visit_from_input(
            store,
            {"department": "Service Desk", "visitors": "Lib Visitor", "hosts": "Lib Host",
             "when": "2027-01-05 10:00"},
            now_=NOW,
        )  # fmt: skip
    ways = directory.directions_by_department(store)
    assert ways[directory.find_department(store, "Service Desk").id] == "library-to-it"
    assert ways[directory.find_department(store, "Circulation").id] == "it-to-library"


# ---------------------------------------------------------------- coverage and planning
def test_coverage_per_direction(store):
    visit = schedule.visit_from_input(
        store, {"department": "Service Desk", "visitors": "Lib Visitor", "when": "2026-12-01 10:00"},
        now_=datetime(2026, 12, 1, 8, 0, tzinfo=UTC),
    ).visit  # fmt: skip
    visit.status = "completed"
    with store.transaction("setup") as tx:
        tx.insert("visits", visit.to_doc())
    to_library = coverage.compute(store, None, NOW)
    assert [p.name for p in to_library.people] == ["IT Host", "IT Visitor"]
    assert [d.name for d in to_library.departments] == ["Circulation"]
    assert [g.goal.get("direction", "it-to-library") for g in to_library.goals] == ["it-to-library"]
    to_it = coverage.compute(store, None, NOW, "library-to-it")
    assert [d.name for d in to_it.departments] == ["Service Desk"]
    assert [p.name for p in to_it.people] == ["Lib Host", "Lib Visitor"]
    desk = directory.find_department(store, "Service Desk").id
    lib_visitor = directory.find_person(store, "Lib Visitor").id
    assert to_it.cells[(lib_visitor, desk)].state == "fresh"
    (goal,) = to_it.goals
    assert goal.description.startswith("every library person: every IT team")
    assert (goal.required, goal.met) == (2, 1)
    assert coverage.as_json(to_it)["direction"] == "library-to-it"
    with pytest.raises(coverage.GoalError):
        coverage.compute(store, None, NOW, "sideways")
    # the visits' figures, read once, make both directions' matrices (the department card)
    seen = coverage.visit_figures(store, NOW)
    assert seen[0] == {(lib_visitor, desk): date(2026, 12, 1)}
    assert coverage.compute(store, None, NOW, "library-to-it", seen=seen) == to_it
    assert coverage.compute(store, None, NOW, seen=seen) == to_library


def test_goals_keep_their_direction_and_old_goals_read_as_before():
    clean = coverage.validate_goals(
        [
            {"type": "cadence", "days": 30},
            {"type": "cadence", "days": 30, "direction": "library-to-it"},
        ]
    )
    assert "direction" not in clean[0] and clean[1]["direction"] == "library-to-it"
    with pytest.raises(coverage.GoalError, match="direction"):
        coverage.validate_goals([{"type": "cadence", "days": 30, "direction": "up"}])


def test_the_planner_pairs_library_staff_with_it_teams_too(store):
    start = date(2027, 1, 5)
    plan = planner.plan(store, None, start, start + timedelta(days=13), now=NOW)
    desk = directory.find_department(store, "Service Desk").id
    to_it = [p for p in plan.proposals if p.department_id == desk]
    assert to_it, plan.unplaced
    sides = {d["id"]: d["side"] for d in store.all("people")}
    for p in plan.proposals:
        dept = Department.from_doc(store.get("departments", p.department_id))
        assert all(sides[v] != dept.side for v in p.visitors)
        assert all(sides[h] == dept.side for h in p.hosts)
        assert schedule.check(store, p.as_visit(None, "UTC")) == []
    planner.apply(store, "setup", plan, None)
    assert {d["department_id"] for d in store.all("visits")} >= {desk}


# ---------------------------------------------------------------- liaison rotation
def test_liaison_rotation_due_within_60_days_or_past(store):
    circ = directory.find_department(store, "Circulation")
    today = NOW.date()
    since = today + timedelta(days=61) - relativedelta(years=3)  # rotates in 61 days
    changed = directory.department_from_input(
        store, {"liaison": "Lib Host", "liaison_since": since.isoformat()}, circ
    )
    directory.save_department(store, "setup", changed)
    (rot,) = [r for r in liaison.rotations(store, today) if r.department == "Circulation"]
    assert rot.liaison == "Lib Host" and not rot.due
    (rot,) = liaison.rotations(store, today + timedelta(days=1), due_only=True)
    assert rot.due and "rotation due in 60 days" in rot.describe(today + timedelta(days=1))
    late = today + timedelta(days=70)
    assert "overdue by 9 days" in liaison.rotations(store, late, due_only=True)[0].describe(late)
    # in a few words, for a line naming several departments; the day itself reads naturally
    on_the_day = today + timedelta(days=61)
    assert rot.brief(today + timedelta(days=1)) == "due in 60 days"
    assert rot.brief(today + timedelta(days=60)) == "due in 1 day"
    assert rot.brief(on_the_day) == "due today"
    assert rot.describe(on_the_day).startswith("rotation due today (")
    assert rot.brief(late) == "overdue by 9 days"
    # a longer period moves it out of reach
    settings.change(store, "liaison.rotation_years", "5", lambda: "setup")
    assert liaison.rotation_years(store) == 5
    assert liaison.rotations(store, late, due_only=True) == []
    with pytest.raises(liaison.LiaisonError):
        settings.change(store, "liaison.rotation_years", "0", lambda: "setup")


def test_a_new_liaison_starts_today_and_clearing_clears_the_date(store, monkeypatch):
    from shadow.core import dates

    monkeypatch.setattr(dates, "now", lambda: NOW)
    desk = directory.find_department(store, "Service Desk")
    desk = directory.department_from_input(store, {"liaison": "IT Host"}, desk)
    assert desk.liaison_since == NOW.date().isoformat()
    cleared = directory.department_from_input(
        store, {"liaison": "", "liaison_since": "2020-01-01"}, desk
    )
    assert cleared.liaison_id is None and cleared.liaison_since is None
    with pytest.raises(ValidationError, match="liaison_since"):
        directory.department_from_input(
            store, {"liaison_since": "2020-01-01"}, directory.find_department(store, "Circulation")
        )


def test_the_sweep_reminds_coordinators_once_per_department_and_due_date(store):
    coordinator = person(store, "Coord", "library", email="coord@example.org")
    with store.transaction("setup") as tx:
        tx.update("programmes", 1, {"coordinator_id": coordinator})
    circ = directory.find_department(store, "Circulation")
    since = NOW.date().replace(year=NOW.year - 3) + timedelta(days=10)
    directory.save_department(
        store, "setup",
        directory.department_from_input(store, {"liaison": "Lib Host", "liaison_since": since.isoformat()}, circ),
    )  # fmt: skip
    outbox.sweep(store, NOW)
    notices = [d for d in store.all("outbox") if d.get("kind") == "liaison-rotation"]
    assert len(notices) == 1 and "Circulation" in notices[0]["subject"]
    outbox.sweep(store, NOW + timedelta(days=1))
    assert len([d for d in store.all("outbox") if d.get("kind") == "liaison-rotation"]) == 1


# ---------------------------------------------------------------- secondments
def arrange(store, **values):
    base = {"person": "Lib Visitor", "department": "Service Desk", "host": "IT Host",
            "start": "2027-01-04", "end": "2027-01-08", "goals": "Learn triage"}  # fmt: skip
    record = secondments.secondment_from_input(store, base | values, now=NOW)
    return secondments.arrange(store, "setup", record)


def test_secondment_rules(store):
    with pytest.raises(ValidationError, match="same side"):
        secondments.secondment_from_input(
            store, {"person": "IT Visitor", "department": "Service Desk", "host": "IT Host",
                    "start": "2027-01-04", "end": "2027-01-08"}, now=NOW)  # fmt: skip
    with pytest.raises(ValidationError, match="host"):
        arrange(store, host="Lib Host")
    with pytest.raises(ValidationError, match="at least two days"):
        arrange(store, end="2027-01-04")
    sid = arrange(store)
    with pytest.raises(secondments.SecondmentError, match="already seconded"):
        arrange(store, start="2027-01-07", end="2027-01-12")
    # the daily log: the seconded person only, within the dates, not ahead, one line a day
    with pytest.raises(secondments.SecondmentError, match="only the seconded person"):
        secondments.log(store, "IT Host", sid, "hello", now=NOW)
    assert secondments.log(store, "Lib Visitor", sid, "Shadowed triage", now=NOW) == 1
    assert secondments.log(store, "Lib Visitor", sid, "Shadowed L1 triage", now=NOW) == 1
    with pytest.raises(secondments.SecondmentError, match="has not happened yet"):
        secondments.log(store, "Lib Visitor", sid, "x", day=date(2027, 1, 5), now=NOW)
    with pytest.raises(secondments.SecondmentError, match="outside the secondment"):
        secondments.log(store, "Lib Visitor", sid, "x", day=date(2027, 1, 3), now=NOW)
    # sign-off: the host, after the last day, with a comment
    end = datetime(2027, 1, 8, 17, 0, tzinfo=UTC)
    with pytest.raises(secondments.SecondmentError, match="after its last day"):
        secondments.sign_off(store, "IT Host", sid, "Good", now=end)
    after = end + timedelta(days=1)
    with pytest.raises(secondments.SecondmentError, match="only the host"):
        secondments.sign_off(store, "Lib Visitor", sid, "Good", now=after)
    with pytest.raises(ValidationError):
        secondments.sign_off(store, "IT Host", sid, "  ", now=after)
    secondments.sign_off(store, "IT Host", sid, "Learned fast", now=after)
    record = secondments.get(store, sid)
    assert (
        record.sign_off_comment == "Learned fast" and record.log[0]["text"] == "Shadowed L1 triage"
    )
    assert secondments.state(record, after.date()) == "signed off"
    with pytest.raises(secondments.SecondmentError, match="log is closed"):
        secondments.log(store, "Lib Visitor", sid, "more", day=date(2027, 1, 8), now=after)
    with pytest.raises(secondments.SecondmentError, match="already signed off"):
        secondments.sign_off(store, "IT Host", sid, "again", now=after)


def test_secondment_writes_obey_roles(store):
    from shadow.core import access

    access.add_account(store, "setup", "Lib Host", "coordinator", "coordinator-pw")
    access.add_account(store, "Lib Host", "Lib Visitor", "staff", "staff-password")
    record = secondments.secondment_from_input(
        store, {"person": "Lib Visitor", "department": "Service Desk", "host": "IT Host",
                "start": "2027-01-04", "end": "2027-01-08"}, now=NOW)  # fmt: skip
    with pytest.raises(AccessDenied):
        secondments.arrange(store, "Lib Visitor", record)
    with pytest.raises(AccessDenied):
        secondments.sign_off(store, "IT Host", 1, "x", now=NOW)  # no account: reads only


# ---------------------------------------------------------------- the card and said-did
@pytest.fixture
def sample_store(tmp_path):
    s = Store(tmp_path / "sample.json")
    sample.load_sample(s, directory.SETUP_ACTOR)
    yield s
    s.close()


def test_every_department_of_the_sample_has_a_card_with_content(sample_store):
    from shadow.core import dates

    now = dates.now()
    cards = [
        department_card.read_card(sample_store, d.id, now)
        for d in directory.departments(sample_store)
    ]
    assert {c.department.side for c in cards} == {"library", "it"}
    assert all(c.rotation.liaison for c in cards)
    assert any(c.rotation.due for c in cards)
    assert all(c.visits for c in cards)
    desk = next(c for c in cards if c.department.name == "Service Desk")
    assert desk.direction == "library-to-it" and desk.secondments
    assert {k.to_side for c in cards for k in c.kudos} == {"it", "library"}
    data = department_card.card_json(desk)
    assert data["direction"] == "library-to-it" and data["liaison"] == "Jonah Fairweather"
    assert [c["direction"] for c in data["coverage"]] == ["library-to-it", "it-to-library"]
    assert (
        isinstance(data["ratings"]["count"], int)
        and data["pulse"]["department"] == desk.department.name
    )
    # Circulation's card carries its visit ratings and its pulse, thresholded
    circ = next(c for c in cards if c.department.name == "Circulation")
    circ_json = department_card.card_json(circ)
    assert circ_json["ratings"]["count"] > 0 and circ_json["ratings"]["mean"] is not None
    assert circ_json["pulse"]["suppressed"] is False and circ_json["pulse"]["answers"] >= 5
    assert all(m["answers"] is None for m in circ_json["pulse"]["months"] if not m["shown"])
    lines = dict(department_card.card_lines(circ))
    assert "would do it again" in lines["Ratings"][0]
    assert any("(too few)" in line for line in lines["Pulse"])  # this month: fewer than 5
    reference = next(c for c in cards if c.department.name == "Reference")
    pulse_line = dict(department_card.card_lines(reference))["Pulse"][0]
    assert pulse_line.startswith("fewer than 5") and pulse_line.quiet and not pulse_line.alert
    # Each line says how it reads: "nothing here" lines are quiet, a due rotation alerts
    assert not any(getattr(x, "quiet", False) for x in lines["Ratings"] + lines["Pulse"])
    due = next(c for c in cards if c.rotation.due)
    head = dict(department_card.card_lines(due))[due.department.name]
    assert head[0].startswith("ROTATION DUE") and head[0].alert
    assert not any(getattr(x, "alert", False) for x in head[1:])
    empty = dataclasses.replace(circ, actions=[], breaches=[], secondments=[])
    flagged = dict(department_card.card_lines(empty))
    for title in ("Open actions", "Service-level breaches", "Secondments"):
        assert [(x, x.quiet) for x in flagged[title]] == [(flagged[title][0], True)], title
        assert flagged[title][0].startswith("none")
    titles = [t for t, _ in department_card.card_lines(desk)]
    assert titles[1:] == ["Coverage both ways", "Visits", "Ratings", "Open suggestions",
                          "Open actions", "Service-level breaches", "Kudos both ways",
                          "Perception gap", "Pulse", "Secondments"]  # fmt: skip


def test_said_did_lists_done_suggestions_in_plain_words_with_who(store):
    from shadow.core import dates

    lib = directory.find_person(store, "Lib Visitor")
    circ = directory.find_department(store, "Circulation")
    directory.save_person(
        store, "setup", directory.person_from_input(store, {"department": "Circulation"}, lib)
    )
    lib = directory.find_person(store, "Lib Visitor")
    raised = Suggestion(title="Whitelist the <b>storytime</b> pages [red]now", description="a & b",
                        author_id=lib.id, direction="library-to-it", department_id=circ.id)  # fmt: skip
    sid = backlog.add(store, lib, raised)
    other = backlog.add(
        store, lib, Suggestion(title="Still open", author_id=lib.id, direction="library-to-it")
    )
    for status in ("under review", "accepted", "in progress"):
        backlog.set_status(store, "IT Host", sid, status)
    owner = directory.find_person(store, "IT Visitor")
    with store.transaction("setup") as tx:
        tx.insert(
            "actions",
            Action(title="do it", owner_id=owner.id, suggestion_id=sid, status="done").to_doc(),
        )
    backlog.set_status(store, "IT Host", sid, "done")
    report = said_did.read(store, "Circulation", dates.now())
    assert [i.id for i in report.items] == [sid] and other not in [i.id for i in report.items]
    item = report.items[0]
    assert "Whitelist" not in item.said  # through the plain-language glossary
    assert item.marked_by == "IT Host" and item.carried_out_by == ["IT Visitor"]
    page = said_did.html_page(report)
    assert "<b>storytime</b>" not in page and "&lt;b&gt;storytime&lt;/b&gt;" in page
    assert "a &amp; b" in page and "<script" not in page
    md = said_did.markdown(report)
    assert "marked done by IT Host" in md and "carried out by IT Visitor" in md
    assert "[red]" not in md.replace("\\[red\\]", "")  # escaped in Markdown
    empty = said_did.read(store, "Service Desk", dates.now())
    assert empty.items == [] and "Nothing done yet" in said_did.render(empty, "html")


@pytest.mark.parametrize("days", [-400, -30, 0, 45, 200])
def test_next_visits_read_from_the_visits_near_match_an_index_of_every_visit(sample_store, days):
    """visit_figures without an index looks ahead among the visits that can happen in the
    year ahead only: the same pairs and days as an index of every visit gives."""
    from shadow.core.occurrence_index import OccurrenceIndex

    now = datetime(2026, 11, 20, 9, 30, tzinfo=UTC) + timedelta(days=days)
    last, ahead = coverage.visit_figures(sample_store, now)
    want = coverage.visit_figures(sample_store, now, OccurrenceIndex.read(sample_store))
    assert (last, ahead) == want
    if -30 <= days <= 0:
        assert ahead  # (the sample's bookings and series are ahead of these)


def test_some_cells_of_the_matrix_are_the_matrixs_cells(tmp_path):
    """coverage.cells (a department's card: its column, its people's rows) gives what
    compute gives for those cells, each way, on the sample programme."""
    from shadow.core.sample import load_sample

    sample = Store(tmp_path / "sample.json")
    load_sample(sample, directory.SETUP_ACTOR)
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    seen = coverage.visit_figures(sample, now)
    for direction in coverage.DIRECTIONS:
        whole = coverage.compute(sample, None, now, direction, seen=seen).cells
        people = sorted({pid for pid, _ in whole})
        depts = sorted({did for _, did in whole})
        assert len(people) > 2 and len(depts) > 2
        assert coverage.cells(sample, now, direction, seen) == whole
        some_people, some_depts = set(people[::2]), {depts[1]}
        assert coverage.cells(sample, now, direction, seen, people=some_people) == {
            k: c for k, c in whole.items() if k[0] in some_people
        }
        assert coverage.cells(sample, now, direction, seen, departments=some_depts) == {
            k: c for k, c in whole.items() if k[1] in some_depts
        }
        assert {c.state for c in whole.values()} > {"never"}  # (states other than never)
    with pytest.raises(coverage.GoalError):
        coverage.cells(sample, now, "sideways", seen)
