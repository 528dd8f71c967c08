"""``shadow list WHAT``: one command listing every kind of record; each area prints its own."""

from __future__ import annotations

import argparse
import importlib
from typing import Any

from ..core.models import DIRECTIONS
from ._common import json_flag, open_store, visit_key

# What ``shadow list`` lists (in the order its help names them) and who prints each
# (module, function): only the module of the list asked for is loaded.
LISTERS: dict[str, tuple[str, str]] = {
    "people": (".directory", "list_people"),
    "departments": (".directory", "list_departments"),
    "visits": (".visits", "list_visits"),
    "suggestions": (".backlog", "list_suggestions"),
    "observations": (".notes", "list_observations"),
    "kudos": (".notes", "list_kudos"),
    "actions": (".actions", "list_actions"),
}


def register(sub: Any) -> None:
    """``shadow list``."""
    p = sub.add_parser(
        "list",
        help="list people, departments, visits, suggestions, observations, actions or kudos",
        description="List records. Visits default to today and the next 90 days; "
        "repeating visits are listed once per occurrence.",
    )
    p.add_argument("what", choices=list(LISTERS))
    json_flag(p)
    p.add_range(
        from_help="visits from this day (default today)",
        to_help="visits up to this day (default 90 days on)",
    )
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
    p.add_argument("--visit", metavar="ID", type=visit_key, help="observations of this visit")
    p.add_argument("--owner", metavar="NAME", help="actions owned by this person")
    p.add_argument("--overdue", action="store_true", help="only overdue actions")
    p.add_argument(
        "--sla", choices=["breached", "at risk"], help="suggestions by service-level state"
    )
    p.set_defaults(func=cmd_list, read_only=True)


def cmd_list(args: argparse.Namespace) -> int:
    module, function = LISTERS[args.what]
    lister = getattr(importlib.import_module(module, __package__), function)
    return lister(open_store(args), args)
