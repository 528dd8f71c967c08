"""The department card: one place a department head reads before the fortnightly meeting.

``read_card(store, ref, now) -> DepartmentCard`` (frozen, pure, no Textual) gathers, for a
library department or an IT team: its liaison (and whether the rotation is due) and hosts,
coverage both ways (who has visited it; how its own people have visited the other side),
recent and coming visits, open suggestions and actions, service-level breaches, kudos both
ways, the perception-gap trend, and secondments. ``shadow department show`` (text and
``--json``) and the TUI's department page both show this one read-model.

It also carries the visit ratings (``core/feedback.py``: both sides apart, what was
learned) and the anonymous perception pulse (``core/pulse.py``: figures only from months
with at least five answers).

(Over 500 lines: one read-model and its two renderings, text and JSON, kept together.)
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from . import actions, backlog, coverage, feedback, liaison, pulse, secondments, surveys
from .backlog import OPEN_STATUSES, Row
from .directory import find_department
from .models import (
    DIRECTION_LABELS,
    Department,
    Kudos,
    Person,
    Suggestion,
    Visit,
)
from .occurrence_index import OccurrenceIndex
from .plain import count
from .store import Store

PAST_DAYS = 90  # recent visits: this far back ...
AHEAD_DAYS = 30  # ... and this far ahead
VISITS_SHOWN = 12
KUDOS_SHOWN = 8
LIST_LIMIT = 20


class CardLine(str):
    """One line of the card: its text, and how it reads beside the others. ``quiet``:
    the line says there is nothing to show (shown muted); ``alert``: something is due
    (shown as a warning). The CLI prints the text; the TUI styles it by these flags."""

    quiet: bool
    alert: bool

    def __new__(cls, text: str, *, quiet: bool = False, alert: bool = False) -> CardLine:
        line = super().__new__(cls, text)
        line.quiet, line.alert = quiet, alert
        return line


def _nothing(text: str) -> list[str]:
    """The one line of a section with nothing to show."""
    return [CardLine(text, quiet=True)]


@dataclass(frozen=True)
class CoverageWay:
    """Coverage in one direction, seen from the department."""

    direction: str
    label: str  # "IT staff who visited Circulation" / "Circulation's staff visiting IT teams"
    visited: int  # pairs visited within the programme's cadence
    total: int  # pairs the matrix holds
    never: int  # pairs never visited
    last: date | None  # the latest completed visit counted here

    @property
    def share(self) -> float:
        return self.visited / self.total if self.total else 0.0


@dataclass(frozen=True)
class VisitLine:
    key: str
    start: datetime
    end: datetime
    status: str
    visitors: list[str]
    hosts: list[str]
    direction: str


@dataclass(frozen=True)
class KudosLine:
    sender: str
    recipient: str
    to_side: str  # the recipient's side: "it" or "library"
    text: str
    when: str  # ISO timestamp


@dataclass(frozen=True)
class DepartmentCard:
    department: Department
    direction: str
    now: datetime
    hosts: list[str]
    members: list[str]  # people whose department this is
    rotation: liaison.Rotation
    coverage: list[CoverageWay]
    visits: list[VisitLine]
    suggestions: list[Row]  # open
    actions: list[actions.ActionView]  # open or in progress
    breaches: list[Row]
    kudos: list[KudosLine]
    gap: surveys.DepartmentGap | None
    secondments: list[secondments.SecondmentView]
    ratings: feedback.FeedbackSummary | None = None  # visit ratings (core/feedback.py)
    pulse: pulse.PulseSummary | None = None  # the anonymous pulse, thresholded (core/pulse.py)
    notes: list[str] = field(default_factory=list)


def _members(store: Store, dept: Department) -> list[Person]:
    """The department's people: its own (``department_id``), and for an IT team the IT
    staff whose team carries its name."""
    found = []
    for d in store.all(Person.TABLE):
        p = Person.from_doc(d)
        if not p.active:
            continue
        if p.department_id == dept.id or (
            dept.side == "it"
            and p.side == "it"
            and p.team
            and p.team.casefold() == dept.name.casefold()
        ):
            found.append(p)
    return sorted(found, key=lambda p: p.name.casefold())


def _coverage(
    store: Store,
    dept: Department,
    members: list[Person],
    now: datetime,
    card_visits: tuple[list[dict[str, Any]], OccurrenceIndex],
) -> list[CoverageWay]:
    ways = []
    # (the same for both ways; the card's visits are every visit either way counts)
    docs, index = card_visits
    seen = coverage.visit_figures(store, now, index, visits=docs)
    # (its column and its people's rows of each way's matrix, not the whole matrices)
    inbound = coverage.cells(store, now, dept.direction, seen, departments={dept.id})
    cells = list(inbound.values())
    visitors = "library staff" if dept.side == "it" else "IT staff"
    ways.append(
        CoverageWay(
            dept.direction,
            f"{visitors} who visited {dept.name}",
            sum(1 for c in cells if c.state in ("fresh", "ageing")),
            len(cells),
            sum(1 for c in cells if c.state == "never"),
            max((c.last for c in cells if c.last), default=None),
        )
    )
    other = "library-to-it" if dept.direction == "it-to-library" else "it-to-library"
    outbound = coverage.cells(store, now, other, seen, people={p.id for p in members})
    cells = list(outbound.values())
    places = "IT teams" if other == "library-to-it" else "library departments"
    ways.append(
        CoverageWay(
            other,
            f"{dept.name}'s people visiting {places}",
            sum(1 for c in cells if c.state in ("fresh", "ageing")),
            len(cells),
            sum(1 for c in cells if c.state == "never"),
            max((c.last for c in cells if c.last), default=None),
        )
    )
    return ways


def _card_visits(
    stored: list[tuple[int, dict[str, Any]]], dept_id: int, members: set[int]
) -> list[dict]:
    """The visits a card counts: to the department, or by one of its people (its coverage
    both ways is made of these pairs only), each with its whole series (a series and its
    overrides are expanded together), not ten years of every department's visits.
    ``stored``: (id, stored visit) pairs; only the visits counted are copied."""
    wanted = {
        d.get("series_id") or k
        for k, d in stored
        if d.get("department_id") == dept_id or not members.isdisjoint(d.get("visitors") or ())
    }
    return [dict(d, id=k) for k, d in stored if (d.get("series_id") or k) in wanted]


def read_card(store: Store, ref: int | str, now: datetime) -> DepartmentCard:
    """The card of the department named (or numbered) ``ref``, as of ``now``."""
    dept = find_department(store, ref)
    # (the stored records are read, not copied: ten years of visits and suggestions are
    # passed over for the few the card counts)
    staff = store.stored(Person.TABLE)
    people = {k: d.get("name", "") for k, d in staff}
    sides = {k: d.get("side", "it") for k, d in staff}
    members = _members(store, dept)
    member_ids = {p.id for p in members} | set(dept.hosts)
    today = now.date()

    stored = store.stored(Visit.TABLE)
    visit_ids = {k for k, d in stored if d.get("department_id") == dept.id}
    # the visits by day, for the card and its coverage: only those the card counts
    mine = _card_visits(stored, dept.id, {p.id for p in members})
    index = OccurrenceIndex(mine)
    visits = _visit_lines(index, dept, people, now)

    # suggestions and actions: about the department, or raised on a visit to it
    ids = [
        k
        for k, d in store.stored(Suggestion.TABLE)
        if d.get("department_id") == dept.id or d.get("visit_id") in visit_ids
    ]
    rows = backlog.rows(store, now, ids) if ids else []
    open_rows = sorted(
        (r for r in rows if r.status in OPEN_STATUSES), key=lambda r: (r.priority, r.created, r.id)
    )
    breaches = [r for r in open_rows if r.sla == "breached"]
    open_actions = sorted(
        (
            v
            for v in actions.views(
                store,
                today,
                lambda a: a.status in ("open", "in progress"),
                stored=lambda d: d.get("status", "open") in ("open", "in progress"),
            )  # (not ten years of done actions built, where no other read built them all)
            if v.department == dept.name
        ),
        key=actions.sort_key,
    )

    kudos = _kudos_lines(store, visit_ids, member_ids, people, sides)

    gap = next(iter(surveys.report(store, department_id=dept.id)), None)
    years = liaison.rotation_years(store)
    return DepartmentCard(
        department=dept,
        direction=dept.direction,
        now=now,
        hosts=[people.get(h, f"#{h}") for h in dept.hosts],
        members=[p.name for p in members],
        rotation=liaison.rotation(dept, people, years, today),
        coverage=_coverage(store, dept, members, now, (mine, index)),
        visits=visits,
        suggestions=open_rows[:LIST_LIMIT],
        actions=open_actions[:LIST_LIMIT],
        breaches=breaches[:LIST_LIMIT],
        kudos=kudos,
        gap=gap,
        secondments=secondments.views(store, today, department_id=dept.id),
        ratings=feedback.feedback_summary(store, department_id=dept.id),
        pulse=pulse.pulse_summary(store, dept.id),
    )


def card_json(card: DepartmentCard) -> dict[str, Any]:
    d, rot, today = card.department, card.rotation, card.now.date()
    return {
        "id": d.id,
        "name": d.name,
        "side": d.side,
        "direction": card.direction,
        "branch": d.branch,
        "liaison": rot.liaison or None,
        "liaison_since": rot.since.isoformat() if rot.since else None,
        "liaison_rotation": {
            "rotate_on": rot.rotate_on.isoformat() if rot.rotate_on else None,
            "due": rot.due,
            "says": rot.describe(today),
        },
        "hosts": card.hosts,
        "members": card.members,
        "coverage": _coverage_json(card),
        "visits": _visits_json(card),
        "open_suggestions": [
            {
                "id": r.id,
                "priority": r.priority,
                "title": r.title,
                "status": r.status,
                "direction": r.direction,
                "sla": r.sla,
            }  # fmt: skip
            for r in card.suggestions
        ],
        "open_actions": [
            {
                "id": v.action.id,
                "title": v.action.title,
                "owner": v.owner,
                "due": v.action.due,
                "status": v.action.status,
                "overdue": v.overdue,
            }  # fmt: skip
            for v in card.actions
        ],
        "breaches": [{"id": r.id, "priority": r.priority, "title": r.title} for r in card.breaches],
        "kudos": [
            {
                "from": k.sender,
                "to": k.recipient,
                "to_side": k.to_side,
                "text": k.text,
                "at": k.when,
            }
            for k in card.kudos
        ],
        "perception_gap": (
            {
                "responses": card.gap.responses,
                "before": card.gap.before,
                "after": card.gap.after,
                "change": card.gap.change,
                "by_month": card.gap.by_month,
            }
            if card.gap
            else None
        ),
        "secondments": [s.json() for s in card.secondments],
        "ratings": card.ratings.as_json() if card.ratings else None,
        "pulse": dataclasses.asdict(card.pulse) if card.pulse else None,
    }


def _visit_lines(
    index: OccurrenceIndex, dept, people: dict[int, str], now: datetime
) -> list[VisitLine]:
    """The department's visits, recent and coming: the nearest to ``now``, in time order."""
    start = datetime.combine(now.date() - timedelta(days=PAST_DAYS), time(0, 0), now.tzinfo)
    occs = [
        o
        for o in index.between(start, now + timedelta(days=AHEAD_DAYS))
        if o.visit.department_id == dept.id
    ]
    occs.sort(key=lambda o: abs((o.start - now).total_seconds()))
    return sorted(
        (
            VisitLine(
                o.key,
                o.start,
                o.end,
                o.status,
                [people.get(p, f"#{p}") for p in o.visit.visitors],
                [people.get(p, f"#{p}") for p in o.visit.hosts],
                dept.direction,
            )
            for o in occs[:VISITS_SHOWN]
        ),
        key=lambda v: v.start,
    )


def _kudos_lines(store: Store, visit_ids, member_ids, people, sides) -> list[KudosLine]:
    """Kudos both ways, newest first: given on its visits, or to or by its people."""
    kudos = []
    for d in sorted(store.all(Kudos.TABLE), key=lambda d: d.get("created", ""), reverse=True):
        if (
            d.get("visit_id") in visit_ids
            or d.get("to_id") in member_ids
            or d.get("from_id") in member_ids
        ):
            kudos.append(
                KudosLine(
                    people.get(d.get("from_id"), "?"),
                    people.get(d.get("to_id"), "?"),
                    sides.get(d.get("to_id"), "it"),
                    d.get("text", ""),
                    d.get("created", ""),
                )
            )
        if len(kudos) >= KUDOS_SHOWN:
            break
    return kudos


def _coverage_json(card: DepartmentCard) -> list[dict[str, Any]]:
    return [
        {
            "direction": c.direction,
            "label": c.label,
            "visited": c.visited,
            "total": c.total,
            "never": c.never,
            "last_visit": c.last.isoformat() if c.last else None,
        }
        for c in card.coverage
    ]


def _visits_json(card: DepartmentCard) -> list[dict[str, Any]]:
    return [
        {
            "key": v.key,
            "start": v.start.isoformat(),
            "end": v.end.isoformat(),
            "status": v.status,
            "visitors": v.visitors,
            "hosts": v.hosts,
            "direction": v.direction,
        }
        for v in card.visits
    ]


def card_lines(card: DepartmentCard) -> list[tuple[str, list[str]]]:
    """The card as titled sections of plain lines (the CLI prints them; the TUI shows them
    as text, never markup). Each line is a :class:`CardLine` where it carries a flag."""
    from .dates import format_day, format_span

    d, rot, today = card.department, card.rotation, card.now.date()
    kind = "IT team" if d.side == "it" else "library department"
    head = [
        f"{kind}; visits here are {DIRECTION_LABELS[card.direction]}"
        + (f"; branch {d.branch}" if d.branch else ""),
        f"liaison: {rot.liaison or '(none named)'}"
        + (f", since {format_day(rot.since)}" if rot.since else "")
        + (f"; {rot.describe(today)}" if rot.liaison and not rot.due else ""),
        f"hosts: {', '.join(card.hosts) or '(none)'}",
    ]
    if rot.due:
        head.insert(0, CardLine(f"ROTATION DUE: {rot.describe(today)}", alert=True))
    cov = [
        f"{c.label}: {c.visited} of {c.total} recently"
        + (f", {c.never} never" if c.never else "")
        + (f"; last {format_day(c.last)}" if c.last else "")
        for c in card.coverage
    ]
    visits = [
        f"#{v.key} {format_span(v.start, v.end)} {v.status}: "
        f"{', '.join(v.visitors)} with {', '.join(v.hosts)}"
        for v in card.visits
    ] or _nothing("none in the last 90 days or the next 30")
    sugg = [
        f"#{r.id} P{r.priority} {r.title} ({r.status}{', ' + r.sla if r.sla in ('breached', 'at risk') else ''})"
        for r in card.suggestions
    ] or _nothing("none open")
    acts = [
        f"#{v.action.id} {v.action.title}: {v.owner}"
        + (f", due {v.action.due}" if v.action.due else "")
        + (" (overdue)" if v.overdue else "")
        for v in card.actions
    ] or _nothing("none open")
    breaches = [f"#{r.id} P{r.priority} {r.title}" for r in card.breaches] or _nothing("none")
    kudos = [
        f"{k.sender} → {k.recipient} ({'IT' if k.to_side == 'it' else 'library'}): {k.text}"
        for k in card.kudos
    ] or _nothing("none yet")
    if card.gap:
        g = card.gap
        trend = ", ".join(f"{m} {v:+.2f}" for m, v in list(g.by_month.items())[-6:])
        gap = [
            f"{count(g.responses, 'answer')}; gap before visits "
            f"{'-' if g.before is None else f'{g.before:+.2f}'}, after "
            f"{'-' if g.after is None else f'{g.after:+.2f}'}",
            f"by month: {trend}",
        ]
    else:
        gap = ["no survey answers yet"]
    seconds = [
        f"#{s.record.id} {s.person} with {s.host}, {s.record.start} to {s.record.end}: {s.state}"
        + (f" ({count(len(s.record.log), 'log line')})" if s.record.log else "")
        for s in card.secondments
    ] or _nothing("none")
    ratings = _rating_lines(card.ratings)
    pulse_lines = _pulse_lines(card.pulse)
    return [
        (d.name, head),
        ("Coverage both ways", cov),
        ("Visits", visits),
        ("Ratings", ratings),
        ("Open suggestions", sugg),
        ("Open actions", acts),
        ("Service-level breaches", breaches),
        ("Kudos both ways", kudos),
        ("Perception gap", gap),
        ("Pulse", pulse_lines),
        ("Secondments", seconds),
    ]


def _figures(count_: int, mean_: float | None, again: int | None) -> str:
    text = f"{count(count_, 'rating')}, mean {mean_}/5" if mean_ is not None else "no ratings"
    return text + (f", {again}% would do it again" if again is not None else "")


def _rating_lines(summary: feedback.FeedbackSummary | None) -> list[str]:
    """The visit ratings of the department's visits, both sides apart, and what was learned."""
    if summary is None or not summary.count:
        return _nothing("no ratings yet")
    lines = [_figures(summary.count, summary.mean, summary.again_pct)]
    for side, label in (("it", "IT raters"), ("library", "library raters")):
        f = summary.by_side.get(side)
        if f is not None and f.count:
            lines.append(f"{label}: {_figures(f.count, f.mean, f.again_pct)}")
    lines += [f'learned: "{x.text}" ({x.author})' for x in summary.learned[:3]]
    return lines


def _pulse_lines(summary: pulse.PulseSummary | None) -> list[str]:
    """The anonymous pulse: figures only from months with at least pulse.THRESHOLD answers."""
    if summary is None:
        return ["no pulse"]
    link = "" if summary.link else " (no active pulse link)"
    if summary.suppressed:
        return _nothing(f"fewer than {pulse.THRESHOLD} answers in any month: not shown{link}")
    months = ", ".join(
        f"{m.month} {m.gap:+.2f}" if m.shown and m.gap is not None else f"{m.month} (too few)"
        for m in summary.months[-6:]
    )
    return [
        f"{count(summary.answers or 0, 'answer')}, mean gap {summary.gap:+.2f}{link}",
        f"by month: {months}",
    ]
