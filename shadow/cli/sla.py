"""The service-level part of the command line: whose turn it is, the calendar settings,
``report calendar`` and ``report escalations``.

``cli/backlog.py`` and ``cli/actions.py`` call :func:`register_wait` for ``suggestion`` and
``action`` and dispatch their ``wait``/``resume`` to :func:`cmd_wait`; the ``sla.*`` settings
go through ``core/settings.py`` like every other setting.
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from ..core.models import WAIT_SIDES
from ._common import CliError, open_as, print_json, print_table

SETTINGS_HELP = (
    "sla.hours (the service desk's working hours, e.g. 'Mon-Fri 08:30-17:00'; clocks count only "
    "these), sla.holidays (public holidays that stop clocks: COUNTRY or COUNTRY-SUBDIVISION, e.g. "
    "AU-WA, GB-ENG, NZ; 'none' switches them off; default none), sla.at-risk (percent of a target "
    "used up before an item shows as at risk; default 75), sla.p1 .. sla.p5 (TRIAGE/RESOLVE "
    "targets in working hours or days, e.g. 4h/3d or 2/10 = 2d/10d), closures (the programme's "
    "closure days, YYYY-MM-DD, comma-separated)"
)


# ------------------------------------------------------------------ parser entries
def register_wait(sub: Any, noun: str) -> None:
    """Add ``wait`` and ``resume`` under ``shadow suggestion`` or ``shadow action``."""
    q = sub.add_parser(
        "wait",
        help=f"mark a {noun} as waiting on the library, IT or a vendor",
        description=f"Mark a {noun} as waiting on someone. While a suggestion waits on the side "
        "that raised it, or on a vendor, its resolution clock pauses; the time is kept per side "
        "for 'shadow report sla'. Waiting on another side ends the current wait.",
    )
    q.add_id()
    q.add_argument("--on", required=True, choices=WAIT_SIDES, help="whose turn it is")
    q.add_argument("--note", metavar="TEXT", help="what is awaited")
    q = sub.add_parser("resume", help=f"end the {noun}'s current wait (its clock runs again)")
    q.add_id()


def register_report(p: argparse.ArgumentParser) -> None:
    p.add_argument("--year", type=int, metavar="Y", help="calendar: the year (default this year)")
    p.add_argument(
        "--mine",
        action="store_true",
        help="escalations: only yours, even if you coordinate a programme",
    )


REPORT_KINDS = ("calendar", "escalations")
REPORT_HELP = (
    " shadow report calendar [--year Y] [--json]: the service calendar: working hours, closure "
    "days and public holidays by name, and the working days and hours in the year. "
    "shadow report escalations [--mine] [--json]: suggestions at risk or breached, for their "
    "action owners (coordinators see all)."
)


# ------------------------------------------------------------------ handlers
def cmd_wait(args: argparse.Namespace, record: str) -> int:
    from ..core import sla
    from ..core.dates import format_moment, from_iso

    store, actor = open_as(args)
    noun = "suggestion" if record == "suggestions" else "action"
    if args.action == "wait":
        w = sla.wait(store, actor, record, args.id, args.on, args.note or "")
        print(f"{noun} #{w.record_id} is waiting on {sla.SIDE_NAMES[w.on]}" + _pause(store, w))
        return 0
    w = sla.resume(store, actor, record, args.id)
    hours = sla.service(store).calendar.working_seconds(from_iso(w.start), from_iso(w.end)) / 3600
    print(
        f"{noun} #{w.record_id} resumed: waited on {sla.SIDE_NAMES[w.on]} "
        f"{hours:.1f} working hours since {format_moment(from_iso(w.start))}"
    )
    return 0


def _pause(store, w) -> str:
    from ..core import backlog, sla

    if w.record != "suggestions":
        return ""
    s = backlog.get(store, w.record_id)
    if w.on in (sla.requester_side(s), "vendor"):
        return " (its resolution clock is paused)"
    return " (its clock keeps running: it is that side's turn)"


def cmd_report(args: argparse.Namespace, store) -> int:
    if args.kind == "calendar":
        return report_calendar(args, store)
    return report_escalations(args, store)


def report_calendar(args: argparse.Namespace, store) -> int:
    from ..core.calendar import calendar_year
    from ..core.dates import format_day, now

    year = args.year or now().year
    if not 1900 <= year <= 2200:
        raise CliError(f"--year must be from 1900 to 2200 (got {year})")
    cy = calendar_year(store, year)
    if args.json:
        print_json(cy.to_json())
        return 0
    print(f"service calendar {year} ({cy.zone})")
    print(f"  working hours: {cy.hours}")
    print(f"  public holidays: {cy.place}")
    print(f"  working days: {cy.working_days}, working hours: {cy.working_hours:.1f}")
    print()
    found = [(d, n, "yes" if w else "no (not a working day)") for d, n, w in cy.holidays]
    found += [(d, "closure", "yes") for d in cy.closures]
    if found:
        print_table(
            ["day", "holiday or closure", "stops clocks"],
            [[format_day(d), n, stops] for d, n, stops in sorted(found)],
        )
    else:
        print("no holidays or closures")
    return 0


def report_escalations(args: argparse.Namespace, store) -> int:
    from ..core import directory, sla
    from ..core.dates import format_moment, now

    person = directory.resolve_actor(store, args.as_name)
    found = sla.escalations(store, now(), person)
    if args.mine and person is not None:
        found = [e for e in found if person.name in e.owners]
    items = [
        {
            "id": e.suggestion_id,
            "title": e.title,
            "priority": e.priority,
            "department": e.department or None,
            "state": e.state,
            "clock": e.clock.kind,
            "due": e.clock.due.isoformat() if e.clock.due else None,
            "waiting_on": e.clock.waiting_on or None,
            "describe": e.describe(),
            "owners": list(e.owners),
        }
        for e in found
    ]
    if args.json:
        print_json(items)
        return 0
    print_table(
        ["id", "P", "state", "title", "owners", "due", "clock"],
        [
            [e.suggestion_id, f"P{e.priority}", e.state, e.title, ", ".join(e.owners),
             format_moment(e.clock.due) if e.clock.due else "paused", e.describe()]
            for e in found
        ],
    )  # fmt: skip
    return 0


def print_waiting(report: dict) -> None:
    """``report sla`` as text: the per-side waiting table and the month trend."""
    from ..core.dates import format_day

    cal = report.get("calendar", {})
    print(
        f"working time: {cal.get('hours')} ({cal.get('zone')}), holidays {cal.get('holidays')}, "
        f"at risk from {cal.get('at_risk_percent')}% of a target"
    )
    skipped = cal.get("holiday_days") or []
    if skipped:
        print(
            "public holidays the clocks skipped: "
            + "; ".join(
                f"{h['name']} ({format_day(date.fromisoformat(h['date']))})" for h in skipped
            )
        )
    w = report["waiting_hours"]
    print(
        "waiting (working hours): "
        + ", ".join(f"on {side} {w[side]:.1f}" for side in ("library", "it", "vendor"))
    )
    for title, rows, label in (
        ("waiting by department:", report["department"], "department"),
        ("by month:", report["months"], "month"),
    ):
        print()
        print(title)
        print_table(
            [label, "on library", "on IT", "on vendor", "breaches"],
            [[r[label], *_hours(r["waiting_hours"]), r["breaches"]] for r in rows],
        )


def _hours(sides: dict) -> list[str]:
    return [f"{sides[side]:.1f}" for side in ("library", "it", "vendor")]


def suggestion_sla(store, suggestion_id: int) -> dict:
    """``suggestion show``: the clocks (with the holidays they skip) and whose turn it was."""
    from ..core import sla
    from ..core.dates import now
    from ..core.models import Suggestion

    doc = store.get(Suggestion.TABLE, suggestion_id)
    svc = sla.service(store)
    clocks = (
        svc.clocks(Suggestion.from_doc(doc), doc["created"], now()) if doc.get("created") else ()
    )
    return {
        "clocks": [
            {"kind": c.kind, "state": c.state, "target": str(c.target) if c.target else None,
             "due": c.due.isoformat() if c.due else None, "paused": c.paused,
             "waiting_on": c.waiting_on or None, "describe": c.describe()}
            for c in clocks
        ],
        "waits": [
            {"on": w.on, "note": w.note, "start": w.start, "end": w.end}
            for w in svc.waits.get(("suggestions", suggestion_id), [])
        ],
    }  # fmt: skip


def print_suggestion_sla(info: dict) -> None:
    from ..core.dates import format_moment, from_iso

    for c in info["clocks"]:
        due = f" (due {format_moment(from_iso(c['due']))})" if c["due"] else ""
        print(f"{'clock':>15}: {c['describe']}{due}")
    for w in info["waits"]:
        until = format_moment(from_iso(w["end"])) if w["end"] else "now"
        text = w["note"] if w["note"].isprintable() else w["note"].encode("unicode_escape").decode()
        note = f": {text}" if text else ""
        print(f"{'waited on':>15}: {w['on']} {format_moment(from_iso(w['start']))} - {until}{note}")
