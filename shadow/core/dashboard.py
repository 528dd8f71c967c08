"""The dashboard's read-model: everything the opening page shows, read in one go as of
``now`` for whoever is acting. A pure function of the store (no Textual), so the screen
can run it in a thread and tests can check it without a terminal."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from functools import partial
from typing import Any

from . import actions, ahead, backlog, liaison, sla, trends
from .actions import ActionView
from .backlog import OPEN_STATUSES, Row
from .directory import directions_by_department
from .models import Action, Department, Kudos, Person, Suggestion, Visit
from .occurrence_index import OccurrenceIndex
from .schedule import Occurrence, awaiting_outcome
from .store import Store
from .trends import Monthly

DAYS_AHEAD = 7
MONTHS = 6
LIST_LIMIT = 20  # items per list (counted all the same; the backlog and schedule show the rest)
KUDOS_SHOWN = 10
# Up to this many records the TUI reads its Dashboard on the spot (its screen's SYNC_LIMIT),
# and no child process reads it ahead (read_ahead): the fork would cost more than the read.
READ_AHEAD_OVER = 500
AHEAD_FOR = 60.0  # seconds: a Dashboard read ahead longer ago than this is read again


@dataclass(frozen=True)
class DashboardData:
    """Everything the dashboard shows."""

    now: datetime
    people: dict[int, str] = field(default_factory=dict)
    departments: dict[int, str] = field(default_factory=dict)
    visits: list[Occurrence] = field(default_factory=list)
    # past visits still requested or confirmed: record whether they took place
    outcomes: list[Occurrence] = field(default_factory=list)
    overdue: list[ActionView] | None = None  # None: nobody is acting
    triage: list[Row] = field(default_factory=list)
    at_risk: int = 0  # at-risk suggestions for the acting owner (all, for coordinators)
    # at-risk and breached suggestions for the acting owner (all, for coordinators)
    escalations: list[sla.Escalation] = field(default_factory=list)
    waiting: dict[str, float] = field(default_factory=dict)  # working hours waited per side
    kudos: list[dict[str, Any]] = field(default_factory=list)
    visit_months: Monthly | None = None
    suggestion_months: Monthly | None = None
    backlog_months: Monthly | None = None
    # each department's visit direction (it-to-library, library-to-it), and the liaisons due
    # to rotate (core/liaison.py)
    directions: dict[int, str] = field(default_factory=dict)
    liaison_due: list[liaison.Rotation] = field(default_factory=list)
    # How many there are of what the lists above hold only the first LIST_LIMIT of.
    outcomes_total: int = 0
    breached_total: int = 0  # open suggestions past a service level (all)
    escalated_total: int = 0  # at-risk and breached, for the acting owner (all: coordinators)
    actor_id: int | None = None  # whom it was read for


def read_dashboard(store: Store, now: datetime, actor: Person | None) -> DashboardData:
    """Read what the dashboard shows, as of ``now``, for ``actor``."""
    return _whole(now, actor, _visits_half(store, now, actor), _suggestions_half(store, now, actor))


def _whole(now: datetime, actor: Person | None, *halves: dict[str, Any]) -> DashboardData:
    fields = {k: v for half in halves for k, v in half.items()}
    return DashboardData(now, actor_id=actor.id if actor is not None else None, **fields)


def _visits_half(store: Store, now: datetime, actor: Person | None) -> dict[str, Any]:
    """The visits, the actions, the kudos and the names: a half that reads none of the
    suggestions (read_ahead reads each half in its own process)."""
    start = datetime.combine(now.date(), time(0, 0), now.tzinfo)
    overdue = None if actor is None else actions.overdue_of(store, now.date(), actor.id)
    index = OccurrenceIndex.shared(store)  # the visits parsed once (for the other areas too)
    outcomes = awaiting_outcome(store, now, index=index)
    return dict(
        people={d["id"]: d.get("name", "") for d in store.all(Person.TABLE)},
        departments={d["id"]: d.get("name", "") for d in store.all(Department.TABLE)},
        visits=index.between(start, start + timedelta(days=DAYS_AHEAD + 1)),
        outcomes=outcomes[:LIST_LIMIT],
        outcomes_total=len(outcomes),
        overdue=overdue,
        kudos=sorted(
            store.all(Kudos.TABLE), key=lambda d: (d.get("created", ""), d["id"]), reverse=True
        )[:KUDOS_SHOWN],
        visit_months=trends.visits_per_month(store, now, MONTHS, index=index),
        directions=directions_by_department(store),
        liaison_due=liaison.rotations(store, now.date(), due_only=True),
    )


def _suggestions_half(store: Store, now: datetime, actor: Person | None) -> dict[str, Any]:
    """The suggestions: triage, their service levels, the escalations and the waiting."""
    svc = sla.service(store)
    # (the lists below are of open ones; nothing here searches them; each open suggestion
    # is read and built once, for the rows, the clocks and the escalations)
    built: dict[int, tuple[dict[str, Any], Suggestion]] = {}
    rows = backlog.rows(store, now, open_only=True, sla=False, search=False, keep=built)
    # Each one's state, without its clocks (a third of the cost: 5,500 open suggestions
    # at 150,000 records); the clocks only of the escalations listed.
    states = {i: svc.state(s, d["created"], now) for i, (d, s) in built.items() if d.get("created")}
    for r in rows:
        r.sla = states.get(r.id, "none")
    scope = sla.escalation_scope(store, actor)  # an owner's own; coordinators see all
    late = [r for r in rows if r.sla in ("at risk", "breached") and r.status in OPEN_STATUSES]
    mine = [r for r in late if scope is None or r.id in scope]
    return dict(
        breached_total=sum(1 for r in late if r.sla == "breached"),
        escalated_total=len(mine),
        at_risk=sum(1 for r in mine if r.sla == "at risk"),
        triage=sorted(
            (r for r in rows if r.status == "new"), key=lambda r: (r.priority, r.created, r.id)
        ),
        escalations=sla.escalations(
            store, now, actor, svc, None, list(built.values()), states=states, limit=LIST_LIMIT
        ),
        waiting=sla.waiting_figures(store, svc, now).overall,
        suggestion_months=trends.suggestions_per_month(store, now, MONTHS),
        backlog_months=trends.backlog_size(store, now, MONTHS),
    )


def size(store: Store) -> int:
    """How many records the Dashboard's read goes through, roughly (its tables' sizes)."""
    return sum(store.size_hint(t) for t in (Visit.TABLE, Suggestion.TABLE, Action.TABLE))


def read_ahead(
    store: Store, clock: Callable[[], datetime], actor: Person | None
) -> ahead.Later[DashboardData] | None:
    """The Dashboard of ``store`` for ``actor`` begun in child processes (``core/ahead.py``)
    as of ``clock()``, for the TUI to show when its first screen is built: its two halves
    each in its own (at 150,000 records each is ~0.6 s of a ~1.2 s read). None when the
    store is small (the screen reads on the spot) or no child can run."""
    if size(store) <= READ_AHEAD_OVER:
        return None
    now = clock()
    halves = (_visits_half, _suggestions_half)
    started = [ahead.start(partial(half, store, now, actor)) for half in halves]
    if None in started:
        for child in started:
            if child is not None:
                child.cancel()
        return None
    return ahead.Together(started, partial(_whole, now, actor))


def taken(found: ahead.Later[DashboardData], now: datetime, actor: Person | None) -> DashboardData | None:  # fmt: skip
    """What ``found`` read, if it answers a read as of ``now`` for ``actor``: read ahead for
    the same person, at most AHEAD_FOR seconds before (None: read it again)."""
    try:
        data = found.take()
    except ahead.NotAhead:
        return None
    late = abs((now - data.now).total_seconds()) > AHEAD_FOR
    if late or data.actor_id != (actor.id if actor is not None else None):
        return None
    return data
