"""``shadow person``, ``department`` and ``import``: the directory of people and departments."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from ..core import directory
from ..core.models import SIDE_LABELS, SIDES, Department, Person
from ..core.records import PERSON_COLUMNS, department_json, person_cells, person_json
from ..core.store import Store
from . import twoway, versions
from ._common import (
    CliError,
    acting,
    json_flag,
    open_as,
    open_store,
    print_items,
    print_json,
    print_table,
    stderr_progress,
)


def register(sub: Any) -> None:
    """``shadow person`` and ``shadow department``: the same five actions for both."""
    _register_records(
        sub, "person", "people", _person_fields, "change a person (by name or id)", cmd_person
    )
    dsub = _register_records(
        sub,
        "department",
        "departments",
        _department_fields,
        "change a department (by name or id); --host replaces the hosts",
        cmd_department,
    )
    twoway.register_department(dsub)


def _register_records(
    sub: Any,
    noun: str,
    plural: str,
    fields: Callable[..., None],
    edit_help: str,
    func: Callable[[argparse.Namespace], int],
) -> Any:
    """``shadow NOUN add|edit|list|deactivate|reactivate``; returns NOUN's subparsers, for
    actions only one of them has."""
    top = sub.add_parser(noun, help=f"add, edit, list or deactivate {plural}")
    actions = top.subcommands(func=func)
    p = actions.add_parser("add", help=f"add a {noun}")
    p.add_argument("name", metavar="NAME")
    fields(p, adding=True)
    p = actions.add_parser("edit", help=edit_help)
    p.add_argument(noun, metavar=noun.upper())
    fields(p, adding=False)
    json_flag(actions.add_parser("list", help=f"list {plural}", read_only=True))
    for verb in ("deactivate", "reactivate"):
        p = actions.add_parser(verb, help=f"{verb} a {noun} (nothing is deleted)")
        p.add_argument(noun, metavar=noun.upper())
    return actions


def _person_fields(p: argparse.ArgumentParser, *, adding: bool) -> None:
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


def _department_fields(p: argparse.ArgumentParser, *, adding: bool) -> None:
    if not adding:
        p.add_argument("--name", help="new name")
    p.add_argument("--branch", help="branch or location")
    p.add_argument(
        "--side",
        choices=["library", "it"],
        help="library department (default) or an IT team visited by library staff",
    )
    p.add_argument("--liaison", metavar="PERSON", help="who coordinates its side of the programme")
    p.add_argument(
        "--liaison-since", metavar="DATE", help="liaison since YYYY-MM-DD (default: today)"
    )
    p.add_argument("--capacity", help="most visitors at once (default 2)")
    p.add_argument(
        "--hours", help='weekly opening hours, e.g. "Mon-Fri 09:00-17:00; Sat 10:00-14:00"'
    )
    p.add_argument("--host", action="append", metavar="NAME", help="a host (repeat for more)")
    p.add_argument("--notes", help="what visitors should see")
    p.add_argument("--closed", metavar="DATES", help="closure days, YYYY-MM-DD, comma-separated")
    if not adding:
        p.add_argument("--no-hosts", action="store_true", help="remove all hosts")
        p.add_argument("--active", choices=["yes", "no"])


def register_import(sub: Any) -> None:
    """``shadow import people|departments FILE.csv``."""
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


def list_people(store: Store, args: argparse.Namespace) -> int:
    found = directory.people(store, active_only=not args.all)
    depts = directory.names_by_id(store, Department.TABLE)
    items = [person_json(p, depts) for p in found]
    if args.json:
        print_json(items)
        return 0
    print_table(["id", *PERSON_COLUMNS], [[p.id, *person_cells(p, depts)] for p in found])
    return 0


def list_departments(store: Store, args: argparse.Namespace) -> int:
    found = directory.departments(store, active_only=not args.all)
    names = directory.names_by_id(store, Person.TABLE)
    items = [department_json(d, names) for d in found]
    return print_items(
        args,
        items,
        ["id", "name", "side", "branch", "capacity", "hours", "hosts", "liaison", "active"],
        shown={
            "side": lambda side: SIDE_LABELS[side],
            "hosts": ", ".join,
            "liaison": lambda name: name or "",
            "active": lambda active: "yes" if active else "no",
        },
    )


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
    versions.require(store, args, model.TABLE, base.id)
    record = build(store, values, base)
    from ..core.history import changed_fields

    if not changed_fields(store, model.TABLE, base.id, record.to_doc()):
        print(f"nothing changed: {noun} #{base.id} ({record.name}) already reads so")
        return 0
    save(store, actor, record, expect_version=args.if_version)
    print(f"updated {noun} #{base.id}: {record.name}")
    return 0


def cmd_person(args: argparse.Namespace) -> int:
    return _directory_command(
        args, Person, "person", ("side", "role", "department", "team", "email", "active")
    )


def cmd_department(args: argparse.Namespace) -> int:
    return _directory_command(
        args, Department, "department",
        ("branch", "capacity", "hours", "notes", "closed", "active", "side", "liaison", "liaison_since"),
    )  # fmt: skip


def cmd_import(args: argparse.Namespace) -> int:
    store, actor = open_as(args)
    count = directory.import_csv(
        store, actor, args.kind, args.file, progress=stderr_progress(f"importing {args.kind}")
    )
    noun = {"people": ("person", "people"), "departments": ("department", "departments")}
    print(f"imported {count} {noun[args.kind][count != 1]}")
    return 0
