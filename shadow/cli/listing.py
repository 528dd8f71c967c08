"""``shadow list WHAT``: one command listing every kind of record; each area prints its own."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from ..core.models import DIRECTIONS
from ..core.store import Store
from ._common import json_flag, open_store, visit_key
from .actions import list_actions
from .backlog import list_suggestions
from .directory import list_departments, list_people
from .notes import list_kudos, list_observations
from .visits import list_visits

# What ``shadow list`` lists (in the order its help names them) and who prints each.
LISTERS: dict[str, Callable[[Store, argparse.Namespace], int]] = {
    "people": list_people,
    "departments": list_departments,
    "visits": list_visits,
    "suggestions": list_suggestions,
    "observations": list_observations,
    "kudos": list_kudos,
    "actions": list_actions,
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
    p.add_argument("--visit", metavar="ID", type=visit_key, help="observations of this visit")
    p.add_argument("--owner", metavar="NAME", help="actions owned by this person")
    p.add_argument("--overdue", action="store_true", help="only overdue actions")
    p.add_argument(
        "--sla", choices=["breached", "at risk"], help="suggestions by service-level state"
    )
    p.set_defaults(func=cmd_list, read_only=True)


def cmd_list(args: argparse.Namespace) -> int:
    return LISTERS[args.what](open_store(args), args)
