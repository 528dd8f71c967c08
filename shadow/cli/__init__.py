"""The scripting interface: ``shadow <command>``. Never imports Textual.

Every command exits 0 on success and 1 with one line on stderr when something is
wrong: ``shadow: error: ...`` for a refused request, ``shadow COMMAND: error: ...
(see shadow COMMAND --help)`` when the arguments themselves are misused (argparse's
refusals, made one line by ``_common.Parser``).

This module holds :func:`main`, the top-level parser and the error mapping; each area's
commands (arguments beside the functions that handle them) live in their own module,
shared helpers in :mod:`shadow.cli._common`. See "Code map" in docs/architecture.md.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .. import __version__
from ..core.models import UserError, ValidationError
from ..core.store import StoreError, default_db_path
from . import (
    actions,
    backlog,
    calendar,
    coverage,
    data,
    directory,
    feedback,
    listing,
    notes,
    outbox,
    programmes,
    pulse,
    reports,
    secondment,
    settings,
    surveys,
    users,
    versions,
    visits,
)
from ._common import (
    MAX_ID,
    CliError,
    Parser,
    _SafeOutput,
    acting,
    acting_person,
    close_stores,
    db_path,
    json_flag,
    names,
    one_line,
    open_store,
    print_items,
    print_json,
    print_table,
    read_stdin,
    record_id,
    report_error,
    safe_line,
    safe_text,
    stderr_progress,
    visit_key,
    visit_record,
    whole_number,
    write_out,
)
from .tui import run_tui

# What other code imports from ``shadow.cli`` (the helpers moved to _common).
__all__ = [
    "MAX_ID",
    "CliError",
    "Parser",
    "acting",
    "acting_person",
    "build_parser",
    "close_stores",
    "db_path",
    "json_flag",
    "main",
    "names",
    "one_line",
    "open_store",
    "print_items",
    "print_json",
    "print_table",
    "read_stdin",
    "record_id",
    "report_error",
    "run_tui",
    "safe_line",
    "safe_text",
    "stderr_progress",
    "visit_key",
    "visit_record",
    "whole_number",
    "write_out",
]

EPILOG = """\
database: --db PATH, else $SHADOW_DB, else {default}
identity: --as NAME, else $SHADOW_USER, else the person you picked in the TUI
exit status: 0 done; 1 refused or misused, with one line on stderr saying why

examples:
  shadow demo                                   load the sample programme
  shadow person add "Ada Lee" --side it --role "Help desk level 1"
  shadow department add Circulation --hours "Mon-Fri 09:00-17:00" --capacity 3
  shadow list people --json
  shadow import people staff.csv
"""


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="shadow",
        description="Run IT job-shadowing and tour programmes for libraries. "
        "With no command, opens the terminal interface.",
        epilog=EPILOG.format(default=default_db_path()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"shadow {__version__}")
    parser.add_argument("--db", metavar="PATH", help="database file to use")
    parser.add_argument("--as", dest="as_name", metavar="NAME", help="act as this person")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the TUI on a temporary copy of the sample programme (touches no real data)",
    )
    parser.add_argument("--send", action="store_true", help="then send queued mail (see outbox)")
    sub = parser.add_subparsers(dest="command", metavar="command")

    # In the order ``shadow --help`` lists them.
    data.register_demo(sub)
    listing.register(sub)
    directory.register(sub)  # person, department
    visits.register(sub)
    notes.register(sub)  # observe, observation
    backlog.register(sub)  # suggest, suggestion
    notes.register_kudos(sub)  # kudos, check-text
    coverage.register(sub)  # plan
    surveys.register(sub)
    programmes.register(sub)  # goals, programme
    reports.register_export(sub)
    actions.register(sub)
    reports.register(sub)  # report
    settings.register(sub)
    directory.register_import(sub)
    data.register(sub)  # check, history, backup, restore
    feedback.register(sub)

    from .. import serve

    users.register(sub)
    calendar.register(sub)  # calendar feed
    pulse.register(sub)  # pulse link, pulse report
    serve.register(sub)
    outbox.register(sub)
    secondment.register(sub)
    versions.register(sub)  # after every command: adds --if-version to edit/set ones
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        return _run(parser, args)
    stdout = sys.stdout
    sys.stdout = _SafeOutput(stdout)
    try:
        return _run(parser, args)
    finally:
        sys.stdout = stdout


def _run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    try:
        if args.command is None:
            return run_tui(args)
        if args.demo:
            parser.error("--demo opens the TUI; it takes no command")
        status = args.func(args)
        versions.release()  # before --send opens the database again
        if args.send and status == 0:
            outbox.send_after(args)
        return status
    except ValidationError as exc:
        report_error(one_line(exc))
        return 1
    except (StoreError, UserError, CliError) as exc:
        report_error(exc)
        return 1
    except KeyboardInterrupt:
        print("shadow: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    finally:
        close_stores()
