"""Calendar invitations (iTIP, RFC 5546) for visits: what a calendar app receives.

One UID per visit or series (the same as the calendar export's, so an imported
export and an invitation are the same entry); a changed occurrence of a series
keeps the series' UID with a RECURRENCE-ID. ``SEQUENCE`` is raised every time
a changed invitation goes out, so calendar apps replace the entry instead of
adding a second one. It is kept beside the visit, in the ``calendar`` table (one
record per visit id), not on the visit record itself: a bookkeeping number in
every visit's change history would bury the changes people made. A changed
occurrence starts from its series' sequence. ``METHOD:REQUEST`` creates or
updates, ``METHOD:CANCEL`` removes. The organiser is the coordinator
(setting ``mail.from``); visitors are required participants, hosts chair the
visit. A ``VALARM`` reminds an hour before.

The VEVENT itself comes from :func:`shadow.core.reports.visit_event`, the one
event builder also behind ``shadow export ics``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Alarm, Calendar, vCalAddress, vText

from . import mail
from .models import Department, Person, Visit
from .reports import visit_event, visit_uid
from .store import Store, Transaction

ALARM_BEFORE = timedelta(hours=1)
PRODID = "-//shadow//IT job-shadowing programme//EN"


SEQUENCES = "calendar"


def current_sequence(
    store: Store, visit_id: int | None, tx: Transaction | None = None
) -> int | None:
    """The SEQUENCE of the last invitation sent for a visit record (None: never sent)."""
    found = _sequence_doc(store, visit_id, tx)
    return None if found is None else int(found["sequence"])


def _sequence_doc(store: Store, visit_id: int | None, tx: Transaction | None) -> dict | None:
    for doc in store.find(SEQUENCES, visit_id=visit_id):
        return tx.get(SEQUENCES, doc["id"]) if tx is not None else doc
    return None


def next_sequence(tx: Transaction, store: Store, visit: Visit) -> int:
    """Raise (or start) a visit's SEQUENCE inside ``tx``: 0 for its first invitation, then
    one more each time; a changed occurrence carries on from its series."""
    found = _sequence_doc(store, visit.id, tx)
    if found is not None:
        value = int(found["sequence"]) + 1
        tx.update(SEQUENCES, found["id"], {"sequence": value})
        return value
    base = current_sequence(store, visit.series_id, tx) if visit.series_id is not None else None
    value = 0 if base is None else base + 1
    tx.insert(SEQUENCES, {"visit_id": visit.id, "sequence": value}, summary="invitation sequence")
    return value


def uid_for(store: Store, visit: Visit) -> str:
    return visit_uid(store, visit.series_id if visit.series_id is not None else visit.id)


def invitation(
    store: Store,
    visit: Visit,
    method: str,
    *,
    sequence: int = 0,
    cfg: mail.Config | None = None,
    stamp: datetime | None = None,
) -> str:
    """The iCalendar text of an invitation (``REQUEST``) or cancellation (``CANCEL``)
    for ``visit`` (a visit, a series, or the record of one changed occurrence)."""
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(f"not an invitation method: {method!r}")
    cfg = cfg or mail.config(store)
    people = {d["id"]: Person.from_doc(d) for d in store.all(Person.TABLE)}
    depts = {d["id"]: Department.from_doc(d) for d in store.all(Department.TABLE)}
    stamp = (stamp or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    shown = visit
    if method == "CANCEL":
        shown = Visit.from_doc(visit.to_doc() | {"status": "cancelled"})
        shown.id = visit.id
    event = visit_event(
        shown,
        people,
        depts,
        uid=uid_for(store, visit),
        sequence=sequence,
        stamp=stamp,
        host_role="CHAIR",
        rsvp=method == "REQUEST",
    )
    organizer = vCalAddress(f"mailto:{cfg.sender_address}")
    organizer.params["cn"] = vText(mail.one_line(cfg.sender_name or "shadow coordinator"))
    event.add("organizer", organizer, encode=0)
    event.add("transp", "OPAQUE")
    event.add("class", "PUBLIC")
    if method == "REQUEST":
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", "Reminder")
        alarm.add("trigger", -ALARM_BEFORE)
        event.add_component(alarm)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical().decode("utf-8")
