"""The audit trail as people read it: names instead of internal ids, real changes only.

The store records each change as (table, record id, field, old, new) with raw
values. Here those become lines like ``owner: Ana Ruiz -> Ben Cho`` or
``votes: 1 vote (Ana Ruiz) -> no votes``, for ``shadow history``, ``visit show``
and the history in the TUI's detail dialogs (through ``audit_value`` there).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from . import dates
from .plain import count
from .store import Store

# field -> the words shown for it
FIELD_NAMES = {
    "owner_id": "owner",
    "author_id": "author",
    "department_id": "department",
    "to_id": "to",
    "from_id": "from",
    "visit_id": "visit",
    "suggestion_id": "suggestion",
    "observation_id": "note",
    "duplicate_of": "duplicate of",
    "merged_from": "merged from",
    "series_id": "series",
    "programme_id": "programme",
    "coordinator_id": "coordinator",
    "respondent_id": "respondent",
    "done_at": "done",
    "status_reason": "why",
    "override_reason": "saved despite",
    "rrule": "repeats",
    "impact_override": "impact override",
}
_PEOPLE = {"owner_id", "author_id", "to_id", "from_id", "visitors", "hosts", "votes",
           "coordinator_id", "respondent_id"}  # fmt: skip
_RECORDS = {
    "department_id": ("departments", "department"),
    "visit_id": ("visits", "visit"),
    "series_id": ("visits", "visit"),
    "suggestion_id": ("suggestions", "suggestion"),
    "duplicate_of": ("suggestions", "suggestion"),
    "merged_from": ("suggestions", "suggestion"),
    "observation_id": ("observations", "note"),
    "programme_id": ("programmes", "programme"),
}
_ENTITY = {
    "people": "person",
    "departments": "department",
    "visits": "visit",
    "suggestions": "suggestion",
    "observations": "note",
    "actions": "action",
    "kudos": "kudos",
    "surveys": "survey",
    "programmes": "programme",
    "settings": "setting",
    "calendar_feeds": "calendar feed",
    "pulse_links": "pulse link",
    "pulse_answers": "pulse answer",
}


@dataclass
class Names:
    """What ids stand for, read once per listing."""

    store: Store
    _cache: dict[str, dict[int, str]] = field(default_factory=dict)

    def of(self, table: str) -> dict[int, str]:
        if table not in self._cache:
            label = "title" if table == "suggestions" else "name"
            self._cache[table] = {
                d["id"]: str(d.get(label) or "") for d in self.store.all(table) if "id" in d
            }
        return self._cache[table]

    def person(self, pid: Any) -> str:
        return self.of("people").get(pid) or f"person #{pid}"

    def record(self, table: str, what: str, rid: Any) -> str:
        if table == "visits":
            return f"visit #{rid}"
        name = self.of(table).get(rid)
        if table == "departments":
            return name or f"department #{rid}"
        return f"{what} #{rid}" + (f" ({name})" if name else "")


_BOOKKEEPING = {"id", "created", "updated", "created_by", "updated_by"}


def changed_fields(
    store: Store, table: str, record_id: int | None, doc: dict[str, Any]
) -> list[str]:
    """The fields a save of ``doc`` would really change (none: say "nothing changed",
    write nothing). A record not yet saved changes everything."""
    current = store.get(table, record_id) if record_id is not None else None
    if current is None:
        return [k for k in doc if k not in _BOOKKEEPING]
    return [k for k, v in doc.items() if k not in _BOOKKEEPING and current.get(k) != v]


def field_name(name: str) -> str:
    return FIELD_NAMES.get(name, name.replace("_", " "))


def value_text(names: Names | None, name: str, value: Any) -> str:
    """One old or new value as words: people and records by name, votes counted."""
    if name == "votes" and isinstance(value, list | type(None)):
        ids = value or []
        if not ids:
            return "no votes"
        who = ", ".join(names.person(v) for v in ids) if names else ""
        return count(len(ids), "vote") + (f" ({who})" if who else "")
    if value is None or value == "" or value == []:
        return "none"
    if names is not None and name in _PEOPLE:
        if isinstance(value, list):
            return ", ".join(names.person(v) for v in value)
        return names.person(value)
    if names is not None and name in _RECORDS:
        table, what = _RECORDS[name]
        if isinstance(value, list):
            return ", ".join(names.record(table, what, v) for v in value)
        return names.record(table, what, value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items()) or "none"
    if isinstance(value, str) and len(value) >= 16 and value[4:5] == "-" and value[10:11] == "T":
        try:
            return dates.format_moment(dates.from_iso(value).astimezone(dates.local_zone()))
        except ValueError:
            return value
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-":
        try:
            return dates.format_day(date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def change(names: Names | None, entry: dict[str, Any]) -> str:
    """``owner: Ana Ruiz -> Ben Cho``; ``created``; ``removed``."""
    if entry["field"] == "*":
        if entry.get("new") is None:
            return "removed"
        summary = entry.get("new")
        return "created" + (f" ({summary})" if summary and summary != "created" else "")
    name = entry["field"]
    if entry.get("entity") == "settings":
        return f"{name}: {value_text(None, name, entry['old'])} -> {value_text(None, name, entry['new'])}"
    old = value_text(names, name, entry["old"])
    new = value_text(names, name, entry["new"])
    return f"{field_name(name)}: {old} -> {new}"


def record_name(names: Names, entry: dict[str, Any]) -> str:
    """``suggestion #3 (Self-checkout keeps freezing)``, ``person Ana Ruiz``."""
    table, rid = entry["entity"], entry["entity_id"]
    if table == "people":
        return f"person {names.person(rid)}"
    if table == "departments":
        return f"department {names.record('departments', 'department', rid)}"
    what = _ENTITY.get(table, table)
    if table in ("suggestions", "programmes"):
        return names.record(table, what, rid)
    return f"{what} #{rid}"


def describe(store: Store, entries: list[dict[str, Any]]) -> list[str]:
    """History lines for one record: ``when  who  change``."""
    names = Names(store)
    out = []
    for e in entries:
        when = dates.format_moment(dates.from_iso(e["ts"]).astimezone(dates.local_zone()))
        out.append(f"{when}  {e['actor']}  {change(names, e)}")
    return out
