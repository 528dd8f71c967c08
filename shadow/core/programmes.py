"""Programmes: the named runs of visits (e.g. "2027 spring tours") that coverage goals,
reports and bookings hang from. Lookup by id or name, the active ones, and adding one."""

from __future__ import annotations

from typing import Any

from . import dates
from .access import guarded
from .models import Programme, UserError
from .settings import dayfirst
from .store import Store


class ProgrammeError(UserError):
    """A request about a programme that cannot be carried out, in one line."""


def find(store: Store, ref: str) -> dict[str, Any] | None:
    """The programme named ``ref`` (any case) or numbered ``ref`` (``3`` or ``#3``)."""
    ref = ref.strip()
    for d in store.all(Programme.TABLE):
        if d["name"].casefold() == ref.casefold() or str(d["id"]) == ref.lstrip("#"):
            return d
    return None


def find_id(store: Store, ref: str | None) -> int | None:
    """The id of the programme ``ref`` names; None when no programme is named at all."""
    if not ref:
        return None
    doc = find(store, ref)
    if doc is None:
        raise ProgrammeError(f"no programme named {ref!r} (see 'shadow programme list')")
    return doc["id"]


def get(store: Store, programme_id: int) -> Programme | None:
    doc = store.get(Programme.TABLE, programme_id)
    return Programme.from_doc(doc) if doc else None


def every(store: Store) -> list[Programme]:
    """All programmes, oldest first."""
    docs = sorted(store.all(Programme.TABLE), key=lambda d: d["id"])
    return [Programme.from_doc(d) for d in docs]


def active(store: Store) -> list[Programme]:
    """The programmes still running, oldest first."""
    return [p for p in every(store) if p.active]


def listing(store: Store) -> list[dict[str, Any]]:
    """Every programme as ``shadow programme list --json`` shows it."""
    return [
        {"id": d["id"], **{k: d.get(k) for k in ("name", "description", "start", "end", "active")}}
        for d in store.all(Programme.TABLE)
    ]


@guarded("settings")
def add(
    store: Store,
    actor: str,
    name: str,
    description: str = "",
    start: str | None = None,
    end: str | None = None,
) -> tuple[int, Programme]:
    """A new programme from typed text; names are unique (any case)."""
    programme = Programme(
        name=" ".join((name or "").split()),
        description=description or "",
        start=dates.parse_day(start, dayfirst=dayfirst(), future=False).isoformat()
        if start
        else None,
        end=dates.parse_day(end, dayfirst=dayfirst()).isoformat() if end else None,
    )
    programme.validate()
    with store.transaction(actor) as tx:
        if any(
            d["name"].casefold() == programme.name.casefold() for d in store.all(Programme.TABLE)
        ):
            raise ProgrammeError(f"a programme named {programme.name!r} already exists")
        pid = tx.insert(Programme.TABLE, programme.to_doc(), summary=programme.name)
    return pid, programme
