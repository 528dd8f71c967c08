"""``shadow demo``, ``check``, ``history``, ``backup``, ``restore``: the database as a whole."""

from __future__ import annotations

import argparse
from typing import Any

from ..core import directory
from ..core.plain import count
from ._common import (
    open_store,
    print_json,
    print_table,
    record_id,
    report_error,
    safe_line,
    whole_number,
)


def register_demo(sub: Any) -> None:
    """``shadow demo`` (first in ``shadow --help``)."""
    p = sub.add_parser("demo", help="load the sample programme into an empty database")
    p.add_argument("--force", action="store_true", help="replace existing records (backup first)")
    p.set_defaults(func=cmd_demo)


def register(sub: Any) -> None:
    """``shadow check``, ``history``, ``backup``, ``restore``."""
    p = sub.add_parser("check", help="verify the database file (schema, references, duplicates)")
    p.set_defaults(func=cmd_check, read_only=True)

    p = sub.add_parser("history", help="show the audit trail (who changed what, old -> new)")
    p.add_argument("entity", nargs="?", help="people, departments, ... (default: everything)")
    p.add_argument("id", nargs="?", type=record_id, help="one record's id")
    p.add_argument(
        "--limit",
        type=whole_number(0, 10**9),
        default=50,
        help="last N entries (0 = all; default 50)",
    )
    p.add_json("print a JSON array")
    p.set_defaults(func=cmd_history, read_only=True)

    p = sub.add_parser("backup", help="write a backup copy now (the last 5 are kept)")
    p.add_out("write it to FILE instead of the backups folder")
    p.set_defaults(func=cmd_backup, read_only=True)

    p = sub.add_parser(
        "restore", help="make a backup the current database (the current one is backed up first)"
    )
    p.add_argument("backup", metavar="BACKUP", help="a backup file (e.g. from backups/)")
    p.set_defaults(func=cmd_restore)


def cmd_demo(args: argparse.Namespace) -> int:
    from ..core.sample import load_sample

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
    from ..core.sample import record_count

    problems = directory.check(store)
    total = record_count(store)
    if problems:
        for problem in problems:
            print(safe_line(problem))
        report_error(f"{count(len(problems), 'problem')} in {store.path}")
        return 1
    print(f"ok: {store.path} (schema {store.schema}, {count(total, 'record')}, no problems)")
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from ..core import history

    store = open_store(args)
    entity = {"person": "people", "department": "departments"}.get(args.entity, args.entity)
    rows = (
        store.audit(entity, args.id)[-args.limit :] if args.limit else store.audit(entity, args.id)
    )
    names = history.Names(store)
    if args.json:
        print_json(
            [
                r | {"record": history.record_name(names, r), "change": history.change(names, r)}
                for r in rows
            ]  # fmt: skip
        )
        return 0
    print_table(
        ["when", "who", "what", "change"],
        [
            [
                r["ts"],
                r["actor"],
                history.record_name(names, r),
                history.change(names, r),
            ]
            for r in rows
        ],
    )
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    store = open_store(args)
    print(f"backup written: {store.backup(reason='manual', out=args.out)}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    store = open_store(args)
    saved = store.restore(args.backup)
    if saved is not None:
        print(f"the database as it was is in {saved}")
    print(f"restored {store.path} from {args.backup}")
    return 0
