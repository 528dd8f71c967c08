"""Secondments: a multi-day temporary assignment in a host department.

A person of one side works for a while in a department of the other (an IT person in a
library department, or library staff in an IT team), with learning goals; every day they
write one short line in the log (their own, one per day, only within the dates); at the
end the host (a person of the host department's side, named when it is arranged) signs it
off with a comment, and only after the last day. Arranging is a coordinator's change, like
booking; logging and signing off are notes, written by the seconded person and the host.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from . import dates
from .access import guarded
from .directory import DirectoryError, find_department, find_person
from .models import (
    Department,
    Person,
    Secondment,
    UserError,
    ValidationError,
    check_text,
    clean_line,
    parse_id,
    visitor_side,
)
from .store import Store

MAX_DAYS = 366  # a longer stay is a transfer, not a secondment


class SecondmentError(UserError):
    pass


def _day(
    text: Any, field: str, errors: dict[str, str], now: datetime | None, dayfirst: bool
) -> str:
    raw = str(text or "").strip()
    if not raw:
        errors[field] = "is required"
        return ""
    try:
        moment = dates.parse_moment(raw, now_=now, dayfirst=dayfirst)
    except dates.DateError as exc:
        errors[field] = str(exc)
        return ""
    return moment.value.date().isoformat()


def secondment_from_input(
    store: Store, values: dict[str, Any], *, now: datetime | None = None, dayfirst: bool = True
) -> Secondment:
    """Read a secondment from typed text: person, department, host, start, end (date
    phrases: ``2027-01-11``, ``mon``, ``in 2 weeks``), goals. Errors are keyed by field."""
    errors: dict[str, str] = {}
    found: dict[str, Any] = {}
    for key, finder in (("person", find_person), ("department", find_department), ("host", find_person)):  # fmt: skip
        text = clean_line(str(values.get(key) or ""))
        if not text:
            errors[key] = "is required"
            continue
        try:
            found[key] = finder(store, text)
        except DirectoryError as exc:
            errors[key] = str(exc)
    dept: Department | None = found.get("department")
    person: Person | None = found.get("person")
    host: Person | None = found.get("host")
    if dept is not None:
        kind = "an IT team" if dept.side == "it" else "a library department"
        if person is not None and person.side != visitor_side(dept.side):
            errors["person"] = (
                f"{person.name} works on the same side as {dept.name} ({kind}); a secondment "
                "goes to the other side"
            )
        if host is not None and host.side != dept.side:
            errors["host"] = f"{host.name} is not on {dept.name}'s side ({kind})"
    for who, key in ((person, "person"), (host, "host")):
        if who is not None and not who.active and key not in errors:
            errors[key] = f"{who.name} is marked inactive"
    start = _day(values.get("start"), "start", errors, now, dayfirst)
    end = _day(values.get("end"), "end", errors, now, dayfirst)
    if start and end and "start" not in errors and "end" not in errors:
        length = (date.fromisoformat(end) - date.fromisoformat(start)).days + 1
        if length < 2:
            errors["end"] = "a secondment lasts at least two days (a shorter one is a visit)"
        elif length > MAX_DAYS:
            errors["end"] = f"a secondment lasts at most {MAX_DAYS} days"
    record = Secondment(
        person_id=person.id if person else None,
        department_id=dept.id if dept else None,
        host_id=host.id if host else None,
        start=start,
        end=end,
        goals=str(values.get("goals") or "").strip(),
    )
    ValidationError.check(record, errors)
    return record


def get(store: Store, ref: int | str) -> Secondment:
    number = parse_id(ref)
    doc = store.get(Secondment.TABLE, number) if number else None
    if doc is None:
        raise SecondmentError(f"no secondment #{str(ref).strip().removeprefix('#')}")
    return Secondment.from_doc(doc)


def _person(store: Store, actor: str | Person) -> Person | None:
    if isinstance(actor, Person):
        return actor
    try:
        return find_person(store, actor)
    except DirectoryError:
        return None


@guarded("bookings")
def arrange(store: Store, actor: str, record: Secondment) -> int:
    """Save a new secondment; the same person cannot be seconded twice at once."""
    record.validate()
    with store.transaction(actor) as tx:
        for doc in store.find(Secondment.TABLE, person_id=record.person_id):
            if doc["start"] <= record.end and record.start <= doc["end"]:
                raise SecondmentError(
                    f"they are already seconded from {doc['start']} to {doc['end']} "
                    f"(secondment #{doc['id']})"
                )
        dept = store.get(Department.TABLE, record.department_id) or {}
        return tx.insert(
            Secondment.TABLE, record.to_doc(), summary=f"secondment to {dept.get('name', '?')}"
        )


@guarded("notes")
def log(
    store: Store,
    actor: str | Person,
    secondment_id: int,
    text: str,
    *,
    day: date | None = None,
    now: datetime | None = None,
) -> int:
    """The seconded person's line for ``day`` (default today): one a day, within the dates,
    not in the future; writing a day again replaces its line. Returns the log's length."""
    now = now or dates.now()
    day = day or now.date()
    record = get(store, secondment_id)
    who = _person(store, actor)
    if who is None or who.id != record.person_id:
        raise SecondmentError("only the seconded person writes the daily log")
    line = clean_line(text)
    check_text("text", line, multiline=False, required=True)
    if len(line) > 200:
        raise SecondmentError(
            f"keep the daily line short (at most 200 characters; got {len(line)})"
        )
    if not record.start <= day.isoformat() <= record.end:
        raise SecondmentError(
            f"{dates.format_day(day)} is outside the secondment ({record.start} to {record.end})"
        )
    if day > now.date():
        raise SecondmentError(f"{dates.format_day(day)} has not happened yet")
    if record.signed_off:
        raise SecondmentError("the secondment is signed off; its log is closed")
    entries = [e for e in record.log if e.get("day") != day.isoformat()]
    entries.append({"day": day.isoformat(), "text": line, "at": dates.to_iso(now)})
    entries.sort(key=lambda e: e["day"])
    with store.transaction(who.name) as tx:
        tx.update(Secondment.TABLE, secondment_id, {"log": entries})
    return len(entries)


@guarded("notes")
def sign_off(
    store: Store,
    actor: str | Person,
    secondment_id: int,
    comment: str,
    *,
    now: datetime | None = None,
) -> None:
    """The host signs the secondment off, with a comment, once its last day is over."""
    now = now or dates.now()
    record = get(store, secondment_id)
    who = _person(store, actor)
    if who is None or who.id != record.host_id:
        raise SecondmentError("only the host signs a secondment off")
    if record.signed_off:
        raise SecondmentError(f"already signed off on {record.signed_off[:10]}")
    if now.date().isoformat() <= record.end:
        raise SecondmentError(
            f"it runs until {dates.format_day(date.fromisoformat(record.end))}; "
            "sign it off after its last day"
        )
    check_text("comment", comment, required=True)
    with store.transaction(who.name) as tx:
        tx.update(
            Secondment.TABLE,
            secondment_id,
            {"signed_off": dates.to_iso(now), "sign_off_comment": comment.strip()},
        )


# ------------------------------------------------------------------ reading
@dataclass(frozen=True)
class SecondmentView:
    record: Secondment
    person: str
    department: str
    host: str
    state: str  # planned | running | awaiting sign-off | signed off

    def json(self) -> dict[str, Any]:
        r = self.record
        return {
            "id": r.id,
            "person": self.person,
            "department": self.department,
            "host": self.host,
            "start": r.start,
            "end": r.end,
            "goals": r.goals,
            "state": self.state,
            "log": list(r.log),
            "signed_off": r.signed_off,
            "sign_off_comment": r.sign_off_comment,
        }


def state(record: Secondment, today: date) -> str:
    if record.signed_off:
        return "signed off"
    if today.isoformat() < record.start:
        return "planned"
    if today.isoformat() <= record.end:
        return "running"
    return "awaiting sign-off"


def views(
    store: Store, today: date, *, department_id: int | None = None, person_id: int | None = None
) -> list[SecondmentView]:
    """Secondments (of one department or person, if asked), the latest start first."""
    people = {d["id"]: d.get("name", "") for d in store.all(Person.TABLE)}
    depts = {d["id"]: d.get("name", "") for d in store.all(Department.TABLE)}
    out = []
    for doc in store.all(Secondment.TABLE):
        r = Secondment.from_doc(doc)
        if department_id is not None and r.department_id != department_id:
            continue
        if person_id is not None and person_id not in (r.person_id, r.host_id):
            continue
        out.append(
            SecondmentView(
                r,
                people.get(r.person_id, f"#{r.person_id}"),
                depts.get(r.department_id, f"#{r.department_id}"),
                people.get(r.host_id, f"#{r.host_id}"),
                state(r, today),
            )
        )
    return sorted(out, key=lambda v: (v.record.start, v.record.id or 0), reverse=True)
