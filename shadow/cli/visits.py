"""``shadow visit ...`` and ``list visits``: booking, moving and closing visits."""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from typing import Any

from ..core import directory
from ..core.models import DIRECTION_LABELS, VISIT_KINDS, VISIT_STATUSES, Visit
from ..core.settings import dayfirst
from ..core.store import Store
from ._common import (
    CliError,
    acting,
    names,
    open_store,
    past_moment,
    print_json,
    print_table,
    span_end,
    visit_key,
    whole_number,
)
from .feedback import visit_ratings


def register(sub: Any) -> None:
    """``shadow visit add|reschedule|confirm|...|show|slots``."""
    visit = sub.add_parser(
        "visit",
        help="book, reschedule, confirm, complete or cancel visits; find free slots",
        description="Dates are phrases: 'tomorrow 9am', 'tue 10:00', '24/11/2026 14:00', "
        "'in 3 days 11:00', '2027-03-04 10:00'. Durations: 90m, 2h, 1h30.",
    )
    vsub = visit.subcommands(func=cmd_visit)
    _register_add(vsub)
    _register_changes(vsub)
    _register_reading(vsub)


def _register_add(vsub: Any) -> None:
    """``visit add``: every field of a booking."""
    p = vsub.add_parser(
        "add",
        help="book a visit (checked for conflicts first)",
        description="Book a visit. Hard conflicts (someone in two places at once) always stop it; "
        "soft ones (outside hours, closure day, over capacity, host load, too close together) "
        "stop it unless --force --reason TEXT is given.",
    )
    p.add_argument("--department", required=True, metavar="NAME")
    p.add_argument(
        "--visitor",
        action="append",
        required=True,
        metavar="NAME",
        help="IT visitor (repeat for more)",
    )
    p.add_argument(
        "--host",
        action="append",
        metavar="NAME",
        help="host (repeat; default: the department's hosts)",
    )
    p.add_argument("--when", required=True, metavar="PHRASE", help="start, e.g. 'tue 10:00'")
    p.add_duration("length, e.g. 90m, 2h (default 2h)")
    p.add_argument("--end", metavar="PHRASE", help="end time instead of --for, e.g. 12:30")
    p.add_argument(
        "--repeat",
        metavar="RULE-OR-PHRASE",
        help="e.g. 'fortnightly until 1/3/2027', 'first monday monthly', FREQ=WEEKLY;INTERVAL=2",
    )
    p.add_argument("--kind", default="tour", choices=VISIT_KINDS)
    p.add_argument("--purpose", metavar="TEXT", help="what to see")
    p.add_programme()
    p.add_argument(
        "--force", action="store_true", help="save despite soft conflicts (needs --reason)"
    )
    p.add_argument("--reason", metavar="TEXT", help="why the soft conflicts are acceptable")
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="show the interpreted booking and every conflict; save nothing",
    )


def _register_changes(vsub: Any) -> None:
    """``visit reschedule`` and the status steps (confirm ... reopen)."""
    p = vsub.add_parser("reschedule", help="move a visit, keeping its record, notes and history")
    p.add_argument("id", metavar="ID", type=visit_key)
    p.add_argument("--when", required=True, metavar="PHRASE")
    p.add_duration()
    p.add_argument(
        "--on", metavar="DATE", help="only the occurrence of a repeating visit on this day"
    )
    p.add_argument("--force", action="store_true")
    p.add_argument("--reason", metavar="TEXT")
    for verb, what in (
        ("confirm", "confirmed"),
        ("complete", "completed"),
        ("cancel", "cancelled"),
        ("no-show", "a no-show"),
        ("reopen", "open again after a mistake (completed/no-show -> confirmed, cancelled -> requested)"),
    ):  # fmt: skip
        p = vsub.add_parser(
            verb,
            help=f"mark a visit {what} (a series, or one occurrence: ID@DATE or --on DATE)",
        )
        p.add_argument(
            "id",
            metavar="ID",
            type=visit_key,
            help="a visit id, or ID@YYYY-MM-DD for one occurrence",
        )
        p.add_argument(
            "--on", metavar="DATE", help="only the occurrence of a repeating visit on this day"
        )
        needed = verb in ("cancel", "reopen")
        p.add_argument(
            "--reason", metavar="TEXT", required=needed, help="why (kept in the history)"
        )


def _register_reading(vsub: Any) -> None:
    """``visit show`` and ``visit slots`` (read only)."""
    p = vsub.add_parser("show", help="a visit's details and history", read_only=True)
    p.add_argument("id", metavar="ID", type=visit_key)
    p.add_json()
    p = vsub.add_parser("slots", help="the next free slots that pass every check", read_only=True)
    p.add_argument("--department", required=True, metavar="NAME")
    p.add_argument("--visitor", action="append", required=True, metavar="NAME")
    p.add_argument("--host", action="append", metavar="NAME")
    p.add_duration("length (default 2h)")
    p.add_from("search from (default now)")
    p.add_argument("--count", type=whole_number(1, 100), default=5)
    p.add_json()


def visit_json(
    occ: Any, people: dict[int, str], depts: dict[int, str], ways: dict[int, str] | None = None
) -> dict[str, Any]:
    from ..core.dates import to_iso
    from ..core.schedule import describe_repeat

    visit = occ.visit
    own_record = occ.series_id is None or visit.series_id is not None
    return {
        "id": visit.id if own_record else occ.series_id,
        "key": occ.key,
        "series_id": occ.series_id,
        "occurrence": occ.original[:10] if occ.series_id else None,
        "department": depts.get(visit.department_id),
        "department_id": visit.department_id,
        "direction": (ways or {}).get(visit.department_id, "it-to-library"),
        "visitors": [people.get(p, f"#{p}") for p in visit.visitors],
        "hosts": [people.get(p, f"#{p}") for p in visit.hosts],
        "start": to_iso(occ.start),
        "end": to_iso(occ.end),
        "status": visit.status,
        "kind": visit.kind,
        "purpose": visit.purpose,
        "repeat": describe_repeat(visit.rrule) if visit.rrule else "",
        "programme_id": visit.programme_id,
        "override_reason": visit.override_reason,
        "version": visit.version,
    }


def list_visits(store: Store, args: argparse.Namespace) -> int:
    from datetime import datetime, time

    from ..core import dates, schedule

    zone = dates.local_zone()
    start = past_moment(args.from_) or datetime.combine(dates.now().date(), time(0, 0), zone)
    end = span_end(args.to) or start + timedelta(days=90)
    if end <= start:
        raise CliError("--to must be after --from")
    # Only the visits that can fall in the window (not ten years of past ones).
    found = schedule.occurrences(store, start, end, schedule.visits_near(store, start, end))
    if args.person:
        pid = directory.find_person(store, args.person).id
        found = [o for o in found if pid in o.people]
    if args.department:
        did = directory.find_department(store, args.department).id
        found = [o for o in found if o.visit.department_id == did]
    if args.status:
        if args.status not in VISIT_STATUSES:
            raise CliError(f"visit status must be one of: {', '.join(VISIT_STATUSES)}")
        found = [o for o in found if o.status == args.status]
    people, depts = names(store)
    ways = directory.directions_by_department(store)
    items = [visit_json(o, people, depts, ways) for o in found]
    if args.json:
        print_json(items)
        return 0
    print_table(
        ["id", "when", "department", "direction", "visitors", "hosts", "status", "repeat"],
        [
            [
                o.key,
                dates.format_span(o.start, o.end),
                i["department"],
                DIRECTION_LABELS[i["direction"]],
                ", ".join(i["visitors"]),
                ", ".join(i["hosts"]),
                i["status"],
                i["repeat"],
            ]
            for o, i in zip(found, items, strict=True)
        ],
    )
    return 0


def _print_conflicts(conflicts: list[Any]) -> None:
    for c in conflicts:
        print(f"  {'conflict' if c.hard else 'warning'}: {c.message}")


def cmd_visit(args: argparse.Namespace) -> int:
    store = open_store(args)
    if args.action == "show":
        return show_visit(store, args)
    if args.action == "slots":
        return show_slots(store, args)
    actor = acting(store, args)
    if args.action == "add":
        return book_visit(store, actor, args)
    return change_visit(store, actor, args)


def show_slots(store: Store, args: argparse.Namespace) -> int:
    """``visit slots``: the next free slots; exit 1 when there is none."""
    from ..core import dates, schedule

    dept = directory.find_department(store, args.department)
    visitors = [directory.find_person(store, v).id for v in args.visitor]
    hosts = [directory.find_person(store, h).id for h in (args.host or [])] or dept.hosts
    length = dates.parse_duration(args.for_) if args.for_ else schedule.DEFAULT_DURATION
    after = dates.parse_moment(args.from_, dayfirst=dayfirst()).value if args.from_ else dates.now()
    slots = schedule.find_slots(
        store, dept.id, visitors, hosts, length, after=after, count=args.count
    )
    if args.json:
        print_json([{"start": dates.to_iso(a), "end": dates.to_iso(b)} for a, b in slots])
    elif not slots:
        print(f"no free slot at {dept.name} in the next 60 days")
    else:
        for a, b in slots:
            print(dates.format_span(a, b))
    return 0 if slots else 1


def book_visit(store: Store, actor: str, args: argparse.Namespace) -> int:
    """``visit add``: the typed fields to the core's reader, then book (or, dry, only show)."""
    from ..core import schedule

    values: dict[str, Any] = {
        "department": args.department,
        "visitors": args.visitor,
        "hosts": args.host or [],
        "when": args.when,
        "kind": args.kind,
        "purpose": args.purpose or "",
        "programme": args.programme or "",
        "repeat": args.repeat or "",
    }
    if args.for_:
        values["duration"] = args.for_
    if args.end:
        values["end"] = args.end
    booking = schedule.visit_from_input(store, values, dayfirst=dayfirst())
    for notice in booking.notices:
        print(f"shadow: warning: {notice}", file=sys.stderr)
    if args.dry_run:
        print(
            f"would book: {booking.summary} at {directory.find_department(store, args.department).name}"
        )
        _print_conflicts(booking.conflicts)
        return 1 if any(c.hard for c in booking.conflicts) else 0
    vid = schedule.book(store, actor, booking, force=args.force, reason=args.reason or "")
    print(f"booked visit #{vid}: {booking.summary} (requested)")
    _print_conflicts(booking.conflicts)
    return 0


STATUS_OF_VERB = {
    "confirm": "confirmed",
    "complete": "completed",
    "cancel": "cancelled",
    "no-show": "no-show",
}


def change_visit(store: Store, actor: str, args: argparse.Namespace) -> int:
    """``visit reschedule``, ``reopen`` and the status steps, of a series or one occurrence."""
    from ..core import dates, schedule

    on = (
        dates.parse_day(args.on, dayfirst=dayfirst(), future=False)
        if getattr(args, "on", None)
        else None
    )
    if args.action == "reschedule":
        when = dates.parse_when(args.when, dayfirst=dayfirst())
        length = dates.parse_duration(args.for_) if args.for_ else None
        print(
            schedule.reschedule(
                store,
                actor,
                args.id,
                when,
                length,
                on=on,
                force=args.force,
                reason=args.reason or "",
                expect_version=args.if_version,
            )
        )
        return 0
    if args.action == "reopen":
        print(schedule.reopen(store, actor, args.id, args.reason, on=on))
        return 0
    print(
        schedule.set_status(
            store, actor, args.id, STATUS_OF_VERB[args.action], on=on, reason=args.reason or ""
        )
    )
    return 0


def show_visit(store: Store, args: argparse.Namespace) -> int:
    from ..core import dates, history, schedule

    occ = schedule.get_occurrence(store, args.id)
    visit = occ.visit
    people, depts = names(store)
    own = visit.id if (occ.series_id is None or visit.series_id is not None) else None
    way = directory.directions_by_department(store).get(visit.department_id, "it-to-library")
    changed = schedule.changed_occurrences(store, visit) if visit.rrule else []
    rows = [
        (
            "visit",
            f"#{occ.key}"
            + (f" (an occurrence of series #{occ.series_id})" if occ.series_id else ""),
        ),
        ("when", dates.format_span(occ.start, occ.end)),
        ("repeats", schedule.describe_repeat(visit.rrule) or "no"),
        ("department", depts.get(visit.department_id, "?")),
        ("direction", DIRECTION_LABELS[way]),
        ("kind", visit.kind),
        ("status", visit.status),
        ("why", visit.status_reason),
        ("visitors", ", ".join(people.get(p, f"#{p}") for p in visit.visitors)),
        ("hosts", ", ".join(people.get(p, f"#{p}") for p in visit.hosts)),
        ("purpose", visit.purpose),
        ("saved despite", visit.override_reason),
    ]
    rated, rated_line = visit_ratings(store, None if visit.rrule else own)
    rows.append(("ratings", rated_line))
    entries = store.audit(Visit.TABLE, own) if own is not None else []
    if args.json:
        print_json(
            {
                "id": own,
                "key": occ.key,
                **visit.to_doc(),
                "direction": way,
                "version": visit.version,
                "start": dates.to_iso(occ.start),
                "end": dates.to_iso(occ.end),
                "series_id": occ.series_id,
                "occurrences": [
                    {
                        "key": o.key,
                        "id": o.visit.id,
                        "start": dates.to_iso(o.start),
                        "end": dates.to_iso(o.end),
                        "status": o.status,
                        "why": o.visit.status_reason,
                        "moved": o.start != dates.from_iso(o.original),
                    }
                    for o in changed
                ],
                "ratings": rated,
                "history": entries,
            }  # fmt: skip
        )
        return 0
    for label, value in rows:
        if value:
            print(f"{label:>13}: {value}")
    if changed:
        print("  occurrences changed one by one:")
        for o in changed:
            moved = o.start != dates.from_iso(o.original)
            what = f"moved to {dates.format_span(o.start, o.end)}" if moved else o.status
            if moved and o.status != visit.status:
                what += f", {o.status}"
            why = f" ({o.visit.status_reason})" if o.visit.status_reason else ""
            print(f"               #{o.key}  {what}{why}")
    print("      history:" if entries else "      history: none of its own (see its series)")
    for line in history.describe(store, entries):
        print(f"               {line}")
    return 0
