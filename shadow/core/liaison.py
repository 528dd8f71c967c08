"""Liaisons: who coordinates each department's side of the programme, and when it is time
to hand the role on.

The liaison is a person of the department's own side (``Department.liaison_id``, since
``liaison_since``; set through the directory: ``shadow department edit NAME --liaison``).
The role rotates every ``liaison.rotation_years`` years (default 3): a rotation is *due*
from 60 days before that anniversary on, and stays due until someone is named again
(a new liaison, or the same one with a new ``liaison_since``). The Dashboard, the
department card and the outbox sweep (a reminder to the coordinators) all read it here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from .models import Department, Person, UserError
from .store import Store

SETTING = "liaison.rotation_years"
DEFAULT_YEARS = 3
MAX_YEARS = 20
DUE_AHEAD_DAYS = 60  # "rotation due" this long before the anniversary


class LiaisonError(UserError):
    pass


def rotation_years(store: Store) -> int:
    value = store.setting(SETTING, DEFAULT_YEARS)
    return value if isinstance(value, int) and 1 <= value <= MAX_YEARS else DEFAULT_YEARS


def parse_years(text: str) -> int:
    """``3`` -> 3; the rotation period is a whole number of years from 1 to 20."""
    raw = (text or "").strip()
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_YEARS:
        raise LiaisonError(
            f"{SETTING} takes a whole number of years from 1 to {MAX_YEARS} (got {raw!r})"
        )
    return int(raw)


@dataclass(frozen=True)
class Rotation:
    """A department's liaison and when the role rotates."""

    department_id: int
    department: str
    liaison_id: int | None
    liaison: str  # "" when none is named
    since: date | None
    rotate_on: date | None  # since + the rotation period
    due: bool  # rotate_on within DUE_AHEAD_DAYS, or past

    def describe(self, today: date) -> str:
        """``rotation due in 20 days (12 Jan 2027)`` / ``rotation overdue by 5 days ...``."""
        from .dates import format_day
        from .plain import count

        if self.rotate_on is None:
            return "no liaison named" if not self.liaison else "liaison since unknown"
        days = (self.rotate_on - today).days
        when = format_day(self.rotate_on)
        if days < 0:
            return f"rotation overdue by {count(-days, 'day')} (was due {when})"
        if self.due:
            soon = "today" if days == 0 else f"in {count(days, 'day')}"
            return f"rotation due {soon} ({when})"
        return f"rotates {when}"

    def brief(self, today: date) -> str:
        """``describe`` in a few words, for a line that names several departments:
        ``overdue by 5 days``, ``due in 20 days``, ``due today``."""
        from .plain import count

        if self.rotate_on is None or not (self.due or self.rotate_on < today):
            return self.describe(today)
        days = (self.rotate_on - today).days
        if days < 0:
            return f"overdue by {count(-days, 'day')}"
        return "due today" if days == 0 else f"due in {count(days, 'day')}"


def rotation(dept: Department, people: dict[int, str], years: int, today: date) -> Rotation:
    since = date.fromisoformat(dept.liaison_since) if dept.liaison_since else None
    rotate_on = since + relativedelta(years=years) if since and dept.liaison_id else None
    due = rotate_on is not None and (rotate_on - today).days <= DUE_AHEAD_DAYS
    return Rotation(
        dept.id or 0,
        dept.name,
        dept.liaison_id,
        people.get(dept.liaison_id, f"#{dept.liaison_id}") if dept.liaison_id else "",
        since,
        rotate_on,
        due,
    )


def rotations(store: Store, today: date, *, due_only: bool = False) -> list[Rotation]:
    """Every active department's liaison rotation (only those due, if asked), soonest first."""
    people = {d["id"]: d.get("name", "") for d in store.all(Person.TABLE)}
    years = rotation_years(store)
    found = [
        rotation(Department.from_doc(d), people, years, today)
        for d in store.all(Department.TABLE)
        if d.get("active", True)
    ]
    if due_only:
        found = [r for r in found if r.due]
    return sorted(found, key=lambda r: (r.rotate_on or date.max, r.department.casefold()))
