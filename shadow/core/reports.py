"""Reports and exports: the one home for writing the programme out (iCalendar, ...).

(Over 500 lines: the meeting pack, the programme reports and the iCalendar export share the
presentations of visits and suggestions; each section is a function of its own.)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

# icalendar (~0.1 s to import) loads with the first export or invitation, not with
# every report that only writes text.
if TYPE_CHECKING:
    from icalendar import Event, vRecur

from . import ahead
from .dates import from_iso, zone_named
from .models import Department, Person, Visit
from .plain import count
from .schedule import describe_repeat, load_visits
from .store import Store

ICS_STATUS = {
    "requested": "TENTATIVE",
    "confirmed": "CONFIRMED",
    "completed": "CONFIRMED",
    "cancelled": "CANCELLED",
    "no-show": "CANCELLED",
}


def visit_uid(store: Store, visit_id: int) -> str:
    """Stable across exports, so re-importing updates the calendar entry instead of duplicating it."""
    return f"visit-{visit_id}@{store.uid}.shadow"


def export_ics(store: Store, person_id: int | None = None) -> bytes:
    """Every visit as iCalendar: one VEVENT per visit or series (with its RRULE),
    plus one per changed occurrence (same UID, RECURRENCE-ID). With ``person_id``,
    only the visits that person visits or hosts (their own calendar).

    The calendar and its VTIMEZONEs are built by ``icalendar``; each event's content
    lines are written here with icalendar's own value encoders, in its property order,
    and folded by :func:`_fold` (icalendar's object model and line folding took most
    of a minute for ten years of visits). The output is what ``Calendar.to_ical()``
    would write for the same events.
    """
    from icalendar import Calendar, Event

    count_edits = lambda: store.audit_counts(Visit.TABLE)  # noqa: E731 (each one's SEQUENCE)
    # (a pass over the audit trail: in a child while the visits are read, for ten years)
    counting = (
        ahead.start(count_edits) if store.size_hint(Visit.TABLE) > VISITS_BESIDE_OVER else None
    )
    people = {d["id"]: Person.from_doc(d) for d in store.all(Person.TABLE)}
    depts = {d["id"]: Department.from_doc(d) for d in store.all(Department.TABLE)}
    visits = load_visits(store)
    series_ids = {v.id for v in visits if v.rrule}
    edits = ahead.taken_or(counting, count_edits)
    cal = Calendar()
    cal.add("prodid", "-//shadow//IT job-shadowing programme//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "shadow visits")
    stamp = _ics_datetime("DTSTAMP", datetime.now(UTC).replace(microsecond=0))
    chosen = [
        v
        for v in sorted(visits, key=lambda v: v.id or 0)
        # (not an override whose series is gone; with person_id, that person's visits)
        if (v.series_id is None or v.series_id in series_ids)
        and (person_id is None or person_id in (*v.visitors, *v.hosts))
    ]
    render = partial(_ics_events, store, people, depts, edits, stamp)
    # Ten years of visits: the second half's events are written by a child process
    # meanwhile (core/ahead.py); the text is the same.
    half = len(chosen) // 2 if len(chosen) > EVENTS_BESIDE_OVER else len(chosen)
    beside = ahead.start(lambda: render(chosen[half:])) if half < len(chosen) else None
    events, zones = render(chosen[:half] if beside is not None else chosen)
    if beside is not None:
        more, more_zones = ahead.taken_or(beside, lambda: render(chosen[half:]))
        events = f"{events}\r\n{more}" if events and more else events or more
        for name, sample in more_zones.items():
            zones.setdefault(name, sample)
    # The zones: icalendar writes the VTIMEZONE of each zone an event refers to.
    for sample in zones.values():
        placeholder = Event()
        placeholder.add("dtstart", sample)
        cal.add_component(placeholder)
    cal.add_missing_timezones()
    cal.subcomponents = [c for c in cal.subcomponents if c.name != "VEVENT"]
    head = cal.to_ical()
    tail = b"END:VCALENDAR\r\n"
    assert head.endswith(tail)
    body = events.encode("utf-8") + b"\r\n" if events else b""
    return head[: -len(tail)] + body + tail


def _ics_events(
    store: Store,
    people: dict[int, Person],
    depts: dict[int, Department],
    edits: dict[int, int],
    stamp: str,
    visits: list[Visit],
) -> tuple[str, dict[str, datetime]]:
    """The VEVENTs of ``visits`` (export_ics), folded, one CRLF between lines, and the
    first start seen in each zone they name (for its VTIMEZONE)."""
    zones: dict[str, datetime] = {}
    addresses: dict[tuple[int, str], str] = {}
    events: list[str] = []
    named: dict[str, Any] = {}  # zone name -> its zone (None: no such zone), asked once per name
    for visit in visits:
        zone = _zone_named(visit.timezone, named) if visit.timezone else None
        start, end = from_iso(visit.start), from_iso(visit.end)
        if zone is not None:
            start, end = start.astimezone(zone), end.astimezone(zone)
            zones.setdefault(visit.timezone, start)
        dept = depts.get(visit.department_id)
        uid_id = visit.series_id if visit.series_id is not None else visit.id
        dept_name = dept.name if dept else "?"
        # icalendar's order: its canonical properties first, then the rest by name.
        out = [
            "BEGIN:VEVENT",
            "SUMMARY:" + _ics_text(f"{visit.kind.title()}: {dept_name}"),
            _ics_datetime("DTSTART", start),
            _ics_datetime("DTEND", end),
            stamp,
            "UID:" + _ics_text(visit_uid(store, uid_id)),
        ]
        if visit.series_id is not None:
            original = from_iso(visit.occurrence)
            out.append(
                _ics_datetime("RECURRENCE-ID", original.astimezone(zone) if zone else original)
            )
        out.append(f"SEQUENCE:{edits.get(visit.id, 0)}")
        if visit.rrule:
            out.append("RRULE:" + _rrule_for_ics(visit.rrule, zone).to_ical().decode())
        out += _attendees(visit, people, addresses)
        out.append("DESCRIPTION:" + _ics_text(event_description(visit, dept_name, people)))
        if dept is not None:
            out.append("LOCATION:" + _ics_text(", ".join(x for x in (dept.name, dept.branch) if x)))
        out.append("STATUS:" + _ics_text(ICS_STATUS.get(visit.status, "TENTATIVE")))
        out.append("END:VEVENT")
        events.extend(_fold(line) for line in out)
    return "\r\n".join(events), zones


def _zone_named(name: str, named: dict[str, Any]) -> Any:
    zone = named.get(name)
    if zone is None and name not in named:
        zone = named[name] = zone_named(name)
    return zone


def _attendees(
    visit: Visit, people: dict[int, Person], addresses: dict[tuple[int, str], str]
) -> list[str]:
    """The ATTENDEE lines of a visit: visitors, then hosts (CHAIR); ``addresses`` keeps
    each person's line per role, written once per export."""
    lines = []
    for role, ids in (("REQ-PARTICIPANT", visit.visitors), ("CHAIR", visit.hosts)):
        for pid in ids:
            person = people.get(pid)
            if person is None:
                continue
            key = (pid, role)
            if key not in addresses:
                address = f"mailto:{person.email}" if person.email else f"urn:shadow:person:{pid}"
                from icalendar import vText
                from icalendar.parser import Parameters

                params = Parameters(cn=vText(person.name), role=vText(role))
                addresses[key] = f"ATTENDEE;{params.to_ical().decode()}:{address}"
            lines.append(addresses[key])
    return lines


def event_description(visit: Visit, dept_name: str, people: dict[int, Person]) -> str:
    """What a calendar entry of a visit says: what, what to see, who, how it repeats."""
    lines = [f"{visit.kind.title()} of {dept_name} ({visit.status})."]
    if visit.purpose:
        lines.append(f"What to see: {visit.purpose}")
    lines.append(f"Visitors: {', '.join(people[p].name for p in visit.visitors if p in people)}")
    lines.append(f"Hosts: {', '.join(people[p].name for p in visit.hosts if p in people)}")
    if visit.rrule:
        lines.append(f"Repeats {describe_repeat(visit.rrule)}.")
    return "\n".join(lines)


def _ics_text(value: str) -> str:
    """An iCalendar TEXT value, escaped exactly as icalendar's ``vText`` escapes it."""
    return (
        value.replace(r"\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", r"\;")
        .replace(",", r"\,")
        .replace("\r\n", r"\n")
        .replace("\n", r"\n")
        .replace("\r", r"\n")
    )


def _ics_datetime(name: str, value: datetime) -> str:
    """A date-time property as icalendar writes it (UTC with Z, else with its TZID).
    icalendar's encoder runs once per zone, name and offset; the others are formatted
    the way it formats them (40,000 visits took seconds through it)."""
    # (dateutil's zones cannot be hashed: by identity, the zone kept to check it)
    key = (name, id(value.tzinfo), value.tzname(), value.utcoffset())
    form = _ICS_FORMS.get(key)
    if form is None or form[0] is not value.tzinfo:
        from icalendar import vDDDTypes

        prop = vDDDTypes(value)
        params = prop.params.to_ical().decode() if prop.params else ""
        text = f"{name}{';' if params else ''}{params}:{prop.to_ical().decode()}"
        form = (value.tzinfo, text[: -15 - text.endswith("Z")], text.endswith("Z"))
        # Only the form expected is reused; another one is asked of icalendar every time.
        _ICS_FORMS[key] = form if _ics_stamp(value, form) == text else (_ASK, "", False)
        return text
    return _ics_stamp(value, form)


_ICS_FORMS: dict[tuple[Any, ...], tuple[Any, str, bool]] = {}
_ASK = object()  # (a zone no value has: icalendar is asked every time)


def _ics_stamp(value: datetime, form: tuple[Any, str, bool]) -> str:
    return (
        f"{form[1]}{value.year:04}{value.month:02}{value.day:02}T"
        f"{value.hour:02}{value.minute:02}{value.second:02}{'Z' if form[2] else ''}"
    )


_FOLD_AT = 74  # octets per physical line before the CRLF + space (icalendar's choice)


def _fold(line: str) -> str:
    """RFC 5545 line folding, the same splits as icalendar's: at most 74 octets a line,
    never splitting a character, and never leaving a backslash or caret (the start of
    an escape) at the end of a line."""
    if len(line) < _FOLD_AT + 1 and (line.isascii() or len(line.encode()) < _FOLD_AT + 1):
        return line
    if line.isascii():  # one octet a character: the same splits by slicing
        parts, at = [], 0
        while len(line) - at > _FOLD_AT:
            cut = at + _FOLD_AT
            if line[cut - 1] in "\\^":
                cut -= 1
            parts.append(line[at:cut])
            at = cut
        parts.append(line[at:])
        return "\r\n ".join(parts)
    # Otherwise the same splits on the UTF-8 octets: each line the most whole characters
    # that fit (a cut moves back off continuation octets), less a trailing backslash or
    # caret (ASCII: never part of another character). A character at a time took most of
    # export ics at 150,000 records, where most descriptions hold a name with an accent.
    data = line.encode()
    parts = []
    at = 0
    while len(data) - at > _FOLD_AT:
        cut = at + _FOLD_AT
        while data[cut] & 0xC0 == 0x80:  # inside a character: cut before it
            cut -= 1
        if data[cut - 1] in b"\\^":
            cut -= 1
        parts.append(data[at:cut].decode())
        at = cut
    parts.append(data[at:].decode())
    return "\r\n ".join(parts)


def visit_event(
    visit: Visit,
    people: dict[int, Person],
    depts: dict[int, Department],
    *,
    uid: str,
    sequence: int,
    stamp: datetime,
    host_role: str = "CHAIR",
    rsvp: bool = False,
) -> Event:
    """One visit (or one changed occurrence, with RECURRENCE-ID) as a VEVENT: the one
    builder behind the calendar export and the invitations (core/invites.py)."""
    from icalendar import Event, vCalAddress, vText

    zone = zone_named(visit.timezone) if visit.timezone else None
    start, end = from_iso(visit.start), from_iso(visit.end)
    if zone is not None:
        start, end = start.astimezone(zone), end.astimezone(zone)
    dept = depts.get(visit.department_id)
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("sequence", sequence)
    if visit.series_id is not None:
        original = from_iso(visit.occurrence)
        event.add("recurrence-id", original.astimezone(zone) if zone else original)
    dept_name = dept.name if dept else "?"
    event.add("summary", f"{visit.kind.title()}: {dept_name}")
    if dept is not None:
        event.add("location", ", ".join(x for x in (dept.name, dept.branch) if x))
    event.add("description", event_description(visit, dept_name, people))
    event.add("status", ICS_STATUS.get(visit.status, "TENTATIVE"))
    if visit.rrule:
        event.add("rrule", _rrule_for_ics(visit.rrule, zone))
    for role, ids in (("REQ-PARTICIPANT", visit.visitors), (host_role, visit.hosts)):
        for pid in ids:
            person = people.get(pid)
            if person is None:
                continue
            address = vCalAddress(
                f"mailto:{person.email}" if person.email else f"urn:shadow:person:{pid}"
            )
            address.params["cn"] = vText(person.name)
            address.params["role"] = vText(role)
            if rsvp:
                address.params["partstat"] = vText("NEEDS-ACTION")
                address.params["rsvp"] = vText("TRUE")
                address.params["cutype"] = vText("INDIVIDUAL")
            event.add("attendee", address, encode=0)
    return event


def _rrule_for_ics(rule: str, zone) -> vRecur:
    """RFC 5545 wants UNTIL in UTC when DTSTART carries a zone; we store it as local time."""
    from icalendar import vRecur

    recur = vRecur.from_ical(rule)
    if "UNTIL" in recur and zone is not None:
        until = recur["UNTIL"][0]
        if isinstance(until, datetime) and until.tzinfo is None:
            recur["UNTIL"] = [until.replace(tzinfo=zone).astimezone(UTC)]
    return recur


# ------------------------------------------------------------------ service-level report
def sla_report(
    store: Store,
    start: datetime | None = None,
    end: datetime | None = None,
    now: datetime | None = None,
) -> dict:
    """Per priority and per department: how many were triaged and resolved within target,
    breach rate, and the median business days over target among the breaches.

    Suggestions count when they were raised in [start, end).
    """
    from .backlog import priority
    from .dates import now as _now
    from .models import Suggestion
    from .sla import service, waiting_extras

    now = now or _now()
    svc = service(store)
    breach_months: dict[str, int] = {}
    depts = {d["id"]: d.get("name", "") for d in store.all("departments")}
    groups: dict[str, dict[str, dict]] = {"priority": {}, "department": {}}

    def bucket(kind: str, key: str) -> dict:
        return groups[kind].setdefault(
            key,
            {"suggestions": 0, "triaged_within": 0, "triage_breached": 0, "triage_open": 0,
             "resolved_within": 0, "resolve_breached": 0, "resolve_open": 0, "_over": []},
        )  # fmt: skip

    for doc in store.all(Suggestion.TABLE):
        created = doc.get("created")
        if not created:
            continue
        when = from_iso(created)
        if (start and when < start) or (end and when >= end):
            continue
        s = Suggestion.from_doc(doc)
        if s.status == "duplicate":
            continue
        triage, resolve = svc.clocks(s, created, now)
        keys = [
            ("priority", f"P{priority(s)}"),
            ("department", depts.get(s.department_id, "(none)")),
        ]
        for kind, key in keys:
            b = bucket(kind, key)
            b["suggestions"] += 1
            months = breach_months if kind == "priority" else None  # counted once
            _tally(b, triage, resolve, months, svc.calendar.zone)
    out = {kind: _sla_rows(kind, table) for kind, table in groups.items()}
    return waiting_extras(store, svc, out, breach_months, now, start, end)


def _tally(b: dict, triage: Any, resolve: Any, breach_months: dict | None, zone: Any) -> None:
    """Count one suggestion's two clocks into its bucket (and breaches into their month)."""
    for clock, prefix in ((triage, "triage"), (resolve, "resolve")):
        if clock.state == "met":
            b["triaged_within" if prefix == "triage" else "resolved_within"] += 1
        elif clock.state == "breached":
            b[f"{prefix}_breached"] += 1
            b["_over"].append(-(clock.remaining_days or 0))
            if breach_months is not None and clock.due is not None:
                month = f"{clock.due.astimezone(zone):%Y-%m}"
                breach_months[month] = breach_months.get(month, 0) + 1
        elif clock.state in ("running", "at risk"):
            b[f"{prefix}_open"] += 1


def _sla_rows(kind: str, table: dict[str, dict]) -> list[dict]:
    """The report's rows for one grouping, by key, with breach rate and median days over."""
    from statistics import median

    rows = []
    for key in sorted(table):
        b = table[key]
        over = b.pop("_over")
        measured = (
            b["triaged_within"]
            + b["triage_breached"]
            + b["resolved_within"]
            + b["resolve_breached"]
        )
        breaches = b["triage_breached"] + b["resolve_breached"]
        rows.append(
            {
                kind: key,
                **b,
                "breach_rate": round(breaches / measured, 3) if measured else 0.0,
                "median_days_over": round(median(over), 1) if over else 0.0,
            }  # fmt: skip
        )
    return rows


# ------------------------------------------------------------------ CSV exports
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    """A cell a spreadsheet will not run as a formula: such text gets a leading apostrophe."""
    text = "" if value is None else str(value)
    if isinstance(value, list):
        text = "; ".join(str(v) for v in value)
    if isinstance(value, bool):
        text = "yes" if value else "no"
    return "'" + text if text.startswith(FORMULA_START) else text


def export_csv(store: Store, what: str) -> str:
    """UTF-8 CSV with a header row for suggestions, actions, visits or observations."""
    import csv
    import io

    from .actions import views
    from .models import Observation, Suggestion
    from .records import SUGGESTION_CSV_COLUMNS, suggestion_csv_row

    people = {d["id"]: d.get("name", "") for d in store.all(Person.TABLE)}
    depts = {d["id"]: d.get("name", "") for d in store.all(Department.TABLE)}
    rows: list[list[object]]
    if what == "suggestions":
        header = list(SUGGESTION_CSV_COLUMNS)
        rows = [
            suggestion_csv_row(d, people, depts)
            for d in sorted(store.all(Suggestion.TABLE), key=lambda d: d["id"])
        ]
    elif what == "actions":
        header = ["id", "title", "owner", "due", "status", "overdue", "department", "from", "notes"]
        rows = [
            [
                v.action.id,
                v.action.title,
                v.owner,
                v.action.due or "",
                v.action.status,
                v.overdue,
                v.department,
                v.origin,
                v.action.notes,
            ]  # fmt: skip
            for v in sorted(views(store), key=lambda v: v.action.id or 0)
        ]
    elif what == "visits":
        header = [
            "id",
            "start",
            "end",
            "department",
            "visitors",
            "hosts",
            "kind",
            "status",
            "repeat",
            "purpose",
        ]
        rows = []
        for v in sorted(load_visits(store), key=lambda v: v.id or 0):
            rows.append([v.id, v.start, v.end, depts.get(v.department_id, ""),
                         [people.get(p, "") for p in v.visitors], [people.get(p, "") for p in v.hosts],
                         v.kind, v.status, describe_repeat(v.rrule), v.purpose])  # fmt: skip
    elif what == "observations":
        header = ["id", "visit", "author", "side", "kind", "at", "text"]
        rows = [
            [
                d["id"],
                d.get("visit_id"),
                people.get(d.get("author_id"), ""),
                d.get("side"),
                d.get("kind"),
                d.get("at"),
                d.get("text"),
            ]  # fmt: skip
            for d in sorted(store.all(Observation.TABLE), key=lambda d: d["id"])
        ]
    else:
        raise ValueError(f"cannot export {what!r}")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(c) for c in row])
    return buf.getvalue()


# ------------------------------------------------------------------ Markdown
def md_escape(text: object) -> str:
    """User text inside Markdown: characters that would start formatting are escaped."""
    out = str(text if text is not None else "")
    for ch in ("\\", "`", "*", "_", "[", "]", "<", ">", "#", "|"):
        out = out.replace(ch, "\\" + ch)
    return " ".join(out.split())


def _stopped_before(doc: dict, since: datetime, cutoff: str) -> bool:
    """Both clocks of a closed suggestion stopped before ``since`` (nothing new to report).
    ``cutoff``: the day two days before ``since``, as ISO text: a time stamp whose text
    starts with an earlier day is before ``since`` whatever the offsets, so most of ten
    years of closed suggestions are passed over without parsing a time."""
    closed, triaged = doc.get("closed"), doc.get("triaged")
    if not (closed and triaged) or doc.get("status") not in ("done", "declined"):
        return False
    if _day_before(closed, cutoff) and _day_before(triaged, cutoff):
        return True
    return from_iso(closed) < since and from_iso(triaged) < since


def _day_before(stamp: Any, cutoff: str) -> bool:
    """A stored time stamp whose text starts with a day before ``cutoff`` (ISO text); False
    when that cannot be told from its text (then it is parsed)."""
    return type(stamp) is str and len(stamp) > 10 and stamp[10] == "T" and stamp[:10] < cutoff


def _in_pack(action: Any, since: datetime, cutoff: str = "") -> bool:
    """An action the meeting pack can list: open, or done since ``since``. ``cutoff``: as
    :func:`_stopped_before`'s, a day whose text an earlier ``done_at`` starts with is
    before ``since`` (ten years of done actions are passed over without parsing them)."""
    if action.status in ("open", "in progress"):
        return True
    if action.status != "done" or not action.done_at:
        return False
    if _day_before(action.done_at, cutoff):
        return False
    return from_iso(action.done_at) >= since


def _may_be_in_pack(doc: dict, cutoff: str) -> bool:
    """False for a stored action :func:`_in_pack` refuses whatever else it holds: done
    (or any status but open and in progress) with a ``done_at`` written on a day before
    ``cutoff``, or not done at all."""
    status = doc.get("status", "open")
    if status in ("open", "in progress"):
        return True
    if status != "done" or not doc.get("done_at"):
        return False
    return not _day_before(doc["done_at"], cutoff)


def _pack_suggestions(store: Store, since: datetime) -> list[tuple[dict, Any]]:
    """(stored record, Suggestion) of each suggestion the pack can mention: those closed
    (both clocks stopped) before the window appear nowhere in it, and no section names a
    duplicate (its survivor carries its votes and clocks). Ten years of records are
    passed over as stored; only the few kept are copied."""
    from .models import Suggestion

    cutoff = (since - timedelta(days=2)).date().isoformat()
    kept = [
        dict(d, id=k)
        for k, d in store.stored(Suggestion.TABLE)
        if d.get("status") != "duplicate" and not _stopped_before(d, since, cutoff)
    ]
    return [(d, Suggestion.from_doc(d)) for d in kept]


def meeting_pack(store: Store, since: datetime, now: datetime | None = None) -> str:
    """The Technical Implementation Group's agenda, as Markdown that reads well printed."""
    from .actions import views
    from .dates import format_day, format_moment
    from .dates import now as _now
    from .sla import meeting_lines, service

    now = now or _now()
    people = {d["id"]: d.get("name", "") for d in store.all(Person.TABLE)}
    depts = {d["id"]: d.get("name", "") for d in store.all(Department.TABLE)}
    visit_sections = _visit_sections_begun(store, since, now, people, depts)
    svc = service(store)
    suggestions = _pack_suggestions(store, since)
    cutoff = (since - timedelta(days=2)).date().isoformat()
    acts = views(  # (not 10 years of done actions: passed over as stored)
        store,
        now.date(),
        lambda a: _in_pack(a, since, cutoff),
        stored=lambda d: _may_be_in_pack(d, cutoff),
    )
    # Each clock once: the breaches and "whose turn it is" both read them.
    clocks = {d["id"]: svc.clocks(s, d["created"], now) for d, s in suggestions}
    upcoming, cancelled = visit_sections()
    sections = [  # (title, one line per item, what to say when there is none)
        ("Upcoming visits (next fortnight)", upcoming, "No visits booked in the next fortnight."),
        (
            "Visits cancelled since the last meeting",
            cancelled,
            "No visits cancelled since the last meeting.",
        ),
        (
            "New suggestions awaiting triage",
            _awaiting_triage(suggestions, people, depts),
            "Nothing is waiting for triage.",
        ),
        (
            "Top-voted open suggestions",
            _top_voted(suggestions),
            "No votes on open suggestions yet.",
        ),
        (
            "Actions overdue or at risk",
            _actions_at_risk(acts),
            "No actions are overdue or due within a week.",
        ),
        (
            "Actions completed since the last meeting",
            _actions_done(acts, since),
            "None completed since the last meeting.",
        ),
        (
            "Service-level breaches",
            _breaches(suggestions, clocks, since),
            "No service levels breached.",
        ),
        (
            "Whose turn it is",
            meeting_lines(store, svc, since, now, clocks, suggestions),
            "Nothing is waiting.",
        ),
        (
            "Kudos to announce",
            _kudos(store, since, people),
            "No kudos since the last meeting — worth asking hosts for some.",
        ),
    ]
    lines = [
        "# Technical Implementation Group — meeting pack",
        "",
        f"Prepared {format_moment(now)}; covers changes since {format_day(since.date())}.",
        "",
    ]
    for title, items, empty in sections:
        lines += [f"## {title}", "", *(items or [f"_{empty}_"]), ""]
    return "\n".join(lines).rstrip() + "\n"


def _visit_sections_begun(
    store: Store, since: datetime, now: datetime, people: dict[int, str], depts: dict[int, str]
) -> Callable[[], tuple[list[str], list[str]]]:
    """The meeting pack's two visit sections (upcoming, cancelled), begun in a child process
    over VISITS_BESIDE_OVER visits (core/ahead.py) while the rest is read; call for them."""
    work = lambda: (_upcoming(store, now, people, depts), _cancellations(store, since, depts))  # noqa: E731
    beside = ahead.start(work) if store.size_hint(Visit.TABLE) > VISITS_BESIDE_OVER else None
    return lambda: ahead.taken_or(beside, work)


def _upcoming(
    store: Store, now: datetime, people: dict[int, str], depts: dict[int, str]
) -> list[str]:
    """Requested and confirmed visits in the next fortnight."""
    from .dates import format_span
    from .occurrence_index import OccurrenceIndex
    from .schedule import occurrences, visits_near

    horizon = now + timedelta(days=14)
    index = OccurrenceIndex.kept(store)  # (the TUI's, when a screen built it since the change)
    found = (
        index.between(now, horizon)
        if index is not None
        else occurrences(store, now, horizon, visits_near(store, now, horizon))
    )
    return [
        f"- {format_span(o.start, o.end)} — **{md_escape(depts.get(o.visit.department_id, '?'))}** "
        f"({o.visit.kind}, {o.status}): "
        f"{md_escape(', '.join(people.get(p, '?') for p in o.visit.visitors))} "
        f"hosted by {md_escape(', '.join(people.get(p, '?') for p in o.visit.hosts))}"
        for o in found
        if o.status in ("requested", "confirmed")
    ]


def _awaiting_triage(
    suggestions: list[tuple[dict, Any]], people: dict[int, str], depts: dict[int, str]
) -> list[str]:
    """New suggestions, most urgent first."""
    from .backlog import priority, priority_reason

    new = sorted(
        ((d, s) for d, s in suggestions if s.status == "new"),
        key=lambda x: (priority(x[1]), x[0]["created"]),
    )
    return [
        f"- **P{priority(s)}** #{d['id']} {md_escape(s.title)} — {priority_reason(s)}; "
        f"from {md_escape(people.get(s.author_id, '?'))}"
        + (f", {md_escape(depts[s.department_id])}" if s.department_id in depts else "")
        for d, s in new
    ]


def _top_voted(suggestions: list[tuple[dict, Any]]) -> list[str]:
    """The five open suggestions with most votes (those with any)."""
    from .backlog import priority

    open_ones = [
        (d, s)
        for d, s in suggestions
        if s.status in ("new", "under review", "accepted", "in progress")
    ]
    top = sorted(open_ones, key=lambda x: (-len(x[1].votes), priority(x[1])))[:5]
    return [
        f"- {count(len(s.votes), 'vote')}: #{d['id']} {md_escape(s.title)} (P{priority(s)}, {s.status})"
        for d, s in top
        if s.votes
    ]


def _actions_at_risk(acts: list[Any]) -> list[str]:
    """Open actions overdue or due within a week."""
    from .dates import format_day

    return [
        f"- {'**Overdue**' if v.overdue else 'Due soon'}: #{v.action.id} {md_escape(v.action.title)} — "
        f"{md_escape(v.owner)}, due {format_day(from_iso(v.action.due + 'T00:00').date())}"
        for v in acts
        if v.action.status in ("open", "in progress") and (v.overdue or v.due_soon)
    ]


def _actions_done(acts: list[Any], since: datetime) -> list[str]:
    """Actions marked done since ``since``."""
    return [
        f"- #{v.action.id} {md_escape(v.action.title)} — {md_escape(v.owner)}"
        for v in acts
        if v.action.status == "done" and v.action.done_at and from_iso(v.action.done_at) >= since
    ]


OLDER_BREACHES_LISTED = 25  # older open breaches named one by one in the meeting pack
# Visits (roughly: Store.size_hint) over which the meeting pack's two visit sections are
# read in a child process while this one reads the rest (a third of it at 150,000 records),
# and export_ics counts the visits' edits in the audit trail in one while it reads them.
VISITS_BESIDE_OVER = 20_000
EVENTS_BESIDE_OVER = 5_000  # events over which export_ics writes half in a child process


def _breaches(
    suggestions: list[tuple[dict, Any]], clocks: dict[int, tuple[Any, Any]], since: datetime
) -> list[str]:
    """Breaches the group can act on: clocks that went past their target or stopped late
    within the window, and those still running late from before it. Ten years of
    long-closed breaches are not news, and nor is a list of thousands read out at every
    meeting: past OLDER_BREACHES_LISTED of the older open ones, the most overdue are
    listed and the rest counted by priority."""
    from .backlog import priority
    from .dates import format_day

    # (line, older: late before the window and still running, secs left, P); a line is
    # worded only if it is listed (thousands of older breaches are counted, not worded)
    found: list[tuple[Callable[[], str], bool, float, int]] = []
    for d, s in suggestions:
        if s.status == "duplicate":
            continue
        p = priority(s)
        for clock in clocks[d["id"]]:
            if clock.state == "breached" and (clock.stopped is None or clock.stopped >= since):
                line = partial(_breach_line, d["id"], s.title, p, clock)
                older = clock.stopped is None and (clock.due is None or clock.due < since)
                found.append((line, older, clock.remaining or 0.0, p))
    older = [n for n, f in enumerate(found) if f[1]]
    if len(older) <= OLDER_BREACHES_LISTED:
        return [line() for line, *_ in found]
    shown = set(sorted(older, key=lambda n: found[n][2])[:OLDER_BREACHES_LISTED])
    rest = Counter(found[n][3] for n in older if n not in shown)
    lines = [f[0]() for n, f in enumerate(found) if not f[1] or n in shown]
    lines.append(
        f"- … and {rest.total()} more late since before {format_day(since.date())} and still "
        f"open ({', '.join(f'P{p}: {rest[p]}' for p in sorted(rest))}); the "
        f"{OLDER_BREACHES_LISTED} most overdue are above (all of them: the Dashboard's "
        '"At risk and breached" list, or shadow list suggestions --sla breached).'
    )
    return lines


def _breach_line(sid: int, title: str, p: int, clock: Any) -> str:
    return f"- #{sid} {md_escape(title)} (P{p}): {clock.describe()}"


def _kudos(store: Store, since: datetime, people: dict[int, str]) -> list[str]:
    """Kudos given since ``since``, oldest first."""
    from .models import Kudos

    kudos = [k for k in store.all(Kudos.TABLE) if from_iso(k["created"]) >= since]
    return [
        f"- **{md_escape(people.get(k['to_id'], '?'))}**, thanked by {md_escape(people.get(k['from_id'], '?'))}: "
        f"{md_escape(k['text'])}"
        for k in sorted(kudos, key=lambda k: k["created"])
    ]


def _cancellations(store: Store, since: datetime, depts: dict[int, str]) -> list[str]:
    """Each visit, occurrence or series cancelled since ``since``, with who and why."""
    from .dates import format_span

    out = []
    found = store.audit_any(  # (one pass over the trail for both)
        Visit.TABLE,
        {"field": "status", "new": "cancelled"},
        {"field": "rrule"},  # (series ended: an UNTIL set)
    )
    for e in found:  # (in order)
        ended = e["field"] == "rrule" and "UNTIL=" in str(e["new"] or "")
        if from_iso(e["ts"]) < since or not (
            ended or (e["field"] == "status" and e["new"] == "cancelled")
        ):
            continue
        doc = store.get(Visit.TABLE, e["entity_id"])
        if doc is None:
            continue
        v = Visit.from_doc(doc)
        key = f"{v.series_id}@{v.occurrence[:10]}" if v.series_id else str(v.id)
        what = "series ended" if ended else "cancelled"
        why = v.status_reason or "no reason recorded"
        out.append(
            f"- #{key} {format_span(from_iso(v.start), from_iso(v.end))} — "
            f"**{md_escape(depts.get(v.department_id or 0, '?'))}**, {what} by "
            f"{md_escape(e['actor'])}: {md_escape(why)}"
        )
    return out


def programme_report(
    store: Store, programme_id: int | None = None, now: datetime | None = None
) -> str:
    """A full Markdown report: visits with both sides' notes, the backlog, actions and kudos."""
    from .dates import format_moment
    from .dates import now as _now
    from .models import Observation, Programme

    now = now or _now()
    people = {d["id"]: d.get("name", "") for d in store.all(Person.TABLE)}
    depts = {d["id"]: d.get("name", "") for d in store.all(Department.TABLE)}
    programmes = {d["id"]: d for d in store.all(Programme.TABLE)}
    if programme_id is not None and programme_id not in programmes:
        raise ValueError(f"no programme #{programme_id}")
    prog = programmes.get(programme_id) if programme_id else None
    title = prog["name"] if prog else "All visits"
    lines = [f"# {md_escape(title)}", "", f"Report written {format_moment(now)}.", ""]
    if prog and prog.get("description"):
        lines += [md_escape(prog["description"]), ""]
    visits = [
        v for v in load_visits(store) if programme_id is None or v.programme_id == programme_id
    ]
    visit_ids = {v.id for v in visits}
    notes = [
        Observation.from_doc(d)
        for d in store.all(Observation.TABLE)
        if d.get("visit_id") in visit_ids
    ]
    counts: dict[str, int] = {}
    for v in visits:
        counts[v.status] = counts.get(v.status, 0) + 1
    lines += ["## Summary", ""]
    lines += [
        f"- Visits: {len(visits)} ("
        + ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
        + ")"
    ]
    lines += [
        f"- Notes: {len(notes)} ({sum(n.side == 'it' for n in notes)} IT, {sum(n.side == 'library' for n in notes)} library)",
        "",
    ]
    lines += _visit_sections(visits, notes, people, depts)
    lines += _backlog_sections(store, people, now)
    return "\n".join(lines).rstrip() + "\n"


def _visit_sections(
    visits: list[Visit], notes: list[Any], people: dict[int, str], depts: dict[int, str]
) -> list[str]:
    """## Visits: each visit with who went, what to see and both sides' notes."""
    from .dates import format_span
    from .models import SIDE_LABELS

    lines = ["## Visits", ""]
    for v in sorted(visits, key=lambda v: v.start):
        lines.append(
            f"### {format_span(from_iso(v.start), from_iso(v.end))} — {md_escape(depts.get(v.department_id, '?'))} ({v.status})"
        )
        lines.append("")
        lines.append(f"Visitors: {md_escape(', '.join(people.get(p, '?') for p in v.visitors))}; "
                     f"hosts: {md_escape(', '.join(people.get(p, '?') for p in v.hosts))}.")  # fmt: skip
        if v.purpose:
            lines.append(f"What to see: {md_escape(v.purpose)}")
        mine = sorted((n for n in notes if n.visit_id == v.id), key=lambda n: n.at)
        for n in mine:
            lines.append(
                f"- *{SIDE_LABELS[n.side]}, {md_escape(people.get(n.author_id, '?'))}, {n.kind}:* {md_escape(n.text)}"
            )
        lines.append("")
    return lines


def _backlog_sections(store: Store, people: dict[int, str], now: datetime) -> list[str]:
    """## Suggestions, ## Actions and ## Kudos of the programme report."""
    from .actions import views
    from .backlog import priority, priority_reason
    from .models import Kudos, Suggestion

    suggestions = sorted(
        (Suggestion.from_doc(d) for d in store.all(Suggestion.TABLE)),
        key=lambda s: (priority(s), s.id),
    )
    lines = ["## Suggestions", ""]
    for s in suggestions:
        if s.status == "duplicate":
            continue
        lines.append(
            f"- **P{priority(s)}** #{s.id} {md_escape(s.title)} — {s.status}, {count(len(s.votes), 'vote')}; {priority_reason(s)}"
        )
    lines += ["", "## Actions", ""]
    for view in views(store, now.date()):
        a = view.action
        lines.append(
            f"- #{a.id} {md_escape(a.title)} — {md_escape(view.owner)}, {a.status}"
            + (f", due {a.due}" if a.due else "")
            + (" (overdue)" if view.overdue else "")
        )
    lines += ["", "## Kudos", ""]
    for k in sorted(store.all(Kudos.TABLE), key=lambda k: k["created"]):
        lines.append(
            f"- **{md_escape(people.get(k['to_id'], '?'))}**, from {md_escape(people.get(k['from_id'], '?'))}: {md_escape(k['text'])}"
        )
    return lines
