"""``shadow survey`` and ``report gap``: expectation against perception."""

from __future__ import annotations

import argparse
from typing import Any

from ..core.store import Store
from ._common import (
    acting_person,
    names,
    open_store,
    print_items,
    print_json,
    print_table,
    visit_key,
    visit_record,
)


def register(sub: Any) -> None:
    """``shadow survey add|list``."""
    p = sub.add_parser(
        "survey", help="host surveys: expectation vs perception of IT's communication"
    )
    vsub2 = p.subcommands(func=cmd_survey)
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
    q.add_argument("--visit", metavar="ID", type=visit_key)
    vsub2.add_parser("list", help="list survey answers", read_only=True).add_json()


def cmd_survey(args: argparse.Namespace) -> int:
    from ..core import surveys

    store = open_store(args)
    if args.action == "list":
        from ..core.models import Survey

        people, depts = names(store)
        items = [
            {"id": d["id"], "department": depts.get(d["department_id"]), "respondent": people.get(d["respondent_id"]),
             "phase": d["phase"], "visit_id": d.get("visit_id"), "expectation": d["expectation"],
             "perception": d["perception"], "gap": round(surveys.gap(Survey.from_doc(d)), 2), "answered": d["answered"]}
            for d in store.all(Survey.TABLE)
        ]  # fmt: skip
        return print_items(
            args,
            items,
            ["id", "department", "respondent", "phase", "gap", "answered"],
            shown={"answered": lambda at: at[:10]},
        )
    actor = acting_person(store, args)
    sid = surveys.record(
        store,
        actor,
        args.department,
        args.phase,
        surveys.parse_scores(args.expect, "--expect"),
        surveys.parse_scores(args.perceive, "--perceive"),
        visit_id=visit_record(store, actor.name, args.visit) if args.visit else None,
    )
    print(f"survey #{sid} recorded ({args.phase}, {args.department})")
    return 0


def report_gap(store: Store, args: argparse.Namespace) -> int:
    from ..core import surveys

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
