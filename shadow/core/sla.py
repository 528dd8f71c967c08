"""Service levels the way service desks keep them: the one home of SLA targets and clocks.

- Targets per priority are in working hours (``4h``) or working days (``2d``) of the
  service calendar (:mod:`.calendar`); clocks count only working time.
- Policies stored before working time existed (``[2, 10]``: business days) keep their
  meaning: N business days are N working days (:func:`migrate_policy`).
- Whose turn it is: a suggestion or action can wait on ``library``, ``it`` or ``vendor``
  (table ``waits``, audited). While a suggestion waits on its requester's side (the side it
  came from) or on a vendor, its resolution clock pauses; the time is kept per side.
- A priority change re-times the running clocks from the change (table ``clock_starts``
  keeps each change, so the history stays).
- At risk: a share of the target used up (setting ``sla.at-risk``, default 75%).

(Over 500 lines: targets, working-time clocks, waits and their figures are one model of a
service level.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from .access import check, guarded
from .calendar import ServiceCalendar, calendar_for
from .dates import format_moment, from_iso, to_iso
from .models import (
    WAIT_SIDES,
    Action,
    ClockStart,
    Person,
    Programme,
    Suggestion,
    UserError,
    Wait,
)
from .store import Store

SIDE_NAMES = {"library": "the library", "it": "IT", "vendor": "a vendor"}
AT_RISK_DEFAULT = 75  # percent of the target used up


class SlaError(UserError):
    """A service-level request that cannot be carried out, in one line."""


# ------------------------------------------------------------------ targets and policy
@dataclass(frozen=True)
class Target:
    amount: int
    unit: str  # "h" working hours | "d" working days

    def __str__(self) -> str:
        return f"{self.amount}{self.unit}"

    def describe(self) -> str:
        word = "working hour" if self.unit == "h" else "working day"
        return f"{self.amount} {word}{'' if self.amount == 1 else 's'}"

    def seconds(self, cal: ServiceCalendar, start: datetime) -> tuple[float, datetime]:
        """The target in working seconds for a clock started at ``start``, and when it
        falls due if nothing pauses it."""
        if self.unit == "h":
            seconds = self.amount * 3600.0
            return seconds, cal.add_working(start, seconds)
        due = cal.add_working_days(start, self.amount)
        return cal.working_seconds(start, due), due

    def nominal_seconds(self, day_seconds: float) -> float:
        return self.amount * (3600.0 if self.unit == "h" else day_seconds)


Policy = dict[int, tuple[Target, Target | None]]

DEFAULT_POLICY: Policy = {
    1: (Target(1, "d"), Target(5, "d")),
    2: (Target(2, "d"), Target(10, "d")),
    3: (Target(5, "d"), Target(20, "d")),
    4: (Target(10, "d"), Target(40, "d")),
    5: (Target(20, "d"), None),
}
_TARGET = re.compile(r"(\d+)\s*(h|hours?|d|days?)?")


def parse_target(text: Any) -> Target | None:
    """``4h``, ``2d``, ``2`` (days, as before working hours) or ``none``."""
    if isinstance(text, int) and not isinstance(text, bool):
        return Target(text, "d")
    raw = str(text or "").strip().lower()
    if raw in ("none", "-"):
        return None
    m = _TARGET.fullmatch(raw)
    if not m or int(m[1]) < 1:
        raise SlaError(f"a target is working hours or days, e.g. 4h or 2d (got {text!r})")
    return Target(int(m[1]), "h" if (m[2] or "d").startswith("h") else "d")


def parse_policy_value(text: str, day_seconds: float = 8.5 * 3600) -> tuple[Target, Target | None]:
    """``TRIAGE/RESOLVE``: ``2/10`` (days), ``4h/3d``, ``20d/none``."""
    parts = str(text).split("/")
    if len(parts) != 2:
        raise SlaError(
            f"a service level is TRIAGE/RESOLVE in working hours or days, "
            f"e.g. 4h/3d, 2/10 or 20d/none (got {text!r})"
        )
    triage = parse_target(parts[0])
    if triage is None:
        raise SlaError("every priority has a triage target")
    resolve = parse_target(parts[1])
    if resolve is not None and resolve.nominal_seconds(day_seconds) < triage.nominal_seconds(
        day_seconds
    ):
        raise SlaError("resolving takes no less than triage (compared in working hours)")
    return triage, resolve


def migrate_policy(raw: dict | None) -> Policy:
    """A stored policy in today's form ``{"2": ["4h", "3d"]}`` or the old day-based
    ``{"2": [2, 10]}`` (business days, which mean working days) -> the policy."""
    policy = dict(DEFAULT_POLICY)
    for key, value in (raw or {}).items():
        triage, resolve = value
        t = parse_target(triage)
        if t is None:
            raise SlaError(f"stored service level for P{key} has no triage target")
        policy[int(key)] = (t, parse_target(resolve) if resolve is not None else None)
    return policy


def policy(store: Store) -> Policy:
    """Targets per priority (stored in the database as ``sla.policy``)."""
    return migrate_policy(store.setting("sla.policy"))


def _stored(p: Policy) -> dict[str, list[str | None]]:
    return {str(k): [str(t), str(r) if r else None] for k, (t, r) in sorted(p.items())}


@guarded("settings")
def migrate_stored_policy(store: Store, actor: str) -> bool:
    """Rewrite an old day-based ``sla.policy`` in today's form (same meaning); True if it did."""
    raw = store.setting("sla.policy")
    if not raw:
        return False
    new = _stored(migrate_policy(raw))
    if new == raw:
        return False
    with store.transaction(actor) as tx:
        tx.set_setting("sla.policy", new)
    return True


@guarded("settings")
def set_target(store: Store, actor: str, priority_level: int, value: str) -> None:
    if priority_level not in DEFAULT_POLICY:
        raise SlaError("priority is 1 to 5")
    cal = calendar_for(store)
    new = policy(store)
    new[priority_level] = parse_policy_value(value, cal.day_seconds)
    with store.transaction(actor) as tx:
        tx.set_setting("sla.policy", _stored(new))


def describe_policy(value: tuple[Target, Target | None]) -> str:
    triage, resolve = value
    return f"{triage}/{resolve if resolve is not None else 'none'}"


def at_risk_percent(store: Store) -> int:
    return int(store.setting("sla.at-risk", AT_RISK_DEFAULT) or AT_RISK_DEFAULT)


@guarded("settings")
def set_at_risk(store: Store, actor: str, text: str) -> int:
    raw = str(text).strip().rstrip("%")
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= 99:
        raise SlaError(f"sla.at-risk is a share of the target from 1 to 99 percent (got {text!r})")
    with store.transaction(actor) as tx:
        tx.set_setting("sla.at-risk", int(raw))
    return int(raw)


# ------------------------------------------------------------------ whose turn it is
def _record(store: Store, record: str, ref: int | str) -> tuple[dict, str]:
    """The suggestion or action, and the side that asked for it (whose wait pauses the clock)."""
    from . import actions, backlog

    if record == "suggestions":
        s = backlog.get(store, ref)
        if s.status in backlog.CLOSED_STATUSES:
            raise SlaError(f"suggestion #{s.id} is {s.status}; only open ones wait")
        return store.get(Suggestion.TABLE, s.id), requester_side(s)
    a = actions.get(store, ref)
    if a.status in ("done", "dropped"):
        raise SlaError(f"action #{a.id} is {a.status}; only open ones wait")
    return store.get(Action.TABLE, a.id), ""


def _may_change(store: Store, actor: str, record: str, record_id: int) -> None:
    """Staff mark waits on the actions they own; a suggestion's waits are triage."""
    if record == "actions":
        check(store, actor, "actions", record_id)
    else:
        check(store, actor, "triage")


def requester_side(s: Suggestion) -> str:
    """The side a suggestion came from: its clock pauses while waiting on that side."""
    return "library" if s.direction == "library-to-it" else "it"


def waits(store: Store, record: str, record_id: int) -> list[Wait]:
    found = [
        Wait.from_doc(d)
        for d in store.all(Wait.TABLE)
        if d.get("record") == record and d.get("record_id") == record_id
    ]
    return sorted(found, key=lambda w: (w.start, w.id or 0))


def current_wait(store: Store, record: str, record_id: int) -> Wait | None:
    open_ = [w for w in waits(store, record, record_id) if w.end is None]
    return open_[-1] if open_ else None


@guarded("waits")
def wait(
    store: Store,
    actor: str,
    record: str,
    ref: int | str,
    on: str,
    note: str = "",
    now: datetime | None = None,
) -> Wait:
    """Mark a suggestion or action as waiting on ``on``; a wait on another side ends first."""
    from .dates import now as _now

    if on not in WAIT_SIDES:
        raise SlaError(f"wait on one of: {', '.join(WAIT_SIDES)} (got {on!r})")
    doc, _ = _record(store, record, ref)
    _may_change(store, actor, record, doc["id"])
    when = to_iso(now or _now())
    w = Wait(record=record, record_id=doc["id"], on=on, note=(note or "").strip(), start=when)
    w.validate()
    current = current_wait(store, record, doc["id"])
    label = f"{record[:-1]} #{doc['id']}"
    if current is not None and current.on == on:
        raise SlaError(
            f"{label} is already waiting on {SIDE_NAMES[on]} since "
            f"{format_moment(from_iso(current.start))}"
        )
    with store.transaction(actor) as tx:
        if current is not None:
            tx.update(Wait.TABLE, current.id, {"end": when})
        w.id = tx.insert(Wait.TABLE, w.to_doc(), summary=f"{label} waits on {on}")
    return w


@guarded("waits")
def resume(
    store: Store, actor: str, record: str, ref: int | str, now: datetime | None = None
) -> Wait:
    """End the current wait (the clock, if paused, runs again). Returns the ended wait."""
    from .dates import now as _now

    doc, _ = _record(store, record, ref)
    _may_change(store, actor, record, doc["id"])
    current = current_wait(store, record, doc["id"])
    if current is None:
        raise SlaError(f"{record[:-1]} #{doc['id']} is not waiting on anyone")
    end = now or _now()
    if end < from_iso(current.start):
        raise SlaError("resuming before the wait began")
    with store.transaction(actor) as tx:
        tx.update(Wait.TABLE, current.id, {"end": to_iso(end)})
    current.end = to_iso(end)
    return current


# ------------------------------------------------------------------ priority changes
def record_priority_change(tx, suggestion_id: int, old: int, new: int) -> None:
    """Inside the transaction that changes a suggestion's priority: re-time its clocks."""
    if old == new:
        return
    start = ClockStart(suggestion_id=suggestion_id, at=tx.ts, priority=new, previous=old)
    start.validate()
    tx.insert(ClockStart.TABLE, start.to_doc(), summary=f"P{old} -> P{new}: clocks re-timed")


# ------------------------------------------------------------------ clocks
@dataclass(frozen=True)
class Clock:
    """One service-level clock of a suggestion, in working time."""

    kind: str  # triage | resolve
    target: Target | None
    start: datetime | None
    due: datetime | None  # None while paused or without a target
    stopped: datetime | None
    state: str  # met | breached | at risk | running | none
    remaining: float | None  # working seconds left (negative = over)
    day_seconds: float = 8.5 * 3600
    priority: int = 0
    waiting_on: str = ""  # the side it waits on now
    paused: bool = False  # waiting on the requester or a vendor: the clock stands still
    paused_seconds: float = 0.0
    calendar: ServiceCalendar | None = field(default=None, repr=False, compare=False)

    @property
    def due_note(self) -> str:
        """The days without service before the due moment, by name: "after Good Friday, ..."."""
        cal = self.calendar
        if cal is None or self.due is None or self.start is None or self.state in ("met", "none"):
            return ""
        a = self.start.astimezone(cal.zone).date()
        b = self.due.astimezone(cal.zone).date()
        if (b - a).days > 120:  # a note for a long clock would be noise
            return ""
        names = cal.closures_between(a, b)
        return "after " + ", ".join(names) if names else ""

    @property
    def remaining_days(self) -> float | None:
        return None if self.remaining is None else self.remaining / self.day_seconds

    def _amount(self, seconds: float) -> str:
        if self.target is not None and self.target.unit == "h":
            return f"{seconds / 3600:.1f} working hours"
        return f"{seconds / self.day_seconds:.1f} working days"

    def describe(self) -> str:
        if self.state == "none":
            return f"{self.kind}: no target"
        if self.state == "met":
            return f"{self.kind}: met"
        if self.state == "breached":
            text = f"{self.kind}: breached by {self._amount(-(self.remaining or 0))}"
        else:
            text = f"{self.kind}: {self._amount(self.remaining or 0)} left" + (
                " (at risk)" if self.state == "at risk" else ""
            )
        if self.paused:
            text += f"; paused, waiting on {SIDE_NAMES[self.waiting_on]}"
        elif self.waiting_on:
            text += f"; waiting on {SIDE_NAMES[self.waiting_on]}"
        note = self.due_note  # (a walk over the days to the due moment: read once)
        if note:
            text += f"; {note}"
        return text


# The clocks of suggestions whose two clocks have stopped, by everything they are worked
# out from (the service's settings, the suggestion's dates, status, priority and side, its
# waits and priority changes): they never change with time, so each is worked out once per
# change to what it depends on, not on every read (the backlog's rows, reports, the pack).
# A changed input is a new key; the old entry is never read again and goes at the limit.
_STOPPED: dict[tuple, tuple[Clock, Clock]] = {}
STOPPED_LIMIT = 100_000  # entries, of each of the two
# A running clock's target in working seconds and its due moment before pauses, by the
# calendar's settings, the target and the clock's start: the same on every read until
# the calendar changes (the Dashboard's read and then the backlog's work out each once).
_TARGETS: dict[tuple, tuple[float, datetime]] = {}
# The same targets' working seconds alone, where only a state was asked for (Service.state).
_SECONDS: dict[tuple, float] = {}


@dataclass
class Service:
    """Everything a clock needs, read once (calendar, policy, waits, priority changes)."""

    calendar: ServiceCalendar
    policy: Policy
    at_risk: float  # share of the target
    waits: dict[tuple[str, int], list[Wait]] = field(default_factory=dict)
    starts: dict[int, list[ClockStart]] = field(default_factory=dict)
    # What every clock of this service depends on besides the suggestion (see _STOPPED).
    _key: tuple | None = field(default=None, init=False, repr=False, compare=False)

    def _settings_key(self) -> tuple:
        """(the calendar's settings, the policy, the at-risk share)."""
        if self._key is None:
            cal = self.calendar
            self._key = ((repr(cal.hours), cal.closures, cal.place, str(cal.zone)),
                         tuple(sorted(self.policy.items())), self.at_risk)  # fmt: skip
        return self._key

    def _target(self, target: Target, start: datetime) -> tuple[float, datetime]:
        """``target.seconds`` from ``start``, worked out once per calendar (see _TARGETS)."""
        key = (self._settings_key()[0], target, start, start.tzinfo)  # (equal instants in
        # other zones are equal datetimes; a zero target returns the start as it came)
        found = _TARGETS.get(key)
        if found is None:
            if len(_TARGETS) >= STOPPED_LIMIT:
                _TARGETS.clear()
            found = _TARGETS[key] = target.seconds(self.calendar, start)
        return found

    def _running_seconds(self, target: Target, start: datetime) -> float:
        """``_target(target, start)[0]`` for a target in days, without its due moment
        (the calendar's prefix sums: ~30% less for the states of 5,500 open suggestions
        read afresh, the Dashboard's read ahead at 150,000 records), kept as _TARGETS is."""
        key = (self._settings_key()[0], target, start, start.tzinfo)
        found = _TARGETS.get(key)
        if found is not None:
            return found[0]
        seconds = _SECONDS.get(key)
        if seconds is None:
            if len(_SECONDS) >= STOPPED_LIMIT:
                _SECONDS.clear()
            seconds = _SECONDS[key] = self.calendar.working_days_seconds(start, target.amount)
        return seconds

    def _paused(self, spans: list[tuple[datetime, datetime | None]], lo: datetime, hi: datetime) -> float:  # fmt: skip
        total = 0.0
        for a, b in spans:
            a, b = max(a, lo), min(b or hi, hi)
            if a < b:
                total += self.calendar.working_seconds(a, b)
        return total

    def _segment(self, s: Suggestion, created: datetime, at: datetime, now_priority: int) -> tuple[datetime, int]:  # fmt: skip
        """Where the clock started and at which priority, for a clock read at ``at``."""
        changes = self.starts.get(s.id or 0)
        if not changes:
            return created, now_priority
        changes = sorted(changes, key=lambda c: c.at)
        start, prio = created, changes[0].previous
        for c in changes:
            when = from_iso(c.at)
            if when > at:
                break
            start, prio = when, c.priority
        return start, prio

    def clocks(self, s: Suggestion, created: str, now: datetime) -> tuple[Clock, Clock]:
        """The triage and resolve clocks of a suggestion, as of ``now``."""
        from .backlog import priority

        made = from_iso(created)
        closed_at = from_iso(s.closed) if s.closed else None
        if s.status == "duplicate":  # its survivor carries the clocks
            stopped = closed_at or made
            return (
                Clock("triage", None, None, None, stopped, "none", None),
                Clock("resolve", None, None, None, stopped, "none", None),
            )
        mine = self.waits.get(("suggestions", s.id or 0), [])
        current = next((w for w in reversed(mine) if w.end is None), None)
        pausing = {requester_side(s), "vendor"}
        pauses = [(from_iso(w.start), from_iso(w.end) if w.end else None) for w in mine if w.on in pausing]  # fmt: skip
        resolved = closed_at if s.status in ("done", "declined") else None
        triaged = from_iso(s.triaged) if s.triaged else None
        current_priority = priority(s)
        memo = None
        if resolved is not None and triaged is not None:  # both stopped: "now" plays no part
            memo = (self._settings_key(), s.id, created, s.status, s.closed, s.triaged,
                    current_priority, requester_side(s),
                    tuple((w.start, w.end, w.on) for w in mine),
                    tuple((c.at, c.previous, c.priority) for c in self.starts.get(s.id or 0, ())))  # fmt: skip
            found = _STOPPED.get(memo)
            if found is not None:
                return found
        out = []
        for kind, stopped in (("triage", triaged), ("resolve", resolved)):
            start, prio = self._segment(s, made, stopped or now, current_priority)
            target = self.policy[prio][0 if kind == "triage" else 1]
            waiting = current.on if current is not None and stopped is None else ""
            out.append(
                self._clock(
                    kind, target, start, stopped, now, prio,
                    pauses if kind == "resolve" else [],
                    waiting, kind == "resolve" and waiting in pausing,
                )
            )  # fmt: skip
        both = (out[0], out[1])
        if memo is not None:
            if len(_STOPPED) >= STOPPED_LIMIT:
                _STOPPED.clear()
            _STOPPED[memo] = both
        return both

    def _clock(self, kind, target, start, stopped, now, prio, pauses, waiting, paused) -> Clock:  # fmt: skip
        cal = self.calendar
        if target is None:
            return Clock(kind, None, start, None, stopped, "none", None, cal.day_seconds, prio, waiting)  # fmt: skip
        end = max(stopped or now, start)
        target_s, plain_due = self._target(target, start)
        held = self._paused(pauses, start, end)
        used = cal.working_seconds(start, end) - held
        remaining = target_s - used
        due: datetime | None = None
        if not paused or stopped is not None or remaining <= 0:
            extra, due = -1.0, plain_due
            while pauses:  # pauses before the due moment push it on; repeat until it settles
                extra_now = self._paused(pauses, start, min(due, end))
                if extra_now == extra:
                    break
                extra, due = extra_now, cal.add_working(start, target_s + extra_now)
        state = _clock_state(used, target_s, stopped is not None, self.at_risk)
        return Clock(kind, target, start, due, stopped, state, remaining, cal.day_seconds, prio,
                     waiting, paused and stopped is None, held, cal)  # fmt: skip

    def state(self, s: Suggestion, created: str, now: datetime) -> str:
        """The worse of the two clocks: breached > at risk > running > met/none, as
        ``worst_state(self.clocks(...))`` says, worked out only as far as the states: no
        due moments, no Clocks (the backlog's rows: ten years of suggestions at its first
        read). A stopped clock's target in days is read off the calendar's prefix sums."""
        from .backlog import priority

        if s.status == "duplicate":  # (its survivor carries the clocks)
            return "none"
        made = from_iso(created)
        resolved = from_iso(s.closed) if s.closed and s.status in ("done", "declined") else None
        mine = self.waits.get(("suggestions", s.id or 0))
        pauses = []  # (most suggestions never waited)
        if mine:
            pausing = {requester_side(s), "vendor"}
            pauses = [(from_iso(w.start), from_iso(w.end) if w.end else None) for w in mine if w.on in pausing]  # fmt: skip
        current_priority = priority(s)
        states = set()
        for n, stopped in enumerate((from_iso(s.triaged) if s.triaged else None, resolved)):
            start, prio = self._segment(s, made, stopped or now, current_priority)
            target = self.policy[prio][n]
            if target is None:
                states.add("none")
                continue
            end = max(stopped or now, start)
            if target.unit == "h":
                target_s = target.amount * 3600.0  # (as Target.seconds)
            elif stopped is None:  # (a running clock's: the same on every read, kept)
                target_s = self._running_seconds(target, start)
            else:
                target_s = self.calendar.working_days_seconds(start, target.amount)
            held = self._paused(pauses, start, end) if n and pauses else 0.0
            used = self.calendar.working_seconds(start, end) - held
            states.add(_clock_state(used, target_s, stopped is not None, self.at_risk))
        return _worst(states)


def build_calendar_years(store: Store, now: datetime) -> None:
    """Work out the service calendar's years that the stored suggestions' clocks cross,
    from the year of the oldest to ``now``'s (a screen's first states then find them
    built: the department card's first read at 10,000 records took 19 ms, 8 ms once they
    were). For work done ahead, in the background."""
    years = (
        int(made[:4])
        for _, d in store.stored(Suggestion.TABLE)
        if isinstance(made := d.get("created"), str) and made[:4].isdigit()
    )
    oldest = min(years, default=None)
    if oldest is not None:
        calendar_for(store).build_years(oldest, now.year)


# What service() reads: whoever shows service levels reads again when one of these changes
# (a wait recorded changes only its own table).
SERVICE_TABLES = frozenset({Wait.TABLE, ClockStart.TABLE, "settings"})


def service(store: Store) -> Service:
    """The service-level context of a database, read once per screen, report or command."""
    by_record: dict[tuple[str, int], list[Wait]] = {}
    for d in store.all(Wait.TABLE):
        w = Wait.from_doc(d)
        by_record.setdefault((w.record, w.record_id or 0), []).append(w)
    for found in by_record.values():
        found.sort(key=lambda w: (w.start, w.id or 0))
    starts: dict[int, list[ClockStart]] = {}
    for d in store.all(ClockStart.TABLE):
        c = ClockStart.from_doc(d)
        starts.setdefault(c.suggestion_id or 0, []).append(c)
    return Service(
        calendar=calendar_for(store),
        policy=policy(store),
        at_risk=at_risk_percent(store) / 100,
        waits=by_record,
        starts=starts,
    )


# ------------------------------------------------------------------ waiting time, by side
def _zero() -> dict[str, float]:
    return {side: 0.0 for side in WAIT_SIDES}


def _months(a: datetime, b: datetime, cal: ServiceCalendar) -> Iterable[tuple[str, datetime, datetime]]:  # fmt: skip
    local = a.astimezone(cal.zone)
    month = datetime(local.year, local.month, 1, tzinfo=cal.zone)
    while month < b:
        nxt = datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=cal.zone)
        yield f"{month:%Y-%m}", max(a, month), min(b, nxt)
        month = nxt


def record_departments(store: Store) -> dict[tuple[str, int], str]:
    """The department each suggestion and action belongs to (by name; "(none)" if none)."""
    from .actions import views

    depts = {d["id"]: d.get("name", "") for d in store.all("departments")}
    out = {
        ("suggestions", d["id"]): depts.get(d.get("department_id"), "(none)")
        for d in store.all(Suggestion.TABLE)
    }
    for v in views(store):
        out[("actions", v.action.id or 0)] = v.department or "(none)"
    return out


def _ends(store: Store) -> dict[tuple[str, int], datetime]:
    """When each closed record closed (an open wait stops counting there)."""
    out = {}
    for d in store.all(Suggestion.TABLE):
        if d.get("closed") and d.get("status") in ("done", "declined", "duplicate"):
            out[("suggestions", d["id"])] = from_iso(d["closed"])
    for d in store.all(Action.TABLE):
        if d.get("done_at") and d.get("status") == "done":
            out[("actions", d["id"])] = from_iso(d["done_at"])
    return out


@dataclass
class WaitingFigures:
    overall: dict[str, float]
    department: dict[str, dict[str, float]]
    months: dict[str, dict[str, float]]


def waiting_figures(
    store: Store,
    svc: Service,
    now: datetime,
    start: datetime | None = None,
    end: datetime | None = None,
) -> WaitingFigures:
    """Working hours spent waiting on each side, overall, per department and per month,
    counting the part of each wait inside [start, end) and before ``now``."""
    cal = svc.calendar
    # (with no waits there is nothing to place: ten years of records are not walked)
    depts = record_departments(store) if svc.waits else {}
    ends = _ends(store) if svc.waits else {}
    overall, per_dept, months = _zero(), {}, {}
    for key, found in svc.waits.items():
        dept = depts.get(key, "(none)")
        for w in found:
            lo = from_iso(w.start)
            hi = from_iso(w.end) if w.end else min(now, ends.get(key, now))
            if start is not None:
                lo = max(lo, start)
            hi = min(hi, end or hi, now)
            if hi <= lo:
                continue
            for month, a, b in _months(lo, hi, cal):
                hours = cal.working_seconds(a, b) / 3600
                overall[w.on] += hours
                per_dept.setdefault(dept, _zero())[w.on] += hours
                months.setdefault(month, _zero())[w.on] += hours
    return WaitingFigures(
        _round(overall),
        {k: _round(v) for k, v in sorted(per_dept.items())},
        {k: _round(v) for k, v in sorted(months.items())},
    )


def _round(sides: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 2) for k, v in sides.items()}


# ------------------------------------------------------------------ escalation
@dataclass(frozen=True)
class Escalation:
    """A suggestion at risk or breached, with whom it is shown to."""

    suggestion_id: int
    title: str
    priority: int
    department: str
    state: str  # breached | at risk
    clock: Clock  # the worse clock
    owners: tuple[str, ...]  # owners of its open actions

    def describe(self) -> str:
        return self.clock.describe()


def worst_state(clocks: Iterable[Clock]) -> str:
    """The worse of a suggestion's clocks: breached > at risk > running > met/none (its
    backlog row's ``sla``), for a caller that already has the clocks."""
    return _worst({c.state for c in clocks})


def _worst(states: set[str]) -> str:
    for state in ("breached", "at risk", "running", "met"):
        if state in states:
            return state
    return "none"


def _clock_state(used: float, target_s: float, stopped: bool, at_risk: float) -> str:
    """A clock's state from the working seconds it used against its target's."""
    if stopped:
        return "met" if used <= target_s else "breached"
    if used > target_s:
        return "breached"
    return "at risk" if used >= at_risk * target_s else "running"


def coordinators(store: Store) -> set[int]:
    return {d["coordinator_id"] for d in store.all(Programme.TABLE) if d.get("coordinator_id")}


def escalation_scope(store: Store, person: Person | None) -> dict[int, set[int]] | None:
    """Whose escalations ``person`` sees: None = all (coordinators, or nobody acting), else
    the suggestions where they own an open action (id -> owner ids)."""
    if person is None or person.id in coordinators(store):
        return None  # (and no action read)
    owners: dict[int, set[int]] = {}
    for _, d in store.stored(Action.TABLE):  # (passed over as stored, not copied)
        if d.get("suggestion_id") and d.get("status") in ("open", "in progress"):
            owners.setdefault(d["suggestion_id"], set()).add(d["owner_id"])
    return {sid: ids for sid, ids in owners.items() if person.id in ids}


def escalations(
    store: Store,
    now: datetime,
    person: Person | None = None,
    svc: Service | None = None,
    clocks: dict[int, tuple[Clock, Clock]] | None = None,
    suggestions: list[tuple[dict[str, Any], Suggestion]] | None = None,
    *,
    states: dict[int, str] | None = None,
    limit: int | None = None,
) -> list[Escalation]:
    """At-risk and breached open suggestions: for a coordinator (or ``person`` None) all of
    them; for anyone else those where they own an open action. Breached first, then priority.
    ``clocks``: each suggestion's clocks as of ``now`` by id, where the caller has them;
    ``suggestions``: (stored record, Suggestion) of every open one at least, where the
    caller has built them (the meeting pack), instead of reading them all again.
    ``states``: each open suggestion's ``Service.state`` as of ``now`` by id, where the
    caller has them; with ``limit`` (the first so many), clocks are then worked out only
    for the escalations kept (the Dashboard's ten: not 5,000 breached ones at 150,000
    records). Their order needs no clocks: an escalation's state is the suggestion's
    state, and its priority the one now in force, unless the priority was changed
    (``Service.starts``), when the clocks are worked out to find the one each counts in."""
    from .backlog import OPEN_STATUSES, priority

    svc = svc or service(store)
    people = {d["id"]: d.get("name", "") for d in store.all(Person.TABLE)}
    depts = {d["id"]: d.get("name", "") for d in store.all("departments")}
    scope = escalation_scope(store, person) if person is not None else None
    owners: dict[int, set[int]] = {}
    for _, d in store.stored(Action.TABLE):  # (passed over, not copied)
        if d.get("suggestion_id") and d.get("status") in ("open", "in progress"):
            owners.setdefault(d["suggestion_id"], set()).add(d["owner_id"])
    if suggestions is None:
        suggestions = [(d, None) for d in store.all(Suggestion.TABLE)]  # built below if open
    late_states = ("breached", "at risk")

    def late_of(both: tuple[Clock, Clock]) -> tuple[list[Clock], Clock | None]:
        late = [c for c in both if c.state in late_states]
        worst = min(late, key=lambda c: (c.state != "breached", c.remaining or 0), default=None)
        return late, worst

    picked = []  # (order, record, Suggestion, clocks or None)
    for d, built in suggestions:
        if d.get("status") not in OPEN_STATUSES or not d.get("created"):
            continue
        if scope is not None and d["id"] not in scope:
            continue
        if states is not None and states.get(d["id"]) not in late_states:
            continue
        s = built if built is not None else Suggestion.from_doc(d)
        if states is not None and not svc.starts.get(d["id"]):
            picked.append(((states[d["id"]] != "breached", priority(s), d["id"]), d, s, None))
            continue
        both = (clocks or {}).get(d["id"]) or svc.clocks(s, d["created"], now)
        late, worst = late_of(both)
        if worst is not None:
            picked.append(((worst.state != "breached", late[0].priority, d["id"]), d, s, both))
    picked.sort(key=lambda p: p[0])
    out = []
    for _, d, s, both in picked[:limit]:
        both = both or (clocks or {}).get(d["id"]) or svc.clocks(s, d["created"], now)
        late, worst = late_of(both)
        if worst is None:  # (never: its state was breached or at risk)
            continue
        mine = owners.get(d["id"], set())
        out.append(
            Escalation(d["id"], s.title, late[0].priority, depts.get(s.department_id, ""),
                       worst.state, worst, tuple(sorted(people.get(o, "?") for o in mine)))
        )  # fmt: skip
    return out


# ------------------------------------------------------------------ reports
def waiting_extras(
    store: Store,
    svc: Service,
    report: dict,
    breach_months: dict[str, int],
    now: datetime,
    start: datetime | None = None,
    end: datetime | None = None,
) -> dict:
    """Add the "them and us" figures to ``report sla``: ``waiting_hours`` (working hours
    waiting on library, it, vendor) overall and on each department row, the month-by-month
    trend of waiting and breaches, and the calendar the clocks counted in."""
    figures = waiting_figures(store, svc, now, start, end)
    report["waiting_hours"] = figures.overall
    rows = {r["department"]: r for r in report["department"]}
    for name in figures.department:
        if name not in rows:  # waited, but raised nothing in the window
            rows[name] = {"department": name, "suggestions": 0, "triaged_within": 0,
                          "triage_breached": 0, "triage_open": 0, "resolved_within": 0,
                          "resolve_breached": 0, "resolve_open": 0, "breach_rate": 0.0,
                          "median_days_over": 0.0}  # fmt: skip
    for name, row in rows.items():
        row["waiting_hours"] = figures.department.get(name, _zero())
        row["breaches"] = row["triage_breached"] + row["resolve_breached"]
    report["department"] = [rows[k] for k in sorted(rows)]
    months = sorted(set(figures.months) | set(breach_months))
    report["months"] = [
        {"month": m, "waiting_hours": figures.months.get(m, _zero()), "breaches": breach_months.get(m, 0)}
        for m in months
    ]  # fmt: skip
    cal = svc.calendar
    first = (start or now).date() if start else date(now.year, 1, 1)
    last = (end or now).date()
    report["calendar"] = {
        "zone": str(cal.zone),
        "hours": cal.describe_hours(),
        "holidays": cal.place,
        "at_risk_percent": round(svc.at_risk * 100),
        # the public holidays on working days in the report's window (the clocks skip them)
        "holiday_days": [
            {"date": d.isoformat(), "name": name}
            for year in range(first.year, last.year + 1)
            for d, name in cal.holidays(year)
            if first <= d <= last and cal.closed_reason(d) == name
        ],
    }
    return report


def meeting_lines(
    store: Store,
    svc: Service,
    since: datetime,
    now: datetime,
    clocks: dict[int, tuple[Clock, Clock]] | None = None,
    suggestions: list[tuple[dict[str, Any], Suggestion]] | None = None,
) -> list[str]:
    """The meeting pack's "whose turn it is": waiting since the last meeting per side,
    what waits now and on whom, what is at risk, and the holidays ahead by name
    (``clocks`` and ``suggestions`` as for :func:`escalations`)."""
    from .dates import format_day
    from .reports import md_escape

    cal = svc.calendar
    figures = waiting_figures(store, svc, now, since, now)
    lines = [
        "Working hours spent waiting since the last meeting: "
        + ", ".join(f"on {SIDE_NAMES[k]} {v:.1f} h" for k, v in figures.overall.items())
        + f" (calendar {cal.describe_hours()}"
        + (f", holidays {cal.place}" if cal.place != "none" else "")
        + ")."
    ]
    for dept, sides in figures.department.items():
        if any(sides.values()):
            lines.append(
                f"- {md_escape(dept)}: "
                + ", ".join(f"{SIDE_NAMES[k]} {v:.1f} h" for k, v in sides.items())
            )
    titles: dict[tuple[str, int], str] = {}
    if any(w.end is None for found in svc.waits.values() for w in found):
        titles = {("suggestions", d["id"]): d.get("title", "") for d in store.all(Suggestion.TABLE)}
        titles |= {("actions", d["id"]): d.get("title", "") for d in store.all(Action.TABLE)}
    waiting_now = [
        (key, w) for key, found in svc.waits.items() for w in found if w.end is None and key in titles
    ]  # fmt: skip
    ends = _ends(store) if waiting_now else {}
    for (record, rid), w in sorted(waiting_now, key=lambda x: x[1].start):
        if (record, rid) in ends:
            continue
        kind = "suggestion" if record == "suggestions" else "action"
        lines.append(
            f"- Waiting on **{SIDE_NAMES[w.on]}** since {format_moment(from_iso(w.start))}: "
            f"{kind} #{rid} {md_escape(titles[(record, rid)])}"
            + (f" — {md_escape(w.note)}" if w.note else "")
        )
    for e in escalations(store, now, None, svc, clocks, suggestions):
        if e.state == "at risk":
            lines.append(f"- At risk: #{e.suggestion_id} {md_escape(e.title)} (P{e.priority}): {e.describe()}")  # fmt: skip
    ahead = [
        (d, n)
        for year in {now.year, (now + timedelta(days=14)).year}
        for d, n in cal.holidays(year)
        if now.date() <= d <= (now + timedelta(days=14)).date()
    ]
    for d, n in sorted(ahead):
        lines.append(f"- Public holiday {format_day(d)}: {md_escape(n)} (clocks stop)")
    return lines
