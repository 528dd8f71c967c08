"""Feedback after every visit: each person on it (visitor or host) rates it.

A rating is usefulness 1-5, "would do again" (yes, no, or not said) and "one thing I
learned" (optional, at most 500 characters, one line). One per person per visit: an
occurrence of a repeating visit (``20@2026-12-16``) is a visit of its own, and rating it
again changes your own rating (the history keeps the old one). Only its author may change
a rating, whatever their role (the rule is in ``core/access.py``).

Only a visit that took place can be rated: one that is **completed**, or **confirmed and
already begun** (held but not yet marked). Requested, cancelled and no-show visits, and
visits still to come, are refused with the reason.

:func:`feedback_summary` is the aggregate the department card, the CLI and reports show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from . import dates, models, schedule
from .access import guarded
from .models import Department, Feedback, Person, UserError, ValidationError, Visit, clean_line
from .store import Store

DIRECTIONS = ("it-to-library", "library-to-it")
RECENT_LEARNED = 5  # "one thing I learned" lines a summary carries, newest first


class FeedbackError(UserError):
    """A rating that cannot be saved, in one line."""


# ------------------------------------------------------------------ which visit
@dataclass(frozen=True)
class Target:
    """The visit a rating is about: its key as people type it and the record it points at
    (``None`` while an occurrence of a series has no record of its own yet)."""

    key: str
    occurrence: schedule.Occurrence
    record_id: int | None


def target(store: Store, ref: int | str) -> Target:
    """The visit ``ref`` names (``12``, ``20@2026-12-16``). Raises FeedbackError."""
    try:
        visit, day = schedule.locate(store, ref)
        if day is None and visit.rrule:
            first = dates.from_iso(visit.start).date().isoformat()
            raise FeedbackError(
                f"visit #{visit.id} repeats: rate one occurrence (e.g. {visit.id}@{first})"
            )
        occ = schedule.get_occurrence(store, ref)
    except schedule.ScheduleError as exc:
        raise FeedbackError(str(exc)) from None
    own = occ.series_id is None or occ.visit.series_id is not None
    return Target(occ.key, occ, occ.visit.id if own else None)


def _held(t: Target, now: datetime) -> None:
    status = t.occurrence.status
    if status == "completed":
        return
    if status == "confirmed" and t.occurrence.start <= now:
        return
    if status in ("requested", "confirmed"):
        why = "has not taken place yet" if t.occurrence.start > now else "was never confirmed"
        raise FeedbackError(
            f"visit #{t.key} {why}: only a visit that took place can be rated "
            "(completed, or confirmed and already begun)"
        )
    raise FeedbackError(
        f"visit #{t.key} is {status}: only a visit that took place can be rated "
        "(completed, or confirmed and already begun)"
    )


def _on_visit(t: Target, actor: Person) -> None:
    visit = t.occurrence.visit
    if actor.id not in visit.visitors and actor.id not in visit.hosts:
        raise FeedbackError(
            f"{actor.name} was not on visit #{t.key}: its visitors and hosts rate it"
        )


def can_rate(
    store: Store, actor: Person | None, ref: int | str, now: datetime | None = None
) -> str:
    """Why ``actor`` cannot rate the visit ``ref`` now, or "" if they can (for offering the
    form: the TUI asks this before it opens it)."""
    if actor is None:
        return "say who you are first"
    try:
        t = target(store, ref)
        _on_visit(t, actor)
        _held(t, now or dates.now())
    except FeedbackError as exc:
        return str(exc)
    return ""


def find(store: Store, record_id: int | None, author_id: int | None) -> Feedback | None:
    """``author_id``'s rating of the visit record ``record_id``, if any."""
    if record_id is None or author_id is None:
        return None
    found = store.find(Feedback.TABLE, visit_id=record_id, author_id=author_id)
    return Feedback.from_doc(found[0]) if found else None


def mine(store: Store, actor: Person, ref: int | str) -> Feedback | None:
    """The acting person's own rating of the visit ``ref`` (to fill the form), or None."""
    return find(store, target(store, ref).record_id, actor.id)


# ------------------------------------------------------------------ writing
def _yes_no(value: bool | str | None) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if text in ("yes", "y", "true"):
        return True
    if text in ("no", "n", "false"):
        return False
    if text in ("", "not said", "unsaid", "-"):
        return None
    raise ValidationError({"again": f"must be yes or no (got {value!r})"})


def _rating(value: int | str | None) -> int:
    try:
        number = int(str(value).strip()) if not isinstance(value, bool) else None
    except ValueError:
        number = None
    if number is None or not 1 <= number <= 5:
        raise ValidationError({"rating": f"must be a whole number from 1 to 5 (got {value!r})"})
    return number


@guarded("feedback")
def rate(
    store: Store,
    actor: Person,
    visit_ref: int | str,
    rating: int | str | None,
    *,
    again: bool | str | None = None,
    learned: str | None = None,
    now: datetime | None = None,
) -> tuple[Feedback, bool]:
    """Rate a visit as ``actor`` (a visitor or host on it), or change your own rating.

    ``rating``: 1-5 (None keeps your earlier one); ``again``: yes/no (None keeps it);
    ``learned``: one line (None keeps it, "" clears it). Returns the rating and whether it
    is new. Raises FeedbackError / ValidationError."""
    now = now or dates.now()
    t = target(store, visit_ref)
    _on_visit(t, actor)
    _held(t, now)
    existing = find(store, t.record_id, actor.id)
    if existing is not None:
        return _change(store, actor, existing, rating, again, learned), False
    fb = Feedback(
        visit_id=t.record_id or 1,  # (validated before the occurrence gets its record)
        author_id=actor.id,
        side=actor.side,
        rating=_rating(rating),
        again=_yes_no(again),
        learned=clean_line(learned),
        at=dates.to_iso(now),
    )
    fb.validate()
    with store.transaction(actor.name) as tx:
        # Under the lock, with what other processes wrote: never a second rating.
        raced = find(store, target(store, t.key).record_id, actor.id)
        if raced is None:
            fb.visit_id = schedule.attach_id(tx, store, t.key)
            fb.id = tx.insert(Feedback.TABLE, fb.to_doc(), summary=f"rating of visit #{t.key}")
            return fb, True
    return _change(store, actor, raced, rating, again, learned), False


@guarded("feedback", record="feedback_id")
def edit_feedback(
    store: Store,
    actor: Person,
    feedback_id: int | str,
    *,
    rating: int | str | None = None,
    again: bool | str | None = None,
    learned: str | None = None,
) -> Feedback:
    """Change a rating by its id: only its author may (a coordinator may not either)."""
    ref = str(feedback_id).strip().lstrip("#")
    doc = store.get(Feedback.TABLE, int(ref)) if ref.isascii() and ref.isdigit() else None
    if doc is None:
        raise FeedbackError(f"no rating #{ref} (see 'shadow feedback --list')")
    return _change(store, actor, Feedback.from_doc(doc), rating, again, learned)


def _change(store, actor, fb: Feedback, rating, again, learned) -> Feedback:
    if fb.author_id != actor.id:  # (the access rule says so too; never rely on one check)
        raise FeedbackError("only a rating's author can change it")
    changes: dict = {}
    if rating is not None:
        changes["rating"] = _rating(rating)
    if again is not None:
        changes["again"] = _yes_no(again)
    if learned is not None:
        changes["learned"] = clean_line(learned)
    updated = Feedback.from_doc(fb.to_doc() | changes)
    updated.id = fb.id
    updated.validate()
    changes = {k: v for k, v in changes.items() if getattr(fb, k) != v}
    if changes:
        with store.transaction(actor.name) as tx:
            tx.update(Feedback.TABLE, fb.id, changes)
    return updated


# ------------------------------------------------------------------ reading
@dataclass(frozen=True)
class Rating:
    """One rating as lists and pages show it."""

    feedback: Feedback
    visit_key: str  # 12, or 20@2026-12-16
    author: str
    department: str
    department_id: int | None
    direction: str  # it-to-library | library-to-it


def _key(visit: Visit) -> str:
    if visit.series_id is not None and visit.occurrence:
        return f"{visit.series_id}@{visit.occurrence[:10]}"
    return str(visit.id)


def direction_of(dept: dict | None) -> str:
    """The direction of a visit to this department record (the rule: models.direction_of)."""
    return models.direction_of((dept or {}).get("side"))


def ratings(
    store: Store,
    *,
    visit: int | str | None = None,
    department_id: int | None = None,
    direction: str | None = None,
    since: datetime | None = None,
) -> list[Rating]:
    """Ratings, newest first, filtered by visit (``12``, ``20@2026-12-16``), department,
    direction and the moment they were given."""
    if direction is not None and direction not in DIRECTIONS:
        raise FeedbackError(f"direction must be one of {', '.join(DIRECTIONS)}")
    only: int | None = None
    if visit is not None:
        only = target(store, visit).record_id
        if only is None:
            return []
    people = {d["id"]: d.get("name", "") for d in store.all(Person.TABLE)}
    depts = {d["id"]: d for d in store.all(Department.TABLE)}
    visits: dict[int, Visit] = {}
    out = []
    docs = store.find(Feedback.TABLE, visit_id=only) if only else store.all(Feedback.TABLE)
    for doc in docs:
        fb = Feedback.from_doc(doc)
        if since is not None and dates.from_iso(fb.at) < since:
            continue
        if fb.visit_id not in visits:
            vdoc = store.get(Visit.TABLE, fb.visit_id or 0)
            if vdoc is None:
                continue
            visits[fb.visit_id] = Visit.from_doc(vdoc)
        v = visits[fb.visit_id]
        dept = depts.get(v.department_id or 0)
        way = direction_of(dept)
        if department_id is not None and v.department_id != department_id:
            continue
        if direction is not None and way != direction:
            continue
        out.append(
            Rating(
                fb,
                _key(v),
                people.get(fb.author_id, f"#{fb.author_id}"),
                (dept or {}).get("name", f"department #{v.department_id}"),
                v.department_id,
                way,
            )
        )
    return sorted(out, key=lambda r: (r.feedback.at, r.feedback.id or 0), reverse=True)


@dataclass(frozen=True)
class SideFigures:
    count: int
    mean: float | None  # mean usefulness, one decimal; None without ratings
    again_pct: int | None  # % of those who answered "would do again" saying yes; None: nobody said


@dataclass(frozen=True)
class Learned:
    text: str
    side: str
    author: str
    visit_key: str
    at: str


@dataclass(frozen=True)
class FeedbackSummary:
    """What ratings say, for a department card, a report or ``shadow feedback --summary``.

    ``count``      ratings given
    ``mean``       mean usefulness 1-5, one decimal (None with no ratings)
    ``again_pct``  % of raters who said whether they would do it again and said yes
                   (None if nobody said); ``again_said`` is how many said
    ``by_side``    ``{"it": SideFigures, "library": SideFigures}``: IT raters and library
                   raters apart (each side rates the same visits from its own end)
    ``learned``    the newest "one thing I learned" lines (up to ``recent``), newest first
    """

    count: int
    mean: float | None
    again_pct: int | None
    again_said: int
    by_side: dict[str, SideFigures] = field(default_factory=dict)
    learned: tuple[Learned, ...] = ()

    def as_json(self) -> dict:
        return {
            "count": self.count,
            "mean": self.mean,
            "again_pct": self.again_pct,
            "again_said": self.again_said,
            "by_side": {
                side: {"count": f.count, "mean": f.mean, "again_pct": f.again_pct}
                for side, f in self.by_side.items()
            },
            "learned": [
                {"text": x.text, "side": x.side, "author": x.author, "visit": x.visit_key,
                 "at": x.at}
                for x in self.learned
            ],
        }  # fmt: skip


def _figures(found: list[Feedback]) -> tuple[int, float | None, int | None, int]:
    if not found:
        return 0, None, None, 0
    mean = round(sum(f.rating for f in found) / len(found), 1)
    said = [f.again for f in found if f.again is not None]
    pct = round(100 * sum(1 for a in said if a) / len(said)) if said else None
    return len(found), mean, pct, len(said)


def summarise(found: list[Rating], recent: int = RECENT_LEARNED) -> FeedbackSummary:
    """The figures of some ratings (as :func:`ratings` returns them, newest first)."""
    fbs = [r.feedback for r in found]
    count, mean, pct, said = _figures(fbs)
    by_side = {}
    for side in ("it", "library"):
        n, m, p, _ = _figures([f for f in fbs if f.side == side])
        by_side[side] = SideFigures(n, m, p)
    learned = tuple(
        Learned(r.feedback.learned, r.feedback.side, r.author, r.visit_key, r.feedback.at)
        for r in found
        if r.feedback.learned
    )[:recent]
    return FeedbackSummary(count, mean, pct, said, by_side, learned)


def feedback_summary(
    store: Store,
    department_id: int | None = None,
    direction: str | None = None,
    since: datetime | None = None,
    *,
    recent: int = RECENT_LEARNED,
) -> FeedbackSummary:
    """Ratings of visits to one department (or all), in one direction (or both), given
    since a moment (or ever): see :class:`FeedbackSummary` for the shape."""
    found = ratings(store, department_id=department_id, direction=direction, since=since)
    return summarise(found, recent)


def by_department(found: list[Rating]) -> list[tuple[str, FeedbackSummary]]:
    """The figures of some ratings per department (name order), for the coordinator's
    overview: which departments' visits people find useful, from both sides."""
    groups: dict[str, list[Rating]] = {}
    for r in found:
        groups.setdefault(r.department, []).append(r)
    return [(name, summarise(groups[name], recent=0)) for name in sorted(groups, key=str.casefold)]


def rating_line(fb: Feedback) -> str:
    """``4/5 · would do again · "..."`` (plain text; callers make it safe to show)."""
    again = {True: "would do again", False: "would not do again", None: ""}[fb.again]
    parts = [f"{fb.rating}/5", again, f'learned: "{fb.learned}"' if fb.learned else ""]
    return " · ".join(p for p in parts if p)
