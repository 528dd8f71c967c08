"""The scripting interface: ``shadow <command>``. Never imports Textual.

Every command exits 0 on success, 1 with one line ``shadow: error: ...`` on
stderr when something is wrong, and 2 when the arguments themselves are
misused (argparse's own convention).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from . import __version__
from .core import directory
from .core.models import (
    DAYS,
    DIRECTIONS,
    LEVELS,
    OBSERVATION_KINDS,
    RISKS,
    SIDE_LABELS,
    SIDES,
    SUGGESTION_STATUSES,
    VISIT_KINDS,
    VISIT_STATUSES,
    Department,
    Person,
    UserError,
    ValidationError,
    Visit,
    format_hours,
)
from .core.store import Store, StoreError, default_db_path


class CliError(Exception):
    """Reported as ``shadow: error: <message>`` with exit status 1."""


# ------------------------------------------------------------------ helpers
def db_path(args: argparse.Namespace) -> Path:
    if args.db:
        return Path(args.db).expanduser()
    if os.environ.get("SHADOW_DB"):
        return Path(os.environ["SHADOW_DB"]).expanduser()
    return default_db_path()


def open_store(args: argparse.Namespace) -> Store:
    return Store(db_path(args))


def acting(store: Store, args: argparse.Namespace) -> str:
    """The audit name of whoever is acting (``--as``, ``SHADOW_USER`` or remembered)."""
    return directory.actor_name(store, directory.resolve_actor(store, args.as_name))


def acting_person(store: Store, args: argparse.Namespace) -> Person:
    """Whoever is acting, who must be in the directory (notes and votes are theirs)."""
    person = directory.resolve_actor(store, args.as_name)
    if person is None:
        directory.actor_name(store, None)  # explains how to say who you are
        raise CliError("add yourself to the directory first (shadow person add NAME --side ...)")
    return person


def print_json(items: Any) -> None:
    json.dump(items, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A plain aligned table; control characters in user text are shown escaped."""

    def cell(value: Any) -> str:
        text = "" if value is None else str(value)
        return text.encode("unicode_escape").decode("ascii") if not text.isprintable() else text

    table = [[cell(h) for h in headers]] + [[cell(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in table) for i in range(len(headers))]
    for n, row in enumerate(table):
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


def one_line(exc: ValidationError) -> str:
    return "; ".join(f"{field}: {msg}" for field, msg in exc.errors.items())


def stderr_progress(label: str) -> Callable[[int, int], None] | None:
    """A progress line on stderr, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        sys.stderr.write(f"\r{label}: {done}/{total}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


# ------------------------------------------------------------------ records as JSON
def person_json(person: Person, dept_names: dict[int, str]) -> dict[str, Any]:
    return {
        "id": person.id,
        "name": person.name,
        "side": person.side,
        "role": person.role,
        "department": dept_names.get(person.department_id) if person.department_id else None,
        "department_id": person.department_id,
        "team": person.team,
        "email": person.email,
        "active": person.active,
    }


def department_json(dept: Department, people_names: dict[int, str]) -> dict[str, Any]:
    return {
        "id": dept.id,
        "name": dept.name,
        "branch": dept.branch,
        "capacity": dept.capacity,
        "hours": format_hours(dept.hours),
        "opening_hours": {d: dept.hours[d] for d in DAYS if d in dept.hours},
        "hosts": [people_names.get(h, f"#{h}") for h in dept.hosts],
        "host_ids": list(dept.hosts),
        "notes": dept.notes,
        "closed_dates": list(dept.closed_dates),
        "active": dept.active,
    }


# ------------------------------------------------------------------ commands
def cmd_list(args: argparse.Namespace) -> int:
    store = open_store(args)
    if args.what == "people":
        return list_people(store, args)
    if args.what == "visits":
        return list_visits(store, args)
    if args.what == "suggestions":
        return list_suggestions(store, args)
    if args.what == "observations":
        return list_observations(store, args)
    if args.what == "kudos":
        return list_kudos(store, args)
    if args.what == "actions":
        return list_actions(store, args)
    return list_departments(store, args)


def list_people(store: Store, args: argparse.Namespace) -> int:
    found = directory.people(store, active_only=not args.all)
    depts = directory.names_by_id(store, Department.TABLE)
    items = [person_json(p, depts) for p in found]
    if args.json:
        print_json(items)
        return 0
    print_table(
        ["id", "name", "side", "role", "department/team", "email", "active"],
        [
            [
                i["id"],
                i["name"],
                SIDE_LABELS[i["side"]],
                i["role"],
                i["department"] or i["team"],
                i["email"],
                "yes" if i["active"] else "no",
            ]
            for i in items
        ],
    )
    return 0


def list_departments(store: Store, args: argparse.Namespace) -> int:
    found = directory.departments(store, active_only=not args.all)
    names = directory.names_by_id(store, Person.TABLE)
    items = [department_json(d, names) for d in found]
    if args.json:
        print_json(items)
        return 0
    print_table(
        ["id", "name", "branch", "capacity", "hours", "hosts", "active"],
        [
            [
                i["id"],
                i["name"],
                i["branch"],
                i["capacity"],
                i["hours"],
                ", ".join(i["hosts"]),
                "yes" if i["active"] else "no",
            ]
            for i in items
        ],
    )
    return 0


def _values(args: argparse.Namespace, fields: tuple[str, ...]) -> dict[str, Any]:
    """The fields given on the command line, as typed text for the directory's input readers."""
    values: dict[str, Any] = {}
    for field in fields:
        value = getattr(args, field, None)
        if value is not None:
            values[field] = value
    if getattr(args, "host", None):
        values["hosts"] = [h for h in args.host if h.strip()]
    if getattr(args, "no_hosts", False):
        values["hosts"] = []
    return values


def _directory_command(
    args: argparse.Namespace, model: type[Any], noun: str, fields: tuple[str, ...]
) -> int:
    """person/department add|edit|list|deactivate|reactivate: the same steps for both."""
    store = open_store(args)
    if model is Person:
        lister, find, build, save = (
            list_people,
            directory.find_person,
            directory.person_from_input,
            directory.save_person,
        )
    else:
        lister, find = list_departments, directory.find_department
        build, save = directory.department_from_input, directory.save_department
    if args.action == "list":
        return lister(store, args)
    actor = acting(store, args)
    if args.action == "add":
        record = build(store, {"name": args.name} | _values(args, fields))
        rid = save(store, actor, record)
        print(f"added {noun} #{rid}: {record.name}")
        return 0
    base = find(store, getattr(args, noun))
    if args.action in ("deactivate", "reactivate"):
        directory.set_active(store, actor, model, base.id, args.action == "reactivate")
        print(f"{args.action}d {noun} #{base.id}: {base.name}")
        return 0
    values = _values(args, ("name", *fields))
    if not values:
        raise CliError(
            f"nothing to change: give at least one of {', '.join('--' + f for f in ('name', *fields))}"
        )
    record = build(store, values, base)
    save(store, actor, record)
    print(f"updated {noun} #{base.id}: {record.name}")
    return 0


def cmd_person(args: argparse.Namespace) -> int:
    return _directory_command(
        args, Person, "person", ("side", "role", "department", "team", "email", "active")
    )


def cmd_department(args: argparse.Namespace) -> int:
    return _directory_command(
        args, Department, "department", ("branch", "capacity", "hours", "notes", "closed", "active")
    )


def cmd_import(args: argparse.Namespace) -> int:
    store = open_store(args)
    actor = acting(store, args)
    count = directory.import_csv(
        store, actor, args.kind, args.file, progress=stderr_progress(f"importing {args.kind}")
    )
    noun = {"people": ("person", "people"), "departments": ("department", "departments")}
    print(f"imported {count} {noun[args.kind][count != 1]}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from .core.sample import load_sample

    store = open_store(args)
    counts = load_sample(store, "shadow demo", force=args.force)
    order = (
        "departments",
        "people",
        "programmes",
        "visits",
        "observations",
        "suggestions",
        "actions",
        "kudos",
        "surveys",
    )
    singular = {"people": "person", "kudos": "kudos"}
    parts = [
        f"{counts[k]} {k if counts[k] != 1 else singular.get(k, k[:-1])}"
        for k in order
        if k in counts
    ]
    print(f"loaded the sample programme into {store.path}: {', '.join(parts)}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    store = open_store(args)
    from .core.sample import record_count

    problems = directory.check(store)
    total = record_count(store)
    if problems:
        for problem in problems:
            print(problem)
        print(f"shadow: error: {len(problems)} problem(s) in {store.path}", file=sys.stderr)
        return 1
    print(f"ok: {store.path} (schema {store.schema}, {total} records, no problems)")
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    store = open_store(args)
    entity = {"person": "people", "department": "departments"}.get(args.entity, args.entity)
    rows = (
        store.audit(entity, args.id)[-args.limit :] if args.limit else store.audit(entity, args.id)
    )
    if args.json:
        print_json(rows)
        return 0
    print_table(
        ["when", "who", "what", "field", "old", "new"],
        [
            [
                r["ts"],
                r["actor"],
                f"{r['entity']} #{r['entity_id']}",
                r["field"],
                r["old"],
                r["new"],
            ]
            for r in rows
        ],
    )
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    store = open_store(args)
    print(f"backup written: {store.backup(reason='manual')}")
    return 0


# ------------------------------------------------------------------ visits
def dayfirst() -> bool:
    from .core import config

    return bool(config.get("dayfirst", True))


def visit_json(occ: Any, people: dict[int, str], depts: dict[int, str]) -> dict[str, Any]:
    from .core.dates import to_iso
    from .core.schedule import describe_repeat

    visit = occ.visit
    own_record = occ.series_id is None or visit.series_id is not None
    return {
        "id": visit.id if own_record else occ.series_id,
        "key": occ.key,
        "series_id": occ.series_id,
        "occurrence": occ.original[:10] if occ.series_id else None,
        "department": depts.get(visit.department_id),
        "department_id": visit.department_id,
        "visitors": [people.get(p, f"#{p}") for p in visit.visitors],
        "hosts": [people.get(p, f"#{p}") for p in visit.hosts],
        "start": to_iso(occ.start),
        "end": to_iso(occ.end),
        "status": visit.status,
        "kind": visit.kind,
        "purpose": visit.purpose,
        "repeat": describe_repeat(visit.rrule) if visit.rrule else "",
        "programme_id": visit.programme_id,
        "override_reason": visit.override_reason,
    }


def list_visits(store: Store, args: argparse.Namespace) -> int:
    from datetime import datetime, time, timedelta

    from .core import dates, schedule

    zone = dates.local_zone()
    start = datetime.combine(dates.now().date(), time(0, 0), zone)
    if args.from_:
        start = dates.parse_moment(args.from_, dayfirst=dayfirst(), future=False).value
    end = start + timedelta(days=90)
    if args.to:
        moment = dates.parse_moment(args.to, dayfirst=dayfirst(), future=False)
        end = moment.value if moment.has_time else moment.value + timedelta(days=1)
    if end <= start:
        raise CliError("--to must be after --from")
    found = schedule.occurrences(store, start, end)
    if args.person:
        pid = directory.find_person(store, args.person).id
        found = [o for o in found if pid in o.people]
    if args.department:
        did = directory.find_department(store, args.department).id
        found = [o for o in found if o.visit.department_id == did]
    if args.status:
        if args.status not in VISIT_STATUSES:
            raise CliError(f"visit status must be one of: {', '.join(VISIT_STATUSES)}")
        found = [o for o in found if o.status == args.status]
    people = directory.names_by_id(store, Person.TABLE)
    depts = directory.names_by_id(store, Department.TABLE)
    items = [visit_json(o, people, depts) for o in found]
    if args.json:
        print_json(items)
        return 0
    print_table(
        ["id", "when", "department", "visitors", "hosts", "status", "repeat"],
        [
            [
                o.key,
                dates.format_span(o.start, o.end),
                i["department"],
                ", ".join(i["visitors"]),
                ", ".join(i["hosts"]),
                i["status"],
                i["repeat"],
            ]
            for o, i in zip(found, items, strict=True)
        ],
    )
    return 0


def _print_conflicts(conflicts: list[Any]) -> None:
    for c in conflicts:
        print(f"  {'conflict' if c.hard else 'warning'}: {c.message}")


def cmd_visit(args: argparse.Namespace) -> int:
    from .core import dates, schedule

    store = open_store(args)
    if args.action == "show":
        return show_visit(store, args)
    if args.action == "slots":
        dept = directory.find_department(store, args.department)
        visitors = [directory.find_person(store, v).id for v in args.visitor]
        hosts = [directory.find_person(store, h).id for h in (args.host or [])] or dept.hosts
        length = dates.parse_duration(args.for_) if args.for_ else schedule.DEFAULT_DURATION
        after = (
            dates.parse_moment(args.from_, dayfirst=dayfirst()).value if args.from_ else dates.now()
        )
        slots = schedule.find_slots(
            store, dept.id, visitors, hosts, length, after=after, count=args.count
        )
        if args.json:
            print_json([{"start": dates.to_iso(a), "end": dates.to_iso(b)} for a, b in slots])
        elif not slots:
            print(f"no free slot at {dept.name} in the next 60 days")
        else:
            for a, b in slots:
                print(dates.format_span(a, b))
        return 0 if slots else 1
    actor = acting(store, args)
    on = (
        dates.parse_day(args.on, dayfirst=dayfirst(), future=False)
        if getattr(args, "on", None)
        else None
    )
    if args.action == "add":
        values: dict[str, Any] = {
            "department": args.department,
            "visitors": args.visitor,
            "hosts": args.host or [],
            "when": args.when,
            "kind": args.kind,
            "purpose": args.purpose or "",
            "programme": args.programme or "",
            "repeat": args.repeat or "",
        }
        if args.for_:
            values["duration"] = args.for_
        if args.end:
            values["end"] = args.end
        booking = schedule.visit_from_input(store, values, dayfirst=dayfirst())
        if args.dry_run:
            print(
                f"would book: {booking.summary} at {directory.find_department(store, args.department).name}"
            )
            _print_conflicts(booking.conflicts)
            return 1 if any(c.hard for c in booking.conflicts) else 0
        vid = schedule.book(store, actor, booking, force=args.force, reason=args.reason or "")
        print(f"booked visit #{vid}: {booking.summary} (requested)")
        _print_conflicts(booking.conflicts)
        return 0
    if args.action == "reschedule":
        visit = schedule.get_visit(store, args.id)
        when = dates.parse_when(args.when, dayfirst=dayfirst())
        length = dates.parse_duration(args.for_) if args.for_ else None
        print(
            schedule.reschedule(
                store,
                actor,
                visit.id,
                when,
                length,
                on=on,
                force=args.force,
                reason=args.reason or "",
            )
        )
        return 0
    status = {
        "confirm": "confirmed",
        "complete": "completed",
        "cancel": "cancelled",
        "no-show": "no-show",
    }
    print(
        schedule.set_status(
            store, actor, args.id, status[args.action], on=on, reason=args.reason or ""
        )
    )
    return 0


def show_visit(store: Store, args: argparse.Namespace) -> int:
    from .core import dates, schedule
    from .core.dates import from_iso

    visit = schedule.get_visit(store, args.id)
    people = directory.names_by_id(store, Person.TABLE)
    depts = directory.names_by_id(store, Department.TABLE)
    start, end = from_iso(visit.start), from_iso(visit.end)
    rows = [
        (
            "visit",
            f"#{visit.id}"
            + (f" (occurrence of series #{visit.series_id})" if visit.series_id else ""),
        ),
        ("when", dates.format_span(start, end)),
        ("repeats", schedule.describe_repeat(visit.rrule) or "no"),
        ("department", depts.get(visit.department_id, "?")),
        ("kind", visit.kind),
        ("status", visit.status),
        ("visitors", ", ".join(people.get(p, f"#{p}") for p in visit.visitors)),
        ("hosts", ", ".join(people.get(p, f"#{p}") for p in visit.hosts)),
        ("purpose", visit.purpose),
        ("saved despite", visit.override_reason),
    ]
    if args.json:
        print_json(
            {"id": visit.id, **visit.to_doc(), "history": store.audit(Visit.TABLE, visit.id)}
        )
        return 0
    for label, value in rows:
        if value:
            print(f"{label:>13}: {value}")
    print("      history:")
    for entry in store.audit(Visit.TABLE, visit.id):
        change = (
            "created"
            if entry["field"] == "*"
            else f"{entry['field']}: {entry['old']} -> {entry['new']}"
        )
        print(f"               {entry['ts']}  {entry['actor']}  {change}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from .core import reports

    store = open_store(args)
    if args.format == "ics":
        if args.what:
            raise CliError("export ics takes no table name")
        payload = reports.export_ics(store)
    elif args.format == "csv":
        if args.what not in ("suggestions", "actions", "visits", "observations"):
            raise CliError("export csv needs one of: suggestions, actions, visits, observations")
        payload = reports.export_csv(store, args.what).encode("utf-8")
    else:
        programme = None
        if args.programme:
            from .core.models import Programme

            matches = [
                d["id"] for d in store.all(Programme.TABLE)
                if d["name"].casefold() == args.programme.casefold() or str(d["id"]) == args.programme.lstrip("#")
            ]  # fmt: skip
            if not matches:
                raise CliError(
                    f"no programme named {args.programme!r} (see 'shadow programme list')"
                )
            programme = matches[0]
        payload = reports.programme_report(store, programme).encode("utf-8")
    if args.out:
        write_out(Path(args.out), payload)
        print(f"wrote {args.out}")
    else:
        sys.stdout.buffer.write(payload)
    return 0


def write_out(path: Path, payload: bytes) -> None:
    """Write a whole file or nothing (temp file + rename)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        tmp.write_bytes(payload)
        os.replace(tmp, path)
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror}") from None


def cmd_programme(args: argparse.Namespace) -> int:
    from .core.models import Programme

    store = open_store(args)
    if args.action == "list":
        items = [
            {
                "id": d["id"],
                **{k: d.get(k) for k in ("name", "description", "start", "end", "active")},
            }
            for d in store.all(Programme.TABLE)
        ]
        if args.json:
            print_json(items)
        else:
            print_table(
                ["id", "name", "start", "end"],
                [[i["id"], i["name"], i["start"], i["end"]] for i in items],
            )
        return 0
    from .core import dates

    actor = acting(store, args)
    programme = Programme(
        name=" ".join((args.name or "").split()),
        description=args.description or "",
        start=dates.parse_day(args.start, dayfirst=dayfirst(), future=False).isoformat()
        if args.start
        else None,
        end=dates.parse_day(args.end, dayfirst=dayfirst()).isoformat() if args.end else None,
    )
    programme.validate()
    with store.transaction(actor) as tx:
        if any(
            d["name"].casefold() == programme.name.casefold() for d in store.all(Programme.TABLE)
        ):
            raise CliError(f"a programme named {programme.name!r} already exists")
        pid = tx.insert(Programme.TABLE, programme.to_doc(), summary=programme.name)
    print(f"added programme #{pid}: {programme.name}")
    return 0


def cmd_settings(args: argparse.Namespace) -> int:
    from datetime import date

    from . import cli_sla
    from .core import config
    from .core.schedule import RULE_DEFAULTS, RULE_HELP, rules

    store = open_store(args)
    if args.key is None:
        order = "4 March" if dayfirst() else "April 3"
        print(f"dayfirst = {'yes' if dayfirst() else 'no'}    (yours: 4/3/2027 is {order})")
        for key, value in rules(store).items():
            print(f"{key} = {value}    ({RULE_HELP[key]}; default {RULE_DEFAULTS[key]})")
        print("\n".join(cli_sla.settings_lines(store)))
        closed = ", ".join(sorted(store.setting("closures", []) or [])) or "none"
        print(f"closures = {closed}    (days that stop service-level clocks)")
        return 0
    if args.value is None:
        raise CliError(f"give a value: shadow settings {args.key} VALUE")
    key = args.key.lower()
    if key == "dayfirst":
        value = args.value.strip().lower()
        if value not in ("yes", "no", "true", "false"):
            raise CliError("dayfirst takes yes or no")
        config.put("dayfirst", value in ("yes", "true"))
        print(f"dayfirst = {'yes' if value in ('yes', 'true') else 'no'}")
        return 0
    if key.startswith("sla."):
        line = cli_sla.set_setting(store, acting(store, args), key, args.value)
        if line is not None:
            print(line)
            return 0
    if key == "closures":
        days = []
        for item in (x.strip() for x in args.value.replace(";", ",").split(",")):
            if not item or item == "none":
                continue
            try:
                days.append(date.fromisoformat(item).isoformat())
            except ValueError:
                raise CliError(
                    f"closures are dates YYYY-MM-DD, comma-separated (got {item!r})"
                ) from None
        with store.transaction(acting(store, args)) as tx:
            tx.set_setting("closures", sorted(set(days)))
        print(f"closures = {', '.join(sorted(set(days))) or 'none'}")
        return 0
    if key not in RULE_DEFAULTS:
        known = ", ".join(["dayfirst", *RULE_DEFAULTS, "sla.p1 .. sla.p5", "sla.hours",
                           "sla.holidays", "sla.at-risk", "closures"])  # fmt: skip
        raise CliError(f"unknown setting {args.key!r} (settings: {known})")
    if not args.value.isdigit():
        raise CliError(f"{key} takes a whole number (got {args.value!r})")
    with store.transaction(acting(store, args)) as tx:
        tx.set_setting(f"schedule.{key}", int(args.value))
    print(f"{key} = {int(args.value)}")
    return 0


# ------------------------------------------------------------------ notes, suggestions, kudos
def suggestion_json(
    doc: dict[str, Any], people: dict[int, str], depts: dict[int, str]
) -> dict[str, Any]:
    from .core import backlog
    from .core.models import Suggestion

    s = Suggestion.from_doc(doc)
    return {
        "id": s.id,
        "title": s.title,
        "description": s.description,
        "priority": backlog.priority(s),
        "priority_reason": backlog.priority_reason(s),
        "impact": s.impact,
        "effective_impact": backlog.effective_impact(s),
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
    }


def list_suggestions(store: Store, args: argparse.Namespace) -> int:
    from .core import backlog
    from .core.dates import now
    from .core.models import Suggestion

    f = backlog.Filter(
        text=args.text or "",
        status=args.status or "",
        priority=args.priority,
        direction=args.direction or "",
        department=args.department or "",
        tag=args.tag or "",
        author=args.author or "",
        sla=args.sla or "",
    )
    if f.status and f.status not in (*SUGGESTION_STATUSES, "open", "closed"):
        raise CliError(
            f"suggestion status must be open, closed or one of: {', '.join(SUGGESTION_STATUSES)}"
        )
    rows = backlog.sort(backlog.apply(backlog.rows(store), f), args.sort, reverse=args.reverse)
    if args.json:
        people = directory.names_by_id(store, Person.TABLE)
        depts = directory.names_by_id(store, Department.TABLE)
        print_json(
            [suggestion_json(store.get(Suggestion.TABLE, r.id), people, depts) for r in rows]
        )
        return 0
    today = now()
    print_table(
        ["id", "P", "title", "direction", "department", "status", "votes", "age", "author"],
        [
            [r.id, f"P{r.priority}", r.title, backlog.DIRECTION_LABELS[r.direction], r.department, r.status,
             r.votes, f"{backlog.age_days(r.created, today)}d", r.author]
            for r in rows
        ],
    )  # fmt: skip
    return 0


def list_observations(store: Store, args: argparse.Namespace) -> int:
    from .core import backlog, schedule

    if not args.visit:
        raise CliError("name the visit: shadow list observations --visit ID")
    visit = schedule.get_visit(store, args.visit)
    people = directory.names_by_id(store, Person.TABLE)
    notes = backlog.observations(store, visit.id)
    items = [
        {"id": o.id, "visit_id": o.visit_id, "author": people.get(o.author_id, f"#{o.author_id}"),
         "side": o.side, "kind": o.kind, "text": o.text, "at": o.at}
        for o in notes
    ]  # fmt: skip
    if args.json:
        print_json(items)
        return 0
    print_table(
        ["id", "side", "author", "kind", "text"],
        [[i["id"], SIDE_LABELS[i["side"]], i["author"], i["kind"], i["text"]] for i in items],
    )
    return 0


def list_kudos(store: Store, args: argparse.Namespace) -> int:
    from .core.models import Kudos

    people = directory.names_by_id(store, Person.TABLE)
    items = [
        {"id": k["id"], "to": people.get(k["to_id"]), "from": people.get(k["from_id"]), "text": k["text"],
         "visit_id": k.get("visit_id"), "created": k.get("created")}
        for k in sorted(store.all(Kudos.TABLE), key=lambda k: k.get("created", ""))
    ]  # fmt: skip
    if args.json:
        print_json(items)
        return 0
    print_table(
        ["id", "to", "from", "for"], [[i["id"], i["to"], i["from"], i["text"]] for i in items]
    )
    return 0


def _jargon_warning(text: str, direction_to_library: bool) -> None:
    from .core.plain import check_text, summarise

    if direction_to_library:
        findings = check_text(text)
        if findings:
            print(f"  plain language: {summarise(findings)}")


def cmd_observe(args: argparse.Namespace) -> int:
    from .core import backlog

    store = open_store(args)
    actor = acting_person(store, args)
    oid = backlog.observe(store, actor, args.visit, args.text, args.kind)
    print(
        f"noted #{oid} on visit #{args.visit.lstrip('#')} ({SIDE_LABELS[actor.side]} side, {args.kind})"
    )
    _jargon_warning(args.text, actor.side == "it")
    return 0


def cmd_observation(args: argparse.Namespace) -> int:
    from .core import backlog

    if args.text is None and args.kind is None:  # argument misuse: exit 2, like argparse
        print("shadow observation edit: error: give the new TEXT, --kind, or both", file=sys.stderr)
        return 2
    store = open_store(args)
    actor = acting_person(store, args)
    obs = backlog.edit_observation(store, actor, args.id, text=args.text, kind=args.kind)
    print(f"note #{obs.id} on visit #{obs.visit_id} changed ({obs.kind})")
    if args.text is not None:
        _jargon_warning(obs.text, actor.side == "it")
    return 0


def cmd_suggest(args: argparse.Namespace) -> int:
    from .core import backlog

    store = open_store(args)
    actor = acting_person(store, args)
    values: dict[str, Any] = {"title": args.title, "description": args.description or ""}
    for key in ("direction", "visit", "department", "impact", "urgency"):
        if getattr(args, key):
            values[key] = getattr(args, key)
    values["risks"] = args.risk or []
    values["tags"] = args.tag or []
    s = backlog.suggestion_from_input(store, values)
    sid = backlog.add(store, actor, s)
    saved = backlog.get(store, sid)
    print(f"suggestion #{sid}: {saved.title} — {backlog.priority_reason(saved)}")
    _jargon_warning(f"{saved.title}\n{saved.description}", saved.direction == "it-to-library")
    return 0


def cmd_suggestion(args: argparse.Namespace) -> int:
    from . import cli_sla
    from .core import backlog

    if args.action in ("wait", "resume"):
        return cli_sla.cmd_wait(args, "suggestions")
    store = open_store(args)
    if args.action == "show":
        s = backlog.get(store, args.id)
        people = directory.names_by_id(store, Person.TABLE)
        depts = directory.names_by_id(store, Department.TABLE)
        item = suggestion_json(store.get("suggestions", s.id), people, depts)
        service_levels = cli_sla.suggestion_sla(store, s.id)
        if args.json:
            print_json(item | service_levels | {"history": store.audit("suggestions", s.id)})
            return 0
        for key in ("title", "description", "priority_reason", "status", "reason", "direction", "department",
                    "author", "tags", "voters", "duplicate_of", "merged_from"):  # fmt: skip
            value = item[key]
            if value not in (None, "", []):
                print(
                    f"{key.replace('_', ' '):>15}: {', '.join(map(str, value)) if isinstance(value, list) else value}"
                )
        cli_sla.print_suggestion_sla(service_levels)
        return 0
    if args.action == "vote":
        count = backlog.vote(store, acting_person(store, args), args.id, withdraw=args.withdraw)
        print(f"suggestion #{args.id.lstrip('#')} has {count} vote(s)")
        return 0
    actor = acting(store, args)
    if args.action == "status":
        s = backlog.set_status(store, actor, args.id, args.status, args.reason or "")
        print(f"suggestion #{s.id} is now {s.status}")
        return 0
    if args.action == "merge":
        survivor = backlog.merge(store, actor, args.id, args.into)
        print(f"merged #{args.id.lstrip('#')} into #{survivor.id} ({len(survivor.votes)} vote(s))")
        return 0
    # set
    s = backlog.get(store, args.id)
    values: dict[str, Any] = {}
    for key in ("impact", "urgency", "direction", "department", "title", "description"):
        if getattr(args, key, None):
            values[key] = getattr(args, key)
    if args.override_impact is not None:
        values["impact_override"] = "" if args.override_impact == "none" else args.override_impact
    if args.risk is not None:
        values["risks"] = [] if args.risk == ["none"] else args.risk
    if args.tag:
        values["tags"] = list(s.tags) + args.tag
    if not values:
        raise CliError(
            "nothing to change: give --impact, --urgency, --risk, --override-impact, --tag ..."
        )
    updated = backlog.suggestion_from_input(store, values, s)
    backlog.update(store, actor, updated)
    print(f"suggestion #{s.id}: {backlog.priority_reason(updated)}")
    return 0


def cmd_kudos(args: argparse.Namespace) -> int:
    from .core import backlog

    store = open_store(args)
    actor = acting_person(store, args)
    to = directory.find_person(store, args.to)
    kid = backlog.give_kudos(
        store, actor, to, args.text, visit_id=int(args.visit) if args.visit else None
    )
    print(f"kudos #{kid} to {to.name} recorded for the next meeting")
    return 0


def cmd_check_text(args: argparse.Namespace) -> int:
    from .core.plain import check_text

    text = args.text if args.text != "-" else sys.stdin.read()
    findings = check_text(text)
    if args.json:
        print_json([{"term": f.term, "found": f.found, "start": f.start, "end": f.end, "plain": f.plain,
                     "note": f.note} for f in findings])  # fmt: skip
        return 0
    if not findings:
        print("no jargon found")
        return 0
    for f in findings:
        print(f'{f.found}: say "{f.plain}"' + (f" ({f.note})" if f.note else ""))
    return 0


# ------------------------------------------------------------------ actions and reports
def action_json(view: Any) -> dict[str, Any]:
    a = view.action
    return {
        "id": a.id,
        "title": a.title,
        "owner": view.owner,
        "owner_id": a.owner_id,
        "due": a.due,
        "status": a.status,
        "overdue": view.overdue,
        "due_soon": view.due_soon,
        "department": view.department or None,
        "suggestion_id": a.suggestion_id,
        "observation_id": a.observation_id,
        "visit_id": a.visit_id,
        "from": view.origin,
        "notes": a.notes,
        "reason": a.reason,
        "done_at": a.done_at,
    }


def list_actions(store: Store, args: argparse.Namespace) -> int:
    from .core import actions

    found = actions.views(store)
    if args.owner:
        owner = directory.find_person(store, args.owner)
        found = [v for v in found if v.action.owner_id == owner.id]
    if args.overdue:
        found = [v for v in found if v.overdue]
    if args.status:
        if args.status not in ("open", "in progress", "done", "dropped"):
            raise CliError("action status must be one of: open, in progress, done, dropped")
        found = [v for v in found if v.action.status == args.status]
    if args.department:
        dept = directory.find_department(store, args.department)
        found = [v for v in found if v.department == dept.name]
    items = [action_json(v) for v in found]
    if args.json:
        print_json(items)
        return 0
    print_table(
        ["id", "due", "title", "owner", "status", "department"],
        [
            [
                i["id"],
                (i["due"] or "") + (" OVERDUE" if i["overdue"] else ""),
                i["title"],
                i["owner"],
                i["status"],
                i["department"] or "",
            ]  # fmt: skip
            for i in items
        ],
    )
    return 0


def cmd_action(args: argparse.Namespace) -> int:
    from . import cli_sla
    from .core import actions, backlog

    if args.action in ("wait", "resume"):
        return cli_sla.cmd_wait(args, "actions")
    store = open_store(args)
    actor = acting(store, args)
    if args.action == "add":
        values: dict[str, Any] = {
            "title": args.title,
            "owner": args.owner,
            "notes": args.notes or "",
        }
        for key in ("due", "suggestion", "observation", "visit"):
            if getattr(args, key):
                values[key] = getattr(args, key)
        action = actions.action_from_input(store, values, dayfirst=dayfirst())
        aid = actions.add(store, actor, action)
        due = f", due {action.due}" if action.due else ""
        print(
            f"action #{aid}: {action.title} ({directory.find_person(store, action.owner_id).name}{due})"
        )
        return 0
    if args.action in ("start", "done", "drop", "reopen"):
        status = {"start": "in progress", "done": "done", "drop": "dropped", "reopen": "open"}[
            args.action
        ]
        outcome = actions.set_status(
            store, actor, args.id, status, getattr(args, "reason", "") or ""
        )
        print(outcome.message)
        if outcome.suggestion_ready:
            if getattr(args, "close_suggestion", False):
                backlog.set_status(
                    store, actor, outcome.suggestion_ready, "done", "all its actions are done"
                )
                print(f"suggestion #{outcome.suggestion_ready} is now done")
            else:
                print(
                    f"that was the last open action of suggestion #{outcome.suggestion_ready}; mark it done with "
                    f"'shadow suggestion status {outcome.suggestion_ready} done' (or pass --close-suggestion)"
                )
        return 0
    base = actions.get(store, args.id)
    values = {}
    if args.action == "reassign":
        values["owner"] = args.owner
    elif args.action == "due":
        values["due"] = args.due
    elif args.action == "note":
        values["notes"] = (base.notes + "\n" if base.notes else "") + args.text
    updated = actions.action_from_input(store, values, base, dayfirst=dayfirst())
    actions.update(store, actor, updated)
    print(f"action #{base.id} updated")
    return 0


def _window(args: argparse.Namespace) -> tuple[Any, Any]:
    from .core import dates

    start = (
        dates.parse_moment(args.from_, dayfirst=dayfirst(), future=False).value
        if args.from_
        else None
    )
    end = None
    if args.to:
        moment = dates.parse_moment(args.to, dayfirst=dayfirst(), future=False)
        end = moment.value if moment.has_time else moment.value + timedelta(days=1)
    return start, end


def cmd_report(args: argparse.Namespace) -> int:
    from . import cli_sla
    from .core import dates, reports

    store = open_store(args)
    if args.kind in cli_sla.REPORT_KINDS:
        return cli_sla.cmd_report(args, store)
    if args.kind == "coverage":
        return report_coverage(store, args)
    if args.kind == "gap":
        return report_gap(store, args)
    if args.kind == "sla":
        start, end = _window(args)
        report = reports.sla_report(store, start, end)
        if args.json:
            print_json(report)
            return 0
        for kind in ("priority", "department"):
            print(f"by {kind}:")
            print_table(
                [
                    kind,
                    "raised",
                    "triaged in time",
                    "triage late",
                    "resolved in time",
                    "resolve late",
                    "breach rate",
                    "median days over",
                ],  # fmt: skip
                [
                    [
                        r[kind],
                        r["suggestions"],
                        r["triaged_within"],
                        r["triage_breached"],
                        r["resolved_within"],
                        r["resolve_breached"],
                        f"{r['breach_rate']:.0%}",
                        r["median_days_over"],
                    ]  # fmt: skip
                    for r in report[kind]
                ],
            )
            print()
        cli_sla.print_waiting(report)
        return 0
    if args.kind == "meeting":
        since = (
            dates.parse_moment(args.since, dayfirst=dayfirst(), future=False).value
            if args.since
            else dates.now() - timedelta(days=14)
        )
        text = reports.meeting_pack(store, since)
        if args.out:
            write_out(Path(args.out), text.encode("utf-8"))
            print(f"wrote {args.out}")
        else:
            sys.stdout.write(text)
        return 0
    raise CliError(f"unknown report {args.kind!r}")


# ------------------------------------------------------------------ coverage, planner, surveys
def find_programme(store: Store, ref: str | None) -> int | None:
    from .core.models import Programme

    if not ref:
        return None
    for d in store.all(Programme.TABLE):
        if d["name"].casefold() == ref.strip().casefold() or str(d["id"]) == ref.strip().lstrip(
            "#"
        ):
            return d["id"]
    raise CliError(f"no programme named {ref!r} (see 'shadow programme list')")


def report_coverage(store: Store, args: argparse.Namespace) -> int:
    from .core import coverage

    cov = coverage.compute(store, find_programme(store, args.programme))
    if args.json:
        print_json(coverage.as_json(cov))
        return 0
    marks = {"fresh": "●", "ageing": "◐", "stale": "○", "never": "·"}
    print(
        f"coverage as of {cov.as_of}: ● visited recently  ◐ due soon  ○ overdue  · never"
        "  (+ a visit is booked)"
    )
    headers = ["IT person"] + [d.name[:12] for d in cov.departments]

    def mark(cell: coverage.Cell) -> str:
        return marks[cell.state] + ("+" if cell.booked else "")

    print_table(
        headers,
        [[p.name] + [mark(cov.cells[(p.id, d.id)]) for d in cov.departments] for p in cov.people],
    )
    print()
    for g in cov.goals:
        share = f"{g.met / g.required:.0%}" if g.required else "100%"
        print(f"goal: {g.description}: {g.met}/{g.required} ({share})")
    return 0


def report_gap(store: Store, args: argparse.Namespace) -> int:
    from .core import surveys

    rows = surveys.report(store)
    if args.json:
        print_json(surveys.as_json(rows))
        return 0
    if not rows:
        print("no surveys yet (shadow survey add ...)")
        return 0
    print("gap = expectation - perception (1-5 scales; above 0: IT fell short)")
    print_table(
        ["department", "responses", "gap before", "gap after", "closed by"],
        [[r.department, r.responses, r.before if r.before is not None else "-",
          r.after if r.after is not None else "-", r.change if r.change is not None else "-"] for r in rows],
    )  # fmt: skip
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    from .core import dates, planner

    store = open_store(args)
    programme = find_programme(store, args.programme)
    start = dates.parse_day(args.from_ or planner.DEFAULT_START, dayfirst=dayfirst(), future=False)
    end = (
        dates.parse_day(args.to, dayfirst=dayfirst()) if args.to else start + planner.DEFAULT_RANGE
    )
    length = dates.parse_duration(args.for_) if args.for_ else planner.DEFAULT_LENGTH
    result = planner.plan(
        store, programme, start, end, length=length, max_per_week=args.max_per_week
    )
    people = directory.names_by_id(store, Person.TABLE)
    depts = directory.names_by_id(store, Department.TABLE)
    applied: list[int] = []
    if args.apply and result.proposals:
        applied = planner.apply(store, acting(store, args), result, programme)
    if args.json:
        print_json(
            {
                "pairs": result.pairs,
                "placed": result.placed,
                "applied": applied,
                "proposals": [
                    {
                        "department": depts.get(p.department_id),
                        "visitors": [people.get(v) for v in p.visitors],
                        "hosts": [people.get(h) for h in p.hosts],
                        "start": dates.to_iso(p.start),
                        "end": dates.to_iso(p.end),
                    }  # fmt: skip
                    for p in result.proposals
                ],
                "unplaced": [
                    {
                        "person": people.get(u.person_id),
                        "department": depts.get(u.department_id),
                        "reason": u.reason,
                    }
                    for u in result.unplaced
                ],
            }
        )
        return 0
    print(
        f"{result.pairs} pair(s) to cover between {start} and {end}; {result.placed} placed in {len(result.proposals)} visit(s)"
    )
    for p in result.proposals:
        print(f"  {dates.format_span(p.start, p.end)}  {depts.get(p.department_id)}: "
              f"{', '.join(people.get(v, '?') for v in p.visitors)} (host {', '.join(people.get(h, '?') for h in p.hosts)})")  # fmt: skip
    for u in result.unplaced:
        print(
            f"  not placed: {people.get(u.person_id)} at {depts.get(u.department_id)}: {u.reason}"
        )
    if applied:
        print(f"booked {len(applied)} visit(s) as requested")
    elif result.proposals:
        print("nothing booked: add --apply to book these as requested")
    return 0


def cmd_survey(args: argparse.Namespace) -> int:
    from .core import surveys

    store = open_store(args)
    if args.action == "list":
        from .core.models import Survey

        people = directory.names_by_id(store, Person.TABLE)
        depts = directory.names_by_id(store, Department.TABLE)
        items = [
            {"id": d["id"], "department": depts.get(d["department_id"]), "respondent": people.get(d["respondent_id"]),
             "phase": d["phase"], "visit_id": d.get("visit_id"), "expectation": d["expectation"],
             "perception": d["perception"], "gap": round(surveys.gap(Survey.from_doc(d)), 2), "answered": d["answered"]}
            for d in store.all(Survey.TABLE)
        ]  # fmt: skip
        if args.json:
            print_json(items)
        else:
            print_table(["id", "department", "respondent", "phase", "gap", "answered"],
                        [[i["id"], i["department"], i["respondent"], i["phase"], i["gap"], i["answered"][:10]] for i in items])  # fmt: skip
        return 0
    actor = acting_person(store, args)
    sid = surveys.record(
        store,
        actor,
        args.department,
        args.phase,
        surveys.parse_scores(args.expect, "--expect"),
        surveys.parse_scores(args.perceive, "--perceive"),
        visit_id=int(args.visit) if args.visit else None,
    )
    print(f"survey #{sid} recorded ({args.phase}, {args.department})")
    return 0


def cmd_goals(args: argparse.Namespace) -> int:
    from .core import coverage

    store = open_store(args)
    pid = find_programme(store, args.programme)
    if args.set is not None:
        if pid is None:
            from .core.models import Programme

            progs = store.all(Programme.TABLE)
            if len(progs) != 1:
                raise CliError(
                    "name the programme whose goals to set (see 'shadow programme list')"
                )
            pid = progs[0]["id"]
        try:
            goals = json.loads(args.set)
        except ValueError as exc:
            raise CliError(
                f'--set takes JSON, e.g. \'[{{"type": "cadence", "days": 365}}]\' ({exc})'
            ) from None
        coverage.set_goals(store, acting(store, args), pid, goals)
    goals = coverage.programme_goals(store, pid)
    depts = directory.names_by_id(store, Department.TABLE)
    if args.json:
        print_json(goals)
    else:
        for g in goals:
            print(coverage.describe_goal(g, depts))
    return 0


def run_tui(args: argparse.Namespace) -> int:
    """Open the TUI (the only path that imports Textual)."""
    if args.demo:
        import tempfile

        from .core.sample import DEMO_ACTOR, load_sample

        with tempfile.TemporaryDirectory(prefix="shadow-demo-") as tmp:
            store = Store(Path(tmp) / "demo.json")
            load_sample(store, "shadow demo")
            actor = directory.find_person(store, DEMO_ACTOR)
            from .tui.app import create_app

            create_app(store, actor, demo=True).run()
            store.close()
        return 0
    store = open_store(args)
    actor = directory.resolve_actor(store, args.as_name)
    from .tui.app import create_app

    create_app(store, actor).run()
    return 0


# ------------------------------------------------------------------ argument parser
EPILOG = """\
database: --db PATH, else $SHADOW_DB, else {default}
identity: --as NAME, else $SHADOW_USER, else the person you picked in the TUI

examples:
  shadow demo                                   load the sample programme
  shadow person add "Ada Lee" --side it --role "Help desk level 1"
  shadow department add Circulation --hours "Mon-Fri 09:00-17:00" --capacity 3
  shadow list people --json
  shadow import people staff.csv
"""


def build_parser() -> argparse.ArgumentParser:
    from . import cli_sla

    parser = argparse.ArgumentParser(
        prog="shadow",
        description="Run IT job-shadowing and tour programmes for libraries. "
        "With no command, opens the terminal interface.",
        epilog=EPILOG.format(default=default_db_path()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"shadow {__version__}")
    parser.add_argument("--db", metavar="PATH", help="database file to use")
    parser.add_argument("--as", dest="as_name", metavar="NAME", help="act as this person")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the TUI on a temporary copy of the sample programme (touches no real data)",
    )
    sub = parser.add_subparsers(dest="command", metavar="command")

    def json_flag(p: argparse.ArgumentParser) -> None:
        p.add_argument("--json", action="store_true", help="print a JSON array (each item has id)")
        p.add_argument("--all", action="store_true", help="include inactive records")

    p = sub.add_parser("demo", help="load the sample programme into an empty database")
    p.add_argument("--force", action="store_true", help="replace existing records (backup first)")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser(
        "list",
        help="list people, departments, visits, suggestions, observations, actions or kudos",
        description="List records. Visits default to today and the next 90 days; "
        "repeating visits are listed once per occurrence.",
    )
    p.add_argument(
        "what",
        choices=[
            "people",
            "departments",
            "visits",
            "suggestions",
            "observations",
            "kudos",
            "actions",
        ],
    )
    json_flag(p)
    p.add_argument(
        "--from", dest="from_", metavar="PHRASE", help="visits from this day (default today)"
    )
    p.add_argument("--to", metavar="PHRASE", help="visits up to this day (default 90 days on)")
    p.add_argument("--person", metavar="NAME", help="visits this person visits or hosts")
    p.add_argument(
        "--department", metavar="NAME", help="visits to / suggestions about this department"
    )
    p.add_argument("--status", help="visit status, or suggestion status (or 'open' / 'closed')")
    p.add_argument("--text", help="suggestions containing this text")
    p.add_argument("--priority", type=int, choices=[1, 2, 3, 4, 5])
    p.add_argument("--direction", choices=DIRECTIONS)
    p.add_argument("--tag")
    p.add_argument("--author", metavar="NAME")
    p.add_argument("--sort", default="priority", help="suggestions: priority, title, direction, department, "
                   "status, votes, age, author, id (default priority)")  # fmt: skip
    p.add_argument("--reverse", action="store_true")
    p.add_argument("--visit", metavar="ID", help="observations of this visit")
    p.add_argument("--owner", metavar="NAME", help="actions owned by this person")
    p.add_argument("--overdue", action="store_true", help="only overdue actions")
    p.add_argument(
        "--sla", choices=["breached", "at risk"], help="suggestions by service-level state"
    )
    p.set_defaults(func=cmd_list)

    # person
    person = sub.add_parser("person", help="add, edit, list or deactivate people")
    psub = person.add_subparsers(dest="action", metavar="action", required=True)

    def person_fields(p: argparse.ArgumentParser, *, adding: bool) -> None:
        if adding:
            p.add_argument("--side", required=True, choices=SIDES, help="it or library")
        else:
            p.add_argument("--name", help="new name")
            p.add_argument("--side", choices=SIDES)
        p.add_argument("--role", help='e.g. "Help desk level 1", "Library technician"')
        p.add_argument(
            "--department",
            help="library department (for IT staff, a team name if no such department)",
        )
        p.add_argument("--team", help="IT team, e.g. Service Desk")
        p.add_argument("--email")
        if not adding:
            p.add_argument("--active", choices=["yes", "no"])

    p = psub.add_parser("add", help="add a person")
    p.add_argument("name", metavar="NAME")
    person_fields(p, adding=True)
    p = psub.add_parser("edit", help="change a person (by name or id)")
    p.add_argument("person", metavar="PERSON")
    person_fields(p, adding=False)
    p = psub.add_parser("list", help="list people")
    json_flag(p)
    for verb in ("deactivate", "reactivate"):
        p = psub.add_parser(verb, help=f"{verb} a person (nothing is deleted)")
        p.add_argument("person", metavar="PERSON")
    person.set_defaults(func=cmd_person)

    # department
    dept = sub.add_parser("department", help="add, edit, list or deactivate departments")
    dsub = dept.add_subparsers(dest="action", metavar="action", required=True)

    def department_fields(p: argparse.ArgumentParser, *, adding: bool) -> None:
        if not adding:
            p.add_argument("--name", help="new name")
        p.add_argument("--branch", help="branch or location")
        p.add_argument("--capacity", help="most visitors at once (default 2)")
        p.add_argument(
            "--hours", help='weekly opening hours, e.g. "Mon-Fri 09:00-17:00; Sat 10:00-14:00"'
        )
        p.add_argument("--host", action="append", metavar="NAME", help="a host (repeat for more)")
        p.add_argument("--notes", help="what visitors should see")
        p.add_argument(
            "--closed", metavar="DATES", help="closure days, YYYY-MM-DD, comma-separated"
        )
        if not adding:
            p.add_argument("--no-hosts", action="store_true", help="remove all hosts")
            p.add_argument("--active", choices=["yes", "no"])

    p = dsub.add_parser("add", help="add a department")
    p.add_argument("name", metavar="NAME")
    department_fields(p, adding=True)
    p = dsub.add_parser(
        "edit", help="change a department (by name or id); --host replaces the hosts"
    )
    p.add_argument("department", metavar="DEPARTMENT")
    department_fields(p, adding=False)
    p = dsub.add_parser("list", help="list departments")
    json_flag(p)
    for verb in ("deactivate", "reactivate"):
        p = dsub.add_parser(verb, help=f"{verb} a department (nothing is deleted)")
        p.add_argument("department", metavar="DEPARTMENT")
    dept.set_defaults(func=cmd_department)

    # visits
    visit = sub.add_parser(
        "visit",
        help="book, reschedule, confirm, complete or cancel visits; find free slots",
        description="Dates are phrases: 'tomorrow 9am', 'tue 10:00', '24/11/2026 14:00', "
        "'in 3 days 11:00', '2027-03-04 10:00'. Durations: 90m, 2h, 1h30.",
    )
    vsub = visit.add_subparsers(dest="action", metavar="action", required=True)
    p = vsub.add_parser(
        "add",
        help="book a visit (checked for conflicts first)",
        description="Book a visit. Hard conflicts (someone in two places at once) always stop it; "
        "soft ones (outside hours, closure day, over capacity, host load, too close together) "
        "stop it unless --force --reason TEXT is given.",
    )
    p.add_argument("--department", required=True, metavar="NAME")
    p.add_argument(
        "--visitor",
        action="append",
        required=True,
        metavar="NAME",
        help="IT visitor (repeat for more)",
    )
    p.add_argument(
        "--host",
        action="append",
        metavar="NAME",
        help="host (repeat; default: the department's hosts)",
    )
    p.add_argument("--when", required=True, metavar="PHRASE", help="start, e.g. 'tue 10:00'")
    p.add_argument(
        "--for", dest="for_", metavar="DURATION", help="length, e.g. 90m, 2h (default 2h)"
    )
    p.add_argument("--end", metavar="PHRASE", help="end time instead of --for, e.g. 12:30")
    p.add_argument(
        "--repeat",
        metavar="RULE-OR-PHRASE",
        help="e.g. 'fortnightly until 1/3/2027', 'first monday monthly', FREQ=WEEKLY;INTERVAL=2",
    )
    p.add_argument("--kind", default="tour", choices=VISIT_KINDS)
    p.add_argument("--purpose", metavar="TEXT", help="what to see")
    p.add_argument("--programme", metavar="NAME")
    p.add_argument(
        "--force", action="store_true", help="save despite soft conflicts (needs --reason)"
    )
    p.add_argument("--reason", metavar="TEXT", help="why the soft conflicts are acceptable")
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="show the interpreted booking and every conflict; save nothing",
    )
    p = vsub.add_parser("reschedule", help="move a visit, keeping its record, notes and history")
    p.add_argument("id", metavar="ID")
    p.add_argument("--when", required=True, metavar="PHRASE")
    p.add_argument("--for", dest="for_", metavar="DURATION")
    p.add_argument(
        "--on", metavar="DATE", help="only the occurrence of a repeating visit on this day"
    )
    p.add_argument("--force", action="store_true")
    p.add_argument("--reason", metavar="TEXT")
    for verb, what in (
        ("confirm", "confirmed"),
        ("complete", "completed"),
        ("cancel", "cancelled"),
        ("no-show", "a no-show"),
    ):
        p = vsub.add_parser(
            verb, help=f"mark a visit {what} (a series, or one occurrence with --on)"
        )
        p.add_argument("id", metavar="ID")
        p.add_argument(
            "--on", metavar="DATE", help="only the occurrence of a repeating visit on this day"
        )
        p.add_argument("--reason", metavar="TEXT")
    p = vsub.add_parser("show", help="a visit's details and history")
    p.add_argument("id", metavar="ID")
    p.add_argument("--json", action="store_true")
    p = vsub.add_parser("slots", help="the next free slots that pass every check")
    p.add_argument("--department", required=True, metavar="NAME")
    p.add_argument("--visitor", action="append", required=True, metavar="NAME")
    p.add_argument("--host", action="append", metavar="NAME")
    p.add_argument("--for", dest="for_", metavar="DURATION", help="length (default 2h)")
    p.add_argument("--from", dest="from_", metavar="PHRASE", help="search from (default now)")
    p.add_argument("--count", type=int, default=5)
    p.add_argument("--json", action="store_true")
    visit.set_defaults(func=cmd_visit)

    p = sub.add_parser("observe", help="write down what you saw on a visit (your side is recorded)")
    p.add_argument("visit", metavar="VISIT")
    p.add_argument("text", metavar="TEXT")
    p.add_argument("--kind", default="workflow seen", choices=OBSERVATION_KINDS)
    p.set_defaults(func=cmd_observe)

    p = sub.add_parser(
        "observation",
        help="correct a note you wrote (observation edit ID [TEXT] [--kind K])",
        description="Only a note's author can change it; the history keeps what it said before.",
    )
    osub = p.add_subparsers(dest="action", metavar="action", required=True)
    p = osub.add_parser("edit", help="change the text or kind of your own note")
    p.add_argument("id", metavar="ID")
    p.add_argument("text", metavar="TEXT", nargs="?", help="the new text (default: unchanged)")
    p.add_argument("--kind", choices=OBSERVATION_KINDS)
    p.set_defaults(func=cmd_observation)

    p = sub.add_parser(
        "suggest",
        help="raise a suggestion for the backlog",
        description="Priority comes from the ITIL matrix of impact x urgency (P1 critical ... P5 planning); "
        "any financial, compliance or reputation risk raises impact one level.",
    )
    p.add_argument("--title", required=True)
    p.add_argument("--description")
    p.add_argument("--visit", metavar="ID", help="the visit it came from")
    p.add_argument("--department", metavar="NAME")
    p.add_argument("--direction", choices=DIRECTIONS, help="default: from your side to the other")
    p.add_argument("--impact", choices=LEVELS, default="medium")
    p.add_argument("--urgency", choices=LEVELS, default="medium")
    p.add_argument("--risk", action="append", choices=RISKS, help="repeat for more")
    p.add_argument("--tag", action="append", help="repeat for more")
    p.set_defaults(func=cmd_suggest)

    sug = sub.add_parser("suggestion", help="triage suggestions: status, vote, merge, set, show")
    ssub = sug.add_subparsers(dest="action", metavar="action", required=True)
    q = ssub.add_parser(
        "status", help="move a suggestion along its lifecycle (declined needs --reason)"
    )
    q.add_argument("id", metavar="ID")
    q.add_argument("status", choices=[x for x in SUGGESTION_STATUSES if x != "duplicate"])
    q.add_argument("--reason", metavar="TEXT")
    q = ssub.add_parser("vote", help="vote for a suggestion (one vote each)")
    q.add_argument("id", metavar="ID")
    q.add_argument("--withdraw", action="store_true", help="take your vote back")
    q = ssub.add_parser("merge", help="merge a duplicate into the suggestion it repeats")
    q.add_argument("id", metavar="DUPLICATE")
    q.add_argument("into", metavar="SURVIVOR")
    q = ssub.add_parser("set", help="change impact, urgency, risks, tags ...")
    q.add_argument("id", metavar="ID")
    q.add_argument("--title")
    q.add_argument("--description")
    q.add_argument("--impact", choices=LEVELS)
    q.add_argument("--urgency", choices=LEVELS)
    q.add_argument(
        "--override-impact", choices=[*LEVELS, "none"], help="reviewer's impact, ignoring risks"
    )
    q.add_argument("--risk", action="append", choices=[*RISKS, "none"], help="replaces the risks")
    q.add_argument("--tag", action="append", help="add a tag")
    q.add_argument("--direction", choices=DIRECTIONS)
    q.add_argument("--department", metavar="NAME")
    q = ssub.add_parser("show", help="a suggestion's details")
    q.add_argument("id", metavar="ID")
    q.add_argument("--json", action="store_true")
    cli_sla.register_wait(ssub, "suggestion")
    sug.set_defaults(func=cmd_suggestion)

    p = sub.add_parser("kudos", help="thank someone publicly (read out at the next meeting)")
    p.add_argument("--to", required=True, metavar="NAME")
    p.add_argument("text", metavar="FOR")
    p.add_argument("--visit", metavar="ID")
    p.set_defaults(func=cmd_kudos)

    p = sub.add_parser("check-text", help="find IT jargon in a text and offer plain words")
    p.add_argument("text", metavar="TEXT", help="the text, or - to read standard input")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_check_text)

    p = sub.add_parser(
        "plan",
        help="propose visits that close the coverage gaps (--apply books them as requested)",
        description="Plan the gaps: for a programme and a date range, propose visits covering every "
        "(IT person, department) pair the goals ask for, within opening hours, capacity, host load caps, "
        "existing bookings, buffers and each person's weekly maximum. Pairs that cannot be placed are listed "
        "with the reason.",
    )
    p.add_argument("--programme", metavar="NAME", help="whose goals (default: the first programme)")
    p.add_argument("--from", dest="from_", metavar="PHRASE", help="first day (default tomorrow)")
    p.add_argument("--to", metavar="PHRASE", help="last day (default 8 weeks on)")
    p.add_argument("--for", dest="for_", metavar="DURATION", help="visit length (default 2h)")
    p.add_argument(
        "--max-per-week",
        type=int,
        metavar="N",
        help="visits per person per week (default: setting, 2)",
    )
    p.add_argument("--apply", action="store_true", help="book the proposals as requested")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_plan)

    p = sub.add_parser(
        "survey", help="host surveys: expectation vs perception of IT's communication"
    )
    vsub2 = p.add_subparsers(dest="action", metavar="action", required=True)
    q = vsub2.add_parser(
        "add",
        help="record a survey answer (scores 1-5 for: plain language, listening, "
        "understanding of our work, follow-through)",
    )
    q.add_argument("--department", required=True, metavar="NAME")
    q.add_argument("--phase", required=True, choices=["before", "after"])
    q.add_argument(
        "--expect", required=True, metavar="S,S,S,S", help="what you expect, e.g. 4,4,3,5"
    )
    q.add_argument(
        "--perceive", required=True, metavar="S,S,S,S", help="what you experienced, e.g. 3,4,2,4"
    )
    q.add_argument("--visit", metavar="ID")
    q = vsub2.add_parser("list", help="list survey answers")
    q.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_survey)

    p = sub.add_parser("goals", help="show or set a programme's coverage goals (JSON)")
    p.add_argument("programme", nargs="?", metavar="PROGRAMME")
    p.add_argument("--set", metavar="JSON", help='e.g. [{"type": "cadence", "days": 365}]')
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_goals)

    p = sub.add_parser("programme", help="add or list programmes (a season of visits)")
    prsub = p.add_subparsers(dest="action", metavar="action", required=True)
    q = prsub.add_parser("add", help="add a programme")
    q.add_argument("name", metavar="NAME")
    q.add_argument("--description")
    q.add_argument("--start", metavar="DATE")
    q.add_argument("--end", metavar="DATE")
    q = prsub.add_parser("list", help="list programmes")
    q.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_programme)

    p = sub.add_parser(
        "export",
        help="export visits as iCalendar, tables as CSV, or the programme as Markdown",
        description="shadow export ics | shadow export csv suggestions|actions|visits|observations | "
        "shadow export md [--programme NAME]. CSV is UTF-8 with a header row; cells a spreadsheet "
        "would run as a formula are prefixed with an apostrophe.",
    )
    p.add_argument("format", choices=["ics", "csv", "md"])
    p.add_argument("what", nargs="?", help="for csv: suggestions, actions, visits or observations")
    p.add_argument(
        "--programme", metavar="NAME", help="for md: one programme (default: everything)"
    )
    p.add_argument("--out", metavar="FILE", help="write to FILE (default: standard output)")
    p.set_defaults(func=cmd_export)

    act = sub.add_parser(
        "action", help="follow-up actions: add, start, done, drop, reopen, reassign, due, note"
    )
    asub = act.add_subparsers(dest="action", metavar="action", required=True)
    q = asub.add_parser("add", help="add an action to a suggestion, note or visit")
    q.add_argument("title", metavar="TITLE")
    q.add_argument("--owner", required=True, metavar="NAME")
    q.add_argument("--due", metavar="PHRASE", help="e.g. 'fri', 'in 2 weeks', 'end of month'")
    q.add_argument("--suggestion", metavar="ID")
    q.add_argument("--observation", metavar="ID")
    q.add_argument("--visit", metavar="ID")
    q.add_argument("--notes")
    for verb, text in (
        ("start", "mark in progress"),
        ("done", "mark done"),
        ("reopen", "open again"),
    ):
        q = asub.add_parser(verb, help=text)
        q.add_argument("id", metavar="ID")
        if verb == "done":
            q.add_argument("--close-suggestion", action="store_true",
                           help="if this was the suggestion's last open action, mark the suggestion done")  # fmt: skip
    q = asub.add_parser("drop", help="drop an action (needs --reason)")
    q.add_argument("id", metavar="ID")
    q.add_argument("--reason", required=True, metavar="TEXT")
    q = asub.add_parser("reassign", help="give an action to someone else")
    q.add_argument("id", metavar="ID")
    q.add_argument("owner", metavar="NAME")
    q = asub.add_parser("due", help="change the due date")
    q.add_argument("id", metavar="ID")
    q.add_argument("due", metavar="PHRASE")
    q = asub.add_parser("note", help="add a line to an action's notes")
    q.add_argument("id", metavar="ID")
    q.add_argument("text", metavar="TEXT")
    cli_sla.register_wait(asub, "action")
    act.set_defaults(func=cmd_action)

    p = sub.add_parser(
        "report",
        help="reports: sla, meeting (the fortnightly pack), coverage, gap (expectation vs perception)",
        description="shadow report sla [--from PHRASE] [--to PHRASE] [--json]: per priority and department, "
        "how many were triaged and resolved within target. shadow report meeting [--since PHRASE] "
        "[--out FILE.md]: the Technical Implementation Group's agenda as Markdown. "
        "shadow report coverage [--programme NAME] [--json]: when each IT person last visited each "
        "department, against the programme's goals. shadow report gap [--json]: per department, "
        "what library staff expect of IT's communication minus what they experienced, before and "
        "after visits." + cli_sla.REPORT_HELP,
    )
    p.add_argument("kind", choices=["sla", "meeting", "coverage", "gap", *cli_sla.REPORT_KINDS])
    cli_sla.register_report(p)
    p.add_argument("--programme", metavar="NAME", help="coverage: against this programme's goals")
    p.add_argument("--from", dest="from_", metavar="PHRASE", help="sla: suggestions raised from")
    p.add_argument("--to", metavar="PHRASE", help="sla: suggestions raised up to")
    p.add_argument(
        "--since", metavar="PHRASE", help="meeting: the last meeting (default 14 days ago)"
    )
    p.add_argument("--json", action="store_true")
    p.add_argument("--out", metavar="FILE")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser(
        "settings",
        help="show or change settings",
        description="With no arguments, shows every setting. dayfirst (yes/no) is yours; "
        "buffer_minutes, host_week_cap and host_month_cap are the programme's, stored in the database, "
        "as are the service-level settings: " + cli_sla.SETTINGS_HELP + ".",
    )
    p.add_argument("key", nargs="?")
    p.add_argument("value", nargs="?")
    p.set_defaults(func=cmd_settings)

    p = sub.add_parser(
        "import",
        help="import people or departments from CSV (all or nothing)",
        description="Import from a CSV file with a header row. One bad row rejects the whole "
        "file, naming the line and field; nothing is written. People columns: "
        + ", ".join(directory.PERSON_FIELDS)
        + " (name and side required). Department columns: "
        + ", ".join(directory.DEPARTMENT_FIELDS)
        + " (name required; hosts are names separated by commas, inside quotes). "
        "Import departments before the people who work in them.",
    )
    p.add_argument("kind", choices=["people", "departments"])
    p.add_argument("file", metavar="FILE.csv")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("check", help="verify the database file (schema, references, duplicates)")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("history", help="show the audit trail (who changed what, old -> new)")
    p.add_argument("entity", nargs="?", help="people, departments, ... (default: everything)")
    p.add_argument("id", nargs="?", type=int, help="one record's id")
    p.add_argument("--limit", type=int, default=50, help="last N entries (0 = all; default 50)")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("backup", help="write a backup copy now (the last 5 are kept)")
    p.set_defaults(func=cmd_backup)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            return run_tui(args)
        if args.demo:
            parser.error("--demo opens the TUI; it takes no command")
        return args.func(args)
    except ValidationError as exc:
        print(f"shadow: error: {one_line(exc)}", file=sys.stderr)
        return 1
    except (StoreError, UserError, CliError) as exc:
        print(f"shadow: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("shadow: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
