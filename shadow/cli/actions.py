"""``shadow action ...`` and ``list actions``: follow-up actions."""

from __future__ import annotations

import argparse
from typing import Any

from ..core import directory
from ..core.settings import dayfirst
from ..core.store import Store
from . import sla as cli_sla
from . import versions
from ._common import CliError, open_as, print_items, record_id, visit_key, visit_record
from .notes import privacy_warning


def register(sub: Any) -> None:
    """``shadow action ...``."""
    act = sub.add_parser(
        "action", help="follow-up actions: add, start, done, drop, reopen, reassign, due, note"
    )
    asub = act.subcommands(func=cmd_action)
    q = asub.add_parser("add", help="add an action to a suggestion, note or visit")
    q.add_argument("title", metavar="TITLE")
    q.add_argument("--owner", required=True, metavar="NAME")
    q.add_argument("--due", metavar="PHRASE", help="e.g. 'fri', 'in 2 weeks', 'end of month'")
    q.add_argument("--suggestion", metavar="ID", type=record_id)
    q.add_argument("--observation", metavar="ID", type=record_id)
    q.add_argument("--visit", metavar="ID", type=visit_key)
    q.add_argument("--notes")
    for verb, text in (
        ("start", "mark in progress"),
        ("done", "mark done"),
        ("reopen", "open again"),
    ):
        q = asub.add_parser(verb, help=text)
        q.add_id()
        if verb == "reopen":
            q.add_argument(
                "--reason", required=True, metavar="TEXT", help="why (kept in the history)"
            )
        if verb == "done":
            q.add_argument("--close-suggestion", action="store_true",
                           help="if this was the suggestion's last open action, mark the suggestion done")  # fmt: skip
    q = asub.add_parser("drop", help="drop an action (needs --reason)")
    q.add_id()
    q.add_argument("--reason", required=True, metavar="TEXT")
    for verb, text, what, metavar in (
        ("reassign", "give an action to someone else", "owner", "NAME"),
        ("due", "change the due date", "due", "PHRASE"),
        ("note", "add a line to an action's notes", "text", "TEXT"),
    ):
        q = asub.add_parser(verb, help=text)
        q.add_id()
        q.add_argument(what, metavar=metavar)
    cli_sla.register_wait(asub, "action")


def action_json(view: Any) -> dict[str, Any]:
    a = view.action
    return {
        "id": a.id,
        "title": a.title,
        "owner": view.owner,
        "owner_id": a.owner_id,
        "due": a.due,
        "status": a.status,
        "overdue": view.overdue,
        "due_soon": view.due_soon,
        "department": view.department or None,
        "suggestion_id": a.suggestion_id,
        "observation_id": a.observation_id,
        "visit_id": a.visit_id,
        "from": view.origin,
        "notes": a.notes,
        "reason": a.reason,
        "done_at": a.done_at,
        "version": a.version,
    }


def list_actions(store: Store, args: argparse.Namespace) -> int:
    from ..core import actions

    found = actions.views(store)
    if args.owner:
        owner = directory.find_person(store, args.owner)
        found = [v for v in found if v.action.owner_id == owner.id]
    if args.overdue:
        found = [v for v in found if v.overdue]
    if args.status:
        if args.status not in ("open", "in progress", "done", "dropped"):
            raise CliError("action status must be one of: open, in progress, done, dropped")
        found = [v for v in found if v.action.status == args.status]
    if args.department:
        dept = directory.find_department(store, args.department)
        found = [v for v in found if v.department == dept.name]
    items = [action_json(v) for v in found]
    return print_items(
        args,
        items,
        ["id", "due", "title", "owner", "status", "department"],
        lambda i: [
            i["id"],
            (i["due"] or "") + (" OVERDUE" if i["overdue"] else ""),
            i["title"],
            i["owner"],
            i["status"],
            i["department"] or "",
        ],
    )


def cmd_action(args: argparse.Namespace) -> int:
    from ..core import actions, backlog

    if args.action in ("wait", "resume"):
        return cli_sla.cmd_wait(args, "actions")
    store, actor = open_as(args)
    if args.action == "add":
        values: dict[str, Any] = {
            "title": args.title,
            "owner": args.owner,
            "notes": args.notes or "",
        }
        for key in ("due", "suggestion", "observation", "visit"):
            if getattr(args, key):
                values[key] = getattr(args, key)
        if args.visit:
            values["visit"] = visit_record(store, actor, args.visit)
        action = actions.action_from_input(store, values, dayfirst=dayfirst())
        aid = actions.add(store, actor, action)
        due = f", due {action.due}" if action.due else ""
        print(
            f"action #{aid}: {action.title} ({directory.find_person(store, action.owner_id).name}{due})"
        )
        privacy_warning({"title": action.title, "notes": action.notes})
        return 0
    if args.action in ("start", "done", "drop", "reopen"):
        status = {"start": "in progress", "done": "done", "drop": "dropped", "reopen": "open"}[
            args.action
        ]
        outcome = actions.set_status(
            store, actor, args.id, status, getattr(args, "reason", "") or ""
        )
        print(outcome.message)
        if outcome.suggestion_ready:
            if getattr(args, "close_suggestion", False):
                backlog.set_status(
                    store, actor, outcome.suggestion_ready, "done", "all its actions are done"
                )
                print(f"suggestion #{outcome.suggestion_ready} is now done")
            else:
                print(
                    f"that was the last open action of suggestion #{outcome.suggestion_ready}; mark it done with "
                    f"'shadow suggestion status {outcome.suggestion_ready} done' (or pass --close-suggestion)"
                )
        return 0
    base = actions.get(store, args.id)
    versions.require(store, args, "actions", base.id)
    values = {}
    if args.action == "reassign":
        values["owner"] = args.owner
    elif args.action == "due":
        values["due"] = args.due
    elif args.action == "note":
        values["notes"] = (base.notes + "\n" if base.notes else "") + args.text
    updated = actions.action_from_input(store, values, base, dayfirst=dayfirst())
    if not actions.update(store, actor, updated, expect_version=args.if_version):
        print(f"nothing changed: action #{base.id} already reads so")
        return 0
    print(f"action #{base.id} updated")
    privacy_warning({"text": args.text} if args.action == "note" else {})
    return 0
