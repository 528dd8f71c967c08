"""The anonymous perception pulse: a survey link per department that stores no respondent.

A coordinator gives a department a link (``shadow pulse link DEPARTMENT``); ``shadow
serve`` answers ``/pulse/<token>`` with a short form, no sign-in and no cookie. The
questions are the expectation/perception dimensions of ``core/surveys.py``
(``SURVEY_DIMENSIONS``, 1-5) and an optional comment.

What an answer keeps (table ``pulse_answers``): the department, the day (not the
time), the scores and the comment. No respondent, no address, no user agent: the
record and its journal line are stamped with the day's midnight UTC and the author
``anonymous pulse``, and it gets no audit entry (the one exception to "every change
is audited": an entry's place among the sign-ins' entries would tell when it came
in), so an answer cannot be matched to a sign-in. (Until the journal is next folded
into the snapshot, the order of its lines still tells which changes came before and
after an answer; reading that needs the raw file.)

What reports show (:func:`pulse_summary`, and through it the CLI, TUI and JSON): a
figure only from at least :data:`THRESHOLD` answers. Answers are grouped by calendar
month; a month with fewer is "not shown" and is left out of every total as well, and a
``since`` date counts from the start of its month, so no two reports can be subtracted
to reveal a small group. Comments appear only from months that are shown, sorted (not
in the order they came in).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from statistics import mean
from typing import Any

from . import dates, links
from .access import AccessDenied, check, guarded, role_of
from .directory import DirectoryError, find_department
from .models import SURVEY_DIMENSIONS, Department, Person, UserError, ValidationError, check_text
from .store import Store, Transaction

LINKS = "pulse_links"
ANSWERS = "pulse_answers"
OWNER = "department_id"
THRESHOLD = 5
COMMENT_MAX = 1000
ANONYMOUS = "anonymous pulse"
NOT_SHOWN = f"fewer than {THRESHOLD} answers - not shown"


class PulseError(UserError):
    pass


def _actor_name(actor: str | Person) -> str:
    return actor.name if isinstance(actor, Person) else str(actor)


def url(base: str, token: str) -> str:
    return f"{base.rstrip('/')}/pulse/{token}"


# ------------------------------------------------------------------ links (coordinators)
def department_named(store: Store, department: str | int | Department) -> Department:
    """The department named (or given), as a PulseError if there is none."""
    if isinstance(department, Department):
        return department
    try:
        return find_department(store, department)
    except DirectoryError as exc:
        raise PulseError(str(exc)) from None


def check_manager(store: Store, actor: str | Person | None) -> None:
    """Refuse (AccessDenied) unless ``actor`` may manage pulse links."""
    check(store, actor, "pulse")


@guarded("pulse")
def issue_link(store: Store, actor: str | Person, department: str | int | Department) -> str:
    """A new pulse token for the department (any earlier link stops working). Shown once."""
    dept = department_named(store, department)
    with store.transaction(_actor_name(actor)) as tx:
        return links.issue(
            tx, store, LINKS, OWNER, dept.id, summary=f"pulse link issued for {dept.name}"
        )


@guarded("pulse")
def revoke_link(store: Store, actor: str | Person, department: str | int | Department) -> bool:
    """Stop the department's pulse link; False if it had none."""
    dept = department_named(store, department)
    if links.active(store, LINKS, OWNER, dept.id) is None:
        return False
    with store.transaction(_actor_name(actor)) as tx:
        return links.revoke(tx, store, LINKS, OWNER, dept.id)


def link_issued(store: Store, department_id: int) -> str | None:
    """When the department's active link was issued (ISO), or None."""
    doc = links.active(store, LINKS, OWNER, department_id)
    return None if doc is None else str(doc.get("created", ""))


def department_for(store: Store, token: str) -> Department | None:
    """The department whose active pulse link ``token`` is, or None (unknown, revoked,
    malformed: all alike)."""
    doc = links.find(store, LINKS, token)
    if doc is None:
        return None
    found = store.get(Department.TABLE, doc[OWNER])
    return None if found is None else Department.from_doc(found)


# ------------------------------------------------------------------ answers (anyone with the link)
def _check_scores(name: str, scores: Mapping[str, Any]) -> dict[str, int]:
    if not isinstance(scores, Mapping) or set(scores) != set(SURVEY_DIMENSIONS):
        raise PulseError(f"{name}: a score from 1 to 5 for each of: {', '.join(SURVEY_DIMENSIONS)}")
    out = {}
    for dim in SURVEY_DIMENSIONS:
        value = scores[dim]
        if isinstance(value, str) and value.isascii() and value.isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise PulseError(f"{name}: {dim} needs a score from 1 to 5")
        out[dim] = value
    return out


def check_comment(comment: str | None) -> str:
    text = (comment or "").replace("\r\n", "\n").strip()
    try:
        check_text("comment", text)
    except ValidationError as exc:
        raise PulseError(str(exc)) from None
    if len(text) > COMMENT_MAX:
        raise PulseError(f"comment: at most {COMMENT_MAX} characters (got {len(text)})")
    return text


def answer(
    store: Store,
    token: str,
    expectation: Mapping[str, Any],
    perception: Mapping[str, Any],
    comment: str | None = None,
    *,
    today: date | None = None,
) -> Department:
    """Store one anonymous answer through the pulse link ``token``; returns its department.

    The link is the permission (no account, no actor): the record is written by
    ``anonymous pulse`` at the day's midnight UTC, with no audit entry. Raises
    :class:`PulseError` for an unknown or revoked link or a bad answer.
    """
    dept = department_for(store, token)
    if dept is None:
        raise PulseError("this pulse link is not (or no longer) in use")
    record = {
        OWNER: dept.id,
        "day": (today or dates.now().date()).isoformat(),
        "expectation": _check_scores("expectation", expectation),
        "perception": _check_scores("perception", perception),
        "comment": check_comment(comment),
    }
    midnight = f"{record['day']}T00:00:00+00:00"
    with store.transaction(ANONYMOUS) as tx:
        tx.ts = midnight  # the journal line carries the day, not the moment
        tx.insert(ANSWERS, record, created=midnight, audit=False)
    return dept


# ------------------------------------------------------------------ reports (thresholded)
@dataclass(frozen=True)
class PulseMonth:
    """One calendar month: figures only when ``shown`` (at least THRESHOLD answers)."""

    month: str  # "2026-11"
    shown: bool
    answers: int | None  # None when not shown
    gap: float | None  # mean expectation - perception; None when not shown


@dataclass(frozen=True)
class PulseSummary:
    """The thresholded pulse of one department (what :func:`pulse_summary` returns).

    - ``department_id``, ``department``: which department; ``since``: the first day
      counted (the first of a month) or None for all time; ``link``: whether it has
      an active pulse link.
    - ``suppressed``: True when no month has THRESHOLD answers; then every figure
      below is None and ``comments`` is empty.
    - ``answers``: answers counted (only from months shown, so at least THRESHOLD).
    - ``expectation``, ``perception``, ``gap_by_dimension``: {dimension: mean} over
      those answers (gap = expectation - perception; positive = IT fell short).
    - ``gap``: the mean gap over every dimension.
    - ``months``: every month with answers, oldest first (:class:`PulseMonth`; a month
      with fewer answers says so and carries no figure, not even its count).
    - ``comments``: the comments of the months shown, sorted.
    """

    department_id: int
    department: str
    since: str | None
    link: bool
    suppressed: bool
    answers: int | None
    expectation: dict[str, float] | None
    perception: dict[str, float] | None
    gap_by_dimension: dict[str, float] | None
    gap: float | None
    months: tuple[PulseMonth, ...]
    comments: tuple[str, ...]


def _month_start(since: datetime | date | None) -> date | None:
    if since is None:
        return None
    day = since.date() if isinstance(since, datetime) else since
    return day.replace(day=1)


def _gap(doc: dict[str, Any]) -> float:
    return mean(doc["expectation"][d] - doc["perception"][d] for d in SURVEY_DIMENSIONS)


def pulse_summary(
    store: Store, department_id: int, since: datetime | date | None = None
) -> PulseSummary:
    """The department's pulse, every figure from at least THRESHOLD answers (see
    :class:`PulseSummary` for the shape). ``since`` counts from the start of its month."""
    start = _month_start(since)
    dept = store.get(Department.TABLE, department_id)
    by_month: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for doc in store.find(ANSWERS, **{OWNER: department_id}):
        if start is not None and str(doc.get("day", "")) < start.isoformat():
            continue
        by_month[str(doc.get("day", ""))[:7]].append(doc)
    months = []
    counted: list[dict[str, Any]] = []
    for month, docs in sorted(by_month.items()):
        shown = len(docs) >= THRESHOLD
        months.append(
            PulseMonth(
                month,
                shown,
                len(docs) if shown else None,
                round(mean(_gap(d) for d in docs), 2) if shown else None,
            )
        )
        if shown:
            counted.extend(docs)
    suppressed = not counted

    def means(key: str) -> dict[str, float] | None:
        if suppressed:
            return None
        return {d: round(mean(doc[key][d] for doc in counted), 2) for d in SURVEY_DIMENSIONS}

    expectation, perception = means("expectation"), means("perception")
    gaps = (
        None
        if suppressed
        else {
            d: round(mean(doc["expectation"][d] - doc["perception"][d] for doc in counted), 2)
            for d in SURVEY_DIMENSIONS
        }
    )
    return PulseSummary(
        department_id=department_id,
        department=str(dept.get("name", "")) if dept else f"#{department_id}",
        since=start.isoformat() if start else None,
        link=links.active(store, LINKS, OWNER, department_id) is not None,
        suppressed=suppressed,
        answers=None if suppressed else len(counted),
        expectation=expectation,
        perception=perception,
        gap_by_dimension=gaps,
        gap=None if suppressed else round(mean(_gap(d) for d in counted), 2),
        months=tuple(months),
        comments=()
        if suppressed
        else tuple(sorted(d["comment"] for d in counted if d.get("comment"))),
    )


def report(
    store: Store,
    actor: str | Person | None,
    department: str | None = None,
    since: datetime | date | None = None,
) -> list[PulseSummary]:
    """One summary per department that has a pulse link or answers (or just ``department``).

    The pulse report is the coordinators' (the department card shows one department's
    :func:`pulse_summary`); anyone else is refused with :class:`AccessDenied`."""
    if role_of(store, actor) != "coordinator":
        name = _actor_name(actor) if actor is not None else "nobody"
        raise AccessDenied(f"{name} is not a coordinator: only coordinators read the pulse report")
    if department:
        return [pulse_summary(store, department_named(store, department).id, since)]
    ids = {d[OWNER] for d in store.all(LINKS)} | {d[OWNER] for d in store.all(ANSWERS)}
    names = {d["id"]: str(d.get("name", "")) for d in store.all(Department.TABLE)}
    ordered = sorted((i for i in ids if i in names), key=lambda i: names[i].casefold())
    return [pulse_summary(store, i, since) for i in ordered]


def as_json(summary: PulseSummary) -> dict[str, Any]:
    """JSON of a summary: suppressed figures are ``null`` with ``suppressed: true``."""
    return {
        "department": summary.department,
        "since": summary.since,
        "link": summary.link,
        "threshold": THRESHOLD,
        "suppressed": summary.suppressed,
        "answers": summary.answers,
        "gap": summary.gap,
        "expectation": summary.expectation,
        "perception": summary.perception,
        "gap_by_dimension": summary.gap_by_dimension,
        "months": [
            {"month": m.month, "suppressed": not m.shown, "answers": m.answers, "gap": m.gap}
            for m in summary.months
        ],
        "comments": list(summary.comments),
    }


def describe(summary: PulseSummary) -> list[str]:
    """The summary as lines of text (CLI and TUI alike)."""
    head = f"{summary.department}" + (f" (since {summary.since})" if summary.since else "")
    if not summary.link:
        head += "  [no active link]"
    lines = [head]
    if summary.suppressed:
        lines.append(f"  {NOT_SHOWN}")
        return lines
    lines.append(
        f"  {summary.answers} answers; mean gap {summary.gap:+.2f} (expectation - perception)"
    )
    for dim in SURVEY_DIMENSIONS:
        assert summary.expectation and summary.perception and summary.gap_by_dimension
        lines.append(
            f"    {dim}: expected {summary.expectation[dim]:.2f}, perceived "
            f"{summary.perception[dim]:.2f}, gap {summary.gap_by_dimension[dim]:+.2f}"
        )
    for m in summary.months:
        figure = f"{m.answers} answers, gap {m.gap:+.2f}" if m.shown else NOT_SHOWN
        lines.append(f"    {m.month}: {figure}")
    if summary.comments:
        lines.append("  comments:")
        lines.extend(f"    - {' '.join(c.split())}" for c in summary.comments)
    return lines


# ------------------------------------------------------------------ the sample programme
# (department, answers last month, answers this month): enough for one to show, and
# too few for the other (and for this month) to show the suppression.
SAMPLE = (("Circulation", 6, 2), ("Reference", 3, 0))


def load_sample(tx: Transaction, store: Store, dept_ids: dict[str, int], today: date) -> int:
    """Inside the sample's transaction: forget old links, feeds and answers, give the
    sample departments pulse links (their addresses are not kept: ``shadow pulse link
    NAME --new`` shows one) and deterministic answers. Returns the answers added."""
    from . import feeds

    for table in (LINKS, ANSWERS, feeds.TABLE):
        for doc in store.all(table):
            tx.delete(table, doc["id"])
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    added = 0
    for name, before, now in SAMPLE:
        dept_id = dept_ids.get(name)
        if dept_id is None:
            continue
        links.issue(tx, store, LINKS, OWNER, dept_id, summary=f"pulse link issued for {name}")
        days = [last_month + timedelta(days=3 + 4 * n) for n in range(before)]
        days += [today.replace(day=1)] * now
        for n, day in enumerate(days):
            expectation = {d: 4 + (n + i) % 2 for i, d in enumerate(SURVEY_DIMENSIONS)}
            perception = {d: 2 + (n * 3 + i) % 3 for i, d in enumerate(SURVEY_DIMENSIONS)}
            record = {
                OWNER: dept_id,
                "day": day.isoformat(),
                "expectation": expectation,
                "perception": perception,
                "comment": _SAMPLE_COMMENTS[n % len(_SAMPLE_COMMENTS)] if n % 2 == 0 else "",
            }
            midnight = f"{day.isoformat()}T00:00:00+00:00"
            tx.insert(ANSWERS, record, created=midnight, audit=False)
            added += 1
    return added


_SAMPLE_COMMENTS = (
    "The help desk explained the self-checkout fix in words we could pass on to patrons.",
    "We still hear about changes after they happen.",
    "Better since the visits started: they know what the holds shelf is now.",
)
