"""The suggestion backlog: ITIL priority, lifecycle, votes, merging, service levels,
and the filtering/sorting the backlog screen pages through (kept here so 100,000
suggestions are filtered in plain Python, never in a widget). Over 500 lines: the
lifecycle, the clocks and the filter share the Row they all compute."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from . import models
from .access import guarded
from .dates import from_iso
from .directory import DirectoryError, find_department, matches, search_key
from .models import (
    DIRECTIONS,
    LEVELS,
    RISKS,
    SUGGESTION_STATUSES,
    Person,
    Suggestion,
    UserError,
    ValidationError,
    Visit,
    check_text,
    clean_line,
    parse_id,
)
from .store import Store

if TYPE_CHECKING:
    from .sla import Service

# ITIL impact x urgency -> priority (1 critical ... 5 planning)
MATRIX = {
    ("high", "high"): 1,
    ("high", "medium"): 2,
    ("high", "low"): 3,
    ("medium", "high"): 2,
    ("medium", "medium"): 3,
    ("medium", "low"): 4,
    ("low", "high"): 3,
    ("low", "medium"): 4,
    ("low", "low"): 5,
}
PRIORITY_NAMES = {1: "critical", 2: "high", 3: "moderate", 4: "low", 5: "planning"}
OPEN_STATUSES = ("new", "under review", "accepted", "in progress")
CLOSED_STATUSES = ("done", "declined", "duplicate")
TRANSITIONS = {
    "new": ("under review", "accepted", "declined", "duplicate"),
    "under review": ("accepted", "declined", "duplicate", "new"),
    "accepted": ("in progress", "done", "declined", "duplicate", "under review"),
    "in progress": ("done", "accepted", "declined"),
    "done": ("in progress",),  # reopen
    "declined": ("under review",),  # reconsider
    "duplicate": (),
}
# Moves back along the lifecycle: corrections, which need a reason kept in the history.
BACKWARD = {
    ("under review", "new"),
    ("accepted", "under review"),
    ("in progress", "accepted"),
    ("done", "in progress"),
    ("declined", "under review"),
}
DIRECTION_LABELS = models.DIRECTION_LABELS  # visits and suggestions share them


class BacklogError(UserError):
    """A request that cannot be carried out, in one line."""


# ------------------------------------------------------------------ priority
def raise_level(level: str) -> str:
    return {"low": "medium", "medium": "high", "high": "high"}[level]


def impact_used(impact: str, risks: list[str], override: str | None) -> str:
    """The impact used for priority: the reviewer's override, else raised one level by any risk."""
    if override:
        return override
    return raise_level(impact) if risks else impact


def ranking(impact: str, urgency: str, risks: list[str], override: str | None) -> tuple[str, int]:
    """(the impact used for priority, the priority) from a suggestion's fields: one rule
    for a Suggestion (below) and for a stored record read as it is (``rows``)."""
    used = impact_used(impact, risks, override)
    return used, MATRIX[(used, urgency)]


def effective_impact(s: Suggestion) -> str:
    return impact_used(s.impact, s.risks, s.impact_override)


def priority(s: Suggestion) -> int:
    return ranking(s.impact, s.urgency, s.risks, s.impact_override)[1]


def priority_reason(s: Suggestion) -> str:
    """``impact high x urgency medium = P2`` with why the impact is what it is."""
    impact = effective_impact(s)
    text = f"impact {impact} x urgency {s.urgency} = P{priority(s)}"
    if s.impact_override:
        text += f" (impact set by a reviewer; raised as {s.impact})"
    elif s.risks and impact != s.impact:
        text += f" (impact raised from {s.impact} by {', '.join(s.risks)} risk)"
    elif s.risks:
        text += f" ({', '.join(s.risks)} risk; impact already high)"
    return text


# ------------------------------------------------------------------ reading input
def _level(value: Any, name: str, errors: dict[str, str]) -> str:
    text = str(value or "").strip().lower()
    text = {"med": "medium", "h": "high", "m": "medium", "l": "low"}.get(text, text)
    if text not in LEVELS:
        errors[name] = f"must be high, medium or low (got {value!r})"
    return text


def suggestion_from_input(
    store: Store, values: dict[str, Any], base: Suggestion | None = None
) -> Suggestion:
    """Typed text (form, CLI) to a Suggestion. Keys: title, description, direction,
    visit, department, impact, urgency, risks, impact_override, tags. Errors keyed by those."""
    s = Suggestion.edited(base)
    errors: dict[str, str] = {}
    if "title" in values:
        s.title = (
            clean_line(values["title"]) if isinstance(values["title"], str) else values["title"]
        )
    if "description" in values:
        s.description = (values["description"] or "").strip()
    if "direction" in values and values["direction"]:
        d = str(values["direction"]).strip().lower().replace(" ", "-").replace("→", "to")
        d = {"it": "it-to-library", "library": "library-to-it", "lib-to-it": "library-to-it"}.get(
            d, d
        )
        if d not in DIRECTIONS:
            errors["direction"] = "must be it-to-library or library-to-it"
        s.direction = d
    for key in ("impact", "urgency"):
        if key in values and values[key]:
            setattr(s, key, _level(values[key], key, errors))
    if "impact_override" in values:
        raw = values["impact_override"]
        s.impact_override = _level(raw, "impact_override", errors) if raw else None
    if "risks" in values:
        raw = values["risks"]
        items = raw if isinstance(raw, list) else str(raw or "").split(",")
        risks = []
        for r in (str(x).strip().lower() for x in items):
            if not r:
                continue
            if r not in RISKS:
                errors["risks"] = f"each must be one of: {', '.join(RISKS)} (got {r!r})"
            elif r not in risks:
                risks.append(r)
        s.risks = risks
    if "tags" in values:
        raw = values["tags"]
        items = raw if isinstance(raw, list) else str(raw or "").split(",")
        s.tags = sorted({clean_line(str(t)).lower() for t in items if str(t).strip()})
    if "visit" in values:
        s.visit_id = None
        ref = str(values["visit"] or "").strip().lstrip("#")
        if ref:
            doc = store.get(Visit.TABLE, n) if (n := parse_id(ref)) else None
            if doc is None:
                errors["visit"] = f"no visit #{ref}"
            else:
                s.visit_id = doc["id"]
                if s.department_id is None:
                    s.department_id = doc.get("department_id")
    if "department" in values:
        text = str(values["department"] or "").strip()
        if text:
            try:
                s.department_id = find_department(store, text).id
            except DirectoryError as exc:
                errors["department"] = str(exc)
    try:
        s.validate()
    except ValidationError as exc:
        for key, msg in exc.errors.items():
            if (key == "author_id" and s.author_id is None) or (
                key == "direction" and not s.direction
            ):
                continue  # both come from whoever is acting when it is saved
            errors.setdefault(
                {"visit_id": "visit", "department_id": "department"}.get(key, key), msg
            )
    if errors:
        raise ValidationError(errors)
    return s


# ------------------------------------------------------------------ writing
def get(store: Store, suggestion_id: int | str) -> Suggestion:
    text = str(suggestion_id).strip().lstrip("#")
    doc = store.get(Suggestion.TABLE, n) if (n := parse_id(text)) else None
    if doc is None:
        raise BacklogError(f"no suggestion #{text} (see 'shadow list suggestions')")
    return Suggestion.from_doc(doc)


@guarded("suggestions")
def add(store: Store, actor: Person, s: Suggestion) -> int:
    s.author_id = actor.id
    if not s.direction:
        s.direction = "it-to-library" if actor.side == "it" else "library-to-it"
    s.status = "new"
    s.validate()
    with store.transaction(actor.name) as tx:
        return tx.insert(Suggestion.TABLE, s.to_doc(), summary=s.title)


def search(
    store: Store, typed: str, *, exclude: Iterable[int] = (), limit: int = 50
) -> list[Suggestion]:
    """The suggestions a picker offers for what was typed: a number (``12``, ``#12``) finds
    that one first, any text matches titles ignoring case and accents (``directory.matches``).
    Newest first; duplicates and ``exclude`` are left out."""
    text = (typed or "").strip()
    number = text.lstrip("#").strip()
    skip = set(exclude)
    found = []
    for doc in sorted(store.all(Suggestion.TABLE), key=lambda d: -d["id"]):
        if doc["id"] in skip or doc.get("status") == "duplicate":
            continue
        by_number = number.isascii() and number.isdigit() and str(doc["id"]) == number
        if by_number:
            found.insert(0, doc)
        elif matches(text, str(doc.get("title", ""))):
            found.append(doc)
    return [Suggestion.from_doc(d) for d in found[:limit]]


@guarded("triage")
def update(store: Store, actor: str, s: Suggestion, *, expect_version: int | None = None) -> bool:
    """Save a changed suggestion; False (and nothing written) when nothing changed.
    ``expect_version``: refuse (versions.StaleRecord) if it changed since that version."""
    from . import versions
    from .sla import record_priority_change

    def retime(tx: Any, before: dict | None) -> None:
        if before is not None and s.status in OPEN_STATUSES:
            record_priority_change(tx, s.id, priority(Suggestion.from_doc(before)), priority(s))

    return versions.save_changed(
        store, actor, Suggestion.TABLE, s, expect_version=expect_version, also=retime
    )


@guarded("triage")
def set_status(
    store: Store, actor: str, suggestion_id: int, status: str, reason: str = ""
) -> Suggestion:
    """Move along the lifecycle; every change records who, when and why."""
    if status not in SUGGESTION_STATUSES:
        raise BacklogError(f"status must be one of: {', '.join(SUGGESTION_STATUSES)}")
    if status == "duplicate":
        raise BacklogError("to mark a duplicate, merge it into the suggestion it repeats")
    s = get(store, suggestion_id)
    allowed = TRANSITIONS[s.status]
    if status not in allowed:
        if not allowed:
            raise BacklogError(
                f"suggestion #{s.id} is {s.status}, which is final"
                + (f" (merged into #{s.duplicate_of})" if s.duplicate_of else "")
            )
        raise BacklogError(
            f"suggestion #{s.id} is {s.status}; it can become {', '.join(allowed)}, not {status}"
        )
    reason = (reason or "").strip()
    check_text("reason", reason)
    if status == "declined" and not reason:
        raise BacklogError("declining needs a reason (say why, so the author hears back)")
    if (s.status, status) in BACKWARD and not reason:
        raise BacklogError(
            f"suggestion #{s.id} going back from {s.status} to {status} is a correction: "
            "give the reason (--reason TEXT), it is kept in the history"
        )
    from . import outbox  # (with mail: not imported by every command that imports this)

    with store.transaction(actor) as tx:
        changes: dict[str, Any] = {"status": status, "reason": reason}
        if not s.triaged:
            changes["triaged"] = tx.ts
        if status in ("done", "declined"):
            changes["closed"] = tx.ts
        elif s.closed:
            changes["closed"] = None  # reopened
        tx.update(Suggestion.TABLE, s.id, changes)
        outbox.suggestion_changed(tx, store, s.id, s.status)
    return get(store, s.id)


@guarded("votes")
def vote(store: Store, actor: Person, suggestion_id: int, *, withdraw: bool = False) -> int:
    """One vote per person; returns the new count."""
    with store.transaction(actor.name) as tx:
        s = get(store, suggestion_id)
        if s.status in CLOSED_STATUSES and not withdraw:
            raise BacklogError(f"suggestion #{s.id} is {s.status}; votes are for open suggestions")
        votes = list(s.votes)
        if withdraw:
            if actor.id not in votes:
                raise BacklogError(f"{actor.name} has not voted for #{s.id}")
            votes.remove(actor.id)
        else:
            if actor.id in votes:
                raise BacklogError(f"{actor.name} has already voted for #{s.id} (one vote each)")
            votes.append(actor.id)
        tx.update(Suggestion.TABLE, s.id, {"votes": votes})
        return len(votes)


@guarded("triage")
def merge(store: Store, actor: str, duplicate_id: int, survivor_id: int) -> Suggestion:
    """Fold a duplicate into the suggestion it repeats: votes move (each person once),
    its observations are linked, tags are joined, and it ends as ``duplicate``."""
    if int(duplicate_id) == int(survivor_id):
        raise BacklogError("a suggestion cannot be merged into itself")
    with store.transaction(actor) as tx:
        dup, keep = get(store, duplicate_id), get(store, survivor_id)
        if dup.status == "duplicate":
            raise BacklogError(f"#{dup.id} is already a duplicate of #{dup.duplicate_of}")
        if dup.status in ("done", "declined"):
            raise BacklogError(
                f"#{dup.id} is {dup.status}, which is closed: only an open suggestion can be "
                f"merged as a duplicate (it can become {', '.join(TRANSITIONS[dup.status])})"
            )
        if keep.status == "duplicate":
            raise BacklogError(
                f"#{keep.id} is itself a duplicate of #{keep.duplicate_of}; merge into that"
            )
        votes = list(keep.votes) + [v for v in dup.votes if v not in keep.votes]
        observations = list(keep.observations) + [
            o for o in dup.observations if o not in keep.observations
        ]
        tx.update(
            Suggestion.TABLE,
            keep.id,
            {
                "votes": votes,
                "observations": observations,
                "tags": sorted(set(keep.tags) | set(dup.tags)),
                "merged_from": sorted(set(keep.merged_from) | {dup.id}),
            },
        )
        tx.update(
            Suggestion.TABLE,
            dup.id,
            {
                "status": "duplicate",
                "duplicate_of": keep.id,
                "votes": [],
                "reason": f"merged into #{keep.id}",
                "triaged": dup.triaged or tx.ts,
                "closed": tx.ts,
            },
        )
    return get(store, survivor_id)


# ------------------------------------------------------------------ the backlog view
@dataclass
class Row:
    """One suggestion as the backlog shows it (precomputed for fast filter/sort)."""

    id: int
    title: str
    priority: int
    impact: str
    urgency: str
    direction: str
    department: str
    status: str
    votes: int
    created: str
    author: str
    tags: tuple[str, ...]
    text: str = field(repr=False, default="")  # lower-cased search text
    sla: str = "none"  # met | breached | at risk | running | none | PENDING (not worked out yet)


PENDING = "pending"  # a row's service level not worked out yet (``rows(..., pending=True)``)
_DEFAULTS = Suggestion.defaults()  # what a stored record lacks reads as (only read here)


def rows(
    store: Store,
    now: datetime | None = None,
    ids: Iterable[int] | None = None,
    *,
    open_only: bool = False,
    sla: bool = True,
    pending: bool = False,
    search: bool = True,
    keep: dict[int, tuple[dict[str, Any], Suggestion]] | None = None,
) -> list[Row]:
    """The backlog's rows, read off the stored records (with the Suggestion's defaults
    for what one lacks). ``ids``: only those (a screen refreshing a few); ``open_only``:
    only the open ones (the Dashboard). ``sla=False``: no clocks (most of the cost), each
    row's ``sla`` "none" for a caller that neither shows, filters nor sorts by it, or
    PENDING with ``pending``, for one that works them out later (:func:`sla_states`);
    ``search=False``: each row's ``text`` is "", for one that does not search. ``keep``:
    given each row's stored document and Suggestion by id, for a caller that presents
    the rows it picks (``list suggestions --json``) without building them twice."""
    from .dates import now as _now

    now = now or _now()
    people = {d["id"]: d.get("name", "") for d in store.all(Person.TABLE)}
    depts = {d["id"]: d.get("name", "") for d in store.all("departments")}
    from .sla import service

    svc = service(store) if sla else None
    pairs = _stored(store, ids, open_only)
    out = []
    names: dict[str, str] = {}  # a department's or person's search key, once each

    def name_key(name: str) -> str:
        found = names.get(name)
        if found is None:
            found = names[name] = search_key(name)
        return found

    no_state = PENDING if pending and not sla else "none"
    D = _DEFAULTS
    for sid, d in pairs:
        state = no_state
        if svc is not None or keep is not None:
            s = Suggestion.from_doc(d)
            s.id = sid
            if keep is not None:
                keep[sid] = (dict(d, id=sid), s)
            if svc is not None:
                state = _state(svc, s, d, now)
        get = d.get
        title, urgency = get("title", D["title"]), get("urgency", D["urgency"])
        impact, prio = ranking(
            get("impact", D["impact"]), urgency, get("risks", D["risks"]),
            get("impact_override", D["impact_override"]),
        )  # fmt: skip
        dept_id, tags = get("department_id", D["department_id"]), get("tags", D["tags"])
        dept = depts.get(dept_id, "") if dept_id else ""
        author = people.get(get("author_id", D["author_id"]), "")
        text = ""
        if search:
            description = get("description", D["description"])
            text = _search_text(title, description, tags, name_key(dept), name_key(author))
        out.append(
            Row(
                id=sid,
                title=title,
                priority=prio,
                impact=impact,
                urgency=urgency,
                direction=get("direction", D["direction"]),
                department=dept,
                status=get("status", D["status"]),
                votes=len(get("votes", D["votes"])),
                created=get("created", ""),
                author=author,
                tags=tuple(tags),
                text=text,
                sla=state,
            )
        )
    return out


def _stored(
    store: Store, ids: Iterable[int] | None, open_only: bool
) -> list[tuple[int, dict[str, Any]]]:
    """(id, record) of the suggestions ``rows`` reads: all (as stored, not copied: only
    read), or those ``ids``; only the open ones with ``open_only``."""
    if ids is None:
        pairs = store.stored(Suggestion.TABLE)
    else:
        found = (store.get(Suggestion.TABLE, i) for i in ids)
        pairs = [(d["id"], d) for d in found if d is not None]
    if open_only:
        pairs = [(i, d) for i, d in pairs if d.get("status", "new") in OPEN_STATUSES]
    return pairs


def _state(svc: Service, s: Suggestion, d: dict[str, Any], now: datetime) -> str:
    """A suggestion's service level as its row shows it ("none" without a created time)."""
    return svc.state(s, d["created"], now) if d.get("created") else "none"


def sla_states(
    store: Store, pairs: Iterable[tuple[int, dict[str, Any]]], now: datetime
) -> dict[int, str]:
    """The service level of each (id, stored record) as ``rows`` works it out (the same
    ``now``): for the rows a screen read with ``pending=True``."""
    from .sla import service

    svc = service(store)
    out = {}
    for sid, d in pairs:
        s = Suggestion.from_doc(d)
        s.id = sid
        out[sid] = _state(svc, s, d, now)
    return out


def _search_text(
    title: str, description: str, tags: Iterable[str], dept_key: str, author_key: str
) -> str:
    """``search_key`` of the title, description, department, author and tags joined by
    spaces, from each part's own key (the same words: a key is its text's words made
    plain and joined by one space; names are keyed once for every row they are in)."""
    parts = (search_key(title), search_key(description), dept_key, author_key)
    return " ".join(p for p in (*parts, *map(search_key, tags)) if p)


@dataclass
class Filter:
    text: str = ""
    status: str = ""  # a status, "open" or "closed"
    priority: int | None = None
    direction: str = ""
    department: str = ""
    tag: str = ""
    author: str = ""
    sla: str = ""  # breached | at risk

    def describe(self) -> str:
        parts = [
            f'"{self.text}"' if self.text else "",
            f"status {self.status}" if self.status else "",
            f"P{self.priority}" if self.priority else "",
            DIRECTION_LABELS.get(self.direction, "") if self.direction else "",
            f"department {self.department}" if self.department else "",
            f"tag {self.tag}" if self.tag else "",
            f"by {self.author}" if self.author else "",
            f"SLA {self.sla}" if self.sla else "",
        ]
        return ", ".join(p for p in parts if p) or "everything"

    def active(self) -> bool:
        return self.describe() != "everything"


def apply(all_rows: Iterable[Row], f: Filter) -> list[Row]:
    text = search_key(f.text)
    dept, tag, author = search_key(f.department), f.tag.casefold(), search_key(f.author)
    out = []
    for r in all_rows:
        if text and text not in r.text:
            continue
        if f.status == "open":
            if r.status not in OPEN_STATUSES:
                continue
        elif f.status == "closed":
            if r.status not in CLOSED_STATUSES:
                continue
        elif f.status and r.status != f.status:
            continue
        if f.priority and r.priority != f.priority:
            continue
        if f.direction and r.direction != f.direction:
            continue
        if dept and search_key(r.department) != dept:
            continue
        if tag and tag not in r.tags:
            continue
        if author and search_key(r.author) != author:
            continue
        if f.sla and r.sla != f.sla:
            continue
        out.append(r)
    return out


SORT_KEYS = {
    "priority": lambda r: (r.priority, -r.votes, r.created),
    "title": lambda r: r.title.casefold(),
    "direction": lambda r: r.direction,
    "department": lambda r: r.department.casefold(),
    "status": lambda r: SUGGESTION_STATUSES.index(r.status),
    "votes": lambda r: (-r.votes, r.priority),
    "age": lambda r: r.created,
    "author": lambda r: r.author.casefold(),
    "id": lambda r: r.id,
    "sla": lambda r: (_SLA_ORDER.get(r.sla, len(_SLA_ORDER)), r.priority),
}
_SLA_ORDER = {"breached": 0, "at risk": 1, "running": 2, "met": 3, "none": 4}


def sort(found: list[Row], key: str = "priority", reverse: bool = False) -> list[Row]:
    if key not in SORT_KEYS:
        raise BacklogError(f"sort by one of: {', '.join(SORT_KEYS)}")
    return sorted(found, key=SORT_KEYS[key], reverse=reverse)


def age_days(created: str, now: datetime) -> int:
    try:
        return max(0, (now - from_iso(created)).days)
    except ValueError:
        return 0


# ------------------------------------------------------------------ service levels
# Targets, clocks and waiting live in .sla (working time, from the service calendar).
