"""``shadow department show NAME [--json]`` (the department card) and
``shadow report said-did --department NAME [--format md|html] [--out FILE]``.

Registered from ``shadow/cli/directory.py`` and ``shadow/cli/reports.py`` (the department subcommand beside add/edit/list, the
report kind beside the others), like ``cli_sla`` does.
"""

from __future__ import annotations

import argparse

from ..core.models import DIRECTIONS
from ..core.store import Store

REPORT_KINDS = ("said-did",)
REPORT_HELP = (
    " shadow report said-did --department NAME [--format md|html] [--out FILE]: "
    "'you said, we did': the suggestions a department raised that were done, in plain "
    "language, with when and by whom."
)


def register_department(dsub: argparse._SubParsersAction) -> None:
    p = dsub.add_parser(
        "show",
        help="the department card: liaison, hosts, coverage both ways, visits, open "
        "suggestions and actions, breaches, kudos, perception gap, secondments",
    )
    p.add_argument("department", metavar="DEPARTMENT")
    p.add_json("print a JSON object")
    p.set_defaults(func=cmd_department_show, read_only=True)


def cmd_department_show(args: argparse.Namespace) -> int:
    from ..core import dates
    from ..core.department_card import card_json, card_lines, read_card
    from ._common import open_store, print_json

    store = open_store(args)
    card = read_card(store, args.department, dates.now())
    if args.json:
        print_json(card_json(card))
        return 0
    for n, (title, lines) in enumerate(card_lines(card)):
        if n:
            print()
        print(title)
        for line in lines:
            print(f"  {line}")
    return 0


def register_report(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--department", metavar="NAME", help="said-did: the department whose suggestions"
    )
    p.add_argument("--format", choices=("md", "html"), help="said-did: md (default) or html")
    p.add_argument(
        "--direction",
        choices=DIRECTIONS,
        help="coverage: IT people visiting library departments (default) or library people "
        "visiting IT teams",
    )


def cmd_report(args: argparse.Namespace, store: Store) -> int:
    from ..core import dates, said_did
    from ._common import CliError
    from .reports import show_text

    if not args.department:
        raise CliError("report said-did needs --department NAME")
    report = said_did.read(store, args.department, dates.now())
    return show_text(said_did.render(report, args.format or "md"), args.out)
