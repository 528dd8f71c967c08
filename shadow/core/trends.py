"""Month by month: visits held or lost, suggestions opened and closed, the backlog's size.

The dashboard's charts read these; they are plain counts so a report can use
them too. Months are calendar months in the zone of ``now`` (the last one is
the month ``now`` falls in, counted up to its end for visits and up to ``now``
for the backlog).

The backlog's size at a moment is the suggestions raised by then and not yet
closed (done, declined or merged as a duplicate) by then. Only the latest
closing is kept on a suggestion, so one reopened and closed again counts as
open until its last closing.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from .dates import aware, from_iso
from .models import Suggestion
from .schedule import occurrences
from .store import Store

if TYPE_CHECKING:
    from .occurrence_index import OccurrenceIndex

LOST = ("cancelled", "no-show")
CLOSED = ("done", "declined", "duplicate")


@dataclass
class Monthly:
    """Counts per month: ``months`` (first days, oldest first) and one list per series."""

    months: list[date]
    series: dict[str, list[int]] = field(default_factory=dict)

    @property
    def labels(self) -> list[str]:
        """``Nov`` (with the year, ``Jan 27``, where a new year starts after the first)."""
        out = []
        for i, m in enumerate(self.months):
            out.append(f"{m:%b}" if i == 0 or m.month != 1 else f"{m:%b} {m:%y}")
        return out

    @property
    def peak(self) -> int:
        return max((v for values in self.series.values() for v in values), default=0)


def month_starts(today: date, count: int) -> list[date]:
    """The first days of the ``count`` months ending with ``today``'s, oldest first."""
    first = today.replace(day=1)
    out = [first]
    while len(out) < count:
        first = (first - timedelta(days=1)).replace(day=1)
        out.append(first)
    return out[::-1]


def _next_month(first: date) -> date:
    return (first + timedelta(days=32)).replace(day=1)


def _index(months: list[date], day: date) -> int | None:
    key = day.replace(day=1)
    try:
        return months.index(key)
    except ValueError:
        return None


def visits_per_month(
    store: Store, now: datetime, count: int = 6, index: OccurrenceIndex | None = None
) -> Monthly:
    """Visits completed, and visits cancelled or missed (no-show), per month (series
    expanded). ``index``: an ``occurrence_index.OccurrenceIndex`` already read (faster)."""
    now = aware(now)
    months = month_starts(now.date(), count)
    zone = now.tzinfo
    lo = datetime.combine(months[0], time(0, 0), zone)
    hi = datetime.combine(_next_month(months[-1]), time(0, 0), zone)
    completed, lost = [0] * count, [0] * count
    found = index.between(lo, hi) if index is not None else occurrences(store, lo, hi)
    for occ in found:
        i = _index(months, occ.start.astimezone(zone).date())
        if i is None:
            continue
        if occ.status == "completed":
            completed[i] += 1
        elif occ.status in LOST:
            lost[i] += 1
    return Monthly(months, {"completed": completed, "cancelled or no-show": lost})


def _closed_at(doc: dict) -> datetime | None:
    """When a suggestion was closed (None: it is open)."""
    if doc.get("status") not in CLOSED:
        return None
    raw = doc.get("closed") or doc.get("updated") or doc.get("created")
    return from_iso(raw) if raw else None


def suggestions_per_month(store: Store, now: datetime, count: int = 6) -> Monthly:
    """Suggestions raised, and suggestions closed as done or declined, per month."""
    now = aware(now)
    months = month_starts(now.date(), count)
    zone = now.tzinfo
    opened, closed = [0] * count, [0] * count
    # An ISO moment's own date is within a day of its date here: text dated two days
    # before the first month cannot fall in it (ten years of them are not parsed).
    first = (months[0] - timedelta(days=2)).isoformat()
    for _, doc in store.stored(Suggestion.TABLE):  # (only read: not copied)
        if doc.get("created") and doc["created"][:10] >= first:
            i = _index(months, from_iso(doc["created"]).astimezone(zone).date())
            if i is not None:
                opened[i] += 1
        if (
            doc.get("status") in ("done", "declined")
            and doc.get("closed")
            and doc["closed"][:10] >= first
        ):
            i = _index(months, from_iso(doc["closed"]).astimezone(zone).date())
            if i is not None:
                closed[i] += 1
    return Monthly(months, {"raised": opened, "closed": closed})


def backlog_size(store: Store, now: datetime, count: int = 6) -> Monthly:
    """Open suggestions at the end of each month (at ``now`` for the current one)."""
    now = aware(now)
    months = month_starts(now.date(), count)
    zone = now.tzinfo
    moments = [datetime.combine(_next_month(m), time(0, 0), zone) for m in months[:-1]] + [now]
    # Open at t: opened <= t < closed. A suggestion closed before it was opened (a file
    # edited by hand) is never open; for the others, closed <= t implies opened <= t,
    # so the count is (opened by t) - (closed by t), two bisections per moment.
    opened_at, closed_at = [], []
    for _, doc in store.stored(Suggestion.TABLE):  # (only read: not copied)
        if not doc.get("created"):
            continue
        opened, closed = from_iso(doc["created"]), _closed_at(doc)
        if closed is not None and closed < opened:
            continue
        opened_at.append(opened)
        if closed is not None:
            closed_at.append(closed)
    opened_at.sort()
    closed_at.sort()
    sizes = [bisect_right(opened_at, t) - bisect_right(closed_at, t) for t in moments]
    return Monthly(months, {"open": sizes})
