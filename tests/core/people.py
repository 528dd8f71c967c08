"""A small directory to test against: named people on each side, and departments."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from dateutil import tz

from shadow.core import directory
from shadow.core.store import Store

SYD = tz.gettz("Australia/Sydney")  # the zone of the booking tests (fixture ``sydney``)


def small_directory(
    path: Path,
    people: Iterable[tuple[str, str]],
    departments: Iterable[str | dict[str, str]] = ("Circulation",),
) -> tuple[Store, dict[str, int]]:
    """A new database at ``path`` with ``people`` ((name, side) pairs) and ``departments``
    (a name, or the typed fields of one), saved by "setup". Returns it and the people's
    ids by name."""
    store = Store(path)
    ids = {}
    for name, side in people:
        ids[name] = directory.save_person(
            store, "setup", directory.person_from_input(store, {"name": name, "side": side})
        )
    for dept in departments:
        values = {"name": dept} if isinstance(dept, str) else dept
        directory.save_department(store, "setup", directory.department_from_input(store, values))
    return store, ids


def schedule_directory(path: Path) -> Store:
    """The directory the booking tests use (Sydney's zone): three IT staff, three library
    staff, and two departments with hosts, a capacity, opening hours and a closed day."""
    people = [("Ada", "it"), ("Raj", "it"), ("Lin", "it"),
              ("Mai", "library"), ("Tom", "library"), ("Kim", "library")]  # fmt: skip
    departments = [
        {"name": name, "hosts": hosts, "capacity": str(cap),
         "hours": "Mon-Fri 09:00-17:00; Sat 10:00-13:00", "closed": "2026-12-25"}
        for name, hosts, cap in [("Circulation", "Mai", 2), ("Reference", "Tom", 3)]
    ]  # fmt: skip
    return small_directory(path, people, departments)[0]
