"""The outbox: every message is a record first, then delivered; none is lost or sent twice.

A message (invitation, reminder, notice, digest) is written to the ``outbox``
table, in the same transaction as the change that caused it where the core API
allows (booking a visit and queueing its invitations are one journal line), with
a stable ``Message-ID`` chosen when it is queued. Delivery (:func:`send`) then
moves each record ``queued → sending → sent``, or back to ``queued`` with the
error when the server is down (it goes out on the next send), or to ``failed``
when the server refuses it for good (a person retries or drops it).

Nothing twice, nothing lost, when a sender is killed:

* Only one sender runs at a time per database: it holds ``shadow.json.outbox.lock``
  (``flock``, released by the kernel when the process dies). So a record found in
  ``sending`` by a sender holding the lock was left by a sender that stopped.
* Before delivering, the record is marked ``sending`` with the transport (``via``)
  and a ``phase``. For ``.eml`` files the file is named after the Message-ID and
  appears whole or not at all (temp + fsync + rename): on recovery, if the file is
  there the record is marked sent, if not it is queued again. For SMTP the phase
  is ``envelope`` while MAIL FROM / RCPT TO run (nothing delivered yet) and is
  written as ``data`` just before the message body goes out. A record left in
  ``envelope`` is queued again; one left in ``data`` may or may not have arrived
  (the server may have accepted it in the instant before the sender died), so it
  is marked ``failed`` with an "uncertain" error for a person to check and retry
  or drop; it is never resent blindly. (Receivers that dedupe on Message-ID
  would absorb a resend; most do not, so a person decides.)

Time-based messages (reminders before a visit, the after-visit prompt to write
notes, actions due soon or overdue, the weekly digest) come from
:func:`sweep`, which is idempotent: each message has a ``key`` (what it is
about, for whom, and when that thing is due), and a key already in the outbox,
whatever its state, is never queued again. Dropping a message keeps its record
(state ``dropped``) for the same reason.

Each person chooses what they receive (setting ``mail.receive.<person id>``):
``all``, ``invitations`` (only calendar invitations and cancellations),
``digest`` (only the weekly digest) or ``none``. Messages to library staff pass
the plain-language check: jargon found is explained at the end of the message.

(Over 500 lines: queueing, the sweep and delivery share a message's lifecycle and the
sender's lock.)
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from . import dates, locking, mail, plain
from .access import guarded
from .dates import format_span, from_iso
from .models import (
    Action,
    Department,
    Person,
    Programme,
    Suggestion,
    UserError,
    Visit,
    parse_id,
)
from .store import Store, Transaction

TABLE = "outbox"
ACTOR = "shadow outbox"
STATES = ("queued", "sending", "sent", "failed", "dropped")
PREFERENCES = ("all", "invitations", "digest", "none")
PREFERENCE_HELP = {
    "all": "every message",
    "invitations": "only calendar invitations and cancellations",
    "digest": "only the weekly digest",
    "none": "nothing",
}
INVITATION_KINDS = ("invitation", "cancellation")
KINDS = (
    "invitation",
    "cancellation",
    "reminder",
    "notes-prompt",
    "suggestion",
    "action-assigned",
    "action-due",
    "action-overdue",
    "digest",
    "kudos",
    "liaison-rotation",
)
NOTES_PROMPT_WINDOW = timedelta(days=7)  # after-visit prompts for visits ended this recently
OUTCOME_WINDOW = timedelta(days=30)  # the digest lists visits still without an outcome
UNCERTAIN = (
    "uncertain: the sender stopped while the mail server was receiving this message, so it "
    "may have arrived; check with the recipient, then retry or drop it"
)


class OutboxError(UserError):
    """A request about the outbox that cannot be carried out."""


# ------------------------------------------------------------------ preferences
def preference(store: Store, person_id: int | None) -> str:
    value = store.setting(f"mail.receive.{person_id}", "all") if person_id else "all"
    return value if value in PREFERENCES else "all"


@guarded("preferences", record="person")
def set_preference(store: Store, actor: str, person: Person, choice: str) -> str:
    choice = (choice or "").strip().lower()
    if choice not in PREFERENCES:
        raise OutboxError(
            f"choose one of: {', '.join(PREFERENCES)} (got {mail.one_line(choice)!r})"
        )
    with store.transaction(actor) as tx:
        tx.set_setting(f"mail.receive.{person.id}", choice)
    return choice


def wants(choice: str, kind: str) -> bool:
    if choice == "all":
        return True
    if choice == "invitations":
        return kind in INVITATION_KINDS
    if choice == "digest":
        return kind == "digest"
    return False


# ------------------------------------------------------------------ queueing
@dataclass
class _Batch:
    """Keys already in the outbox plus those queued in this transaction (sweep dedupe)."""

    keys: set[str] = field(default_factory=set)


def _keys(store: Store) -> set[str]:
    return {d["key"] for d in store.all(TABLE) if d.get("key")}


def enqueue(
    tx: Transaction,
    store: Store,
    person: Person,
    kind: str,
    subject: str,
    body: str,
    *,
    key: str = "",
    attachment: str = "",
    method: str = "",
    about: str = "",
    batch: _Batch | None = None,
) -> int | None:
    """Queue one message to ``person`` inside ``tx``. None (nothing queued) when the person
    has no email address, does not want this kind, or ``key`` is already in the outbox."""
    if kind not in KINDS:
        raise ValueError(f"not a message kind: {kind!r}")
    if not person.email or not person.active or not mail.valid_address(person.email):
        return None
    if not wants(preference(store, person.id), kind):
        return None
    if key:
        keys = batch.keys if batch is not None else _keys(store)
        if key in keys:
            return None
        keys.add(key)
    cfg = mail.config(store)
    subject = mail.one_line(subject)
    body = mail.clean_body(body)
    findings = 0
    if person.side == "library":
        found = plain.check_text(f"{subject}\n{body}")
        if found:
            findings = len(found)
            body += "\n\nIn plain words: " + plain.summarise(found) + "\n"
    doc = {
        "person_id": person.id,
        "to": person.email,
        "to_name": mail.one_line(person.name),
        "kind": kind,
        "subject": subject,
        "body": body,
        "attachment": attachment,
        "method": method,
        "about": mail.one_line(about),
        "key": key,
        "message_id": f"<{uuid.uuid4().hex}@{cfg.domain}>",
        "state": "queued",
        "error": "",
        "attempts": 0,
        "phase": "",
        "via": "",
        "sent_at": None,
        "jargon": findings,
    }
    return tx.insert(TABLE, doc, summary=f"{kind} to {person.name}")


def _person(store: Store, pid: int | None) -> Person | None:
    doc = store.get(Person.TABLE, pid) if pid else None
    return Person.from_doc(doc) if doc else None


def _visit_text(store: Store, visit: Visit, start: datetime, end: datetime) -> tuple[str, str]:
    """(one-line title, the lines of what, where, who) for a visit or occurrence."""
    dept_doc = store.get(Department.TABLE, visit.department_id) if visit.department_id else None
    dept = Department.from_doc(dept_doc) if dept_doc else None
    names = {d["id"]: d["name"] for d in store.all(Person.TABLE)}
    zone = dates.local_zone()
    if visit.timezone:
        zone = dates.zone_named(visit.timezone) or zone
    start, end = start.astimezone(zone), end.astimezone(zone)
    where = ", ".join(x for x in ((dept.name, dept.branch) if dept else ("?",)) if x)
    title = f"{visit.kind.title()}: {dept.name if dept else '?'}, {format_span(start, end)}"
    lines = [
        f"When: {format_span(start, end)}",
        f"Where: {where}",
        f"Visitors: {', '.join(names.get(p, f'#{p}') for p in visit.visitors)}",
        f"Hosts: {', '.join(names.get(p, f'#{p}') for p in visit.hosts)}",
    ]
    if visit.purpose:
        lines.append(f"What to look at: {visit.purpose}")
    if dept is not None and dept.notes:
        lines.append(f"About the department: {dept.notes}")
    return title, "\n".join(lines)


# ------------------------------------------------------------------ visits
CHANGE_WORDS = {
    "booked": "booked (requested)",
    "requested": "back to requested",
    "confirmed": "confirmed",
    "moved": "moved",
    "cancelled": "cancelled",
    "ended": "ended early (the rest of the series is cancelled)",
}


def visit_changed(tx: Transaction, store: Store, visit_id: int, change: str) -> list[int]:
    """Queue invitations (or cancellations) to every visitor and host of a visit that was
    just booked, confirmed, moved or cancelled in ``tx``, raising its SEQUENCE when it
    had been sent before. Returns the outbox ids queued. Other changes send nothing."""
    from . import invites

    if change not in CHANGE_WORDS:
        return []
    doc = tx.get(Visit.TABLE, visit_id)
    if doc is None:
        return []
    visit = Visit.from_doc(doc)
    visit.id = int(visit_id)
    sequence = invites.next_sequence(tx, store, visit)
    method = "CANCEL" if change == "cancelled" else "REQUEST"
    ics = invites.invitation(store, visit, method, sequence=sequence)
    kind = "cancellation" if method == "CANCEL" else "invitation"
    title, details = _visit_text(store, visit, from_iso(visit.start), from_iso(visit.end))
    what = "series of visits" if visit.rrule else "visit"
    verb = CHANGE_WORDS[change]
    queued = []
    for pid in dict.fromkeys([*visit.visitors, *visit.hosts]):
        person = _person(store, pid)
        if person is None:
            continue
        role = "visitor" if pid in visit.visitors else "host"
        subject = f"{'Cancelled' if method == 'CANCEL' else 'Invitation'}: {title}"
        if change not in ("booked", "cancelled"):
            subject = f"Updated ({verb}): {title}"
        body = (
            f"Hello {person.name},\n\nA {what} you are a {role} on has been {verb}.\n\n"
            f"{details}\n"
            + (
                "\nYour calendar app shows the invitation; accept it to keep it in your calendar.\n"
                if method == "REQUEST"
                else "\nYour calendar app removes it when you open this message.\n"
            )
        )
        oid = enqueue(
            tx,
            store,
            person,
            kind,
            subject,
            body,
            attachment=ics,
            method=method,
            about=f"visit #{visit.id}",
        )
        if oid is not None:
            queued.append(oid)
    return queued


# ------------------------------------------------------------------ suggestions, actions, kudos
def suggestion_changed(
    tx: Transaction, store: Store, suggestion_id: int, old_status: str
) -> list[int]:
    """Tell a suggestion's author and voters that its status changed, with the reason."""
    doc = tx.get(Suggestion.TABLE, suggestion_id)
    if doc is None or doc.get("status") == old_status:
        return []
    s = Suggestion.from_doc(doc)
    reason = f"\nWhy: {s.reason}\n" if s.reason else ""
    queued = []
    for pid in dict.fromkeys([s.author_id, *s.votes]):
        person = _person(store, pid)
        if person is None:
            continue
        why = "you raised it" if pid == s.author_id else "you voted for it"
        body = (
            f"Hello {person.name},\n\nSuggestion #{suggestion_id} moved from {old_status} to "
            f"{s.status} ({why}).\n\nTitle: {s.title}\n{reason}"
        )
        oid = enqueue(
            tx,
            store,
            person,
            "suggestion",
            f"Suggestion #{suggestion_id} is now {s.status}: {s.title}",
            body,
            about=f"suggestion #{suggestion_id}",
        )
        if oid is not None:
            queued.append(oid)
    return queued


def action_changed(
    tx: Transaction, store: Store, action_id: int, before: dict[str, Any] | None
) -> int | None:
    """Tell an action's owner it is theirs (when it is new or its owner changed)."""
    doc = tx.get(Action.TABLE, action_id)
    if doc is None or (before is not None and before.get("owner_id") == doc.get("owner_id")):
        return None
    a = Action.from_doc(doc)
    person = _person(store, a.owner_id)
    if person is None:
        return None
    due = f"Due: {dates.format_day(datetime.fromisoformat(a.due).date())}\n" if a.due else ""
    body = (
        f"Hello {person.name},\n\nAction #{action_id} is now yours.\n\nWhat: {a.title}\n{due}"
        + (f"Notes: {a.notes}\n" if a.notes else "")
    )
    return enqueue(
        tx,
        store,
        person,
        "action-assigned",
        f"Action #{action_id} is yours: {a.title}",
        body,
        key=f"action-assigned:{action_id}:{a.owner_id}:{tx.ts}",
        about=f"action #{action_id}",
    )


def kudos_given(tx: Transaction, store: Store, kudos_id: int) -> int | None:
    doc = tx.get("kudos", kudos_id)
    if doc is None:
        return None
    person, giver = _person(store, doc.get("to_id")), _person(store, doc.get("from_id"))
    if person is None:
        return None
    who = giver.name if giver else "someone"
    body = (
        f"Hello {person.name},\n\n{who} thanked you:\n\n{doc.get('text', '')}\n\n"
        "It will be read out at the next meeting.\n"
    )
    return enqueue(
        tx, store, person, "kudos", f"Kudos from {who}", body, about=f"kudos #{kudos_id}"
    )


# ------------------------------------------------------------------ the sweep
def coordinators(store: Store) -> list[Person]:
    """Who gets the weekly digest: active programmes' coordinators and anyone who chose it."""
    ids = [
        d.get("coordinator_id")
        for d in store.all(Programme.TABLE)
        if d.get("active", True) and d.get("coordinator_id")
    ]
    ids += [
        int(d["key"].rsplit(".", 1)[1])
        for d in store.all("settings")
        if str(d.get("key", "")).startswith("mail.receive.")
        and d.get("value") == "digest"
        and d["key"].rsplit(".", 1)[1].isdigit()
    ]
    return [p for p in (_person(store, pid) for pid in dict.fromkeys(ids)) if p is not None]


def sweep(store: Store, now: datetime | None = None, actor: str = ACTOR) -> int:
    """Queue every time-based message due at ``now`` that is not in the outbox yet:
    reminders, after-visit prompts, actions due soon or overdue, the weekly digest.
    Running it again at the same (or any later) time never queues the same message twice.
    Returns how many were queued.

    The messages are worked out without the write lock (skipping those whose key is
    already in the outbox, so a quiet sweep costs little); the keys are checked again
    under the lock, so two sweeps at once still queue each message once."""
    now = now or dates.now()
    cfg = mail.config(store)
    known = _keys(store)
    people = {d["id"]: Person.from_doc(d) for d in store.all(Person.TABLE)}

    def want(pid: int | None, key: str) -> Person | None:
        return people.get(pid) if key not in known else None

    found = _visit_messages(store, now, cfg, people, want)
    found += _action_messages(store, now, want)
    found += _liaison_messages(store, now, want)
    found += _digest_messages(store, now, known)
    if not found:
        return 0
    count = 0
    with store.transaction(actor) as tx:
        batch = _Batch(_keys(store))
        for person, kind, subject, body, key, about in found:
            if enqueue(tx, store, person, kind, subject, body, key=key, about=about, batch=batch):
                count += 1
    return count


_Message = tuple[Person, str, str, str, str, str]  # person, kind, subject, body, key, about


def _visit_messages(
    store: Store,
    now: datetime,
    cfg: mail.Config,
    people: dict[int, Person],
    want: Callable[[int | None, str], Person | None],
) -> list[_Message]:
    """Reminders before each visit, and the prompt to write notes after it."""
    from . import schedule

    found: list[_Message] = []
    notes_by_visit: dict[int, set[int]] = {}
    for d in store.all("observations"):
        notes_by_visit.setdefault(d.get("visit_id"), set()).add(d.get("author_id"))
    window = schedule.occurrences(
        store, now - NOTES_PROMPT_WINDOW, now + timedelta(hours=cfg.remind_hours)
    )
    for occ in window:
        visit = occ.visit
        ids = list(dict.fromkeys([*visit.visitors, *visit.hosts]))
        todo: list[tuple[str, int, str]] = []
        if occ.status in ("requested", "confirmed") and now < occ.start:
            todo += [
                ("reminder", pid, f"reminder:{occ.key}:{dates.to_iso(occ.start)}:{pid}")
                for pid in ids
            ]
        if occ.status in ("confirmed", "completed") and occ.end <= now:
            wrote = notes_by_visit.get(visit.id, set())
            todo += [
                ("notes-prompt", pid, f"notes:{occ.key}:{pid}") for pid in ids if pid not in wrote
            ]
        todo = [t for t in todo if want(t[1], t[2]) is not None]
        if not todo:
            continue
        title, details = _visit_text(store, visit, occ.start, occ.end)
        for kind, pid, key in todo:
            person = people[pid]
            if kind == "reminder":
                role = "visitor" if pid in visit.visitors else "host"
                subject = f"Reminder: {title}"
                body = f"Hello {person.name},\n\nA reminder of your visit ({role}).\n\n{details}\n"
            else:
                subject = f"Your notes on: {title}"
                body = (
                    f"Hello {person.name},\n\nHow did the visit go? Write down what you saw "
                    "and what you suggest while it is fresh: in shadow, open the visit and "
                    f'press n, or run\n  shadow observe {visit.id} "what you saw"\n\n'
                    "And rate it (how useful, would you do it again, one thing you learned): "
                    f"press g on the visit page, or run\n  shadow feedback {occ.key} --rating N "
                    f'--again yes --learned "one thing"\n\n{details}\n'
                )
            found.append((person, kind, subject, body, key, f"visit #{occ.key}"))
    return found


def _action_messages(
    store: Store, now: datetime, want: Callable[[int | None, str], Person | None]
) -> list[_Message]:
    """Actions due soon or overdue, to their owners."""
    from . import actions

    found: list[_Message] = []
    for view in actions.views(store, now.date()):
        a = view.action
        if not (view.due_soon or view.overdue) or a.status not in ("open", "in progress"):
            continue
        kind = "action-overdue" if view.overdue else "action-due"
        key = f"{kind}:{a.id}:{a.due}:{a.owner_id}"
        person = want(a.owner_id, key)
        if person is None:
            continue
        due_day = dates.format_day(datetime.fromisoformat(a.due).date()) if a.due else ""
        found.append(
            (
                person,
                kind,
                f"Action #{a.id} {'is overdue' if view.overdue else 'is due soon'}: {a.title}",
                f"Hello {person.name},\n\nAction #{a.id} "
                f"{'was due' if view.overdue else 'is due'} on {due_day}.\n\nWhat: {a.title}\n"
                + (f"From: {view.origin}\n" if view.origin else ""),
                key,
                f"action #{a.id}",
            )
        )
    return found


def _liaison_messages(
    store: Store, now: datetime, want: Callable[[int | None, str], Person | None]
) -> list[_Message]:
    """Liaison rotations due: one notice per department and due date, to the coordinators."""
    found: list[_Message] = []
    from . import liaison
    from .sla import coordinators as programme_coordinators

    for rot in liaison.rotations(store, now.date(), due_only=True):
        for pid in sorted(programme_coordinators(store)):
            key = f"liaison:{rot.department_id}:{rot.rotate_on}:{pid}"
            person = want(pid, key)
            if person is not None:
                found.append(
                    (
                        person,
                        "liaison-rotation",
                        f"Liaison rotation due: {rot.department}",
                        f"Hello {person.name},\n\n{rot.liaison} has been {rot.department}'s "
                        f"liaison since {dates.format_day(rot.since)}: "
                        f"{rot.describe(now.date())}. Agree who takes the role on, then\n"
                        f'  shadow department edit "{rot.department}" --liaison NAME\n',
                        key,
                        f"department #{rot.department_id}",
                    )
                )
    return found


def _digest_messages(store: Store, now: datetime, known: set[str]) -> list[_Message]:
    """The weekly digest (worked out only when someone still needs this week's)."""
    found: list[_Message] = []
    year, week, _ = now.isocalendar()
    recipients = [
        (p, f"digest:{year}-W{week:02d}:{p.id}")
        for p in coordinators(store)
        if f"digest:{year}-W{week:02d}:{p.id}" not in known
    ]
    if recipients:
        text = digest(store, now)
        for person, key in recipients:
            found.append(
                (
                    person,
                    "digest",
                    f"shadow weekly digest, week {week} of {year}",
                    f"Hello {person.name},\n\n{text}",
                    key,
                    "weekly digest",
                )
            )
    return found


def sample_messages(store: Store, *, replace: bool = False) -> int:
    """The sample programme's outbox: what its reminders, prompts and notices queue today.
    ``replace``: the programme was replaced, so its unsent messages go (sent ones stay)."""
    if replace:
        stale = [d["id"] for d in store.all(TABLE) if d.get("state") in ("queued", "failed")]
        if stale:
            with store.transaction(ACTOR) as tx:
                for doc_id in stale:
                    tx.delete(TABLE, doc_id)
    return sweep(store)


def digest(store: Store, now: datetime) -> str:
    """The weekly digest's text: service-level breaches and risks, visits without an outcome."""
    from . import backlog, schedule

    rows = backlog.rows(store, now)
    breached = [r for r in rows if r.sla == "breached"]
    at_risk = [r for r in rows if r.sla == "at risk"]
    pending = [
        o
        for o in schedule.occurrences(store, now - OUTCOME_WINDOW, now)
        if o.end <= now and o.status in ("requested", "confirmed")
    ]
    depts = {d["id"]: d["name"] for d in store.all(Department.TABLE)}
    out = []
    for title, items in (
        (
            "Service-level breaches",
            [f"#{r.id} P{r.priority} {r.title} ({r.status})" for r in breached],
        ),
        ("At risk", [f"#{r.id} P{r.priority} {r.title} ({r.status})" for r in at_risk]),
        (
            "Visits that still need an outcome",
            [
                f"#{o.key} {depts.get(o.visit.department_id, '?')}, "
                f"{format_span(o.start, o.end)} ({o.status})"
                for o in pending
            ],
        ),
    ):
        out.append(f"{title} ({len(items)}):")
        out.extend(f"  - {line}" for line in items[:30]) if items else out.append("  none")
        if len(items) > 30:
            out.append(f"  ... and {len(items) - 30} more")
        out.append("")
    return "\n".join(out)


# ------------------------------------------------------------------ listing and managing
@dataclass(frozen=True)
class Item:
    id: int
    to: str
    to_name: str
    subject: str
    kind: str
    state: str
    attempts: int
    error: str
    created: str
    sent_at: str | None
    about: str

    def json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "to": self.to,
            "to_name": self.to_name,
            "subject": self.subject,
            "kind": self.kind,
            "state": self.state,
            "attempts": self.attempts,
            "error": self.error,
            "created": self.created,
            "sent_at": self.sent_at,
            "about": self.about,
        }


STATE_ORDER = {"failed": 0, "sending": 1, "queued": 2, "sent": 3, "dropped": 4}


def items(store: Store, states: Iterable[str] | None = None) -> list[Item]:
    """The outbox, failed first, then waiting, then sent (newest first within each)."""
    wanted = set(states) if states else None
    found = []
    for d in store.all(TABLE):
        if wanted is not None and d.get("state") not in wanted:
            continue
        found.append(
            Item(
                id=d["id"],
                to=d.get("to", ""),
                to_name=d.get("to_name", ""),
                subject=d.get("subject", ""),
                kind=d.get("kind", ""),
                state=d.get("state", ""),
                attempts=int(d.get("attempts", 0)),
                error=d.get("error", ""),
                created=d.get("created", ""),
                sent_at=d.get("sent_at"),
                about=d.get("about", ""),
            )
        )
    found.sort(key=lambda i: (STATE_ORDER.get(i.state, 9), -i.id))
    return found


def get(store: Store, message_id: int | str) -> dict[str, Any]:
    text = str(message_id).strip().lstrip("#")
    doc = store.get(TABLE, n) if (n := parse_id(text)) else None
    if doc is None:
        raise OutboxError(f"no message #{mail.one_line(text, 40)} (see 'shadow outbox list')")
    return doc


def counts(store: Store) -> dict[str, int]:
    out = dict.fromkeys(STATES, 0)
    for d in store.all(TABLE):
        out[d.get("state", "queued")] = out.get(d.get("state", "queued"), 0) + 1
    return out


def _unsent(store: Store, message_id: int | str) -> dict[str, Any]:
    """A message a person may still retry or drop: not sent, and not being sent now."""
    doc = get(store, message_id)
    if doc["state"] == "sent":
        raise OutboxError(f"message #{doc['id']} was sent already")
    if doc["state"] == "sending":
        raise OutboxError(f"message #{doc['id']} is being sent right now")
    return doc


@guarded("outbox")
def retry(store: Store, actor: str, message_id: int | str) -> dict[str, Any]:
    """Put a failed (or dropped) message back in the queue."""
    doc = _unsent(store, message_id)
    with store.transaction(actor) as tx:
        return tx.update(TABLE, doc["id"], {"state": "queued", "phase": "", "via": ""})


@guarded("outbox")
def drop(store: Store, actor: str, message_id: int | str) -> dict[str, Any]:
    """Never send a message (its record stays, so a sweep does not queue it again)."""
    doc = _unsent(store, message_id)
    with store.transaction(actor) as tx:
        return tx.update(TABLE, doc["id"], {"state": "dropped"})


# ------------------------------------------------------------------ sending
@dataclass
class Result:
    sent: int = 0
    failed: int = 0
    waiting: int = 0  # still queued (the server is down: they go out next time)
    recovered: int = 0  # left by a sender that stopped, sorted out before sending
    busy: bool = False  # another sender is running
    error: str = ""
    target: str = ""

    def describe(self) -> str:
        if self.busy:
            return "another sender is running; try again in a moment"
        parts = [f"sent {self.sent}"]
        if self.failed:
            parts.append(f"{self.failed} failed")
        if self.waiting:
            parts.append(f"{self.waiting} still queued")
        if self.recovered:
            parts.append(f"{self.recovered} recovered from a stopped sender")
        text = ", ".join(parts) + f" (to {self.target})"
        return text + (f": {self.error}" if self.error else "")


@contextlib.contextmanager
def _sender_lock(store: Store) -> Iterator[bool]:
    """One sender at a time, across processes: a lock the system releases if the sender
    dies. core/locking.py (as the store uses) keeps this working on Windows too."""
    path = store.path.with_name(store.path.name + ".outbox.lock")
    with open(path, "a+b") as fh:
        try:
            locking.lock(fh, exclusive=True)
        except locking.LockFailed:
            yield False
            return
        try:
            yield True
        finally:
            locking.unlock(fh)


def _recover(store: Store) -> int:
    """Sort out records a stopped sender left in ``sending`` (sender lock held)."""
    stale = store.find(TABLE, state="sending")
    if not stale:
        return 0
    with store.transaction(ACTOR) as tx:
        for doc in stale:
            if doc.get("via") == "eml":
                if mail.eml_path(store, doc["message_id"]).exists():
                    change = {"state": "sent", "phase": "", "sent_at": tx.ts, "error": ""}
                else:
                    change = {"state": "queued", "phase": ""}
            elif doc.get("phase") == "data":
                change = {"state": "failed", "phase": "", "error": UNCERTAIN}
            else:
                change = {"state": "queued", "phase": ""}
            tx.update(TABLE, doc["id"], change)
    return len(stale)


def send(store: Store, ids: Iterable[int] | None = None) -> Result:
    """Deliver queued messages (all, or only ``ids``) by SMTP or as .eml files."""
    cfg = mail.config(store)
    result = Result(target=cfg.target)
    with _sender_lock(store) as mine:
        if not mine:
            result.busy = True
            return result
        result.recovered = _recover(store)
        wanted = set(ids) if ids is not None else None
        queue = sorted(
            (d for d in store.find(TABLE, state="queued") if wanted is None or d["id"] in wanted),
            key=lambda d: d["id"],
        )
        if not queue:
            return result
        if cfg.host:
            _send_smtp(store, cfg, queue, result)
        else:
            _send_eml(store, cfg, queue, result)
    return result


def _mark(store: Store, doc_id: int, changes: dict[str, Any]) -> None:
    with store.transaction(ACTOR) as tx:
        if "sent_at" in changes and changes["sent_at"] is True:
            changes = changes | {"sent_at": tx.ts}
        tx.update(TABLE, doc_id, changes)


def _claim(store: Store, doc: dict[str, Any], via: str, phase: str) -> dict[str, Any] | None:
    """Mark a queued message ``sending`` (False if someone dropped it meanwhile)."""
    with store.transaction(ACTOR) as tx:
        current = tx.get(TABLE, doc["id"])
        if current is None or current.get("state") != "queued":
            return None
        return tx.update(
            TABLE,
            doc["id"],
            {
                "state": "sending",
                "via": via,
                "phase": phase,
                "attempts": int(current.get("attempts", 0)) + 1,
            },
        )


def _send_eml(store: Store, cfg: mail.Config, queue: list[dict], result: Result) -> None:
    for doc in queue:
        doc = _claim(store, doc, "eml", "write")
        if doc is None:
            continue
        try:
            mail.write_eml(store, mail.build(doc, cfg))
        except OSError as exc:
            _mark(store, doc["id"], {"state": "queued", "phase": "", "error": f"cannot write "
                  f"{mail.eml_dir(store)}: {exc.strerror or exc}"})  # fmt: skip
            result.waiting += 1
            result.error = f"cannot write {mail.eml_dir(store)}: {exc.strerror or exc}"
            continue
        _mark(store, doc["id"], {"state": "sent", "phase": "", "error": "", "sent_at": True})
        result.sent += 1


def _send_smtp(store: Store, cfg: mail.Config, queue: list[dict], result: Result) -> None:
    conn = mail.Connection(cfg)
    try:
        conn.open()
    except mail.TransientError as exc:
        # The server is down: every message stays queued, with why, for the next run.
        with store.transaction(ACTOR) as tx:
            for doc in queue:
                tx.update(
                    TABLE,
                    doc["id"],
                    {"error": str(exc), "attempts": int(doc.get("attempts", 0)) + 1},
                )
        result.waiting += len(queue)
        result.error = str(exc)
        return
    try:
        for n, doc in enumerate(queue):
            claimed = _claim(store, doc, "smtp", "envelope")
            if claimed is None:
                continue
            message = mail.build(claimed, cfg)
            try:
                conn.envelope(message)
                _mark(store, claimed["id"], {"phase": "data"})
                conn.data(message)
            except mail.PermanentError as exc:
                _mark(store, claimed["id"], {"state": "failed", "phase": "", "error": str(exc)})
                result.failed += 1
                continue
            except mail.TransientError as exc:
                phase = store.get(TABLE, claimed["id"]) or {}
                if phase.get("phase") == "data":
                    # The connection broke while the body was going out: it may have arrived.
                    _mark(store, claimed["id"], {"state": "failed", "phase": "",
                                                 "error": f"{UNCERTAIN} ({exc})"})  # fmt: skip
                    result.failed += 1
                else:
                    _mark(store, claimed["id"], {"state": "queued", "phase": "", "error": str(exc)})
                    result.waiting += 1
                result.error = str(exc)
                if exc.disconnected:  # the rest stay queued for the next run
                    result.waiting += len(queue) - n - 1
                    return
                continue
            _mark(
                store, claimed["id"], {"state": "sent", "phase": "", "error": "", "sent_at": True}
            )
            result.sent += 1
    finally:
        conn.close()
