"""Visits: booking, recurrence, status changes, conflict checks and finding free slots.

A visit that repeats is one record with an RFC 5545 RRULE (expanded with
dateutil's rrule in its own IANA zone, so 10:00 stays 10:00 across daylight
saving). Changing or cancelling one occurrence writes an *override* record
(``series_id`` + the ``occurrence``'s original start) that replaces that one
occurrence when the series is expanded.

(Over 500 lines: booking, recurrence and the conflict rules read the same occurrences;
splitting them is left for a later step.)
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrulestr

from . import dates, programmes
from .access import guarded
from .dates import DateError, format_day, format_span, from_iso, to_iso
from .directory import DirectoryError, find_department, names_by_id, people_from_input
from .models import (
    DAYS,
    VISIT_KINDS,
    Department,
    Person,
    UserError,
    ValidationError,
    Visit,
    check_text,
    clean_line,
    visitor_side,
)
from .plain import count
from .settings import rules
from .store import Store

if TYPE_CHECKING:
    from .occurrence_index import OccurrenceIndex

OCCUPYING = ("requested", "confirmed", "completed")  # statuses that take up people's time
TRANSITIONS = {
    "requested": ("confirmed", "cancelled"),
    "confirmed": ("completed", "cancelled", "no-show", "requested"),
    "completed": (),
    "cancelled": (),
    "no-show": (),
}
# A correction, with a reason kept in the history: what each closed status goes back to.
REOPEN = {"completed": "confirmed", "no-show": "confirmed", "cancelled": "requested"}
NOT_BEFORE_START = ("completed", "no-show")  # what cannot be true of a visit still to come
DEFAULT_DURATION = timedelta(hours=2)
BOOKING_AHEAD = timedelta(days=2 * 366)  # further ahead than this is a typo, not a plan
BOOKING_BEHIND = timedelta(days=366)  # recording a visit that happened: up to a year back
SERIES_HORIZON = timedelta(days=366)  # how far ahead a repeating visit is checked
MAX_OCCURRENCES = 200
MAX_SLOTS = 50  # free slots offered at once
MAX_EXPANSION = 100_000  # occurrences walked for one series in one window, at most


class ScheduleError(UserError):
    """A request that cannot be carried out, in one line."""


class ConflictsFound(ScheduleError):
    def __init__(self, conflicts: list[Conflict]):
        self.conflicts = conflicts
        hard = [c for c in conflicts if c.hard]
        first = (hard or conflicts)[0].message
        more = f" (+{len(conflicts) - 1} more)" if len(conflicts) > 1 else ""
        hint = (
            "fix it first"
            if hard
            else "change the booking, or save anyway with --force --reason TEXT"
        )
        super().__init__(f"{first}{more}; {hint}")


@dataclass
class Conflict:
    rule: str  # double-booked | both-sides | closed | outside-hours | capacity | host-load | buffer
    hard: bool
    message: str
    when: datetime | None = None


@dataclass
class Occurrence:
    """One concrete visit on the calendar: a single visit, or one occurrence of a series."""

    visit: Visit  # the record whose details apply (the series, or an override)
    start: datetime
    end: datetime
    series_id: int | None = None  # the series this occurrence belongs to
    original: str = ""  # its original start in the series (aware ISO)

    @property
    def status(self) -> str:
        return self.visit.status

    @property
    def key(self) -> str:
        """``12`` for a single visit, ``12@2026-12-08`` for an occurrence of series 12."""
        if self.series_id is None:
            return str(self.visit.id)
        return f"{self.series_id}@{from_iso(self.original).date().isoformat()}"

    @property
    def people(self) -> set[int]:
        return set(self.visit.visitors) | set(self.visit.hosts)


# ------------------------------------------------------------------ recurrence
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
             "4th": 4, "last": -1}  # fmt: skip
_BYDAY = {0: "MO", 1: "TU", 2: "WE", 3: "TH", 4: "FR", 5: "SA", 6: "SU"}


def parse_repeat(text: str, start: datetime, *, dayfirst: bool = True) -> str:
    """An RRULE (without DTSTART) from a phrase or a raw rule. Raises ScheduleError.

    Phrases: daily, every weekday, weekly, fortnightly / every other week,
    every 3 weeks, monthly, first monday monthly, last fri monthly; each may end
    with ``until DATE`` or ``N times``.
    """
    raw = " ".join((text or "").strip().split())
    if not raw:
        return ""
    lowered = raw.lower()
    if lowered.startswith(("freq=", "rrule:")):
        rule = raw.split(":", 1)[1] if lowered.startswith("rrule:") else raw
        rule = rule.upper()
    else:
        tail = ""
        m = re.fullmatch(r"(.*?)\s+until\s+(.+)", lowered)
        if m:
            lowered = m[1]
            try:
                until = dates.parse_day(m[2], now_=start, dayfirst=dayfirst)
            except DateError as exc:
                raise ScheduleError(f"repeat: {exc}") from None
            tail = f";UNTIL={until:%Y%m%d}T235959"
        m = re.fullmatch(r"(.*?)\s+(?:for\s+)?(\d+)\s+(?:times|occurrences|visits)", lowered)
        if m:
            lowered, tail = m[1], f";COUNT={int(m[2])}"
        words = lowered.replace(" of every month", " monthly").replace(" each month", " monthly")
        base = {
            "daily": "FREQ=DAILY",
            "every day": "FREQ=DAILY",
            "every weekday": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
            "weekdays": "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
            "weekly": "FREQ=WEEKLY",
            "every week": "FREQ=WEEKLY",
            "fortnightly": "FREQ=WEEKLY;INTERVAL=2",
            "every other week": "FREQ=WEEKLY;INTERVAL=2",
            "every fortnight": "FREQ=WEEKLY;INTERVAL=2",
            "biweekly": "FREQ=WEEKLY;INTERVAL=2",
            "monthly": "FREQ=MONTHLY",
            "every month": "FREQ=MONTHLY",
        }.get(words)
        if base is None and (m := re.fullmatch(r"every (\d+) (day|week|month)s?", words)):
            freq = {"day": "DAILY", "week": "WEEKLY", "month": "MONTHLY"}[m[2]]
            base = f"FREQ={freq};INTERVAL={int(m[1])}"
        if base is None and (
            m := re.fullmatch(r"(?:every )?(\w+) (\w+) (?:monthly|of the month)", words)
        ):
            nth = _ORDINALS.get(m[1])
            day = dates.WEEKDAYS.get(m[2])
            if nth is not None and day is not None:
                base = f"FREQ=MONTHLY;BYDAY={nth}{_BYDAY[day]}"
        if base is None:
            raise ScheduleError(
                f"repeat: cannot read {raw!r}: try weekly, fortnightly, every 3 weeks, monthly, "
                "first monday monthly, every weekday (optionally 'until 1/3/2027' or '6 times'), "
                "or an RFC 5545 rule like FREQ=WEEKLY;INTERVAL=2"
            )
        rule = base + tail
    _check_rule(rule)
    naive = start.replace(tzinfo=None)
    try:
        parsed = rrulestr(rule, dtstart=naive)
        first = parsed.after(naive, inc=True)
    except (ValueError, TypeError, OverflowError) as exc:
        raise ScheduleError(f"repeat: not a valid RFC 5545 rule ({exc})") from None
    if first is None:
        raise ScheduleError("repeat: the rule produces no visits from the start date on")
    return rule


# What a repeating visit may say: at most one visit a day (no HOURLY, MINUTELY or
# SECONDLY, no BYHOUR/BYMINUTE/BYSECOND), an interval of at least 1, and an end that
# is a date in the calendar. Expansion is bounded as well (``expand``).
_RULE_PARTS = {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "BYMONTH",
               "BYSETPOS", "BYWEEKNO", "BYYEARDAY", "WKST"}  # fmt: skip
_RULE_FREQS = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")


def _check_rule(rule: str) -> None:
    """Refuse a rule that repeats more than daily, never advances, or ends out of range."""
    parts: dict[str, str] = {}
    for item in rule.split(";"):
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or key not in _RULE_PARTS or key in parts:
            raise ScheduleError(
                f"repeat: {item.strip()[:40]!r} is not allowed in a visit's rule "
                f"(parts: {', '.join(sorted(_RULE_PARTS))})"
            )
        parts[key] = value.strip()
    if parts.get("FREQ") not in _RULE_FREQS:
        raise ScheduleError(
            f"repeat: visits repeat {', '.join(f.lower() for f in _RULE_FREQS)}, "
            f"not {parts.get('FREQ', 'without FREQ')!r}"[:200]
        )
    for key, low, high in (("INTERVAL", 1, 99), ("COUNT", 1, MAX_OCCURRENCES)):
        value = parts.get(key)
        if value is not None and not (
            re.fullmatch(r"[0-9]{1,4}", value) and low <= int(value) <= high
        ):
            raise ScheduleError(f"repeat: {key} must be a whole number from {low} to {high}")
    until = parts.get("UNTIL")
    if until is not None:
        m = re.fullmatch(r"([0-9]{4})[0-9]{4}(?:T[0-9]{6}Z?)?", until)
        if not m or not dates.EARLIEST_YEAR <= int(m[1]) <= dates.LATEST_YEAR:
            raise ScheduleError(
                f"repeat: UNTIL must be a date from {dates.EARLIEST_YEAR} to {dates.LATEST_YEAR}"
            )


def describe_repeat(rule: str) -> str:
    """A short plain-English reading of an RRULE."""
    if not rule:
        return ""
    parts = dict(p.split("=", 1) for p in rule.split(";") if "=" in p)
    freq = parts.get("FREQ", "")
    interval = int(parts.get("INTERVAL", "1"))
    unit = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}.get(freq, freq)
    if interval == 1:
        text = {"day": "daily", "week": "weekly", "month": "monthly", "year": "yearly"}.get(
            unit, unit
        )
    elif interval == 2 and unit == "week":
        text = "every other week"
    else:
        text = f"every {interval} {unit}s"
    byday = parts.get("BYDAY", "")
    if byday == "MO,TU,WE,TH,FR":
        text = "every weekday"
    elif byday and freq == "MONTHLY":
        m = re.fullmatch(r"([+-]?\d)?([A-Z]{2})", byday)
        if m:
            nth = {"1": "first", "2": "second", "3": "third", "4": "fourth", "-1": "last"}.get(
                (m[1] or "").lstrip("+"), ""
            )
            day = {v: k for k, v in _BYDAY.items()}[m[2]]
            text = f"{text} on the {nth} {date(2024, 1, 1 + day):%A}".replace("  ", " ")
    if "UNTIL" in parts:
        until = datetime.strptime(parts["UNTIL"][:8], "%Y%m%d").date()
        text += f" until {format_day(until)}"
    if "COUNT" in parts:
        text += f", {parts['COUNT']} times"
    return text


def _zone(visit: Visit):
    # (a zone the record names that there is no such zone for: the local one)
    return (dates.zone_named(visit.timezone) if visit.timezone else None) or dates.local_zone()


# Parsed rules by (text, local start): each is parsed once, and one ending after at most
# RULE_CACHED_COUNT occurrences keeps what it has walked (dateutil's ``cache=True``), so
# that the windows a session asks for (the Dashboard's three, the agenda, the week grid,
# coverage's year ahead) walk a series from its start once, not once per window. A rule
# without such a bound (UNTIL years away, no end, every minute) is parsed once but keeps
# nothing: its walk could fill memory. The same occurrences either way.
_RULES: dict[tuple[str, datetime], Any] = {}
RULES_KEPT = 512
RULE_CACHED_COUNT = 1000


def _rule(text: str, local_start: datetime) -> Any:
    """``rrulestr(text, dtstart=local_start)``, kept (see _RULES)."""
    key = (text, local_start)
    found = _RULES.get(key)
    if found is None:
        found = rrulestr(text, dtstart=local_start)
        count = getattr(found, "_count", None)
        if isinstance(count, int) and count <= RULE_CACHED_COUNT:
            found = found.replace(cache=True)
        if len(_RULES) >= RULES_KEPT:
            _RULES.clear()
        _RULES[key] = found
    return found


def expand(
    visit: Visit,
    window_start: datetime,
    window_end: datetime,
    overrides: dict[str, Visit] | None = None,
) -> list[Occurrence]:
    """The occurrences of one visit that overlap [window_start, window_end)."""
    start, end = from_iso(visit.start), from_iso(visit.end)
    length = end - start
    if not visit.rrule:
        if start < window_end and end > window_start:
            return [Occurrence(visit, start, end)]
        return []
    zone = _zone(visit) or dates.local_zone()
    local_start = start.astimezone(zone).replace(tzinfo=None)
    rule = _rule(visit.rrule, local_start)
    lo = (window_start - length).astimezone(zone).replace(tzinfo=None)
    hi = window_end.astimezone(zone).replace(tzinfo=None)
    found: list[Occurrence] = []
    walked: set[str] = set()
    # Walked lazily and capped: a rule (from an older version, or a file edited by hand)
    # that repeats every minute or never ends cannot fill memory.
    for n, naive in enumerate(rule.xafter(lo, inc=True)):
        if naive > hi or n >= MAX_EXPANSION:
            break
        occ_start = naive.replace(tzinfo=zone)
        original = to_iso(occ_start)
        walked.add(original)
        override = (overrides or {}).get(original)
        if override is not None:
            o_start, o_end = from_iso(override.start), from_iso(override.end)
            if o_start < window_end and o_end > window_start:
                found.append(Occurrence(override, o_start, o_end, visit.id, original))
            continue
        if occ_start < window_end and occ_start + length > window_start:
            found.append(Occurrence(visit, occ_start, occ_start + length, visit.id, original))
        if len(found) >= MAX_OCCURRENCES * 10:
            break
    found.extend(_moved_in(rule, zone, visit.id, overrides or {}, walked, window_start, window_end))
    return found


def _moved_in(
    rule: Any,
    zone: Any,
    series_id: int | None,
    overrides: dict[str, Visit],
    walked: set[str],
    window_start: datetime,
    window_end: datetime,
) -> list[Occurrence]:
    """Occurrences moved into the window from a day outside it (last Monday's, moved to
    this Wednesday): the walk over the window never meets their original day. Only an
    original the rule still has counts (a series cut short drops its later overrides)."""
    found = []
    # (the text of an ISO time starts with its local date: a day's slack either side
    # passes over most overrides without parsing them, as visits_near does)
    first = (window_start - timedelta(days=2)).date().isoformat()
    last = (window_end + timedelta(days=2)).date().isoformat()
    for original, override in overrides.items():
        if original in walked or override.end[:10] < first or override.start[:10] > last:
            continue
        o_start, o_end = from_iso(override.start), from_iso(override.end)
        if not (o_start < window_end and o_end > window_start):
            continue
        naive = from_iso(original).astimezone(zone).replace(tzinfo=None)
        if next(iter(rule.xafter(naive, inc=True)), None) == naive:
            found.append(Occurrence(override, o_start, o_end, series_id, original))
    return found


def load_visits(store: Store) -> list[Visit]:
    return [Visit.from_doc(d) for d in store.all(Visit.TABLE)]


def visits_near(
    store: Store, lo: datetime, hi: datetime, docs: list[dict[str, Any]] | None = None
) -> list[Visit]:
    """The visits that can have an occurrence in [lo, hi): every series and its overrides,
    and the one-off visits overlapping the window (not ten years of past ones). Pass it
    to :func:`occurrences` for a short window. ``docs``: the stored visits, if the caller
    holds them already."""
    # ISO text starts with the local date: a day's slack either side makes comparing
    # the text safe whatever the offsets, and the few left are compared exactly.
    first = (lo - timedelta(days=2)).date().isoformat()
    last = (hi + timedelta(days=2)).date().isoformat()
    out = []
    # (the stored records, read in place: only the few kept are copied)
    pairs = store.stored(Visit.TABLE) if docs is None else [(d["id"], d) for d in docs]
    for vid, d in pairs:
        if d.get("rrule") or d.get("series_id") is not None:
            out.append(Visit.from_doc(dict(d, id=vid)))
        elif d["end"][:10] >= first and d["start"][:10] <= last:
            if from_iso(d["start"]) < hi and from_iso(d["end"]) > lo:
                out.append(Visit.from_doc(dict(d, id=vid)))
    return out


def occurrences(
    store: Store,
    window_start: datetime,
    window_end: datetime,
    visits: list[Visit] | None = None,
) -> list[Occurrence]:
    """Everything on the calendar in a window, series expanded, sorted by start."""
    visits = load_visits(store) if visits is None else visits
    overrides: dict[int, dict[str, Visit]] = {}
    for v in visits:
        if v.series_id is not None:
            overrides.setdefault(v.series_id, {})[v.occurrence] = v
    found: list[Occurrence] = []
    for v in visits:
        if v.series_id is not None:
            continue  # shown through its series
        found.extend(expand(v, window_start, window_end, overrides.get(v.id or 0)))
    # Overrides whose series vanished still show on their own.
    series_ids = {v.id for v in visits if v.series_id is None}
    for v in visits:
        if v.series_id is not None and v.series_id not in series_ids:
            found.extend(expand(v, window_start, window_end))
    return sorted(found, key=lambda o: (o.start, o.visit.id or 0))


def proposal_occurrences(visit: Visit) -> list[Occurrence]:
    """The occurrences a (possibly repeating) visit would create, checked up to a year ahead."""
    start = from_iso(visit.start)
    found = expand(visit, start, start + SERIES_HORIZON)
    return found[:MAX_OCCURRENCES]


# ------------------------------------------------------------------ conflicts
def _fits_hours(dept: Department, start: datetime, end: datetime) -> bool:
    if start.date() != end.date() and not (end.time().hour == 0 and end.time().minute == 0):
        return False
    spans = dept.hours.get(DAYS[start.weekday()], [])
    s, e = f"{start:%H:%M}", "24:00" if end.time() == datetime.min.time() else f"{end:%H:%M}"
    return any(a <= s and e <= b for a, b in spans)


def check(
    store: Store,
    visit: Visit,
    *,
    ignore: set[int] | None = None,
    ignore_series_occurrence: tuple[int, str] | None = None,
    calendar: Calendar | None = None,
) -> list[Conflict]:
    """Every rule a proposed visit (or series) breaks. Hard ones block saving.

    ``ignore`` lists visit ids not to compare against (the visit being
    rescheduled, its series). ``ignore_series_occurrence`` skips one occurrence
    of a series (when that occurrence is the one being moved). ``calendar``: what to
    compare with, worked out once for many checks (then the two ignores are its business).
    """
    conflicts: list[Conflict] = []
    mine = proposal_occurrences(visit)
    if calendar is None:
        ignored = set(ignore or ())
        others = _occupying_others(store, mine, ignored, ignore_series_occurrence) if mine else []
        calendar = Calendar.around(store, others)
    names, settings = calendar.names, calendar.settings
    for pid in sorted(set(visit.visitors) & set(visit.hosts)):
        conflicts.append(
            Conflict(
                "both-sides", True, f"{names.get(pid, pid)} is listed as both visitor and host"
            )
        )
    dept_doc = store.get(Department.TABLE, visit.department_id) if visit.department_id else None
    dept = Department.from_doc(dept_doc) if dept_doc else None
    week_load, month_load = calendar.loads(visit.hosts)
    seen: set[tuple[str, Any]] = set()
    people = set(visit.visitors) | set(visit.hosts)
    near, buffer = calendar.near, timedelta(minutes=settings["buffer_minutes"])
    for occ in mine:
        overlapping = near.between(occ.start, occ.end)
        close = near.between(occ.start - buffer, occ.end + buffer)
        found = [
            *_opening_conflicts(dept, occ),
            *_double_bookings(occ, overlapping, people, names),
            *_capacity_conflicts(dept, visit, occ, overlapping),
            *_buffer_conflicts(occ, close, overlapping, people, names, settings),
            *_host_load_conflicts(visit, occ, week_load, month_load, names, settings),
        ]
        for conflict, dedupe in found:  # one conflict per rule and thing it is about
            if (conflict.rule, dedupe) not in seen:
                seen.add((conflict.rule, dedupe))
                conflicts.append(conflict)
    return sorted(conflicts, key=lambda c: (not c.hard, c.when or datetime.min.replace(tzinfo=UTC)))


# One rule each: (conflict, what it is about) for one proposed occurrence; check() keeps the
# first conflict per rule and subject.
_Found = list[tuple[Conflict, Any]]
_Loads = dict[int, dict[tuple[int, int], int]]  # host -> ISO week or month -> visits


def _occupying(store: Store, lo: datetime, hi: datetime) -> list[Occurrence]:
    """The occurrences that take people's time from a month before ``lo`` to a month after
    ``hi`` (as far as the host loads and the buffers look), from the visits that can fall
    there, not ten years of them."""
    lo, hi = lo - timedelta(days=32), hi + timedelta(days=32)
    found = occurrences(store, lo, hi, visits_near(store, lo, hi))
    return [o for o in found if o.status in OCCUPYING]


def _occupying_others(
    store: Store,
    mine: list[Occurrence],
    ignore: set[int],
    ignore_series_occurrence: tuple[int, str] | None,
) -> list[Occurrence]:
    """The occurrences near ``mine`` that take people's time, less the ones to ignore."""
    return [
        o
        for o in _occupying(store, min(o.start for o in mine), max(o.end for o in mine))
        if o.visit.id not in ignore
        and (o.series_id is None or o.series_id not in ignore)
        and (
            ignore_series_occurrence is None
            or (o.series_id, o.original) != ignore_series_occurrence
        )
    ]


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


class _ByTime:
    """Occurrences found by time: those overlapping a span, in the order given, by
    bisection on exact UTC microseconds. (Comparing aware datetimes asks the zone for
    its offset on every comparison: 200 proposed occurrences against thousands of
    others took 0.3-0.7 s per check at 150,000 records, on each keystroke of a form.)"""

    def __init__(self, occurrences: list[Occurrence]) -> None:
        self._all = occurrences
        self._spans = sorted(
            ((o.start - _EPOCH) // _MICROSECOND, (o.end - _EPOCH) // _MICROSECOND, n)
            for n, o in enumerate(occurrences)
        )
        self._starts = [start for start, _, _ in self._spans]
        self._longest = max((end - start for start, end, _ in self._spans), default=0)

    def between(self, lo: datetime, hi: datetime) -> list[Occurrence]:
        """Those that start before ``hi`` and end after ``lo``."""
        a, b = (lo - _EPOCH) // _MICROSECOND, (hi - _EPOCH) // _MICROSECOND
        first = bisect_left(self._starts, a - self._longest)
        last = bisect_left(self._starts, b)
        hits = sorted(n for _, end, n in self._spans[first:last] if end > a)
        return [self._all[n] for n in hits]


def _host_loads(others: list[Occurrence]) -> tuple[_Loads, _Loads]:
    """Visits each host already has per ISO week and per month."""
    week_load: _Loads = {}
    month_load: _Loads = {}
    for o in others:
        for h in o.visit.hosts:
            wk = o.start.isocalendar()[:2]
            weeks = week_load.setdefault(h, {})
            weeks[wk] = weeks.get(wk, 0) + 1
            mo = (o.start.year, o.start.month)
            months = month_load.setdefault(h, {})
            months[mo] = months.get(mo, 0) + 1
    return week_load, month_load


@dataclass
class Calendar:
    """What check() compares a proposal with, worked out once: the occurrences that take
    people's time (found by time), each host's visits per week and month, the names and
    the rules. find_slots probes up to a thousand times against one."""

    others: list[Occurrence]
    names: dict[int, str]
    settings: dict[str, Any]

    def __post_init__(self) -> None:
        self.near = _ByTime(self.others)
        self._week_load, self._month_load = _host_loads(self.others)

    @classmethod
    def around(cls, store: Store, others: list[Occurrence]) -> Calendar:
        return cls(others, names_by_id(store, Person.TABLE), rules(store))

    def loads(self, hosts: list[int]) -> tuple[_Loads, _Loads]:
        """Copies of ``hosts``' loads (a check counts its own occurrences into them)."""
        weeks, months = self._week_load, self._month_load
        return (
            {h: dict(weeks.get(h, {})) for h in hosts},
            {h: dict(months.get(h, {})) for h in hosts},
        )


def calendar_between(store: Store, lo: datetime, hi: datetime) -> Calendar:
    """What to check proposals between ``lo`` and ``hi`` against, worked out once, for many
    checks: finding slots, booking a plan."""
    return Calendar.around(store, _occupying(store, lo, hi))


def _opening_conflicts(dept: Department | None, occ: Occurrence) -> _Found:
    """A closure day, or a time outside the department's opening hours."""
    s, e = occ.start, occ.end
    if dept is None:
        return []
    if s.date().isoformat() in dept.closed_dates:
        text = f"{dept.name} is closed on {format_day(s.date())}"
        return [(Conflict("closed", False, text, s), s.date())]
    if dept.hours and not _fits_hours(dept, s, e):
        span = format_span(s, e)
        spans = dept.hours.get(DAYS[s.weekday()])
        if spans:
            opening = ", ".join(f"{a}-{b}" for a, b in spans)
            text = f"{span} is outside {dept.name}'s opening hours ({s:%a} {opening})"
        else:
            text = f"{dept.name} is not open on {s:%A}s ({span})"
        return [(Conflict("outside-hours", False, text, s), s)]
    return []


def _double_bookings(
    occ: Occurrence, overlapping: list[Occurrence], people: set[int], names: dict[int, str]
) -> _Found:
    """Someone on this visit is already on another at the same time (hard)."""
    return [
        (
            Conflict(
                "double-booked",
                True,
                f"{names.get(pid, pid)} is already on visit #{o.key} "
                f"({format_span(o.start, o.end)})",
                occ.start,
            ),
            (pid, o.key),
        )
        for o in overlapping
        for pid in sorted(people & o.people)
    ]


def _capacity_conflicts(
    dept: Department | None, visit: Visit, occ: Occurrence, overlapping: list[Occurrence]
) -> _Found:
    """More visitors in the department at once than it takes."""
    if dept is None:
        return []
    there = sum(len(o.visit.visitors) for o in overlapping if o.visit.department_id == dept.id)
    if there + len(visit.visitors) <= dept.capacity:
        return []
    text = (
        f"{dept.name} takes {count(dept.capacity, 'visitor')} at once; "
        f"{format_span(occ.start, occ.end)} would have {there + len(visit.visitors)}"
    )
    return [(Conflict("capacity", False, text, occ.start), occ.start)]


def _buffer_conflicts(
    occ: Occurrence,
    others: list[Occurrence],
    overlapping: list[Occurrence],
    people: set[int],
    names: dict[int, str],
    settings: dict[str, Any],
) -> _Found:
    """Less than the buffer between two visits of the same person."""
    s, e = occ.start, occ.end
    buffer = timedelta(minutes=settings["buffer_minutes"])
    found: _Found = []
    skip = {id(o) for o in overlapping}
    for o in others:  # (check passes only those within the buffer of it)
        if id(o) in skip:
            continue
        shared = people & o.people
        if not shared:
            continue
        gap = s - o.end if o.end <= s else o.start - e
        if timedelta(0) <= gap < buffer:
            who = names.get(min(shared), min(shared))
            text = (
                f"only {int(gap.total_seconds() // 60)} min between {who}'s visits "
                f"({format_span(s, e)} and #{o.key} at {format_span(o.start, o.end)}; "
                f"buffer {settings['buffer_minutes']} min)"
            )
            found.append((Conflict("buffer", False, text, s), (o.key, s)))
    return found


def _host_load_conflicts(
    visit: Visit,
    occ: Occurrence,
    week_load: _Loads,
    month_load: _Loads,
    names: dict[int, str],
    settings: dict[str, Any],
) -> _Found:
    """A host over the weekly or monthly cap; counts this occurrence into the loads."""
    s = occ.start
    found: _Found = []
    for h in visit.hosts:
        wk = s.isocalendar()[:2]
        weeks = week_load.setdefault(h, {})
        weeks[wk] = weeks.get(wk, 0) + 1
        if weeks[wk] > settings["host_week_cap"]:
            monday = s.date() - timedelta(days=s.weekday())
            text = (
                f"{names.get(h, h)} would host {count(weeks[wk], 'visit')} in the week "
                f"of {format_day(monday)} (cap {settings['host_week_cap']})"
            )
            found.append((Conflict("host-load", False, text, s), (h, "w", wk)))
        mo = (s.year, s.month)
        months = month_load.setdefault(h, {})
        months[mo] = months.get(mo, 0) + 1
        if months[mo] > settings["host_month_cap"]:
            text = (
                f"{names.get(h, h)} would host {count(months[mo], 'visit')} in "
                f"{s:%B %Y} (cap {settings['host_month_cap']})"
            )
            found.append((Conflict("host-load", False, text, s), (h, "m", mo)))
    return found


# ------------------------------------------------------------------ input -> Visit
@dataclass
class Booking:
    visit: Visit
    summary: str  # the interpreted value, e.g. "Tue 24 Nov 2026 10:00–12:00, every other week"
    conflicts: list[Conflict] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # accepted, but worth saying (a past date)


def _people(store: Store, raw: Any, field_name: str, errors: dict[str, str]) -> list[int]:
    """The active people typed into ``field_name`` (visitors, hosts)."""
    return people_from_input(
        store, raw, field_name, errors, lambda p: "" if p.active else f"{p.name} is marked inactive"
    )


def _check_sides(store: Store, dept: Department, visit: Visit, errors: dict[str, str]) -> None:
    """A visit to a library department has IT visitors and library hosts; a visit to an IT
    team the reverse (library visitors, IT hosts)."""
    kind = "an IT team" if dept.side == "it" else "a library department"
    both = set(visit.visitors) & set(visit.hosts)  # the "both-sides" conflict says it better
    for field_name, wanted in (("visitors", visitor_side(dept.side)), ("hosts", dept.side)):
        if field_name in errors:
            continue
        for pid in getattr(visit, field_name):
            doc = {} if pid in both else store.get(Person.TABLE, pid) or {}
            if doc and doc.get("side") != wanted:
                theirs = "IT staff" if doc.get("side") == "it" else "library staff"
                errors[field_name] = (
                    f"{doc.get('name')} is {theirs}; {field_name} at {dept.name} ({kind}) are "
                    f"{'IT' if wanted == 'it' else 'library'} staff"
                )
                break


def visit_from_input(
    store: Store,
    values: dict[str, Any],
    base: Visit | None = None,
    *,
    now_: datetime | None = None,
    dayfirst: bool = True,
    day: date | None = None,
) -> Booking:
    """Read a booking from typed text (form or CLI), with conflicts checked.

    Keys: department, visitors, hosts (names, comma-separated or lists), when,
    duration or end, kind, purpose, programme, repeat. Errors are raised as a
    ValidationError keyed by those names; conflicts are returned, not raised.
    ``day``: the day a time typed alone falls on (booking from a week-grid cell).
    """
    visit = Visit.edited(base)
    errors: dict[str, str] = {}
    dept = _read_department(store, visit, values, base, errors)
    if "visitors" in values:
        visit.visitors = _people(store, values["visitors"], "visitors", errors)
    if "hosts" in values:
        visit.hosts = _people(store, values["hosts"], "hosts", errors)
    if not visit.hosts and "hosts" not in errors and dept is not None:
        visit.hosts = [
            h for h in dept.hosts if (store.get(Person.TABLE, h) or {}).get("active", True)
        ]
    if dept is not None:
        _check_sides(store, dept, visit, errors)
    if not visit.visitors and "visitors" not in errors:
        errors["visitors"] = (
            f"name at least one {'library' if dept and dept.side == 'it' else 'IT'} visitor"
        )
    if not visit.hosts and "hosts" not in errors and "department" not in errors:
        errors["hosts"] = "name at least one host (the department has none set)"
    if "kind" in values and values["kind"]:
        kind = str(values["kind"]).strip().lower()
        if kind not in VISIT_KINDS:
            errors["kind"] = f"must be one of: {', '.join(VISIT_KINDS)}"
        visit.kind = kind
    if "purpose" in values:
        visit.purpose = (values["purpose"] or "").strip()
    if "programme" in values:
        text = clean_line(str(values["programme"] or ""))
        visit.programme_id = None
        if text:
            found = programmes.find(store, text)
            if found is None:
                errors["programme"] = f"no programme named {text!r}"
            else:
                visit.programme_id = found["id"]
    start, length, notices = _read_time(visit, values, errors, now_, dayfirst, day)
    zone_name = visit.timezone or dates.zone_name()
    if start is not None:
        visit.start = to_iso(start)
        visit.end = to_iso(start + length)
        visit.timezone = zone_name
    if "repeat" in values and start is not None:
        try:
            visit.rrule = parse_repeat(str(values["repeat"] or ""), start, dayfirst=dayfirst)
        except ScheduleError as exc:
            errors["repeat"] = str(exc).removeprefix("repeat: ")
    ValidationError.check(visit, errors)
    assert start is not None
    summary = format_span(start, start + length)
    if visit.rrule:
        summary += f", {describe_repeat(visit.rrule)}"
    ignore = {visit.id} if visit.id else set()
    return Booking(visit, summary, check(store, visit, ignore=ignore), notices)


def _read_department(
    store: Store, visit: Visit, values: dict[str, Any], base: Visit | None, errors: dict[str, str]
) -> Department | None:
    """The department typed (set on ``visit``), or the one ``visit`` already has."""
    dept: Department | None = None
    if "department" in values or base is None:
        text = clean_line(str(values.get("department") or ""))
        if not text:
            errors["department"] = "is required"
        else:
            try:
                dept = find_department(store, text)
                visit.department_id = dept.id
            except DirectoryError as exc:
                errors["department"] = str(exc)
    elif visit.department_id:
        doc = store.get(Department.TABLE, visit.department_id)
        dept = Department.from_doc(doc) if doc else None
    return dept


def _read_time(
    visit: Visit,
    values: dict[str, Any],
    errors: dict[str, str],
    now_: datetime | None,
    dayfirst: bool,
    day: date | None = None,
) -> tuple[datetime | None, timedelta, list[str]]:
    """Start and length from when/duration/end (or what ``visit`` has), with notices for a
    visit booked in the past; what does not read goes into ``errors``. ``day``: the day a
    bare time ("14:00") falls on (the week-grid cell booked from)."""
    start: datetime | None = from_iso(visit.start) if visit.start else None
    length = from_iso(visit.end) - start if start and visit.end else DEFAULT_DURATION
    if "when" in values:
        try:
            start = dates.parse_when(
                str(values["when"] or ""), now_=now_, dayfirst=dayfirst, day=day
            )
        except DateError as exc:
            errors["when"] = str(exc)
            start = None
    elif start is None:
        errors["when"] = "is required"
    if values.get("duration"):
        try:
            length = dates.parse_duration(str(values["duration"]))
        except DateError as exc:
            errors["duration"] = str(exc)
    elif values.get("end") and start is not None:
        try:
            # a bare time ("12:30") is on the start's day
            end_m = dates.parse_moment(
                str(values["end"]), now_=start, dayfirst=dayfirst, future=False
            )
            if not end_m.has_time:
                errors["end"] = "give an end time, e.g. 12:00"
            elif end_m.value <= start:
                errors["end"] = f"must be after the start ({dates.format_moment(start)})"
            else:
                length = dates.check_duration(end_m.value - start, str(values["end"]))
        except DateError as exc:
            errors["end"] = str(exc)
    notices: list[str] = []
    if start is not None and "when" in values:
        clock = now_ or dates.now()
        if start > clock + BOOKING_AHEAD:
            errors["when"] = (
                f"{format_day(start.date())} is more than two years ahead; check the year"
            )
        elif start + length < clock - BOOKING_BEHIND:
            errors["when"] = (
                f"{format_day(start.date())} is more than a year ago; only recent visits "
                "can be recorded after the fact"
            )
        elif start < clock:
            notices.append(
                f"{dates.format_moment(start)} is in the past: the visit is recorded as "
                "having been booked; confirm and complete it to say it happened"
            )
    return start, length, notices


# ------------------------------------------------------------------ writing
def _require_ok(conflicts: list[Conflict], force: bool, reason: str) -> str:
    check_text("reason", reason)
    if any(c.hard for c in conflicts):
        raise ConflictsFound(conflicts)
    if conflicts and not force:
        raise ConflictsFound(conflicts)
    if conflicts and not reason.strip():
        raise ScheduleError("saving despite conflicts needs a reason (--reason TEXT)")
    return reason.strip() if conflicts else ""


@guarded("booking_request", record="booking")
def book(
    store: Store,
    actor: str,
    booking: Booking,
    *,
    force: bool = False,
    reason: str = "",
    expect_version: int | None = None,
) -> int:
    """Save a new visit (status requested). Soft conflicts need ``force`` and a reason.
    Saving an existing one with ``expect_version`` refuses (versions.StaleRecord) if it
    changed since that version."""
    from . import outbox, versions  # (outbox and mail: not with every command that imports this)

    visit = booking.visit
    with store.transaction(actor) as tx:
        if visit.id is not None:
            versions.check(tx, store, Visit.TABLE, visit.id, expect_version)
        conflicts = check(store, visit, ignore={visit.id} if visit.id else set())
        visit.override_reason = _require_ok(conflicts, force, reason)
        if visit.id is None:
            dept = store.get(Department.TABLE, visit.department_id) or {}
            vid = tx.insert(
                Visit.TABLE, visit.to_doc(), summary=f"visit to {dept.get('name', '?')}"
            )
            outbox.visit_changed(tx, store, vid, "booked")
            return vid
        tx.update(Visit.TABLE, visit.id, visit.to_doc())
        outbox.visit_changed(tx, store, visit.id, "moved")
        return visit.id


_REF = re.compile(r"#?([0-9]{1,12})(?:@([0-9]{4}-[0-9]{2}-[0-9]{2}))?")


def parse_ref(ref: int | str) -> tuple[int, date | None]:
    """``12`` -> (12, None); ``20@2026-12-16`` (as ``list visits`` prints an occurrence of a
    repeating visit) -> (20, that day). Raises ScheduleError."""
    text = str(ref).strip()
    m = _REF.fullmatch(text)
    day = None
    if m and m[2]:
        try:
            day = date.fromisoformat(m[2])
        except ValueError:
            m = None
    if not m:
        raise ScheduleError(
            f"not a visit id: {text!r} (a number like 12, or 20@2026-12-16 for one occurrence "
            "of a repeating visit; see 'shadow list visits')"
        )
    return int(m[1]), day


def locate(store: Store, ref: int | str, on: date | None = None) -> tuple[Visit, date | None]:
    """The record a reference names and the occurrence day it names, if any: ``20@2026-12-16``
    gives the series #20 and that day (the same as ``20`` with ``--on 2026-12-16``)."""
    visit_id, day = parse_ref(ref)
    doc = store.get(Visit.TABLE, visit_id)
    if doc is None:
        raise ScheduleError(f"no visit #{visit_id} (see 'shadow list visits')")
    visit = Visit.from_doc(doc)
    if day is not None and on is not None and day != on:
        raise ScheduleError(f"{ref} names {format_day(day)}; --on names {format_day(on)}")
    day = day or on
    if day is not None:
        if visit.series_id is not None:
            visit = get_visit(store, visit.series_id)
        if not visit.rrule:
            raise ScheduleError(f"visit #{visit.id} does not repeat; name it without a date")
        find_occurrence(store, visit, day)  # refuses a day the series does not have
    return visit, day


def get_visit(store: Store, visit_id: int | str) -> Visit:
    """A visit record by id; an occurrence reference (``20@2026-12-16``) gives the record
    that holds that occurrence's details (its own, or its series')."""
    visit, day = locate(store, visit_id)
    if day is None:
        return visit
    return find_occurrence(store, visit, day).visit


def get_occurrence(store: Store, ref: int | str) -> Occurrence:
    """The occurrence a reference names: a single visit, a series' occurrence
    (``20@2026-12-16``), or an occurrence's own record (its key is then the series')."""
    visit, day = locate(store, ref)
    if day is not None:
        return find_occurrence(store, visit, day)
    if visit.series_id is not None:
        series = store.get(Visit.TABLE, visit.series_id)
        if series is not None:
            return find_occurrence(store, Visit.from_doc(series), from_iso(visit.occurrence).date())
    return Occurrence(visit, from_iso(visit.start), from_iso(visit.end))


@guarded("notes")
def record_id(store: Store, actor: str, ref: int | str) -> int:
    """:func:`attach_id` in a transaction of its own, for callers that save in several
    steps (only an unchanged copy of the occurrence is written, and only once)."""
    visit, day = locate(store, ref)
    if day is None:
        assert visit.id is not None
        return visit.id
    occ = find_occurrence(store, visit, day)
    if occ.visit.series_id is not None and occ.visit.id is not None:
        return occ.visit.id
    with store.transaction(actor) as tx:
        return attach_id(tx, store, ref)


def series_overrides(store: Store, series_id: int | None) -> list[Visit]:
    """The records of a series' single occurrences (moved, confirmed, holding notes ...),
    from an index of the stored visits kept until the next change (a note on one
    occurrence asks six times: not 40,000 visits built, nor scanned, to pick a few)."""
    if series_id is None:
        return []
    by_series = store.derived(("series-overrides",), lambda: _overrides_by_series(store))
    return [Visit.from_doc(dict(doc, id=vid)) for vid, doc in by_series.get(series_id, ())]


def _overrides_by_series(store: Store) -> dict[int, list[tuple[int, dict[str, Any]]]]:
    found: dict[int, list[tuple[int, dict[str, Any]]]] = {}
    for vid, doc in store.stored(Visit.TABLE):
        if doc.get("series_id") is not None:
            found.setdefault(doc["series_id"], []).append((vid, doc))
    return found


def changed_occurrences(store: Store, series: Visit) -> list[Occurrence]:
    """The occurrences of a series changed one by one (moved, confirmed, cancelled ...),
    in the order of their original dates."""
    found = []
    for v in series_overrides(store, series.id):
        if not v.occurrence:
            continue
        occ = Occurrence(v, from_iso(v.start), from_iso(v.end), series.id, v.occurrence)
        moved = occ.start != from_iso(v.occurrence)
        if moved or v.status != series.status or v.status_reason or v.override_reason:
            found.append(occ)  # (a record kept only to hold notes is no change)
    return sorted(found, key=lambda o: o.original)


def attach_id(tx, store: Store, ref: int | str) -> int:
    """The record a note, suggestion, kudos, survey or action about a visit points at.
    For one occurrence of a series that is the occurrence's own record, written in the
    caller's transaction ``tx`` (an unchanged copy) when it has none yet."""
    visit, day = locate(store, ref)
    if day is None:
        assert visit.id is not None
        return visit.id
    occ = find_occurrence(store, visit, day)
    return _override(tx, store, occ, {})


def find_occurrence(store: Store, series: Visit, on: date) -> Occurrence:
    """The occurrence of a series on a day (its original day, or where it was moved to)."""
    zone = _zone(series) or dates.local_zone()
    lo = datetime.combine(on, datetime.min.time(), zone) - timedelta(days=1)
    hi = lo + timedelta(days=3)
    overrides = {v.occurrence: v for v in series_overrides(store, series.id)}
    for occ in expand(series, lo - SERIES_HORIZON, hi + SERIES_HORIZON, overrides):
        if occ.start.date() == on or from_iso(occ.original).date() == on:
            return occ
    raise ScheduleError(f"visit #{series.id} has no occurrence on {format_day(on)}")


def _override(tx, store: Store, occ: Occurrence, changes: dict[str, Any]) -> int:
    """Write (or update) the record that replaces one occurrence of a series."""
    if occ.visit.series_id is not None and occ.visit.id is not None:
        tx.update(Visit.TABLE, occ.visit.id, changes)
        return occ.visit.id
    doc = occ.visit.to_doc() | {
        "rrule": "",
        "series_id": occ.series_id,
        "occurrence": occ.original,
        "start": to_iso(occ.start),
        "end": to_iso(occ.end),
    }
    doc.update(changes)
    return tx.insert(Visit.TABLE, doc, summary=f"occurrence of visit #{occ.series_id}")


@guarded("bookings")
def set_status(
    store: Store,
    actor: str,
    visit_id: int | str,
    status: str,
    *,
    on: date | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> str:
    """Move a visit (or one occurrence: ``on``, or a ``20@2026-12-16`` reference) along its
    lifecycle. Returns a summary. ``now`` (default: the clock) decides what has begun: a
    visit still to come cannot be completed or a no-show, and a cancelled series that has
    begun keeps its past. Cancelling needs a reason, kept in the history."""
    from . import outbox  # (and mail: not imported by every command that imports this)

    now = now or dates.now()
    check_text("reason", reason)
    reason = clean_line(reason or "")
    if status == "cancelled" and not reason:
        raise ScheduleError("cancelling a visit needs a reason (--reason TEXT)")
    visit, on = locate(store, visit_id, on)
    noted = {"status_reason": reason} if reason else {}
    with store.transaction(actor) as tx:
        if on is not None:
            occ = find_occurrence(store, visit, on)
            _allowed(occ.status, status, occ.key, occ.start, now)
            oid = _override(tx, store, occ, {"status": status} | noted)
            outbox.visit_changed(tx, store, oid, status)
            return f"visit #{occ.key} ({format_span(occ.start, occ.end)}) is now {status}"
        if visit.rrule and status in NOT_BEFORE_START:
            raise ScheduleError(
                f"visit #{visit.id} repeats: mark one occurrence {status} "
                f"(e.g. {visit.id}@{from_iso(visit.start).date().isoformat()}, or --on DATE)"
            )
        _allowed(visit.status, status, str(visit.id), from_iso(visit.start), now)
        if visit.rrule and status == "cancelled":
            ended = _end_series(tx, visit, now)
            if ended is not None:
                tx.update(Visit.TABLE, visit.id, noted)
                outbox.visit_changed(tx, store, visit.id, "ended")
                return ended
        tx.update(Visit.TABLE, visit.id, {"status": status} | noted)
        outbox.visit_changed(tx, store, visit.id, status)
        what = "series" if visit.rrule else "visit"
        return f"{what} #{visit.id} is now {status}"


OUTCOMES = ("completed", "no-show", "cancelled")  # how a visit that took place is closed
OUTCOME_DAYS = 90  # how far back the "record the outcome" list looks


def awaiting_outcome(
    store: Store,
    now: datetime,
    *,
    days: int = OUTCOME_DAYS,
    visits: list[Visit] | None = None,
    index: OccurrenceIndex | None = None,
) -> list[Occurrence]:
    """The visits (and occurrences) that have ended by ``now`` but are still requested or
    confirmed: nobody recorded whether they took place. Oldest first, the last ``days``.
    ``index``: an ``occurrence_index.OccurrenceIndex`` of the visits (faster)."""
    lo = now - timedelta(days=days)
    if index is not None:
        found = index.between(lo, now)
    else:
        found = occurrences(store, lo, now, visits=visits)
    return [o for o in found if o.end <= now and o.status in ("requested", "confirmed")]


def outcome_refusal(occ: Occurrence, status: str, now: datetime) -> str | None:
    """Why :func:`record_outcome` would refuse ``status`` for ``occ`` (None: it would not)."""
    if status not in OUTCOMES:
        return f"an outcome is one of {', '.join(OUTCOMES)}, not {status}"
    if occ.status in ("requested", "confirmed") and occ.start <= now:
        return None
    try:
        _allowed(occ.status, status, occ.key, occ.start, now)
    except ScheduleError as exc:
        return str(exc)
    return None


@guarded("bookings")
def record_outcome(
    store: Store,
    actor: str,
    visit_id: int | str,
    status: str,
    *,
    reason: str = "",
    now: datetime | None = None,
) -> str:
    """Record what happened to a visit (or occurrence) that has begun: completed, no-show
    or cancelled (with a reason). One that was never confirmed may be recorded as completed
    or a no-show directly: it took place (or did not) all the same, and the summary says
    so. Anything else follows :func:`set_status`."""
    from . import outbox  # (and mail: not imported by every command that imports this)

    now = now or dates.now()
    occ = get_occurrence(store, visit_id)
    refused = outcome_refusal(occ, status, now)
    if refused is not None:
        raise ScheduleError(refused)
    if occ.status != "requested" or status not in NOT_BEFORE_START:
        on = from_iso(occ.original).date() if occ.series_id is not None else None
        target = occ.series_id if on is not None else occ.visit.id
        return set_status(store, actor, target, status, on=on, reason=reason, now=now)
    check_text("reason", reason)
    noted = {"status_reason": clean_line(reason)} if reason else {}
    with store.transaction(actor) as tx:
        if occ.series_id is not None:
            oid = _override(tx, store, occ, {"status": status} | noted)
        else:
            oid = occ.visit.id
            tx.update(Visit.TABLE, oid, {"status": status} | noted)
        outbox.visit_changed(tx, store, oid, status)
    return (
        f"visit #{occ.key} ({format_span(occ.start, occ.end)}) is now {status} "
        "(it was never confirmed; recorded as it happened)"
    )


@guarded("bookings")
def reopen(
    store: Store,
    actor: str,
    visit_id: int | str,
    reason: str,
    *,
    on: date | None = None,
) -> str:
    """Correct a visit (or occurrence) wrongly closed: completed or no-show go back to
    confirmed, cancelled to requested. The reason is kept in the history."""
    check_text("reason", reason)
    reason = clean_line(reason or "")
    if not reason:
        raise ScheduleError("reopening a visit needs a reason (--reason TEXT)")
    visit, on = locate(store, visit_id, on)
    with store.transaction(actor) as tx:
        if on is not None:
            occ = find_occurrence(store, visit, on)
            current, key, start = occ.status, occ.key, occ.start
        else:
            occ = None
            current, key, start = visit.status, str(visit.id), from_iso(visit.start)
        back = REOPEN.get(current)
        if back is None:
            raise ScheduleError(
                f"visit #{key} is {current}, not closed: nothing to reopen "
                f"(it can become {', '.join(TRANSITIONS[current])})"
            )
        changes = {"status": back, "status_reason": reason}
        if occ is not None:
            _override(tx, store, occ, changes)
        else:
            tx.update(Visit.TABLE, visit.id, changes)
    return f"visit #{key} ({format_day(start.date())}) is {back} again"


def _end_series(tx, series: Visit, now: datetime) -> str | None:
    """Cancelling a series that has already begun ends it after its last past occurrence,
    so what happened keeps its status and only the future goes. None if it has not begun."""
    zone = _zone(series) or dates.local_zone()
    local_start = from_iso(series.start).astimezone(zone).replace(tzinfo=None)
    local_now = now.astimezone(zone).replace(tzinfo=None)
    last = rrulestr(series.rrule, dtstart=local_start).before(local_now)
    if last is None:
        return None
    parts = [p for p in series.rrule.split(";") if not p.startswith(("UNTIL=", "COUNT="))]
    parts.append(f"UNTIL={last:%Y%m%dT%H%M%S}")
    tx.update(Visit.TABLE, series.id, {"rrule": ";".join(parts)})
    return f"series #{series.id} ended: nothing after {format_day(last.date())}; the past keeps its status"


def _within_reach(when: datetime, now: datetime | None = None) -> None:
    """A visit's new time within reach: not years ahead (a typo), not over a year back."""
    clock = now or dates.now()
    if when > clock + BOOKING_AHEAD:
        raise ScheduleError(
            f"{format_day(when.date())} is more than two years ahead; check the year"
        )
    if when < clock - BOOKING_BEHIND:
        raise ScheduleError(f"{format_day(when.date())} is more than a year ago")


def _allowed(
    current: str, new: str, key: str, start: datetime | None = None, now: datetime | None = None
) -> None:
    """Refuse a move the lifecycle or the clock does not allow, naming what is allowed."""
    options = TRANSITIONS.get(current, ())
    if new not in options:
        if not options:
            back = REOPEN.get(current)
            fix = (
                f" (if that was a mistake: shadow visit reopen {key} --reason TEXT)" if back else ""
            )
            raise ScheduleError(
                f"visit #{key} is {current}, which is final; it cannot become {new}{fix}"
            )
        raise ScheduleError(
            f"visit #{key} is {current}; it can become {', '.join(options)}, not {new}"
        )
    if new in NOT_BEFORE_START and start is not None and now is not None and start > now:
        still = [s for s in options if s not in NOT_BEFORE_START]
        raise ScheduleError(
            f"visit #{key} starts {dates.format_moment(start)}, which has not come yet: it "
            f"cannot be {new} before it begins; it can become {', '.join(still)}"
        )


@guarded("bookings")
def reschedule(
    store: Store,
    actor: str,
    visit_id: int | str,
    when: datetime,
    length: timedelta | None = None,
    *,
    on: date | None = None,
    force: bool = False,
    reason: str = "",
    expect_version: int | None = None,
) -> str:
    """Move a visit (or one occurrence) keeping its record, notes and history.
    ``expect_version`` (of the visit record ``visit_id`` names): refuse
    (versions.StaleRecord) if it changed since that version."""
    from . import outbox, versions  # (outbox and mail: not with every command that imports this)

    _within_reach(when)
    visit, on = locate(store, visit_id, on)
    if visit.status not in ("requested", "confirmed"):
        raise ScheduleError(f"visit #{visit.id} is {visit.status}; only upcoming visits can move")
    with store.transaction(actor) as tx:
        versions.check(tx, store, Visit.TABLE, visit.id, expect_version)
        move = _plan_move(store, visit, on, when, length)
        note = _require_ok(move.conflicts, force, reason)
        times = {"start": to_iso(when), "end": to_iso(when + move.length)}
        times |= {"override_reason": note} if note else {}
        if move.occurrence is not None:
            oid = _override(tx, store, move.occurrence, times)
            outbox.visit_changed(tx, store, oid, "moved")
            key = move.occurrence.key
        else:
            tx.update(Visit.TABLE, visit.id, times)
            outbox.visit_changed(tx, store, visit.id, "moved")
            key = str(visit.id)
        return f"visit #{key} moved to {format_span(when, when + move.length)}"


def reschedule_conflicts(
    store: Store,
    visit_id: int | str,
    when: datetime,
    length: timedelta | None = None,
    *,
    on: date | None = None,
) -> list[Conflict]:
    """The conflicts :func:`reschedule` would meet with the same arguments; saves nothing.

    For showing them while someone is still choosing the new time.
    """
    visit, on = locate(store, visit_id, on)
    return _plan_move(store, visit, on, when, length).conflicts


@dataclass(frozen=True)
class _Move:
    occurrence: Occurrence | None  # the occurrence that moves (None: the whole visit)
    length: timedelta
    conflicts: list[Conflict]


def _plan_move(
    store: Store, visit: Visit, on: date | None, when: datetime, length: timedelta | None
) -> _Move:
    """What moving ``visit`` (or its occurrence ``on``) to start at ``when`` means: what
    moves, for how long (as long as before unless ``length``), and what it would meet."""
    if on is not None:
        series = get_visit(store, visit.series_id) if visit.series_id else visit
        if not series.rrule:
            raise ScheduleError(f"visit #{visit.id} does not repeat; leave out --on")
        occ = find_occurrence(store, series, on)
        length = length or (occ.end - occ.start)
        moved = Visit.from_doc(
            occ.visit.to_doc() | {"rrule": "", "start": to_iso(when), "end": to_iso(when + length)}
        )
        conflicts = check(
            store,
            moved,
            ignore={occ.visit.id} if occ.visit.series_id else set(),
            ignore_series_occurrence=(series.id, occ.original),
        )
        return _Move(occ, length, conflicts)
    length = length or (from_iso(visit.end) - from_iso(visit.start))
    moved = Visit.from_doc(visit.to_doc() | {"start": to_iso(when), "end": to_iso(when + length)})
    moved.id = visit.id
    ignore = {visit.id} | {v.id for v in series_overrides(store, visit.id)}
    return _Move(None, length, check(store, moved, ignore=ignore))


# ------------------------------------------------------------------ finding a slot
def find_slots(
    store: Store,
    department_id: int,
    visitors: list[int],
    hosts: list[int],
    length: timedelta,
    *,
    after: datetime,
    count: int = 5,
    step: timedelta = timedelta(minutes=30),
    horizon: timedelta = timedelta(days=60),
) -> list[tuple[datetime, datetime]]:
    """The next free slots that pass every check, inside the department's opening hours."""
    if not 1 <= count <= MAX_SLOTS:
        raise ScheduleError(f"ask for 1 to {MAX_SLOTS} slots, not {count}")
    doc = store.get(Department.TABLE, department_id)
    if doc is None:
        raise ScheduleError(f"no department #{department_id}")
    dept = Department.from_doc(doc)
    if not dept.hours:
        raise ScheduleError(f"{dept.name} has no opening hours set; add them to find slots")
    calendar = calendar_between(store, after, after + horizon)
    found: list[tuple[datetime, datetime]] = []
    zone = after.tzinfo or dates.local_zone()
    day = after.date()
    while day <= (after + horizon).date() and len(found) < count:
        for a, b in dept.hours.get(DAYS[day.weekday()], []):
            slot = datetime.combine(day, datetime.strptime(a, "%H:%M").time(), zone)
            close = datetime.combine(day, datetime.strptime(b, "%H:%M").time(), zone)
            while slot + length <= close and len(found) < count:
                if slot >= after:
                    probe = Visit(
                        department_id=dept.id,
                        visitors=visitors,
                        hosts=hosts,
                        start=to_iso(slot),
                        end=to_iso(slot + length),
                    )
                    if not check(store, probe, calendar=calendar):
                        found.append((slot, slot + length))
                        slot = slot + length
                        continue
                slot += step
        day += timedelta(days=1)
    return found


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def month_end(day: date) -> date:
    return day + relativedelta(day=31)
