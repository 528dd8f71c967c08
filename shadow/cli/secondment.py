"""``shadow secondment add|log|sign-off|list|show``: multi-day temporary assignments.

Registered by :func:`register` from ``shadow/cli/__init__.py``'s ``build_parser``.
"""

from __future__ import annotations

import argparse

HELP = "secondments: multi-day assignments to the other side, a daily log and the host's sign-off"
DESCRIPTION = (
    "A secondment places a person in a department of the other side (IT staff in a library "
    "department, library staff in an IT team) for several days, with learning goals. The "
    "seconded person writes one short line a day (shadow secondment log ID TEXT); after the "
    "last day the host signs it off with a comment (shadow secondment sign-off ID --comment TEXT)."
)


def register(sub: argparse._SubParsersAction) -> None:

    p = sub.add_parser("secondment", help=HELP, description=DESCRIPTION)
    ssub = p.subcommands(func=cmd_secondment)

    q = ssub.add_parser("add", help="arrange a secondment")
    q.add_argument("person", metavar="PERSON", help="who is seconded")
    q.add_argument("--department", required=True, metavar="NAME", help="the host department")
    q.add_argument("--host", required=True, metavar="NAME", help="who hosts and signs off")
    q.add_argument("--start", required=True, metavar="PHRASE", help="first day")
    q.add_argument("--end", required=True, metavar="PHRASE", help="last day")
    q.add_argument("--goals", metavar="TEXT", default="", help="the learning goals")

    q = ssub.add_parser("log", help="the seconded person's line for today (or --day)")
    q.add_id()
    q.add_argument("text", metavar="TEXT")
    q.add_argument("--day", metavar="PHRASE", help="the day the line is about (default today)")

    q = ssub.add_parser("sign-off", help="the host signs a finished secondment off")
    q.add_id()
    q.add_argument("--comment", required=True, metavar="TEXT")

    q = ssub.add_parser("list", help="list secondments, the latest first", read_only=True)
    q.add_argument("--department", metavar="NAME")
    q.add_argument("--person", metavar="NAME", help="seconded or hosting")
    q.add_json("print a JSON array")

    q = ssub.add_parser("show", help="one secondment with its daily log", read_only=True)
    q.add_id()
    q.add_json("print a JSON object")


def cmd_secondment(args: argparse.Namespace) -> int:
    from ..core import dates, directory, secondments
    from ..core.plain import count
    from ..core.settings import dayfirst
    from ._common import acting, acting_person, open_store, past_moment, print_json, print_table

    store = open_store(args)
    now = dates.now()
    if args.action == "add":
        record = secondments.secondment_from_input(
            store,
            {
                "person": args.person,
                "department": args.department,
                "host": args.host,
                "start": args.start,
                "end": args.end,
                "goals": args.goals,
            },
            now=now,
            dayfirst=dayfirst(),
        )
        sid = secondments.arrange(store, acting(store, args), record)
        print(f"arranged secondment #{sid}: {record.start} to {record.end}")
        return 0
    if args.action == "log":
        moment = past_moment(args.day)
        day = moment.date() if moment else None
        n = secondments.log(store, acting_person(store, args), args.id, args.text, day=day, now=now)
        print(f"logged on secondment #{args.id} ({count(n, 'day')} in the log)")
        return 0
    if args.action == "sign-off":
        secondments.sign_off(store, acting_person(store, args), args.id, args.comment, now=now)
        print(f"signed off secondment #{args.id}")
        return 0
    if args.action == "show":
        return _show(store, args, now)
    dept_id = directory.find_department(store, args.department).id if args.department else None
    person_id = directory.find_person(store, args.person).id if args.person else None
    found = secondments.views(store, now.date(), department_id=dept_id, person_id=person_id)
    if args.json:
        print_json([v.json() for v in found])
        return 0
    print_table(
        ["id", "person", "department", "host", "start", "end", "state", "log"],
        [
            [
                v.record.id,
                v.person,
                v.department,
                v.host,
                v.record.start,
                v.record.end,
                v.state,
                len(v.record.log),
            ]  # fmt: skip
            for v in found
        ],
    )
    return 0


def _show(store, args: argparse.Namespace, now) -> int:
    """``shadow secondment show ID``: one secondment with its daily log."""
    from ..core import secondments
    from ._common import print_json

    record = secondments.get(store, args.id)
    view = next(v for v in secondments.views(store, now.date()) if v.record.id == record.id)
    if args.json:
        print_json(view.json())
        return 0
    r = view.record
    rows = [
        ("secondment", f"#{r.id}"),
        ("person", view.person),
        ("department", view.department),
        ("host", view.host),
        ("dates", f"{r.start} to {r.end}"),
        ("state", view.state),
        ("goals", r.goals),
        ("signed off", (r.signed_off or "")[:10]),
        ("comment", r.sign_off_comment),
    ]
    for label, value in rows:
        if value:
            print(f"{label:>10}: {value}")
    if r.log:
        print("       log:")
        for entry in r.log:
            print(f"    {entry['day']}  {entry['text']}")
    return 0
