"""Follow-up actions: what is to be done, by whom, by when; tracked to done."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from . import dates, outbox
from .access import guarded
from .backlog import BacklogError
from .backlog import get as get_suggestion
from .dates import DateError
from .directory import DirectoryError, find_person
from .models import (
    Action,
    Observation,
    Person,
    Suggestion,
    UserError,
    ValidationError,
    Visit,
    check_text,
    clean_line,
    parse_id,
)
from .plain import count
from .store import Store

TRANSITIONS = {
    "open": ("in progress", "done", "dropped"),
    "in progress": ("done", "dropped", "open"),
    "done": ("open",),  # reopen
    "dropped": ("open",),
}
LIVE_STATUSES = ("open", "in progress")  # an action still to be done
DUE_SOON_DAYS = 7
# Records of one table that views() reads by id (Store.get_many) where its actions point
# at no more; more, and it reads the table.
FEW_BY_ID = 100
DUE_AHEAD = timedelta(days=3 * 366)  # a due date further off is a typo, not a plan
DUE_BEHIND = timedelta(days=366)


class ActionError(UserError):
    pass


@dataclass
class Outcome:
    message: str
    # set when this finished the last open action of an accepted/in-progress suggestion
    suggestion_ready: int | None = None


def get(store: Store, action_id: int | str) -> Action:
    text = str(action_id).strip().lstrip("#")
    doc = store.get(Action.TABLE, n) if (n := parse_id(text)) else None
    if doc is None:
        raise ActionError(f"no action #{text} (see 'shadow list actions')")
    return Action.from_doc(doc)


def action_from_input(
    store: Store,
    values: dict[str, Any],
    base: Action | None = None,
    *,
    now_: datetime | None = None,
    dayfirst: bool = True,
) -> Action:
    """Typed text to an Action. Keys: title, owner, due, suggestion, observation, visit, notes."""
    a = Action.edited(base)
    errors: dict[str, str] = {}
    if "title" in values:
        a.title = clean_line(values["title"] or "")
    if "owner" in values:
        text = str(values["owner"] or "").strip()
        a.owner_id = None
        if text:
            try:
                owner = find_person(store, text)
                if not owner.active:
                    errors["owner"] = f"{owner.name} is marked inactive"
                a.owner_id = owner.id
            except DirectoryError as exc:
                errors["owner"] = str(exc)
        else:
            errors["owner"] = "is required"
    if "due" in values:
        text = str(values["due"] or "").strip()
        a.due = None
        if text:
            try:
                due = dates.parse_day(text, now_=now_, dayfirst=dayfirst)
                today = (now_ or dates.now()).date()
                if due > today + DUE_AHEAD:
                    errors["due"] = f"{dates.format_day(due)} is more than three years ahead"
                elif due < today - DUE_BEHIND and (base is None or base.due != due.isoformat()):
                    errors["due"] = f"{dates.format_day(due)} is more than a year ago"
                else:
                    a.due = due.isoformat()
            except DateError as exc:
                errors["due"] = str(exc)
    for key, model in (("suggestion", Suggestion), ("observation", Observation), ("visit", Visit)):
        if key in values:
            ref = str(values[key] or "").strip().lstrip("#")
            setattr(a, f"{key}_id", None)
            if ref:
                if not parse_id(ref) or store.get(model.TABLE, int(ref)) is None:
                    errors[key] = f"no {key} #{ref}"
                else:
                    setattr(a, f"{key}_id", int(ref))
    if "notes" in values:
        a.notes = (values["notes"] or "").strip()
    try:
        a.validate()
    except ValidationError as exc:
        for key, msg in exc.errors.items():
            name = {"owner_id": "owner", "suggestion_id": "suggestion", "visit_id": "visit"}.get(
                key, key
            )
            errors.setdefault(name, msg)
    if errors:
        raise ValidationError(errors)
    return a


@guarded("actions", record="action")
def add(store: Store, actor: str, action: Action) -> int:
    action.status = "open"
    action.validate()
    with store.transaction(actor) as tx:
        aid = tx.insert(Action.TABLE, action.to_doc(), summary=action.title)
        outbox.action_changed(tx, store, aid, None)
        return aid


@guarded("actions", record="action_id")
def set_status(
    store: Store, actor: str, action_id: int | str, status: str, reason: str = ""
) -> Outcome:
    """Move an action along; dropping needs a reason; finishing the last open action of an
    accepted suggestion says so (the caller offers to mark the suggestion done)."""
    a = get(store, action_id)
    allowed = TRANSITIONS.get(a.status, ())
    if status not in allowed:
        raise ActionError(
            f"action #{a.id} is {a.status}; it can become {', '.join(allowed)}, not {status}"
        )
    reason = (reason or "").strip()
    check_text("reason", reason)
    if status == "dropped" and not reason:
        raise ActionError("dropping an action needs a reason")
    if status == "open" and a.status in ("done", "dropped") and not reason:
        raise ActionError(
            f"reopening action #{a.id} ({a.status}) needs a reason, kept in its history "
            "(--reason TEXT)"
        )
    with store.transaction(actor) as tx:
        changes: dict[str, Any] = {"status": status}
        if reason:
            changes["reason"] = reason
        changes["done_at"] = tx.ts if status == "done" else None
        tx.update(Action.TABLE, a.id, changes)
    ready = None
    if status in ("done", "dropped") and a.suggestion_id:
        ready = suggestion_ready(store, a.suggestion_id)
    verb = {
        "done": "done",
        "dropped": "dropped",
        "in progress": "in progress",
        "open": "open again",
    }[status]
    return Outcome(f"action #{a.id} is {verb}", ready)


def suggestion_ready(store: Store, suggestion_id: int) -> int | None:
    """The suggestion's id if it is accepted/in progress and none of its actions are still open."""
    try:
        s = get_suggestion(store, suggestion_id)
    except BacklogError:
        return None
    if s.status not in ("accepted", "in progress"):
        return None
    mine = store.find(Action.TABLE, suggestion_id=suggestion_id)
    if not mine or any(d["status"] in LIVE_STATUSES for d in mine):
        return None
    if not any(d["status"] == "done" for d in mine):
        return None
    return s.id


@guarded("actions", record="action")
def update(store: Store, actor: str, action: Action, *, expect_version: int | None = None) -> bool:
    """Save a changed action; False (and nothing written) when nothing changed.
    ``expect_version``: refuse (versions.StaleRecord) if it changed since that version."""
    from . import versions

    return versions.save_changed(
        store,
        actor,
        Action.TABLE,
        action,
        expect_version=expect_version,
        also=lambda tx, before: outbox.action_changed(tx, store, action.id, before),
    )


def add_note(store: Store, actor: str, action_id: int | str, text: str) -> Action:
    """Add a line to an action's notes (what ``shadow action note`` does; the TUI's action
    dialog too). The whole note is kept in the history. Raises ActionError on empty text."""
    check_text("note", text)
    line = (text or "").strip()
    if not line:
        raise ActionError("a note needs some text")
    action = get(store, action_id)
    action.notes = (action.notes + "\n" if action.notes else "") + line
    update(store, actor, action)  # (checks who may change it)
    return action


@dataclass
class ActionView:
    action: Action
    owner: str
    department: str
    overdue: bool
    due_soon: bool
    origin: str  # "suggestion #3: title"


def views(
    store: Store,
    today: date | None = None,
    only: Callable[[Action], bool] | None = None,
    *,
    stored: Callable[[dict], bool] | None = None,
) -> list[ActionView]:
    """Every action with what the actions screen and reports need, overdue first;
    ``only``: just the actions it accepts (the meeting pack: the open ones and those done
    lately, not ten years of finished ones; the Dashboard: the acting person's). The
    tables they point into are read only for them. Every action's views are worked out
    once per change of the database (:meth:`Store.derived`): a call that names ``only``
    after them picks from those. ``stored`` (with ``only``): a test of the stored record
    that every action ``only`` accepts passes, so that the others are not even built."""
    today = today or dates.now().date()
    key = ("actions.views", today)
    if only is None:
        return list(store.derived(key, lambda: _views(store, today)) or ())
    every = store.derived(key)
    if every is not None:
        return [v for v in every if only(v.action)]  # (sorted: filtering keeps the order)
    return _views(store, today, only, stored)


def _views(
    store: Store,
    today: date,
    only: Callable[[Action], bool] | None = None,
    stored: Callable[[dict], bool] | None = None,
) -> list[ActionView]:
    people = {d["id"]: d.get("name", "") for d in store.all(Person.TABLE)}
    depts = {d["id"]: d.get("name", "") for d in store.all("departments")}
    if stored is None:
        docs = store.all(Action.TABLE)
    else:  # (passed over as stored; only the few it lets through are copied)
        docs = [dict(d, id=k) for k, d in store.stored(Action.TABLE) if stored(d)]
    built = [Action.from_doc(doc) for doc in docs]
    if only is not None:
        built = [a for a in built if only(a)]

    # Only the records actions point into are read: ten years of notes are not, when no
    # action comes from a note, and a few actions' suggestions are read by id.
    def table(name: str, ids: set[Any]) -> dict[int, dict]:  # (only read, never changed)
        ids.discard(None)
        if len(ids) > FEW_BY_ID:
            return dict(store.stored(name))  # (as stored, not copied)
        return store.get_many(name, ids) if ids else {}

    suggestions = table(Suggestion.TABLE, {a.suggestion_id for a in built})
    observations = table(Observation.TABLE, {a.observation_id for a in built})
    visits = table(  # (a note's department is its visit's)
        Visit.TABLE,
        {a.visit_id for a in built} | {o.get("visit_id") for o in observations.values()},
    )
    out = []
    for a in built:
        live = a.status in LIVE_STATUSES
        due = date.fromisoformat(a.due) if a.due else None
        dept_id = None
        origin = ""
        if a.suggestion_id and a.suggestion_id in suggestions:
            s = suggestions[a.suggestion_id]
            dept_id = s.get("department_id")
            origin = f"suggestion #{a.suggestion_id}: {s.get('title', '')}"
        elif a.observation_id and a.observation_id in observations:
            o = observations[a.observation_id]
            dept_id = visits.get(o.get("visit_id"), {}).get("department_id")
            origin = f"note #{a.observation_id} on visit #{o.get('visit_id')}"
        elif a.visit_id and a.visit_id in visits:
            dept_id = visits[a.visit_id].get("department_id")
            origin = f"visit #{a.visit_id}"
        out.append(
            ActionView(
                action=a,
                owner=people.get(a.owner_id, f"#{a.owner_id}"),
                department=depts.get(dept_id, "") if dept_id else "",
                overdue=bool(live and due and due < today),
                due_soon=bool(
                    live and due and today <= due <= today + timedelta(days=DUE_SOON_DAYS)
                ),
                origin=origin,
            )
        )
    return sorted(out, key=sort_key)


def overdue_of(store: Store, today: date, owner_id: int | None) -> list[ActionView]:
    """The views of ``owner_id``'s overdue actions (the Dashboard's list, as
    :func:`views` orders them). Only the records that may be overdue are built and their
    origins read: not 15,000 actions, nor the suggestions behind a person's 100 actions
    done or not yet due (they pointed all over a table of 20,000)."""
    before = today.isoformat()

    def maybe(owner: Any, status: Any, due: Any) -> bool:
        """The owner's, live, and due before today, or on a day its text does not tell at
        a glance (ActionView.overdue decides)."""
        if owner != owner_id or status not in LIVE_STATUSES or not due:
            return False
        plain = isinstance(due, str) and len(due) == 10 and due[4] == due[7] == "-"
        return not plain or due < before

    found = views(
        store,
        today,
        lambda a: maybe(a.owner_id, a.status, a.due),
        stored=lambda d: maybe(d.get("owner_id"), d.get("status", "open"), d.get("due")),
    )
    return [v for v in found if v.overdue]


def sort_key(v: ActionView) -> tuple:
    live = v.action.status in LIVE_STATUSES
    return (not live, not v.overdue, v.action.due or "9999-12-31", v.action.id or 0)


def reminders(store: Store, person: Person, now: datetime | None = None) -> str:
    """One line for the acting person on opening: overdue actions and visits in the next 48 hours."""
    from .schedule import occurrences, visits_near

    now = now or dates.now()
    today = now.date()
    # Only this person's live actions with a due day matter: not every action's view.
    overdue = [
        a
        for a in (Action.from_doc(d) for d in store.find(Action.TABLE, owner_id=person.id))
        if a.status in LIVE_STATUSES and a.due and date.fromisoformat(a.due) < today
    ]
    until = now + timedelta(hours=48)
    soon = [
        o
        for o in occurrences(store, now, until, visits_near(store, now, until))
        if person.id in o.people and o.status in ("requested", "confirmed")
    ]
    parts = []
    if overdue:
        parts.append(count(len(overdue), "overdue action"))
    if soon:
        first = soon[0]
        parts.append(
            f"{count(len(soon), 'visit')} in the next 48 hours "
            f"(next: {dates.format_moment(first.start)})"
        )
    return "; ".join(parts)


def ensure_owner(store: Store, ref: str) -> Person:
    try:
        return find_person(store, ref)
    except DirectoryError as exc:
        raise ActionError(str(exc)) from None
