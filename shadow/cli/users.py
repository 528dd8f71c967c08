"""``shadow user add|passwd|list|remove``: the accounts people sign in with when shadow is served.

The rule for who may manage accounts is in :mod:`shadow.core.access`; this module
only reads arguments and passwords and prints results.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from ..core import access, directory
from ..core.store import Store
from ._common import CliError, acting, open_store, print_items


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``user`` command to the top-level parser's subcommands."""
    p = sub.add_parser(
        "user",
        help="manage the accounts people sign in with (shadow serve)",
        description="Accounts for signing in to the served app. Roles: coordinator (directory, "
        "bookings, triage, settings, users), staff (own notes, suggestions, votes, surveys, "
        "own actions, booking requests), viewer (read only). Once any account exists the "
        "roles hold on every path; a person without an account may only read.",
    )
    users = p.subcommands(func=cmd_user, dest="user_action")
    q = users.add_parser("add", help="give a person in the directory an account")
    q.add_argument("name", help="a person in the directory")
    q.add_argument("--role", required=True, choices=access.ROLES)
    q.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    q = users.add_parser("passwd", help="set a new password")
    q.add_argument("name")
    q.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    users.add_parser("list", help="list accounts and their roles", read_only=True).add_json(
        "print a JSON array (each item has id)"
    )
    q = users.add_parser("remove", help="remove a person's account")
    q.add_argument("name")


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        line = sys.stdin.readline()
        return line[:-1] if line.endswith("\n") else line
    if not sys.stdin.isatty():
        raise CliError("no terminal to ask for the password on; use --password-stdin")
    first = getpass.getpass("New password: ")
    if getpass.getpass("Again: ") != first:
        raise CliError("the two passwords differ; nothing was changed")
    return first


def _actor(store: Store, args: argparse.Namespace) -> str:
    """Who is acting; the very first account may be made by its own holder."""
    person = directory.resolve_actor(store, args.as_name)
    if person is None and not access.has_accounts(store) and args.user_action == "add":
        return directory.find_person(store, args.name).name
    return acting(store, args)


def cmd_user(args: argparse.Namespace) -> int:
    store = open_store(args)
    if args.user_action == "list":
        found = [
            {"id": a.person_id, "name": a.name, "role": a.role} for a in access.accounts(store)
        ]
        return print_items(args, found, ["name", "role"])
    actor = _actor(store, args)
    if args.user_action == "add":
        directory.find_person(store, args.name)  # an unknown name fails before the prompt
        access.check(store, actor, "users")
        account = access.add_account(store, actor, args.name, args.role, _password(args))
        print(f"Account for {account.name} ({account.role})")
    elif args.user_action == "passwd":
        access.set_password(store, actor, args.name, _password(args))
        print(f"Password changed for {directory.find_person(store, args.name).name}")
    elif args.user_action == "remove":
        access.remove_account(store, actor, args.name)
        print(f"Account removed for {directory.find_person(store, args.name).name}")
    return 0
