"""Coverage: has every IT person seen the departments the programme's goals ask for?

Goals are data on a Programme (``goals``: a list of dicts), editable:

``{"type": "cadence", "days": 365, "roles": [], "departments": []}``
    every IT person (optionally only these roles) visits every department
    (optionally only these) at least once every ``days`` days.
``{"type": "onboarding", "count": 3, "days": 90, "roles": ["Help desk level 1"]}``
    each matching IT person visits ``count`` different departments within
    ``days`` of joining (the day they were added to the directory, or ``started``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from .access import guarded
from .dates import from_iso
from .dates import now as _now
from .models import DIRECTIONS, Department, Person, Programme, UserError, Visit, visitor_side
from .occurrence_index import OccurrenceIndex
from .programmes import active
from .schedule import visits_near

DEFAULT_GOALS = [
    {"type": "cadence", "days": 365, "roles": [], "departments": []},
    {
        "type": "onboarding",
        "count": 3,
        "days": 90,
        "roles": ["Help desk level 1", "Help desk level 2"],
    },
]
NEXT_DAYS = 366  # how far ahead a pair's next booked visit is looked for
FRESH_SHARE = 0.5  # visited within half the cadence: fresh; within it: ageing; beyond: stale


class GoalError(UserError):
    pass


def validate_goals(goals: Any) -> list[dict[str, Any]]:
    """Check goals typed or imported as data; returns them normalised."""
    if not isinstance(goals, list):
        raise GoalError("goals are a list")
    out = []
    for n, goal in enumerate(goals, 1):
        if not isinstance(goal, dict) or goal.get("type") not in ("cadence", "onboarding"):
            raise GoalError(f"goal {n}: type must be cadence or onboarding")
        days = goal.get("days")
        if not isinstance(days, int) or days < 1:
            raise GoalError(f"goal {n}: days must be a whole number of days (got {days!r})")
        roles = goal.get("roles", [])
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise GoalError(f"goal {n}: roles must be a list of role names")
        clean = {"type": goal["type"], "days": days, "roles": roles}
        direction = goal.get("direction", "it-to-library")
        if direction not in DIRECTIONS:
            raise GoalError(f"goal {n}: direction must be one of: {', '.join(DIRECTIONS)}")
        if direction != "it-to-library":  # goals from before both directions read as before
            clean["direction"] = direction
        if goal["type"] == "cadence":
            depts = goal.get("departments", [])
            if not isinstance(depts, list) or not all(isinstance(d, int) for d in depts):
                raise GoalError(f"goal {n}: departments must be a list of department ids")
            clean["departments"] = depts
        else:
            count = goal.get("count")
            if not isinstance(count, int) or count < 1:
                raise GoalError(f"goal {n}: count must be a whole number (got {count!r})")
            clean["count"] = count
        out.append(clean)
    return out


def goal_direction(goal: dict[str, Any]) -> str:
    return goal.get("direction") or "it-to-library"


def describe_goal(goal: dict[str, Any], dept_names: dict[int, str] | None = None) -> str:
    to_it = goal_direction(goal) == "library-to-it"
    everyone = "every library person" if to_it else "every IT person"
    who = everyone if not goal.get("roles") else ", ".join(goal["roles"])
    if goal["type"] == "cadence":
        where = "every IT team" if to_it else "every department"
        if goal.get("departments"):
            where = ", ".join((dept_names or {}).get(d, f"#{d}") for d in goal["departments"])
        return f"{who}: {where} at least once every {goal['days']} days"
    places = "IT teams" if to_it else "departments"
    return f"new {who}: {goal['count']} {places} in their first {goal['days']} days"


@dataclass
class Cell:
    last: date | None
    state: str  # fresh | ageing | stale | never | n/a
    booked: date | None = None  # the next requested or confirmed visit, if any


@dataclass
class GoalProgress:
    goal: dict[str, Any]
    description: str
    required: int
    met: int
    missing: list[tuple[int, int]] = field(default_factory=list)  # (person id, department id)
    # onboarding: person id -> how many more departments they need, and by when
    short: dict[int, tuple[int, date]] = field(default_factory=dict)


@dataclass
class Coverage:
    people: list[Person]
    departments: list[Department]
    cells: dict[tuple[int, int], Cell]
    goals: list[GoalProgress]
    as_of: date
    direction: str = "it-to-library"  # IT people x library departments, or the reverse


def last_visits(
    visits: list[Visit] | list[dict[str, Any]], until: datetime
) -> dict[tuple[int, int], date]:
    """When each (IT visitor, department) pair last had a completed visit, up to ``until``
    (``visits``: Visits, or their stored documents, not made into Visits one by one).

    A visit's day is the date its start is written with (what ``from_iso(start).date()``
    gives), so ten years of visits are compared as the stored text: a start written as
    the store writes it (``YYYY-MM-DDTHH:MM...``) on a day more than two before ``until``'s
    is before it whatever the offsets (at most 14 hours either way), and only the few
    nearer ones are parsed."""
    last: dict[tuple[int, int], str] = {}
    seen = last.get
    cutoff = (until - timedelta(days=2)).date().isoformat()
    is_day = _DAY.fullmatch
    for v in visits:
        d = v if isinstance(v, dict) else v.__dict__
        if d.get("status", "requested") != "completed" or d.get("rrule"):
            continue
        raw = d["start"]
        if type(raw) is str and len(raw) > 10 and raw[10] == "T" and is_day(raw, 0, 10):
            day = raw[:10]
            if day >= cutoff and from_iso(raw) > until:
                continue
        else:  # (not as the store writes it: parsed)
            start = from_iso(raw)
            if start > until:
                continue
            day = start.date().isoformat()
        dept = d.get("department_id")
        for pid in d.get("visitors") or ():
            if seen((pid, dept), "") < day:  # ("" is before every day)
                last[(pid, dept)] = day
    return {key: date.fromisoformat(day) for key, day in last.items()}


_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def next_visits(
    store,
    visits: list[Visit],
    after: datetime,
    days: int = NEXT_DAYS,
    index: OccurrenceIndex | None = None,
) -> dict[tuple[int, int], date]:
    """The next requested or confirmed visit of each (IT visitor, department) pair, from
    ``after`` up to ``days`` ahead, series expanded (``index``: the visits by day, then
    ``visits`` is not read)."""
    from .schedule import occurrences

    upcoming: dict[tuple[int, int], date] = {}
    hi = after + timedelta(days=days)
    found = index.between(after, hi) if index is not None else occurrences(store, after, hi, visits)
    for occ in found:
        if occ.status not in ("requested", "confirmed") or occ.start < after:
            continue
        for pid in occ.visit.visitors:
            upcoming.setdefault((pid, occ.visit.department_id), occ.start.date())
    return upcoming


def _matches(person: Person, goal: dict[str, Any]) -> bool:
    return (
        person.side == ("library" if goal_direction(goal) == "library-to-it" else "it")
        and person.active
        and (not goal.get("roles") or person.role in goal["roles"])
    )


def joined(person_doc: dict[str, Any]) -> date:
    raw = person_doc.get("started") or person_doc.get("created")
    return (
        from_iso(raw).date() if raw and "T" in raw else date.fromisoformat(raw) if raw else date.min
    )


def programme_goals(store, programme_id: int | None) -> list[dict[str, Any]]:
    if programme_id is None:
        running = active(store)
        if not running:
            return list(DEFAULT_GOALS)
        doc = store.get(Programme.TABLE, running[0].id)
    else:
        doc = store.get(Programme.TABLE, programme_id)
        if doc is None:
            raise GoalError(f"no programme #{programme_id}")
    return doc.get("goals") or list(DEFAULT_GOALS)


@dataclass(frozen=True)
class CoverageView:
    """The coverage screen's read-model: the running programmes, the one shown (the
    asked one if it still runs, else the first), its coverage, and the survey gaps."""

    programmes: list[Programme]
    programme_id: int | None
    coverage: Coverage
    gaps: list[Any]  # surveys.DepartmentGap
    overall: dict[str, float]  # mean survey gap by month
    gap_ids: list[int]  # the department id of each gap (0: gone)
    direction: str = "it-to-library"


def survey_figures(store) -> tuple[list[Any], dict[str, float]]:
    """Each department's survey gap and the mean gap by month. They do not depend on
    "now": worked out once per change (``Store.derived``), not again when the direction
    or programme is switched, and read ahead by the TUI once its first screen has read
    (0.1 s of the Coverage area's first opening at 150,000 records)."""
    from . import surveys

    gaps = store.derived(("surveys.report",), lambda: surveys.report(store))
    overall = store.derived(("surveys.overall_by_month",), lambda: surveys.overall_by_month(store))
    return gaps, overall  # type: ignore[return-value]


def read_view(
    store, programme_id: int | None, now: datetime, direction: str = "it-to-library"
) -> CoverageView:
    running = active(store)
    ids = [p.id for p in running]
    if programme_id not in ids:
        programme_id = ids[0] if ids else None
    gaps, overall = survey_figures(store)
    names = {d["name"]: d["id"] for d in store.all(Department.TABLE)}
    return CoverageView(
        running,
        programme_id,
        compute(store, programme_id, now, direction, OccurrenceIndex.shared(store)),
        gaps,
        overall,
        [names.get(g.department, 0) for g in gaps],
        direction,
    )


VisitFigures = tuple[dict[tuple[int, int], date], dict[tuple[int, int], date]]


def visit_figures(
    store,
    now: datetime,
    index: OccurrenceIndex | None = None,
    visits: list[dict[str, Any]] | None = None,
) -> VisitFigures:
    """Each (visitor, department) pair's last completed visit up to ``now`` and its next
    booked one: what the matrix of either direction is made from. ``visits`` (with
    ``index`` made of them): only these (a department's card), not every stored visit."""
    # The stored documents, not 40,000 Visits; for the year ahead, only the visits that
    # can happen in it (not an index of every visit parsed, for one window).
    if index is not None:  # (the records as stored, not copied: only read here)
        stored = [d for _, d in store.stored(Visit.TABLE)] if visits is None else visits
        return last_visits(stored, now), next_visits(store, [], now, index=index)
    visits = store.all(Visit.TABLE) if visits is None else visits
    last = last_visits(visits, now)
    ahead = visits_near(store, now, now + timedelta(days=NEXT_DAYS), visits)
    return last, next_visits(store, ahead, now)


def compute(
    store,
    programme_id: int | None = None,
    now: datetime | None = None,
    direction: str = "it-to-library",
    index: OccurrenceIndex | None = None,
    seen: VisitFigures | None = None,
) -> Coverage:
    """The coverage matrix and each goal's progress, as of ``now``, for one direction:
    IT people visiting library departments (``it-to-library``), or library people
    visiting IT teams (``library-to-it``); goals count only in their own direction.
    ``seen``: :func:`visit_figures` as of the same ``now``, when the caller has them
    (they are the same in both directions)."""
    goals = _goals(store, programme_id, direction)
    now = now or _now()
    today = now.date()
    people_docs = {d["id"]: d for d in store.all(Person.TABLE)}
    people, depts = _sides(store, people_docs, direction)
    last, booked = seen if seen is not None else visit_figures(store, now, index)
    cells = _cells(people, depts, last, booked, _cadence(goals), today)
    names = {d.id: d.name for d in depts}
    progress = [
        _goal_progress(goal, people, depts, names, last, people_docs, today) for goal in goals
    ]
    return Coverage(people, depts, cells, progress, today, direction)


def cells(
    store,
    now: datetime,
    direction: str,
    seen: VisitFigures,
    *,
    people: set[int] | None = None,
    departments: set[int] | None = None,
) -> dict[tuple[int, int], Cell]:
    """The cells :func:`compute` gives (any programme's goals), for only these people's
    rows and these departments' columns (None: all): a department's card needs one
    column and its own people's rows, not ten years' matrix nor the goals' progress
    (most of its read)."""
    goals = _goals(store, None, direction)
    people_docs = {d["id"]: d for d in store.all(Person.TABLE)}
    rows, columns = _sides(store, people_docs, direction)
    if people is not None:
        rows = [p for p in rows if p.id in people]
    if departments is not None:
        columns = [d for d in columns if d.id in departments]
    last, booked = seen
    return _cells(rows, columns, last, booked, _cadence(goals), now.date())


def _goals(store, programme_id: int | None, direction: str) -> list[dict]:
    """The goals that count in ``direction`` (one programme's, or every programme's for
    None); an unknown direction is refused."""
    if direction not in DIRECTIONS:
        raise GoalError(f"direction must be one of: {', '.join(DIRECTIONS)}")
    return [g for g in programme_goals(store, programme_id) if goal_direction(g) == direction]


def _sides(store, people_docs: dict, direction: str) -> tuple[list[Person], list[Department]]:
    """The matrix's rows (the visiting side's active people) and columns (the hosting
    side's active departments), by name."""
    host_side = "it" if direction == "library-to-it" else "library"
    people = sorted(
        (
            Person.from_doc(d)
            for d in people_docs.values()
            if d.get("side") == visitor_side(host_side) and d.get("active", True)
        ),
        key=lambda p: p.name.casefold(),
    )
    depts = sorted(
        (
            Department.from_doc(d)
            for d in store.all(Department.TABLE)
            if d.get("active", True) and d.get("side", "library") == host_side
        ),
        key=lambda d: d.name.casefold(),
    )
    return people, depts


def _cadence(goals: list[dict]) -> int:
    """Days after which a visit is stale: the shortest cadence goal's, else a year."""
    return min((g["days"] for g in goals if g["type"] == "cadence"), default=365)


def _cells(people, depts, last, booked, cadence: int, today) -> dict[tuple[int, int], Cell]:
    cells: dict[tuple[int, int], Cell] = {}
    for p in people:
        for d in depts:
            seen = last.get((p.id, d.id))
            if seen is None:
                state = "never"
            else:
                age = (today - seen).days
                state = (
                    "fresh"
                    if age <= cadence * FRESH_SHARE
                    else "ageing"
                    if age <= cadence
                    else "stale"
                )
            cells[(p.id, d.id)] = Cell(seen, state, booked.get((p.id, d.id)))
    return cells


def _goal_progress(goal, people, depts, names, last, people_docs, today) -> GoalProgress:
    """How far one goal is met: a cadence goal counts each (person, department) pair seen
    within its days; a count goal counts the departments each person saw after joining."""
    matching = [p for p in people if _matches(p, goal)]
    if goal["type"] == "cadence":
        wanted = [d for d in depts if not goal.get("departments") or d.id in goal["departments"]]
        required, met, missing = 0, 0, []
        for p in matching:
            for d in wanted:
                required += 1
                seen = last.get((p.id, d.id))
                if seen is not None and (today - seen).days <= goal["days"]:
                    met += 1
                else:
                    missing.append((p.id, d.id))
        return GoalProgress(goal, describe_goal(goal, names), required, met, missing)
    else:
        required, met, short = 0, 0, {}
        for p in matching:
            start = joined(people_docs[p.id])
            deadline = start + timedelta(days=goal["days"])
            seen = {
                d for (pid, d), when in last.items() if pid == p.id and start <= when <= deadline
            }
            required += goal["count"]
            met += min(goal["count"], len(seen))
            if len(seen) < goal["count"]:
                short[p.id] = (goal["count"] - len(seen), deadline)
        return GoalProgress(goal, describe_goal(goal, names), required, met, short=short)


@guarded("settings")
def set_goals(
    store, actor: str, programme_id: int, goals: Any, *, expect_version: int | None = None
) -> None:
    from . import versions

    clean = validate_goals(goals)
    with store.transaction(actor) as tx:
        if tx.get(Programme.TABLE, programme_id) is None:
            raise GoalError(f"no programme #{programme_id}")
        versions.check(tx, store, Programme.TABLE, programme_id, expect_version)
        tx.update(Programme.TABLE, programme_id, {"goals": clean})


def as_json(cov: Coverage) -> dict[str, Any]:
    depts = {d.id: d.name for d in cov.departments}
    people = {p.id: p.name for p in cov.people}
    return {
        "as_of": cov.as_of.isoformat(),
        "direction": cov.direction,
        "departments": [{"id": d.id, "name": d.name} for d in cov.departments],
        "people": [{"id": p.id, "name": p.name, "role": p.role} for p in cov.people],
        "cells": [
            {
                "person": people[pid],
                "person_id": pid,
                "department": depts[did],
                "department_id": did,
                "last_visit": c.last.isoformat() if c.last else None,
                "state": c.state,
                "next_visit": c.booked.isoformat() if c.booked else None,
            }
            for (pid, did), c in cov.cells.items()
        ],  # fmt: skip
        "goals": [
            {
                "goal": g.goal,
                "description": g.description,
                "required": g.required,
                "met": g.met,
                "progress": round(g.met / g.required, 3) if g.required else 1.0,
                "missing": [
                    {"person": people.get(p, p), "department": depts.get(d, d)}
                    for p, d in g.missing
                ],
                "short": [
                    {"person": people.get(p, p), "needs": n, "by": by.isoformat()}
                    for p, (n, by) in g.short.items()
                ],
            }
            for g in cov.goals
        ],  # fmt: skip
    }
