"""``shadow plan`` and ``report coverage``: who has visited where, and planning the gaps."""

from __future__ import annotations

import argparse
from typing import Any

from ..core.plain import count
from ..core.programmes import find_id as find_programme
from ..core.settings import dayfirst
from ..core.store import Store
from ._common import (
    acting,
    cut_cells,
    names,
    open_store,
    print_json,
    print_table,
    whole_number,
)


def register(sub: Any) -> None:
    """``shadow plan``."""
    p = sub.add_parser(
        "plan",
        help="propose visits that close the coverage gaps (--apply books them as requested)",
        description="Plan the gaps: for a programme and a date range, propose visits covering every "
        "(IT person, department) pair the goals ask for, within opening hours, capacity, host load caps, "
        "existing bookings, buffers and each person's weekly maximum. Pairs that cannot be placed are listed "
        "with the reason.",
    )
    p.add_programme("whose goals (default: the first programme)")
    p.add_range(from_help="first day (default tomorrow)", to_help="last day (default 8 weeks on)")
    p.add_duration("visit length (default 2h)")
    p.add_argument(
        "--max-per-week",
        type=whole_number(1, 50),
        metavar="N",
        help="visits per person per week (default: setting, 2)",
    )
    p.add_argument("--apply", action="store_true", help="book the proposals as requested")
    p.add_json()
    p.set_defaults(func=cmd_plan)


def report_coverage(store: Store, args: argparse.Namespace) -> int:
    from ..core import coverage

    direction = getattr(args, "direction", None) or "it-to-library"
    cov = coverage.compute(store, find_programme(store, args.programme), None, direction)
    if args.json:
        print_json(coverage.as_json(cov))
        return 0
    marks = {"fresh": "●", "ageing": "◐", "stale": "○", "never": "·"}
    print(
        f"coverage as of {cov.as_of}: ● visited recently  ◐ due soon  ○ overdue  · never"
        "  (+ a visit is booked)"
    )
    who = "library person" if direction == "library-to-it" else "IT person"
    headers = [who] + [cut_cells(d.name, 12) for d in cov.departments]

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


def cmd_plan(args: argparse.Namespace) -> int:
    from ..core import dates, planner

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
    people, depts = names(store)
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
        f"{count(result.pairs, 'pair')} to cover between {start} and {end}; {result.placed} placed in {count(len(result.proposals), 'visit')}"
    )
    for p in result.proposals:
        print(f"  {dates.format_span(p.start, p.end)}  {depts.get(p.department_id)}: "
              f"{', '.join(people.get(v, '?') for v in p.visitors)} (host {', '.join(people.get(h, '?') for h in p.hosts)})")  # fmt: skip
    for u in result.unplaced:
        print(
            f"  not placed: {people.get(u.person_id)} at {depts.get(u.department_id)}: {u.reason}"
        )
    if applied:
        print(f"booked {count(len(applied), 'visit')} as requested")
    elif result.proposals:
        print("nothing booked: add --apply to book these as requested")
    return 0
