"""Plan the gaps: propose visits that cover what the programme's goals still ask for.

Greedy, department by department (scarcest opening hours first), slot by slot
in time order: a slot becomes a visit when a host is free and under their load
caps and at least one IT person who still needs that department is free, under
their weekly maximum, and clear of the buffer; more such people join the same
visit up to the department's capacity. Every rule the booking checks apply
(opening hours, closures, capacity, host caps, existing bookings, buffers) is
kept in small indexes here so a quarter for 60 people x 25 departments plans in
well under a second; tests re-check every proposal with ``schedule.check``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from . import dates, outbox
from .access import guarded
from .coverage import compute
from .models import DAYS, DIRECTIONS, Department, Person, UserError, Visit
from .plain import count as counted
from .schedule import OCCUPYING, occurrences
from .settings import rules

DEFAULT_MAX_PER_WEEK = 2
DEFAULT_LENGTH = timedelta(hours=2)
# Unless told otherwise, plan from tomorrow (hosts get at least a day's notice) for 8 weeks.
DEFAULT_START = "tomorrow"
DEFAULT_RANGE = timedelta(weeks=8)
STEP = timedelta(minutes=30)


MAX_PER_WEEK_LIMIT = 20


class PlanError(UserError):
    pass


@dataclass
class Proposal:
    department_id: int
    visitors: list[int]
    hosts: list[int]
    start: datetime
    end: datetime

    def as_visit(self, programme_id: int | None, zone_name: str) -> Visit:
        return Visit(
            department_id=self.department_id,
            visitors=list(self.visitors),
            hosts=list(self.hosts),
            start=dates.to_iso(self.start),
            end=dates.to_iso(self.end),
            kind="tour",
            status="requested",
            programme_id=programme_id,
            timezone=zone_name,
            purpose="Planned to close a coverage gap.",
        )


@dataclass
class Unplaced:
    person_id: int
    department_id: int
    reason: str


@dataclass
class Plan:
    proposals: list[Proposal] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)
    pairs: int = 0

    @property
    def placed(self) -> int:
        return sum(len(p.visitors) for p in self.proposals)


def needed_pairs(
    store, programme_id: int | None, start: date, end: date, now: datetime
) -> list[tuple[int, int]]:
    """(visitor, department) pairs the goals still ask for and no upcoming visit covers, both
    ways: IT people to library departments, then library people to IT teams."""
    pairs: list[tuple[int, int]] = []
    seen: set[tuple[int, int]] = set()
    for direction in DIRECTIONS:
        cov = compute(store, programme_id, now, direction)
        for g in cov.goals:
            for pair in g.missing:
                if pair not in seen:
                    seen.add(pair)
                    pairs.append(pair)
        for g in cov.goals:
            for pid, (count, _by) in g.short.items():
                have = {d for (p, d) in seen if p == pid}
                for dept in cov.departments:
                    if count <= 0:
                        break
                    if dept.id not in have and (pid, dept.id) not in seen:
                        seen.add((pid, dept.id))
                        pairs.append((pid, dept.id))
                        count -= 1
    # Already booked (requested or confirmed, from now on): not a gap.
    booked = set()
    for o in occurrences(
        store, now, datetime.combine(end, time(23, 59), now.tzinfo) + timedelta(days=366)
    ):
        if o.status in ("requested", "confirmed"):
            for pid in o.visit.visitors:
                booked.add((pid, o.visit.department_id))
    return [p for p in pairs if p not in booked]


class _Index:
    """Who is busy when, and how loaded, including what the plan adds."""

    def __init__(self, store, lo: datetime, hi: datetime, buffer: timedelta):
        self.buffer = buffer
        self.today = lo.date()
        self.busy: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
        self.dept: dict[int, list[tuple[datetime, datetime, int]]] = defaultdict(list)
        self.host_week: dict[tuple[int, tuple[int, int]], int] = defaultdict(int)
        self.host_month: dict[tuple[int, tuple[int, int]], int] = defaultdict(int)
        self.visitor_week: dict[tuple[int, tuple[int, int]], int] = defaultdict(int)
        for o in occurrences(store, lo - timedelta(days=40), hi + timedelta(days=40)):
            if o.status in OCCUPYING:
                self.add(o.visit.department_id, o.visit.visitors, o.visit.hosts, o.start, o.end)

    def add(
        self, dept: int, visitors: list[int], hosts: list[int], s: datetime, e: datetime
    ) -> None:
        for pid in (*visitors, *hosts):
            self.busy[pid].append((s, e))
        self.dept[dept].append((s, e, len(visitors)))
        wk, mo = s.isocalendar()[:2], (s.year, s.month)
        for h in hosts:
            self.host_week[(h, wk)] += 1
            self.host_month[(h, mo)] += 1
        for v in visitors:
            self.visitor_week[(v, wk)] += 1

    def free(self, pid: int, s: datetime, e: datetime) -> bool:
        b = self.buffer
        return all(not (bs < e + b and s - b < be) for bs, be in self.busy.get(pid, ()))

    def room(self, dept: int, s: datetime, e: datetime) -> int:
        return sum(n for bs, be, n in self.dept.get(dept, ()) if bs < e and s < be)


def _slots(dept: Department, start: date, end: date, length: timedelta, zone, after: datetime):
    closed = set(dept.closed_dates)
    day = start
    while day <= end:
        if day.isoformat() not in closed:
            for a, b in dept.hours.get(DAYS[day.weekday()], []):
                slot = datetime.combine(day, time.fromisoformat(a), zone)
                close = datetime.combine(day, time.fromisoformat(b), zone)
                while slot + length <= close:
                    if slot >= after:
                        yield slot, slot + length
                    slot += STEP
        day += timedelta(days=1)


def plan(
    store,
    programme_id: int | None,
    start: date,
    end: date,
    *,
    length: timedelta = DEFAULT_LENGTH,
    max_per_week: int | None = None,
    now: datetime | None = None,
    pairs: list[tuple[int, int]] | None = None,
) -> Plan:
    """Propose visits for the uncovered pairs between ``start`` and ``end`` (inclusive)."""
    now = now or dates.now()
    _check_range(start, end, max_per_week, now)
    zone = now.tzinfo or dates.local_zone()
    settings = rules(store)
    max_week = max_per_week or int(store.setting("planner.max_per_week", DEFAULT_MAX_PER_WEEK))
    pairs = needed_pairs(store, programme_id, start, end, now) if pairs is None else pairs
    depts = {d["id"]: Department.from_doc(d) for d in store.all(Department.TABLE)}
    people = {d["id"]: Person.from_doc(d) for d in store.all(Person.TABLE)}
    lo = datetime.combine(start, time(0, 0), zone)
    hi = datetime.combine(end, time(23, 59), zone)
    index = _Index(store, lo, hi, timedelta(minutes=settings["buffer_minutes"]))
    index.today = now.date()
    wanted: dict[int, list[int]] = defaultdict(list)
    for pid, did in pairs:
        wanted[did].append(pid)
    result = Plan(pairs=len(pairs))
    # The departments open fewest hours first: they have the fewest slots to give.
    order = sorted(wanted, key=lambda did: (_open_hours(depts[did]) if did in depts else 0, did))
    for did in order:
        dept = depts.get(did)
        waiting = list(wanted[did])
        if dept is None or not dept.active:
            result.unplaced += [
                Unplaced(p, did, "the department is inactive or gone") for p in waiting
            ]
            continue
        hosts = [h for h in dept.hosts if people.get(h) and people[h].active]
        if not dept.hours or not hosts:
            why = (
                "the department has no opening hours set"
                if not dept.hours
                else "the department has no active host"
            )
            result.unplaced += [Unplaced(p, did, why) for p in waiting]
            continue
        slots = _slots(dept, start, end, length, zone, now)
        waiting = _fill(result, index, dept, hosts, waiting, slots, settings, max_week)
        for pid in waiting:
            result.unplaced.append(
                Unplaced(pid, did, _why(index, dept, hosts, pid, start, end, max_week, settings))
            )
    result.proposals.sort(key=lambda p: (p.start, p.department_id))
    return result


def _check_range(start: date, end: date, max_per_week: int | None, now: datetime) -> None:
    """Refuse a range the planner will not search (backwards, over a year, in the past)."""
    if end < start:
        raise PlanError("the range ends before it starts")
    if (end - start).days > 400:
        raise PlanError("plan at most a year at a time")
    if max_per_week is not None and not 1 <= max_per_week <= MAX_PER_WEEK_LIMIT:
        raise PlanError(
            f"visits per person per week must be 1 to {MAX_PER_WEEK_LIMIT}, not {max_per_week}"
        )
    if start < now.date():
        raise PlanError(
            f"the range starts {dates.format_day(start)}, in the past: plan from today on"
        )


def _open_hours(d: Department) -> float:
    """Hours a week the department is open."""
    return sum(
        (datetime.strptime(b, "%H:%M") - datetime.strptime(a, "%H:%M")).seconds / 3600
        for spans in d.hours.values()
        for a, b in spans
    )


def _fill(
    result: Plan,
    index: _Index,
    dept: Department,
    hosts: list[int],
    waiting: list[int],
    slots: Iterator[tuple[datetime, datetime]],
    settings: dict[str, Any],
    max_week: int,
) -> list[int]:
    """Propose visits to ``dept`` slot by slot, as many waiting visitors at once as it takes
    and who are free; returns those still waiting when the slots run out."""
    did = dept.id
    for s, e in slots:
        if not waiting:
            break
        wk, mo = s.isocalendar()[:2], (s.year, s.month)
        host = next(
            (
                h
                for h in sorted(hosts, key=lambda h: index.host_month[(h, mo)])
                if index.host_week[(h, wk)] < settings["host_week_cap"]
                and index.host_month[(h, mo)] < settings["host_month_cap"]
                and index.free(h, s, e)
            ),
            None,
        )
        if host is None:
            continue
        room = dept.capacity - index.room(did, s, e)
        if room <= 0:
            continue
        group = []
        for pid in waiting:
            if len(group) >= room:
                break
            if index.visitor_week[(pid, wk)] < max_week and index.free(pid, s, e):
                group.append(pid)
        if not group:
            continue
        index.add(did, group, [host], s, e)
        result.proposals.append(Proposal(did, group, [host], s, e))
        waiting = [p for p in waiting if p not in group]
    return waiting


def _why(
    index: _Index,
    dept: Department,
    hosts: list[int],
    pid: int,
    start: date,
    end: date,
    max_week: int,
    settings,
) -> str:
    # the weeks in which the department is open at all (from today on)
    weeks = set()
    day = max(start, index.today)
    while day <= end:
        if dept.hours.get(DAYS[day.weekday()]) and day.isoformat() not in dept.closed_dates:
            weeks.add(day.isocalendar()[:2])
        day += timedelta(days=1)
    if not weeks:
        return f"{dept.name} is not open on any day of the range"
    if all(index.visitor_week[(pid, w)] >= max_week for w in weeks):
        return f"already at {counted(max_week, 'visit')} a week in every week of the range"

    def host_full(h: int, w: tuple[int, int]) -> bool:
        monday = date.fromisocalendar(w[0], w[1], 1)
        months = {
            (monday.year, monday.month),
            ((monday + timedelta(days=4)).year, (monday + timedelta(days=4)).month),
        }
        return index.host_week[(h, w)] >= settings["host_week_cap"] or all(
            index.host_month[(h, m)] >= settings["host_month_cap"] for m in months
        )

    if all(host_full(h, w) for h in hosts for w in weeks):
        return f"{dept.name}'s hosts are at their weekly or monthly load caps throughout the range"
    return f"no time when they, a host and room at {dept.name} coincide within opening hours"


@guarded("bookings")
def apply(
    store, actor: str, result: Plan, programme_id: int | None, accept: list[int] | None = None
) -> list[int]:
    """Book the accepted proposals (indexes into ``result.proposals``; None = all) as requested."""
    from .schedule import calendar_between, check

    chosen = result.proposals if accept is None else [result.proposals[i] for i in accept]
    zone_name = dates.zone_name()
    ids = []
    with store.transaction(actor) as tx:
        around = None  # (the calendar around the plan: read once, not once per visit)
        if chosen:
            first, last = min(p.start for p in chosen), max(p.end for p in chosen)
            around = calendar_between(store, first, last)
        for proposal in chosen:
            visit = proposal.as_visit(programme_id, zone_name)
            visit.validate()
            # Someone may have booked since the plan was made: never save a clash.
            clashes = check(store, visit, calendar=around)
            if clashes:
                raise PlanError(f"the plan is out of date ({clashes[0].message}); plan again")
            ids.append(tx.insert(Visit.TABLE, visit.to_doc(), summary="planned visit"))
            outbox.visit_changed(tx, store, ids[-1], "booked")
    return ids
