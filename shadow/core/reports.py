"""Reports and exports: the one home for writing the programme out (iCalendar, ...)."""

from __future__ import annotations

from datetime import UTC, datetime

from dateutil import tz
from icalendar import Calendar, Event, vCalAddress, vRecur, vText

from .dates import from_iso
from .models import Department, Person, Visit
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


def export_ics(store: Store) -> bytes:
    """Every visit as iCalendar: one VEVENT per visit or series (with its RRULE),
    plus one per changed occurrence (same UID, RECURRENCE-ID)."""
    people = {d["id"]: Person.from_doc(d) for d in store.all(Person.TABLE)}
    depts = {d["id"]: Department.from_doc(d) for d in store.all(Department.TABLE)}
    visits = load_visits(store)
    series_ids = {v.id for v in visits if v.rrule}
    edits: dict[int, int] = {}
    for entry in store.audit(Visit.TABLE):
        edits[entry["entity_id"]] = edits.get(entry["entity_id"], 0) + 1
    cal = Calendar()
    cal.add("prodid", "-//shadow//IT job-shadowing programme//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "shadow visits")
    stamp = datetime.now(UTC).replace(microsecond=0)
    for visit in sorted(visits, key=lambda v: v.id or 0):
        if visit.series_id is not None and visit.series_id not in series_ids:
            continue  # an override whose series is gone
        zone = tz.gettz(visit.timezone) if visit.timezone else None
        start, end = from_iso(visit.start), from_iso(visit.end)
        if zone is not None:
            start, end = start.astimezone(zone), end.astimezone(zone)
        dept = depts.get(visit.department_id)
        event = Event()
        uid_id = visit.series_id if visit.series_id is not None else visit.id
        event.add("uid", visit_uid(store, uid_id))
        event.add("dtstamp", stamp)
        event.add("dtstart", start)
        event.add("dtend", end)
        event.add("sequence", edits.get(visit.id, 0))
        if visit.series_id is not None:
            original = from_iso(visit.occurrence)
            event.add("recurrence-id", original.astimezone(zone) if zone else original)
        dept_name = dept.name if dept else "?"
        event.add("summary", f"{visit.kind.title()}: {dept_name}")
        if dept is not None:
            event.add("location", ", ".join(x for x in (dept.name, dept.branch) if x))
        lines = [f"{visit.kind.title()} of {dept_name} ({visit.status})."]
        if visit.purpose:
            lines.append(f"What to see: {visit.purpose}")
        visitors = ", ".join(people[p].name for p in visit.visitors if p in people)
        hosts = ", ".join(people[p].name for p in visit.hosts if p in people)
        lines.append(f"Visitors: {visitors}")
        lines.append(f"Hosts: {hosts}")
        if visit.rrule:
            lines.append(f"Repeats {describe_repeat(visit.rrule)}.")
        event.add("description", "\n".join(lines))
        event.add("status", ICS_STATUS.get(visit.status, "TENTATIVE"))
        if visit.rrule:
            event.add("rrule", _rrule_for_ics(visit.rrule, zone))
        for role, ids in (("REQ-PARTICIPANT", visit.visitors), ("CHAIR", visit.hosts)):
            for pid in ids:
                person = people.get(pid)
                if person is None:
                    continue
                address = vCalAddress(
                    f"mailto:{person.email}" if person.email else f"urn:shadow:person:{pid}"
                )
                address.params["cn"] = vText(person.name)
                address.params["role"] = vText(role)
                event.add("attendee", address, encode=0)
        cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


def _rrule_for_ics(rule: str, zone) -> vRecur:
    """RFC 5545 wants UNTIL in UTC when DTSTART carries a zone; we store it as local time."""
    recur = vRecur.from_ical(rule)
    if "UNTIL" in recur and zone is not None:
        until = recur["UNTIL"][0]
        if isinstance(until, datetime) and until.tzinfo is None:
            recur["UNTIL"] = [until.replace(tzinfo=zone).astimezone(UTC)]
    return recur
