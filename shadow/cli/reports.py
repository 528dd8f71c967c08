"""``shadow report`` and ``export``: reports and documents for other tools."""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from ..core import directory
from ..core.programmes import find_id as find_programme
from . import sla as cli_sla
from . import twoway
from ._common import CliError, open_store, past_moment, print_json, print_table, span_end, write_out
from .coverage import report_coverage
from .surveys import report_gap


def register_export(sub: Any) -> None:
    """``shadow export ics|csv|md``."""
    p = sub.add_parser(
        "export",
        help="export visits as iCalendar, tables as CSV, or the programme as Markdown",
        description="shadow export ics | shadow export csv suggestions|actions|visits|observations | "
        "shadow export md [--programme NAME]. CSV is UTF-8 with a header row; cells a spreadsheet "
        "would run as a formula are prefixed with an apostrophe.",
    )
    p.add_argument("format", choices=["ics", "csv", "md"])
    p.add_argument("what", nargs="?", help="for csv: suggestions, actions, visits or observations")
    p.add_programme("for md: one programme (default: everything)")
    p.add_out("write to FILE (default: standard output)")
    p.add_argument("--person", metavar="NAME", help="for ics: only the visits this person is on")
    p.set_defaults(func=cmd_export, read_only=True)


def register(sub: Any) -> None:
    """``shadow report ...``."""
    p = sub.add_parser(
        "report",
        help="reports: sla, meeting (the fortnightly pack), coverage, gap (expectation vs perception)",
        description="shadow report sla [--from PHRASE] [--to PHRASE] [--json]: per priority and department, "
        "how many were triaged and resolved within target. shadow report meeting [--since PHRASE] "
        "[--out FILE.md]: the Technical Implementation Group's agenda as Markdown. "
        "shadow report coverage [--programme NAME] [--json]: when each IT person last visited each "
        "department, against the programme's goals. shadow report gap [--json]: per department, "
        "what library staff expect of IT's communication minus what they experienced, before and "
        "after visits." + cli_sla.REPORT_HELP + twoway.REPORT_HELP,
    )
    p.add_argument("kind", choices=["sla", "meeting", "coverage", "gap", *cli_sla.REPORT_KINDS,
                                    *twoway.REPORT_KINDS])  # fmt: skip
    cli_sla.register_report(p)
    twoway.register_report(p)
    p.add_programme("coverage: against this programme's goals")
    p.add_range(from_help="sla: suggestions raised from", to_help="sla: suggestions raised up to")
    p.add_since("meeting: the last meeting (default 14 days ago)")
    p.add_json()
    p.add_out()
    p.set_defaults(func=cmd_report, read_only=True)


def cmd_export(args: argparse.Namespace) -> int:
    from ..core import reports

    store = open_store(args)
    if args.format == "ics":
        if args.what:
            raise CliError("export ics takes no table name")
        person = directory.find_person(store, args.person) if args.person else None
        payload = reports.export_ics(store, person.id if person else None)
    elif args.format == "csv":
        if args.what not in ("suggestions", "actions", "visits", "observations"):
            raise CliError("export csv needs one of: suggestions, actions, visits, observations")
        payload = reports.export_csv(store, args.what).encode("utf-8")
    else:
        programme = find_programme(store, args.programme)
        payload = reports.programme_report(store, programme).encode("utf-8")
    if args.out:
        write_out(Path(args.out), payload)
        print(f"wrote {args.out}")
    else:
        sys.stdout.buffer.write(payload)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from ..core import dates, reports

    store = open_store(args)
    if args.kind in cli_sla.REPORT_KINDS:
        return cli_sla.cmd_report(args, store)
    if args.kind in twoway.REPORT_KINDS:
        return twoway.cmd_report(args, store)
    if args.kind == "coverage":
        return report_coverage(store, args)
    if args.kind == "gap":
        return report_gap(store, args)
    if args.kind == "sla":
        report = reports.sla_report(store, past_moment(args.from_), span_end(args.to))
        if args.json:
            print_json(report)
            return 0
        for kind in ("priority", "department"):
            print(f"by {kind}:")
            print_table(
                [
                    kind,
                    "raised",
                    "triaged in time",
                    "triage late",
                    "resolved in time",
                    "resolve late",
                    "breach rate",
                    "median days over",
                ],  # fmt: skip
                [
                    [
                        r[kind],
                        r["suggestions"],
                        r["triaged_within"],
                        r["triage_breached"],
                        r["resolved_within"],
                        r["resolve_breached"],
                        f"{r['breach_rate']:.0%}",
                        r["median_days_over"],
                    ]  # fmt: skip
                    for r in report[kind]
                ],
            )
            print()
        cli_sla.print_waiting(report)
        return 0
    if args.kind == "meeting":
        since = past_moment(args.since) or dates.now() - timedelta(days=14)
        return show_text(reports.meeting_pack(store, since), args.out)
    raise CliError(f"unknown report {args.kind!r}")


def show_text(text: str, out: str | None) -> int:
    """A text report (Markdown, plain): to the file ``--out`` names (whole or nothing),
    else to standard output (the safe stream). Returns the exit code, 0."""
    if out:
        write_out(Path(out), text.encode("utf-8"))
        print(f"wrote {out}")
    else:
        sys.stdout.write(text)
    return 0
