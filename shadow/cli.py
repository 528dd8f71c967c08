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
from pathlib import Path
from typing import Any

from . import __version__
from .core import directory
from .core.directory import DirectoryError
from .core.models import (
    DAYS,
    SIDE_LABELS,
    SIDES,
    Department,
    Person,
    ValidationError,
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


def _person_values(args: argparse.Namespace) -> dict[str, Any]:
    values = {}
    for field in ("side", "role", "department", "team", "email", "active"):
        value = getattr(args, field, None)
        if value is not None:
            values[field] = value
    return values


def cmd_person(args: argparse.Namespace) -> int:
    store = open_store(args)
    if args.action == "list":
        return list_people(store, args)
    actor = acting(store, args)
    if args.action == "add":
        values = {"name": args.name} | _person_values(args)
        person = directory.person_from_input(store, values)
        pid = directory.save_person(store, actor, person)
        print(f"added person #{pid}: {person.name}")
        return 0
    base = directory.find_person(store, args.person)
    if args.action in ("deactivate", "reactivate"):
        directory.set_active(store, actor, Person, base.id, args.action == "reactivate")
        print(f"{args.action}d person #{base.id}: {base.name}")
        return 0
    values = _person_values(args)
    if args.name is not None:
        values["name"] = args.name
    if not values:
        raise CliError("nothing to change: give at least one of --name --side --role ...")
    person = directory.person_from_input(store, values, base)
    directory.save_person(store, actor, person)
    print(f"updated person #{base.id}: {person.name}")
    return 0


def _department_values(args: argparse.Namespace) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in ("branch", "capacity", "hours", "notes", "closed", "active"):
        value = getattr(args, field, None)
        if value is not None:
            values[field] = value
    if getattr(args, "host", None):
        values["hosts"] = [h for h in args.host if h.strip()]
    return values


def cmd_department(args: argparse.Namespace) -> int:
    store = open_store(args)
    if args.action == "list":
        return list_departments(store, args)
    actor = acting(store, args)
    if args.action == "add":
        values = {"name": args.name} | _department_values(args)
        dept = directory.department_from_input(store, values)
        did = directory.save_department(store, actor, dept)
        print(f"added department #{did}: {dept.name}")
        return 0
    base = directory.find_department(store, args.department)
    if args.action in ("deactivate", "reactivate"):
        directory.set_active(store, actor, Department, base.id, args.action == "reactivate")
        print(f"{args.action}d department #{base.id}: {base.name}")
        return 0
    values = _department_values(args)
    if args.name is not None:
        values["name"] = args.name
    if args.no_hosts:
        values["hosts"] = []
    if not values:
        raise CliError("nothing to change: give at least one of --name --branch --hours ...")
    dept = directory.department_from_input(store, values, base)
    directory.save_department(store, actor, dept)
    print(f"updated department #{base.id}: {dept.name}")
    return 0


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
    print(
        f"loaded the sample programme into {store.path}: "
        f"{counts['departments']} departments, {counts['people']} people"
    )
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

    p = sub.add_parser("list", help="list people or departments")
    p.add_argument("what", choices=["people", "departments"])
    json_flag(p)
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
    except (StoreError, DirectoryError, CliError) as exc:
        print(f"shadow: error: {exc}", file=sys.stderr)
        return 1
    except ValidationError as exc:
        print(f"shadow: error: {one_line(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("shadow: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
