"""``shadow pulse link|report``: the anonymous perception pulse per department.

Registered by :func:`register` from ``shadow.cli.build_parser``. The form is served by
``shadow serve`` at ``/pulse/<token>`` (see ``core/pulse.py``); reports never show a
figure from fewer than five answers.
"""

from __future__ import annotations

import argparse

from ..core import directory, links, pulse
from ._common import acting, open_store, past_moment, print_json
from .calendar import secret_link_options

HELP = "the anonymous perception pulse: a survey link per department, and its report"
DESCRIPTION = (
    "A department's pulse link opens a short anonymous form in shadow serve (no sign-in): "
    "what people expect of IT and how IT has been, 1-5, and an optional comment. No "
    "respondent, address or time of day is stored. Reports never show a figure from fewer "
    f"than {pulse.THRESHOLD} answers in a month. Coordinators only."
)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("pulse", help=HELP, description=DESCRIPTION)
    psub = p.subcommands(func=cmd_pulse)
    q = psub.add_parser(
        "link",
        help="make, replace or revoke a department's pulse link",
        description="Without --new or --revoke: makes a link if the department has none, "
        "else says one exists (only a digest is kept: the address is printed once).",
    )
    q.add_argument("department", metavar="DEPARTMENT")
    secret_link_options(
        q, new="make a new link (the old one stops working)", revoke="stop the link at once"
    )
    q = psub.add_parser(
        "report",
        help=f"the pulse per department (nothing from fewer than {pulse.THRESHOLD} answers)",
        read_only=True,
    )
    q.add_argument("--department", metavar="NAME", help="only this department")
    q.add_since("from this date (counted from the start of its month)", metavar="DATE")
    q.add_json("print a JSON array")


def cmd_pulse(args: argparse.Namespace) -> int:
    store = open_store(args)
    if args.action == "report":
        return _report(store, args)
    base = links.public_url(store, args.public_url)
    dept = pulse.department_named(store, args.department)
    actor = acting(store, args)
    url = None
    if args.revoke:
        state = "revoked" if pulse.revoke_link(store, actor, dept) else "none"
    elif args.new or pulse.link_issued(store, dept.id) is None:
        url = pulse.url(base, pulse.issue_link(store, actor, dept))
        state = "issued"
    else:
        pulse.check_manager(store, actor)
        state = "exists"
    issued = pulse.link_issued(store, dept.id)
    if args.json:
        print_json({"department": dept.name, "state": state, "url": url, "issued": issued})
        return 0
    if state == "issued":
        print(
            f"Pulse link for {dept.name} (share it with the department; anyone with it can answer):"
        )
        print(f"  {url}")
        print("This address is shown only now. Lost it? shadow pulse link DEPARTMENT --new.")
    elif state == "exists":
        print(
            f"{dept.name} has a pulse link (made {str(issued)[:10]}). Its address was shown once "
            "and is not kept: --new makes a new one (the old one stops working)."
        )
    elif state == "revoked":
        print(f"{dept.name}'s pulse link is revoked: it answers 404 from now on.")
    else:
        print(f"{dept.name} has no pulse link (nothing to revoke).")
    return 0


def _report(store, args: argparse.Namespace) -> int:
    actor = directory.resolve_actor(store, args.as_name)
    found = pulse.report(store, actor, args.department, past_moment(args.since))
    if args.json:
        print_json([pulse.as_json(s) for s in found])
        return 0
    if not found:
        print("No department has a pulse link yet (shadow pulse link DEPARTMENT).")
    for summary in found:
        for line in pulse.describe(summary):
            print(line)
    return 0
