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
import gc
import importlib
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

# Importing what a command needs makes no garbage in cycles: no collection passes over
# it meanwhile, and what it made (modules, classes, functions: alive until the process
# ends) kept out of later ones (``gc.freeze()``); else the first pass afterwards walked it
# all again. 10-20 ms of every command. The collector is as it was afterwards.
_collecting = gc.isenabled()
gc.disable()
try:
    from .. import __version__
    from ..core.models import UserError, ValidationError
    from ..core.store import StoreError, default_db_path
    from . import versions
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
finally:
    gc.freeze()
    if _collecting:
        gc.enable()

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


# Who registers which top-level commands, in the order ``shadow --help`` lists them.
# A command's area module (and what it imports) is loaded only when that command runs
# or the whole parser is asked for (--help, a misused or unknown command):
# tests/cli/test_lazy_parser.py checks this table against what each function registers.
REGISTER: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (".data", "register_demo", ("demo",)),
    (".listing", "register", ("list",)),
    (".directory", "register", ("person", "department")),
    (".visits", "register", ("visit",)),
    (".notes", "register", ("observe", "observation")),
    (".backlog", "register", ("suggest", "suggestion")),
    (".notes", "register_kudos", ("kudos", "check-text")),
    (".coverage", "register", ("plan",)),
    (".surveys", "register", ("survey",)),
    (".programmes", "register", ("goals", "programme")),
    (".reports", "register_export", ("export",)),
    (".actions", "register", ("action",)),
    (".reports", "register", ("report",)),
    (".settings", "register", ("settings",)),
    (".directory", "register_import", ("import",)),
    (".data", "register", ("check", "history", "backup", "restore")),
    (".feedback", "register", ("feedback",)),
    (".users", "register", ("user",)),
    (".calendar", "register", ("calendar",)),
    (".pulse", "register", ("pulse",)),
    ("..serve", "register", ("serve",)),
    (".outbox", "register", ("outbox",)),
    (".secondment", "register", ("secondment",)),
)
COMMANDS = frozenset(name for _, _, commands in REGISTER for name in commands)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole parser, or with ``only`` a command's name just that command's area
    ("" for none of them)."""
    parser = _Top(
        prog="shadow",
        description="Run IT job-shadowing and tour programmes for libraries. "
        "With no command, opens the terminal interface.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"shadow {__version__}")
    add_global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="command", parser_class=Parser)

    # In the order ``shadow --help`` lists them; only the area that owns the command
    # when one is named (see _command).
    for module, function, commands in REGISTER:
        if only is None or only in commands:
            getattr(importlib.import_module(module, __name__), function)(sub)
    versions.register(sub)  # after every command: adds --if-version to edit/set ones
    return parser


class _Top(Parser):
    """``shadow`` itself. Its epilog names the default database, which is looked up
    (platformdirs and what it imports, ~10 ms) only when the help is printed, not by
    every command."""

    def format_help(self) -> str:
        if self.epilog is None:
            self.epilog = EPILOG.format(default=default_db_path())
        return super().format_help()


def add_global_options(parser: argparse.ArgumentParser) -> None:
    """The options before the command (besides help and version): the one list, for the
    parser and for reading which command is named (_command)."""
    parser.add_argument("--db", metavar="PATH", help="database file to use")
    parser.add_argument("--as", dest="as_name", metavar="NAME", help="act as this person")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the TUI on a temporary copy of the sample programme (touches no real data)",
    )
    parser.add_argument("--send", action="store_true", help="then send queued mail (see outbox)")


class _NotPlain(Exception):
    """The top-level arguments are not a plain ``[options] COMMAND ...`` (see _command)."""


class _Peek(argparse.ArgumentParser):
    def error(self, message: str):  # type: ignore[override]
        raise _NotPlain(message)

    def exit(self, status: int = 0, message: str | None = None):  # type: ignore[override]
        raise _NotPlain(message)


def _command(argv: Sequence[str]) -> str | None:
    """The command ``argv`` names, read with the top-level options only ("" for none: the
    TUI); None when it is unknown or anything else needs the whole parser (help, version,
    a misused option), so that every message stays the whole parser's."""
    peek = _Peek(prog="shadow", add_help=False)
    peek.add_argument("-h", "--help", action="store_true")
    peek.add_argument("--version", action="store_true")  # (the parser's prints and exits)
    add_global_options(peek)
    peek.add_argument("rest", nargs=argparse.REMAINDER)
    try:
        args = peek.parse_args(list(argv))
    except _NotPlain:
        return None
    if args.help or args.version:
        return None
    if not args.rest:
        return ""
    return args.rest[0] if args.rest[0] in COMMANDS else None


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    command = _command(argv)
    with collector_paused(command):  # (importing the command's area makes no cycles either)
        parser = build_parser(command)
        args = parser.parse_args(argv)
    if args.command is None:
        return _run(parser, args)
    stdout = sys.stdout
    sys.stdout = _SafeOutput(stdout)
    try:
        return _run(parser, args)
    finally:
        sys.stdout = stdout


@contextmanager
def collector_paused(command: str | None) -> Iterator[None]:
    """A command runs once and ends: no garbage collection while it does (its reads build
    hundreds of thousands of records, rows and clocks and no garbage in cycles, so every
    pass over them was wasted: a quarter of ``list suggestions`` at 150,000 records), as
    the TUI does while a read runs (``tui/loading.py``). Not ``serve``, which runs on and
    on; the collector is as it was afterwards (tests run many commands in one process).
    The store does not collect before a load while the collector is paused."""
    was_on = gc.isenabled()
    if command != "serve":
        gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    try:
        if args.command is None:
            return run_tui(args)
        if args.demo:
            parser.error("--demo opens the TUI; it takes no command")
        with collector_paused(args.command):
            status = args.func(args)
        versions.release()  # before --send opens the database again
        if args.send and status == 0:
            from .outbox import send_after

            send_after(args)
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
