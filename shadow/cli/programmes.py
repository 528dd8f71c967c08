"""``shadow goals`` and ``programme``: programmes and their coverage goals."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ..core import directory
from ..core.models import Department
from ..core.programmes import find_id as find_programme
from ._common import CliError, acting, open_store, print_items, print_json


def register(sub: Any) -> None:
    """``shadow goals`` and ``shadow programme add|list``."""
    p = sub.add_parser("goals", help="show or set a programme's coverage goals (JSON)")
    p.add_argument("programme", nargs="?", metavar="PROGRAMME")
    p.add_argument("--set", metavar="JSON", help='e.g. [{"type": "cadence", "days": 365}]')
    p.add_json()
    p.set_defaults(func=cmd_goals)

    p = sub.add_parser("programme", help="add or list programmes (a season of visits)")
    prsub = p.subcommands(func=cmd_programme)
    q = prsub.add_parser("add", help="add a programme")
    q.add_argument("name", metavar="NAME")
    q.add_argument("--description")
    q.add_argument("--start", metavar="DATE")
    q.add_argument("--end", metavar="DATE")
    prsub.add_parser("list", help="list programmes", read_only=True).add_json()


def cmd_goals(args: argparse.Namespace) -> int:
    from ..core import coverage

    store = open_store(args)
    pid = find_programme(store, args.programme)
    if args.set is not None:
        if pid is None:
            from ..core import programmes

            progs = programmes.every(store)
            if len(progs) != 1:
                raise CliError(
                    "name the programme whose goals to set (see 'shadow programme list')"
                )
            pid = progs[0].id
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


def cmd_programme(args: argparse.Namespace) -> int:
    from ..core import programmes

    store = open_store(args)
    if args.action == "list":
        return print_items(
            args,
            programmes.listing(store),
            ["id", "name", "start", "end"],
        )
    pid, programme = programmes.add(
        store, acting(store, args), args.name, args.description, args.start, args.end
    )
    print(f"added programme #{pid}: {programme.name}")
    return 0
