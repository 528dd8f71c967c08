"""One presentation per record: the fields a person, a department and a suggestion show
as, whatever shows them. ``shadow list … --json``, ``shadow export csv`` and the TUI's
tables all take their values from here, so a column cannot mean one thing in one place
and another elsewhere. Styling (colours) stays with the interface; this is plain data."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .backlog import (
    DIRECTION_LABELS,
    Row,
    age_days,
    effective_impact,
    priority,
    priority_reason,
)
from .models import DAYS, SIDE_LABELS, Department, Person, Suggestion, format_hours


def yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def _named(record: Person | Department) -> dict[str, Any]:
    """The two fields every record's JSON starts with."""
    return {"id": record.id, "name": record.name}


# ------------------------------------------------------------------ people
PERSON_COLUMNS = ("name", "side", "role", "department/team", "email", "active")


def person_json(person: Person, dept_names: dict[int, str]) -> dict[str, Any]:
    return {
        **_named(person),
        "side": person.side,
        "role": person.role,
        "department": dept_names.get(person.department_id) if person.department_id else None,
        "department_id": person.department_id,
        "team": person.team,
        "email": person.email,
        "active": person.active,
        "version": person.version,
    }


def person_cells(person: Person, dept_names: dict[int, str]) -> tuple[str, ...]:
    """A person as a table row, in PERSON_COLUMNS order."""
    where = (dept_names.get(person.department_id or 0, ""), person.team)
    return (
        person.name,
        SIDE_LABELS.get(person.side, person.side),
        person.role,
        " / ".join(x for x in where if x),
        person.email,
        yes_no(person.active),
    )


# ------------------------------------------------------------------ departments
DEPARTMENT_COLUMNS = ("name", "branch", "capacity", "hours", "hosts", "active", "side")


def department_json(dept: Department, people_names: dict[int, str]) -> dict[str, Any]:
    return {
        **_named(dept),
        "branch": dept.branch,
        "capacity": dept.capacity,
        "hours": format_hours(dept.hours),
        "opening_hours": {d: dept.hours[d] for d in DAYS if d in dept.hours},
        "hosts": [people_names.get(h, f"#{h}") for h in dept.hosts],
        "host_ids": list(dept.hosts),
        "notes": dept.notes,
        "closed_dates": list(dept.closed_dates),
        "active": dept.active,
        "side": dept.side,
        "direction": dept.direction,
        "liaison": people_names.get(dept.liaison_id, f"#{dept.liaison_id}")
        if dept.liaison_id
        else None,
        "liaison_since": dept.liaison_since,
        "version": dept.version,
    }


def department_cells(dept: Department, people_names: dict[int, str]) -> tuple[str, ...]:
    """A department as a table row, in DEPARTMENT_COLUMNS order."""
    return (
        dept.name,
        dept.branch,
        str(dept.capacity),
        format_hours(dept.hours),
        ", ".join(people_names.get(h, f"#{h}") for h in dept.hosts),
        yes_no(dept.active),
        SIDE_LABELS.get(dept.side, dept.side),
    )


# ------------------------------------------------------------------ suggestions
SUGGESTION_CSV_COLUMNS = ("id", "title", "priority", "impact", "urgency", "risks", "status",
                          "votes", "direction", "department", "author", "tags", "created",
                          "description")  # fmt: skip
SLA_LABELS = {"breached": "breached", "at risk": "at risk", "running": "ok", "met": "ok",
              "none": "–"}  # fmt: skip


def priority_label(level: int) -> str:
    return f"P{level}"


def suggestion_json(
    doc: dict[str, Any],
    people: dict[int, str],
    depts: dict[int, str],
    *,
    built: Suggestion | None = None,
) -> dict[str, Any]:
    """A suggestion as ``shadow list suggestions --json`` and ``shadow suggestion show``
    print it (unknown people as ``#id``); ``built``: ``doc`` as a Suggestion, if the caller
    has built it already."""
    s = built if built is not None else Suggestion.from_doc(doc)
    return {
        "id": s.id,
        "title": s.title,
        "description": s.description,
        "priority": priority(s),
        "priority_reason": priority_reason(s),
        "impact": s.impact,
        "effective_impact": effective_impact(s),
        "impact_override": s.impact_override,
        "urgency": s.urgency,
        "risks": list(s.risks),
        "status": s.status,
        "reason": s.reason,
        "votes": len(s.votes),
        "voters": [people.get(v, f"#{v}") for v in s.votes],
        "direction": s.direction,
        "department": depts.get(s.department_id) if s.department_id else None,
        "visit_id": s.visit_id,
        "tags": list(s.tags),
        "author": people.get(s.author_id, f"#{s.author_id}"),
        "duplicate_of": s.duplicate_of,
        "merged_from": list(s.merged_from),
        "observations": list(s.observations),
        "created": doc.get("created"),
        "version": s.version,
    }


def suggestion_csv_row(
    doc: dict[str, Any], people: dict[int, str], depts: dict[int, str]
) -> list[object]:
    """A suggestion as a row of ``shadow export csv suggestions``, in SUGGESTION_CSV_COLUMNS
    order (unknown names left empty; lists are turned into text by the CSV writer)."""
    s = Suggestion.from_doc(doc)
    return [doc["id"], s.title, priority_label(priority(s)), s.impact, s.urgency, s.risks,
            s.status, len(s.votes), s.direction, depts.get(s.department_id, ""),
            people.get(s.author_id, ""), s.tags, doc.get("created", ""),
            s.description]  # fmt: skip


def backlog_cells(row: Row, now: datetime) -> tuple[str, ...]:
    """A backlog row as the backlog table shows it: number, priority, title, direction,
    department, status, votes, age, author, service level."""
    return (
        str(row.id),
        priority_label(row.priority),
        row.title,
        DIRECTION_LABELS.get(row.direction, row.direction),
        row.department or "—",
        row.status,
        str(row.votes),
        f"{age_days(row.created, now)}d",
        row.author,
        SLA_LABELS.get(row.sla, row.sla),
    )
